/**
 * IANA zone offsets from the runtime's own time zone data (Intl), with no library: the package ships
 * without runtime dependencies. Intl is far too slow to ask per cell, hence the per-hour memo.
 */
import { daysFromCivil } from './calendar';

/** Zone names already checked: every execute, item and child statement asks again. */
const knownZones = new Map<string, boolean>();
const MAX_CHECKED_ZONES = 1_000;

/** True when Intl knows the zone (names are case-insensitive, links such as US/Eastern included). */
export function isKnownTimeZone(name: string): boolean {
	if (!name) return false;
	const known = knownZones.get(name);
	if (known !== undefined) return known;
	let valid: boolean;
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name }).format();
		valid = true;
	} catch {
		valid = false;
	}
	if (knownZones.size >= MAX_CHECKED_ZONES) knownZones.clear();
	knownZones.set(name, valid);
	return valid;
}

const MAX_MEMOISED_HOURS = 100_000;

/**
 * A zone's UTC offset (seconds) at an instant, memoised per UTC hour. An hour is only memoised when
 * its first and last second agree, so a transition inside an hour (half-hour zones, historical
 * offsets) is still looked up exactly.
 */
export class ZoneOffsets {
	private readonly hours = new Map<number, number>();
	private readonly format: Intl.DateTimeFormat;

	constructor(timeZone: string) {
		// Every field to the second, so local-mean-time offsets keep their seconds; the era tells a
		// year BCE from the year it mirrors.
		this.format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hour12: false,
			era: 'short',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
	}

	at(seconds: number): number {
		const hour = Math.floor(seconds / 3600);
		const known = this.hours.get(hour);
		if (known !== undefined) return known;
		const first = this.lookup(hour * 3600);
		if (first !== this.lookup(hour * 3600 + 3599)) return this.lookup(seconds);
		if (this.hours.size >= MAX_MEMOISED_HOURS) this.hours.clear();
		this.hours.set(hour, first);
		return first;
	}

	/** The zone's wall clock at `seconds`, read as if it were UTC, minus the instant: the offset. NaN outside Date's range. */
	private lookup(seconds: number): number {
		const date = new Date(seconds * 1000);
		if (Number.isNaN(date.getTime())) return Number.NaN;
		let year = 0;
		let month = 0;
		let day = 0;
		let hour = 0;
		let minute = 0;
		let second = 0;
		let beforeCommonEra = false;
		for (const part of this.format.formatToParts(date)) {
			switch (part.type) {
				case 'year':
					year = parseInt(part.value, 10);
					break;
				case 'month':
					month = parseInt(part.value, 10);
					break;
				case 'day':
					day = parseInt(part.value, 10);
					break;
				case 'hour':
					// Some engines print midnight as 24 with hour12 off.
					hour = parseInt(part.value, 10) % 24;
					break;
				case 'minute':
					minute = parseInt(part.value, 10);
					break;
				case 'second':
					second = parseInt(part.value, 10);
					break;
				case 'era':
					beforeCommonEra = part.value === 'BC';
					break;
			}
		}
		if (beforeCommonEra) year = 1 - year;
		return daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - seconds;
	}
}
