/**
 * The write operations and the trigger, each on its own table seeded by SQL, with the table read back
 * through the node afterwards: what Insert/Update/Upsert/Delete/Select promise is what the table holds.
 */
import type { IDataObject } from 'n8n-workflow';

import { check, same, show, type LiveContext, type Scenario } from '../context';
import { LiveTrigger } from '../n8n';
import { tableRows } from './shared';

const COLUMNS = '"ID" NUMBER(10,0), "NAME" VARCHAR, "AMOUNT" NUMBER(10,2), "PAID" BOOLEAN, "CREATED" TIMESTAMP_NTZ(3), "META" VARIANT';

function table(name: string): IDataObject {
	return { __rl: true, mode: 'name', value: name };
}

/** A fresh table with rows 1..3. */
async function seed(ctx: LiveContext, name: string): Promise<void> {
	await ctx.sql(`CREATE TABLE "${name}" (${COLUMNS})`);
	await ctx.sql(
		`INSERT INTO "${name}" SELECT 1, 'Ann', 10.50, TRUE, '2024-03-01 10:00:00.000', PARSE_JSON('{"tier":"gold"}') UNION ALL SELECT 2, 'Bob', 20.00, FALSE, '2024-03-02 11:00:00.000', NULL UNION ALL SELECT 3, 'Cy', 30.25, NULL, '2024-03-03 12:00:00.000', PARSE_JSON('[1,2]')`,
	);
}

async function write(ctx: LiveContext, parameters: IDataObject, items: IDataObject[]): Promise<IDataObject[]> {
	const run = await ctx.node(parameters, { items });
	check(!run.error, `${String(parameters.operation)} failed: ${run.error?.message} ${run.error?.description ?? ''}`);
	return run.items;
}

function ids(rows: IDataObject[]): unknown[] {
	return rows.map((row) => row.ID);
}

