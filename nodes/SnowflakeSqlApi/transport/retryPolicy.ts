import { SnowflakeConfigError } from './errors';
import type { RetryPolicy } from './types';

/**
 * Defaults: up to 6 retries (7 attempts) within 2 minutes, full-jitter backoff from 0.5 s doubling to a
 * 20 s cap, and a server's Retry-After honoured up to 60 s. Snowflake's reference recommends retrying
 * 429/500/502/503/504 with jittered exponential backoff; 408 (statement timeout) is never retried
 * because resubmitting would run the statement into the same timeout again.
 */
const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	limit: 6,
	statusCodes: [429, 500, 502, 503, 504],
	baseDelayMs: 500,
	maxDelayMs: 20_000,
	maxRetryAfterMs: 60_000,
	maxElapsedMs: 120_000,
});

/** Statuses that mean "the statement itself failed or timed out": retrying cannot help and may run it twice. */
const NEVER_RETRIED = new Set([408, 422]);

/** Merges caller overrides over the defaults and checks them once, before any request. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(overrides) };
	for (const key of ['limit', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'maxElapsedMs'] as const) {
		const value = policy[key];
		if (!Number.isFinite(value) || value < 0) {
			throw new SnowflakeConfigError(`Retry policy "${key}" must be a number of 0 or more (got ${String(value)}).`);
		}
	}
	if (!Number.isInteger(policy.limit)) {
		throw new SnowflakeConfigError(`Retry policy "limit" must be a whole number (got ${policy.limit}).`);
	}
	const forbidden = policy.statusCodes.filter((status) => NEVER_RETRIED.has(status));
	if (forbidden.length > 0) {
		throw new SnowflakeConfigError(
			`Retry policy "statusCodes" must not contain ${forbidden.join(', ')}: 408 means the statement timed out and 422 that it failed; resubmitting cannot succeed.`,
		);
	}
	return { ...policy, statusCodes: [...policy.statusCodes] };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What happened on one attempt: an HTTP status (with its parsed Retry-After) or a failure to get any response. */
export type AttemptOutcome = { status: number; retryAfterMs?: number } | { networkError: true };

type RetryDecision =
	| { retry: true; delayMs: number }
	| { retry: false; reason: 'notRetryable' | 'limit' | 'elapsed' };

/**
 * Pure retry decision. `retriesSoFar` counts retries already made (0 after the first attempt);
 * `elapsedMs` is the time since the first attempt started. The wait is the server's Retry-After
 * (capped) when it sent one, else full jitter: random in [0, min(maxDelay, base * 2^retriesSoFar)).
 * A retry whose wait would end past `maxElapsedMs` is not made.
 */
export function decideRetry(
	outcome: AttemptOutcome,
	retriesSoFar: number,
	elapsedMs: number,
	policy: RetryPolicy,
	random: () => number,
): RetryDecision {
	if ('status' in outcome && !policy.statusCodes.includes(outcome.status)) {
		return { retry: false, reason: 'notRetryable' };
	}
	if (retriesSoFar >= policy.limit) return { retry: false, reason: 'limit' };
	const retryAfterMs = 'status' in outcome ? outcome.retryAfterMs : undefined;
	const delayMs =
		retryAfterMs === undefined
			? Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar))
			: Math.min(retryAfterMs, policy.maxRetryAfterMs);
	if (elapsedMs + delayMs > policy.maxElapsedMs) return { retry: false, reason: 'elapsed' };
	return { retry: true, delayMs };
}
