/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets -- test-only code, never shipped */
/**
 * The package the way users get it, in a real n8n: `npm pack` of the built repository, installed with
 * `npm install <tarball> --legacy-peer-deps` into `<N8N_USER_FOLDER>/.n8n/nodes` (n8n's manual-install
 * folder for community packages; node type `n8n-nodes-snowflake-sql-api.snowflakeSqlApi`), then n8n's own
 * command line: `import:credentials`, `import:workflow` and `execute --id --rawOutput`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { envFor, REPO_ROOT, type N8nInstall } from './n8nInstall';

export const PACKAGE_NAME = 'n8n-nodes-snowflake-sql-api';

export interface PackedPackage {
	/** Temp folder holding the tarball and its unpacked copy (remove when done). */
	folder: string;
	tarball: string;
	/** The tarball unpacked (`package/`): exactly the shipped files. */
	unpacked: string;
	/** Paths inside the tarball. */
	files: string[];
}

/** `npm pack` of the repository as it is built now (run `npm run build` first). */
export function packPackage(): PackedPackage {
	const folder = mkdtempSync(join(tmpdir(), 'snowflake-e2e-pack-'));
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
	const output = execFileSync('npm', ['pack', '--json', '--pack-destination', folder], { cwd: REPO_ROOT, env, encoding: 'utf8' });
	const [info] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
	const tarball = join(folder, info.filename);
	execFileSync('tar', ['-xzf', tarball, '-C', folder]);
	return { folder, tarball, unpacked: join(folder, 'package'), files: info.files.map((file) => file.path).sort() };
}

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface N8nUser {
	install: N8nInstall;
	folder: string;
	env: NodeJS.ProcessEnv;
	n8n(args: string[], timeoutMs?: number): Promise<CommandResult>;
	/** Deletes the user folder (database, imported credential, installed package). */
	remove(): void;
}

/** Environment of every n8n command: own user folder, no telemetry or outside calls, logs at info (rawOutput needs it). */
export function n8nEnvironment(install: N8nInstall, userFolder: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return envFor(install, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-a-secret',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_ENABLED: 'false',
		DB_SQLITE_POOL_SIZE: '1',
		NO_COLOR: '1',
		...extra,
	});
}

export function runCommand(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
		});
	});
}

/** A fresh N8N_USER_FOLDER with the packed package installed as a user would (`.n8n/nodes`). */
export async function createUser(install: N8nInstall, pack: PackedPackage): Promise<N8nUser> {
	const folder = mkdtempSync(join(tmpdir(), `snowflake-e2e-n8n-${install.version}-`));
	const nodesFolder = join(folder, '.n8n', 'nodes');
	mkdirSync(nodesFolder, { recursive: true });
	writeFileSync(join(nodesFolder, 'package.json'), `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`);
	const npmEnv = envFor(install);
	const installed = await runCommand('npm', ['install', pack.tarball, '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: nodesFolder,
		env: npmEnv,
		timeoutMs: 120_000,
	});
	if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stderr}`);
	const shipped = readdirSync(join(nodesFolder, 'node_modules', PACKAGE_NAME));
	if (!shipped.includes('dist')) throw new Error(`the installed package has no dist/: ${shipped.join(', ')}`);
	const env = n8nEnvironment(install, folder);
	return {
		install,
		folder,
		env,
		n8n: async (args, timeoutMs = 180_000) => await runCommand(install.node, [install.bin, ...args], { cwd: folder, env, timeoutMs }),
		remove: () => rmSync(folder, { recursive: true, force: true }),
	};
}

/** Everything of a command's output, for failure messages (tail only, logs can be long). */
export function describeCommand(result: CommandResult, limit = 6000): string {
	const text = `exit ${result.code} after ${result.ms} ms\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
	return text.length > limit ? `…${text.slice(-limit)}` : text;
}

/**
 * The IRun JSON `execute --rawOutput` prints after n8n's log lines: the last line that is just `{`
 * starts it (pretty-printed, two spaces).
 */
export function parseRawOutput(stdout: string): RawRun {
	const lines = stdout.split('\n');
	for (let start = lines.length - 1; start >= 0; start--) {
		if (lines[start] !== '{') continue;
		for (let end = lines.length; end > start; end--) {
			const candidate = lines.slice(start, end).join('\n');
			if (!candidate.trimEnd().endsWith('}')) continue;
			try {
				return JSON.parse(candidate) as RawRun;
			} catch {
				// a log line after the JSON: try a shorter slice
			}
		}
	}
	throw new Error('no JSON run data found in the output of n8n execute --rawOutput');
}

export interface RawItem {
	json: Record<string, unknown>;
	pairedItem?: unknown;
}

export interface RawRun {
	status?: string;
	finished?: boolean;
	data: {
		resultData: {
			error?: { message?: string; description?: string };
			runData: Record<string, Array<{ data?: { main?: Array<RawItem[] | null> }; error?: { message?: string } }>>;
			lastNodeExecuted?: string;
		};
	};
}

/** Items a node put on one output in its first (only) run. */
export function nodeOutput(run: RawRun, node: string, output = 0): RawItem[] {
	const runs = run.data.resultData.runData[node];
	if (!runs) throw new Error(`node "${node}" did not run; ran: ${Object.keys(run.data.resultData.runData).join(', ')}`);
	return runs[0]?.data?.main?.[output] ?? [];
}

/** A free TCP port on loopback, for `n8n start`. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

export interface RunningN8n {
	url: string;
	child: ChildProcess;
	/** Everything n8n printed so far. */
	logs: string[];
	/** SIGTERM, SIGKILL after 15 s; resolves once it exited. */
	stop(): Promise<void>;
}

/** `n8n start` on a free loopback port for `user`; with `ready`, waits until `/healthz/readiness` answers. */
export async function startN8n(user: N8nUser, options: { ready: boolean; env?: Record<string, string> }): Promise<RunningN8n> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	// 2.x opens its task broker (5679 by default) even with runners off: a free port, so two n8n can run at once.
	const env = n8nEnvironment(user.install, user.folder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_EDITOR_BASE_URL: url,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...options.env,
	});
	const child = spawn(user.install.node, [user.install.bin, 'start'], { cwd: user.folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
	const logs: string[] = [];
	child.stdout.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
	child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
	const stop = async () => {
		// An n8n that already exited sends no 'exit' event to wait for.
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.on('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
		await exited;
		clearTimeout(timer);
	};
	const deadline = Date.now() + 180_000;
	while (options.ready) {
		if (child.exitCode !== null) throw new Error(`n8n start exited with ${child.exitCode}:\n${logs.join('').slice(-4000)}`);
		try {
			if ((await fetch(`${url}/healthz/readiness`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n did not become ready within 180 s:\n${logs.join('').slice(-4000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return { url, child, logs, stop };
}
