/**
 * CSV as RFC 4180 describes it, both ways, in one pass over the characters (linear time, no regex):
 * - writing: a header of the column keys, then one record per row, CRLF after each record; a cell is
 *   quoted when it holds the delimiter, a quote, CR or LF, or is the empty string. SQL NULL is an empty
 *   unquoted cell, so NULL and '' stay apart (as PostgreSQL's COPY … CSV writes them);
 * - reading: fed chunk by chunk (a record may span chunks), records end at CRLF, LF or CR; an
 *   unquoted empty cell reads as null, a quoted one as ''. Blank lines are skipped. A record over
 *   MAX_RECORD_CHARS fails (an unclosed quote would otherwise swallow the rest of the file).
 */
import type { RowFormat, RowWriter } from '../transport';
import { SqlInputError } from './inputErrors';

const QUOTE = 34;
const LF = 10;
const CR = 13;

const JSON_TYPES = new Set(['variant', 'object', 'array', 'map']);

/**
 * Longest record read: no statement over 1 MB is sent (helpers/sql.ts), so a longer record could not be
 * written anyway, and this bounds the memory an unclosed quote can take.
 */
export const MAX_RECORD_CHARS = 1_000_000;

/** The delimiter as typed (`\t` for a tab), checked: one character, not a quote or a line break. */
export function csvDelimiter(typed: string | undefined): string {
	const delimiter = typed === undefined || typed === '' ? ',' : typed === '\\t' ? '\t' : typed;
	if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
		throw new SqlInputError(`The CSV delimiter must be one character other than a double quote or a line break (got ${JSON.stringify(delimiter.slice(0, 20))}); use \\t for a tab.`);
	}
	return delimiter;
}

/**
 * A decoded value as the text of its cell: numbers and booleans as JS prints them, objects and arrays
 * as JSON, and every value of a JSON column (VARIANT, OBJECT, ARRAY) as JSON, so a VARIANT string
 * keeps its quotes and reads back as the same VARIANT.
 */
function cellText(value: unknown, json: boolean): string | null {
	if (value === null || value === undefined) return null;
	if (json) return JSON.stringify(value);
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	return JSON.stringify(value);
}

/** Renders rows (objects keyed by column) as CSV records with one delimiter, or cell by cell from partitions (`format`). */
export class CsvWriter implements RowWriter {
	private readonly delimiterCode: number;
	/** Per column: a JSON column, whose values are all written as JSON. */
	private readonly json: boolean[];
	readonly format: RowFormat;

	constructor(
		private readonly keys: readonly string[],
		rowType: ReadonlyArray<{ type: string; extTypeName?: string | null }>,
		private readonly delimiter: string,
	) {
		this.delimiterCode = delimiter.charCodeAt(0);
		this.json = keys.map((_, index) => {
			const column = rowType[index];
			// GEOGRAPHY and GEOMETRY are carried as "object" but may be WKT text: written as decoded.
			return column !== undefined && JSON_TYPES.has(String(column.type).toLowerCase()) && !column.extTypeName;
		});
		// The same text as records() gives each row, written without the row.
		this.format = {
			before: keys.map((_, index) => (index === 0 ? '' : delimiter)),
			rowEnd: '\r\n',
			nullText: '',
			syntax: 'csv',
			delimiter,
			text: (value, column) => this.cell(cellText(value, this.json[column])),
		};
	}

	private cell(text: string | null): string {
		if (text === null) return '';
		if (text === '') return '""';
		for (let i = 0; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c === QUOTE || c === LF || c === CR || c === this.delimiterCode) return `"${text.replaceAll('"', '""')}"`;
		}
		return text;
	}

	header(): string {
		return `${this.keys.map((key) => this.cell(key)).join(this.delimiter)}\r\n`;
	}

	records(rows: ReadonlyArray<Record<string, unknown>>): string {
		const { keys, delimiter } = this;
		let out = '';
		for (const row of rows) {
			for (let c = 0; c < keys.length; c++) {
				if (c > 0) out += delimiter;
				out += this.cell(cellText(row[keys[c]], this.json[c]));
			}
			out += '\r\n';
		}
		return out;
	}
}

/** One record read: its cells (null = unquoted empty) and the line it starts on (1 = the first line). */
type CsvRecordHandler = (cells: Array<string | null>, line: number) => void;

