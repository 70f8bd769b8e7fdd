/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code, never shipped */
/**
 * One measurement in a fresh process (forked by bench/run.ts), so every heap and RSS figure starts
 * from the same clean state: `measure.ts <phase> <rows>`, emulator details in BENCH_CONFIG. Replies
 * with one IPC message { type: 'result', value }. Phases:
 *   floor        gunzip + JSON.parse of the result's partition bytes, pre-fetched into memory
 *   untyped      the untyped client floor: the same POST and partition GETs from the emulator, gunzip +
 *                JSON.parse, nothing kept, over built-in fetch and over node:http + zlib (the faster counts)
 *   fetchDecode  SnowflakeClient.execute over fetch: every partition fetched and decoded
 *   node         the node's Execute SQL in a workflow run by n8n-core, output items counted
 *   export       Execute SQL with Return Results As File (CSV) through n8n-core, n8n's default binary mode
 *   exportFs     the same with n8n-core's binary data in filesystem mode (files under a temporary directory)
 *   signatures   1,000 requests with one credential; then 1,000 signings over 120 simulated minutes
 *   insert       Insert of N items through the node vs one hand-written bulk request with the same bindings
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import { checkDecodeOptions, createRowDecoder } from '../nodes/SnowflakeSqlApi/decoder';
import { KeyPairAuth, SnowflakeClient, type DecodedRow, type HttpFn, type readCredentials } from '../nodes/SnowflakeSqlApi/transport';

type SnowflakeKeyPairCredentials = ReturnType<typeof readCredentials>;
import { buildInsert } from '../nodes/SnowflakeSqlApi/helpers';
import { createFetchHttp } from '../test/helpers/fetchHttp';

interface Config {
	url: string;
	account: string;
	user: string;
	privateKeyPem: string;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const [phase, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg ?? '0');
const credentials: SnowflakeKeyPairCredentials = {
	account: config.account,
	user: config.user,
	privateKey: config.privateKeyPem,
	host: config.url,
};
const n8nCredentials = { ...credentials, privateKeyPassphrase: '', role: '', warehouse: '', database: '', schema: '' };
/** Signs the bench's own requests (the node's runs sign with KeyPairAuth.shared, as in n8n). */
const auth = new KeyPairAuth({ now: Date.now });

export const benchQuery = (n: number) => `SELECT * FROM TABLE(EMULATOR$BENCH(${n}))`;

// ------------------------------------------------------------------ IPC with the orchestrator

let nextId = 0;
const pending = new Map<number, (value: unknown) => void>();
process.on('message', (raw) => {
	const message = raw as { id: number; value: unknown };
	pending.get(message.id)?.(message.value);
	pending.delete(message.id);
});
/** Emulator request counters, relayed by the orchestrator. */
async function emulatorStats(): Promise<{ requests: Record<string, number>; distinctJwts: number; jwtsVerified: number }> {
	const id = ++nextId;
	return await new Promise((resolve) => {
		pending.set(id, resolve as (value: unknown) => void);
		process.send?.({ type: 'emulator', id, payload: { type: 'stats' } });
	});
}
function totalRequests(stats: { requests: Record<string, number> }): number {
	return Object.values(stats.requests).reduce((sum, n) => sum + n, 0);
}

// ------------------------------------------------------------------ memory sampling

const gc = (globalThis as { gc?: () => void }).gc;
function collect(): void {
	gc?.();
	gc?.();
}

class MemorySampler {
	private timer: NodeJS.Timeout | undefined;
	readonly baseHeap: number;
	readonly baseRss: number;
	peakHeap = 0;
	peakRss = 0;

	constructor() {
		collect();
		const usage = process.memoryUsage();
		this.baseHeap = usage.heapUsed;
		this.baseRss = usage.rss;
		this.sample();
		this.timer = setInterval(() => this.sample(), 2);
	}

	sample(): void {
		const usage = process.memoryUsage();
		if (usage.heapUsed > this.peakHeap) this.peakHeap = usage.heapUsed;
		if (usage.rss > this.peakRss) this.peakRss = usage.rss;
	}

