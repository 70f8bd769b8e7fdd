/**
 * Execute SQL end to end: workflows run in-process by n8n-core against the emulator over HTTP, on its
 * DuckDB engine. Each test seeds its own tables with real SQL straight through the engine (so seeding
 * and reading back never show up among the proxy's recorded requests), runs the workflow, and compares
 * outputs whole: values, JS types and pairedItem. Writes are read back from the table.
 */
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it, vi } from 'vitest';

import { DEFAULT_DATABASE, DEFAULT_SCHEMA } from '../emulator/engine';
import { plain, runWorkflow, snowflakeWorkflow, type RunResult } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ partitionRows: 2 });
const NODE = 'Snowflake SQL API';
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

async function run(parameters: Record<string, unknown>, items?: IDataObject[]): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow({ operation: 'executeQuery', ...parameters }, { items }), env.credentials());
}

function submits() {
	return env.proxy.submits();
}

/**
 * Runs statements on the emulator's engine in one session (default database and schema unless given)
 * and returns the last one's jsonv2 cells: the wire strings, independent of the node's decoding.
 */
async function sql(statements: string[], context: { database?: string; schema?: string } = {}): Promise<Array<Array<string | null>>> {
	return (await env.emulator.sql(statements, context)).data;
}

/** Five rows over three partitions (partitionRows 2), NULLs included. */
const OUTPUT_TABLE = 'EXEC_OUTPUT_ROWS';
const SELECT_OUTPUT = `SELECT N, AMOUNT, LABEL FROM ${OUTPUT_TABLE} ORDER BY N`;
async function seedOutputRows(): Promise<void> {
	await sql([
		`CREATE OR REPLACE TABLE ${OUTPUT_TABLE} (N NUMBER(38, 0), AMOUNT NUMBER(10, 2), LABEL VARCHAR)`,
		`INSERT INTO ${OUTPUT_TABLE} VALUES (1, 10.5, NULL), (2, 20, 'row 2'), (3, -0.25, 'row 3'), (4, NULL, NULL), (5, 99999999.99, 'row 5')`,
	]);
}
const OUTPUT_ROWS = [
	{ N: 1, AMOUNT: 10.5, LABEL: null },
	{ N: 2, AMOUNT: 20, LABEL: 'row 2' },
	{ N: 3, AMOUNT: -0.25, LABEL: 'row 3' },
	{ N: 4, AMOUNT: null, LABEL: null },
	{ N: 5, AMOUNT: 99999999.99, LABEL: 'row 5' },
];

