/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bindings } from '../../nodes/SnowflakeSqlApi/transport';
import { createDuckDbEngine, type DuckDbEngine } from './engine';
import { type EngineResult, type EngineSession, type SessionContext, SnowflakeSqlError } from './engine-types';
import { sqlFailureOf } from './harness';
import { formatNanos, formatReal } from './encode';
import { geoCell, parseGeo } from './geo';
import { benchRow, benchRowType } from './largeResult';

const ctx = (parameters: Record<string, string> = {}, extra: Partial<SessionContext> = {}): SessionContext => ({ parameters, ...extra });

let engine: DuckDbEngine;
let session: EngineSession;

async function run(sql: string, bindings?: Bindings, context: SessionContext = ctx()): Promise<EngineResult> {
	return session.run(sql, bindings, context);
}

async function cells(sql: string, bindings?: Bindings, context?: SessionContext): Promise<Array<Array<string | null>>> {
	return (await run(sql, bindings, context)).data;
}

const failure = (sql: string, bindings?: Bindings, s: EngineSession = session): Promise<SnowflakeSqlError> => sqlFailureOf(s.run(sql, bindings, ctx()));

beforeAll(async () => {
	engine = await createDuckDbEngine();
	session = await engine.openSession();
});

afterAll(async () => {
	await engine.close();
});

describe('types and rowType', () => {
	beforeAll(async () => {
		await run(`create or replace table types_t (
			n number, n10 number(10,2), i int, big bigint, f float, d double, r real,
			v varchar(10), s string, c char, t text, b boolean, dt date, tm time(3), ts timestamp,
			ntz timestamp_ntz(6), ltz timestamp_ltz, tz timestamp_tz(0), va variant, o object, a array, bin binary(4)
		)`);
	});

	it('reports Snowflake types, precision, scale, length and byteLength of declared columns', async () => {
		const { rowType } = await run('select * from types_t');
		const byName = Object.fromEntries(rowType.map((r) => [r.name, r]));
		expect(byName.N).toMatchObject({ type: 'fixed', precision: 38, scale: 0, length: null, byteLength: null });
		expect(byName.N10).toMatchObject({ type: 'fixed', precision: 10, scale: 2 });
		expect(byName.I).toMatchObject({ type: 'fixed', precision: 38, scale: 0 });
		expect(byName.BIG).toMatchObject({ type: 'fixed', precision: 38, scale: 0 });
		expect([byName.F.type, byName.D.type, byName.R.type]).toEqual(['real', 'real', 'real']);
		expect(byName.V).toMatchObject({ type: 'text', length: 10, byteLength: 40, precision: null, scale: null });
		expect(byName.S).toMatchObject({ type: 'text', length: 16777216, byteLength: 16777216 });
		expect(byName.C).toMatchObject({ type: 'text', length: 1, byteLength: 4 });
		expect(byName.B.type).toBe('boolean');
		expect(byName.DT.type).toBe('date');
		expect(byName.TM).toMatchObject({ type: 'time', scale: 3 });
		expect(byName.TS).toMatchObject({ type: 'timestamp_ntz', scale: 9 });
		expect(byName.NTZ).toMatchObject({ type: 'timestamp_ntz', scale: 6 });
		expect(byName.LTZ).toMatchObject({ type: 'timestamp_ltz', scale: 9 });
		expect(byName.TZ).toMatchObject({ type: 'timestamp_tz', scale: 0 });
		expect([byName.VA.type, byName.O.type, byName.A.type]).toEqual(['variant', 'object', 'array']);
		expect(byName.BIN).toMatchObject({ type: 'binary', length: 4, byteLength: 4 });
	});

	it('gives every rowType entry the complete key set with the source table', async () => {
		const { rowType } = await run('select n from types_t');
		expect(rowType[0]).toEqual({
			name: 'N',
			database: 'EMULATOR_DB',
			schema: 'PUBLIC',
			table: 'TYPES_T',
			type: 'fixed',
			length: null,
			byteLength: null,
			precision: 38,
			scale: 0,
			nullable: true,
			collation: null,
		});
		const expr = await run('select 1 + 1');
		expect(expr.rowType[0]).toMatchObject({ database: '', schema: '', table: '', type: 'fixed' });
	});

	it('follows Snowflake identifier case', async () => {
		await run('create or replace table case_t (id int, "lower" int)');
		expect((await run('select id, "lower" from case_t')).rowType.map((r) => r.name)).toEqual(['ID', 'lower']);
		expect((await run('select 1 as a, 2 as "b", 3 c')).rowType.map((r) => r.name)).toEqual(['A', 'b', 'C']);
		expect((await run("select count(*), 'x', upper('y') from case_t")).rowType.map((r) => r.name)).toEqual(['COUNT(*)', "'X'", "UPPER('Y')"]);
		expect((await run('select * from case_t')).rowType.map((r) => r.name)).toEqual(['ID', 'lower']);
	});
});

