/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped */
/**
 * The OAuth2 credential in real n8n 1.x and 2.x, both ways it signs in:
 * - Snowflake OAuth (authorization code with PKCE): n8n's own Connect flow over HTTP, as the editor's button
 *   drives it: `n8n start`, the owner account, `GET /rest/oauth2-credential/auth?id=…` (n8n builds the
 *   authorization URL with its code challenge), the emulator's `/oauth/authorize` approving at once as the
 *   browser would after sign-in, then n8n's `/rest/oauth2-credential/callback`, where n8n exchanges the code
 *   (with its code verifier) at `/oauth/token-request` and stores the tokens.
 * - External OAuth (client credentials): imported with no token data; n8n fetches the token itself from the
 *   test identity provider (test/oauth/idp.ts), whose JWTs the emulator checks against its JWKS.
 * Then n8n stops and `n8n execute` runs one workflow with a node on each credential, twice: the second time
 * after the emulator's and the IdP's clocks moved past both access tokens' lifetimes, so n8n refreshes the
 * Snowflake OAuth token with its refresh token and fetches a new client-credentials token, each once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/server';
import { startIdp, type Idp } from '../oauth/idp';
import { createUser, describeCommand, nodeOutput, packPackage, parseRawOutput, startN8n, type N8nUser, type PackedPackage, type RunningN8n } from './n8nCli';
import { ensureN8n, targets } from './n8nInstall';
import { CREDENTIALS, executeSqlWorkflow, EXTERNAL_OAUTH_CREDENTIAL, externalOAuthCredential, externalOAuthEmulatorOptions, IDP_CLIENT, TRIGGER, withAuthentication, type CredentialRef, type WorkflowFile } from './scenarios';

const WORKFLOW_ID = 'e2eSnowflakeOAuth01';
// Generated, never committed; the Snowflake one holds `+` and `/` as Snowflake's base64 secrets do.
const CLIENT = { clientId: 'n8n-e2e', clientSecret: `${randomBytes(24).toString('base64')}+/=` };
/**
 * n8n 1.x sends the client secret of a PKCE code exchange in a Basic header without URL-encoding it first (its
 * callback ignores the credential's "body" choice; 2.x honours it), so Snowflake reads a `+` as a space and
 * refuses the client. On 1.x the flow is also run with this client, whose secret has no `+`.
 */
const CLIENT_WITHOUT_PLUS = { clientId: 'n8n-e2e-hex', clientSecret: randomBytes(24).toString('hex') };
const WITHOUT_PLUS: CredentialRef = { type: 'snowflakeOAuth2Api', id: 'snowflake-oauth-hex', name: 'Snowflake OAuth (secret without +)' };
/** Snowflake's OAUTH_ACCESS_TOKEN_VALIDITY default (600 s) and the IdP's token lifetime: the clocks jump past both. */
const ACCESS_TOKEN_SECONDS = 600;
const IDP_TOKEN_SECONDS = 300;

let emulator: Emulator;
let idp: Idp;
let pack: PackedPackage;
/** Simulated time on the emulator and the IdP: real time plus this. */
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;

beforeAll(async () => {
	pack = packPackage();
	idp = await startIdp({ clients: [IDP_CLIENT], clock, tokenLifetimeSeconds: IDP_TOKEN_SECONDS });
	emulator = await startEmulator({
		syncWaitMs: 2000,
		clock,
		...externalOAuthEmulatorOptions(idp),
	});
});

afterAll(async () => {
	await emulator?.stop();
	await idp?.stop();
	if (pack) rmSync(pack.folder, { recursive: true, force: true });
});

// The emulator's CURRENT_USER() is its default user whoever signs; CURRENT_ROLE() is the session's: ANALYST from
// the External OAuth token's scope (its subject, svc_n8n, is mapped to the user SVC_N8N or the token is refused).
const QUERY = 'SELECT CURRENT_ROLE() AS R';

/** Manual Trigger → "Execute SQL" (Snowflake OAuth) and "External OAuth" side by side, each on its credential. */
function oauthWorkflow(snowflakeCredential: CredentialRef): WorkflowFile {
	const workflow = executeSqlWorkflow('E2E: OAuth2', QUERY, [{}]);
	const first = workflow.nodes.find((node) => node.name === 'Execute SQL');
	if (!first) throw new Error('no Execute SQL node');
	workflow.nodes.push({ ...first, id: '0b4c7a10-0000-4000-8000-0000000002a1', name: 'External OAuth', position: [220, 200] });
	workflow.connections[TRIGGER].main[0].push({ node: 'External OAuth', type: 'main', index: 0 });
	const snowflakeOAuth = withAuthentication(workflow, 'oAuth2', snowflakeCredential, (node) => node.name === 'Execute SQL');
	return withAuthentication(snowflakeOAuth, 'oAuth2', EXTERNAL_OAUTH_CREDENTIAL, (node) => node.name === 'External OAuth');
}

