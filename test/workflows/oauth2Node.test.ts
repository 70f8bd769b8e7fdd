/**
 * The Snowflake SQL API node and trigger with Authentication = OAuth2, through n8n-core (its requestOAuth2,
 * refreshOAuth2Token and legacy requestWithAuthentication) against the emulator's OAuth server and a local
 * identity provider, for both grants the credential offers:
 * - Snowflake OAuth: the token data n8n stores after Connect (authorization code with PKCE), refreshed with the
 *   refresh token;
 * - External OAuth: client credentials from the IdP, the first token fetched by n8n itself.
 * Every operation kind, stop-and-cancel, a list search and a trigger tick run; an expired access token is
 * refreshed once and the request retried (counted at the emulator or the IdP), on each path a request takes;
 * a refresh that is refused ends with a message naming the fix; the client secret, access and refresh tokens
 * never show up in what n8n keeps.
 */
import { randomBytes } from 'node:crypto';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped: a token URL answering with a page
import { createServer } from 'node:http';
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import { generateRsaKeyPair } from '../emulator/harness';
import { startIdp, type Idp } from '../oauth/idp';
import { listSearchContext, logLines, oauthTokenUpdates, plain, runWorkflow, snowflakeWorkflow, withAuthentication, type NodeOptions, type RunResult, type WorkflowJson } from './harness';
import { connectSnowflakeOAuth } from './oauth';
import { everythingKept, leaks, oauthSecretsOf } from './secretScan';
import { stopWhilePolling, until, useEmulator } from './setup';
import { ActiveTrigger, triggerWorkflow } from './triggerHarness';

const NODE = 'Snowflake SQL API';
const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';
// Generated, never committed; the Snowflake one holds `+` and `/` as Snowflake's base64 secrets do.
const CLIENT = { clientId: 'n8n-client', clientSecret: `${randomBytes(24).toString('base64')}+/=` };
const IDP_CLIENT = { clientId: 'svc-client', clientSecret: randomBytes(16).toString('hex'), subject: 'svc_n8n' };
/** The access tokens' lifetimes: Snowflake OAuth 600 s (OAUTH_ACCESS_TOKEN_VALIDITY's default), the IdP's 300 s. */
const PAST_EXPIRY_MS = 601_000;
const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

let nowMs = START_MS;
const clock = () => nowMs;
let idp: Idp;

const env = useEmulator(async () => {
	idp = await startIdp({ clients: [IDP_CLIENT], clock, tokenLifetimeSeconds: 300 });
	return {
		syncWaitMs: 200,
		partitionRows: 2,
		clock,
		users: [{ user: 'SVC_N8N', publicKeys: [generateRsaKeyPair().publicKeyPem] }],
		oauthClients: [{ ...CLIENT, redirectUris: [REDIRECT_URI], refreshTokenValiditySeconds: 3600 }],
		externalOAuth: { issuer: idp.issuer, audience: [idp.audience], jwksUrl: idp.jwksUrl },
	};
});
afterAll(async () => {
	await idp?.stop();
});

const node = new SnowflakeSqlApi();
const sql = (statement: string) => env.emulator.sql(statement);

interface Grant {
	name: string;
	/** The credential as n8n holds it before the run (Snowflake OAuth: connected). */
	credentials(fields?: ICredentialDataDecryptedObject): Promise<ICredentialDataDecryptedObject>;
	/** Tokens issued after the first: refreshes at the emulator, or client-credentials tokens at the IdP. */
	renewals(): number;
}

const snowflakeOAuth: Grant = {
	name: 'Snowflake OAuth (connected, refresh token)',
	credentials: async (fields = {}) => {
		const data = env.sharedCredentials({ grantType: 'pkce', clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, ...fields });
		data.oauthTokenData = await connectSnowflakeOAuth(data, REDIRECT_URI);
		connected.push(data.oauthTokenData as IDataObject);
		// The sign-in went through the proxy; what a test inspects starts after it.
		env.proxy.requests.splice(0);
		return data;
	},
	renewals: () => env.emulator.oauth.stats.tokenRequests.refresh_token,
};

