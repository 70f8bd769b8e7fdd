/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, no-console -- bench code, never shipped; it forks its measurement processes and prints */
/**
 * `npm run bench`: the performance figures of issue 6, each as a ratio to a floor measured in the same
 * run (see bench/README.md for the method). The emulator runs in a child process; every measurement
 * runs in a fresh child process of its own (clean heap, honest RSS). Environment:
 *   BENCH_SIZES=10000,100000,1000000   result sizes (the last one is the headline)
 *   BENCH_REPEATS=3                    runs per size and phase; medians are reported
 *   BENCH_INSERT_ROWS=100000           items of the Insert measurement
 *   BENCH_INSERT_REPEATS=1             runs of the Insert measurement (the emulator's DuckDB makes it slow)
 *   BENCH_PARTITION_ROWS=20000         rows per emulator partition (1M rows → 50 gzip partitions)
 *   BENCH_PROFILE=1                    write .cpuprofile files of the measurements to bench/profiles/
 *   BENCH_ONLY=floor,untyped,...       run only these phases (floor, untyped, fetchDecode, node, export, exportFs, signatures, insert)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const repeats = Number(process.env.BENCH_REPEATS ?? '3');
const insertRows = Number(process.env.BENCH_INSERT_ROWS ?? '100000');
const insertRepeats = Number(process.env.BENCH_INSERT_REPEATS ?? '1');
const profile = process.env.BENCH_PROFILE === '1';
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (phase: string) => !only || only.includes(phase);

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
}

// ------------------------------------------------------------------ the emulator process

const emulatorCalls = new Map<number, Pending>();
let emulatorId = 0;
const emulator: ChildProcess = fork(join(here, 'emulator.ts'), [], {
	execArgv: ['--import', 'tsx', '--max-old-space-size=8192'],
	stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
emulator.on('message', (raw) => {
	const message = raw as { id?: number; ok?: boolean; value?: unknown; error?: string };
	if (message.id === undefined) return;
	const call = emulatorCalls.get(message.id);
	emulatorCalls.delete(message.id);
	if (message.ok) call?.resolve(message.value);
	else call?.reject(new Error(message.error));
});
async function callEmulator(payload: Record<string, unknown>): Promise<unknown> {
	const id = ++emulatorId;
	return await new Promise((resolve, reject) => {
		emulatorCalls.set(id, { resolve, reject });
		emulator.send({ ...payload, id });
	});
}
interface EmulatorStats {
	cpuMs: number;
	postMs: number;
}
const ready = new Promise<Record<string, unknown>>((resolve) => {
	emulator.on('message', (raw) => {
		const message = raw as { type?: string };
		if (message.type === 'ready') resolve(raw as Record<string, unknown>);
	});
});

// ------------------------------------------------------------------ measurement processes

let config = '';

async function measure<T>(phase: string, rows: number): Promise<T & { emulatorCpuMs: number }> {
	const before = (await callEmulator({ type: 'stats' })) as EmulatorStats;
	const execArgv = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=8192'];
	if (profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(here, 'profiles')}`, `--cpu-prof-name=${phase}-${rows}-${Date.now()}.cpuprofile`);
	const child = fork(join(here, 'measure.ts'), [phase, String(rows)], {
		execArgv,
		env: { ...process.env, BENCH_CONFIG: config },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const value = await new Promise<T>((resolve, reject) => {
		child.on('message', (raw) => {
			const message = raw as { type: string; id?: number; payload?: Record<string, unknown>; value?: unknown; error?: string };
			if (message.type === 'emulator' && message.payload) {
				void callEmulator(message.payload).then((value) => child.send({ id: message.id, value }));
			} else if (message.type === 'result') {
				resolve(message.value as T);
			} else if (message.type === 'error') {
				reject(new Error(`${phase} ${rows}: ${message.error}`));
			}
		});
		child.on('exit', (code) => reject(new Error(`${phase} ${rows}: the measurement process exited with ${code}`)));
	});
	const after = (await callEmulator({ type: 'stats' })) as EmulatorStats;
	return { ...value, emulatorCpuMs: Math.round(after.cpuMs - before.cpuMs) };
}

// ------------------------------------------------------------------ figures

interface Memory {
	heapGrowthMB: number;
	peakHeapMB: number;
	peakRssMB: number;
	baseRssMB: number;
	maxRssMB: number;
}
interface Floor {
	ms: number;
	cpuMs: number;
	partitions: number;
	compressedBytes: number;
	uncompressedBytes: number;
}
interface Timed {
	ms: number;
	cpuMs: number;
	memory: Memory;
	emulatorCpuMs: number;
}
/** The untyped client floor: the faster of built-in fetch and node:http + zlib in that process. */
interface Untyped {
	ms: number;
	cpuMs: number;
	client: 'fetch' | 'http';
	fetchMs: number;
	httpMs: number;
	emulatorCpuMs: number;
}
interface FetchDecode extends Timed {
	jsonBytes: number;
	partitions: number;
}

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface SizeRuns {
	rows: number;
	floor: Floor[];
	untyped: Untyped[];
	fetchDecode: FetchDecode[];
	node: Timed[];
	export: Array<Timed & { fileBytes: number }>;
	exportFs: Array<Timed & { fileBytes: number }>;
}