describe('jsonv2 encoding', () => {
	it('writes FIXED with exactly scale fraction digits and exact 38-digit values', async () => {
		const data = await cells(
			"select 12345678901234567890123456789012345678::number(38,0), -99999999999999999999999999999999999999::number(38,0), 1.5::number(10,2), -0.05::number(10,2), 0::number(5,3), 42",
		);
		expect(data).toEqual([['12345678901234567890123456789012345678', '-99999999999999999999999999999999999999', '1.50', '-0.05', '0.000', '42']]);
	});

	it('writes REAL as %.17g text (captures) with NaN/inf spelled like Snowflake', async () => {
		const data = await cells(
			"select 1.5::float, 1.23456789012345678e37::float, 'nan'::float, 'inf'::float, '-inf'::float, 0.1::float + 0.2::float, 1e-7::float, 100::float, 1e-307::float, -9007199254740991::float",
		);
		expect(data).toEqual([
			['1.5', '1.2345678901234568e+37', 'NaN', 'inf', '-inf', '0.30000000000000004', '9.9999999999999995e-08', '100', '9.9999999999999991e-308', '-9007199254740991'],
		]);
		expect(formatReal(-0)).toBe('-0');
	});

	it('writes TEXT, BOOLEAN, BINARY (uppercase hex) and semi-structured JSON pretty-printed like Snowflake', async () => {
		const data = await cells(
			"select 'héllo', true, false, to_binary('0aff'), parse_json('{\"a\": [1, 2], \"e\": {}, \"s\": \"x,: [y]\"}'), object_construct('k', 1, 'n', null), array_construct(1, 'x'), null",
		);
		expect(data).toEqual([
			['héllo', 'true', 'false', '0AFF', '{\n  "a": [\n    1,\n    2\n  ],\n  "e": {},\n  "s": "x,: [y]"\n}', '{\n  "k": 1\n}', '[\n  1,\n  "x"\n]', null],
		]);
	});

	it('writes DATE as days since epoch, negative before 1970', async () => {
		expect(await cells("select '2020-01-01'::date, '1969-12-31'::date, '1900-01-01'::date, '1970-01-01'::date")).toEqual([['18262', '-1', '-25567', '0']]);
	});

	it('writes TIME as seconds since midnight with scale digits', async () => {
		expect(await cells("select '23:01:59'::time, '12:34:56.789789789'::time, '00:00:00.5'::time(3), '01:00:00'::time(0)")).toEqual([
			['82919.000000000', '45296.789789789', '0.500', '3600'],
		]);
	});

	it('writes TIMESTAMP_NTZ/LTZ as epoch seconds, nanosecond exact, pre-1970 as signed decimals', async () => {
		const data = await cells(
			"select '2016-01-21 06:32:44'::timestamp_ntz, '1900-01-01 12:34:56.123456789'::timestamp_ntz, '1969-12-31 23:59:59.999999999'::timestamp_ntz, '2024-04-16 15:37:58.999'::timestamp_ntz(3), '2020-01-01 00:00:00+00:00'::timestamp_ltz",
		);
		expect(data).toEqual([['1453357964.000000000', '-2208943503.876543211', '-0.000000001', '1713281878.999', '1577836800.000000000']]);
		expect(formatNanos(-1_500_000_000n, 0)).toBe('-2');
	});

	it('writes TIMESTAMP_TZ as "<utc seconds> <offset+1440>" carrying each value its own offset', async () => {
		await run('create or replace table tz_t (id int, tz timestamp_tz)');
		await run(
			"insert into tz_t values (1, '2021-03-19 18:06:59 +01:00'::timestamp_tz), (2, '2022-01-01 12:34:56.123 +09:00'::timestamp_tz), (3, '2020-06-01 00:00:00 -12:00'::timestamp_tz), (4, '2020-06-01 00:00:00 +14:00'::timestamp_tz), (5, '1960-01-01 00:00:00.5 -05:30'::timestamp_tz)",
		);
		expect(await cells('select tz from tz_t order by id')).toEqual([
			['1616173619.000000000 1500'],
			['1641008096.123000000 1980'],
			['1591012800.000000000 720'],
			['1590919200.000000000 2280'],
			['-315599399.500000000 1110'],
		]);
	});

	it('renders a TIMESTAMP_TZ without offset in the session TIMEZONE', async () => {
		expect(await cells("select '2020-06-01 00:00:00'::timestamp_tz", undefined, ctx({ TIMEZONE: 'Asia/Tokyo' }))).toEqual([['1590937200.000000000 1980']]);
	});

	it('can always write nine fraction digits (documented switch)', async () => {
		const nine = await createDuckDbEngine({ fractionDigits: 'nine' });
		const s = await nine.openSession();
		expect((await s.run("select '12:00:00.5'::time(1), '2024-01-01 00:00:00.25'::timestamp_ntz(2)", undefined, ctx())).data).toEqual([['43200.500000000', '1704067200.250000000']]);
		await nine.close();
	});

	it('honours *_OUTPUT_FORMAT and TIMEZONE parameters', async () => {
		const params = {
			DATE_OUTPUT_FORMAT: 'MM/DD/YYYY',
			TIME_OUTPUT_FORMAT: 'HH24:MI:SS.FF3',
			TIMESTAMP_NTZ_OUTPUT_FORMAT: 'YYYY-MM-DD"T"HH24:MI:SS.FF',
			TIMESTAMP_OUTPUT_FORMAT: 'YYYY-MM-DD HH24:MI:SS TZH:TZM',
			TIMEZONE: 'America/New_York',
		};
		const data = await cells(
			"select '2019-03-27'::date, '13:14:15.123456'::time, '2020-01-02 03:04:05.5'::timestamp_ntz(3), '2020-07-01 12:00:00 +00:00'::timestamp_ltz, '2020-07-01 12:00:00 +05:30'::timestamp_tz",
			undefined,
			ctx(params),
		);
		expect(data).toEqual([['03/27/2019', '13:14:15.123', '2020-01-02T03:04:05.500', '2020-07-01 08:00:00 -04:00', '2020-07-01 12:00:00 +05:30']]);
	});

	it('types CURRENT_TIMESTAMP as timestamp_ltz and SYSDATE as timestamp_ntz', async () => {
		// The statement's time lies between the seconds read before and after it, however long it took.
		const before = Math.floor(Date.now() / 1000);
		const r = await run('select current_timestamp(), sysdate(), current_date');
		const after = Math.ceil(Date.now() / 1000);
		expect(r.rowType.map((x) => x.type)).toEqual(['timestamp_ltz', 'timestamp_ntz', 'date']);
		for (const cell of r.data[0].slice(0, 2)) {
			expect(Number(cell)).toBeGreaterThanOrEqual(before);
			expect(Number(cell)).toBeLessThanOrEqual(after);
		}
	});
});

