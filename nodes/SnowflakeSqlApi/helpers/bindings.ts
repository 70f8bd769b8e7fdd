/**
 * n8n/JS values → SQL API bindings (`{ type, value }`, value always a string or null).
 *
 * Inferred ('auto' or no type):
 *   null/undefined → TEXT null · boolean → BOOLEAN · safe integer → FIXED · other finite number → REAL
 *   (String(n), the shortest exact form) · bigint → FIXED · string → TEXT · Date → TIMESTAMP_LTZ ·
 *   luxon DateTime → TIMESTAMP_TZ with its offset · Uint8Array/Buffer → BINARY hex · plain object or
 *   array → TEXT JSON.
 *   Refused: NaN/±Infinity (usually a failed conversion upstream; choose REAL to store them on purpose),
 *   integers beyond ±2^53 (the number already lost digits: pass it as a string), functions, symbols,
 *   Map/Set and other objects without a JSON form.
 * Explicit types (strings are trimmed except for TEXT):
 *   FIXED      integer number, bigint, or integer text up to 38 digits; no fractions, no exponent.
 *   REAL       number (NaN → 'NaN', ±Infinity → 'inf'/'-inf'), bigint, numeric text, nan/inf text.
 *   DECFLOAT   number, bigint or numeric text; NaN/Infinity refused.
 *   TEXT       strings as they are; numbers, booleans, bigints as text; Date/DateTime as ISO; bytes as hex;
 *              objects as JSON.
 *   BOOLEAN    true/false, 1/0, 'true'/'false'/'1'/'0'/'yes'/'no' in any case.
 *   BINARY     hex text (no 0x prefix, two digits per byte) or Uint8Array/Buffer.
 *   DATE       'YYYY-MM-DD' as written (no time zone shift); an ISO date-time's date part as written (in
 *              its own offset); a Date's UTC date; a DateTime's date in its zone → epoch ms of UTC midnight.
 *   TIME       'HH:mm[:ss[.fffffffff]]'; a Date's UTC time of day; a DateTime's wall-clock time → ns since midnight.
 *   TIMESTAMP_NTZ  ISO date or date-time → wall-clock epoch ns, as if UTC. A written offset is dropped
 *              and the wall clock kept, as Snowflake does when it casts to TIMESTAMP_NTZ. Date → its UTC
 *              reading; DateTime → its wall clock.
 *   TIMESTAMP_LTZ  ISO date-time with Z or an offset → instant epoch ns. Without an offset it is refused:
 *              the session TIMEZONE that Snowflake would apply is not known here.
 *   TIMESTAMP_TZ   ISO date-time with Z or an offset → '<instant ns> <offset minutes + 1440>'; no offset
 *              refused as for LTZ. Date → offset 0; DateTime → its offset.
 *   VARIANT/OBJECT/ARRAY  TEXT binding of JSON, and the placeholder becomes PARSE_JSON(?). Strings must
 *              be JSON text (passed on unchanged, so big numbers keep their digits); other values are
 *              serialised. OBJECT needs a JSON object, ARRAY a JSON array.
 * Numbers are never given any other meaning (no epoch numbers for dates): the unit would be a guess.
 */
import { daysFromCivil } from '../decoder';
import type { Binding, BindingType, Bindings } from '../transport';
import { BindingError, SqlInputError, echoValue, type BindingErrorDetails } from './inputErrors';
import { countStatements, findPlaceholders, placeholderCount, rewritePlaceholders } from './sqlText';
import {
	MS_PER_DAY,
	NS_PER_MS,
	isDateTimeLike,
	parseDateTime,
	parseTime,
	wallClockNanos,
	type DateTimeLike,
} from './temporal';

type JsonType = 'VARIANT' | 'OBJECT' | 'ARRAY';
/** What a column or parameter can be bound as: a wire type, or JSON parsed by PARSE_JSON. */
export type ColumnType = BindingType | JsonType;
export type ParameterType = ColumnType | 'auto';

