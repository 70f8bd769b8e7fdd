/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Conformance of the emulator with the SQL API v2 as documented (reference §1–§4, checklist §8), over real
 * HTTP with fetch and JWTs signed by jose (not by the project's auth helper), against the DuckDB engine.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { fingerprintOf } from '../helpers/keys';
import { generateRsaKeyPair, signJwt, SqlApi, type RsaKeyPair } from './harness';
import { DEFAULT_SWITCHES, startEmulator, type Emulator } from './server';

const HANDLE = /^01[0-9a-f]{6}-0000-[0-9a-f]{4}-0000-[0-9a-f]{12}$/;
const ROW_TYPE_KEYS = ['byteLength', 'collation', 'database', 'length', 'name', 'nullable', 'precision', 'scale', 'schema', 'table', 'type'];
const SYNC_WAIT_MS = 3000;
/** Waits for a state, not a duration: expect.poll's 1 s default is too short on a loaded machine. */
const SETTLED = { timeout: 30_000 };

let emulator: Emulator;
let api: SqlApi;
let key1: RsaKeyPair;
let key2: RsaKeyPair;
let stranger: RsaKeyPair;
const now = () => Math.floor(Date.now() / 1000);

/** A fresh table name per test: all tests share one database. */
const table = () => `T_${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

beforeAll(async () => {
	[key1, key2, stranger] = [generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()];
	emulator = await startEmulator({
		publicKeys: [key1.publicKeyPem, key2.publicKeyPem],
		syncWaitMs: SYNC_WAIT_MS,
		partitionRows: 10,
	});
	api = new SqlApi(emulator.url, await signJwt(key1, { account: 'EMULATOR', user: 'N8N_USER' }));
});

afterEach(() => {
	emulator.faults.clear();
	Object.assign(emulator.switches, DEFAULT_SWITCHES);
	emulator.syncWaitMs = SYNC_WAIT_MS;
});

afterAll(async () => {
	await emulator?.stop();
});

async function run(statement: string, parameters?: Record<string, string | number>) {
	const response = await api.submit({ statement, ...(parameters ? { parameters } : {}) });
	expect(response.status, JSON.stringify(response.body)).toBe(200);
	return response;
}

describe('routes', () => {
	it('answers 404 with an empty body for unknown paths', async () => {
		const response = await api.call('GET', '/api/v2/nothing');
		expect(response.status).toBe(404);
		expect(response.text).toBe('');
	});

	it('answers 405 with an empty body (Content-Length 0) for a wrong method', async () => {
		for (const [method, path] of [
			['GET', '/api/v2/statements'],
			['POST', '/api/v2/statements/01000000-0000-0000-0000-000000000000'],
			['GET', '/api/v2/statements/01000000-0000-0000-0000-000000000000/cancel'],
		] as const) {
			const response = await api.call(method, path);
			expect(response.status).toBe(405);
			expect(response.headers.get('content-length')).toBe('0');
			expect(response.text).toBe('');
		}
	});
});

describe('request headers', () => {
	const statement = JSON.stringify({ statement: 'SELECT 1' });
	const post = (headers: Record<string, string | undefined>) =>
		api.raw('/api/v2/statements', { method: 'POST', body: statement, headers: { 'Content-Type': 'application/json', ...headers } });
	const parsed = (response: Awaited<ReturnType<typeof post>>) => JSON.parse(response.body.toString('utf8'));

	it('refuses a missing or empty User-Agent with 391903', async () => {
		const missing = await post({ 'User-Agent': undefined });
		expect(missing.status).toBe(400);
		expect(parsed(missing)).toEqual({ code: '391903', message: 'Invalid or empty User-Agent header set: null' });
		expect((await post({ 'User-Agent': ' ' })).status).toBe(400);
	});

	it('refuses a missing or non-JSON Accept with 391902 (status switchable)', async () => {
		const missing = await post({ Accept: undefined });
		expect(missing.status).toBe(400);
		expect(parsed(missing)).toEqual({ code: '391902', message: 'Unsupported Accept header null' });
		const html = await post({ Accept: 'text/html' });
		expect(parsed(html)).toEqual({ code: '391902', message: 'Unsupported Accept header text/html' });
		for (const accept of ['*/*', 'application/*', 'text/html, application/json;q=0.9']) expect((await post({ Accept: accept })).status).toBe(200);
		emulator.switches.headerErrorStatus = 406;
		expect((await post({ Accept: 'text/csv' })).status).toBe(406);
	});

	it('refuses a non-JSON Content-Type with 415 and takes an absent one as JSON', async () => {
		expect((await post({ 'Content-Type': 'text/plain' })).status).toBe(415);
		expect((await post({ 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
		expect((await post({ 'Content-Type': undefined })).status).toBe(200);
	});

	it('answers 400 390142 for a body that is not JSON or has no statement', async () => {
		const expected = { code: '390142', message: 'Incoming request does not contain a valid payload.' };
		for (const body of ['{not json', '[]', JSON.stringify({ statment: 'SELECT 1' }), JSON.stringify({ statement: 1 })]) {
			const response = await api.call('POST', '/api/v2/statements', { body });
			expect(response.status).toBe(400);
			expect(response.body).toEqual(expected);
		}
		const badTimeout = await api.submit({ statement: 'SELECT 1', timeout: -1 });
		expect(badTimeout.status).toBe(400);
	});
});

describe('key-pair JWT', () => {
	const claims = { account: 'EMULATOR', user: 'N8N_USER' };
	const submitWith = (token: string, headers?: Record<string, string | undefined>) =>
		api.submit({ statement: 'SELECT 1' }, undefined, { token, headers });
	const expectInvalid = (response: Awaited<ReturnType<typeof submitWith>>) => {
		expect(response.status).toBe(401);
		expect(response.body.code).toBe('390144');
		expect(response.body.message).toMatch(/^JWT token is invalid\. \[[0-9a-f-]{36}\]$/);
	};
	const expectExpired = (response: Awaited<ReturnType<typeof submitWith>>) => {
		expect(response.status).toBe(401);
		expect(response.body.code).toBe('390198');
		expect(response.body.message).toMatch(/^Keypair access token expired\. /);
	};

	it('accepts RS256 tokens in seconds and in milliseconds, with or without the token-type header', async () => {
		expect((await submitWith(await signJwt(key1, claims))).status).toBe(200);
		expect((await submitWith(await signJwt(key1, { ...claims, milliseconds: true }))).status).toBe(200);
		expect((await submitWith(await signJwt(key1, claims), { 'X-Snowflake-Authorization-Token-Type': undefined })).status).toBe(200);
	});

	it('accepts the second registered key (RSA_PUBLIC_KEY_2)', async () => {
		expect((await submitWith(await signJwt(key2, claims))).status).toBe(200);
	});

	it('refuses a wrong key, an unknown fingerprint, lower case, a region in the claim and a wrong sub with 390144', async () => {
		expectInvalid(await submitWith(await signJwt(stranger, { ...claims, fingerprint: fingerprintOf(key1.publicKeyPem) })));
		expectInvalid(await submitWith(await signJwt(stranger, claims)));
		expect(emulator.stats.lastJwtRejection).toMatch(/fingerprint/);
		expectInvalid(await submitWith(await signJwt(key1, { account: 'emulator', user: 'N8N_USER' })));
		expectInvalid(await submitWith(await signJwt(key1, { account: 'EMULATOR', user: 'n8n_user' })));
		expectInvalid(await submitWith(await signJwt(key1, { account: 'EMULATOR.US-EAST-2', user: 'N8N_USER' })));
		expectInvalid(await submitWith(await signJwt(key1, { ...claims, sub: 'EMULATOR.OTHER_USER' })));
		expectInvalid(await submitWith('not.a.jwt'));
		expectInvalid(await submitWith(await signJwt(key1, claims), { Authorization: undefined }));
	});

	it('refuses expired tokens, tokens older than one hour whatever exp says, and future iat', async () => {
		expectExpired(await submitWith(await signJwt(key1, { ...claims, iat: now() - 7200, exp: now() - 3600 })));
		expectExpired(await submitWith(await signJwt(key1, { ...claims, iat: now() - 3700, exp: now() + 3600 })));
		expectExpired(await submitWith(await signJwt(key1, { ...claims, iat: now() - 3700, exp: now() + 3600, milliseconds: true })));
		expectInvalid(await submitWith(await signJwt(key1, { ...claims, iat: now() + 600, exp: now() + 1200 })));
	});

	it('refuses other token types', async () => {
		const token = await signJwt(key1, claims);
		const oauth = await submitWith(token, { 'X-Snowflake-Authorization-Token-Type': 'OAUTH' });
		expect(oauth.status).toBe(401);
		expect(oauth.body.code).toBe('390303');
		const asPat = await submitWith(token, { 'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN' });
		expect(asPat.status).toBe(401);
		expect(asPat.body).toEqual({ code: '394400', message: 'Programmatic access token is invalid.' });
	});

	it('rotates keys at run time: replace key 1, keep key 2', async () => {
		const [old, kept, fresh] = await Promise.all([signJwt(key1, claims), signJwt(key2, claims), signJwt(stranger, claims)]);
		emulator.setUserKeys('N8N_USER', [stranger.publicKeyPem, key2.publicKeyPem]);
		try {
			expectInvalid(await submitWith(old));
			expect((await submitWith(kept)).status).toBe(200);
			expect((await submitWith(fresh)).status).toBe(200);
		} finally {
			emulator.setUserKeys('N8N_USER', [key1.publicKeyPem, key2.publicKeyPem]);
		}
	});

	it('counts verified and distinct tokens', async () => {
		const before = { ...emulator.stats };
		const token = await signJwt(key1, { ...claims, iat: now() - 123 }); // an iat no other test signs with
		await submitWith(token);
		await submitWith(token);
		expect(emulator.stats.jwtsVerified - before.jwtsVerified).toBe(2);
		expect(emulator.stats.distinctJwts - before.distinctJwts).toBe(1);
	});
});

describe('results', () => {
	it('answers a quick statement with the documented 200 ResultSet', async () => {
		const requestId = randomUUID();
		const before = Date.now();
		const response = await api.submit({ statement: "SELECT 1 AS N, 'test' AS S" }, { requestId });
		const after = Date.now();
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/json');
		const body = response.body;
		expect(body.code).toBe('090001');
		expect(body.sqlState).toBe('00000');
		expect(body.message).toBe('Statement executed successfully.');
		expect(body.statementHandle).toMatch(HANDLE);
		expect(body.statementStatusUrl).toBe(`/api/v2/statements/${body.statementHandle}?requestId=${requestId}`);
		expect(body.createdOn).toBeGreaterThanOrEqual(before);
		expect(body.createdOn).toBeLessThanOrEqual(after);
		expect(body.resultSetMetaData).toMatchObject({ numRows: 1, format: 'jsonv2', partitionInfo: [{ rowCount: 1 }] });
		expect(body.resultSetMetaData.partitionInfo[0].uncompressedSize).toBeGreaterThan(0);
		expect(body.resultSetMetaData.rowType.map((column: { name: string }) => column.name)).toEqual(['N', 'S']);
		for (const column of body.resultSetMetaData.rowType) {
			expect(Object.keys(column).sort()).toEqual(ROW_TYPE_KEYS);
			expect(column.type).toBe(column.type.toLowerCase());
		}
		expect(body.data).toEqual([['1', 'test']]);
		expect(body.stats).toBeUndefined();
		expect(body.requestId).toBe(requestId);
	});

	it('keeps the result: a GET of the handle returns the same 200 body', async () => {
		const first = await run('SELECT 42 AS ANSWER');
		const again = await api.status(first.body.statementHandle);
		expect(again.status).toBe(200);
		expect(again.body).toEqual(first.body);
	});

	it('sends a Link header with first/next/last and a fresh requestId each', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 25))');
		const links = (response.headers.get('link') ?? '').split(',').map((link) => /^<([^>]+)>; rel="(\w+)"$/.exec(link.trim()));
		expect(links.map((link) => [link?.[2], new URL(`http://x${link?.[1]}`).searchParams.get('partition')])).toEqual([
			['first', '0'],
			['next', '1'],
			['last', '3'],
		]);
		const ids = links.map((link) => new URL(`http://x${link?.[1]}`).searchParams.get('requestId'));
		expect(new Set(ids).size).toBe(3);
	});

	it('splits large results into partitions; partitions ≥ 1 are gzip {"data"} only', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 25))');
		const meta = response.body.resultSetMetaData;
		expect(meta.numRows).toBe(25);
		// The first partition is a quarter of the bound (uneven, first the smallest, as in real results).
		expect(meta.partitionInfo.map((info: { rowCount: number }) => info.rowCount)).toEqual([3, 10, 10, 2]);
		expect(meta.partitionInfo[0].compressedSize).toBeUndefined();
		expect(meta.partitionInfo[1].compressedSize).toBeGreaterThan(0);
		expect(response.body.data).toHaveLength(3);
		const handle = response.body.statementHandle;
		const requests = { ...emulator.stats.requests };

		const raw = await api.raw(`/api/v2/statements/${handle}?partition=1`);
		expect(raw.status).toBe(200);
		expect(raw.headers['content-encoding']).toBe('gzip');
		expect(raw.body.length).toBe(meta.partitionInfo[1].compressedSize);
		const partition = JSON.parse(gunzipSync(raw.body).toString('utf8'));
		expect(Object.keys(partition)).toEqual(['data']);
		expect(partition.data.map((row: string[]) => row[0])).toEqual(['3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);

		const last = await api.status(handle, { partition: '3' });
		expect(last.body).toEqual({ data: [['23'], ['24']] });
		expect((await api.status(handle, { partition: '4' })).status).toBe(400);
		expect(emulator.stats.requests.partition - requests.partition).toBe(3);
		expect(emulator.stats.requests.status - requests.status).toBe(0);
	});

	it('cuts partitions by JSON size when no row count is set', async () => {
		const bySize = await startEmulator({ publicKeys: [key1.publicKeyPem], engine: emulator.engine, partitionBytes: 100 });
		try {
			const response = await new SqlApi(bySize.url, api.token).submit({
				statement: "SELECT SEQ4() AS N, 'abcdefghij' AS S FROM TABLE(GENERATOR(ROWCOUNT => 20))",
			});
			const info: Array<{ rowCount: number; uncompressedSize: number }> = response.body.resultSetMetaData.partitionInfo;
			expect(info.length).toBeGreaterThan(2);
			expect(info.reduce((sum, partition) => sum + partition.rowCount, 0)).toBe(20);
			for (const partition of info) expect(partition.uncompressedSize).toBeLessThanOrEqual(101);
			expect(info[0].uncompressedSize).toBe(Buffer.byteLength(JSON.stringify(response.body.data)));
		} finally {
			await bySize.stop();
		}
	});

	it('gzips the ResultSet for Accept-Encoding: gzip only when switched on', async () => {
		const post = () =>
			api.raw('/api/v2/statements', { method: 'POST', body: JSON.stringify({ statement: 'SELECT 1 AS N' }), headers: { 'Content-Type': 'application/json' } });
		const plain = await post();
		expect(plain.headers['content-encoding']).toBeUndefined();
		emulator.switches.gzipResultSets = true;
		const compressed = await post();
		expect(compressed.headers['content-encoding']).toBe('gzip');
		expect(JSON.parse(gunzipSync(compressed.body).toString('utf8')).data).toEqual([['1']]);
	});

	it('serves partition 0 as the full ResultSet, or data only when switched', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 12))');
		const handle = response.body.statementHandle;
		expect((await api.status(handle, { partition: '0' })).body).toEqual(response.body);
		emulator.switches.partitionZero = 'data';
		const zero = await api.raw(`/api/v2/statements/${handle}?partition=0`);
		expect(zero.headers['content-encoding']).toBe('gzip');
		expect(JSON.parse(gunzipSync(zero.body).toString('utf8'))).toEqual({ data: response.body.data });
	});

	it('serves partitions uncompressed when gzip is switched off', async () => {
		emulator.switches.gzipPartitions = false;
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 15))');
		const raw = await api.raw(`/api/v2/statements/${response.body.statementHandle}?partition=1`);
		expect(raw.headers['content-encoding']).toBeUndefined();
		expect(JSON.parse(raw.body.toString('utf8')).data).toHaveLength(10);
	});

	it('answers VECTOR columns and casts with "type": "vector", vectorDimension, one element field and JSON array cells', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} ("ID" INT, "F" VECTOR(FLOAT, 3), "I" VECTOR(INT, 2))`);
		await run(`INSERT INTO ${name} SELECT 1, [1.5, 2, -3]::VECTOR(FLOAT, 3), [7, 8]::VECTOR(INT, 2)`);
		await run(`INSERT INTO ${name} SELECT 2, [1.1, 0.1, 3e30]::VECTOR(FLOAT, 3), NULL`);
		const response = await run(`SELECT "F", "I" FROM ${name} ORDER BY "ID"`);
		const [f, i] = response.body.resultSetMetaData.rowType;
		// The element entry as a driver's fixture has it (captures/driver-rowtype-geo-vector.json).
		const real = { byteLength: null, length: null, type: 'real', scale: null, precision: null, nullable: false, name: '' };
		expect(f).toEqual({
			name: 'F',
			database: 'EMULATOR_DB',
			schema: 'PUBLIC',
			table: name,
			type: 'vector',
			length: null,
			byteLength: null,
			precision: null,
			scale: null,
			nullable: true,
			collation: null,
			vectorDimension: 3,
			fields: [real],
		});
		expect(i).toMatchObject({ name: 'I', type: 'vector', vectorDimension: 2, fields: [{ type: 'fixed', nullable: false, name: '' }] });
		// 32-bit elements print in the fewest digits that read back: 1.1 and 0.1, not 1.100000023841858.
		expect(response.body.data).toEqual([
			['[1.5,2,-3]', '[7,8]'],
			['[1.1,0.1,3e+30]', null],
		]);

		const cast = await run('SELECT [1, 2, 3]::VECTOR(FLOAT, 3) AS V, CAST([4, 5] AS VECTOR(INT, 2)) AS W');
		expect(cast.body.resultSetMetaData.rowType.map((c: { name: string; type: string; vectorDimension: number }) => [c.name, c.type, c.vectorDimension])).toEqual([
			['V', 'vector', 3],
			['W', 'vector', 2],
		]);
		expect(cast.body.data).toEqual([['[1,2,3]', '[4,5]']]);
	});

	it('refuses VECTOR element types other than INT and FLOAT, and dimensions outside 1..4096', async () => {
		const unsupported = await api.submit({ statement: 'SELECT [1, 2]::VECTOR(DOUBLE, 2)' });
		expect([unsupported.status, unsupported.body.code]).toEqual([422, '002040']);
		for (const dimension of [0, 4097]) {
			const response = await api.submit({ statement: `CREATE TABLE ${table()} ("V" VECTOR(INT, ${dimension}))` });
			expect([response.status, response.body.code]).toEqual([422, '001003']);
		}
	});

	it('renders NULL as "null" with nullable=false', async () => {
		const statement = "SELECT NULL AS A, 'x' AS B";
		expect((await api.submit({ statement })).body.data).toEqual([[null, 'x']]);
		expect((await api.submit({ statement }, { nullable: 'false' })).body.data).toEqual([['null', 'x']]);
	});

	it('caps rows with ROWS_PER_RESULTSET', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 30))', { rows_per_resultset: 4 });
		expect(response.body.resultSetMetaData.numRows).toBe(4);
	});

	it('reports DML counters with a top-level stats object', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER, NAME VARCHAR)`);
		const insert = await api.submit({
			statement: `INSERT INTO ${name} (ID, NAME) VALUES (?, ?), (?, ?)`,
			bindings: {
				'1': { type: 'FIXED', value: '1' },
				'2': { type: 'TEXT', value: 'a' },
				'3': { type: 'FIXED', value: '2' },
				'4': { type: 'TEXT', value: null },
			},
		});
		expect(insert.status).toBe(200);
		expect(insert.body.stats).toMatchObject({ numRowsInserted: 2 });
		expect(insert.body.resultSetMetaData.rowType[0].name).toBe('number of rows inserted');
		expect(insert.body.data).toEqual([['2']]);
		expect((await run(`SELECT NAME FROM ${name} ORDER BY ID`)).body.data).toEqual([['a'], [null]]);
	});
});

