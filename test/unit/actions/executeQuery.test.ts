import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { QUERY_TAG, ScriptedRunner, fakeContext, networkError, rejection, result, run, sqlError, sqlErrorItem } from './fixtures';

describe('Execute SQL, Query Batching "Independently"', () => {
	it('sends one statement per item with its bindings, context and query tag, and pairs the rows with the item', async () => {
		const runner = new ScriptedRunner([
			{ answer: result({ statementHandle: 'h-0', rows: [{ ID: 1 }, { ID: 2 }] }) },
			{ answer: result({ statementHandle: 'h-1', rows: [{ ID: 3 }] }) },
		]);
		const fake = fakeContext({
			parameters: [
				{ query: 'SELECT id FROM orders WHERE status = :1 AND id > :2', options: { queryParameters: { parameters: [{ value: 'open' }, { value: 10, type: 'FIXED' }] }, warehouse: { mode: 'name', value: 'compute_wh' } } },
				{ query: 'SELECT id FROM orders WHERE status = :1 AND id > :2', options: { queryParameters: { parameters: [{ value: 'shipped' }, { value: 20, type: 'FIXED' }] }, warehouse: { mode: 'name', value: 'compute_wh' } } },
			],
		});

		const output = await run('executeQuery', fake, runner, { role: 'ANALYST' });

		expect(runner.calls).toHaveLength(2);
		expect(runner.calls[0]).toEqual({
			method: 'execute',
			request: {
				statement: 'SELECT id FROM orders WHERE status = ? AND id > ?',
				bindings: { '1': { type: 'TEXT', value: 'open' }, '2': { type: 'FIXED', value: '10' } },
				role: 'ANALYST',
				warehouse: 'COMPUTE_WH',
				parameters: { QUERY_TAG },
			},
			options: { signal: fake.signal, decode: {} },
		});
		expect(runner.calls[1]).toMatchObject({ request: { bindings: { '1': { type: 'TEXT', value: 'shipped' }, '2': { type: 'FIXED', value: '20' } } } });
		expect(output).toEqual([
			{ json: { ID: 1 }, pairedItem: { item: 0 } },
			{ json: { ID: 2 }, pairedItem: { item: 0 } },
			{ json: { ID: 3 }, pairedItem: { item: 1 } },
		]);
	});

	it('passes the cancel signal, decode options and row limit to the runner, and hints at a truncated result', async () => {
		const runner = new ScriptedRunner([{ answer: result({ rows: [{ N: '1' }, { N: '2' }], numRows: 5, truncated: true }) }]);
		const fake = fakeContext({
			parameters: [{ query: 'SELECT n FROM t', options: { maxRows: 2, onMaxRows: 'truncate', numbersAsText: true, timezone: 'Europe/Berlin', queryTag: 'nightly' } }],
		});

		const output = await run('executeQuery', fake, runner);

		expect(runner.calls[0]).toEqual({
			method: 'execute',
			request: { statement: 'SELECT n FROM t', parameters: { QUERY_TAG: 'nightly', TIMEZONE: 'Europe/Berlin' } },
			options: { signal: fake.signal, decode: { numbersAsStrings: true, timezone: 'Europe/Berlin' }, maxRows: 2, onMaxRows: 'truncate' },
		});
		expect(output.map((item) => item.json)).toEqual([{ N: '1' }, { N: '2' }]);
		expect(fake.hints).toEqual([
			{ message: 'The result was cut at Max Rows (2): only the first 2 rows of a statement are in the output.', type: 'warning', location: 'outputPane' },
		]);
	});

	it('names each item\'s limit when items cut at different Max Rows', async () => {
		const runner = new ScriptedRunner([{ answer: result({ truncated: true }) }, { answer: result({ truncated: true }) }]);
		const fake = fakeContext({
			parameters: [
				{ query: 'SELECT 1', options: { maxRows: 10, onMaxRows: 'truncate' } },
				{ query: 'SELECT 1', options: { maxRows: 20, onMaxRows: 'truncate' } },
			],
		});
		await run('executeQuery', fake, runner);
		expect(runner.calls.map((call) => call.options)).toMatchObject([{ maxRows: 10 }, { maxRows: 20 }]);
		expect(fake.hints.map((hint) => hint.message)).toEqual([
			"Results were cut at Max Rows (10 for item 0, 20 for item 1): only the first rows up to each item's limit are in the output.",
		]);
	});

	it('continueOnFail: a refused item becomes an error item with code, sqlState and statement handle; the next item still runs', async () => {
		const runner = new ScriptedRunner([{ error: sqlError() }, { answer: result({ rows: [{ OK: true }] }) }]);
		const fake = fakeContext({ parameters: [{ query: 'SELECT * FROM nope' }, { query: 'SELECT TRUE AS ok' }], continueOnFail: true });

		const output = await run('executeQuery', fake, runner);

		expect(runner.statements).toEqual(['SELECT * FROM nope', 'SELECT TRUE AS ok']);
		expect(output).toEqual([
			sqlErrorItem(0),
			{ json: { OK: true }, pairedItem: { item: 1 } },
		]);
	});

	it('continueOnFail with the error output: the item carries { message, error: { … } }', async () => {
		const runner = new ScriptedRunner([{ error: sqlError() }]);
		const fake = fakeContext({ parameters: [{ query: 'SELECT * FROM nope' }], continueOnFail: true, onError: 'continueErrorOutput' });
		const [item] = await run('executeQuery', fake, runner);
		expect(item).toEqual({
			json: {
				message: "SQL compilation error: Object 'NOPE' does not exist.",
				error: { code: '002003', sqlState: '42S02', statementHandle: 'failed-handle', itemIndex: 0, description: 'Statement handle: failed-handle' },
			},
			pairedItem: { item: 0 },
		});
	});

	it('without continueOnFail a refused statement throws NodeApiError with the item index, and later items do not run', async () => {
		const runner = new ScriptedRunner([{ answer: result() }, { error: sqlError() }]);
		const fake = fakeContext({ parameters: [{ query: 'SELECT 1' }, { query: 'SELECT * FROM nope' }, { query: 'SELECT 3' }] });

		const error = await rejection(run('executeQuery', fake, runner));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe("SQL compilation error: Object 'NOPE' does not exist.");
		expect(error.context).toMatchObject({ itemIndex: 1 });
		expect(runner.statements).toEqual(['SELECT 1', 'SELECT * FROM nope']);
	});

	it('refuses input before sending: an empty query, several statements without Multi-Statement, PUT', async () => {
		for (const [query, message] of [
			['  ', 'The query is empty. Enter the SQL to run.'],
			['SELECT 1; SELECT 2', 'The query holds 2 statements separated by ";". Turn on Options > Multi-Statement to run them in one request, or send one statement.'],
			["PUT file:///tmp/a.csv @stage", 'PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead.'],
			['SELECT ?', 'The query has 1 placeholder but 0 query parameters were given'],
		]) {
			const runner = new ScriptedRunner();
			const error = await rejection(run('executeQuery', fakeContext({ parameters: [{ query: 'SELECT 0' }, { query }] }), runner));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect(error.context).toMatchObject({ itemIndex: 1 });
			expect(runner.statements).toEqual(['SELECT 0']);
		}
	});

	it('Multi-Statement: MULTI_STATEMENT_COUNT is sent, and each child\'s rows are labelled with statementIndex and statementHandle', async () => {
		const runner = new ScriptedRunner([
			{
				answer: result({
					statementHandle: 'parent',
					statementHandles: ['c0', 'c1'],
					statements: [result({ statementHandle: 'c0', rows: [{ A: 1 }] }), result({ statementHandle: 'c1', rows: [{ B: 2 }, { B: 3 }] })],
				}),
			},
		]);
		const fake = fakeContext({ parameters: [{ query: 'SELECT 1 AS a; SELECT 2 AS b;', options: { multiStatement: true, queryTag: '' } }] });

		const output = await run('executeQuery', fake, runner);

		expect(runner.calls[0]).toMatchObject({ request: { statement: 'SELECT 1 AS a; SELECT 2 AS b;', parameters: { MULTI_STATEMENT_COUNT: 2 } } });
		expect(output).toEqual([
			{ json: { A: 1, statementIndex: 0, statementHandle: 'c0' }, pairedItem: { item: 0 } },
			{ json: { B: 2, statementIndex: 1, statementHandle: 'c1' }, pairedItem: { item: 0 } },
			{ json: { B: 3, statementIndex: 1, statementHandle: 'c1' }, pairedItem: { item: 0 } },
		]);
	});

	it('Output "One Item With All Rows" and "Statement Metadata Only" (which downloads no rows)', async () => {
		const rows = [{ ID: 1 }, { ID: 2 }];
		const runner = new ScriptedRunner([
			{ answer: result({ statementHandle: 'h-all', rows }) },
			{ answer: result({ statementHandle: 'h-meta', numRows: 2, stats: { numRowsInserted: 2 }, rowType: [{ name: 'ID', type: 'fixed' }] }) },
		]);
		const fake = fakeContext({
			parameters: [
				{ query: 'SELECT id FROM t', options: { output: 'allRows', maxRows: 5 } },
				{ query: 'INSERT INTO t VALUES (1), (2)', options: { output: 'metadata', maxRows: 5 } },
			],
		});

		const output = await run('executeQuery', fake, runner);

		expect(runner.calls.map((call) => call.options)).toEqual([
			{ signal: fake.signal, decode: {}, maxRows: 5, onMaxRows: 'error' },
			{ signal: fake.signal, decode: {}, maxRows: 0, onMaxRows: 'truncate' },
		]);
		expect(output).toEqual([
			{ json: { statementHandle: 'h-all', numRows: 2, truncated: false, rows }, pairedItem: { item: 0 } },
			{
				json: {
					statementHandle: 'h-meta',
					requestId: 'request-1',
					code: '090001',
					message: 'Statement executed successfully.',
					numRows: 2,
					partitionCount: 1,
					rowType: [{ name: 'ID', type: 'fixed' }],
					stats: { numRowsInserted: 2 },
				},
				pairedItem: { item: 1 },
			},
		]);
	});
});