const BINDING_TYPES: readonly BindingType[] = [
	'FIXED',
	'REAL',
	'DECFLOAT',
	'TEXT',
	'BINARY',
	'BOOLEAN',
	'DATE',
	'TIME',
	'TIMESTAMP_TZ',
	'TIMESTAMP_LTZ',
	'TIMESTAMP_NTZ',
];
const JSON_TYPES: readonly JsonType[] = ['VARIANT', 'OBJECT', 'ARRAY'];

interface PreparedBinding {
	binding: Binding;
	/** The placeholder must be wrapped in PARSE_JSON (VARIANT/OBJECT/ARRAY). */
	parseJson: boolean;
}

/** Thrown inside the converters with the reason only; callers add where the value came from. */
class Refusal {
	constructor(readonly reason: string) {}
}

export function isJsonType(type: ParameterType): type is JsonType {
	return (JSON_TYPES as readonly string[]).includes(type);
}

/** `PARSE_JSON(expr)` for VARIANT/OBJECT/ARRAY, `expr` otherwise. */
export function wrapParseJson(expression: string, type: ParameterType): string {
	return isJsonType(type) ? `PARSE_JSON(${expression})` : expression;
}

/** Accepts a type name in any case; empty or 'auto' means infer. */
function normalizeType(type: string | undefined): ParameterType {
	if (type === undefined || type.trim() === '' || type.trim().toLowerCase() === 'auto') return 'auto';
	const upper = type.trim().toUpperCase();
	if ((BINDING_TYPES as readonly string[]).includes(upper) || isJsonType(upper as ParameterType)) {
		return upper as ColumnType;
	}
	throw new Refusal(
		`${echoValue(type)} is not a binding type (use auto, ${[...BINDING_TYPES, ...JSON_TYPES].join(', ')})`,
	);
}

function unsafeInteger(value: number): Refusal {
	return new Refusal(
		`${String(value)} is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit`,
	);
}

function wrongType(value: unknown, type: string, expected: string): Refusal {
	return new Refusal(`${echoValue(value)} cannot be bound as ${type} (expected ${expected})`);
}

function describeKind(value: unknown): string {
	let name: unknown = typeof value;
	if (typeof value === 'object' && value !== null) {
		name = (value as { constructor?: { name?: unknown } }).constructor?.name;
		if (typeof name !== 'string' || name === '') name = 'object';
	}
	return `${/^[aeiou]/i.test(String(name)) ? 'an' : 'a'} ${String(name)}`;
}

function isPlainJsonObject(value: object): boolean {
	if (Array.isArray(value)) return true;
	const proto = Object.getPrototypeOf(value) as unknown;
	return (
		proto === Object.prototype ||
		proto === null ||
		typeof (value as { toJSON?: unknown }).toJSON === 'function'
	);
}

function noJsonForm(value: object): Refusal {
	return new Refusal(`${describeKind(value)} has no JSON form; convert it to a plain object or array first`);
}

/** Runs a JSON call that may throw; undefined when it did. */
function attempt<T>(run: () => T): { value: T } | undefined {
	try {
		return { value: run() };
	} catch {
		return undefined;
	}
}

function toJson(value: object): string {
	if (!isPlainJsonObject(value)) throw noJsonForm(value);
	const json = attempt(() => JSON.stringify(value));
	if (json === undefined) {
		throw new Refusal(
			`${describeKind(value)} cannot be converted to JSON (it contains a BigInt or refers to itself)`,
		);
	}
	return json.value;
}

function hex(bytes: Uint8Array): string {
	let text = '';
	for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
	return text.toUpperCase();
}

function checkDate(value: Date, type: string): number {
	const ms = value.getTime();
	if (Number.isNaN(ms)) throw new Refusal(`an invalid Date cannot be bound as ${type}`);
	return ms;
}

