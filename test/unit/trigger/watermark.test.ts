 
/**
 * The trigger's pure parts: watermark domains (reading decoded cells, order, look-back, bindings),
 * the state steps (ties, limit, duplicates, forgetting past the cap, activation) and the statements it builds.
 */
import { describe, expect, it } from 'vitest';

import { buildStatement, querySource, tableSource, watermarkColumn } from '../../../nodes/SnowflakeSqlApiTrigger/query';
import { countStatements } from '../../../nodes/SnowflakeSqlApi/helpers';
import {
	activate,
	lowerBound,
	newState,
	readState,
	rowKey,
	takeNew,
	type FetchedRow,
	type TriggerState,
} from '../../../nodes/SnowflakeSqlApiTrigger/state';
import { watermarkDomain, type WatermarkDomain } from '../../../nodes/SnowflakeSqlApiTrigger/watermark';

function domain(type: string): WatermarkDomain {
	const found = watermarkDomain({ type, scale: 0 });
	if (!found) throw new Error(type);
	return found;
}

describe('watermark domains', () => {
	it('numbers: exact decimals whether the decoder gave a number or digits', () => {
		const d = domain('fixed');
		expect(d.canonical(42)).toBe('42');
		expect(d.canonical('12345678901234567890123')).toBe('12345678901234567890123');
		expect(d.canonical(12.5)).toBe('12.5');
		expect(d.canonical('12.500')).toBe('12.5');
		expect(d.canonical(1e-7)).toBe('0.0000001');
		expect(d.canonical(true)).toBeUndefined();
		expect(d.compare('12345678901234567890123', '9007199254740993')).toBe(1);
		expect(d.compare('-1.5', '-1.25')).toBe(-1);
		expect(d.compare('2', '2.0')).toBe(0);
		expect(d.minus('100', 30)).toBe('70');
		expect(d.minus('1.5', 0.25)).toBe('1.25');
		expect(d.binding('12345678901234567890123')).toEqual({ type: 'FIXED', value: '12345678901234567890123' });
		expect(d.binding('12.5')).toEqual({ type: 'DECFLOAT', value: '12.5' });
		expect(d.binding('-0.001')).toEqual({ type: 'DECFLOAT', value: '-0.001' });
	});

	it('timestamps: NTZ by wall clock, LTZ and TZ by instant, nanoseconds kept', () => {
		const ntz = domain('timestamp_ntz');
		const a = ntz.canonical('2024-03-01T12:30:00.123456789');
		expect(a).toBe(String(BigInt(Date.UTC(2024, 2, 1, 12, 30)) * 1_000_000n + 123_456_789n));
		expect(ntz.canonical('2024-03-01T12:30:00Z')).toBeUndefined();
		expect(ntz.binding(a as string)).toEqual({ type: 'TIMESTAMP_NTZ', value: a });
		expect(ntz.minus(a as string, 1.5)).toBe(String(BigInt(a as string) - 1_500_000_000n));
		const tz = domain('timestamp_tz');
		const tokyo = tz.canonical('2024-03-01T21:30:00.000+09:00') as string;
		const utc = tz.canonical('2024-03-01T12:30:00.000Z') as string;
		expect(tz.compare(tokyo, utc)).toBe(0);
		expect(tz.binding(utc)).toEqual({ type: 'TIMESTAMP_TZ', value: `${BigInt(Date.UTC(2024, 2, 1, 12, 30)) * 1_000_000n} 1440` });
		expect(domain('timestamp_ltz').binding(utc)).toEqual({ type: 'TIMESTAMP_LTZ', value: utc });
	});

	it('dates, times, floats and text', () => {
		const date = domain('date');
		const leap = date.canonical('2024-02-29') as string;
		expect(date.binding(leap)).toEqual({ type: 'DATE', value: String(Date.UTC(2024, 1, 29)) });
		expect(date.minus(leap, 1)).toBe(String(Number(leap) - 1)); // 1 s rounds up to a day
		expect(date.canonical('2023-02-29')).toBeUndefined();
		expect(domain('time').canonical('13:45:00.5')).toBe(String(49_500_500_000_000n));
		const real = domain('real');
		expect(real.compare('NaN', 'Infinity')).toBe(1);
		expect(real.compare('-Infinity', '-1e300')).toBe(-1);
		expect(real.binding('Infinity')).toEqual({ type: 'REAL', value: 'inf' });
		const text = domain('text');
		expect(text.compare('\u{1F600}', '\uFFFD')).toBe(1); // code point order, not UTF-16
		expect(text.minus('a', 1)).toBeUndefined();
	});

	it('types that cannot be a watermark', () => {
		for (const type of ['boolean', 'binary', 'variant', 'object', 'array', 'geography']) expect(watermarkDomain({ type })).toBeUndefined();
	});
});

