 
/**
 * The write path (Insert, Update, Upsert, Delete) beyond the happy path: parameters evaluated per item
 * (items for several tables or contexts), continueOnFail for every per-item failure, a refused batch
 * bisected down to its bad items, what the error says was already written, rows-affected hints, a
 * mistyped match column, and objects into VARIANT columns. Every write is read back from the table.
 */
import type { IDataObject } from 'n8n-workflow';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';
import { plain, runWorkflow, snowflakeWorkflow, type NodeOptions, type RunResult } from './harness';
import { useEmulator } from './setup';

/** Statement builds of the write operations: bad items are collected in one build, not one build per bad item. */
const builds = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../nodes/SnowflakeSqlApi/helpers/sql', async (importOriginal) => {
	const actual = await importOriginal<typeof import('../../nodes/SnowflakeSqlApi/helpers/sql')>();
	const counted =
		<Args extends unknown[], Result>(build: (...args: Args) => Result) =>
		(...args: Args): Result => {
			builds.count++;
			return build(...args);
		};
	return {
		...actual,
		buildInsert: counted(actual.buildInsert),
		buildUpdate: counted(actual.buildUpdate),
		buildUpsert: counted(actual.buildUpsert),
		buildDelete: counted(actual.buildDelete),
	};
});

const env = useEmulator({ syncWaitMs: 200 });
const NODE = 'Snowflake SQL API';
const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const CONTINUE: NodeOptions = { onError: 'continueRegularOutput' };

async function run(parameters: IDataObject, items: IDataObject[], options: NodeOptions = {}): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow(parameters, { items, ...options }), env.credentials());
}

const sql = (statement: string): Promise<EngineResult> => env.emulator.sql(statement);

const rows = async (statement: string) => (await sql(statement)).data;
const sent = () => env.proxy.submits().map((body) => body.statement);
const hints = (result: RunResult) => result.run.data.resultData.runData[NODE][0].hints;

beforeEach(async () => {
	builds.count = 0;
	await sql('CREATE OR REPLACE TABLE ORDERS (ID NUMBER(38,0), NAME VARCHAR, STATUS VARCHAR, AMOUNT NUMBER(10,2), PAYLOAD VARIANT)');
	await sql('CREATE OR REPLACE TABLE ORDERS_B (ID NUMBER(38,0), NAME VARCHAR, STATUS VARCHAR)');
});

describe('parameters are evaluated per item', () => {
	it('Table = {{ $json.t }}: each item lands in its own table, output in item order', async () => {
		const items = [
			{ t: 'orders', id: 1 },
			{ t: 'orders_b', id: 2 },
			{ t: 'orders', id: 3 },
		];
		const result = await run(
			{
				operation: 'insert',
				table: { __rl: true, mode: 'name', value: '={{ $json.t }}' },
				dataMode: 'defineBelow',
				valuesToSend: { values: [{ column: 'id', value: '={{ $json.id }}' }] },
			},
			items,
		);
		expect(plain(result.output(NODE))).toEqual([1, 2, 3].map((id, item) => ({ json: { id }, pairedItem: { item } })));
		expect(sent()).toEqual(['INSERT INTO "ORDERS" ("ID") VALUES (?), (?)', 'INSERT INTO "ORDERS_B" ("ID") VALUES (?)']);
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1'], ['3']]);
		expect(await rows('SELECT ID FROM ORDERS_B ORDER BY ID')).toEqual([['2']]);
	});

	it('options (warehouse, query tag) and Columns to Match On per item: one batch per distinct value', async () => {
		await sql("INSERT INTO ORDERS (ID, NAME, STATUS) VALUES (1, 'a', 'open'), (2, 'b', 'open')");
		const items = [
			{ wh: 'WH_ONE', match: 'id', id: 1, name: 'x' },
			{ wh: 'WH_TWO', match: 'name', name: 'b', status: 'closed' },
		];
		await run(
			{
				operation: 'update',
				table: ORDERS,
				dataMode: 'defineBelow',
				valuesToSend: {
					values: [
						{ column: 'id', value: '={{ $json.id }}' },
						{ column: 'name', value: '={{ $json.name }}' },
						{ column: 'status', value: '={{ $json.status }}' },
					],
				},
				matchColumns: '={{ $json.match }}',
				options: { warehouse: { __rl: true, mode: 'name', value: '={{ $json.wh }}' }, queryTag: 'tag' },
			},
			items,
		);
		const submits = env.proxy.submits();
		expect(submits.map((body) => body.warehouse)).toEqual(['WH_ONE', 'WH_TWO']);
		expect(submits.map((body) => body.statement)).toEqual([
			expect.stringContaining('ON t."ID" IS NOT DISTINCT FROM s."ID"'),
			expect.stringContaining('ON t."NAME" IS NOT DISTINCT FROM s."NAME"'),
		]);
		expect(await rows('SELECT ID, NAME, STATUS FROM ORDERS ORDER BY ID')).toEqual([
			['1', 'x', 'open'],
			['2', 'b', 'closed'],
		]);
	});
});

