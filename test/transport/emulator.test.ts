/**
 * The real SnowflakeClient over real HTTP (test/helpers/fetchHttp.ts, which signs every request with
 * the project's auth helper) against the emulator and its DuckDB engine, with faults injected through
 * its API: the transport's promises hold on the wire, not only against the scripted fake of the unit
 * tests. Multi-partition results come from GENERATOR/SEQ4 queries, slow statements from SYSTEM$WAIT,
 * and writes are read back to prove a retried statement ran exactly once.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';

import { startEmulator, type Emulator } from '../emulator/server';
import { createFetchHttp, type SnowflakeKeyPairCredentials } from '../helpers/fetchHttp';
import { sleep } from '../helpers/sleep';
import { checkDecodeOptions, createRowDecoder } from '../../nodes/SnowflakeSqlApi/decoder';
import {
	KeyPairAuth,
	SnowflakeClient,
	type SnowflakeClientOptions,
	type SnowflakeError,
	type TransportEvent,
} from '../../nodes/SnowflakeSqlApi/transport';

const PARTITION_ROWS = 100;

let emulator: Emulator;
let credentials: SnowflakeKeyPairCredentials;
/** Real time plus what a test moved it on by (within the emulator's 60 s clock skew). */
let authClockOffsetMs = 0;
/** This file's own signer: a token re-signed a second later differs from the one it replaces. */
const auth = new KeyPairAuth({ now: () => Date.now() + authClockOffsetMs });

beforeAll(async () => {
	emulator = await startEmulator({ port: 0, syncWaitMs: 2000, partitionRows: PARTITION_ROWS });
	credentials = {
		// What a user pastes: lower case, and a region the claim must drop.
		account: `${emulator.account.toLowerCase()}.eu-central-1`,
		user: emulator.user.toLowerCase(),
		privateKey: emulator.generatedKey!.privateKeyPem,
		host: emulator.url,
	};
});

afterEach(() => {
	emulator.faults.clear();
	emulator.syncWaitMs = 2000;
});

afterAll(async () => {
	await emulator?.stop(); // closes the DuckDB engine it owns
});

/** Runs SQL on the emulator's engine directly (EMULATOR_DB.PUBLIC), outside the client under test. */
const sql = (statement: string): Promise<EngineResult> => emulator.sql(statement);

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE T (V VARCHAR)');
});

/** N = 1..count, LABEL NULL for every third row from the first, else 'row N'. */
const generate = (count: number) =>
	`select seq4() + 1 as n, iff(n % 3 = 1, null, 'row ' || n) as label from table(generator(rowcount => ${count})) order by n`;

/** A client wired the way the node wires it, with fast retries so fault tests stay quick. */
function client(options: Partial<SnowflakeClientOptions> = {}) {
	const events: TransportEvent[] = [];
	const { fingerprint, user, claimAccount } = auth.describeCredentials(credentials);
	const snowflake = new SnowflakeClient({
		http: createFetchHttp(credentials, { auth }),
		sleep,
		decoder: { checkDecodeOptions, createRowDecoder },
		retry: { baseDelayMs: 20, maxDelayMs: 200 },
		onTokenExpired: () => auth.invalidateToken(credentials),
		fingerprint,
		user,
		claimAccount,
		onEvent: (event) => events.push(event),
		...options,
	});
	return { snowflake, events };
}

const generated = (count: number) =>
	Array.from({ length: count }, (_, i) => ({ N: i + 1, LABEL: i % 3 === 0 ? null : `row ${i + 1}` }));

