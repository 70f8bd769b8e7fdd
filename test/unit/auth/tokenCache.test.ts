import { afterEach, beforeEach, describe, it, expect } from 'vitest';

import {
	authenticateRequest,
	getAuthStats,
	invalidateToken,
	RENEW_MARGIN_MS,
	resetAuthCache,
	setAuthClock,
	type SnowflakeKeyPairCredentials,
} from '../../../nodes/SnowflakeSqlApi/transport/auth';
import { SnowflakeConfigError } from '../../../nodes/SnowflakeSqlApi/transport/errors';
import { generateRsaKeyPair, testKeys } from '../../helpers/keys';
import { bearerToken, credentials, fakeClock, verifyJwt } from './support';

const keys = testKeys();
const MINUTE = 60_000;
const NOW = Date.UTC(2026, 10, 26, 9, 30, 0);
const clock = fakeClock(NOW);

async function tokenFor(creds: SnowflakeKeyPairCredentials): Promise<string> {
	const request = await authenticateRequest(creds, { url: '/api/v2/statements' });
	return bearerToken(request.headers);
}

beforeEach(() => {
	resetAuthCache();
	clock.set(NOW);
	setAuthClock(clock.now);
});

afterEach(() => {
	setAuthClock();
});

describe('JWT cache', () => {
	it('reuses one token for 54 minutes, then signs a new one with five minutes left', async () => {
		expect(RENEW_MARGIN_MS).toBe(5 * MINUTE);
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		clock.advance(54 * MINUTE - 1);
		expect(await tokenFor(creds)).toBe(first);
		expect(getAuthStats().signatures).toBe(1);

		clock.advance(1);
		const second = await tokenFor(creds);
		expect(second).not.toBe(first);
		expect(getAuthStats().signatures).toBe(2);
		const { payload } = await verifyJwt(second, keys.publicKeyPem, clock.now());
		expect(payload.iat).toBe(Math.floor((NOW + 54 * MINUTE) / 1000));
	});

	it('never hands out a token with less than five minutes to live', async () => {
		const creds = credentials(keys.pkcs8);
		for (let minute = 0; minute <= 180; minute++) {
			clock.set(NOW + minute * MINUTE + 30_000);
			const { payload } = await verifyJwt(await tokenFor(creds), keys.publicKeyPem, clock.now());
			expect((payload.exp ?? 0) * 1000 - clock.now()).toBeGreaterThanOrEqual(RENEW_MARGIN_MS);
		}
		// 181 minutes of requests: a signature about every 54 minutes.
		expect(getAuthStats().signatures).toBe(4);
	});

	it('1000 requests from one credential: one signature, one key parse (no PBKDF2 per request)', async () => {
		const creds = credentials(keys.pkcs8Des3, { privateKeyPassphrase: keys.passphrase });
		const tokens = new Set<string>();
		for (let i = 0; i < 1000; i++) {
			clock.advance(2_000);
			tokens.add(await tokenFor(creds));
		}
		expect(tokens.size).toBe(1);
		expect(getAuthStats()).toEqual({ signatures: 1, keyLoads: 1 });
	});

	it('invalidateToken forces a new signature on the next request only', async () => {
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		clock.advance(10 * MINUTE);
		invalidateToken(creds);
		const second = await tokenFor(creds);
		expect(second).not.toBe(first);
		expect(await tokenFor(creds)).toBe(second);
		expect(getAuthStats().signatures).toBe(2);
	});

	it('invalidateToken counts as a forced re-sign even within the same second', async () => {
		const creds = credentials(keys.pkcs8);
		await tokenFor(creds);
		invalidateToken(creds);
		await tokenFor(creds);
		expect(getAuthStats().signatures).toBe(2);
	});

	it('keeps separate tokens per key, user and claim account', async () => {
		const other = generateRsaKeyPair();
		const base = await tokenFor(credentials(keys.pkcs8));
		const otherKey = await tokenFor(credentials(other.privateKeyPem));
		const otherUser = await tokenFor(credentials(keys.pkcs8, { user: 'someone_else' }));
		const otherAccount = await tokenFor(credentials(keys.pkcs8, { account: 'myorg-myaccount' }));
		expect(new Set([base, otherKey, otherUser, otherAccount]).size).toBe(4);
		expect(getAuthStats().signatures).toBe(4);

		const { payload } = await verifyJwt(otherKey, other.publicKeyPem, NOW);
		expect(payload.iss).toBe(`XY12345.MY_USER.${other.fingerprint}`);
		invalidateToken(credentials(other.privateKeyPem));
		expect(await tokenFor(credentials(keys.pkcs8))).toBe(base);
	});

	it('shares one token between spellings of the same identity (region, case, host override, key encoding)', async () => {
		const first = await tokenFor(credentials(keys.pkcs8, { account: 'xy12345.ap-southeast-2' }));
		const same = [
			credentials(keys.pkcs8, { account: 'XY12345', user: 'MY_USER' }),
			credentials(keys.pkcs8, { host: 'http://127.0.0.1:8080' }),
			credentials(keys.pkcs1),
			credentials(keys.pkcs8Aes256, { privateKeyPassphrase: keys.passphrase }),
		];
		for (const creds of same) expect(await tokenFor(creds)).toBe(first);
		expect(getAuthStats().signatures).toBe(1);
	});

	it('re-signs when the clock went back before the token was issued', async () => {
		const creds = credentials(keys.pkcs8);
		await tokenFor(creds);
		clock.set(NOW - 2 * MINUTE);
		const token = await tokenFor(creds);
		const { payload } = await verifyJwt(token, keys.publicKeyPem, clock.now());
		expect(payload.iat).toBe(Math.floor((NOW - 2 * MINUTE) / 1000));
		expect(getAuthStats().signatures).toBe(2);
	});

	it('resetAuthCache forgets tokens and keys and zeroes the counters', async () => {
		const creds = credentials(keys.pkcs8);
		await tokenFor(creds);
		resetAuthCache();
		expect(getAuthStats()).toEqual({ signatures: 0, keyLoads: 0 });
		await tokenFor(creds);
		expect(getAuthStats()).toEqual({ signatures: 1, keyLoads: 1 });
	});

	it('invalidateToken validates the credentials like a request does', () => {
		expect(() => invalidateToken(credentials(keys.pkcs8, { user: ' ' }))).toThrow(SnowflakeConfigError);
	});

	it('setAuthClock() without an argument restores the real clock', async () => {
		setAuthClock();
		const before = Math.floor(Date.now() / 1000);
		const { payload } = await verifyJwt(await tokenFor(credentials(keys.pkcs8)), keys.publicKeyPem, Date.now());
		expect(payload.iat).toBeGreaterThanOrEqual(before);
		expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
	});
});
