/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import type { SleepFn } from '../../nodes/SnowflakeSqlApi/transport';

/**
 * A real timer sleep for tests and scripts (n8n passes its own). Rejects with the signal's reason
 * at once when it is already aborted or aborts during the wait, and leaves no timer or listener behind.
 */
export const sleep: SleepFn = (ms, signal) =>
	new Promise<void>((resolve, reject) => {
		if (signal?.aborted) {
			reject(signal.reason);
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
