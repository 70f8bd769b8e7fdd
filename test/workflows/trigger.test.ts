 
/**
 * The Snowflake SQL API Trigger polled as n8n polls it (PollTriggerExecutor + PollContext on one active
 * workflow, static data kept between ticks) against the emulator's DuckDB engine, with rows inserted
 * between polls. Every scenario checks exactly-once emission: each row that qualifies is emitted by
 * exactly one poll, and nothing else is.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import type { EngineResult } from '../emulator/engine-types';
import { seeded } from '../helpers/seeded';
import { plain, runWorkflow, snowflakeWorkflow } from './harness';
import { useEmulator } from './setup';
import { ActiveTrigger, type PollOutcome } from './triggerHarness';

const env = useEmulator({ partitionRows: 3 });

const sql = (statement: string): Promise<EngineResult> => env.emulator.sql(statement);

const EVENTS = { __rl: true, mode: 'name', value: 'events' };

function trigger(parameters: IDataObject): ActiveTrigger {
	return new ActiveTrigger({ mode: 'newRows', table: EVENTS, watermarkColumn: 'id', ...parameters }, () => env.credentials());
}

function ids(items: INodeExecutionData[]): number[] {
	return items.map((item) => item.json.ID as number);
}

async function pollOk(active: ActiveTrigger): Promise<PollOutcome> {
	const outcome = await active.poll();
	if (outcome.error) throw outcome.error;
	return outcome;
}

/** Polls until a poll emits nothing; returns every emitted item in order. */
async function drain(active: ActiveTrigger, max = 50): Promise<INodeExecutionData[]> {
	const all: INodeExecutionData[] = [];
	for (let i = 0; i < max; i++) {
		const outcome = await pollOk(active);
		if (!outcome.emitted) return all;
		all.push(...outcome.items);
	}
	throw new Error('the trigger never ran dry');
}

function insertRows(rows: Array<[number, string, string]>): string {
	return `INSERT INTO events VALUES ${rows.map(([id, at, note]) => `(${id}, '${at}', '${note}')`).join(', ')}`;
}

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE events (id NUMBER(10, 0), at TIMESTAMP_NTZ(9), note VARCHAR)');
});

describe('new rows by an ID column', () => {
	it('starts from now: rows present at activation are skipped, later ones emitted once, without pairedItem', async () => {
		await sql(insertRows([[1, '2024-01-01 00:00:00', 'old'], [2, '2024-01-01 00:00:01', 'old']]));
		const active = trigger({});
		expect(await pollOk(active)).toEqual({ items: [], emitted: false });
		expect(await pollOk(active)).toEqual({ items: [], emitted: false });
		await sql(insertRows([[3, '2024-01-01 00:00:02', 'new'], [4, '2024-01-01 00:00:03', 'new']]));
		const outcome = await pollOk(active);
		expect(outcome.items).toEqual([
			{ json: { ID: 3, AT: '2024-01-01T00:00:02.000000000', NOTE: 'new' } },
			{ json: { ID: 4, AT: '2024-01-01T00:00:03.000000000', NOTE: 'new' } },
		]);
		expect(outcome.items.every((item) => item.pairedItem === undefined)).toBe(true);
		expect((await pollOk(active)).emitted).toBe(false);
		await sql(insertRows([[5, '2024-01-01 00:00:04', 'newer']]));
		expect(ids((await pollOk(active)).items)).toEqual([5]);
		expect(active.staticData.state).toMatchObject({ watermark: '5', watermarkShown: 5 });
	});

	it('an empty table at activation: every later row is new', async () => {
		const active = trigger({});
		expect((await pollOk(active)).emitted).toBe(false);
		await sql(insertRows([[10, '2024-01-01 00:00:00', 'a']]));
		expect(ids((await pollOk(active)).items)).toEqual([10]);
	});

	it('starts from a value (inclusive) and drains the backlog at the per-poll limit', async () => {
		await sql(insertRows(Array.from({ length: 12 }, (_, i) => [i + 1, '2024-01-01 00:00:00', `r${i + 1}`] as [number, string, string])));
		const active = trigger({ startFrom: 'value', startValue: '5', rowsPerPoll: 3 });
		const counts: number[] = [];
		const all: number[] = [];
		for (;;) {
			const outcome = await pollOk(active);
			if (!outcome.emitted) break;
			counts.push(outcome.items.length);
			all.push(...ids(outcome.items));
		}
		expect(counts).toEqual([3, 3, 2]);
		expect(all).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
	});
});

