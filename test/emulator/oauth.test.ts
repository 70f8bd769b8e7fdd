/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Conformance of the emulator's OAuth side (oauth.ts) over real HTTP: Snowflake OAuth's /oauth/authorize and
 * /oauth/token-request (PKCE, client authentication, refresh), the SQL API's answers to OAuth access tokens
 * (accepted, expired 390318, invalid 390303, a role outside the token 390317), and External OAuth JWTs from
 * the local IdP (issuer, audience, signature, expiry, user mapping, role scopes). Each refusal is exact.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startIdp, type Idp } from '../oauth/idp';
import { generateRsaKeyPair, SqlApi } from './harness';
import { startEmulator, type Emulator } from './server';

const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
let nowMs = START_MS;
const clock = () => nowMs;

const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';
// Snowflake's secrets are base64: `+` and `/` are what the Basic scheme's URL-encoding is about (generated, never committed).
const CLIENT = { clientId: 'N8N+CLIENT/ID=', clientSecret: `${randomBytes(24).toString('base64')}+/=`, redirectUris: [REDIRECT_URI] };
const SERVICE_USER = 'SVC_N8N';
const IDP_CLIENT = { clientId: 'svc-client', clientSecret: randomBytes(16).toString('hex'), subject: 'svc_n8n' };

let emulator: Emulator;
let idp: Idp;
let api: SqlApi;

beforeAll(async () => {
	idp = await startIdp({ clients: [{ ...IDP_CLIENT }], clock, tokenLifetimeSeconds: 300 });
	emulator = await startEmulator({
		syncWaitMs: 5000,
		clock,
		users: [{ user: SERVICE_USER, publicKeys: [generateRsaKeyPair().publicKeyPem] }],
		oauthClients: [CLIENT],
		externalOAuth: { issuer: idp.issuer, audience: [idp.audience], jwksUrl: idp.jwksUrl },
	});
	api = new SqlApi(emulator.url, '');
});

afterAll(async () => {
	await emulator?.stop();
	await idp?.stop();
});

beforeEach(() => {
	nowMs = START_MS;
});

// ---------------------------------------------------------------- helpers

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

async function authorize(params: Record<string, string>): Promise<Response> {
	const url = new URL('/oauth/authorize', emulator.url);
	for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
	return await fetch(url, { redirect: 'manual' });
}

function authorizeParams(verifier: string, scope = 'refresh_token session:role:ANALYST'): Record<string, string> {
	return {
		client_id: CLIENT.clientId,
		redirect_uri: REDIRECT_URI,
		response_type: 'code',
		state: 'state-123',
		scope,
		code_challenge: s256(verifier),
		code_challenge_method: 'S256',
	};
}

interface TokenAnswer {
	status: number;
	body: Record<string, unknown>;
}

async function tokenRequest(form: Record<string, string>, authorization?: string): Promise<TokenAnswer> {
	const response = await fetch(new URL('/oauth/token-request', emulator.url), {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(authorization ? { Authorization: authorization } : {}) },
		body: new URLSearchParams(form).toString(),
	});
	return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const postAuth = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret };

/** A code for `verifier`, from the redirect the authorization answers. */
async function codeFor(verifier: string, scope?: string): Promise<string> {
	const response = await authorize(authorizeParams(verifier, scope));
	expect(response.status).toBe(302);
	return new URL(response.headers.get('location')!).searchParams.get('code')!;
}

async function tokensFor(scope?: string): Promise<Record<string, unknown>> {
	const verifier = randomBytes(32).toString('base64url');
	const code = await codeFor(verifier, scope);
	const answer = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...postAuth });
	expect(answer.status).toBe(200);
	return answer.body;
}

function runAs(token: string, body: Record<string, unknown> = { statement: 'SELECT CURRENT_ROLE()' }) {
	return api.submit(body, undefined, { token, headers: { 'X-Snowflake-Authorization-Token-Type': 'OAUTH' } });
}

const invalidClient = { data: null, message: 'This is an invalid client.', code: null, success: false, error: 'invalid_client' };
const invalidGrant = { data: null, message: 'The authorization code or refresh token is invalid or has expired.', code: null, success: false, error: 'invalid_grant' };

// ---------------------------------------------------------------- Snowflake OAuth

