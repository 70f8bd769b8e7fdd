/**
 * Insert, Update, Upsert, Delete, Select, Submit (async), Get Statement Results and Cancel through real
 * workflows against the emulator's DuckDB engine, checked at the wire (the statements and bindings that
 * reached the emulator), at the output (values, types, pairedItem) and in the table itself: every write
 * is read back afterwards, so the tests prove exactly which rows landed (no duplicates, NULL matching).
 */
import type { IDataObject } from 'n8n-workflow';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';
import { logLines, plain, runningPage, runWorkflow, snowflakeWorkflow, type NodeOptions, type RunResult } from './harness';
import { until, useEmulator } from './setup';

const env = useEmulator({ partitionRows: 2, syncWaitMs: 200 });
const NODE = 'Snowflake SQL API';
const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

async function run(parameters: IDataObject, items: IDataObject[], options: NodeOptions = {}): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow(parameters, { items, ...options }), env.credentials());
}

/** Runs SQL on the emulator's engine directly (EMULATOR_DB.PUBLIC), outside the workflow and the proxy. */
const sql = (statement: string): Promise<EngineResult> => env.emulator.sql(statement);

/** The jsonv2 cells of a query, as Snowflake puts them on the wire. */
const rows = async (statement: string) => (await sql(statement)).data;
/** `NAME type(precision,scale)` of each result column. */
const columns = async (statement: string) =>
	(await sql(statement)).rowType.map((column) => `${column.name} ${column.type}${column.precision === null ? '' : `(${column.precision},${column.scale})`}`);

const sent = () => env.proxy.submits().map((body) => [body.statement, body.bindings]);
const fixed = (value: string | null) => ({ type: 'FIXED', value });
const text = (value: string | null) => ({ type: 'TEXT', value });

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE ORDERS (ID NUMBER(38,0), NAME VARCHAR, STATUS VARCHAR, AMOUNT NUMBER(10,2), ACTIVE BOOLEAN, PAYLOAD VARIANT)');
});

