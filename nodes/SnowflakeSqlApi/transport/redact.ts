/**
 * Bounding and redaction of text that came from a server (or any text quoted in a message). Every pass
 * is linear and runs on a bounded prefix, so a hostile answer of any size costs little; a JWT, whole or
 * cut off, never survives.
 */

/** Server text quoted in error messages is bounded so a runaway message cannot flood logs or the UI. */
const MAX_MESSAGE_LENGTH = 2_000;
/** Read past the cut, so a token that straddles it is still seen whole enough to be recognised. */
const LOOKAHEAD = 1_024;
/** Snowflake codes are 6 digits, SQL states 5 characters, statement handles 36-character UUIDs. */
const MAX_CODE_LENGTH = 64;
const MAX_HANDLE_LENGTH = 256;

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/** `Bearer` and what follows it: `\s+\S*` cannot fail once `\s` matched, so no backtracking. */
const BEARER = /\b(Bearer\s+)\S*/gi;
/**
 * JWT-shaped text: base64url of `{"` (every JWT header starts so) and up to two more dot-separated parts.
 * No part is required after `eyJ`, so a token cut anywhere is still removed, and a match never fails
 * after it starts (the former `eyJ[\w-]*\.[\w-]+\.[\w-]*` rescanned to the end from every `eyJ`: quadratic).
 */
const JWT = /eyJ[\w-]*(?:\.[\w-]*){0,2}/g;

/** Control characters (except newline and tab) removed, JWTs redacted, length bounded. */
export function boundText(text: string, max = MAX_MESSAGE_LENGTH): string {
	const window = text.length > max + LOOKAHEAD ? text.slice(0, max + LOOKAHEAD) : text;
	const clean = window
		.replace(CONTROL_CHARACTERS, '')
		.replace(BEARER, '$1[redacted]')
		.replace(JWT, '[redacted JWT]');
	// Redaction may shorten the window below `max`: a text cut at the window still says so.
	const cut = text.length > window.length;
	if (!cut && clean.length <= max) return clean;
	const more = Math.max(0, clean.length - max) + (text.length - window.length);
	return `${clean.slice(0, max)}… (${more} more characters)`;
}

/** A short server field (code, SQL state): redacted and bounded like text, to a code's length. */
export function boundCode(value: string): string;
export function boundCode(value: string | undefined): string | undefined;
export function boundCode(value: string | undefined): string | undefined {
	return value === undefined ? undefined : boundText(value, MAX_CODE_LENGTH);
}

/** A statement handle or request id from a server: redacted and bounded. */
export function boundHandle(value: string): string;
export function boundHandle(value: string | undefined): string | undefined;
export function boundHandle(value: string | undefined): string | undefined {
	return value === undefined ? undefined : boundText(value, MAX_HANDLE_LENGTH);
}
