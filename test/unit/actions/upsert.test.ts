import { describe, expect, it } from 'vitest';

import { ScriptedRunner, fakeContext, result, run } from './fixtures';

const table = { __rl: true, mode: 'name', value: 'orders' };

describe('Upsert', () => {
	it('one MERGE that updates matching rows and inserts the others', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsInserted: 1, numRowsUpdated: 1 } }) }]);
		const fake = fakeContext({ parameters: [{ table, matchColumns: 'id' }], items: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] });

		const output = await run('upsert', fake, runner);

		expect(runner.calls).toMatchObject([
			{
				request: {
					statement:
						'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME" WHEN NOT MATCHED THEN INSERT ("ID", "NAME") VALUES (s."ID", s."NAME")',
					bindings: {
						'1': { type: 'FIXED', value: '1' },
						'2': { type: 'TEXT', value: 'a' },
						'3': { type: 'FIXED', value: '2' },
						'4': { type: 'TEXT', value: 'b' },
					},
				},
				options: { signal: fake.signal },
			},
		]);
		expect(output).toEqual([
			{ json: { id: 1, name: 'a' }, pairedItem: { item: 0 } },
			{ json: { id: 2, name: 'b' }, pairedItem: { item: 1 } },
		]);
		expect(fake.hints).toEqual([]);
	});

	it('Map Each Column Below with two match columns; hints when more rows changed than match values were sent', async () => {
		const runner = new ScriptedRunner([{ answer: result({ stats: { numRowsInserted: 0, numRowsUpdated: 3 } }) }]);
		const fake = fakeContext({
			parameters: [
				{
					table,
					matchColumns: 'order_id, "Line"',
					dataMode: 'defineBelow',
					valuesToSend: { values: [{ column: 'order_id', value: 5 }, { column: '"Line"', value: 1 }, { column: 'qty', value: 2 }] },
				},
			],
		});

		const output = await run('upsert', fake, runner);

		expect(runner.statements).toEqual([
			'MERGE INTO "ORDERS" AS t USING (SELECT $1 AS "ORDER_ID", $2 AS "Line", $3 AS "QTY" FROM VALUES (?, ?, ?)) AS s ON t."ORDER_ID" IS NOT DISTINCT FROM s."ORDER_ID" AND t."Line" IS NOT DISTINCT FROM s."Line" WHEN MATCHED THEN UPDATE SET "QTY" = s."QTY" WHEN NOT MATCHED THEN INSERT ("ORDER_ID", "Line", "QTY") VALUES (s."ORDER_ID", s."Line", s."QTY")',
		]);
		expect(output).toEqual([{ json: { order_id: 5, '"Line"': 1, qty: 2 }, pairedItem: { item: 0 } }]);
		expect(fake.hints.map((hint) => hint.message)).toEqual([
			'Upsert inserted or updated 3 rows for 1 distinct match value: some match values matched several rows.',
		]);
	});
});
