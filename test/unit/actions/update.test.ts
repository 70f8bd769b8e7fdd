import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { ScriptedRunner, fakeContext, rejection, result, run, sqlError } from './fixtures';

const table = { __rl: true, mode: 'name', value: 'orders' };

describe('Update', () => {
	it('one MERGE … WHEN MATCHED THEN UPDATE for all items; a match column typed in another case still matches', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsUpdated: 2 } }) }]);
		const fake = fakeContext({
			parameters: [{ table, matchColumns: 'ID' }],
			items: [{ id: 1, status: 'shipped' }, { id: 2, status: 'open' }],
		});

		const output = await run('update', fake, runner);

		expect(runner.calls).toMatchObject([
			{
				method: 'execute',
				request: {
					statement:
						'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "STATUS" FROM VALUES (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "STATUS" = s."STATUS"',
					bindings: {
						'1': { type: 'FIXED', value: '1' },
						'2': { type: 'TEXT', value: 'shipped' },
						'3': { type: 'FIXED', value: '2' },
						'4': { type: 'TEXT', value: 'open' },
					},
				},
				options: { signal: fake.signal, maxRows: 0, onMaxRows: 'truncate' },
			},
		]);
		expect(output).toEqual([
			{ json: { id: 1, status: 'shipped' }, pairedItem: { item: 0 } },
			{ json: { id: 2, status: 'open' }, pairedItem: { item: 1 } },
		]);
		expect(fake.hints).toEqual([]);
	});

	it('hints when the rows updated differ from the distinct match values sent', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsUpdated: 1 } }) }]);
		const fake = fakeContext({ parameters: [{ table, matchColumns: 'id' }], items: [{ id: 1, n: 1 }, { id: 2, n: 2 }, { id: 3, n: 3 }] });

		await run('update', fake, runner);

		expect(fake.hints).toEqual([
			{ message: 'Update updated 1 row for 3 distinct match values: some items matched no row.', type: 'warning', location: 'outputPane' },
		]);
	});

	it('items with different match columns form separate statements', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({
			parameters: [{ table, matchColumns: 'id' }, { table, matchColumns: 'code' }],
			items: [{ id: 1, code: 'a', n: 1 }, { id: 2, code: 'b', n: 2 }],
		});

		await run('update', fake, runner);

		// Match columns come first in the source rows.
		expect(runner.calls[1]).toMatchObject({ request: { bindings: { '1': { type: 'TEXT', value: 'b' }, '2': { type: 'FIXED', value: '2' } } } });
		expect(runner.statements).toEqual([
			'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "CODE", $3 AS "N" FROM VALUES (?, ?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "CODE" = s."CODE", "N" = s."N"',
			'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "CODE", $2 AS "ID", $3 AS "N" FROM VALUES (?, ?, ?)) AS s ON t."CODE" IS NOT DISTINCT FROM s."CODE" WHEN MATCHED THEN UPDATE SET "ID" = s."ID", "N" = s."N"',
		]);
	});

	it('a match column no item has fails the whole group, naming the fields, before anything is sent', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({ parameters: [{ table, matchColumns: 'order_id' }], items: [{ id: 1, n: 1 }, { id: 2, n: 2 }] });

		const error = await rejection(run('update', fake, runner));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe("Column to match on 'order_id' is not a field of the items (their fields: id, n)");
		expect(error.context).toMatchObject({ itemIndex: 0 });
		expect(runner.calls).toEqual([]);

		const continued = await run('update', fakeContext({ parameters: [{ table, matchColumns: 'order_id' }], items: [{ id: 1 }, { id: 2 }], continueOnFail: true }), runner);
		expect(continued.map((item) => [item.json.itemIndex, item.pairedItem])).toEqual([
			[0, { item: 0 }],
			[1, { item: 1 }],
		]);
		expect(runner.calls).toEqual([]);
	});

	it('continueOnFail: a refused two-item batch is bisected into single-item statements', async () => {
		const runner = new ScriptedRunner([{ error: sqlError() }, { answer: result() }, { error: sqlError('Bad value') }]);
		const fake = fakeContext({ parameters: [{ table, matchColumns: 'id' }], items: [{ id: 1, n: 1 }, { id: 2, n: 'x' }], continueOnFail: true });

		const output = await run('update', fake, runner);

		expect(runner.calls.map((call) => ('request' in call ? Object.keys(call.request.bindings ?? {}).length : 0))).toEqual([4, 2, 2]);
		expect(output).toEqual([
			{ json: { id: 1, n: 1 }, pairedItem: { item: 0 } },
			{
				json: { error: 'Bad value', code: '002003', sqlState: '42S02', statementHandle: 'failed-handle', itemIndex: 1, description: 'Statement handle: failed-handle' },
				pairedItem: { item: 1 },
			},
		]);
	});
});
