/**
 * Reading user SQL without parsing it: placeholders, statement count and leading keywords.
 *
 * Text inside single-quoted strings (with '' and backslash escapes), double-quoted identifiers,
 * $$ … $$ blocks, -- and // line comments and /* … *\/ block comments is never looked at, so a `?`,
 * `:1` or `;` there means nothing. `::` is a cast, not a placeholder.
 * Not handled: anonymous Snowflake Scripting blocks written without $$ (DECLARE … BEGIN … END) count
 * as several statements; wrap them in EXECUTE IMMEDIATE $$ … $$ as Snowflake's own clients require.
 */
import { SqlInputError } from './inputErrors';

type SegmentKind = 'code' | 'quoted' | 'comment';

interface Segment {
	kind: SegmentKind;
	start: number;
	end: number;
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;
const WORD_CHAR = /[A-Za-z_]/;

/** End (exclusive) of the quoted text opening at `start`; unterminated text runs to the end. */
function endOfQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
	let i = start + 1;
	while (i < sql.length) {
		const c = sql[i];
		if (backslash && c === '\\') {
			i += 2;
		} else if (c === quote) {
			if (sql[i + 1] !== quote) return i + 1;
			i += 2;
		} else {
			i++;
		}
	}
	return sql.length;
}

function endOf(sql: string, from: number, terminator: string): number {
	const at = sql.indexOf(terminator, from);
	return at < 0 ? sql.length : at + terminator.length;
}

function segments(sql: string): Segment[] {
	const result: Segment[] = [];
	let codeStart = 0;
	let i = 0;
	const push = (kind: SegmentKind, end: number) => {
		if (codeStart < i) result.push({ kind: 'code', start: codeStart, end: i });
		result.push({ kind, start: i, end });
		i = end;
		codeStart = end;
	};
	while (i < sql.length) {
		const c = sql[i];
		const next = sql[i + 1];
		if (c === "'") push('quoted', endOfQuoted(sql, i, "'", true));
		else if (c === '"') push('quoted', endOfQuoted(sql, i, '"', false));
		else if (c === '$' && next === '$' && !(i > 0 && IDENTIFIER_CHAR.test(sql[i - 1]))) {
			push('quoted', endOf(sql, i + 2, '$$'));
		} else if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
			push('comment', endOf(sql, i + 2, '\n'));
		} else if (c === '/' && next === '*') push('comment', endOf(sql, i + 2, '*/'));
		else i++;
	}
	if (codeStart < sql.length) result.push({ kind: 'code', start: codeStart, end: sql.length });
	return result;
}

export interface Placeholder {
	start: number;
	end: number;
	/** The 1-based query parameter it binds: N of `:N`, or the position of a `?`. */
	parameter: number;
	numbered: boolean;
}

/** Every `?` and `:N` outside strings, identifiers and comments, in text order. */
export function findPlaceholders(sql: string): Placeholder[] {
	const found: Placeholder[] = [];
	for (const segment of segments(sql)) {
		if (segment.kind !== 'code') continue;
		let i = segment.start;
		while (i < segment.end) {
			const c = sql[i];
			if (c === '?') {
				found.push({ start: i, end: i + 1, parameter: found.length + 1, numbered: false });
				i++;
			} else if (c === ':' && sql[i + 1] === ':') {
				i += 2;
			} else if (c === ':' && /\d/.test(sql[i + 1] ?? '') && i + 1 < segment.end) {
				let j = i + 1;
				while (j < segment.end && /\d/.test(sql[j])) j++;
				const number = Number(sql.slice(i + 1, j));
				if (number === 0) {
					throw new SqlInputError(
						`Placeholder ${sql.slice(i, j)} is not valid: numbered placeholders start at :1`,
					);
				}
				found.push({ start: i, end: j, parameter: number, numbered: true });
				i = j;
			} else {
				i++;
			}
		}
	}
	const numbered = found.filter((p) => p.numbered);
	if (numbered.length > 0 && numbered.length < found.length) {
		throw new SqlInputError(
			'The query mixes ? and :N placeholders; use one style: ? for parameters in order, or :1, :2, … by number',
		);
	}
	const highest = placeholderCount(numbered);
	// A set, not numbered.some() per number: that was quadratic in the number of placeholders.
	const present = new Set(numbered.map((p) => p.parameter));
	for (let n = 1; n <= highest; n++) {
		if (!present.has(n)) {
			throw new SqlInputError(
				`Numbered placeholders must run from :1 to :${highest} without gaps; :${n} is missing`,
			);
		}
	}
	return found;
}

