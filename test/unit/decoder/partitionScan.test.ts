/**
 * The partition decoder on named cases (the differential fuzz next to this file covers the rest): what it
 * reads itself, where it writes, and which bodies it hands back for JSON.parse + the row decoder.
 */
import { describe, expect, it } from 'vitest';

import { createRowDecoder, type DecodedRow, type RowType } from '../../../nodes/SnowflakeSqlApi/decoder';

const rowType: RowType[] = [
	{ name: 'ID', type: 'fixed', scale: 0 },
	{ name: 'AMOUNT', type: 'fixed', scale: 2 },
	{ name: 'NAME', type: 'text' },
	{ name: 'AT', type: 'timestamp_tz', scale: 3 },
	{ name: 'V', type: 'variant' },
];
const bytes = (text: string) => new TextEncoder().encode(text);

function decodePartition(body: unknown, limit = Number.POSITIVE_INFINITY, columns = rowType) {
	const out: DecodedRow[] = [{ kept: true }];
	const count = createRowDecoder(columns).decodePartition(body, out, 1, limit);
	return { count, out };
}

describe('partition decoder', () => {
	it('reads a canonical body from its bytes into the array at the offset, exactly as the row decoder would', () => {
		const data = [
			['1', '-0.50', 'a name longer than thirteen', '1700000000.123 1500', '{"a":[1,"x"]}'],
			['-0', '12345678901234.5', 'ünïcödé 😀', '0.000 1440', null],
			['123456789012345678901', '1e3', '', 'not a time', '[NaN, undefined]'],
		];
		const { count, out } = decodePartition(bytes(JSON.stringify({ data })));
		expect(count).toBe(3);
		expect(out[0]).toEqual({ kept: true });
		expect(out.slice(1)).toEqual(createRowDecoder(rowType).decode(data));
		expect(Object.is(out[2].ID, -0)).toBe(true);
		expect(out[3]).toMatchObject({ ID: '123456789012345678901', AMOUNT: 1000, AT: 'not a time', V: ['NaN', null] });
	});

	it('decodes escapes as JSON does, in any spelling JSON allows', () => {
		const body = '{"data":[["1","0.10","tab\\there \\"quoted\\" \\u00e9 \\ud83d\\ude00 \\/","0.5 1440","\\"\\\\u0041\\""]]}';
		const { count, out } = decodePartition(body);
		expect(count).toBe(1);
		expect(out[1]).toEqual({ ID: 1, AMOUNT: 0.1, NAME: 'tab\there "quoted" é 😀 /', AT: '1970-01-01T00:00:00.500+00:00', V: 'A' });
	});

	it('reads white space between tokens and counts, without converting, the rows past the limit', () => {
		const body = ' { "data" :\n [ [ "1" , null , "a" , null , null ] ,\n\t[ "2" , null , "b" , null , null ] ] } \n';
		const { count, out } = decodePartition(body, 1);
		expect(count).toBe(2);
		expect(out).toHaveLength(2);
		expect(out[1]).toEqual({ ID: 1, AMOUNT: null, NAME: 'a', AT: null, V: null });
	});

	it.each([
		['a body cut off', '{"data":[["1",null,"a",null,null]'],
		['another key next to data', '{"data":[],"more":true}'],
		['a number where jsonv2 has a string', '{"data":[[1,null,"a",null,null]]}'],
		['a row of the wrong width', '{"data":[["1",null]]}'],
		['an escape JSON does not have', '{"data":[["1",null,"\\x",null,null]]}'],
		['a control character inside a string', '{"data":[["1",null,"a\u0001",null,null]]}'],
		['text after the object', '{"data":[]} x'],
		['an empty body', ''],
		['a parsed body', { data: [] }],
	])('hands back %s (the caller parses it: same rows, same errors)', (_name, body) => {
		expect(decodePartition(typeof body === 'string' ? bytes(body) : body).count).toBeUndefined();
	});

	it('hands back every body of a result with a column named __proto__ (those rows take the defineProperty path)', () => {
		const columns: RowType[] = [{ name: '__proto__', type: 'text' }];
		expect(decodePartition('{"data":[["x"]]}', Number.POSITIVE_INFINITY, columns).count).toBeUndefined();
	});
});