describe('timestamps with ties', () => {
	it('a per-poll limit cutting a run of equal timestamps: every row once, across polls and later ties', async () => {
		const at = '2024-05-01 10:00:00';
		await sql(insertRows([[1, '2024-05-01 09:00:00', 'before']]));
		const active = trigger({ watermarkColumn: 'at', rowsPerPoll: 3 });
		await pollOk(active);
		await sql(insertRows(Array.from({ length: 8 }, (_, i) => [100 + i, at, 'tie'] as [number, string, string])));
		const first = await drain(active);
		expect(first.map((item) => item.json.AT)).toEqual(Array(8).fill('2024-05-01T10:00:00.000000000'));
		// More rows at the very same timestamp, after the watermark reached it.
		await sql(insertRows([[200, at, 'late tie'], [201, at, 'late tie'], [202, '2024-05-01 10:00:01', 'after']]));
		const second = await drain(active);
		expect(ids(second)).toEqual(expect.arrayContaining([200, 201, 202]));
		expect(ids(second)).toHaveLength(3);
		expect(ids([...first, ...second]).sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 200, 201, 202]);
	});

	it('identical rows are two rows: both emitted, once each', async () => {
		const active = trigger({ watermarkColumn: 'at', rowsPerPoll: 1 });
		await pollOk(active);
		await sql(insertRows([[7, '2024-05-01 10:00:00', 'same'], [7, '2024-05-01 10:00:00', 'same'], [8, '2024-05-01 10:00:00', 'other']]));
		expect(ids(await drain(active)).sort()).toEqual([7, 7, 8]);
	});
});

describe('late rows and the look-back window', () => {
	it('a row that arrives late within the look-back is emitted once; one older than the window is not', async () => {
		await sql(insertRows([[1, '2024-05-01 10:00:00', 'present']]));
		const active = trigger({ watermarkColumn: 'at', options: { lookBack: 60 } });
		await pollOk(active);
		await sql(insertRows([[2, '2024-05-01 10:05:00', 'new']]));
		expect(ids((await pollOk(active)).items)).toEqual([2]);
		// Committed late: its timestamp is 30 s behind the watermark (inside 60 s), or 10 minutes behind.
		await sql(insertRows([[3, '2024-05-01 10:04:30', 'late'], [4, '2024-05-01 09:55:00', 'too late']]));
		expect(ids((await pollOk(active)).items)).toEqual([3]);
		expect((await pollOk(active)).emitted).toBe(false);
		// The row present at activation, 5 minutes back, was never emitted and never will be.
		await sql(insertRows([[5, '2024-05-01 10:05:00', 'tie with the watermark']]));
		expect(ids((await pollOk(active)).items)).toEqual([5]);
		expect((await pollOk(active)).emitted).toBe(false);
	});

	it('rows present at activation inside the look-back count as emitted', async () => {
		await sql(insertRows([[1, '2024-05-01 10:00:00', 'a'], [2, '2024-05-01 10:00:30', 'b'], [3, '2024-05-01 10:01:00', 'c']]));
		const active = trigger({ watermarkColumn: 'at', options: { lookBack: 120 } });
		await pollOk(active);
		expect((await pollOk(active)).emitted).toBe(false);
		await sql(insertRows([[4, '2024-05-01 10:00:10', 'late']]));
		expect(ids((await pollOk(active)).items)).toEqual([4]);
	});

	it('Key Columns: a row changed inside the window is not emitted again (without them it would be)', async () => {
		const keyed = trigger({ watermarkColumn: 'at', options: { lookBack: 600, keyColumns: 'id' } });
		const hashed = trigger({ watermarkColumn: 'at', options: { lookBack: 600 } });
		await pollOk(keyed);
		await pollOk(hashed);
		await sql(insertRows([[1, '2024-05-01 10:00:00', 'draft']]));
		expect(ids((await pollOk(keyed)).items)).toEqual([1]);
		expect(ids((await pollOk(hashed)).items)).toEqual([1]);
		await sql("UPDATE events SET note = 'final' WHERE id = 1");
		expect((await pollOk(keyed)).emitted).toBe(false);
		expect((await pollOk(hashed)).items.map((item) => item.json.NOTE)).toEqual(['final']);
	});
});

