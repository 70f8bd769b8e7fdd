/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only code, never shipped */
/**
 * The parts of the live runner that must work without an account: the one-line hint (exit 0), the
 * configuration rules, and what `--record` writes (redacted, decompressed, dropped answers marked). The
 * scenarios themselves run against the emulator in .ci/run (`npm run test:live`), not here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterEach, describe, expect, it } from 'vitest';

import { HINT, isEmulatorHost, readLiveConfig } from './config';
import { startLiveProxy, type LiveProxy } from './proxy';
import { mangledToken, Redactor } from './redact';

const ROOT = join(__dirname, '..', '..');
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

function runner(env: Record<string, string>) {
	const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SNOWFLAKE_')));
	return spawnSync(process.execPath, [tsxCli, 'test/live/run.ts'], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('npm run test:live without an account', () => {
	it('prints one line saying what to set and exits 0', () => {
		const result = runner({});
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(`${HINT}\n`);
		expect(result.stderr).toBe('');
	});

	it('names what is missing when only part is set, and exits 2 (a half-configured run is no success)', () => {
		const result = runner({ SNOWFLAKE_ACCOUNT: 'myorg-myaccount', SNOWFLAKE_USER: 'ME' });
		expect(result.status).toBe(2);
		expect(result.stdout).toBe('live: not run; also set SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_PATH, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE (README: Confirm against your account)\n');
	});
});

describe('readLiveConfig', () => {
	const full = { SNOWFLAKE_ACCOUNT: ' myorg-myaccount ', SNOWFLAKE_USER: 'me', SNOWFLAKE_PRIVATE_KEY: 'PEM', SNOWFLAKE_WAREHOUSE: 'WH', SNOWFLAKE_DATABASE: 'DB' };

	it('reads the variables, optional ones empty', () => {
		expect(readLiveConfig(full)).toEqual({
			ok: true,
			config: {
				account: 'myorg-myaccount',
				user: 'me',
				privateKey: 'PEM',
				privateKeyPassphrase: '',
				role: '',
				warehouse: 'WH',
				database: 'DB',
				host: '',
				pat: '',
				patUser: 'me',
				patRoleRestriction: '',
				oauthToken: '',
			},
		});
	});

	it('reads the token variables: trimmed, the token of SNOWFLAKE_USER unless SNOWFLAKE_PAT_USER names another', () => {
		const pat = `pat-${'a'.repeat(40)}`;
		const oauthToken = `ver:1-hint:1234567-${'b'.repeat(40)}`;
		const withTokens = readLiveConfig({ ...full, SNOWFLAKE_PAT: ` ${pat}\n`, SNOWFLAKE_PAT_ROLE_RESTRICTION: ' N8N_ROLE ', SNOWFLAKE_OAUTH_TOKEN: `${oauthToken}\n` });
		expect(withTokens.ok && withTokens.config).toMatchObject({ pat, patUser: 'me', patRoleRestriction: 'N8N_ROLE', oauthToken });
		const otherUser = readLiveConfig({ ...full, SNOWFLAKE_PAT: pat, SNOWFLAKE_PAT_USER: ' SVC_N8N ' });
		expect(otherUser.ok && otherUser.config).toMatchObject({ pat, patUser: 'SVC_N8N', patRoleRestriction: '' });
	});

	it('refuses facts about a token without the token (a half-configured run, exit 2, not a quiet skip)', () => {
		expect(readLiveConfig({ ...full, SNOWFLAKE_PAT_USER: 'SVC_N8N', SNOWFLAKE_PAT_ROLE_RESTRICTION: 'N8N_ROLE' })).toEqual({
			ok: false,
			partial: true,
			message: 'live: not run; SNOWFLAKE_PAT_USER and SNOWFLAKE_PAT_ROLE_RESTRICTION describe a token: also set SNOWFLAKE_PAT (README: Confirm against your account)',
		});
	});

	it('reads the key from SNOWFLAKE_PRIVATE_KEY_PATH, and says so when it cannot', () => {
		const dir = mkdtempSync(join(tmpdir(), 'live-config-'));
		try {
			expect(readLiveConfig({ ...full, SNOWFLAKE_PRIVATE_KEY: '', SNOWFLAKE_PRIVATE_KEY_PATH: join(dir, 'missing.p8') })).toEqual({
				ok: false,
				partial: true,
				message: `live: not run; SNOWFLAKE_PRIVATE_KEY_PATH ${join(dir, 'missing.p8')} cannot be read (ENOENT)`,
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('treats loopback hosts as the emulator, Snowflake hosts not', () => {
		expect(isEmulatorHost('http://127.0.0.1:8787')).toBe(true);
		expect(isEmulatorHost('http://localhost:1')).toBe(true);
		expect(isEmulatorHost('https://myorg-myaccount.snowflakecomputing.com')).toBe(false);
	});
});

describe('Redactor', () => {
	it('hides JWTs, statement handles (consistently) and the account, user and host names', () => {
		const redactor = new Redactor({ host: 'myorg-myaccount.snowflakecomputing.com', account: 'myorg-myaccount', user: 'ME_USER' });
		const handle = '01b2c3d4-0000-1a2b-0000-00012a3b4c5d';
		const text = JSON.stringify({
			statementHandle: handle,
			statementStatusUrl: `/api/v2/statements/${handle}?requestId=0f0e0d0c-1111-4222-8333-444455556666`,
			message: 'Token eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJYIn0.c2lnbmF0dXJl refused for ME_USER at MYORG-MYACCOUNT.snowflakecomputing.com',
		});
		expect(JSON.parse(redactor.redact(text))).toEqual({
			statementHandle: '<handle-1>',
			statementStatusUrl: '/api/v2/statements/<handle-1>?requestId=<handle-2>',
			message: 'Token <jwt> refused for <user> at <host>',
		});
		expect(redactor.redact(handle.toUpperCase())).toBe('<handle-1>');
	});

	// Shaped like the emulator's and Snowflake OAuth's tokens (nothing marks them as tokens), made up here.
	const pat = `emulator-pat-${'Q7vX2mKp9'.repeat(7)}`;
	const oauthToken = `ver:1-hint:4242424-${'zZ09yY8xXw'.repeat(7)}`;

	it('hides a programmatic access token and an OAuth access token by value, whole, mangled or in pieces', () => {
		const redactor = new Redactor({ user: 'ME_USER' }, { pat, 'oauth-token': oauthToken, unused: '' });
		const text = [
			`Bearer ${pat} for ME_USER`,
			`wrong token ${mangledToken(pat)}`,
			`quoted: "${oauthToken.slice(10, 40)}"`,
			`mangled part ${mangledToken(oauthToken).slice(-30)}`,
			`last 8 only: ...${oauthToken.slice(-8)}`,
		].join('\n');
		const secretsOnly = redactor.redactSecrets(text);
		expect(secretsOnly.split('\n').slice(0, 2)).toEqual(['Bearer <pat> for ME_USER', 'wrong token <pat-mangled>']);
		for (const clean of [secretsOnly, redactor.redact(text)]) {
			for (const token of [pat, oauthToken, mangledToken(pat), mangledToken(oauthToken)]) {
				for (let start = 0; start + 24 <= token.length; start++) expect(clean).not.toContain(token.slice(start, start + 24));
			}
			// What Snowflake itself quotes of a token (its last 8 characters) stays readable.
			expect(clean).toContain(`last 8 only: ...${oauthToken.slice(-8)}`);
		}
		expect(secretsOnly).toContain('ME_USER');
		expect(redactor.redact(text)).not.toContain('ME_USER');
	});

	it('mangles a token into a wrong one of the same length and alphabet', () => {
		for (const token of [pat, oauthToken, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNRSJ9.c2lnbmF0dXJl']) {
			const wrong = mangledToken(token);
			expect(wrong).not.toBe(token);
			expect(wrong).toHaveLength(token.length);
			expect(wrong).toMatch(/^[A-Za-z0-9:._-]+$/);
			expect(wrong.slice(0, Math.floor(token.length / 3))).toBe(token.slice(0, Math.floor(token.length / 3)));
		}
		// The middle third (characters 3 to 6 of 11) rotated: xyzX → yzaY.
		expect(mangledToken('abcxyzXYZ09')).toBe('abcyzaYYZ09');
	});
});

describe('the proxy with --record', () => {
	let upstream: Server | undefined;
	let proxy: LiveProxy | undefined;
	let dir: string | undefined;

	afterEach(async () => {
		await proxy?.close();
		await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	/** `answer`: fields of the upstream's JSON body in place of the defaults. */
	async function start(answer: Record<string, unknown> = {}, redactor = new Redactor({ user: 'ME_USER' })): Promise<LiveProxy> {
		const handle = '01b2c3d4-0000-1a2b-0000-00012a3b4c5d';
		upstream = createServer((incoming, outgoing) => {
			incoming.resume();
			incoming.on('end', () => {
				const body = JSON.stringify({ statementHandle: handle, data: [['1']], message: 'bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNRSJ9.c2ln', ...answer });
				outgoing.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
				outgoing.end(gzipSync(body));
			});
		});
		await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
		dir = mkdtempSync(join(tmpdir(), 'live-record-'));
		proxy = await startLiveProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { recordDir: dir, redactor });
		return proxy;
	}

	function send(url: string, path: string): Promise<{ status: number; body: Buffer } | { error: string }> {
		return new Promise((resolve) => {
			const sent = request(`${url}${path}`, { method: 'POST', headers: { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNRSJ9.c2ln', 'Content-Type': 'application/json' } }, (response) => {
				const parts: Buffer[] = [];
				response.on('data', (part: Buffer) => parts.push(part));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts) }));
			});
			sent.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
			sent.end(JSON.stringify({ statement: 'SELECT 1', user: 'ME_USER' }));
		});
	}

	it('passes the answer on untouched and saves it decompressed with tokens, handles and names redacted', async () => {
		const live = await start();
		live.scenario = 'types/fixed';
		const answer = await send(live.url, '/api/v2/statements?requestId=0f0e0d0c-1111-4222-8333-444455556666');
		expect('status' in answer && answer.status).toBe(200);
		const files = readdirSync(dir ?? '');
		expect(files).toEqual(['0001-types_fixed-submit.json']);
		const text = readFileSync(join(dir ?? '', files[0]), 'utf8');
		expect(JSON.parse(text)).toEqual({
			scenario: 'types/fixed',
			request: { method: 'POST', path: '/api/v2/statements', query: { requestId: '<handle-1>' }, body: { statement: 'SELECT 1', user: '<user>' } },
			response: { status: 200, contentType: 'application/json', contentEncoding: 'gzip', body: { statementHandle: '<handle-2>', data: [['1']], message: 'bearer <jwt>' } },
		});
		expect(text).not.toMatch(/eyJ|01b2c3d4|ME_USER/);
		expect(live.exchanges[0]?.token).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJNRSJ9.c2ln');
	});

	it('records a token the server quotes as its label, never the token', async () => {
		const pat = `emulator-pat-${'Q7vX2mKp9'.repeat(7)}`;
		const live = await start({ message: `Programmatic access token ${pat} is invalid; did you mean ${mangledToken(pat)}?` }, new Redactor({}, { pat }));
		live.scenario = 'auth/pat-wrong-token';
		await send(live.url, '/api/v2/statements');
		const [file] = readdirSync(dir ?? '');
		const text = readFileSync(join(dir ?? '', file), 'utf8');
		expect(JSON.parse(text).response.body).toMatchObject({ message: 'Programmatic access token <pat> is invalid; did you mean <pat-mangled>?' });
		expect(text).not.toContain(pat.slice(0, 24));
	});

	it('drops an answer after the server sent it in full, and records it as dropped', async () => {
		const live = await start();
		live.scenario = 'retry/lost';
		live.dropAnswer = () => true;
		const answer = await send(live.url, '/api/v2/statements');
		expect(answer).toEqual({ error: 'ECONNRESET' });
		const [file] = readdirSync(dir ?? '');
		const saved = JSON.parse(readFileSync(join(dir ?? '', file), 'utf8')) as { response: { status: number; dropped: boolean } };
		expect(saved.response).toMatchObject({ status: 200, dropped: true });
	});
});
