import { SnowflakeConfigError } from './errors';
import type { PollPolicy, SleepFn } from './types';

/**
 * Defaults: first status check 250 ms after a 202, then ×1.5 per check up to one check every 5 s.
 * Short statements finish within a few quick checks; a statement running for hours costs one small
 * GET per 5 s. There is deliberately no attempt cap: Snowflake enforces the statement's `timeout`.
 */
const DEFAULT_POLL_POLICY: Readonly<PollPolicy> = Object.freeze({
	initialDelayMs: 250,
	maxDelayMs: 5_000,
	multiplier: 1.5,
});

export function resolvePollPolicy(overrides: Partial<PollPolicy> = {}): PollPolicy {
	const policy: PollPolicy = { ...DEFAULT_POLL_POLICY };
	for (const key of ['initialDelayMs', 'maxDelayMs', 'multiplier'] as const) {
		const value = overrides[key];
		if (value === undefined) continue;
		if (!Number.isFinite(value) || value < 0) {
			throw new SnowflakeConfigError(`Poll policy "${key}" must be a number of 0 or more (got ${String(value)}).`);
		}
		policy[key] = value;
	}
	if (policy.multiplier < 1) {
		throw new SnowflakeConfigError(`Poll policy "multiplier" must be 1 or more (got ${policy.multiplier}).`);
	}
	return policy;
}

/** Pure: the wait before status check number `attempt` (0-based). */
function pollDelayMs(attempt: number, policy: PollPolicy): number {
	return Math.min(policy.maxDelayMs, Math.round(policy.initialDelayMs * policy.multiplier ** attempt));
}

/** One status check: finished with a value, or still running (202, or 429 with an optional Retry-After). */
export type PollStep<T, R = unknown> = { done: true; value: T } | { done: false; retryAfterMs?: number; running?: R };

interface PollContext {
	policy: PollPolicy;
	sleep: SleepFn;
	signal?: AbortSignal;
	/** Cap on a Retry-After received while polling (the retry policy's maxRetryAfterMs). */
	maxRetryAfterMs: number;
	onPoll?: (attempt: number, delayMs: number) => void;
}

/**
 * Waits, checks, and repeats until `check` reports done. Called after a response said "running",
 * so it always waits before the first check. A Retry-After (from a 429) lengthens the next wait but
 * never shortens it. Abort surfaces as the sleep's or the check's rejection; the caller cancels.
 */
export async function pollUntilDone<T>(check: () => Promise<PollStep<T>>, context: PollContext): Promise<T> {
	let retryAfterMs: number | undefined;
	for (let attempt = 0; ; attempt++) {
		const backoff = pollDelayMs(attempt, context.policy);
		const delayMs = retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(retryAfterMs, context.maxRetryAfterMs));
		context.onPoll?.(attempt, delayMs);
		await context.sleep(delayMs, context.signal);
		const step = await check();
		if (step.done) return step.value;
		retryAfterMs = step.retryAfterMs;
	}
}
