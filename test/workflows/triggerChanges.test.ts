/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Trigger On → Changes in a Table, polled as n8n polls it (PollTriggerExecutor, static data kept between
 * ticks) against the emulator's change tracking: item shapes, the server's clock as window end, paging
 * inside a window, key columns, actions, Start From, failed polls and the refusals explained.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';
import type { WorkflowJson } from './harness';
import { useEmulator } from './setup';
import { ActiveTrigger, type PollOutcome } from './triggerHarness';

const env = useEmulator();

const sql = (statement: string): Promise<EngineResult> => env.emulator.sql(statement);

const ACCOUNTS = { __rl: true, mode: 'name', value: 'accounts' };

function active(parameters: IDataObject): ActiveTrigger {
	return new ActiveTrigger({ mode: 'changes', table: ACCOUNTS, ...parameters }, () => env.credentials());
}

async function pollOk(trigger: ActiveTrigger): Promise<PollOutcome> {
	const outcome = await trigger.poll();
	if (outcome.error) throw outcome.error;
	return outcome;
}

const json = (items: INodeExecutionData[]): IDataObject[] => items.map((item) => item.json);
/** Items without their row ids (opaque), for comparison. */
const shapes = (items: INodeExecutionData[]) => json(items).map(({ rowId, ...rest }) => (expect(typeof rowId).toBe('string'), rest));

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE accounts (id NUMBER(10, 0), name VARCHAR, balance NUMBER(10, 2)) CHANGE_TRACKING = TRUE');
	await sql("INSERT INTO accounts VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
});

