/**
 * Identifier rules (quoted in the README):
 *
 * What the user typed decides, and every identifier the node emits is double-quoted so reserved
 * words and unusual characters are always safe. The quoting reproduces what Snowflake resolves:
 *
 * 1. Unquoted and matching `^[A-Za-z_][A-Za-z0-9_$]*$`: uppercased, as Snowflake stores unquoted
 *    identifiers. `my_table` → `"MY_TABLE"`.
 * 2. Wrapped in double quotes: kept exactly, case and content. `"My Table"` → `"My Table"`; a doubled
 *    `""` inside stands for one `"` and stays doubled.
 * 3. Anything else unquoted (spaces, unicode, dashes, a leading digit, a `"` after the first
 *    character): kept as typed and quoted, with `"` doubled. `Straße` → `"Straße"`, `order-items` →
 *    `"order-items"`. Snowflake would reject these unquoted; a user who typed them means exactly that
 *    name, so quoting is the only reading that can work.
 *
 * - Spaces around a name, or around each dotted part, are dropped.
 * - Table names may be qualified: `db.schema.table`, split on dots outside double quotes
 *   (`"my.db".PUBLIC.t` has 3 parts). Column names and context values are single names: a dot in an
 *   unquoted column name is part of the name.
 * - Refused with a message naming the identifier: an empty name or part, more than 3 parts, an opening
 *   `"` that never closes, text after a closing `"`, control characters, more than 255 characters.
 * - Context values (database, schema, warehouse, role in the request body) are case-sensitive and must
 *   match SHOW output: rule 1 gives the uppercased name, rule 2 the text between the quotes (`""` read
 *   as `"`), rule 3 the text as typed.
 * - Names read from Snowflake (SHOW, DESCRIBE) are already exact: quote them with
 *   `quoteExactIdentifier`, never with the typed-name rules (`orders` created quoted would become ORDERS).
 */
import { SqlInputError, echoText, isControlCharacter } from './inputErrors';

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const MAX_LENGTH = 255;
/**
 * Longest text read as a name: three quoted 255-character parts with every `"` doubled, dots and spaces,
 * fit in it. Longer text is refused before it is parsed or echoed.
 */
const MAX_INPUT_LENGTH = 2048;
/** A SHOW … LIKE filter longer than the longest name cannot match anything. */
const MAX_FILTER_LENGTH = MAX_LENGTH;

interface NamePart {
	/** The name as Snowflake stores it. */
	name: string;
}

function invalid(label: string, input: string, reason: string): SqlInputError {
	return new SqlInputError(`Invalid ${label} '${echoText(input)}': ${reason}`);
}

function checkControl(label: string, input: string): void {
	const control = Array.from(input).find(isControlCharacter);
	if (control !== undefined) {
		const code = control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
		throw invalid(label, input, `it contains a control character (U+${code})`);
	}
}

/** Refuses text too long to be a name (of `label`), before any parsing. */
export function checkNameLength(input: string, label: string): void {
	if (input.length > MAX_INPUT_LENGTH) {
		throw invalid(label, input, `it is ${input.length} characters long, more than a name can be (at most ${MAX_INPUT_LENGTH})`);
	}
}

function parseParts(input: string, maxParts: number, label: string): NamePart[] {
	checkNameLength(input, label);
	checkControl(label, input);
	if (input.trim() === '') throw invalid(label, input, 'the name is empty');
	const parts: NamePart[] = [];
	const dots = maxParts > 1;
	let i = 0;
	for (;;) {
		while (i < input.length && /\s/.test(input[i])) i++;
		if (input[i] === '"') {
			let name = '';
			let j = i + 1;
			for (;;) {
				if (j >= input.length) {
					throw invalid(label, input, 'a double quote opens a name but never closes it');
				}
				if (input[j] === '"') {
					if (input[j + 1] !== '"') break;
					name += '"';
					j += 2;
				} else {
					name += input[j];
					j++;
				}
			}
			parts.push({ name });
			i = j + 1;
			while (i < input.length && /\s/.test(input[i])) i++;
			if (i >= input.length) break;
			if (dots && input[i] === '.') {
				i++;
				continue;
			}
			throw invalid(
				label,
				input,
				'text follows the closing double quote (inside a quoted name, write "" for a double quote)',
			);
		}
		const dot = dots ? input.indexOf('.', i) : -1;
		const raw = input.slice(i, dot < 0 ? input.length : dot).trim();
		parts.push({ name: UNQUOTED.test(raw) ? raw.toUpperCase() : raw });
		if (dot < 0) break;
		i = dot + 1;
	}
	if (parts.length > maxParts) {
		throw invalid(
			label,
			input,
			`it has ${parts.length} parts; use table, schema.table or database.schema.table`,
		);
	}
	parts.forEach((part, index) => {
		const where = parts.length > 1 ? `part ${index + 1}` : 'the name';
		if (part.name === '') throw invalid(label, input, `${where} is empty`);
		if (Array.from(part.name).length > MAX_LENGTH) {
			throw invalid(label, input, `${where} is longer than ${MAX_LENGTH} characters`);
		}
	});
	return parts;
}

function quote(name: string): string {
	return `"${name.replace(/"/g, '""')}"`;
}

/** One identifier (a column, an alias) as typed by the user → its quoted SQL form. */
export function quoteIdentifier(name: string, label = 'column name'): string {
	return quote(parseParts(name, 1, label)[0].name);
}

/** The name Snowflake stores for one typed identifier (rule 1 uppercases, 2 unquotes, 3 keeps). */
export function resolveIdentifier(name: string, label = 'column name'): string {
	return parseParts(name, 1, label)[0].name;
}

/** `table`, `schema.table` or `database.schema.table` as typed → quoted parts joined by dots. */
export function quoteQualifiedName(name: string, label = 'table name'): string {
	return parseParts(name, 3, label)
		.map((part) => quote(part.name))
		.join('.');
}

/** A name that is already exact (from SHOW or DESCRIBE output) → quoted, case kept. */
export function quoteExactIdentifier(name: string, label = 'identifier'): string {
	checkNameLength(name, label);
	checkControl(label, name);
	if (name === '') throw invalid(label, name, 'the name is empty');
	if (Array.from(name).length > MAX_LENGTH) {
		throw invalid(label, name, `the name is longer than ${MAX_LENGTH} characters`);
	}
	return quote(name);
}

/**
 * A database, schema, warehouse or role for the request body, which Snowflake compares
 * case-sensitively with SHOW output. Blank → undefined (leave the field out: the user's default applies).
 */
export function contextIdentifier(value: string | undefined, label = 'identifier'): string | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	return resolveIdentifier(value, label);
}

/**
 * `LIKE '%<filter>%'` for SHOW, or '' without a filter. LIKE's escape character is the backslash, and
 * inside a Snowflake string literal a backslash is written twice: `_` → `\\_` in the SQL text → `\_`
 * for LIKE → a literal underscore. A quote is doubled.
 */
export function showLike(filter: string | undefined): string {
	if (!filter) return '';
	if (filter.length > MAX_FILTER_LENGTH) {
		throw new SqlInputError(
			`The search filter is ${filter.length} characters long; Snowflake names have at most ${MAX_FILTER_LENGTH}, so nothing could match: type part of the name.`,
		);
	}
	const pattern = filter.replace(/[\\%_]/g, (c) => `\\${c}`);
	const literal = pattern.replace(/\\/g, '\\\\').replace(/'/g, "''");
	return ` LIKE '%${literal}%'`;
}
