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
 */
import { NOT_CANONICAL, type CellReader, type Converter } from './converters';
import type { DecodedRow } from './types';

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
 * Decodes the partition `body` (bytes or text) into out[offset], out[offset + 1], ... for its first
 * `limit` rows (the others are read and counted, not converted). Returns how many rows the partition
 * holds, or undefined when the body is not the canonical form (see above: the caller parses it).
 */
export function scanPartition(body: unknown, columns: ScanColumns, out: DecodedRow[], offset: number, limit: number): number | undefined {
	let text: string;
	if (body instanceof Uint8Array) text = utf8.decode(body);
	else if (typeof body === 'string') text = body;
	else return undefined;
	const { keys, converters, readers, template } = columns;
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
			const row: DecodedRow | undefined = rows < limit ? { ...template } : undefined;
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
					if (row !== undefined) row[keys[c]] = cellValue(text, start, end, escaped, readers[c], converters[c]);
				} else if (ch === 110 && text.startsWith('null', i)) {
					i += 4; // the row already holds null
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
			if (row !== undefined) out[offset + rows] = row;
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
function cellValue(text: string, start: number, end: number, escaped: boolean, read: CellReader | undefined, convert: Converter): unknown {
	if (!escaped && read !== undefined) {
		const value = read(text, start, end);
		if (value !== NOT_CANONICAL) return value;
	}
	// The cell's string exactly as JSON.parse makes it (escapes decoded by JSON.parse itself).
	const cell = escaped ? (JSON.parse(text.substring(start - 1, end + 1)) as string) : text.substring(start, end);
	const value = convert(cell);
	if (value === cell && !escaped && cell.length >= SHARED_SUBSTRING_LENGTH) return JSON.parse(text.substring(start - 1, end + 1)) as string;
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