describe('Snowflake OAuth: /oauth/authorize', () => {
	it('auto-approves and redirects to the registered redirect URI with code, state and scope', async () => {
		const response = await authorize(authorizeParams('v'.repeat(43)));
		expect(response.status).toBe(302);
		const location = new URL(response.headers.get('location')!);
		expect(location.origin + location.pathname).toBe(REDIRECT_URI);
		expect(location.searchParams.get('state')).toBe('state-123');
		expect(location.searchParams.get('scope')).toBe('refresh_token session:role:ANALYST');
		expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
	});

	it.each([
		['an unknown client', { client_id: 'nobody' }, invalidClient],
		['a redirect URI not registered (never redirected to)', { redirect_uri: 'https://attacker.example/cb' }, { data: null, message: 'The redirect URI does not match the one registered for this client.', code: null, success: false, error: 'invalid_request' }],
		['response_type=token', { response_type: 'token' }, { data: null, message: 'Only response_type=code is supported.', code: null, success: false, error: 'unsupported_response_type' }],
		['code_challenge_method=plain', { code_challenge_method: 'plain' }, { data: null, message: 'PKCE needs code_challenge with code_challenge_method=S256.', code: null, success: false, error: 'invalid_request' }],
		['a scope Snowflake does not know', { scope: 'refresh_token bogus_scope' }, { data: null, message: 'The requested scope is invalid.', code: null, success: false, error: 'invalid_scope' }],
	])('refuses %s with 400', async (_label, override, expected) => {
		const response = await authorize({ ...authorizeParams('v'.repeat(43)), ...override });
		expect(response.status).toBe(400);
		expect(response.headers.get('location')).toBeNull();
		expect(await response.json()).toEqual(expected);
	});
});

describe('Snowflake OAuth: /oauth/token-request', () => {
	it('redeems a code with its PKCE verifier: the documented response fields', async () => {
		const body = await tokensFor();
		expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'idpInitiated', 'refresh_token', 'refresh_token_expires_in', 'scope', 'token_type', 'username']);
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, refresh_token_expires_in: 7_776_000, username: 'N8N_USER', scope: 'refresh_token session:role:ANALYST', idpInitiated: false });
		expect(body.access_token).toMatch(/^ver:1-hint:\d+-[A-Za-z0-9_-]+$/);
		expect(body.refresh_token).not.toBe(body.access_token);
	});

	it('issues no refresh token without the refresh_token scope', async () => {
		const body = await tokensFor('session:role:ANALYST');
		expect(body.refresh_token).toBeUndefined();
		expect(body.scope).toBe('session:role:ANALYST');
	});

	it('accepts client_secret_basic with URL-encoded parts, as Snowflake documents', async () => {
		const verifier = randomBytes(32).toString('base64url');
		const code = await codeFor(verifier);
		const basic = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT.clientId)}:${encodeURIComponent(CLIENT.clientSecret)}`).toString('base64')}`;
		const answer = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, basic);
		expect(answer.status).toBe(200);
	});

	it('refuses Basic credentials sent without URL-encoding when the secret holds "+" (it decodes to a space)', async () => {
		const verifier = randomBytes(32).toString('base64url');
		const code = await codeFor(verifier);
		const raw = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
		const answer = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }, raw);
		expect(answer).toEqual({ status: 400, body: invalidClient });
		expect(emulator.oauth.stats.lastRejection).toBe('client authentication');
	});

	it.each([
		['a wrong client secret', (code: string, verifier: string) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT.clientId, client_secret: 'wrong' }), invalidClient, 'client authentication'],
		['a verifier that does not match the challenge', (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43), ...postAuth }), invalidGrant, 'code_verifier does not match the code_challenge'],
		['a missing verifier', (code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...postAuth }), invalidGrant, 'code_verifier missing'],
		['another redirect URI', (code: string, verifier: string) => ({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:5678/other', code_verifier: verifier, ...postAuth }), invalidGrant, 'redirect_uri differs from the authorization request'],
		['an unknown code', (_code: string, verifier: string) => ({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT_URI, code_verifier: verifier, ...postAuth }), invalidGrant, 'unknown or used authorization code'],
		['the password grant', () => ({ grant_type: 'password', username: 'u', password: 'p', ...postAuth }), { data: null, message: 'The grant type is not supported.', code: null, success: false, error: 'unsupported_grant_type' }, 'grant_type password'],
	])('refuses %s with 400', async (_label, form, expected, why) => {
		const verifier = randomBytes(32).toString('base64url');
		const code = await codeFor(verifier);
		expect(await tokenRequest(form(code, verifier))).toEqual({ status: 400, body: expected });
		expect(emulator.oauth.stats.lastRejection).toBe(why);
	});

	it('refuses a code redeemed twice and a code older than ten minutes', async () => {
		const verifier = randomBytes(32).toString('base64url');
		const code = await codeFor(verifier);
		const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...postAuth };
		expect((await tokenRequest(form)).status).toBe(200);
		expect(await tokenRequest(form)).toEqual({ status: 400, body: invalidGrant });

		const late = await codeFor(verifier);
		nowMs += 600_000;
		expect(await tokenRequest({ ...form, code: late })).toEqual({ status: 400, body: invalidGrant });
		expect(emulator.oauth.stats.lastRejection).toBe('authorization code expired');
	});

	it('refuses a body that is not form-encoded', async () => {
		const response = await fetch(new URL('/oauth/token-request', emulator.url), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({ data: null, message: 'The request must be application/x-www-form-urlencoded.', code: null, success: false, error: 'invalid_request' });
	});

	it('refreshes: a new access token, no new refresh token (the old one stays valid); an unknown refresh token is invalid_grant', async () => {
		const first = await tokensFor();
		const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, ...postAuth });
		expect(refreshed.status).toBe(200);
		expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'expires_in', 'idpInitiated', 'token_type']);
		expect(refreshed.body.access_token).not.toBe(first.access_token);
		expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, ...postAuth })).status).toBe(200);
		expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'made-up', ...postAuth })).toEqual({ status: 400, body: invalidGrant });
	});

	it('refuses a refresh token past OAUTH_REFRESH_TOKEN_VALIDITY', async () => {
		const first = await tokensFor();
		nowMs += 7_776_000_000;
		expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, ...postAuth })).toEqual({ status: 400, body: invalidGrant });
		expect(emulator.oauth.stats.lastRejection).toBe('refresh token expired');
	});
});

