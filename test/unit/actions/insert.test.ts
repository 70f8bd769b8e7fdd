import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { QUERY_TAG, ScriptedRunner, fakeContext, networkError, rejection, result, run, sqlError } from './fixtures';

const table = { __rl: true, mode: 'name', value: 'orders' };

describe('Insert', () => {
	it('writes all items with one INSERT, bindings per row, and outputs each item\'s written values', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({
			parameters: [{ table }],
			items: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }],
		});

		const output = await run('insert', fake, runner, { database: 'SHOP', schema: 'PUBLIC' });

		expect(runner.calls).toEqual([
			{
				method: 'execute',
				request: {
					statement: 'INSERT INTO "ORDERS" ("ID", "NAME") VALUES (?, ?), (?, ?), (?, ?)',
					bindings: {
						'1': { type: 'FIXED', value: '1' },
						'2': { type: 'TEXT', value: 'a' },
						'3': { type: 'FIXED', value: '2' },
						'4': { type: 'TEXT', value: 'b' },
						'5': { type: 'FIXED', value: '3' },
						'6': { type: 'TEXT', value: 'c' },
					},
					database: 'SHOP',
					schema: 'PUBLIC',
					parameters: { QUERY_TAG },
				},
				options: { signal: fake.signal, maxRows: 0, onMaxRows: 'truncate' },
			},
		]);
		expect(output).toEqual([
			{ json: { id: 1, name: 'a' }, pairedItem: { item: 0 } },
			{ json: { id: 2, name: 'b' }, pairedItem: { item: 1 } },
			{ json: { id: 3, name: 'c' }, pairedItem: { item: 2 } },
		]);
	});

	it('groups items by their parameters: one statement per table, in order of first appearance', async () => {
		const runner = new ScriptedRunner();
		const orders = { table };
		const archive = { table: { mode: 'id', value: 'Archive' } };
		const fake = fakeContext({
			parameters: [orders, archive, orders, archive],
			items: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
		});

		const output = await run('insert', fake, runner);

		expect(runner.calls.map((call) => ('request' in call ? [call.request.statement, call.request.bindings] : []))).toEqual([
			['INSERT INTO "ORDERS" ("ID") VALUES (?), (?)', { '1': { type: 'FIXED', value: '1' }, '2': { type: 'FIXED', value: '3' } }],
			['INSERT INTO "Archive" ("ID") VALUES (?), (?)', { '1': { type: 'FIXED', value: '2' }, '2': { type: 'FIXED', value: '4' } }],
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
	});

	it('splits a write above the SQL API\'s 16,384 bindings into several statements', async () => {
		const runner = new ScriptedRunner();
		const items = Array.from({ length: 9000 }, (_, index) => ({ id: index, name: `n${index}` }));
		const fake = fakeContext({ parameters: [{ table }], items });

		const output = await run('insert', fake, runner);

		const sizes = runner.calls.map((call) => ('request' in call ? Object.keys(call.request.bindings ?? {}).length : 0));
		expect(sizes).toEqual([16384, 18000 - 16384]);
		expect(runner.calls[1]).toMatchObject({ request: { bindings: { '1': { type: 'FIXED', value: '8192' } } } });
		expect(output).toHaveLength(9000);
		expect(output[8999]).toEqual({ json: { id: 8999, name: 'n8999' }, pairedItem: { item: 8999 } });
	});

	it('Map Each Column Below: the row is Values to Send, with Column Types as binding types', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({
			parameters: [
				{
					table,
					dataMode: 'defineBelow',
					valuesToSend: { values: [{ column: 'id', value: 7 }, { column: 'payload', value: '{"a":1}' }] },
					options: { columnTypes: { types: [{ column: 'payload', type: 'VARIANT' }] } },
				},
			],
			items: [{ ignored: true }],
		});

		const output = await run('insert', fake, runner);

		expect(runner.calls[0]).toMatchObject({
			request: {
				// Snowflake refuses PARSE_JSON inside VALUES, so the row goes through SELECT … FROM VALUES.
				statement: 'INSERT INTO "ORDERS" ("ID", "PAYLOAD") SELECT $1, PARSE_JSON($2) FROM VALUES (?, ?)',
				bindings: { '1': { type: 'FIXED', value: '7' }, '2': { type: 'TEXT', value: '{"a":1}' } },
			},
		});
		expect(output).toEqual([{ json: { id: 7, payload: '{"a":1}' }, pairedItem: { item: 0 } }]);
	});

	it('continueOnFail: a refused batch is re-run in halves until the bad item is isolated', async () => {
		const refused = sqlError("Numeric value 'x' is not recognized");
		// Items 0-3 together: refused. Then [0,1] ok, [2,3] refused, [2] refused, [3] ok.
		const runner = new ScriptedRunner([
			{ error: refused },
			{ answer: result({ statementHandle: 'ok-01' }) },
			{ error: refused },
			{ error: refused },
			{ answer: result({ statementHandle: 'ok-3' }) },
		]);
		const fake = fakeContext({
			parameters: [{ table }],
			items: [{ n: 1 }, { n: 2 }, { n: 'x' }, { n: 4 }],
			continueOnFail: true,
		});

		const output = await run('insert', fake, runner);

		expect(runner.statements).toEqual([
			'INSERT INTO "ORDERS" ("N") VALUES (?), (?), (?), (?)',
			'INSERT INTO "ORDERS" ("N") VALUES (?), (?)',
			'INSERT INTO "ORDERS" ("N") VALUES (?), (?)',
			'INSERT INTO "ORDERS" ("N") VALUES (?)',
			'INSERT INTO "ORDERS" ("N") VALUES (?)',
		]);
		expect(runner.calls[3]).toMatchObject({ request: { bindings: { '1': { type: 'TEXT', value: 'x' } } } });
		expect(output).toEqual([
			{ json: { n: 1 }, pairedItem: { item: 0 } },
			{ json: { n: 2 }, pairedItem: { item: 1 } },
			{
				json: {
					error: "Numeric value 'x' is not recognized",
					code: '002003',
					sqlState: '42S02',
					statementHandle: 'failed-handle',
					itemIndex: 2,
					description: 'Statement handle: failed-handle',
				},
				pairedItem: { item: 2 },
			},
			{ json: { n: 4 }, pairedItem: { item: 3 } },
		]);
	});

	it('continueOnFail: bisecting a batch that every row gets wrong stops after 64 re-runs', async () => {
		const runner = new ScriptedRunner(Array.from({ length: 1000 }, () => ({ error: sqlError('Column count mismatch') })));
		const items = Array.from({ length: 1000 }, (_, index) => ({ n: index }));
		const fake = fakeContext({ parameters: [{ table }], items, continueOnFail: true });

		const output = await run('insert', fake, runner);

		// The first statement, 64 halves, and one last try per level still open when the budget ran out.
		expect(runner.calls.length).toBe(71);
		expect(output).toHaveLength(1000);
		expect(output.every((item, index) => item.json.error === 'Column count mismatch' && item.pairedItem !== undefined && (item.pairedItem as { item: number }).item === index)).toBe(true);
		const budgeted = output.filter((item) => String(item.json.description).includes('the node re-runs at most 64 parts of a refused batch to find its bad items'));
		expect(budgeted.length).toBe(970);
	});

	it('continueOnFail: a failure without an answer is not re-run (the rows may have been written)', async () => {
		const runner = new ScriptedRunner([{ error: networkError() }]);
		const fake = fakeContext({ parameters: [{ table }], items: [{ n: 1 }, { n: 2 }], continueOnFail: true });

		const output = await run('insert', fake, runner);

		expect(runner.calls).toHaveLength(1);
		expect(output.map((item) => [item.json.error, item.json.code, item.pairedItem])).toEqual([
			['Could not reach Snowflake: ECONNRESET', 'ECONNRESET', { item: 0 }],
			['Could not reach Snowflake: ECONNRESET', 'ECONNRESET', { item: 1 }],
		]);
	});

	it('without continueOnFail a refused statement throws NodeApiError for its first item and names what was written before', async () => {
		const runner = new ScriptedRunner([{ answer: result({ statementHandle: 'first-handle' }) }, { error: sqlError() }]);
		const fake = fakeContext({
			parameters: [{ table }, { table: { mode: 'name', value: 'nope' } }],
			items: [{ n: 1 }, { n: 2 }],
		});

		const error = await rejection(run('insert', fake, runner));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context).toMatchObject({ itemIndex: 1 });
		expect(error.description).toBe(
			'Statement handle: failed-handle\nAlready written before this failure (not rolled back): items 0 (statement first-handle). Leave these items out before running the node again.',
		);
	});

	it('an item whose table is empty fails before anything is sent', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({ parameters: [{ table }, { table: { mode: 'list', value: '' } }], items: [{ n: 1 }, { n: 2 }] });

		const error = await rejection(run('insert', fake, runner));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Choose a table.');
		expect(error.context).toMatchObject({ itemIndex: 1 });
		expect(runner.calls).toEqual([]);

		const continued = await run('insert', fakeContext({ parameters: [{ table }, { table: { mode: 'list', value: '' } }], items: [{ n: 1 }, { n: 2 }], continueOnFail: true }), runner);
		expect(runner.statements).toEqual(['INSERT INTO "ORDERS" ("N") VALUES (?)']);
		expect(continued).toEqual([
			{ json: { n: 1 }, pairedItem: { item: 0 } },
			{ json: { error: 'Choose a table.', itemIndex: 1 }, pairedItem: { item: 1 } },
		]);
	});
});
