/**
 * No redirect is ever followed, on any request path, through n8n-core's real request helpers: the
 * recording proxy in front of the emulator (the configured host) answers one route with a 3xx whose
 * Location points to a second recording proxy in front of the same emulator, a working "other host"
 * that would answer for Snowflake. Each case checks the exact error, that the other host received
 * nothing (no token, no statement), that nothing was retried, and that no secret is in the output,
 * the error or the logs.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import { testKeys } from '../helpers/keys';
import { listSearchContext, logLines, runWorkflow, snowflakeWorkflow } from './harness';
import { startRecordingProxy, type ProxyAnswer, type RecordedRequest, type RecordingProxy } from './recordingProxy';
import { everythingKept, leaks, secretsOf } from './secretScan';
import { useEmulator } from './setup';
import { ActiveTrigger } from './triggerHarness';

const keys = testKeys();
const env = useEmulator({ syncWaitMs: 50, partitionRows: 2, publicKeys: [keys.publicKeyPem] });
const node = new SnowflakeSqlApi();

let other: RecordingProxy | undefined;
beforeAll(async () => {
	other = await startRecordingProxy(env.emulator.url);
});
afterAll(async () => {
	await other?.close();
});
beforeEach(() => {
	other?.requests.splice(0);
});
const otherHost = (): RecordingProxy => {
	if (!other) throw new Error('The other host is not started');
	return other;
};

const STATUSES = [301, 302, 303, 307, 308] as const;
const HANDLE = '01b2c3d4-0000-1111-0000-00000000abcd';

type Route = 'submit' | 'status' | 'partition' | 'cancel';

function routeOf(request: RecordedRequest): Route | undefined {
	if (request.method === 'POST') return request.path === '/api/v2/statements' ? 'submit' : request.path.endsWith('/cancel') ? 'cancel' : undefined;
	return request.query.partition === undefined ? 'status' : 'partition';
}

/** The configured host answers `route` with `status`, pointing to the same path on the other host (or to `location`). */
function redirect(route: Route, status: number, location?: string): void {
	env.proxy.respond = (request) => {
		if (routeOf(request) !== route) return undefined;
		const query = new URLSearchParams(request.query).toString();
		return { status, headers: { location: location ?? `${otherHost().url}${request.path}${query ? `?${query}` : ''}` } };
	};
}

/** The message every refused redirect to the other host gives. */
function refused(status: number, target = otherHost().url.replace('http://', ''), suffix = ' (http://, unencrypted)'): string {
	return `Snowflake answered HTTP ${status} with a redirect to ${target}${suffix}. The node never follows redirects, so the request and its credentials stay with ${env.proxy.url.replace('http://', '')}. Check the credential's Account and Host, or a proxy between n8n and Snowflake.`;
}

const credentials = (overrides: IDataObject = {}): ICredentialDataDecryptedObject =>
	env.credentials({ privateKey: keys.pkcs8Aes256, privateKeyPassphrase: keys.passphrase, ...overrides });

function secrets(): string[] {
	const tokens = env.proxy.tokens();
	expect(tokens.length).toBeGreaterThan(0);
	return secretsOf(keys, tokens);
}

/** The other host got nothing; the configured host got exactly `routes`, in order (no retry). */
function expectContained(routes: Route[]): void {
	expect(otherHost().requests).toEqual([]);
	expect(env.proxy.requests.map(routeOf)).toEqual(routes);
}

async function execute(parameters: IDataObject) {
	return await runWorkflow(snowflakeWorkflow(parameters, { items: [{ id: 1 }] }), credentials());
}

