/**
 * Every type through the node's decoder (asserting what Snowflake documents for the value) and on the wire
 * (reporting the raw cells and rowType Snowflake sent: fraction digits, REAL digits, pretty-printed JSON,
 * GEOGRAPHY's extTypeName: the things only a live account shows).
 */
import type { IDataObject } from 'n8n-workflow';

import { check, same, type LiveContext, type Scenario } from '../context';
import { near, onlyRow, prepare, raw, rawCells, rawTypes } from './shared';

/** Node-decoded row of `select`, then the raw answer to the same statement, reported. */
async function decodedAndRaw(ctx: LiveContext, select: string, expectRow: (row: IDataObject) => void): Promise<string> {
	const row = await onlyRow(ctx, select);
	expectRow(row);
	const result = await raw(ctx, select);
	return `raw ${rawCells(result)}; rowType ${rawTypes(result)}`;
}

function startsEnds(value: unknown, start: string, end: string, what: string): void {
	check(typeof value === 'string' && value.startsWith(start) && value.endsWith(end), `${what}: expected ${start}…${end}, got ${JSON.stringify(value)}`);
}

export const typeScenarios: Scenario[] = [
	{
		name: 'types/fixed-38-digits',
		covers: 'unconfirmed 1',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				'SELECT 12345678901234567890123456789012345678::NUMBER(38,0) AS "BIG", -12345678901234567890123456789012345678::NUMBER(38,0) AS "NEG", 9007199254740993::NUMBER(38,0) AS "UNSAFE", 42::NUMBER(38,0) AS "SMALL", 1.50::NUMBER(10,2) AS "SCALED", -0.05::NUMBER(10,2) AS "CENTS"',
				(row) => {
					same(row.BIG, '12345678901234567890123456789012345678', 'BIG');
					same(row.NEG, '-12345678901234567890123456789012345678', 'NEG');
					same(row.UNSAFE, '9007199254740993', 'UNSAFE');
					same(row.SMALL, 42, 'SMALL');
					same(row.SCALED, 1.5, 'SCALED');
					same(row.CENTS, -0.05, 'CENTS');
				},
			),
	},
	{
		name: 'types/numbers-as-text',
		run: async (ctx) => {
			const row = await onlyRow(ctx, 'SELECT 12345678901234567890.123456::NUMBER(38,6) AS "D", 7::NUMBER(38,0) AS "I"', { numbersAsText: true });
			check(typeof row.D === 'string' && row.D.startsWith('12345678901234567890.123456'), `D: expected the exact digits as text, got ${JSON.stringify(row.D)}`);
			same(row.I, '7', 'I');
			return `D=${JSON.stringify(row.D)} I=${JSON.stringify(row.I)}`;
		},
	},
	{
		name: 'types/real-digits',
		covers: 'fact 2',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT 0.1::FLOAT + 0.2::FLOAT AS \"SUM\", -9007199254740991::FLOAT AS \"NEG_SAFE\", 1e-300::FLOAT AS \"TINY\", 'NaN'::FLOAT AS \"NAN\", 'inf'::FLOAT AS \"INF\", '-inf'::FLOAT AS \"NINF\"",
				(row) => {
					near(row.SUM, 0.30000000000000004, 'SUM');
					near(row.NEG_SAFE, -9007199254740991, 'NEG_SAFE');
					near(row.TINY, 1e-300, 'TINY');
					same(row.NAN, 'NaN', 'NAN');
					same(row.INF, 'Infinity', 'INF');
					same(row.NINF, '-Infinity', 'NINF');
				},
			),
	},
	{
		name: 'types/text-boolean-binary-null',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT 'Grüße ''quoted'' 🚀 日本' AS \"T\", '' AS \"EMPTY\", TRUE AS \"YES\", FALSE AS \"NO\", TO_BINARY('CAFE00', 'HEX') AS \"BIN\", NULL::VARCHAR AS \"NOTHING\"",
				(row) => {
					same(row.T, "Grüße 'quoted' 🚀 日本", 'T');
					same(row.EMPTY, '', 'EMPTY');
					same(row.YES, true, 'YES');
					same(row.NO, false, 'NO');
					same(row.BIN, 'CAFE00', 'BIN');
					same(row.NOTHING, null, 'NOTHING');
				},
			),
	},
	{
		name: 'types/date-pre-1970-far-future',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT '1900-01-01'::DATE AS \"OLD\", '1969-12-31'::DATE AS \"EVE\", '0001-01-01'::DATE AS \"FIRST\", '9999-12-31'::DATE AS \"LAST\", '2024-02-29'::DATE AS \"LEAP\"",
				(row) => {
					same(row.OLD, '1900-01-01', 'OLD');
					same(row.EVE, '1969-12-31', 'EVE');
					same(row.FIRST, '0001-01-01', 'FIRST');
					same(row.LAST, '9999-12-31', 'LAST');
					same(row.LEAP, '2024-02-29', 'LEAP');
				},
			),
	},
	{
		name: 'types/time-fraction-digits',
		covers: 'unconfirmed 1',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT '13:45:00'::TIME(0) AS \"T0\", '13:45:00.5'::TIME(3) AS \"T3\", '23:59:59.123456789'::TIME(9) AS \"T9\", '00:00:00'::TIME AS \"MIDNIGHT\"",
				(row) => {
					same(row.T0, '13:45:00', 'T0');
					same(row.T3, '13:45:00.500', 'T3');
					same(row.T9, '23:59:59.123456789', 'T9');
					same(row.MIDNIGHT, '00:00:00.000000000', 'MIDNIGHT');
				},
			),
	},
	{
		name: 'types/timestamp-ntz-ltz',
		covers: 'unconfirmed 1',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT '1900-01-01 12:34:56.123456789'::TIMESTAMP_NTZ(9) AS \"OLD\", '1969-12-31 23:59:59.5'::TIMESTAMP_NTZ(3) AS \"EVE\", '2200-12-31 23:59:59.999999999'::TIMESTAMP_NTZ(9) AS \"FUTURE\", '2024-03-01 12:30:00 +00:00'::TIMESTAMP_LTZ(6) AS \"LTZ\", '1950-06-15 08:00:00 +02:00'::TIMESTAMP_LTZ(3) AS \"OLD_LTZ\"",
				(row) => {
					same(row.OLD, '1900-01-01T12:34:56.123456789', 'OLD');
					same(row.EVE, '1969-12-31T23:59:59.500', 'EVE');
					same(row.FUTURE, '2200-12-31T23:59:59.999999999', 'FUTURE');
					same(row.LTZ, '2024-03-01T12:30:00.000000Z', 'LTZ');
					same(row.OLD_LTZ, '1950-06-15T06:00:00.000Z', 'OLD_LTZ');
				},
			),
	},
	{
		name: 'types/timestamp-tz-offsets',
		run: (ctx) =>
			decodedAndRaw(
				ctx,
				"SELECT '2024-03-01 12:30:00 +09:00'::TIMESTAMP_TZ AS \"EAST\", '2024-03-01 12:30:00 -12:00'::TIMESTAMP_TZ AS \"WEST\", '2024-03-01 12:30:00 +14:00'::TIMESTAMP_TZ AS \"KIRIBATI\", '2024-03-01 12:30:00 +05:45'::TIMESTAMP_TZ AS \"NEPAL\", '1960-01-01 00:00:00.250 -03:30'::TIMESTAMP_TZ(3) AS \"OLD\"",
				(row) => {
					startsEnds(row.EAST, '2024-03-01T12:30:00', '+09:00', 'EAST');
					startsEnds(row.WEST, '2024-03-01T12:30:00', '-12:00', 'WEST');
					startsEnds(row.KIRIBATI, '2024-03-01T12:30:00', '+14:00', 'KIRIBATI');
					startsEnds(row.NEPAL, '2024-03-01T12:30:00', '+05:45', 'NEPAL');
					same(row.OLD, '1960-01-01T00:00:00.250-03:30', 'OLD');
				},
			),
	},
	{
		name: 'types/decfloat',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "DEC" ("D" DECFLOAT)', "INSERT INTO \"DEC\" SELECT '1.2345678901234567890123456789012345678'::DECFLOAT"]);
			const row = await onlyRow(ctx, 'SELECT "D" FROM "DEC"');
			same(row.D, '1.2345678901234567890123456789012345678', 'D (38 significant digits, kept as text)');
			const result = await raw(ctx, 'SELECT "D" FROM "DEC"');
			return `rowType ${rawTypes(result)}; raw ${rawCells(result)}`;
		},
	},
	{
		name: 'types/timezone-option',
		run: async (ctx) => {
			const row = await onlyRow(ctx, 'SELECT CURRENT_TIMESTAMP()::TIMESTAMP_TZ AS "NOW_TZ"', { timezone: 'Asia/Kathmandu' });
			check(typeof row.NOW_TZ === 'string' && row.NOW_TZ.endsWith('+05:45'), `NOW_TZ: expected the session TIMEZONE's offset +05:45, got ${JSON.stringify(row.NOW_TZ)}`);
			return `TIMEZONE=Asia/Kathmandu sent with the statement: ${String(row.NOW_TZ)}`;
		},
	},
	{
		name: 'types/variant-object-array',
		covers: 'fact 3, unconfirmed 7',
		run: async (ctx) => {
			const select =
				'SELECT PARSE_JSON(\'{"b":[1,2,{"c":null}],"a":"x","n":12345678901234567890}\') AS "V", OBJECT_CONSTRUCT(\'k\', 1, \'s\', \'x\') AS "O", ARRAY_CONSTRUCT(1, \'two\', 3.5) AS "A"';
			const row = await onlyRow(ctx, select);
			const v = row.V as IDataObject;
			same(v.b, [1, 2, { c: null }], 'V.b');
			same(v.a, 'x', 'V.a');
			same(row.O, { k: 1, s: 'x' }, 'O');
			same(row.A, [1, 'two', 3.5], 'A');
			const result = await raw(ctx, select);
			const pretty = result.cells.map((cell) => (typeof cell === 'string' && cell.includes('\n  ') ? 'pretty' : 'compact')).join('/');
			const byteLengths = result.rowType.map((column) => String(column.byteLength)).join('/');
			return `V.n=${JSON.stringify(v.n)}; cells ${pretty}; byteLength ${byteLengths}; rowType ${rawTypes(result)}`;
		},
	},
	{
		name: 'types/geography',
		covers: 'fact 4, unconfirmed 7',
		run: async (ctx) => {
			await prepare(ctx, [
				'CREATE TABLE "GEO" ("ID" NUMBER, "G" GEOGRAPHY)',
				"INSERT INTO \"GEO\" SELECT 1, TO_GEOGRAPHY('POINT(-122.35 37.55)')",
				'INSERT INTO "GEO" SELECT 2, TO_GEOGRAPHY(\'{"type":"LineString","coordinates":[[0,0],[1,1]]}\')',
			]);
			const rows = await ctx.sql('SELECT "G" FROM "GEO" ORDER BY "ID"');
			same(rows.map((row) => row.G), [{ type: 'Point', coordinates: [-122.35, 37.55] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }], 'G');
			const result = await raw(ctx, 'SELECT "G" FROM "GEO" ORDER BY "ID"');
			const column = result.rowType[0] ?? {};
			return `rowType type=${String(column.type)} extTypeName=${String(column.extTypeName)} table=${JSON.stringify(column.table)}; raw ${rawCells(result)}`;
		},
	},
	{
		name: 'types/geometry',
		covers: 'fact 4, unconfirmed 7',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "GEOM" ("G" GEOMETRY)', "INSERT INTO \"GEOM\" SELECT TO_GEOMETRY('POINT(1 2)')"]);
			const row = await onlyRow(ctx, 'SELECT "G" FROM "GEOM"');
			same(row.G, { type: 'Point', coordinates: [1, 2] }, 'G');
			const result = await raw(ctx, 'SELECT "G" FROM "GEOM"');
			const column = result.rowType[0] ?? {};
			return `rowType type=${String(column.type)} extTypeName=${String(column.extTypeName)}; raw ${rawCells(result)}`;
		},
	},
	{
		name: 'types/vector',
		covers: 'unconfirmed 7',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "VEC" ("F" VECTOR(FLOAT, 3), "I" VECTOR(INT, 2))', 'INSERT INTO "VEC" SELECT [1.5, 2, -3]::VECTOR(FLOAT, 3), [7, 8]::VECTOR(INT, 2)']);
			const row = await onlyRow(ctx, 'SELECT "F", "I" FROM "VEC"');
			same(row.F, [1.5, 2, -3], 'F');
			same(row.I, [7, 8], 'I');
			const result = await raw(ctx, 'SELECT "F", "I" FROM "VEC"');
			return `rowType ${rawTypes(result)}; raw ${rawCells(result)}`;
		},
	},
	{
		name: 'types/structured',
		covers: 'unconfirmed 7',
		run: async (ctx) => {
			await prepare(ctx, [
				'CREATE TABLE "STRUCT" ("O" OBJECT("NAME" VARCHAR, "AGE" NUMBER), "A" ARRAY(NUMBER), "M" MAP(VARCHAR, NUMBER))',
				"INSERT INTO \"STRUCT\" SELECT {'NAME': 'Ann', 'AGE': 42}::OBJECT(\"NAME\" VARCHAR, \"AGE\" NUMBER), [1, 2, 3]::ARRAY(NUMBER), {'a': 1}::MAP(VARCHAR, NUMBER)",
			]);
			const row = await onlyRow(ctx, 'SELECT "O", "A", "M" FROM "STRUCT"');
			same(row.O, { NAME: 'Ann', AGE: 42 }, 'O');
			same(row.A, [1, 2, 3], 'A');
			same(row.M, { a: 1 }, 'M');
			const result = await raw(ctx, 'SELECT "O", "A", "M" FROM "STRUCT"');
			return `rowType ${rawTypes(result)}; raw ${rawCells(result)}`;
		},
	},
];
