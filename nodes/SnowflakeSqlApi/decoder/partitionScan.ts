/**
 * The partition decoder: reads a partition's body (`{"data":[[cell, ...], ...]}`, jsonv2) straight into
 * rows, without JSON.parse of the partition. JSON.parse would make a string of every cell (10 million
 * short-lived strings for a million rows of ten columns) only for most of them to become numbers,
 * booleans or new date texts; here each cell is read in place from the body's text by its column's
 * reader (converters.ts), and a string is made only where the value is one.
 *
 * Exactness comes first, speed second:
 * - a cell outside its column's canonical form (an escape in it, a spelling the reader does not know)
 *   is converted by the column's converter from the cell's string, as JSON.parse would have made it;
 * - anything outside the canonical body (another key than `data`, a cell that is neither a string
 *   nor null, a row of the wrong width, text after the end, invalid JSON) answers `undefined`, and
 *   the caller takes the reference path: JSON.parse of the body and the row decoder, whose result and
 *   errors are then exactly those of that path (a body that is not JSON stays a body that is not JSON).
 * test/unit/decoder/partitionScan.fuzz.test.ts holds both paths equal over random and malformed cells.
 *
 * The same scan writes a result file without rows (renderPartition): each cell's value, made exactly as
 * above, goes to the file format's text for it and straight into UTF-8 chunks; the CSV and JSON Lines
 * bytes equal those of the decoded rows written by the writers (test/unit/helpers/resultFile.fuzz.test.ts).
 */
import { NOT_CANONICAL, PRINT_ROOM, printedDecimalLength, type CellPrinter, type CellReader, type Converter, type PrintKind } from './converters';
import type { DecodedRow, RowFormat } from './types';


/** The same decoding of the body's bytes as the transport's JSON path (a BOM dropped, invalid UTF-8 replaced). */
const utf8 = new TextDecoder();

/**
 * A substring this long is a view of the whole partition's text in V8 (a shorter one is a copy): a kept
 * value that is one is copied, so a row never holds the text of the partition it came from.
 */
const SHARED_SUBSTRING_LENGTH = 13;

/** What the scan needs of a row decoder, decided once per result. */
export interface ScanColumns {
	keys: readonly string[];
	converters: readonly Converter[];
	/** The reader of each column's canonical form; undefined where the value is made from the cell's string. */
	readers: ReadonlyArray<CellReader | undefined>;
	/** How a file gets each column's cells straight from the text (converters.ts PrintKind); undefined: from the value. */
	printers: ReadonlyArray<CellPrinter | undefined>;
	printKinds: ReadonlyArray<PrintKind | undefined>;
	/** A row with every key, null (a row starts as a copy of it, so a NULL cell costs nothing). */
	template: DecodedRow;
}

/**
 * What the scan does with the cells of the rows it converts (the first `limit`): decodePartition builds
 * row objects, renderPartition writes each row's text (a file's records) without building rows.
 */
interface RowSink {
	/** Whether the values are kept (a string value must then not be a view of the partition's text). */
	readonly keep: boolean;
	/** Whether print() may take cells (else it is never called). */
	readonly printing: boolean;
	/**
	 * Takes the string cell that starts at text[start] (after its opening quote) as it is, without its
	 * value, when it can write exactly what cell() would: answers the index of the cell's closing quote,
	 * or -1 when it wrote nothing (the scan then reads the cell itself).
	 */
	print(column: number, text: string, start: number): number;
	startRow(): void;
	/** The value of column `column`: null for SQL NULL, else as the column's converter makes it. */
	cell(column: number, value: unknown): void;
	endRow(index: number): void;
}

/** Rows into out[offset], out[offset + 1], ... */
class ObjectRows implements RowSink {
	readonly keep = true;
	readonly printing = false;
	private row: DecodedRow = {};

	constructor(
		private readonly columns: ScanColumns,
		private readonly out: DecodedRow[],
		private readonly offset: number,
	) {}

	startRow(): void {
		this.row = { ...this.columns.template };
	}