describe('changes in a table', () => {
	it('starts from now, then emits one item per change: insert, update (with the old row), delete', async () => {
		const trigger = active({});
		expect((await pollOk(trigger)).emitted).toBe(false);
		await sql("INSERT INTO accounts VALUES (3, 'Linus', 30)");
		await sql("UPDATE accounts SET balance = 11.5 WHERE id = 1");
		await sql('DELETE FROM accounts WHERE id = 2');
		const outcome = await pollOk(trigger);
		expect(shapes(outcome.items).sort((a, b) => String(a.action).localeCompare(String(b.action)))).toEqual([
			{ action: 'delete', row: { ID: 2, NAME: 'Grace', BALANCE: 20 } },
			{ action: 'insert', row: { ID: 3, NAME: 'Linus', BALANCE: 30 } },
			{ action: 'update', row: { ID: 1, NAME: 'Ada', BALANCE: 11.5 }, previous: { ID: 1, NAME: 'Ada', BALANCE: 10 } },
		]);
		expect((await pollOk(trigger)).emitted).toBe(false);
	});

	it('the window ends at the server clock read by the poll (CURRENT_TIMESTAMP()), bound as TIMESTAMP_LTZ, never pasted', async () => {
		const trigger = active({});
		await pollOk(trigger);
		await sql("INSERT INTO accounts VALUES (3, 'Linus', 30)");
		env.proxy.requests.splice(0);
		await pollOk(trigger);
		const submits = env.proxy.submits() as Array<{ statement: string; bindings?: Record<string, { type: string; value: string }> }>;
		expect(submits[0].statement).toBe('SELECT CURRENT_TIMESTAMP() AS "NOW"');
		const changes = submits[1];
		expect(changes.statement).toMatch(/^SELECT \* FROM "ACCOUNTS" CHANGES\(INFORMATION => DEFAULT\) AT\(TIMESTAMP => \?::TIMESTAMP_LTZ\) END\(TIMESTAMP => \?::TIMESTAMP_LTZ\)/);
		expect(changes.bindings?.['1'].type).toBe('TIMESTAMP_LTZ');
		const position = trigger.staticData.changes as { position: string; positionShown: string };
		expect(changes.bindings?.['2']).toEqual({ type: 'TIMESTAMP_LTZ', value: position.position });
		expect(position.positionShown).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
	});

	it('Max Changes per Poll pages a window by row id: no change lost or repeated, an update pair never split, the position moves at the end', async () => {
		const trigger = active({ changesPerPoll: 2 });
		await pollOk(trigger);
		await sql("INSERT INTO accounts VALUES (3, 'c', 3), (4, 'd', 4), (5, 'e', 5)");
		await sql('UPDATE accounts SET balance = balance + 100');
		await sql('DELETE FROM accounts WHERE id = 4');
		const initial = (trigger.staticData.changes as { position: string }).position;
		const first = await pollOk(trigger);
		// Stopped inside the window: the window and the last row id are stored, the position stays.
		const paused = trigger.staticData.changes as { position: string; window?: { after?: string } };
		expect(first.items).toHaveLength(2);
		expect(paused.position).toBe(initial);
		expect(paused.window?.after).toBe(first.items[1].json.rowId);
		const second = await pollOk(trigger);
		expect(second.items).toHaveLength(2);
		const done = trigger.staticData.changes as { position: string; window?: unknown };
		expect(done.window).toBeUndefined();
		expect(done.position).not.toBe(initial);
		const seen = json([...first.items, ...second.items]);
		// 1 and 2 updated; 3 and 5 inserted (with their new balance); 4 inserted and deleted: nothing.
		expect(seen.map((item) => `${item.action} ${(item.row as IDataObject).ID} ${(item.row as IDataObject).BALANCE}`).sort()).toEqual([
			'insert 3 103',
			'insert 5 105',
			'update 1 110',
			'update 2 120',
		]);
		expect(new Set(seen.map((item) => item.rowId)).size).toBe(4);
		expect((await pollOk(trigger)).emitted).toBe(false);
	});

	it('with Key Columns, deletes come first and an update of a key is a delete + insert: applying by key reproduces the table', async () => {
		const trigger = active({ changesPerPoll: 1, options: { keyColumns: 'id' } });
		await pollOk(trigger);
		const copy = new Map<number, IDataObject>();
		for (const row of (await sql('SELECT * FROM accounts')).data) copy.set(Number(row[0]), { ID: Number(row[0]), NAME: row[1] });
		await sql('UPDATE accounts SET id = 3 - id');
		await sql("INSERT INTO accounts VALUES (7, 'new', 0)");
		const actions: string[] = [];
		for (let i = 0; i < 8; i++) {
			for (const item of json((await pollOk(trigger)).items)) {
				const row = item.row as IDataObject;
				actions.push(String(item.action));
				if (item.action === 'delete') copy.delete(Number(row.ID));
				else copy.set(Number(row.ID), { ID: row.ID, NAME: row.NAME });
			}
		}
		expect(actions).toEqual(['delete', 'delete', 'insert', 'insert', 'insert']);
		const source = (await sql('SELECT id, name FROM accounts ORDER BY id')).data.map((r) => ({ ID: Number(r[0]), NAME: r[1] }));
		expect([...copy.values()].sort((a, b) => Number(a.ID) - Number(b.ID))).toEqual(source);
	});

	it('Actions to Emit skips the other changes, and the position still moves past them', async () => {
		const trigger = active({ changeActions: ['delete'] });
		await pollOk(trigger);
		await sql("INSERT INTO accounts VALUES (3, 'c', 3)");
		await sql('DELETE FROM accounts WHERE id = 1');
		expect(shapes((await pollOk(trigger)).items)).toEqual([{ action: 'delete', row: { ID: 1, NAME: 'Ada', BALANCE: 10 } }]);
		expect((await pollOk(trigger)).emitted).toBe(false);
	});

	it('Start From a timestamp emits the changes committed after it at the first activation', async () => {
		const cell = (await sql('SELECT CURRENT_TIMESTAMP()')).data[0][0] as string;
		const start = new Date(Number(cell.split('.')[0]) * 1000 + Number(`0.${cell.split('.')[1]}`) * 1000).toISOString();
		await sql("SELECT SYSTEM$WAIT(5, 'MILLISECONDS')");
		await sql("INSERT INTO accounts VALUES (3, 'c', 3)");
		const trigger = active({ changesStartFrom: 'timestamp', startTimestamp: start });
		expect(shapes((await pollOk(trigger)).items)).toEqual([{ action: 'insert', row: { ID: 3, NAME: 'c', BALANCE: 3 } }]);
	});

	it('Start From a timestamp given by an expression ({{ $now… }}, a Luxon DateTime), with Enable Change Tracking turning tracking on first', async () => {
		await sql('CREATE OR REPLACE TABLE accounts (id NUMBER(10, 0))');
		const trigger = active({ changesStartFrom: 'timestamp', startTimestamp: '={{ $now.plus({ minutes: 1 }) }}', options: { enableChangeTracking: true } });
		expect((await pollOk(trigger)).items).toEqual([]);
		expect((await sql("SHOW TABLES LIKE 'ACCOUNTS'")).data[0][12]).toBe('ON');
	});

	it('Max Changes per Poll above 100,000 is refused with the range (one poll holds all its items at once)', async () => {
		const outcome = await active({ changesPerPoll: 200_000 }).poll();
		expect(outcome.error?.message).toBe('Max Changes per Poll must be a whole number from 1 to 100000 (got 200000); the rest of a window follows on the next polls.');
	});

	it('a poll that fails emits nothing and moves nothing: the next poll emits the same changes once', async () => {
		const trigger = active({});
		await pollOk(trigger);
		await sql("INSERT INTO accounts VALUES (3, 'c', 3)");
		const before = JSON.stringify(trigger.staticData.changes);
		env.proxy.respond = (request) =>
			request.body && String(request.body.statement).includes('CHANGES(')
				? { status: 422, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '000603', sqlState: 'XX000', message: 'SQL execution internal error', statementHandle: '01b00000-0000-0000-0000-000000000001' }) }
				: undefined;
		const failed = await trigger.poll();
		expect(failed.error).toBeDefined();
		expect(failed.emitted).toBe(false);
		expect(JSON.stringify(trigger.staticData.changes)).toBe(before);
		env.proxy.respond = undefined;
		expect(shapes((await pollOk(trigger)).items)).toEqual([{ action: 'insert', row: { ID: 3, NAME: 'c', BALANCE: 3 } }]);
	});

	it('Fetch Test Event shows the next changes without moving the position', async () => {
		const trigger = active({});
		await pollOk(trigger);
		await sql("INSERT INTO accounts VALUES (3, 'c', 3)");
		const before = JSON.stringify(trigger.staticData.changes);
		const { items } = await trigger.fetchTestEvent();
		expect(shapes(items)).toEqual([{ action: 'insert', row: { ID: 3, NAME: 'c', BALANCE: 3 } }]);
		expect(JSON.stringify(trigger.staticData.changes)).toBe(before);
	});
});

