import { describe, expect, it } from 'vitest';

import { SnowflakeConfigError } from '../../../nodes/SnowflakeSqlApi/transport/errors';
import { DEFAULT_POLL_POLICY, pollDelayMs, resolvePollPolicy } from '../../../nodes/SnowflakeSqlApi/transport/poll';
import { parseRetryAfter } from '../../../nodes/SnowflakeSqlApi/transport/retryAfter';
import {
	DEFAULT_RETRY_POLICY,
	decideRetry,
	resolveRetryPolicy,
	type AttemptOutcome,
	type RetryDecision,
} from '../../../nodes/SnowflakeSqlApi/transport/retryPolicy';

const policy = resolveRetryPolicy({ limit: 3, baseDelayMs: 1000, maxDelayMs: 3000, maxRetryAfterMs: 30_000, maxElapsedMs: 60_000 });

describe('decideRetry', () => {
	it.each<[string, AttemptOutcome, number, number, number, RetryDecision]>([
		['503, first retry: full jitter over base', { status: 503 }, 0, 0, 0.5, { retry: true, delayMs: 500 }],
		['500, second retry: jitter over base·2', { status: 500 }, 1, 0, 0.5, { retry: true, delayMs: 1000 }],
		['502, third retry: base·2² is capped at maxDelayMs', { status: 502 }, 2, 0, 0.99, { retry: true, delayMs: 2970 }],
		['504 with random() = 0 retries at once', { status: 504 }, 1, 0, 0, { retry: true, delayMs: 0 }],
		['network error is retried', { networkError: true }, 0, 0, 0.5, { retry: true, delayMs: 500 }],
		['429 waits for Retry-After', { status: 429, retryAfterMs: 7000 }, 0, 0, 0.5, { retry: true, delayMs: 7000 }],
		['Retry-After is capped', { status: 429, retryAfterMs: 3_600_000 }, 0, 0, 0.5, { retry: true, delayMs: 30_000 }],
		['408 is never retried', { status: 408 }, 0, 0, 0.5, { retry: false, reason: 'notRetryable' }],
		['422 is never retried', { status: 422 }, 0, 0, 0.5, { retry: false, reason: 'notRetryable' }],
		['400 is not retried', { status: 400 }, 0, 0, 0.5, { retry: false, reason: 'notRetryable' }],
		['401 is not retried here (expiry is handled by the client)', { status: 401 }, 0, 0, 0.5, { retry: false, reason: 'notRetryable' }],
		['retry limit reached', { status: 503 }, 3, 0, 0.5, { retry: false, reason: 'limit' }],
		['the wait would end past maxElapsedMs', { status: 429, retryAfterMs: 20_000 }, 1, 45_000, 0.5, { retry: false, reason: 'elapsed' }],
		['the wait ends exactly at maxElapsedMs', { status: 429, retryAfterMs: 15_000 }, 1, 45_000, 0.5, { retry: true, delayMs: 15_000 }],
	])('%s', (_label, outcome, retries, elapsed, random, expected) => {
		expect(decideRetry(outcome, retries, elapsed, policy, () => random)).toEqual(expected);
	});

	it('never retries 408 or 422 whatever the policy says', () => {
		expect(() => resolveRetryPolicy({ statusCodes: [408, 503] })).toThrow(SnowflakeConfigError);
		expect(() => resolveRetryPolicy({ statusCodes: [422] })).toThrow(/must not contain 422/);
	});

	it('documents its defaults and rejects nonsense overrides', () => {
		expect(DEFAULT_RETRY_POLICY.statusCodes).toEqual([429, 500, 502, 503, 504]);
		expect(resolveRetryPolicy({ limit: undefined })).toEqual(DEFAULT_RETRY_POLICY);
		expect(() => resolveRetryPolicy({ limit: -1 })).toThrow(/"limit" must be a number of 0 or more/);
		expect(() => resolveRetryPolicy({ limit: 1.5 })).toThrow(/whole number/);
		expect(() => resolveRetryPolicy({ maxElapsedMs: Number.NaN })).toThrow(SnowflakeConfigError);
	});
});

describe('parseRetryAfter', () => {
	const now = Date.UTC(2026, 10, 26, 12, 0, 0);
	it.each<[string | undefined, number | undefined]>([
		['0', 0],
		['5', 5000],
		[' 120 ', 120_000],
		['Thu, 26 Nov 2026 12:00:30 GMT', 30_000],
		['Thursday, 26-Nov-26 12:01:00 GMT', 60_000],
		['Thu Nov 26 12:00:10 2026', 10_000],
		['Thu, 26 Nov 2026 11:59:00 GMT', 0],
		[undefined, undefined],
		['', undefined],
		['-5', undefined],
		['1.5', undefined],
		['soon', undefined],
		['2026-11-26T12:00:30Z', undefined],
		['Thu, 26 Nov 2026 12:00:30 XYZ', undefined],
	])('%j → %j ms', (value, expected) => {
		expect(parseRetryAfter(value, now)).toBe(expected);
	});
});

describe('poll policy', () => {
	it('backs off from 250 ms by ×1.5 to a 5 s cap and never gives up on its own', () => {
		const delays = Array.from({ length: 12 }, (_, attempt) => pollDelayMs(attempt, DEFAULT_POLL_POLICY));
		expect(delays).toEqual([250, 375, 563, 844, 1266, 1898, 2848, 4271, 5000, 5000, 5000, 5000]);
		expect(pollDelayMs(10_000, DEFAULT_POLL_POLICY)).toBe(5000);
	});

	it('rejects a shrinking or negative policy', () => {
		expect(() => resolvePollPolicy({ multiplier: 0.5 })).toThrow(/multiplier/);
		expect(() => resolvePollPolicy({ initialDelayMs: -1 })).toThrow(SnowflakeConfigError);
	});
});