	print(): number {
		return -1;
	}

	cell(column: number, value: unknown): void {
		// the row already holds null
		if (value !== null) this.row[this.columns.keys[column]] = value;
	}

	endRow(index: number): void {
		this.out[this.offset + index] = this.row;
	}
}

/** Bytes of text collected before a chunk is handed over: the file is written in chunks of about this size. */
const CHUNK_BYTES = 1 << 16;

/** What a chunk holds: room for one more piece of up to this many characters (UTF-8: at most 3 bytes each). */
const utf8Out = new TextEncoder();

/**
 * Rows as UTF-8, written into chunks of about CHUNK_BYTES bytes as the cells come (no string of a row or
 * of the partition is built: concatenating ten pieces a row made millions of short-lived strings).
 * ASCII is copied a character at a time; anything else is encoded by TextEncoder, which, like
 * Buffer.from, writes a lone surrogate as U+FFFD.
 */
class TextRows implements RowSink {
	readonly keep = false;
	readonly printing: boolean;
	private chunk = new Uint8Array(CHUNK_BYTES);
	private at = 0;
	private readonly json: boolean;
	/** CSV: the delimiter's code (a cell holding it is quoted); -1 for JSON. */
	private readonly delimiterCode: number;
	/** CSV: the delimiter may appear in a printer's text (a digit, a sign, `T`, a letter of true/false...): checked per cell. */
	private readonly checkDelimiter: boolean;
	/** Each column's `before` as bytes when it is ASCII (else undefined: written as text). */
	private readonly beforeBytes: Array<Uint8Array | undefined>;

	constructor(
		private readonly format: RowFormat,
		private readonly chunks: Uint8Array[],
		private readonly printers: ScanColumns['printers'],
		private readonly printKinds: ScanColumns['printKinds'],
	) {
		this.json = format.syntax === 'json';
		this.delimiterCode = format.syntax === 'csv' && format.delimiter?.length === 1 ? format.delimiter.charCodeAt(0) : -1;
		this.printing = this.json || this.delimiterCode !== -1;
		this.checkDelimiter = this.delimiterCode !== -1 && PRINTED_CHARACTERS.includes(String.fromCharCode(this.delimiterCode));
		this.beforeBytes = format.before.map((text) => {
			const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
			return bytes.every((byte, k) => byte === text.charCodeAt(k) && byte < 128) && bytes.length === text.length ? bytes : undefined;
		});
	}

	startRow(): void {}

	cell(column: number, value: unknown): void {
		const { format } = this;
		this.put(format.before[column]);
		this.put(value === null ? format.nullText : format.text(value, column));
	}

	print(column: number, text: string, start: number): number {
		const kind = this.printKinds[column];
		if (kind === undefined) return -1;
		// The closing quote, unless an escape comes first: then the cell's text is refused below (a
		// backslash), as is a control character. A VARIANT finds its own end (its quotes are escaped)
		// within its first MAX_COPIED_JSON characters.
		let end = kind === 'json' ? Math.min(text.length, start + MAX_COPIED_JSON) : text.indexOf('"', start);
		if (end < 0) return -1;
		const before = this.format.before[column];
		// Room for the whole cell (at most 3 bytes a character), so nothing is flushed while it is written
		// (a failed print is undone).
		this.reserve(3 * (before.length + end - start) + PRINT_ROOM + 2);
		const mark = this.at;
		const { chunk, json, delimiterCode } = this;
		const beforeBytes = this.beforeBytes[column];
		let at = mark;
		if (beforeBytes === undefined) {
			this.put(before);
			at = this.at;
		} else {
			for (let k = 0; k < beforeBytes.length; k++) chunk[at++] = beforeBytes[k];
		}
		let n: number;
		switch (kind) {
			case 'number':
			case 'string': {
				const quoted = json && kind === 'string';
				n = (this.printers[column] as CellPrinter)(text, start, end, chunk, quoted ? at + 1 : at);
				if (n < 0) break;
				if (quoted) {
					chunk[at] = 34;
					chunk[n++] = 34;
				} else if (this.checkDelimiter && csvQuoting(chunk, at, n, delimiterCode)) {
					n = -1;
				}
				break;
			}
			case 'text':
				n = json ? copyJsonString(text, start, end, chunk, at) : copyCsvText(text, start, end, chunk, at, delimiterCode);
				break;
			default:
				n = copyCompactJson(text, start, end, chunk, at, delimiterCode);
				end = copiedEnd;
		}
		if (n < 0) {
			this.at = mark;
			return -1;
		}
		this.at = n;
		return end;
	}

