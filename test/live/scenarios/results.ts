/**
 * Result shapes: partitions (uneven on Snowflake), the ResultSet's keys, DDL and SHOW answers, DML stats.
 * Where Snowflake's documentation and captures disagree, the scenario reports what the account sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { check, same, type Scenario } from '../context';
import { prepare, raw } from './shared';

const ROWS = 60_000;
/** About 13 MB of JSON: several partitions on Snowflake and on the emulator (~1 MB each). */
const BIG_RESULT = `SELECT SEQ4() AS "N", REPEAT('x', 200) AS "PAD" FROM TABLE(GENERATOR(ROWCOUNT => ${ROWS})) ORDER BY "N"`;

function keys(body: Record<string, unknown> | undefined): string {
	return body ? Object.keys(body).sort().join(',') : 'none';
}

export const resultScenarios: Scenario[] = [
	{
		name: 'results/multi-partition',
		covers: 'fact 6',
		run: async (ctx) => {
			const [all] = await ctx.sql(BIG_RESULT, { output: 'allRows' });
			const rows = (all?.rows ?? []) as IDataObject[];
			same(all?.numRows, ROWS, 'numRows');
			same(rows.length, ROWS, 'rows decoded');
			check(new Set(rows.map((row) => row.N)).size === ROWS, 'N is not distinct on every row');
			check(rows.every((row, index) => index === 0 || (row.N as number) > (rows[index - 1].N as number)), 'rows are not in ORDER BY order across partitions');
			const result = await raw(ctx, BIG_RESULT);
			const partitions = ((result.body.resultSetMetaData as IDataObject).partitionInfo ?? []) as IDataObject[];
			check(partitions.length > 1, `expected several partitions, got ${partitions.length}`);
			same(partitions.reduce((sum, partition) => sum + Number(partition.rowCount), 0), ROWS, 'sum of partitionInfo rowCount');
			const counts = partitions.map((partition) => partition.rowCount);
			return `${partitions.length} partitions, rowCount ${counts.slice(0, 6).join(', ')}${counts.length > 6 ? ', …' : ''}`;
		},
	},
	{
		name: 'results/get-statement-results-partition',
		covers: 'unconfirmed 5',
		run: async (ctx) => {
			const result = await raw(ctx, BIG_RESULT);
			const handle = String(result.body.statementHandle);
			const partitions = ((result.body.resultSetMetaData as IDataObject).partitionInfo ?? []) as IDataObject[];
			check(partitions.length > 1, `expected several partitions, got ${partitions.length}`);
			const run = await ctx.node({ operation: 'getResults', statementHandle: handle, partition: 1, waitForCompletion: true });
			check(!run.error, `Get Statement Results failed: ${run.error?.message}`);
			const page = run.items[0] ?? {};
			same((page.rows as unknown[] | undefined)?.length, Number(partitions[1].rowCount), 'rows of partition 1');
			same(page.nextPartition, partitions.length > 2 ? 2 : null, 'nextPartition');
			const wirePage = await ctx.wire.status(handle, 1);
			const zero = await ctx.wire.status(handle, 0);
			return `GET ?partition=1 → ${wirePage.status} keys ${keys(wirePage.json)}; ?partition=0 → ${zero.status} keys ${keys(zero.json)}`;
		},
	},
	{
		name: 'results/max-rows-stop',
		run: async (ctx) => {
			const [all] = await ctx.sql(BIG_RESULT, { output: 'allRows', maxRows: 10, onMaxRows: 'truncate' });
			same(((all?.rows ?? []) as IDataObject[]).map((row) => row.N), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'first 10 rows');
			same(all?.truncated, true, 'truncated');
			const exchanges = ctx.proxy.exchanges.filter((exchange) => exchange.scenario === 'results/max-rows-stop');
			const submit = exchanges.find((exchange) => exchange.method === 'POST');
			const partitions = (((JSON.parse(submit?.body || '{}') as IDataObject).resultSetMetaData as IDataObject | undefined)?.partitionInfo ?? []) as IDataObject[];
			// Partitions needed for 10 rows: the rest must never be downloaded.
			let needed = 0;
			for (let rows = 0; rows < 10 && needed < partitions.length; needed++) rows += Number(partitions[needed].rowCount);
			const fetched = exchanges.filter((exchange) => exchange.method === 'GET' && exchange.query.partition).map((exchange) => Number(exchange.query.partition));
			check(fetched.every((index) => index < needed), `partitions ${fetched.join(',')} were downloaded, only the first ${needed} were needed`);
			return `10 of ${ROWS} rows, truncated; ${fetched.length} of ${Math.max(partitions.length - 1, 0)} partition GETs`;
		},
	},
	{
		name: 'results/result-set-shape',
		covers: 'fact 1',
		run: async (ctx) => {
			const result = await raw(ctx, 'SELECT 1 AS "ONE"');
			for (const key of ['code', 'statementHandle', 'resultSetMetaData', 'data', 'statementStatusUrl', 'message', 'createdOn']) {
				check(key in result.body, `the 200 body has no ${key} (keys: ${keys(result.body)})`);
			}
			same(result.cells, ['1'], 'data[0]');
			const url = String(result.body.statementStatusUrl);
			return `keys ${keys(result.body)}; top-level requestId ${'requestId' in result.body ? 'present' : 'absent'}; statementStatusUrl ${url.includes('?') ? `with query ${url.slice(url.indexOf('?')).replace(/=[^&]+/g, '=…')}` : 'without query'}`;
		},
	},
	{
		name: 'results/ddl-and-call-shape',
		covers: 'fact 7',
		run: async (ctx) => {
			await ctx.sql('CREATE TABLE "DDL_SHAPE" ("ID" NUMBER)');
			const [row] = await ctx.sql('ALTER TABLE "DDL_SHAPE" ADD COLUMN "X" VARCHAR');
			check(typeof row?.status === 'string', `ALTER TABLE through the node: expected a status row, got ${JSON.stringify(row)}`);
			const ddl = await raw(ctx, 'CREATE TABLE "DDL_SHAPE_2" ("ID" NUMBER)');
			const call = await raw(ctx, 'CALL SYSTEM$WAIT(1)');
			const info = (body: Record<string, unknown>) => ('partitionInfo' in ((body.resultSetMetaData ?? {}) as IDataObject) ? 'partitionInfo' : 'no partitionInfo');
			return `node status "${String(row.status)}"; CREATE TABLE: ${info(ddl.body)}, cells ${JSON.stringify(ddl.cells)}; CALL: ${info(call.body)}, cells ${JSON.stringify(call.cells)}`;
		},
	},
	{
		name: 'results/show-tables',
		covers: 'fact 5',
		run: async (ctx) => {
			await ctx.sql('CREATE TABLE "SHOWN" ("ID" NUMBER)');
			await ctx.sql('INSERT INTO "SHOWN" VALUES (1), (2)');
			const rows = await ctx.sql(`SHOW TABLES LIKE 'SHOWN' IN SCHEMA "${ctx.database}"."${ctx.schema}"`);
			check(rows.length === 1, `SHOW TABLES: expected 1 row, got ${rows.length}`);
			check(typeof rows[0].rows === 'number', `rows: expected a number, got ${JSON.stringify(rows[0].rows)}`);
			check(typeof rows[0].bytes === 'number', `bytes: expected a number, got ${JSON.stringify(rows[0].bytes)}`);
			const result = await raw(ctx, `SHOW TABLES LIKE 'SHOWN' IN SCHEMA "${ctx.database}"."${ctx.schema}"`);
			const describe = (name: string) => {
				const column = result.rowType.find((candidate) => candidate.name === name) ?? {};
				return `${name} ${String(column.type)}(${String(column.precision)},${String(column.scale)})`;
			};
			return `rows=${String(rows[0].rows)}; rowType ${describe('rows')}, ${describe('bytes')}`;
		},
	},
	{
		name: 'results/dml-stats',
		covers: 'fact 8',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "STATS" ("ID" NUMBER, "V" VARCHAR)']);
			const [meta] = await ctx.sql("INSERT INTO \"STATS\" VALUES (1, 'a'), (2, 'b'), (3, 'c')", { output: 'metadata' });
			check(meta?.statementHandle, 'Statement Metadata Only gave no statementHandle');
			const rowsInserted = Number((meta.numRows as number | undefined) ?? 0);
			const update = await raw(ctx, "UPDATE \"STATS\" SET \"V\" = 'z' WHERE \"ID\" >= 2");
			const top = update.body.stats;
			const nested = (update.body.resultSetMetaData as IDataObject | undefined)?.stats;
			same(update.cells[0], '2', 'number of rows updated');
			return `node stats ${JSON.stringify(meta.stats ?? null)} (numRows ${rowsInserted}); UPDATE stats at top level: ${JSON.stringify(top ?? null)}, in resultSetMetaData: ${JSON.stringify(nested ?? null)}`;
		},
	},
];