describe('SQL API with X-Snowflake-Authorization-Token-Type: OAUTH', () => {
	it('runs statements with the role the token was issued for', async () => {
		const { access_token } = await tokensFor();
		const response = await runAs(access_token as string);
		expect(response.status).toBe(200);
		expect(response.body.data).toEqual([['ANALYST']]);
	});

	it('uses the default role for a token without a role scope', async () => {
		const { access_token } = await tokensFor('refresh_token');
		expect((await runAs(access_token as string)).body.data).toEqual([['EMULATOR_ROLE']]);
	});

	it('answers an expired access token 401 390318, and the refreshed one works', async () => {
		const first = await tokensFor();
		nowMs += 600_000;
		const expired = await runAs(first.access_token as string);
		expect(expired.status).toBe(401);
		expect(expired.body).toEqual({ code: '390318', message: expect.stringMatching(/^OAuth access token expired\. \[\d{15}\]$/) });
		const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, ...postAuth });
		expect((await runAs(refreshed.body.access_token as string)).status).toBe(200);
	});

	it('answers an unknown or revoked token 401 390303 with its last 8 characters', async () => {
		const unknown = await runAs('ver:1-hint:1234-notissuedbytheemulator');
		expect(unknown.status).toBe(401);
		expect(unknown.body).toEqual({ code: '390303', message: 'Invalid OAuth access token. ...emulator' });

		const { access_token } = await tokensFor();
		emulator.oauth.revoke(access_token as string);
		const revoked = await runAs(access_token as string);
		expect(revoked.body).toEqual({ code: '390303', message: `Invalid OAuth access token. ...${(access_token as string).slice(-8)}` });
	});

	it('refuses a role other than the token\'s with 401 390317 (code unconfirmed) and accepts the token\'s own role', async () => {
		const { access_token } = await tokensFor();
		const other = await runAs(access_token as string, { statement: 'SELECT 1', role: 'SYSADMIN' });
		expect(other.status).toBe(401);
		expect(other.body).toEqual({
			code: '390317',
			message:
				"The role requested in the connection, or the default role if none was requested in the connection ('SYSADMIN'), is not listed in the Access Token or was filtered. Please specify another role, or contact your OAuth Authorization server administrator.",
		});
		expect((await runAs(access_token as string, { statement: 'SELECT CURRENT_ROLE()', role: 'ANALYST' })).body.data).toEqual([['ANALYST']]);
	});

	it('does not take an OAuth token as a key-pair JWT or the other way round', async () => {
		const { access_token } = await tokensFor();
		const asJwt = await api.submit({ statement: 'SELECT 1' }, undefined, { token: access_token as string });
		expect(asJwt.status).toBe(401);
		expect(asJwt.body.code).toBe('390144');
	});
});

// ---------------------------------------------------------------- against the captures (captures/README.md)

