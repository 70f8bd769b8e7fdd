/**
 * The credential kinds behind the Authentication parameter, below n8n: the snowflakePatApi credential's
 * fields and `authenticate`, token cleaning (what users paste), the OAuth2 request shaping n8n's OAuth2
 * machinery completes, the key pair through the same RequestAuth, and the 401 hint each kind gets.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { SnowflakePatApi } from '../../../credentials/SnowflakePatApi.credentials';
import { SnowflakeKeyPairApi } from '../../../credentials/SnowflakeKeyPairApi.credentials';
import { checkDecodeOptions, createRowDecoder } from '../../../nodes/SnowflakeSqlApi/decoder';
import { boundText, requestAuth, SnowflakeClient, type CredentialKind, type HttpResponse } from '../../../nodes/SnowflakeSqlApi/transport';
import { testKeys } from '../../helpers/keys';
import { captureError, CONFIG_ERROR } from './support';

/** A made-up token, built here so that nothing in the source looks like a secret. */
const TOKEN = ['pat', '0123456789abcdefghij', 'klmnopqrstuvwxyzABCDEFGHIJ'].join('-');
const credential = new SnowflakePatApi();
const keyPairCredential = new SnowflakeKeyPairApi();

const pat = (token: string, fields: Record<string, unknown> = {}) => requestAuth('programmaticAccessToken', { account: 'myorg.myaccount', token, ...fields }).auth;
const authorizationOf = async (token: string) => (await pat(token).authenticateRequest({ url: '/api/v2/statements' })).headers.Authorization;

