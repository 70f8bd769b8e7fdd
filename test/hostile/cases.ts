/**
 * The hostile-server behaviours, one case each: what the server answers (through the recording proxy's
 * `respond`; requests it leaves alone reach the emulator), which surface drives it, and what the user
 * must see. The runner (hostile.test.ts) adds the checks every case shares: no secret anywhere n8n keeps
 * anything, a bounded event-loop delay and a bounded heap growth.
 */
import type { IDataObject } from 'n8n-workflow';
import { expect } from 'vitest';

import { logLines } from '../workflows/harness';
import type { ProxyAnswer, RecordedRequest } from '../workflows/recordingProxy';
import {
	cutShort,
	drip,
	gzipped,
	HANDLE,
	isCancel,
	isPartition,
	isStatus,
	isSubmit,
	json,
	NUMBER_COLUMN,
	resultSet,
	running,
	silentAfterHeaders,
	sqlError,
	tokenOf,
	zerosGzipped,
} from './answers';
import type { Outcome, Surface } from './surfaces';

export interface CaseContext {
	/** Base URL of a second recording proxy: a working "other host" that must receive nothing. */
	otherUrl: string;
	/** Stoppers of answers that never end (called after the case). */
	stops: Array<() => void>;
	/** Requests the configured host received so far in this case. */
	requests: RecordedRequest[];
	/** The stop button of the running workflow (node surface). */
	cancel(): void;
}

export interface Checked {
	outcome: Outcome;
	/** What the configured host received. */
	requests: RecordedRequest[];
	/** What the other host received. */
	elsewhere: RecordedRequest[];
}

export interface HostileCase {
	name: string;
	surface: Surface;
	/** Node parameters (node surface). Default: Execute SQL `SELECT 1 AS N`. */
	parameters?: IDataObject;
	respond(request: RecordedRequest, context: CaseContext): ProxyAnswer | undefined;
	/** Client options merged into every client built (short deadlines, fewer retries). */
	overrides?: Record<string, unknown>;
	check(checked: Checked): void;
	/** Peak heap + array buffer growth allowed, MB. Default 64. */
	heapMb?: number;
	/** Growth allowed to stay after a full collection, MB. Default: heapMb. */
	retainedMb?: number;
}

const MIB = 1024 * 1024;
const SELECT_ROWS = { operation: 'executeQuery', query: 'SELECT 1 AS N UNION ALL SELECT 2 UNION ALL SELECT 3' };

/** The configured host answers the submit with `answer`; everything else goes to the emulator. */
const onSubmit = (answer: (request: RecordedRequest) => ProxyAnswer) => (request: RecordedRequest) =>
	isSubmit(request) ? answer(request) : undefined;

/** A one-row result whose partition 1 (of 2) is `answer`. */
const onPartition = (answer: (request: RecordedRequest) => ProxyAnswer, uncompressedSize = 64) => (request: RecordedRequest) =>
	isSubmit(request)
		? resultSet({ numRows: 2, partitionInfo: [{ rowCount: 1, uncompressedSize: 8 }, { rowCount: 1, uncompressedSize }] })
		: isPartition(request)
			? answer(request)
			: undefined;

const failed = (outcome: Outcome, pattern: RegExp | string) => {
	expect(outcome.ok).toBe(false);
	if (typeof pattern === 'string') expect(outcome.message).toBe(pattern);
	else expect(outcome.message).toMatch(pattern);
};

const redirectTo = (status: number, context: CaseContext, request: RecordedRequest): ProxyAnswer => ({
	status,
	headers: { location: `${context.otherUrl}${request.path}?token=${tokenOf(request)}` },
});

/** A pattern matching text that starts with `prefix` exactly. */
const startsWith = (prefix: string): RegExp => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

/**
 * The large answers, serialised once here: the hostile server runs in the test's own process, and building
 * them inside a case would count its JSON.stringify as the client's event-loop delay.
 */