describe('continueOnFail covers every per-item failure', () => {
	it('an expression in Values to Send that throws for one item: that item is an error item, the others are written', async () => {
		const result = await run(
			{
				operation: 'insert',
				table: ORDERS,
				dataMode: 'defineBelow',
				valuesToSend: { values: [{ column: 'id', value: '={{ $json.id }}' }, { column: 'name', value: '={{ $json.id === 2 ? $("No Such Node").item.json.name : $json.name }}' }] },
			},
			[{ id: 1, name: 'X' }, { id: 2 }, { id: 3, name: 'Z' }],
			CONTINUE,
		);
		const output = plain(result.output(NODE));
		expect(output).toHaveLength(3);
		expect(output[0]).toEqual({ json: { id: 1, name: 'X' }, pairedItem: { item: 0 } });
		expect(output[1]).toEqual({ json: expect.objectContaining({ error: expect.any(String), itemIndex: 1 }), pairedItem: { item: 1 } });
		expect(output[2]).toEqual({ json: { id: 3, name: 'Z' }, pairedItem: { item: 2 } });
		expect(await rows('SELECT ID, NAME FROM ORDERS ORDER BY ID')).toEqual([
			['1', 'X'],
			['3', 'Z'],
		]);
	});

	it('a role option that is no valid name for one item: that item fails, the others are written', async () => {
		const result = await run(
			{
				operation: 'insert',
				table: ORDERS,
				dataMode: 'autoMapInputData',
				options: { role: { __rl: true, mode: 'name', value: '={{ $("Trigger").item.json.id === 2 ? "\\"open" : "" }}' } },
			},
			[{ id: 1 }, { id: 2 }, { id: 3 }],
			CONTINUE,
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1 }, pairedItem: { item: 0 } },
			{ json: { error: 'Invalid role \'"open\': a double quote opens a name but never closes it', itemIndex: 1 }, pairedItem: { item: 1 } },
			{ json: { id: 3 }, pairedItem: { item: 2 } },
		]);
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1'], ['3']]);
	});

	it('a failure common to all items (no table) fails each item', async () => {
		const result = await run({ operation: 'insert', table: { __rl: true, mode: 'name', value: '={{ $json.t }}' }, dataMode: 'autoMapInputData' }, [{ id: 1 }, { id: 2 }], CONTINUE);
		expect(plain(result.output(NODE))).toEqual([0, 1].map((item) => ({ json: { error: 'Choose a table.', itemIndex: item }, pairedItem: { item } })));
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('a batch Snowflake refuses', () => {
	it('continueOnFail: the batch is bisected until the bad item is isolated; the good items are written', async () => {
		const items = [1, 2, 3, 4, 5, 6].map((id) => ({ id, amount: id === 4 ? 'not a number' : id }));
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items, CONTINUE);
		const output = plain(result.output(NODE));
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(output.filter((_, index) => index !== 3).map((item) => item.json)).toEqual(items.filter((_, index) => index !== 3));
		expect(output[3].json).toMatchObject({ error: expect.stringContaining("'not a number'"), sqlState: '22018', itemIndex: 3 });
		// Items 0-5 refused; 0-2 written, 3-5 refused; 3-4 refused, 5 written; 3 refused, 4 written.
		expect(sent()).toHaveLength(7);
		expect(await rows('SELECT ID, AMOUNT FROM ORDERS ORDER BY ID')).toEqual(
			[1, 2, 3, 5, 6].map((id) => [String(id), `${id}.00`]),
		);
	});

	it('continueOnFail: merged duplicates of an update still apply in item order when a batch is bisected', async () => {
		await sql("INSERT INTO ORDERS (ID, NAME, STATUS) VALUES (1, 'old', 'open'), (2, 'old', 'open')");
		const items = [
			{ id: 1, name: 'first', status: 'a', amount: 1 },
			{ id: 2, name: 'y', status: 'b', amount: 'bad' },
			{ id: 1, name: 'second', amount: 2 },
		];
		const result = await run({ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items, CONTINUE);
		expect(plain(result.output(NODE)).map((item) => Object.keys(item.json).includes('error'))).toEqual([false, true, false]);
		// One MERGE for all three, refused; then items 0-1 (refused: item 0 alone, then item 1 alone) and item 2.
		expect(sent()).toHaveLength(5);
		expect(await rows('SELECT ID, NAME, STATUS, AMOUNT FROM ORDERS ORDER BY ID')).toEqual([
			['1', 'second', 'a', '2.00'],
			['2', 'old', 'open', null],
		]);
	});

	it('continueOnFail: a column every row gets wrong costs a bounded number of re-runs, and every item fails', async () => {
		const items = Array.from({ length: 200 }, (_, id) => ({ id, amount: `bad ${id}` }));
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items, CONTINUE);
		const output = plain(result.output(NODE));
		expect(output.every((item, index) => item.json.itemIndex === index && typeof item.json.error === 'string')).toBe(true);
		expect(output.some((item) => String(item.json.description).includes('were refused together'))).toBe(true);
		// The batch, 64 re-runs, and at most one pending half per level of the bisection (200 items: 8 levels).
		expect(sent().length).toBeLessThanOrEqual(1 + 64 + 8);
		expect(await rows('SELECT COUNT(*) FROM ORDERS')).toEqual([['0']]);
	});

	it('without continueOnFail the error says which items earlier statements already wrote', async () => {
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, [{ id: 1 }, { id: 2 }, { id: 3, colour: 'red' }]);
		const error = result.error();
		expect(error?.context?.itemIndex).toBe(2);
		expect(env.proxy.submits()).toHaveLength(2);
		expect(error?.description).toMatch(/Already written before this failure \(not rolled back\): items 0–1 \(statement [0-9a-f-]{36}\)\./);
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1'], ['2']]);
	});
});