const externalOAuth: Grant = {
	name: 'External OAuth (client credentials from the identity provider)',
	credentials: async (fields = {}) =>
		env.sharedCredentials({
			grantType: 'clientCredentials',
			externalTokenUrl: idp.tokenUrl,
			externalScope: 'session:role:ANALYST',
			clientId: IDP_CLIENT.clientId,
			clientSecret: IDP_CLIENT.clientSecret,
			...fields,
		}),
	renewals: () => idp.issued.length,
};

/** Token data from Connect, kept for the secret scan. */
const connected: IDataObject[] = [];

/** The client secrets and every access and refresh token issued so far: none may appear in what n8n keeps. */
function secrets(): string[] {
	const tokenData = [...connected, ...oauthTokenUpdates];
	const tokens = tokenData.flatMap((data) => [data.access_token, data.refresh_token]).filter((token): token is string => typeof token === 'string');
	return oauthSecretsOf([CLIENT.clientSecret, IDP_CLIENT.clientSecret], [...tokens, ...idp.issued]);
}

function expectNoSecrets(kept: string): void {
	expect(leaks(kept, secrets())).toEqual([]);
}

const oauthWorkflow = (parameters: IDataObject, options: NodeOptions = {}): WorkflowJson => withAuthentication(snowflakeWorkflow(parameters, options), 'oAuth2');

/** SQL API requests (the proxy also forwards Snowflake OAuth's token requests). */
const apiRequests = () => env.proxy.requests.filter((request) => request.path.startsWith('/api/v2/'));

/** The access token the credential holds now. */
const accessToken = (credentials: ICredentialDataDecryptedObject) => (credentials.oauthTokenData as IDataObject | undefined)?.access_token;

beforeEach(async () => {
	nowMs = START_MS;
	await sql('CREATE OR REPLACE TABLE ORDERS (ID NUMBER(38,0), NAME VARCHAR)');
	env.proxy.requests.splice(0);
});