const LARGE = {
	columns10k: resultSet({
		rowType: Array.from({ length: 10_000 }, () => ({ name: 'N', type: 'text', nullable: true })),
		data: [Array.from({ length: 10_000 }, (_, i) => String(i))],
	}),
	columns40k: resultSet({ rowType: Array.from({ length: 40_000 }, () => ({ name: 'N', type: 'text', nullable: true })), data: [Array.from({ length: 40_000 }, () => 'x')] }),
	partitions100k1: resultSet({ numRows: 100_001, partitionInfo: Array.from({ length: 100_001 }, () => ({ rowCount: 1, uncompressedSize: 8 })) }),
	emptyPartitions100k: resultSet({ partitionInfo: Array.from({ length: 100_000 }, (_, i) => ({ rowCount: i === 0 ? 1 : 0, uncompressedSize: i === 0 ? 8 : 0 })) }),
	code2MB: sqlError({ code: '1'.repeat(2 * MIB) }),
	tables200k: resultSet({ rowType: [{ name: 'name', type: 'text', nullable: false }], data: Array.from({ length: 200_000 }, (_, i) => [`EV_${i}`]) }),
	emptyRows1M: json(200, { data: Array.from({ length: 1_000_000 }, () => []) }),
};

const REFUSED = (status: number) => new RegExp(`^Snowflake answered HTTP ${status} with a redirect to 127\\.0\\.0\\.1:\\d+ \\(http://, unencrypted\\)\\. The node never follows redirects`);

/** 1 GB of zeros as one gzip stream (about 1 MB), made by loadBomb() before the cases run. */
const bomb: { gzip: Buffer } = { gzip: Buffer.alloc(0) };

export async function loadBomb(): Promise<void> {
	bomb.gzip = await zerosGzipped(1024);
}

const bombAnswer = (): ProxyAnswer => ({ status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb.gzip });

const TOO_LARGE = (path: string, limit: number) =>
	`Unexpected response from Snowflake: the response to ${path} is larger than ${limit} bytes (decompressed), so it was stopped there and not retried. Snowflake does not send bodies this large: check that the host is a Snowflake account (a proxy or a server sending a compression bomb?).`;
const PARTITION_PATH = `GET /api/v2/statements/${HANDLE}?partition=1`;
/** The partition limit for an uncompressedSize of 64: twice the size plus 1 MB of slack. */
const PARTITION_LIMIT = 2 * 64 + 1024 * 1024;
const MAY_HAVE_RUN = / The statement may have run on Snowflake: an attempt got no answer, so whether it ran is unknown \(requestId [\w-]+\)\. Check the data before running it again\.$/;
const DEADLINE = 'The request took longer than its total limit of 1 s and was stopped. (ETIMEDOUT)';
const HTML_PAGE =
	"Unexpected response from Snowflake: the 200 response to POST /api/v2/statements is an HTML page, not the SQL API's JSON. Check the credential's Account and Host (the account's own host, not app.snowflake.com), or a proxy between n8n and Snowflake that answers with a login or error page.";

