 
/**
 * The fault campaign: a seeded DML workload (Insert with unique keys, Upsert/MERGE, Update, Delete, a few
 * reads and deliberately bad statements) run as real n8n workflows through the node against the emulator,
 * with seeded fault injection on every route. After every run the campaign settles what the table must
 * hold: a success applies the write to its model; a failure must carry a clear error, and the table shows
 * whether the write happened (all or nothing). At the end the table is compared with the model.
 *
 * The caller (faults.test.ts) injects the simulated clock and seeded jitter into the node's transport.
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator/server';
import type { FaultKind } from '../emulator/faults';
import { pemBody } from '../helpers/keys';
import { logLines, runWorkflow, snowflakeWorkflow, type NodeErrorShape, type RunResult } from '../workflows/harness';
import { startRecordingProxy, type RecordingProxy } from '../workflows/recordingProxy';
import { seededRandom, type SimClock } from './simClock';

export interface CampaignOptions {
	seed: number;
	statements: number;
	/** Chance per request of a random fault. */
	rate: number;
	clock: SimClock;
	/** Slow faults hold a response this long (real ms); the client's timeout is shorter. */
	slowMs: number;
	/** Progress lines (one per 100 statements). */
	log?: (line: string) => void;
}

export interface CampaignReport {
	seed: number;
	statements: number;
	rate: number;
	faultsInjected: number;
	faultsByKind: Record<string, number>;
	/** 429s sent with / without a Retry-After header. */
	retryAfter: { with: number; without: number };
	retries: number;
	tokenRenewals: number;
	/** Distinct JWTs the emulator verified (re-signs after expiry and after the hour). */
	distinctJwts: number;
	completed: number;
	failedClear: number;
	/** Failures by their first words, for the report. */
	failureKinds: Record<string, number>;
	/** Failed runs whose write had nevertheless happened (their error must say so). */
	failedButApplied: number;
	duplicates: number;
	lost: number;
	/** Rows in the table the model does not know, and rows whose values differ from the model. */
	unexpected: number;
	/** requestIds the emulator ran more than once. */
	doubleExecutions: number;
	unexplained: string[];
	longStatements: Array<{ simulatedMinutes: number; polls: number; jwts: number; outcome: string }>;
	rowsExpected: number;
	realSeconds: number;
	/** sha256 (12 hex digits) of the injected faults in order (kind, route, request number): equal on an exact replay. */
	faultDigest: string;
	/** Everything the runs left behind (run data, errors, log lines), for the secrets scan. */
	captured: string[];
	/** Every bearer token the emulator side received. */
	tokens: string[];
	privateKeyPem: string;
}

type Model = Map<number, { val: string; version: number }>;

type Step =
	| { kind: 'insert'; rows: Array<{ id: number; val: string; version: number }>; long?: boolean }
	| { kind: 'upsert'; rows: Array<{ id: number; val: string; version: number }> }
	| { kind: 'update'; rows: Array<{ id: number; val: string; version: number }> }
	| { kind: 'delete'; ids: number[] }
	| { kind: 'select' }
	| { kind: 'bad'; id: number };

const TABLE = 'FAULT_ROWS';
const TABLE_LOCATOR = { __rl: true, mode: 'name', value: TABLE };
const NODE = 'Snowflake SQL API';
/** Weighted kinds of random faults (slow is scripted on submits and partitions, where a timeout matters). */
const RANDOM_KINDS: FaultKind[] = [
	'http429',
	'http429',
	'http500',
	'http502',
	'http503',
	'http504',
	'resetBeforeRun',
	'resetBeforeRun',
	'resetAfterCommit',
	'resetAfterCommit',
	'resetAfterCommit',
	'truncatedGzip',
	'truncatedGzip',
	'tokenExpired',
	'tokenExpired',
];
const HOUR_AND_FIVE_MINUTES = 65 * 60_000;
/** Share of writes that meet a burst of faults on every submit, more than the retries can outlast. */
const BURST_SHARE = 0.04;
const BURSTS: FaultKind[][] = [
	['http503'],
	['resetBeforeRun'],
	['http429'],
	['resetAfterCommit', 'http502'],
	['resetAfterCommit', 'resetBeforeRun'],
	['resetAfterCommit', 'http429'],
];

