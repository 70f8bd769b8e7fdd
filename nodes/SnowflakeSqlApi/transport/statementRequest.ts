import { SnowflakeConfigError } from './errors';
import { boundHandle } from './redact';
import type { HttpRequest, StatementRequest } from './types';

/** Endpoints of the SQL API v2 (docs: about-endpoints). */
const STATEMENTS_PATH = '/api/v2/statements';

export function statementPath(statementHandle: string): string {
	return `${STATEMENTS_PATH}/${encodeURIComponent(checkHandle(statementHandle))}`;
}

export function cancelPath(statementHandle: string): string {
	return `${statementPath(statementHandle)}/cancel`;
}

export function checkHandle(statementHandle: string): string {
	if (typeof statementHandle !== 'string' || statementHandle.trim() === '') {
		throw new SnowflakeConfigError('A statement handle is required (the statementHandle returned when the statement was submitted).');
	}
	return statementHandle.trim();
}

const MAX_TIMEOUT_SECONDS = 604_800;
/**
 * Snowflake keeps statement text up to 1 MB in its history; a longer statement "cannot be rerun or
 * retried" (docs: query size limits), so `retry=true` could not stop a resubmission from running it twice.
 */
const MAX_STATEMENT_BYTES = 1_048_576;

const utf8 = new TextEncoder();

/** UTF-8 size of `text` (encoded only when it could be over the limit). */
function statementBytes(text: string): number {
	return text.length * 3 <= MAX_STATEMENT_BYTES ? text.length : utf8.encode(text).length;
}

interface SubmitFlags {
	requestId: string;
	/** A resubmission of the same requestId: Snowflake then does not run a statement that already ran. */
	retry: boolean;
	async?: boolean;
	nullable?: boolean;
}

/**
 * Builds the POST of a statement. Only fields the caller set are sent, so Snowflake's defaults
 * (the user's default warehouse, role, namespace and STATEMENT_TIMEOUT_IN_SECONDS) keep applying.
 * Checked locally so a mistake fails before anything runs on the warehouse.
 */
export function buildSubmitRequest(request: StatementRequest, flags: SubmitFlags): HttpRequest {
	if (typeof request.statement !== 'string' || request.statement.trim() === '') {
		throw new SnowflakeConfigError('The SQL statement is empty. Enter the SQL to run.');
	}
	const bytes = statementBytes(request.statement);
	if (bytes > MAX_STATEMENT_BYTES) {
		throw new SnowflakeConfigError(
			`The SQL statement is ${bytes.toLocaleString('en-US')} bytes; the Snowflake SQL API can retry a statement safely only up to 1 MB (${MAX_STATEMENT_BYTES.toLocaleString('en-US')} bytes), so it was not sent. Split the work into several statements (Insert, Update, Upsert and Delete batch their rows to stay below it), or load files through a stage with COPY INTO.`,
		);
	}
	const timeout = request.timeout;
	if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0 || timeout > MAX_TIMEOUT_SECONDS)) {
		throw new SnowflakeConfigError(
			`The statement timeout must be a whole number of seconds from 0 to ${MAX_TIMEOUT_SECONDS} (0 = Snowflake's maximum of 7 days); got ${String(timeout)}.`,
		);
	}
	const body: Record<string, unknown> = { statement: request.statement };
	for (const key of ['timeout', 'database', 'schema', 'warehouse', 'role', 'bindings', 'parameters'] as const) {
		if (request[key] !== undefined) body[key] = request[key];
	}
	const qs: Record<string, string> = { requestId: flags.requestId };
	if (flags.retry) qs.retry = 'true';
	if (flags.async) qs.async = 'true';
	if (flags.nullable === false) qs.nullable = 'false';
	return {
		method: 'POST',
		path: STATEMENTS_PATH,
		qs,
		body,
		headers: { 'Content-Type': 'application/json' },
	};
}

/** The requestId Snowflake echoes in `statementStatusUrl` (`...?requestId=<uuid>`), when present. */
export function requestIdFromStatusUrl(statementStatusUrl: string | undefined): string | undefined {
	if (typeof statementStatusUrl !== 'string') return undefined;
	const match = /[?&]requestId=([^&#]+)/.exec(statementStatusUrl);
	if (!match) return undefined;
	try {
		return boundHandle(decodeURIComponent(match[1]));
	} catch {
		// Malformed percent-encoding: the id is only informative, so it is left out.
		return undefined;
	}
}
