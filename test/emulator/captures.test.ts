/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The emulator against real captured responses (captures/README.md), one block per fact of issue 14, by
 * default (no switch set): over real HTTP with JWTs signed by jose, like conformance.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRowDecoder, type RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import { generateRsaKeyPair, signJwt, SqlApi, type RsaKeyPair } from './harness';
import { startEmulator, type Emulator } from './server';

const CAPTURES = join(__dirname, 'captures');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON, read field by field below
const capture = (file: string): any => JSON.parse(readFileSync(join(CAPTURES, file), 'utf8'));

let emulator: Emulator;
let api: SqlApi;
let key: RsaKeyPair;
/** The emulator's clock (result retention): moved on by the expiry test only. */
let clockMs = Date.UTC(2026, 0, 1);

const table = () => `T_${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

beforeAll(async () => {
	key = generateRsaKeyPair();
	// Default switches throughout: the realistic shape must need none.
	emulator = await startEmulator({ publicKeys: [key.publicKeyPem], syncWaitMs: 3000, partitionRows: 10, clock: () => clockMs, resultRetentionMs: 60_000 });
	api = new SqlApi(emulator.url, await signJwt(key, { account: 'EMULATOR', user: 'N8N_USER', iat: Math.floor(clockMs / 1000) }));
});

afterAll(async () => {
	await emulator?.stop();
});

async function run(statement: string) {
	const response = await api.submit({ statement });
	expect(response.status, JSON.stringify(response.body)).toBe(200);
	return response.body;
}

describe('fact 1: requestId in 200 bodies, a bare statementStatusUrl in 202 bodies', () => {
	it('has the top-level fields of the captured 200 ResultSet, requestId and ?requestId= included', async () => {
		const requestId = randomUUID();
		const response = await api.submit({ statement: 'SELECT 9999 AS N' }, { requestId });
		const body = response.body;
		expect(body.requestId).toBe(requestId);
		expect(body.statementStatusUrl).toBe(`/api/v2/statements/${body.statementHandle}?requestId=${requestId}`);
		const captured = capture('grafbase-select-binding.200.json');
		expect(Object.keys(body).sort()).toEqual(Object.keys(captured).sort());
		expect(Object.keys(body.resultSetMetaData).sort()).toEqual(Object.keys(captured.resultSetMetaData).sort());
		// The same body again on GET, requestId included.
		expect((await api.status(body.statementHandle)).body).toEqual(body);
	});

	it('carries the server-made requestId when the request named none', async () => {
		const body = await run('SELECT 1');
		expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
		expect(body.statementStatusUrl).toBe(`/api/v2/statements/${body.statementHandle}?requestId=${body.requestId}`);
	});

	it('answers 202 with the docs QueryStatus keys: statementStatusUrl without a query string, no requestId', async () => {
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(1)' }, { async: 'true', requestId: randomUUID() });
		expect(response.status).toBe(202);
		const captured = capture('docs-query-status.202.json');
		expect(Object.keys(response.body).sort()).toEqual(Object.keys(captured).sort());
		expect(response.body.statementStatusUrl).toBe(`/api/v2/statements/${response.body.statementHandle}`);
		expect(response.body.code).toBe(captured.code);
		expect(response.body.message).toBe(captured.message);
		const done = await api.waitDone(response.body.statementHandle);
		expect(done.status).toBe(200);
		expect(done.body.statementStatusUrl).toContain('?requestId=');
	});
});

describe('fact 2: REAL cells with 17 significant digits', () => {
	it('prints doubles as %.17g and the client decodes them to the same numbers', async () => {
		const body = await run('SELECT 0.1::FLOAT + 0.2::FLOAT AS A, 1e-307::FLOAT AS B, -9007199254740991::FLOAT AS C, 1.5::FLOAT AS D, 1e308::FLOAT AS E');
		expect(body.data).toEqual([['0.30000000000000004', '9.9999999999999991e-308', '-9007199254740991', '1.5', '1e+308']]);
		const rows: Array<Record<string, unknown>> = [];
		createRowDecoder(body.resultSetMetaData.rowType as RowType[]).decodeInto(body.data, rows);
		expect(rows).toEqual([{ A: 0.1 + 0.2, B: 1e-307, C: -9007199254740991, D: 1.5, E: 1e308 }]);
	});
});

describe('fact 3: VARIANT, OBJECT and ARRAY pretty-printed, byteLength null', () => {
	it('prints the cells exactly as the live account did for the same SQL', async () => {
		const cells = capture('airbyte-datatype-cells.json');
		const body = await run(`SELECT ${cells.VARIANT.sql}::VARIANT AS V, ${cells.ARRAY.sql}::ARRAY AS A, ${cells.OBJECT.sql}::OBJECT AS O`);
		expect(body.data).toEqual([[cells.VARIANT.cell, cells.ARRAY.cell, cells.OBJECT.cell]]);
		expect(body.resultSetMetaData.rowType.map((c: RowType) => [c.type, c.byteLength, c.length])).toEqual([
			['variant', null, null],
			['array', null, null],
			['object', null, null],
		]);
	});

	it('keeps empty containers and strings that look like JSON intact', async () => {
		const body = await run(`SELECT PARSE_JSON('{"e": {}, "l": [], "s": "a,b:{c}", "n": null}') AS V`);
		expect(body.data).toEqual([['{\n  "e": {},\n  "l": [],\n  "s": "a,b:{c}",\n  "n": null\n}']]);
	});
});

describe('fact 4: GEOGRAPHY (and GEOMETRY) columns', () => {
	const cells = () => capture('airbyte-datatype-cells.json').GEOGRAPHY as Array<{ sql: string; cell: string }>;

	it('stores WKT into a GEOGRAPHY column and answers "type": "object" + extTypeName with pretty GeoJSON', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER, G GEOGRAPHY)`);
		const [point, line] = cells();
		await run(`INSERT INTO ${name} VALUES (1, ${point.sql}), (2, TO_GEOGRAPHY(${line.sql})), (3, NULL)`);
		const body = await run(`SELECT G FROM ${name} ORDER BY ID`);
		expect(body.data).toEqual([[point.cell], [line.cell], [null]]);
		expect(body.resultSetMetaData.rowType).toEqual([
			{
				name: 'G',
				database: '',
				schema: '',
				table: '',
				type: 'object',
				length: null,
				byteLength: null,
				precision: null,
				scale: null,
				nullable: true,
				collation: null,
				extTypeName: 'GEOGRAPHY',
			},
		]);
		const describe = await run(`DESCRIBE TABLE ${name}`);
		expect(describe.data.map((row: string[]) => row.slice(0, 2))).toEqual([
			['ID', 'NUMBER(38,0)'],
			['G', 'GEOGRAPHY'],
		]);
	});

	it('reads TO_GEOGRAPHY from GeoJSON and every WKT geometry type', async () => {
		const body = await run(
			[
				"SELECT TO_GEOGRAPHY('{\"type\": \"Point\", \"coordinates\": [13.4, 52.52]}') AS A",
				"TO_GEOGRAPHY('POLYGON((0 0, 1 0, 1 1, 0 0))') AS B",
				"TO_GEOGRAPHY('MULTIPOINT((1 2), (3 4))') AS C",
				"TO_GEOGRAPHY('MULTILINESTRING((0 0, 1 1), (2 2, 3 3))') AS D",
				"TO_GEOGRAPHY('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))') AS E",
				"TO_GEOGRAPHY('GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))') AS F",
			].join(', '),
		);
		const parsed = (body.data[0] as string[]).map((cell) => JSON.parse(cell));
		expect(parsed).toEqual([
			{ coordinates: [13.4, 52.52], type: 'Point' },
			{ coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]], type: 'Polygon' },
			{ coordinates: [[1, 2], [3, 4]], type: 'MultiPoint' },
			{ coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]], type: 'MultiLineString' },
			{ coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]], type: 'MultiPolygon' },
			{ geometries: [{ coordinates: [1, 2], type: 'Point' }, { coordinates: [[0, 0], [1, 1]], type: 'LineString' }], type: 'GeometryCollection' },
		]);
		expect((body.data[0] as string[])[0]).toBe('{\n  "coordinates": [\n    13.4,\n    52.52\n  ],\n  "type": "Point"\n}');
		expect(body.resultSetMetaData.rowType.map((c: { type: string; extTypeName?: string }) => [c.type, c.extTypeName])).toEqual(
			Array.from({ length: 6 }, () => ['object', 'GEOGRAPHY']),
		);
	});

	it('prints GEOMETRY coordinates as %.15e, as Snowpark saw on a live account', async () => {
		const body = await run("SELECT TO_GEOMETRY('POINT(20 40)') AS G");
		expect(body.data).toEqual([['{\n  "coordinates": [\n    2.000000000000000e+01,\n    4.000000000000000e+01\n  ],\n  "type": "Point"\n}']]);
		expect(body.resultSetMetaData.rowType[0]).toMatchObject({ type: 'object', extTypeName: 'GEOMETRY' });
	});

	it('refuses text that is neither WKT nor GeoJSON with a 422', async () => {
		const response = await api.submit({ statement: "SELECT TO_GEOGRAPHY('POINT(1)') AS G" });
		expect(response.status).toBe(422);
		expect(response.body.message).toMatch(/^Error parsing GEOGRAPHY input: /);
	});
});