/** Transient failures that exhausted the retries: the messages a user gets, each naming what happened. */
const TRANSIENT_FAILURES: Array<[string, RegExp]> = [
	['HTTP 5xx after retries', /^Snowflake returned HTTP 50[0234] after \d+ attempts: /],
	['network error after retries', /^Could not reach Snowflake after \d+ attempts: /],
	['rate limited after retries', /^Snowflake is still rate-limiting after \d+ attempts: /],
	['cut-off body after retries', /^Unexpected response from Snowflake: the body of a 200 response to .* is not JSON/],
];
/** What a failed write whose statement may have run must tell the user. */
const MAY_HAVE_RUN = /may have run/;

function pick<T>(random: () => number, list: readonly T[]): T {
	return list[Math.floor(random() * list.length)];
}

/** The next step of the workload, from the seeded generator and the current model. */
function nextStep(random: () => number, model: Model, nextId: () => number, index: number, long: boolean): Step {
	const existing = [...model.keys()];
	const some = (count: number) => {
		const chosen = new Set<number>();
		for (let i = 0; i < count && existing.length > 0; i++) chosen.add(pick(random, existing));
		return [...chosen];
	};
	const fresh = (count: number) => Array.from({ length: count }, () => nextId());
	if (long) return { kind: 'insert', long: true, rows: fresh(2).map((id) => ({ id, val: `long${index}`, version: 1 })) };
	const roll = random();
	if (roll < 0.4 || existing.length < 5) {
		return { kind: 'insert', rows: fresh(1 + Math.floor(random() * 4)).map((id) => ({ id, val: `i${index}`, version: 1 })) };
	}
	if (roll < 0.65) {
		const ids = [...some(1 + Math.floor(random() * 2)), ...fresh(Math.floor(random() * 3))];
		return { kind: 'upsert', rows: ids.map((id) => ({ id, val: `u${index}`, version: index })) };
	}
	if (roll < 0.77) return { kind: 'update', rows: some(1 + Math.floor(random() * 3)).map((id) => ({ id, val: `p${index}`, version: index })) };
	if (roll < 0.91) return { kind: 'delete', ids: some(1 + Math.floor(random() * 3)) };
	if (roll < 0.96) return { kind: 'select' };
	return { kind: 'bad', id: nextId() };
}

function parametersOf(step: Step): { parameters: IDataObject; items: IDataObject[] } {
	switch (step.kind) {
		case 'insert':
			return { parameters: { operation: 'insert', table: TABLE_LOCATOR, dataMode: 'autoMapInputData' }, items: step.rows };
		case 'upsert':
			return { parameters: { operation: 'upsert', table: TABLE_LOCATOR, dataMode: 'autoMapInputData', matchColumns: 'id' }, items: step.rows };
		case 'update':
			return { parameters: { operation: 'update', table: TABLE_LOCATOR, dataMode: 'autoMapInputData', matchColumns: 'id' }, items: step.rows };
		case 'delete':
			return {
				parameters: { operation: 'delete', table: TABLE_LOCATOR, deleteCommand: 'delete', dataMode: 'autoMapInputData', matchColumns: 'id' },
				items: step.ids.map((id) => ({ id })),
			};
		case 'select':
			return { parameters: { operation: 'executeQuery', query: `SELECT ID, VAL, VERSION FROM ${TABLE} ORDER BY ID` }, items: [{}] };
		case 'bad':
			return { parameters: { operation: 'insert', table: TABLE_LOCATOR, dataMode: 'autoMapInputData' }, items: [{ id: step.id, nope: 'x' }] };
	}
}

/** The model after `step` succeeded. */
function apply(model: Model, step: Step): void {
	switch (step.kind) {
		case 'insert':
		case 'upsert':
			for (const row of step.rows) model.set(row.id, { val: row.val, version: row.version });
			return;
		case 'update':
			for (const row of step.rows) if (model.has(row.id)) model.set(row.id, { val: row.val, version: row.version });
			return;
		case 'delete':
			for (const id of step.ids) model.delete(id);
			return;
		default:
	}
}

async function tableRows(emulator: Emulator, where = ''): Promise<Array<{ id: number; val: string; version: number }>> {
	const result = await emulator.sql(`SELECT ID, VAL, VERSION FROM ${TABLE} ${where} ORDER BY ID`);
	return result.data.map(([id, val, version]) => ({ id: Number(id), val: String(val), version: Number(version) }));
}

