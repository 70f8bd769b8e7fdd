#!/usr/bin/env node
/**
 * Runs a development command on a Node new enough for the toolchain (vitest 5 needs Node >= 22.12):
 *
 *   node scripts/toolchain.mjs vitest run        the running Node when it is new enough, else the pinned one
 *                                                (or, when the registry lacks it for this platform, its newest Node >= 22.12)
 *   node scripts/toolchain.mjs --pinned-node     prints the pinned Node's binary (the e2e runs n8n 2.x on it)
 *
 * The pinned Node comes from the npm registry's node-<platform>-<arch> packages, installed once into the
 * git-ignored .tools/ by npm itself (so the user's registry, proxy and certificate settings apply), with
 * --ignore-scripts. Plain Node >= 18, no dependencies: it runs before anything else can.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED_NODE_VERSION = '24.21.0';
/** The oldest Node the toolchain runs on (vitest 5). */
export const TOOLCHAIN_NODE = { major: 22, minor: 12 };

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS_FOLDER = path.join(REPO_ROOT, '.tools');
const PACKAGE_OS = { linux: 'linux', darwin: 'darwin', win32: 'win' };
const PACKAGE_CPUS = ['x64', 'arm64'];

function pathModule(platform) {
	return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * The registry package holding Node's binary for a platform, or undefined when there is none. Paths are
 * relative to the package folder: bin/node with include/node (node-gyp's --nodedir) on Linux and macOS;
 * the Windows packages carry bin/node.exe only.
 */
export function nodePackage(platform, arch, version = PINNED_NODE_VERSION) {
	const os = PACKAGE_OS[platform];
	if (!os || !PACKAGE_CPUS.includes(arch)) return undefined;
	const { join } = pathModule(platform);
	const windows = platform === 'win32';
	return {
		name: `node-${os}-${arch}`,
		spec: `node-${os}-${arch}@${version}`,
		binary: windows ? join('bin', 'node.exe') : join('bin', 'node'),
		headers: windows ? undefined : join('include', 'node'),
	};
}

/** Where the package's files are once npm installed it with `--prefix prefix`. */
export function installLayout(prefix, platform, pkg) {
	const { join, dirname } = pathModule(platform);
	const packageFolder = join(prefix, 'node_modules', pkg.name);
	const node = join(packageFolder, pkg.binary);
	return { prefix, packageFolder, node, binFolder: dirname(node) };
}

/** Orders `24.9.0` before `24.21.0` (numerically, by major, minor and patch). */
function compareVersions(a, b) {
	const [pa, pb] = [a, b].map((version) => version.replace(/^v/, '').split('.').map(Number));
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
	return 0;
}

/**
 * The newest release among `versions` that the toolchain runs on, preferring the pinned major (the one the
 * project is tested on), or undefined.
 */
export function newestUsable(versions, preferMajor = Number(PINNED_NODE_VERSION.split('.')[0])) {
	const usable = versions.filter((version) => /^\d+\.\d+\.\d+$/.test(version) && isAtLeast(version)).sort(compareVersions);
	const sameMajor = usable.filter((version) => Number(version.split('.')[0]) === preferMajor);
	return (sameMajor.length > 0 ? sameMajor : usable).at(-1);
}

/** Whether a version string (`v20.20.2`, `24.21.0`) is at least `need`. */
export function isAtLeast(version, need = TOOLCHAIN_NODE) {
	const match = /^v?(\d+)\.(\d+)\.\d+/.exec(version);
	if (!match) return false;
	const [major, minor] = [Number(match[1]), Number(match[2])];
	return major > need.major || (major === need.major && minor >= need.minor);
}

/**
 * A copy of `env` with `folder` first on PATH. Windows spells the variable `Path` and separates with `;`:
 * the existing key is reused so the child does not get two PATH variables.
 */
export function envWithFirstOnPath(env, folder, platform) {
	const { delimiter } = pathModule(platform);
	const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH';
	const rest = (env[key] ?? '').split(delimiter).filter((entry) => entry && entry !== folder);
	return { ...env, [key]: [folder, ...rest].join(delimiter) };
}

/** One cmd.exe command line: Windows runs `vitest`, `tsx`, `n8n-node` through their `.cmd` shims. */
export function windowsCommandLine(command, args) {
	return [command, ...args].map((word) => (/^[\w./:=@\\-]+$/.test(word) ? word : `"${word.replace(/"/g, '""')}"`)).join(' ');
}

/**
 * How to start npm: the npm running this script (npm scripts set npm_execpath) with this Node, else `npm`
 * from PATH (through the shell on Windows, where it is npm.cmd).
 */
export function npmInvocation(env, execPath, platform) {
	const cli = env.npm_execpath;
	if (cli && /npm-cli\.c?js$/.test(cli)) return { command: execPath, args: [cli], shell: false };
	return { command: 'npm', args: [], shell: platform === 'win32' };
}

/** What to do when the toolchain cannot get a Node: one line. */
function giveUp(reason) {
	console.error(`toolchain: ${reason}; install Node >= ${TOOLCHAIN_NODE.major}.${TOOLCHAIN_NODE.minor} (https://nodejs.org) and run again.`);
	process.exit(1);
}

/** The versions of the platform's Node package on the npm registry (empty when npm cannot say). */
function registryVersions(pkg) {
	const npm = npmInvocation(process.env, process.execPath, process.platform);
	const args = [...npm.args, 'view', pkg.name, 'versions', '--json', '--loglevel=error'];
	const view = npm.shell ? spawnSync(windowsCommandLine(npm.command, args), { encoding: 'utf8', shell: true }) : spawnSync(npm.command, args, { encoding: 'utf8' });
	try {
		const versions = JSON.parse(view.stdout);
		return Array.isArray(versions) ? versions.filter((version) => typeof version === 'string') : [];
	} catch {
		return [];
	}
}

/**
 * A Node for the toolchain: the pinned one, or, when `fallback` allows and the registry has no pinned build
 * for this platform, the newest usable one it has. Installed into .tools/ on first use; returns its layout.
 */
function ensureToolchainNode(fallback) {
	const pinned = nodePackage(process.platform, process.arch);
	if (!pinned) giveUp(`the npm registry has no Node package for ${process.platform}-${process.arch}`);
	const pinnedLayout = ensureNode(pinned, PINNED_NODE_VERSION, fallback);
	if (pinnedLayout) return pinnedLayout;
	const version = newestUsable(registryVersions(pinned));
	if (!version) giveUp(`could not install ${pinned.spec} nor find another ${pinned.name} of Node >= ${TOOLCHAIN_NODE.major}.${TOOLCHAIN_NODE.minor} on the npm registry (offline? npm's output: .tools/install.log)`);
	console.error(`toolchain: ${pinned.spec} is not on the registry; using ${pinned.name}@${version}`);
	return ensureNode(nodePackage(process.platform, process.arch, version), version, false);
}

/** `pkg` installed into .tools/ (once). On failure: undefined when `quiet`, else the one-line hint and exit. */
function ensureNode(pkg, version, quiet) {
	const layout = installLayout(path.join(TOOLS_FOLDER, `node-${version}-${process.platform}-${process.arch}`), process.platform, pkg);
	if (existsSync(layout.node)) return layout;

	console.error(`toolchain: installing ${pkg.spec} from the npm registry into .tools/ (once, about 50 MB)`);
	// Built beside its final place and renamed when it runs, so an interrupted install is never used.
	const partial = `${layout.prefix}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	mkdirSync(partial, { recursive: true });
	writeFileSync(path.join(partial, 'package.json'), '{ "private": true }\n');
	const npm = npmInvocation(process.env, process.execPath, process.platform);
	const args = [...npm.args, 'install', pkg.spec, '--prefix', partial, '--ignore-scripts', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error'];
	// The environment as it is: npm settings given as npm_config_* variables (registry, proxy) apply too.
	const install = npm.shell
		? spawnSync(windowsCommandLine(npm.command, args), { encoding: 'utf8', shell: true })
		: spawnSync(npm.command, args, { encoding: 'utf8' });
	const partialNode = installLayout(partial, process.platform, pkg).node;
	const check = existsSync(partialNode) ? spawnSync(partialNode, ['--version'], { encoding: 'utf8' }) : undefined;
	if (install.status !== 0 || check?.stdout?.trim() !== `v${version}`) {
		const log = path.join(TOOLS_FOLDER, 'install.log');
		writeFileSync(log, `${install.error?.message ?? ''}${install.stdout ?? ''}${install.stderr ?? ''}${check?.stderr ?? ''}`);
		rmSync(partial, { recursive: true, force: true });
		if (quiet) return undefined;
		giveUp(`could not install ${pkg.spec} from the npm registry (offline, or no such version for this platform? npm's output: .tools/install.log)`);
	}
	try {
		renameSync(partial, layout.prefix);
	} catch (error) {
		// Another command installed it at the same time: keep theirs.
		rmSync(partial, { recursive: true, force: true });
		if (!existsSync(layout.node)) throw error;
	}
	return layout;
}

/** Runs the command and exits as it did (signals included). */
function run(command, args, env) {
	const child =
		process.platform === 'win32'
			? spawn(windowsCommandLine(command, args), { env, stdio: 'inherit', shell: true })
			: spawn(command, args, { env, stdio: 'inherit' });
	// Ctrl-C reaches the child from the terminal already; a SIGTERM or SIGHUP sent to this process is passed on.
	const handlers = { SIGINT: () => {}, SIGTERM: () => child.kill('SIGTERM'), SIGHUP: () => child.kill('SIGHUP') };
	for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
	child.on('error', (error) => {
		console.error(`toolchain: cannot start ${command}: ${error.message}`);
		process.exit(127);
	});
	child.on('exit', (code, signal) => {
		if (signal) {
			for (const [name, handler] of Object.entries(handlers)) process.removeListener(name, handler);
			process.kill(process.pid, signal);
		} else process.exit(code ?? 1);
	});
}

function main(argv) {
	if (argv[0] === '--pinned-node') {
		// The e2e rebuilds sqlite3 against this exact Node: no fallback.
		console.log(ensureToolchainNode(false).node);
		return;
	}
	if (argv.length === 0) giveUp('usage: node scripts/toolchain.mjs <command> [args...]');
	const [command, ...args] = argv;
	if (isAtLeast(process.version)) {
		run(command, args, process.env);
		return;
	}
	const layout = ensureToolchainNode(true);
	run(command, args, envWithFirstOnPath(process.env, layout.binFolder, process.platform));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));