interface Session {
	url: string;
	headers: Record<string, string>;
}

/** The owner account set up over REST (as /setup does); its session cookie and browser ID. */
async function signUp(n8n: RunningN8n): Promise<Session> {
	const browserId = randomUUID();
	const body = JSON.stringify({ email: 'owner@example.com', firstName: 'Ada', lastName: 'Lovelace', password: `Pw1-${randomBytes(8).toString('hex')}` });
	let setup: Response;
	// n8n 1.x answers its readiness check before the REST routes exist (404 until then).
	for (let attempt = 0; ; attempt++) {
		setup = await fetch(`${n8n.url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json', 'browser-id': browserId }, body });
		if (setup.status !== 404 || attempt === 120) break;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	if (!setup.ok) throw new Error(`owner setup: HTTP ${setup.status} ${await setup.text()}`);
	return { url: n8n.url, headers: { 'browser-id': browserId, cookie: setup.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ') } };
}

/**
 * The editor's Connect button, over HTTP: asks n8n for the authorization URL, "approves" at the emulator and
 * follows its redirect to n8n's callback. Returns the authorization URL n8n built, the callback's page and
 * how many codes n8n exchanged at the emulator.
 */
async function connect(session: Session, credentialId: string): Promise<{ authorizeUrl: URL; callbackPage: string; exchanged: number }> {
	const exchangedBefore = emulator.oauth.stats.tokenRequests.authorization_code;
	const auth = await fetch(`${session.url}/rest/oauth2-credential/auth?id=${credentialId}`, { headers: session.headers });
	if (!auth.ok) throw new Error(`oauth2-credential/auth: HTTP ${auth.status} ${await auth.text()}`);
	const authorizeUrl = new URL(((await auth.json()) as { data: string }).data);
	const approved = await fetch(authorizeUrl, { redirect: 'manual' });
	expect(approved.status, await approved.clone().text()).toBe(302);
	const callback = new URL(approved.headers.get('location') ?? '');
	expect(`${callback.origin}${callback.pathname}`).toBe(`${session.url}/rest/oauth2-credential/callback`);
	const done = await fetch(callback, { headers: session.headers, redirect: 'manual' });
	const callbackPage = await done.text();
	expect(done.status, callbackPage).toBe(200);
	return { authorizeUrl, callbackPage, exchanged: emulator.oauth.stats.tokenRequests.authorization_code - exchangedBefore };
}

describe.each(targets())('$label', (target) => {
	let user: N8nUser;
	let n8n: RunningN8n | undefined;
	const plusSecretConnects = !target.version.startsWith('1.');
	/** The Snowflake OAuth credential the workflow uses: the one whose connect succeeds on this version. */
	const snowflakeCredential = plusSecretConnects ? CREDENTIALS.oAuth2 : WITHOUT_PLUS;

	beforeAll(async () => {
		const install = await ensureN8n(target);
		user = await createUser(install, pack);
		const imports = join(user.folder, 'imports');
		mkdirSync(imports, { recursive: true });
		const context = { role: '', warehouse: '', database: '', schema: '' };
		const snowflakeOAuth = {
			...CREDENTIALS.oAuth2,
			data: { grantType: 'pkce', account: emulator.account, host: emulator.url, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, ...context },
		};
		const externalOAuth = externalOAuthCredential(emulator, idp);
		const withoutPlus = { ...WITHOUT_PLUS, data: { ...snowflakeOAuth.data, ...CLIENT_WITHOUT_PLUS } };
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify([snowflakeOAuth, withoutPlus, externalOAuth]), { mode: 0o600 });
		writeFileSync(join(imports, 'workflow.json'), JSON.stringify({ ...oauthWorkflow(snowflakeCredential), id: WORKFLOW_ID, active: false }));
		for (const args of [
			['import:credentials', `--input=${join(imports, 'credentials.json')}`],
			['import:workflow', `--input=${join(imports, 'workflow.json')}`],
		]) {
			const result = await user.n8n(args);
			if (result.code !== 0) throw new Error(`n8n ${target.version} ${args[0]} failed\n${describeCommand(result)}`);
		}
	});

	afterAll(async () => {
		await n8n?.stop();
		user?.remove();
	});

	it("Snowflake OAuth connects through n8n's authorization flow (PKCE S256, code exchanged by n8n)", async () => {
		n8n = await startN8n(user, { ready: true, env: { N8N_SECURE_COOKIE: 'false' } });
		const redirectUri = `${n8n.url}/rest/oauth2-credential/callback`;
		// The security integrations: OAUTH_REDIRECT_URI is this n8n's callback, PKCE enforced.
		for (const client of [CLIENT, CLIENT_WITHOUT_PLUS]) {
			emulator.oauth.registerClient({ ...client, redirectUris: [redirectUri], enforcePkce: true, accessTokenValiditySeconds: ACCESS_TOKEN_SECONDS });
		}
		try {
			const session = await signUp(n8n);
			const plus = await connect(session, CREDENTIALS.oAuth2.id);
			expect(`${plus.authorizeUrl.origin}${plus.authorizeUrl.pathname}`).toBe(`${emulator.url}/oauth/authorize`);
			expect(Object.fromEntries(plus.authorizeUrl.searchParams)).toMatchObject({
				client_id: CLIENT.clientId,
				redirect_uri: redirectUri,
				response_type: 'code',
				scope: 'refresh_token',
				code_challenge_method: 'S256',
				code_challenge: expect.stringMatching(/^[\w-]{43}$/),
			});
			if (plusSecretConnects) {
				expect(plus.exchanged, plus.callbackPage).toBe(1);
				expect(plus.callbackPage).not.toMatch(/error/i);
			} else {
				// Known result on 1.x: the secret went in a Basic header, not URL-encoded; Snowflake refused the client.
				expect(plus.exchanged).toBe(0);
				expect(emulator.oauth.stats.lastRejection).toMatch(/client authentication/);
				expect(plus.callbackPage).toContain('invalid_client');
				const withoutPlus = await connect(session, WITHOUT_PLUS.id);
				expect(withoutPlus.exchanged, withoutPlus.callbackPage).toBe(1);
				expect(withoutPlus.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
			}
		} catch (error) {
			(error as Error).message += `\n\nn8n log:\n${n8n.logs.join('').slice(-4000)}`;
			throw error;
		} finally {
			// `n8n execute` runs next on the same database.
			await n8n.stop();
		}
	});

	it('a workflow runs on both OAuth credentials; past the tokens\' lifetimes n8n refreshes the one and fetches a new other', async () => {
		const run = async () => {
			const result = await user.n8n(['execute', `--id=${WORKFLOW_ID}`, '--rawOutput']);
			expect(result.code, describeCommand(result)).toBe(0);
			const raw = parseRawOutput(result.stdout);
			expect(raw.data.resultData.error, describeCommand(result)).toBeUndefined();
			const output = `${result.stdout}\n${result.stderr}`;
			for (const secret of [CLIENT.clientSecret, CLIENT_WITHOUT_PLUS.clientSecret, IDP_CLIENT.clientSecret, ...idp.issued]) expect(output).not.toContain(secret);
			return {
				snowflakeOAuth: nodeOutput(raw, 'Execute SQL').map((item) => item.json),
				externalOAuth: nodeOutput(raw, 'External OAuth').map((item) => item.json),
			};
		};
		const stats = () => ({ refreshed: emulator.oauth.stats.tokenRequests.refresh_token, fetched: idp.issued.length, verified: emulator.oauth.stats.accessTokensVerified });
		const expected = { snowflakeOAuth: [{ R: expect.any(String) }], externalOAuth: [{ R: 'ANALYST' }] };

		const first = stats();
		expect(await run()).toEqual(expected);
		const second = stats();
		// The first client-credentials token comes from n8n itself: the imported credential had no token data.
		expect({ refreshed: second.refreshed - first.refreshed, fetched: second.fetched - first.fetched }).toEqual({ refreshed: 0, fetched: 1 });
		expect(second.verified - first.verified).toBeGreaterThanOrEqual(2);

		offsetMs += (Math.max(ACCESS_TOKEN_SECONDS, IDP_TOKEN_SECONDS) + 1) * 1000;
		const rejectedBefore = emulator.oauth.stats.accessTokensRejected;
		expect(await run()).toEqual(expected);
		const third = stats();
		expect({ refreshed: third.refreshed - second.refreshed, fetched: third.fetched - second.fetched }).toEqual({ refreshed: 1, fetched: 1 });
		// Each credential's stored token was refused once (expired), then the renewed one was accepted.
		expect(emulator.oauth.stats.accessTokensRejected - rejectedBefore).toBe(2);
	});
});