function checkDateTime(value: DateTimeLike, type: string): DateTimeLike {
	if (!value.isValid) {
		const reason = value.invalidReason ? ` (${value.invalidReason})` : '';
		throw new Refusal(`an invalid DateTime${reason} cannot be bound as ${type}`);
	}
	if (!(Math.abs(value.offset) < 1440)) {
		throw new Refusal(`a DateTime with offset ${value.offset} minutes cannot be bound as ${type}`);
	}
	return value;
}

function infer(value: unknown): BindingType | undefined {
	if (value === null || value === undefined) return undefined;
	switch (typeof value) {
		case 'boolean':
			return 'BOOLEAN';
		case 'number':
			if (!Number.isFinite(value)) {
				throw new Refusal(
					`${String(value)} is not a finite number; choose type REAL to store NaN or Infinity on purpose`,
				);
			}
			if (!Number.isInteger(value)) return 'REAL';
			if (!Number.isSafeInteger(value)) throw unsafeInteger(value);
			return 'FIXED';
		case 'bigint':
			return 'FIXED';
		case 'string':
			return 'TEXT';
		case 'object':
			if (value instanceof Date) return 'TIMESTAMP_LTZ';
			if (isDateTimeLike(value)) return 'TIMESTAMP_TZ';
			if (value instanceof Uint8Array) return 'BINARY';
			if (!isPlainJsonObject(value)) throw noJsonForm(value);
			return 'TEXT';
		default:
			throw new Refusal(`${describeKind(value)} cannot be bound`);
	}
}

const INTEGER = /^([+-]?)(\d+)$/;
/** `\d+(?:\.\d*)?`, not `\d+\.?\d*`: two adjacent digit runs backtrack quadratically on a long non-number. */
const DECIMAL = /^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const REAL_SPECIAL: Record<string, string> = {
	nan: 'NaN',
	inf: 'inf',
	'+inf': 'inf',
	infinity: 'inf',
	'+infinity': 'inf',
	'-inf': '-inf',
	'-infinity': '-inf',
};

function fixed(value: unknown): string {
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) {
			throw new Refusal(
				`${String(value)} is not a valid FIXED (expected an integer; choose REAL or DECFLOAT for fractions)`,
			);
		}
		if (!Number.isSafeInteger(value)) throw unsafeInteger(value);
		return String(value);
	}
	let text: string;
	if (typeof value === 'bigint') text = String(value);
	else if (typeof value === 'string') text = value.trim();
	else throw wrongType(value, 'FIXED', 'an integer number, bigint or integer text');
	const match = INTEGER.exec(text);
	if (!match) {
		throw new Refusal(`${echoValue(value)} is not a valid FIXED (expected an integer such as 42 or -7)`);
	}
	const digits = match[2].replace(/^0+(?=\d)/, '');
	if (digits.length > 38) {
		throw new Refusal(`${echoValue(value)} is out of range for FIXED (at most 38 digits)`);
	}
	return match[1] === '-' && digits !== '0' ? `-${digits}` : digits;
}

function real(value: unknown, type: 'REAL' | 'DECFLOAT'): string {
	const specials = type === 'REAL';
	if (typeof value === 'number') {
		if (Number.isNaN(value)) {
			if (specials) return 'NaN';
		} else if (!Number.isFinite(value)) {
			if (specials) return value > 0 ? 'inf' : '-inf';
		} else {
			return Object.is(value, -0) ? '-0' : String(value);
		}
		throw new Refusal(`${String(value)} cannot be bound as DECFLOAT (it has no NaN or infinity)`);
	}
	if (typeof value === 'bigint') return String(value);
	if (typeof value !== 'string') throw wrongType(value, type, 'a number or numeric text');
	const text = value.trim();
	if (DECIMAL.test(text)) return text;
	const special = REAL_SPECIAL[text.toLowerCase()];
	if (specials && special) return special;
	const example = specials ? '1.5, -2e-3, NaN, inf or -inf' : '1.5 or -2e-3';
	throw new Refusal(`${echoValue(value)} is not a valid ${type} (expected a number such as ${example})`);
}

