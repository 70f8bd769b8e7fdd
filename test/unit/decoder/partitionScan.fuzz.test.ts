/**
 * Differential fuzz of the partition decoder (decoder/partitionScan.ts, reached through
 * RowDecoder.decodePartition) against the reference path: JSON.parse of the body and the row decoder
 * with the same converters. Fixed seed; over a million random cells of every type, canonical and
 * malformed (escapes of every JSON kind, unicode, astral and lone surrogates, invalid UTF-8 bytes,
 * exponents, -0, huge scales and digit counts, nulls, nested and non-strict VARIANT), in bodies of
 * canonical structure (random white space, escapes) and in broken ones (cut off, extra keys, cells that
 * are not strings, rows of the wrong width, invalid escapes, control characters, trailing text).
 *
 * For every body: when the partition decoder answers a row count, the reference path must succeed with
 * exactly the same rows (keys in order, -0 and NaN told apart) and that many rows; when it answers
 * undefined, the caller takes the reference path itself, so any answer of the reference is right. A
 * body of canonical structure must never be handed back (or the fast path would silently not be one).
 */
import { describe, expect, it } from 'vitest';

import { createRowDecoder, type DecodedRow } from '../../../nodes/SnowflakeSqlApi/decoder';
import { fingerprint, partitionCases, reference } from '../../helpers/partitionBodies';

const randomCase = partitionCases(0x5eed15);

describe('partition decoder against JSON.parse + the row decoder (differential fuzz, fixed seed)', () => {
	it('reads over a million random cells of every type exactly as the reference path does', () => {
		const CELLS = 1_050_000;
		let cells = 0;
		let scannedCells = 0;
		let bodies = 0;
		let handedBack = 0;
		const mismatches: string[] = [];
		while (cells < CELLS) {
			const testCase = randomCase();
			cells += testCase.cells;
			bodies++;
			// Written at an offset into an array that already holds rows, as the transport does.
			const out: DecodedRow[] = [{ before: true }];
			const count = createRowDecoder(testCase.rowType, testCase.options).decodePartition(testCase.body, out, 1, testCase.limit);
			if (count === undefined) {
				handedBack++;
				if (testCase.canonical) mismatches.push(`canonical body handed back: ${String(testCase.body).slice(0, 200)}`);
				continue;
			}
			scannedCells += testCase.cells;
			const expected = reference(testCase);
			if ('error' in expected) {
				mismatches.push(`decoded a body the reference refuses (${expected.error})`);
			} else if (count !== expected.count || fingerprint(out.slice(1)) !== fingerprint(expected.rows) || out[0].before !== true) {
				const got = fingerprint(out.slice(1));
				const want = fingerprint(expected.rows);
				let at = 0;
				while (at < got.length && got[at] === want[at]) at++;
				mismatches.push(`rowType ${JSON.stringify(testCase.rowType.map((c) => [c.type, c.scale, c.extTypeName]))} ${JSON.stringify(testCase.options)}: got …${got.slice(at - 80, at + 80)} want …${want.slice(at - 80, at + 80)}`);
			}
			if (mismatches.length > 5) break;
		}
		expect(mismatches).toEqual([]);
		expect(cells).toBeGreaterThanOrEqual(CELLS);
		// Most cells went through the fast path; broken bodies were handed back.
		expect(scannedCells / cells).toBeGreaterThan(0.8);
		expect(handedBack).toBeGreaterThan(0);
		expect(bodies).toBeGreaterThan(1000);
	});
});