describe('request validation', () => {
	const expect422 = (response: Awaited<ReturnType<SqlApi['submit']>>, code: string, message?: string | RegExp) => {
		expect(response.status).toBe(422);
		expect(response.body.code).toBe(code);
		expect(response.body.statementHandle).toMatch(HANDLE);
		if (message !== undefined) expect(response.body.message).toMatch(message);
	};

	it('validates bindings: keys "1".."n", known types, string or null values', async () => {
		const bound = (bindings: unknown) => api.submit({ statement: 'SELECT ? AS V', bindings });
		expect((await bound({ '1': { type: 'TEXT', value: 'ok' } })).body.data).toEqual([['ok']]);
		expect422(await bound({ '1': { type: 'STRING', value: 'x' } }), '002040', "SQL compilation error:\nUnsupported data type 'STRING'.");
		expect422(await bound({ '1': { value: 'x' } }), '002040', "SQL compilation error:\nUnsupported data type 'null'.");
		expect422(await bound({ '1': { type: 'FIXED', value: 1 } }), '100037', "FIXED value '1' is not recognized");
		expect422(await bound({ a: { type: 'TEXT', value: 'x' } }), '002049');
	});

	it('refuses PUT and GET, and single-statement session and transaction commands, with 391911', async () => {
		for (const [statement, command] of [
			["PUT file:///tmp/x.csv @~", 'PUT'],
			['GET @~/x.csv file:///tmp', 'GET'],
			['USE SCHEMA PUBLIC', 'USE'],
			["ALTER SESSION SET QUERY_TAG = 'x'", 'ALTER SESSION'],
			['BEGIN', 'BEGIN'],
			['COMMIT', 'COMMIT'],
			['ROLLBACK', 'ROLLBACK'],
			['SET X = 1', 'SET'],
		]) {
			expect422(await api.submit({ statement }), '391911', `Command not supported by SQL API: ${command}`);
		}
	});

	it('checks MULTI_STATEMENT_COUNT (default 1) against the statements sent', async () => {
		expect422(await api.submit({ statement: 'SELECT 1; SELECT 2' }), '000008', 'Actual statement count 2 did not match the desired statement count 1.');
		expect422(
			await api.submit({ statement: 'SELECT 1; SELECT 2', parameters: { MULTI_STATEMENT_COUNT: 3 } }),
			'000008',
			'Actual statement count 2 did not match the desired statement count 3.',
		);
		emulator.switches.statementCountMismatchStatus = 400;
		expect((await api.submit({ statement: 'SELECT 1; SELECT 2' })).status).toBe(400);
	});

	it('refuses bindings in a multi-statement request', async () => {
		expect422(
			await api.submit({ statement: 'SELECT ?; SELECT 2', bindings: { '1': { type: 'TEXT', value: 'x' } }, parameters: { MULTI_STATEMENT_COUNT: 2 } }),
			'000002',
		);
	});
});

