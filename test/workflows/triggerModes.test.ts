/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The trigger's custom-query mode, start values, manual "Fetch Test Event", settings changes and error
 * paths, polled as n8n polls it against the emulator's DuckDB engine.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';
import { useEmulator } from './setup';
import { ActiveTrigger, TRIGGER_NAME, type PollOutcome } from './triggerHarness';

const env = useEmulator();

const sql = (statement: string): Promise<EngineResult> => env.emulator.sql(statement);

const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const JOINED =
	'SELECT o.id AS order_id, o.updated_at, c.name AS customer\nFROM orders o JOIN customers c ON c.id = o.customer_id\n-- only what changed: :watermark in a comment is not a placeholder\nWHERE o.updated_at >= :watermark AND c.name <> \':watermark\';';

function active(parameters: IDataObject, credentials: IDataObject = {}): ActiveTrigger {
	return new ActiveTrigger(parameters, () => env.credentials(credentials as never));
}

async function pollOk(trigger: ActiveTrigger): Promise<PollOutcome> {
	const outcome = await trigger.poll();
	if (outcome.error) throw outcome.error;
	return outcome;
}

function json(items: INodeExecutionData[]): IDataObject[] {
	return items.map((item) => item.json);
}

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE customers (id NUMBER(10, 0), name VARCHAR)');
	await sql("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace')");
	await sql('CREATE OR REPLACE TABLE orders (id NUMBER(10, 0), customer_id NUMBER(10, 0), updated_at TIMESTAMP_NTZ(9), flag BOOLEAN)');
	await sql("INSERT INTO orders VALUES (1, 1, '2024-01-01 08:00:00', TRUE), (2, 2, '2024-01-01 09:00:00', FALSE)");
});

describe('custom query with :watermark', () => {
	it('binds :watermark (never pasted into the SQL) and emits new rows of the join once', async () => {
		const trigger = active({ mode: 'customQuery', query: JOINED, watermarkColumn: 'updated_at', startFrom: 'value', startValue: '2024-01-01T08:30:00', options: { startValueType: 'TIMESTAMP_NTZ' } });
		expect(json((await pollOk(trigger)).items)).toEqual([{ ORDER_ID: 2, UPDATED_AT: '2024-01-01T09:00:00.000000000', CUSTOMER: 'Grace' }]);
		await sql("INSERT INTO orders VALUES (3, 1, '2024-01-01 09:00:00', TRUE), (4, 2, '2024-01-01 10:00:00', TRUE)");
		expect(json((await pollOk(trigger)).items).map((row) => row.ORDER_ID)).toEqual([3, 4]);
		expect((await pollOk(trigger)).emitted).toBe(false);
		const submits = env.proxy.submits();
		const last = submits[submits.length - 1] as { statement: string; bindings: Record<string, { type: string; value: string }> };
		expect(last.statement).toContain('WHERE o.updated_at >= ? AND');
		expect(last.statement).toContain("c.name <> ':watermark'");
		expect(last.statement).not.toContain('2024');
		expect(last.bindings['1']).toEqual({ type: 'TIMESTAMP_NTZ', value: String(Date.UTC(2024, 0, 1, 10) * 1e6) });
	});

	it('starts from now with the Start Value as the first :watermark; rows present are skipped', async () => {
		const trigger = active({ mode: 'customQuery', query: JOINED, watermarkColumn: 'updated_at', startFrom: 'now', startValue: '2000-01-01T00:00:00', options: { startValueType: 'TIMESTAMP_NTZ' } });
		expect((await pollOk(trigger)).emitted).toBe(false);
		await sql("INSERT INTO orders VALUES (5, 2, '2024-01-02 00:00:00', TRUE)");
		expect(json((await pollOk(trigger)).items)).toEqual([{ ORDER_ID: 5, UPDATED_AT: '2024-01-02T00:00:00.000000000', CUSTOMER: 'Grace' }]);
	});

	it('without a Start Value, a query using :watermark fails with a clear message', async () => {
		const outcome = await active({ mode: 'customQuery', query: JOINED, watermarkColumn: 'updated_at', startFrom: 'now' }).poll();
		expect(outcome.error?.message).toMatch(/uses :watermark.*set Start Value/);
	});

	it('other placeholders and several statements are refused before anything is sent', async () => {
		const placeholders = await active({ mode: 'customQuery', query: 'SELECT * FROM orders WHERE id > ?', watermarkColumn: 'id' }).poll();
		expect(placeholders.error?.message).toMatch(/no \? or :1 placeholders/);
		const many = await active({ mode: 'customQuery', query: 'SELECT 1 AS id; SELECT 2 AS id', watermarkColumn: 'id' }).poll();
		expect(many.error?.message).toMatch(/2 statements/);
		expect(env.proxy.submits()).toHaveLength(0);
	});
});