describe('bindings', () => {
	beforeEach(async () => {
		await run(`create or replace table bind_t (
			n number(38,0), r float, s varchar, bin binary, b boolean, d date, t time, ntz timestamp_ntz, ltz timestamp_ltz, tz timestamp_tz
		)`);
	});

	it('binds every documented type and value format into typed columns', async () => {
		const bindings: Bindings = {
			'1': { type: 'FIXED', value: '12345678901234567890123456789012345678' },
			'2': { type: 'REAL', value: '1.5e3' },
			'3': { type: 'TEXT', value: "it's" },
			'4': { type: 'BINARY', value: '0aFF' },
			'5': { type: 'BOOLEAN', value: 'true' },
			'6': { type: 'DATE', value: '1577836800000' },
			'7': { type: 'TIME', value: '45296789789789' },
			'8': { type: 'TIMESTAMP_NTZ', value: '-2208943503876543211' },
			'9': { type: 'TIMESTAMP_LTZ', value: '1616173619123456000' },
			'10': { type: 'TIMESTAMP_TZ', value: '1616173619000000000 960' },
		};
		const insert = await run('insert into bind_t values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', bindings);
		expect(insert.data).toEqual([['1']]);
		expect(await cells('select * from bind_t')).toEqual([
			[
				'12345678901234567890123456789012345678',
				'1500',
				"it's",
				'0AFF',
				'true',
				'18262',
				'45296.789789789',
				'-2208943503.876543211',
				'1616173619.123456000',
				'1616173619.000000000 960',
			],
		]);
	});

	it('binds TEXT into date, time, timestamp, boolean and binary targets, and null as SQL NULL', async () => {
		const text = (value: string | null) => ({ type: 'TEXT' as const, value });
		await run('insert into bind_t (n, b, d, t, ntz, tz, bin, s) values (:1, :2, :3, :4, :5, :6, :7, :8)', {
			'1': text('7'),
			'2': text('false'),
			'3': text('2021-04-15'),
			'4': text('10:11:12.5'),
			'5': text('2021-04-15 10:11:12.123456789'),
			'6': text('2021-04-15 10:11:12 -08:00'),
			'7': text('CAFE'),
			'8': text(null),
		});
		expect(await cells('select n, b, d, t, ntz, tz, bin, s from bind_t')).toEqual([
			['7', 'false', '18732', '36672.500000000', '1618481472.123456789', '1618510272.000000000 960', 'CAFE', null],
		]);
	});

	it('binds untyped placeholders with the binding type', async () => {
		const r = await run('select ?, ?, ?, ?, ?, ?', {
			'1': { type: 'FIXED', value: '-5' },
			'2': { type: 'DATE', value: '-86400000' },
			'3': { type: 'TIMESTAMP_TZ', value: '0 1500' },
			'4': { type: 'BOOLEAN', value: 'false' },
			'5': { type: 'DECFLOAT', value: '1.23e-40' },
			'6': { type: 'TIME', value: '1' },
		});
		expect(r.rowType.map((x) => x.type)).toEqual(['fixed', 'date', 'timestamp_tz', 'boolean', 'real', 'time']);
		expect(r.data).toEqual([['-5', '-1', '0.000000000 1500', 'false', '1.2300000000000001e-40', '0.000000001']]);
		const exact = await run('select ?::number(38,2), ?::number(38,0)', { '1': { type: 'DECFLOAT', value: '12.345' }, '2': { type: 'FIXED', value: '99999999999999999999999999999999999999' } });
		expect(exact.data).toEqual([['12.35', '99999999999999999999999999999999999999']]);
	});

	it('binds into WHERE clauses of UPDATE and DELETE', async () => {
		await run('insert into bind_t (n, s) values (1, ?), (2, ?)', { '1': { type: 'TEXT', value: 'a' }, '2': { type: 'TEXT', value: 'b' } });
		const upd = await run('update bind_t set s = ? where n = ?', { '1': { type: 'TEXT', value: 'z' }, '2': { type: 'FIXED', value: '2' } });
		expect(upd.data).toEqual([['1', '0']]);
		expect(await cells('select s from bind_t order by n')).toEqual([['a'], ['z']]);
	});

	it('rejects unparseable values with 100037', async () => {
		for (const [type, value] of [
			['FIXED', '1.5'],
			['BOOLEAN', 'maybe'],
			['DATE', 'yesterday'],
			['TIMESTAMP_TZ', '123'],
			['BINARY', 'xyz'],
			['REAL', 'abc'],
		] as const) {
			const e = await failure('select ?', { '1': { type, value } });
			expect([e.code, e.sqlState, e.message]).toEqual(['100037', '22018', `${type} value '${value}' is not recognized`]);
		}
		const e = await failure('insert into bind_t (n) values (?)', { '1': { type: 'TEXT', value: 'abc' } });
		expect([e.code, e.message]).toEqual(['100037', "TEXT value 'abc' is not recognized"]);
	});

	it('rejects an unknown binding type with 002040 and a wrong bind count with 002049', async () => {
		const bad = await failure('select ?', { '1': { type: 'NOPE' as 'TEXT', value: '1' } });
		expect([bad.code, bad.sqlState, bad.message]).toEqual(['002040', '42601', "SQL compilation error:\nUnsupported data type 'NOPE'."]);
		const missing = await failure('select ?, ?', { '1': { type: 'TEXT', value: '1' } });
		expect([missing.code, missing.sqlState, missing.message]).toEqual(['002049', '42601', 'SQL compilation error: error line 1 at position 10\nBind variable ? not set.']);
		const extra = await failure('select ?', { '1': { type: 'TEXT', value: '1' }, '2': { type: 'TEXT', value: '2' } });
		expect(extra.code).toBe('002049');
	});
});

