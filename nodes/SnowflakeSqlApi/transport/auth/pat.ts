import { SnowflakeConfigError } from '../errors';

/** Snowflake's PAT secrets are a few hundred characters; anything far longer is a paste accident, refused unread. */
const MAX_TOKEN_LENGTH = 8192;
const QUOTES = new Set(['"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019']);

function isSpace(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xa0 || code === 0xfeff;
}

function stripQuotes(text: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && QUOTES.has(text[start])) start++;
	while (end > start && QUOTES.has(text[end - 1])) end--;
	return text.slice(start, end).trim();
}

/**
 * The token as pasted, repaired: surrounding whitespace and quotes, inner line breaks (a wrapped copy) and a
 * `Bearer ` prefix are removed. One pass over capped input, no regular expression. Throws SnowflakeConfigError
 * for an empty field, a PEM key pasted here, or characters a token cannot contain (never quoting the token).
 */
export function cleanToken(input: string | undefined): string {
	const raw = input ?? '';
	if (raw.length > MAX_TOKEN_LENGTH) {
		throw new SnowflakeConfigError(
			`Token is ${raw.length} characters long (at most ${MAX_TOKEN_LENGTH}): paste only the token secret Snowflake showed once when it was generated.`,
		);
	}
	const parts: string[] = [];
	let part = '';
	for (let i = 0; i < raw.length; i++) {
		if (!isSpace(raw.charCodeAt(i))) part += raw[i];
		else if (part !== '') {
			parts.push(part);
			part = '';
		}
	}
	if (part !== '') parts.push(part);
	let text = stripQuotes(parts.join(' '));
	// `Bearer <token>` copied from a curl line or an HTTP client: the scheme is ours to add.
	if (text.slice(0, 7).toLowerCase() === 'bearer ') text = stripQuotes(text.slice(7));
	else if (text.toLowerCase() === 'bearer') text = '';
	// A token wrapped over lines: its pieces belong together.
	text = text.split(' ').join('');
	if (text.includes('-----BEGIN')) {
		throw new SnowflakeConfigError(
			'Token contains a PEM key (-----BEGIN ...): a private key belongs in the Snowflake Key-Pair API credential (Authentication: Key Pair), not here. Paste the programmatic access token secret instead.',
		);
	}
	if (text === '') {
		throw new SnowflakeConfigError(
			'Token is empty: paste the programmatic access token secret (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN shows it once, as token_secret).',
		);
	}
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x21 || code > 0x7e) {
			throw new SnowflakeConfigError(
				`Token contains a character a token cannot have (at position ${i + 1}): copy the token secret again, as plain text.`,
			);
		}
	}
	return text;
}
