/**
 * What `--record DIR` writes must be safe to send back as a fixture: no token, no statement handle or
 * requestId that names a query in the account's history, no account or user name. Handles are replaced
 * consistently (the same handle → the same `<handle-N>` in every file of one run), so a recorded
 * statementStatusUrl still points at the statementHandle of its own body.
 *
 * Programmatic access tokens and OAuth access tokens have no shape of their own to be recognised by (an opaque
 * `ver:1-hint:…`, or whatever an identity provider issues): they are hidden by value, in the recorded files and
 * in every line the suite prints, together with the mangled copy the wrong-token scenarios send and every
 * 24-character piece of either (a server quoting part of a token).
 */

/** Three base64url segments starting with `eyJ` (`{"`): a JWT wherever it appears (header, body, error text). */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Statement handles and requestIds are UUID-shaped (`01b2c3d4-0000-1a2b-0000-00012a3b4c5d`). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The length of the token pieces hidden too (as the package's secret scan counts a leak). */
const SECRET_PIECE = 24;

/**
 * `token` with the characters of its middle third rotated (a→b, Z→A, 9→0): the same length and alphabet, so
 * Snowflake reads it as a token of its kind that is wrong, not as a malformed header.
 */
export function mangledToken(token: string): string {
	const from = Math.floor(token.length / 3);
	const to = Math.max(from + 1, Math.floor((2 * token.length) / 3));
	const rotate = (char: string): string => {
		if (char === 'z') return 'a';
		if (char === 'Z') return 'A';
		if (char === '9') return '0';
		return /[A-Ya-y0-8]/.test(char) ? String.fromCharCode(char.charCodeAt(0) + 1) : char;
	};
	return token.slice(0, from) + [...token.slice(from, to)].map(rotate).join('') + token.slice(to);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
	private readonly handles = new Map<string, string>();
	private readonly names: Array<{ pattern: RegExp; replacement: string }>;
	/** Whole tokens first, then their pieces: a whole token reads `<pat>`, not a row of `<pat>` pieces. */
	private readonly secrets: Array<{ text: string; replacement: string }>;

	/**
	 * `names`: texts to hide wherever they appear, case-insensitively (account, user, host). `secrets`: tokens
	 * (label → value, empty: none) hidden by value, exactly as sent, with their mangled copies and pieces.
	 */
	constructor(names: Record<string, string> = {}, secrets: Record<string, string> = {}) {
		this.names = Object.entries(names)
			.filter(([, text]) => text.length >= 3)
			// Longest first, so a host is replaced before the account inside it.
			.sort(([, a], [, b]) => b.length - a.length)
			.map(([label, text]) => ({ pattern: new RegExp(escapeRegExp(text), 'gi'), replacement: `<${label}>` }));
		const tokens = Object.entries(secrets)
			.filter(([, token]) => token !== '')
			.flatMap(([label, token]) => [
				{ text: token, replacement: `<${label}>` },
				{ text: mangledToken(token), replacement: `<${label}-mangled>` },
			]);
		const pieces = tokens.flatMap(({ text, replacement }) => {
			const all: Array<{ text: string; replacement: string }> = [];
			for (let start = 0; start + SECRET_PIECE <= text.length; start++) all.push({ text: text.slice(start, start + SECRET_PIECE), replacement: `${replacement.slice(0, -1)}-part>` });
			return all;
		});
		this.secrets = [...tokens, ...pieces];
	}

	/** Everything: for files sent back as fixtures. */
	redact(text: string): string {
		let out = this.redactSecrets(text).replace(JWT, '<jwt>').replace(UUID, (uuid) => this.handle(uuid));
		for (const { pattern, replacement } of this.names) out = out.replace(pattern, replacement);
		return out;
	}

	/** The tokens only: for the lines the suite prints (which name the account and user on purpose). */
	redactSecrets(text: string): string {
		let out = text;
		// split/join: a token is matched as it is, no pattern built from it.
		for (const { text: secret, replacement } of this.secrets) if (out.includes(secret)) out = out.split(secret).join(replacement);
		return out;
	}

	private handle(uuid: string): string {
		const key = uuid.toLowerCase();
		let label = this.handles.get(key);
		if (!label) {
			label = `<handle-${this.handles.size + 1}>`;
			this.handles.set(key, label);
		}
		return label;
	}
}