export const CASES: HostileCase[] = [
	// ---------------------------------------------------------------- redirects: never followed, anywhere
	...[
		{ status: 301, surface: 'node' },
		{ status: 302, surface: 'listSearch' },
		{ status: 303, surface: 'trigger' },
		{ status: 307, surface: 'credentialTest' },
		{ status: 308, surface: 'node' },
	].map(({ status, surface }): HostileCase => ({
		name: `${status} on the submit (${surface}), the JWT in the Location: refused, nothing sent elsewhere`,
		surface: surface as Surface,
		respond: (request, context) => (isSubmit(request) ? redirectTo(status, context, request) : undefined),
		check: ({ outcome, requests, elsewhere }) => {
			failed(outcome, REFUSED(status));
			expect(elsewhere).toEqual([]);
			expect(requests.filter(isSubmit)).toHaveLength(1);
		},
	})),
	{
		name: '307 on a status poll: refused',
		surface: 'node',
		respond: (request, context) => (isSubmit(request) ? running() : isStatus(request) ? redirectTo(307, context, request) : undefined),
		check: ({ outcome, elsewhere }) => {
			failed(outcome, REFUSED(307));
			expect(elsewhere).toEqual([]);
		},
	},
	{
		name: '302 on a partition: refused',
		surface: 'node',
		respond: (request, context) =>
			onPartition(() => redirectTo(302, context, request))(request),
		check: ({ outcome, elsewhere }) => {
			failed(outcome, REFUSED(302));
			expect(elsewhere).toEqual([]);
		},
	},
	{
		name: 'a 202 whose statementStatusUrl names another host: polled on the configured host only',
		surface: 'node',
		respond: (request, context) =>
			isSubmit(request) ? running(HANDLE, `${context.otherUrl}/api/v2/statements/${HANDLE}`) : isStatus(request) ? resultSet() : undefined,
		check: ({ outcome, requests, elsewhere }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([expect.objectContaining({ N: 1 })]);
			expect(elsewhere).toEqual([]);
			expect(requests.filter(isStatus).map((request) => request.path)).toEqual([`/api/v2/statements/${HANDLE}`]);
		},
	},
	{
		name: 'a statementHandle that climbs out of the API path (../../): percent-encoded, one path segment',
		surface: 'node',
		respond: (request) => (isSubmit(request) ? running('../../../admin?x=1#') : undefined),
		check: ({ outcome, requests }) => {
			// The emulator behind the proxy, asked for that handle, knows no such statement.
			failed(outcome, 'Statement ../../../admin?x=1# not found (code 000709, SQL state 02000)');
			expect(requests.filter(isStatus).map((request) => request.path)).toEqual([`/api/v2/statements/${encodeURIComponent('../../../admin?x=1#')}`]);
		},
	},
	// ---------------------------------------------------------------- malformed bodies
	{
		name: 'an HTML page with 200',
		surface: 'node',
		respond: onSubmit(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '\n <!DOCTYPE html><html><body>Sign in</body></html>' })),
		check: ({ outcome, requests }) => {
			failed(outcome, HTML_PAGE);
			expect(requests.filter(isSubmit)).toHaveLength(1);
		},
	},
	{
		name: 'a JSON ResultSet sent as text/plain',
		surface: 'node',
		respond: onSubmit(() => ({ ...resultSet(), headers: { 'content-type': 'text/plain' } })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([expect.objectContaining({ N: 1 })]);
		},
	},
	{
		name: 'an empty 200 body',
		surface: 'node',
		respond: onSubmit(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '' })),
		check: ({ outcome }) => failed(outcome, 'Unexpected response from Snowflake: a 200 response whose body is empty.'),
	},
	...[
		['null', 'null'],
		['[1,2]', 'an array'],
		['"text"', 'a string'],
		['42', 'a number'],
	].map(
		([body, what]): HostileCase => ({
			name: `a 200 body of ${body}`,
			surface: 'node',
			respond: onSubmit(() => json(200, body)),
			check: ({ outcome }) => failed(outcome, `Unexpected response from Snowflake: a 200 response whose body is ${what}, not a JSON object.`),
		}),
	),
	{
		name: 'a 200 body cut off mid-JSON: retried as cut off in transit',
		surface: 'node',
		respond: onSubmit(() => json(200, '{"resultSetMetaData": {')),
		check: ({ outcome, requests }) => {
			failed(outcome, /^Unexpected response from Snowflake: the body of a 200 response to POST \/api\/v2\/statements is not JSON \(cut off in transit\?\)\./);
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
			expect(requests.filter(isSubmit)).toHaveLength(7);
		},
	},
	{
		name: 'a body with a UTF-8 byte-order mark and invalid UTF-8 in a cell',
		surface: 'node',
		respond: onSubmit(() => {
			const answer = resultSet({ rowType: [{ name: 'T', type: 'text', nullable: true }], data: [['ok']] });
			const body = Buffer.from(String(answer.body).replace('"ok"', '"o\u0000k"'), 'utf8');
			return { ...answer, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body.subarray(0, body.indexOf(0)), Buffer.from([0xff, 0xfe]), body.subarray(body.indexOf(0) + 1)]) };
		}),
		check: ({ outcome }) => {
			// Read as UTF-8 decoding does everywhere: the bad bytes become U+FFFD, the mark is skipped.
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ T: 'o\ufffd\ufffdk' }]);
		},
	},
	{
		name: 'data that is not an array',
		surface: 'node',
		respond: onSubmit(() => resultSet({ data: { 0: ['1'] }, numRows: 1 })),
		check: ({ outcome }) => failed(outcome, 'Unexpected response from Snowflake: a 200 response whose data is an object, not an array of rows.'),
	},
	{
		name: 'no rowType',
		surface: 'node',
		respond: onSubmit(() => resultSet({ rowType: null })),
		check: ({ outcome }) => failed(outcome, 'Unexpected response from Snowflake: a 200 response without resultSetMetaData.rowType.'),
	},
	{
		name: 'rows shorter than the rowType',
		surface: 'node',
		respond: onSubmit(() => resultSet({ rowType: [NUMBER_COLUMN, { ...NUMBER_COLUMN, name: 'M' }], data: [['1']] })),
		check: ({ outcome }) => failed(outcome, 'Unexpected response from Snowflake: a row has 1 cells but rowType describes 2 columns.'),
	},
	{
		name: 'a TIMESTAMP_NTZ cell that is not a timestamp: passed on as the text it is (the decoder never drops a cell)',
		surface: 'node',
		respond: onSubmit(() => resultSet({ rowType: [{ name: 'T', type: 'timestamp_ntz', scale: 9, nullable: true }], data: [['yesterday']] })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ T: 'yesterday' }]);
		},
	},
	{
		name: 'a FIXED cell of 100,000 digits: its exact digits, as text',
		surface: 'node',
		respond: onSubmit(() => resultSet({ data: [['9'.repeat(100_000)]] })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ N: '9'.repeat(100_000) }]);
		},
	},
	{
		name: 'a VARIANT cell nested 100,000 deep: kept as its text (n8n could not copy or save the value)',
		surface: 'node',
		respond: onSubmit(() => resultSet({ rowType: [{ name: 'V', type: 'variant', nullable: true }], data: [[DEEP]] })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ V: DEEP }]);
		},
	},
	{
		name: 'a submit body nested 100,000 deep',
		surface: 'node',
		respond: onSubmit(() => json(200, `{"data":${DEEP}}`)),
		check: ({ outcome }) => failed(outcome, 'Unexpected response from Snowflake: a 200 response without a statementHandle.'),
	},
	// ---------------------------------------------------------------- columns
	{
		name: '10,000 columns of one name: keyed N, N_2 … N_10000',
		surface: 'node',
		respond: onSubmit(() =>
			LARGE.columns10k,
		),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items[0]).toMatchObject({ N: '0', N_2: '1', N_10000: '9999' });
		},
	},
	{
		name: '40,000 columns: refused',
		surface: 'node',
		respond: onSubmit(() =>
			LARGE.columns40k,
		),
		check: ({ outcome }) =>
			failed(
				outcome,
				'Unexpected response from Snowflake: the result has 40000 columns, more than the 10000 this node reads. Select fewer columns (name them instead of SELECT *).',
			),
	},
	{
		name: 'duplicate column names (A, A, a, A_2)',
		surface: 'node',
		respond: onSubmit(() =>
			resultSet({ rowType: ['A', 'A', 'a', 'A_2'].map((name) => ({ name, type: 'text', nullable: true })), data: [['1', '2', '3', '4']] }),
		),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			const row = outcome.items[0];
			expect(Object.keys(row)).toHaveLength(4);
			expect(Object.values(row).sort()).toEqual(['1', '2', '3', '4']);
		},
	},
	{
		name: '__proto__, constructor, prototype, toString and hasOwnProperty as column names: own keys, no pollution',
		surface: 'node',
		respond: onSubmit(() =>
			resultSet({
				rowType: ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'].map((name) => ({ name, type: 'variant', nullable: true })),
				data: [['{"polluted": true}', '{"polluted": true}', '{"polluted": true}', '"x"', '"y"']],
			}),
		),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			const row = outcome.items[0];
			expect(Object.keys(row)).toEqual(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']);
			expect(({} as Record<string, unknown>).polluted).toBeUndefined();
			expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
		},
	},
	{
		name: 'a column name of 100,000 characters: a key like any other',
		surface: 'node',
		respond: onSubmit(() => resultSet({ rowType: [{ ...NUMBER_COLUMN, name: 'C'.repeat(100_000) }] })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ ['C'.repeat(100_000)]: 1 }]);
		},
	},
	// ---------------------------------------------------------------- partitions
	{
		name: '100,001 partitions: refused before any is fetched',
		surface: 'node',
		respond: onSubmit(() => LARGE.partitions100k1),
		check: ({ outcome, requests }) => {
			failed(
				outcome,
				'Unexpected response from Snowflake: partitionInfo lists 100001 partitions, more than the 100000 this node reads. Add a LIMIT to the statement or select fewer rows.',
			);
			expect(requests.filter(isPartition)).toEqual([]);
		},
	},
	{
		name: '100,000 empty partitions: none fetched',
		surface: 'node',
		respond: onSubmit(() =>
			LARGE.emptyPartitions100k,
		),
		check: ({ outcome, requests }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([expect.objectContaining({ N: 1 })]);
			expect(requests.filter(isPartition)).toEqual([]);
		},
		heapMb: 128,
	},
	{
		name: 'a partition holding fewer rows than its rowCount',
		surface: 'node',
		respond: onPartition(() => json(200, { data: [] })),
		check: ({ outcome }) =>
			failed(outcome, `Unexpected response from Snowflake: partition 1 holds 0 rows but partitionInfo says 1; the result would be incomplete.`),
	},
	{
		name: 'a gzip bomb on a partition (1 GB of zeros): stopped at the limit, not retried',
		surface: 'node',
		respond: onPartition(bombAnswer),
		check: ({ outcome, requests }) => {
			failed(outcome, TOO_LARGE(PARTITION_PATH, PARTITION_LIMIT));
			expect(requests.filter(isPartition)).toHaveLength(1);
		},
	},
	{
		name: 'a gzip bomb on the submit (1 GB of zeros): stopped at 128 MB, not retried',
		surface: 'node',
		respond: onSubmit(bombAnswer),
		check: ({ outcome, requests }) => {
			failed(outcome, TOO_LARGE('POST /api/v2/statements', 128 * MIB));
			expect(requests.filter(isSubmit)).toHaveLength(1);
		},
		heapMb: 320,
	},
	{
		name: 'a truncated gzip partition',
		surface: 'node',
		respond: onPartition(() => {
			const whole = gzipped(JSON.stringify({ data: [['2']] }));
			return { ...whole, body: (whole.body as Buffer).subarray(0, 12) };
		}),
		check: ({ outcome, requests }) => {
			failed(outcome, `Unexpected response from Snowflake: the body of a 200 response to ${PARTITION_PATH} is not JSON (cut off in transit?).`);
			expect(requests.filter(isPartition)).toHaveLength(7);
		},
	},
	{
		name: 'content-encoding gzip on a body that is not gzip',
		surface: 'node',
		respond: onSubmit(() => ({ ...resultSet(), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } })),
		check: ({ outcome }) => {
			failed(outcome, /^Could not decompress Snowflake's answer after 7 attempts: incorrect header check \(Z_DATA_ERROR\)\./);
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
		},
	},
	{
		name: 'a body cut short of its Content-Length (retried, then a network error)',
		surface: 'node',
		respond: onSubmit(() => cutShort('{"data": [', 10_000)),
		check: ({ outcome, requests }) => {
			failed(outcome, /^Could not reach Snowflake after 7 attempts: aborted \(ECONNRESET\)\./);
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
			expect(requests.filter(isSubmit)).toHaveLength(7);
		},
	},
	// ---------------------------------------------------------------- never-ending answers
	{
		name: 'a submit answer dripping a byte every 20 ms: stopped at the total deadline',
		surface: 'node',
		overrides: { requestDeadlineMs: 500, retry: { limit: 0 } },
		respond: (request, context) => (isSubmit(request) ? drip(context.stops) : undefined),
		check: ({ outcome, requests }) => {
			failed(outcome, startsWith(`Could not reach Snowflake: ${DEADLINE}.`));
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
			expect(requests.filter(isSubmit)).toHaveLength(1);
		},
	},
	{
		name: 'a partition dripping forever: stopped at the total deadline',
		surface: 'node',
		overrides: { requestDeadlineMs: 500, retry: { limit: 0 } },
		respond: (request, context) => onPartition(() => drip(context.stops))(request),
		check: ({ outcome }) => failed(outcome, `Could not reach Snowflake: ${DEADLINE}`),
	},
	{
		name: 'the credential test against a dripping server: a failure, not a hang',
		surface: 'credentialTest',
		overrides: { requestDeadlineMs: 500 },
		respond: (request, context) => (isSubmit(request) ? drip(context.stops) : undefined),
		check: ({ outcome, requests }) => {
			failed(outcome, startsWith(`Could not reach Snowflake after 2 attempts: ${DEADLINE}.`));
			expect(requests.filter(isSubmit)).toHaveLength(2);
		},
	},
	{
		name: 'headers, then silence: the idle timeout',
		surface: 'node',
		overrides: { requestTimeoutMs: 300, retry: { limit: 0 } },
		respond: onSubmit(() => silentAfterHeaders()),
		check: ({ outcome }) => {
			failed(outcome, startsWith('Could not reach Snowflake: timeout of 300ms exceeded (ECONNABORTED).'));
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
		},
	},
	{
		name: 'an endless 202: polled until the stop button, which cancels the statement on Snowflake',
		surface: 'node',
		respond: (request, context) => {
			if (isCancel(request)) return json(200, { code: '000604', message: 'SQL execution canceled', statementHandle: HANDLE });
			if (isStatus(request) && context.requests.filter(isStatus).length === 300) context.cancel();
			return isSubmit(request) || isStatus(request) ? running() : undefined;
		},
		check: ({ outcome, requests }) => {
			failed(outcome, `Execution was canceled; Snowflake canceled statement ${HANDLE}.`);
			expect(requests.filter(isStatus).length).toBeGreaterThanOrEqual(300);
			expect(requests.filter(isCancel).map((request) => request.path)).toEqual([`/api/v2/statements/${HANDLE}/cancel`]);
		},
		// 300 polls: their garbage may peak, but nothing may stay per poll.
		heapMb: 128,
		retainedMb: 8,
	},
	{
		name: '503 forever: the retry limit, then a clear error',
		surface: 'node',
		respond: onSubmit(() => ({ status: 503, headers: { 'content-type': 'text/html' }, body: '<h1>Service Unavailable</h1>' })),
		check: ({ outcome, requests }) => {
			failed(outcome, startsWith('Snowflake returned HTTP 503 after 7 attempts: HTTP 503 from Snowflake: <h1>Service Unavailable</h1>'));
			expect(requests.filter(isSubmit)).toHaveLength(7);
		},
	},
	{
		name: '429 with a Retry-After of 10^12 seconds: each wait capped at 60 s',
		surface: 'node',
		respond: onSubmit(() => ({ status: 429, headers: { 'retry-after': '1000000000000' }, body: '' })),
		check: ({ outcome }) => {
			failed(outcome, startsWith('Snowflake is still rate-limiting after 7 attempts: HTTP 429 from Snowflake'));
			const waits = logLines.filter((line) => line.message === 'Snowflake SQL API: retry').map((line) => (line.meta as { delayMs: number }).delayMs);
			expect(waits).toEqual(Array.from({ length: 6 }, () => 60_000));
		},
	},
	// ---------------------------------------------------------------- the JWT echoed back
	...(
		[
			['message', 'echo [redacted JWT] echo (code 002003, SQL state 42S02)'],
			['code', 'SQL compilation error: Object does not exist. (code echo [redacted JWT] echo, SQL state 42S02)'],
			['sqlState', 'SQL compilation error: Object does not exist. (code 002003, SQL state echo [redacted JWT] echo)'],
			['statementHandle', 'SQL compilation error: Object does not exist. (code 002003, SQL state 42S02)'],
		] as const
	).map(
		([field, message]): HostileCase => ({
			name: `a 422 with the request's JWT in ${field}: redacted`,
			surface: 'node',
			respond: onSubmit((request) => sqlError({ [field]: `echo ${tokenOf(request)} echo` })),
			check: ({ outcome }) => {
				failed(outcome, message);
				expect(outcome.kept).toContain('[redacted JWT]');
			},
		}),
	),
	{
		name: 'a 500 text body with the JWT (retried, then refused): redacted',
		surface: 'node',
		respond: onSubmit((request) => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: `upstream said: Authorization: Bearer ${tokenOf(request)}` })),
		check: ({ outcome }) => {
			failed(outcome, startsWith('Snowflake returned HTTP 500 after 7 attempts: HTTP 500 from Snowflake: upstream said: Authorization: Bearer [redacted]'));
			expect(outcome.message).toMatch(MAY_HAVE_RUN);
		},
	},
	{
		name: 'a 401 with the JWT in its message (credential test): redacted',
		surface: 'credentialTest',
		respond: onSubmit((request) => json(401, { code: '390144', message: `JWT token is invalid: ${tokenOf(request)}` })),
		check: ({ outcome }) => failed(outcome, startsWith('JWT token is invalid: [redacted JWT] (code 390144)')),
	},
	{
		name: 'a 422 with the JWT in its message (list search): redacted',
		surface: 'listSearch',
		respond: onSubmit((request) => sqlError({ message: tokenOf(request) })),
		check: ({ outcome }) => failed(outcome, '[redacted JWT] (code 002003, SQL state 42S02)'),
	},
	{
		name: 'a 422 with the JWT in its message (trigger): redacted',
		surface: 'trigger',
		respond: onSubmit((request) => sqlError({ message: tokenOf(request) })),
		check: ({ outcome }) => failed(outcome, '[redacted JWT] (code 002003, SQL state 42S02)'),
	},
	{
		name: 'a 200 with the JWT in its message and in a header: the rows, no token',
		surface: 'node',
		respond: onSubmit((request) => ({ ...resultSet({ extra: { message: tokenOf(request) } }), headers: { 'content-type': 'application/json', 'x-echo': tokenOf(request) } })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toEqual([{ N: 1 }]);
		},
	},
	{
		name: 'a 422 whose message is 120 KB of eyJ… runs: redacted, cut, and no stall',
		surface: 'node',
		respond: onSubmit(() => sqlError({ message: 'eyJ'.repeat(40_000) })),
		check: ({ outcome }) => failed(outcome, '[redacted JWT]… (116976 more characters) (code 002003, SQL state 42S02)'),
	},
	{
		name: 'a 422 whose code is 2 MB: cut in the message, the run data stays small',
		surface: 'node',
		respond: onSubmit(() => LARGE.code2MB),
		check: ({ outcome }) => {
			failed(outcome, `SQL compilation error: Object does not exist. (code ${'1'.repeat(64)}… (${2 * MIB - 64} more characters), SQL state 42S02)`);
			expect(outcome.kept.length).toBeLessThan(100_000);
		},
	},
	// ---------------------------------------------------------------- other surfaces
	{
		name: 'the list search gets 200,000 tables: the first 10,000 read, handed out 1,000 at a time',
		surface: 'listSearch',
		respond: onSubmit(() =>
			LARGE.tables200k,
		),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(outcome.items).toHaveLength(1_000);
			expect(outcome.items[0]).toEqual({ name: 'EV_0', value: '"EV_0"' });
		},
		heapMb: 128,
	},
	{
		name: 'the trigger gets an HTML page: refused at once',
		surface: 'trigger',
		respond: onSubmit(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html></html>' })),
		check: ({ outcome, requests }) => {
			failed(outcome, HTML_PAGE);
			expect(requests.filter(isSubmit)).toHaveLength(1);
		},
	},
	{
		name: 'the credential test gets a result it did not expect: still a working connection',
		surface: 'credentialTest',
		respond: onSubmit(() => resultSet({ rowType: [{ name: 'X', type: 'text', nullable: true }], data: [['<script>']] })),
		check: ({ outcome }) => expect(outcome).toMatchObject({ ok: true, message: '' }),
	},
	{
		name: 'a partition far larger than its uncompressedSize (1,000,000 empty rows): stopped at the limit',
		surface: 'node',
		parameters: SELECT_ROWS,
		respond: onPartition(() => LARGE.emptyRows1M),
		check: ({ outcome }) => failed(outcome, TOO_LARGE(PARTITION_PATH, PARTITION_LIMIT)),
		heapMb: 128,
	},
];