describe('DML and DDL results', () => {
	it('reports INSERT, UPDATE and DELETE counters typed fixed, with stats', async () => {
		expect((await run('create or replace table dml_t (id int, v varchar)')).data).toEqual([['Table DML_T successfully created.']]);
		const ins = await run("insert into dml_t values (1, 'a'), (2, 'b'), (3, 'c')");
		expect(ins.kind).toBe('dml');
		expect(ins.rowType).toEqual([expect.objectContaining({ name: 'number of rows inserted', type: 'fixed', scale: 0 })]);
		expect(ins.data).toEqual([['3']]);
		expect(ins.stats).toEqual({ numRowsInserted: 3, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 });
		const sel = await run('insert into dml_t select id + 10, v from dml_t where id < 3');
		expect(sel.data).toEqual([['2']]);
		const upd = await run("update dml_t set v = 'z' where id > 2");
		expect(upd.rowType.map((r) => r.name)).toEqual(['number of rows updated', 'number of multi-joined rows updated']);
		expect(upd.data).toEqual([['3', '0']]);
		expect(upd.stats?.numRowsUpdated).toBe(3);
		const del = await run('delete from dml_t where id >= 11');
		expect(del.rowType.map((r) => r.name)).toEqual(['number of rows deleted']);
		expect(del.data).toEqual([['2']]);
		expect(del.stats?.numRowsDeleted).toBe(2);
	});

	it('runs UPDATE ... FROM and DELETE ... USING', async () => {
		await run('create or replace table dml_t (id int, v varchar)');
		await run("insert into dml_t values (1, 'a'), (2, 'b'), (3, 'z')");
		await run('create or replace table src_t (id int, v varchar)');
		await run("insert into src_t values (1, 'from-src'), (3, 'gone')");
		expect((await run('update dml_t set v = src_t.v from src_t where dml_t.id = src_t.id and src_t.id = 1')).data).toEqual([['1', '0']]);
		expect((await run("delete from dml_t using src_t where dml_t.id = src_t.id and src_t.v = 'gone'")).data).toEqual([['1']]);
		expect(await cells('select id, v from dml_t order by id')).toEqual([
			['1', 'from-src'],
			['2', 'b'],
		]);
	});

	it('reports one MERGE counter per clause present, with stats', async () => {
		await run('create or replace table merge_t (id int, v varchar)');
		await run("insert into merge_t values (1, 'old'), (2, 'drop me'), (3, 'keep')");
		const merge = await run(`merge into merge_t t using (select 1 as id, 'new' as v union all select 2, 'x' union all select 4, 'ins') s on t.id = s.id
			when matched and s.id = 2 then delete
			when matched then update set v = s.v
			when not matched then insert (id, v) values (s.id, s.v)`);
		expect(merge.rowType.map((r) => [r.name, r.type])).toEqual([
			['number of rows inserted', 'fixed'],
			['number of rows updated', 'fixed'],
			['number of rows deleted', 'fixed'],
		]);
		expect(merge.data).toEqual([['1', '1', '1']]);
		expect(merge.stats).toEqual({ numRowsInserted: 1, numRowsUpdated: 1, numRowsDeleted: 1, numDuplicateRowsUpdated: 0 });
		expect(await cells('select id, v from merge_t order by id')).toEqual([
			['1', 'new'],
			['3', 'keep'],
			['4', 'ins'],
		]);
		const onlyInsert = await run("merge into merge_t t using (select 9 as id) s on t.id = s.id when not matched then insert (id, v) values (s.id, 'nine')");
		expect(onlyInsert.rowType.map((r) => r.name)).toEqual(['number of rows inserted']);
		expect(onlyInsert.data).toEqual([['1']]);
	});

	it('answers DDL with a status column', async () => {
		await run('create or replace table merge_t (id int, v varchar)');
		await run('drop table if exists ctas_t');
		const exists = await run('create table if not exists merge_t (id int)');
		expect(exists.rowType).toEqual([expect.objectContaining({ name: 'status', type: 'text' })]);
		expect(exists.data).toEqual([['MERGE_T already exists, statement succeeded.']]);
		expect((await run('alter table merge_t add column extra varchar(5)')).data).toEqual([['Statement executed successfully.']]);
		expect((await run('select extra from merge_t limit 1')).rowType[0]).toMatchObject({ type: 'text', length: 5 });
		expect((await run('truncate table merge_t')).data).toEqual([['Statement executed successfully.']]);
		expect(await cells('select count(*) from merge_t')).toEqual([['0']]);
		expect((await run('drop table merge_t')).data).toEqual([['MERGE_T successfully dropped.']]);
		expect((await run('drop table if exists merge_t')).data).toEqual([['Drop statement executed successfully (MERGE_T already dropped).']]);
		expect((await run('create or replace temporary table temp_t (id int) ')).kind).toBe('ddl');
		expect((await run('create table ctas_t as select 1 as a, 2.5 as b')).data).toEqual([['Table CTAS_T successfully created.']]);
		expect((await run('select * from ctas_t')).rowType.map((r) => [r.name, r.type, r.precision, r.scale])).toEqual([
			['A', 'fixed', 38, 0],
			['B', 'fixed', 2, 1],
		]);
	});

	it('keeps PRIMARY KEY and UNIQUE unenforced, as Snowflake does', async () => {
		await run('create or replace table pk_t (id int primary key, code varchar unique, constraint pk2 primary key (id))');
		await run('insert into pk_t values (1, 1), (1, 1)');
		expect(await cells('select count(*) from pk_t')).toEqual([['2']]);
	});
});

describe('functions of a data sync', () => {
	it('translates the everyday Snowflake functions', async () => {
		const [row] = await cells(`select iff(1 > 0, 'y', 'n'), nvl(null, 'd'), zeroifnull(null), to_number('12.345', 10, 2), to_varchar(42),
			to_date('2020-02-03'), to_timestamp('2020-02-03 04:05:06'), try_parse_json('{bad'), to_variant(5), dateadd(day, 1, '2020-01-31'::date)::date,
			datediff('day', '2020-01-01'::date, '2020-03-01'::date), parse_json('{"a":{"b":"x"}}'):a.b::string, nvl2(1, 'a', 'b'), uuid_string() is not null`);
		expect(row).toEqual(['y', 'd', '0', '12.35', '42', '18295', '1580702706.000000000', null, '5', '18293', '60', 'x', 'a', 'true']);
	});

	it('covers dates, text aggregation, views and local time', async () => {
		const [row] = await cells(`select try_to_date('nope'), date_trunc(month, '2020-05-17'::date)::date, datediff(hour, '2020-01-01 00:00:00'::timestamp, '2020-01-02 01:00:00'::timestamp),
			to_timestamp_tz('2020-01-01 00:00:00 +05:00'), to_timestamp_ltz('2020-01-01 00:00:00 +05:00'), to_varchar('2020-01-02'::date, 'DD.MM.YYYY'), startswith('abc', 'a'),
			current_time() is not null, object_construct('a', 1):a::number, array_size(array_construct(1, 2, 3))`);
		expect(row).toEqual([null, '18383', '25', '1577818800.000000000 1740', '1577818800.000000000', '02.01.2020', 'true', 'true', '1', '3']);
		await run("create or replace table agg_t (g int, v varchar)");
		await run("insert into agg_t values (1, 'a'), (1, 'b'), (2, 'c')");
		expect(await cells("select g, listagg(v, '|') within group (order by v) from agg_t group by g order by g")).toEqual([
			['1', 'a|b'],
			['2', 'c'],
		]);
		expect((await run('create or replace view agg_v as select g, count(*) from agg_t group by g')).data).toEqual([['View AGG_V successfully created.']]);
		expect((await run('select * from agg_v order by g')).rowType.map((c) => c.name)).toEqual(['G', 'COUNT(*)']);
		const flatten = await failure('select * from table(flatten(input => parse_json(\'[1]\')))');
		expect(flatten.code).toBe('002140');
	});

	it('generates rows with GENERATOR, SEQ4 and UNIFORM', async () => {
		const r = await run('select seq4() as s, uniform(1, 6, random()) as u from table(generator(rowcount => 5)) order by s');
		expect(r.data.map((x) => x[0])).toEqual(['0', '1', '2', '3', '4']);
		expect(r.data.every((x) => Number(x[1]) >= 1 && Number(x[1]) <= 6)).toBe(true);
	});

	it('accepts names DuckDB reserves but Snowflake does not (quoted for DuckDB)', async () => {
		await run('create or replace table kw_t (at timestamp_ntz, glob varchar, "END" int, "DESC" int)');
		await run("insert into kw_t (at, glob, \"END\", \"DESC\") values ('2020-01-01', 'g', 1, 2)");
		const r = await run('select at, glob, k.end, k.desc from kw_t k order by k.end desc limit 1');
		expect(r.rowType.map((c) => c.name)).toEqual(['AT', 'GLOB', 'END', 'DESC']);
		expect(r.data).toEqual([['1577836800.000000000', 'g', '1', '2']]);
	});

	it('reads $$ strings, backslash escapes and comments', async () => {
		expect(await cells("select $$it's$$, 'a\\tb', 'x''y' -- comment\n, /* c */ 1")).toEqual([["it's", 'a\tb', "x'y", '1']]);
	});
});

