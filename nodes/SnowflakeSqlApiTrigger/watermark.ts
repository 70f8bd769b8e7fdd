/**
 * Watermark values: a decoded cell of the watermark column (exactly what the action node outputs for
 * that type) read into a value that compares as Snowflake orders the column, moves back by the
 * look-back, prints as stable text for the workflow's static data and binds back as a typed binding.
 *
 * Domains, by the column's rowType:
 * - NUMBER/FIXED and DECFLOAT: exact decimals (bigint digits and a scale), bound as FIXED (whole
 *   numbers) or DECFLOAT; the look-back is in units of the value (100 → 100 IDs back).
 * - FLOAT/REAL: doubles, bound as REAL; NaN sorts above +Infinity as in Snowflake.
 * - DATE: days, bound as DATE; the look-back's seconds are rounded up to whole days.
 * - TIME, TIMESTAMP_NTZ: wall-clock nanoseconds; TIMESTAMP_LTZ, TIMESTAMP_TZ: instants in nanoseconds
 *   (a TZ value compares by its instant, as Snowflake does); the look-back is in seconds.
 * - VARCHAR/TEXT: compared by code point (Snowflake's default, a binary collation); no look-back.
 * Other types (BOOLEAN, BINARY, VARIANT, …) cannot be a watermark.
 */
import { daysFromCivil } from '../SnowflakeSqlApi/decoder';
import { MS_PER_DAY, parseDateTime, parseTime, wallClockNanos } from '../SnowflakeSqlApi/helpers';
import type { Binding, RowType } from '../SnowflakeSqlApi/transport';

/** A decimal as digits and a scale: `m / 10^s`. */
interface Decimal {
	m: bigint;
	s: number;
}

type WatermarkKind = 'decimal' | 'real' | 'text' | 'date' | 'time' | 'ntz' | 'ltz' | 'tz';

/** How one watermark column is read, compared, moved back and bound. */
export interface WatermarkDomain {
	readonly kind: WatermarkKind;
	/** The column's Snowflake type, for messages. */
	readonly typeName: string;
	/** Stable text of a decoded cell (undefined: the cell is not a value of this type). */
	canonical(cell: unknown): string | undefined;
	/** Orders two canonical texts as Snowflake orders the column. */
	compare(a: string, b: string): number;
	/** `value - lookBack` (seconds for temporal columns, units for numbers); undefined when the type has no distance. */
	minus(value: string, lookBack: number): string | undefined;
	/** The typed binding of a canonical text. */
	binding(value: string): Binding;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function parseDecimal(text: string): Decimal | undefined {
	const match = DECIMAL.exec(text.trim());
	if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
	const fraction = match[3] ?? '';
	let m = BigInt(`${match[2] || '0'}${fraction}`);
	let s = fraction.length - Number(match[4] ?? '0');
	if (s < 0) {
		m *= 10n ** BigInt(-s);
		s = 0;
	}
	if (match[1] === '-') m = -m;
	return normalize({ m, s });
}

/** Fewest fraction digits (no trailing zeros), so equal values print alike. */
function normalize(value: Decimal): Decimal {
	let { m, s } = value;
	while (s > 0 && m % 10n === 0n) {
		m /= 10n;
		s--;
	}
	return { m, s };
}

function printDecimal({ m, s }: Decimal): string {
	const negative = m < 0n;
	const digits = (negative ? -m : m).toString().padStart(s + 1, '0');
	const text = s === 0 ? digits : `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`;
	return negative ? `-${text}` : text;
}

function align(a: Decimal, b: Decimal): [bigint, bigint] {
	const s = Math.max(a.s, b.s);
	return [a.m * 10n ** BigInt(s - a.s), b.m * 10n ** BigInt(s - b.s)];
}

function sign(n: bigint | number): number {
	return n > 0 ? 1 : n < 0 ? -1 : 0;
}

function numberText(cell: unknown): string | undefined {
	if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : undefined;
	if (typeof cell === 'bigint') return String(cell);
	if (typeof cell === 'string') return cell;
	return undefined;
}

function decimalDomain(typeName: string): WatermarkDomain {
	const read = (text: string): Decimal => {
		const value = parseDecimal(text);
		if (!value) throw new Error(`'${text}' is not a decimal`);
		return value;
	};
	return {
		kind: 'decimal',
		typeName,
		canonical: (cell) => {
			const text = numberText(cell);
			const value = text === undefined ? undefined : parseDecimal(text);
			return value && printDecimal(value);
		},
		compare: (a, b) => {
			const [x, y] = align(read(a), read(b));
			return sign(x - y);
		},
		minus: (value, lookBack) => {
			const back = parseDecimal(String(lookBack));
			if (!back) return undefined;
			const v = read(value);
			const [x, y] = align(v, back);
			return printDecimal(normalize({ m: x - y, s: Math.max(v.s, back.s) }));
		},
		binding: (value) => {
			const v = read(value);
			return v.s === 0 ? { type: 'FIXED', value: v.m.toString() } : { type: 'DECFLOAT', value: printDecimal(v) };
		},
	};
}

const REAL_TEXT: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, inf: Infinity, '-inf': -Infinity };