describe('rows affected', () => {
	beforeEach(async () => {
		await sql("INSERT INTO ORDERS (ID, NAME, STATUS) VALUES (1, 'a', 'open'), (2, 'b', 'open'), (2, 'b again', 'open')");
	});

	it('Update that matched fewer rows than the items asked for: a warning hint; the output stays the written values', async () => {
		const items = [
			{ id: 1, name: 'x' },
			{ id: 9, name: 'nothing' },
		];
		const result = await run({ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual(items.map((json, item) => ({ json, pairedItem: { item } })));
		expect(hints(result)).toEqual([
			{ message: 'Update updated 1 row for 2 distinct match values: some items matched no row.', type: 'warning', location: 'outputPane' },
		]);
	});

	it('Delete whose match values matched several rows: a hint; an exact match gives none', async () => {
		const several = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' }, [{ id: 2 }]);
		expect(hints(several)).toEqual([
			{ message: 'Delete deleted 2 rows for 1 distinct match value: some match values matched several rows.', type: 'warning', location: 'outputPane' },
		]);
		const exact = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' }, [{ id: 1 }]);
		expect(hints(exact) ?? []).toEqual([]);
		expect(await rows('SELECT COUNT(*) FROM ORDERS')).toEqual([['0']]);
	});

	it('Upsert that inserts and updates exactly one row per item: no hint', async () => {
		const result = await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, [{ id: 1, name: 'u' }, { id: 7, name: 'new' }]);
		expect(hints(result) ?? []).toEqual([]);
		expect(await rows('SELECT ID, NAME FROM ORDERS WHERE ID IN (1, 7) ORDER BY ID')).toEqual([
			['1', 'u'],
			['7', 'new'],
		]);
	});
});

describe('Columns to Match On names no field', () => {
	it('one configuration error naming the column and the fields, found once for 5,000 items', async () => {
		const items = Array.from({ length: 5_000 }, (_, id) => ({ id, name: `n${id}` }));
		const result = await run({ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'idd' }, items);
		expect(result.error()?.message).toBe("Column to match on 'idd' is not a field of the items (their fields: id, name)");
		// Found for the one group of items before any statement is built, and nothing is sent.
		expect(builds.count).toBe(0);
		expect(env.proxy.requests).toEqual([]);
	});

	it('5,000 items whose values cannot be bound become error items in a single pass (continueOnFail)', async () => {
		const items = Array.from({ length: 5_000 }, (_, id) => ({ id, amount: id % 2 === 0 ? 'x' : id }));
		const result = await run(
			{ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData', options: { columnTypes: { types: [{ column: 'amount', type: 'FIXED' }] } } },
			items,
			CONTINUE,
		);
		// One build collects all 2,500 bad items (rebuilding without each would take 2,500), one INSERT writes the rest.
		expect(builds.count).toBe(1);
		expect(sent()).toEqual([expect.stringMatching(/^INSERT INTO "ORDERS"/)]);
		const output = plain(result.output(NODE));
		expect(output[2]).toEqual({
			json: { error: "Item 2, column 'amount': 'x' is not a valid FIXED (expected an integer such as 42 or -7)", itemIndex: 2 },
			pairedItem: { item: 2 },
		});
		expect(output.filter((item) => 'error' in item.json)).toHaveLength(2_500);
		expect(await rows('SELECT COUNT(*) FROM ORDERS')).toEqual([['2500']]);
	});
});

describe('objects and arrays', () => {
	it('auto-mapped objects and arrays land in a VARIANT column as JSON (no Column Types needed); into VARCHAR as JSON text', async () => {
		const items = [
			{ id: 1, payload: { a: [1, 2] }, name: { k: 'v' } },
			{ id: 2, payload: [3, 'x'], name: ['t'] },
		];
		await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items);
		// A JSON string stays a string: into VARCHAR as it is.
		await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, [{ id: 3, name: '{"json": "text"}' }]);
		// Stored as JSON (VARIANT cells come pretty-printed, as Snowflake sends them), not as a string holding JSON
		// (that would read back as "{\"a\":[1,2]}").
		expect(await rows('SELECT ID, PAYLOAD, PAYLOAD:a[1]::NUMBER, NAME FROM ORDERS ORDER BY ID')).toEqual([
			['1', '{\n  "a": [\n    1,\n    2\n  ]\n}', '2', '{"k":"v"}'],
			['2', '[\n  3,\n  "x"\n]', null, '["t"]'],
			['3', null, null, '{"json": "text"}'],
		]);
	});
});
