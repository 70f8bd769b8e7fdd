/* eslint-disable no-console -- test-only code, never shipped */
/**
 * Proof by replay of Trigger On → Changes in a Table. A seeded workload of random inserts, updates (of key
 * columns too, and key swaps), deletes, multi-row statements, committed, rolled-back and failing
 * transactions runs on a change-tracked table, interleaved with polls of two triggers as n8n runs them
 * (PollTriggerExecutor), seeded transient faults on every request, polls failed whole by a 422, and n8n restarts (the static data saved
 * and loaded into a new workflow). Each trigger's items are applied in order to a copy:
 * - "by key": Key Columns = ID, items applied by ID (delete → remove, insert/update → put);
 * - "by row id": no Key Columns, items applied by rowId.
 * After every poll that finished a window, each copy must equal the source table as it was when that window
 * was opened (the window's end is read then, and no commit runs during a poll); at the end, after the
 * triggers caught up, the table itself. The line `changes: N operations, P polls, F faults, D divergences` reports it.
 *
 *   npm test                                      1,000 operations, fixed seed
 *   npm run test:faults                           10,000 operations, a new seed (printed)
 *   FAULTS_SEED=1234 npm run test:faults          replays that seed; CHANGES_OPERATIONS=n sets the count
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { EngineSession } from '../emulator/engine-types';
import type { FaultKind } from '../emulator/faults';
import { useEmulator } from '../workflows/setup';
import { ActiveTrigger } from '../workflows/triggerHarness';
import { campaignSeed, envNumber, exploring } from './env';
import { seededRandom } from './simClock';

const injected = vi.hoisted(() => ({ overrides: {} as Record<string, unknown> }));

// Retries and backoff on an immediate sleep with seeded jitter: faults cost no real time.
vi.mock('../../nodes/SnowflakeSqlApi/helpers/adapters', async (importOriginal) =>
	(await import('../helpers/clientOverrides')).withClientOverrides(await importOriginal(), () => injected.overrides),
);

const FIXED_SEED = 20_261_216;
const seed = campaignSeed(FIXED_SEED);
const operations = Math.floor(envNumber('CHANGES_OPERATIONS', exploring ? 10_000 : 1_000));
const FAULT_RATE = 0.12;
const FAULTS: FaultKind[] = ['http429', 'http500', 'http502', 'http503', 'http504', 'resetBeforeRun', 'resetAfterCommit', 'tokenExpired'];

const env = useEmulator();
/** The workload's own connection (one engine session, as one Snowflake session would be). */
let session: EngineSession | undefined;
async function sql(statements: string | string[]) {
	session ??= await env.emulator.engine.openSession();
	let result = { data: [] as Array<Array<string | null>> };
	for (const statement of typeof statements === 'string' ? [statements] : statements) {
		result = await session.run(statement, undefined, { database: 'EMULATOR_DB', schema: 'PUBLIC', parameters: {} });
	}
	return result;
}

type Row = { ID: number; VAL: string | null; N: number | null };

interface Replica {
	name: string;
	parameters: IDataObject;
	trigger: ActiveTrigger;
	/** Applied items: key → row. */
	copy: Map<string, Row>;
	keyOf: (item: IDataObject) => string;
	/** The source when the trigger's current window was opened (no commit runs during a poll). */
	snapshot?: string;
}

interface Report {
	operations: number;
	polls: number;
	faults: number;
	divergences: number;
	failedPolls: number;
	restarts: number;
	items: number;
	firstDivergence?: string;
	seconds: number;
	pollSeconds: number;
}

const canonical = (rows: Iterable<Row>) =>
	JSON.stringify([...rows].map((r) => [r.ID, r.VAL, r.N]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));

async function sourceRows(): Promise<Row[]> {
	const result = await sql('SELECT id, val, n FROM src');
	return result.data.map((r) => ({ ID: Number(r[0]), VAL: r[1], N: r[2] === null ? null : Number(r[2]) }));
}

function apply(replica: Replica, items: INodeExecutionData[]): void {
	for (const { json } of items) {
		const row = json.row as Row;
		const key = replica.keyOf(json);
		if (json.action === 'delete') replica.copy.delete(key);
		else replica.copy.set(key, { ID: row.ID, VAL: row.VAL, N: row.N });
	}
}