describe('Insert', () => {
	it('maps item fields to columns (unquoted names upper-cased) in one multi-row INSERT, every value bound; the rows land typed', async () => {
		const items = [
			{ id: 1, name: 'a', amount: 12.5, active: true },
			{ id: 2, name: null, amount: -3, active: false },
		];
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items);
		expect(plain(result.output(NODE))).toEqual([
			{ json: items[0], pairedItem: { item: 0 } },
			{ json: items[1], pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			[
				'INSERT INTO "ORDERS" ("ID", "NAME", "AMOUNT", "ACTIVE") VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
				{
					'1': fixed('1'),
					'2': text('a'),
					'3': { type: 'REAL', value: '12.5' },
					'4': { type: 'BOOLEAN', value: 'true' },
					'5': fixed('2'),
					'6': text(null),
					'7': { type: 'REAL', value: '-3' }, // one binding type per column: the column holds a fraction
					'8': { type: 'BOOLEAN', value: 'false' },
				},
			],
		]);
		const readBack = 'SELECT ID, NAME, AMOUNT, ACTIVE, STATUS FROM ORDERS ORDER BY ID';
		expect(await columns(readBack)).toEqual(['ID fixed(38,0)', 'NAME text', 'AMOUNT fixed(10,2)', 'ACTIVE boolean', 'STATUS text']);
		expect(await rows(readBack)).toEqual([
			['1', 'a', '12.50', 'true', null],
			['2', null, '-3.00', 'false', null],
		]);
	});

	it('columns mapped one by one from expressions; a quoted name keeps its case', async () => {
		await sql('CREATE DATABASE IF NOT EXISTS ANALYTICS');
		await sql('CREATE OR REPLACE TABLE ANALYTICS.PUBLIC."Orders" (ID NUMBER, "Note" VARCHAR)');
		const result = await run(
			{
				operation: 'insert',
				table: { __rl: true, mode: 'list', value: '"ANALYTICS"."PUBLIC"."Orders"' },
				dataMode: 'defineBelow',
				valuesToSend: {
					values: [
						{ column: 'id', value: '={{ $json.id }}' },
						{ column: '"Note"', value: '={{ "n" + $json.id }}' },
					],
				},
			},
			[{ id: 1 }, { id: 2 }],
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1, '"Note"': 'n1' }, pairedItem: { item: 0 } },
			{ json: { id: 2, '"Note"': 'n2' }, pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			[
				'INSERT INTO "ANALYTICS"."PUBLIC"."Orders" ("ID", "Note") VALUES (?, ?), (?, ?)',
				{ '1': fixed('1'), '2': text('n1'), '3': fixed('2'), '4': text('n2') },
			],
		]);
		expect(await rows('SELECT ID, "Note" FROM ANALYTICS.PUBLIC."Orders" ORDER BY ID')).toEqual([
			['1', 'n1'],
			['2', 'n2'],
		]);
	});

	it('a column type option: VARIANT values go through PARSE_JSON and land as JSON, not as text', async () => {
		await run(
			{
				operation: 'insert',
				table: ORDERS,
				dataMode: 'autoMapInputData',
				options: { columnTypes: { types: [{ column: 'payload', type: 'VARIANT' }] } },
			},
			[{ id: 1, payload: { a: [1, 2] } }],
		);
		expect(sent()).toEqual([
			['INSERT INTO "ORDERS" ("ID", "PAYLOAD") SELECT $1, PARSE_JSON($2) FROM VALUES (?, ?)', { '1': fixed('1'), '2': text('{"a":[1,2]}') }],
		]);
		const readBack = 'SELECT ID, PAYLOAD, PAYLOAD:a[1]::NUMBER AS SECOND FROM ORDERS';
		expect(await columns(readBack)).toEqual(['ID fixed(38,0)', 'PAYLOAD variant', 'SECOND fixed(38,0)']);
		// VARIANT cells come pretty-printed, as Snowflake sends them.
		expect(await rows(readBack)).toEqual([['1', '{\n  "a": [\n    1,\n    2\n  ]\n}', '2']]);
	});

	it('thousands of items go in a few requests (16,384 bindings per statement), each row exactly once', async () => {
		const items = Array.from({ length: 20_000 }, (_, index) => ({ id: index }));
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items);
		expect(result.output(NODE)).toHaveLength(20_000);
		expect(result.output(NODE)[19_999]).toEqual({ json: { id: 19_999 }, pairedItem: { item: 19_999 } });
		expect(env.proxy.submits().map((body) => Object.keys(body.bindings as object).length)).toEqual([16_384, 3_616]);
		expect(await rows('SELECT COUNT(*) AS N, COUNT(DISTINCT ID) AS D, MIN(ID) AS LO, MAX(ID) AS HI, SUM(ID) AS S FROM ORDERS')).toEqual([
			['20000', '20000', '0', '19999', String((19_999 * 20_000) / 2)],
		]);
	});

	it('continueOnFail: an item whose value cannot be bound becomes an error item; the others are inserted', async () => {
		const result = await run(
			{ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData', options: { columnTypes: { types: [{ column: 'id', type: 'FIXED' }] } } },
			[{ id: 1 }, { id: 'x' }, { id: 3 }],
			{ onError: 'continueRegularOutput' },
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1 }, pairedItem: { item: 0 } },
			{
				json: { error: "Item 1, column 'id': 'x' is not a valid FIXED (expected an integer such as 42 or -7)", itemIndex: 1 },
				pairedItem: { item: 1 },
			},
			{ json: { id: 3 }, pairedItem: { item: 2 } },
		]);
		expect(sent()).toEqual([['INSERT INTO "ORDERS" ("ID") VALUES (?), (?)', { '1': fixed('1'), '2': fixed('3') }]]);
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1'], ['3']]);
	});

	it('continueOnFail off: the bad item stops the execution before anything is sent', async () => {
		const result = await run(
			{ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData', options: { columnTypes: { types: [{ column: 'id', type: 'FIXED' }] } } },
			[{ id: 1 }, { id: 'x' }],
		);
		expect(result.error()?.message).toBe("Item 1, column 'id': 'x' is not a valid FIXED (expected an integer such as 42 or -7)");
		expect(result.error()?.context?.itemIndex).toBe(1);
		expect(env.proxy.requests).toEqual([]);
		expect(await rows('SELECT COUNT(*) FROM ORDERS')).toEqual([['0']]);
	});

	it('a field the table does not have: Snowflake refuses that statement (000904) and only its items get the error', async () => {
		const result = await run(
			{ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' },
			[{ id: 1 }, { id: 2, colour: 'red' }, { id: 3 }],
			{ onError: 'continueRegularOutput' },
		);
		// Items giving different columns go in different statements (a missing field takes the column DEFAULT).
		expect(sent()).toEqual([
			['INSERT INTO "ORDERS" ("ID") VALUES (?), (?)', { '1': fixed('1'), '2': fixed('3') }],
			['INSERT INTO "ORDERS" ("ID", "COLOUR") VALUES (?, ?)', { '1': fixed('2'), '2': text('red') }],
		]);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1 }, pairedItem: { item: 0 } },
			{
				json: {
					error: "SQL compilation error: error line 1 at position 28\ninvalid identifier 'COLOUR' (code 000904, SQL state 42000)",
					code: '000904',
					sqlState: '42000',
					statementHandle: HANDLE,
					itemIndex: 1,
					description: expect.stringMatching(/^A column or name is not known here: [^\n]*\nStatement handle: [0-9a-f-]{36}$/),
				},
				pairedItem: { item: 1 },
			},
			{ json: { id: 3 }, pairedItem: { item: 2 } },
		]);
		const handle = result.output(NODE)[1].json.statementHandle as string;
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000904', sqlState: '42000' });
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1'], ['3']]);
	});

	it('continueOnFail off: a refused statement stops the execution at its first item; earlier statements stay written', async () => {
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, [{ id: 1 }, { id: 2, colour: 'red' }]);
		const error = result.error();
		expect(error?.message).toBe("SQL compilation error: error line 1 at position 28\ninvalid identifier 'COLOUR' (code 000904, SQL state 42000)");
		expect(error?.httpCode).toBe('422');
		expect(error?.context?.itemIndex).toBe(1);
		expect(result.output('Success')).toEqual([]);
		expect(await rows('SELECT ID FROM ORDERS ORDER BY ID')).toEqual([['1']]);
	});
});

