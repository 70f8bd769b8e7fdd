import { beforeEach, describe, it, expect } from 'vitest';

import { SnowflakeConfigError } from '../../../nodes/SnowflakeSqlApi/transport/errors';
import { clearKeyCache, keyLoadCount, loadSigningKey } from '../../../nodes/SnowflakeSqlApi/transport/auth/keys';
import {
	generateRsaKeyPair,
	opensslCertificate,
	opensslFingerprint,
	pemBody,
	testKeys,
} from '../../helpers/keys';
import { badKeyCases, keyFormats, type KeyFormat } from './keyCases';
import { captureError } from './support';

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

beforeEach(() => {
	clearKeyCache();
});

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
	it.each(FORMATS)('%s loads with the fingerprint of its public key', (_name, format) => {
		const key = loadSigningKey(format.pem, passphraseFor(format));
		expect(key.fingerprint).toBe(keys.fingerprint);
		expect(key.modulusLength).toBe(2048);
		expect(key.privateKey.asymmetricKeyType).toBe('rsa');
	});

	it('fingerprint = SHA256: + base64(SHA-256(DER SPKI)), as openssl computes it', () => {
		expect(keys.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
		expect(loadSigningKey(keys.pkcs8, undefined).fingerprint).toBe(opensslFingerprint(keys.publicKeyPem));
		const other = generateRsaKeyPair(3072);
		const loaded = loadSigningKey(other.privateKeyPem, undefined);
		expect(loaded.fingerprint).toBe(opensslFingerprint(other.publicKeyPem));
		expect(loaded.fingerprint).not.toBe(keys.fingerprint);
		expect(loaded.modulusLength).toBe(3072);
	});

	it('ignores a passphrase given for an unencrypted key', () => {
		expect(loadSigningKey(keys.pkcs8, 'not needed').fingerprint).toBe(keys.fingerprint);
	});

	it('takes the private key out of a file that also holds a certificate', () => {
		const combined = `${opensslCertificate(keys.pkcs8)}\n${keys.pkcs8}`;
		expect(loadSigningKey(combined, undefined).fingerprint).toBe(keys.fingerprint);
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
		expect(loadSigningKey(apply(format.pem), passphraseFor(format)).fingerprint).toBe(keys.fingerprint);
	});
});

describe('configuration errors, raised before any request', () => {
	it.each(badKeyCases(keys).map((bad) => [bad.name, bad] as const))('%s', async (_name, bad) => {
		const error = await captureError(() => loadSigningKey(bad.privateKey, bad.passphrase));
		expect(error).toBeInstanceOf(SnowflakeConfigError);
		expect(error.message).toMatch(bad.message);
		expect(error.cause).toBeUndefined();
	});
});

describe('key cache', () => {
	it('parses (and decrypts) a key once per text and passphrase', () => {
		const first = loadSigningKey(keys.pkcs8Des3, keys.passphrase);
		for (let i = 0; i < 100; i++) expect(loadSigningKey(keys.pkcs8Des3, keys.passphrase)).toBe(first);
		expect(keyLoadCount()).toBe(1);
		loadSigningKey(keys.pkcs8, undefined);
		expect(keyLoadCount()).toBe(2);
	});

	it('does not cache a failure: the right passphrase works after a wrong one', async () => {
		await captureError(() => loadSigningKey(keys.pkcs8Aes256, 'wrong'));
		expect(loadSigningKey(keys.pkcs8Aes256, keys.passphrase).fingerprint).toBe(keys.fingerprint);
	});

	it('clearKeyCache forgets parsed keys and zeroes the counter', () => {
		const first = loadSigningKey(keys.pkcs8, undefined);
		clearKeyCache();
		expect(keyLoadCount()).toBe(0);
		expect(loadSigningKey(keys.pkcs8, undefined)).not.toBe(first);
		expect(keyLoadCount()).toBe(1);
	});
});
