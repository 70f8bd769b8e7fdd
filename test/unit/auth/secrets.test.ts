/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
import { inspect } from 'node:util';
import { beforeAll, describe, it, expect } from 'vitest';

import { KeyPairAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import { pemBody, testKeys } from '../../helpers/keys';
import { badKeyCases } from './keyCases';
import { bearerToken, captureError, credentials, CONFIG_ERROR } from './support';

const keys = testKeys();
const auth = new KeyPairAuth({ now: Date.now });

/** Every 16-character window start of every base64 line: any echo of key material would hit one. */
function keyFragments(text: string | undefined): string[] {
	const fragments: string[] = [];
	for (const line of (text ?? '').split(/\s+/)) {
		if (!/^[A-Za-z0-9+/=]{16,}$/.test(line)) continue;
		for (let i = 0; i + 16 <= line.length; i += 8) fragments.push(line.slice(i, i + 16));
	}
	return fragments;
}

/** Everything a caller could print or log about an error. */
function everythingAbout(error: Error): string {
	return [
		error.message,
		error.stack,
		String(error.cause),
		JSON.stringify(error),
		inspect(error, { depth: 10, showHidden: true }),
	].join('\n');
}

describe('no key material, passphrase or JWT in any configuration error', () => {
	let jwt = '';
	const secretKeyTexts = [
		keys.pkcs8,
		keys.pkcs8Aes256,
		keys.pkcs8OpensslDefault,
		keys.pkcs8Des3,
		keys.pkcs1,
		keys.pkcs1Encrypted,
		keys.ecPkcs8,
		keys.rsa1024Pkcs8,
	];

	beforeAll(async () => {
		// A token signed earlier in the process must not leak into later errors either.
		const request = await auth.authenticateRequest(credentials(keys.pkcs8), { url: '/x' });
		jwt = bearerToken(request.headers);
	});

	it('the fragment check itself finds an echoed key', () => {
		const leaked = `could not read ${pemBody(keys.pkcs8).slice(100, 140)}`;
		expect(keyFragments(keys.pkcs8).some((fragment) => leaked.includes(fragment))).toBe(true);
	});

	it.each(badKeyCases(keys).map((bad) => [bad.name, bad] as const))('%s', async (_name, bad) => {
		const creds = credentials(bad.privateKey ?? '', { privateKeyPassphrase: bad.passphrase });
		const error = await captureError(() => auth.authenticateRequest(creds, { url: '/x' }));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.cause).toBeUndefined();

		const text = everythingAbout(error);
		expect(text).toContain(error.message);
		for (const fragment of [...keyFragments(bad.privateKey), ...secretKeyTexts.flatMap(keyFragments)]) {
			expect(text).not.toContain(fragment);
		}
		expect(text).not.toContain(keys.passphrase);
		if (bad.passphrase) expect(text).not.toContain(bad.passphrase);
		expect(text).not.toContain(jwt);
		expect(text).not.toContain(jwt.split('.')[2]);
	});

	it('invalidateToken and a bad host do not leak either', async () => {
		const errors = [
			await captureError(() => auth.invalidateToken(credentials(keys.pkcs8Des3, { privateKeyPassphrase: 'nope' }))),
			await captureError(() =>
				auth.authenticateRequest(credentials(keys.pkcs8, { host: 'https://u:pw-in-host@example.com' }), { url: '/x' }),
			),
		];
		for (const error of errors) {
			const text = everythingAbout(error);
			for (const fragment of secretKeyTexts.flatMap(keyFragments)) expect(text).not.toContain(fragment);
			expect(text).not.toContain('nope');
			expect(text).not.toContain('pw-in-host');
			expect(text).not.toContain(jwt);
		}
	});
});