export const writeScenarios: Scenario[] = [
	{
		name: 'writes/insert',
		run: async (ctx) => {
			await ctx.sql(`CREATE TABLE "W_INSERT" (${COLUMNS})`);
			const items = [
				{ id: 1, name: 'Ann', amount: 10.5, paid: true, created: '2024-03-01T10:00:00.000', meta: { tier: 'gold', tags: ['a'] } },
				{ id: 2, name: 'Zoë "Z"', amount: 0.01, paid: false, created: '1969-12-31T23:59:59.999', meta: null },
				{ id: 3, name: null, amount: 12345678.9, paid: null, created: null, meta: [1, 'x'] },
			];
			const out = await write(ctx, { operation: 'insert', table: table('W_INSERT'), dataMode: 'autoMapInputData' }, items);
			same(out.length, 3, 'output items');
			same(await tableRows(ctx, 'W_INSERT'), [
				{ ID: 1, NAME: 'Ann', AMOUNT: 10.5, PAID: true, CREATED: '2024-03-01T10:00:00.000', META: { tier: 'gold', tags: ['a'] } },
				{ ID: 2, NAME: 'Zoë "Z"', AMOUNT: 0.01, PAID: false, CREATED: '1969-12-31T23:59:59.999', META: null },
				{ ID: 3, NAME: null, AMOUNT: 12345678.9, PAID: null, CREATED: null, META: [1, 'x'] },
			], 'table after Insert');
			return '3 items auto-mapped (text, number, boolean, timestamp, VARIANT object/array, nulls)';
		},
	},
	{
		name: 'writes/update',
		run: async (ctx) => {
			await seed(ctx, 'W_UPDATE');
			await write(ctx, { operation: 'update', table: table('W_UPDATE'), dataMode: 'autoMapInputData', matchColumns: 'id' }, [
				{ id: 2, name: 'Bobby', amount: 21 },
				{ id: 3, paid: true },
			]);
			const rows = await tableRows(ctx, 'W_UPDATE');
			same(rows.map((row) => [row.ID, row.NAME, row.AMOUNT, row.PAID]), [
				[1, 'Ann', 10.5, true],
				[2, 'Bobby', 21, false],
				[3, 'Cy', 30.25, true],
			], 'table after Update');
			return 'MERGE … WHEN MATCHED: 2 rows updated, other columns kept';
		},
	},
	{
		name: 'writes/upsert',
		run: async (ctx) => {
			await seed(ctx, 'W_UPSERT');
			await write(ctx, { operation: 'upsert', table: table('W_UPSERT'), dataMode: 'autoMapInputData', matchColumns: 'id' }, [
				{ id: 3, name: 'Cyrus' },
				{ id: 4, name: 'Dee', amount: 4 },
			]);
			const rows = await tableRows(ctx, 'W_UPSERT');
			same(rows.map((row) => [row.ID, row.NAME, row.AMOUNT]), [
				[1, 'Ann', 10.5],
				[2, 'Bob', 20],
				[3, 'Cyrus', 30.25],
				[4, 'Dee', 4],
			], 'table after Upsert');
			return '1 row updated, 1 inserted';
		},
	},
	{
		name: 'writes/delete',
		run: async (ctx) => {
			await seed(ctx, 'W_DELETE');
			await write(ctx, { operation: 'delete', table: table('W_DELETE'), deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' }, [{ id: 1 }, { id: 3 }]);
			same(ids(await tableRows(ctx, 'W_DELETE')), [2], 'ids after Delete');
			await write(ctx, { operation: 'delete', table: table('W_DELETE'), deleteCommand: 'truncate' }, [{}]);
			same(await tableRows(ctx, 'W_DELETE'), [], 'rows after Truncate');
			return 'DELETE … USING removed 2 rows; Truncate emptied the table';
		},
	},
	{
		name: 'writes/select',
		run: async (ctx) => {
			await seed(ctx, 'W_SELECT');
			const rows = await write(
				ctx,
				{
					operation: 'select',
					table: table('W_SELECT'),
					returnAll: true,
					where: { values: [{ column: 'amount', condition: 'greaterOrEqual', value: '={{ $json.min }}', type: 'auto' }] },
					sort: { values: [{ column: 'id', direction: 'DESC' }] },
					outputColumns: 'id, name, meta',
				},
				[{ min: 20 }],
			);
			same(rows, [
				{ ID: 3, NAME: 'Cy', META: [1, 2] },
				{ ID: 2, NAME: 'Bob', META: null },
			], 'Select output');
			return `${rows.length} rows, bound condition, sort, output columns`;
		},
	},
	{
		name: 'trigger/new-rows-exactly-once',
		run: async (ctx) => {
			await seed(ctx, 'W_EVENTS');
			const trigger = new LiveTrigger(ctx.pkg, ctx.credentials, { mode: 'newRows', table: table('W_EVENTS'), watermarkColumn: 'ID', startFrom: 'value', startValue: '0' });
			const first = await trigger.poll();
			check(!first.error, `first poll: ${first.error?.message}`);
			same(ids(first.items), [1, 2, 3], 'first poll');
			await ctx.sql("INSERT INTO \"W_EVENTS\" (\"ID\", \"NAME\") VALUES (4, 'Dee')");
			const second = await trigger.poll();
			same(ids(second.items), [4], 'second poll');
			const third = await trigger.poll();
			same(ids(third.items), [], 'third poll');
			return `polls emitted [1,2,3], then [4], then nothing; row 4 = ${show(second.items[0])}`;
		},
	},
	{
		name: 'trigger/timestamp-watermark-and-test-event',
		run: async (ctx) => {
			await seed(ctx, 'W_TS_EVENTS');
			const trigger = new LiveTrigger(ctx.pkg, ctx.credentials, {
				mode: 'newRows',
				table: table('W_TS_EVENTS'),
				watermarkColumn: 'CREATED',
				startFrom: 'value',
				startValue: '2024-03-02T00:00:00',
				options: { keyColumns: 'ID' },
			});
			const test = await trigger.fetchTestEvent();
			check(!test.error, `Fetch Test Event: ${test.error?.message}`);
			check(test.items.length >= 1, 'Fetch Test Event returned no row');
			const first = await trigger.poll();
			check(!first.error, `first poll: ${first.error?.message}`);
			same(ids(first.items), [2, 3], 'first poll (CREATED >= 2024-03-02)');
			await ctx.sql("INSERT INTO \"W_TS_EVENTS\" (\"ID\", \"CREATED\") VALUES (4, '2024-03-03 12:00:00.000')");
			const second = await trigger.poll();
			same(ids(second.items), [4], 'second poll (same timestamp as row 3, new key)');
			return `test event ${test.items.length} row(s); polls [2,3] then [4] (equal timestamps, key column)`;
		},
	},
	{
		// README (Trigger) had TIMESTAMP_TZ watermarks covered by unit tests only: this runs one end to end.
		name: 'trigger/timestamp-tz-watermark',
		run: async (ctx) => {
			await ctx.sql('CREATE TABLE "W_TZ_EVENTS" ("ID" NUMBER, "AT" TIMESTAMP_TZ(3))');
			await ctx.sql("INSERT INTO \"W_TZ_EVENTS\" VALUES (1, '2024-03-01 09:00:00.000 +09:00'), (2, '2024-03-01 01:30:00.000 +00:00')");
			const trigger = new LiveTrigger(ctx.pkg, ctx.credentials, {
				mode: 'newRows',
				table: table('W_TZ_EVENTS'),
				watermarkColumn: 'AT',
				startFrom: 'value',
				startValue: '2024-03-01T00:30:00+00:00',
				options: { keyColumns: 'ID' },
			});
			const first = await trigger.poll();
			check(!first.error, `first poll: ${first.error?.message}`);
			// 09:00 +09:00 is 00:00 UTC (before the start), 01:30 +00:00 after it: instants, not wall clocks, decide.
			same(ids(first.items), [2], 'first poll');
			await ctx.sql("INSERT INTO \"W_TZ_EVENTS\" VALUES (3, '2024-03-01 12:00:00.000 +05:45')");
			const second = await trigger.poll();
			check(!second.error, `second poll: ${second.error?.message}`);
			same(ids(second.items), [3], 'second poll');
			return `polls [2] then [3], by instant across offsets; row 3 AT ${JSON.stringify(second.items[0]?.AT)}`;
		},
	},
];