describe('text that cannot be split into statements', () => {
	it.each([["select 'abc"], ['select 1 /* open'], ['select "x'], ['select $$ x'], ["select 1; select 'a"]])(
		'%s: 422 with a compilation error (001003, 42000), as Snowflake answers, never a 500 a client retries',
		async (statement) => {
			const response = await api.submit({ statement });
			expect(response.status).toBe(422);
			expect(response.body).toMatchObject({ code: '001003', sqlState: '42000' });
			expect(response.body.message).toMatch(/^SQL compilation error:\nsyntax error line 1 at position \d+ unexpected/);
			expect(typeof response.body.statementHandle).toBe('string');
		},
	);
});

describe('multi-statement requests', () => {
	it('runs every statement in one session and answers with the parent ResultSet and child handles', async () => {
		const name = table();
		const statement = `CREATE TABLE ${name} (ID NUMBER); BEGIN; INSERT INTO ${name} VALUES (1), (2); COMMIT; SELECT COUNT(*) AS C FROM ${name}`;
		for (const count of ['5', 0]) {
			const response = await api.submit({ statement: count === 0 ? statement.replace('CREATE TABLE', 'CREATE OR REPLACE TABLE') : statement, parameters: { multi_statement_count: count } });
			expect(response.status, JSON.stringify(response.body)).toBe(200);
			expect(response.body.data).toEqual([['Multiple statements executed successfully.']]);
			expect(response.body.resultSetMetaData.rowType[0]).toMatchObject({ name: 'multiple statement execution', type: 'text' });
			const children: string[] = response.body.statementHandles;
			expect(children).toHaveLength(5);
			for (const child of children) expect(child).toMatch(HANDLE);
			const last = await api.status(children[4]);
			expect(last.status).toBe(200);
			expect(last.body.data).toEqual([['2']]);
			const insert = await api.status(children[2]);
			expect(insert.body.stats).toMatchObject({ numRowsInserted: 2 });
		}
	});

	it('fails on statement k with 422 100132: earlier statements stay executed, later ones never run', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER)`);
		const failing = `INSERT INTO ${name} VALUES ('not a number')`;
		const statement = `INSERT INTO ${name} VALUES (1);\nINSERT INTO ${name} VALUES (2); ${failing}; INSERT INTO ${name} VALUES (3)`;
		const executed = emulator.stats.statementsExecuted;
		const response = await api.submit({ statement, parameters: { MULTI_STATEMENT_COUNT: 4 } });
		expect(response.status).toBe(422);
		expect(response.body.code).toBe('100132');
		expect(response.body.sqlState).toBe('P0000');
		const position = statement.split('\n')[1].indexOf(failing);
		expect(response.body.message).toMatch(
			new RegExp(
				`^JavaScript execution error: Uncaught Execution of multiple statements failed on statement "${failing.slice(0, 30).replace(/[()]/g, '\\$&')}\\.\\.\\." \\(at line 2, position ${position}\\)\\.\\n`,
			),
		);
		expect(emulator.stats.statementsExecuted - executed).toBe(3);
		expect((await run(`SELECT ID FROM ${name} ORDER BY ID`)).body.data).toEqual([['1'], ['2']]);
	});
});

describe('execution model', () => {
	it('answers 202 333334 once the synchronous wait is over, and the statement keeps running', async () => {
		// An hour's statement: still running at every request below, however slowly they come.
		emulator.syncWaitMs = 50;
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(3600)' });
		expect(response.status).toBe(202);
		expect(response.body).toEqual({
			code: '333334',
			message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
			statementHandle: response.body.statementHandle,
			statementStatusUrl: response.body.statementStatusUrl,
		});
		expect(response.body.statementHandle).toMatch(HANDLE);
		const poll = await api.status(response.body.statementHandle);
		expect(poll.status).toBe(202);
		expect(poll.body.code).toBe('333334');
		expect(emulator.running).toBe(1);
		expect((await api.cancel(response.body.statementHandle)).status).toBe(200);
	});

	it('answers a poll with 200 once a statement that got 202 has finished', async () => {
		emulator.syncWaitMs = 0;
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(300, \'MILLISECONDS\')' });
		expect(response.status).toBe(202);
		const done = await api.waitDone(response.body.statementHandle);
		expect(done.status).toBe(200);
		expect(done.body.statementHandle).toBe(response.body.statementHandle);
		expect(done.body.data).toEqual([['waited 300 milliseconds']]);
	});

	it('uses the switchable in-progress code for a synchronous POST', async () => {
		emulator.syncWaitMs = 0;
		emulator.switches.inProgressCode = '333333';
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(3600)' });
		expect(response.body.code).toBe('333333');
		expect((await api.status(response.body.statementHandle)).body.code).toBe('333334');
		expect((await api.cancel(response.body.statementHandle)).status).toBe(200);
	});

	it('answers async=true with 202 at once', async () => {
		const response = await api.submit({ statement: 'SELECT 7 AS N' }, { async: 'true' });
		expect(response.status).toBe(202);
		expect(response.body.code).toBe('333334');
		const done = await api.waitDone(response.body.statementHandle);
		expect(done.body.data).toEqual([['7']]);
	});

	it('cancels a statement at its timeout: 408 000630 on the waiting POST, 422 on a later GET (switchable)', async () => {
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(10)', timeout: 1 });
		expect(response.status).toBe(408);
		expect(response.body).toMatchObject({
			code: '000630',
			sqlState: '57014',
			message: 'Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.',
		});
		expect(response.body.statementStatusUrl).toContain(response.body.statementHandle);
		await expect.poll(() => emulator.running, SETTLED).toBe(0);
		const get = await api.status(response.body.statementHandle);
		expect(get.status).toBe(422);
		expect(get.body.code).toBe('000630');
		emulator.switches.timeoutStatusOnGet = 408;
		expect((await api.status(response.body.statementHandle)).status).toBe(408);
	});

	it('cancels a running statement: 200 000604, the engine stops, a later GET is 422 000604', async () => {
		const response = await api.submit({ statement: 'CALL SYSTEM$WAIT(30)' }, { async: 'true' });
		const handle = response.body.statementHandle;
		expect(emulator.running).toBe(1);
		const cancel = await api.cancel(handle);
		expect(cancel.status).toBe(200);
		expect(cancel.body).toEqual({
			code: '000604',
			sqlState: '57014',
			message: 'SQL execution canceled',
			statementHandle: handle,
			statementStatusUrl: response.body.statementStatusUrl,
		});
		expect(emulator.running).toBe(0);
		const get = await api.status(handle);
		expect(get.status).toBe(422);
		expect(get.body).toMatchObject({ code: '000604', sqlState: '57014', statementHandle: handle });
		const again = await api.cancel(handle);
		expect(again.status).toBe(422);
		expect(again.body.code).toBe('000709');
	});

	it('answers 422 000709 for an unknown handle on GET and cancel', async () => {
		const handle = '01b2c3d4-0000-0000-0000-000000000001';
		const expected = { code: '000709', message: `Statement ${handle} not found`, sqlState: '02000', statementHandle: handle };
		for (const response of [await api.status(handle), await api.cancel(handle)]) {
			expect(response.status).toBe(422);
			expect(response.body).toEqual(expected);
		}
	});

	it('forgets results after the retention time: 000710 "Result for query <handle> has expired"', async () => {
		const short = await startEmulator({ publicKeys: [key1.publicKeyPem], engine: emulator.engine, resultRetentionMs: 0 });
		try {
			const shortApi = new SqlApi(short.url, api.token);
			const response = await shortApi.submit({ statement: 'SELECT 1' });
			await new Promise((resolve) => setTimeout(resolve, 5));
			const expired = await shortApi.status(response.body.statementHandle);
			expect([expired.status, expired.body.code, expired.body.sqlState, expired.body.message]).toEqual([
				422,
				'000710',
				'02000',
				`Result for query ${response.body.statementHandle} has expired`,
			]);
		} finally {
			await short.stop();
		}
	});
});

describe('idempotent resubmission', () => {
	it('returns the earlier statement for requestId + retry=true and never runs it again', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER)`);
		const requestId = randomUUID();
		const body = { statement: `INSERT INTO ${name} VALUES (1)` };
		const first = await api.submit(body, { requestId, retry: 'true' });
		const second = await api.submit(body, { requestId, retry: 'true' });
		expect(second.status).toBe(200);
		expect(second.body.statementHandle).toBe(first.body.statementHandle);
		expect(emulator.executions(requestId)).toBe(1);
		expect((await run(`SELECT COUNT(*) FROM ${name}`)).body.data).toEqual([['1']]);
	});

	it('returns 202 for a retry of a statement still running', async () => {
		const requestId = randomUUID();
		const first = await api.submit({ statement: 'CALL SYSTEM$WAIT(3600)' }, { requestId, async: 'true' });
		emulator.syncWaitMs = 0;
		const retry = await api.submit({ statement: 'CALL SYSTEM$WAIT(3600)' }, { requestId, retry: 'true' });
		expect(retry.status).toBe(202);
		expect(retry.body.statementHandle).toBe(first.body.statementHandle);
		expect(emulator.executions(requestId)).toBe(1);
		expect((await api.cancel(first.body.statementHandle)).status).toBe(200);
	});

	it('runs a reused requestId without retry=true again (switch: return the earlier one)', async () => {
		const requestId = randomUUID();
		const first = await api.submit({ statement: 'SELECT 1' }, { requestId });
		const again = await api.submit({ statement: 'SELECT 1' }, { requestId });
		expect(again.body.statementHandle).not.toBe(first.body.statementHandle);
		expect(emulator.executions(requestId)).toBe(2);
		emulator.switches.requestIdReuse = 'return';
		const returned = await api.submit({ statement: 'SELECT 1' }, { requestId });
		expect(returned.body.statementHandle).toBe(again.body.statementHandle);
		expect(emulator.executions(requestId)).toBe(2);
	});

	it('runs a first submit that already says retry=true', async () => {
		const requestId = randomUUID();
		expect((await api.submit({ statement: 'SELECT 1' }, { requestId, retry: 'true' })).status).toBe(200);
		expect(emulator.executions(requestId)).toBe(1);
	});
});