describe('a redirect is never followed', () => {
	it.each(STATUSES)('HTTP %i on the submit (sent with httpRequest): the clear error, nothing sent elsewhere, no retry', async (status) => {
		redirect('submit', status);
		const result = await execute({ operation: 'executeQuery', query: 'SELECT 1 AS N' });
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toBe(refused(status));
		expect(result.error()?.httpCode).toBe(String(status));
		expect(result.output('Success')).toEqual([]);
		expectContained(['submit']);
		expect(leaks(everythingKept(result), secrets())).toEqual([]);
	});

	it.each(STATUSES)('HTTP %i on a status poll (httpRequestWithAuthentication): refused, the statement may have run', async (status) => {
		redirect('status', status);
		const result = await execute({ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(1)' });
		const handle = env.proxy.requests[1]?.path.split('/').pop();
		expect(result.error()?.message).toBe(
			`${refused(status)} The statement may have run: Snowflake accepted it (statement handle ${handle}) and it may still complete. Check it with Get Statement Results before running it again.`,
		);
		expectContained(['submit', 'status']);
		expect(leaks(everythingKept(result), secrets())).toEqual([]);
	});

	it.each(STATUSES)('HTTP %i on a partition: refused', async (status) => {
		redirect('partition', status);
		const result = await execute({ operation: 'executeQuery', query: 'SELECT 1 AS N UNION ALL SELECT 2 UNION ALL SELECT 3' });
		expect(result.error()?.message).toBe(refused(status));
		// On a loaded machine the submit may answer 202 first: then status polls come before the partition.
		expect(otherHost().requests).toEqual([]);
		expect(env.proxy.requests.map(routeOf).filter((route) => route !== 'status')).toEqual(['submit', 'partition']);
		expect(leaks(everythingKept(result), secrets())).toEqual([]);
	});

	it.each(STATUSES)('HTTP %i on Cancel: refused', async (status) => {
		redirect('cancel', status);
		const result = await execute({ operation: 'cancel', statementHandle: HANDLE });
		expect(result.error()?.message).toBe(refused(status));
		expectContained(['cancel']);
		expect(leaks(everythingKept(result), secrets())).toEqual([]);
	});

	it('a Location with plain http to a non-loopback name: refused and named as unencrypted, no lookup attempted', async () => {
		redirect('submit', 307, 'http://snowflake.attacker.example:8080/api/v2/statements?requestId=x&token=y');
		const result = await execute({ operation: 'executeQuery', query: 'SELECT 1 AS N' });
		// Followed, it would have failed with ENOTFOUND (a network error, retried) instead.
		expect(result.error()?.message).toBe(refused(307, 'snowflake.attacker.example:8080'));
		expect(result.error()?.message).not.toContain('token=y');
		expectContained(['submit']);
		expect(logLines.filter((line) => line.message === 'Snowflake SQL API: retry')).toEqual([]);
	});

	it.each(STATUSES)('HTTP %i in a list search (LoadOptionsContext): refused', async (status) => {
		redirect('submit', status);
		const context = listSearchContext(snowflakeWorkflow({ operation: 'insert' }), credentials());
		const failure = node.methods.listSearch.searchRoles.call(context);
		await expect(failure).rejects.toHaveProperty('message', refused(status));
		expectContained(['submit']);
		const error = (await failure.catch((caught: unknown) => caught)) as Error;
		expect(leaks(`${error.message}\n${error.stack}\n${JSON.stringify(logLines)}`, secrets())).toEqual([]);
	});

	describe('the credential test (legacy helpers.request)', () => {
		async function test() {
			const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as unknown as ICredentialTestFunctions;
			return await node.methods.credentialTest.snowflakeConnectionTest.call(context, {
				id: 'credential-1',
				name: 'Snowflake',
				type: 'snowflakeKeyPairApi',
				data: credentials(),
			});
		}

		it.each(STATUSES)('HTTP %i on its submit: refused, no retry', async (status) => {
			redirect('submit', status);
			const result = await test();
			expect(result.status).toBe('Error');
			expect(result.message.startsWith(`${refused(status)}\nSnowflake itself does not redirect SQL API requests`)).toBe(true);
			expectContained(['submit']);
			expect(leaks(result.message, secrets())).toEqual([]);
		});

		it.each(STATUSES)('HTTP %i on its status poll (a GET, which the legacy helper follows by default): refused', async (status) => {
			// The configured host says "running" itself, so the test polls, and the poll is redirected.
			env.proxy.respond = (request): ProxyAnswer | undefined => {
				const route = routeOf(request);
				if (route === 'submit') {
					return {
						status: 202,
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ code: '333334', message: 'Asynchronous execution in progress.', statementHandle: HANDLE }),
					};
				}
				return route === 'status' ? { status, headers: { location: `${otherHost().url}${request.path}` } } : undefined;
			};
			const result = await test();
			expect(result.status).toBe('Error');
			expect(result.message.startsWith(refused(status))).toBe(true);
			expectContained(['submit', 'status']);
			expect(leaks(result.message, secrets())).toEqual([]);
		});
	});

	it.each(STATUSES)('HTTP %i to the trigger (PollContext): the tick reports the clear error', async (status) => {
		redirect('submit', status);
		const active = new ActiveTrigger({ mode: 'newRows', table: { __rl: true, mode: 'name', value: 'events' }, watermarkColumn: 'id' }, () => credentials());
		const outcome = await active.poll();
		expect(outcome.emitted).toBe(false);
		expect(outcome.error?.message).toBe(refused(status));
		expectContained(['submit']);
		expect(leaks(`${outcome.error?.message}\n${outcome.error?.description}\n${outcome.error?.stack}\n${JSON.stringify(logLines)}`, secrets())).toEqual([]);
	});
});
