/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test-only code, never shipped */
/**
 * Test keys, generated at test time (never committed). One set per test worker, built lazily: the
 * openssl CLI makes the two `pkcs8 -topk8` encrypted forms Snowflake's docs tell users to create.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestKeys {
	/** Passphrase of every encrypted form below. */
	passphrase: string;
	privateKey: KeyObject;
	/** Unencrypted PKCS#8 (`openssl pkcs8 -topk8 -nocrypt`). */
	pkcs8: string;
	/** PKCS#8 encrypted by node:crypto with aes-256-cbc (PBES2). */
	pkcs8Aes256: string;
	/** `openssl pkcs8 -topk8` with openssl's default encryption (PBES2, aes-256-cbc in OpenSSL 3). */
	pkcs8OpensslDefault: string;
	/** `openssl pkcs8 -topk8 -v2 des3`, the form in Snowflake's key-pair guide. */
	pkcs8Des3: string;
	/** Traditional PKCS#1 (RSA PRIVATE KEY). */
	pkcs1: string;
	/** PKCS#1 with legacy Proc-Type/DEK-Info encryption (aes-256-cbc). */
	pkcs1Encrypted: string;
	/** SubjectPublicKeyInfo PEM (rsa_key.pub): what an emulator registers, and a wrong paste for the key field. */
	publicKeyPem: string;
	/** The public key body for ALTER USER ... SET RSA_PUBLIC_KEY='...'. */
	publicKeyBody: string;
	/** `SHA256:<base64>` of the DER SPKI, computed with node:crypto. */
	fingerprint: string;
	/** A P-256 key in PKCS#8 (not usable with the RSA-only flow). */
	ecPkcs8: string;
	/** A 1024-bit RSA key in PKCS#8 (too short for Snowflake). */
	rsa1024Pkcs8: string;
}

export interface RsaKeyPair {
	privateKey: KeyObject;
	/** Unencrypted PKCS#8 PEM. */
	privateKeyPem: string;
	publicKeyPem: string;
	fingerprint: string;
}

/** `SHA256:` + standard base64 of SHA-256 over the DER SubjectPublicKeyInfo. */
export function fingerprintOf(publicKeyPem: string): string {
	const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
	return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** The base64 between a PEM block's BEGIN and END lines, without line breaks. */
export function pemBody(pem: string): string {
	return pem
		.replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----/g, '')
		.replace(/^[A-Za-z-]+:.*$/gm, '')
		.replace(/\s+/g, '');
}

/** A fresh RSA key pair (2048 bits unless told otherwise). */
export function generateRsaKeyPair(modulusLength = 2048): RsaKeyPair {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
	const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
	return {
		privateKey,
		privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		publicKeyPem,
		fingerprint: fingerprintOf(publicKeyPem),
	};
}

/** Runs `openssl` on a PEM written to a fresh temp dir (removed afterwards) and returns what it printed. */
function openssl(inputPem: string, args: (inputFile: string) => string[]): Buffer {
	const dir = mkdtempSync(join(tmpdir(), 'snowflake-keys-'));
	try {
		const inputFile = join(dir, 'input');
		writeFileSync(inputFile, inputPem, { mode: 0o600 });
		return execFileSync('openssl', args(inputFile), { stdio: ['ignore', 'pipe', 'pipe'] });
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** `openssl pkcs8 -topk8` with a passphrase and optional extra options (e.g. `-v2 des3`). */
export function opensslTopk8(pkcs8Pem: string, passphrase: string, options: string[] = []): string {
	return openssl(pkcs8Pem, (input) => [
		'pkcs8',
		'-topk8',
		...options,
		'-in',
		input,
		'-passout',
		`pass:${passphrase}`,
	]).toString();
}

/** The fingerprint the way Snowflake's docs compute it: openssl rsa -pubin -outform DER | dgst -sha256 | base64. */
export function opensslFingerprint(publicKeyPem: string): string {
	const der = openssl(publicKeyPem, (input) => ['rsa', '-pubin', '-in', input, '-outform', 'DER']);
	const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der });
	return `SHA256:${execFileSync('openssl', ['base64', '-A'], { input: digest }).toString().trim()}`;
}

/** A self-signed X.509 certificate PEM for the key (a wrong paste for the private key field). */
export function opensslCertificate(pkcs8Pem: string): string {
	return openssl(pkcs8Pem, (input) => [
		'req',
		'-new',
		'-x509',
		'-key',
		input,
		'-subj',
		'/CN=n8n-nodes-snowflake-sql-api test',
		'-days',
		'1',
	]).toString();
}

let cached: TestKeys | undefined;

/** Every key form the auth tests need, generated once per worker. */
export function testKeys(): TestKeys {
	if (cached) return cached;
	const rsa = generateRsaKeyPair();
	const { privateKey } = rsa;
	const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const short = generateKeyPairSync('rsa', { modulusLength: 1024 });
	// Random per worker, so no test can pass by knowing it.
	const passphrase = randomBytes(12).toString('base64url');
	cached = {
		passphrase,
		privateKey,
		pkcs8: rsa.privateKeyPem,
		pkcs8Aes256: privateKey
			.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
			.toString(),
		pkcs8OpensslDefault: opensslTopk8(rsa.privateKeyPem, passphrase),
		pkcs8Des3: opensslTopk8(rsa.privateKeyPem, passphrase, ['-v2', 'des3']),
		pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
		pkcs1Encrypted: privateKey
			.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase })
			.toString(),
		publicKeyPem: rsa.publicKeyPem,
		publicKeyBody: pemBody(rsa.publicKeyPem),
		fingerprint: rsa.fingerprint,
		ecPkcs8: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
		rsa1024Pkcs8: short.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
	};
	return cached;
}