/**
 * Whether a failed step's write happened, read from the table: 'applied', 'notApplied', or a description
 * of a partial write (a broken all-or-nothing).
 */
async function settleFailed(emulator: Emulator, model: Model, step: Step): Promise<'applied' | 'notApplied' | string> {
	if (step.kind === 'select' || step.kind === 'bad') {
		const rows = await tableRows(emulator, step.kind === 'bad' ? `WHERE ID = ${step.id}` : '');
		return step.kind === 'bad' && rows.length > 0 ? `bad statement wrote row ${step.id}` : 'notApplied';
	}
	const ids = step.kind === 'delete' ? step.ids : step.rows.map((row) => row.id);
	const rows = await tableRows(emulator, `WHERE ID IN (${ids.join(', ')})`);
	const byId = new Map<number, Array<{ val: string; version: number }>>();
	for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
	const states = ids.map((id) => {
		const found = byId.get(id) ?? [];
		const before = model.get(id);
		if (found.length > 1) return 'duplicate';
		const now = found[0];
		const same = (a: { val: string; version: number } | undefined, b: { val: string; version: number } | undefined) =>
			a === undefined ? b === undefined : b !== undefined && a.val === b.val && a.version === b.version;
		if (step.kind === 'delete') return now === undefined ? 'applied' : same(before, now) ? 'notApplied' : 'other';
		const row = step.rows.find((candidate) => candidate.id === id)!;
		const after = step.kind === 'update' && before === undefined ? undefined : { val: row.val, version: row.version };
		if (same(after, now) && !same(before, now)) return 'applied';
		if (same(before, now) && !same(after, now)) return 'notApplied';
		return same(before, now) ? 'applied' : 'other'; // an update that changes nothing counts as applied either way
	});
	if (states.every((state) => state === 'applied')) return 'applied';
	if (states.every((state) => state === 'notApplied')) return 'notApplied';
	return `partial write: ${ids.map((id, i) => `${id}=${states[i]}`).join(', ')}`;
}