	stop() {
		this.sample();
		clearInterval(this.timer);
		return {
			baseHeapMB: mb(this.baseHeap),
			peakHeapMB: mb(this.peakHeap),
			heapGrowthMB: mb(this.peakHeap - this.baseHeap),
			baseRssMB: mb(this.baseRss),
			peakRssMB: mb(this.peakRss),
			/** The kernel's high-water mark of this process (includes warm-up). */
			maxRssMB: mb(process.resourceUsage().maxRSS * 1024),
		};
	}
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** With --cpu-prof: the file the profile is written to (bench/run.ts names it), for its timed window. */
const profileFile = (() => {
	const dir = process.execArgv.find((arg) => arg.startsWith('--cpu-prof-dir='))?.slice('--cpu-prof-dir='.length);
	const name = process.execArgv.find((arg) => arg.startsWith('--cpu-prof-name='))?.slice('--cpu-prof-name='.length);
	return dir && name ? `${dir}/${name}` : undefined;
})();

function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
	const cpu = process.cpuUsage();
	const start = performance.now();
	const startNs = process.hrtime.bigint();
	return work().then((value) => {
		const ms = performance.now() - start;
		// the timed run's window, for bench/profileSummary.ts (the last timed run of the process wins)
		if (profileFile) writeFileSync(`${profileFile}.window.json`, JSON.stringify({ startUs: Number(startNs / 1000n), endUs: Number(process.hrtime.bigint() / 1000n) }));
		const used = process.cpuUsage(cpu);
		return { value, ms, cpuMs: (used.user + used.system) / 1000 };
	});
}

/** JSON size of the decoded rows, as n8n would store them (compact JSON.stringify of the array). */
function jsonBytes(decoded: readonly DecodedRow[]): number {
	let bytes = 2 + Math.max(0, decoded.length - 1);
	for (const row of decoded) bytes += Buffer.byteLength(JSON.stringify(row));
	return bytes;
}

function client(http: HttpFn = createFetchHttp(credentials, { auth })): SnowflakeClient {
	return new SnowflakeClient({ http, decoder: { checkDecodeOptions, createRowDecoder }, sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)) });
}

// ------------------------------------------------------------------ raw HTTP (the floor's bytes)

