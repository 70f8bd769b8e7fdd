/**
 * Typed transport errors. Each carries what a user needs to fix the problem: Snowflake's `code`,
 * `sqlState`, `statementHandle` and the HTTP status when there is one, and a `hint` in plain words.
 * Messages never contain the private key, the passphrase or the JWT.
 */
import { boundCode, boundHandle, boundText } from './redact';

/** Messages quote server text bounded already; this bound only stops whatever slipped through. */
const MAX_ERROR_MESSAGE_LENGTH = 8_000;

type SnowflakeErrorKind =
	| 'config'
	| 'auth'
	| 'sql'
	| 'timeout'
	| 'cancelled'
	| 'rateLimited'
	| 'http'
	| 'network'
	| 'protocol'
	| 'maxRows';

export interface SnowflakeErrorDetails {
	code?: string;
	sqlState?: string;
	statementHandle?: string;
	httpStatus?: number;
	hint?: string;
	cause?: unknown;
}

export class SnowflakeError extends Error {
	readonly kind: SnowflakeErrorKind = 'http';
	readonly code?: string;
	readonly sqlState?: string;
	readonly statementHandle?: string;
	readonly httpStatus?: number;
	/** What to do about it, in the seed's troubleshooting words. */
	readonly hint?: string;

	constructor(message: string, details: SnowflakeErrorDetails = {}) {
		// Every field that may carry server text is bounded and redacted, whichever path built the error.
		super(boundText(message, MAX_ERROR_MESSAGE_LENGTH), details.cause === undefined ? undefined : { cause: details.cause });
		this.name = new.target.name;
		this.code = boundCode(details.code);
		this.sqlState = boundCode(details.sqlState);
		this.statementHandle = boundHandle(details.statementHandle);
		this.httpStatus = details.httpStatus;
		this.hint = details.hint;
	}
}

/** Wrong configuration, raised before any request is sent (the seed's SnowflakeConfigError). */
export class SnowflakeConfigError extends SnowflakeError {
	override readonly kind = 'config';
}

/** 401/403: the JWT was refused. `hint` lists the likely causes and the fingerprint that was sent. */
export class SnowflakeAuthError extends SnowflakeError {
	override readonly kind = 'auth';
}

/** 422: the statement failed (compilation, runtime, bind value, multi-statement child...). */
export class SnowflakeSqlError extends SnowflakeError {
	override readonly kind = 'sql';
}

/** 408: the statement reached its server-side timeout and Snowflake cancelled it. */
export class SnowflakeTimeoutError extends SnowflakeError {
	override readonly kind = 'timeout';
}

/** The caller aborted (n8n execution cancelled); the statement was cancelled on Snowflake. */
export class SnowflakeCancelledError extends SnowflakeError {
	override readonly kind = 'cancelled';
}

/** 429 still returned after the retry budget was spent. */
export class SnowflakeRateLimitError extends SnowflakeError {
	override readonly kind = 'rateLimited';
}

/** Any other HTTP status after retries (5xx, 400, 404, 415...). */
export class SnowflakeHttpError extends SnowflakeError {
	override readonly kind = 'http';
}

/** Connection failures after retries (reset, refused, DNS, client-side timeout). */
export class SnowflakeNetworkError extends SnowflakeError {
	override readonly kind = 'network';
}

/** A response that does not match the documented wire format. */
export class SnowflakeProtocolError extends SnowflakeError {
	override readonly kind = 'protocol';
}

/** maxRows reached with onMaxRows 'error'. */
export class SnowflakeMaxRowsError extends SnowflakeError {
	override readonly kind = 'maxRows';
}
