import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { QUERY_TAG, ScriptedRunner, fakeContext, rejection, result, run, sqlError, sqlErrorItem } from './fixtures';

const table = { __rl: true, mode: 'name', value: 'analytics.public.orders' };

describe('Delete', () => {
	it('Delete Matching Rows: one DELETE … USING for all items, bindings per match value', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsDeleted: 2 } }) }]);
		const fake = fakeContext({ parameters: [{ table, deleteCommand: 'delete', matchColumns: 'id' }], items: [{ id: 1 }, { id: 2 }] });

		const output = await run('delete', fake, runner);

		expect(runner.calls).toEqual([
			{
				method: 'execute',
				request: {
					statement: 'DELETE FROM "ANALYTICS"."PUBLIC"."ORDERS" AS t USING (SELECT $1 AS "ID" FROM VALUES (?), (?)) AS s WHERE t."ID" IS NOT DISTINCT FROM s."ID"',
					bindings: { '1': { type: 'FIXED', value: '1' }, '2': { type: 'FIXED', value: '2' } },
					parameters: { QUERY_TAG },
				},
				options: { signal: fake.signal, maxRows: 0, onMaxRows: 'truncate' },
			},
		]);
		expect(output).toEqual([
			{ json: { id: 1 }, pairedItem: { item: 0 } },
			{ json: { id: 2 }, pairedItem: { item: 1 } },
		]);
		expect(fake.hints).toEqual([]);
	});

	it('hints when fewer rows were deleted than match values sent', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsDeleted: 0 } }) }]);
		const fake = fakeContext({ parameters: [{ table, deleteCommand: 'delete', matchColumns: 'id' }], items: [{ id: 1 }] });
		await run('delete', fake, runner);
		expect(fake.hints.map((hint) => hint.message)).toEqual(['Delete deleted 0 rows for 1 distinct match value: some items matched no row.']);
	});

	it('Truncate: one TRUNCATE whatever the number of items, paired with item 0', async () => {
		const runner = new ScriptedRunner([{ answer: result({ statementHandle: 'truncate-handle' }) }]);
		const fake = fakeContext({ parameters: [{ table, deleteCommand: 'truncate', options: { role: 'loader' } }], items: [{}, {}, {}] });

		const output = await run('delete', fake, runner);

		expect(runner.calls).toEqual([
			{
				method: 'execute',
				request: { statement: 'TRUNCATE TABLE "ANALYTICS"."PUBLIC"."ORDERS"', role: 'LOADER', parameters: { QUERY_TAG } },
				options: { signal: fake.signal, maxRows: 0, onMaxRows: 'truncate' },
			},
		]);
		expect(output).toEqual([{ json: { success: true, statementHandle: 'truncate-handle' }, pairedItem: { item: 0 } }]);
	});

	it('Truncate refused: NodeApiError for item 0, or one error item with continueOnFail', async () => {
		const runner = new ScriptedRunner([{ error: sqlError() }, { error: sqlError() }]);
		const parameters = [{ table, deleteCommand: 'truncate' }];

		const error = await rejection(run('delete', fakeContext({ parameters, items: [{}, {}] }), runner));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context).toMatchObject({ itemIndex: 0 });

		const output = await run('delete', fakeContext({ parameters, items: [{}, {}], continueOnFail: true }), runner);
		expect(output).toEqual([
			sqlErrorItem(0),
		]);
	});
});