/**
 * The cases that also run with a programmatic access token (hostile.test.ts): every surface, and one or more
 * of each kind of hostility (redirects carrying the token, malformed and cut bodies, bombs, dripping and
 * silent servers, endless polling with the stop button, retry limits, the bearer echoed back). The rest
 * exercise the transport and the decoder, which do not know which credential signed the request.
 */
export const PAT_SUBSET: readonly string[] = [
	'301 on the submit (node), the JWT in the Location: refused, nothing sent elsewhere',
	'302 on the submit (listSearch), the JWT in the Location: refused, nothing sent elsewhere',
	'303 on the submit (trigger), the JWT in the Location: refused, nothing sent elsewhere',
	'307 on the submit (credentialTest), the JWT in the Location: refused, nothing sent elsewhere',
	'a 202 whose statementStatusUrl names another host: polled on the configured host only',
	'an HTML page with 200',
	'a 200 body cut off mid-JSON: retried as cut off in transit',
	'a gzip bomb on a partition (1 GB of zeros): stopped at the limit, not retried',
	'a submit answer dripping a byte every 20 ms: stopped at the total deadline',
	'the credential test against a dripping server: a failure, not a hang',
	'an endless 202: polled until the stop button, which cancels the statement on Snowflake',
	'503 forever: the retry limit, then a clear error',
	'429 with a Retry-After of 10^12 seconds: each wait capped at 60 s',
	'a 500 text body with the JWT (retried, then refused): redacted',
	'the trigger gets an HTML page: refused at once',
];

