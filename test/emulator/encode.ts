/**
 * DuckDB values → jsonv2 cells and rowType entries (reference §4.3, §5; ENGINE.md "Encoding").
 * One encoder function per column, chosen once from the column's Snowflake type.
 */
import {
	DuckDBTypeId,
	type DuckDBType,
	type DuckDBValue,
	DuckDBBlobValue,
	DuckDBDateValue,
	DuckDBDecimalValue,
	DuckDBListValue,
	DuckDBArrayValue,
	DuckDBMapValue,
	DuckDBStructValue,
	DuckDBTimeNSValue,
	DuckDBTimeValue,
	DuckDBTimestampMillisecondsValue,
	DuckDBTimestampNanosecondsValue,
	DuckDBTimestampSecondsValue,
	DuckDBTimestampTZValue,
	DuckDBTimestampValue,
} from '@duckdb/node-api';
import { IANAZone } from 'luxon';
import type { RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import { geoCell } from './geo';
import { GEO_MARKERS, MAX_BINARY_LENGTH, MAX_TEXT_LENGTH, type SfType } from './translate';

export interface EncodeOptions {
	/**
	 * Fraction digits of TIME/TIMESTAMP cells (open question 1 of the reference): 'scale' writes exactly
	 * `scale` digits (drivers' fixtures), 'nine' always writes 9 (the SQL API docs' wording).
	 */
	fractionDigits: 'scale' | 'nine';
	/** Session parameters, upper-case keys: TIMEZONE and the *_OUTPUT_FORMAT ones. */
	parameters: Record<string, string>;
}

export interface ColumnInfo {
	name: string;
	type: SfType;
	database: string;
	schema: string;
	table: string;
	nullable: boolean;
}

export type CellEncoder = (value: DuckDBValue) => string | null;

export const NS_PER_SECOND = 1_000_000_000n;
export const NS_PER_MINUTE = 60n * NS_PER_SECOND;
export const NS_PER_DAY = 86_400n * NS_PER_SECOND;

// ---------------------------------------------------------------- rowType

/** A rowType entry as the emulator sends it: GEOGRAPHY/GEOMETRY add `extTypeName`, VECTOR `vectorDimension` and `fields`. */
type WireRowType = RowType & { vectorDimension?: number; fields?: RowType[] };

export function rowTypeEntry(col: ColumnInfo): RowType {
	const t = col.type;
	const entry: RowType = {
		name: col.name,
		database: col.database,
		schema: col.schema,
		table: col.table,
		type: t.type,
		length: null,
		byteLength: null,
		precision: null,
		scale: null,
		nullable: col.nullable,
		collation: null,
	};
	switch (t.type) {
		case 'fixed':
			entry.precision = t.precision ?? 38;
			entry.scale = t.scale ?? 0;
			break;
		case 'text': {
			const length = t.length ?? MAX_TEXT_LENGTH;
			entry.length = length;
			entry.byteLength = Math.min(length * 4, MAX_TEXT_LENGTH);
			break;
		}
		case 'binary':
			entry.length = t.length ?? MAX_BINARY_LENGTH;
			entry.byteLength = entry.length;
			break;
		case 'time':
		case 'timestamp_ntz':
		case 'timestamp_ltz':
		case 'timestamp_tz':
			entry.precision = 0;
			entry.scale = t.scale ?? 9;
			break;
		case 'geography':
		case 'geometry': {
			// Captured: "type": "object" plus "extTypeName", with empty database/schema/table (captures/README.md).
			const geo: WireRowType = { ...entry, database: '', schema: '', table: '', type: 'object', extTypeName: t.type.toUpperCase() };
			return geo;
		}
		case 'vector': {
			// Shape from a driver's fixture (captures/driver-rowtype-geo-vector.json): the element as one unnamed,
			// non-nullable field. The fixture only has a `real` element; a `fixed` one's precision/scale is unconfirmed.
			const element = t.vector?.element ?? 'real';
			const field: RowType = {
				byteLength: null,
				length: null,
				type: element,
				scale: element === 'fixed' ? 0 : null,
				precision: element === 'fixed' ? 38 : null,
				nullable: false,
				name: '',
			};
			const vector: WireRowType = { ...entry, vectorDimension: t.vector?.dimension ?? 1, fields: [field] };
			return vector;
		}
		default:
			// variant/object/array: byteLength null in real results (captures/README.md), like the other types.
			break;
	}
	return entry;
}

/** The Snowflake type of a DuckDB result column when no declared type is known (ENGINE.md, "Types"). */
export function sfTypeOf(type: DuckDBType): SfType {
	switch (type.typeId) {
		case DuckDBTypeId.DECIMAL:
			return { type: 'fixed', precision: type.width, scale: type.scale };
		case DuckDBTypeId.TINYINT:
		case DuckDBTypeId.SMALLINT:
		case DuckDBTypeId.INTEGER:
		case DuckDBTypeId.BIGINT:
		case DuckDBTypeId.HUGEINT:
		case DuckDBTypeId.UTINYINT:
		case DuckDBTypeId.USMALLINT:
		case DuckDBTypeId.UINTEGER:
		case DuckDBTypeId.UBIGINT:
		case DuckDBTypeId.UHUGEINT:
		case DuckDBTypeId.BIGNUM:
			return { type: 'fixed', precision: 38, scale: 0 };
		case DuckDBTypeId.FLOAT:
		case DuckDBTypeId.DOUBLE:
			return { type: 'real' };
		case DuckDBTypeId.BOOLEAN:
			return { type: 'boolean' };
		case DuckDBTypeId.DATE:
			return { type: 'date' };
		case DuckDBTypeId.TIME:
		case DuckDBTypeId.TIME_NS:
			return { type: 'time', scale: 9 };
		case DuckDBTypeId.TIMESTAMP:
		case DuckDBTypeId.TIMESTAMP_S:
		case DuckDBTypeId.TIMESTAMP_MS:
		case DuckDBTypeId.TIMESTAMP_NS:
			return { type: 'timestamp_ntz', scale: 9 };
		case DuckDBTypeId.TIMESTAMP_TZ:
			return { type: 'timestamp_ltz', scale: 9 };
		case DuckDBTypeId.BLOB:
			return { type: 'binary', length: MAX_BINARY_LENGTH };
		case DuckDBTypeId.STRUCT:
			return isTzStruct(type) ? { type: 'timestamp_tz', scale: 9 } : { type: 'object' };
		case DuckDBTypeId.MAP:
			return { type: 'object' };
		case DuckDBTypeId.ARRAY:
			// Only VECTOR casts and columns make fixed-size FLOAT/INTEGER arrays (translate.ts duckTypeFor).
			if (type.valueType.typeId === DuckDBTypeId.FLOAT) return { type: 'vector', vector: { element: 'real', dimension: type.length } };
			if (type.valueType.typeId === DuckDBTypeId.INTEGER) return { type: 'vector', vector: { element: 'fixed', dimension: type.length } };
			return { type: 'array' };
		case DuckDBTypeId.LIST:
			return { type: 'array' };
		case DuckDBTypeId.VARIANT:
			return { type: 'variant' };
		case DuckDBTypeId.VARCHAR:
			if (type.alias === 'JSON') return { type: 'variant' };
			if (type.alias === GEO_MARKERS.geography) return { type: 'geography' };
			if (type.alias === GEO_MARKERS.geometry) return { type: 'geometry' };
			return { type: 'text', length: MAX_TEXT_LENGTH };
		default:
			return { type: 'text', length: MAX_TEXT_LENGTH };
	}
}

export function isTzStruct(type: DuckDBType): boolean {
	return (
		type.typeId === DuckDBTypeId.STRUCT &&
		type.entryNames.length === 2 &&
		type.entryNames[0].toUpperCase() === 'SF_UTC' &&
		type.entryNames[1].toUpperCase() === 'SF_OFFSET'
	);
}

// ---------------------------------------------------------------- numbers

/**
 * C's `%.17g`: Snowflake prints FLOAT with 17 significant digits, enough to read the same double back
 * (captures/README.md: "0.30000000000000004" for 0.1+0.2, "9.9999999999999991e-308", "-9007199254740991").
 */
export function formatReal(x: number): string {
	if (Number.isNaN(x)) return 'NaN';
	if (x === Infinity) return 'inf';
	if (x === -Infinity) return '-inf';
	if (x === 0) return Object.is(x, -0) ? '-0' : '0';
	const [mantissa, expText] = x.toExponential(16).split('e');
	const exp = Number(expText);
	if (exp < -4 || exp >= 17) {
		const m = mantissa.replace(/\.?0+$/, '');
		return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
	}
	const fixed = x.toFixed(16 - exp);
	return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * A 32-bit float (a VECTOR(FLOAT) element) in the fewest digits that read back to the same float32:
 * 1.1 stored as float32 is 1.100000023841858 as a double, printed `1.1`. Fewer than 10 tries.
 */
function formatFloat32(x: number): string {
	if (!Number.isFinite(x)) return formatReal(x);
	for (let digits = 1; digits < 9; digits++) {
		const text = x.toPrecision(digits);
		if (Math.fround(Number(text)) === x) return String(Number(text));
	}
	return String(Number(x.toPrecision(9)));
}

/**
 * JSON text re-indented the way Snowflake prints VARIANT/OBJECT/ARRAY cells: two spaces, `\n`, `": "` after
 * keys, `{}`/`[]` when empty. Tokens (numbers included) are kept exactly as written; one pass, linear time.
 */
export function prettyJson(text: string): string {
	let out = '';
	let indent = '';
	let i = 0;
	const skipSpace = (from: number) => {
		let j = from;
		while (j < text.length && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
		return j;
	};
	while (i < text.length) {
		const c = text[i];
		if (c === '"') {
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j + 1;
		} else if (c === '{' || c === '[') {
			const next = skipSpace(i + 1);
			if (text[next] === (c === '{' ? '}' : ']')) {
				out += c === '{' ? '{}' : '[]';
				i = next + 1;
			} else {
				indent += '  ';
				out += `${c}\n${indent}`;
				i++;
			}
		} else if (c === '}' || c === ']') {
			indent = indent.slice(2);
			out += `\n${indent}${c}`;
			i++;
		} else if (c === ',') {
			out += `,\n${indent}`;
			i++;
		} else if (c === ':') {
			out += ': ';
			i++;
		} else if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
			i++;
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

/** A scaled integer as decimal text with exactly `scale` fraction digits (exact, BigInt only). */
export function formatScaled(value: bigint, scale: number): string {
	const negative = value < 0n;
	const digits = (negative ? -value : value).toString();
	if (scale === 0) return (negative ? '-' : '') + digits;
	const padded = digits.padStart(scale + 1, '0');
	return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * Nanoseconds as seconds text with `digits` fraction digits. Values are floored to the column's
 * precision first (stored values never carry more), then written as a plain signed decimal:
 * 1900-01-01 12:34:56.123456789 → "-2208943503.876543211".
 */
export function formatNanos(ns: bigint, digits: number): string {
	const unit = 10n ** BigInt(9 - digits);
	const floored = ns - (((ns % unit) + unit) % unit);
	return formatScaled(floored / unit, digits);
}

// ---------------------------------------------------------------- calendar

export interface DateTimeParts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	nanos: number;
	/** Minutes east of UTC, for TZH/TZM. */
	offset: number;
}

/** Division rounding toward negative infinity (dates and times before 1970). */
export function floorDiv(a: bigint, b: bigint): bigint {
	const q = a / b;
	return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
	const d = new Date(days * 86_400_000);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Wall-clock nanoseconds since epoch → parts. */
export function partsFromNanos(ns: bigint, offset = 0): DateTimeParts {
	const days = floorDiv(ns, NS_PER_DAY);
	let rest = ns - days * NS_PER_DAY;
	const hour = Number(rest / 3_600_000_000_000n);
	rest %= 3_600_000_000_000n;
	const minute = Number(rest / 60_000_000_000n);
	rest %= 60_000_000_000n;
	return {
		...civilFromDays(Number(days)),
		hour,
		minute,
		second: Number(rest / NS_PER_SECOND),
		nanos: Number(rest % NS_PER_SECOND),
		offset,
	};
}

/** Offset (minutes east of UTC) of an IANA zone at a UTC instant. */
export function zoneOffset(zone: string, epochMs: number): number {
	return IANAZone.create(zone).offset(epochMs);
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Renders Snowflake format tokens: YYYY YY MMMM MON MM DD DY HH24 HH12 HH AM PM MI SS FF[0-9] TZH:TZM TZHTZM TZH TZM "literal". */
export function formatDateTime(p: DateTimeParts, format: string, scale: number): string {
	const sign = p.offset < 0 ? '-' : '+';
	const tzh = `${sign}${pad(Math.trunc(p.offset / 60))}`;
	const tzm = pad(p.offset % 60);
	const fraction = (digits: number) => String(p.nanos).padStart(9, '0').slice(0, digits);
	const tokens: Array<[string, () => string]> = [
		['YYYY', () => String(p.year).padStart(4, '0')],
		['YY', () => pad(p.year % 100)],
		['MMMM', () => MONTHS[p.month - 1]],
		['MON', () => MONTHS[p.month - 1].slice(0, 3)],
		['MM', () => pad(p.month)],
		['DD', () => pad(p.day)],
		['DY', () => DAYS[new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()]],
		['HH24', () => pad(p.hour)],
		['HH12', () => pad(((p.hour + 11) % 12) + 1)],
		['HH', () => pad(p.hour)],
		['AM', () => (p.hour < 12 ? 'AM' : 'PM')],
		['PM', () => (p.hour < 12 ? 'AM' : 'PM')],
		['MI', () => pad(p.minute)],
		['SS', () => pad(p.second)],
		['TZH:TZM', () => `${tzh}:${tzm}`],
		['TZHTZM', () => `${tzh}${tzm}`],
		['TZH', () => tzh],
		['TZM', () => tzm],
	];
	let out = '';
	let i = 0;
	const upper = format.toUpperCase();
	while (i < format.length) {
		if (format[i] === '"') {
			const end = format.indexOf('"', i + 1);
			out += format.slice(i + 1, end < 0 ? undefined : end);
			i = end < 0 ? format.length : end + 1;
			continue;
		}
		if (upper.startsWith('FF', i)) {
			const d = /[0-9]/.test(format[i + 2] ?? '') ? Number(format[i + 2]) : undefined;
			out += fraction(d ?? scale);
			i += d === undefined ? 2 : 3;
			continue;
		}
		const hit = tokens.find(([k]) => upper.startsWith(k, i));
		if (hit) {
			out += hit[1]();
			i += hit[0].length;
		} else out += format[i++];
	}
	return out;
}

// ---------------------------------------------------------------- cells

function hex(bytes: Uint8Array): string {
	return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** Any DuckDB value as plain JSON-able data (for VARIANT/OBJECT/ARRAY cells built from nested DuckDB types). */
function jsonData(v: DuckDBValue): unknown {
	if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
	if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
	if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
	if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(jsonData);
	if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, jsonData(x)]));
	if (v instanceof DuckDBMapValue) return Object.fromEntries(v.entries.map((e) => [String(e.key), jsonData(e.value)]));
	if (v instanceof DuckDBDecimalValue) return Number(v.toString());
	if (v instanceof DuckDBBlobValue) return hex(v.bytes);
	return String(v);
}

function nanosOf(v: DuckDBValue): bigint {
	if (v instanceof DuckDBTimestampNanosecondsValue) return v.nanos;
	if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) return v.micros * 1000n;
	if (v instanceof DuckDBTimestampMillisecondsValue) return v.millis * 1_000_000n;
	if (v instanceof DuckDBTimestampSecondsValue) return v.seconds * NS_PER_SECOND;
	if (v instanceof DuckDBTimeNSValue) return v.nanos;
	if (v instanceof DuckDBTimeValue) return v.micros * 1000n;
	throw new Error(`not a time value: ${String(v)}`);
}

/** TIMESTAMP_TZ struct → [UTC nanoseconds, offset minutes]. */
function tzParts(v: DuckDBValue): [bigint, number] {
	const entries = (v as DuckDBStructValue).entries;
	const keys = Object.keys(entries);
	return [nanosOf(entries[keys[0]]), Number(entries[keys[1]])];
}

function outputFormat(params: Record<string, string>, ...keys: string[]): string | undefined {
	for (const k of keys) {
		const v = params[k];
		if (v !== undefined && v !== '' && v.toUpperCase() !== 'AUTO') return v;
	}
	return undefined;
}

export function cellEncoder(type: SfType, duck: DuckDBType, options: EncodeOptions): CellEncoder {
	const params = options.parameters;
	const scale = type.scale ?? 9;
	const digits = options.fractionDigits === 'nine' ? 9 : scale;
	const timezone = params.TIMEZONE ?? 'America/Los_Angeles';
	const nonNull =
		(f: (v: Exclude<DuckDBValue, null>) => string): CellEncoder =>
		(v) =>
			v === null ? null : f(v);
	switch (type.type) {
		case 'fixed':
			if (duck.typeId === DuckDBTypeId.DECIMAL) {
				return nonNull((v) => formatScaled((v as DuckDBDecimalValue).value, (v as DuckDBDecimalValue).scale));
			}
			return nonNull((v) => String(v));
		case 'real':
			return nonNull((v) => formatReal(Number(v)));
		case 'boolean':
			return nonNull((v) => (v ? 'true' : 'false'));
		case 'binary':
			return nonNull((v) => hex((v as DuckDBBlobValue).bytes));
		case 'date': {
			const format = outputFormat(params, 'DATE_OUTPUT_FORMAT');
			if (format) return nonNull((v) => formatDateTime({ ...civilFromDays((v as DuckDBDateValue).days), hour: 0, minute: 0, second: 0, nanos: 0, offset: 0 }, format, 0));
			return nonNull((v) => String((v as DuckDBDateValue).days));
		}
		case 'time': {
			const format = outputFormat(params, 'TIME_OUTPUT_FORMAT');
			if (format) return nonNull((v) => formatDateTime(partsFromNanos(nanosOf(v)), format, scale));
			return nonNull((v) => formatNanos(nanosOf(v), digits));
		}
		case 'timestamp_ntz': {
			const format = outputFormat(params, 'TIMESTAMP_NTZ_OUTPUT_FORMAT', 'TIMESTAMP_OUTPUT_FORMAT');
			if (format) return nonNull((v) => formatDateTime(partsFromNanos(nanosOf(v)), format, scale));
			return nonNull((v) => formatNanos(nanosOf(v), digits));
		}
		case 'timestamp_ltz': {
			const format = outputFormat(params, 'TIMESTAMP_LTZ_OUTPUT_FORMAT', 'TIMESTAMP_OUTPUT_FORMAT');
			if (format) {
				return nonNull((v) => {
					const ns = nanosOf(v);
					const offset = zoneOffset(timezone, Number(ns / 1_000_000n));
					return formatDateTime(partsFromNanos(ns + BigInt(offset) * NS_PER_MINUTE, offset), format, scale);
				});
			}
			return nonNull((v) => formatNanos(nanosOf(v), digits));
		}
		case 'timestamp_tz': {
			const format = outputFormat(params, 'TIMESTAMP_TZ_OUTPUT_FORMAT', 'TIMESTAMP_OUTPUT_FORMAT');
			if (format) {
				return nonNull((v) => {
					const [utc, offset] = tzParts(v);
					return formatDateTime(partsFromNanos(utc + BigInt(offset) * NS_PER_MINUTE, offset), format, scale);
				});
			}
			return nonNull((v) => {
				const [utc, offset] = tzParts(v);
				return `${formatNanos(utc, digits)} ${offset + 1440}`;
			});
		}
		case 'variant':
		case 'object':
		case 'array':
			if (duck.typeId === DuckDBTypeId.VARCHAR) return nonNull((v) => prettyJson(String(v)));
			return nonNull((v) => JSON.stringify(jsonData(v), null, 2));
		case 'geography':
			return nonNull((v) => geoCell(String(v), 'GEOGRAPHY'));
		case 'geometry':
			return nonNull((v) => geoCell(String(v), 'GEOMETRY'));
		case 'vector':
			// JSON array text, no spaces, as the reference's `"[1.1,2.2,3]"` (spacing unconfirmed for the SQL API).
			return nonNull((v) => `[${(v as DuckDBArrayValue).items.map((x) => (type.vector?.element === 'fixed' ? String(x) : formatFloat32(Number(x)))).join(',')}]`);
		default:
			if (duck.typeId === DuckDBTypeId.BLOB) return nonNull((v) => hex((v as DuckDBBlobValue).bytes));
			return nonNull((v) => String(v));
	}
}
