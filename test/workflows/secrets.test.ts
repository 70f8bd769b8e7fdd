/**
 * The private key, its passphrase and every JWT sent never show up in what n8n keeps or shows: output
 * items, error items, error messages, descriptions and stacks (the whole run data), and log lines.
 * Checked on success and on every failure path; the JWTs are the ones the emulator side received. The same
 * for a programmatic access token (Authentication: Programmatic Access Token).
 */
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { generateRsaKeyPair, testKeys } from '../helpers/keys';
import { logLines, runWorkflow, snowflakeWorkflow, withAuthentication, type RunResult } from './harness';
import { everythingKept, leaks, secretsOf, tokenSecrets } from './secretScan';
import { until, useEmulator } from './setup';

const keys = testKeys();
const env = useEmulator({ syncWaitMs: 200, publicKeys: [keys.publicKeyPem] });

function secrets(): string[] {
	const tokens = env.proxy.tokens();
	expect(tokens.length).toBeGreaterThan(0);
	return secretsOf(keys, tokens);
}

function expectNoSecrets(result: RunResult): void {
	expect(leaks(everythingKept(result), secrets())).toEqual([]);
}

const credentials = (overrides: Record<string, string> = {}) =>
	env.credentials({ privateKey: keys.pkcs8Aes256, privateKeyPassphrase: keys.passphrase, ...overrides });
const run = async (sql: string, options: IDataObject = {}, onError?: 'continueRegularOutput' | 'continueErrorOutput', creds = credentials()) =>
	await runWorkflow(snowflakeWorkflow({ operation: 'executeQuery', query: sql, options }, { onError, items: [{ id: 1 }] }), creds);

describe('no secret in output, errors or logs', () => {
	it('success', async () => {
		const result = await run('SELECT 1 AS N');
		expect(result.run.status).toBe('success');
		expect(result.output('Snowflake SQL API').map((item) => item.json)).toEqual([{ N: 1 }]);
		// The scan covers real log lines: the node's transport events are among them.
		const requests = logLines.filter((line) => line.message === 'Snowflake SQL API: request').map((line) => line.meta);
		expect(requests[0]).toEqual({ method: 'POST', path: '/api/v2/statements', attempt: 1 });
		// On a loaded machine the statement may outlast the emulator's 200 ms wait: a 202, then status polls.
		for (const meta of requests.slice(1)) expect(meta).toMatchObject({ method: 'GET', path: expect.stringMatching(/^\/api\/v2\/statements\/[\w-]+$/) });
		expectNoSecrets(result);
	});

	it.each([
		['stops the execution', undefined],
		['error item on the regular output', 'continueRegularOutput' as const],
		['error item on the error output', 'continueErrorOutput' as const],
	])('SQL error: %s', async (_label, onError) => {
		const result = await run('SELECT FAIL', {}, onError);
		expect(JSON.stringify(result.run.data)).toContain("invalid identifier 'FAIL' (code 000904, SQL state 42000)");
		expectNoSecrets(result);
	});

	it('a key the user does not have (401)', async () => {
		// Register another key on the user so this one is refused, then restore.
		env.emulator.setUserKeys(env.emulator.user, [generateRsaKeyPair().publicKeyPem]);
		try {
			const result = await run('SELECT 1', {}, 'continueRegularOutput');
			expect(JSON.stringify(result.run.data)).toContain('JWT token is invalid');
			expectNoSecrets(result);
		} finally {
			env.emulator.setUserKeys(env.emulator.user, [keys.publicKeyPem]);
		}
	});

	it('a wrong passphrase (refused before any request)', async () => {
		const result = await run('SELECT 1', {}, undefined, credentials({ privateKeyPassphrase: 'not-the-passphrase' }));
		expect(result.run.status).toBe('error');
		expect(env.proxy.requests).toEqual([]);
		// No request was made, so only the key and the passphrases can leak here.
		expect(leaks(everythingKept(result), [...secretsOf(keys), 'not-the-passphrase'])).toEqual([]);
	});

	it('an expired token renewed mid-execution', async () => {
		env.emulator.faults.add({ route: 'submit', kind: 'tokenExpired' });
		const result = await run('SELECT 1');
		expect(result.run.status).toBe('success');
		expectNoSecrets(result);
	});

	it('a statement timeout (408)', async () => {
		env.emulator.syncWaitMs = 10_000;
		try {
			const result = await run('CALL SYSTEM$WAIT(30)', { statementTimeout: 1 });
			expect(result.error()?.httpCode).toBe('408');
			expectNoSecrets(result);
		} finally {
			env.emulator.syncWaitMs = 200;
		}
	});

	it('a cancelled execution', async () => {
		let cancel: (() => void) | undefined;
		const running = runWorkflow(
			snowflakeWorkflow({ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(60)' }),
			credentials(),
			{ onStarted: (stop) => (cancel = stop) },
		);
		await until(() => env.emulator.running > 0 && env.proxy.requests.some((request) => request.method === 'GET'));
		cancel?.();
		const result = await running;
		expect(result.error()?.message).toMatch(/^Execution was canceled; Snowflake canceled statement /);
		expectNoSecrets(result);
	});
});

describe('no programmatic access token in output, errors or logs', () => {
	const token = () => env.emulator.generatedPat?.secret ?? '';
	const runPat = async (sql: string, options: IDataObject = {}, onError?: 'continueRegularOutput' | 'continueErrorOutput', overrides: Record<string, string> = {}) =>
		await runWorkflow(
			withAuthentication(snowflakeWorkflow({ operation: 'executeQuery', query: sql, options }, { onError, items: [{ id: 1 }] }), 'programmaticAccessToken'),
			env.patCredentials(overrides),
		);
	const expectNoToken = (result: RunResult, secret = token()) => {
		expect(env.proxy.tokens()).toEqual([secret]);
		expect(leaks(everythingKept(result), tokenSecrets(secret))).toEqual([]);
	};

	it('success, with the metadata output', async () => {
		const result = await runPat('SELECT 1 AS N', { output: 'metadata' });
		expect(result.run.status).toBe('success');
		expect(logLines.some((line) => line.message === 'Snowflake SQL API: request')).toBe(true);
		expectNoToken(result);
	});

	it.each([
		['stops the execution', undefined],
		['error item on the regular output', 'continueRegularOutput' as const],
		['error item on the error output', 'continueErrorOutput' as const],
	])('SQL error: %s', async (_label, onError) => {
		const result = await runPat('SELECT FAIL', {}, onError);
		expect(JSON.stringify(result.run.data)).toContain("invalid identifier 'FAIL' (code 000904, SQL state 42000)");
		expectNoToken(result);
	});

	it('a revoked token (401)', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user });
		env.emulator.pats.revoke(pat.secret);
		const result = await runPat('SELECT 1', {}, 'continueRegularOutput', { token: pat.secret });
		expect(JSON.stringify(result.run.data)).toContain('Programmatic access token is invalid.');
		expectNoToken(result, pat.secret);
	});

	it('a cancelled execution', async () => {
		let cancel: (() => void) | undefined;
		const running = runWorkflow(
			withAuthentication(snowflakeWorkflow({ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(60)' }), 'programmaticAccessToken'),
			env.patCredentials(),
			{ onStarted: (stop) => (cancel = stop) },
		);
		await until(() => env.emulator.running > 0 && env.proxy.requests.some((request) => request.method === 'GET'));
		cancel?.();
		const result = await running;
		expect(result.error()?.message).toMatch(/^Execution was canceled; Snowflake canceled statement /);
		expectNoToken(result);
	});
});