function failureKind(message: string): string | undefined {
	return TRANSIENT_FAILURES.find(([, pattern]) => pattern.test(message))?.[0];
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
	const started = Date.now();
	const { clock } = options;
	const random = seededRandom(options.seed ^ 0x5eed);
	const emulator = await startEmulator({
		syncWaitMs: 5_000,
		partitionRows: 25,
		faultSeed: options.seed,
		clock: clock.now,
		switches: { gzipResultSets: true },
	});
	const proxy: RecordingProxy = await startRecordingProxy(emulator.url);
	const report: CampaignReport = {
		seed: options.seed,
		statements: options.statements,
		rate: options.rate,
		faultsInjected: 0,
		faultsByKind: {},
		retryAfter: { with: 0, without: 0 },
		retries: 0,
		tokenRenewals: 0,
		distinctJwts: 0,
		completed: 0,
		failedClear: 0,
		failureKinds: {},
		failedButApplied: 0,
		duplicates: 0,
		lost: 0,
		unexpected: 0,
		doubleExecutions: 0,
		unexplained: [],
		longStatements: [],
		rowsExpected: 0,
		realSeconds: 0,
		faultDigest: '',
		captured: [],
		tokens: [],
		privateKeyPem: emulator.generatedKey?.privateKeyPem ?? '',
	};
	const credentials = {
		account: emulator.account,
		user: emulator.user,
		privateKey: emulator.generatedKey?.privateKeyPem ?? '',
		privateKeyPassphrase: '',
		host: proxy.url,
	};
	try {
		await emulator.sql(`CREATE OR REPLACE TABLE ${TABLE} (ID NUMBER(38,0), VAL VARCHAR, VERSION NUMBER(38,0))`);

		emulator.faults.randomize({ seed: options.seed, rate: options.rate, kinds: RANDOM_KINDS });
		// Slow responses past the client's timeout, where one hurts: after a submit committed, and on partitions.
		const standingRules = () => {
			emulator.faults.clearRules();
			emulator.faults.add({ route: 'submit', kind: 'slow', delayMs: options.slowMs, probability: 0.02, times: Infinity });
			emulator.faults.add({ route: 'partition', kind: 'slow', delayMs: options.slowMs, probability: 0.02, times: Infinity });
		};
		standingRules();

		const model: Model = new Map();
		let lastId = 0;
		const longAt = new Set<number>();
		for (let at = Math.floor(options.statements / 2); at < options.statements; at += 300) longAt.add(at);

		for (let index = 0; index < options.statements; index++) {
			const long = longAt.has(index);
			const step = nextStep(random, model, () => ++lastId, index, long);
			const { parameters, items } = parametersOf(step);
			// First, so the statement's own first POST is the one held (not a resubmission of it).
			if (long) emulator.faults.add({ route: 'submit', kind: 'longRunning', holdMs: HOUR_AND_FIVE_MINUTES }, 'first');
			// Now and then a burst that outlasts the retries, sometimes after the statement committed.
			const burst = !long && step.kind !== 'select' && step.kind !== 'bad' && random() < BURST_SHARE ? pick(random, BURSTS) : undefined;
			if (burst) {
				for (const kind of [...burst].reverse()) emulator.faults.add({ route: 'submit', kind, times: kind === 'resetAfterCommit' ? 1 : Infinity }, 'first');
			}
			const requestsBefore = proxy.requests.length;
			const simulatedBefore = clock.elapsed();
			const jwtsBefore = emulator.stats.distinctJwts;
			logLines.splice(0);
			const result: RunResult = await runWorkflow(snowflakeWorkflow(parameters, { items }), credentials);
			const events = logLines.map((line) => line.message);
			report.retries += events.filter((message) => message === 'Snowflake SQL API: retry').length;
			report.tokenRenewals += events.filter((message) => message === 'Snowflake SQL API: tokenRenewed').length;
			const error: NodeErrorShape | undefined = result.error();
			report.captured.push(
				[JSON.stringify(result.run.data), JSON.stringify(logLines), error?.message ?? '', error?.description ?? '', error?.stack ?? ''].join('\n'),
			);
			const where = `statement ${index} (${step.kind})`;

			if (result.run.status === 'success') {
				report.completed++;
				const output = result.output(NODE);
				if (step.kind === 'bad') {
					report.unexplained.push(`${where}: a statement with an unknown column succeeded`);
				} else if (step.kind === 'select') {
					const expected = [...model.entries()].sort(([a], [b]) => a - b).map(([id, row]) => ({ ID: id, VAL: row.val, VERSION: row.version }));
					const got = output.map((item) => item.json);
					if (JSON.stringify(got) !== JSON.stringify(expected)) {
						report.unexplained.push(`${where}: read ${got.length} rows, expected ${expected.length} (rows differ)`);
					}
				} else {
					if (output.length !== items.length || output.some((item) => item.json.error !== undefined)) {
						report.unexplained.push(`${where}: output of ${output.length} items for ${items.length} input items`);
					}
					apply(model, step);
				}
			} else {
				const message = error?.message ?? '';
				if (step.kind === 'bad') {
					if (/invalid identifier 'NOPE'/.test(message)) {
						report.failedClear++;
						report.failureKinds['SQL error (unknown column)'] = (report.failureKinds['SQL error (unknown column)'] ?? 0) + 1;
					} else if (failureKind(message)) {
						report.failedClear++;
						const kind = failureKind(message)!;
						report.failureKinds[kind] = (report.failureKinds[kind] ?? 0) + 1;
					} else {
						report.unexplained.push(`${where}: ${message}`);
					}
				} else {
					const kind = failureKind(message);
					const outcome = await settleFailed(emulator, model, step);
					if (outcome === 'applied') {
						report.failedButApplied++;
						apply(model, step);
					}
					if (outcome !== 'applied' && outcome !== 'notApplied') {
						report.unexplained.push(`${where}: ${outcome} after: ${message}`);
					} else if (!kind) {
						report.unexplained.push(`${where}: unclear error: ${message}`);
					} else if (outcome === 'applied' && !MAY_HAVE_RUN.test(message)) {
						report.unexplained.push(`${where}: the write happened but the error does not say it may have run: ${message}`);
					} else {
						report.failedClear++;
						report.failureKinds[kind] = (report.failureKinds[kind] ?? 0) + 1;
					}
				}
			}
			if (long) {
				const polls = proxy.requests.slice(requestsBefore).filter((request) => request.method === 'GET').length;
				report.longStatements.push({
					simulatedMinutes: Math.round((clock.elapsed() - simulatedBefore) / 6_000) / 10,
					polls,
					jwts: emulator.stats.distinctJwts - jwtsBefore + 1,
					outcome: result.run.status === 'success' ? 'completed' : `failed: ${error?.message ?? ''}`,
				});
			}
			if (burst) standingRules();
			if ((index + 1) % 100 === 0) {
				options.log?.(`  … ${index + 1}/${options.statements} statements, ${emulator.faults.log.length} faults, ${Math.round((Date.now() - started) / 1000)} s`);
			}
		}

		// The table against the model.
		const rows = await tableRows(emulator);
		const counts = new Map<number, number>();
		for (const row of rows) counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
		for (const [id, count] of counts) {
			if (count > 1) report.duplicates += count - 1;
			if (!model.has(id)) report.unexpected++;
		}
		for (const [id, row] of model) {
			if (!counts.has(id)) report.lost++;
			else if (!rows.some((found) => found.id === id && found.val === row.val && found.version === row.version)) report.unexpected++;
		}
		if (report.unexpected > 0) report.unexplained.push(`${report.unexpected} rows in the table differ from the expected state`);
		report.rowsExpected = model.size;
		for (const count of emulator.stats.executionsByRequestId.values()) if (count > 1) report.doubleExecutions++;
		if (report.doubleExecutions > 0) report.unexplained.push(`${report.doubleExecutions} requestIds ran more than once`);

		for (const fault of emulator.faults.log) {
			report.faultsByKind[fault.kind] = (report.faultsByKind[fault.kind] ?? 0) + 1;
			if (fault.kind === 'http429') report.retryAfter[fault.retryAfterSeconds === undefined ? 'without' : 'with']++;
		}
		report.faultsInjected = emulator.faults.log.length;
		report.faultDigest = createHash('sha256')
			.update(emulator.faults.log.map((fault) => `${fault.kind}:${fault.route}:${fault.request}`).join(','))
			.digest('hex')
			.slice(0, 12);
		report.distinctJwts = emulator.stats.distinctJwts;
		report.tokens = proxy.tokens();
	} finally {
		await proxy.close();
		await emulator.stop();
		report.realSeconds = Math.round((Date.now() - started) / 100) / 10;
	}
	return report;
}

