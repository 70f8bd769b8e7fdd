/**
 * Counts the private-key work the code under test asks node:crypto for: `sign` (one per JWT signed) and
 * `createPrivateKey` (one per key parsed; PBKDF2 for an encrypted key). A test file installs it with
 *
 *   vi.mock('node:crypto', async (importOriginal) =>
 *     (await import('../helpers/cryptoCalls')).countingCrypto(await importOriginal()));
 *
 * and compares `cryptoCalls` before and after what it measures. The product keeps no counters of its own.
 */
import type * as NodeCrypto from 'node:crypto';

export const cryptoCalls = { sign: 0, createPrivateKey: 0 };

/** `actual` with `sign` and `createPrivateKey` counted; everything else is node:crypto itself. */
export function countingCrypto(actual: typeof NodeCrypto): typeof NodeCrypto {
	const counted = <F extends (...args: never[]) => unknown>(name: keyof typeof cryptoCalls, original: F): F =>
		((...args: Parameters<F>) => {
			cryptoCalls[name]++;
			return original(...args);
		}) as F;
	return { ...actual, sign: counted('sign', actual.sign), createPrivateKey: counted('createPrivateKey', actual.createPrivateKey) };
}
