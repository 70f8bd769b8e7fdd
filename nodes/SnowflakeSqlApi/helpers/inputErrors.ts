/**
 * Errors for input the node refuses before anything is sent to Snowflake: bad identifiers,
 * placeholders, bindings and builder arguments. Messages are meant to be shown to the user as they
 * are, so they quote what was typed, but never more than ~100 characters of it.
 */

interface SqlInputErrorDetails {
	/** 0-based index of the n8n item (row) the problem belongs to, when there is one. */
	itemIndex?: number;
}

export class SqlInputError extends Error {
	readonly itemIndex?: number;

	constructor(message: string, details: SqlInputErrorDetails = {}) {
		super(message);
		this.name = new.target.name;
		this.itemIndex = details.itemIndex;
	}
}

export interface BindingErrorDetails extends SqlInputErrorDetails {
	/** 1-based position of the query parameter (Execute SQL). */
	parameterIndex?: number;
	/** Column the value was meant for (Insert/Update/Upsert/Delete/Select), as the user typed it. */
	column?: string;
}

/** A value that cannot be bound as the requested (or inferred) SQL API binding type. */
export class BindingError extends SqlInputError {
	readonly parameterIndex?: number;
	readonly column?: string;

	constructor(message: string, details: BindingErrorDetails = {}) {
		super(message, details);
		this.parameterIndex = details.parameterIndex;
		this.column = details.column;
	}
}

const MAX_ECHO = 100;

/** C0 and C1 control characters (newline, tab, NUL, DEL, …). */
export function isControlCharacter(char: string): boolean {
	const code = char.charCodeAt(0);
	return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text of a user value for an error message: at most ~100 characters, control characters escaped
 * so the message stays on one line.
 */
export function echoText(text: string): string {
	// Only a prefix is split into code points (one is at most two UTF-16 units): a megabyte value costs no more.
	const prefix = text.length > 2 * MAX_ECHO + 2 ? text.slice(0, 2 * MAX_ECHO + 2) : text;
	const chars = Array.from(prefix);
	const cut = chars.length > MAX_ECHO || prefix.length < text.length;
	const kept = chars.length > MAX_ECHO ? chars.slice(0, MAX_ECHO) : chars;
	const escaped = kept
		.map((char) =>
			isControlCharacter(char)
				? (ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
				: char,
		)
		.join('');
	return cut ? `${escaped}…` : escaped;
}

/** `'text'` for strings, the plain form for other values; bounded like {@link echoText}. */
export function echoValue(value: unknown): string {
	if (typeof value === 'string') return `'${echoText(value)}'`;
		if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
	}
	if (value instanceof Uint8Array) return `<${value.length} bytes>`;
	if (typeof value === 'object' && value !== null) {
		let json: string | undefined;
		try {
			json = JSON.stringify(value);
		} catch {
			json = undefined;
		}
		return echoText(json ?? Object.prototype.toString.call(value));
	}
	return echoText(String(value));
}
