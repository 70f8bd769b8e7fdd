/**
 * Insert, Update, Upsert, Delete, Select, Submit (async), Get Statement Results and Cancel through real
 * workflows, checked at the wire (the statements and bindings that reached the emulator) and at the
 * output (values, types, pairedItem). The fake engine does not store rows; the DuckDB-backed run in
 * the demo shows the data round trip.
 */
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { plain, runWorkflow, snowflakeWorkflow, type NodeOptions, type RunResult } from './harness';
import { until, useEmulator } from './setup';

const env = useEmulator({ fakeEngine: true, partitionRows: 2, syncWaitMs: 200 });
const NODE = 'Snowflake SQL API';
const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

async function run(parameters: IDataObject, items: IDataObject[], options: NodeOptions = {}): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow(parameters, { items, ...options }), env.credentials());
}

const sent = () => env.proxy.submits().map((body) => [body.statement, body.bindings]);
const fixed = (value: string) => ({ type: 'FIXED', value });
const text = (value: string) => ({ type: 'TEXT', value });

describe('Insert', () => {
	it('maps item fields to columns (unquoted names upper-cased) in one multi-row INSERT, every value bound', async () => {
		const items = [
			{ id: 1, name: 'a' },
			{ id: 2, name: 'b' },
		];
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { id: 1, name: 'a' }, pairedItem: { item: 0 } },
			{ json: { id: 2, name: 'b' }, pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			[
				'INSERT INTO "ORDERS" ("ID", "NAME") VALUES (?, ?), (?, ?)',
				{ '1': fixed('1'), '2': text('a'), '3': fixed('2'), '4': text('b') },
			],
		]);
	});

	it('columns mapped one by one from expressions; a quoted name keeps its case', async () => {
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
	});

	it('a column type option: VARIANT values go through PARSE_JSON', async () => {
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
	});

	it('thousands of items go in a few requests (16,384 bindings per statement)', async () => {
		const items = Array.from({ length: 20_000 }, (_, index) => ({ id: index }));
		const result = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, items);
		expect(result.output(NODE)).toHaveLength(20_000);
		expect(result.output(NODE)[19_999]).toEqual({ json: { id: 19_999 }, pairedItem: { item: 19_999 } });
		expect(env.proxy.submits().map((body) => Object.keys(body.bindings as object).length)).toEqual([16_384, 3_616]);
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
	});

	it('continueOnFail off: the bad item stops the execution before anything is sent', async () => {
		const result = await run(
			{ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData', options: { columnTypes: { types: [{ column: 'id', type: 'FIXED' }] } } },
			[{ id: 1 }, { id: 'x' }],
		);
		expect(result.error()?.message).toBe("Item 1, column 'id': 'x' is not a valid FIXED (expected an integer such as 42 or -7)");
		expect(result.error()?.context?.itemIndex).toBe(1);
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('Update, Upsert, Delete', () => {
	const items = [
		{ id: 1, name: 'a' },
		{ id: 2, name: 'b' },
	];

	it('Update: one MERGE … WHEN MATCHED per batch, matching on the match columns (null matches NULL)', async () => {
		const result = await run({ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual([
			{ json: items[0], pairedItem: { item: 0 } },
			{ json: items[1], pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			[
				'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME"',
				{ '1': fixed('1'), '2': text('a'), '3': fixed('2'), '4': text('b') },
			],
		]);
	});

	it('Upsert: MERGE that updates matches and inserts the rest; a match column typed ID finds the field id', async () => {
		await run({ operation: 'upsert', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'ID' }, [items[0]]);
		expect(sent()).toEqual([
			[
				'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME" WHEN NOT MATCHED THEN INSERT ("ID", "NAME") VALUES (s."ID", s."NAME")',
				{ '1': fixed('1'), '2': text('a') },
			],
		]);
	});

	it('Delete: the rows matching each item, in one DELETE … USING', async () => {
		const result = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' }, items);
		expect(plain(result.output(NODE))).toEqual([
			{ json: items[0], pairedItem: { item: 0 } },
			{ json: items[1], pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			[
				'DELETE FROM "ORDERS" AS t USING (SELECT $1 AS "ID" FROM VALUES (?), (?)) AS s WHERE t."ID" IS NOT DISTINCT FROM s."ID"',
				{ '1': fixed('1'), '2': fixed('2') },
			],
		]);
	});

	it('Delete with Truncate runs once, whatever the number of items', async () => {
		const result = await run({ operation: 'delete', table: ORDERS, deleteCommand: 'truncate' }, items);
		expect(plain(result.output(NODE))).toEqual([{ json: { success: true, statementHandle: HANDLE }, pairedItem: { item: 0 } }]);
		expect(sent()).toEqual([['TRUNCATE TABLE "ORDERS"', undefined]]);
	});

	it('a missing match value fails that item only (continueOnFail)', async () => {
		const result = await run(
			{ operation: 'update', table: ORDERS, dataMode: 'autoMapInputData', matchColumns: 'id' },
			[{ id: 1, name: 'a' }, { name: 'no id' }],
			{ onError: 'continueRegularOutput' },
		);
		expect(plain(result.output(NODE))[1]).toEqual({
			json: { error: "Item 1 has no value for match column 'id'", itemIndex: 1 },
			pairedItem: { item: 1 },
		});
		expect(env.proxy.submits()).toHaveLength(1);
	});
});

describe('Select', () => {
	it('conditions bound per item, sort, limit and output columns; one item per row paired with its item', async () => {
		const result = await run(
			{
				operation: 'select',
				table: ORDERS,
				returnAll: false,
				limit: 10,
				where: { values: [{ column: 'status', condition: 'equal', value: '={{ $json.status }}', type: 'auto' }] },
				sort: { values: [{ column: 'id', direction: 'DESC' }] },
				outputColumns: 'id, name',
			},
			[{ status: 'open' }, { status: 'closed' }],
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { VALUE: 'open' }, pairedItem: { item: 0 } },
			{ json: { VALUE: 'closed' }, pairedItem: { item: 1 } },
		]);
		expect(sent()).toEqual([
			['SELECT "ID", "NAME" FROM "ORDERS" WHERE "STATUS" = ? ORDER BY "ID" DESC LIMIT 10', { '1': text('open') }],
			['SELECT "ID", "NAME" FROM "ORDERS" WHERE "STATUS" = ? ORDER BY "ID" DESC LIMIT 10', { '1': text('closed') }],
		]);
	});

	it('IS NULL takes no value; Return All sends no LIMIT; a table "by ID" is exact', async () => {
		await run(
			{
				operation: 'select',
				table: { __rl: true, mode: 'id', value: 'Orders' },
				returnAll: true,
				where: { values: [{ column: 'shipped_at', condition: 'isNull' }] },
			},
			[{}],
		);
		expect(sent()).toEqual([['SELECT * FROM "Orders" WHERE "SHIPPED_AT" IS NULL', undefined]]);
	});
});

describe('Submit (async), Get Statement Results, Cancel', () => {
	it('submit returns the handle at once; get results pages the partitions with nextPartition', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 5))' }, [{}]);
		expect(plain(submitted.output(NODE))).toEqual([
			{ json: { statementHandle: HANDLE, requestId: expect.any(String), status: 'running' }, pairedItem: { item: 0 } },
		]);
		expect(env.proxy.requests[0].query.async).toBe('true');
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		const page = async (partition: number) =>
			plain((await run({ operation: 'getResults', statementHandle: handle, partition }, [{}])).output(NODE));
		const common = { statementHandle: handle, status: 'success', code: '090001', message: 'Statement executed successfully.', numRows: 5, partitionCount: 3 };
		expect(await page(0)).toEqual([
			{ json: { ...common, partition: 0, nextPartition: 1, rows: [{ N: 1, LABEL: null }, { N: 2, LABEL: 'row 2' }] }, pairedItem: { item: 0 } },
		]);
		expect(await page(2)).toEqual([
			{ json: { ...common, partition: 2, nextPartition: null, rows: [{ N: 5, LABEL: 'row 5' }] }, pairedItem: { item: 0 } },
		]);
	});

	it('get results of a statement still running says so, without rows', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(30)' }, [{}]);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		const result = await run({ operation: 'getResults', statementHandle: handle, partition: 0 }, [{}]);
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					statementHandle: handle,
					status: 'running',
					code: '333334',
					message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
					numRows: 0,
					partition: 0,
					partitionCount: 0,
					nextPartition: null,
					rows: [],
				},
				pairedItem: { item: 0 },
			},
		]);
		const cancelled = await run({ operation: 'cancel', statementHandle: handle }, [{}]);
		expect(plain(cancelled.output(NODE))).toEqual([
			{ json: { statementHandle: handle, code: expect.any(String), message: expect.any(String) }, pairedItem: { item: 0 } },
		]);
		await until(() => env.emulator.statement(handle)?.state === 'failed');
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604' });
	});
});
