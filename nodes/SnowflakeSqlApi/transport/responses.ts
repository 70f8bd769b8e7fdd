import {
	SnowflakeAuthError,
	SnowflakeError,
	SnowflakeHttpError,
	SnowflakeProtocolError,
	SnowflakeRateLimitError,
	SnowflakeSqlError,
	SnowflakeTimeoutError,
} from './errors';
import { boundCode, boundHandle, boundText } from './redact';
import { OAUTH_RECONNECT_HINT, type CredentialKind } from './auth';
import type { DmlStats, HttpResponse, QueryStatus, ResultSet } from './types';

/**
 * 401 codes that mean "the token this client sent is no longer good, a new one may be": an expired key-pair JWT
 * (390198), an expired OAuth access token (390318) and an invalid one (390303: revoked or rotated, which a
 * refresh may also cure). snowflakedb/snowflake-connector-nodejs PR #1392 refreshes an OAuth token on these two
 * (OAUTH_TOKEN_EXPIRED, OAUTH_TOKEN_INVALID) and retries once; so does the exchange, for whichever kind applies.
 */
export const TOKEN_EXPIRED_CODES: ReadonlySet<string> = new Set(['390198', '390318', '390303']);

const utf8 = new TextDecoder();

/**
 * The response body as JSON. HttpFn implementations may hand over parsed JSON, text, or bytes
 * (already decompressed); empty bodies become undefined. Throws SyntaxError for text that is not JSON.
 */
export function parseBody(body: unknown): unknown {
	if (body instanceof Uint8Array) body = utf8.decode(body);
	if (typeof body === 'string') return body.trim() === '' ? undefined : JSON.parse(body);
	return body;
}

/** Whether the body is markup (its first non-blank character `<`): a login or error page, not the SQL API. */
export function isMarkup(body: unknown): boolean {
	const text = body instanceof Uint8Array ? body : typeof body === 'string' ? body : undefined;
	if (text === undefined) return false;
	for (let i = 0; i < text.length && i < 1024; i++) {
		const c = typeof text === 'string' ? text.charCodeAt(i) : text[i];
		if (c === 60) return true; // <
		if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xef && c !== 0xbb && c !== 0xbf && c !== 0xfeff) return false;
	}
	return false;
}

/** The body as JSON, or its text when it is not JSON (a proxy's HTML error page, say). */
export function readBody(response: HttpResponse): { json?: unknown; text?: string } {
	try {
		return { json: parseBody(response.body) };
	} catch {
		return { text: bodyText(response.body) };
	}
}