describe('Execute SQL: query parameters', () => {
	it('binds ? placeholders from expressions with the inferred types, one statement per item', async () => {
		await sql([
			'CREATE OR REPLACE TABLE EXEC_BIND_EVENTS (ID NUMBER(38, 0), DAY DATE, NAME VARCHAR)',
			"INSERT INTO EXEC_BIND_EVENTS VALUES (7, '2024-02-29', 'leap day'), (8, '2024-03-01', 'march'), (7, '2024-03-01', 'same id, other day')",
		]);
		const result = await run(
			{
				query: 'SELECT ID, DAY, NAME, ? AS VALUE FROM EXEC_BIND_EVENTS WHERE ID = ? AND DAY = ?',
				options: {
					queryParameters: {
						parameters: [
							{ value: '={{ $json.id }}', type: 'auto' },
							{ value: '={{ $json.id }}', type: 'auto' },
							{ value: '={{ $json.when }}', type: 'DATE' },
						],
					},
				},
			},
			[
				{ id: 7, when: '2024-02-29' },
				{ id: 8, when: '2024-03-01' },
			],
		);
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([
			{ json: { ID: 7, DAY: '2024-02-29', NAME: 'leap day', VALUE: 7 }, pairedItem: { item: 0 } },
			{ json: { ID: 8, DAY: '2024-03-01', NAME: 'march', VALUE: 8 }, pairedItem: { item: 1 } },
		]);
		expect(submits().map((body) => body.bindings)).toEqual([
			{ '1': { type: 'FIXED', value: '7' }, '2': { type: 'FIXED', value: '7' }, '3': { type: 'DATE', value: '1709164800000' } },
			{ '1': { type: 'FIXED', value: '8' }, '2': { type: 'FIXED', value: '8' }, '3': { type: 'DATE', value: '1709251200000' } },
		]);
		expect(submits().map((body) => body.statement)).toEqual([
			'SELECT ID, DAY, NAME, ? AS VALUE FROM EXEC_BIND_EVENTS WHERE ID = ? AND DAY = ?',
			'SELECT ID, DAY, NAME, ? AS VALUE FROM EXEC_BIND_EVENTS WHERE ID = ? AND DAY = ?',
		]);
	});

	it('rewrites :1 placeholders to ? and binds a reused number twice; VARIANT goes through PARSE_JSON', async () => {
		const result = await run({
			query: 'SELECT :1 AS FIRST, :2 AS DOC, :1 AS AGAIN, :2:b[1]::STRING AS PATH',
			options: {
				queryParameters: {
					parameters: [
						{ value: 'abc', type: 'TEXT' },
						{ value: '={{ { "a": 1, "b": [true, "x", null] } }}', type: 'VARIANT' },
					],
				},
			},
		});
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([
			{ json: { FIRST: 'abc', DOC: { a: 1, b: [true, 'x', null] }, AGAIN: 'abc', PATH: 'x' }, pairedItem: { item: 0 } },
		]);
		expect(submits()[0]).toMatchObject({
			statement: 'SELECT ? AS FIRST, PARSE_JSON(?) AS DOC, ? AS AGAIN, PARSE_JSON(?):b[1]::STRING AS PATH',
			bindings: {
				'1': { type: 'TEXT', value: 'abc' },
				'2': { type: 'TEXT', value: '{"a":1,"b":[true,"x",null]}' },
				'3': { type: 'TEXT', value: 'abc' },
				'4': { type: 'TEXT', value: '{"a":1,"b":[true,"x",null]}' },
			},
		});
	});

	it('refuses a parameter count that does not match the placeholders before sending anything', async () => {
		const result = await run({ query: 'SELECT ?, ?', options: { queryParameters: { parameters: [{ value: '1', type: 'auto' }] } } });
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toBe('The query has 2 placeholders but 1 query parameter was given');
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('Execute SQL: query batching', () => {
	it('independently (default): one INSERT per item, each committed on its own; a failing item leaves the others in place', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_INDEPENDENT (ID NUMBER(38, 0), NAME VARCHAR)']);
		const result = await runWorkflow(
			snowflakeWorkflow(
				{
					operation: 'executeQuery',
					query: 'INSERT INTO EXEC_INDEPENDENT (ID, NAME) VALUES (?, ?)',
					options: {
						queryParameters: {
							parameters: [
								{ value: '={{ $json.id }}', type: 'auto' },
								{ value: '={{ $json.name }}', type: 'auto' },
							],
						},
					},
				},
				{
					items: [
						{ id: 1, name: 'one' },
						{ id: 'two', name: 'not a number' },
						{ id: 3, name: 'three' },
					],
					onError: 'continueRegularOutput',
				},
			),
			env.credentials(),
		);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 0 } },
			{
				json: {
					error: "TEXT value 'two' is not recognized (code 100037, SQL state 22018)",
					code: '100037',
					sqlState: '22018',
					statementHandle: HANDLE,
					itemIndex: 1,
					description: expect.stringMatching(/^Statement handle: \S+$/),
				},
				pairedItem: { item: 1 },
			},
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 2 } },
		]);
		expect(submits()).toHaveLength(3);
		expect(await sql(['SELECT ID, NAME FROM EXEC_INDEPENDENT ORDER BY ID'])).toEqual([
			['1', 'one'],
			['3', 'three'],
		]);
	});

	it('single: runs once for items that resolve to the same statement, rows paired with the first item', async () => {
		await sql([
			'CREATE OR REPLACE TABLE EXEC_SINGLE (ID NUMBER(38, 0), NAME VARCHAR)',
			"INSERT INTO EXEC_SINGLE VALUES (1, 'one'), (2, 'two')",
		]);
		const result = await run({ query: 'SELECT ID, NAME FROM EXEC_SINGLE ORDER BY ID', options: { queryBatching: 'single' } }, [
			{ a: 1 },
			{ a: 2 },
			{ a: 3 },
		]);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { ID: 1, NAME: 'one' }, pairedItem: { item: 0 } },
			{ json: { ID: 2, NAME: 'two' }, pairedItem: { item: 0 } },
		]);
		expect(submits()).toHaveLength(1);
	});

	it('single: a write runs once for all items', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_SINGLE_LOG (NOTE VARCHAR)']);
		const result = await run({ query: "INSERT INTO EXEC_SINGLE_LOG VALUES ('ran')", options: { queryBatching: 'single' } }, [{ a: 1 }, { a: 2 }, { a: 3 }]);
		expect(plain(result.output(NODE))).toEqual([{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 0 } }]);
		expect(await sql(['SELECT NOTE FROM EXEC_SINGLE_LOG'])).toEqual([['ran']]);
	});

	it('single: refuses items that resolve to different parameters instead of skipping them', async () => {
		const result = await run(
			{ query: 'SELECT ?', options: { queryBatching: 'single', queryParameters: { parameters: [{ value: '={{ $json.a }}', type: 'auto' }] } } },
			[{ a: 1 }, { a: 2 }],
		);
		expect(result.error()?.message).toBe(
			'Query Batching is "Single (Once for All Items)", but item 1 resolves to different SQL, parameters or options than item 0. Choose "Independently (Once per Item)" to run each item\'s statement, or make the query the same for all items.',
		);
		expect(env.proxy.requests).toEqual([]);
	});

	it('transaction: all items in one BEGIN … COMMIT multi-statement request, each item paired with its own result', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_TX_OK (ID NUMBER(38, 0))']);
		const result = await run({ query: '={{ "INSERT INTO EXEC_TX_OK VALUES (" + $json.id + ");" }}', options: { queryBatching: 'transaction' } }, [
			{ id: 1 },
			{ id: 2 },
		]);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 0 } },
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 1 } },
		]);
		expect(submits()).toHaveLength(1);
		expect(submits()[0].statement).toBe('BEGIN TRANSACTION\n;\nINSERT INTO EXEC_TX_OK VALUES (1)\n;\nINSERT INTO EXEC_TX_OK VALUES (2)\n;\nCOMMIT');
		expect((submits()[0].parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT).toBe(4);
		expect(await sql(['SELECT ID FROM EXEC_TX_OK ORDER BY ID'])).toEqual([['1'], ['2']]);
	});

	it('transaction: a failing statement fails every item (nothing committed), as error items with continueOnFail', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_TX_FAIL (ID NUMBER(38, 0))', 'INSERT INTO EXEC_TX_FAIL VALUES (0)']);
		const executed = env.emulator.stats.statementsExecuted;
		const result = await runWorkflow(
			snowflakeWorkflow(
				{ operation: 'executeQuery', query: '={{ $json.sql }}', options: { queryBatching: 'transaction' } },
				{
					items: [{ sql: 'INSERT INTO EXEC_TX_FAIL VALUES (1)' }, { sql: 'UPDATE EXEC_TX_FAIL SET ID = 10' }, { sql: 'SELECT FAIL' }],
					onError: 'continueRegularOutput',
				},
			),
			env.credentials(),
		);
		// Snowflake reports a failed child of a multi-statement request as 100132 / P0000, naming the statement.
		const message =
			'JavaScript execution error: Uncaught Execution of multiple statements failed on statement "SELECT FAIL" (at line 7, position 0).\n' +
			"SQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL' in SYSTEM$MULTISTMT at " +
			"'    throw `Execution of multiple statements failed on statement {0} (at line {1}, position {2}).`.replace('{1}', LINES[i])' position 4\n" +
			'stackstrace: \nSYSTEM$MULTISTMT line: 10 (code 100132, SQL state P0000)';
		const error = (itemIndex: number) => ({
			json: {
				error: message,
				code: '100132',
				sqlState: 'P0000',
				statementHandle: HANDLE,
				itemIndex,
				description: expect.stringMatching(/^Statement handle: \S+\nThe transaction was not committed: none of the items' statements took effect\.$/),
			},
			pairedItem: { item: itemIndex },
		});
		expect(plain(result.output(NODE))).toEqual([error(0), error(1), error(2)]);
		expect(submits()[0].statement).toBe('BEGIN TRANSACTION\n;\nINSERT INTO EXEC_TX_FAIL VALUES (1)\n;\nUPDATE EXEC_TX_FAIL SET ID = 10\n;\nSELECT FAIL\n;\nCOMMIT');
		// BEGIN, the INSERT, the UPDATE and the failing SELECT ran (COMMIT never did); neither write is visible afterwards.
		expect(env.emulator.stats.statementsExecuted - executed).toBe(4);
		expect(await sql(['SELECT ID FROM EXEC_TX_FAIL'])).toEqual([['0']]);
	});

	it('transaction: items ending in a --, // or /* */ comment (with or without ";") keep their statements apart', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_TX_COMMENTS (ID NUMBER(38, 0))']);
		const result = await run({ query: '={{ $json.sql }}', options: { queryBatching: 'transaction' } }, [
			{ sql: 'INSERT INTO EXEC_TX_COMMENTS VALUES (1) -- first' },
			{ sql: 'INSERT INTO EXEC_TX_COMMENTS VALUES (2); // second; still the comment' },
			{ sql: 'INSERT INTO EXEC_TX_COMMENTS VALUES (3) /* third; */' },
			{ sql: "INSERT INTO EXEC_TX_COMMENTS VALUES (4); -- it's the last\n" },
		]);
		expect(result.error()).toBeUndefined();
		expect(plain(result.output(NODE))).toEqual([0, 1, 2, 3].map((item) => ({ json: { 'number of rows inserted': 1 }, pairedItem: { item } })));
		expect(submits()[0].statement).toBe(
			'BEGIN TRANSACTION\n;\n' +
				'INSERT INTO EXEC_TX_COMMENTS VALUES (1) -- first\n;\n' +
				'INSERT INTO EXEC_TX_COMMENTS VALUES (2) // second; still the comment\n;\n' +
				'INSERT INTO EXEC_TX_COMMENTS VALUES (3) /* third; */\n;\n' +
				"INSERT INTO EXEC_TX_COMMENTS VALUES (4) -- it's the last\n;\n" +
				'COMMIT',
		);
		expect((submits()[0].parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT).toBe(6);
		expect(await sql(['SELECT ID FROM EXEC_TX_COMMENTS ORDER BY ID'])).toEqual([['1'], ['2'], ['3'], ['4']]);
	});

	it.each([
		['CREATE', 'CREATE TABLE EXEC_TX_DDL (ID NUMBER)'],
		['DROP', '-- clean up first\nDROP TABLE IF EXISTS EXEC_TX_DDL'],
		['ALTER', 'ALTER TABLE EXEC_TX_DDL ADD COLUMN X NUMBER'],
		['TRUNCATE', 'TRUNCATE TABLE EXEC_TX_DDL'],
		['GRANT', 'GRANT SELECT ON TABLE EXEC_TX_DDL TO ROLE PUBLIC'],
	])('transaction: refuses DDL (%s) before sending anything: Snowflake would commit the open transaction', async (keyword, ddl) => {
		const result = await run({ query: '={{ $json.sql }}', options: { queryBatching: 'transaction', multiStatement: true } }, [
			{ sql: 'INSERT INTO EXEC_TX_OK VALUES (1)' },
			{ sql: `SELECT 1; ${ddl}` },
		]);
		expect(result.error()?.message).toBe(
			`Query Batching "Transaction" cannot include DDL: the query of item 1 holds a ${keyword} statement, and Snowflake commits the open transaction before and after every DDL statement, so the items would no longer be all or nothing. Run DDL in a separate node (or with Query Batching "Independently (Once per Item)") before the transaction.`,
		);
		expect(result.error()?.context?.itemIndex).toBe(1);
		expect(env.proxy.requests).toEqual([]);
	});

	it('transaction: refuses transaction control in an item (the node writes BEGIN … COMMIT itself)', async () => {
		const result = await run({ query: 'COMMIT', options: { queryBatching: 'transaction' } });
		expect(result.error()?.message).toMatch(/^Query Batching "Transaction" wraps the items in BEGIN TRANSACTION … COMMIT itself, but the query of item 0 holds a COMMIT statement\./);
		expect(env.proxy.requests).toEqual([]);
	});

	it('transaction: a failure after which the statements may have run (no answer) does not claim that nothing was committed', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_TX_UNKNOWN (ID NUMBER(38, 0))']);
		// Every submit runs to the end (COMMIT included), then its connection is cut; retries wait 0 ms (jitter 0).
		env.emulator.faults.add({ route: 'submit', kind: 'resetAfterCommit', times: Infinity });
		const random = vi.spyOn(Math, 'random').mockReturnValue(0);
		let result: RunResult;
		try {
			result = await runWorkflow(
				snowflakeWorkflow(
					{ operation: 'executeQuery', query: '={{ $json.sql }}', options: { queryBatching: 'transaction' } },
					{ items: [{ sql: 'INSERT INTO EXEC_TX_UNKNOWN VALUES (1)' }, { sql: 'INSERT INTO EXEC_TX_UNKNOWN VALUES (2)' }], onError: 'continueRegularOutput' },
				),
				env.credentials(),
			);
		} finally {
			random.mockRestore();
		}
		const outputs = result.output(NODE).map((item) => item.json);
		expect(outputs).toHaveLength(2);
		for (const json of outputs) {
			expect(json.error).toMatch(/The statement may have run on Snowflake/);
			expect(json.description).not.toMatch(/not committed/);
		}
		// It did run: the transaction was committed.
		expect(await sql(['SELECT ID FROM EXEC_TX_UNKNOWN ORDER BY ID'])).toEqual([['1'], ['2']]);
	});

	it('transaction: Max Rows with On Limit "error" after the COMMIT says the transaction was committed', async () => {
		await seedOutputRows();
		const result = await runWorkflow(
			snowflakeWorkflow(
				{ operation: 'executeQuery', query: SELECT_OUTPUT, options: { queryBatching: 'transaction', maxRows: 2, onMaxRows: 'error' } },
				{ onError: 'continueRegularOutput' },
			),
			env.credentials(),
		);
		const [json] = result.output(NODE).map((item) => item.json);
		expect(json.description).toMatch(/The transaction was committed: only reading its result failed\.$/);
		expect(json.description).not.toMatch(/not committed/);
	});

	it('transaction: refuses query parameters (the SQL API takes no bindings in multi-statement requests)', async () => {
		const result = await run({
			query: 'SELECT ?',
			options: { queryBatching: 'transaction', queryParameters: { parameters: [{ value: '1', type: 'auto' }] } },
		});
		expect(result.error()?.message).toBe(
			'Query Batching "Transaction" runs all items in one multi-statement request, and the Snowflake SQL API accepts no bindings there. Remove the Query Parameters, or use Insert, Update, Upsert or Delete, which write all items with bindings in one statement per batch.',
		);
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('Execute SQL: multi-statement', () => {
	it('sets MULTI_STATEMENT_COUNT and labels each statement\'s rows with statementIndex and statementHandle', async () => {
		await sql(['CREATE OR REPLACE TABLE EXEC_MULTI (ID NUMBER(38, 0), NAME VARCHAR)']);
		const result = await run({
			query: "INSERT INTO EXEC_MULTI VALUES (1, 'one'), (2, 'two'); SELECT ID, NAME FROM EXEC_MULTI ORDER BY ID;",
			options: { multiStatement: true },
		});
		expect(plain(result.output(NODE))).toEqual([
			{ json: { 'number of rows inserted': 2, statementIndex: 0, statementHandle: HANDLE }, pairedItem: { item: 0 } },
			{ json: { ID: 1, NAME: 'one', statementIndex: 1, statementHandle: HANDLE }, pairedItem: { item: 0 } },
			{ json: { ID: 2, NAME: 'two', statementIndex: 1, statementHandle: HANDLE }, pairedItem: { item: 0 } },
		]);
		const [first, second, third] = result.output(NODE).map((item) => item.json.statementHandle);
		expect(first).not.toBe(second);
		expect(second).toBe(third);
		expect((submits()[0].parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT).toBe(2);
		expect(await sql(['SELECT ID, NAME FROM EXEC_MULTI ORDER BY ID'])).toEqual([
			['1', 'one'],
			['2', 'two'],
		]);
	});

	it('refuses several statements without the option, and bindings with it, before sending anything', async () => {
		const without = await run({ query: 'SELECT 1; SELECT 2' });
		expect(without.error()?.message).toBe(
			'The query holds 2 statements separated by ";". Turn on Options > Multi-Statement to run them in one request, or send one statement.',
		);
		const withBindings = await run({
			query: 'SELECT ?; SELECT 2',
			options: { multiStatement: true, queryParameters: { parameters: [{ value: '1', type: 'auto' }] } },
		});
		expect(withBindings.error()?.message).toBe(
			'Query parameters cannot be used with several statements: the Snowflake SQL API does not accept bindings in a multi-statement request',
		);
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('Execute SQL: output', () => {
	it('one item per row by default, reading every partition in order; numbers decoded as numbers', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT });
		expect(plain(result.output(NODE))).toEqual(OUTPUT_ROWS.map((json) => ({ json, pairedItem: { item: 0 } })));
		expect(env.proxy.requests.filter((request) => request.query.partition).map((request) => request.query.partition)).toEqual(['1', '2']);
	});

	it('decodes every column type to its JS value: exact strings where a number would lose digits', async () => {
		await sql([
			`CREATE OR REPLACE TABLE EXEC_TYPES (
				SMALL NUMBER(38, 0), SAFE NUMBER(38, 0), BIG NUMBER(38, 0), PRICE NUMBER(10, 2), EXACT NUMBER(38, 10),
				RATIO FLOAT, FLAG BOOLEAN, DAY DATE, OLD_DAY DATE, AT_NTZ TIMESTAMP_NTZ, AT_TZ TIMESTAMP_TZ, CLOCK TIME,
				DOC VARIANT, BYTES BINARY, NOTE VARCHAR)`,
			`INSERT INTO EXEC_TYPES SELECT -42, 9007199254740991, 12345678901234567890123, 12.5, 1234567890.0123456789,
				1.5, TRUE, '2024-02-29'::DATE, '1969-07-20'::DATE, '2024-02-29 13:14:15.123456789'::TIMESTAMP_NTZ,
				'2024-02-29 13:14:15.5 +05:30'::TIMESTAMP_TZ, '01:02:03'::TIME, PARSE_JSON('{"a":[1,"x",null],"b":{"c":true}}'),
				TO_BINARY('CAFE01'), 'text'`,
			'INSERT INTO EXEC_TYPES (SMALL) VALUES (0)',
		]);
		const query = 'SELECT * FROM EXEC_TYPES ORDER BY SMALL';
		const result = await run({ query });
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					SMALL: -42,
					SAFE: 9007199254740991,
					BIG: '12345678901234567890123',
					PRICE: 12.5,
					EXACT: '1234567890.0123456789',
					RATIO: 1.5,
					FLAG: true,
					DAY: '2024-02-29',
					OLD_DAY: '1969-07-20',
					AT_NTZ: '2024-02-29T13:14:15.123456789',
					AT_TZ: '2024-02-29T13:14:15.500000000+05:30',
					CLOCK: '01:02:03.000000000',
					DOC: { a: [1, 'x', null], b: { c: true } },
					BYTES: 'CAFE01',
					NOTE: 'text',
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					SMALL: 0,
					SAFE: null,
					BIG: null,
					PRICE: null,
					EXACT: null,
					RATIO: null,
					FLAG: null,
					DAY: null,
					OLD_DAY: null,
					AT_NTZ: null,
					AT_TZ: null,
					CLOCK: null,
					DOC: null,
					BYTES: null,
					NOTE: null,
				},
				pairedItem: { item: 0 },
			},
		]);
		const asText = await run({ query: 'SELECT SMALL, SAFE, BIG, PRICE, EXACT, RATIO, FLAG FROM EXEC_TYPES ORDER BY SMALL LIMIT 1', options: { numbersAsText: true } });
		expect(plain(asText.output(NODE))).toEqual([
			{
				json: { SMALL: '-42', SAFE: '9007199254740991', BIG: '12345678901234567890123', PRICE: '12.50', EXACT: '1234567890.0123456789', RATIO: '1.5', FLAG: true },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('numbers as text', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { numbersAsText: true, maxRows: 2, onMaxRows: 'truncate' } });
		expect(plain(result.output(NODE))).toEqual([
			{ json: { N: '1', AMOUNT: '10.50', LABEL: null }, pairedItem: { item: 0 } },
			{ json: { N: '2', AMOUNT: '20.00', LABEL: 'row 2' }, pairedItem: { item: 0 } },
		]);
	});

	it('one item with all rows', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { output: 'allRows', maxRows: 3, onMaxRows: 'truncate' } });
		expect(plain(result.output(NODE))).toEqual([
			{
				json: { statementHandle: HANDLE, numRows: 5, truncated: true, rows: OUTPUT_ROWS.slice(0, 3) },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('one item with all rows of every partition when nothing is cut', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { output: 'allRows' } });
		expect(plain(result.output(NODE))).toEqual([
			{ json: { statementHandle: HANDLE, numRows: 5, truncated: false, rows: OUTPUT_ROWS }, pairedItem: { item: 0 } },
		]);
		expect(env.proxy.requests.filter((request) => request.query.partition).map((request) => request.query.partition)).toEqual(['1', '2']);
	});

	it('statement metadata only: no partition is downloaded', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { output: 'metadata' } });
		const column = { database: DEFAULT_DATABASE, schema: DEFAULT_SCHEMA, table: OUTPUT_TABLE, nullable: true, collation: null };
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					statementHandle: HANDLE,
					requestId: expect.any(String),
					code: '090001',
					message: 'Statement executed successfully.',
					sqlState: '00000',
					createdOn: expect.any(Number),
					numRows: 5,
					partitionCount: 3,
					rowType: [
						{ name: 'N', type: 'fixed', length: null, byteLength: null, precision: 38, scale: 0, ...column },
						{ name: 'AMOUNT', type: 'fixed', length: null, byteLength: null, precision: 10, scale: 2, ...column },
						{ name: 'LABEL', type: 'text', length: 16777216, byteLength: 16777216, precision: null, scale: null, ...column },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(env.proxy.requests.filter((request) => request.query.partition)).toEqual([]);
	});

	it('max rows, on limit "stop": the first rows and a warning hint in the output pane', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { maxRows: 2, onMaxRows: 'truncate' } });
		expect(plain(result.output(NODE))).toEqual(OUTPUT_ROWS.slice(0, 2).map((json) => ({ json, pairedItem: { item: 0 } })));
		expect(result.run.data.resultData.runData[NODE][0].hints).toEqual([
			{
				message: 'The result was cut at Max Rows (2): only the first 2 rows of a statement are in the output.',
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('max rows differing per item: the hint quotes each cut item\'s own limit, not the last item\'s', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { maxRows: '={{ $json.max }}', onMaxRows: 'truncate' } }, [{ max: 2 }, { max: 3 }, { max: 100 }]);
		expect(result.output(NODE)).toHaveLength(2 + 3 + 5);
		expect(result.run.data.resultData.runData[NODE][0].hints).toEqual([
			{
				message: "Results were cut at Max Rows (2 for item 0, 3 for item 1): only the first rows up to each item's limit are in the output.",
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('max rows, one item cut: the hint quotes that item\'s limit', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { maxRows: '={{ $json.max }}', onMaxRows: 'truncate' } }, [{ max: 2 }, { max: 100 }]);
		expect(result.run.data.resultData.runData[NODE][0].hints?.[0].message).toBe(
			'The result was cut at Max Rows (2): only the first 2 rows of a statement are in the output.',
		);
	});

	it('max rows, on limit "fail": the execution stops with the row count', async () => {
		await seedOutputRows();
		const result = await run({ query: SELECT_OUTPUT, options: { maxRows: 2 } });
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toBe(
			'The result has 5 rows, more than the maximum of 2. Raise the maximum, add a LIMIT to the statement, or choose to truncate the result.',
		);
		expect(result.output(NODE)).toEqual([]);
	});
});

