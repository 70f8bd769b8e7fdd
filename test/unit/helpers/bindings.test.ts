import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import type { IExecuteFunctions } from 'n8n-workflow';

import { SqlInputError, buildInsert, buildStatementRequest, prepareBinding } from '../../../nodes/SnowflakeSqlApi/helpers';
import type { Binding } from '../../../nodes/SnowflakeSqlApi/transport';

/** A value that cannot be bound: a SqlInputError naming the parameter (or the item and column). */
type BindingError = SqlInputError & { column?: string; parameterIndex?: number };

interface QueryParameter {
	value: unknown;
	type?: string;
}

/** Execute SQL's binding of Query Parameters: the statement and bindings its request carries. */
function bindParameters(sql: string, parameters: QueryParameter[]): { statement: string; bindings: Record<string, Binding> } {
	const context = {
		getNodeParameter: () => sql,
		getWorkflow: () => ({ id: 'w' }),
		getExecutionId: () => 'e',
		getNode: () => ({ name: 'Snowflake' }),
	} as unknown as IExecuteFunctions;
	// Multi-Statement on: the statement count is bindParameters' own check here.
	const options = { queryParameters: { parameters }, multiStatement: true, queryTag: '' };
	const request = buildStatementRequest(context, 0, options, { runner: undefined as never, credentials: {} });
	return { statement: request.statement, bindings: request.bindings ?? {} };
}

/** Query parameter `parameterIndex` (the others null) as bound to its placeholder. */
function toBinding(value: unknown, type?: string, parameterIndex = 1): Binding {
	const parameters = Array.from({ length: parameterIndex }, (_, index): QueryParameter => (index === parameterIndex - 1 ? { value, type } : { value: null }));
	const placeholders = parameters.map((_, index) => `:${index + 1}`).join(', ');
	return bindParameters(`SELECT ${placeholders}`, parameters).bindings[String(parameterIndex)];
}

const UNSAFE_2_64 = "18446744073709552000 is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit";

function refusal(run: () => unknown): BindingError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(SqlInputError);
		expect((error as Error).name).toBe('BindingError');
		return error as BindingError;
	}
	throw new Error('expected a BindingError');
}

