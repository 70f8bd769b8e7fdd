import { describe, expect, it } from 'vitest';

import { columnKeys, createRowDecoder, DecodeError, type DecodeOptions, type RowType } from '../../../nodes/SnowflakeSqlApi/decoder';

const decodeRows = (rowType: RowType[], data: Array<Array<string | null>>, options?: DecodeOptions) => createRowDecoder(rowType, options).decode(data);

const column = (name: string, type = 'text', scale: number | null = null): RowType => ({ name, type, scale });

describe('row decoding', () => {
	it('builds plain objects keyed by column name, converting each column by its rowType', () => {
		const rowType = [column('ID', 'fixed', 0), column('NAME'), column('PRICE', 'fixed', 2), column('SOLD_ON', 'date'), column('TAGS', 'array')];
		const rows = decodeRows(rowType, [
			['1', 'apple', '1.25', '19723', '["red","fruit"]'],
			['2', null, null, null, null],
		]);
		expect(rows).toEqual([
			{ ID: 1, NAME: 'apple', PRICE: 1.25, SOLD_ON: '2024-01-01', TAGS: ['red', 'fruit'] },
			{ ID: 2, NAME: null, PRICE: null, SOLD_ON: null, TAGS: null },
		]);
		expect(Object.keys(rows[0])).toEqual(['ID', 'NAME', 'PRICE', 'SOLD_ON', 'TAGS']);
		expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
	});

	it('decodes by rowType, not by how the cell looks', () => {
		const rows = decodeRows([column('A'), column('B', 'fixed', 0), column('C', 'boolean')], [['123', '123', 'true']]);
		expect(rows[0]).toEqual({ A: '123', B: 123, C: true });
	});

	it('suffixes repeated column names _2, _3 and skips names already taken', () => {
		expect(columnKeys([column('A'), column('A'), column('A')])).toEqual(['A', 'A_2', 'A_3']);
		expect(columnKeys([column('A'), column('A'), column('A_2')])).toEqual(['A', 'A_3', 'A_2']);
		expect(decodeRows([column('X'), column('X')], [['1', '2']])).toEqual([{ X: '1', X_2: '2' }]);
	});

	it('keeps a column named __proto__ as a field instead of replacing the prototype', () => {
		const rows = decodeRows([column('__proto__'), column('B')], [['{"polluted":true}', 'b']]);
		expect(Object.keys(rows[0])).toEqual(['__proto__', 'B']);
		expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(rows[0], '__proto__')?.value).toBe('{"polluted":true}');
	});

	it('decodes only the first `limit` rows and appends to an existing array', () => {
		const decoder = createRowDecoder([column('N', 'fixed', 0)]);
		const out = decoder.decode([['1']]);
		decoder.decodeInto([['2'], ['3'], ['4']], out, 2);
		expect(out).toEqual([{ N: 1 }, { N: 2 }, { N: 3 }]);
		expect(decoder.keys).toEqual(['N']);
	});

	it('fails loudly on a row whose width does not match rowType', () => {
		expect(() => decodeRows([column('A'), column('B')], [['only one']])).toThrow(DecodeError);
		expect(() => decodeRows([column('A')], [['a', 'extra']])).toThrow(new DecodeError('protocol', 'a row has 2 cells but rowType describes 1 columns.'));
		expect(() => decodeRows([column('A')], [null as unknown as string[]])).toThrow(
			expect.objectContaining({ name: 'DecodeError', kind: 'protocol', message: 'a row has no cells but rowType describes 1 columns.' }),
		);
	});

	it('applies numbersAsStrings to every numeric column at once', () => {
		const rowType = [column('I', 'fixed', 0), column('D', 'fixed', 2), column('R', 'real'), column('F', 'decfloat')];
		expect(decodeRows(rowType, [['1', '2.50', '0.1', '1e-40']], { numbersAsStrings: true })).toEqual([
			{ I: '1', D: '2.50', R: '0.1', F: '1e-40' },
		]);
	});
});