describe('fact 5: SHOW TABLES sizes', () => {
	it('reports rows and bytes as fixed(38,0)', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER)`);
		const body = await run(`SHOW TABLES LIKE '${name}'`);
		const columns = body.resultSetMetaData.rowType as RowType[];
		for (const wanted of ['rows', 'bytes']) {
			expect(columns.find((c) => c.name === wanted)).toMatchObject({ type: 'fixed', precision: 38, scale: 0 });
		}
	});
});

describe('fact 6: uneven partitions, the first the smallest', () => {
	it('cuts the first partition at a quarter of the bound, the rest at the bound', async () => {
		const body = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 25))');
		const counts = body.resultSetMetaData.partitionInfo.map((p: { rowCount: number }) => p.rowCount);
		expect(counts).toEqual([3, 10, 10, 2]);
		expect(body.data).toHaveLength(3);
	});

	it('has the captured shape: partition 0 smaller than partition 1', () => {
		for (const file of ['weather-forecast-two-partitions.200.truncated.json', 'quickstart-partitioninfo.200.truncated.json']) {
			const info = capture(file).resultSetMetaData.partitionInfo as Array<{ rowCount: number }>;
			expect(info[0].rowCount).toBeLessThan(info[1].rowCount);
		}
	});
});

describe('fact 8: DML stats', () => {
	it('puts stats at the top level, as Snowflake documents it (resultSetMetaData.stats is unconfirmed)', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER)`);
		const body = await run(`INSERT INTO ${name} VALUES (1), (2)`);
		expect(body.stats).toEqual({ numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 });
		expect(body.resultSetMetaData.stats).toBeUndefined();
	});
});

describe('fact 9: unknown and expired handles', () => {
	it('answers 000709 for a handle that never existed', async () => {
		const handle = '01000000-0000-0000-0000-000000000000';
		const response = await api.status(handle);
		expect([response.status, response.body.code, response.body.sqlState, response.body.message]).toEqual([422, '000709', '02000', `Statement ${handle} not found`]);
	});

	it('answers 000710 "Result for query <id> has expired" once the retention time has passed', async () => {
		const body = await run('SELECT 1');
		clockMs += 60_001;
		const response = await api.status(body.statementHandle);
		const captured = capture('python-connector-expired-result.000710.json');
		expect([response.status, response.body.code, response.body.sqlState]).toEqual([422, captured.code, captured.data.sqlState]);
		expect(response.body.message).toBe(`Result for query ${body.statementHandle} has expired`);
		expect((await api.cancel(body.statementHandle)).body.code).toBe('000710');
	});
});