/** The report as printed; the `faults:` line comes last. */
export function formatReport(report: CampaignReport, replay: string): string[] {
	const kinds = Object.entries(report.faultsByKind)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([kind, count]) => `${kind} ${count}`)
		.join(', ');
	const failures = Object.entries(report.failureKinds)
		.map(([kind, count]) => `${kind} ${count}`)
		.join(', ');
	const lines = [
		`fault campaign: seed ${report.seed}, ${report.statements} statements, fault rate ${report.rate} per request, ${report.realSeconds} s real time`,
		`  replay: ${replay} (fault sequence digest ${report.faultDigest}, equal on an exact replay)`,
		`  faults by kind: ${kinds} (429: ${report.retryAfter.with} with Retry-After, ${report.retryAfter.without} without)`,
		`  retries made: ${report.retries}; tokens re-signed after 390198: ${report.tokenRenewals}; distinct JWTs verified: ${report.distinctJwts}`,
		...report.longStatements.map(
			(long) => `  long statement: ${long.simulatedMinutes} simulated minutes, ${long.polls} status polls, ${long.jwts} JWTs, ${long.outcome}`,
		),
		`  statements: ${report.completed} completed, ${report.failedClear} failed with a clear error${failures ? ` (${failures})` : ''}; ${report.failedButApplied} failed runs had written (error said it may have run)`,
		`  table: ${report.rowsExpected} rows expected; ${report.duplicates} duplicate, ${report.lost} lost, ${report.unexpected} unexpected; ${report.doubleExecutions} requestIds executed twice`,
		...report.unexplained.slice(0, 20).map((line) => `  UNEXPLAINED ${line}`),
		`faults: ${report.faultsInjected} injected, ${report.duplicates} duplicates, ${report.lost} lost, ${report.unexplained.length} unexplained errors`,
	];
	return lines;
}

/** 24-character windows of the private key body, and every JWT (and its signature) the emulator received. */
export function secretNeedles(report: CampaignReport): string[] {
	const body = pemBody(report.privateKeyPem);
	const needles: string[] = [];
	for (let start = 0; start + 24 <= body.length; start += 12) needles.push(body.slice(start, start + 24));
	for (const token of report.tokens) needles.push(token, token.split('.')[2]);
	return needles;
}
