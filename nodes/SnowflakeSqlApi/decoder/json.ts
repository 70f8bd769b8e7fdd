/**
 * VARIANT/OBJECT/ARRAY/MAP/VECTOR cells are JSON text, but not always strict JSON: without
 * STRICT_JSON_OUTPUT Snowflake writes `undefined`, `NaN`, `Infinity` and `-Infinity` as bare tokens,
 * and integers may exceed 2^53, which JSON.parse silently rounds.
 *
 * Approach: JSON.parse (native, fast) for the common cell. A small lenient parser takes over when
 * JSON.parse fails, or when the text holds a run of 16+ digits (the only way an integer can leave the
 * safe range; 15 digits never can). The lenient parser maps `undefined` → null, NaN/±Infinity →
 * the strings 'NaN', 'Infinity', '-Infinity' (JSON has no such numbers), keeps integers beyond the
 * safe range as their exact digit strings (the same rule as FIXED columns), and reads string tokens
 * exactly like JSON.parse, so string contents that happen to say NaN or undefined are untouched.
 * Text that even the lenient parser cannot read, or nested deeper than MAX_DEPTH, is returned as the
 * original string.
 *
 * A cell with a backslash also takes the lenient parser: JSON.parse of V8 13.6 (Node 24.21) misreads a
 * one-character key written as an escape ("\t", "\u0041") as "\\" once it has parsed an object with
 * the key "\\" in that place (`{"a":1,"\\":2}` then `{"a":1,"\t":2}` gives the key "\\"; whether it
 * happens depends on what the process parsed before). The lenient parser reads keys as strings.
 */

const MAYBE_UNSAFE_INTEGER = /\d{16}/;
/** Deepest nesting read as a value; deeper cells stay text (see parseVariant). */
const MAX_DEPTH = 2_000;

export function parseVariant(cell: string): unknown {
	// Deeper values stay text: n8n copies and serialises items recursively, and 100,000 levels (as
	// JSON.parse would build) overflow its stack when the execution is saved.
	if (cell.length > 2 * MAX_DEPTH && nestedDeeperThan(cell, MAX_DEPTH)) return cell;
	if ((cell.length < 16 || !MAYBE_UNSAFE_INTEGER.test(cell)) && !cell.includes('\\')) {
		try {
			return JSON.parse(cell);
		} catch {
			// Snowflake's non-strict tokens: read leniently below.
		}
	}
	try {
		return parseLenientJson(cell);
	} catch {
		return cell;
	}
}

/** Whether brackets outside strings nest deeper than `max` somewhere in `text` (one linear pass). */
function nestedDeeperThan(text: string, max: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 92) i++; // the escaped character is skipped
			else if (c === 34) inString = false;
		} else if (c === 34) {
			inString = true;
		} else if (c === 91 || c === 123) {
			if (++depth > max) return true;
		} else if (c === 93 || c === 125) {
			depth--;
		}
	}
	return false;
}

/**
 * JSON.parse for JSON text a user supplied (a JSON Lines file): the same values, numbers included, but
 * text with a backslash is read by the lenient parser, whose keys are exact (the V8 13.6 bug above would
 * put a value under the wrong column). Throws SyntaxError for text that is not strict JSON.
 */
export function parseJson(text: string): unknown {
	const value: unknown = JSON.parse(text);
	if (!text.includes('\\')) return value;
	try {
		return parseLenientJson(text, 'native');
	} catch {
		return value; // nested deeper than the lenient parser reads: refused as too deep by the caller
	}
}

/**
 * Throws SyntaxError when the text is not (lenient) JSON. `numbers`: 'exact' keeps integers beyond the
 * safe range and non-finite numbers as their text (VARIANT cells); 'native' makes every number what
 * JSON.parse makes it.
 */
function parseLenientJson(text: string, numbers: 'exact' | 'native' = 'exact'): unknown {
	const parser = new LenientJsonParser(text, numbers);
	const value = parser.value(0);
	parser.expectEnd();
	return value;
}

class LenientJsonParser {
	private i = 0;

	constructor(
		private readonly text: string,
		private readonly numbers: 'exact' | 'native',
	) {}

