/**
 * One converter per Snowflake type, chosen once per column from `rowType` (never from the cell's
 * JSON shape, never a switch per cell). Converters receive a non-null jsonv2 cell string.
 *
 * Hot-path rules: integer arithmetic only (the fraction of a second is parsed as an integer count of
 * nanoseconds, so no precision is ever lost to floating point), civil dates from a days-since-epoch
 * algorithm instead of Date objects, Intl only to look up a zone's offset (timeZone.ts). A cell that does not have
 * the documented encoding (e.g. the request set DATE_OUTPUT_FORMAT, or nullable=false sent "null") is
 * returned unchanged rather than misread.
 */
import { parseVariant } from './json';
import { ZoneOffsets } from './timeZone';
import type { RowType } from './types';

export type Converter = (cell: string) => unknown;

/**
 * Reads the cell text[start, end) (the characters between a jsonv2 cell's quotes, no escape among them)
 * straight from the partition's text, without making a string of it first; NOT_CANONICAL when the
 * cell is not in the form the reader knows, and the converter then reads the cell's string instead.
 */
export type CellReader = (text: string, start: number, end: number) => unknown;

/** What a CellReader answers for a cell outside its canonical form. */
export const NOT_CANONICAL: unique symbol = Symbol('not canonical');

/**
 * Writes the text a file shows for the cell text[start, end) (no escape in it) as ASCII bytes into
 * out[at...] without making its value: String(value) of what the reader makes. Answers the end of what
 * it wrote, or -1 when the cell is outside the form it copies (the value is then made and printed).
 * The caller leaves at least PRINT_ROOM + (end - start) bytes of room.
 */
export type CellPrinter = (text: string, start: number, end: number, out: Uint8Array, at: number) => number;

/** Bytes a printer may write beyond the cell's length (a temporal text longer than this is not printed). */
export const PRINT_ROOM = 64;

/**
 * How a column's cells are written to a file straight from the partition's text: 'number' (a printer's
 * bare text, a JSON number or boolean), 'string' (a printer's text, a string value), 'text' (the cell's
 * string itself) or 'json' (a VARIANT's JSON, made compact). Undefined: through the value.
 */
export type PrintKind = 'number' | 'string' | 'text' | 'json';

/** A column's converter and, for the types with a canonical wire form, its reader of that form. */
interface ColumnCodec {
	convert: Converter;
	/** Absent for the types whose value is (or is parsed from) the cell's string: text, VARIANT, BINARY, ... */
	read?: CellReader;
	print?: CellPrinter;
	printKind?: PrintKind;
}

export interface ConverterOptions {
	numbersAsStrings: boolean;
	/** IANA zone for TIMESTAMP_LTZ, already checked; undefined renders the instant in UTC with `Z`. */
	timeZone?: string;
}

/**
 * Types whose `extTypeName` decides the decoding over `type`, their carrier (`object` for GEOGRAPHY and
 * GEOMETRY). Other extension names keep the carrier's decoding: an unknown one must not lose it.
 */
const EXTENSION_TYPES = new Set(['geography', 'geometry', 'vector']);

/** The type a column is decoded as: its `extTypeName` when that names a type above, else its `type`. */
function decodedType(column: RowType): string {
	const extension = typeof column.extTypeName === 'string' ? column.extTypeName.toLowerCase() : '';
	return EXTENSION_TYPES.has(extension) ? extension : String(column.type).toLowerCase();
}

