/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IHttpRequestOptions } from 'n8n-workflow';
import { describe, it, expect, vi } from 'vitest';

import { SnowflakeKeyPairApi } from '../../../credentials/SnowflakeKeyPairApi.credentials';
import { KeyPairAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import { cryptoCalls } from '../../helpers/cryptoCalls';
import { testKeys } from '../../helpers/keys';
import { bearerToken, captureError, credentials, verifyJwt, CONFIG_ERROR } from './support';

vi.mock('node:crypto', async (importOriginal) =>
	(await import('../../helpers/cryptoCalls')).countingCrypto(await importOriginal()),
);

const ROOT = join(__dirname, '..', '..', '..');
const keys = testKeys();
const credential = new SnowflakeKeyPairApi();

function property(name: string) {
	const found = credential.properties.find((candidate) => candidate.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const USER_AGENT = `${manifest.name}/${manifest.version}`;

describe('User-Agent', () => {
	it('names the package and its version as package.json does', async () => {
		const request = await new KeyPairAuth({ now: Date.now }).authenticateRequest(credentials(keys.pkcs8), { url: '/x' });
		expect(request.headers['User-Agent']).toBe(USER_AGENT);
	});
});

describe('SnowflakeKeyPairApi credential type', () => {
	it('identity, documentation and themed icons', () => {
		expect(credential.name).toBe('snowflakeKeyPairApi');
		expect(credential.displayName).toMatch(/^Snowflake .*API$/);
		expect(credential.documentationUrl).toMatch(/^https:\/\/docs\.snowflake\.com\//);
		expect(credential.icon).toEqual({ light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' });
	});

	it('the icon files exist, are SVG, and differ between light and dark', () => {
		const light = readFileSync(join(ROOT, 'credentials', 'snowflake.svg'), 'utf8');
		const dark = readFileSync(join(ROOT, 'credentials', 'snowflake.dark.svg'), 'utf8');
		for (const svg of [light, dark]) {
			expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 64 64"/);
			expect(svg.trim().endsWith('</svg>')).toBe(true);
		}
		expect(light).not.toBe(dark);
	});

	it('has exactly the documented fields, in form order', () => {
		expect(credential.properties.map((field) => field.name)).toEqual([
			'account',
			'user',
			'privateKey',
			'privateKeyPassphrase',
			'host',
			'role',
			'warehouse',
			'database',
			'schema',
		]);
		for (const field of credential.properties) {
			expect(field.type).toBe('string');
			expect(field.default).toBe('');
			expect(field.description).toBeTruthy();
		}
	});

	it('account explains the accepted forms; account, user and private key are required', () => {
		expect(property('account').description).toMatch(/myorg-myaccount.*xy12345\.us-east-2\.aws.*https:\/\//);
		expect(property('account').required).toBe(true);
		expect(property('user').required).toBe(true);
		expect(property('privateKey').required).toBe(true);
		expect(property('privateKeyPassphrase').required).toBeFalsy();
		expect(property('host').required).toBeFalsy();
	});

	it('private key and passphrase are password fields; the key field has four rows', () => {
		expect(property('privateKey').typeOptions).toEqual({ password: true, rows: 4 });
		expect(property('privateKeyPassphrase').typeOptions).toEqual({ password: true });
	});

	it('host mentions PrivateLink and the loopback emulator', () => {
		expect(property('host').description).toMatch(/PrivateLink/);
		expect(property('host').description).toMatch(/http:\/\/127\.0\.0\.1/);
	});

	it.each(['role', 'warehouse', 'database', 'schema'])('%s is an optional, case-sensitive default', (name) => {
		expect(property(name).required).toBeFalsy();
		expect(property(name).description).toMatch(/Case-sensitive, spelled exactly as SHOW output lists it/);
	});

	it('has no test request: the node declares testedBy', () => {
		expect('test' in credential).toBe(false);
	});
});

describe('SnowflakeKeyPairApi.authenticate', () => {
	const data = {
		account: 'xy12345.ap-southeast-2',
		user: 'n8n_service',
		privateKey: keys.pkcs8Des3,
		privateKeyPassphrase: keys.passphrase,
		host: '',
		role: '',
		warehouse: 'COMPUTE_WH',
		database: '',
		schema: '',
	};

	it('is a function that signs the request through KeyPairAuth.shared (one cache, one signature)', async () => {
		expect(typeof credential.authenticate).toBe('function');
		const authenticate = credential.authenticate as (
			credentials: typeof data,
			requestOptions: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;

		const options: IHttpRequestOptions = { url: '/api/v2/statements', method: 'POST', body: { statement: 'SELECT 1' } };
		const signaturesBefore = cryptoCalls.sign;
		const viaCredential = await authenticate(data, options);
		const direct = await KeyPairAuth.shared.authenticateRequest(
			{ account: data.account, user: data.user, privateKey: data.privateKey, privateKeyPassphrase: data.privateKeyPassphrase },
			options,
		);
		expect(viaCredential).toEqual(direct);
		expect(cryptoCalls.sign - signaturesBefore).toBe(1);
		expect(viaCredential.baseURL).toBe('https://xy12345.ap-southeast-2.snowflakecomputing.com');
		expect(viaCredential.headers?.['User-Agent']).toBe(USER_AGENT);
		expect(options.headers).toBeUndefined();

		const { payload } = await verifyJwt(bearerToken(viaCredential.headers), keys.publicKeyPem, Date.now());
		expect(payload.sub).toBe('XY12345.N8N_SERVICE');
	});

	it('rejects with SnowflakeConfigError for unusable credentials', async () => {
		const authenticate = credential.authenticate as (
			credentials: Record<string, unknown>,
			requestOptions: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		const error = await captureError(() => authenticate({ ...data, privateKeyPassphrase: '' }, { url: '/x' }));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(/Private Key Passphrase is empty/);
	});
});
