/**
 * What the client tells a user when a statement's fate is uncertain, an execution was canceled or
 * Snowflake could not be reached. Kept apart from the control flow so the wording can be reviewed
 * (and changed) in one place.
 */
import { SnowflakeCancelledError, SnowflakeError, SnowflakeNetworkError, type SnowflakeErrorDetails } from './errors';
import { boundText } from './redact';

/** Kinds where the client lost track of the statement; the others answer for the statement (or the caller). */
const LOST_TRACK = new Set(['http', 'network', 'rateLimited', 'protocol', 'auth']);

export function submitNote(requestId: string): string {
	return `The statement may have run on Snowflake: an attempt got no answer, so whether it ran is unknown (requestId ${requestId}). Check the data before running it again.`;
}

export function pollNote(statementHandle: string): string {
	return `The statement may have run: Snowflake accepted it (statement handle ${statementHandle}) and it may still complete. Check it with Get Statement Results before running it again.`;
}

/** The same error with `note` added to its message and hint, when the failure left the statement's fate unknown. */
export function mayHaveRun(error: unknown, note: string): unknown {
	if (!(error instanceof SnowflakeError) || !LOST_TRACK.has(error.kind)) return error;
	const Kind = error.constructor as new (message: string, details: SnowflakeErrorDetails) => SnowflakeError;
	return new Kind(`${error.message.replace(/\.?$/, '.')} ${note}`, {
		code: error.code,
		sqlState: error.sqlState,
		statementHandle: error.statementHandle,
		httpStatus: error.httpStatus,
		hint: error.hint ? `${note}\n${error.hint}` : note,
		cause: error.cause,
	});
}

export function canceledBeforeSubmit(reason: unknown): SnowflakeCancelledError {
	return new SnowflakeCancelledError('Execution was canceled before the statement was submitted; nothing ran on Snowflake.', { cause: reason });
}

/** What became of a submit abandoned by an abort, truthfully: only an attempt still in flight can reveal a handle to cancel. */
export function abandonedSubmit(requestId: string, waitingToRetry: boolean, mayHaveRun: boolean, reason: unknown): SnowflakeCancelledError {
	return new SnowflakeCancelledError(abandonedSubmitMessage(requestId, waitingToRetry, mayHaveRun), { cause: reason });
}

function abandonedSubmitMessage(requestId: string, waitingToRetry: boolean, mayHaveRun: boolean): string {
	const start = `Execution was canceled before Snowflake returned a statement handle (requestId ${requestId}).`;
	if (!waitingToRetry) {
		return `${start} If Snowflake accepts the attempt in flight, the statement is canceled as soon as its handle arrives (unless it has finished by then); if that attempt fails, it is not retried.${
			mayHaveRun ? ' An earlier attempt got no answer and may have started the statement: look for it in Query History (QUERY_TAG or time) and stop it with SYSTEM$CANCEL_QUERY.' : ''
		}`;
	}
	return mayHaveRun
		? `${start} The submit was waiting to retry and no further attempt was sent, but an earlier attempt got no answer and may have started the statement, which cannot be canceled without its handle: look for it in Query History (QUERY_TAG or time) and stop it with SYSTEM$CANCEL_QUERY.`
		: `${start} The submit was waiting to retry after Snowflake turned it away; no further attempt was sent, so nothing runs on Snowflake.`;
}

export function readingStatementCanceled(handle: string, reason: unknown): SnowflakeCancelledError {
	return new SnowflakeCancelledError(`Reading statement ${handle} was canceled; the statement itself was left alone.`, {
		statementHandle: handle,
		cause: reason,
	});
}

export function readingResultCanceled(handle: string, reason: unknown): SnowflakeCancelledError {
	return new SnowflakeCancelledError(
		`Reading the result of statement ${handle} was canceled; the statement had already finished, so there was nothing to cancel on Snowflake.`,
		{ statementHandle: handle, cause: reason },
	);
}

/** After an abort, what became of the cancel of the statement that was running (`failed` when it was refused or failed). */
export function canceledAfterAbort(handle: string, reason: unknown, failed?: { error: unknown }): SnowflakeCancelledError {
	const details = { statementHandle: handle, cause: reason };
	if (failed === undefined) {
		return new SnowflakeCancelledError(`Execution was canceled; Snowflake canceled statement ${handle}.`, details);
	}
	const cancelError = failed.error;
	if (cancelError instanceof SnowflakeError && cancelError.httpStatus === 422) {
		return new SnowflakeCancelledError(
			`Execution was canceled; statement ${handle} was no longer running on Snowflake (${cancelError.message}).`,
			details,
		);
	}
	return new SnowflakeCancelledError(
		`Execution was canceled, but canceling statement ${handle} on Snowflake failed: ${cancelError instanceof Error ? cancelError.message : String(cancelError)}. It may still be running; stop it with SELECT SYSTEM$CANCEL_QUERY('${handle}').`,
		{ ...details, cause: cancelError, hint: 'The cancel request failed; the statement may keep using the warehouse until it ends or times out.' },
	);
}

export function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

/** How a retry event names what went wrong with the attempt. */
export function retryReason(status: number | undefined, failure: unknown): string {
	if (status !== undefined) return `HTTP ${status}`;
	if (failure instanceof SnowflakeError) return 'corrupt response body';
	const code = errorCode(failure);
	return code ? `network error ${code}` : 'network error';
}

export function networkError(error: unknown, attempts: number): SnowflakeNetworkError {
	const reason = error instanceof Error ? error.message : String(error);
	const code = errorCode(error);
	return new SnowflakeNetworkError(
		// zlib's codes (Z_DATA_ERROR, Z_BUF_ERROR): the server answered, but with a corrupt compressed body.
		`${code?.startsWith('Z_') ? "Could not decompress Snowflake's answer" : 'Could not reach Snowflake'}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${boundText(reason, 500)}${code ? ` (${code})` : ''}`,
		{
			code,
			cause: error,
			hint: 'Check the account host, DNS, proxies and firewalls between this machine and Snowflake.',
		},
	);
}
