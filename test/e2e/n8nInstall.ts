/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only code, never shipped */
/**
 * Real n8n installs for the end-to-end tests, kept in a cache folder outside the repository
 * (`$N8N_E2E_CACHE`, else `$XDG_CACHE_HOME/n8n-nodes-snowflake-sql-api`, else `~/.cache/...`), one folder per
 * n8n version. A missing install is made from the npm registry only, with the recipe that works on these
 * machines: `"overrides": {"xlsx": "0.18.5"}` (n8n pins a tarball URL outside the registry), `npm install
 * --ignore-scripts` (no native build of packages n8n never loads here), then `npm rebuild sqlite3` against
 * the headers of the Node the version runs on. The install is built in a side folder and renamed into place
 * when complete, so an interrupted install is never mistaken for a good one.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface N8nTarget {
	/** Label used in test names: 'n8n 1.x' / 'n8n 2.x'. */
	label: string;
	version: string;
	/** Absolute path of the node binary this version runs on. */
	node: string;
	/** Folder with include/node (node-gyp's --nodedir). */
	nodeDir: string;
	/** Extra environment for every n8n command of this version. */
	env: Record<string, string>;
}

export interface N8nInstall extends N8nTarget {
	folder: string;
	/** n8n's bin script (run as `node <bin> ...`). */
	bin: string;
	/** Seconds the install took in this run (0 when it came from the cache). */
	installSeconds: number;
}

const MARKER = '.e2e-install-complete';

export function cacheRoot(): string {
	if (process.env.N8N_E2E_CACHE) return resolve(process.env.N8N_E2E_CACHE);
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-nodes-snowflake-sql-api');
}

/** PATH without the Node 24 that npm scripts put first (node_modules/.bin, .tools/ of scripts/toolchain.mjs). */
function basePath(): string {
	return (process.env.PATH ?? '')
		.split(delimiter)
		.filter((entry) => entry && !entry.includes(join('node_modules', '.bin')) && !entry.startsWith(join(REPO_ROOT, '.tools')))
		.join(delimiter);
}

function nodeMajor(binary: string): number {
	const version = execFileSync(binary, ['-v'], { encoding: 'utf8' }).trim();
	return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

/** The machine's Node 20 (`$N8N_E2E_NODE20` or the first `node` on PATH outside node_modules/.bin and .tools/). */
function machineNode20(): string {
	const candidates = [
		process.env.N8N_E2E_NODE20,
		...basePath()
			.split(delimiter)
			.map((entry) => join(entry, 'node')),
	].filter((candidate): candidate is string => Boolean(candidate) && existsSync(candidate as string));
	for (const candidate of candidates) {
		if (nodeMajor(candidate) === 20) return candidate;
	}
	throw new Error(`No Node 20 binary found (looked at ${candidates.join(', ') || 'nothing'}); set N8N_E2E_NODE20`);
}

/** The two n8n lines the package is proven on (N8N_E2E_V1 / N8N_E2E_V2 override the versions for a trial run). */
export function allTargets(): N8nTarget[] {
	// The pinned Node 24.21.0 (binary and include/node) from the npm registry, installed into .tools/ on first
	// use: the cached n8n 2.x has sqlite3 built against exactly this version.
	const node24 = execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'toolchain.mjs'), '--pinned-node'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	const node20 = machineNode20();
	return [
		{
			label: 'n8n 1.x',
			version: process.env.N8N_E2E_V1 ?? '1.123.81',
			node: node20,
			// Node 20's own headers: /usr/include/node for a packaged Node (the dir above bin/ holds include/).
			nodeDir: resolve(dirname(node20), '..'),
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		},
		{
			label: 'n8n 2.x',
			version: process.env.N8N_E2E_V2 ?? '2.40.7',
			node: node24,
			nodeDir: resolve(dirname(node24), '..'),
			env: {},
		},
	];
}

/** The lines to test: both, or one with N8N_E2E_ONLY=1 or =2 (local iteration; CI runs both). */
export function targets(): N8nTarget[] {
	const only = process.env.N8N_E2E_ONLY;
	return only ? allTargets().filter((target) => target.label === `n8n ${only}.x`) : allTargets();
}

/** Environment running `target.node` first on PATH (also for npm's `#!/usr/bin/env node`). */
export function envFor(target: N8nTarget, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// npm script variables would leak the repository's config (ignore-scripts, prefix, ...) into n8n's npm.
	// Neither vitest's (NODE_ENV=test makes n8n's commands run silently against an in-memory database).
	for (const key of Object.keys(env)) {
		if (/^(npm_|VITEST|NODE_ENV$|NODE_OPTIONS$|TEST$)/i.test(key)) delete env[key];
	}
	env.PATH = [dirname(target.node), basePath()].join(delimiter);
	return { ...env, ...target.env, ...extra };
}

