import { describe, expect, it, vi } from 'vitest';

import { oauthTokenFailure, type SnowflakeError } from '../../../nodes/SnowflakeSqlApi/transport';
import { HANDLE, harness, json, later, networkError, nextTurn, partition, resultSet, running, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const FINGERPRINT = 'SHA256:3ZJxkzTYl0sR9n8fE0xg8Q0t1cS3cJ8m1pBq2rN0Jk4=';

describe('submit', () => {
	it('POSTs the statement with a requestId and only the fields that were set', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([2])]);
		await client.execute(
			{ statement: 'select 1', timeout: 60, warehouse: 'WH', bindings: { '1': { type: 'FIXED', value: '1' } }, parameters: { QUERY_TAG: 'n8n' } },
			{ nullable: false },
		);
		const [post] = fake.sent('POST', SUBMIT);
		expect(post.qs).toEqual({ requestId: 'req-1', nullable: 'false' });
		expect(post.headers).toEqual({ 'Content-Type': 'application/json' });
		expect(post.body).toEqual({
			statement: 'select 1',
			timeout: 60,
			warehouse: 'WH',
			bindings: { '1': { type: 'FIXED', value: '1' } },
			parameters: { QUERY_TAG: 'n8n' },
		});
		expect(post.timeoutMs).toBe(120_000);
	});

	it('returns the first response classified, and a running result for async submits', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [running()]);
		await expect(client.submit({ statement: 'select 1' }, { async: true, requestId: 'mine' })).resolves.toMatchObject({
			status: 'running',
			requestId: 'mine',
			statementHandle: HANDLE,
			queryStatus: { code: '333334' },
		});
		const result = await client.execute({ statement: 'select 1' }, { async: true });
		expect(result).toMatchObject({ status: 'running', statementHandle: HANDLE, rows: [], numRows: 0 });
		expect(fake.sent('POST', SUBMIT).map((request) => request.qs)).toEqual([
			{ requestId: 'mine', retry: 'true', async: 'true' },
			{ requestId: 'req-1', async: 'true' },
		]);
		expect(fake.sent('GET', statementPath())).toHaveLength(0);
	});

	it('resubmits a caller-given requestId with retry=true from the first POST, so an earlier run is not repeated', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([1])]);
		await expect(client.execute({ statement: 'insert into t values (1)' }, { requestId: 'from-last-run' })).resolves.toMatchObject({
			requestId: 'from-last-run',
		});
		expect(fake.requests[0].qs).toEqual({ requestId: 'from-last-run', retry: 'true' });
	});

	it('reports each HTTP attempt to onEvent without query strings or bodies', async () => {
		const { fake, client, events } = harness();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [resultSet([1])]);
		await client.execute({ statement: "select 'secret literal'" });
		expect(events).toEqual([
			{ type: 'request', method: 'POST', path: SUBMIT, attempt: 1 },
			{ type: 'poll', statementHandle: HANDLE, attempt: 1, delayMs: 250 },
			{ type: 'request', method: 'GET', path: statementPath(), attempt: 1 },
		]);
	});

	it.each([
		[{ statement: '  ' }, /SQL statement is empty/],
		[{ statement: 'select 1', timeout: -1 }, /timeout must be a whole number/],
		[{ statement: 'select 1', timeout: 604_801 }, /timeout must be a whole number/],
	])('rejects %j before sending anything', async (request, message) => {
		const { fake, client } = harness();
		await expect(client.execute(request)).rejects.toThrow(message);
		await expect(client.execute(request)).rejects.toEqual(snowflakeError('config'));
		expect(fake.requests).toHaveLength(0);
	});

	it('rejects bad options before sending anything', async () => {
		const { fake, client } = harness();
		await expect(client.execute({ statement: 'select 1' }, { maxRows: -1 })).rejects.toThrow(/maxRows/);
		await expect(client.execute({ statement: 'select 1' }, { decode: { timezone: 'Nowhere/Land' } })).rejects.toThrow(/Unknown time zone/);
		expect(fake.requests).toHaveLength(0);
	});
});

