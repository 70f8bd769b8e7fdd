import { beforeEach, describe, it, expect } from 'vitest';

import {
	KeyPairAuth,
	readCredentials,
} from '../../../nodes/SnowflakeSqlApi/transport';
import type { SnowflakeKeyPairCredentials } from '../../helpers/fetchHttp';
import { generateRsaKeyPair, testKeys } from '../../helpers/keys';
import { bearerToken, captureError, credentials, fakeClock, verifyJwt, CONFIG_ERROR, thrownBy } from './support';

const keys = testKeys();
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0, 750);
const clock = fakeClock(NOW);
let auth: KeyPairAuth;

beforeEach(() => {
	clock.set(NOW);
	auth = new KeyPairAuth({ now: clock.now });
});

const authenticateRequest: KeyPairAuth['authenticateRequest'] = (creds, request) => auth.authenticateRequest(creds, request);
const describeCredentials = (creds: SnowflakeKeyPairCredentials) => auth.describeCredentials(creds);

describe('authenticateRequest: headers and base URL', () => {
	it('adds the four SQL API headers and the account base URL', async () => {
		const request = await authenticateRequest(credentials(keys.pkcs8), { url: '/api/v2/statements' });
		expect(request.baseURL).toBe('https://xy12345.ap-southeast-2.snowflakecomputing.com');
		expect(request.url).toBe('/api/v2/statements');
		expect(request.headers).toEqual({
			Authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/),
			'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
			Accept: 'application/json',
			'User-Agent': 'n8n-nodes-snowflake-sql-api/0.1.0',
		});
	});

	it('keeps the other headers and fields, and replaces any spelling of the auth headers', async () => {
		const request = await authenticateRequest(credentials(keys.pkcs8), {
			url: '/api/v2/statements',
			method: 'POST',
			body: { statement: 'SELECT 1' },
			headers: {
				'Content-Type': 'application/json',
				'Accept-Encoding': 'gzip',
				authorization: 'Basic stale',
				accept: '*/*',
				'user-agent': 'other/1.0',
				'x-snowflake-authorization-token-type': 'OAUTH',
			},
		});
		expect(request.method).toBe('POST');
		expect(request.body).toEqual({ statement: 'SELECT 1' });
		expect(Object.keys(request.headers).sort()).toEqual(
			[
				'Accept',
				'Accept-Encoding',
				'Authorization',
				'Content-Type',
				'User-Agent',
				'X-Snowflake-Authorization-Token-Type',
			].sort(),
		);
		expect(request.headers['Content-Type']).toBe('application/json');
		expect(request.headers['Accept-Encoding']).toBe('gzip');
		expect(request.headers['X-Snowflake-Authorization-Token-Type']).toBe('KEYPAIR_JWT');
	});

	it('keeps a base URL the request already has; an empty one counts as none', async () => {
		const kept = await authenticateRequest(credentials(keys.pkcs8), { url: '/x', baseURL: 'http://127.0.0.1:9' });
		expect(kept.baseURL).toBe('http://127.0.0.1:9');
		const filled = await authenticateRequest(credentials(keys.pkcs8), { url: '/x', baseURL: '' });
		expect(filled.baseURL).toBe('https://xy12345.ap-southeast-2.snowflakecomputing.com');
	});

	it('uses the host override for the base URL', async () => {
		const request = await authenticateRequest(credentials(keys.pkcs8, { host: 'http://127.0.0.1:8080' }), {
			url: '/api/v2/statements',
		});
		expect(request.baseURL).toBe('http://127.0.0.1:8080');
	});

	it('returns a copy: the caller\'s request and headers are left untouched', async () => {
		const headers = { 'Content-Type': 'application/json' };
		const original = { url: '/api/v2/statements', headers };
		const snapshot = structuredClone(original);
		const request = await authenticateRequest(credentials(keys.pkcs8), original);
		expect(request).not.toBe(original);
		expect(request.headers).not.toBe(headers);
		expect(original).toEqual(snapshot);
		expect(JSON.stringify(original)).not.toContain(bearerToken(request.headers));
	});

	it('rejects (does not throw synchronously) with SnowflakeConfigError before anything is sent', async () => {
		const pending = authenticateRequest(credentials(keys.pkcs8, { account: '' }), { url: '/x' });
		expect(pending).toBeInstanceOf(Promise);
		const error = await captureError(() => pending);
		expect(error).toMatchObject(CONFIG_ERROR);
		expect((error as { kind?: string }).kind).toBe('config');
	});

	it.each([
		['account', { account: 'my account' }, /^Account contains spaces/],
		['user', { user: '' }, /^User is empty/],
		['host', { host: 'http://example.com' }, /^Host uses http:\/\/ for a non-loopback address/],
		['private key', { privateKey: keys.publicKeyPem }, /holds a public key/],
	])('reports a bad %s', async (_field, overrides, message) => {
		const error = await captureError(() => authenticateRequest(credentials(keys.pkcs8, overrides), { url: '/x' }));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(message);
	});
});