async function run(target: N8nTarget, cwd: string, args: string[], logFile: string): Promise<void> {
	const started = Date.now();
	console.log(`[e2e] ${target.label}: npm ${args.join(' ')}`);
	// JOBS=max: node-gyp compiles sqlite3 on every core.
	const child = spawn('npm', args, { cwd, env: { ...envFor(target), JOBS: 'max' }, stdio: ['ignore', 'pipe', 'pipe'] });
	const output: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), 25 * 60_000);
	const code = await new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', resolve);
	}).finally(() => clearTimeout(timer));
	const seconds = Math.round((Date.now() - started) / 1000);
	const text = Buffer.concat(output).toString('utf8');
	appendFileSync(logFile, `$ npm ${args.join(' ')}  (exit ${code}, ${seconds} s)\n${text}\n`);
	console.log(`[e2e] ${target.label}: npm ${args[0]} ${args[1] ?? ''} done in ${seconds} s`);
	if (code !== 0) {
		throw new Error(`${target.label}: npm ${args.join(' ')} failed (exit ${code}) after ${seconds} s; log: ${logFile}\n${text.slice(-3000)}`);
	}
}

/** Returns the cached install of `target`, installing it first when missing. */
export async function ensureN8n(target: N8nTarget): Promise<N8nInstall> {
	const root = cacheRoot();
	const folder = join(root, `n8n-${target.version}`);
	const bin = join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	if (existsSync(join(folder, MARKER)) && existsSync(bin)) return { ...target, folder, bin, installSeconds: 0 };

	const started = Date.now();
	mkdirSync(root, { recursive: true });
	const partial = `${folder}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	const logFile = join(root, `n8n-${target.version}.install.log`);
	writeFileSync(logFile, `install of n8n ${target.version} with ${target.node}\n`);
	writeFileSync(
		join(partial, 'package.json'),
		`${JSON.stringify(
			{
				name: `n8n-e2e-${target.version}`,
				private: true,
				dependencies: { n8n: target.version },
				overrides: { xlsx: '0.18.5' },
			},
			null,
			2,
		)}\n`,
	);
	// Isolates the install from ~/.npmrc's nodedir and the repository's .npmrc.
	writeFileSync(join(partial, '.npmrc'), `nodedir=${target.nodeDir}\nfund=false\naudit=false\nupdate-notifier=false\n`);
	console.log(`[e2e] installing n8n ${target.version} into ${folder} (log: ${logFile})`);
	await run(target, partial, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], logFile);
	await run(target, partial, ['rebuild', 'sqlite3', `--nodedir=${target.nodeDir}`, '--loglevel=error'], logFile);
	// Proves the native module loads on this Node before the install is accepted.
	const check = spawnSync(target.node, ['-e', "require('sqlite3'); require('n8n/package.json')"], {
		cwd: partial,
		env: envFor(target),
		encoding: 'utf8',
	});
	if (check.status !== 0) throw new Error(`${target.label}: sqlite3 does not load after the rebuild:\n${check.stderr}`);
	writeFileSync(join(partial, MARKER), `${new Date().toISOString()}\n`);
	rmSync(folder, { recursive: true, force: true });
	renameSync(partial, folder);
	const installSeconds = Math.round((Date.now() - started) / 1000);
	console.log(`[e2e] n8n ${target.version} installed in ${installSeconds} s`);
	return { ...target, folder, bin, installSeconds };
}

export const SCANNER_VERSION = '0.32.0';

/**
 * n8n's community-package scanner (`@n8n/scan-community-package`), cached beside the n8n installs. Its CLI
 * only scans packages published with provenance, so the tests call its exported `analyzePackage` with the
 * scanner's own rule set on the local tarball and sources. Returns the path of `scanner/scanner.mjs`.
 */
export async function ensureScanner(target: N8nTarget): Promise<string> {
	const root = cacheRoot();
	const folder = join(root, `scan-community-package-${SCANNER_VERSION}`);
	const scanner = join(folder, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
	if (existsSync(join(folder, MARKER)) && existsSync(scanner)) return scanner;
	mkdirSync(root, { recursive: true });
	const partial = `${folder}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	const logFile = join(root, `scan-community-package-${SCANNER_VERSION}.install.log`);
	writeFileSync(logFile, '');
	writeFileSync(join(partial, 'package.json'), `${JSON.stringify({ name: 'scanner-e2e', private: true, dependencies: { '@n8n/scan-community-package': SCANNER_VERSION } }, null, 2)}\n`);
	await run(target, partial, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], logFile);
	writeFileSync(join(partial, MARKER), `${new Date().toISOString()}\n`);
	rmSync(folder, { recursive: true, force: true });
	renameSync(partial, folder);
	return scanner;
}

/**
 * Everything the e2e tests need, installed concurrently when missing (vitest globalSetup, and
 * `tsx test/e2e/n8nInstall.ts` to warm a machine's cache): both n8n versions and the scanner.
 */
export async function ensureAll(): Promise<N8nInstall[]> {
	const started = Date.now();
	const list = allTargets();
	const [installs] = await Promise.all([Promise.all(targets().map(async (target) => await ensureN8n(target))), ensureScanner(list[list.length - 1])]);
	for (const install of installs) {
		console.log(`[e2e] ${install.label}: n8n ${install.version} on Node ${nodeMajor(install.node)} at ${install.folder} (${install.installSeconds ? `installed in ${install.installSeconds} s` : 'cached'})`);
	}
	console.log(`[e2e] installs ready after ${Math.round((Date.now() - started) / 1000)} s`);
	return installs;
}

if (require.main === module) {
	ensureAll().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
