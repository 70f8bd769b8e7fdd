/** Key inputs shared by the key tests and the no-secrets-in-errors tests. */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

import { opensslCertificate, pemBody, type TestKeys } from '../../helpers/keys';

export interface KeyFormat {
	name: string;
	pem: string;
	encrypted: boolean;
}

export interface BadKeyCase {
	name: string;
	privateKey: string | undefined;
	passphrase: string | undefined;
	/** What the SnowflakeConfigError must say. */
	message: RegExp;
}

export function keyFormats(keys: TestKeys): KeyFormat[] {
	return [
		{ name: 'PKCS#8', pem: keys.pkcs8, encrypted: false },
		{ name: 'PKCS#8 aes-256-cbc (node:crypto)', pem: keys.pkcs8Aes256, encrypted: true },
		{ name: 'PKCS#8 openssl pkcs8 -topk8 (default cipher)', pem: keys.pkcs8OpensslDefault, encrypted: true },
		{ name: 'PKCS#8 openssl pkcs8 -topk8 -v2 des3', pem: keys.pkcs8Des3, encrypted: true },
		{ name: 'PKCS#1', pem: keys.pkcs1, encrypted: false },
		{ name: 'PKCS#1 with Proc-Type encryption', pem: keys.pkcs1Encrypted, encrypted: true },
	];
}

/** Builds a PEM line from parts: private-key headers may not appear literally in any file of the repo. */
function pemLine(kind: 'BEGIN' | 'END', label: string): string {
	return ['-----', kind, ' ', label, '-----'].join('');
}

function pkcs8(privateKey: KeyObject): string {
	return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Replaces the last two body lines with a short piece of the second-to-last one. */
function cutLastLine(pem: string, keep: number): string {
	const lines = pem.trim().split('\n');
	return [...lines.slice(0, -2), lines[lines.length - 2].slice(0, keep), lines[lines.length - 1]].join('\n');
}

export function badKeyCases(keys: TestKeys): BadKeyCase[] {
	const lines = keys.pkcs8.trim().split('\n');
	const [begin, end] = [lines[0], lines[lines.length - 1]];
	const withBody = (body: string): string => [begin, body, end].join('\n');
	const der = Buffer.from(pemBody(keys.pkcs8), 'base64');
	const plain = (name: string, privateKey: string | undefined, message: RegExp): BadKeyCase => ({
		name,
		privateKey,
		passphrase: undefined,
		message,
	});

	return [
		plain('empty', '', /private key is empty: paste the whole content/),
		plain('only spaces', '  \n ', /private key is empty/),
		plain('undefined', undefined, /private key is empty/),
		plain('public key (SPKI)', keys.publicKeyPem, /holds a public key .*Paste the private key \(rsa_key\.p8\) here/),
		plain(
			'public key (PKCS#1)',
			createPublicKey(keys.privateKey).export({ type: 'pkcs1', format: 'pem' }).toString(),
			/holds a public key/,
		),
		plain('OpenSSH public key line', `ssh-rsa ${keys.publicKeyBody} me@host`, /holds a public key/),
		plain('certificate', opensslCertificate(keys.pkcs8), /holds a certificate, not a private key/),
		plain('EC key (PKCS#8)', keys.ecPkcs8, /is an EC key; Snowflake's SQL API key-pair flow here needs an RSA key/),
		plain(
			'EC key (SEC1)',
			generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
			/is an EC key; .*needs an RSA key/,
		),
		plain('Ed25519 key', pkcs8(generateKeyPairSync('ed25519').privateKey), /is an Ed25519 key; .*needs an RSA key/),
		plain('DSA key', pkcs8(generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey), /is a DSA key; .*needs an RSA key/),
		plain('RSA-PSS key', pkcs8(generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey), /is an RSA-PSS key/),
		plain(
			'1024-bit RSA key',
			keys.rsa1024Pkcs8,
			/is a 1024-bit RSA key; Snowflake needs 2048 bits or more\. Generate one with "openssl genrsa 2048/,
		),
		plain('body lines missing (truncated)', [...lines.slice(0, -4), end].join('\n'), /incomplete or damaged \(it is cut off\)/),
		plain('body cut mid-line (truncated)', cutLastLine(keys.pkcs8, 7), /incomplete or damaged \(its base64 is cut off\)/),
		plain('END line missing', lines.slice(0, -1).join('\n'), /incomplete or damaged \(its END line is missing\)/),
		plain(
			'non-base64 characters',
			keys.pkcs8.replace(/(\n[A-Za-z0-9+/]{10})[A-Za-z0-9+/]/, '$1!'),
			/characters that cannot be part of a PEM key/,
		),
		plain('base64 that is not DER', withBody('SGVsbG8gd29ybGQh'), /incomplete or damaged \(it does not start like a key\)/),
		plain(
			'DER that is not a key',
			withBody(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]).toString('base64')),
			/could not be read \(ERR_[A-Z0-9_]+\): it is not a valid PKCS#8 RSA private key/,
		),
		plain(
			'extra bytes after the key',
			withBody(Buffer.concat([der, Buffer.alloc(3)]).toString('base64')),
			/it has extra data after the key/,
		),
		plain('BEGIN and END labels differ', keys.pkcs8.replace(/END PRIVATE/, 'END RSA PRIVATE'), /do not match/),
		plain('no BEGIN/END lines', pemBody(keys.pkcs8), /missing its BEGIN and END lines/),
		plain('not PEM at all', 'my secret key', /not a PEM private key/),
		plain('two private keys', `${keys.pkcs8}\n${keys.pkcs1}`, /holds 2 private keys: paste only one/),
		plain(
			'OpenSSH private key',
			[pemLine('BEGIN', 'OPENSSH PRIVATE KEY'), 'b3BlbnNzaC1rZXktdjEAAAAA', pemLine('END', 'OPENSSH PRIVATE KEY')].join('\n'),
			/OpenSSH format.*ssh-keygen -p -m PKCS8/,
		),
		{
			name: 'PKCS#1 encryption headers without DEK-Info',
			privateKey: keys.pkcs1Encrypted.replace(/DEK-Info:.*\n/, ''),
			passphrase: keys.passphrase,
			message: /its DEK-Info line is missing/,
		},
		{
			name: 'encrypted PKCS#1 cut off',
			privateKey: cutLastLine(keys.pkcs1Encrypted, 8),
			passphrase: keys.passphrase,
			message: /incomplete or damaged \(it is cut off\)/,
		},
		...keyFormats(keys)
			.filter((format) => format.encrypted)
			.flatMap((format): BadKeyCase[] => [
				{
					name: `${format.name} without passphrase`,
					privateKey: format.pem,
					passphrase: undefined,
					message: /encrypted but Private Key Passphrase is empty: enter the passphrase/,
				},
				{
					name: `${format.name} with an empty passphrase`,
					privateKey: format.pem,
					passphrase: '',
					message: /encrypted but Private Key Passphrase is empty/,
				},
				{
					name: `${format.name} with a wrong passphrase`,
					privateKey: format.pem,
					passphrase: `${keys.passphrase}x`,
					message: /Private Key Passphrase is wrong: .*Enter the passphrase the key was encrypted with/,
				},
			]),
	];
}
