/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * What one hostile case costs the n8n process: the worst event-loop delay while it ran
 * (`monitorEventLoopDelay`: a stalled loop freezes every workflow of the instance) and the peak growth of
 * the heap plus array buffers over the settled heap before it (sampled every few milliseconds, so a
 * decompressed bomb held for an instant is seen too), and what is still held after a full collection.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full collection, so the baseline holds no garbage of the case before. */
const collect = runInNewContext('gc') as () => void;

const MIB = 1024 * 1024;
/** The histogram's timer period: a delay shows as a gap this much longer than the period. */
const RESOLUTION_MS = 10;

export interface Cost {
	/** The longest the event loop was blocked, in ms (the histogram's max minus its own period). */
	maxDelayMs: number;
	/** Peak heapUsed + arrayBuffers over the baseline, in MB (garbage not yet collected included). */
	heapGrowthMb: number;
	/** What stays after a full collection once the case is over (its result included), in MB. */
	retainedMb: number;
}

const heapNow = (): number => {
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.arrayBuffers;
};

export async function measure<T>(run: () => Promise<T>): Promise<{ value: T; cost: Cost }> {
	collect();
	const before = heapNow();
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, heapNow())), 2);
	const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
	histogram.enable();
	try {
		const value = await run();
		const cost = costOf();
		collect();
		cost.retainedMb = (heapNow() - before) / MIB;
		return { value, cost };
	} finally {
		histogram.disable();
		clearInterval(sampler);
	}

	function costOf(): Cost {
		peak = Math.max(peak, heapNow());
		return {
			maxDelayMs: Math.max(0, histogram.max / 1e6 - RESOLUTION_MS),
			heapGrowthMb: (peak - before) / MIB,
			retainedMb: 0,
		};
	}
}