	endRow(): void {
		this.put(this.format.rowEnd);
		if (this.at >= CHUNK_BYTES) this.flush();
	}

	/** Makes room for `bytes` more bytes in the chunk. */
	private reserve(bytes: number): void {
		if (this.at + bytes > this.chunk.length) {
			this.flush();
			// A piece longer than a chunk gets a chunk of its own size.
			if (bytes > this.chunk.length) this.chunk = new Uint8Array(bytes);
		}
	}

	private put(text: string): void {
		const length = text.length;
		this.reserve(3 * length);
		const { chunk } = this;
		let at = this.at;
		for (let i = 0; i < length; i++) {
			const code = text.charCodeAt(i);
			if (code >= 128) {
				at += utf8Out.encodeInto(text.substring(i), chunk.subarray(at)).written;
				break;
			}
			chunk[at++] = code;
		}
		this.at = at;
	}

	flush(): void {
		if (this.at > 0) this.chunks.push(this.chunk.subarray(0, this.at));
		this.chunk = new Uint8Array(CHUNK_BYTES);
		this.at = 0;
	}
}

/** Every character a CellPrinter writes (numbers, true/false, dates and times with `T`, `Z` and offsets). */
const PRINTED_CHARACTERS = '0123456789.-+:TZtruefals';

/** Whether the CSV writer quotes the ASCII cell out[from, to): it holds a quote, a line break or the delimiter. */
function csvQuoting(out: Uint8Array, from: number, to: number, delimiterCode: number): boolean {
	for (let i = from; i < to; i++) {
		const c = out[i];
		if (c === 34 || c === 10 || c === 13 || c === delimiterCode) return true;
	}
	return false;
}

/** Set by putNonAscii: the index of the last character it wrote (the low half of a surrogate pair). */
let lastPut = 0;

/**
 * Writes the character text[i] (and its low surrogate) as UTF-8 at out[n]; the end, or -1 for a lone
 * surrogate (JSON.stringify escapes it, UTF-8 replaces it: the value's path decides).
 */
function putNonAscii(text: string, i: number, end: number, c: number, out: Uint8Array, n: number): number {
	lastPut = i;
	if (c < 0x800) {
		out[n++] = 0xc0 | (c >> 6);
		out[n++] = 0x80 | (c & 63);
	} else if (c < 0xd800 || c > 0xdfff) {
		out[n++] = 0xe0 | (c >> 12);
		out[n++] = 0x80 | ((c >> 6) & 63);
		out[n++] = 0x80 | (c & 63);
	} else {
		const low = i + 1 < end ? text.charCodeAt(i + 1) : 0;
		if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return -1;
		const point = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
		out[n++] = 0xf0 | (point >> 18);
		out[n++] = 0x80 | ((point >> 12) & 63);
		out[n++] = 0x80 | ((point >> 6) & 63);
		out[n++] = 0x80 | (point & 63);
		lastPut = i + 1;
	}
	return n;
}

/**
 * A TEXT cell (no escape: so no quote, backslash or control character) as JSON.stringify writes it:
 * quoted, as it is. -1 for a lone surrogate, an escape or a control character (the scan's).
 */
function copyJsonString(text: string, start: number, end: number, out: Uint8Array, at: number): number {
	out[at] = 34;
	let n = copyCharacters(text, start, end, out, at + 1, -1, false);
	if (n < 0) return -1;
	out[n++] = 34;
	return n;
}