describe('start values and settings', () => {
	it('a start value typed as text is cast by Snowflake to the column type (Auto)', async () => {
		const trigger = active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'updated_at', startFrom: 'value', startValue: '2024-01-01 08:30:00' });
		expect(json((await pollOk(trigger)).items).map((row) => row.ID)).toEqual([2]);
	});

	it('an expression start value is read once, at the first poll', async () => {
		const trigger = active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id', startFrom: 'value', startValue: '={{ 1 + 1 }}' });
		expect(json((await pollOk(trigger)).items).map((row) => row.ID)).toEqual([2]);
		expect(trigger.staticData.state).toMatchObject({ start: { type: 'FIXED', value: '2' } });
	});

	it('changing the watermark column or the start starts over; changing the limit does not', async () => {
		const trigger = active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id', startFrom: 'value', startValue: '1' });
		expect((await pollOk(trigger)).items).toHaveLength(2);
		trigger.setParameter('rowsPerPoll', 5);
		expect((await pollOk(trigger)).emitted).toBe(false);
		trigger.setParameter('startValue', '2');
		expect(json((await pollOk(trigger)).items).map((row) => row.ID)).toEqual([2]);
	});

	it('a quoted table name keeps its case (identifier rules of Select)', async () => {
		await sql('CREATE OR REPLACE TABLE "Mixed Case" ("Seq" NUMBER(10, 0), v VARCHAR)');
		await sql('INSERT INTO "Mixed Case" VALUES (1, \'a\')');
		const trigger = active({ mode: 'newRows', table: { __rl: true, mode: 'name', value: '"Mixed Case"' }, watermarkColumn: '"Seq"', startFrom: 'value', startValue: '0' });
		expect(json((await pollOk(trigger)).items)).toEqual([{ Seq: 1, V: 'a' }]);
		expect((env.proxy.submits()[0] as { statement: string }).statement).toBe(
			'SELECT * FROM "Mixed Case" WHERE "Seq" >= ? ORDER BY "Seq" ASC LIMIT 1000',
		);
	});
});

describe('manual mode (Fetch Test Event)', () => {
	it('returns the latest row when nothing is new, and never moves the stored watermark', async () => {
		const trigger = active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id' });
		const sample = await trigger.fetchTestEvent();
		expect(sample.run.status).toBe('success');
		expect(json(sample.items)).toEqual([{ ID: 2, CUSTOMER_ID: 2, UPDATED_AT: '2024-01-01T09:00:00.000000000', FLAG: false }]);
		expect(trigger.staticData.state).toBeUndefined();

		await pollOk(trigger); // activation: rows 1 and 2 are present
		const state = JSON.stringify(trigger.staticData.state);
		await sql("INSERT INTO orders VALUES (3, 1, '2024-01-03 00:00:00', TRUE)");
		expect(json((await trigger.fetchTestEvent()).items).map((row) => row.ID)).toEqual([3]);
		expect(JSON.stringify(trigger.staticData.state)).toBe(state);
		expect(json((await pollOk(trigger)).items).map((row) => row.ID)).toEqual([3]);
		expect(json((await trigger.fetchTestEvent()).items).map((row) => row.ID)).toEqual([3]);
	});

	it('an empty table: the test event fails with "No rows found"', async () => {
		await sql('DELETE FROM orders');
		const { run } = await active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id' }).fetchTestEvent();
		expect(run.status).toBe('error');
		expect(run.data.resultData.error?.message).toBe('No rows found');
		expect(run.data.resultData.runData[TRIGGER_NAME]?.[0]?.error?.message).toBe('No rows found');
	});
});