describe('snowflakePatApi credential type', () => {
	it('identity, documentation, a password field for the token, and the key-pair credential\'s shared fields', () => {
		expect(credential.name).toBe('snowflakePatApi');
		expect(credential.displayName).toBe('Snowflake Programmatic Access Token');
		expect(credential.documentationUrl).toBe('https://docs.snowflake.com/en/user-guide/programmatic-access-tokens');
		expect(credential.properties.map((property) => property.name)).toEqual(['account', 'token', 'host', 'role', 'warehouse', 'database', 'schema']);
		expect(credential.properties.find((property) => property.name === 'token')).toMatchObject({ type: 'string', typeOptions: { password: true }, required: true });
		// The same builders: host and the context defaults are word for word the key pair's.
		for (const name of ['host', 'role', 'warehouse', 'database', 'schema']) {
			expect(credential.properties.find((property) => property.name === name)).toEqual(keyPairCredential.properties.find((property) => property.name === name));
		}
	});

	it('authenticate: base URL from the account, Bearer token, token type PROGRAMMATIC_ACCESS_TOKEN; the caller\'s object untouched', async () => {
		const request: IHttpRequestOptions = { url: '/api/v2/statements', method: 'POST', headers: { authorization: 'Basic x', 'x-snowflake-authorization-token-type': 'OAUTH', 'X-Custom': '1' } };
		const authenticate = credential.authenticate as (credentials: Record<string, unknown>, request: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
		const signed = await authenticate({ account: 'myorg.myaccount', token: TOKEN }, request);
		expect(signed).toEqual({
			url: '/api/v2/statements',
			method: 'POST',
			baseURL: 'https://myorg-myaccount.snowflakecomputing.com',
			headers: {
				'X-Custom': '1',
				Authorization: `Bearer ${TOKEN}`,
				'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN',
				Accept: 'application/json',
				'User-Agent': expect.stringMatching(/^n8n-nodes-snowflake-sql-api\//),
			},
		});
		expect(request.headers).toEqual({ authorization: 'Basic x', 'x-snowflake-authorization-token-type': 'OAUTH', 'X-Custom': '1' });
	});

	it('the host override, under the key pair\'s rules', async () => {
		const signed = await pat(TOKEN, { host: 'http://127.0.0.1:8080' }).authenticateRequest({ url: '/x' });
		expect(signed.baseURL).toBe('http://127.0.0.1:8080');
		expect(await captureError(() => pat(TOKEN, { host: 'http://example.com' }).authenticateRequest({ url: '/x' }))).toMatchObject({
			message: expect.stringMatching(/^Host uses http:\/\/ for a non-loopback address/),
		});
		expect(pat(TOKEN, { account: 'xy12345.us-east-2.aws' }).describe()).toEqual({
			kind: 'programmaticAccessToken',
			account: 'XY12345',
			host: 'xy12345.us-east-2.aws.snowflakecomputing.com',
			baseUrl: 'https://xy12345.us-east-2.aws.snowflakecomputing.com',
		});
	});
});

describe('token cleaning', () => {
	it.each([
		['surrounding spaces and a trailing newline', `  ${TOKEN}\n`],
		['double quotes', `"${TOKEN}"`],
		['smart quotes', `\u201c${TOKEN}\u201d`],
		['single quotes and spaces', ` '${TOKEN}' `],
		['a Bearer prefix', `Bearer ${TOKEN}`],
		['a lower-case bearer prefix with a tab', `bearer\t${TOKEN}`],
		['a quoted Bearer line', `"Bearer ${TOKEN}"`],
		['Bearer, then the token quoted', `Bearer "${TOKEN}"`],
		['a token wrapped over lines', `${TOKEN.slice(0, 20)}\r\n${TOKEN.slice(20)}`],
		['a non-breaking space and a byte-order mark', `\ufeff${TOKEN}\u00a0`],
	])('repairs %s', async (_label, pasted) => {
		expect(await authorizationOf(pasted)).toBe(`Bearer ${TOKEN}`);
	});

	it('a token that merely starts with "Bearer" is kept', async () => {
		expect(await authorizationOf(`Bearerish${TOKEN}`)).toBe(`Bearer Bearerish${TOKEN}`);
	});

	it.each([
		['empty', '', 'Token is empty: paste the programmatic access token secret (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN shows it once, as token_secret).'],
		['only spaces and quotes', ' "" ', 'Token is empty: paste the programmatic access token secret (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN shows it once, as token_secret).'],
		['only Bearer', 'Bearer ', 'Token is empty: paste the programmatic access token secret (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN shows it once, as token_secret).'],
		[
			'a PEM private key',
			testKeys().pkcs8,
			'Token contains a PEM key (-----BEGIN ...): a private key belongs in the Snowflake Key-Pair API credential (Authentication: Key Pair), not here. Paste the programmatic access token secret instead.',
		],
		['a non-ASCII character', `${TOKEN.slice(0, 5)}é${TOKEN.slice(5)}`, 'Token contains a character a token cannot have (at position 6): copy the token secret again, as plain text.'],
		['9,000 characters', 'a'.repeat(9000), 'Token is 9000 characters long (at most 8192): paste only the token secret Snowflake showed once when it was generated.'],
	])('refuses %s, with a message that never quotes the token', async (_label, pasted, message) => {
		const error = await captureError(() => pat(pasted).authenticateRequest({ url: '/x' }));
		expect(error).toMatchObject({ ...CONFIG_ERROR, message });
		expect(() => pat(pasted).describe()).toThrow(message);
	});
});

describe('OAuth2 request shaping (n8n sets Authorization and refreshes the token)', () => {
	it('base URL, token type OAUTH, Accept and User-Agent; no Authorization of its own, the caller\'s dropped', async () => {
		const { auth } = requestAuth('oAuth2', { account: 'myorg-myaccount', oauthTokenData: { access_token: 'never-read' } });
		const shaped = await auth.authenticateRequest({ url: '/api/v2/statements', headers: { Authorization: 'Bearer stale' } });
		expect(shaped).toEqual({
			url: '/api/v2/statements',
			baseURL: 'https://myorg-myaccount.snowflakecomputing.com',
			headers: { 'X-Snowflake-Authorization-Token-Type': 'OAUTH', Accept: 'application/json', 'User-Agent': expect.any(String) },
		});
		expect(auth.describe()).toEqual({ kind: 'oAuth2', account: 'MYORG-MYACCOUNT', host: 'myorg-myaccount.snowflakecomputing.com', baseUrl: 'https://myorg-myaccount.snowflakecomputing.com' });
	});

	/** Made-up OAuth values, built here so that nothing in the source looks like a secret. */
	const opaque = (name: string) => ['ver:1-hint:1234567', name, '0123456789abcdefghijklmnopqrstuvwxyz'].join('-');
	const oauth = (fields: Record<string, unknown>, refresh?: () => Promise<unknown>) =>
		requestAuth('oAuth2', { account: 'myorg-myaccount', grantType: 'pkce', ...fields }, refresh).auth;

	it('Snowflake OAuth before Connect: refused before anything is sent; External OAuth fetches its first token itself', () => {
		expect(() => oauth({}).describe()).toThrow(
			'The Snowflake OAuth2 credential is not connected yet: open it and click Connect my account to sign in to Snowflake once (or choose External OAuth for a service user).',
		);
		expect(oauth({ grantType: 'clientCredentials' }).describe().kind).toBe('oAuth2');
	});

	it('the client secret and the tokens n8n holds are redacted from server text once a request was shaped', async () => {
		const tokens = { access_token: opaque('access'), refresh_token: opaque('refresh') };
		const clientSecret = ['client', 'secret', '0123456789abcdef'].join('-');
		await oauth({ clientSecret, oauthTokenData: tokens }).authenticateRequest({ url: '/x' });
		expect(boundText(`a ${tokens.access_token} r ${tokens.refresh_token} s ${clientSecret}`)).toBe('a [redacted-token] r [redacted-token] s [redacted-token]');
	});

	it('an expired token is refreshed through the injected refresh, and the new token redacted too', async () => {
		const renewed = { access_token: opaque('renewed'), refresh_token: opaque('renewed-refresh') };
		let calls = 0;
		const auth = oauth({ oauthTokenData: { access_token: opaque('old') } }, async () => {
			calls++;
			return renewed;
		});
		await auth.invalidateToken();
		expect(calls).toBe(1);
		expect(boundText(`echo ${renewed.access_token}`)).toBe('echo [redacted-token]');
	});

	it('a refused refresh says so in the user\'s terms, keeps no cause and quotes no secret', async () => {
		const refreshToken = opaque('refused');
		const auth = oauth({ oauthTokenData: { access_token: opaque('old-2'), refresh_token: refreshToken } }, async () => {
			throw Object.assign(new Error(`invalid_grant for ${refreshToken}`), { config: { data: `refresh_token=${refreshToken}` } });
		});
		await auth.authenticateRequest({ url: '/x' });
		const error = await captureError(async () => await auth.invalidateToken());
		expect(error).toMatchObject({ name: 'SnowflakeAuthError', message: 'n8n could not get a new OAuth access token for Snowflake: invalid_grant for [redacted-token]' });
		expect((error as Error).cause).toBeUndefined();
		expect((error as { hint?: string }).hint).toMatch(/^Open the credential and reconnect it\./);
	});

	it('no refresh in this context: the message says to reconnect instead of failing obscurely', async () => {
		const error = await captureError(async () => await oauth({ oauthTokenData: { access_token: opaque('old-3') } }).invalidateToken());
		expect(error).toMatchObject({
			name: 'SnowflakeAuthError',
			message:
				'Snowflake said the OAuth access token expired, and n8n offers no token refresh here: run the workflow once (n8n refreshes the token then) or reconnect the credential.',
		});
	});
});

describe('the key pair through the same RequestAuth', () => {
	it('signs a KEYPAIR_JWT and describes user, claim account and fingerprint', async () => {
		const keys = testKeys();
		const { auth, defaults } = requestAuth('keyPair', { account: 'xy12345.us-east-2.aws', user: 'me', privateKey: keys.pkcs8, role: 'ANALYST', extra: 1 });
		expect(defaults).toEqual({ role: 'ANALYST', warehouse: undefined, database: undefined, schema: undefined });
		const signed = await auth.authenticateRequest({ url: '/x' });
		expect(signed.headers['X-Snowflake-Authorization-Token-Type']).toBe('KEYPAIR_JWT');
		expect(String(signed.headers.Authorization)).toMatch(/^Bearer eyJ/);
		expect(auth.describe()).toEqual({
			kind: 'keyPair',
			account: 'XY12345',
			user: 'ME',
			host: 'xy12345.us-east-2.aws.snowflakecomputing.com',
			baseUrl: 'https://xy12345.us-east-2.aws.snowflakecomputing.com',
			fingerprint: keys.fingerprint,
		});
	});

	it('an unknown kind is refused', () => {
		expect(() => requestAuth('password' as CredentialKind, {})).toThrow('Authentication "password" is not supported: choose Key Pair, Programmatic Access Token or OAuth2.');
	});
});

describe('the 401 hint speaks of the credential that was sent', () => {
	async function refusedWith(kind: CredentialKind, body: Record<string, string>): Promise<{ message: string; hint?: string }> {
		const http = async (): Promise<HttpResponse> => ({ status: 401, headers: { 'content-type': 'application/json' }, body });
		const client = new SnowflakeClient({
			http,
			sleep: async () => {},
			decoder: { checkDecodeOptions, createRowDecoder },
			credentialKind: kind,
			claimAccount: 'MYORG-MYACCOUNT',
			...(kind === 'keyPair' ? { user: 'ME', fingerprint: 'SHA256:abc=' } : {}),
		});
		return (await captureError(() => client.execute({ statement: 'SELECT 1' }))) as Error & { hint?: string };
	}

	it('key pair: the fingerprint to compare, as before', async () => {
		const error = await refusedWith('keyPair', { code: '390144', message: 'JWT token is invalid.' });
		expect(error.hint).toMatch(/^Snowflake refused the key-pair JWT\. Likely causes:\n/);
		expect(error.hint).toContain('SHA256:abc=');
	});

	it('programmatic access token: expired, revoked or wrong; no fingerprint, no JWT', async () => {
		const error = await refusedWith('programmaticAccessToken', { code: '394400', message: 'Programmatic access token is invalid.' });
		expect(error.message).toBe('Programmatic access token is invalid. (code 394400)');
		expect(error.hint).toMatch(/^Snowflake refused the programmatic access token\. It answers the same for each of these causes:\n- the token expired /);
		expect(error.hint).toContain("(this credential's account is MYORG-MYACCOUNT)");
		expect(error.hint).not.toMatch(/fingerprint|JWT|RSA_PUBLIC_KEY/);
	});

	it('programmatic access token without a network policy: service users cannot use one without it', async () => {
		const error = await refusedWith('programmaticAccessToken', { code: '390432', message: 'Network policy is required.' });
		expect(error.hint).toContain('A service user (TYPE=SERVICE) cannot use a programmatic access token at all without one');
	});

	it('OAuth2: reconnect, never a fingerprint', async () => {
		const error = await refusedWith('oAuth2', { code: '390303', message: 'Invalid OAuth access token. ...TTTTTTTT' });
		expect(error.hint).toMatch(/^Snowflake refused the OAuth access token/);
		expect(error.hint).not.toMatch(/fingerprint|RSA_PUBLIC_KEY/);
	});
});

describe('a programmatic access token is redacted by value', () => {
	it('once sent, server text quoting it whole shows [redacted-token], also next to Bearer and inside JWT-looking text', async () => {
		const token = ['pat', 'unique', '4c1f0e2a9b8d7c6e5f4a3b2c1d0e'].join('-');
		await pat(token).authenticateRequest({ url: '/x' });
		expect(boundText(`echo ${token} echo`)).toBe('echo [redacted-token] echo');
		expect(boundText(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer [redacted]');
		expect(boundText(`x${token}eyJ`)).toBe('x[redacted-token][redacted JWT]');
		expect(boundText(`${token.slice(0, 10)}\u0001${token.slice(10)}`)).toBe('[redacted-token]');
	});

	it('still redacted after 100 other credentials sent their secrets (many OAuth and PAT credentials in use at once)', async () => {
		const first = ['pat', 'first', '4c1f0e2a9b8d7c6e5f4a3b2c1d0e'].join('-');
		await pat(first).authenticateRequest({ url: '/x' });
		for (let i = 0; i < 100; i++) await pat(['pat', 'other', String(i).padStart(3, '0'), '9b8d7c6e5f4a3b2c'].join('-')).authenticateRequest({ url: '/x' });
		expect(boundText(`Programmatic access token ${first} is invalid.`)).toBe('Programmatic access token [redacted-token] is invalid.');
	});

	it('of two secrets that start alike, the longer one quoted is redacted whole', async () => {
		const short = ['pat', 'shared', 'prefix', '0123456789'].join('-');
		await pat(short).authenticateRequest({ url: '/x' });
		await pat(`${short}-longer-tail`).authenticateRequest({ url: '/x' });
		expect(boundText(`a ${short}-longer-tail b ${short} c`)).toBe('a [redacted-token] b [redacted-token] c');
	});
});
