/**
 * Execute SQL end to end: workflows run in-process by n8n-core against the emulator over HTTP (fake
 * engine: FAIL fails, GENERATOR(ROWCOUNT => n) yields n rows, DML reports one row, anything else
 * echoes its first binding as VALUE). Outputs are compared whole: values, types and pairedItem.
 */
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { plain, runWorkflow, snowflakeWorkflow, type RunResult } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ fakeEngine: true, partitionRows: 2 });
const NODE = 'Snowflake SQL API';
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const GENERATE_5 = 'SELECT SEQ4() AS N, LABEL FROM TABLE(GENERATOR(ROWCOUNT => 5))';

async function run(parameters: Record<string, unknown>, items?: IDataObject[]): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow({ operation: 'executeQuery', ...parameters }, { items }), env.credentials());
}

function submits() {
	return env.proxy.submits();
}

describe('Execute SQL: query parameters', () => {
	it('binds ? placeholders from expressions with the inferred types, one statement per item', async () => {
		const result = await run(
			{
				query: 'SELECT ? AS VALUE, ?',
				options: {
					queryParameters: {
						parameters: [
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
			{ json: { VALUE: '7' }, pairedItem: { item: 0 } },
			{ json: { VALUE: '8' }, pairedItem: { item: 1 } },
		]);
		expect(submits().map((body) => body.bindings)).toEqual([
			{ '1': { type: 'FIXED', value: '7' }, '2': { type: 'DATE', value: '1709164800000' } },
			{ '1': { type: 'FIXED', value: '8' }, '2': { type: 'DATE', value: '1709251200000' } },
		]);
		expect(submits().map((body) => body.statement)).toEqual(['SELECT ? AS VALUE, ?', 'SELECT ? AS VALUE, ?']);
	});

	it('rewrites :1 placeholders to ? and binds a reused number twice; VARIANT goes through PARSE_JSON', async () => {
		const result = await run({
			query: 'SELECT :1, :2, :1',
			options: {
				queryParameters: {
					parameters: [
						{ value: 'abc', type: 'TEXT' },
						{ value: '={{ { "a": 1 } }}', type: 'VARIANT' },
					],
				},
			},
		});
		expect(plain(result.output(NODE))).toEqual([{ json: { VALUE: 'abc' }, pairedItem: { item: 0 } }]);
		expect(submits()[0]).toMatchObject({
			statement: 'SELECT ?, PARSE_JSON(?), ?',
			bindings: {
				'1': { type: 'TEXT', value: 'abc' },
				'2': { type: 'TEXT', value: '{"a":1}' },
				'3': { type: 'TEXT', value: 'abc' },
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
	it('single: runs once for items that resolve to the same statement, rows paired with the first item', async () => {
		const result = await run({ query: 'SELECT 1', options: { queryBatching: 'single' } }, [{ a: 1 }, { a: 2 }, { a: 3 }]);
		expect(plain(result.output(NODE))).toEqual([{ json: { VALUE: 'ok' }, pairedItem: { item: 0 } }]);
		expect(submits()).toHaveLength(1);
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
		const result = await run({ query: '={{ "INSERT INTO T VALUES (" + $json.id + ");" }}', options: { queryBatching: 'transaction' } }, [
			{ id: 1 },
			{ id: 2 },
		]);
		expect(plain(result.output(NODE))).toEqual([
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 0 } },
			{ json: { 'number of rows inserted': 1 }, pairedItem: { item: 1 } },
		]);
		expect(submits()).toHaveLength(1);
		expect(submits()[0].statement).toBe('BEGIN TRANSACTION;\nINSERT INTO T VALUES (1);\nINSERT INTO T VALUES (2);\nCOMMIT');
		expect((submits()[0].parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT).toBe(4);
	});

	it('transaction: a failing statement fails every item (nothing committed), as error items with continueOnFail', async () => {
		const result = await runWorkflow(
			snowflakeWorkflow(
				{ operation: 'executeQuery', query: '={{ $json.sql }}', options: { queryBatching: 'transaction' } },
				{ items: [{ sql: 'INSERT INTO T VALUES (1)' }, { sql: 'SELECT FAIL' }], onError: 'continueRegularOutput' },
			),
			env.credentials(),
		);
		// Snowflake reports a failed child of a multi-statement request as 100132 / P0000, naming the statement.
		const message = expect.stringMatching(
			/^JavaScript execution error: Uncaught Execution of multiple statements failed on statement "SELECT FAIL" \(at line 3, position 0\)\.\nSQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL'[\s\S]*\(code 100132, SQL state P0000\)$/,
		);
		const error = (itemIndex: number) => ({
			json: {
				error: message,
				code: '100132',
				sqlState: 'P0000',
				statementHandle: HANDLE,
				itemIndex,
				description: expect.stringMatching(
					/^Statement handle: \S+\nThe transaction was not committed: none of the items' statements took effect\.$/,
				),
			},
			pairedItem: { item: itemIndex },
		});
		expect(plain(result.output(NODE))).toEqual([error(0), error(1)]);
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
		const result = await run({ query: 'SELECT 1; SELECT 2;', options: { multiStatement: true } });
		expect(plain(result.output(NODE))).toEqual([
			{ json: { VALUE: 'ok', statementIndex: 0, statementHandle: HANDLE }, pairedItem: { item: 0 } },
			{ json: { VALUE: 'ok', statementIndex: 1, statementHandle: HANDLE }, pairedItem: { item: 0 } },
		]);
		const [first, second] = result.output(NODE).map((item) => item.json.statementHandle);
		expect(first).not.toBe(second);
		expect((submits()[0].parameters as Record<string, unknown>).MULTI_STATEMENT_COUNT).toBe(2);
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
		const result = await run({ query: GENERATE_5 });
		expect(plain(result.output(NODE))).toEqual([
			{ json: { N: 1, LABEL: null }, pairedItem: { item: 0 } },
			{ json: { N: 2, LABEL: 'row 2' }, pairedItem: { item: 0 } },
			{ json: { N: 3, LABEL: 'row 3' }, pairedItem: { item: 0 } },
			{ json: { N: 4, LABEL: null }, pairedItem: { item: 0 } },
			{ json: { N: 5, LABEL: 'row 5' }, pairedItem: { item: 0 } },
		]);
		expect(env.proxy.requests.filter((request) => request.query.partition).map((request) => request.query.partition)).toEqual(['1', '2']);
	});

	it('numbers as text', async () => {
		const result = await run({ query: GENERATE_5, options: { numbersAsText: true, maxRows: 2, onMaxRows: 'truncate' } });
		expect(plain(result.output(NODE))).toEqual([
			{ json: { N: '1', LABEL: null }, pairedItem: { item: 0 } },
			{ json: { N: '2', LABEL: 'row 2' }, pairedItem: { item: 0 } },
		]);
	});

	it('one item with all rows', async () => {
		const result = await run({ query: GENERATE_5, options: { output: 'allRows', maxRows: 3, onMaxRows: 'truncate' } });
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					statementHandle: HANDLE,
					numRows: 5,
					truncated: true,
					rows: [
						{ N: 1, LABEL: null },
						{ N: 2, LABEL: 'row 2' },
						{ N: 3, LABEL: 'row 3' },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('statement metadata only: no partition is downloaded', async () => {
		const result = await run({ query: GENERATE_5, options: { output: 'metadata' } });
		const column = { database: '', schema: '', table: '', nullable: true, collation: null };
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
						{ name: 'LABEL', type: 'text', length: 16777216, byteLength: 16777216, precision: null, scale: null, ...column },
					],
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(env.proxy.requests.filter((request) => request.query.partition)).toEqual([]);
	});

	it('max rows, on limit "stop": the first rows and a warning hint in the output pane', async () => {
		const result = await run({ query: GENERATE_5, options: { maxRows: 2, onMaxRows: 'truncate' } });
		expect(result.output(NODE)).toHaveLength(2);
		expect(result.run.data.resultData.runData[NODE][0].hints).toEqual([
			{
				message: 'The result was cut at Max Rows (2): only the first 2 rows of a statement are in the output.',
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('max rows, on limit "fail": the execution stops with the row count', async () => {
		const result = await run({ query: GENERATE_5, options: { maxRows: 2 } });
		expect(result.error()?.message).toBe(
			'The result has 5 rows, more than the maximum of 2. Raise the maximum, add a LIMIT to the statement, or choose to truncate the result.',
		);
	});
});

describe('Execute SQL: context and session options', () => {
	it('sends the credential\'s role, warehouse, database and schema by default, and a query tag naming the workflow', async () => {
		await runWorkflow(
			snowflakeWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }),
			env.credentials({ role: 'ANALYST', warehouse: 'COMPUTE_WH', database: 'ANALYTICS', schema: 'PUBLIC' }),
		);
		const [body] = submits();
		expect(body).toEqual({
			statement: 'SELECT 1',
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
		await runWorkflow(
			snowflakeWorkflow({
				operation: 'executeQuery',
				query: 'SELECT 1',
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
		expect(submits()[0]).toEqual({
			statement: 'SELECT 1',
			role: 'Reporting Role',
			warehouse: 'COMPUTE_WH',
			database: 'MyDb',
			schema: 'Mixed Case',
			timeout: 30,
			parameters: { QUERY_TAG: 'nightly sync', TIMEZONE: 'Europe/Berlin' },
		});
	});

	it('an empty query tag sends none', async () => {
		await run({ query: 'SELECT 1', options: { queryTag: '' } });
		expect(submits()[0]).toEqual({ statement: 'SELECT 1' });
	});
});
