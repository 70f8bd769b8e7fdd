/**
 * Abort plumbing: n8n aborts a signal when an execution is canceled. What follows depends on what
 * the client was doing: a running statement is canceled on Snowflake, a submit still waiting for its
 * handle cancels the statement once the handle arrives, and a read just stops.
 */
import type { SnowflakeCancelledError } from './errors';
import type { Sent } from './exchange';
import { canceledAfterAbort } from './messages';
import { readBody, statusFields } from './responses';
import type { QueryStatus, RetryPolicy } from './types';

/** After an abort the cancel gets one retry within 10 s: the caller is waiting to hear it stopped. */
const CANCEL_AFTER_ABORT_POLICY: Partial<RetryPolicy> = { limit: 1, maxElapsedMs: 10_000 };

/** Sends `POST .../cancel` for a statement under the given retry policy. */
export type CancelFn = (handle: string, policy: Partial<RetryPolicy>) => Promise<QueryStatus>;

/**
 * Runs `work`; when it fails because `signal` aborted, fails with `whenAborted()` instead of the
 * interrupted request's own error (an AbortError says nothing about the statement).
 */
export async function abortAware<T>(
	signal: AbortSignal | undefined,
	whenAborted: () => SnowflakeCancelledError | Promise<SnowflakeCancelledError>,
	work: () => Promise<T>,
): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw signal?.aborted ? await whenAborted() : error;
	}
}

export const ABORTED = Symbol('aborted');

/** Settles like `promise`, or resolves ABORTED as soon as the signal aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
	if (signal.aborted) return Promise.resolve(ABORTED);
	return new Promise<T | typeof ABORTED>((resolve, reject) => {
		const onAbort = () => resolve(ABORTED);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

/** After an abort: cancels the running statement and returns the error to throw, whatever the cancel's outcome. */
export async function cancelAfterAbort(cancel: CancelFn, handle: string, reason: unknown): Promise<SnowflakeCancelledError> {
	try {
		await cancel(handle, CANCEL_AFTER_ABORT_POLICY);
		return canceledAfterAbort(handle, reason);
	} catch (error) {
		return canceledAfterAbort(handle, reason, { error });
	}
}

/** A submit abandoned by an abort: once its 202 reveals the handle, cancel that statement. */
export function cancelWhenHandleArrives(cancel: CancelFn, pending: Promise<Sent>): void {
	void pending.then(
		async ({ response }) => {
			const handle = response.status === 202 ? statusFields(readBody(response).json).statementHandle : undefined;
			if (handle === undefined) return; // finished (200) or failed: nothing left running
			await cancel(handle, CANCEL_AFTER_ABORT_POLICY).catch(
				() => undefined, // the caller already has its cancellation error; nobody is left to tell
			);
		},
		() => undefined, // the submit failed or its retries were aborted: nothing was left running
	);
}