const ids = domain('fixed');

function rows(entries: Array<[number, string]>): Array<FetchedRow<string>> {
	return entries.map(([value, name]) => ({ row: name, value: String(value), key: rowKey(String(value), [name]), shown: value }));
}

describe('state steps', () => {
	it('takeNew: at most `limit` rows; a cut inside a run of ties continues on the next fetch', () => {
		const run = rows([[5, 'a'], [5, 'b'], [5, 'c'], [5, 'd']]);
		const first = takeNew(newState('s'), run, ids, 2, 0);
		expect(first.rows).toEqual(['a', 'b']);
		expect(first.state).toMatchObject({ watermark: '5', watermarkShown: 5 });
		expect(lowerBound(first.state, ids, 0)).toEqual({ value: '5', inclusive: true });
		// The next fetch returns the ties in another order: remembered ones are skipped.
		const second = takeNew(first.state, rows([[5, 'd'], [5, 'b'], [5, 'a'], [5, 'c'], [6, 'e']]), ids, 2, 0);
		expect(second.rows).toEqual(['d', 'c']);
		const third = takeNew(second.state, rows([[5, 'a'], [5, 'b'], [5, 'c'], [5, 'd'], [6, 'e']]), ids, 2, 0);
		expect(third.rows).toEqual(['e']);
		expect(third.state.seen).toEqual({ 6: [rowKey('6', ['e'])] });
	});

	it('takeNew: equal rows are counted, each emitted once', () => {
		const twice = rows([[1, 'x'], [1, 'x']]);
		const first = takeNew(newState('s'), twice.slice(0, 1), ids, 10, 0);
		expect(first.rows).toEqual(['x']);
		expect(takeNew(first.state, twice, ids, 10, 0).rows).toEqual(['x']);
		const both = takeNew(newState('s'), twice, ids, 10, 0);
		expect(takeNew(both.state, twice, ids, 10, 0).rows).toEqual([]);
	});

	it('look-back: late rows below the watermark are new, remembered ones are not; the window moves on', () => {
		const first = takeNew(newState('s'), rows([[100, 'a'], [110, 'b']]), ids, 10, 15);
		expect(lowerBound(first.state, ids, 15)).toEqual({ value: '95', inclusive: true });
		const late = takeNew(first.state, rows([[100, 'a'], [104, 'late'], [110, 'b']]), ids, 10, 15);
		expect(late.rows).toEqual(['late']);
		const moved = takeNew(late.state, rows([[100, 'a'], [104, 'late'], [110, 'b'], [200, 'c']]), ids, 10, 15);
		expect(moved.rows).toEqual(['c']);
		expect(Object.keys(moved.state.seen)).toEqual(['200']);
	});

	it('past the 10,000 remembered keys the lowest values are forgotten and the floor rises above them; the watermark stays', () => {
		const many = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
		const state: TriggerState = { ...newState('s'), watermark: '3', seen: { 1: many('a', 9_999), 2: ['c'], 3: ['d', 'e'] } };
		const after = takeNew(state, [], ids, 10, 10).state;
		expect(after.seen).toEqual({ 2: ['c'], 3: ['d', 'e'] });
		expect(after.floor).toEqual({ value: '1', inclusive: false });
		const crowded = takeNew({ ...state, seen: { 3: many('k', 10_001) } }, [], ids, 10, 10).state;
		expect(crowded.seen[3]).toHaveLength(10_001);
		expect(crowded.floor).toBeUndefined();
		expect(lowerBound({ ...after, watermark: '3' }, ids, 10)).toEqual({ value: '1', inclusive: false });
	});

	it('activate: the rows present count as emitted; over the cap the floor rises above a value kept in part', () => {
		const present = rows([[9, 'a'], [9, 'b'], [8, 'c'], [7, 'd'], [7, 'e']]);
		expect(activate(newState('s'), { value: '9', shown: 9 }, present, ids, 10).seen).toEqual({ 9: [present[0].key, present[1].key], 8: [present[2].key], 7: [present[3].key, present[4].key] });
		const capped = activate(newState('s'), { value: '9', shown: 9 }, present, ids, 3);
		expect(capped.seen).toEqual({ 9: [present[0].key, present[1].key], 8: [present[2].key] });
		expect(capped.floor).toEqual({ value: '7', inclusive: false });
		expect(activate(newState('s'), undefined, [], ids)).toEqual(newState('s'));
	});

	it('readState: only a state of the same settings and version', () => {
		const state = { ...newState('sig'), watermark: '1' };
		expect(readState({ state }, 'sig')).toEqual(state);
		expect(readState({ state }, 'other')).toBeUndefined();
		expect(readState({ state: { ...state, version: 0 } }, 'sig')).toBeUndefined();
		expect(readState({}, 'sig')).toBeUndefined();
	});
});