describe('the decoder\'s failures, in the transport\'s terms', () => {
	it('an unknown time zone is a configuration error, raised before anything is sent, by every reading method', async () => {
		const { fake, client } = harness();
		const message = 'Unknown time zone "Nowhere/Land". Use an IANA zone name such as Europe/Berlin or America/New_York.';
		const decode = { timezone: 'Nowhere/Land' };
		for (const call of [
			client.execute({ statement: 'select 1' }, { decode }),
			client.waitForResult(HANDLE, { decode }),
			client.getStatement(HANDLE, { decode }),
		]) {
			const error = await call.catch((e: unknown) => e);
			expect(error).toEqual(snowflakeError('config', { message }));
		}
		expect(fake.requests).toHaveLength(0);
	});

	it('a row that does not match rowType is a protocol error, inline or in a partition', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(200, { ...JSON.parse(resultSet([1]).body as string), data: [['1', 'extra']] }), resultSet([1, 1])]);
		fake.on('GET', statementPath(), [json(200, { data: [[]] })], 1);
		await expect(client.execute({ statement: 'select 1' })).rejects.toEqual(
			snowflakeError('protocol', { message: 'Unexpected response from Snowflake: a row has 2 cells but rowType describes 1 columns.' }),
		);
		await expect(client.execute({ statement: 'select 1' })).rejects.toEqual(
			snowflakeError('protocol', { message: 'Unexpected response from Snowflake: a row has 0 cells but rowType describes 1 columns.' }),
		);
	});
});

describe('202 → poll → 200', () => {
	it('polls the statement handle with capped backoff until it is done', async () => {
		const { fake, client, delays, events } = harness();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [running(), running(), resultSet([3])]);
		const result = await client.execute({ statement: 'select n' });
		expect(result).toMatchObject({ status: 'success', statementHandle: HANDLE, requestId: 'req-1', numRows: 3, partitionCount: 1 });
		expect(result.rows).toEqual([{ N: 1 }, { N: 2 }, { N: 3 }]);
		expect(delays).toEqual([250, 375, 563]);
		expect(events.filter((event) => event.type === 'poll')).toEqual([
			{ type: 'poll', statementHandle: HANDLE, attempt: 1, delayMs: 250 },
			{ type: 'poll', statementHandle: HANDLE, attempt: 2, delayMs: 375 },
			{ type: 'poll', statementHandle: HANDLE, attempt: 3, delayMs: 563 },
		]);
	});

	it('keeps polling for hours at the capped interval (no attempt cap)', async () => {
		const { fake, client, delays, clock } = harness();
		const started = clock.ms;
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [...Array.from({ length: 2200 }, () => running()), resultSet([1])]);
		await expect(client.execute({ statement: 'call long_job()' })).resolves.toMatchObject({ status: 'success' });
		expect(delays).toHaveLength(2201);
		expect(Math.max(...delays)).toBe(5000);
		expect(clock.ms - started).toBeGreaterThan(3 * 3600 * 1000);
	});

	it('treats 429 while polling as still running, honouring Retry-After without spending the retry budget', async () => {
		const { fake, client, delays } = harness({ retry: { limit: 1 } });
		const tooMany = json(429, { code: '390505', message: 'Too many requests.' }, { 'retry-after': '4' });
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [tooMany, tooMany, tooMany, running(), resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ numRows: 1 });
		// Poll backoff 250, then Retry-After 4 s (longer than the backoff) three times, then the backoff resumes.
		expect(delays).toEqual([250, 4000, 4000, 4000, 1266]);
	});
});

