import { createPrivateKey } from 'node:crypto';

import { describe, it, expect, vi } from 'vitest';

import { KeyPairAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import { cryptoCalls } from '../../helpers/cryptoCalls';
import {
	generateRsaKeyPair,
	opensslCertificate,
	opensslFingerprint,
	pemBody,
	testKeys,
} from '../../helpers/keys';
import { badKeyCases, keyFormats, type KeyFormat } from './keyCases';
import { captureError, credentials, described, tokenFrom, verifyJwt, CONFIG_ERROR } from './support';

vi.mock('node:crypto', async (importOriginal) =>
	(await import('../../helpers/cryptoCalls')).countingCrypto(await importOriginal()),
);

const keys = testKeys();
const PEM_LINE = /-----(BEGIN|END) ([A-Z0-9 ]+)-----/;

/** Re-wraps the base64 body at another width, keeping BEGIN, legacy encryption headers and END. */
function rewrap(pem: string, width: number): string {
	const lines = pem.trim().split('\n');
	const firstBodyLine = lines.findIndex((line, index) => index > 0 && /^[A-Za-z0-9+/=]+$/.test(line));
	const body = pemBody(pem).match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
	return [...lines.slice(0, firstBodyLine), ...body, lines[lines.length - 1]].join('\n');
}

const FORMATS = keyFormats(keys).map((format) => [format.name, format] as const);

function passphraseFor(format: KeyFormat): string | undefined {
	return format.encrypted ? keys.passphrase : undefined;
}

/** The fingerprint describeCredentials derives from a pasted key (a fresh instance: nothing cached). */
function fingerprintOf(privateKey: string | undefined, passphrase?: string): string {
	return described(privateKey as string, { privateKeyPassphrase: passphrase }).fingerprint;
}

/** RS256 signatures are as long as the key's modulus. */
async function signatureBits(privateKey: string, passphrase: string | undefined, publicKeyPem: string): Promise<number> {
	const token = await tokenFrom(new KeyPairAuth({ now: () => NOW }), credentials(privateKey, { privateKeyPassphrase: passphrase }));
	await verifyJwt(token, publicKeyPem, NOW);
	return Buffer.from(token.split('.')[2], 'base64url').length * 8;
}

const NOW = Date.UTC(2026, 10, 26, 10, 0, 0);

describe('test fixtures are the forms they claim to be', () => {
	// DER of the cipher OIDs inside PBES2 parameters.
	const DES_EDE3_CBC = Buffer.from('06082a864886f70d0307', 'hex');
	const AES_256_CBC = Buffer.from('060960864801650304012a', 'hex');

	it('labels', () => {
		expect(PEM_LINE.exec(keys.pkcs8)?.[2]).toBe('PRIVATE KEY');
		expect(PEM_LINE.exec(keys.pkcs8Des3)?.[2]).toBe('ENCRYPTED PRIVATE KEY');
		expect(PEM_LINE.exec(keys.pkcs8OpensslDefault)?.[2]).toBe('ENCRYPTED PRIVATE KEY');
		expect(PEM_LINE.exec(keys.pkcs1)?.[2]).toBe('RSA PRIVATE KEY');
		expect(keys.pkcs1Encrypted).toMatch(/Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,[0-9A-F]{32}\n/);
		expect(PEM_LINE.exec(keys.publicKeyPem)?.[2]).toBe('PUBLIC KEY');
	});

	it('openssl -v2 des3 uses DES-EDE3-CBC and the default -topk8 uses AES-256-CBC', () => {
		expect(Buffer.from(pemBody(keys.pkcs8Des3), 'base64').includes(DES_EDE3_CBC)).toBe(true);
		expect(Buffer.from(pemBody(keys.pkcs8OpensslDefault), 'base64').includes(AES_256_CBC)).toBe(true);
	});
});

describe('accepted key formats', () => {
	it.each(FORMATS)('%s loads with the fingerprint of its public key and signs as a 2048-bit RSA key', async (_name, format) => {
		expect(fingerprintOf(format.pem, passphraseFor(format))).toBe(keys.fingerprint);
		// jose verifies RS256 with the RSA public key, so the key is an RSA key and the right one.
		expect(await signatureBits(format.pem, passphraseFor(format), keys.publicKeyPem)).toBe(2048);
	});

	it('fingerprint = SHA256: + base64(SHA-256(DER SPKI)), as openssl computes it', async () => {
		expect(keys.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
		expect(fingerprintOf(keys.pkcs8)).toBe(opensslFingerprint(keys.publicKeyPem));
		const other = generateRsaKeyPair(3072);
		const fingerprint = fingerprintOf(other.privateKeyPem);
		expect(fingerprint).toBe(opensslFingerprint(other.publicKeyPem));
		expect(fingerprint).not.toBe(keys.fingerprint);
		expect(await signatureBits(other.privateKeyPem, undefined, other.publicKeyPem)).toBe(3072);
	});

	it('ignores a passphrase given for an unencrypted key', () => {
		expect(fingerprintOf(keys.pkcs8, 'not needed')).toBe(keys.fingerprint);
	});

	it('takes the private key out of a file that also holds a certificate', () => {
		const combined = `${opensslCertificate(keys.pkcs8)}\n${keys.pkcs8}`;
		expect(fingerprintOf(combined)).toBe(keys.fingerprint);
	});
});

describe('what pasting into a web form does to a key', () => {
	const MANGLES: Array<[string, (pem: string) => string]> = [
		['everything on one line, spaces for line breaks', (pem) => pem.replace(/\n/g, ' ')],
		['everything on one line, line breaks dropped', (pem) => pem.replace(/\n/g, '')],
		['literal \\n escapes', (pem) => pem.replace(/\n/g, '\\n')],
		['literal \\r\\n escapes', (pem) => pem.replace(/\n/g, '\\r\\n')],
		['double-escaped \\\\n', (pem) => pem.replace(/\n/g, '\\\\n')],
		['CRLF line breaks', (pem) => pem.replace(/\n/g, '\r\n')],
		['bare CR line breaks', (pem) => pem.replace(/\n/g, '\r')],
		['no final newline', (pem) => pem.trimEnd()],
		['stray spaces and tabs around lines', (pem) => pem.replace(/^(.*)$/gm, ' \t$1  \t')],
		['blank lines around the block', (pem) => `\n\n  ${pem}\n\n`],
		['surrounding double quotes', (pem) => `"${pem}"`],
		['surrounding single quotes', (pem) => `'${pem.trim()}'`],
		['a JSON string (quotes, \\n, \\/)', (pem) => JSON.stringify(pem).replace(/\//g, '\\/')],
		['76-character lines', (pem) => rewrap(pem, 76)],
		['one unbroken base64 line', (pem) => rewrap(pem, 100_000)],
	];
	const cases = FORMATS.flatMap(([name, format]) =>
		MANGLES.map(([mangle, apply]) => [name, mangle, format, apply] as const),
	);

	it.each(cases)('%s, %s', (_name, _mangle, format, apply) => {
		expect(fingerprintOf(apply(format.pem), passphraseFor(format))).toBe(keys.fingerprint);
	});
});

describe('configuration errors, raised before any request', () => {
	it.each(badKeyCases(keys).map((bad) => [bad.name, bad] as const))('%s', async (_name, bad) => {
		const error = await captureError(() => fingerprintOf(bad.privateKey, bad.passphrase));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(bad.message);
		expect(error.cause).toBeUndefined();
	});
});

/**
 * A wrong passphrase for `pem` whose decryption passes the cipher's padding check (about 1 in 250 do), so
 * OpenSSL fails later, in the key decoder, with another code than ERR_OSSL_BAD_DECRYPT. Searched with a fixed
 * sequence of candidates; 5,000 leave a chance of about 1e-9 of finding none.
 */
function passphrasePastPadding(pem: string): { passphrase: string; code: string } {
	for (let n = 0; n < 5_000; n++) {
		const passphrase = `wrong-${n}`;
		try {
			createPrivateKey({ key: pem, format: 'pem', passphrase });
		} catch (error) {
			const code = String((error as { code?: unknown }).code);
			if (code !== 'ERR_OSSL_BAD_DECRYPT') return { passphrase, code };
		}
	}
	throw new Error('no candidate passphrase got past the padding check');
}

describe('a wrong passphrase is reported as one, whatever OpenSSL code it produced', () => {
	it.each([
		['PKCS#8 aes-256-cbc', keys.pkcs8Aes256],
		['PKCS#1 with DEK-Info', keys.pkcs1Encrypted],
	])('%s', async (_name, pem) => {
		const { passphrase, code } = passphrasePastPadding(pem);
		expect(code).not.toBe('ERR_OSSL_EVP_UNSUPPORTED');
		const error = await captureError(() => fingerprintOf(pem, passphrase));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toBe(
			'Private Key Passphrase is wrong: the key could not be decrypted with it. Enter the passphrase the key was encrypted with; if it is right, paste the key again (it may be damaged).',
		);
	});
});

describe('key cache (parses counted at node:crypto)', () => {
	it('parses (and decrypts) a key once per text and passphrase', () => {
		const auth = new KeyPairAuth({ now: () => NOW });
		const encrypted = credentials(keys.pkcs8Des3, { privateKeyPassphrase: keys.passphrase });
		const before = cryptoCalls.createPrivateKey;
		for (let i = 0; i < 100; i++) expect(auth.describeCredentials(encrypted).fingerprint).toBe(keys.fingerprint);
		expect(cryptoCalls.createPrivateKey - before).toBe(1);
		auth.describeCredentials(credentials(keys.pkcs8));
		expect(cryptoCalls.createPrivateKey - before).toBe(2);
	});

	it('remembers a failure per input (same message, no second parse); the right passphrase works after a wrong one', async () => {
		const auth = new KeyPairAuth({ now: () => NOW });
		const wrong = credentials(keys.pkcs8Aes256, { privateKeyPassphrase: 'wrong' });
		const before = cryptoCalls.createPrivateKey;
		const first = await captureError(() => auth.describeCredentials(wrong));
		const again = await captureError(() => auth.describeCredentials(wrong));
		expect(cryptoCalls.createPrivateKey - before).toBe(1);
		expect(again).toMatchObject(CONFIG_ERROR);
		expect(again.message).toBe(first.message);
		const right = credentials(keys.pkcs8Aes256, { privateKeyPassphrase: keys.passphrase });
		expect(auth.describeCredentials(right).fingerprint).toBe(keys.fingerprint);
	});

	it('holds at most 64 parsed keys: past that, the oldest is parsed again', () => {
		const auth = new KeyPairAuth({ now: () => NOW });
		// Differently pasted texts of one key: each is a cache entry of its own.
		const pasted = (index: number) => credentials(`${keys.pkcs8}${'\n'.repeat(index)}`);
		const before = cryptoCalls.createPrivateKey;
		for (let index = 0; index <= 64; index++) auth.describeCredentials(pasted(index));
		expect(cryptoCalls.createPrivateKey - before).toBe(65);
		auth.describeCredentials(pasted(64));
		auth.describeCredentials(pasted(1));
		expect(cryptoCalls.createPrivateKey - before).toBe(65);
		auth.describeCredentials(pasted(0));
		expect(cryptoCalls.createPrivateKey - before).toBe(66);
	});

	it('each instance keeps its own parsed keys', () => {
		const before = cryptoCalls.createPrivateKey;
		new KeyPairAuth({ now: () => NOW }).describeCredentials(credentials(keys.pkcs8));
		new KeyPairAuth({ now: () => NOW }).describeCredentials(credentials(keys.pkcs8));
		expect(cryptoCalls.createPrivateKey - before).toBe(2);
	});
});