export function columnCodec(column: RowType, options: ConverterOptions): ColumnCodec {
	const type = decodedType(column);
	const scale = typeof column.scale === 'number' ? column.scale : undefined;
	switch (type) {
		case 'fixed':
			if (options.numbersAsStrings) return TEXT;
			return scale !== undefined && scale > 0
				? { convert: fixedWithScale, read: readShortDecimal, print: printShortDecimal, printKind: 'number' }
				: { convert: fixedInteger, read: readShortInteger, print: printShortInteger, printKind: 'number' };
		case 'decfloat':
			return options.numbersAsStrings ? TEXT : { convert: decimal };
		case 'real':
			return options.numbersAsStrings ? { convert: realAsString } : { convert: real, read: readShortDecimal, print: printShortDecimal, printKind: 'number' };
		case 'boolean':
			return { convert: boolean, read: readBoolean, print: printBoolean, printKind: 'number' };
		case 'date':
			return dateCodec();
		case 'time':
			return fromLocator(timeLocator(), fractionDigits(scale), false, '');
		case 'timestamp_ntz':
			return fromLocator(timestampLocator(), fractionDigits(scale), true, '');
		case 'timestamp_ltz':
			return options.timeZone
				? fromLocator(zonedTimestampLocator(new ZoneOffsets(options.timeZone)), fractionDigits(scale), true, '')
				: fromLocator(timestampLocator(), fractionDigits(scale), true, 'Z');
		case 'timestamp_tz':
			return fromLocator(timestampTzLocator, fractionDigits(scale), true, '');
		case 'variant':
		case 'object':
		case 'array':
		case 'map':
		case 'vector':
			// VECTOR(INT | FLOAT, n) is a JSON array of 32-bit numbers: always an array of JS numbers here.
			return { convert: parseVariant, printKind: 'json' };
		case 'binary':
			return { convert: binary };
		case 'geography':
		case 'geometry':
			return { convert: geo };
		default:
			// text, and types this package does not know (intervals, file, future ones): the wire string.
			return TEXT;
	}
}

/** A converter that is its reader over the whole cell: a cell the reader does not know stays as it is. */
function fromReader(read: CellReader, print: CellPrinter): ColumnCodec {
	return {
		read,
		convert: (cell) => {
			const value = read(cell, 0, cell.length);
			return value === NOT_CANONICAL ? cell : value;
		},
		print,
		printKind: 'string',
	};
}

/** TIME/TIMESTAMP columns carry their fraction digits in `scale`; 9 (nanoseconds) when absent. */
function fractionDigits(scale: number | undefined): number {
	return scale === undefined ? 9 : Math.min(9, Math.max(0, Math.trunc(scale)));
}

const identity: Converter = (cell) => cell;

/** The wire string as it is (a file copies the cell). */
const TEXT: ColumnCodec = { convert: identity, printKind: 'text' };

// ---------------------------------------------------------------- numbers

/** FIXED scale 0: a number while it is a safe integer, else the exact digits. */
function fixedInteger(cell: string): number | string {
	// Up to 15 characters no integer can leave the safe range (2^53 has 16 digits).
	if (cell.length < 16) {
		const n = +cell;
		return n === n ? n : cell;
	}
	const n = +cell;
	return Number.isSafeInteger(n) ? n : cell;
}

/** FIXED scale > 0: no exponent on the wire, so up to 15 characters it always has ≤ 15 significant digits. */
function fixedWithScale(cell: string): number | string {
	if (cell.length <= 15) {
		const n = +cell;
		return n === n ? n : cell;
	}
	return decimal(cell);
}

/** Exact powers of ten, 10^0 .. 10^15. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * `-?digits` of at most 15 characters: the number `+cell` gives (`-0` included). Longer cells may
 * leave the safe range, and other spellings (`+1`, `1e3`, spaces) are the converter's.
 */
function readShortInteger(text: string, start: number, end: number): unknown {
	if (end - start > 15) return NOT_CANONICAL;
	let i = start;
	const negative = text.charCodeAt(i) === 45;
	if (negative) i++;
	if (i === end) return NOT_CANONICAL;
	let n = 0;
	for (; i < end; i++) {
		const d = text.charCodeAt(i) - 48;
		if (d < 0 || d > 9) return NOT_CANONICAL;
		n = n * 10 + d;
	}
	return negative ? -n : n;
}

/**
 * `-?digits[.digits]` of at most 15 characters (FIXED with a scale, REAL): the digits as an integer
 * m < 10^15 divided by 10^k, both exact doubles, so the one rounding of the division gives the double
 * nearest the decimal, which is what `+cell` gives.
 */