async function runReplay(): Promise<Report> {
	const started = Date.now();
	const random = seededRandom(seed);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
	const report: Report = { operations: 0, polls: 0, faults: 0, divergences: 0, failedPolls: 0, restarts: 0, items: 0, seconds: 0, pollSeconds: 0 };

	await sql(['CREATE OR REPLACE TABLE src (id NUMBER(12, 0) NOT NULL, val VARCHAR, n NUMBER(12, 0)) CHANGE_TRACKING = TRUE']);
	const [seconds, fraction] = String((await sql('SELECT CURRENT_TIMESTAMP()')).data[0][0]).split('.');
	const created = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction} +00:00`;
	/** The ids the committed table holds (the workload keeps ID unique, as a key). */
	let ids = new Set<number>();
	let nextId = 1;
	const seedRows: string[] = [];
	for (let i = 0; i < 20; i++) {
		seedRows.push(`(${nextId}, 'v${nextId}', ${i})`);
		ids.add(nextId++);
	}
	await sql(`INSERT INTO src VALUES ${seedRows.join(', ')}`);

	const make = (name: string, parameters: IDataObject, keyOf: Replica['keyOf']): Replica => ({
		name,
		parameters,
		trigger: new ActiveTrigger({ mode: 'changes', table: { __rl: true, mode: 'name', value: 'src' }, ...parameters }, () => env.credentials()),
		copy: new Map(),
		keyOf,
	});
	const replicas = [
		make('by key', { changesPerPoll: 7, options: { keyColumns: 'id' } }, (item) => String((item.row as Row).ID)),
		make('by row id', { changesPerPoll: 11 }, (item) => String(item.rowId)),
	];
	// Activation ("now"): the copies start as the table is.
	for (const replica of replicas) {
		const outcome = await replica.trigger.poll();
		if (outcome.error) throw outcome.error;
	}
	const rows = await sourceRows();
	const byRowId = await sql(`SELECT id, val, n, METADATA$ROW_ID FROM src CHANGES(INFORMATION => APPEND_ONLY) AT(TIMESTAMP => '${created}'::TIMESTAMP_LTZ)`);
	for (const r of rows) replicas[0].copy.set(String(r.ID), r);
	for (const r of byRowId.data) replicas[1].copy.set(String(r[3]), { ID: Number(r[0]), VAL: r[1], N: r[2] === null ? null : Number(r[2]) });

	env.emulator.faults.randomize({ rate: FAULT_RATE, seed: seed ^ 0x5eed, kinds: FAULTS });

	/** One random DML statement against `live` (the ids as the statement's transaction sees them). */
	const statement = (live: Set<number>): string => {
		const existing = [...live];
		const r = random();
		if (existing.length < 5 || (r < 0.25 && existing.length < 80)) {
			const count = between(1, 3);
			const values: string[] = [];
			for (let i = 0; i < count; i++) {
				values.push(`(${nextId}, ${random() < 0.1 ? 'NULL' : `'i${nextId}'`}, ${between(0, 9)})`);
				live.add(nextId++);
			}
			return `INSERT INTO src VALUES ${values.join(', ')}`;
		}
		if (r < 0.45) {
			const targets = Array.from({ length: between(1, 3) }, () => pick(existing));
			return `UPDATE src SET val = 'u${between(0, 999)}', n = n + 1 WHERE id IN (${targets.join(', ')})`;
		}
		if (r < 0.55) {
			const from = pick(existing);
			live.delete(from);
			live.add(nextId);
			return `UPDATE src SET id = ${nextId++} WHERE id = ${from}`;
		}
		if (r < 0.62) {
			const a = pick(existing);
			const b = pick(existing);
			return `UPDATE src SET id = CASE WHEN id = ${a} THEN ${b} ELSE ${a} END, n = COALESCE(n, 0) + 10 WHERE id IN (${a}, ${b})`;
		}
		if (r < 0.8) {
			const targets = [...new Set(Array.from({ length: between(1, 2) }, () => pick(existing)))];
			for (const id of targets) live.delete(id);
			return `DELETE FROM src WHERE id IN (${targets.join(', ')})`;
		}
		if (r < 0.9) return `UPDATE src SET n = ${between(0, 5)} WHERE MOD(id, ${between(2, 5)}) = 0`;
		const [low, high] = [pick(existing), pick(existing)].sort((x, y) => x - y);
		return `UPDATE src SET val = NULL WHERE id BETWEEN ${low} AND ${high}`;
	};

	/** One tick; true when it read a whole window opened by itself (the trigger caught up with the table). */
	const poll = async (replica: Replica, faults: boolean): Promise<boolean> => {
		if (!faults) env.emulator.faults.randomize({ rate: 0 });
		const pollStarted = Date.now();
		const opens = !(replica.trigger.staticData.changes as { window?: unknown } | undefined)?.window;
		if (opens) replica.snapshot = canonical(await sourceRows());
		const before = env.emulator.faults.log.length;
		// Now and then a failure no retry helps (a 422 on a CHANGES statement, maybe after a first page): the poll fails whole.
		const refuse = faults && random() < 0.08 ? between(1, 2) : 0;
		let changesSeen = 0;
		env.proxy.respond = (request) => {
			if (!refuse || !String(request.body?.statement ?? '').includes('CHANGES(') || ++changesSeen < refuse) return undefined;
			report.faults++;
			return { status: 422, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '000603', sqlState: 'XX000', message: 'SQL execution internal error: injected', statementHandle: '01b00000-0000-0000-0000-000000000001' }) };
		};
		const outcome = await replica.trigger.poll();
		env.proxy.respond = undefined;
		report.faults += env.emulator.faults.log.length - before;
		if (!faults) env.emulator.faults.randomize({ rate: FAULT_RATE, kinds: FAULTS });
		report.polls++;
		report.pollSeconds += (Date.now() - pollStarted) / 1000;
		if (outcome.error) {
			report.failedPolls++;
			return false;
		}
		report.items += outcome.items.length;
		apply(replica, outcome.items);
		const state = replica.trigger.staticData.changes as { window?: unknown } | undefined;
		if (state?.window) return false;
		const source = replica.snapshot ?? '';
		const copy = canonical(replica.copy.values());
		if (source !== copy) {
			report.divergences++;
			const have = new Set((JSON.parse(copy) as unknown[]).map((r) => JSON.stringify(r)));
			const want = new Set((JSON.parse(source) as unknown[]).map((r) => JSON.stringify(r)));
			const missing = [...want].filter((r) => !have.has(r)).slice(0, 5);
			const extra = [...have].filter((r) => !want.has(r)).slice(0, 5);
			report.firstDivergence ??= `${replica.name} after operation ${report.operations}: missing ${missing.join(' ')}; unexpected ${extra.join(' ')}`;
		}
		return opens;
	};

	let untilPoll = between(1, 14);
	while (report.operations < operations) {
		const r = random();
		if (r < 0.8) {
			const live = new Set(ids);
			await sql(statement(live));
			ids = live;
			report.operations++;
		} else {
			// A transaction: committed, rolled back, or aborted by a failing statement (nothing of it stays).
			const live = new Set(ids);
			const body = Array.from({ length: between(2, 4) }, () => statement(live));
			report.operations += body.length;
			const end = random();
			if (end < 0.6) {
				await sql(['BEGIN', ...body, 'COMMIT']);
				ids = live;
			} else if (end < 0.85) {
				await sql(['BEGIN', ...body, 'ROLLBACK']);
			} else {
				body.splice(between(0, body.length), 0, 'INSERT INTO src VALUES (NULL, NULL, NULL)');
				await expect(sql(['BEGIN', ...body, 'COMMIT'])).rejects.toThrow();
				await sql('ROLLBACK');
			}
		}
		if (--untilPoll > 0) continue;
		untilPoll = between(1, 14);
		for (const replica of replicas) {
			if (random() < 0.1) {
				// n8n restarts: the static data it saved is all the new instance gets.
				replica.trigger = new ActiveTrigger(replica.trigger.data.nodes[0].parameters as IDataObject, () => env.credentials(), JSON.parse(JSON.stringify(replica.trigger.workflow.staticData)) as IDataObject);
				report.restarts++;
			}
			await poll(replica, true);
		}
		if (report.operations % 1000 < 8 && report.operations >= 1000) console.log(`changes: ${report.operations} operations so far (${report.polls} polls)`);
	}
	// Catch up without faults: every trigger must end exactly at the table.
	for (const replica of replicas) {
		for (let i = 0; i < 1000 && !(await poll(replica, false)); i++);
	}
	const final = canonical(await sourceRows());
	for (const replica of replicas) {
		if (canonical(replica.copy.values()) !== final) {
			report.divergences++;
			report.firstDivergence ??= `${replica.name} at the end`;
		}
	}
	report.seconds = (Date.now() - started) / 1000;
	return report;
}

let report: Report;

beforeAll(() => {
	injected.overrides = { sleep: async () => undefined, random: seededRandom(seed ^ 0x51ee) };
});

afterAll(async () => {
	injected.overrides = {};
	await session?.close();
});

describe(`changes replay (seed ${seed}, ${operations} operations)`, () => {
	beforeAll(async () => {
		console.log(`changes replay: seed ${seed} (replay: FAULTS_SEED=${seed} CHANGES_OPERATIONS=${operations} npm run test:faults)`);
		report = await runReplay();
		console.log(
			`changes: ${report.operations} operations, ${report.polls} polls, ${report.faults} faults, ${report.divergences} divergences ` +
				`(${report.items} items, ${report.failedPolls} failed polls, ${report.restarts} restarts, ${report.seconds.toFixed(1)} s of which polls ${report.pollSeconds.toFixed(1)} s)`,
		);
		if (report.firstDivergence) console.log(`first divergence: ${report.firstDivergence}`);
	}, 120_000 + operations * 100);

	it('applying the emitted changes in order reproduces the source table after every poll', () => {
		expect(report.firstDivergence).toBeUndefined();
		expect(report.divergences).toBe(0);
		expect(report.operations).toBeGreaterThanOrEqual(operations);
		expect(report.faults).toBeGreaterThan(0);
		expect(report.failedPolls).toBeGreaterThan(0);
		expect(report.restarts).toBeGreaterThan(0);
	});
});