/**
 * A TEXT cell (no escape: no quote, CR or LF in it) as the CSV writer writes it: `""` when empty,
 * quoted when it holds the delimiter, else as it is. -1 for a lone surrogate, an escape or a control
 * character (the scan's).
 */
function copyCsvText(text: string, start: number, end: number, out: Uint8Array, at: number, delimiterCode: number): number {
	if (start === end) {
		out[at] = 34;
		out[at + 1] = 34;
		return at + 2;
	}
	// Written after a place for the opening quote, which is dropped when the cell needs none.
	const n = copyCharacters(text, start, end, out, at + 1, delimiterCode, false);
	return n < 0 ? -1 : closeCsvCell(out, at, n, copiedDelimiter);
}

/** Set by copyCharacters: whether it copied the delimiter (a code unit equal to it); where a VARIANT string's closing `\"` is. */
let copiedDelimiter = false;
let innerEnd = 0;

/**
 * Copies text[from, end) as UTF-8 to out[n] and answers the end; -1 for a control character, a raw
 * quote, a lone surrogate or a backslash, but in a VARIANT's string (`inner`) the `\"` that closes
 * it, where the copy stops (innerEnd); an inner string without it is -1 too.
 */
function copyCharacters(text: string, from: number, end: number, out: Uint8Array, n: number, delimiterCode: number, inner: boolean): number {
	copiedDelimiter = false;
	for (let i = from; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c === 34 || c < 32) return -1;
		if (c === 92) {
			if (!inner || text.charCodeAt(i + 1) !== 34) return -1;
			innerEnd = i;
			return n;
		}
		if (c < 128) {
			out[n++] = c;
		} else {
			n = putNonAscii(text, i, end, c, out, n);
			if (n < 0) return -1;
			// the high half here, the low half of a pair next: the CSV writer compares both
			if (c === delimiterCode) copiedDelimiter = true;
			i = lastPut;
		}
		if (text.charCodeAt(i) === delimiterCode) copiedDelimiter = true;
	}
	return inner ? -1 : n;
}

/** Ends a CSV cell written from out[at + 1]: quoted (the quote at out[at]) or moved back one place. */
function closeCsvCell(out: Uint8Array, at: number, n: number, quote: boolean): number {
	if (quote) {
		out[at] = 34;
		out[n] = 34;
		return n + 1;
	}
	out.copyWithin(at, at + 1, n);
	return n - 1;
}

/** The longest VARIANT cell copied (longer ones go through their value). */
const MAX_COPIED_JSON = 4096;

/** Deepest nesting and most keys per object a VARIANT is copied with (deeper or wider: through its value). */
const MAX_COPY_DEPTH = 64;
const MAX_COPY_KEYS = 32;
const containers = new Uint8Array(MAX_COPY_DEPTH);
const keyBase = new Int32Array(MAX_COPY_DEPTH);
const keyStart = new Int32Array(MAX_COPY_DEPTH * MAX_COPY_KEYS);
const keyEnd = new Int32Array(MAX_COPY_DEPTH * MAX_COPY_KEYS);

const OBJECT = 1;
const ARRAY = 2;

/**
 * A VARIANT object or array cell from text[start] (its JSON in the cell's string, escaped: an inner
 * quote is `\"`; the cell's closing quote, its index left in copiedEnd, must come before `end`) as
 * JSON.stringify of its parsed value writes it, without parsing it: the white space outside strings
 * (spaces, `\n`, `\r`, `\t`: Snowflake's pretty print) dropped, the rest copied. Only where the copy is
 * exactly that text: strings without escapes or lone surrogates, numbers as JS prints them (at most
 * 15 significant digits, no exponent, no `-0`), only true/false/null, no duplicate key and no key of
 * digits (an object puts those first), at most MAX_COPY_DEPTH levels; else -1. CSV (delimiterCode not
 * -1): quoted as the CSV writer quotes, its quotes doubled.
 */