describe('the KEYPAIR_JWT', () => {
	const nowSeconds = Math.floor(NOW / 1000);

	it.each([
		['xy12345.ap-southeast-2', 'my_user', 'XY12345', 'MY_USER'],
		['https://myorg-my_account.snowflakecomputing.com/', 'John.Doe', 'MYORG-MY_ACCOUNT', 'JOHN.DOE'],
		['xy12345.us-east-1.privatelink', 'svc_n8n', 'XY12345', 'SVC_N8N'],
	])('account %j, user %j: verified by jose, claims exact', async (account, user, claimAccount, claimUser) => {
		const request = await authenticateRequest(credentials(keys.pkcs8, { account, user }), { url: '/x' });
		const { payload, protectedHeader } = await verifyJwt(bearerToken(request.headers), keys.publicKeyPem, NOW);
		expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(payload).toEqual({
			iss: `${claimAccount}.${claimUser}.${keys.fingerprint}`,
			sub: `${claimAccount}.${claimUser}`,
			iat: nowSeconds,
			exp: nowSeconds + 3540,
		});
	});

	it('lives 59 minutes, under Snowflake\'s one-hour cap', async () => {
		const request = await authenticateRequest(credentials(keys.pkcs8), { url: '/x' });
		const token = bearerToken(request.headers);
		const { payload } = await verifyJwt(token, keys.publicKeyPem, NOW + 3539_000);
		expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3540);
		await expect(verifyJwt(token, keys.publicKeyPem, NOW + 3541_000)).rejects.toThrow(/exp/);
	});

	it.each([
		['PKCS#8 des3', () => keys.pkcs8Des3, keys.passphrase],
		['PKCS#8 openssl default', () => keys.pkcs8OpensslDefault, keys.passphrase],
		['PKCS#1', () => keys.pkcs1, undefined],
		['PKCS#1 encrypted', () => keys.pkcs1Encrypted, keys.passphrase],
	])('%s signs tokens that verify with the same public key', async (_name, pem, passphrase) => {
		const request = await authenticateRequest(credentials(pem(), { privateKeyPassphrase: passphrase }), {
			url: '/x',
		});
		const { payload } = await verifyJwt(bearerToken(request.headers), keys.publicKeyPem, NOW);
		expect(payload.iss).toBe(`XY12345.MY_USER.${keys.fingerprint}`);
	});

	it('does not verify with another key (jose actually checks the signature)', async () => {
		const request = await authenticateRequest(credentials(keys.pkcs8), { url: '/x' });
		const other = generateRsaKeyPair();
		await expect(verifyJwt(bearerToken(request.headers), other.publicKeyPem, NOW)).rejects.toThrow(/signature/);
	});
});

describe('describeCredentials', () => {
	it('gives the derived, non-secret facts', () => {
		const described = describeCredentials(
			credentials(keys.pkcs8Des3, {
				account: 'https://myorg-my_account.snowflakecomputing.com',
				user: 'svc',
				privateKeyPassphrase: keys.passphrase,
			}),
		);
		expect(described).toEqual({
			claimAccount: 'MYORG-MY_ACCOUNT',
			user: 'SVC',
			host: 'myorg-my-account.snowflakecomputing.com',
			baseUrl: 'https://myorg-my-account.snowflakecomputing.com',
			fingerprint: keys.fingerprint,
		});
		const text = JSON.stringify(described);
		expect(text).not.toContain(keys.passphrase);
		expect(text).not.toContain(keys.publicKeyBody.slice(0, 40));
	});

	it('reports the host override and keeps the claim derived from the account', () => {
		const described = describeCredentials(
			credentials(keys.pkcs8, { account: 'xy12345.us-east-1', host: 'xy12345.us-east-1.privatelink.snowflakecomputing.com' }),
		);
		expect(described.claimAccount).toBe('XY12345');
		expect(described.host).toBe('xy12345.us-east-1.privatelink.snowflakecomputing.com');
		expect(described.baseUrl).toBe('https://xy12345.us-east-1.privatelink.snowflakecomputing.com');
	});

	it('throws SnowflakeConfigError for bad credentials', () => {
		expect(thrownBy(() => describeCredentials(credentials(keys.pkcs8Aes256)))).toMatchObject(CONFIG_ERROR);
	});
});

describe('readCredentials', () => {
	it('takes the string fields of n8n\'s credential data and ignores anything else', () => {
		expect(
			readCredentials({
				account: 'myorg-myaccount',
				user: 'me',
				privateKey: 'pem',
				privateKeyPassphrase: '',
				host: '',
				role: 'ANALYST',
				warehouse: 'WH',
				database: 'DB',
				schema: 'PUBLIC',
				oauthTokenData: { access_token: 'x' },
			}),
		).toEqual({
			account: 'myorg-myaccount',
			user: 'me',
			privateKey: 'pem',
			privateKeyPassphrase: '',
			host: '',
			role: 'ANALYST',
			warehouse: 'WH',
			database: 'DB',
			schema: 'PUBLIC',
		});
	});

	it('turns missing or non-string required fields into empty strings, so validation explains them', () => {
		expect(readCredentials({ account: 42 })).toEqual({
			account: '',
			user: '',
			privateKey: '',
			privateKeyPassphrase: undefined,
			host: undefined,
			role: undefined,
			warehouse: undefined,
			database: undefined,
			schema: undefined,
		});
	});
});
