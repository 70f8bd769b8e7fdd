/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped; the measured costs are printed */
/**
 * The hostile-server suite: every case of cases.ts drives the node, a list search, a trigger tick or the
 * credential test through n8n-core against a server that answers one thing wrong (the recording proxy in
 * front of the emulator, answering itself where the case says so), with an encrypted private key and its
 * passphrase in the credential. Beyond each case's own expectation, every case asserts:
 * - no secret (the passphrase, any 24-character window of the key, any JWT sent or its signature) in the
 *   output, the error (message, description, stack) or the log lines;
 * - the event loop was never blocked 250 ms or more, and the heap (plus array buffers) grew less than the
 *   case's bound, at its peak and in what stays after a full collection.
 * Delay and heap are what the process spent, not wall time of the case; a case is measured up to three
 * times and the best measurement counts, because a loaded CI machine can deschedule the process once,
 * while a real stall (a super-linear parse, a bomb held in memory) repeats every time.
 */
import { randomBytes } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { testKeys } from '../helpers/keys';
import { logLines } from '../workflows/harness';
import { connectSnowflakeOAuth } from '../workflows/oauth';
import { startRecordingProxy, type RecordingProxy } from '../workflows/recordingProxy';
import { leaks, secretsOf, tokenSecrets } from '../workflows/secretScan';
import { useEmulator } from '../workflows/setup';
import { CASES, loadBomb, PAT_ECHO_CASES, PAT_SUBSET, type CaseContext, type HostileCase } from './cases';
import { measure, type Cost } from './measure';
import { drive, type Kind, type Outcome } from './surfaces';

const injected = vi.hoisted(() => ({ overrides: {} as Record<string, unknown> }));
vi.mock('../../nodes/SnowflakeSqlApi/helpers/adapters', async (importOriginal) =>
	(await import('../helpers/clientOverrides')).withClientOverrides(await importOriginal(), () => injected.overrides),
);

const MAX_DELAY_MS = 250;
const DEFAULT_HEAP_MB = 64;
const ROUNDS = 3;
const DEFAULT_PARAMETERS = { operation: 'executeQuery', query: 'SELECT 1 AS N' };

/** Retries and polls pass at once (the policy's delays are unit-tested); deadlines stay real time. */
const instantSleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
	if (signal?.aborted) throw signal.reason;
	await new Promise((resolve) => setImmediate(resolve));
	if (signal?.aborted) throw signal.reason;
};

const keys = testKeys();
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';
// Generated, never committed. Tokens live an hour (Snowflake's longest): no case meets an expired one.
const OAUTH_CLIENT = { clientId: 'n8n-client', clientSecret: randomBytes(24).toString('base64'), redirectUris: [REDIRECT_URI], accessTokenValiditySeconds: 3600 };
const env = useEmulator({ syncWaitMs: 50, partitionRows: 2, publicKeys: [keys.publicKeyPem], oauthClients: [OAUTH_CLIENT] });
/** A Snowflake OAuth credential as n8n holds it after Connect. */
let oauth2: ICredentialDataDecryptedObject = {};
const credentials = (kind: Kind): ICredentialDataDecryptedObject => {
	if (kind === 'keyPair') return env.credentials({ privateKey: keys.pkcs8Aes256, privateKeyPassphrase: keys.passphrase });
	return kind === 'oAuth2' ? oauth2 : env.patCredentials();
};

/**
 * What must never show: the key material and every JWT sent; the token and every 24-character window of it;
 * OAuth2: the access and refresh tokens (and their windows) and the client secret.
 */
function secretsFor(kind: Kind, sent: string[]): string[] {
	if (kind === 'keyPair') return secretsOf(keys, sent);
	if (kind === 'oAuth2') {
		const tokenData = oauth2.oauthTokenData as IDataObject;
		expect(sent).toEqual([tokenData.access_token]);
		return [OAUTH_CLIENT.clientSecret, ...tokenSecrets(tokenData.access_token as string), ...tokenSecrets(tokenData.refresh_token as string)];
	}
	const token = env.emulator.generatedPat?.secret ?? '';
	expect(sent).toEqual([token]);
	return tokenSecrets(token);
}

let other: RecordingProxy | undefined;
beforeAll(async () => {
	other = await startRecordingProxy(env.emulator.url);
	await loadBomb();
	oauth2 = env.sharedCredentials({ grantType: 'pkce', clientId: OAUTH_CLIENT.clientId, clientSecret: OAUTH_CLIENT.clientSecret });
	oauth2.oauthTokenData = await connectSnowflakeOAuth(oauth2, REDIRECT_URI);
});
afterAll(async () => {
	await other?.close();
});

const costs: Array<{ name: string; cost: Cost }> = [];