describe.each([snowflakeOAuth, externalOAuth])('every operation with OAuth2: $name', (grant) => {
	const run = async (parameters: IDataObject, credentials: ICredentialDataDecryptedObject, items: IDataObject[] = [{}]): Promise<RunResult> =>
		await runWorkflow(oauthWorkflow(parameters, { items }), credentials);

	it('Execute SQL: the access token goes as Bearer with type OAUTH on every request', async () => {
		const credentials = await grant.credentials();
		const result = await run({ operation: 'executeQuery', query: 'SELECT 2 AS N' }, credentials);
		expect(plain(result.output(NODE))).toEqual([{ json: { N: 2 }, pairedItem: { item: 0 } }]);
		expect(apiRequests().length).toBeGreaterThan(0);
		for (const request of apiRequests()) {
			expect(request.tokenType).toBe('OAUTH');
			expect(request.authorization).toBe(`Bearer ${String(accessToken(credentials))}`);
		}
		expectNoSecrets(everythingKept(result));
	});

	it('Insert, then Select: the rows land and come back', async () => {
		const credentials = await grant.credentials();
		const inserted = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, credentials, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
		expect(inserted.run.status).toBe('success');
		expect((await sql('SELECT ID, NAME FROM ORDERS ORDER BY ID')).data).toEqual([['1', 'a'], ['2', 'b']]);
		const selected = await run({ operation: 'select', table: ORDERS, returnAll: true, sort: { values: [{ column: 'id', direction: 'DESC' }] } }, credentials);
		expect(plain(selected.output(NODE)).map((item) => item.json)).toEqual([{ ID: 2, NAME: 'b' }, { ID: 1, NAME: 'a' }]);
		expectNoSecrets(everythingKept(selected));
	});

	it('Submit (async), then Get Statement Results', async () => {
		const credentials = await grant.credentials();
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT 7 AS N' }, credentials);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		const result = await run({ operation: 'getResults', statementHandle: handle }, credentials);
		expect(plain(result.output(NODE))[0].json).toMatchObject({ statementHandle: handle, status: 'success', rows: [{ N: 7 }] });
	});

	it('Cancel Statement cancels a running statement', async () => {
		const credentials = await grant.credentials();
		const submitted = await run({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(30)' }, credentials);
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		const cancelled = await run({ operation: 'cancel', statementHandle: handle }, credentials);
		expect(plain(cancelled.output(NODE))).toEqual([
			{ json: { statementHandle: handle, code: '000604', message: 'SQL execution canceled' }, pairedItem: { item: 0 } },
		]);
		await until(() => env.emulator.running === 0);
	});

	it('stopping the execution cancels the running statement: the cancel, sent after the stop, carries the token', async () => {
		const credentials = await grant.credentials();
		const workflow = oauthWorkflow({ operation: 'executeQuery', query: '={{ $json.sql }}' }, { items: [{ sql: 'CALL SYSTEM$WAIT(60)' }] });
		const { result, handle, cancels } = await stopWhilePolling(env, workflow, credentials);
		expect(cancels).toBe(1);
		expect(result.error()?.message).toBe(`Execution was canceled; Snowflake canceled statement ${handle}.`);
		const cancel = env.proxy.requests.find((request) => request.path.endsWith('/cancel'));
		expect(cancel).toMatchObject({ tokenType: 'OAUTH', authorization: `Bearer ${String(accessToken(credentials))}` });
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604' });
		expectNoSecrets(everythingKept(result));
	});

	it('a SQL error on the error output: Snowflake\'s message, no secret in the item, the error or the logs', async () => {
		const credentials = await grant.credentials();
		const workflow = oauthWorkflow({ operation: 'executeQuery', query: 'SELECT * FROM NO_SUCH_TABLE' }, { onError: 'continueErrorOutput' });
		const result = await runWorkflow(workflow, credentials);
		expect(result.output(NODE, 1)[0].json).toMatchObject({ message: expect.stringMatching(/^SQL compilation error:/), error: { code: '002003' } });
		expectNoSecrets(everythingKept(result));
	});

	it('the table picker lists tables through the token', async () => {
		const credentials = await grant.credentials();
		const context = listSearchContext(oauthWorkflow({ operation: 'insert' }), credentials);
		const found = await node.methods.listSearch.searchTables.call(context, 'ORD');
		expect(found.results.map((result) => result.name)).toContain('PUBLIC.ORDERS');
		expect(apiRequests().every((request) => request.tokenType === 'OAUTH')).toBe(true);
	});

	it('a trigger tick polls through the token', async () => {
		const credentials = await grant.credentials();
		const workflow = withAuthentication(triggerWorkflow({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id', startFrom: 'value', startValue: '0' }), 'oAuth2');
		await sql("INSERT INTO ORDERS VALUES (5, 'new')");
		const outcome = await new ActiveTrigger({ workflow }, () => credentials).poll();
		expect(outcome.error).toBeUndefined();
		expect(outcome.items.map((item) => item.json)).toEqual([{ ID: 5, NAME: 'new' }]);
		expect(apiRequests().every((request) => request.tokenType === 'OAUTH')).toBe(true);
		expectNoSecrets(JSON.stringify(logLines));
	});
});

const submittedWith = new WeakMap<ICredentialDataDecryptedObject, string>();

/** Where a request goes through n8n: the submit (legacy helper, n8n refreshes), or a request the transport refreshes for. */
const PATHS: Array<[string, (credentials: ICredentialDataDecryptedObject) => Promise<unknown>]> = [
	[
		'Execute SQL (its submit)',
		async (credentials) => {
			const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 3 AS N' }), credentials);
			expect(plain(result.output(NODE))).toEqual([{ json: { N: 3 }, pairedItem: { item: 0 } }]);
			expectNoSecrets(everythingKept(result));
		},
	],
	[
		'Get Statement Results',
		async (credentials) => {
			// Submitted once, before the token expires; read again after.
			let handle = submittedWith.get(credentials);
			if (handle === undefined) {
				const submitted = await runWorkflow(oauthWorkflow({ operation: 'submitAsync', query: 'SELECT 4 AS N' }), credentials);
				handle = submitted.output(NODE)[0].json.statementHandle as string;
				submittedWith.set(credentials, handle);
				await until(() => env.emulator.statement(handle ?? '')?.state === 'succeeded');
			}
			const result = await runWorkflow(oauthWorkflow({ operation: 'getResults', statementHandle: handle }), credentials);
			expect(plain(result.output(NODE))[0].json).toMatchObject({ status: 'success', rows: [{ N: 4 }] });
			expectNoSecrets(everythingKept(result));
		},
	],
	[
		'a list search',
		async (credentials) => {
			const found = await node.methods.listSearch.searchTables.call(listSearchContext(oauthWorkflow({ operation: 'insert' }), credentials), 'ORD');
			expect(found.results.map((result) => result.name)).toContain('PUBLIC.ORDERS');
		},
	],
	[
		'a trigger tick',
		async (credentials) => {
			const workflow = withAuthentication(triggerWorkflow({ mode: 'customQuery', query: 'SELECT ID FROM ORDERS', watermarkColumn: 'ID' }), 'oAuth2');
			const outcome = await new ActiveTrigger({ workflow }, () => credentials).poll();
			expect(outcome.error).toBeUndefined();
			expectNoSecrets(JSON.stringify(logLines));
		},
	],
];

describe.each([snowflakeOAuth, externalOAuth])('an expired access token with $name', (grant) => {
	it.each(PATHS)('%s: refreshed once, the request retried and answered', async (_path, send) => {
		const credentials = await grant.credentials();
		// The first token exists (Snowflake OAuth: Connect; External OAuth: fetched by n8n on a first request).
		await send(credentials);
		const before = grant.renewals();
		const expired = accessToken(credentials);
		nowMs += PAST_EXPIRY_MS;
		const rejectedBefore = env.emulator.oauth.stats.accessTokensRejected;
		await send(credentials);
		expect(grant.renewals() - before).toBe(1);
		expect(env.emulator.oauth.stats.accessTokensRejected - rejectedBefore).toBe(1);
		expect(accessToken(credentials)).not.toBe(expired);
	});

	it('partitions that all meet the expired token: one refresh for all of them', async () => {
		const credentials = await grant.credentials();
		await sql(`INSERT INTO ORDERS SELECT range AS ID, 'n' || range AS NAME FROM range(1, 11)`);
		await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1 AS N' }), credentials);
		const before = grant.renewals();
		let expired = false;
		// The token expires just as the first partition is asked for: every partition fetch meets it.
		env.proxy.respond = (request) => {
			if (request.query.partition !== undefined && !expired) {
				expired = true;
				nowMs += PAST_EXPIRY_MS;
			}
			return undefined;
		};
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT ID FROM ORDERS ORDER BY ID' }), credentials);
		expect(result.output(NODE).map((item) => item.json.ID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(env.proxy.requests.filter((request) => request.query.partition !== undefined).length).toBeGreaterThan(4);
		expect(grant.renewals() - before).toBe(1);
	});
});

/** n8n-core 2.x's words for a refresh token Snowflake refuses (invalid_grant), and the fix. */
const RECONNECT =
	'n8n could not get a new OAuth access token for Snowflake: The credential "Snowflake (emulator)" needs to be reconnected.';
const RECONNECT_HINT =
	'Open the credential and reconnect it. Snowflake OAuth: click Connect my account and sign in again (the refresh token expired, after OAUTH_REFRESH_TOKEN_VALIDITY, 90 days unless set, or it was revoked, or the security integration was disabled or changed). External OAuth: check the Client ID, Client Secret, Token URL and Scope with your identity provider.';

/** What to check when the token URL itself failed (nothing reached Snowflake). */
const TOKEN_URL_HINT =
	"The token request failed before anything was sent to Snowflake, so no statement ran. External OAuth: check the credential's Token URL (your identity provider's token endpoint, reachable from n8n, answering JSON) and that the identity provider is up. Snowflake OAuth: check the credential's Account and Host.";

describe('a refresh that cannot succeed: the message names the fix', () => {
	const refusedRefreshToken: Array<[string, (credentials: ICredentialDataDecryptedObject) => void]> = [
		['revoked', (credentials) => env.emulator.oauth.revoke((credentials.oauthTokenData as IDataObject).refresh_token as string)],
		['expired', () => (nowMs += 3_600_000)],
	];

	it.each(refusedRefreshToken)('Snowflake OAuth, refresh token %s: Execute SQL stops with the reconnect message', async (_how, refuse) => {
		const credentials = await snowflakeOAuth.credentials();
		nowMs += PAST_EXPIRY_MS;
		refuse(credentials);
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }), credentials);
		expect(result.error()?.message).toBe(RECONNECT);
		expect(result.error()?.description).toBe(RECONNECT_HINT);
		expect(apiRequests().filter((request) => request.method === 'POST')).toHaveLength(1);
		expectNoSecrets(everythingKept(result));
	});

	it.each(refusedRefreshToken)('Snowflake OAuth, refresh token %s: a trigger tick reports the reconnect message', async (_how, refuse) => {
		const credentials = await snowflakeOAuth.credentials();
		nowMs += PAST_EXPIRY_MS;
		refuse(credentials);
		const workflow = withAuthentication(triggerWorkflow({ mode: 'customQuery', query: 'SELECT ID FROM ORDERS', watermarkColumn: 'ID' }), 'oAuth2');
		const outcome = await new ActiveTrigger({ workflow }, () => credentials).poll();
		expect(outcome.error?.message).toBe(RECONNECT);
		expect(apiRequests()).toHaveLength(1);
		expectNoSecrets(`${outcome.error?.message}\n${outcome.error?.description}\n${outcome.error?.stack}\n${JSON.stringify(logLines)}`);
	});

	it('External OAuth, client secret no longer accepted by the identity provider: the first token cannot be fetched', async () => {
		const credentials = await externalOAuth.credentials({ clientSecret: 'rotated-at-the-identity-provider' });
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }), credentials);
		// n8n-core 2.x's wording for the IdP's invalid_client, behind ours.
		expect(result.error()?.message).toBe(
			'n8n could not get a new OAuth access token for Snowflake: Failed to acquire OAuth2 access token: Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
		);
		expect(result.error()?.description).toBe(RECONNECT_HINT);
		expect(apiRequests()).toEqual([]);
	});

	/** The identity provider's token URL answers with a page, or nothing listens there. */
	const brokenTokenUrls: Array<[string, () => Promise<{ url: string; hits: () => number; close: () => Promise<void> }>, string]> = [
		[
			'an HTML page',
			async () => {
				let hits = 0;
				const server = createServer((_request, response) => {
					hits++;
					response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to continue</body></html>');
				});
				await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
				const { port } = server.address() as AddressInfo;
				return { url: `http://127.0.0.1:${port}/token`, hits: () => hits, close: async () => await new Promise<void>((resolve) => server.close(() => resolve())) };
			},
			'n8n could not get an OAuth access token for Snowflake from the Token URL: Failed to acquire OAuth2 access token: Expected JSON response from OAuth2 token endpoint (content-type: text/html) but received: <html><body>Sign in to continue</body></html>',
		],
		[
			'a refused connection',
			// Port 9 (discard): nothing listens there on a test machine.
			async () => ({ url: 'http://127.0.0.1:9/token', hits: () => 1, close: async () => undefined }), // counted by the request log lines
			'n8n could not get an OAuth access token for Snowflake from the Token URL: Failed to acquire OAuth2 access token: connect ECONNREFUSED 127.0.0.1:9',
		],
	];

	it.each(brokenTokenUrls)('External OAuth, Token URL answering with %s: one token request, nothing sent to Snowflake, the Token URL named', async (_how, start, message) => {
		const tokenUrl = await start();
		logLines.splice(0);
		try {
			const credentials = await externalOAuth.credentials({ externalTokenUrl: tokenUrl.url });
			const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }), credentials);
			expect(result.error()?.message).toBe(message);
			expect(result.error()?.description).toBe(TOKEN_URL_HINT);
			expect(tokenUrl.hits()).toBe(1);
			expect(apiRequests()).toEqual([]);
			// One attempt, no retry: the same token URL would fail the same way again.
			expect(logLines.filter((line) => line.message === 'Snowflake SQL API: request')).toHaveLength(1);
			expect(logLines.filter((line) => line.message === 'Snowflake SQL API: retry')).toEqual([]);
		} finally {
			await tokenUrl.close();
		}
	});

	it('Snowflake OAuth not connected yet: said so, nothing sent', async () => {
		const credentials = env.sharedCredentials({ grantType: 'pkce', clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret });
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }), credentials);
		expect(result.error()?.message).toBe(
			'The Snowflake OAuth2 credential is not connected yet: open it and click Connect my account to sign in to Snowflake once (or choose External OAuth for a service user).',
		);
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('a role outside the token', () => {
	it('Snowflake OAuth connected for ANALYST, statement run as PUBLIC: the role hint', async () => {
		const credentials = await snowflakeOAuth.credentials({ role: 'ANALYST' });
		const workflow = oauthWorkflow({ operation: 'executeQuery', query: 'SELECT CURRENT_ROLE() AS R' });
		expect(plain((await runWorkflow(workflow, credentials)).output(NODE))).toEqual([{ json: { R: 'ANALYST' }, pairedItem: { item: 0 } }]);
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1', options: { role: 'PUBLIC' } }), credentials);
		expect(result.error()?.message).toBe(
			"The role requested in the connection, or the default role if none was requested in the connection ('PUBLIC'), is not listed in the Access Token or was filtered. Please specify another role, or contact your OAuth Authorization server administrator. (code 390317)",
		);
		expect(result.error()?.description).toContain('Snowflake OAuth: the role is part of the scope asked for at sign-in (session:role:<ROLE>');
		expectNoSecrets(everythingKept(result));
	});
});