describe('Update, Upsert, Delete', () => {
	beforeEach(async () => {
		await sql("INSERT INTO ORDERS (ID, NAME, STATUS) VALUES (1, 'old 1', 'open'), (2, 'old 2', 'open'), (3, 'keep', 'open'), (NULL, 'no id', 'open')");
	});
	const readBack = 'SELECT ID, NAME, STATUS FROM ORDERS ORDER BY ID NULLS LAST';

	it('Update: one MERGE … WHEN MATCHED per batch, matching on the match columns (null matches NULL); unmatched items insert nothing', async () => {
		const items = [
			{ id: 1, name: 'a' },
			{ id: 2, name: 'b' },
			{ id: null, name: 'null matched' },
			{ id: 9, name: 'no such row' },
		];
		const result = await run({ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual(items.map((json, item) => ({ json, pairedItem: { item } })));
		expect(sent()).toEqual([
			[
				'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?), (?, ?), (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME"',
				{
					'1': fixed('1'),
					'2': text('a'),
					'3': fixed('2'),
					'4': text('b'),
					'5': fixed(null),
					'6': text('null matched'),
					'7': fixed('9'),
					'8': text('no such row'),
				},
			],
		]);
		expect(await rows(readBack)).toEqual([
			['1', 'a', 'open'],
			['2', 'b', 'open'],
			['3', 'keep', 'open'],
			[null, 'null matched', 'open'],
		]);
	});

	it('Upsert: MERGE that updates matches (NULL included) and inserts the rest; a match column typed ID finds the field id', async () => {
		const items = [
			{ id: 1, name: 'a' },
			{ id: 5, name: 'new' },
			{ id: null, name: 'null matched' },
		];
		await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'ID' }, items);
		expect(sent()).toEqual([
			[
				'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?), (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME" WHEN NOT MATCHED THEN INSERT ("ID", "NAME") VALUES (s."ID", s."NAME")',
				{ '1': fixed('1'), '2': text('a'), '3': fixed('5'), '4': text('new'), '5': fixed(null), '6': text('null matched') },
			],
		]);
		// The NULL row was updated, not inserted again; the new row has no STATUS.
		expect(await rows(readBack)).toEqual([
			['1', 'a', 'open'],
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
			['5', 'new', null],
			[null, 'null matched', 'open'],
		]);
	});

	it('Upsert run twice with the same items changes nothing the second time (no duplicates)', async () => {
		const items = [
			{ id: 5, name: 'new' },
			{ id: 6, name: 'newer' },
		];
		await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		const once = await rows(readBack);
		await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(await rows(readBack)).toEqual(once);
		expect(once).toEqual([
			['1', 'old 1', 'open'],
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
			['5', 'new', null],
			['6', 'newer', null],
			[null, 'no id', 'open'],
		]);
	});

	it('Upsert with the same match value twice in one batch: one source row (the later values win), no duplicate rows', async () => {
		const items = [
			{ id: 5, name: 'first' },
			{ id: 1, name: 'a' },
			{ id: 5, name: 'second' },
		];
		const result = await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual(items.map((json, item) => ({ json, pairedItem: { item } })));
		expect(sent().map(([, bindings]) => bindings)).toEqual([{ '1': fixed('5'), '2': text('second'), '3': fixed('1'), '4': text('a') }]);
		expect(await rows(readBack)).toEqual([
			['1', 'a', 'open'],
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
			['5', 'second', null],
			[null, 'no id', 'open'],
		]);
	});

	it('Delete: the rows matching each item (null matches NULL), in one DELETE … USING', async () => {
		const items = [{ id: 1, name: 'ignored' }, { id: null }, { id: 42 }];
		const result = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual(items.map((json, item) => ({ json, pairedItem: { item } })));
		expect(sent()).toEqual([
			[
				'DELETE FROM "ORDERS" AS t USING (SELECT $1 AS "ID" FROM VALUES (?), (?), (?)) AS s WHERE t."ID" IS NOT DISTINCT FROM s."ID"',
				{ '1': fixed('1'), '2': fixed(null), '3': fixed('42') },
			],
		]);
		expect(await rows(readBack)).toEqual([
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
		]);
	});

	it('Delete with two match columns removes only rows equal on both', async () => {
		const items = [
			{ id: 1, status: 'closed' },
			{ id: 2, status: 'open' },
		];
		await run({ operation: 'delete', table: ORDERS, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id, status' }, items);
		expect(await rows(readBack)).toEqual([
			['1', 'old 1', 'open'],
			['3', 'keep', 'open'],
			[null, 'no id', 'open'],
		]);
	});

	it('Delete with Truncate runs once, whatever the number of items, and empties the table', async () => {
		const result = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'truncate' }, [{ id: 1 }, { id: 2 }]);
		expect(plain(result.output(NODE))).toEqual([{ json: { success: true, statementHandle: HANDLE }, pairedItem: { item: 0 } }]);
		expect(sent()).toEqual([['TRUNCATE TABLE "ORDERS"', undefined]]);
		expect(await rows('SELECT COUNT(*) FROM ORDERS')).toEqual([['0']]);
	});

	it('a missing match value fails that item only (continueOnFail); the other item is written', async () => {
		const result = await run(
			{ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' },
			[{ id: 1, name: 'a' }, { name: 'no id' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1, name: 'a' }, pairedItem: { item: 0 } },
			{ json: { error: "Item 1 has no value for match column 'id'", itemIndex: 1 }, pairedItem: { item: 1 } },
		]);
		expect(env.proxy.submits()).toHaveLength(1);
		expect(await rows(readBack)).toEqual([
			['1', 'a', 'open'],
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
			[null, 'no id', 'open'],
		]);
	});

	it('a table that does not exist: the real 002003 error, nothing written', async () => {
		const result = await run(
			{ operation: 'update', table: { __rl: true, mode: 'name', value: 'no_such_table' }, dataMode: 'autoMapInputData', matchColumns: 'id' },
			[{ id: 1, name: 'a' }],
		);
		const error = result.error();
		expect(error?.message).toBe("SQL compilation error:\nObject 'NO_SUCH_TABLE' does not exist or not authorized. (code 002003, SQL state 42S02)");
		expect(error?.description).toMatch(/^The object does not exist, or the role in use is not allowed to see it\. [^\n]*\nStatement handle: [0-9a-f-]{36}$/);
		expect(error?.httpCode).toBe('422');
		expect(error?.context?.itemIndex).toBe(0);
		expect(await rows(readBack)).toEqual([
			['1', 'old 1', 'open'],
			['2', 'old 2', 'open'],
			['3', 'keep', 'open'],
			[null, 'no id', 'open'],
		]);
	});
});