describe('retries', () => {
	it('resubmits after 5xx with the same requestId and retry=true, with full-jitter backoff', async () => {
		const { fake, client, delays, events } = harness();
		fake.on('POST', SUBMIT, [json(503, { message: 'Service Unavailable' }), json(500, {}), resultSet([1])]);
		await expect(client.execute({ statement: 'insert into t values (1)' })).resolves.toMatchObject({ status: 'success' });
		expect(fake.sent('POST', SUBMIT).map((request) => request.qs)).toEqual([
			{ requestId: 'req-1' },
			{ requestId: 'req-1', retry: 'true' },
			{ requestId: 'req-1', retry: 'true' },
		]);
		expect(delays).toEqual([250, 500]);
		expect(events.filter((event) => event.type === 'retry')).toEqual([
			{ type: 'retry', reason: 'HTTP 503', status: 503, attempt: 1, delayMs: 250 },
			{ type: 'retry', reason: 'HTTP 500', status: 500, attempt: 2, delayMs: 500 },
		]);
	});

	it('retries network errors, naming the system error code', async () => {
		const { fake, client, events } = harness();
		fake.on('POST', SUBMIT, [networkError('ECONNRESET'), resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ status: 'success' });
		expect(fake.sent('POST', SUBMIT)[1].qs).toEqual({ requestId: 'req-1', retry: 'true' });
		expect(events).toContainEqual({ type: 'retry', reason: 'network error ECONNRESET', status: undefined, attempt: 1, delayMs: 250 });
	});

	it.each([
		['seconds', '3', 3000],
		['an HTTP date', 'Thu, 26 Nov 2026 12:00:05 GMT', 5000],
		['a value above the cap', '86400', 60_000],
	])('honours 429 Retry-After given as %s', async (_label, retryAfter, expectedDelay) => {
		const { fake, client, delays } = harness();
		fake.on('POST', SUBMIT, [json(429, { code: '390505', message: 'Too many requests.' }, { 'retry-after': retryAfter }), resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ status: 'success' });
		expect(delays).toEqual([expectedDelay]);
	});

	it('gives up after the retry limit with the status and the attempts made', async () => {
		const { fake, client } = harness({ retry: { limit: 2 } });
		fake.on('POST', SUBMIT, [json(503, { message: 'Service Unavailable' })]);
		const error = await client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('http'));
		expect(error).toMatchObject({ httpStatus: 503, message: 'Snowflake returned HTTP 503 after 3 attempts: Service Unavailable' });
		expect(fake.requests).toHaveLength(3);
	});

	it('gives up when the next wait would pass the elapsed-time budget', async () => {
		const { fake, client, delays } = harness({ retry: { maxElapsedMs: 10_000 } });
		fake.on('POST', SUBMIT, [json(429, { code: '390505', message: 'Too many requests.' }, { 'retry-after': '4' })]);
		const error = await client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('rateLimited'));
		expect((error as Error).message).toBe('Snowflake is still rate-limiting after 3 attempts: Too many requests. (code 390505)');
		expect(delays).toEqual([4000, 4000]);
	});

	it('reports a network failure after retries with its code', async () => {
		const { fake, client } = harness({ retry: { limit: 1 } });
		fake.on('POST', SUBMIT, [networkError('ECONNREFUSED')]);
		const error = await client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('network'));
		expect(error).toMatchObject({ code: 'ECONNREFUSED', message: 'Could not reach Snowflake after 2 attempts: connect ECONNREFUSED (ECONNREFUSED)' });
	});

	it('retries a failed partition fetch like any other request', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([1, 1])]);
		fake.on('GET', statementPath(), [json(502, {}), json(200, { data: [['2']] })], 1);
		await expect(client.execute({ statement: 'select n' })).resolves.toMatchObject({ rows: [{ N: 1 }, { N: 2 }] });
		expect(fake.sent('GET', statementPath()).map((request) => request.qs)).toEqual([{ partition: '1' }, { partition: '1' }]);
	});
});