function text(value: unknown): string {
	switch (typeof value) {
		case 'string':
			return value;
		case 'number':
			if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw unsafeInteger(value);
			return String(value);
		case 'boolean':
		case 'bigint':
			return String(value);
		case 'object': {
			const object = value as object;
			if (object instanceof Date) return new Date(checkDate(object, 'TEXT')).toISOString();
			if (isDateTimeLike(object)) return checkDateTime(object, 'TEXT').toISO() ?? '';
			if (object instanceof Uint8Array) return hex(object);
			return toJson(object);
		}
		default:
			throw new Refusal(`${describeKind(value)} cannot be bound`);
	}
}

const BOOLEAN_TEXT: Record<string, string> = {
	true: 'true',
	false: 'false',
	'1': 'true',
	'0': 'false',
	yes: 'true',
	no: 'false',
};

function boolean(value: unknown): string {
	if (typeof value === 'boolean') return String(value);
	if (value === 1 || value === 0) return value === 1 ? 'true' : 'false';
	const mapped = typeof value === 'string' ? BOOLEAN_TEXT[value.trim().toLowerCase()] : undefined;
	if (mapped) return mapped;
	throw new Refusal(
		`${echoValue(value)} is not a valid BOOLEAN (expected true, false, 1, 0, yes or no)`,
	);
}

function binary(value: unknown): string {
	if (value instanceof Uint8Array) return hex(value);
	if (typeof value !== 'string') throw wrongType(value, 'BINARY', 'hex text or bytes');
	const trimmed = value.trim();
	if (/^(?:[0-9A-Fa-f]{2})*$/.test(trimmed)) return trimmed.toUpperCase();
	throw new Refusal(
		`${echoValue(value)} is not valid BINARY (expected hex digits 0-9 and A-F, two per byte)`,
	);
}

const DATE_EXPECTED = 'a YYYY-MM-DD string, an ISO date-time, a Date or a DateTime';

function date(value: unknown): string {
	let days: number | undefined;
	if (typeof value === 'string') {
		const trimmed = value.trim();
		days = parseDateTime(trimmed)?.days;
		if (days === undefined) {
			throw new Refusal(`${echoValue(value)} is not a valid DATE (expected YYYY-MM-DD)`);
		}
	} else if (value instanceof Date) {
		days = Math.floor(checkDate(value, 'DATE') / MS_PER_DAY);
	} else if (isDateTimeLike(value)) {
		const dateTime = checkDateTime(value, 'DATE');
		days = daysFromCivil(dateTime.year, dateTime.month, dateTime.day);
	} else {
		throw wrongType(value, 'DATE', DATE_EXPECTED);
	}
	return String(BigInt(days) * BigInt(MS_PER_DAY));
}

function time(value: unknown): string {
	if (typeof value === 'string') {
		const nanos = parseTime(value.trim());
		if (nanos === undefined) {
			throw new Refusal(
				`${echoValue(value)} is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)`,
			);
		}
		return String(nanos);
	}
	if (value instanceof Date) {
		const ms = checkDate(value, 'TIME');
		return String(BigInt(ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY) * NS_PER_MS);
	}
	if (isDateTimeLike(value)) {
		const t = checkDateTime(value, 'TIME');
		const ms = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.millisecond;
		return String(BigInt(ms) * NS_PER_MS);
	}
	throw wrongType(value, 'TIME', "an 'HH:mm:ss' string, a Date or a DateTime");
}

type TimestampType = 'TIMESTAMP_NTZ' | 'TIMESTAMP_LTZ' | 'TIMESTAMP_TZ';