function summarise(size: SizeRuns) {
	const floorMs = median(size.floor.map((run) => run.ms));
	const jsonMB = size.fetchDecode[0] ? size.fetchDecode[0].jsonBytes / 1024 / 1024 : NaN;
	// Without a floor (BENCH_ONLY without floor) the ratios are NaN instead of a crash.
	const floorOf = (i: number): Floor => size.floor[i] ?? size.floor[0] ?? { ms: NaN, cpuMs: NaN, partitions: 0, compressedBytes: 0, uncompressedBytes: 0 };
	const untypedOf = (i: number): { ms: number; cpuMs: number } => size.untyped[i] ?? size.untyped[0] ?? { ms: NaN, cpuMs: NaN };
	const per = (runs: Timed[]) =>
		runs.length === 0
			? undefined
			: {
					ms: round(median(runs.map((run) => run.ms)), 0),
					// each run against the floor of the same repeat
					ratio: round(median(runs.map((run, i) => run.ms / floorOf(i).ms))),
					cpuMs: round(median(runs.map((run) => run.cpuMs)), 0),
					// client CPU time against the floor's CPU time: what the client itself costs, whatever else the machine runs
					cpuRatio: round(median(runs.map((run, i) => run.cpuMs / floorOf(i).cpuMs))),
					// against the untyped client floor of the same repeat (issue 15: the figure of the last line)
					untypedRatio: round(median(runs.map((run, i) => run.ms / untypedOf(i).ms))),
					untypedCpuRatio: round(median(runs.map((run, i) => run.cpuMs / untypedOf(i).cpuMs))),
					emulatorCpuMs: round(median(runs.map((run) => run.emulatorCpuMs)), 0),
					heapGrowthMB: round(median(runs.map((run) => run.memory.heapGrowthMB)), 0),
					peakRssMB: round(median(runs.map((run) => run.memory.peakRssMB)), 0),
					rssGrowthMB: round(median(runs.map((run) => run.memory.peakRssMB - run.memory.baseRssMB)), 0),
					heapRatio: round(median(runs.map((run) => run.memory.heapGrowthMB)) / jsonMB),
					nsPerRow: round((median(runs.map((run) => run.ms)) * 1e6) / size.rows, 0),
				};
	const exported = per(size.export);
	const fileMB = size.export[0] ? size.export[0].fileBytes / 1024 / 1024 : NaN;
	const exportedFs = per(size.exportFs);
	const fsFileMB = size.exportFs[0] ? size.exportFs[0].fileBytes / 1024 / 1024 : NaN;
	return {
		rows: size.rows,
		partitions: size.floor[0]?.partitions,
		compressedMB: size.floor[0] ? round(size.floor[0].compressedBytes / 1024 / 1024, 1) : undefined,
		uncompressedMB: size.floor[0] ? round(size.floor[0].uncompressedBytes / 1024 / 1024, 1) : undefined,
		decodedJsonMB: round(jsonMB, 1),
		floorMs: round(floorMs, 0),
		floorCpuMs: round(median(size.floor.map((run) => run.cpuMs)), 0),
		floorNsPerRow: round((floorMs * 1e6) / size.rows, 0),
		untypedMs: size.untyped.length ? round(median(size.untyped.map((run) => run.ms)), 0) : undefined,
		untypedCpuMs: size.untyped.length ? round(median(size.untyped.map((run) => run.cpuMs)), 0) : undefined,
		untypedClients: size.untyped.map((run) => run.client).join(','),
		untypedFetchMs: size.untyped.length ? round(median(size.untyped.map((run) => run.fetchMs)), 0) : undefined,
		untypedHttpMs: size.untyped.length ? round(median(size.untyped.map((run) => run.httpMs)), 0) : undefined,
		fetchDecode: per(size.fetchDecode),
		node: per(size.node),
		// The export's peak heap is compared with the file it makes (the export heap figure).
		// heapUsed leaves out Buffers and the base64 string n8n keeps (Node makes a string over ~1 MB external): RSS growth counts them.
		export: exported && { ...exported, fileMB: round(fileMB, 1), heapToFile: round(exported.heapGrowthMB / fileMB), rssToFile: round(exported.rssGrowthMB / fileMB) },
		exportFs: exportedFs && { ...exportedFs, fileMB: round(fsFileMB, 1), heapToFile: round(exportedFs.heapGrowthMB / fsFileMB), rssToFile: round(exportedFs.rssGrowthMB / fsFileMB) },
		raw: size,
	};
}