describe('Select', () => {
	it('conditions bound per item, sort, limit and output columns; one item per row paired with its item', async () => {
		await sql(
			"INSERT INTO ORDERS (ID, NAME, STATUS, AMOUNT) VALUES (1, 'a', 'open', 1.5), (2, 'b', 'closed', 2), (3, 'c', 'open', 3), (4, 'd', 'open', 4), (5, 'e', NULL, 5)",
		);
		const result = await run(
			{
				operation: 'select',
				table: ORDERS,
				returnAll: false,
				limit: 2,
				where: { values: [{ column: 'status', condition: 'equal', value: '={{ $json.status }}', type: 'auto' }] },
				sort: { values: [{ column: 'id', direction: 'DESC' }] },
				outputColumns: 'id, name, amount',
			},
			[{ status: 'open' }, { status: 'closed' }, { status: 'none' }],
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { ID: 4, NAME: 'd', AMOUNT: 4 }, pairedItem: { item: 0 } },
			{ json: { ID: 3, NAME: 'c', AMOUNT: 3 }, pairedItem: { item: 0 } },
			{ json: { ID: 2, NAME: 'b', AMOUNT: 2 }, pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual(
			['open', 'closed', 'none'].map((status) => ['SELECT "ID", "NAME", "AMOUNT" FROM "ORDERS" WHERE "STATUS" = ? ORDER BY "ID" DESC LIMIT 2', { '1': text(status) }]),
		);
	});

	it('IS NULL takes no value; Return All sends no LIMIT and reads every partition; a table "by ID" is exact', async () => {
		await sql('CREATE OR REPLACE TABLE "Open Orders" (ID NUMBER, SHIPPED_AT TIMESTAMP_NTZ)');
		await sql("INSERT INTO \"Open Orders\" VALUES (1, NULL), (2, '2024-01-02 03:04:05'), (3, NULL), (4, NULL), (5, NULL), (6, '2024-02-03 04:05:06')");
		const result = await run(
			{
				operation: 'select',
				table: { __rl: true, mode: 'id', value: 'Open Orders' },
				returnAll: true,
				where: { values: [{ column: 'shipped_at', condition: 'isNull' }] },
				sort: { values: [{ column: 'id', direction: 'ASC' }] },
			},
			[{}],
		);
		expect(sent()).toEqual([['SELECT * FROM "Open Orders" WHERE "SHIPPED_AT" IS NULL ORDER BY "ID" ASC', undefined]]);
		expect(plain(result.output(NODE))).toEqual([1, 3, 4, 5].map((id) => ({ json: { ID: id, SHIPPED_AT: null }, pairedItem: { item: 0 } })));
		// 4 rows at 2 per partition, the first partition holding 1: partitions 1 and 2 came from GETs (a slow machine
		// may add status polls, which name no partition).
		expect(env.proxy.requests.filter((request) => request.query.partition).map((request) => [request.method, request.query.partition])).toEqual([
			['GET', '1'],
			['GET', '2'],
		]);
	});

	it('typed cells come back as JS values: NUMBER(10,2), BOOLEAN, VARIANT', async () => {
		await sql("INSERT INTO ORDERS (ID, AMOUNT, ACTIVE, PAYLOAD) SELECT 7, 12.34, TRUE, PARSE_JSON('{\"k\":[1,\"x\"]}')");
		const result = await run({ operation: 'select', table: ORDERS, returnAll: true, outputColumns: 'id, amount, active, payload' }, [{}]);
		expect(plain(result.output(NODE))).toEqual([{ json: { ID: 7, AMOUNT: 12.34, ACTIVE: true, PAYLOAD: { k: [1, 'x'] } }, pairedItem: { item: 0 } }]);
	});
});

describe('Submit (async), Get Statement Results, Cancel', () => {
	const GENERATE_5 = "SELECT SEQ4() + 1 AS N, IFF(N % 3 = 1, NULL, 'row ' || N) AS LABEL FROM TABLE(GENERATOR(ROWCOUNT => 5)) ORDER BY N";

	it('submit returns the handle at once; get results pages the partitions with nextPartition', async () => {
		const submitted = await run({ operation: 'submitAsync', query: GENERATE_5 }, [{}]);
		expect(plain(submitted.output(NODE))).toEqual([
			{ json: { statementHandle: HANDLE, requestId: expect.any(String), status: 'running' }, pairedItem: { item: 0 } },
		]);
		expect(env.proxy.requests[0].query.async).toBe('true');
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		const page = async (partition: number) =>
			plain((await run({ operation: 'getResults', statementHandle: handle, partition }, [{}])).output(NODE));
		const common = {
			statementHandle: handle,
			requestId: submitted.output(NODE)[0].json.requestId,
			status: 'success',
			code: '090001',
			sqlState: '00000',
			message: 'Statement executed successfully.',
			rowType: [expect.objectContaining({ name: 'N', type: 'fixed' }), expect.objectContaining({ name: 'LABEL', type: 'text' })],
			numRows: 5,
			partitionCount: 3,
		};
		// Uneven partitions (the first the smallest, as in real results): 1, 2, 2 rows.
		expect(await page(0)).toEqual([{ json: { ...common, partition: 0, nextPartition: 1, rows: [{ N: 1, LABEL: null }] }, pairedItem: { item: 0 } }]);
		expect(await page(1)).toEqual([
			{ json: { ...common, partition: 1, nextPartition: 2, rows: [{ N: 2, LABEL: 'row 2' }, { N: 3, LABEL: 'row 3' }] }, pairedItem: { item: 0 } },
		]);
		expect(await page(2)).toEqual([
			{ json: { ...common, partition: 2, nextPartition: null, rows: [{ N: 4, LABEL: null }, { N: 5, LABEL: 'row 5' }] }, pairedItem: { item: 0 } },
		]);
	});

	it('a multi-statement submit: get results names each statement\'s handle, whose results are then read one by one', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT 1 AS A; SELECT 2 AS B', options: { multiStatement: true } }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		const parent = await run({ operation: 'getResults', statementHandle: handle, waitForCompletion: true }, [{}]);
		const json = parent.output(NODE)[0].json;
		expect(json).toMatchObject({ statementHandle: handle, status: 'success', statementHandles: [HANDLE, HANDLE] });
		const [first, second] = json.statementHandles as string[];
		const child = async (statementHandle: string) =>
			plain((await run({ operation: 'getResults', statementHandle, waitForCompletion: true }, [{}])).output(NODE))[0].json;
		expect(await child(first)).toMatchObject({ statementHandle: first, status: 'success', rows: [{ A: 1 }] });
		expect(await child(second)).toMatchObject({ statementHandle: second, status: 'success', rows: [{ B: 2 }] });
	});

	it('get results, not waiting: a 429 on the status check is retried, and a finished statement reads as finished', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT 7 AS N' }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		env.emulator.faults.add({ route: 'status', kind: 'http429', retryAfterSeconds: 0 });
		const result = await run({ operation: 'getResults', statementHandle: handle }, [{}]);
		expect(plain(result.output(NODE))[0].json).toMatchObject({ status: 'success', rows: [{ N: 7 }] });
		expect(env.proxy.requests.filter((request) => request.method === 'GET')).toHaveLength(2);
	});

	it('a system error code (ECONNRESET) of a status check survives n8n\'s request helper, in the retry log and the error', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT 7 AS N' }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		env.emulator.faults.add({ route: 'status', kind: 'resetBeforeRun', times: Infinity });
		const random = vi.spyOn(Math, 'random').mockReturnValue(0); // retries wait 0 ms
		let result: RunResult;
		try {
			result = await run({ operation: 'getResults', statementHandle: handle }, [{}]);
		} finally {
			random.mockRestore();
		}
		expect(result.error()?.message).toMatch(/^Could not reach Snowflake after 7 attempts: .*\(ECONNRESET\)$/);
		const retries = logLines.filter((line) => line.message === 'Snowflake SQL API: retry');
		expect(retries).toHaveLength(6);
		expect(retries[0].meta).toMatchObject({ reason: 'network error ECONNRESET' });
	});

	it('a submitted write lands once its statement finished', async () => {
		const submitted = await run({ operation: 'submitAsync', query: "INSERT INTO ORDERS (ID, NAME) VALUES (1, 'async')" }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		expect(await rows('SELECT ID, NAME FROM ORDERS')).toEqual([['1', 'async']]);
	});

	it('get results of a statement still running says so, without rows; cancel stops it', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(30)' }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		const result = await run({ operation: 'getResults', statementHandle: handle, partition: 0 }, [{}]);
		expect(plain(result.output(NODE))).toEqual([
			{
				json: runningPage(handle),
				pairedItem: { item: 0 },
			},
		]);
		const cancelled = await run({ operation: 'cancel', statementHandle: handle }, [{}]);
		expect(plain(cancelled.output(NODE))).toEqual([
			{ json: { statementHandle: handle, code: '000604', message: 'SQL execution canceled' }, pairedItem: { item: 0 } },
		]);
		await until(() => env.emulator.running === 0);
		expect(env.emulator.statement(handle)?.state).toBe('failed');
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604', sqlState: '57014', message: 'SQL execution canceled' });
	});
});