describe('Execute SQL: context and session options', () => {
	const CONTEXT_QUERY = 'SELECT CURRENT_ROLE() AS ROLE_NAME, CURRENT_WAREHOUSE() AS WAREHOUSE_NAME, CURRENT_DATABASE() AS DATABASE_NAME, CURRENT_SCHEMA() AS SCHEMA_NAME, NOTE FROM EXEC_CONTEXT';

	it('sends the credential\'s role, warehouse, database and schema by default, and a query tag naming the workflow', async () => {
		await sql(['CREATE DATABASE IF NOT EXISTS ANALYTICS']);
		await sql(["CREATE OR REPLACE TABLE EXEC_CONTEXT (NOTE VARCHAR)", "INSERT INTO EXEC_CONTEXT VALUES ('in ANALYTICS.PUBLIC')"], { database: 'ANALYTICS', schema: 'PUBLIC' });
		const result = await runWorkflow(
			snowflakeWorkflow({ operation: 'executeQuery', query: CONTEXT_QUERY }),
			env.credentials({ role: 'ANALYST', warehouse: 'COMPUTE_WH', database: 'ANALYTICS', schema: 'PUBLIC' }),
		);
		// The unqualified table resolves in the credential's database and schema.
		expect(plain(result.output(NODE))).toEqual([
			{
				json: { ROLE_NAME: 'ANALYST', WAREHOUSE_NAME: 'COMPUTE_WH', DATABASE_NAME: 'ANALYTICS', SCHEMA_NAME: 'PUBLIC', NOTE: 'in ANALYTICS.PUBLIC' },
				pairedItem: { item: 0 },
			},
		]);
		const [body] = submits();
		expect(body).toEqual({
			statement: CONTEXT_QUERY,
			role: 'ANALYST',
			warehouse: 'COMPUTE_WH',
			database: 'ANALYTICS',
			schema: 'PUBLIC',
			parameters: { QUERY_TAG: expect.any(String) },
		});
		expect(JSON.parse((body.parameters as Record<string, string>).QUERY_TAG)).toEqual({
			source: 'n8n',
			workflowId: 'workflow-test',
			executionId: expect.stringMatching(/^execution-\d+$/),
			node: NODE,
		});
	});

	it('overrides: picked and "by ID" names are exact, "by name" follows the identifier rules; timeout, time zone and tag', async () => {
		await sql(['CREATE DATABASE IF NOT EXISTS "MyDb"']);
		await sql(['CREATE SCHEMA IF NOT EXISTS "MyDb"."Mixed Case"']);
		await sql(["CREATE OR REPLACE TABLE EXEC_CONTEXT (NOTE VARCHAR)", "INSERT INTO EXEC_CONTEXT VALUES ('in MyDb.Mixed Case')"], { database: 'MyDb', schema: 'Mixed Case' });
		const query = `${CONTEXT_QUERY.replace(' FROM', ", '2024-01-01 12:00:00 +00:00'::TIMESTAMP_LTZ AS NOON_UTC FROM")}`;
		const result = await runWorkflow(
			snowflakeWorkflow({
				operation: 'executeQuery',
				query,
				options: {
					role: { __rl: true, mode: 'list', value: 'Reporting Role' },
					warehouse: { __rl: true, mode: 'name', value: 'compute_wh' },
					database: { __rl: true, mode: 'id', value: 'MyDb' },
					schema: { __rl: true, mode: 'name', value: '"Mixed Case"' },
					statementTimeout: 30,
					timezone: 'Europe/Berlin',
					queryTag: 'nightly sync',
				},
			}),
			env.credentials({ role: 'ANALYST', warehouse: 'OTHER_WH', database: 'OTHER', schema: 'OTHER' }),
		);
		// TIMESTAMP_LTZ is rendered in the requested time zone.
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					ROLE_NAME: 'Reporting Role',
					WAREHOUSE_NAME: 'COMPUTE_WH',
					DATABASE_NAME: 'MyDb',
					SCHEMA_NAME: 'Mixed Case',
					NOON_UTC: '2024-01-01T13:00:00.000000000+01:00',
					NOTE: 'in MyDb.Mixed Case',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(submits()[0]).toEqual({
			statement: query,
			role: 'Reporting Role',
			warehouse: 'COMPUTE_WH',
			database: 'MyDb',
			schema: 'Mixed Case',
			timeout: 30,
			parameters: { QUERY_TAG: 'nightly sync', TIMEZONE: 'Europe/Berlin' },
		});
	});

	it('an empty query tag sends none', async () => {
		const result = await run({ query: 'SELECT 1', options: { queryTag: '' } });
		expect(plain(result.output(NODE))).toEqual([{ json: { '1': 1 }, pairedItem: { item: 0 } }]);
		expect(submits()[0]).toEqual({ statement: 'SELECT 1' });
	});
});