describe('transactions', () => {
	it('rejects several statements in one run (the server splits them)', async () => {
		const e = await failure('select 1; select 2');
		expect([e.code, e.message]).toEqual(['000008', 'Actual statement count 2 did not match the desired statement count 1.']);
		expect(await cells('select 1;')).toEqual([['1']]);
	});

	it('aborts an explicit transaction at a failed statement (DuckDB cannot roll back one statement)', async () => {
		const s = await engine.openSession();
		await s.run('create or replace table abort_t (id int not null)', undefined, ctx());
		await s.run('begin', undefined, ctx());
		await s.run('insert into abort_t values (1)', undefined, ctx());
		await expect(s.run('insert into abort_t values (null)', undefined, ctx())).rejects.toMatchObject({ code: '100072' });
		await expect(s.run('select 1', undefined, ctx())).rejects.toMatchObject({ code: '000603', sqlState: '25P02' });
		await s.run('commit', undefined, ctx());
		expect((await s.run('select count(*) from abort_t', undefined, ctx())).data).toEqual([['0']]);
		await s.close();
	});

	it('scopes BEGIN ... ROLLBACK to the session: no rows are left', async () => {
		await run('create or replace table tx_t (id int)');
		for (const sql of ['begin', 'insert into tx_t values (1)', 'insert into tx_t values (2)']) await run(sql);
		const other = await engine.openSession();
		expect((await other.run('select count(*) from tx_t', undefined, ctx())).data).toEqual([['0']]);
		expect((await run('rollback')).kind).toBe('transaction');
		expect(await cells('select count(*) from tx_t')).toEqual([['0']]);
		for (const sql of ['begin transaction', 'insert into tx_t values (3)', 'commit']) await run(sql);
		expect((await other.run('select count(*) from tx_t', undefined, ctx())).data).toEqual([['1']]);
		await other.close();
	});
});

describe('errors', () => {
	it('maps unknown objects, identifiers, syntax and functions to Snowflake codes', async () => {
		const missing = await failure('select * from nope');
		expect([missing.code, missing.sqlState, missing.message]).toEqual(['002003', '42S02', "SQL compilation error:\nObject 'NOPE' does not exist or not authorized."]);
		await run('create or replace table err_t (id int)');
		const ident = await failure('select afaf from err_t');
		expect([ident.code, ident.sqlState, ident.message]).toEqual(['000904', '42000', "SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF'"]);
		// Without FROM, DuckDB says "Referenced column ... was not found because the FROM clause is missing".
		const noFrom = await failure('select 1,\n  afaf');
		expect([noFrom.code, noFrom.sqlState, noFrom.message]).toEqual(['000904', '42000', "SQL compilation error: error line 2 at position 2\ninvalid identifier 'AFAF'"]);
		const syntax = await failure('selec 1');
		expect([syntax.code, syntax.sqlState]).toEqual(['001003', '42000']);
		expect(syntax.message).toMatch(/^SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'selec'\.$/);
		const fn = await failure('select nofn(1)');
		expect([fn.code, fn.message]).toEqual(['002140', 'SQL compilation error:\nUnknown function NOFN']);
		const num = await failure("select 'abc'::number");
		expect([num.code, num.sqlState, num.message]).toEqual(['100038', '22018', "Numeric value 'abc' is not recognized"]);
		const dup = await failure('create table err_t (id int)');
		expect([dup.code, dup.message]).toEqual(['002002', "SQL compilation error:\nObject 'ERR_T' already exists."]);
		const unterminated = await failure("select 'abc");
		expect(unterminated.code).toBe('001003');
		const put = await failure('put file:///tmp/x @~');
		expect(put.code).toBe('000002');
		const db = await failure('select * from NODB.PUBLIC.T');
		expect(db.code).toBe('002003');
	});

	it('answers malformed input with SnowflakeSqlError, never another exception', async () => {
		const inputs = ['', ';', '(((', "'", 'select $$', 'select :1', 'show', 'show nothing', 'use', 'create', 'drop database', 'desc', 'alter session set',
			'alter session set a', 'select * from table(generator())', 'merge into', 'insert into', 'insert into t values', 'create table x', 'create table x (a)',
			'create table x (a number(40))', 'select 1::vector(int, 3)', 'select [1, 2]::vector(int)', 'select [1, 2::vector(int, 2)', 'select cast(1 as)', 'select x:', 'select * from values', 'begin; commit', '\u0000', 'select "unterminated',
			'/* unterminated', 'call nothing()', 'set x = 1', 'select system$wait(1, \'HOURS\') where false', 'update', 'delete from'];
		for (const sql of inputs) {
			const outcome = await session.run(sql, undefined, ctx()).then(
				() => 'ok',
				(e: unknown) => (e instanceof SnowflakeSqlError ? 'snowflake' : String(e)),
			);
			expect([sql, outcome]).toEqual([sql, expect.stringMatching(/^(ok|snowflake)$/)]);
		}
	});

	it('stores VECTOR as a fixed-size array, describes it in Snowflake words and refuses a wrong element count', async () => {
		await run('create or replace table vec_t (f vector(float, 2), i vector(int, 3))');
		const described = await run('desc table vec_t');
		expect(described.data.map((row) => row.slice(0, 2))).toEqual([
			['F', 'VECTOR(FLOAT, 2)'],
			['I', 'VECTOR(INT, 3)'],
		]);
		const wrongLength = await failure('insert into vec_t select [1, 2, 3]::vector(float, 2), null');
		// The emulator's conversion error; Snowflake's code for a wrong element count is unconfirmed.
		expect([wrongLength.code, wrongLength.message]).toEqual(['100038', expect.stringContaining('length 3')]);
		expect(await cells('select [-0.5, 16777216]::vector(float, 2) as f, [1, -2, 3] :: vector(int, 3)')).toEqual([['[-0.5,16777216]', '[1,-2,3]']]);
	});

	it('reports NOT NULL violations and bad JSON like Snowflake', async () => {
		await run('create or replace table nn_t (id int not null)');
		const nn = await failure('insert into nn_t values (null)');
		expect([nn.code, nn.message]).toEqual(['100072', 'NULL result in a non-nullable column']);
		const json = await failure("select parse_json('{bad')");
		expect(json.code).toBe('100069');
	});
});

