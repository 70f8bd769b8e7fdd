/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only code, never shipped */
/**
 * `npm run emulator` as a user runs it: a child process that prints where it listens and which key to use,
 * serves requests signed with that key, and stops cleanly on Ctrl-C (SIGINT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

import { generateRsaKeyPair, signJwt, SqlApi } from './harness';

// Node with tsx's loader, not the tsx CLI: that runs the script in a second process and, when the script
// does not confirm a relayed signal within 60 ms (a busy machine), kills it and exits 143.
const tsxLoader = pathToFileURL(join(dirname(createRequire(__filename).resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const children = new Set<ChildProcess>();
/** Waits for a state, not a duration: expect.poll's 1 s default is too short for a child process on a loaded machine. */
const SETTLED = { timeout: 30_000 };
const folders: string[] = [];

interface Started {
	child: ChildProcess;
	output: () => string;
	url: string;
	exited: Promise<number | null>;
}

/**
 * Starts the CLI and resolves once it printed its banner (the line that ends with "Ctrl-C stops the emulator."),
 * which it prints only after its signal handlers are in place.
 */
function startCli(args: string[]): Promise<Started> {
	const child = spawn(process.execPath, ['--import', tsxLoader, join(__dirname, 'cli.ts'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	let output = '';
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
	return new Promise((resolve, reject) => {
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
			const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
			if (url && output.includes('Ctrl-C stops the emulator.')) resolve({ child, output: () => output, url, exited });
		});
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		exited.then((code) => reject(new Error(`CLI exited with ${code} before it was ready:\n${output}`)));
	});
}

afterAll(() => {
	for (const child of children) child.kill('SIGKILL');
	for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('emulator CLI', () => {
	it('generates a key pair, prints how to use it, serves requests and stops on SIGINT', async () => {
		const cli = await startCli([]);
		const privateKeyFile = /private key\s+(\S+)/.exec(cli.output())?.[1] ?? '';
		const publicKeyFile = /public key\s+(\S+)/.exec(cli.output())?.[1] ?? '';
		folders.push(dirname(privateKeyFile));
		expect(cli.output()).toMatch(/Account\s+EMULATOR/);
		expect(cli.output()).toMatch(/User\s+N8N_USER/);
		expect(cli.output()).toContain(`Host         ${cli.url}`);
		expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);

		const key = { privateKeyPem: readFileSync(privateKeyFile, 'utf8'), publicKeyPem: readFileSync(publicKeyFile, 'utf8') };
		const api = new SqlApi(cli.url, await signJwt(key, { account: 'EMULATOR', user: 'N8N_USER' }));
		const response = await api.submit({ statement: 'SELECT 1 AS ONE' });
		expect(response.status).toBe(200);
		expect(response.body.data).toEqual([['1']]);
		await expect.poll(() => cli.output(), SETTLED).toMatch(/POST \/api\/v2\/statements → 200/);

		cli.child.kill('SIGINT');
		expect(await cli.exited).toBe(0);
	});

	it('registers the given public keys for the given account and user, and injects seeded faults', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'emulator-cli-test-'));
		folders.push(folder);
		const [first, second] = [generateRsaKeyPair(), generateRsaKeyPair()];
		writeFileSync(join(folder, 'one.pub'), first.publicKeyPem);
		writeFileSync(join(folder, 'two.pub'), second.publicKeyPem);
		const cli = await startCli([
			'--account', 'ACME', '--user', 'bob',
			'--public-key', join(folder, 'one.pub'), '--public-key', join(folder, 'two.pub'),
			'--faults', '7:1', '--sync-wait-ms', '1000', '--partition-rows', '5',
		]);
		expect(cli.output()).toContain('Fault injection: seed 7, rate 1');
		const api = new SqlApi(cli.url, await signJwt(second, { account: 'ACME', user: 'BOB' }));
		await api.submit({ statement: 'SELECT 1' }).catch(() => undefined);
		await expect.poll(() => cli.output(), SETTLED).toMatch(/POST \/api\/v2\/statements → .*\[fault: \w+\]/);
		cli.child.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
	});

	it('prints a programmatic access token whose expiry and role restriction the flags set, and serves requests with it', async () => {
		const cli = await startCli(['--quiet', '--pat-expiry-days', '2', '--pat-role', 'analyst']);
		const token = /Token\s+(\S+)/.exec(cli.output())?.[1] ?? '';
		expect(token).not.toBe('');
		expect(cli.output()).toMatch(/restricted to role ANALYST/);
		expect(cli.output()).toMatch(/\(expires in 2 days, at \d{4}-\d\d-\d\dT[\d:.]+Z, restricted to role ANALYST\)/);
		const api = new SqlApi(cli.url, token);
		const headers = { 'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN' };
		const allowed = await api.submit({ statement: 'SELECT 1 AS ONE', role: 'ANALYST' }, undefined, { headers });
		expect(allowed.status).toBe(200);
		const refused = await api.submit({ statement: 'SELECT 1 AS ONE', role: 'PUBLIC' }, undefined, { headers });
		expect(refused.status).toBe(422);
		expect(refused.body.code).toBe('390189');
		cli.child.kill('SIGINT');
		expect(await cli.exited).toBe(0);
	});
	it('registers Snowflake OAuth clients given with --oauth-client and authorizes to their redirect URI', async () => {
		const redirect = 'http://localhost:5678/rest/oauth2-credential/callback';
		const cli = await startCli(['--oauth-client', `n8n-client:s3cret:${redirect}`]);
		expect(cli.output()).toContain(
			`Snowflake OAuth client n8n-client (redirect ${redirect}): authorize ${cli.url}/oauth/authorize, token ${cli.url}/oauth/token-request`,
		);
		const authorize = new URL('/oauth/authorize', cli.url);
		for (const [name, value] of Object.entries({ client_id: 'n8n-client', redirect_uri: redirect, response_type: 'code', state: 'xyz' })) {
			authorize.searchParams.set(name, value);
		}
		const response = await fetch(authorize, { redirect: 'manual' });
		expect(response.status).toBe(302);
		expect(response.headers.get('location')).toMatch(/^http:\/\/localhost:5678\/rest\/oauth2-credential\/callback\?code=[\w-]+&state=xyz$/);
		cli.child.kill('SIGTERM');
		expect(await cli.exited).toBe(0);
	});

	it('refuses an --oauth-client without a redirect URI', async () => {
		await expect(startCli(['--oauth-client', 'n8n-client:s3cret'])).rejects.toThrow('--oauth-client expects ID:SECRET:REDIRECT_URI, got "n8n-client:s3cret"');
	});
});
