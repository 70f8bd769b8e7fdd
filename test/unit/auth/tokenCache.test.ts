import { beforeEach, describe, it, expect, vi } from 'vitest';

import { KeyPairAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import type { SnowflakeKeyPairCredentials } from '../../helpers/fetchHttp';
import { cryptoCalls } from '../../helpers/cryptoCalls';
import { generateRsaKeyPair, testKeys } from '../../helpers/keys';
import { credentials, fakeClock, tokenFrom, verifyJwt, CONFIG_ERROR, thrownBy } from './support';

vi.mock('node:crypto', async (importOriginal) =>
	(await import('../../helpers/cryptoCalls')).countingCrypto(await importOriginal()),
);

const keys = testKeys();
const MINUTE = 60_000;
const RENEW_MARGIN_MS = 5 * MINUTE;
const NOW = Date.UTC(2026, 10, 26, 9, 30, 0);
const clock = fakeClock(NOW);
let auth: KeyPairAuth;
/** node:crypto's counts when the test's instance was made. */
let start = { ...cryptoCalls };

const tokenFor = (creds: SnowflakeKeyPairCredentials): Promise<string> => tokenFrom(auth, creds);
/** JWTs signed by the test's instance. */
const signatures = (): number => cryptoCalls.sign - start.sign;
/** Private keys parsed (PBKDF2 for an encrypted one) by the test's instance. */
const keyParses = (): number => cryptoCalls.createPrivateKey - start.createPrivateKey;

beforeEach(() => {
	clock.set(NOW);
	auth = new KeyPairAuth({ now: clock.now });
	start = { ...cryptoCalls };
});

describe('JWT cache', () => {
	it('reuses one token for 54 minutes, then signs a new one with five minutes left', async () => {
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		clock.advance(54 * MINUTE - 1);
		expect(await tokenFor(creds)).toBe(first);
		expect(signatures()).toBe(1);

		clock.advance(1);
		const second = await tokenFor(creds);
		expect(second).not.toBe(first);
		expect(signatures()).toBe(2);
		const { payload } = await verifyJwt(second, keys.publicKeyPem, clock.now());
		expect(payload.iat).toBe(Math.floor((NOW + 54 * MINUTE) / 1000));
	});

	it('never hands out a token with less than five minutes to live', async () => {
		const creds = credentials(keys.pkcs8);
		const tokens = new Set<string>();
		for (let minute = 0; minute <= 180; minute++) {
			clock.set(NOW + minute * MINUTE + 30_000);
			const token = await tokenFor(creds);
			tokens.add(token);
			const { payload } = await verifyJwt(token, keys.publicKeyPem, clock.now());
			expect((payload.exp ?? 0) * 1000 - clock.now()).toBeGreaterThanOrEqual(RENEW_MARGIN_MS);
		}
		// 181 minutes of requests: a signature about every 54 minutes.
		expect(signatures()).toBe(4);
		expect(tokens.size).toBe(4);
	});

	it('1000 requests from one credential: one signature, one key parse (no PBKDF2 per request)', async () => {
		const creds = credentials(keys.pkcs8Des3, { privateKeyPassphrase: keys.passphrase });
		const tokens = new Set<string>();
		for (let i = 0; i < 1000; i++) {
			clock.advance(2_000);
			tokens.add(await tokenFor(creds));
		}
		expect(tokens.size).toBe(1);
		expect({ signatures: signatures(), keyParses: keyParses() }).toEqual({ signatures: 1, keyParses: 1 });
	});

	it('invalidateToken forces a new signature on the next request only', async () => {
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		clock.advance(10 * MINUTE);
		auth.invalidateToken(creds);
		const second = await tokenFor(creds);
		expect(second).not.toBe(first);
		expect(await tokenFor(creds)).toBe(second);
		expect(signatures()).toBe(2);
	});

	it('invalidateToken counts as a forced re-sign even within the same second', async () => {
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		auth.invalidateToken(creds);
		// Same claims, and RS256 is deterministic: the same bytes, yet signed again.
		expect(await tokenFor(creds)).toBe(first);
		expect(signatures()).toBe(2);
	});

	it('keeps separate tokens per key, user and claim account', async () => {
		const other = generateRsaKeyPair();
		const base = await tokenFor(credentials(keys.pkcs8));
		const otherKey = await tokenFor(credentials(other.privateKeyPem));
		const otherUser = await tokenFor(credentials(keys.pkcs8, { user: 'someone_else' }));
		const otherAccount = await tokenFor(credentials(keys.pkcs8, { account: 'myorg-myaccount' }));
		expect(new Set([base, otherKey, otherUser, otherAccount]).size).toBe(4);
		expect(signatures()).toBe(4);

		const { payload } = await verifyJwt(otherKey, other.publicKeyPem, NOW);
		expect(payload.iss).toBe(`XY12345.MY_USER.${other.fingerprint}`);
		auth.invalidateToken(credentials(other.privateKeyPem));
		clock.advance(1_000);
		expect(await tokenFor(credentials(keys.pkcs8))).toBe(base);
		expect(signatures()).toBe(4);
	});

	it('shares one token between spellings of the same identity (region, case, host override, key encoding)', async () => {
		const first = await tokenFor(credentials(keys.pkcs8, { account: 'xy12345.ap-southeast-2' }));
		const same = [
			credentials(keys.pkcs8, { account: 'XY12345', user: 'MY_USER' }),
			credentials(keys.pkcs8, { host: 'http://127.0.0.1:8080' }),
			credentials(keys.pkcs1),
			credentials(keys.pkcs8Aes256, { privateKeyPassphrase: keys.passphrase }),
		];
		for (const creds of same) {
			// A second later: a token signed now would differ from the first.
			clock.advance(1_000);
			expect(await tokenFor(creds)).toBe(first);
		}
		expect(signatures()).toBe(1);
	});

	it('re-signs when the clock went back before the token was issued', async () => {
		const creds = credentials(keys.pkcs8);
		await tokenFor(creds);
		clock.set(NOW - 2 * MINUTE);
		const token = await tokenFor(creds);
		const { payload } = await verifyJwt(token, keys.publicKeyPem, clock.now());
		expect(payload.iat).toBe(Math.floor((NOW - 2 * MINUTE) / 1000));
		expect(signatures()).toBe(2);
	});

	it('holds at most 1000 tokens: past that, the oldest goes first', async () => {
		const user = (index: number) => credentials(keys.pkcs8, { user: `user_${index}` });
		for (let index = 0; index <= 1000; index++) await tokenFor(user(index));
		expect(signatures()).toBe(1001);
		clock.advance(1_000);
		await tokenFor(user(1000));
		await tokenFor(user(1));
		expect(signatures()).toBe(1001);
		await tokenFor(user(0));
		expect(signatures()).toBe(1002);
	});

	it('past 1000 tokens, one due for renewal goes before the oldest', async () => {
		const user = (index: number) => credentials(keys.pkcs8, { user: `user_${index}` });
		clock.set(NOW + 60 * MINUTE);
		await tokenFor(user(0)); // the oldest entry, yet fresh an hour from NOW
		clock.set(NOW);
		for (let index = 1; index < 1000; index++) await tokenFor(user(index));
		clock.set(NOW + 60 * MINUTE); // user_1 … user_999 are now due for renewal
		await tokenFor(user(1000));
		const signed = signatures();
		await tokenFor(user(0));
		expect(signatures()).toBe(signed);
	});

	it('a new instance starts with no tokens and no parsed keys', async () => {
		const creds = credentials(keys.pkcs8);
		const first = await tokenFor(creds);
		auth = new KeyPairAuth({ now: clock.now });
		clock.advance(1_000);
		expect(await tokenFor(creds)).not.toBe(first);
		expect({ signatures: signatures(), keyParses: keyParses() }).toEqual({ signatures: 2, keyParses: 2 });
	});

	it('invalidateToken validates the credentials like a request does', () => {
		expect(thrownBy(() => auth.invalidateToken(credentials(keys.pkcs8, { user: ' ' })))).toMatchObject(CONFIG_ERROR);
	});

	it('KeyPairAuth.shared, the instance the node and the credential use, signs on the real clock', async () => {
		const before = Math.floor(Date.now() / 1000);
		const token = await tokenFrom(KeyPairAuth.shared, credentials(keys.pkcs8));
		const { payload } = await verifyJwt(token, keys.publicKeyPem, Date.now());
		expect(payload.iat).toBeGreaterThanOrEqual(before);
		expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
	});
});
