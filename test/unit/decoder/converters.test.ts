import { describe, expect, it } from 'vitest';

import { createRowDecoder, type DecodeOptions, type RowType } from '../../../nodes/SnowflakeSqlApi/decoder';
import geographyFixture from '../../emulator/captures/composed-geography.200.json';

const decodeRows = (rowType: RowType[], data: Array<Array<string | null>>, options?: DecodeOptions) => createRowDecoder(rowType, options).decode(data);

/** Decodes one cell of a column described by `type` and `scale`, as the client does. */
function decode(type: string, cell: string | null, scale: number | null = null, options: DecodeOptions = {}): unknown {
	const column: RowType = { name: 'C', type, scale, precision: null, nullable: true };
	return decodeRows([column], [[cell]], options)[0].C;
}

type Case = [cell: string, expected: unknown];

describe('FIXED', () => {
	it.each<Case>([
		['0', 0],
		['-0', -0],
		['42', 42],
		['-123456789012345', -123456789012345],
		['9007199254740991', 9007199254740991],
		['-9007199254740991', -9007199254740991],
		['9007199254740992', '9007199254740992'],
		['-9007199254740993', '-9007199254740993'],
		['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
		['-99999999999999999999999999999999999999', '-99999999999999999999999999999999999999'],
	])('scale 0: %s → %j', (cell, expected) => {
		expect(decode('fixed', cell, 0)).toBe(expected);
	});

	it.each<[string, number, unknown]>([
		['1.50', 2, 1.5],
		['-0.001', 3, -0.001],
		['123456789012.345', 3, 123456789012.345],
		['1234567890123.45', 2, 1234567890123.45],
		['12345678901234.56', 2, '12345678901234.56'],
		['0.000000001', 9, 1e-9],
		['-1234567.123456789', 9, '-1234567.123456789'],
		['10000000000000000000000000000000000.000', 3, 1e34],
		['1234567890123456789012345678.1234567890', 10, '1234567890123456789012345678.1234567890'],
		['99999999999999999999999999999.999999999', 9, '99999999999999999999999999999.999999999'],
		['0.00000000000000000000000000000000000001', 38, 1e-38],
	])('scale > 0: %s (scale %i) → %j', (cell, scale, expected) => {
		expect(decode('fixed', cell, scale)).toBe(expected);
	});

	it('keeps every digit as text with numbersAsStrings, for every scale', () => {
		for (const [cell, scale] of [['42', 0], ['1.50', 2], ['12345678901234567890123456789012345678', 0]] as const) {
			expect(decode('fixed', cell, scale, { numbersAsStrings: true })).toBe(cell);
		}
	});

	it('reads the type name case-insensitively', () => {
		expect(decode('FIXED', '7', 0)).toBe(7);
		expect(decode('Fixed', '7.5', 1)).toBe(7.5);
	});
});

describe('DECFLOAT', () => {
	it.each<Case>([
		['1.23e-40', 1.23e-40],
		['123.456', 123.456],
		['-1E+10', -1e10],
		['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
		['1.234567890123456789e100', '1.234567890123456789e100'],
		['1e400', '1e400'],
		['1e-400', '1e-400'],
		['0', 0],
	])('%s → %j', (cell, expected) => {
		expect(decode('decfloat', cell)).toBe(expected);
	});

	it('keeps the text with numbersAsStrings', () => {
		expect(decode('decfloat', '1.23e-40', null, { numbersAsStrings: true })).toBe('1.23e-40');
	});
});

describe('REAL', () => {
	it.each<Case>([
		['1.5', 1.5],
		['-0.25', -0.25],
		['1.23456789012346e+37', 1.23456789012346e37],
		['1e-300', 1e-300],
		['NaN', 'NaN'],
		['nan', 'NaN'],
		['inf', 'Infinity'],
		['Infinity', 'Infinity'],
		['INF', 'Infinity'],
		['-inf', '-Infinity'],
		['-Infinity', '-Infinity'],
	])('%s → %j', (cell, expected) => {
		expect(decode('real', cell)).toBe(expected);
	});

	it.each<Case>([
		['1.23456789012346e+37', '1.23456789012346e+37'],
		['0.1', '0.1'],
		['inf', 'Infinity'],
		['nan', 'NaN'],
	])('numbersAsStrings: %s → %j', (cell, expected) => {
		expect(decode('real', cell, null, { numbersAsStrings: true })).toBe(expected);
	});
});

describe('TEXT, BOOLEAN, BINARY', () => {
	it('returns text unchanged, including text that looks like other types', () => {
		for (const cell of ['abc', '', '123', 'null', 'true', '{"a":1}', 'ünïcødé ✓']) expect(decode('text', cell)).toBe(cell);
	});

	it.each<[string, unknown]>([
		['true', true],
		['false', false],
		['TRUE', true],
		['FALSE', false],
		['1', true],
		['0', false],
		['True', true],
	])('BOOLEAN %s → %j', (cell, expected) => {
		expect(decode('boolean', cell)).toBe(expected);
	});

	it.each<Case>([
		['0123456789ABCDEF', '0123456789ABCDEF'],
		['deadbeef', 'DEADBEEF'],
		['', ''],
		// BINARY_OUTPUT_FORMAT=BASE64 is not hex: left as sent rather than corrupted by upper-casing.
		['3q2+7w==', '3q2+7w=='],
	])('BINARY %s → %j', (cell, expected) => {
		expect(decode('binary', cell)).toBe(expected);
	});
});

describe('DATE', () => {
	it.each<Case>([
		['0', '1970-01-01'],
		['18262', '2020-01-01'],
		['17982', '2019-03-27'],
		['-1', '1969-12-31'],
		['-25567', '1900-01-01'],
		['-141427', '1582-10-15'],
		['11016', '2000-02-29'],
		['-135141', '1599-12-31'],
		['-135140', '1600-01-01'],
		['-719162', '0001-01-01'],
		['-718797', '0002-01-01'],
		['-364877', '0971-01-01'],
		['-719528', '0000-01-01'],
		['-719529', '-000001-12-31'],
		['2932896', '9999-12-31'],
		['2932897', '+010000-01-01'],
	])('%s → %s', (cell, expected) => {
		expect(decode('date', cell)).toBe(expected);
	});

	it('agrees with Date for every 997th day from year -2000 to 12000', () => {
		for (let day = -1_450_000; day < 3_700_000; day += 997) {
			expect(decode('date', String(day))).toBe(new Date(day * 86_400_000).toISOString().slice(0, -14));
		}
	});

	it('leaves a formatted date (DATE_OUTPUT_FORMAT) as sent', () => {
		expect(decode('date', '03/27/2019')).toBe('03/27/2019');
	});
});

describe('TIME', () => {
	it.each<[string, number | null, string]>([
		['82919.000000000', 9, '23:01:59.000000000'],
		['45296.789789789', 9, '12:34:56.789789789'],
		['0.000000001', 9, '00:00:00.000000001'],
		['86399.999999999', 9, '23:59:59.999999999'],
		['45296.789', 3, '12:34:56.789'],
		['45296.789000000', 3, '12:34:56.789'],
		['45296', 0, '12:34:56'],
		['45296.000000000', 0, '12:34:56'],
		['45296.5', 6, '12:34:56.500000'],
		['45296.123456789', null, '12:34:56.123456789'],
	])('%s (scale %s) → %s', (cell, scale, expected) => {
		expect(decode('time', cell, scale)).toBe(expected);
	});
});

describe('TIMESTAMP_NTZ', () => {
	it.each<[string, number, string]>([
		['0.000000000', 9, '1970-01-01T00:00:00.000000000'],
		['1453357964.000000000', 9, '2016-01-21T06:32:44.000000000'],
		['-2208943503.876543211', 9, '1900-01-01T12:34:56.123456789'],
		['-0.000000001', 9, '1969-12-31T23:59:59.999999999'],
		['-1.5', 9, '1969-12-31T23:59:58.500000000'],
		['-86400', 0, '1969-12-31T00:00:00'],
		['1713279478.999', 3, '2024-04-16T14:57:58.999'],
		['1713279478.999000000', 3, '2024-04-16T14:57:58.999'],
		['1713279478.1234567', 7, '2024-04-16T14:57:58.1234567'],
		['1713279478', 0, '2024-04-16T14:57:58'],
		['253402300799.999999999', 9, '9999-12-31T23:59:59.999999999'],
		['-62135596800.000000000', 9, '0001-01-01T00:00:00.000000000'],
		['-62167219200.5', 1, '-000001-12-31T23:59:59.5'],
	])('%s (scale %i) → %s', (cell, scale, expected) => {
		expect(decode('timestamp_ntz', cell, scale)).toBe(expected);
	});

	it('agrees with Date on the millisecond part across 1000 years and keeps the nanoseconds', () => {
		for (let seconds = -30_000_000_000; seconds < 10_000_000_000; seconds += 7_777_777_777 / 97) {
			const whole = Math.floor(seconds);
			// whole + 0.123456789 s, written the way Snowflake signs it (a negative value carries its sign on the whole number).
			const cell = whole >= 0 ? `${whole}.123456789` : `-${-whole - 1}.876543211`;
			const expected = new Date(whole * 1000).toISOString().replace('.000Z', '.123456789');
			expect(decode('timestamp_ntz', cell, 9)).toBe(expected);
		}
	});

	it('leaves a formatted timestamp (TIMESTAMP_OUTPUT_FORMAT) as sent', () => {
		expect(decode('timestamp_ntz', '2024-04-16 14:57:58.999', 3)).toBe('2024-04-16 14:57:58.999');
	});
});

describe('TIMESTAMP_LTZ', () => {
	it.each<[string, number, string]>([
		['1453386764.000000000', 9, '2016-01-21T14:32:44.000000000Z'],
		['-2208943503.876543211', 9, '1900-01-01T12:34:56.123456789Z'],
		['1713279478.999', 3, '2024-04-16T14:57:58.999Z'],
	])('UTC: %s → %s', (cell, scale, expected) => {
		expect(decode('timestamp_ltz', cell, scale)).toBe(expected);
	});

	it.each<[string, string, string]>([
		['America/New_York', '1704067200.000000000', '2023-12-31T19:00:00.000000000-05:00'],
		['America/New_York', '1719792000.000000000', '2024-06-30T20:00:00.000000000-04:00'],
		['Asia/Kolkata', '1704067200.123456789', '2024-01-01T05:30:00.123456789+05:30'],
		['Australia/Lord_Howe', '1704067200.000000000', '2024-01-01T11:00:00.000000000+11:00'],
		['Pacific/Kiritimati', '1704067200.000000000', '2024-01-01T14:00:00.000000000+14:00'],
		['Etc/GMT+12', '1704067200.000000000', '2023-12-31T12:00:00.000000000-12:00'],
		['UTC', '1704067200.000000000', '2024-01-01T00:00:00.000000000+00:00'],
		// Europe/Berlin's 2024 spring transition at 01:00 UTC: one second before and at it.
		['Europe/Berlin', '1711846799.000000000', '2024-03-31T01:59:59.000000000+01:00'],
		['Europe/Berlin', '1711846800.000000000', '2024-03-31T03:00:00.000000000+02:00'],
		// Newfoundland's spring transition at 05:30 UTC falls inside a UTC hour.
		['America/St_Johns', '1710048599.000000000', '2024-03-10T01:59:59.000000000-03:30'],
		['America/St_Johns', '1710048600.000000000', '2024-03-10T03:00:00.000000000-02:30'],
	])('in %s: %s → %s', (timezone, cell, expected) => {
		expect(decode('timestamp_ltz', cell, 9, { timezone })).toBe(expected);
	});

	it('keeps exact offsets when many instants of one column cross a transition', () => {
		const column: RowType = { name: 'T', type: 'timestamp_ltz', scale: 0 };
		const start = 1710048600 - 3600;
		const data = Array.from({ length: 7200 }, (_, i) => [String(start + i)]);
		const rows = decodeRows([column], data, { timezone: 'America/St_Johns' });
		const offsets = rows.map((row) => String(row.T).slice(-6));
		expect(offsets.slice(0, 3600).every((offset) => offset === '-03:30')).toBe(true);
		expect(offsets.slice(3600).every((offset) => offset === '-02:30')).toBe(true);
	});

	it('rejects an unknown zone before decoding anything', () => {
		expect(() => decode('timestamp_ltz', '0', 9, { timezone: 'Mars/Olympus_Mons' })).toThrow(/Unknown time zone "Mars\/Olympus_Mons"/);
	});
});

describe('TIMESTAMP_TZ', () => {
	it.each<[string, number, string]>([
		['1616173619.000000000 1500', 9, '2021-03-19T18:06:59.000000000+01:00'],
		['1641008096.123000000 1980', 9, '2022-01-01T12:34:56.123000000+09:00'],
		['1641008096.123 1980', 3, '2022-01-01T12:34:56.123+09:00'],
		['0.000000000 720', 9, '1969-12-31T12:00:00.000000000-12:00'],
		['0.000000000 2280', 9, '1970-01-01T14:00:00.000000000+14:00'],
		['0.000000000 1440', 9, '1970-01-01T00:00:00.000000000+00:00'],
		['1704067200.000000000 1770', 9, '2024-01-01T05:30:00.000000000+05:30'],
		['1704067200.000000000 1095', 9, '2023-12-31T18:15:00.000000000-05:45'],
		['-2208943503.876543211 1440', 9, '1900-01-01T12:34:56.123456789+00:00'],
		['-2208943503.876543211 960', 9, '1900-01-01T04:34:56.123456789-08:00'],
		['1704067200 2880', 0, '2024-01-02T00:00:00+24:00'],
	])('%s (scale %i) → %s', (cell, scale, expected) => {
		expect(decode('timestamp_tz', cell, scale)).toBe(expected);
	});

	it('leaves a cell without the offset part as sent', () => {
		expect(decode('timestamp_tz', '2021-03-19 18:06:59 +0100', 9)).toBe('2021-03-19 18:06:59 +0100');
	});
});

describe('VARIANT, OBJECT, ARRAY, MAP, VECTOR', () => {
	// V8 13.6 (Node 24.21): JSON.parse reads the escaped one-character key "\t" as "\\" after an object with the key "\\" in that place.
	it('reads escaped one-character keys exactly, whatever objects were parsed before', () => {
		const cells = ['{"a":1,"\\\\":2}', '{"a":1,"\\t":2}', '{"a":1,"\\u0041":3}', '{"a":1,"\\"":4}', '{"a":1,"\\\\":5}'];
		const rows = decodeRows([{ name: 'V', type: 'variant' }], cells.map((cell) => [cell]));
		expect(rows.map((row) => Object.keys(row.V as object))).toEqual([['a', '\\'], ['a', '\t'], ['a', 'A'], ['a', '"'], ['a', '\\']]);
		expect(rows.map((row) => Object.values(row.V as object)[1])).toEqual([2, 2, 3, 4, 5]);
	});

	it.each<[string, string, unknown]>([
		['variant', '{"a": 1, "b": [true, null, "x"]}', { a: 1, b: [true, null, 'x'] }],
		['variant', '"just a string"', 'just a string'],
		['variant', '12.5', 12.5],
		['object', '{\n  "k": "v"\n}', { k: 'v' }],
		['array', '[1, 2, 3]', [1, 2, 3]],
		['map', '{"x":1}', { x: 1 }],
		['vector', '[1.1,2.2,3]', [1.1, 2.2, 3]],
		['VARIANT', '[]', []],
	])('%s %s', (type, cell, expected) => {
		expect(decode(type, cell)).toEqual(expected);
	});

	it.each<[string, unknown]>([
		['[1, undefined, 3]', [1, null, 3]],
		['{"a": NaN, "b": Infinity, "c": -Infinity}', { a: 'NaN', b: 'Infinity', c: '-Infinity' }],
		['{"s": "NaN and undefined stay text", "t": "say \\"undefined\\""}', { s: 'NaN and undefined stay text', t: 'say "undefined"' }],
		['{"u": undefined, "e": "\\u00e9\\n"}', { u: null, e: 'é\n' }],
	])('tolerates Snowflake non-strict JSON: %s', (cell, expected) => {
		expect(decode('variant', cell)).toEqual(expected);
	});

	it.each<[string, unknown]>([
		['{"id": 12345678901234567890}', { id: '12345678901234567890' }],
		['[9007199254740993, -9007199254740993, 9007199254740991]', ['9007199254740993', '-9007199254740993', 9007199254740991]],
		['{"f": 1.2345678901234567, "big": 123456789012345678901234567890}', { f: 1.2345678901234567, big: '123456789012345678901234567890' }],
		['{"s": "1234567890123456789", "n": 1}', { s: '1234567890123456789', n: 1 }],
	])('keeps integers beyond 2^53 exact as digit strings: %s', (cell, expected) => {
		expect(decode('variant', cell)).toEqual(expected);
	});

	it('keeps a "__proto__" key as data without touching the prototype', () => {
		const value = decode('variant', '{"__proto__": {"polluted": true}, "n": NaN}') as Record<string, unknown>;
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
		expect(Object.keys(value)).toEqual(['__proto__', 'n']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('returns text that is not JSON at all as the string', () => {
		expect(decode('variant', '{not json')).toBe('{not json');
		expect(decode('variant', '[1, 2] trailing')).toBe('[1, 2] trailing');
	});

	it('reads values nested up to 2,000 levels and keeps deeper ones as their text (n8n copies items recursively)', () => {
		const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
		let value = decode('variant', nested(2_000));
		for (let level = 1; level < 2_000; level++) value = (value as unknown[])[0];
		expect(value).toEqual([]);
		expect(decode('variant', nested(2_001))).toBe(nested(2_001));
		expect(decode('variant', `{"a": ${nested(2_001)}}`)).toBe(`{"a": ${nested(2_001)}}`);
		// Brackets inside strings (escaped quotes included) are text, not nesting.
		const inString = `{"s": "\\"${'['.repeat(5_000)}", "n": 1}`;
		expect(decode('variant', inString)).toEqual({ s: `"${'['.repeat(5_000)}`, n: 1 });
		// The same depth through the lenient path (a 16-digit integer sends it there).
		expect(decode('variant', `[${nested(1_999)}, 12345678901234567]`)).toEqual([expect.any(Array), '12345678901234567']);
	});
});

describe('GEOGRAPHY, GEOMETRY', () => {
	it('parses GeoJSON', () => {
		expect(decode('geography', '{"coordinates":[-122.35,37.55],"type":"Point"}')).toEqual({ coordinates: [-122.35, 37.55], type: 'Point' });
		expect(decode('GEOMETRY', '{"type":"LineString","coordinates":[[0,0],[1,1]]}')).toEqual({ type: 'LineString', coordinates: [[0, 0], [1, 1]] });
	});

	it('leaves WKT and other text formats as strings', () => {
		expect(decode('geography', 'POINT(-122.35 37.55)')).toBe('POINT(-122.35 37.55)');
		expect(decode('geometry', '0101000000000000000000F03F0000000000000040')).toBe('0101000000000000000000F03F0000000000000040');
	});
});

describe('extTypeName: the real type of a carrier column', () => {
	// GEOGRAPHY and GEOMETRY arrive as "type": "object" plus "extTypeName" (fixture origin in its _origin).
	const fixture = geographyFixture.response;

	it('decodes the pretty-printed GeoJSON of the GEOGRAPHY and GEOMETRY columns of the fixture', () => {
		expect(decodeRows(fixture.resultSetMetaData.rowType, fixture.data)).toEqual([
			{ ID: 1, G: { coordinates: [-122.35, 37.55], type: 'Point' }, M: { coordinates: [20, 40], type: 'Point' } },
			{ ID: 2, G: { coordinates: [[-124.2, 42], [-120.01, 41.99]], type: 'LineString' }, M: null },
			{ ID: 3, G: null, M: null },
		]);
	});

	it('decodes by extTypeName, not by the carrier: GeoJSON coordinates stay numbers however many digits', () => {
		// As plain OBJECT, 16+ digit integers are kept as exact digit strings; a GeoJSON coordinate must be a number.
		const cell = '{\n  "coordinates": [\n    12345678901234567,\n    1\n  ],\n  "type": "Point"\n}';
		expect(decodeRows([{ name: 'O', type: 'object' }], [[cell]])).toEqual([{ O: { coordinates: ['12345678901234567', 1], type: 'Point' } }]);
		expect(decodeRows([{ name: 'G', type: 'object', extTypeName: 'GEOMETRY' }], [[cell]])).toEqual([
			{ G: { coordinates: [12345678901234568, 1], type: 'Point' } },
		]);
	});

	it('leaves other GEOGRAPHY_OUTPUT_FORMATs as text, whatever the carrier', () => {
		expect(decodeRows([{ name: 'G', type: 'text', extTypeName: 'GEOGRAPHY' }], [['POINT(-122.35 37.55)']])).toEqual([{ G: 'POINT(-122.35 37.55)' }]);
		// Hex WKB keeps its case (as BINARY it would be upper-cased).
		expect(decodeRows([{ name: 'G', type: 'binary', extTypeName: 'geography' }], [['0101000000cdcccccccc965ec0666666666ac64240']])).toEqual([
			{ G: '0101000000cdcccccccc965ec0666666666ac64240' },
		]);
	});

	it('decodes VECTOR as an array of numbers, by type or by extTypeName', () => {
		expect(decodeRows([{ name: 'V', type: 'vector' }], [['[\n  1.100000e+00,\n  2.2,\n  -3\n]']])).toEqual([{ V: [1.1, 2.2, -3] }]);
		expect(decodeRows([{ name: 'V', type: 'array', extTypeName: 'VECTOR' }], [['[1,2,3]']])).toEqual([{ V: [1, 2, 3] }]);
	});

	it('keeps the carrier decoding for an empty, null or unknown extTypeName', () => {
		const cell = '{\n  "a": 12345678901234567890\n}';
		for (const extTypeName of ['', null, undefined, 'SOME_FUTURE_TYPE']) {
			expect(decodeRows([{ name: 'O', type: 'object', extTypeName }], [[cell]])).toEqual([{ O: { a: '12345678901234567890' } }]);
		}
		expect(decodeRows([{ name: 'N', type: 'fixed', scale: 0, extTypeName: 'NUMBER' }], [['42']])).toEqual([{ N: 42 }]);
	});
});

describe('NULL and unknown types', () => {
	it('turns SQL NULL into null for every type', () => {
		for (const type of ['fixed', 'real', 'decfloat', 'text', 'boolean', 'date', 'time', 'timestamp_ntz', 'timestamp_ltz', 'timestamp_tz', 'variant', 'binary', 'geography']) {
			expect(decode(type, null, 0)).toBeNull();
		}
	});

	it('does not convert the "null" string of nullable=false (it could be a real TEXT value)', () => {
		expect(decode('text', 'null')).toBe('null');
		expect(decode('fixed', 'null', 0)).toBe('null');
		expect(decode('date', 'null')).toBe('null');
		expect(decode('timestamp_ntz', 'null', 9)).toBe('null');
	});

	it('returns cells of types it does not know as the wire string', () => {
		expect(decode('interval_year_month', '14')).toBe('14');
		expect(decode('file', '{"STAGE":"x"}')).toBe('{"STAGE":"x"}');
	});
});