function timestamp(value: unknown, type: TimestampType): string {
	let instant: bigint;
	let offsetMinutes: number;
	if (typeof value === 'string') {
		const parts = parseDateTime(value.trim());
		if (!parts) {
			throw new Refusal(
				`${echoValue(value)} is not a valid ${type} (expected an ISO date-time such as 2024-01-31T13:45:00.123456789${type === 'TIMESTAMP_NTZ' ? '' : '+01:00'})`,
			);
		}
		if (type === 'TIMESTAMP_NTZ') return String(wallClockNanos(parts));
		if (parts.offsetMinutes === undefined) {
			throw new Refusal(
				`${echoValue(value)} has no UTC offset; ${type} needs an instant: add Z or ±HH:MM, or choose TIMESTAMP_NTZ`,
			);
		}
		offsetMinutes = parts.offsetMinutes;
		instant = wallClockNanos(parts) - BigInt(offsetMinutes) * 60_000_000_000n;
	} else if (value instanceof Date) {
		instant = BigInt(checkDate(value, type)) * NS_PER_MS;
		offsetMinutes = 0;
	} else if (isDateTimeLike(value)) {
		const dateTime = checkDateTime(value, type);
		instant = BigInt(dateTime.toMillis()) * NS_PER_MS;
		offsetMinutes = dateTime.offset;
		if (type === 'TIMESTAMP_NTZ') return String(instant + BigInt(offsetMinutes) * 60_000_000_000n);
	} else {
		throw wrongType(value, type, 'an ISO date-time string, a Date or a DateTime');
	}
	if (type === 'TIMESTAMP_TZ') return `${instant} ${offsetMinutes + 1440}`;
	return String(instant);
}

function json(value: unknown, type: JsonType): string {
	let parsed: unknown = value;
	let textForm: string;
	if (typeof value === 'string') {
		const result = attempt((): unknown => JSON.parse(value));
		if (result === undefined) throw new Refusal(`${echoValue(value)} is not valid JSON text for ${type}`);
		parsed = result.value;
		textForm = value;
	} else if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Refusal(`${String(value)} has no JSON form for ${type}`);
		if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw unsafeInteger(value);
		textForm = String(value);
	} else if (typeof value === 'boolean') {
		textForm = String(value);
	} else if (typeof value === 'object' && value !== null) {
		textForm = toJson(value);
	} else {
		throw wrongType(value, type, 'JSON text or a JSON-compatible value');
	}
	const isArray = Array.isArray(parsed);
	const isObject = typeof parsed === 'object' && parsed !== null && !isArray;
	if (type === 'OBJECT' && !isObject) {
		throw new Refusal(`${echoValue(value)} is not a JSON object (OBJECT)`);
	}
	if (type === 'ARRAY' && !isArray) throw new Refusal(`${echoValue(value)} is not a JSON array (ARRAY)`);
	return textForm;
}

function convert(value: unknown, requested: ParameterType): PreparedBinding {
	const type: ColumnType = requested === 'auto' ? (infer(value) ?? 'TEXT') : requested;
	const parseJson = isJsonType(type);
	const wire: BindingType = parseJson ? 'TEXT' : (type as BindingType);
	if (value === null || value === undefined) return { binding: { type: wire, value: null }, parseJson };
	let wireValue: string;
	switch (type) {
		case 'FIXED':
			wireValue = fixed(value);
			break;
		case 'REAL':
		case 'DECFLOAT':
			wireValue = real(value, type);
			break;
		case 'TEXT':
			wireValue = text(value);
			break;
		case 'BOOLEAN':
			wireValue = boolean(value);
			break;
		case 'BINARY':
			wireValue = binary(value);
			break;
		case 'DATE':
			wireValue = date(value);
			break;
		case 'TIME':
			wireValue = time(value);
			break;
		case 'TIMESTAMP_NTZ':
		case 'TIMESTAMP_LTZ':
		case 'TIMESTAMP_TZ':
			wireValue = timestamp(value, type);
			break;
		default:
			wireValue = json(value, type);
	}
	return { binding: { type: wire, value: wireValue }, parseJson };
}