function readShortDecimal(text: string, start: number, end: number): unknown {
	if (end - start > 15) return NOT_CANONICAL;
	let i = start;
	const negative = text.charCodeAt(i) === 45;
	if (negative) i++;
	const intStart = i;
	let m = 0;
	for (; i < end; i++) {
		const d = text.charCodeAt(i) - 48;
		if (d < 0 || d > 9) break;
		m = m * 10 + d;
	}
	if (i === intStart) return NOT_CANONICAL;
	let k = 0;
	if (i < end) {
		if (text.charCodeAt(i) !== 46) return NOT_CANONICAL;
		i++;
		if (i === end) return NOT_CANONICAL;
		for (; i < end; i++) {
			const d = text.charCodeAt(i) - 48;
			if (d < 0 || d > 9) return NOT_CANONICAL;
			m = m * 10 + d;
			k++;
		}
	}
	const n = k === 0 ? m : m / POWERS_OF_TEN[k];
	return negative ? -n : n;
}

function readBoolean(text: string, start: number, end: number): unknown {
	const length = end - start;
	if (length === 4 && text.startsWith('true', start)) return true;
	if (length === 5 && text.startsWith('false', start)) return false;
	return NOT_CANONICAL;
}

function printBoolean(text: string, start: number, end: number, out: Uint8Array, at: number): number {
	const length = end - start;
	if (!((length === 4 && text.startsWith('true', start)) || (length === 5 && text.startsWith('false', start)))) return -1;
	return copyAscii(text, start, end, out, at);
}

/** The cell's characters (ASCII by the caller's check) into out[at...]; the end. */
function copyAscii(text: string, start: number, end: number, out: Uint8Array, at: number): number {
	for (let i = start; i < end; i++) out[at++] = text.charCodeAt(i);
	return at;
}

/** FIXED scale 0: the digits themselves where readShortInteger makes the number they print as. */
function printShortInteger(text: string, start: number, end: number, out: Uint8Array, at: number): number {
	const length = printedDecimalLength(text, start, end, false);
	return length < 0 ? -1 : copyAscii(text, start, start + length, out, at);
}

/** FIXED with a scale, REAL: the decimal without its trailing fraction zeros, which is how the number prints. */
function printShortDecimal(text: string, start: number, end: number, out: Uint8Array, at: number): number {
	const length = printedDecimalLength(text, start, end, true);
	return length < 0 ? -1 : copyAscii(text, start, start + length, out, at);
}

/**
 * For `-?digits[.digits]` of at most 15 characters, the length of its prefix that String(+cell) prints:
 * a decimal of at most 15 significant digits is the shortest text of its double, so JS prints exactly
 * its digits, without trailing fraction zeros. -1 where the print differs otherwise: leading zeros,
 * `-0` (prints `0`), under 1e-6 (prints an exponent), or any other spelling. Also the number tokens of
 * VARIANT (exported for that printer): there the whole token must be the print.
 */
export function printedDecimalLength(text: string, start: number, end: number, fraction: boolean): number {
	if (end - start > 15) return -1;
	let i = start;
	if (text.charCodeAt(i) === 45) i++;
	const intStart = i;
	let nonZero = false;
	for (; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c < 48 || c > 57) break;
		if (c !== 48) nonZero = true;
	}
	const intLength = i - intStart;
	if (intLength === 0 || (intLength > 1 && text.charCodeAt(intStart) === 48)) return -1;
	if (i === end) return nonZero || intStart === start ? end - start : -1;
	if (!fraction || text.charCodeAt(i) !== 46 || i + 1 === end) return -1;
	const dot = i;
	let last = dot; // the last non-zero fraction digit
	let firstNonZero = -1;
	for (i = dot + 1; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c < 48 || c > 57) return -1;
		if (c !== 48) {
			last = i;
			if (firstNonZero === -1) firstNonZero = i;
		}
	}
	if (!nonZero) {
		if (firstNonZero === -1) return intStart === start ? dot - start : -1; // 0.00 prints 0, -0.00 prints 0
		if (firstNonZero - dot > 6) return -1; // below 1e-6: an exponent
	}
	return (last === dot ? dot : last + 1) - start;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * A decimal (optionally with exponent) as a number when it has at most 15 significant digits and
 * stays inside the normal double range, i.e. when the number prints back as the same value;
 * otherwise the exact text.
 */
function decimal(cell: string): number | string {
	let digits = 0;
	let first = -1;
	let last = -1;
	for (let i = 0; i < cell.length; i++) {
		const c = cell.charCodeAt(i);
		if (c === 101 || c === 69) break; // e / E: the exponent does not count
		if (c < 48 || c > 57) continue;
		if (c !== 48) {
			if (first === -1) first = digits;
			last = digits;
		}
		digits++;
	}
	if (first !== -1 && last - first + 1 > 15) return cell;
	const n = +cell;
	if (!Number.isFinite(n)) return cell;
	if (first !== -1 && Math.abs(n) < MIN_NORMAL) return cell;
	return n;
}