describe('errors that are not retried', () => {
	it('408: statement timeout, with code, SQL state and handle, telling to raise the Statement Timeout option', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [
			json(408, {
				code: '000630',
				sqlState: '57014',
				message: 'Statement reached its statement or warehouse timeout of 10 second(s) and was canceled.',
				statementHandle: HANDLE,
			}),
		]);
		const error = await client.execute({ statement: 'select system$wait(60)', timeout: 10 }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('timeout'));
		expect(error).toMatchObject({ code: '000630', sqlState: '57014', statementHandle: HANDLE, httpStatus: 408 });
		expect((error as Error).message).toMatch(
			/^Statement reached its statement or warehouse timeout of 10 second\(s\) and was canceled\. \(code 000630, SQL state 57014\)\. .*Set the Statement Timeout option to a larger value \(up to 604800 seconds/,
		);
		// In the node, an empty or 0 Statement Timeout sends no timeout: the account's or user's parameter applies.
		expect((error as SnowflakeError).hint).toContain('when it is empty or 0, the STATEMENT_TIMEOUT_IN_SECONDS parameter of the account or user applies');
		expect((error as SnowflakeError).hint).not.toMatch(/0 = Snowflake's maximum/);
		expect(fake.requests).toHaveLength(1);
	});

	it('422: SQL error with Snowflake message, code, SQL state and handle', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [
			json(422, {
				code: '000904',
				message: "SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF'",
				sqlState: '42000',
				statementHandle: HANDLE,
			}),
		]);
		const error = await client.execute({ statement: 'select afaf' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('sql'));
		expect(error).toMatchObject({
			code: '000904',
			sqlState: '42000',
			statementHandle: HANDLE,
			httpStatus: 422,
			message: "SQL compilation error: error line 1 at position 7\ninvalid identifier 'AFAF' (code 000904, SQL state 42000)",
			hint: expect.stringContaining('must be written in double quotes'),
		});
		expect(fake.requests).toHaveLength(1);
	});

	it.each([
		['002003', "SQL compilation error:\nObject 'ORDERS' does not exist or not authorized.", /^The object does not exist, or the role in use is not allowed to see it\..*USAGE.*quoted lower-case name \(e\.g\. "orders"\) must be written in double quotes/],
		['000904', "invalid identifier 'ID'", /^A column or name is not known here.*upper-cased/],
		['000606', 'No active warehouse selected in the current session.', /^No warehouse is active for this statement\. Set Warehouse in the credential or in Options > Warehouse/],
		['002043', 'SQL compilation error:\nObject does not exist, or operation cannot be performed.', /^The role in use lacks a privilege/],
		['003001', 'SQL access control error:\nInsufficient privileges to operate on table \'T\'', /^The role in use lacks a privilege.*Options > Role/],
		['100038', "Numeric value 'abc' is not recognized", /^A value could not be read as a number\. Check the Query Parameters' types/],
		['100040', "Date 'x' is not recognized", /^A value could not be read as a date\./],
		['000625', 'Your statement was aborted because the number of waiters for this lock exceeds the 20 statements limit.', /^Too many statements were waiting for a lock/],
	])('422 %s: a hint for the common SQL error, the message kept as Snowflake gave it', async (code, message, hint) => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(422, { code, message, sqlState: '42000', statementHandle: HANDLE })]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error).toEqual(snowflakeError('sql'));
		expect(error.message).toBe(`${message} (code ${code}, SQL state 42000)`);
		expect(error.hint).toMatch(hint);
		expect(error.statementHandle).toBe(HANDLE);
	});

	it('422 with an uncommon code: no hint', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(422, { code: '100132', message: 'JavaScript execution error', sqlState: 'P0000', statementHandle: HANDLE })]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error.hint).toBeUndefined();
	});

	it('422 while polling surfaces the same way', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [json(422, { code: '100038', sqlState: '22018', message: "Numeric value 'x' is not recognized", statementHandle: HANDLE })]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toMatchObject({ name: 'SnowflakeSqlError', code: '100038' });
	});

	it('bounds a very long server message', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(422, { code: '001003', sqlState: '42000', message: `syntax error ${'x'.repeat(10_000)}`, statementHandle: HANDLE })]);
		const error = (await client.execute({ statement: 'select' }).catch((e: unknown) => e)) as Error;
		expect(error.message.length).toBeLessThan(2100);
		expect(error.message).toMatch(/… \(8013 more characters\) \(code 001003, SQL state 42000\)$/);
	});

	it('a proxy error page (not JSON) is reported with its status and text', async () => {
		const { fake, client } = harness({ retry: { limit: 0 } });
		fake.on('POST', SUBMIT, [{ status: 502, headers: {}, body: '<html>Bad Gateway</html>' }]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toThrow('Snowflake returned HTTP 502: HTTP 502 from Snowflake: <html>Bad Gateway</html>');
	});

	it('a 200 that is not a ResultSet is a protocol error', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(200, { statementHandle: HANDLE, data: [] })]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toThrow(snowflakeError('protocol'));
	});

	it('a 200 flagged 391908 (result too large, incomplete) is not returned as if complete', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([1], { code: '391908', message: 'The result set size exceeded the max number of rows' })]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toThrow(/391908/);
	});
});