/** Where a value came from, for the error message: `<label>: <reason>`. */
interface BindingSource extends BindingErrorDetails {
	/** e.g. `Query parameter 2` or `Item 3, column 'price'`. */
	label: string;
}

function refusalToError(refusal: unknown, source: BindingSource): unknown {
	if (!(refusal instanceof Refusal)) return refusal;
	const { label, ...details } = source;
	return new BindingError(`${label}: ${refusal.reason}`, details);
}

/** A type name from the UI or an expression (any case; '' or 'auto' means infer) → ParameterType. */
export function parseParameterType(
	type: ParameterType | string | undefined,
	source: BindingSource,
): ParameterType {
	try {
		return normalizeType(type);
	} catch (refusal) {
		throw refusalToError(refusal, source);
	}
}

/**
 * Converts one value; the type may be any case, '' or 'auto' (inferred). Throws BindingError whose
 * message starts with `source.label`.
 */
export function prepareBinding(
	value: unknown,
	type: ParameterType | string | undefined,
	source: BindingSource,
): PreparedBinding {
	try {
		return convert(value, normalizeType(type));
	} catch (refusal) {
		throw refusalToError(refusal, source);
	}
}

/**
 * Binding type a value infers to (undefined for null/undefined); BindingError for values that cannot
 * be bound without a type (NaN, integers beyond 2^53, functions...).
 */
export function inferBindingType(value: unknown, source: BindingSource): BindingType | undefined {
	try {
		return infer(value);
	} catch (refusal) {
		throw refusalToError(refusal, source);
	}
}

export interface QueryParameter {
	value: unknown;
	/** Binding type, or 'auto'/undefined to infer from the value. */
	type?: ParameterType | string;
}

export interface SqlStatement {
	statement: string;
	/** Keyed "1", "2", … in placeholder order; empty when the statement has no placeholders (leave it out of the request). */
	bindings: Bindings;
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Execute SQL with query parameters: `?` or `:N` placeholders become positional `?` bindings, each
 * parameter converted once (a `:1` used twice is bound twice). A VARIANT/OBJECT/ARRAY parameter's
 * placeholder is written as PARSE_JSON(?), so do not wrap it yourself; in INSERT use
 * `INSERT INTO t SELECT ?, PARSE_JSON(?)` form, since Snowflake refuses PARSE_JSON inside VALUES.
 */
export function bindParameters(sql: string, parameters: readonly QueryParameter[]): SqlStatement {
	if (parameters.length > 0 && countStatements(sql) > 1) {
		throw new SqlInputError(
			'Query parameters cannot be used with several statements: the Snowflake SQL API does not accept bindings in a multi-statement request',
		);
	}
	const placeholders = findPlaceholders(sql);
	const count = placeholderCount(placeholders);
	if (count !== parameters.length) {
		const given = `${plural(parameters.length, 'query parameter')} ${parameters.length === 1 ? 'was' : 'were'} given`;
		let has: string;
		if (count === 0) has = 'The query has no placeholders';
		else if (placeholders[0].numbered) has = `The query uses placeholders :1 to :${count}`;
		else has = `The query has ${plural(count, 'placeholder')}`;
		throw new SqlInputError(`${has} but ${given}`);
	}
	const prepared = parameters.map((parameter, index) =>
		prepareBinding(parameter.value, parameter.type, {
			label: `Query parameter ${index + 1}`,
			parameterIndex: index + 1,
		}),
	);
	const bindings: Bindings = {};
	const statement = rewritePlaceholders(sql, placeholders, (placeholder, index) => {
		const parameter = prepared[placeholder.parameter - 1];
		bindings[String(index + 1)] = { ...parameter.binding };
		return parameter.parseJson ? 'PARSE_JSON(?)' : '?';
	});
	return { statement, bindings };
}