/** An incremental RFC 4180 reader: `push` text as it arrives, then `end`. Throws SqlInputError naming the line. */
export class CsvReader {
	private readonly delimiterCode: number;
	private cells: Array<string | null> = [];
	private field = '';
	/** The field has begun (a character or an opening quote was read): it is not null. */
	private fieldStarted = false;
	private fieldQuoted = false;
	private inQuotes = false;
	/** A quote closed a quoted field: next is a delimiter, a line end, or a quote (an escaped one). */
	private afterQuote = false;
	/** A CR ended the record: an LF right after it belongs to it. */
	private skipLf = false;
	/** The last character inside quotes was a CR (a CRLF there is one line break). */
	private quotedCr = false;
	private line = 1;
	private recordLine = 1;
	private recordChars = 0;
	/**
	 * A blank line is a record of one NULL: in a one-column file that is how a NULL is written (the writer
	 * cannot write it otherwise), so the reader of such a file sets this once it has read the header.
	 * Otherwise a blank line is no record (an empty line between records).
	 */
	blankLineIsNull = false;

	constructor(
		delimiter: string,
		private readonly onRecord: CsvRecordHandler,
	) {
		this.delimiterCode = delimiter.charCodeAt(0);
	}

	private fail(what: string): never {
		throw new SqlInputError(`The CSV file is malformed at line ${this.line}: ${what}`);
	}

	private grow(text: string): void {
		this.count(text.length);
		this.field += text;
	}

	/** Counts `chars` more characters of the record (delimiters too: a line of commas is a record of cells). */
	private count(chars: number): void {
		this.recordChars += chars;
		if (this.recordChars > MAX_RECORD_CHARS) {
			throw new SqlInputError(
				`The CSV record starting at line ${this.recordLine} is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters: a quote that is never closed? No statement can carry a row that long.`,
			);
		}
	}

	private endField(): void {
		this.count(1);
		this.cells.push(this.fieldStarted || this.fieldQuoted ? this.field : null);
		this.field = '';
		this.fieldStarted = false;
		this.fieldQuoted = false;
	}

	private endRecord(): void {
		this.endField();
		const cells = this.cells;
		this.cells = [];
		this.recordChars = 0;
		if (cells.length === 1 && cells[0] === null && !this.blankLineIsNull) return;
		this.onRecord(cells, this.recordLine);
	}

	push(text: string): void {
		let start = 0;
		const n = text.length;
		for (let i = 0; i < n; i++) {
			const c = text.charCodeAt(i);
			if (this.skipLf) {
				this.skipLf = false;
				if (c === LF) {
					start = i + 1;
					continue;
				}
			}
			if (this.inQuotes) {
				if (c === QUOTE) {
					this.grow(text.slice(start, i));
					this.inQuotes = false;
					this.afterQuote = true;
					start = i + 1;
				} else if (c === CR || (c === LF && !this.quotedCr)) {
					this.line++;
				}
				this.quotedCr = c === CR;
				continue;
			}
			if (this.afterQuote) {
				this.afterQuote = false;
				if (c === QUOTE) {
					// "" inside a quoted field: one quote, and the field goes on.
					this.grow('"');
					this.inQuotes = true;
					start = i + 1;
					continue;
				}
				if (c !== this.delimiterCode && c !== LF && c !== CR) this.fail('text after the closing quote of a field (a quote inside a quoted field is written "").');
			}
			if (c === this.delimiterCode) {
				this.grow(text.slice(start, i));
				this.endField();
				start = i + 1;
			} else if (c === LF || c === CR) {
				this.grow(text.slice(start, i));
				this.endRecord();
				this.skipLf = c === CR;
				this.line++;
				this.recordLine = this.line;
				start = i + 1;
			} else if (c === QUOTE) {
				if (this.fieldStarted || this.fieldQuoted || i > start) this.fail('a quote inside an unquoted field (quote the whole field and write the quote as "").');
				this.fieldQuoted = true;
				this.inQuotes = true;
				start = i + 1;
			} else if (!this.fieldStarted) {
				this.fieldStarted = true;
			}
		}
		if (start < n) this.grow(text.slice(start));
	}

	end(): void {
		if (this.inQuotes) {
			throw new SqlInputError(`The CSV file is malformed: the quoted field opened at line ${this.recordLine} is never closed.`);
		}
		if (this.fieldStarted || this.fieldQuoted || this.cells.length > 0) this.endRecord();
	}
}
