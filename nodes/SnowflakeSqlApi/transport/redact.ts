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

/**
 * Secrets this process sent that have no shape of their own to be recognised by (programmatic access tokens,
 * OAuth client secrets and tokens): redacted wherever server text quotes them whole. One set for the process
 * (boundText has no credential at hand), deduplicated and ordered by last use, so a credential's own repeated
 * requests never push another's secrets out; the cap is large enough for hundreds of credentials in use at once
 * (OAuth: 3 secrets each) and only bounds memory in a long-running n8n. A pass costs the same whatever the count:
 * secrets are looked up by their first MIN_SECRET_LENGTH characters at each position of the (bounded) text.
 */
const KNOWN_SECRETS = new Set<string>();
const MAX_KNOWN_SECRETS = 1_024;
/** Shorter values could be ordinary words of a message; no token Snowflake issues is this short. */
const MIN_SECRET_LENGTH = 16;
/** The known secrets by their first MIN_SECRET_LENGTH characters. */
const BY_PREFIX = new Map<string, Set<string>>();

function forget(secret: string): void {
	KNOWN_SECRETS.delete(secret);
	const prefix = secret.slice(0, MIN_SECRET_LENGTH);
	const sharing = BY_PREFIX.get(prefix);
	sharing?.delete(secret);
	if (sharing?.size === 0) BY_PREFIX.delete(prefix);
}

/** Remembers a secret about to be sent, so that boundText redacts it from anything a server says. */
export function rememberSecret(secret: string): void {
	if (secret.length < MIN_SECRET_LENGTH) return;
	forget(secret);
	KNOWN_SECRETS.add(secret);
	const prefix = secret.slice(0, MIN_SECRET_LENGTH);
	BY_PREFIX.set(prefix, (BY_PREFIX.get(prefix) ?? new Set<string>()).add(secret));
	if (KNOWN_SECRETS.size > MAX_KNOWN_SECRETS) forget(KNOWN_SECRETS.values().next().value as string);
}

/**
 * Each known secret replaced, the longest where several start at one place, before the JWT pass could cut one
 * apart; no space in the mark, so a `Bearer` in front still reads `Bearer [redacted]`. One look-up per position
 * (no pattern built from a secret): linear in the text.
 */
function withoutKnownSecrets(text: string): string {
	if (BY_PREFIX.size === 0) return text;
	let clean = '';
	let copiedTo = 0;
	for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; ) {
		let found = '';
		for (const secret of BY_PREFIX.get(text.slice(i, i + MIN_SECRET_LENGTH)) ?? []) {
			if (secret.length > found.length && text.startsWith(secret, i)) found = secret;
		}
		if (found === '') {
			i++;
			continue;
		}
		clean += `${text.slice(copiedTo, i)}[redacted-token]`;
		i += found.length;
		copiedTo = i;
	}
	return clean + text.slice(copiedTo);
}

/** Control characters (except newline and tab) removed, JWTs and known secrets redacted, length bounded. */
export function boundText(text: string, max = MAX_MESSAGE_LENGTH): string {
	const window = text.length > max + LOOKAHEAD ? text.slice(0, max + LOOKAHEAD) : text;
	const clean = withoutKnownSecrets(window.replace(CONTROL_CHARACTERS, ''))
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