function bodyText(body: unknown): string {
	if (body instanceof Uint8Array) return utf8.decode(body);
	return typeof body === 'string' ? body : '';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Snowflake's status fields from any body shape (202, 408 and 422 bodies, auth errors). */
interface StatusFields {
	code?: string;
	sqlState?: string;
	message?: string;
	statementHandle?: string;
}

export function statusFields(json: unknown): StatusFields {
	if (!isRecord(json)) return {};
	const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
	// Bounded and redacted here, before any of it reaches a message, an error's fields or run data.
	const message = text(json.message);
	return {
		code: boundCode(text(json.code)),
		sqlState: boundCode(text(json.sqlState)),
		message: message === undefined ? undefined : boundText(message),
		statementHandle: boundHandle(text(json.statementHandle)),
	};
}

/**
 * `<Snowflake message> (code <code>, SQL state <sqlState>)`, the format every transport error uses.
 * Its parts come from statusFields or boundText, bounded and redacted already.
 */
function formatMessage(message: string, code?: string, sqlState?: string): string {
	const details = [code && `code ${code}`, sqlState && `SQL state ${sqlState}`].filter(Boolean);
	return details.length > 0 ? `${message} (${details.join(', ')})` : message;
}

/** Facts that make an error actionable; none of them is secret. */
export interface ErrorContext {
	statementHandle?: string;
	/** The credential kind that authenticated the request (default 'keyPair'): 401 hints name its causes. */
	credentialKind?: CredentialKind;
	/** The key fingerprint the auth layer sent (`SHA256:...`). */
	fingerprint?: string;
	user?: string;
	account?: string;
	/** Attempts made for this request (1 = not retried). */
	attempts: number;
	/** True when the 401 came back even after the token was renewed (key pair re-signed after 390198; OAuth refreshed after 390318/390303). */
	expiredAfterRenewal?: boolean;
}

/** Maps a final (not retried, or retries spent) HTTP status to the typed error the caller sees. */
export function errorForResponse(response: HttpResponse, context: ErrorContext): SnowflakeError {
	const { json, text } = readBody(response);
	const fields = statusFields(json);
	const status = response.status;
	const statementHandle = fields.statementHandle ?? context.statementHandle;
	// Cut by boundText, which redacts before it cuts: a token straddling the cut does not survive in part.
	const fallback = text ? `HTTP ${status} from Snowflake: ${boundText(text, 200)}` : `HTTP ${status} from Snowflake`;
	const message = formatMessage(fields.message ?? fallback, fields.code, fields.sqlState);
	const details = { code: fields.code, sqlState: fields.sqlState, statementHandle, httpStatus: status };
	const retried = context.attempts > 1 ? ` after ${context.attempts} attempts` : '';

	switch (true) {
		case status === 401:
			return new SnowflakeAuthError(message, { ...details, hint: authHint(context, fields.code) });
		case status === 403:
			return new SnowflakeAuthError(message, { ...details, hint: FORBIDDEN_HINT });
		case status === 408:
			return new SnowflakeTimeoutError(`${message}. ${TIMEOUT_HINT}`, { ...details, hint: TIMEOUT_HINT });
		case status === 422:
			return new SnowflakeSqlError(message, { ...details, hint: sqlErrorHint(fields.code) });
		case status === 429:
			return new SnowflakeRateLimitError(`Snowflake is still rate-limiting${retried}: ${message}`, {
				...details,
				hint: 'Too many requests for the account or warehouse. Run fewer statements at once, or retry later.',
			});
		case status >= 500:
			return new SnowflakeHttpError(`Snowflake returned HTTP ${status}${retried}: ${message}`, {
				...details,
				hint: 'Snowflake (or a proxy in between) failed on its side. Retry later; if it persists, check status.snowflake.com.',
			});
		default:
			// A status the SQL API documents no body for (404 on an unknown handle, say) may still carry a code we know.
			return new SnowflakeHttpError(`Snowflake returned HTTP ${status}: ${message}`, { ...details, hint: sqlErrorHint(fields.code) ?? clientErrorHint(status) });
	}
}

function authHint(context: ErrorContext, code: string | undefined): string {
	switch (context.credentialKind) {
		case 'programmaticAccessToken':
			return patHint(context, code);
		case 'oAuth2':
			return oauthHint(context, code);
		default:
			return keyPairHint(context);
	}
}

function keyPairHint(context: ErrorContext): string {
	const user = context.user ?? '<user>';
	const sent = context.fingerprint ? `the fingerprint this client sent, ${context.fingerprint}` : 'the fingerprint of your private key';
	const lines = [
		context.expiredAfterRenewal
			? 'Snowflake said the token expired even though it was just signed: the clock of this machine is probably wrong.'
			: 'Snowflake refused the key-pair JWT. Likely causes:',
		`- the public key is not registered on the user, or does not match the private key: run DESCRIBE USER ${user} and compare RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) with ${sent};`,
		`- the account in the JWT claim still carries a region or cloud (the claim needs the bare account, e.g. XY12345 for xy12345.ap-southeast-2${context.account ? `; this client used ${context.account}` : ''});`,
		'- the clock of this machine is off by minutes (the JWT is only valid within an hour of being issued);',
		`- the user name is wrong (the claim used ${context.user ?? 'the configured user'}, upper-cased).`,
	];
	return lines.join('\n');
}

/** Snowflake's 401 code for a PAT whose user is subject to no network policy (unconfirmed for the SQL API, see captures/README.md). */
const PAT_NETWORK_POLICY_CODE = '390432';

/**
 * Snowflake answers an expired, revoked, disabled and mistyped PAT alike (394400 "Programmatic access token is
 * invalid."), so the hint names each cause and how to tell them apart.
 */
function patHint(context: ErrorContext, code: string | undefined): string {
	if (code === PAT_NETWORK_POLICY_CODE) {
		return [
			'Snowflake accepts a programmatic access token only from a user subject to a network policy (the default PAT_POLICY, NETWORK_POLICY_EVALUATION = ENFORCED_REQUIRED).',
			'A service user (TYPE=SERVICE) cannot use a programmatic access token at all without one; a person user needs one too unless an authentication policy relaxes the requirement.',
			'Ask an administrator to allow the addresses n8n connects from: CREATE NETWORK RULE n8n_egress MODE = INGRESS TYPE = IPV4 VALUE_LIST = (\'<n8n egress IP>\'); CREATE NETWORK POLICY n8n_policy ALLOWED_NETWORK_RULE_LIST = (\'n8n_egress\'); ALTER USER <user> SET NETWORK_POLICY = n8n_policy;',
		].join('\n');
	}
	return [
		'Snowflake refused the programmatic access token. It answers the same for each of these causes:',
		'- the token expired (DAYS_TO_EXPIRY, 15 days unless set): SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER <user> shows its expires_at and status; generate a new one (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN) or rotate it;',
		'- the token was revoked (REMOVE), rotated or disabled, or its role restriction was revoked from the user: paste the new token secret;',
		`- the token is wrong or belongs to another account: paste the whole token_secret again${context.account ? ` (this credential's account is ${context.account})` : ''}.`,
	].join('\n');
}

/**
 * Snowflake's OAuth refusals (snowflake-connector-nodejs PR #1392: 390318 expired, 390303 invalid; the role and
 * user ones are the login messages drivers print, their codes unconfirmed for the SQL API: captures/README.md).
 * A 390318 or 390303 comes back here only after the exchange refreshed the token once (n8n's helpers never
 * refresh by themselves); the other codes are not refreshed for.
 */
function oauthHint(context: ErrorContext, code: string | undefined): string {
	switch (code) {
		case '390317':
			return [
				"The role for this statement (Options > Role, else the credential's Role) is not one the OAuth token allows.",
				"- Snowflake OAuth: the role is part of the scope asked for at sign-in (session:role:<ROLE>, from the credential's Role): set the credential's Role to the role you need and reconnect, or leave Role empty in Options to use the token's role.",
				"- External OAuth: the token's scp (or scope) claim must list session:role:<ROLE> (Entra ID: an app role assigned to the client), or the security integration needs EXTERNAL_OAUTH_ANY_ROLE_MODE = ENABLE.",
			].join('\n');
		case '390100':
			return 'Snowflake found no user for the OAuth token: the External OAuth integration maps the claim named by EXTERNAL_OAUTH_TOKEN_USER_MAPPING_CLAIM (sub unless set) to a user\'s LOGIN_NAME (or EMAIL_ADDRESS, per EXTERNAL_OAUTH_SNOWFLAKE_USER_MAPPING_ATTRIBUTE). Create the user or fix the mapping.';
		case '390318':
			if (context.expiredAfterRenewal) {
				return `Snowflake said the OAuth access token expired even though n8n had just renewed it: the clock of the identity provider or of this machine is probably wrong, or the token lives only seconds. ${OAUTH_RECONNECT_HINT}`;
			}
			break;
		default:
			break;
	}
	return [
		'Snowflake refused the OAuth access token: it was revoked, or issued for another account, security integration or audience (n8n renews an expired or invalid token once before this).',
		OAUTH_RECONNECT_HINT,
		'External OAuth: the integration must list the token\'s issuer (EXTERNAL_OAUTH_ISSUER) and audience (EXTERNAL_OAUTH_AUDIENCE_LIST) and reach its signing keys (EXTERNAL_OAUTH_JWS_KEYS_URL).',
	].join('\n');
}

const TIMEOUT_HINT =
	'The statement reached its timeout and Snowflake cancelled it. Set the Statement Timeout option to a larger value (up to 604800 seconds, 7 days; when it is empty or 0, the STATEMENT_TIMEOUT_IN_SECONDS parameter of the account or user applies, 2 days unless changed, and a lower STATEMENT_TIMEOUT_IN_SECONDS on the warehouse still wins), or make the statement faster, e.g. with a larger warehouse.';

/** Unquoted identifiers are stored upper case: the commonest cause of "does not exist" and "invalid identifier". */
const CASE_NOTE =
	'Unquoted names are upper-cased by Snowflake: an object or column created with a quoted lower-case name (e.g. "orders") must be written in double quotes, exactly as created.';

/** docs.snowflake.com/en/user-guide/querying-persisted-results: "the cache expires after 24 hours". */
const RESULT_RETENTION = 'Snowflake keeps a statement\'s result for 24 hours after it ran';

const PRIVILEGE_HINT =
	'The role in use lacks a privilege this statement needs. Grant it (GRANT … TO ROLE …), or run as a role that has it (Options > Role, or the credential\'s Role).';

/** What to do about the commonest SQL errors (422), by Snowflake error code. */
const SQL_ERROR_HINTS: Record<string, string> = {
	'002003': `The object does not exist, or the role in use is not allowed to see it. Check the database and schema (Options or the credential), and that the role has USAGE on them and a privilege on the object. ${CASE_NOTE}`,
	'000904': `A column or name is not known here: check its spelling and the table it belongs to. ${CASE_NOTE}`,
	'000606': 'No warehouse is active for this statement. Set Warehouse in the credential or in Options > Warehouse (or give the user a DEFAULT_WAREHOUSE), and make sure the role has USAGE on it.',
	'002043': PRIVILEGE_HINT,
	'003001': PRIVILEGE_HINT,
	'002002': 'The object already exists. Use CREATE OR REPLACE or CREATE … IF NOT EXISTS, or choose another name.',
	'001003': 'Snowflake could not parse the SQL: check the statement near the line and position given. Values belong in Options > Query Parameters (? or :1 placeholders), never pasted into the SQL.',
	'000625': 'Too many statements were waiting for a lock on the same table (Snowflake allows 20). Write to the table from fewer concurrent executions, or write all items in one statement (Insert, Update, Upsert and Delete batch them).',
	'000630': 'The statement reached its statement or warehouse timeout. Set the Statement Timeout option to a larger value (up to 604800 seconds), raise the warehouse\'s STATEMENT_TIMEOUT_IN_SECONDS, or make the statement faster.',
	'100038': 'A value could not be read as a number. Check the Query Parameters\' types and values (and Numbers as Text) against the columns they are compared with or written to.',
	'100040': 'A value could not be read as a date. Check the Query Parameters\' types and values (e.g. dates as YYYY-MM-DD) against the columns they are compared with or written to.',
	'100035': 'A value could not be read as a timestamp. Check the Query Parameters\' types and values (e.g. ISO 8601 timestamps) against the columns they are compared with or written to.',
	'000709': `Snowflake knows no statement with this handle. Check the Statement Handle: it must be one this account returned; a mistyped handle, one from another account or Host, or one older than the results Snowflake keeps is unknown here (${RESULT_RETENTION}). Cancel Statement also answers this when the statement is no longer running (it finished, failed or was canceled): there is nothing left to cancel.`,
	// A programmatic access token restricted to one role (ROLE_RESTRICTION) refuses any other (unconfirmed shape, captures/README.md).
	'390189': 'The role named for this statement (Options > Role, else the credential\'s Role) is not granted to the user, or the programmatic access token is restricted to another role (ROLE_RESTRICTION). Leave Role empty to use the token\'s role, or choose the role the token was generated for (SHOW USER PROGRAMMATIC ACCESS TOKENS shows its role_restriction).',
	'000710': `The result of this statement has expired and cannot be read any more: ${RESULT_RETENTION}. Run the statement again (Execute SQL, or Submit SQL (Async) and then Get Statement Results) and read its result within 24 hours.`,
};

/** The hint for a SQL error (422), when its code is a common one. */
function sqlErrorHint(code: string | undefined): string | undefined {
	return code === undefined ? undefined : SQL_ERROR_HINTS[code];
}

const FORBIDDEN_HINT =
	'Snowflake accepted the credential but refused the request: a network policy may block this IP address, the role may lack privileges, or the SQL API may not be enabled for the account.';

function clientErrorHint(status: number): string | undefined {
	switch (status) {
		case 400:
			return 'Snowflake rejected the request payload (bindings, parameters or a field of the wrong type).';
		case 404:
			return 'Unknown endpoint or statement handle: check the account host, and that the statement handle is not older than 24 hours.';
		case 415:
			return 'Snowflake rejected the Content-Type; requests must be sent as application/json.';
		default:
			return undefined;
	}
}

/** A response that is not what the SQL API documents (for the status it came with). */
export function protocolError(what: string, statementHandle?: string, cause?: unknown): SnowflakeProtocolError {
	return new SnowflakeProtocolError(`Unexpected response from Snowflake: ${what}`, { statementHandle, cause });
}

/** What a JSON value is, for messages (never its content). */
function describeJson(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The ResultSet of a 200 (submit or status), checked for the fields the client relies on. */
export function resultSetFrom(json: unknown): ResultSet {
	if (!isRecord(json)) throw protocolError(`a 200 response whose body is ${json === undefined ? 'empty' : `${describeJson(json)}, not a JSON object`}.`);
	const handle = typeof json.statementHandle === 'string' ? json.statementHandle : undefined;
	if (handle === undefined) throw protocolError('a 200 response without a statementHandle.');
	const meta = (json as Record<string, unknown>).resultSetMetaData;
	if (!isRecord(meta) || !Array.isArray(meta.rowType)) {
		throw protocolError('a 200 response without resultSetMetaData.rowType.', handle);
	}
	const resultSet = json as unknown as ResultSet;
	// Documented responses without rows may leave data out; anything else in its place is not rows.
	if (resultSet.data === undefined || resultSet.data === null) resultSet.data = [];
	else if (!Array.isArray(resultSet.data)) throw protocolError(`a 200 response whose data is ${describeJson(resultSet.data)}, not an array of rows.`, handle);
	// What a result copies into run data (message, code, sqlState, handle), bounded and redacted.
	const fields = statusFields(json);
	resultSet.statementHandle = fields.statementHandle ?? handle;
	if (fields.code !== undefined) resultSet.code = fields.code;
	if (fields.message !== undefined) resultSet.message = fields.message;
	if (fields.sqlState !== undefined) resultSet.sqlState = fields.sqlState;
	resultSet.stats = dmlStatsFrom(json as Record<string, unknown>, meta);
	if (resultSet.code === '391908') {
		// Documented: the result set was too large and this response is incomplete.
		throw protocolError(`${boundText(String(resultSet.message))} (code 391908): the result is too large and Snowflake returned it incomplete.`, handle);
	}
	return resultSet;
}

const DML_STATS_FIELDS = ['numRowsInserted', 'numRowsUpdated', 'numRowsDeleted', 'numDuplicateRowsUpdated'] as const;

/**
 * DML counters. Snowflake's pages put `stats` at the top level of the ResultSet in some places and inside
 * `resultSetMetaData` in others (a client validated against the live API reads the latter), so both are
 * read, the top level winning field by field. Only whole, non-negative counts are kept (int64 may come as
 * a number or as its digits); undefined when neither place has any.
 */
function dmlStatsFrom(json: Record<string, unknown>, meta: Record<string, unknown>): DmlStats | undefined {
	const places = [json.stats, meta.stats].filter(isRecord);
	const stats: DmlStats = {};
	for (const field of DML_STATS_FIELDS) {
		for (const place of places) {
			const count = countFrom(place[field]);
			if (count !== undefined) {
				stats[field] = count;
				break;
			}
		}
	}
	return Object.keys(stats).length > 0 ? stats : undefined;
}

function countFrom(value: unknown): number | undefined {
	const count = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
	return typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

/** QueryStatus of a 202 (or 429, or a cancel's 200); `knownHandle` fills in for bodies that omit it. */
export function queryStatusFrom(response: HttpResponse, knownHandle?: string): QueryStatus {
	const fields = statusFields(readBody(response).json);
	const statementHandle = fields.statementHandle ?? knownHandle;
	if (statementHandle === undefined) throw protocolError(`a ${response.status} response without a statementHandle.`);
	return { ...fields, code: fields.code ?? '', message: fields.message ?? '', statementHandle };
}