function realValue(text: string): number {
	return text in REAL_TEXT ? REAL_TEXT[text] : Number(text);
}

function realDomain(typeName: string): WatermarkDomain {
	return {
		kind: 'real',
		typeName,
		canonical: (cell) => {
			if (typeof cell === 'number') return String(cell);
			if (typeof cell !== 'string') return undefined;
			const value = realValue(cell.trim());
			return Number.isNaN(value) && cell.trim() !== 'NaN' ? undefined : String(value);
		},
		compare: (a, b) => {
			const x = realValue(a);
			const y = realValue(b);
			if (Number.isNaN(x) || Number.isNaN(y)) return (Number.isNaN(x) ? 1 : 0) - (Number.isNaN(y) ? 1 : 0);
			return sign(x - y);
		},
		minus: (value, lookBack) => String(realValue(value) - lookBack),
		binding: (value) => {
			const x = realValue(value);
			let text = String(x);
			if (Number.isNaN(x)) text = 'NaN';
			else if (!Number.isFinite(x)) text = x > 0 ? 'inf' : '-inf';
			return { type: 'REAL', value: text };
		},
	};
}

/** Code-point order (UTF-16 order differs for characters beyond U+FFFF). */
function compareCodePoints(a: string, b: string): number {
	const x = Array.from(a);
	const y = Array.from(b);
	for (let i = 0; i < Math.min(x.length, y.length); i++) {
		const diff = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
		if (diff !== 0) return sign(diff);
	}
	return sign(x.length - y.length);
}

function textDomain(typeName: string): WatermarkDomain {
	return {
		kind: 'text',
		typeName,
		canonical: (cell) => (typeof cell === 'string' ? cell : undefined),
		compare: compareCodePoints,
		minus: () => undefined,
		binding: (value) => ({ type: 'TEXT', value }),
	};
}

const NS_PER_SECOND = 1_000_000_000;

/** A domain whose canonical text is a whole number (days or nanoseconds). */
function integerDomain(
	kind: WatermarkKind,
	typeName: string,
	read: (text: string) => bigint | undefined,
	unitsPerSecond: (lookBack: number) => bigint,
	binding: (value: bigint) => Binding,
): WatermarkDomain {
	return {
		kind,
		typeName,
		canonical: (cell) => {
			const value = typeof cell === 'string' ? read(cell.trim()) : undefined;
			return value === undefined ? undefined : value.toString();
		},
		compare: (a, b) => sign(BigInt(a) - BigInt(b)),
		minus: (value, lookBack) => (BigInt(value) - unitsPerSecond(lookBack)).toString(),
		binding: (value) => binding(BigInt(value)),
	};
}

const nanosOf = (lookBack: number) => BigInt(Math.round(lookBack * NS_PER_SECOND));

function instantNanos(text: string, needsOffset: boolean): bigint | undefined {
	const parts = parseDateTime(text);
	if (!parts) return undefined;
	if (parts.offsetMinutes === undefined) return needsOffset ? undefined : wallClockNanos(parts);
	if (!needsOffset) return undefined;
	return wallClockNanos(parts) - BigInt(parts.offsetMinutes) * 60_000_000_000n;
}

function dateDays(text: string): bigint | undefined {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!match) return undefined;
	const parts = parseDateTime(text);
	return parts ? BigInt(daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]))) : undefined;
}

/** The domain of a watermark column, or undefined when its type cannot be one. */
export function watermarkDomain(column: Pick<RowType, 'type' | 'scale'>): WatermarkDomain | undefined {
	const type = column.type.toLowerCase();
	const typeName = type.toUpperCase();
	switch (type) {
		case 'fixed':
		case 'decfloat':
			return decimalDomain(typeName);
		case 'real':
			return realDomain(typeName);
		case 'text':
			return textDomain(typeName);
		case 'date':
			return integerDomain(
				'date',
				typeName,
				dateDays,
				(lookBack) => BigInt(Math.ceil(lookBack / 86_400)),
				(days) => ({ type: 'DATE', value: (days * BigInt(MS_PER_DAY)).toString() }),
			);
		case 'time':
			return integerDomain('time', typeName, parseTime, nanosOf, (nanos) => ({ type: 'TIME', value: nanos.toString() }));
		case 'timestamp_ntz':
			return integerDomain('ntz', typeName, (text) => instantNanos(text, false), nanosOf, (nanos) => ({
				type: 'TIMESTAMP_NTZ',
				value: nanos.toString(),
			}));
		case 'timestamp_ltz':
			return integerDomain('ltz', typeName, (text) => instantNanos(text, true), nanosOf, (nanos) => ({
				type: 'TIMESTAMP_LTZ',
				value: nanos.toString(),
			}));
		case 'timestamp_tz':
			return integerDomain('tz', typeName, (text) => instantNanos(text, true), nanosOf, (nanos) => ({
				type: 'TIMESTAMP_TZ',
				value: `${nanos} 1440`,
			}));
		default:
			return undefined;
	}
}
