/**
 * The pre-staged large result for the benchmark (issue 6): `SELECT * FROM TABLE(EMULATOR$BENCH(n))`
 * (or `SELECT * FROM EMULATOR_DB.PUBLIC.BENCH_<n>`). n rows × 10 typed columns whose jsonv2 cells
 * are computed as strings straight from the row index — no DuckDB involved — and cached per n, so
 * a million rows stream at the speed of the server, not of the engine.
 */
import type { RowType } from '../../nodes/SnowflakeSqlApi/transport/types';
import type { EngineResult } from './engine-types';
import { formatReal, rowTypeEntry } from './encode';
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
const FLAGS = ['true', 'false'];

/** Row i (0-based) of the bench result; every cell is a pure function of i. */
export function benchRow(i: number): Array<string | null> {
	const fraction = pad((i * 7919) % 1_000_000_000, 9);
	const offsetMinutes = ((i % 27) - 12) * 60; // −12:00 … +14:00
	return [
		String(i + 1),
		`${Math.floor(i / 3) * 7}.${pad(i % 100, 2)}`,
		formatReal(i * 1.25 + 0.5),
		`name-${i}`,
		FLAGS[i % 2],
		String(-3650 + (i % 21900)),
		`${i % 86400}.${fraction}`,
		`${1_500_000_000 + i}.${fraction}`,
		`${1_600_000_000 + i}.${fraction} ${1440 + offsetMinutes}`,
		i % 10 === 9 ? null : `{"id":${i},"tags":["t${i % 7}"],"ok":${i % 2 === 0}}`,
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