describe('cancel', () => {
	it('interrupts SYSTEM$WAIT when the signal aborts and leaves the session usable', async () => {
		// An hour's wait: only an interrupt ends it within the test's time.
		const controller = new AbortController();
		const pending = session.run('call system$wait(3600)', undefined, ctx(), controller.signal);
		setTimeout(() => controller.abort(), 200);
		const error = await pending.then(
			() => undefined,
			(e: unknown) => e as SnowflakeSqlError,
		);
		expect(error).toBeInstanceOf(SnowflakeSqlError);
		expect([error?.code, error?.sqlState, error?.message]).toEqual(['000604', '57014', 'SQL execution canceled']);
		expect(await cells('select 1')).toEqual([['1']]);
	});

	it('interrupts inside an explicit transaction; ROLLBACK then leaves nothing behind', async () => {
		const s = await engine.openSession();
		await s.run('create or replace table cancel_t (id int)', undefined, ctx());
		await s.run('begin', undefined, ctx());
		await s.run('insert into cancel_t values (1)', undefined, ctx());
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const e = await s.run('select system$wait(3600)', undefined, ctx(), controller.signal).catch((x: unknown) => x as SnowflakeSqlError);
		expect((e as SnowflakeSqlError).code).toBe('000604');
		await s.run('rollback', undefined, ctx());
		expect((await s.run('select count(*) from cancel_t', undefined, ctx())).data).toEqual([['0']]);
		await s.close();
	});

	it('returns SYSTEM$WAIT like Snowflake when not canceled, and rejects an already aborted signal at once', async () => {
		expect(await cells("select system$wait(10, 'MILLISECONDS')")).toEqual([['waited 10 milliseconds']]);
		const e = await session.run('select 1', undefined, ctx(), AbortSignal.abort()).catch((x: unknown) => x as SnowflakeSqlError);
		expect((e as SnowflakeSqlError).code).toBe('000604');
	});
});