/** REAL: finite numbers as numbers; NaN and infinities (any spelling) as the strings JSON can carry. */
function real(cell: string): number | string {
	const n = +cell;
	if (n - n === 0 && cell.length > 0) return n;
	return realSpecial(cell);
}

function realAsString(cell: string): string {
	const n = +cell;
	return n - n === 0 ? cell : realSpecial(cell);
}

function realSpecial(cell: string): string {
	switch (cell.trim().toLowerCase()) {
		case 'nan':
		case '+nan':
		case '-nan':
			return 'NaN';
		case 'inf':
		case '+inf':
		case 'infinity':
		case '+infinity':
			return 'Infinity';
		case '-inf':
		case '-infinity':
			return '-Infinity';
		default:
			return cell;
	}
}

// ---------------------------------------------------------------- boolean, binary, geo

function boolean(cell: string): boolean | string {
	switch (cell) {
		case 'true':
		case 'TRUE':
		case '1':
			return true;
		case 'false':
		case 'FALSE':
		case '0':
			return false;
		default: {
			const lower = cell.trim().toLowerCase();
			if (lower === 'true') return true;
			if (lower === 'false') return false;
			return cell;
		}
	}
}

const HEX = /^[0-9a-fA-F]*$/;

/** BINARY: uppercase hex. Text that is not hex (BINARY_OUTPUT_FORMAT=BASE64) is left alone. */
function binary(cell: string): string {
	return HEX.test(cell) ? cell.toUpperCase() : cell;
}

/**
 * GEOGRAPHY/GEOMETRY: GeoJSON (the default output format, pretty-printed on the wire) parsed; WKT, WKB and
 * EWKT (GEOGRAPHY_OUTPUT_FORMAT) stay text.
 */
function geo(cell: string): unknown {
	const c = cell.charCodeAt(firstNonSpace(cell));
	if (c !== 123 && c !== 91) return cell; // { or [
	try {
		return JSON.parse(cell);
	} catch {
		return cell;
	}
}

/** Index of the first character that is not JSON white space (the length when there is none). */
function firstNonSpace(text: string): number {
	let i = 0;
	for (; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
	}
	return i;
}

// ---------------------------------------------------------------- dates and times