	value(depth: number): unknown {
		if (depth > MAX_DEPTH) throw this.fail('nesting too deep');
		this.skipSpace();
		const c = this.text.charCodeAt(this.i);
		switch (c) {
			case 123: // {
				return this.object(depth);
			case 91: // [
				return this.array(depth);
			case 34: // "
				return this.string();
			case 116:
				return this.word('true', true);
			case 102:
				return this.word('false', false);
			case 110:
				return this.word('null', null);
			case 117:
				return this.word('undefined', null);
			case 78:
				return this.word('NaN', 'NaN');
			case 73:
				return this.word('Infinity', 'Infinity');
			case 45: // -
				if (this.text.charCodeAt(this.i + 1) === 73) {
					this.i++;
					return this.word('Infinity', '-Infinity');
				}
				return this.number();
			default:
				if (c >= 48 && c <= 57) return this.number();
				throw this.fail('unexpected character');
		}
	}

	expectEnd(): void {
		this.skipSpace();
		if (this.i !== this.text.length) throw this.fail('unexpected text after the value');
	}

	private object(depth: number): Record<string, unknown> {
		const result: Record<string, unknown> = {};
		this.i++;
		this.skipSpace();
		if (this.text.charCodeAt(this.i) === 125) {
			this.i++;
			return result;
		}
		for (;;) {
			this.skipSpace();
			if (this.text.charCodeAt(this.i) !== 34) throw this.fail('expected a key');
			const key = this.string();
			this.skipSpace();
			if (this.text.charCodeAt(this.i) !== 58) throw this.fail('expected ":"');
			this.i++;
			const value = this.value(depth + 1);
			if (key === '__proto__') {
				// An own property, as JSON.parse makes it; plain assignment would replace the prototype.
				Object.defineProperty(result, key, { value, writable: true, enumerable: true, configurable: true });
			} else {
				result[key] = value;
			}
			this.skipSpace();
			const c = this.text.charCodeAt(this.i++);
			if (c === 125) return result;
			if (c !== 44) throw this.fail('expected "," or "}"');
		}
	}

	private array(depth: number): unknown[] {
		const result: unknown[] = [];
		this.i++;
		this.skipSpace();
		if (this.text.charCodeAt(this.i) === 93) {
			this.i++;
			return result;
		}
		for (;;) {
			result.push(this.value(depth + 1));
			this.skipSpace();
			const c = this.text.charCodeAt(this.i++);
			if (c === 93) return result;
			if (c !== 44) throw this.fail('expected "," or "]"');
		}
	}

	private string(): string {
		const start = this.i;
		let escaped = false;
		for (let j = start + 1; j < this.text.length; j++) {
			const c = this.text.charCodeAt(j);
			if (c === 92) {
				escaped = true;
				j++;
			} else if (c === 34) {
				this.i = j + 1;
				// Escapes are decoded by JSON.parse itself, so strings read exactly as in strict JSON.
				return escaped ? (JSON.parse(this.text.slice(start, j + 1)) as string) : this.text.slice(start + 1, j);
			}
		}
		throw this.fail('unterminated string');
	}

	private number(): number | string {
		const start = this.i;
		let integer = true;
		for (; this.i < this.text.length; this.i++) {
			const c = this.text.charCodeAt(this.i);
			if (c >= 48 && c <= 57) continue;
			if (c === 45 || c === 43) continue;
			if (c === 46 || c === 101 || c === 69) {
				integer = false;
				continue;
			}
			break;
		}
		const token = this.text.slice(start, this.i);
		if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(token)) throw this.fail('malformed number');
		const n = Number(token);
		if (this.numbers === 'native') return n;
		if (integer && !Number.isSafeInteger(n)) return token;
		if (!Number.isFinite(n)) return token;
		return n;
	}

	private word<T>(word: string, value: T): T {
		if (!this.text.startsWith(word, this.i)) throw this.fail(`expected ${word}`);
		this.i += word.length;
		return value;
	}

	private skipSpace(): void {
		for (;;) {
			const c = this.text.charCodeAt(this.i);
			if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
			else return;
		}
	}

	private fail(what: string): SyntaxError {
		return new SyntaxError(`Invalid JSON at position ${this.i}: ${what}`);
	}
}
