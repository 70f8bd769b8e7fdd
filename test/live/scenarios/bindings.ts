/**
 * Query parameters of every binding type the node offers, written into typed columns and read back through
 * the node: what goes in as a typed binding must come back as the same value.
 */
import type { IDataObject } from 'n8n-workflow';

import { check, same, type LiveContext, type Scenario } from '../context';
import { near, prepare, tableRows } from './shared';

type Parameter = { value: string; type: string };

function parameters(list: Parameter[]): IDataObject {
	return { queryParameters: { parameters: list } };
}

/** CREATE TABLE, one INSERT with the bound values, and the row read back. */
async function roundTrip(ctx: LiveContext, table: string, columns: string, bound: Parameter[], insert?: string): Promise<IDataObject> {
	await prepare(ctx, [`CREATE TABLE "${table}" (${columns})`]);
	const placeholders = bound.map(() => '?').join(', ');
	await ctx.sql(insert ?? `INSERT INTO "${table}" VALUES (${placeholders})`, parameters(bound)).catch((error: unknown) => ctx.skipIfEmulatorGap(error));
	const rows = await tableRows(ctx, table, Object.keys(rowNames(columns))[0]);
	check(rows.length === 1, `expected 1 row in ${table}, got ${rows.length}`);
	return rows[0];
}

/** Column names of a `"A" TYPE, "B" TYPE` list. */
function rowNames(columns: string): Record<string, true> {
	return Object.fromEntries([...columns.matchAll(/"([A-Z_0-9]+)"/g)].map((match) => [match[1], true]));
}

export const bindingScenarios: Scenario[] = [
	{
		name: 'bindings/fixed-real',
		run: async (ctx) => {
			const row = await roundTrip(ctx, 'BIND_NUM', '"F" NUMBER(38,0), "NEG" NUMBER(38,0), "R" FLOAT, "TINY" FLOAT', [
				{ value: '12345678901234567890123456789012345678', type: 'FIXED' },
				{ value: '-42', type: 'FIXED' },
				{ value: '0.1', type: 'REAL' },
				{ value: '-1.5e-300', type: 'REAL' },
			]);
			same(row.F, '12345678901234567890123456789012345678', 'F');
			same(row.NEG, -42, 'NEG');
			near(row.R, 0.1, 'R');
			near(row.TINY, -1.5e-300, 'TINY');
			return 'FIXED 38 digits, negative FIXED, REAL (0.1, an exponent) round-trip';
		},
	},
	{
		// Apart from the others: the node offers DECFLOAT bindings, which Snowflake's SQL API pages do not list.
		name: 'bindings/decfloat',
		run: async (ctx) => {
			const row = await roundTrip(ctx, 'BIND_DEC', '"D" NUMBER(20,4)', [{ value: '1234.5678', type: 'DECFLOAT' }]);
			same(row.D, 1234.5678, 'D');
			return 'DECFLOAT into NUMBER(20,4) round-trip';
		},
	},
	{
		name: 'bindings/text-boolean-binary',
		run: async (ctx) => {
			const row = await roundTrip(ctx, 'BIND_TXT', '"T" VARCHAR, "B" BOOLEAN, "BIN" BINARY, "NOTHING" VARCHAR', [
				{ value: "Grüße 'q' \"dq\" 🚀 ?", type: 'TEXT' },
				{ value: 'true', type: 'BOOLEAN' },
				{ value: 'CAFE00', type: 'BINARY' },
				{ value: '={{ null }}', type: 'TEXT' },
			]);
			same(row.T, "Grüße 'q' \"dq\" 🚀 ?", 'T');
			same(row.B, true, 'B');
			same(row.BIN, 'CAFE00', 'BIN');
			same(row.NOTHING, null, 'NOTHING');
			return 'TEXT (quotes, emoji, a literal ?), BOOLEAN, BINARY, null';
		},
	},
	{
		name: 'bindings/date-time',
		run: async (ctx) => {
			const row = await roundTrip(ctx, 'BIND_DT', '"D" DATE, "OLD" DATE, "LAST" DATE, "T" TIME(9)', [
				{ value: '2024-02-29', type: 'DATE' },
				{ value: '1900-01-01', type: 'DATE' },
				{ value: '9999-12-31', type: 'DATE' },
				{ value: '13:45:00.123456789', type: 'TIME' },
			]);
			same(row.D, '2024-02-29', 'D');
			same(row.OLD, '1900-01-01', 'OLD');
			same(row.LAST, '9999-12-31', 'LAST');
			same(row.T, '13:45:00.123456789', 'T');
			return 'DATE (leap day, 1900, 9999), TIME with nanoseconds';
		},
	},
	{
		name: 'bindings/timestamps',
		run: async (ctx) => {
			const row = await roundTrip(ctx, 'BIND_TS', '"NTZ" TIMESTAMP_NTZ(9), "OLD" TIMESTAMP_NTZ(9), "LTZ" TIMESTAMP_LTZ(6), "TZ" TIMESTAMP_TZ(9)', [
				{ value: '2024-03-01T12:30:00.123456789', type: 'TIMESTAMP_NTZ' },
				{ value: '1969-07-20T20:17:40.5', type: 'TIMESTAMP_NTZ' },
				{ value: '2024-03-01T12:30:00Z', type: 'TIMESTAMP_LTZ' },
				{ value: '2024-03-01T12:30:00.25+09:00', type: 'TIMESTAMP_TZ' },
			]);
			same(row.NTZ, '2024-03-01T12:30:00.123456789', 'NTZ');
			same(row.OLD, '1969-07-20T20:17:40.500000000', 'OLD');
			same(row.LTZ, '2024-03-01T12:30:00.000000Z', 'LTZ');
			same(row.TZ, '2024-03-01T12:30:00.250000000+09:00', 'TZ');
			return 'TIMESTAMP_NTZ (nanoseconds, pre-1970), TIMESTAMP_LTZ, TIMESTAMP_TZ +09:00';
		},
	},
	{
		name: 'bindings/variant-object-array',
		run: async (ctx) => {
			const rows = await ctx
				.sql(
					'SELECT ? AS "V", ? AS "O", ? AS "A"',
					parameters([
						{ value: '{"a":[1,2],"big":12345678901234567890}', type: 'VARIANT' },
						{ value: '{"k":"v"}', type: 'OBJECT' },
						{ value: '[1,"x",null]', type: 'ARRAY' },
					]),
				)
				.catch((error: unknown) => ctx.skipIfEmulatorGap(error));
			const row = rows[0] ?? {};
			same((row.V as IDataObject | undefined)?.a, [1, 2], 'V.a');
			same(row.O, { k: 'v' }, 'O');
			same(row.A, [1, 'x', null], 'A');
			return `VARIANT, OBJECT, ARRAY through PARSE_JSON(?); V.big=${JSON.stringify((row.V as IDataObject | undefined)?.big)}`;
		},
	},
];