describe('statements', () => {
	const column = watermarkColumn('created_at');
	const start = { type: 'TEXT' as const, value: '2024-01-01' };

	it('a table by name, by ID, qualified; identifiers quoted by the action node rules', () => {
		expect(tableSource('analytics.public.orders', 'name').from).toBe('"ANALYTICS"."PUBLIC"."ORDERS"');
		expect(tableSource('My "Table"', 'id').from).toBe('"My ""Table"""');
		expect(() => tableSource(' ', 'name')).toThrow('Choose a table.');
		expect(column).toEqual({ typed: 'created_at', sql: '"CREATED_AT"', name: 'CREATED_AT' });
		expect(watermarkColumn('"Created At"').name).toBe('Created At');
	});

	it('bounds as bindings, then order and limit', () => {
		const built = buildStatement({
			source: tableSource('orders', 'name'),
			column,
			conditions: [
				{ operator: '>=', binding: start },
				{ operator: '>', binding: { type: 'FIXED', value: '5' } },
			],
			direction: 'ASC',
			limit: 12,
		});
		expect(built).toEqual({
			statement: 'SELECT * FROM "ORDERS" WHERE "CREATED_AT" >= ? AND "CREATED_AT" > ? ORDER BY "CREATED_AT" ASC LIMIT 12',
			bindings: { 1: start, 2: { type: 'FIXED', value: '5' } },
		});
		expect(buildStatement({ source: tableSource('orders', 'name'), column, conditions: [], direction: 'DESC', limit: 1 }).statement).toBe(
			'SELECT * FROM "ORDERS" WHERE "CREATED_AT" IS NOT NULL ORDER BY "CREATED_AT" DESC LIMIT 1',
		);
	});

	it(':watermark in a custom query: every use bound, text in strings and comments left alone', () => {
		const source = querySource("SELECT * FROM t WHERE a >= :watermark OR b >= :WATERMARK -- :watermark\n AND c <> ':watermark' AND d::watermark_type IS NULL AND e = :watermark_2;");
		expect(source.watermarks).toBe(2);
		const built = buildStatement({ source, column, watermark: start, conditions: [{ operator: '>=', binding: start }], direction: 'ASC', limit: 5 });
		expect(built.statement).toBe(
			"SELECT * FROM (\nSELECT * FROM t WHERE a >= ? OR b >= ? -- :watermark\n AND c <> ':watermark' AND d::watermark_type IS NULL AND e = :watermark_2\n) AS \"N8N_TRIGGER_SOURCE\" WHERE \"CREATED_AT\" >= ? ORDER BY \"CREATED_AT\" ASC LIMIT 5",
		);
		expect(Object.keys(built.bindings)).toEqual(['1', '2', '3']);
		expect(() => buildStatement({ source, column, conditions: [], direction: 'ASC', limit: 5 })).toThrow(/set Start Value/);
	});

	it.each([
		['SELECT * FROM t WHERE a >= :watermark; -- done', 'SELECT * FROM t WHERE a >= ? -- done'],
		['SELECT * FROM t WHERE a >= :watermark; /* done; */ ;\n', 'SELECT * FROM t WHERE a >= ? /* done; */'],
		['SELECT * FROM t WHERE a >= :watermark;;  \n\n', 'SELECT * FROM t WHERE a >= ?'],
		["SELECT ';' AS s FROM t WHERE a >= :watermark -- ends here;", "SELECT ';' AS s FROM t WHERE a >= ? -- ends here;"],
	])('a custom query ending in %j: the ";" stays outside the parentheses (one statement)', (sql, body) => {
		const source = querySource(sql);
		expect(source.from).toBe(`(\n${body}\n) AS "N8N_TRIGGER_SOURCE"`);
		const built = buildStatement({ source, column, watermark: start, conditions: [], direction: 'ASC', limit: 5 });
		expect(countStatements(built.statement)).toBe(1);
	});

	it('refuses other placeholders, several statements and PUT/GET', () => {
		expect(() => querySource('SELECT * FROM t WHERE a = :1')).toThrow(/no \? or :1 placeholders/);
		expect(() => querySource('SELECT 1; SELECT 2')).toThrow(/2 statements/);
		expect(() => querySource("PUT file:///tmp/x @stage")).toThrow(/PUT and GET/);
		expect(() => querySource('  ')).toThrow(/empty/);
	});
});
