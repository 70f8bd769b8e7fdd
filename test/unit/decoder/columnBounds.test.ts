/* eslint-disable no-console -- the measured times are printed for the record */
/**
 * Column names from a hostile server: many columns of one name are keyed in linear time (the former
 * de-duplication retried every suffix from _2 for each column: 40,000 columns of one name took 160 s),
 * with the same keys as before, and a rowType wider than 10,000 columns is refused with a clear error.
 * No wall-clock threshold: 10 times the columns may cost at most 40 times the time (linear measures about
 * 10, the former quadratic about 100); the times are printed.
 */
import { describe, expect, it } from 'vitest';

import { columnKeys, createRowDecoder, DecodeError, type RowType } from '../../../nodes/SnowflakeSqlApi/decoder';
import { seeded } from '../../helpers/seeded';

const column = (name: string): RowType => ({ name, type: 'text' }) as RowType;
const sameName = (count: number) => Array.from({ length: count }, () => column('A'));

/** The former algorithm, kept here as the reference for the keys. */
function referenceKeys(rowType: readonly RowType[]): string[] {
	const taken = new Set(rowType.map((c) => c.name));
	const used = new Set<string>();
	return rowType.map((c) => {
		let key = c.name;
		for (let n = 2; used.has(key); n++) {
			const candidate = `${c.name}_${n}`;
			if (!taken.has(candidate) && !used.has(candidate)) key = candidate;
		}
		used.add(key);
		return key;
	});
}

function minimumMs(work: () => unknown): number {
	let best = Number.POSITIVE_INFINITY;
	for (let i = 0; i < 5; i++) {
		const start = performance.now();
		work();
		best = Math.min(best, performance.now() - start);
	}
	return best;
}

describe('column names from the server', () => {
	it('gives the same keys as before on mixes of repeated and suffix-like names', () => {
		const random = seeded(13);
		const names = ['A', 'A_2', 'A_3', 'A_2_2', 'B', 'B_10', 'A_10', 'C_2', 'C'];
		for (let trial = 0; trial < 500; trial++) {
			const rowType = Array.from({ length: 1 + Math.floor(random() * 30) }, () => column(names[Math.floor(random() * names.length)]));
			expect(columnKeys(rowType)).toEqual(referenceKeys(rowType));
		}
	});

	it('keys 40,000 columns of one name A, A_2 … A_40000, in linear time', () => {
		const keys = columnKeys(sameName(40_000));
		expect(keys[0]).toBe('A');
		expect(keys[1]).toBe('A_2');
		expect(keys[39_999]).toBe('A_40000');
		expect(new Set(keys).size).toBe(40_000);

		const small = sameName(1_000);
		const large = sameName(10_000);
		columnKeys(large); // warm-up
		const smallMs = minimumMs(() => {
			for (let i = 0; i < 10; i++) columnKeys(small);
		});
		const largeMs = minimumMs(() => {
			for (let i = 0; i < 10; i++) columnKeys(large);
		});
		console.log(`columnKeys ×10: 1,000 same-name columns ${smallMs.toFixed(2)} ms, 10,000 ${largeMs.toFixed(2)} ms`);
		expect(largeMs).toBeLessThanOrEqual(40 * smallMs);
	});

	it('decodes 10,000 columns and refuses 10,001 with a clear error', () => {
		const decoder = createRowDecoder(sameName(10_000));
		expect(decoder.decode([Array.from({ length: 10_000 }, () => 'x')])[0].A_10000).toBe('x');
		expect(() => createRowDecoder(sameName(10_001))).toThrow(
			new DecodeError(
				'protocol',
				'the result has 10001 columns, more than the 10000 this node reads. Select fewer columns (name them instead of SELECT *).',
			),
		);
	});
});