describe('authentication', () => {
	const expired = json(401, { code: '390198', message: 'Keypair access token expired. ...Qx8fJk2a' });

	it('re-signs once on an expired token (390198) and retries with retry=true', async () => {
		const onTokenExpired = vi.fn();
		const { fake, client, events } = harness({ onTokenExpired });
		fake.on('POST', SUBMIT, [expired, resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ status: 'success' });
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		expect(events).toContainEqual({ type: 'tokenRenewed' });
		expect(fake.sent('POST', SUBMIT).map((request) => request.qs)).toEqual([{ requestId: 'req-1' }, { requestId: 'req-1', retry: 'true' }]);
	});

	it('partitions that all meet the expired token at once re-sign only once', async () => {
		const onTokenExpired = vi.fn();
		const { fake, client } = harness({ onTokenExpired, partitionConcurrency: 4 });
		const counts = [1, 1, 1, 1, 1];
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		for (let i = 1; i < counts.length; i++) fake.on('GET', statementPath(), [later(expired, 2), partition(counts, i)], i);
		await expect(client.execute({ statement: 'select n' })).resolves.toMatchObject({ numRows: 5 });
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		expect(fake.sent('GET', statementPath())).toHaveLength(8);
	});

	it('a second 390198 after re-signing is an auth error pointing at the clock', async () => {
		const onTokenExpired = vi.fn();
		const { fake, client } = harness({ onTokenExpired });
		fake.on('POST', SUBMIT, [expired]);
		const error = await client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('auth'));
		expect(error).toMatchObject({ code: '390198', httpStatus: 401 });
		expect((error as SnowflakeError).hint).toMatch(/clock of this machine is probably wrong/);
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		expect(fake.requests).toHaveLength(2);
	});

	it('other 401s list the causes with the fingerprint that was sent, and never the JWT', async () => {
		const jwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJYWTEyMzQ1In0.c2lnbmF0dXJl';
		const { fake, client } = harness({ fingerprint: FINGERPRINT, user: 'N8N_USER', claimAccount: 'XY12345', onTokenExpired: vi.fn() });
		fake.on('POST', SUBMIT, [json(401, { code: '390144', message: `JWT token is invalid. [Bearer ${jwt}] [0d3f2c1a-1111-2222-3333-444455556666]` })]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error).toEqual(snowflakeError('auth'));
		expect(error.code).toBe('390144');
		expect(error.hint).toContain(`compare RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) with the fingerprint this client sent, ${FINGERPRINT}`);
		expect(error.hint).toContain('DESCRIBE USER N8N_USER');
		expect(error.hint).toMatch(/region or cloud .* this client used XY12345/);
		expect(error.hint).toMatch(/clock/);
		expect(error.hint).toMatch(/user name is wrong/);
		expect(error.message).toContain('[0d3f2c1a-1111-2222-3333-444455556666]');
		expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain(jwt);
		expect(error.message).not.toMatch(/eyJ/);
		expect(fake.requests).toHaveLength(1);
	});

	it('403 is an auth error about network policy, privileges or the API being off', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [json(403, { message: 'Forbidden' })]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toMatchObject({
			name: 'SnowflakeAuthError',
			httpStatus: 403,
			hint: expect.stringMatching(/network policy/),
		});
	});
});