/**
 * The token echoed back, programmatic access token only: nothing marks a PAT as a token (a JWT starts with
 * `eyJ`), so the transport redacts the very value it sent, wherever server text quotes it.
 */
export const PAT_ECHO_CASES: HostileCase[] = [
	{
		name: 'a 422 with the token in its message, code and SQL state (node): redacted',
		surface: 'node',
		respond: onSubmit((request) => sqlError({ message: `echo ${tokenOf(request)} echo`, code: `c${tokenOf(request)}`, sqlState: tokenOf(request) })),
		check: ({ outcome }) => failed(outcome, 'echo [redacted-token] echo (code c[redacted-token], SQL state [redacted-token])'),
	},
	{
		name: 'a 401 with the token in its message (credential test): redacted',
		surface: 'credentialTest',
		respond: onSubmit((request) => json(401, { code: '394400', message: `Programmatic access token is invalid: ${tokenOf(request)}` })),
		check: ({ outcome }) => failed(outcome, startsWith('Programmatic access token is invalid: [redacted-token] (code 394400)\nSnowflake refused the programmatic access token.')),
	},
	{
		name: 'a 422 with the token in its message (list search): redacted',
		surface: 'listSearch',
		respond: onSubmit((request) => sqlError({ message: tokenOf(request) })),
		check: ({ outcome }) => failed(outcome, '[redacted-token] (code 002003, SQL state 42S02)'),
	},
	{
		name: 'a 422 with the token in its message (trigger): redacted',
		surface: 'trigger',
		respond: onSubmit((request) => sqlError({ message: tokenOf(request) })),
		check: ({ outcome }) => failed(outcome, '[redacted-token] (code 002003, SQL state 42S02)'),
	},
	{
		name: 'a 200 with the token in its message and in a header, metadata output: the result, no token',
		surface: 'node',
		parameters: { operation: 'executeQuery', query: 'SELECT 1 AS N', options: { output: 'metadata' } },
		respond: onSubmit((request) => ({ ...resultSet({ extra: { message: tokenOf(request) } }), headers: { 'content-type': 'application/json', 'x-echo': tokenOf(request) } })),
		check: ({ outcome }) => {
			expect(outcome.ok).toBe(true);
			expect(JSON.stringify(outcome.items)).not.toContain('Bearer');
		},
	},
	{
		name: 'a 500 text body with the token without Bearer (retried, then refused): redacted',
		surface: 'node',
		respond: onSubmit((request) => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: `upstream said: token=${tokenOf(request)};` })),
		check: ({ outcome }) => failed(outcome, startsWith('Snowflake returned HTTP 500 after 7 attempts: HTTP 500 from Snowflake: upstream said: token=[redacted-token];')),
	},
];