const agent = new Agent({ keepAlive: true });

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
	const signed = await auth.authenticateRequest(credentials, { url: path, headers: {} });
	const url = new URL(config.url + path);
	const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
	return await new Promise((resolve, reject) => {
		const req = httpRequest(
			url,
			{
				method,
				agent,
				headers: {
					...(signed.headers as Record<string, string>),
					'Accept-Encoding': 'gzip',
					...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) } : {}),
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

/** The bytes the client receives for the bench result: partition 0 inline in the POST reply, the rest gzip. */
async function fetchPartitionBytes(n: number): Promise<{ inline: Buffer; gzipped: Buffer[] }> {
	const submitted = await raw('POST', '/api/v2/statements', { statement: benchQuery(n) });
	if (submitted.status !== 200) throw new Error(`POST answered ${submitted.status}: ${submitted.bytes.toString().slice(0, 300)}`);
	const first = JSON.parse(submitted.bytes.toString('utf8')) as { statementHandle: string; resultSetMetaData: { partitionInfo: unknown[] } };
	const gzipped: Buffer[] = [];
	for (let p = 1; p < first.resultSetMetaData.partitionInfo.length; p++) {
		const part = await raw('GET', `/api/v2/statements/${first.statementHandle}?partition=${p}`);
		if (part.headers['content-encoding'] !== 'gzip') throw new Error(`partition ${p} is not gzip`);
		gzipped.push(part.bytes);
	}
	return { inline: submitted.bytes, gzipped };
}

/** One pass of the floor: JSON.parse of the inline reply, gunzip + UTF-8 + JSON.parse of every partition. */
function floorPass(bytes: { inline: Buffer; gzipped: Buffer[] }): number {
	let count = (JSON.parse(bytes.inline.toString('utf8')) as { data: unknown[] }).data.length;
	for (const part of bytes.gzipped) count += (JSON.parse(gunzipSync(part).toString('utf8')) as { data: unknown[] }).data.length;
	return count;
}

// ------------------------------------------------------------------ phases

async function floor() {
	const bytes = await fetchPartitionBytes(rows);
	floorPass(bytes); // warm-up
	const passes: number[] = [];
	const cpuPasses: number[] = [];
	for (let i = 0; i < 3; i++) {
		collect();
		const cpu = process.cpuUsage();
		const start = performance.now();
		const count = floorPass(bytes);
		passes.push(performance.now() - start);
		const used = process.cpuUsage(cpu);
		cpuPasses.push((used.user + used.system) / 1000);
		if (count !== rows) throw new Error(`floor parsed ${count} rows, expected ${rows}`);
	}
	passes.sort((a, b) => a - b);
	cpuPasses.sort((a, b) => a - b);
	let uncompressed = bytes.inline.length;
	for (const part of bytes.gzipped) uncompressed += gunzipSync(part).length;
	return {
		ms: passes[1],
		cpuMs: cpuPasses[1],
		passesMs: passes,
		partitions: bytes.gzipped.length + 1,
		compressedBytes: bytes.gzipped.reduce((sum, part) => sum + part.length, 0),
		uncompressedBytes: uncompressed,
	};
}

/** The most partitions the untyped client has in flight: the client's default partition concurrency. */
const UNTYPED_CONCURRENCY = 4;

/** Runs `get(1..count-1)` with UNTYPED_CONCURRENCY in flight; resolves with the sum of their row counts. */
async function eachPartition(count: number, get: (partition: number) => Promise<number>): Promise<number> {
	let next = 1;
	let rowsSeen = 0;
	const worker = async () => {
		while (next < count) {
			const seen = await get(next++);
			rowsSeen += seen; // not `rowsSeen += await ...`: that reads rowsSeen before the await
		}
	};
	await Promise.all(Array.from({ length: Math.min(UNTYPED_CONCURRENCY, Math.max(0, count - 1)) }, worker));
	return rowsSeen;
}

interface FirstReply {
	statementHandle: string;
	data: unknown[];
	resultSetMetaData: { partitionInfo?: unknown[] };
}

/** The untyped client over built-in fetch (gzip undone by fetch, `json()`); returns the rows it saw. */
async function untypedFetch(n: number): Promise<number> {
	const headers = async (path: string, extra: Record<string, string> = {}) => {
		const signed = await auth.authenticateRequest(credentials, { url: path, headers: {} });
		return { ...(signed.headers as Record<string, string>), 'Accept-Encoding': 'gzip', ...extra };
	};
	const path = '/api/v2/statements';
	const submitted = await fetch(`${config.url}${path}?requestId=${randomUUID()}`, {
		method: 'POST',
		headers: await headers(path, { 'Content-Type': 'application/json' }),
		body: JSON.stringify({ statement: benchQuery(n) }),
	});
	const first = (await submitted.json()) as FirstReply;
	const statusPath = `${path}/${first.statementHandle}`;
	const count = first.resultSetMetaData.partitionInfo?.length ?? 1;
	return (
		first.data.length +
		(await eachPartition(count, async (partition) => {
			const reply = await fetch(`${config.url}${statusPath}?partition=${partition}`, { headers: await headers(statusPath) });
			return ((await reply.json()) as { data: unknown[] }).data.length;
		}))
	);
}

/** The untyped client over node:http (keep-alive) + zlib's gunzipSync + JSON.parse; returns the rows it saw. */
async function untypedHttp(n: number): Promise<number> {
	const parse = (reply: { headers: Record<string, unknown>; bytes: Buffer }) =>
		JSON.parse((reply.headers['content-encoding'] === 'gzip' ? gunzipSync(reply.bytes) : reply.bytes).toString('utf8')) as unknown;
	const first = parse(await raw('POST', `/api/v2/statements?requestId=${randomUUID()}`, { statement: benchQuery(n) })) as FirstReply;
	const statusPath = `/api/v2/statements/${first.statementHandle}`;
	const count = first.resultSetMetaData.partitionInfo?.length ?? 1;
	return (
		first.data.length +
		(await eachPartition(count, async (partition) => ((parse(await raw('GET', `${statusPath}?partition=${partition}`)) as { data: unknown[] }).data.length)))
	);
}

/**
 * The untyped client floor: what a plain client pays to have the cells over HTTP, nothing decoded or
 * kept. Both plain clients run (after a warm-up of each); the faster one is the floor of this run.
 */
async function untyped() {
	await untypedFetch(Math.min(rows, 10_000));
	await untypedHttp(Math.min(rows, 10_000));
	const runs: Record<string, { ms: number; cpuMs: number }> = {};
	for (const [name, client] of [['fetch', untypedFetch], ['http', untypedHttp]] as const) {
		collect();
		const run = await timed(async () => await client(rows));
		if (run.value !== rows) throw new Error(`the untyped ${name} client saw ${run.value} rows, expected ${rows}`);
		runs[name] = { ms: run.ms, cpuMs: run.cpuMs };
	}
	const fastest = runs.fetch.ms <= runs.http.ms ? 'fetch' : 'http';
	return { ms: runs[fastest].ms, cpuMs: runs[fastest].cpuMs, client: fastest, fetchMs: runs.fetch.ms, httpMs: runs.http.ms };
}

async function fetchDecode() {
	const c = client();
	await c.execute({ statement: benchQuery(Math.min(rows, 10_000)) }); // warm-up: JIT, connections
	const sampler = new MemorySampler();
	const run = await timed(async () => await c.execute({ statement: benchQuery(rows) }));
	const memory = sampler.stop();
	if (run.value.rows.length !== rows) throw new Error(`fetched ${run.value.rows.length} rows, expected ${rows}`);
	return { ms: run.ms, cpuMs: run.cpuMs, partitions: run.value.partitionCount, memory, jsonBytes: jsonBytes(run.value.rows) };
}

/** The Snowflake node with `parameters` over `rows` rows through n8n-core (after a warm-up run), timed and sampled. */
async function timedNodeRun(parameters: Record<string, unknown>) {
	const { runWorkflow, snowflakeWorkflow } = await import('../test/workflows/harness');
	const workflow = (n: number) => snowflakeWorkflow({ operation: 'executeQuery', query: benchQuery(n), ...parameters });
	await runWorkflow(workflow(Math.min(rows, 10_000)), n8nCredentials); // warm-up
	const sampler = new MemorySampler();
	const run = await timed(async () => await runWorkflow(workflow(rows), n8nCredentials));
	const memory = sampler.stop();
	const error = run.value.error();
	if (error) throw error;
	return { ms: run.ms, cpuMs: run.cpuMs, memory, output: run.value.output('Success') };
}

async function node() {
	const { ms, cpuMs, memory, output } = await timedNodeRun({});
	if (output.length !== rows) throw new Error(`the node output ${output.length} items, expected ${rows}`);
	return { ms, cpuMs, memory };
}

/** Execute SQL with Return Results As File (CSV) through n8n-core: the file's bytes and the memory it took. */
async function exportFile() {
	const { ms, cpuMs, memory, output } = await timedNodeRun({ returnAs: 'file', fileFormat: 'csv' });
	const [item] = output;
	if (item?.json.numRows !== rows) throw new Error(`the export says ${String(item?.json.numRows)} rows, expected ${rows}`);
	// n8n's default binary mode keeps the file in the item as base64.
	const fileBytes = Buffer.from(String(item.binary?.data?.data ?? ''), 'base64').length;
	return { ms, cpuMs, memory, fileBytes };
}

/**
 * The export with n8n-core's BinaryDataService in filesystem mode (as n8n runs it by default outside
 * queue mode): the file is written to a temporary directory instead of kept as base64 in the item.
 */
async function exportFileSystem() {
	const { createRequire } = await import('node:module');
	const { mkdtempSync, rmSync } = await import('node:fs');
	const { tmpdir } = await import('node:os');
	const core = await import('n8n-core');
	const { Container } = createRequire(createRequire(import.meta.url).resolve('n8n-core'))('@n8n/di') as typeof import('@n8n/di');
	const service = Container.get(core.BinaryDataService);
	const storage = mkdtempSync(`${tmpdir()}/bench-binary-`);
	const config = (service as unknown as { config: { mode: string; localStoragePath: string } }).config;
	config.mode = 'filesystem';
	config.localStoragePath = storage;
	await service.init();
	try {
		const { ms, cpuMs, memory, output } = await timedNodeRun({ returnAs: 'file', fileFormat: 'csv' });
		const [item] = output;
		if (item?.json.numRows !== rows) throw new Error(`the export says ${String(item?.json.numRows)} rows, expected ${rows}`);
		if (!item.binary?.data?.id) throw new Error('the file was not stored in filesystem mode');
		return { ms, cpuMs, memory, fileBytes: Number(item.binary.data.bytes) };
	} finally {
		rmSync(storage, { recursive: true, force: true });
	}
}

/** `Bearer <jwt>` → `<jwt>`, from a fetch's headers. */
function bearer(init: RequestInit | undefined): string {
	return String((init?.headers as Record<string, string> | undefined)?.Authorization ?? '').replace(/^Bearer /, '');
}

/**
 * JWTs signed, counted as distinct tokens: the real run's on the wire (a fresh instance, so its first request
 * signs), the simulated run's from its requests (the clock moves 7.2 s per request, so every signature differs).
 */
async function signatures() {
	const sent = new Set<string>();
	const recordingFetch: typeof fetch = async (input, init) => {
		sent.add(bearer(init));
		return await fetch(input, init);
	};
	const c = client(createFetchHttp(credentials, { auth: new KeyPairAuth({ now: Date.now }), fetch: recordingFetch }));
	const before = await emulatorStats();
	const run = await timed(async () => {
		for (let i = 0; i < 1000; i++) await c.execute({ statement: 'SELECT 1' });
	});
	const after = await emulatorStats();
	// 1,000 signings spread over 120 simulated minutes (no requests: the emulator would refuse future tokens).
	const start = Date.now();
	let now = start;
	const simulated = new KeyPairAuth({ now: () => now });
	const simulatedTokens = new Set<string>();
	for (let i = 0; i < 1000; i++) {
		now = start + Math.round((i * 120 * 60_000) / 1000);
		const signed = await simulated.authenticateRequest(credentials, { url: '/api/v2/statements' });
		simulatedTokens.add(String(signed.headers.Authorization));
	}
	return {
		requests: totalRequests(after) - totalRequests(before),
		signatures: sent.size,
		distinctJwtsSeen: after.distinctJwts - before.distinctJwts,
		ms: run.ms,
		simulatedMinutes: 120,
		simulatedSignatures: simulatedTokens.size,
	};
}

const INSERT_TABLE = 'BENCH_INSERT';

function insertItems(n: number): Array<Record<string, unknown>> {
	return Array.from({ length: n }, (_, i) => ({
		ID: i + 1,
		AMOUNT: i * 1.25 + 0.5,
		NAME: `name-${i}`,
		ACTIVE: i % 2 === 0,
		NOTE: i % 10 === 9 ? null : `note ${i % 97}`,
	}));
}

async function insert() {
	const { runWorkflow, snowflakeWorkflow } = await import('../test/workflows/harness');
	const c = client();
	await c.execute({ statement: `CREATE OR REPLACE TABLE ${INSERT_TABLE} (ID NUMBER(38, 0), AMOUNT FLOAT, NAME VARCHAR, ACTIVE BOOLEAN, NOTE VARCHAR)` });
	const count = async () => Number((await c.execute({ statement: `SELECT COUNT(*) AS N FROM ${INSERT_TABLE}` })).rows[0].N);
	const truncate = async () => await c.execute({ statement: `TRUNCATE TABLE ${INSERT_TABLE}` });
	const fields = ['ID', 'AMOUNT', 'NAME', 'ACTIVE', 'NOTE'];

	const viaNode = async (n: number) => {
		const items = insertItems(n);
		const before = await emulatorStats();
		const run = await timed(async () =>
			await runWorkflow(snowflakeWorkflow({ operation: 'insert', table: INSERT_TABLE, dataMode: 'autoMapInputData' }, { items: items as IDataObject[] }), n8nCredentials),
		);
		const after = await emulatorStats();
		const error = run.value.error();
		if (error) throw error;
		return { ms: run.ms, requests: totalRequests(after) - totalRequests(before), submits: after.requests.submit - before.requests.submit };
	};
	/** One POST by hand: the whole VALUES list and every binding, the same binding types the node infers. */
	const byHand = async (n: number) => {
		const [bulk] = buildInsert(INSERT_TABLE, fields, insertItems(n), { maxBindings: Number.MAX_SAFE_INTEGER, maxStatementBytes: Number.MAX_SAFE_INTEGER });
		const before = await emulatorStats();
		const run = await timed(async () => {
			const reply = await raw('POST', '/api/v2/statements', { statement: bulk.statement, bindings: bulk.bindings });
			if (reply.status !== 200) throw new Error(`bulk insert answered ${reply.status}: ${reply.bytes.toString().slice(0, 300)}`);
		});
		const after = await emulatorStats();
		return { ms: run.ms, requests: totalRequests(after) - totalRequests(before), bindings: Object.keys(bulk.bindings ?? {}).length };
	};

	// warm-up of both paths
	await viaNode(1000);
	await byHand(1000);
	await truncate();
	const nodeRun = await viaNode(rows);
	const nodeRows = await count();
	await truncate();
	const handRun = await byHand(rows);
	const handRows = await count();
	if (nodeRows !== rows || handRows !== rows) throw new Error(`inserted ${nodeRows} (node) and ${handRows} (by hand) rows, expected ${rows}`);
	return { node: nodeRun, hand: handRun, ratio: nodeRun.ms / handRun.ms };
}

const phases: Record<string, () => Promise<unknown>> = { floor, untyped, fetchDecode, node, export: exportFile, exportFs: exportFileSystem, signatures, insert };

void (async () => {
	try {
		const run = phases[phase];
		if (!run) throw new Error(`unknown phase ${phase}`);
		const value = await run();
		process.send?.({ type: 'result', value });
	} catch (error) {
		process.send?.({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
	}
	agent.destroy();
	setTimeout(() => process.exit(0), 50);
})();