function copyCompactJson(text: string, start: number, end: number, out: Uint8Array, at: number, delimiterCode: number): number {
	const csv = delimiterCode !== -1;
	let n = csv ? at + 1 : at;
	let quote = false;
	let depth = 0;
	let keyTop = 0;
	let i = start;
	/** 0: a value, 1: a key (or `}` right after `{`), 2: after a value, 3: `:` */
	let expect = 0;
	let first = true;
	for (;;) {
		// white space: a space, or \n \r \t (escaped in the cell)
		let c = text.charCodeAt(i);
		while (c === 32 || (c === 92 && isEscapedSpace(text.charCodeAt(i + 1)))) {
			i += c === 32 ? 1 : 2;
			c = text.charCodeAt(i);
		}
		if (i >= end) return -1;
		if (expect === 2) {
			const top = containers[depth - 1];
			if (c === 44) {
				out[n++] = 44;
				if (delimiterCode === 44) quote = true;
				i++;
				expect = top === OBJECT ? 1 : 0;
				first = false;
				continue;
			}
			if ((c === 125 && top === OBJECT) || (c === 93 && top === ARRAY)) {
				out[n++] = c;
				if (c === delimiterCode) quote = true;
				i++;
				depth--;
				if (top === OBJECT) keyTop = keyBase[depth];
				if (depth === 0) break;
				continue;
			}
			return -1;
		}
		if (expect === 3) {
			if (c !== 58) return -1;
			out[n++] = 58;
			if (delimiterCode === 58) quote = true;
			i++;
			expect = 0;
			continue;
		}
		if (expect === 1) {
			if (c === 125 && first) {
				expect = 2;
				continue;
			}
			if (c !== 92 || text.charCodeAt(i + 1) !== 34) return -1;
			const keyFrom = i + 2;
			const copied = copyInnerString(text, keyFrom, end, out, n, delimiterCode);
			if (copied < 0) return -1;
			const keyTo = innerEnd;
			// CSV: the string's quotes quote the cell
			if (csv) quote = true;
			// A key of digits (an array index) is written first by an object; a repeated key once.
			let digits = keyTo > keyFrom;
			for (let k = keyFrom; k < keyTo && digits; k++) {
				const d = text.charCodeAt(k);
				digits = d >= 48 && d <= 57;
			}
			if (digits) return -1;
			const base = keyBase[depth - 1];
			if (keyTop - base >= MAX_COPY_KEYS) return -1;
			for (let k = base; k < keyTop; k++) {
				if (keyEnd[k] - keyStart[k] === keyTo - keyFrom && sameText(text, keyStart[k], keyFrom, keyTo - keyFrom)) return -1;
			}
			keyStart[keyTop] = keyFrom;
			keyEnd[keyTop] = keyTo;
			keyTop++;
			n = copied;
			i = keyTo + 2;
			expect = 3;
			continue;
		}
		// a value
		if (c === 123 || c === 91) {
			if (depth === MAX_COPY_DEPTH) return -1;
			containers[depth] = c === 123 ? OBJECT : ARRAY;
			if (c === 123) keyBase[depth] = keyTop;
			depth++;
			out[n++] = c;
			if (c === delimiterCode) quote = true;
			i++;
			expect = c === 123 ? 1 : 0;
			first = true;
			continue;
		}
		if (depth === 0) return -1; // a scalar VARIANT: through its value
		if (c === 93 && first && containers[depth - 1] === ARRAY) {
			expect = 2;
			continue;
		}
		if (c === 92 && text.charCodeAt(i + 1) === 34) {
			const copied = copyInnerString(text, i + 2, end, out, n, delimiterCode);
			if (copied < 0) return -1;
			if (csv) quote = true;
			n = copied;
			i = innerEnd + 2;
		} else if (c === 45 || (c >= 48 && c <= 57)) {
			let j = i + 1;
			for (; j < end; j++) {
				const d = text.charCodeAt(j);
				if (!((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
			}
			if (printedDecimalLength(text, i, j, true) !== j - i) return -1;
			for (; i < j; i++) {
				const d = text.charCodeAt(i);
				if (d === delimiterCode) quote = true;
				out[n++] = d;
			}
		} else {
			const length = c === 116 && text.startsWith('true', i) ? 4 : c === 102 && text.startsWith('false', i) ? 5 : c === 110 && text.startsWith('null', i) ? 4 : 0;
			if (length === 0 || i + length > end) return -1;
			for (let k = 0; k < length; k++) {
				const d = text.charCodeAt(i++);
				if (d === delimiterCode) quote = true;
				out[n++] = d;
			}
		}
		expect = 2;
		first = false;
	}
	// only white space after the value
	for (;;) {
		const c = text.charCodeAt(i);
		if (c === 32) i++;
		else if (c === 92 && isEscapedSpace(text.charCodeAt(i + 1))) i += 2;
		else break;
	}
	// the cell's closing quote
	if (i >= end || text.charCodeAt(i) !== 34) return -1;
	copiedEnd = i;
	return csv ? closeCsvCell(out, at, n, quote) : n;
}

/** Whether text[a, a + length) and text[b, b + length) are the same characters. */
function sameText(text: string, a: number, b: number, length: number): boolean {
	for (let k = 0; k < length; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
	return true;
}

/** \n, \r, \t after a backslash: JSON white space inside the cell. */
function isEscapedSpace(c: number): boolean {
	return c === 110 || c === 114 || c === 116;
}

/** Set by copyCompactJson: the index of the cell's closing quote. */
let copiedEnd = 0;

/**
 * A VARIANT string from text[from] (after its opening `\"`) to its closing `\"`, copied as
 * `"..."` (CSV: `""...""`) to out[n]; its end, or -1 for an escape in it (a backslash other than the
 * closing one), a lone surrogate, or no end before `end`.
 */
function copyInnerString(text: string, from: number, end: number, out: Uint8Array, n: number, delimiterCode: number): number {
	const csv = delimiterCode !== -1;
	out[n++] = 34;
	if (csv) out[n++] = 34;
	n = copyCharacters(text, from, end, out, n, delimiterCode, true);
	if (n < 0) return -1;
	out[n++] = 34;
	if (csv) out[n++] = 34;
	return n;
}

/**
 * Decodes the partition `body` (bytes or text) into out[offset], out[offset + 1], ... for its first
 * `limit` rows (the others are read and counted, not converted). Returns how many rows the partition
 * holds, or undefined when the body is not the canonical form (see above: the caller parses it).
 */
export function scanPartition(body: unknown, columns: ScanColumns, out: DecodedRow[], offset: number, limit: number): number | undefined {
	return scan(body, columns, new ObjectRows(columns, out, offset), limit);
}

/**
 * Writes the first `limit` rows of the partition `body` as UTF-8 text in `format`, appended to `chunks`
 * in pieces of about CHUNK_BYTES bytes; the text of a row is the format's text of the row
 * decodePartition makes. Returns the rows the partition holds, or undefined as scanPartition does
 * (then `chunks` may hold part of the partition: the caller drops them and decodes the rows instead).
 */
export function renderPartition(body: unknown, columns: ScanColumns, format: RowFormat, limit: number, chunks: Uint8Array[]): number | undefined {
	const sink = new TextRows(format, chunks, columns.printers, columns.printKinds);
	const rows = scan(body, columns, sink, limit);
	sink.flush();
	return rows;
}

function scan(body: unknown, columns: ScanColumns, sink: RowSink, limit: number): number | undefined {
	let text: string;
	if (body instanceof Uint8Array) text = utf8.decode(body);
	else if (typeof body === 'string') text = body;
	else return undefined;
	const { keys, converters, readers } = columns;
	const { keep, printing } = sink;
	const width = keys.length;
	if (width === 0) return undefined;

	let i = skipSpace(text, 0);
	if (text.charCodeAt(i) !== 123) return undefined; // {
	i = skipSpace(text, i + 1);
	if (!text.startsWith('"data"', i)) return undefined;
	i = skipSpace(text, i + 6);
	if (text.charCodeAt(i) !== 58) return undefined; // :
	i = skipSpace(text, i + 1);
	if (text.charCodeAt(i) !== 91) return undefined; // [
	i = skipSpace(text, i + 1);
	let rows = 0;
	/** The closing quote of the cell being read. */
	let end = 0;
	if (text.charCodeAt(i) === 93) {
		i++;
	} else {
		for (;;) {
			if (text.charCodeAt(i) !== 91) return undefined;
			i++;
			const converting = rows < limit;
			if (converting) sink.startRow();
			for (let c = 0; c < width; c++) {
				let ch = text.charCodeAt(i);
				if (ch === 32 || ch === 10 || ch === 13 || ch === 9) {
					i = skipSpace(text, i);
					ch = text.charCodeAt(i);
				}
				if (ch === 34 && printing && converting && (end = sink.print(c, text, i + 1)) >= 0) {
					i = end + 1;
				} else if (ch === 34) {
					const start = i + 1;
					end = start;
					let escaped = false;
					for (;;) {
						const code = text.charCodeAt(end);
						if (code === 34) break;
						if (code === 92) {
							end = afterEscape(text, end);
							if (end < 0) return undefined;
							escaped = true;
						} else if (code >= 32) {
							end++;
						} else {
							// a control character (invalid in JSON strings) or the end of the text (NaN)
							return undefined;
						}
					}
					i = end + 1;
					if (converting) sink.cell(c, cellValue(text, start, end, escaped, readers[c], converters[c], keep));
				} else if (ch === 110 && text.startsWith('null', i)) {
					i += 4;
					if (converting) sink.cell(c, null);
				} else {
					return undefined;
				}
				ch = text.charCodeAt(i);
				if (ch === 32 || ch === 10 || ch === 13 || ch === 9) {
					i = skipSpace(text, i);
					ch = text.charCodeAt(i);
				}
				if (ch !== (c + 1 < width ? 44 : 93)) return undefined; // , between cells, ] after the last
				i++;
			}
			if (converting) sink.endRow(rows);
			rows++;
			i = skipSpace(text, i);
			const next = text.charCodeAt(i);
			if (next === 44) {
				i = skipSpace(text, i + 1);
			} else if (next === 93) {
				i++;
				break;
			} else {
				return undefined;
			}
		}
	}
	i = skipSpace(text, i);
	if (text.charCodeAt(i) !== 125) return undefined; // }
	return skipSpace(text, i + 1) === text.length ? rows : undefined;
}

/** The value of the string cell text[start, end) (between its quotes). */
function cellValue(text: string, start: number, end: number, escaped: boolean, read: CellReader | undefined, convert: Converter, keep: boolean): unknown {
	if (!escaped && read !== undefined) {
		const value = read(text, start, end);
		if (value !== NOT_CANONICAL) return value;
	}
	// The cell's string exactly as JSON.parse makes it (escapes decoded by JSON.parse itself).
	const cell = escaped ? (JSON.parse(text.substring(start - 1, end + 1)) as string) : text.substring(start, end);
	const value = convert(cell);
	if (keep && value === cell && !escaped && cell.length >= SHARED_SUBSTRING_LENGTH) return JSON.parse(text.substring(start - 1, end + 1)) as string;
	return value;
}

/** Index after the escape at text[at] (a backslash), or -1 when JSON does not allow it. */
function afterEscape(text: string, at: number): number {
	switch (text.charCodeAt(at + 1)) {
		case 34: // "
		case 92: // \
		case 47: // /
		case 98: // b
		case 102: // f
		case 110: // n
		case 114: // r
		case 116: // t
			return at + 2;
		case 117: // u: four hex digits
			for (let k = at + 2; k < at + 6; k++) {
				const c = text.charCodeAt(k);
				if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return -1;
			}
			return at + 6;
		default:
			return -1;
	}
}

/** Index of the first character at or after `i` that is not JSON white space. */
function skipSpace(text: string, i: number): number {
	for (;;) {
		const c = text.charCodeAt(i);
		if (c === 32 || c === 10 || c === 13 || c === 9) i++;
		else return i;
	}
}