describe('OAuth token renewal (390318 expired, 390303 invalid: refreshed once through the injected renewal)', () => {
	const oauthExpired = json(401, { code: '390318', message: 'OAuth access token expired. [1234567]' });
	const oauthInvalid = json(401, { code: '390303', message: 'Invalid OAuth access token. ...abcdefgh' });

	it('partitions that meet an expired token at once wait for the one refresh, then retry with the new token', async () => {
		let release: () => void = () => undefined;
		const refreshed = new Promise<void>((resolve) => (release = resolve));
		const onTokenExpired = vi.fn(async () => await refreshed);
		const { fake, client, events } = harness({ credentialKind: 'oAuth2', onTokenExpired, partitionConcurrency: 4 });
		const counts = [1, 1, 1, 1, 1];
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		for (let i = 1; i < counts.length; i++) fake.on('GET', statementPath(), [later(oauthExpired, 2), partition(counts, i)], i);
		const executing = client.execute({ statement: 'select n' });
		await vi.waitFor(() => expect(onTokenExpired).toHaveBeenCalledTimes(1));
		for (let turn = 0; turn < 50; turn++) await Promise.resolve();
		// Nobody retried with the old token while the refresh was under way.
		expect(fake.sent('GET', statementPath())).toHaveLength(4);
		release();
		await expect(executing).resolves.toMatchObject({ numRows: 5 });
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		expect(fake.sent('GET', statementPath())).toHaveLength(8);
		expect(events.filter((event) => event.type === 'tokenRenewed')).toHaveLength(1);
	});

	it('a partition fetch that starts while the refresh is under way waits for it, so the token is refreshed once', async () => {
		let release: () => void = () => undefined;
		let renewed = false;
		const refreshed = new Promise<void>((resolve) => (release = resolve));
		const onTokenExpired = vi.fn(async () => {
			await refreshed;
			renewed = true;
		});
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired, partitionConcurrency: 2 });
		const counts = [1, 1, 1, 1];
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		// Snowflake refuses the old token and accepts the new one; partition 1 fetched just before the expiry.
		const byToken = (i: number) => () => (renewed ? partition(counts, i) : oauthExpired);
		fake.on('GET', statementPath(), [partition(counts, 1)], 1);
		for (let i = 2; i < counts.length; i++) fake.on('GET', statementPath(), [byToken(i), byToken(i)], i);
		const executing = client.execute({ statement: 'select n' });
		await vi.waitFor(() => expect(onTokenExpired).toHaveBeenCalledTimes(1));
		for (let turn = 0; turn < 5; turn++) await nextTurn();
		release();
		await expect(executing).resolves.toMatchObject({ numRows: 4 });
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		// Partition 2 met the old token once; partition 3 waited for the refresh instead of sending the old token.
		expect(fake.sent('GET', statementPath())).toHaveLength(4);
	});

	it('an invalid token (390303) is refreshed once; refused again, the error says what to do, not retried further', async () => {
		const onTokenExpired = vi.fn(async () => undefined);
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired });
		fake.on('POST', SUBMIT, [oauthInvalid]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error).toEqual(snowflakeError('auth'));
		expect(error).toMatchObject({ code: '390303', httpStatus: 401 });
		expect(error.hint).toMatch(/^Snowflake refused the OAuth access token: it was revoked/);
		expect(error.hint).toContain('click Connect my account and sign in again');
		expect(onTokenExpired).toHaveBeenCalledTimes(1);
		expect(fake.requests).toHaveLength(2);
	});

	it('still expired right after the refresh: the hint points at a clock', async () => {
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired: async () => undefined });
		fake.on('POST', SUBMIT, [oauthExpired]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error.hint).toMatch(/^Snowflake said the OAuth access token expired even though n8n had just renewed it/);
	});

	it('a refresh that fails ends the request with its error, nothing retried', async () => {
		const refusal = oauthTokenFailure(new Error('The credential "Snowflake" needs to be reconnected.'));
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired: async () => Promise.reject(refusal) });
		fake.on('POST', SUBMIT, [oauthExpired, resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toBe(refusal);
		expect(refusal.message).toBe('n8n could not get a new OAuth access token for Snowflake: The credential "Snowflake" needs to be reconnected.');
		expect(fake.requests).toHaveLength(1);
	});

	it('the HTTP layer failing on the credential itself (no token to send) is not retried like a network error', async () => {
		const { fake, client } = harness({ credentialKind: 'oAuth2' });
		fake.on('POST', SUBMIT, [oauthTokenFailure(new Error('invalid_client')), resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toMatchObject({ name: 'SnowflakeAuthError', message: expect.stringMatching(/invalid_client$/) });
		expect(fake.requests).toHaveLength(1);
	});

	it.each([
		['390317', /External OAuth: the token's scp \(or scope\) claim must list session:role:<ROLE>/],
		['390100', /EXTERNAL_OAUTH_TOKEN_USER_MAPPING_CLAIM/],
	])('401 %s gets its own hint, never a key-pair one', async (code, hint) => {
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired: vi.fn() });
		fake.on('POST', SUBMIT, [json(401, { code, message: 'refused' })]);
		const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error.hint).toMatch(hint);
		expect(error.hint).not.toMatch(/fingerprint|RSA_PUBLIC_KEY/);
		expect(fake.requests).toHaveLength(1);
	});
});
