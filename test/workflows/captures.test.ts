/**
 * Real Snowflake responses (test/emulator/captures, origins in its README) replayed through the node in
 * n8n-core workflows: the recording proxy answers with the captured body instead of the emulator, and the
 * decoded output is compared whole. Bodies cut short by their source are replayed through the decoder.
 */
import { describe, expect, it } from 'vitest';

import { createRowDecoder, type RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import { capture, dmlAnswer, isSubmit, serve } from './captureReplay';
import { plain, runWorkflow, snowflakeWorkflow } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ syncWaitMs: 50 });
const NODE = 'Snowflake SQL API';
async function execute(options: Record<string, unknown> = {}) {
	return await runWorkflow(snowflakeWorkflow({ operation: 'executeQuery', query: 'SELECT 1', options }), env.credentials());
}

describe('captured 200 ResultSets through the node', () => {
	it('decodes the Grafbase capture (FIXED precision 4, column "?") and keeps its handle and rowType', async () => {
		const body = capture('grafbase-select-binding.200.json');
		serve(env.proxy, { status: 200, body });
		const rows = await execute();
		expect(rows.run.status).toBe('success');
		expect(plain(rows.output(NODE))).toEqual([{ json: { '?': 9999 }, pairedItem: { item: 0 } }]);

		const metadata = await execute({ output: 'metadata' });
		expect(plain(metadata.output(NODE))[0].json).toMatchObject({
			statementHandle: body.statementHandle,
			code: '090001',
			sqlState: '00000',
			message: 'Statement executed successfully.',
			numRows: 1,
			partitionCount: 1,
			createdOn: body.createdOn,
			rowType: body.resultSetMetaData.rowType,
		});
		// Nothing but the submit: the answer was complete.
		expect(env.proxy.requests.filter((request) => !isSubmit(request))).toEqual([]);
	});

	it('decodes the blog capture (TEXT column named by its expression)', async () => {
		serve(env.proxy, { status: 200, body: capture('blog-current-region.200.json') });
		const result = await execute();
		expect(plain(result.output(NODE))).toEqual([{ json: { 'CURRENT_REGION()': 'PUBLIC.AWS_AP_NORTHEAST_1' }, pairedItem: { item: 0 } }]);
	});

	it('polls the statementStatusUrl-less handle of the docs 202 and reads the 200 that follows', async () => {
		const running = capture('docs-query-status.202.json');
		// The 200 a GET of that handle gives: the blog capture, under the handle the 202 named.
		const done = { ...capture('blog-current-region.200.json'), statementHandle: running.statementHandle };
		serve(env.proxy, { status: 202, body: running }, { [running.statementHandle]: { status: 200, body: done } });
		const result = await execute();
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([{ json: { 'CURRENT_REGION()': 'PUBLIC.AWS_AP_NORTHEAST_1' }, pairedItem: { item: 0 } }]);
		expect(env.proxy.requests.filter((request) => request.method === 'GET').map((request) => request.path)).toContain(
			`/api/v2/statements/${running.statementHandle}`,
		);
	});
});

describe('DML stats through the node', () => {
	it('reads stats at the top level of the body', async () => {
		serve(env.proxy, { status: 200, body: dmlAnswer('top') });
		const result = await execute({ output: 'metadata' });
		expect(plain(result.output(NODE))[0].json.stats).toEqual({ numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 });
	});
});

describe('captured 422 bodies through the node', () => {
	it('reports the docs compilation error with its code and SQL state', async () => {
		serve(env.proxy, { status: 422, body: capture('docs-compilation-error.422.json') });
		const result = await execute();
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toBe("SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF' (code 000904, SQL state 42000)");
		expect(result.error()?.description).toMatch(/\nStatement handle: 019c0728-0000-df4f-0000-00100006606e$/);
	});

	it('reports the Grafbase error (no statementStatusUrl in the body)', async () => {
		serve(env.proxy, { status: 422, body: capture('grafbase-limit-binding.422.json') });
		const result = await execute();
		expect(result.error()?.message).toBe("SQL compilation error:\nInvalid row count '?' in limit clause (code 002010, SQL state 2201W)");
	});
});

describe('captured cells through the decoder', () => {
	it('decodes the two-partition capture\'s rows: FIXED with trailing zeros, "null" text of nullable=false kept', () => {
		const body = capture('weather-forecast-two-partitions.200.truncated.json');
		const rows: Array<Record<string, unknown>> = [];
		createRowDecoder(body.resultSetMetaData.rowType as RowType[]).decodeInto(body.data, rows);
		expect(rows).toHaveLength(19);
		expect(rows[0]).toEqual({ AVG_CLOUD_COVER_TOT_PCT: 56, AVG_WIND_SPEED_100M_MPH: 9.2, MAX_PRESSURE_2M_MB: 719, PROBABILITY_OF_SNOW_PCT: 'null', TOT_SNOWFALL_IN: 0 });
		expect(rows[15]).toEqual({ AVG_CLOUD_COVER_TOT_PCT: 95, AVG_WIND_SPEED_100M_MPH: 15.8, MAX_PRESSURE_2M_MB: 976.8, PROBABILITY_OF_SNOW_PCT: 5, TOT_SNOWFALL_IN: 0 });
	});

	it('decodes the live semi-structured and GEOGRAPHY cell texts to JSON values', () => {
		const cells = capture('airbyte-datatype-cells.json');
		const rowType: RowType[] = [
			{ name: 'V', type: 'variant' },
			{ name: 'A', type: 'array' },
			{ name: 'O', type: 'object' },
			// A GEOGRAPHY column as captured: "type": "object" plus extTypeName.
			{ name: 'G', type: 'object', extTypeName: 'GEOGRAPHY' } as RowType,
		];
		const rows: Array<Record<string, unknown>> = [];
		createRowDecoder(rowType).decodeInto([[cells.VARIANT.cell, cells.ARRAY.cell, cells.OBJECT.cell, cells.GEOGRAPHY[1].cell]], rows);
		expect(rows).toEqual([
			{
				V: { key1: 'value1', key2: 'value2' },
				A: [1, 2, 3],
				O: { outer_key1: { inner_key1A: '1a', inner_key1B: '1b' }, outer_key2: { inner_key2: 2 } },
				G: { coordinates: [[-124.2, 42], [-120.01, 41.99]], type: 'LineString' },
			},
		]);
	});
});