describe('Execute SQL, Query Batching "Single"', () => {
	it('runs the query once for all items and pairs every row with item 0', async () => {
		const runner = new ScriptedRunner([{ answer: result({ rows: [{ N: 1 }, { N: 2 }] }) }]);
		const parameters = { query: 'SELECT n FROM t WHERE a = ?', options: { queryBatching: 'single', queryParameters: { parameters: [{ value: 'x' }] } } };
		const fake = fakeContext({ parameters: [parameters, parameters, parameters] });

		const output = await run('executeQuery', fake, runner);

		expect(runner.calls).toHaveLength(1);
		expect(runner.calls[0]).toMatchObject({ request: { statement: 'SELECT n FROM t WHERE a = ?', bindings: { '1': { type: 'TEXT', value: 'x' } } } });
		expect(output).toEqual([
			{ json: { N: 1 }, pairedItem: { item: 0 } },
			{ json: { N: 2 }, pairedItem: { item: 0 } },
		]);
	});

	it('refuses items that resolve to different parameters, naming the item, before sending anything', async () => {
		const options = (value: string) => ({ queryBatching: 'single', queryParameters: { parameters: [{ value }] } });
		const fake = fakeContext({
			parameters: [
				{ query: 'SELECT ?', options: options('a') },
				{ query: 'SELECT ?', options: options('a') },
				{ query: 'SELECT ?', options: options('b') },
			],
		});
		const runner = new ScriptedRunner();
		const error = await rejection(run('executeQuery', fake, runner));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Query Batching is "Single \(Once for All Items\)", but item 2 resolves to different SQL, parameters or options than item 0\./);
		expect(error.context).toMatchObject({ itemIndex: 2 });
		expect(runner.calls).toEqual([]);

		const continued = fakeContext({ parameters: [{ query: 'SELECT ?', options: options('a') }, { query: 'SELECT ?', options: options('b') }], continueOnFail: true });
		const output = await run('executeQuery', continued, runner);
		// One request for all items, so one error item, paired with item 0 as its rows would be.
		expect(output).toHaveLength(1);
		expect(output[0]).toMatchObject({ json: { itemIndex: 0 }, pairedItem: { item: 0 } });
		expect(output[0].json.error).toMatch(/but item 1 resolves to different SQL/);
		expect(runner.calls).toEqual([]);
	});
});

