import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { QUERY_TAG, ScriptedRunner, fakeContext, rejection, result, run, sqlError } from './fixtures';

const table = { __rl: true, mode: 'list', value: 'ORDERS' };

describe('Select', () => {
	it('builds SELECT with bound conditions, sort, limit and output columns, once per item', async () => {
		const runner = new ScriptedRunner([{ answer: result({ rows: [{ ID: 1 }, { ID: 2 }] }) }, { answer: result({ rows: [{ ID: 9 }] }) }]);
		const select = (status: string) => ({
			table,
			outputColumns: 'id, "Name"',
			where: {
				values: [
					{ column: 'status', condition: 'equal', value: status, type: 'auto' },
					{ column: 'total', condition: 'greaterOrEqual', value: 100, type: 'FIXED' },
					{ column: 'deleted_at', condition: 'isNull' },
				],
			},
			combineConditions: 'AND',
			sort: { values: [{ column: 'created_at', direction: 'DESC' }] },
			returnAll: false,
			limit: 10,
		});
		const fake = fakeContext({ parameters: [select('open'), select('paid')] });

		const output = await run('select', fake, runner, { warehouse: 'COMPUTE_WH' });

		expect(runner.calls[0]).toEqual({
			method: 'execute',
			request: {
				statement: 'SELECT "ID", "Name" FROM "ORDERS" WHERE "STATUS" = ? AND "TOTAL" >= ? AND "DELETED_AT" IS NULL ORDER BY "CREATED_AT" DESC LIMIT 10',
				bindings: { '1': { type: 'TEXT', value: 'open' }, '2': { type: 'FIXED', value: '100' } },
				warehouse: 'COMPUTE_WH',
				parameters: { QUERY_TAG },
			},
			options: { signal: fake.signal, decode: {} },
		});
		expect(runner.calls[1]).toMatchObject({ request: { bindings: { '1': { type: 'TEXT', value: 'paid' } } } });
		expect(output).toEqual([
			{ json: { ID: 1 }, pairedItem: { item: 0 } },
			{ json: { ID: 2 }, pairedItem: { item: 0 } },
			{ json: { ID: 9 }, pairedItem: { item: 1 } },
		]);
	});

	it('Return All without conditions: every column, no WHERE, no LIMIT; OR and IN lists', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({
			parameters: [
				{ table, returnAll: true },
				{
					table,
					returnAll: true,
					combineConditions: 'OR',
					where: { values: [{ column: 'id', condition: 'in', value: '1,2', type: 'FIXED' }, { column: 'name', condition: 'ilike', value: 'a%' }] },
				},
			],
		});

		await run('select', fake, runner);

		expect(runner.calls[0]).toMatchObject({ request: { statement: 'SELECT * FROM "ORDERS"' } });
		expect(runner.calls[0]).not.toHaveProperty('request.bindings');
		expect(runner.calls[1]).toMatchObject({
			request: {
				statement: 'SELECT * FROM "ORDERS" WHERE "ID" IN (?, ?) OR "NAME" ILIKE ?',
				bindings: { '1': { type: 'FIXED', value: '1' }, '2': { type: 'FIXED', value: '2' }, '3': { type: 'TEXT', value: 'a%' } },
			},
		});
	});

	it('passes Max Rows and the decode options, and hints once for the items whose result was cut', async () => {
		const runner = new ScriptedRunner([{ answer: result({ rows: [{ N: 1 }], truncated: true }) }, { answer: result({ rows: [] }) }]);
		const parameters = { table, returnAll: true, options: { maxRows: 1, onMaxRows: 'truncate', numbersAsText: true } };
		const fake = fakeContext({ parameters: [parameters, parameters] });

		await run('select', fake, runner);

		expect(runner.calls[0]).toMatchObject({ options: { signal: fake.signal, decode: { numbersAsStrings: true }, maxRows: 1, onMaxRows: 'truncate' } });
		expect(fake.hints.map((hint) => hint.message)).toEqual(['The result was cut at Max Rows (1): only the first 1 rows of a statement are in the output.']);
	});

	it('a failed item: NodeApiError with its index, or an error item with continueOnFail', async () => {
		const script = () => new ScriptedRunner([{ answer: result({ rows: [{ N: 1 }] }) }, { error: sqlError() }]);
		const parameters = [{ table, returnAll: true }];

		const error = await rejection(run('select', fakeContext({ parameters, items: [{}, {}] }), script()));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context).toMatchObject({ itemIndex: 1 });

		const output = await run('select', fakeContext({ parameters, items: [{}, {}], continueOnFail: true }), script());
		expect(output).toEqual([
			{ json: { N: 1 }, pairedItem: { item: 0 } },
			{
				json: {
					error: "SQL compilation error: Object 'NOPE' does not exist.",
					code: '002003',
					sqlState: '42S02',
					statementHandle: 'failed-handle',
					itemIndex: 1,
					description: 'Statement handle: failed-handle',
				},
				pairedItem: { item: 1 },
			},
		]);
	});
});