describe('OAuth answers against the captures', () => {
	const capture = (file: string) => JSON.parse(readFileSync(join(__dirname, 'captures', file), 'utf8')) as Record<string, unknown>;

	it('the token response has the keys of the driver fixture, the refresh response too', async () => {
		const first = await tokensFor();
		expect(Object.keys(first).sort()).toEqual(Object.keys(capture('jdbc-oauth-authorization-code.200.json')).sort());
		const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token as string, ...postAuth });
		expect(Object.keys(refreshed.body).sort()).toEqual(Object.keys(capture('jdbc-oauth-refresh.200.json')).sort());
	});

	it('a refused client is the documented body, an expired token the captured 390318 shape', async () => {
		expect(await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody', client_secret: 'x' })).toEqual({
			status: 400,
			body: capture('docs-oauth-invalid-client.json'),
		});
		const captured = capture('rest-oauth-token-expired.401.json');
		const { access_token } = await tokensFor();
		nowMs += 600_000;
		const expired = (await runAs(access_token as string)).body;
		expect(Object.keys(expired).sort()).toEqual(Object.keys(captured).sort());
		expect(expired.code).toBe(captured.code);
		const shape = /^OAuth access token expired\. \[\d{13,15}\]$/;
		expect([captured.message, capture('jdbc-oauth-token-expired.390318.json').message, expired.message].every((message) => shape.test(message as string))).toBe(true);
	});
});

// ---------------------------------------------------------------- External OAuth

describe('External OAuth tokens from the IdP', () => {
	async function clientCredentialsToken(scope = 'session:role:ANALYST'): Promise<string> {
		const response = await fetch(idp.tokenUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`svc-client:${IDP_CLIENT.clientSecret}`).toString('base64')}` },
			body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
		});
		expect(response.status).toBe(200);
		const body = (await response.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
		return body.access_token as string;
	}

	it('the IdP refuses a wrong client secret and another grant', async () => {
		const post = (form: Record<string, string>) =>
			fetch(idp.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
		const wrong = await post({ grant_type: 'client_credentials', client_id: 'svc-client', client_secret: 'nope' });
		expect([wrong.status, await wrong.json()]).toEqual([401, { error: 'invalid_client', error_description: 'Client authentication failed.' }]);
		const grant = await post({ grant_type: 'password', client_id: 'svc-client', client_secret: IDP_CLIENT.clientSecret });
		expect([grant.status, await grant.json()]).toEqual([400, { error: 'unsupported_grant_type' }]);
	});

	it('accepts a client-credentials JWT: user from sub, role from scp', async () => {
		const response = await runAs(await clientCredentialsToken());
		expect(response.status).toBe(200);
		expect(response.body.data).toEqual([['ANALYST']]);
	});

	it('answers an expired JWT 390318 and a fresh one works', async () => {
		const token = await clientCredentialsToken();
		nowMs += 301_000;
		const expired = await runAs(token);
		expect(expired.status).toBe(401);
		expect(expired.body.code).toBe('390318');
		expect((await runAs(await clientCredentialsToken())).status).toBe(200);
	});

	it.each([
		['another issuer', { iss: 'https://other-idp.example/' }, '390303', 'External OAuth JWT: unexpected "iss" claim value'],
		['another audience', { aud: 'https://other.example/' }, '390303', 'External OAuth JWT: unexpected "aud" claim value'],
		['no iat', { iat: undefined }, '390303', 'External OAuth JWT: missing required "iat" claim'],
		['a user Snowflake does not have', { sub: 'nobody' }, '390100', 'no user with LOGIN_NAME nobody'],
	])('refuses a JWT with %s', async (_label, claims, code, detail) => {
		const token = await idp.mint({ sub: 'svc_n8n', scp: ['session:role:ANALYST'], ...claims });
		const response = await runAs(token);
		expect(response.status).toBe(401);
		expect(response.body.code).toBe(code);
		expect(emulator.oauth.stats.lastRejection).toBe(detail);
	});

	it('refuses a JWT signed by a key the integration does not hold', async () => {
		const stranger = generateRsaKeyPair().privateKey;
		const response = await runAs(await idp.mint({ sub: 'svc_n8n' }, { key: stranger }));
		expect(response.body).toEqual({ code: '390303', message: expect.stringMatching(/^Invalid OAuth access token\. \.\.\..{8}$/) });
		expect(emulator.oauth.stats.lastRejection).toBe('External OAuth JWT: signature verification failed');
	});

	it('with EXTERNAL_OAUTH_RSA_PUBLIC_KEY instead of a JWKS URL', async () => {
		const withKey = await startEmulator({
			syncWaitMs: 5000,
			clock,
			users: [{ user: SERVICE_USER, publicKeys: [generateRsaKeyPair().publicKeyPem] }],
			externalOAuth: { issuer: idp.issuer, audience: [idp.audience], publicKeys: [generateRsaKeyPair().publicKeyPem, idp.publicKeyPem] },
		});
		try {
			const response = await new SqlApi(withKey.url, '').submit({ statement: 'SELECT CURRENT_ROLE()' }, undefined, {
				token: await clientCredentialsToken(),
				headers: { 'X-Snowflake-Authorization-Token-Type': 'OAUTH' },
			});
			expect(response.body.data).toEqual([['ANALYST']]);
		} finally {
			await withKey.stop();
		}
	});
});