describe('toBinding: inferred types', () => {
	it.each([
		['null', null, 'TEXT', null],
		['undefined', undefined, 'TEXT', null],
		['true', true, 'BOOLEAN', 'true'],
		['false', false, 'BOOLEAN', 'false'],
		['safe integer', 42, 'FIXED', '42'],
		['negative integer', -7, 'FIXED', '-7'],
		['largest safe integer', Number.MAX_SAFE_INTEGER, 'FIXED', '9007199254740991'],
		['fraction', 1.5, 'REAL', '1.5'],
		['shortest exact repr', 0.1 + 0.2, 'REAL', '0.30000000000000004'],
		['tiny', 1e-7, 'REAL', '1e-7'],
		['bigint', 18446744073709551616n, 'FIXED', '18446744073709551616'],
		['string', 'hello', 'TEXT', 'hello'],
		['string kept untrimmed', '  spaced  ', 'TEXT', '  spaced  '],
		['numeric string stays text', '42', 'TEXT', '42'],
		['Date → LTZ epoch ns', new Date('2024-01-31T13:45:00.123Z'), 'TIMESTAMP_LTZ', '1706708700123000000'],
		['Date before 1970', new Date('1969-12-31T23:59:59.999Z'), 'TIMESTAMP_LTZ', '-1000000'],
		['luxon DateTime → TZ with its offset', DateTime.fromISO('2024-01-31T13:45:00.123+14:00', { setZone: true }), 'TIMESTAMP_TZ', '1706658300123000000 2280'],
		['luxon DateTime at −12:00', DateTime.fromISO('2024-01-31T13:45:00-12:00', { setZone: true }), 'TIMESTAMP_TZ', '1706751900000000000 720'],
		['Buffer → BINARY hex', Buffer.from([0, 1, 171, 255]), 'BINARY', '0001ABFF'],
		['Uint8Array → BINARY hex', new Uint8Array([16, 32]), 'BINARY', '1020'],
		['object → JSON text', { a: 1, b: [true, null] }, 'TEXT', '{"a":1,"b":[true,null]}'],
		['array → JSON text', [1, 'x'], 'TEXT', '[1,"x"]'],
		['null-prototype object', Object.assign(Object.create(null) as object, { k: 'v' }), 'TEXT', '{"k":"v"}'],
	])('%s', (_, value, type, wire) => {
		expect(toBinding(value)).toEqual({ type, value: wire });
		expect(toBinding(value, 'auto')).toEqual({ type, value: wire });
	});

	it.each([
		['2^64 as a JS number', 2 ** 64, `Query parameter 1: ${UNSAFE_2_64}`],
		['2^53 as a JS number', 2 ** 53, "Query parameter 1: 9007199254740992 is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit"],
		['NaN', NaN, 'Query parameter 1: NaN is not a finite number; choose type REAL to store NaN or Infinity on purpose'],
		['Infinity', Infinity, 'Query parameter 1: Infinity is not a finite number; choose type REAL to store NaN or Infinity on purpose'],
		['a function', () => 1, 'Query parameter 1: a function cannot be bound'],
		['a symbol', Symbol('s'), 'Query parameter 1: a symbol cannot be bound'],
		['a Map', new Map([['a', 1]]), 'Query parameter 1: a Map has no JSON form; convert it to a plain object or array first'],
		['an invalid Date', new Date('nope'), 'Query parameter 1: an invalid Date cannot be bound as TIMESTAMP_LTZ'],
		['an invalid DateTime', DateTime.fromISO('nope'), 'Query parameter 1: an invalid DateTime (unparsable) cannot be bound as TIMESTAMP_TZ'],
	])('refuses %s', (_, value, message) => {
		const error = refusal(() => toBinding(value));
		expect(error.message).toBe(message);
		expect(error.parameterIndex).toBe(1);
	});

	it('refuses a circular object', () => {
		const circular: Record<string, unknown> = {};
		circular.self = circular;
		expect(refusal(() => toBinding(circular, undefined, 3)).message).toBe(
			'Query parameter 3: an Object cannot be converted to JSON (it contains a BigInt or refers to itself)',
		);
	});

	it('binds an object holding a bigint as n8n serialises it (n8n-workflow gives BigInt a toJSON: its digits as text)', () => {
		expect(toBinding({ n: 1n }, 'auto', 2)).toEqual({ type: 'TEXT', value: '{"n":"1"}' });
	});
});

