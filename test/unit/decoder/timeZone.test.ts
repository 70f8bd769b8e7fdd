/**
 * TIMESTAMP_LTZ in a zone, decoded with Intl, against luxon (the library the decoder used before;
 * now only a devDependency, as the reference): every zone the runtime knows, instants from 1811 to
 * 2128 drawn with a fixed seed, and hour-by-hour sweeps through zones whose transitions fall inside a
 * UTC hour (half-hour and 45-minute offsets, 30-minute DST, negative DST, a skipped day), so both the
 * per-hour memo and the exact look-up inside a transition hour are compared. Offsets include the
 * seconds of local mean time (e.g. New York -04:56:02 before 1883, Dublin -00:25:21 before 1916).
 */
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';

import { createRowDecoder, type RowType } from '../../../nodes/SnowflakeSqlApi/decoder';
import { seededRandom } from '../../emulator/faults';

const LTZ: RowType[] = [{ name: 'T', type: 'timestamp_ltz', scale: 0 }];
const NTZ: RowType[] = [{ name: 'T', type: 'timestamp_ntz', scale: 0 }];
const wallClock = createRowDecoder(NTZ);

const two = (n: number) => String(n).padStart(2, '0');

/** What the decoder printed before: luxon's offset (rounded to seconds) and the wall clock at that offset. */
function expectedWithLuxon(zone: IANAZone, seconds: number): string {
	const offset = Math.round(zone.offset(seconds * 1000) * 60);
	const abs = Math.abs(offset);
	const text = `${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 3600))}:${two(Math.floor((abs % 3600) / 60))}${abs % 60 ? `:${two(abs % 60)}` : ''}`;
	return `${String(wallClock.decode([[String(seconds + offset)]])[0].T)}${text}`;
}

function compare(timezone: string, instants: number[]): void {
	const zone = IANAZone.create(timezone);
	const decoded = createRowDecoder(LTZ, { timezone })
		.decode(instants.map((seconds) => [String(seconds)]))
		.map((row) => row.T);
	const expected = instants.map((seconds) => expectedWithLuxon(zone, seconds));
	const differing = instants.filter((_, i) => decoded[i] !== expected[i]).map((seconds, i) => `${seconds}: ${String(decoded[i])} ≠ ${expected[i]}`);
	expect(differing, timezone).toEqual([]);
}

describe('TIMESTAMP_LTZ offsets from Intl match luxon', () => {
	const zones = Intl.supportedValuesOf('timeZone');

	it('knows several hundred zones', () => {
		expect(zones.length).toBeGreaterThan(300);
	});

	it('at 60 seeded instants in every zone, 1811 to 2128', () => {
		const random = seededRandom(20261204);
		for (const timezone of zones) {
			const instants = Array.from({ length: 60 }, () => Math.floor((random() - 0.5) * 10_000_000_000));
			compare(timezone, instants);
		}
	});

	it.each([
		'America/St_Johns',
		'Australia/Lord_Howe',
		'Asia/Kathmandu',
		'Pacific/Chatham',
		'Europe/Dublin',
		'Africa/Casablanca',
		'Pacific/Apia',
		'America/New_York',
		'Africa/Monrovia',
		'Europe/Berlin',
		'Asia/Kolkata',
		'Australia/Adelaide',
	])('sweeping %s every 68 minutes 53 seconds through 1850, 1916, 1972 and 2024', (timezone) => {
		const instants: number[] = [];
		for (const year of [1850, 1916, 1972, 2024]) {
			const start = Date.UTC(year, 0, 1) / 1000;
			for (let s = start; s < start + 366 * 86_400; s += 4133) instants.push(s);
		}
		compare(timezone, instants);
	});

	it('keeps the seconds of a local-mean-time offset', () => {
		const decoded = createRowDecoder(LTZ, { timezone: 'America/New_York' }).decode([[String(Date.UTC(1850, 5, 1) / 1000)]]);
		expect(decoded[0].T).toBe('1850-05-31T19:03:58-04:56:02');
	});

	it('each second around a transition inside a UTC hour (St John\'s, 2024-03-10 05:30 UTC)', () => {
		const at = Date.UTC(2024, 2, 10, 5, 30) / 1000;
		compare('America/St_Johns', Array.from({ length: 7200 }, (_, i) => at - 3600 + i));
	});
});
