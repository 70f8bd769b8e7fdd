/**
 * The pre-staged large result for the benchmark (issue 6): `SELECT * FROM TABLE(EMULATOR$BENCH(n))`
 * (or `SELECT * FROM EMULATOR_DB.PUBLIC.BENCH_<n>`). n rows × 10 typed columns whose jsonv2 cells
 * are computed as strings straight from the row index — no DuckDB involved — and cached per n, so
 * a million rows stream at the speed of the server, not of the engine.
 */
import type { RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import type { EngineResult } from './engine-types';
import { rowTypeEntry } from './encode';
import type { SfType } from './translate';

export const BENCH_MAX_ROWS = 10_000_000;

const COLUMNS: Array<[string, SfType]> = [
	['ID', { type: 'fixed', precision: 38, scale: 0 }],
	['AMOUNT', { type: 'fixed', precision: 38, scale: 2 }],
	['SCORE', { type: 'real' }],
	['NAME', { type: 'text', length: 64 }],
	['ACTIVE', { type: 'boolean' }],
	['BIRTH_DATE', { type: 'date' }],
	['START_TIME', { type: 'time', scale: 9 }],
	['CREATED_AT', { type: 'timestamp_ntz', scale: 9 }],
	['UPDATED_AT', { type: 'timestamp_tz', scale: 9 }],
	['PAYLOAD', { type: 'variant' }],
];

export const benchRowType: RowType[] = COLUMNS.map(([name, type]) =>
	rowTypeEntry({ name, type, database: 'EMULATOR_DB', schema: 'PUBLIC', table: 'BENCH', nullable: true }),
);

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** Array#join yields one flat string where a template literal leaves a rope of concatenations (3× the memory). */
const flat = (...parts: Array<string | number>): string => parts.join('');
const FLAGS = ['true', 'false'];
const DAY_PERIOD = 21_900;
const SECONDS_PER_DAY = 86_400;
const FRACTION_PERIOD = 1000;
// Columns with few distinct values share their strings (built on first use), which keeps a million rows affordable.
let pools: { days: string[]; fractions: string[]; times: string[] } | undefined;
function getPools(): { days: string[]; fractions: string[]; times: string[] } {
	if (!pools) {
		const fractions = Array.from({ length: FRACTION_PERIOD }, (_, k) => pad((k * 7919) % 1_000_000_000, 9));
		pools = {
			days: Array.from({ length: DAY_PERIOD }, (_, k) => String(-3650 + k)),
			fractions,
			times: Array.from({ length: SECONDS_PER_DAY }, (_, k) => flat(k, '.', fractions[k % FRACTION_PERIOD])),
		};
	}
	return pools;
}

/** Row i (0-based) of the bench result; every cell is a pure function of i. */
export function benchRow(i: number): Array<string | null> {
	const { days, fractions, times } = getPools();
	const fraction = fractions[i % FRACTION_PERIOD];
	const offsetMinutes = ((i % 27) - 12) * 60; // −12:00 … +14:00
	return [
		String(i + 1),
		flat(Math.floor(i / 3) * 7, '.', pad(i % 100, 2)),
		// i × 1.25 + 0.5 is exact in binary and short, so its %.17g text is plain String().
		String(i * 1.25 + 0.5),
		flat('name-', i),
		FLAGS[i % 2],
		days[i % DAY_PERIOD],
		times[i % SECONDS_PER_DAY],
		flat(1_500_000_000 + i, '.', fraction),
		flat(1_600_000_000 + i, '.', fraction, ' ', 1440 + offsetMinutes),
		i % 10 === 9 ? null : flat('{"id":', i, ',"tags":["t', i % 7, '"],"ok":', i % 2 === 0 ? 'true' : 'false', '}'),
	];
}

const cache = new Map<number, EngineResult>();

export function benchResult(rows: number): EngineResult {
	if (!Number.isSafeInteger(rows) || rows < 0 || rows > BENCH_MAX_ROWS) {
		throw new RangeError(`EMULATOR$BENCH takes 0..${BENCH_MAX_ROWS} rows`);
	}
	let result = cache.get(rows);
	if (!result) {
		const data: Array<Array<string | null>> = new Array(rows);
		for (let i = 0; i < rows; i++) data[i] = benchRow(i);
		result = { rowType: benchRowType, data, kind: 'query' };
		cache.set(rows, result);
	}
	return result;
}

/** Frees cached bench results (tests and long-running CLIs). */
export function clearBenchCache(): void {
	cache.clear();
}