async function runOnce(hostile: HostileCase, kind: Kind): Promise<{ outcome: Outcome; cost: Cost }> {
	const otherHost = other as RecordingProxy;
	env.proxy.requests.splice(0);
	otherHost.requests.splice(0);
	logLines.splice(0);
	const stops: Array<() => void> = [];
	let stop: (() => void) | undefined;
	const context: CaseContext = { otherUrl: otherHost.url, stops, requests: env.proxy.requests, cancel: () => stop?.() };
	env.proxy.respond = (request) => hostile.respond(request, context);
	injected.overrides = { sleep: instantSleep, ...hostile.overrides };
	try {
		const { value: outcome, cost } = await measure(
			async () => await drive(hostile.surface, hostile.parameters ?? DEFAULT_PARAMETERS, credentials(kind), { onStarted: (cancel) => (stop = cancel) }, kind),
		);
		hostile.check({ outcome, requests: env.proxy.requests, elsewhere: otherHost.requests });
		const sent = env.proxy.tokens();
		expect(sent.length).toBeGreaterThan(0);
		expect(leaks(outcome.kept, secretsFor(kind, sent))).toEqual([]);
		return { outcome, cost };
	} finally {
		for (const end of stops) end();
		env.proxy.respond = undefined;
		injected.overrides = {};
	}
}

/** Runs a case up to ROUNDS times and checks its best cost against its bounds. */
async function measured(name: string, hostile: HostileCase, kind: Kind): Promise<void> {
	const heapBound = hostile.heapMb ?? DEFAULT_HEAP_MB;
	const retainedBound = hostile.retainedMb ?? heapBound;
	let best: Cost = { maxDelayMs: Number.POSITIVE_INFINITY, heapGrowthMb: Number.POSITIVE_INFINITY, retainedMb: Number.POSITIVE_INFINITY };
	for (let round = 0; round < ROUNDS; round++) {
		const { cost } = await runOnce(hostile, kind);
		best = {
			maxDelayMs: Math.min(best.maxDelayMs, cost.maxDelayMs),
			heapGrowthMb: Math.min(best.heapGrowthMb, cost.heapGrowthMb),
			retainedMb: Math.min(best.retainedMb, cost.retainedMb),
		};
		if (best.maxDelayMs < MAX_DELAY_MS && best.heapGrowthMb < heapBound && best.retainedMb < retainedBound) break;
	}
	costs.push({ name, cost: best });
	expect(best.maxDelayMs).toBeLessThan(MAX_DELAY_MS);
	expect(best.heapGrowthMb).toBeLessThan(heapBound);
	expect(best.retainedMb).toBeLessThan(retainedBound);
}

describe('a hostile server', () => {
	it(`has at least 40 behaviours (${CASES.length})`, () => {
		expect(CASES.length).toBeGreaterThanOrEqual(40);
		expect(new Set(CASES.map((hostile) => hostile.name)).size).toBe(CASES.length);
	});

	it.each(CASES.map((hostile) => [hostile.name, hostile] as const))('%s', async (name, hostile) => {
		await measured(name, hostile, 'keyPair');
	});

	describe('with a programmatic access token', () => {
		const subset = CASES.filter((hostile) => PAT_SUBSET.includes(hostile.name));

		it('runs every case named in PAT_SUBSET', () => {
			expect(subset.map((hostile) => hostile.name)).toEqual(PAT_SUBSET);
		});

		it.each([...subset, ...PAT_ECHO_CASES].map((hostile) => [hostile.name, hostile] as const))('%s', async (name, hostile) => {
			await measured(`${name} [PAT]`, hostile, 'programmaticAccessToken');
		});
	});

	describe('with OAuth2 (Snowflake OAuth, connected)', () => {
		// The same cases, but the credential test's: an OAuth2 credential has none (n8n's Connect is its test).
		const subset = CASES.filter((hostile) => PAT_SUBSET.includes(hostile.name) && hostile.surface !== 'credentialTest');
		const echoes = PAT_ECHO_CASES.filter((hostile) => hostile.surface !== 'credentialTest');

		it('runs every case named in PAT_SUBSET but the credential test\'s', () => {
			expect(subset).toHaveLength(PAT_SUBSET.length - 2);
			expect(echoes).toHaveLength(PAT_ECHO_CASES.length - 1);
		});

		it.each([...subset, ...echoes].map((hostile) => [hostile.name, hostile] as const))('%s', async (name, hostile) => {
			await measured(`${name} [OAuth2]`, hostile, 'oAuth2');
		});
	});

	afterAll(() => {
		const worstDelay = costs.reduce((worst, entry) => (entry.cost.maxDelayMs > worst.cost.maxDelayMs ? entry : worst), costs[0]);
		const worstHeap = costs.reduce((worst, entry) => (entry.cost.heapGrowthMb > worst.cost.heapGrowthMb ? entry : worst), costs[0]);
		if (!worstDelay || !worstHeap) return;
		console.log(
			[
				`hostile server: ${costs.length} behaviours`,
				`worst event-loop delay ${worstDelay.cost.maxDelayMs.toFixed(0)} ms (${worstDelay.name})`,
				`worst heap growth ${worstHeap.cost.heapGrowthMb.toFixed(1)} MB (${worstHeap.name})`,
				'  delay   peak heap   retained',
				...costs.map(
					({ name, cost }) =>
						`  ${cost.maxDelayMs.toFixed(0).padStart(3)} ms ${cost.heapGrowthMb.toFixed(1).padStart(7)} MB ${cost.retainedMb.toFixed(1).padStart(7)} MB  ${name}`,
				),
			].join('\n'),
		);
	});
});