describe('Execute SQL, Query Batching "Transaction"', () => {
	it('wraps every item in one BEGIN … COMMIT request and gives each item its own statements\' rows', async () => {
		const runner = new ScriptedRunner([
			{
				answer: result({
					statements: [
						result({ statementHandle: 'begin' }),
						result({ statementHandle: 'i0', rows: [{ N: 1 }] }),
						result({ statementHandle: 'i1a', rows: [{ N: 2 }] }),
						result({ statementHandle: 'i1b', rows: [{ N: 3 }] }),
						result({ statementHandle: 'commit' }),
					],
				}),
			},
		]);
		const fake = fakeContext({
			parameters: [
				{ query: "INSERT INTO t VALUES (1);", options: { queryBatching: 'transaction' } },
				{ query: 'UPDATE t SET n = 2; DELETE FROM t WHERE n = 3 -- done', options: { queryBatching: 'transaction', multiStatement: true } },
			],
		});

		const output = await run('executeQuery', fake, runner);

		expect(runner.calls).toHaveLength(1);
		expect(runner.calls[0]).toMatchObject({
			request: {
				statement: 'BEGIN TRANSACTION\n;\nINSERT INTO t VALUES (1)\n;\nUPDATE t SET n = 2; DELETE FROM t WHERE n = 3 -- done\n;\nCOMMIT',
				parameters: { QUERY_TAG: expect.any(String), MULTI_STATEMENT_COUNT: 5 },
			},
			options: { signal: fake.signal },
		});
		expect(runner.calls[0]).not.toHaveProperty('request.bindings');
		expect(output).toEqual([
			{ json: { N: 1 }, pairedItem: { item: 0 } },
			{ json: { N: 2, statementIndex: 0, statementHandle: 'i1a' }, pairedItem: { item: 1 } },
			{ json: { N: 3, statementIndex: 1, statementHandle: 'i1b' }, pairedItem: { item: 1 } },
		]);
	});

	it('refuses query parameters and DDL before sending anything', async () => {
		const withParameters = fakeContext({
			parameters: [{ query: 'SELECT ?', options: { queryBatching: 'transaction', queryParameters: { parameters: [{ value: 1 }] } } }],
		});
		const runner = new ScriptedRunner();
		const refused = await rejection(run('executeQuery', withParameters, runner));
		expect(refused.message).toMatch(/^Query Batching "Transaction" runs all items in one multi-statement request, and the Snowflake SQL API accepts no bindings there\./);

		const ddl = fakeContext({ parameters: [{ query: 'SELECT 1', options: { queryBatching: 'transaction' } }, { query: 'CREATE TABLE x (a INT)' }] });
		const error = await rejection(run('executeQuery', ddl, runner));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Query Batching "Transaction" cannot include DDL: the query of item 1 holds a CREATE statement/);
		expect(error.context).toMatchObject({ itemIndex: 1 });

		const control = fakeContext({ parameters: [{ query: 'COMMIT', options: { queryBatching: 'transaction' } }] });
		expect((await rejection(run('executeQuery', control, runner))).message).toMatch(/holds a COMMIT statement/);
		expect(runner.calls).toEqual([]);
	});

	it('a refused transaction fails every item (continueOnFail) and says nothing was committed', async () => {
		const runner = new ScriptedRunner([{ error: sqlError('Numeric value \'x\' is not recognized') }]);
		const parameters = { query: 'INSERT INTO t VALUES (1)', options: { queryBatching: 'transaction' } };
		const output = await run('executeQuery', fakeContext({ parameters: [parameters, parameters], continueOnFail: true }), runner);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output.map((item) => item.json.description)).toEqual([
			"Statement handle: failed-handle\nThe transaction was not committed: none of the items' statements took effect.",
			"Statement handle: failed-handle\nThe transaction was not committed: none of the items' statements took effect.",
		]);
		expect(output[1].json).toMatchObject({ code: '002003', sqlState: '42S02', statementHandle: 'failed-handle', itemIndex: 1 });
	});

	it('a network failure stops the execution with NodeApiError for item 0 and no note (the COMMIT may have run)', async () => {
		const runner = new ScriptedRunner([{ error: networkError() }]);
		const error = await rejection(run('executeQuery', fakeContext({ parameters: [{ query: 'SELECT 1', options: { queryBatching: 'transaction' } }] }), runner));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Could not reach Snowflake: ECONNRESET');
		expect(error.description ?? undefined).toBeUndefined();
		expect(error.context).toMatchObject({ itemIndex: 0 });
	});
});
