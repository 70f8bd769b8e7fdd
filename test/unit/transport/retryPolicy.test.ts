/**
 * Retries and polling, observed through the client: the delays its sleep is asked for (the clock
 * only moves when it sleeps) and the requests Snowflake receives.
 */
import { describe, expect, it } from 'vitest';

import { harness, json, networkError, resultSet, running, snowflakeError, statementPath, type Reply } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const POLICY = { limit: 3, baseDelayMs: 1000, maxDelayMs: 3000, maxRetryAfterMs: 30_000, maxElapsedMs: 60_000 };
const status = (code: number, retryAfter?: string) =>
	json(code, { message: `status ${code}` }, retryAfter === undefined ? {} : { 'retry-after': retryAfter });

/** Submits against `replies` (then a 200) with POLICY and a fixed random(); returns what happened. */
async function submitAgainst(replies: Reply[], random = 0.5, retry: object = POLICY) {
	const h = harness({ retry, random: () => random });
	h.fake.on('POST', SUBMIT, [...replies, resultSet([0])]);
	const error = await h.client.execute({ statement: 'select 1' }).then(
		() => undefined,
		(e: unknown) => e,
	);
	return { delays: h.delays, requests: h.fake.requests.length, error, clock: h.clock };
}

describe('retry decisions', () => {
	it.each<[string, Reply[], number, number[]]>([
		['503, first retry: full jitter over base', [status(503)], 0.5, [500]],
		['500, second retry: jitter over base·2', [status(500), status(500)], 0.5, [500, 1000]],
		['502, third retry: base·2² is capped at maxDelayMs', [status(502), status(502), status(502)], 0.99, [990, 1980, 2970]],
		['504 with random() = 0 retries at once', [status(504), status(504)], 0, [0, 0]],
		['network error is retried', [networkError('ECONNRESET')], 0.5, [500]],
		['429 waits for Retry-After', [status(429, '7')], 0.5, [7000]],
		['Retry-After is capped', [status(429, '3600')], 0.5, [30_000]],
	])('%s', async (_label, replies, random, delays) => {
		const outcome = await submitAgainst(replies, random);
		expect(outcome).toMatchObject({ delays, requests: replies.length + 1, error: undefined });
	});

	it.each<[number, 'timeout' | 'sql' | 'http' | 'auth']>([
		[408, 'timeout'],
		[422, 'sql'],
		[400, 'http'],
		[401, 'auth'], // expiry (390198) is handled apart
	])('%i is not retried', async (code, kind) => {
		const outcome = await submitAgainst([status(code)]);
		expect(outcome).toMatchObject({ delays: [], requests: 1, error: snowflakeError(kind) });
	});

	it('stops at the retry limit', async () => {
		const outcome = await submitAgainst([status(503), status(503), status(503), status(503)]);
		expect(outcome.delays).toEqual([500, 1000, 1500]);
		expect(outcome.requests).toBe(4);
		expect(outcome.error).toEqual(snowflakeError('http'));
	});

	it('does not retry when the wait would end past maxElapsedMs, and does when it ends exactly there', async () => {
		// The first answer takes 44.5 s; its retry waits 0.5 s: the second attempt is decided at 45 s.
		const slow503 = (h: { clock: { ms: number } }) => () => {
			h.clock.ms += 44_500;
			return status(503);
		};
		for (const [retryAfter, retried] of [
			['20', false],
			['15', true],
		] as const) {
			const h = harness({ retry: POLICY, random: () => 0.5 });
			h.fake.on('POST', SUBMIT, [slow503(h), status(429, retryAfter), resultSet([0])]);
			const error = await h.client.execute({ statement: 'select 1' }).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(h.delays).toEqual(retried ? [500, 15_000] : [500]);
			expect(error).toEqual(retried ? undefined : snowflakeError('rateLimited'));
		}
	});

	it('never retries 408 or 422 whatever the policy says', () => {
		expect(() => harness({ retry: { statusCodes: [408, 503] } })).toThrow(snowflakeError('config'));
		expect(() => harness({ retry: { statusCodes: [422] } })).toThrow(/must not contain 422/);
	});

	it('documents its defaults: 429, 500, 502, 503, 504 retried up to 6 times from 0.5 s doubling', async () => {
		for (const code of [429, 500, 502, 503, 504]) {
			expect((await submitAgainst([status(code)], 0.5, {})).requests).toBe(2);
		}
		expect((await submitAgainst([status(501)], 0.5, {})).requests).toBe(1);
		// An override left undefined keeps the default.
		const spent = await submitAgainst(Array.from({ length: 7 }, () => status(503)), 0.5, { limit: undefined });
		expect(spent).toMatchObject({ requests: 7, delays: [250, 500, 1000, 2000, 4000, 8000], error: snowflakeError('http') });
		const capped = await submitAgainst(Array.from({ length: 8 }, () => status(503)), 0.99, { limit: 7, maxElapsedMs: 1_000_000 });
		expect(capped.delays.slice(-2)).toEqual([0.99 * 16_000, 0.99 * 20_000]); // 32 s capped at 20 s
	});

	it('rejects nonsense overrides before anything is sent', () => {
		expect(() => harness({ retry: { limit: -1 } })).toThrow(/"limit" must be a number of 0 or more/);
		expect(() => harness({ retry: { limit: 1.5 } })).toThrow(/whole number/);
		expect(() => harness({ retry: { maxElapsedMs: Number.NaN } })).toThrow(snowflakeError('config'));
	});
});

describe('Retry-After', () => {
	// The fake clock reads Thu, 26 Nov 2026 12:00:00 GMT when the 429 arrives; without a readable
	// Retry-After the client falls back to its jitter (500 ms here).
	it.each<[string | undefined, number]>([
		['0', 0],
		['5', 5000],
		[' 120 ', 120_000],
		['Thu, 26 Nov 2026 12:00:30 GMT', 30_000],
		['Thursday, 26-Nov-26 12:01:00 GMT', 60_000],
		['Thu Nov 26 12:00:10 2026', 10_000],
		['Thu, 26 Nov 2026 11:59:00 GMT', 0],
		[undefined, 500],
		['', 500],
		['-5', 500],
		['1.5', 500],
		['soon', 500],
		['2026-11-26T12:00:30Z', 500],
		['Thu, 26 Nov 2026 12:00:30 XYZ', 500],
	])('%j → waits %j ms', async (value, expected) => {
		const { delays } = await submitAgainst([status(429, value)], 0.5, { ...POLICY, maxRetryAfterMs: 600_000, maxElapsedMs: 1_000_000 });
		expect(delays).toEqual([expected]);
	});
});

describe('poll policy', () => {
	/** Delays between status checks of a statement that runs for `checks` checks. */
	async function pollDelays(checks: number): Promise<number[]> {
		const { fake, client, delays } = harness();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [...Array.from({ length: checks }, () => running()), resultSet([0])]);
		await client.execute({ statement: 'call slow()' });
		return delays;
	}

	it('backs off from 250 ms by ×1.5 to a 5 s cap and never gives up on its own', async () => {
		expect(await pollDelays(11)).toEqual([250, 375, 563, 844, 1266, 1898, 2848, 4271, 5000, 5000, 5000, 5000]);
		const long = await pollDelays(10_000);
		expect(long).toHaveLength(10_001);
		expect(long.at(-1)).toBe(5000);
	});

	it('rejects a shrinking or negative policy', () => {
		expect(() => harness({ poll: { multiplier: 0.5 } })).toThrow(/multiplier/);
		expect(() => harness({ poll: { initialDelayMs: -1 } })).toThrow(snowflakeError('config'));
	});
});
