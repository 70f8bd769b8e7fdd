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
import { NOT_CANONICAL, type CellReader, type Converter } from './converters';
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
	startRow(): void;
	/** The value of column `column`: null for SQL NULL, else as the column's converter makes it. */
	cell(column: number, value: unknown): void;
	endRow(index: number): void;
}

/** Rows into out[offset], out[offset + 1], ... */
class ObjectRows implements RowSink {
	readonly keep = true;
	private row: DecodedRow = {};

	constructor(
		private readonly columns: ScanColumns,
		private readonly out: DecodedRow[],
		private readonly offset: number,
	) {}

	startRow(): void {
		this.row = { ...this.columns.template };
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
	private chunk = new Uint8Array(CHUNK_BYTES);
	private at = 0;

	constructor(
		private readonly format: RowFormat,
		private readonly chunks: Uint8Array[],
	) {}

	startRow(): void {}

	cell(column: number, value: unknown): void {
		const { format } = this;
		this.put(format.before[column]);
		this.put(value === null ? format.nullText : format.text(value, column));
	}

	endRow(): void {
		this.put(this.format.rowEnd);
		if (this.at >= CHUNK_BYTES) this.flush();
	}

	private put(text: string): void {
		const length = text.length;
		if (this.at + 3 * length > this.chunk.length) {
			this.flush();
			// A piece longer than a chunk gets a chunk of its own size.
			if (3 * length > this.chunk.length) this.chunk = new Uint8Array(3 * length);
		}
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
	const sink = new TextRows(format, chunks);
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
	const { keep } = sink;
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
				if (ch === 34) {
					const start = i + 1;
					let end = start;
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