describe('fault injection', () => {
	it('answers 429 390505 with and without Retry-After, then lets the next request through', async () => {
		emulator.faults.add({ route: 'submit', kind: 'http429', retryAfterSeconds: 2 }).add({ route: 'submit', kind: 'http429' });
		const withHeader = await api.submit({ statement: 'SELECT 1' });
		expect(withHeader.status).toBe(429);
		expect(withHeader.headers.get('retry-after')).toBe('2');
		expect(withHeader.body).toEqual({ code: '390505', message: 'Too many requests.' });
		const without = await api.submit({ statement: 'SELECT 1' });
		expect(without.status).toBe(429);
		expect(without.headers.get('retry-after')).toBeNull();
		expect((await api.submit({ statement: 'SELECT 1' })).status).toBe(200);
		expect(emulator.faults.log.map((entry) => entry.kind)).toEqual(['http429', 'http429']);
	});

	it('answers 500, 502, 503 and 504 without running the statement', async () => {
		const requestId = randomUUID();
		for (const kind of ['http500', 'http502', 'http503', 'http504'] as const) emulator.faults.add({ route: 'submit', kind });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await api.submit({ statement: 'SELECT 1' }, { requestId })).status);
		expect(statuses).toEqual([500, 502, 503, 504]);
		expect(emulator.executions(requestId)).toBe(0);
	});

	it('resets the connection before the statement runs: a retry runs it once', async () => {
		const requestId = randomUUID();
		emulator.faults.add({ route: 'submit', kind: 'resetBeforeRun' });
		await expect(api.submit({ statement: 'SELECT 1' }, { requestId, retry: 'true' })).rejects.toThrow();
		expect(emulator.executions(requestId)).toBe(0);
		expect((await api.submit({ statement: 'SELECT 1' }, { requestId, retry: 'true' })).status).toBe(200);
		expect(emulator.executions(requestId)).toBe(1);
	});

	it('resets the connection after the statement committed: the retry returns it without a second write', async () => {
		const name = table();
		await run(`CREATE TABLE ${name} (ID NUMBER)`);
		const requestId = randomUUID();
		emulator.faults.add({ route: 'submit', kind: 'resetAfterCommit' });
		const body = { statement: `INSERT INTO ${name} VALUES (1)` };
		await expect(api.submit(body, { requestId, retry: 'true' })).rejects.toThrow();
		expect(emulator.executions(requestId)).toBe(1);
		const retry = await api.submit(body, { requestId, retry: 'true' });
		expect(retry.status).toBe(200);
		expect(retry.body.stats).toMatchObject({ numRowsInserted: 1 });
		expect(emulator.executions(requestId)).toBe(1);
		expect((await run(`SELECT COUNT(*) FROM ${name}`)).body.data).toEqual([['1']]);
	});

	it('holds a slow response back for delayMs', async () => {
		// The emulator's delay is the test's: the response must wait for it, whatever real time passes.
		const delays: number[] = [];
		let release = () => {};
		const slow = await startEmulator({
			publicKeys: [key1.publicKeyPem],
			engine: emulator.engine,
			slowDelay: async (ms) => {
				delays.push(ms);
				await new Promise<void>((resolve) => (release = resolve));
			},
		});
		try {
			const slowApi = new SqlApi(slow.url, api.token);
			const response = await slowApi.submit({ statement: 'SELECT 1' });
			slow.faults.add({ route: 'status', kind: 'slow', delayMs: 150 });
			let answered = false;
			const pending = slowApi.status(response.body.statementHandle).then((reply) => {
				answered = true;
				return reply;
			});
			await expect.poll(() => delays, SETTLED).toEqual([150]);
			// Another request passes while the slow one is held.
			expect((await slowApi.status(response.body.statementHandle)).status).toBe(200);
			expect(answered).toBe(false);
			release();
			expect((await pending).status).toBe(200);
		} finally {
			await slow.stop();
		}
	});

	it('truncates a gzip partition body', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 15))');
		emulator.faults.add({ route: 'partition', kind: 'truncatedGzip' });
		const raw = await api.raw(`/api/v2/statements/${response.body.statementHandle}?partition=1`);
		expect(raw.status).toBe(200);
		expect(raw.body.length).toBe(Math.floor(response.body.resultSetMetaData.partitionInfo[1].compressedSize / 2));
		expect(() => gunzipSync(raw.body)).toThrow();
	});

	it('expires a still-valid token once (401 390198)', async () => {
		emulator.faults.add({ kind: 'tokenExpired' });
		const expired = await api.submit({ statement: 'SELECT 1' });
		expect(expired.status).toBe(401);
		expect(expired.body.code).toBe('390198');
		expect((await api.submit({ statement: 'SELECT 1' })).status).toBe(200);
	});

	it('matches routes, skips and repeats as told', async () => {
		const response = await run('SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 35))');
		const handle = response.body.statementHandle;
		emulator.faults.add({ route: 'partition', kind: 'http503', skip: 1, times: 2 });
		expect((await api.status(handle)).status).toBe(200);
		const statuses = [];
		for (let partition = 1; partition <= 3; partition++) statuses.push((await api.status(handle, { partition: String(partition) })).status);
		statuses.push((await api.status(handle, { partition: '1' })).status);
		expect(statuses).toEqual([200, 503, 503, 200]);
		expect(emulator.faults.log.map((entry) => [entry.route, entry.request, entry.source])).toEqual([
			['partition', 4, 0],
			['partition', 5, 0],
		]);
	});

	it('replays the same faults for the same seed in random mode', async () => {
		const response = await run('SELECT 1');
		const sample = async () => {
			emulator.faults.clear();
			emulator.faults.randomize({ seed: 42, rate: 0.5, kinds: ['http503', 'http429'], routes: ['status'] });
			const statuses = [];
			for (let i = 0; i < 16; i++) statuses.push((await api.status(response.body.statementHandle)).status);
			return { statuses, log: emulator.faults.log.map((entry) => `${entry.request}:${entry.kind}`) };
		};
		const first = await sample();
		expect(await sample()).toEqual(first);
		expect(new Set(first.statuses)).toEqual(new Set([200, 503, 429]));
	});
});