describe('SnowflakeClient against the emulator', () => {
	it('submits, gets 202 after the synchronous wait, polls the handle and returns the result', async () => {
		emulator.syncWaitMs = 50;
		const { snowflake, events } = client();
		const result = await snowflake.execute({ statement: 'select system$wait(0.4)' });
		expect(result).toMatchObject({ status: 'success', code: '090001', numRows: 1, rows: [{ 'SYSTEM$WAIT(0.4)': 'waited 0.4 seconds' }] });
		expect(events.some((event) => event.type === 'poll' && event.statementHandle === result.statementHandle)).toBe(true);
		expect(events.filter((event) => event.type === 'request' && event.method === 'GET').length).toBeGreaterThan(0);
	});

	it('reads every gzip partition in order with bounded concurrency', async () => {
		const before = emulator.stats.requests.partition;
		const { snowflake } = client({ partitionConcurrency: 3 });
		const result = await snowflake.execute({ statement: generate(1050) });
		expect(result.rowType.map((column) => [column.name, column.type, column.scale])).toEqual([
			['N', 'fixed', 0],
			['LABEL', 'text', null],
		]);
		// The first partition is a quarter of the bound (25 rows), as real first partitions are the smallest.
		expect(result.partitionCount).toBe(12);
		expect(result.numRows).toBe(1050);
		expect(result.rows).toEqual(generated(1050));
		expect(emulator.stats.requests.partition - before).toBe(11);
	});

	it('retries a partition whose gzip body arrives truncated', async () => {
		emulator.faults.add({ route: 'partition', kind: 'truncatedGzip' });
		const { snowflake, events } = client();
		const result = await snowflake.execute({ statement: generate(250) });
		expect(result.rows).toEqual(generated(250));
		expect(emulator.faults.log.map((fault) => fault.kind)).toEqual(['truncatedGzip']);
		expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
	});

	it('waits for Retry-After on a 429 and resubmits with the same requestId and retry=true', async () => {
		emulator.faults.add({ route: 'submit', kind: 'http429', retryAfterSeconds: 1 });
		const { snowflake, events } = client({ uuid: () => 'rate-limited-request' });
		await expect(snowflake.execute({ statement: "insert into t values ('limited')" })).resolves.toMatchObject({
			status: 'success',
			requestId: 'rate-limited-request',
			stats: { numRowsInserted: 1 },
		});
		expect(events.filter((event) => event.type === 'retry')).toEqual([{ type: 'retry', reason: 'HTTP 429', status: 429, attempt: 1, delayMs: 1000 }]);
		expect(emulator.executions('rate-limited-request')).toBe(1);
		expect((await sql('SELECT V FROM T')).data).toEqual([['limited']]);
	});

	it('treats 429 while polling as still running', async () => {
		emulator.syncWaitMs = 50;
		emulator.faults.add({ route: 'status', kind: 'http429', times: 2 });
		const { snowflake, events } = client({ retry: { limit: 0 } });
		await expect(snowflake.execute({ statement: 'select system$wait(0.2)' })).resolves.toMatchObject({ status: 'success' });
		expect(emulator.faults.log.filter((fault) => fault.kind === 'http429')).toHaveLength(2);
		expect(events.filter((event) => event.type === 'retry')).toHaveLength(0);
	});

	it('after a 5xx, resubmits with the same requestId and retry=true, and the statement runs once', async () => {
		emulator.faults.add({ route: 'submit', kind: 'http503' }).add({ route: 'submit', kind: 'http500' });
		const { snowflake, events } = client({ uuid: () => 'five-hundred-request' });
		await expect(snowflake.execute({ statement: "insert into t values ('x')" })).resolves.toMatchObject({
			status: 'success',
			stats: { numRowsInserted: 1 },
		});
		expect(events.filter((event) => event.type === 'retry').map((event) => (event.type === 'retry' ? event.status : 0))).toEqual([503, 500]);
		expect(emulator.executions('five-hundred-request')).toBe(1);
		expect((await sql('SELECT V FROM T')).data).toEqual([['x']]);
	});

	it('when the connection drops after the statement ran, the retry=true resubmit returns that run instead of running it again', async () => {
		emulator.faults.add({ route: 'submit', kind: 'resetAfterCommit' });
		const { snowflake, events } = client({ uuid: () => 'lost-answer-request' });
		await expect(snowflake.execute({ statement: "insert into t values ('y')" })).resolves.toMatchObject({
			status: 'success',
			stats: { numRowsInserted: 1 },
		});
		expect(events.filter((event) => event.type === 'retry')).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^network error/) })]);
		expect(emulator.executions('lost-answer-request')).toBe(1);
		// The write happened once: the resubmit returned the first run's result.
		expect((await sql('SELECT V FROM T')).data).toEqual([['y']]);
	});

	it('aborting a running statement sends the cancel and stops it on the server', async () => {
		emulator.syncWaitMs = 50;
		const cancelsBefore = emulator.stats.requests.cancel;
		const controller = new AbortController();
		const { snowflake, events } = client({
			onEvent: (event) => {
				events.push(event);
				if (event.type === 'poll' && event.attempt === 2) controller.abort();
			},
		});
		const error = await snowflake.execute({ statement: 'select system$wait(60)' }, { signal: controller.signal }).catch((e: unknown) => e);
		expect(error).toMatchObject({ name: 'SnowflakeCancelledError', kind: 'cancelled' });
		const handle = (error as SnowflakeError).statementHandle!;
		expect((error as Error).message).toBe(`Execution was canceled; Snowflake canceled statement ${handle}.`);
		expect(emulator.stats.requests.cancel - cancelsBefore).toBe(1);
		expect(emulator.statement(handle)?.state).not.toBe('running');
		expect(emulator.running).toBe(0);
		await expect(snowflake.getStatement(handle)).rejects.toMatchObject({ code: '000604', sqlState: '57014', statementHandle: handle });
		expect(emulator.statement(handle)?.failure).toMatchObject({ kind: 'canceled', code: '000604', message: 'SQL execution canceled' });
	});

	it('re-signs once when Snowflake says the token expired, and succeeds', async () => {
		const { snowflake, events } = client();
		await snowflake.execute({ statement: 'select 1' }); // a cached token exists before the fault
		const jwtsBefore = emulator.stats.distinctJwts;
		authClockOffsetMs += 1_000; // so the re-signed token cannot equal the cached one
		emulator.faults.add({ route: 'submit', kind: 'tokenExpired' });
		await expect(snowflake.execute({ statement: 'select 2 as two' })).resolves.toMatchObject({ status: 'success', rows: [{ TWO: 2 }] });
		expect(events.filter((event) => event.type === 'tokenRenewed')).toHaveLength(1);
		// One new JWT reached Snowflake: signed once after the 390198, then reused.
		expect(emulator.stats.distinctJwts - jwtsBefore).toBe(1);
		expect(emulator.faults.log.map((fault) => fault.kind)).toEqual(['tokenExpired']);
	});

	it('maps a failing statement to a SQL error with Snowflake’s code, SQL state and handle', async () => {
		const { snowflake } = client();
		const error = await snowflake.execute({ statement: 'select fail' }).catch((e: unknown) => e);
		expect(error).toMatchObject({ name: 'SnowflakeSqlError', kind: 'sql' });
		expect(error).toMatchObject({ code: '000904', sqlState: '42000', httpStatus: 422, statementHandle: expect.any(String) });
		expect((error as Error).message).toBe("SQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL' (code 000904, SQL state 42000)");
		expect(emulator.statement((error as SnowflakeError).statementHandle!)?.failure).toMatchObject({ code: '000904', sqlState: '42000' });
	});

	it('maps a missing table to 002003 / 42S02, as Snowflake reports it', async () => {
		const { snowflake } = client();
		const error = await snowflake.execute({ statement: 'select * from no_such_table' }).catch((e: unknown) => e);
		expect(error).toMatchObject({ name: 'SnowflakeSqlError', kind: 'sql' });
		expect(error).toMatchObject({ code: '002003', sqlState: '42S02', httpStatus: 422, statementHandle: expect.any(String) });
		expect((error as Error).message).toBe("SQL compilation error:\nObject 'NO_SUCH_TABLE' does not exist or not authorized. (code 002003, SQL state 42S02)");
	});

	it('pages a result partition by partition by handle', async () => {
		const { snowflake } = client();
		const { statementHandle } = await snowflake.execute({ statement: generate(230) }, { maxRows: 0, onMaxRows: 'truncate' });
		const pages = [];
		const rows = [];
		for (let partition: number | undefined = 0; partition !== undefined; ) {
			const page = await snowflake.getStatement(statementHandle, { partition });
			pages.push(page.rows.length);
			rows.push(...page.rows);
			partition = page.nextPartition;
		}
		expect(pages).toEqual([25, 100, 100, 5]);
		expect(rows).toEqual(generated(230));
	});
});