describe('toBinding: FIXED', () => {
	it.each([
		[42, '42'],
		[-42, '-42'],
		[0, '0'],
		[-0, '0'],
		[9007199254740991, '9007199254740991'],
		[123n, '123'],
		[-(10n ** 37n), `-1${'0'.repeat(37)}`],
		['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
		['-99999999999999999999999999999999999999', '-99999999999999999999999999999999999999'],
		['18446744073709551616', '18446744073709551616'],
		[' 17 ', '17'],
		['+5', '5'],
		['007', '7'],
		['-0', '0'],
		[`000${'9'.repeat(38)}`, '9'.repeat(38)],
		[null, null],
	])('%s → %s', (value, wire) => {
		expect(toBinding(value, 'FIXED')).toEqual({ type: 'FIXED', value: wire });
	});

	it.each([
		[2 ** 64, UNSAFE_2_64],
		[1.5, '1.5 is not a valid FIXED (expected an integer; choose REAL or DECFLOAT for fractions)'],
		[NaN, 'NaN is not a valid FIXED (expected an integer; choose REAL or DECFLOAT for fractions)'],
		['1.5', "'1.5' is not a valid FIXED (expected an integer such as 42 or -7)"],
		['abc', "'abc' is not a valid FIXED (expected an integer such as 42 or -7)"],
		['1e3', "'1e3' is not a valid FIXED (expected an integer such as 42 or -7)"],
		['', "'' is not a valid FIXED (expected an integer such as 42 or -7)"],
		['1'.repeat(39), `'${'1'.repeat(39)}' is out of range for FIXED (at most 38 digits)`],
		[10n ** 38n, `${'1' + '0'.repeat(38)} is out of range for FIXED (at most 38 digits)`],
		[true, 'true cannot be bound as FIXED (expected an integer number, bigint or integer text)'],
		[{ a: 1 }, '{"a":1} cannot be bound as FIXED (expected an integer number, bigint or integer text)'],
	])('refuses %s', (value, reason) => {
		expect(refusal(() => toBinding(value, 'FIXED', 2)).message).toBe(`Query parameter 2: ${reason}`);
	});
});

describe('toBinding: REAL and DECFLOAT', () => {
	it.each([
		[1.5, 'REAL', '1.5'],
		[-0, 'REAL', '-0'],
		[1e21, 'REAL', '1e+21'],
		[NaN, 'REAL', 'NaN'],
		[Infinity, 'REAL', 'inf'],
		[-Infinity, 'REAL', '-inf'],
		[2 ** 64, 'REAL', '18446744073709552000'],
		[12n, 'REAL', '12'],
		[' 2.5e-3 ', 'REAL', '2.5e-3'],
		['.5', 'REAL', '.5'],
		['nan', 'REAL', 'NaN'],
		['-Infinity', 'REAL', '-inf'],
		['INF', 'REAL', 'inf'],
		[1.25, 'DECFLOAT', '1.25'],
		['1.23e-40', 'DECFLOAT', '1.23e-40'],
		['12345678901234567890.123456789', 'DECFLOAT', '12345678901234567890.123456789'],
		[7n, 'DECFLOAT', '7'],
	])('%s as %s → %s', (value, type, wire) => {
		expect(toBinding(value, type)).toEqual({ type, value: wire });
	});

	it.each([
		['abc', 'REAL', "'abc' is not a valid REAL (expected a number such as 1.5, -2e-3, NaN, inf or -inf)"],
		['1,5', 'REAL', "'1,5' is not a valid REAL (expected a number such as 1.5, -2e-3, NaN, inf or -inf)"],
		[false, 'REAL', 'false cannot be bound as REAL (expected a number or numeric text)'],
		[NaN, 'DECFLOAT', 'NaN cannot be bound as DECFLOAT (it has no NaN or infinity)'],
		[-Infinity, 'DECFLOAT', '-Infinity cannot be bound as DECFLOAT (it has no NaN or infinity)'],
		['inf', 'DECFLOAT', "'inf' is not a valid DECFLOAT (expected a number such as 1.5 or -2e-3)"],
	])('refuses %j as %s', (value, type, reason) => {
		expect(refusal(() => toBinding(value, type)).message).toBe(`Query parameter 1: ${reason}`);
	});
});

describe('toBinding: TEXT', () => {
	it.each([
		['  as is\n', '  as is\n'],
		[12, '12'],
		[1.5, '1.5'],
		[true, 'true'],
		[2n ** 70n, '1180591620717411303424'],
		[new Date('2024-01-31T13:45:00Z'), '2024-01-31T13:45:00.000Z'],
		[DateTime.fromISO('2024-01-31T13:45:00+05:30', { setZone: true }), '2024-01-31T13:45:00.000+05:30'],
		[new Uint8Array([255]), 'FF'],
		[{ a: 'ü' }, '{"a":"ü"}'],
	])('%s → %s', (value, wire) => {
		expect(toBinding(value, 'TEXT')).toEqual({ type: 'TEXT', value: wire });
	});

	it('refuses an integer that already lost digits', () => {
		expect(refusal(() => toBinding(2 ** 64, 'TEXT')).message).toBe(`Query parameter 1: ${UNSAFE_2_64}`);
	});
});

describe('toBinding: BOOLEAN', () => {
	it.each([
		[true, 'true'],
		[false, 'false'],
		[1, 'true'],
		[0, 'false'],
		['true', 'true'],
		['FALSE', 'false'],
		[' Yes ', 'true'],
		['no', 'false'],
		['1', 'true'],
		['0', 'false'],
	])('%j → %j', (value, wire) => {
		expect(toBinding(value, 'boolean')).toEqual({ type: 'BOOLEAN', value: wire });
	});

	it.each([
		['maybe', "'maybe'"],
		['on', "'on'"],
		[2, '2'],
		[{}, '{}'],
	])('refuses %j', (value, shown) => {
		expect(refusal(() => toBinding(value, 'BOOLEAN', 4)).message).toBe(`Query parameter 4: ${shown} is not a valid BOOLEAN (expected true, false, 1, 0, yes or no)`);
	});
});

describe('toBinding: BINARY', () => {
	it.each([
		['00ff10', '00FF10'],
		['', ''],
		[' ABCD ', 'ABCD'],
		[Buffer.from('hi'), '6869'],
	])('%j → %j', (value, wire) => {
		expect(toBinding(value, 'BINARY')).toEqual({ type: 'BINARY', value: wire });
	});

	it.each([
		['abc', "'abc' is not valid BINARY (expected hex digits 0-9 and A-F, two per byte)"],
		['0x00', "'0x00' is not valid BINARY (expected hex digits 0-9 and A-F, two per byte)"],
		['zz', "'zz' is not valid BINARY (expected hex digits 0-9 and A-F, two per byte)"],
		[12, '12 cannot be bound as BINARY (expected hex text or bytes)'],
	])('refuses %j', (value, reason) => {
		expect(refusal(() => toBinding(value, 'BINARY')).message).toBe(`Query parameter 1: ${reason}`);
	});
});

describe('toBinding: DATE (epoch ms of UTC midnight)', () => {
	it.each([
		['YYYY-MM-DD exactly', '2024-01-01', '1704067200000'],
		['leap day', '2024-02-29', '1709164800000'],
		['before 1970', '1969-12-31', '-86400000'],
		['year 1', '0001-01-01', '-62135596800000'],
		['year 9999', '9999-12-31', '253402214400000'],
		['ISO date-time: date part in its own offset', '2024-01-01T23:30:00-05:00', '1704067200000'],
		['ISO date-time late in +14:00 keeps its date', '2024-01-02T01:00:00+14:00', '1704153600000'],
		['ISO date-time without offset', '2024-01-01 12:00', '1704067200000'],
		['Date → its UTC date', new Date('2024-01-01T23:59:59.999Z'), '1704067200000'],
		['Date before 1970', new Date('1969-12-31T12:00:00Z'), '-86400000'],
		['DateTime → its date in its zone', DateTime.fromISO('2024-01-02T01:00:00', { zone: 'UTC+14' }), '1704153600000'],
	])('%s', (_, value, wire) => {
		expect(toBinding(value, 'DATE')).toEqual({ type: 'DATE', value: wire });
	});

	it.each([
		['2024-02-30', "'2024-02-30' is not a valid DATE (expected YYYY-MM-DD)"],
		['2023-02-29', "'2023-02-29' is not a valid DATE (expected YYYY-MM-DD)"],
		['2024-13-01', "'2024-13-01' is not a valid DATE (expected YYYY-MM-DD)"],
		['2024-00-10', "'2024-00-10' is not a valid DATE (expected YYYY-MM-DD)"],
		['0000-01-01', "'0000-01-01' is not a valid DATE (expected YYYY-MM-DD)"],
		['2024-1-5', "'2024-1-5' is not a valid DATE (expected YYYY-MM-DD)"],
		['01/02/2024', "'01/02/2024' is not a valid DATE (expected YYYY-MM-DD)"],
		['2024-01-01T25:00:00', "'2024-01-01T25:00:00' is not a valid DATE (expected YYYY-MM-DD)"],
		[1704067200000, '1704067200000 cannot be bound as DATE (expected a YYYY-MM-DD string, an ISO date-time, a Date or a DateTime)'],
		[new Date(NaN), 'an invalid Date cannot be bound as DATE'],
	])('refuses %j', (value, reason) => {
		expect(refusal(() => toBinding(value, 'DATE', 2)).message).toBe(`Query parameter 2: ${reason}`);
	});
});

describe('toBinding: TIME (ns since midnight)', () => {
	it.each([
		['13:45:30.123456789', '49530123456789'],
		['00:00', '0'],
		['00:00:00', '0'],
		['23:59:59.999999999', '86399999999999'],
		['12:00:00.5', '43200500000000'],
		['08:15', '29700000000000'],
		[new Date('2024-01-01T01:02:03.004Z'), '3723004000000'],
		[new Date('1960-01-01T01:00:00Z'), '3600000000000'],
		[DateTime.fromISO('2024-01-01T22:30:00.250-08:00', { setZone: true }), '81000250000000'],
	])('%j → %j', (value, wire) => {
		expect(toBinding(value, 'TIME')).toEqual({ type: 'TIME', value: wire });
	});

	it.each([
		['25:00:00', "'25:00:00' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		['24:00:00', "'24:00:00' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		['12:60:00', "'12:60:00' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		['12:00:60', "'12:00:60' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		['12:00:00.1234567891', "'12:00:00.1234567891' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		['noon', "'noon' is not a valid TIME (expected HH:mm:ss with up to 9 fraction digits)"],
		[3600, "3600 cannot be bound as TIME (expected an 'HH:mm:ss' string, a Date or a DateTime)"],
	])('refuses %j', (value, reason) => {
		expect(refusal(() => toBinding(value, 'TIME')).message).toBe(`Query parameter 1: ${reason}`);
	});
});

describe('toBinding: timestamps', () => {
	it.each([
		['NTZ wall clock with 9 digits', '2024-01-31T13:45:00.123456789', 'TIMESTAMP_NTZ', '1706708700123456789'],
		['NTZ with a space separator', '2024-01-31 13:45:00', 'TIMESTAMP_NTZ', '1706708700000000000'],
		['NTZ date only is midnight', '2024-01-01', 'TIMESTAMP_NTZ', '1704067200000000000'],
		['NTZ drops a written offset and keeps the wall clock', '2024-01-31T13:45:00+14:00', 'TIMESTAMP_NTZ', '1706708700000000000'],
		['NTZ before 1970 (reference value)', '1900-01-01T12:34:56.123456789', 'TIMESTAMP_NTZ', '-2208943503876543211'],
		['NTZ from a Date', new Date('2024-01-31T13:45:00.001Z'), 'TIMESTAMP_NTZ', '1706708700001000000'],
		['NTZ from a DateTime keeps its wall clock', DateTime.fromISO('2024-01-31T13:45:00-12:00', { setZone: true }), 'TIMESTAMP_NTZ', '1706708700000000000'],
		['LTZ with Z', '2024-01-31T13:45:00.123456789Z', 'TIMESTAMP_LTZ', '1706708700123456789'],
		['LTZ with −12:00', '2024-01-31T13:45:00-12:00', 'TIMESTAMP_LTZ', '1706751900000000000'],
		['LTZ with +14:00', '2024-01-31T13:45:00+14:00', 'TIMESTAMP_LTZ', '1706658300000000000'],
		['LTZ with +0530 (no colon)', '2024-06-01T10:00:00+0530', 'TIMESTAMP_LTZ', '1717216200000000000'],
		['LTZ with +05 (hours only)', '2024-06-01T10:00:00+05', 'TIMESTAMP_LTZ', '1717218000000000000'],
		['LTZ from a DateTime is its instant', DateTime.fromISO('2024-01-31T13:45:00+14:00', { setZone: true }), 'TIMESTAMP_LTZ', '1706658300000000000'],
		['TZ with Z → offset 0', '2024-01-31T13:45:00Z', 'TIMESTAMP_TZ', '1706708700000000000 1440'],
		['TZ with −12:00', '2024-01-31T13:45:00.000000001-12:00', 'TIMESTAMP_TZ', '1706751900000000001 720'],
		['TZ with +14:00', '2024-01-31T13:45:00.123456789+14:00', 'TIMESTAMP_TZ', '1706658300123456789 2280'],
		['TZ with +05:30', '2024-06-01T10:00:00+05:30', 'TIMESTAMP_TZ', '1717216200000000000 1770'],
		['TZ from a Date → offset 0', new Date('2024-01-31T13:45:00Z'), 'TIMESTAMP_TZ', '1706708700000000000 1440'],
		['TZ from a DateTime in a named zone', DateTime.fromISO('2024-07-01T12:00:00', { zone: 'America/New_York' }), 'TIMESTAMP_TZ', '1719849600000000000 1200'],
	])('%s', (_, value, type, wire) => {
		expect(toBinding(value, type)).toEqual({ type, value: wire });
	});

	it.each([
		['2024-01-31T13:45:00', 'TIMESTAMP_LTZ', "'2024-01-31T13:45:00' has no UTC offset; TIMESTAMP_LTZ needs an instant: add Z or ±HH:MM, or choose TIMESTAMP_NTZ"],
		['2024-01-31', 'TIMESTAMP_TZ', "'2024-01-31' has no UTC offset; TIMESTAMP_TZ needs an instant: add Z or ±HH:MM, or choose TIMESTAMP_NTZ"],
		['2024-01-31T13:45:00+24:00', 'TIMESTAMP_TZ', "'2024-01-31T13:45:00+24:00' is not a valid TIMESTAMP_TZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789+01:00)"],
		['2024-02-30T00:00:00Z', 'TIMESTAMP_LTZ', "'2024-02-30T00:00:00Z' is not a valid TIMESTAMP_LTZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789+01:00)"],
		['yesterday', 'TIMESTAMP_NTZ', "'yesterday' is not a valid TIMESTAMP_NTZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789)"],
		['2024-01-31T13:45:00.1234567890', 'TIMESTAMP_NTZ', "'2024-01-31T13:45:00.1234567890' is not a valid TIMESTAMP_NTZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789)"],
		[1706708700, 'TIMESTAMP_NTZ', '1706708700 cannot be bound as TIMESTAMP_NTZ (expected an ISO date-time string, a Date or a DateTime)'],
	])('refuses %j as %s', (value, type, reason) => {
		expect(refusal(() => toBinding(value, type)).message).toBe(`Query parameter 1: ${reason}`);
	});

	it('never rounds nanoseconds through a float', () => {
		for (const digits of ['000000001', '999999999', '123456789', '900719925']) {
			expect(toBinding(`2262-04-11T23:47:16.${digits}Z`, 'TIMESTAMP_LTZ').value).toBe(`9223372036${digits}`);
		}
	});
});

describe('toBinding: VARIANT / OBJECT / ARRAY', () => {
	it.each([
		['JSON text passes unchanged (big numbers keep digits)', '{"id": 18446744073709551616}', 'VARIANT', '{"id": 18446744073709551616}'],
		['a JSON string', '"hello"', 'VARIANT', '"hello"'],
		['a JSON number', '42', 'VARIANT', '42'],
		['an object', { a: [1, { b: null }] }, 'VARIANT', '{"a":[1,{"b":null}]}'],
		['a number', 1.5, 'VARIANT', '1.5'],
		['a boolean', true, 'VARIANT', 'true'],
		['OBJECT from an object', { k: 'v' }, 'OBJECT', '{"k":"v"}'],
		['OBJECT from JSON text', ' {"k":1} ', 'OBJECT', ' {"k":1} '],
		['ARRAY from an array', [1, 2], 'ARRAY', '[1,2]'],
		['ARRAY from JSON text', '[]', 'ARRAY', '[]'],
		['SQL NULL', null, 'VARIANT', null],
	])('%s', (_, value, type, wire) => {
		expect(toBinding(value, type)).toEqual({ type: 'TEXT', value: wire });
		expect(prepareBinding(value, type, { label: 'x' }).parseJson).toBe(true);
	});

	it.each([
		['hello', 'VARIANT', "'hello' is not valid JSON text for VARIANT"],
		['{"a":', 'OBJECT', `'{"a":' is not valid JSON text for OBJECT`],
		['[1]', 'OBJECT', "'[1]' is not a JSON object (OBJECT)"],
		[[1], 'OBJECT', '[1] is not a JSON object (OBJECT)'],
		['null', 'OBJECT', "'null' is not a JSON object (OBJECT)"],
		[{ a: 1 }, 'ARRAY', '{"a":1} is not a JSON array (ARRAY)'],
		[NaN, 'VARIANT', 'NaN has no JSON form for VARIANT'],
		[2 ** 64, 'VARIANT', UNSAFE_2_64],
		[10n, 'VARIANT', '10 cannot be bound as VARIANT (expected JSON text or a JSON-compatible value)'],
	])('refuses %s as %s', (value, type, reason) => {
		expect(refusal(() => toBinding(value, type)).message).toBe(`Query parameter 1: ${reason}`);
	});

	it('JSON types are written through PARSE_JSON, others are not', () => {
		expect(bindParameters('SELECT ?, ?', [{ value: '{}', type: 'VARIANT' }, { value: 'x', type: 'TEXT' }]).statement).toBe('SELECT PARSE_JSON(?), ?');
		expect(buildInsert('t', ['a', 'b'], [{ a: 1, b: '[1]' }], { columnTypes: { b: 'ARRAY' } })[0].statement).toBe(
			'INSERT INTO "T" ("A", "B") SELECT $1, PARSE_JSON($2) FROM VALUES (?, ?)',
		);
		expect(prepareBinding({ k: 1 }, 'OBJECT', { label: 'x' }).parseJson).toBe(true);
		expect(prepareBinding({ k: 1 }, 'auto', { label: 'x' }).parseJson).toBe(false);
	});
});

describe('type names', () => {
	it.each([
		[undefined, 'auto'],
		['', 'auto'],
		[' Auto ', 'auto'],
		['timestamp_tz', 'TIMESTAMP_TZ'],
		['Variant', 'VARIANT'],
	])('%j → %s', (type, parsed) => {
		// The type decides the binding: auto infers it from the value, VARIANT goes through PARSE_JSON.
		const value = { auto: 1.5, TIMESTAMP_TZ: '2024-01-01T00:00:00Z', VARIANT: '{}' }[parsed] ?? null;
		const prepared = prepareBinding(value, type, { label: 'x' });
		expect(prepared.binding.type).toBe({ auto: 'REAL', TIMESTAMP_TZ: 'TIMESTAMP_TZ', VARIANT: 'TEXT' }[parsed]);
		expect(prepared.parseJson).toBe(parsed === 'VARIANT');
	});

	it('refuses an unknown type', () => {
		expect(refusal(() => toBinding(1, 'INTEGER', 5)).message).toBe("Query parameter 5: 'INTEGER' is not a binding type (use auto, FIXED, REAL, DECFLOAT, TEXT, BINARY, BOOLEAN, DATE, TIME, TIMESTAMP_TZ, TIMESTAMP_LTZ, TIMESTAMP_NTZ, VARIANT, OBJECT, ARRAY)");
	});

	it('an inferred type is reported with the item and column', () => {
		// null has no type of its own: the column's other values decide it.
		expect(buildInsert('t', ['price'], [{ price: null }, { price: 1.5 }])[0].bindings).toEqual({
			'1': { type: 'REAL', value: null },
			'2': { type: 'REAL', value: '1.5' },
		});
		const error = refusal(() => buildInsert('t', ['price'], [{ price: 1 }, { price: 2 }, { price: 3 }, { price: NaN }]));
		expect(error.message).toBe("Item 3, column 'price': NaN is not a finite number; choose type REAL to store NaN or Infinity on purpose");
		expect([error.itemIndex, error.column, error.parameterIndex]).toEqual([3, 'price', undefined]);
	});
});

describe('error messages are bounded', () => {
	it('echoes at most 100 characters of the value on one line', () => {
		const long = `${'a'.repeat(150)}\n${'b'.repeat(5000)}`;
		const error = refusal(() => toBinding(long, 'FIXED'));
		expect(error.message).toBe(`Query parameter 1: '${'a'.repeat(100)}…' is not a valid FIXED (expected an integer such as 42 or -7)`);
		const shortWithNewline = refusal(() => toBinding('1\n2', 'FIXED'));
		expect(shortWithNewline.message).toBe("Query parameter 1: '1\\n2' is not a valid FIXED (expected an integer such as 42 or -7)");
	});

	it('bounds a huge object', () => {
		const error = refusal(() => toBinding({ data: 'x'.repeat(10_000) }, 'ARRAY'));
		expect(error.message.length).toBeLessThan(200);
	});
});

describe('bindParameters', () => {
	it('binds ? in order', () => {
		expect(bindParameters('SELECT * FROM t WHERE a = ? AND b = ?', [{ value: 1 }, { value: 'x', type: 'TEXT' }])).toEqual({
			statement: 'SELECT * FROM t WHERE a = ? AND b = ?',
			bindings: { '1': { type: 'FIXED', value: '1' }, '2': { type: 'TEXT', value: 'x' } },
		});
	});

	it('rewrites :N and binds a reused number at each use', () => {
		expect(
			bindParameters("SELECT :2, ':1' WHERE a = :1 OR b = :1 -- :3", [
				{ value: '2024-02-29', type: 'DATE' },
				{ value: true },
			]),
		).toEqual({
			statement: "SELECT ?, ':1' WHERE a = ? OR b = ? -- :3",
			bindings: {
				'1': { type: 'BOOLEAN', value: 'true' },
				'2': { type: 'DATE', value: '1709164800000' },
				'3': { type: 'DATE', value: '1709164800000' },
			},
		});
	});

	it('wraps VARIANT/OBJECT/ARRAY placeholders in PARSE_JSON', () => {
		expect(
			bindParameters('INSERT INTO t (id, doc) SELECT ?, ?', [{ value: 1 }, { value: { a: 1 }, type: 'OBJECT' }]),
		).toEqual({
			statement: 'INSERT INTO t (id, doc) SELECT ?, PARSE_JSON(?)',
			bindings: { '1': { type: 'FIXED', value: '1' }, '2': { type: 'TEXT', value: '{"a":1}' } },
		});
	});

	it('gives back the SQL and no bindings when there are no placeholders', () => {
		expect(bindParameters("SELECT '?'; SELECT 2", [])).toEqual({ statement: "SELECT '?'; SELECT 2", bindings: {} });
	});

	it.each([
		['SELECT ?, ?', [{ value: 1 }], 'The query has 2 placeholders but 1 query parameter was given'],
		['SELECT ?', [{ value: 1 }, { value: 2 }], 'The query has 1 placeholder but 2 query parameters were given'],
		['SELECT 1', [{ value: 1 }], 'The query has no placeholders but 1 query parameter was given'],
		['SELECT :1, :2, :1', [{ value: 1 }], 'The query uses placeholders :1 to :2 but 1 query parameter was given'],
		['SELECT ?', [], 'The query has 1 placeholder but 0 query parameters were given'],
		[
			'SELECT ?; SELECT ?',
			[{ value: 1 }, { value: 2 }],
			'Query parameters cannot be used with several statements: the Snowflake SQL API does not accept bindings in a multi-statement request',
		],
	])('refuses %j with %j', (sql, parameters, message) => {
		expect(() => bindParameters(sql, parameters)).toThrow(new SqlInputError(message));
	});

	it('names the parameter whose value is wrong', () => {
		const error = refusal(() =>
			bindParameters('SELECT ?, ?', [{ value: 1 }, { value: '2024-02-30', type: 'DATE' }]),
		);
		expect(error.message).toBe("Query parameter 2: '2024-02-30' is not a valid DATE (expected YYYY-MM-DD)");
		expect(error.parameterIndex).toBe(2);
	});
});

describe('REAL and DECFLOAT text: the number pattern (no adjacent digit runs, linear time)', () => {
	it.each(['1', '1.', '1.5', '.5', '-1.5E-3', '+12e4', '007.100'])('accepts %s as it is', (text) => {
		expect(toBinding(text, 'REAL')).toEqual({ type: 'REAL', value: text });
		expect(toBinding(text, 'DECFLOAT')).toEqual({ type: 'DECFLOAT', value: text });
	});

	it.each(['1.2.3', '.', 'e5', '1e', '1..2', '--1'])('refuses %s', (text) => {
		expect(() => toBinding(text, 'DECFLOAT')).toThrow(/is not a valid DECFLOAT/);
	});

	it('a 100,000-digit non-number is refused at once (the former pattern backtracked quadratically)', () => {
		expect(() => toBinding(`${'1'.repeat(100_000)}x`, 'DECFLOAT')).toThrow(/is not a valid DECFLOAT/);
	});
});