/** '00'..'99' */
const TWO: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * Civil date of a day count since 1970-01-01 (H. Hinnant's days_from_civil, inverted), proleptic
 * Gregorian. Years 0-9999 print with 4 digits; others as ISO 8601 expanded years with sign and 6
 * digits, like Date#toISOString ('-000001' is 2 BCE: year 0 is 1 BCE).
 */
function formatDays(days: number): string {
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	return `${formatYear(year)}-${TWO[month]}-${TWO[day]}`;
}

function formatYear(year: number): string {
	if (year >= 1000 && year <= 9999) return String(year);
	if (year >= 0 && year < 1000) return String(year + 10000).slice(1);
	const abs = String(Math.abs(year));
	return (year < 0 ? '-' : '+') + (abs.length < 6 ? '000000'.slice(abs.length) + abs : abs);
}

/**
 * Day texts by day count. Real columns hold few distinct days, so the texts are shared between rows
 * (less heap, no formatting); a run of equal days is answered without even a Map lookup.
 */
class DayCache {
	private day = Number.NaN;
	private text = '';
	private readonly texts = new Map<number, string>();

	get(days: number): string {
		if (days === this.day) return this.text;
		let text = this.texts.get(days);
		if (text === undefined) {
			text = formatDays(days);
			if (this.texts.size >= MAX_CACHED_TEXTS) this.texts.clear();
			this.texts.set(days, text);
		}
		this.day = days;
		this.text = text;
		return text;
	}
}

/** Bounds the per-column text caches (a few MB at most, whatever the data). */
const MAX_CACHED_TEXTS = 50_000;

/**
 * `YYYY-MM-DDTHH:mm:` of the last minute formatted (`HH:mm:` for TIME): sorted or clustered
 * timestamps mostly repeat their minute, so a cell costs one join of three short strings.
 */
class MinuteCache {
	private minute = Number.NaN;
	private text = '';

	constructor(private readonly days: DayCache | undefined) {}

	/** The prefix of the minute that holds `seconds` (local, already shifted; TIME: seconds of the day). */
	get(seconds: number): string {
		const minute = Math.floor(seconds / 60);
		if (minute !== this.minute) {
			this.minute = minute;
			if (this.days === undefined) {
				this.text = `${TWO[Math.floor(minute / 60)]}:${TWO[minute % 60]}:`;
			} else {
				const day = Math.floor(minute / 1440);
				const minuteOfDay = minute - day * 1440;
				const hours = Math.floor(minuteOfDay / 60);
				this.text = `${this.days.get(day)}T${TWO[hours]}:${TWO[minuteOfDay - hours * 60]}:`;
			}
		}
		return this.text;
	}
}

function dateCodec(): ColumnCodec {
	const cache = new DayCache();
	const read: CellReader = (text, start, end) => {
		// `+cell` for an integer of up to 15 digits (the only canonical form); other spellings go to +cell too.
		const days = end - start <= 15 ? readShortInteger(text, start, end) : NOT_CANONICAL;
		if (days !== NOT_CANONICAL) return cache.get(days as number);
		const cell = text.substring(start, end);
		const n = +cell;
		return Number.isInteger(n) && cell.length > 0 ? cache.get(n) : NOT_CANONICAL;
	};
	const print: CellPrinter = (text, start, end, out, at) => {
		const days = readShortInteger(text, start, end);
		if (days === NOT_CANONICAL) return -1;
		const day = cache.get(days as number);
		return copyAscii(day, 0, day.length, out, at);
	};
	return fromReader(read, print);
}
// Result of parseSeconds, kept in module scope so parsing allocates nothing per cell.
let parsedSeconds = 0;
let parsedNanos = 0;
/** Where the fraction's `.` is in the cell, -1 when there is none or it cannot be reused (negative values). */
let parsedDot = -1;
/** Fraction digits the cell carries. */
let parsedFractionDigits = 0;

/**
 * Parses `[-]digits[.digits]` in cell[start, end) as floor seconds (`parsedSeconds`) and
 * nanoseconds 0..999999999 (`parsedNanos`), so -1.25 becomes -2 s + 750000000 ns. Any number of
 * fraction digits is accepted (scale digits or always 9); digits beyond 9 are cut. Integer
 * arithmetic only. Returns false when the text is not such a number.
 */
function parseSeconds(cell: string, start: number, end: number): boolean {
	let i = start;
	const negative = cell.charCodeAt(i) === 45;
	if (negative) i++;
	const intStart = i;
	let seconds = 0;
	for (; i < end; i++) {
		const d = cell.charCodeAt(i) - 48;
		if (d < 0 || d > 9) break;
		seconds = seconds * 10 + d;
	}
	// 15 digits of seconds reach 30 million years, beyond every Snowflake range and still exact.
	if (i === intStart || i - intStart > 15) return false;
	let nanos = 0;
	let dot = -1;
	if (i < end) {
		if (cell.charCodeAt(i) !== 46) return false;
		dot = i;
		i++;
		let place = 100_000_000;
		for (; i < end; i++) {
			const d = cell.charCodeAt(i) - 48;
			if (d < 0 || d > 9) return false;
			nanos += d * place;
			place = place > 1 ? place / 10 : 0;
		}
	}
	if (negative && nanos > 0) {
		seconds = -seconds - 1;
		nanos = 1_000_000_000 - nanos;
	} else if (negative) {
		seconds = -seconds;
	}
	parsedSeconds = seconds;
	parsedNanos = nanos;
	// A negative value's fraction counts back from the next second: its digits are not the output's.
	parsedDot = negative ? -1 : dot;
	parsedFractionDigits = dot === -1 ? 0 : end - dot - 1;
	return true;
}

/**
 * Where a temporal cell lands, set by a TemporalLocator (module scope: nothing allocated per cell): its
 * local seconds (since the epoch; TIME: of the day) and its offset in seconds, NaN when the column's
 * suffix is fixed (`Z` or nothing).
 */
let locatedSeconds = 0;
let locatedOffset = Number.NaN;

/** Reads a TIME/TIMESTAMP cell into the located* and parsed* fields; false when it is not canonical. */
type TemporalLocator = (text: string, start: number, end: number) => boolean;

/**
 * The reader (a flat string) and printer (bytes) of a temporal column, both the same text: the date
 * (TIMESTAMP), `T`, hours, minutes, seconds, the fraction's first `digits` and the suffix (`suffix`, or
 * the located offset). The reader takes the minute's prefix from a cache (sorted timestamps repeat it);
 * the printer writes every digit itself, so a cell makes no string at all.
 */
function fromLocator(locate: TemporalLocator, digits: number, dated: boolean, suffix: '' | 'Z'): ColumnCodec {
	const days = dated ? new DayCache() : undefined;
	const minutes = new MinuteCache(days);
	return fromReader(
		(text, start, end) => {
			if (!locate(text, start, end)) return NOT_CANONICAL;
			const seconds = locatedSeconds;
			const prefix = minutes.get(seconds);
			const second = seconds - Math.floor(seconds / 60) * 60;
			const zone = locatedOffset === locatedOffset ? formatOffset(locatedOffset) : suffix;
			const n = temporalBytes(scratch, 0, prefix, second, text, digits, zone);
			return n < 0 ? slowTemporalText(prefix, second, text, digits, zone) : scratch.toString('latin1', 0, n);
		},
		(text, start, end, out, at) => {
			if (!locate(text, start, end)) return -1;
			const seconds = locatedSeconds;
			let n = at;
			let ofDay = seconds;
			if (days !== undefined) {
				const day = Math.floor(seconds / 86400);
				const date = days.get(day);
				// Years beyond 4 digits (expanded, signed): written by the reader's way.
				if (date.length !== 10) return -1;
				for (let i = 0; i < 10; i++) out[n++] = date.charCodeAt(i);
				out[n++] = 84; // T
				ofDay = seconds - day * 86400;
			}
			const hours = Math.floor(ofDay / 3600);
			const minute = Math.floor(ofDay / 60) - hours * 60;
			const second = ofDay - Math.floor(ofDay / 60) * 60;
			if (hours >= 24 || hours < 0) return -1;
			n = twoDigits(out, n, hours);
			out[n++] = 58;
			n = twoDigits(out, n, minute);
			out[n++] = 58;
			n = fraction(out, twoDigits(out, n, second), text, digits);
			const offset = locatedOffset;
			if (offset !== offset) {
				if (suffix === 'Z') out[n++] = 90;
				return n;
			}
			const abs = offset < 0 ? -offset : offset;
			// An offset with seconds (historical local mean time) or of 100 hours or more: by the reader's way.
			if (abs % 60 !== 0 || abs >= 360_000) return -1;
			out[n++] = offset < 0 ? 45 : 43;
			n = twoDigits(out, n, Math.floor(abs / 3600));
			out[n++] = 58;
			return twoDigits(out, n, Math.floor(abs / 60) % 60);
		},
	);
}

function twoDigits(out: Uint8Array, n: number, value: number): number {
	out[n] = 48 + Math.floor(value / 10);
	out[n + 1] = 48 + (value % 10);
	return n + 2;
}

/** `.` and the first `digits` of the parsed fraction at out[n] (nothing for scale 0); the end. */
function fraction(out: Uint8Array, n: number, text: string, digits: number): number {
	if (digits === 0) return n;
	out[n++] = 46;
	if (parsedDot !== -1 && parsedFractionDigits >= digits) {
		// Taken from the cell itself when it carries that many fraction digits of a non-negative value.
		for (let i = parsedDot + 1, last = parsedDot + digits; i <= last; i++) out[n++] = text.charCodeAt(i);
	} else {
		let place = 100_000_000;
		for (let d = 0; d < digits; d++) {
			out[n++] = 48 + (Math.floor(parsedNanos / place) % 10);
			place /= 10;
		}
	}
	return n;
}

/**
 * Writes the text into out[at...] and answers its end: the minute's prefix, the two digits of the
 * second, the fraction, then the suffix. -1 for absurd values (beyond 2^53 seconds, an offset of
 * millions of hours: a text over PRINT_ROOM bytes or a second that is not 0..59), built the slow way.
 *
 * The reader reads these bytes back as one flat string: `+` or a template literal of more than 12
 * characters leaves a rope of concatenations that costs several times the memory per cell, and
 * Array#join allocates an array and walks it for every cell (about twice the time). Every character
 * here is ASCII.
 */
function temporalBytes(out: Uint8Array, at: number, prefix: string, second: number, text: string, digits: number, suffix: string): number {
	if (prefix.length + 3 + digits + suffix.length > PRINT_ROOM || TWO[second] === undefined || second >= 60) return -1;
	let n = at;
	for (let i = 0; i < prefix.length; i++) out[n++] = prefix.charCodeAt(i);
	n = fraction(out, twoDigits(out, n, second), text, digits);
	for (let i = 0; i < suffix.length; i++) out[n++] = suffix.charCodeAt(i);
	return n;
}

/** Scratch bytes of the temporal readers (one text at a time: converters never re-enter). */
const scratch = Buffer.alloc(PRINT_ROOM);

function slowTemporalText(prefix: string, second: number, text: string, digits: number, suffix: string): string {
	let fraction = '';
	if (digits > 0) {
		fraction =
			parsedDot !== -1 && parsedFractionDigits >= digits
				? text.substring(parsedDot, parsedDot + 1 + digits)
				: `.${String(parsedNanos + 1_000_000_000).slice(1, 1 + digits)}`;
	}
	return [prefix, TWO[second], fraction, suffix].join('');
}

function located(seconds: number, offset: number): true {
	locatedSeconds = seconds;
	locatedOffset = offset;
	return true;
}

function timeLocator(): TemporalLocator {
	return (text, start, end) => parseSeconds(text, start, end) && parsedSeconds >= 0 && parsedSeconds < 86400 && located(parsedSeconds, Number.NaN);
}

/**
 * TIMESTAMP_NTZ (wall clock encoded as if UTC) → local ISO without offset (suffix '').
 * TIMESTAMP_LTZ (a true instant) → ISO in UTC (suffix 'Z').
 */
function timestampLocator(): TemporalLocator {
	return (text, start, end) => parseSeconds(text, start, end) && located(parsedSeconds, Number.NaN);
}

/** TIMESTAMP_LTZ rendered in a zone: the zone's wall clock at that instant, with its offset. */
function zonedTimestampLocator(zone: ZoneOffsets): TemporalLocator {
	return (text, start, end) => {
		if (!parseSeconds(text, start, end)) return false;
		const offset = zone.at(parsedSeconds);
		return located(parsedSeconds + offset, offset);
	};
}

/** TIMESTAMP_TZ `<UTC seconds.fraction> <offset minutes + 1440>` → ISO with the value's own offset. */
function timestampTzLocator(text: string, start: number, end: number): boolean {
	let space = start;
	while (space < end && text.charCodeAt(space) !== 32) space++;
	if (space === end || space === end - 1 || !parseSeconds(text, start, space)) return false;
	let encoded = 0;
	for (let i = space + 1; i < end; i++) {
		const d = text.charCodeAt(i) - 48;
		if (d < 0 || d > 9) return false;
		encoded = encoded * 10 + d;
	}
	const offset = (encoded - 1440) * 60;
	return located(parsedSeconds + offset, offset);
}

let lastOffset = Number.NaN;
let lastOffsetText = '';
const offsetTexts = new Map<number, string>();

/** `+09:00`, `-12:00`, `+00:00`; seconds appear only for historical local-mean-time offsets. */
function formatOffset(offsetSeconds: number): string {
	if (offsetSeconds === lastOffset) return lastOffsetText;
	let text = offsetTexts.get(offsetSeconds);
	if (text === undefined) {
		const abs = Math.abs(offsetSeconds);
		const hours = Math.floor(abs / 3600);
		const minutes = Math.floor((abs % 3600) / 60);
		const seconds = abs % 60;
		text = `${offsetSeconds < 0 ? '-' : '+'}${TWO[hours]}:${TWO[minutes]}${seconds ? `:${TWO[seconds]}` : ''}`;
		if (offsetTexts.size < 1000) offsetTexts.set(offsetSeconds, text);
	}
	lastOffset = offsetSeconds;
	lastOffsetText = text;
	return text;
}