describe('errors', () => {
	it('a missing table: NodeApiError with Snowflake code, sqlState and statement handle; the state is untouched', async () => {
		const trigger = active({ mode: 'newRows', table: { __rl: true, mode: 'name', value: 'no_such_table' }, watermarkColumn: 'id' });
		const { error } = await trigger.poll();
		expect(error?.constructor.name).toBe('NodeApiError');
		expect(error?.message).toMatch(/does not exist or not authorized/);
		expect(error?.message).toMatch(/\(code 002003, SQL state 42S02\)$/);
		expect((error as unknown as { errorResponse: IDataObject }).errorResponse).toMatchObject({ code: '002003', sqlState: '42S02', statementHandle: expect.any(String) });
		expect(error?.description).toMatch(/Statement handle: /);
		expect(trigger.staticData.state).toBeUndefined();
	});

	it('a watermark column that is not in the result, or of a type that cannot grow', async () => {
		const missing = await active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'created_at', startFrom: 'value', startValue: '1' }).poll();
		expect(missing.error?.constructor.name).toBe('NodeApiError');
		expect(missing.error?.message).toMatch(/invalid identifier|CREATED_AT/);
		const boolean = await active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'flag' }).poll();
		expect(boolean.error?.constructor.name).toBe('NodeOperationError');
		expect(boolean.error?.message).toBe('The watermark column FLAG is BOOLEAN; it must be a number, date, time, timestamp or text that grows for new rows');
		const query = await active({ mode: 'customQuery', query: 'SELECT id AS order_id FROM orders', watermarkColumn: 'id', startFrom: 'value', startValue: '0' }).poll();
		expect(query.error?.message).toMatch(/not among the columns|invalid identifier/);
	});

	it('an unknown user: the auth hint of the action node (401)', async () => {
		const { error } = await active({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id' }, { user: 'SOMEONE_ELSE' }).poll();
		expect(error?.constructor.name).toBe('NodeApiError');
		expect(error?.httpCode).toBe('401');
		expect(error?.description).toMatch(/SOMEONE_ELSE/);
	});

	it('an invalid identifier is refused before anything is sent', async () => {
		const { error } = await active({ mode: 'newRows', table: ORDERS, watermarkColumn: '"unclosed' }).poll();
		expect(error?.constructor.name).toBe('NodeOperationError');
		expect(error?.message).toMatch(/Invalid watermark column '"unclosed'/);
		expect(env.proxy.submits()).toHaveLength(0);
	});
});

describe('examples/triggers/trigger-new-rows.json', () => {
	it('imports as is: the test event shows the latest row, then polls emit each new row once', async () => {
		const { readFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'triggers', 'trigger-new-rows.json'), 'utf8')) as {
			nodes: Array<{ type: string; parameters: IDataObject }>;
		};
		const node = workflow.nodes.find((candidate) => candidate.type === 'n8n-nodes-snowflake-sql-api.snowflakeSqlApiTrigger');
		await sql('CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)');
		await sql("INSERT INTO demo_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'new')");
		const trigger = active(node?.parameters ?? {});
		expect(json((await trigger.fetchTestEvent()).items)).toEqual([{ ID: 2, CUSTOMER: 'Grace', AMOUNT: 30, STATUS: 'new' }]);
		expect((await pollOk(trigger)).emitted).toBe(false);
		await sql("INSERT INTO demo_orders VALUES (3, 'Linus', 7.25, 'new')");
		expect(json((await pollOk(trigger)).items)).toEqual([{ ID: 3, CUSTOMER: 'Linus', AMOUNT: 7.25, STATUS: 'new' }]);
		expect((await pollOk(trigger)).emitted).toBe(false);
	});
});