describe('databases, schemas, USE and SHOW', () => {
	const column = (r: EngineResult, name: string) => r.data.map((row) => row[r.rowType.findIndex((c) => c.name === name)]);

	it('lists the defaults: EMULATOR_DB.PUBLIC, EMULATOR_WH, EMULATOR_ROLE', async () => {
		const dbs = await run('show databases');
		expect(dbs.rowType.map((c) => c.name)).toEqual(expect.arrayContaining(['created_on', 'name', 'is_default', 'is_current', 'owner', 'kind']));
		expect(column(dbs, 'name')).toContain('EMULATOR_DB');
		expect(dbs.rowType[0].type).toBe('timestamp_ltz');
		const schemas = await run('show schemas in database emulator_db');
		expect(column(schemas, 'name')).toEqual(['INFORMATION_SCHEMA', 'PUBLIC']);
		expect(column(schemas, 'database_name')).toEqual(['EMULATOR_DB', 'EMULATOR_DB']);
		expect(column(await run('show warehouses'), 'name')).toEqual(['EMULATOR_WH']);
		expect(column(await run("show roles like 'emulator%'"), 'name')).toEqual(['EMULATOR_ROLE']);
	});

	it('creates databases and schemas, makes them current, and scopes SHOW TABLES', async () => {
		const s = await engine.openSession();
		const exec = (sql: string) => s.run(sql, undefined, ctx());
		expect((await exec('create database sales')).data).toEqual([['Database SALES successfully created.']]);
		expect((await exec('create table orders (id int)')).data).toEqual([['Table ORDERS successfully created.']]);
		expect((await exec('create schema raw')).data).toEqual([['Schema RAW successfully created.']]);
		await exec('create table events (id int)');
		expect((await exec('select current_database(), current_schema()')).data).toEqual([['SALES', 'RAW']]);
		const tables = await exec('show tables in database sales');
		expect(tables.data.map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
			['ORDERS', 'SALES', 'PUBLIC', 'TABLE'],
			['EVENTS', 'SALES', 'RAW', 'TABLE'],
		].sort((a, b) => `${a[2]}.${a[0]}`.localeCompare(`${b[2]}.${b[0]}`)));
		expect(column(await exec('show tables in schema sales.public'), 'name')).toEqual(['ORDERS']);
		expect(column(await exec("show tables like 'EV%' in account"), 'name')).toEqual(['EVENTS']);
		expect((await exec('use schema sales.public')).kind).toBe('session');
		expect(column(await exec('show tables'), 'name')).toEqual(['ORDERS']);
		expect((await exec('select * from raw.events')).rowType[0]).toMatchObject({ database: 'SALES', schema: 'RAW', table: 'EVENTS' });
		expect((await exec('select id from sales.public.orders')).rowType[0]).toMatchObject({ database: 'SALES', schema: 'PUBLIC', table: 'ORDERS' });
		const cols = await exec('show columns in table orders');
		expect(cols.data.map((r) => [r[0], r[2], JSON.parse(r[3] as string).type])).toEqual([['ORDERS', 'ID', 'FIXED']]);
		const desc = await exec('describe table orders');
		expect(desc.data.map((r) => [r[0], r[1], r[3]])).toEqual([['ID', 'NUMBER(38,0)', 'Y']]);
		expect((await exec('drop database sales')).data).toEqual([['SALES successfully dropped.']]);
		expect(column(await exec('show databases'), 'name')).not.toContain('SALES');
		await s.close();
	});

	it('uses the request context: database and schema, case-sensitive; unknown USE fails', async () => {
		await run('create or replace table ctx_t (id int)');
		const r = await session.run('select count(*) from ctx_t', undefined, ctx({}, { database: 'EMULATOR_DB', schema: 'PUBLIC' }));
		expect(r.data).toEqual([['0']]);
		const e = await failure('use database NOPE');
		expect([e.code, e.message]).toEqual(['002003', "SQL compilation error:\nDatabase 'NOPE' does not exist or not authorized."]);
		const noDb = await session.run('select count(*) from ctx_t', undefined, ctx({}, { database: 'MISSING' })).catch((x: unknown) => x as SnowflakeSqlError);
		expect((noDb as SnowflakeSqlError).code).toBe('002003');
	});

	it('keeps ALTER SESSION parameters for later statements of the session', async () => {
		const s = await engine.openSession();
		await s.run("alter session set DATE_OUTPUT_FORMAT = 'YYYY/MM/DD'", undefined, ctx());
		expect((await s.run("select '2020-01-02'::date", undefined, ctx())).data).toEqual([['2020/01/02']]);
		await s.run('alter session unset DATE_OUTPUT_FORMAT', undefined, ctx());
		expect((await s.run("select '2020-01-02'::date", undefined, ctx())).data).toEqual([['18263']]);
		await s.close();
	});

	it.each([
		['a directory', (dir: string) => dir],
		['a .duckdb file', (dir: string) => join(dir, 'emulator.duckdb')],
	])('keeps databases on disk when the path is %s', async (_what, path) => {
		const dir = mkdtempSync(join(tmpdir(), 'engine-'));
		try {
			const first = await createDuckDbEngine({ path: path(dir) });
			const a = await first.openSession();
			await a.run('create table in_default (id int)', undefined, ctx());
			await a.run('create database keep_db', undefined, ctx());
			await a.run('create table kept (v varchar(3)); ', undefined, ctx());
			await a.run("insert into kept values ('abc')", undefined, ctx());
			await first.close();
			const second = await createDuckDbEngine({ path: path(dir) });
			const b = await second.openSession();
			const r = await b.run('select v from kept', undefined, ctx({}, { database: 'KEEP_DB', schema: 'PUBLIC' }));
			expect(r.data).toEqual([['abc']]);
			expect(r.rowType[0]).toMatchObject({ type: 'text', length: 3, database: 'KEEP_DB' });
			expect((await b.run('select count(*) from in_default', undefined, ctx())).data).toEqual([['0']]);
			await second.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('engine helpers for the server', () => {
	it('splits multi-statement text outside quotes, comments and $$ blocks and classifies statements', () => {
		expect(engine.splitStatements("select ';'; -- x;\n select $$a;b$$ ; /* ; */ ;; begin")).toEqual(["select ';'", '-- x;\n select $$a;b$$', 'begin']);
		expect(['select 1', 'insert into t values (1)', 'create table t (a int)', 'begin', 'commit', 'use schema x', 'alter session set timezone = \'UTC\'', 'put file:///x @~', 'get @~ file:///x', 'call x()'].map((s) => engine.classify(s))).toEqual([
			'query',
			'dml',
			'ddl',
			'transaction',
			'transaction',
			'session',
			'session',
			'put',
			'get',
			'other',
		]);
	});
});

describe('pre-staged large result', () => {
	it('serves n rows × 10 typed columns, generated in JS and cached per n', async () => {
		const r = await run('SELECT * FROM TABLE(EMULATOR$BENCH(30))');
		expect(r.kind).toBe('query');
		expect(r.rowType.map((c) => c.type)).toEqual(['fixed', 'fixed', 'real', 'text', 'boolean', 'date', 'time', 'timestamp_ntz', 'timestamp_tz', 'variant']);
		expect(r.rowType[1]).toMatchObject({ precision: 38, scale: 2 });
		expect(r.rowType).toBe(benchRowType);
		expect(r.data).toHaveLength(30);
		expect(r.data[3]).toEqual(benchRow(3));
		expect(r.data[3]).toEqual(['4', '7.03', '4.25', 'name-3', 'false', '-3647', '3.000023757', '1500000003.000023757', '1600000003.000023757 900', '{"id":3,"tags":["t3"],"ok":false}']);
		expect(r.data[9][9]).toBeNull();
		expect((await run('select * from emulator_db.public.bench_30')).data).toBe(r.data);
		for (const row of r.data) {
			expect(row[1]).toMatch(/^\d+\.\d{2}$/);
			const tz = Number((row[8] as string).split(' ')[1]);
			expect(tz).toBeGreaterThanOrEqual(720);
			expect(tz).toBeLessThanOrEqual(2280);
			if (row[9] !== null) JSON.parse(row[9]);
		}
	});
});

describe("the node's statement shapes", () => {
	beforeEach(async () => {
		await run('create or replace table sync_t (id number, name varchar(20), at timestamp_ntz, tz timestamp_tz, doc variant, d date)');
	});

	it('inserts from VALUES with $n references, PARSE_JSON and typed bindings', async () => {
		const insert = 'INSERT INTO "SYNC_T" ("ID", "NAME", "AT", "TZ", "DOC", "D") SELECT $1, $2, $3, $4, PARSE_JSON($5), $6 FROM VALUES (?, ?, ?, ?, ?, ?)';
		const typed = await run(insert, {
			'1': { type: 'FIXED', value: '1' },
			'2': { type: 'TEXT', value: 'one' },
			'3': { type: 'TIMESTAMP_NTZ', value: '1600000000123456789' },
			'4': { type: 'TIMESTAMP_TZ', value: '1600000000123456789 1500' },
			'5': { type: 'TEXT', value: '{"a":1}' },
			'6': { type: 'DATE', value: '0' },
		});
		expect(typed.data).toEqual([['1']]);
		// The node binds a column with one type across rows; TEXT is cast to the column type.
		const text = (value: string | null) => ({ type: 'TEXT' as const, value });
		const texts = await run(`${insert}, (?, ?, ?, ?, ?, ?)`, {
			'1': { type: 'FIXED', value: '2' },
			'2': text(null),
			'3': text('2021-01-01 00:00:00'),
			'4': text('2021-01-01 00:00:00 +02:00'),
			'5': text('[1]'),
			'6': text('2021-01-02'),
			'7': { type: 'FIXED', value: '3' },
			'8': text('three'),
			'9': text(null),
			'10': text('2021-01-01 00:00:00'),
			'11': text(null),
			'12': text(null),
		});
		expect(texts.data).toEqual([['2']]);
		expect(await cells('select * from sync_t order by id', undefined, ctx({ TIMEZONE: 'Asia/Kolkata' }))).toEqual([
			['1', 'one', '1600000000.123456789', '1600000000.123456789 1500', '{\n  "a": 1\n}', '0'],
			['2', null, '1609459200.000000000', '1609452000.000000000 1560', '[\n  1\n]', '18629'],
			['3', 'three', null, '1609488000.000000000 960', null, null],
		]);
		await run('delete from sync_t where id = 3');
		expect(await cells('select * from values (1, 2), (3, 4)')).toEqual([
			['1', '2'],
			['3', '4'],
		]);
		expect((await run('select * from values (1, 2)')).rowType.map((c) => c.name)).toEqual(['COLUMN1', 'COLUMN2']);
	});

	it('updates, upserts and deletes through MERGE/DELETE ... USING a VALUES source', async () => {
		await run("insert into sync_t (id, name) values (1, 'one'), (2, null)");
		const text = (value: string | null) => ({ type: 'TEXT' as const, value });
		const update = await run(
			'MERGE INTO "SYNC_T" AS t USING (SELECT $1 AS "ID", $2 AS "NAME" FROM VALUES (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME"',
			{ '1': { type: 'FIXED', value: '2' }, '2': text('two') },
		);
		expect(update.data).toEqual([['1']]);
		const upsert = await run(
			'MERGE INTO "SYNC_T" AS t USING (SELECT $1 AS "ID", $2 AS "AT" FROM VALUES (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "AT" = s."AT" WHEN NOT MATCHED THEN INSERT ("ID", "AT") VALUES (s."ID", s."AT")',
			{ '1': { type: 'FIXED', value: '1' }, '2': text('2022-02-02 02:02:02'), '3': { type: 'FIXED', value: '3' }, '4': text('2023-03-03 03:03:03') },
		);
		expect(upsert.rowType.map((c) => c.name)).toEqual(['number of rows inserted', 'number of rows updated']);
		expect(upsert.data).toEqual([['1', '1']]);
		const del = await run('DELETE FROM "SYNC_T" AS t USING (SELECT $1 AS "ID" FROM VALUES (?), (?)) AS s WHERE t."ID" IS NOT DISTINCT FROM s."ID"', {
			'1': { type: 'FIXED', value: '1' },
			'2': { type: 'FIXED', value: '3' },
		});
		expect(del.data).toEqual([['2']]);
		expect(await cells('select id, name from sync_t')).toEqual([['2', 'two']]);
	});

	it('wraps text assigned to TIMESTAMP_TZ columns in UPDATE and INSERT without a column list', async () => {
		await run("insert into sync_t values (7, 'seven', null, '2020-01-01 00:00:00 -03:00', null, null);");
		await run("update sync_t set tz = '2020-01-01 00:00:00 +03:00', name = 'x' where id = 7;");
		expect(await cells('select tz from sync_t where id = 7;')).toEqual([['1577826000.000000000 1620']]);
		await run('delete from sync_t where id = 7');
		expect((await run('show tables like \'SYNC%\';')).data.map((r) => r[1])).toEqual(['SYNC_T']);
	});

	it('selects with bound conditions, order and limit', async () => {
		await run("insert into sync_t (id, name) values (1, 'one'), (2, 'two'), (3, 'three')");
		const r = await run('SELECT "ID", "NAME" FROM "EMULATOR_DB"."PUBLIC"."SYNC_T" WHERE "ID" >= ? AND "NAME" = ? ORDER BY "ID" DESC LIMIT 10 OFFSET 0', {
			'1': { type: 'FIXED', value: '1' },
			'2': { type: 'TEXT', value: 'two' },
		});
		expect(r.data).toEqual([['2', 'two']]);
		expect(r.rowType[1]).toMatchObject({ name: 'NAME', table: 'SYNC_T', length: 20 });
	});
});

describe('GEOGRAPHY/GEOMETRY text (geo.ts)', () => {
	const geoError = (text: string) => {
		try {
			parseGeo(text, 'GEOGRAPHY');
		} catch (error) {
			return error instanceof SnowflakeSqlError ? [error.code, error.message] : error;
		}
		return 'parsed';
	};

	it('reads dimension markers, EMPTY and the bare MULTIPOINT form', () => {
		expect(parseGeo('point z (1 2 3)', 'GEOGRAPHY')).toEqual({ type: 'Point', coordinates: [1, 2, 3] });
		expect(parseGeo('LINESTRING EMPTY', 'GEOGRAPHY')).toEqual({ type: 'LineString', coordinates: [] });
		expect(parseGeo('MULTIPOINT (1 2, 3 4)', 'GEOGRAPHY')).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
		expect(geoCell('{"type":"Point","coordinates":[1,2],"bbox":[0,0,1,1]}', 'GEOGRAPHY')).toBe('{\n  "coordinates": [\n    1,\n    2\n  ],\n  "type": "Point"\n}');
	});

	it('refuses what is neither WKT nor a GeoJSON geometry, and collections nested too deep', () => {
		expect(geoError('POINT(1)')).toEqual(['100217', expect.stringMatching(/^Error parsing GEOGRAPHY input: expected a position/)]);
		expect(geoError('CIRCLE(1 2)')).toEqual(['100217', expect.stringMatching(/^Error parsing GEOGRAPHY input: expected POINT/)]);
		expect(geoError('POINT(1 2) x')).toEqual(['100217', 'Error parsing GEOGRAPHY input: unexpected text after the geometry']);
		expect(geoError('{"type":"Feature"}')).toEqual(['100217', 'Error parsing GEOGRAPHY input: not a GeoJSON geometry']);
		expect(geoError('POINT(1 2);')).toEqual(['100217', "Error parsing GEOGRAPHY input: unexpected character ';' at position 10"]);
		const deep = `${'GEOMETRYCOLLECTION('.repeat(40)}POINT(1 2)${')'.repeat(40)}`;
		expect(geoError(deep)).toEqual(['100217', expect.stringMatching(/at most 16 nested collections/)]);
	});

	it('reads a long WKT in linear time (a million-character LINESTRING at once)', () => {
		const points = Array.from({ length: 60_000 }, (_, i) => `${i % 180} ${i % 90}`).join(', ');
		const parsed = parseGeo(`LINESTRING(${points})`, 'GEOGRAPHY') as { coordinates: number[][] };
		expect(parsed.coordinates).toHaveLength(60_000);
		expect(geoError('LINESTRING(' + '1 2, '.repeat(200_001) + '1 2)')).toEqual(['100217', 'Error parsing GEOGRAPHY input: input longer than 1000000 characters']);
	});
});