describe('exactly once over many polls', () => {
	it.each([
		['no look-back, limit 4', 0, 4, 11],
		['60 s look-back, limit 3', 60, 3, 12],
		['look-back, limit 1', 30, 1, 13],
	])('%s: random inserts (ties, duplicates, late rows) between 40 polls', async (_name, lookBack, rowsPerPoll, seed) => {
		const next = seeded(seed);
		const base = Date.UTC(2024, 4, 1, 10, 0, 0);
		let clock = 0; // seconds after base, the newest timestamp written
		let id = 0;
		const active = trigger({ watermarkColumn: 'at', rowsPerPoll, options: { lookBack } });
		await pollOk(active);
		const expected: number[] = [];
		const emitted: number[] = [];
		const stamp = (seconds: number) => new Date(base + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');
		for (let poll = 0; poll < 40; poll++) {
			const rows: Array<[number, string, string]> = [];
			const count = Math.floor(next() * 5);
			for (let r = 0; r < count; r++) {
				const kind = next();
				let seconds: number;
				if (kind < 0.4) seconds = clock; // a tie with the newest timestamp
				else if (kind < 0.8) seconds = clock += 1 + Math.floor(next() * 3);
				else seconds = Math.max(0, clock - Math.floor(next() * lookBack)); // late, inside the window
				const duplicate = rows.length > 0 && next() < 0.15;
				const row: [number, string, string] = duplicate ? rows[rows.length - 1] : [++id, stamp(seconds), `row ${id}`];
				rows.push(row);
				expected.push(row[0]);
			}
			if (rows.length > 0) await sql(insertRows(rows));
			emitted.push(...ids((await pollOk(active)).items));
		}
		emitted.push(...ids(await drain(active)));
		expect(emitted.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
	});
});

describe('typed decoding', () => {
	it('rows are decoded exactly as the action node decodes them (Select)', async () => {
		await sql(
			'CREATE OR REPLACE TABLE typed (id NUMBER(38, 0), amount NUMBER(12, 2), big NUMBER(38, 0), ratio FLOAT, ok BOOLEAN, d DATE, t TIME, ntz TIMESTAMP_NTZ, ltz TIMESTAMP_LTZ, tz TIMESTAMP_TZ, doc VARIANT, bin BINARY)',
		);
		const active = new ActiveTrigger(
			{ mode: 'newRows', table: { __rl: true, mode: 'name', value: 'typed' }, watermarkColumn: 'id', startFrom: 'value', startValue: '0' },
			() => env.credentials(),
		);
		await sql(
			"INSERT INTO typed SELECT 1, 12.50, 12345678901234567890123, 0.25, TRUE, '2024-02-29', '13:45:00', '2024-03-01 12:30:00.123456', '2024-03-01 12:30:00+00:00', '2024-03-01 12:30:00+09:00', PARSE_JSON('{\"a\": [1, 2]}'), TO_BINARY('CAFE', 'HEX')",
		);
		const emitted = (await pollOk(active)).items.map((item) => item.json);
		const selected = await runWorkflow(
			snowflakeWorkflow({ operation: 'select', table: { __rl: true, mode: 'name', value: 'typed' }, returnAll: true }),
			env.credentials(),
		);
		expect(emitted).toEqual(plain(selected.output('Snowflake SQL API')).map((item) => item.json));
		expect(emitted[0]).toMatchObject({ ID: 1, AMOUNT: 12.5, BIG: '12345678901234567890123', OK: true, D: '2024-02-29', DOC: { a: [1, 2] }, BIN: 'CAFE' });
	});
});

describe('watermark types', () => {
	it.each([
		['DATE', ["'2024-01-01'", "'2024-01-02'", "'2024-01-02'", "'2024-01-03'"], 86_400],
		// TIMESTAMP_TZ is left out here: the DuckDB engine keeps it as a struct and refuses the activation's
		// `>= ? AND <= ?` (it plans a BETWEEN); its order and binding are covered by the unit tests.
		['TIMESTAMP_LTZ', ["'2024-01-01 01:00:00'", "'2024-01-01 02:00:00'", "'2024-01-01 02:00:00'", "'2024-01-01 02:00:01'"], 1],
		['NUMBER(12, 2)', ['1.25', '2.50', '2.5', '3.75'], 0.5],
		['FLOAT', ['0.5', '1.5', '1.5', '2.25'], 0.25],
		['VARCHAR', ["'a'", "'b'", "'b'", "'c'"], 0],
	])('%s: ties and the next value, each once, bound as its own type', async (type, values, lookBack) => {
		await sql(`CREATE OR REPLACE TABLE marks (id NUMBER(10, 0), w ${type})`);
		await sql(`INSERT INTO marks VALUES (1, ${values[0]})`);
		const active = new ActiveTrigger(
			{ mode: 'newRows', table: { __rl: true, mode: 'name', value: 'marks' }, watermarkColumn: 'w', rowsPerPoll: 1, options: { lookBack } },
			() => env.credentials(),
		);
		await pollOk(active);
		await sql(`INSERT INTO marks VALUES (2, ${values[1]}), (3, ${values[2]})`);
		const first = await drain(active);
		await sql(`INSERT INTO marks VALUES (4, ${values[3]})`);
		const second = await drain(active);
		expect(ids(first).sort()).toEqual([2, 3]);
		expect(ids(second)).toEqual([4]);
	});
});