/**
 * Every `:name` (any case) outside strings, identifiers and comments, in text order: `:watermark` in
 * `col >= :watermark`, never in `'a :watermark'`, `x::watermark` (a cast) or `:watermark_2`.
 */
export function findNamedPlaceholders(sql: string, name: string): Placeholder[] {
	const found: Placeholder[] = [];
	const wanted = `:${name.toLowerCase()}`;
	for (const segment of segments(sql)) {
		if (segment.kind !== 'code') continue;
		for (let i = segment.start; i + wanted.length <= segment.end; i++) {
			if (sql[i] !== ':' || sql[i - 1] === ':' || sql[i + 1] === ':') continue;
			const end = i + wanted.length;
			if (sql.slice(i, end).toLowerCase() !== wanted || IDENTIFIER_CHAR.test(sql[end] ?? '')) continue;
			found.push({ start: i, end, parameter: found.length + 1, numbered: false });
			i = end - 1;
		}
	}
	return found;
}

/** How many query parameters the placeholders expect. */
export function placeholderCount(placeholders: readonly Placeholder[]): number {
	// A loop, not Math.max(...): spreading 300,000 placeholders overflows the call stack.
	let highest = 0;
	for (const placeholder of placeholders) highest = Math.max(highest, placeholder.parameter);
	return highest;
}

/** `sql` with each placeholder replaced by `replacement(placeholder)`. */
export function rewritePlaceholders(
	sql: string,
	placeholders: readonly Placeholder[],
	replacement: (placeholder: Placeholder, index: number) => string,
): string {
	let text = '';
	let last = 0;
	placeholders.forEach((placeholder, index) => {
		text += sql.slice(last, placeholder.start) + replacement(placeholder, index);
		last = placeholder.end;
	});
	return text + sql.slice(last);
}

/** First keyword (upper case) of each non-empty statement; '' when a statement starts otherwise. */
export function statementKeywords(sql: string): string[] {
	const keywords: string[] = [];
	let current: string | undefined;
	for (const segment of segments(sql)) {
		if (segment.kind === 'comment') continue;
		if (segment.kind === 'quoted') {
			current ??= '';
			continue;
		}
		let i = segment.start;
		while (i < segment.end) {
			const c = sql[i];
			if (c === ';') {
				if (current !== undefined) keywords.push(current);
				current = undefined;
				i++;
			} else if (current !== undefined || /[\s(]/.test(c)) {
				i++;
			} else {
				// Read in place: slicing the rest of the segment for each statement was quadratic.
				let end = i;
				while (end < segment.end && WORD_CHAR.test(sql[end])) end++;
				current = sql.slice(i, end).toUpperCase();
				i = Math.max(end, i + 1);
			}
		}
	}
	if (current !== undefined) keywords.push(current);
	return keywords;
}

/** Statements in `sql` separated by `;` (empty ones and a trailing `;` do not count). */
export function countStatements(sql: string): number {
	return statementKeywords(sql).length;
}

/**
 * `sql` without the `;` that end its last statement, trailing comments kept: `SELECT 1; -- done`
 * becomes `SELECT 1 -- done`. Joining the result with `\n;\n` never puts the separator inside a line
 * comment, and adds no empty statement.
 */
export function withoutTrailingTerminators(sql: string): string {
	const parts = segments(sql);
	let last = -1; // end of the last character that is neither blank nor `;` nor part of a comment
	for (const segment of parts) {
		if (segment.kind === 'quoted') last = segment.end;
		else if (segment.kind === 'code') {
			for (let i = segment.end - 1; i >= segment.start; i--) {
				if (!/[\s;]/.test(sql[i])) {
					last = Math.max(last, i + 1);
					break;
				}
			}
		}
	}
	if (last < 0) return '';
	let tail = '';
	for (const segment of parts) {
		if (segment.end <= last) continue;
		const text = sql.slice(Math.max(segment.start, last), segment.end);
		tail += segment.kind === 'comment' ? text : text.replace(/;/g, '');
	}
	// trimEnd, not replace(/\s+$/): that rescans every run of blanks to its end (quadratic).
	return sql.slice(0, last) + tail.trimEnd();
}

const FILE_TRANSFER_MESSAGE =
	'PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead.';

/** Refuses SQL in which any statement is PUT or GET. */
export function assertNoFileTransfer(sql: string): void {
	if (statementKeywords(sql).some((keyword) => keyword === 'PUT' || keyword === 'GET')) {
		throw new SqlInputError(FILE_TRANSFER_MESSAGE);
	}
}
