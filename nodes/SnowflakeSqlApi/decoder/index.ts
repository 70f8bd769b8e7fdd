/**
 * Result decoding: jsonv2 rows (arrays of strings or null) → plain objects keyed by column name,
 * each cell converted by its column's rowType (see converters.ts for the type table). Partitions
 * fetched as bytes are read without JSON.parse (partitionScan.ts); rows already parsed (partition 0,
 * inline in the status response, and any body the scan hands back) go through the loop below.
 *
 * Everything per column (key, converter) is decided once in createRowDecoder; the per-row loop only
 * indexes arrays and calls the column's function, so decoding costs about as much as building the
 * objects. SQL NULL (JSON null) is null for every type. With `nullable=false` Snowflake sends NULL
 * as the string "null", which cannot be told apart from a TEXT value "null"; it is therefore not
 * converted (a numeric or temporal column returns the string "null" unchanged).
 */
import { columnCodec, type ConverterOptions } from './converters';
import { DecodeError } from './errors';
import { renderPartition, scanPartition, type ScanColumns } from './partitionScan';
import { isKnownTimeZone } from './timeZone';
import type { DecodedRow, DecodeOptions, RowDecoder, RowType } from './types';

export { daysFromCivil } from './calendar';
export { DecodeError } from './errors';
export { parseJson } from './json';
export type { DecodedRow, DecodeOptions, RowDecoder, RowFormat, RowType } from './types';

/** Checks DecodeOptions once, so an unknown time zone fails before any request. Throws a 'config' DecodeError. */
export function checkDecodeOptions(options?: DecodeOptions): void {
	resolveOptions(options);
}

function resolveOptions(options: DecodeOptions = {}): ConverterOptions {
	const { timezone } = options;
	if (timezone !== undefined && !isKnownTimeZone(timezone)) {
		throw new DecodeError('config', `Unknown time zone "${timezone}". Use an IANA zone name such as Europe/Berlin or America/New_York.`);
	}
	return { numbersAsStrings: options.numbersAsStrings === true, timeZone: timezone };
}

/**
 * The most columns a result may have. Snowflake's own limits are far lower in practice (a table's rows
 * are capped at 16 MB and result sets of a few thousand columns are already unusual), so a rowType
 * wider than this comes from a broken or hostile server, not from a query.
 */
const MAX_COLUMNS = 10_000;

/**
 * Column names as object keys; a repeated name gets `_2`, `_3`, ... (skipping names already taken).
 * Linear: each base name remembers the next suffix to try, and a suffix once refused stays refused
 * (names only ever become more taken), so 40,000 columns of one name cost 40,000 steps, not 800 million.
 */
export function columnKeys(rowType: readonly RowType[]): string[] {
	const taken = new Set(rowType.map((column) => column.name));
	const used = new Set<string>();
	const nextSuffix = new Map<string, number>();
	return rowType.map((column) => {
		let key = column.name;
		if (used.has(key)) {
			let n = nextSuffix.get(column.name) ?? 2;
			for (; ; n++) {
				const candidate = `${column.name}_${n}`;
				if (!taken.has(candidate) && !used.has(candidate)) {
					key = candidate;
					break;
				}
			}
			nextSuffix.set(column.name, n + 1);
		}
		used.add(key);
		return key;
	});
}

/** Decides each column's key and converter once; the returned decoder only loops. Throws DecodeError. */
export function createRowDecoder(rowType: readonly RowType[], options: DecodeOptions = {}): RowDecoder {
	const resolved = resolveOptions(options);
	if (rowType.length > MAX_COLUMNS) {
		throw new DecodeError(
			'protocol',
			`the result has ${rowType.length} columns, more than the ${MAX_COLUMNS} this node reads. Select fewer columns (name them instead of SELECT *).`,
		);
	}
	const keys = columnKeys(rowType);
	const codecs = rowType.map((column) => columnCodec(column, resolved));
	const converters = codecs.map((codec) => codec.convert);
	const width = keys.length;
	// `row.__proto__ = x` would set the prototype instead of a field: such a result takes a slower path.
	const safeKeys = !keys.includes('__proto__');
	// Every row starts as a copy of this object: all rows share one shape with every key in place, so
	// the loop below overwrites fields instead of growing each object key by key.
	const template: DecodedRow = {};
	if (safeKeys) for (const key of keys) template[key] = null;

	// A column named __proto__ takes the slow path below (defineProperty per field): never scanned.
	const scanColumns: ScanColumns | undefined = safeKeys ? {
				keys,
				converters,
				readers: codecs.map((codec) => codec.read),
				printers: codecs.map((codec) => codec.print),
				printKinds: codecs.map((codec) => codec.printKind),
				template,
			} : undefined;

	const decode = (
		data: ReadonlyArray<ReadonlyArray<string | null> | undefined>,
		out: DecodedRow[],
		limit: number,
		consume: boolean,
		offset: number,
	) => {
		const end = Math.min(limit, data.length);
		for (let r = 0; r < end; r++) {
			const cells = data[r];
			if (consume) (data as unknown[])[r] = undefined;
			if (!Array.isArray(cells) || cells.length !== width) {
				throw new DecodeError('protocol', `a row has ${Array.isArray(cells) ? cells.length : 'no'} cells but rowType describes ${width} columns.`);
			}
			if (safeKeys) {
				const row: DecodedRow = { ...template };
				for (let c = 0; c < width; c++) {
					const cell = cells[c];
					row[keys[c]] = cell === null ? null : converters[c](cell);
				}
				out[offset + r] = row;
			} else {
				const row: DecodedRow = {};
				for (let c = 0; c < width; c++) {
					const cell = cells[c];
					const value = cell === null ? null : converters[c](cell);
					Object.defineProperty(row, keys[c], { value, writable: true, enumerable: true, configurable: true });
				}
				out[offset + r] = row;
			}
		}
	};

	return {
		keys,
		decodeInto: (data, out, limit = data.length, offset = out.length) => decode(data, out, limit, false, offset),
		consumeInto: (data, out, limit = data.length, offset = out.length) => {
			decode(data, out, limit, true, offset);
			data.length = 0;
		},
		decode(data, limit = data.length) {
			const out: DecodedRow[] = [];
			decode(data, out, limit, false, 0);
			return out;
		},
		decodePartition: (body, out, offset, limit) => (scanColumns === undefined ? undefined : scanPartition(body, scanColumns, out, offset, limit)),
		renderPartition: (body, format, limit, chunks) => (scanColumns === undefined ? undefined : renderPartition(body, scanColumns, format, limit, chunks)),
	};
}