async function main(): Promise<void> {
	const started = new Date();
	const loadAtStart = loadavg().map((n) => round(n));
	const details = await ready;
	config = JSON.stringify(details);
	console.log(
		`bench: Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${round(totalmem() / 2 ** 30, 1)} GiB; ` +
			`emulator in a child process (pid ${emulator.pid}), each measurement in a fresh process; ${repeats} repeat(s), medians.`,
	);
	console.log('bench: with 2 cores the emulator (serving pre-compressed partitions) and the client each get one; the floor runs on one core from memory.');
	console.log(`bench: load average at start ${loadAtStart.join(', ')} (1, 5, 15 min)`);

	const sizeRuns: SizeRuns[] = [];
	for (const rows of sizes) {
		const size: SizeRuns = { rows, floor: [], untyped: [], fetchDecode: [], node: [], export: [], exportFs: [] };
		sizeRuns.push(size);
		for (let r = 0; r < repeats; r++) {
			if (wanted('floor')) size.floor.push(await measure<Floor>('floor', rows));
			if (wanted('untyped')) size.untyped.push(await measure<Untyped>('untyped', rows));
			if (wanted('fetchDecode')) size.fetchDecode.push(await measure<FetchDecode>('fetchDecode', rows));
			if (wanted('node')) size.node.push(await measure<Timed>('node', rows));
			if (wanted('export')) size.export.push(await measure<Timed & { fileBytes: number }>('export', rows));
			if (wanted('exportFs')) size.exportFs.push(await measure<Timed & { fileBytes: number }>('exportFs', rows));
			const last = (runs: Array<{ ms: number }>) => (runs.length ? `${round(runs[runs.length - 1].ms, 0)} ms` : '-');
			console.log(`  ${rows} rows, run ${r + 1}: floor ${last(size.floor)}, untyped ${last(size.untyped)}, fetch+decode ${last(size.fetchDecode)}, node ${last(size.node)}, export ${last(size.export)}, export fs ${last(size.exportFs)}`);
		}
	}
	const signatures = wanted('signatures') ? await measure<Record<string, number>>('signatures', 1000) : undefined;
	const insertRuns: Array<{ ratio: number; node: { ms: number; requests: number; submits: number }; hand: { ms: number; requests: number; bindings: number } }> = [];
	if (wanted('insert')) {
		for (let r = 0; r < insertRepeats; r++) insertRuns.push(await measure('insert', insertRows));
	}

	const summaries = sizeRuns.map(summarise);
	const head = summaries[summaries.length - 1];
	const insert = insertRuns.length
		? {
				rows: insertRows,
				nodeMs: round(median(insertRuns.map((run) => run.node.ms)), 0),
				handMs: round(median(insertRuns.map((run) => run.hand.ms)), 0),
				ratio: round(median(insertRuns.map((run) => run.ratio))),
				nodeRequests: insertRuns[0].node.requests,
				nodeSubmits: insertRuns[0].node.submits,
				handRequests: insertRuns[0].hand.requests,
				bindings: insertRuns[0].hand.bindings,
				raw: insertRuns,
			}
		: undefined;

	// ---------------------------------------------------------------- table
	const rowsOut: string[][] = [['figure', ...summaries.map((s) => `${s.rows.toLocaleString('en')} rows`), 'goal']];
	const line = (label: string, values: Array<string | number | undefined>, goal = '') =>
		rowsOut.push([label, ...values.map((v) => (v === undefined || Number.isNaN(v) ? '-' : String(v))), goal]);
	line('partitions (gzip + inline)', summaries.map((s) => s.partitions));
	line('partition bytes gzip / plain MB', summaries.map((s) => `${s.compressedMB} / ${s.uncompressedMB}`));
	line('decoded rows JSON MB', summaries.map((s) => s.decodedJsonMB));
	line('1 floor: gunzip+JSON.parse ms (CPU ms)', summaries.map((s) => `${s.floorMs} (${s.floorCpuMs})`));
	line('  floor ns/row', summaries.map((s) => s.floorNsPerRow));
	line('1b untyped client floor ms (CPU ms)', summaries.map((s) => s.untypedMs === undefined ? undefined : `${s.untypedMs} (${s.untypedCpuMs})`));
	line('  fetch / node:http+zlib ms', summaries.map((s) => s.untypedMs === undefined ? undefined : `${s.untypedFetchMs} / ${s.untypedHttpMs}`));
	line('2 fetch+decode ms', summaries.map((s) => s.fetchDecode?.ms));
	line('  ratio to untyped (wall)', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.untypedRatio}x`), '<= 1.0x');
	line('  ratio to untyped (client CPU)', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.untypedCpuRatio}x`));
	line('  ratio to floor (wall)', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.ratio}x`), '<= 1.5x');
	line('  ratio to floor (client CPU)', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.cpuRatio}x`), '<= 1.5x');
	line('  client CPU ms / emulator CPU ms', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.cpuMs} / ${s.fetchDecode.emulatorCpuMs}`));
	line('  ns/row (7: scaling)', summaries.map((s) => s.fetchDecode?.nsPerRow));
	line('  untyped client floor ns/row', summaries.map((s) => (s.untypedMs === undefined ? undefined : round((s.untypedMs * 1e6) / s.rows, 0))));
	line('3 node items ms', summaries.map((s) => s.node?.ms));
	line('  ratio to untyped (wall)', summaries.map((s) => s.node && `${s.node.untypedRatio}x`), '<= 1.3x');
	line('  ratio to untyped (client CPU)', summaries.map((s) => s.node && `${s.node.untypedCpuRatio}x`));
	line('  ratio to floor (wall)', summaries.map((s) => s.node && `${s.node.ratio}x`), '<= 2.5x');
	line('  ratio to floor (client CPU)', summaries.map((s) => s.node && `${s.node.cpuRatio}x`), '<= 2.5x');
	line('  client CPU ms / emulator CPU ms', summaries.map((s) => s.node && `${s.node.cpuMs} / ${s.node.emulatorCpuMs}`));
	line('  ns/row (7: scaling)', summaries.map((s) => s.node?.nsPerRow));
	line('4 heap growth MB fetch+decode', summaries.map((s) => s.fetchDecode && `${s.fetchDecode.heapGrowthMB} (${s.fetchDecode.heapRatio}x)`), '<= 3x JSON');
	line('  heap growth MB node', summaries.map((s) => s.node && `${s.node.heapGrowthMB} (${s.node.heapRatio}x)`), '<= 2x JSON');
	line('  peak RSS MB fetch+decode / node', summaries.map((s) => `${s.fetchDecode?.peakRssMB ?? '-'} / ${s.node?.peakRssMB ?? '-'}`));
	line('  RSS growth MB fetch+decode / node', summaries.map((s) => `${s.fetchDecode?.rssGrowthMB ?? '-'} / ${s.node?.rssGrowthMB ?? '-'}`));
	line('8 export to CSV ms', summaries.map((s) => s.export?.ms));
	line('  ratio to untyped (wall)', summaries.map((s) => s.export && `${s.export.untypedRatio}x`), '<= 1.0x');
	line('  ratio to untyped (client CPU)', summaries.map((s) => s.export && `${s.export.untypedCpuRatio}x`));
	line('  client CPU ms / emulator CPU ms', summaries.map((s) => s.export && `${s.export.cpuMs} / ${s.export.emulatorCpuMs}`));
	line('  ns/row (7: scaling)', summaries.map((s) => s.export?.nsPerRow));
	line('  file MB / heap growth MB', summaries.map((s) => s.export && `${s.export.fileMB} / ${s.export.heapGrowthMB} (${s.export.heapToFile}x)`), '<= 1.2x file');
	line('  RSS growth MB (x file)', summaries.map((s) => s.export && `${s.export.rssGrowthMB} (${s.export.rssToFile}x)`));
	line('8b export, filesystem binary mode ms', summaries.map((s) => s.exportFs?.ms));
	line('  ratio to untyped (wall)', summaries.map((s) => s.exportFs && `${s.exportFs.untypedRatio}x`));
	line('  heap growth MB (x file)', summaries.map((s) => s.exportFs && `${s.exportFs.heapGrowthMB} (${s.exportFs.heapToFile}x)`), 'a few partitions');
	line('  RSS growth MB (x file)', summaries.map((s) => s.exportFs && `${s.exportFs.rssGrowthMB} (${s.exportFs.rssToFile}x)`));
	const widths = rowsOut[0].map((_, c) => Math.max(...rowsOut.map((r) => r[c].length)));
	console.log('');
	for (const [i, r] of rowsOut.entries()) {
		console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
		if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	}
	console.log('');
	if (signatures) {
		console.log(
			`5 JWT signatures: ${signatures.signatures} during ${signatures.requests} requests with one credential (emulator saw ${signatures.distinctJwtsSeen} distinct token(s)); ` +
				`${signatures.simulatedSignatures} over ${signatures.simulatedMinutes} simulated minutes of signing (goal: 1 per ~55 min)`,
		);
	}
	if (insert) {
		console.log(
			`6 Insert ${insert.rows.toLocaleString('en')} items: node ${insert.nodeMs} ms in ${insert.nodeSubmits} statement(s) / ${insert.nodeRequests} request(s); ` +
				`one hand-written bulk request ${insert.handMs} ms (${insert.bindings.toLocaleString('en')} bindings, ${insert.handRequests} request); ratio ${insert.ratio}x (goal <= 2x)`,
		);
	}

	const loadAtEnd = loadavg().map((n) => round(n));
	console.log(`bench: load average at end ${loadAtEnd.join(', ')} (1, 5, 15 min)`);
	const result = {
		date: started.toISOString(),
		load: { start: loadAtStart, end: loadAtEnd },
		node: process.version,
		cores: availableParallelism(),
		cpu: cpus()[0]?.model,
		repeats,
		sizes: summaries,
		signatures,
		insert,
	};
	const dir = join(here, 'results');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, `${JSON.stringify(result, null, '\t')}\n`);
	console.log(`bench: saved ${file}`);
	const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : String(n));
	console.log(
		`bench: against the in-memory floor: fetch+decode ${fmt(head?.fetchDecode?.ratio)}x, node ${fmt(head?.node?.ratio)}x (wall); ` +
			`client CPU against the untyped client: fetch+decode ${fmt(head?.fetchDecode?.untypedCpuRatio)}x, node ${fmt(head?.node?.untypedCpuRatio)}x`,
	);
	// heap: node items over the decoded rows' JSON; export heap: the export's peak heap over the file's size.
	console.log(
		`bench: fetch+decode ${fmt(head?.fetchDecode?.untypedRatio)}x untyped, node ${fmt(head?.node?.untypedRatio)}x untyped, export ${fmt(head?.export?.untypedRatio)}x untyped, heap ${fmt(head?.node?.heapRatio)}x, export heap ${fmt(head?.export?.heapToFile)}x, signatures ${fmt(signatures?.signatures)}`,
	);
}

main()
	.catch((error) => {
		console.error(error);
		process.exitCode = 1;
	})
	.finally(() => {
		void callEmulator({ type: 'stop' }).catch(() => undefined);
		setTimeout(() => emulator.kill(), 2000).unref();
	});