describe('a 401 the submit meets: refreshed only where Snowflake says the token expired or is invalid, once', () => {
	const refreshes = () => env.emulator.oauth.stats.tokenRequests.refresh_token;
	const submits = () => apiRequests().filter((request) => request.method === 'POST' && request.path === '/api/v2/statements');

	it('390303 on every submit (the token invalid even after renewing): one refresh, two submits', async () => {
		const credentials = await snowflakeOAuth.credentials();
		const before = refreshes();
		env.proxy.respond = (request) =>
			request.method === 'POST' && request.path === '/api/v2/statements'
				? { status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '390303', message: 'Invalid OAuth access token. ...emulator' }) }
				: undefined;
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1' }), credentials);
		expect(result.error()?.message).toBe('Invalid OAuth access token. ...emulator (code 390303)');
		expect(refreshes() - before).toBe(1);
		expect(submits()).toHaveLength(2);
	});

	it('390317 (a role outside the token): no refresh, one submit', async () => {
		const credentials = await snowflakeOAuth.credentials({ role: 'ANALYST' });
		const before = refreshes();
		const result = await runWorkflow(oauthWorkflow({ operation: 'executeQuery', query: 'SELECT 1', options: { role: 'PUBLIC' } }), credentials);
		expect(result.error()?.message).toMatch(/\(code 390317\)$/);
		expect(refreshes() - before).toBe(0);
		expect(submits()).toHaveLength(1);
	});
});
