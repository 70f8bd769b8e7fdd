/**
 * What the decoder reads and returns. The transport's result types use these; the decoder itself
 * knows nothing of HTTP.
 */

/** One column of `resultSetMetaData.rowType`. */
export interface RowType {
	name: string;
	/** Lower case on the wire: fixed, real, text, boolean, date, time, timestamp_ntz, ... */
	type: string;
	database?: string;
	schema?: string;
	table?: string;
	length?: number | null;
	byteLength?: number | null;
	precision?: number | null;
	scale?: number | null;
	nullable?: boolean;
	collation?: string | null;
	/**
	 * The real type when `type` is only its carrier: GEOGRAPHY and GEOMETRY columns arrive as
	 * `"type": "object"` with `"extTypeName": "GEOGRAPHY"` / `"GEOMETRY"` (Snowflake's drivers decode by it).
	 */
	extTypeName?: string | null;
}

/** How decoded cells are shaped (see the README's type table). */
export interface DecodeOptions {
	/** Return every FIXED/REAL/DECFLOAT value as its exact decimal string. Default false. */
	numbersAsStrings?: boolean;
	/** IANA zone used to render TIMESTAMP_LTZ (default: UTC, output ends in `Z`). */
	timezone?: string;
}

/** Decoded row: column name → JS value. Duplicate column names get `_2`, `_3`, ... suffixes. */
export type DecodedRow = Record<string, unknown>;

/**
 * How rows are written as text, cell by cell, with no row object in between (a result written as a
 * file): the text of row r is before[0] + text(cell 0) + before[1] + ... + text(cell n-1) + rowEnd,
 * a NULL's text being nullText.
 */
export interface RowFormat {
	readonly before: readonly string[];
	readonly rowEnd: string;
	readonly nullText: string;
	/**
	 * The file's syntax, for cells written straight from the partition's text without their value (numbers,
	 * booleans, dates and times, text, VARIANT in canonical form): 'csv' quotes a cell as the CSV writer
	 * does (with `delimiter`), 'json' writes JSON.stringify's text. Absent: every cell goes through text().
	 */
	readonly syntax?: 'csv' | 'json';
	readonly delimiter?: string;
	/** The text of a non-null value of column `column`, the value as decodePartition makes it. */
	text(value: unknown, column: number): string;
}

export interface RowDecoder {
	/** Object keys in column order (duplicates suffixed `_2`, `_3`, ...). */
	readonly keys: readonly string[];
	/** Decodes the first `limit` rows of `data` (all by default) into out[offset], ... (appends by default). */
	decodeInto(data: ReadonlyArray<ReadonlyArray<string | null>>, out: DecodedRow[], limit?: number, offset?: number): void;
	/**
	 * decodeInto that empties `data` as it goes: each wire row is dropped once decoded, so the garbage
	 * collector never has to keep (and copy) the raw cells of rows already decoded. For rows nobody
	 * else holds (a partition the transport just parsed).
	 */
	consumeInto(data: Array<Array<string | null> | undefined>, out: DecodedRow[], limit?: number, offset?: number): void;
	decode(data: ReadonlyArray<ReadonlyArray<string | null>>, limit?: number): DecodedRow[];
	/**
	 * Decodes a partition straight from its body (the decompressed bytes, or text, of `{"data":[...]}`)
	 * into out[offset], ... for its first `limit` rows. Returns the rows the partition holds, or
	 * undefined when the body is not in the canonical form: the caller then parses it (a body that is
	 * not JSON fails there, as it always did) and decodes the rows with consumeInto. Never throws.
	 */
	decodePartition(body: unknown, out: DecodedRow[], offset: number, limit: number): number | undefined;
	/**
	 * decodePartition writing each row as text in `format` instead of an object (a result written as a
	 * file): the text of the first `limit` rows appended to `chunks` as UTF-8, in pieces of about 64 KB.
	 * Undefined as decodePartition answers it, `chunks` then holding part of the partition, to be dropped
	 * (the caller decodes the rows and writes them itself). Never throws, but for what `format.text` throws.
	 */
	renderPartition(body: unknown, format: RowFormat, limit: number, chunks: Uint8Array[]): number | undefined;
}
