/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Simulated time for the fault campaign: one clock shared by the node's transport (its injected sleep and
 * `now`), the JWT cache (the KeyPairAuth faults.test.ts gives the node) and the emulator (`clock` option).
 * A sleep moves the clock on and yields to the event loop once, so an hour of polling passes in a few real
 * seconds and the same seed sees the same times.
 */
export interface SimClock {
	now: () => number;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Simulated milliseconds since the clock was made (or reset). */
	elapsed: () => number;
	reset: (startMs: number) => void;
}

export function createSimClock(startMs: number): SimClock {
	let start = startMs;
	let now = startMs;
	return {
		now: () => now,
		sleep: async (ms, signal) => {
			if (signal?.aborted) throw signal.reason;
			now += Math.max(0, Math.floor(ms));
			await new Promise((resolve) => setImmediate(resolve));
			if (signal?.aborted) throw signal.reason;
		},
		elapsed: () => now - start,
		reset: (ms) => {
			start = ms;
			now = ms;
		},
	};
}

/** The emulator's seeded generator: the campaign's workload and the client's jitter come from seeds too. */
export { seededRandom } from '../emulator/faults';
