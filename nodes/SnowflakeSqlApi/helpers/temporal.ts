/**
 * Calendar arithmetic for DATE/TIME/TIMESTAMP bindings, in bigint so nanoseconds written with nine
 * fraction digits are never rounded through a float, and without Date.UTC (which maps years 0-99 to
 * 1900-1999).
 */
import { daysFromCivil } from '../decoder';

export const NS_PER_MS = 1_000_000n;
const NS_PER_DAY = 86_400_000_000_000n;
export const MS_PER_DAY = 86_400_000;

function daysInMonth(year: number, month: number): number {
	if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since epoch of `YYYY-MM-DD` (year 0001-9999), or undefined when it is not a real date. */
function parseDateParts(year: string, month: string, day: string): number | undefined {
	const y = Number(year);
	const m = Number(month);
	const d = Number(day);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
	return daysFromCivil(y, m, d);
}

/** Nanoseconds since midnight, or undefined when out of range (24:00, :60 are refused). */
function parseTimeParts(hour: string, minute: string, second = '0', fraction = ''): bigint | undefined {
	const h = Number(hour);
	const m = Number(minute);
	const s = Number(second);
	if (h > 23 || m > 59 || s > 59) return undefined;
	const seconds = BigInt((h * 60 + m) * 60 + s);
	return seconds * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Nanoseconds since midnight of `HH:mm[:ss[.fffffffff]]`. */
export function parseTime(text: string): bigint | undefined {
	const match = TIME.exec(text);
	return match ? parseTimeParts(match[1], match[2], match[3], match[4]) : undefined;
}

interface DateTimeParts {
	/** Days since epoch of the date as written. */
	days: number;
	/** Wall-clock nanoseconds since that day's midnight. */
	nanos: bigint;
	/** Offset written in the text, in minutes east of UTC (Z → 0); undefined when none was written. */
	offsetMinutes?: number;
}

/**
 * ISO 8601 date or date-time: `YYYY-MM-DD`, optionally `T` or space, `HH:mm[:ss[.f…]]` with up to nine
 * fraction digits, optionally `Z` or an offset `±HH`, `±HHMM`, `±HH:MM` (below 24 hours).
 */
export function parseDateTime(text: string): DateTimeParts | undefined {
	const match = DATE_TIME.exec(text);
	if (!match) return undefined;
	const days = parseDateParts(match[1], match[2], match[3]);
	if (days === undefined) return undefined;
	if (match[4] === undefined) return { days, nanos: 0n };
	const nanos = parseTimeParts(match[4], match[5], match[6], match[7]);
	if (nanos === undefined) return undefined;
	const zone = match[8];
	if (zone === undefined) return { days, nanos };
	if (zone === 'Z' || zone === 'z') return { days, nanos, offsetMinutes: 0 };
	const digits = zone.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = Number(digits.slice(2) || '0');
	if (hours > 23 || minutes > 59) return undefined;
	const offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
	return { days, nanos, offsetMinutes };
}

/** Epoch nanoseconds of a wall-clock reading taken as UTC. */
export function wallClockNanos(parts: DateTimeParts): bigint {
	return BigInt(parts.days) * NS_PER_DAY + parts.nanos;
}

/** The luxon DateTime members used here; duck-typed so the helpers need no luxon import. */
export interface DateTimeLike {
	toMillis(): number;
	toISO(): string | null;
	offset: number;
	isValid: boolean;
	invalidReason?: string | null;
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

export function isDateTimeLike(value: unknown): value is DateTimeLike {
	if (typeof value !== 'object' || value === null) return false;
	const candidate = value as Partial<DateTimeLike>;
	return (
		typeof candidate.toMillis === 'function' &&
		typeof candidate.toISO === 'function' &&
		typeof candidate.offset === 'number' &&
		typeof candidate.isValid === 'boolean'
	);
}