describe('refusals explained', () => {
	it('change tracking off: activation fails and shows the ALTER TABLE to run; with Enable Change Tracking it turns it on', async () => {
		await sql('CREATE OR REPLACE TABLE accounts (id NUMBER(10, 0))');
		const outcome = await active({}).poll();
		expect(outcome.error?.message).toMatch(/Change tracking is off on "ACCOUNTS"/);
		expect(outcome.error?.description).toContain('ALTER TABLE "ACCOUNTS" SET CHANGE_TRACKING = TRUE;');
		const consenting = active({ options: { enableChangeTracking: true } });
		await pollOk(consenting);
		expect((await sql("SHOW TABLES LIKE 'ACCOUNTS'")).data[0][12]).toBe('ON');
		await sql('INSERT INTO accounts VALUES (9)');
		expect(shapes((await pollOk(consenting)).items)).toEqual([{ action: 'insert', row: { ID: 9 } }]);
	});

	it('a recreated table: says so, what is lost and how to restart', async () => {
		const trigger = active({});
		await pollOk(trigger);
		await sql("SELECT SYSTEM$WAIT(5, 'MILLISECONDS')");
		await sql('CREATE OR REPLACE TABLE accounts (id NUMBER(10, 0)) CHANGE_TRACKING = TRUE');
		const outcome = await trigger.poll();
		expect(outcome.error?.message).toMatch(/"ACCOUNTS" was dropped and created again at .* after the trigger's position/);
		expect(outcome.error?.description).toMatch(/Sync the target again.*Start From/s);
	});

	it('a dropped table, and tracking turned off since the position', async () => {
		const trigger = active({});
		await pollOk(trigger);
		await sql('ALTER TABLE accounts SET CHANGE_TRACKING = FALSE');
		await sql('ALTER TABLE accounts SET CHANGE_TRACKING = TRUE');
		const off = await trigger.poll();
		expect(off.error?.message).toMatch(/or was off for part of the time since/);
		await sql('DROP TABLE accounts');
		const dropped = await trigger.poll();
		expect(dropped.error?.message).toMatch(/"ACCOUNTS" does not exist, or the role cannot see it/);
		expect(dropped.error?.description).toMatch(/USAGE on the database and schema and SELECT on the table/);
	});
});

describe('examples/triggers/trigger-changes-sync.json', () => {
	it('imports as is: each poll\'s changes, routed by the If node, upsert and delete in the copy table until it equals the source', async () => {
		const { readFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		const workflow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'triggers', 'trigger-changes-sync.json'), 'utf8')) as WorkflowJson;
		await sql('CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR) CHANGE_TRACKING = TRUE');
		await sql("INSERT INTO demo_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'new')");
		// The copy starts as the table is when the trigger is activated (Start From: now).
		await sql('CREATE OR REPLACE TABLE demo_orders_copy AS SELECT * FROM demo_orders');
		const trigger = new ActiveTrigger({ workflow }, () => env.credentials());
		expect((await pollOk(trigger)).emitted).toBe(false);
		const sync = async () => {
			const outcome = await pollOk(trigger);
			if (outcome.items.length === 0) return [];
			const run = await trigger.runEmitted(outcome.items);
			expect(run.data.resultData.error).toBeUndefined();
			return json(outcome.items).map((item) => item.action);
		};
		const table = async (name: string) => (await sql(`SELECT id, customer, amount, status FROM ${name} ORDER BY id`)).data;
		await sql("INSERT INTO demo_orders VALUES (3, 'Linus', 7.25, 'new')");
		await sql("UPDATE demo_orders SET status = 'paid', amount = 31 WHERE id = 2");
		await sql('DELETE FROM demo_orders WHERE id = 1');
		expect((await sync()).sort()).toEqual(['delete', 'insert', 'update']);
		expect(await table('demo_orders_copy')).toEqual(await table('demo_orders'));
		// A key moves to an id a deleted row had: deletes run first, so the copy still matches.
		await sql('DELETE FROM demo_orders WHERE id = 3');
		await sql('UPDATE demo_orders SET id = 3 WHERE id = 2');
		expect(await sync()).toEqual(['delete', 'delete', 'insert']);
		expect(await table('demo_orders_copy')).toEqual([['3', 'Grace', '31.00', 'paid']]);
		expect(await sync()).toEqual([]);
	});
});
