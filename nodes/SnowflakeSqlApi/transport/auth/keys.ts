import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import { SnowflakeConfigError } from '../errors';
import { nonRsaKeyError, normalisePrivateKeyPem, shortRsaKeyError, type NormalisedPrivateKey } from './pem';

/** A parsed RSA private key and the fingerprint Snowflake knows it by. */
export interface SigningKey {
	privateKey: KeyObject;
	/** `SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo: DESCRIBE USER's RSA_PUBLIC_KEY_FP. */
	fingerprint: string;
}

const MIN_RSA_BITS = 2048;
/** Bounds memory when a long-running n8n sees many credentials; the oldest entry goes first. */
const MAX_CACHED_KEYS = 64;

/** OpenSSL codes are fixed identifiers (never input), so they may appear in messages for support. */
function opensslCode(error: unknown): string {
	const code = (error as { code?: unknown } | null)?.code;
	return typeof code === 'string' && /^ERR_[A-Z0-9_]+$/.test(code) ? ` (${code})` : '';
}

/** A fixed message per situation; the crypto error is not attached as `cause`, so nothing can echo input. */
function unreadableKeyError(key: NormalisedPrivateKey, error: unknown): SnowflakeConfigError {
	const code = opensslCode(error);
	// Only the cipher layer's code means an unreadable cipher: a wrong passphrase whose garbage happens to
	// pass the padding check fails later in the key decoder, as ERR_OSSL_UNSUPPORTED (about 1 in 250).
	if (key.encrypted && code === ' (ERR_OSSL_EVP_UNSUPPORTED)') {
		return new SnowflakeConfigError(
			`The private key is encrypted with a cipher this installation cannot read${code}: re-encrypt it with "openssl pkcs8 -topk8 -v2 aes-256-cbc -in <key file> -out rsa_key.p8".`,
		);
	}
	if (key.encrypted) {
		// No code here: which one a wrong passphrase produces is chance, and says nothing more to the user.
		return new SnowflakeConfigError(
			'Private Key Passphrase is wrong: the key could not be decrypted with it. Enter the passphrase the key was encrypted with; if it is right, paste the key again (it may be damaged).',
		);
	}
	return new SnowflakeConfigError(
		`The private key could not be read${code}: it is not a valid ${key.format} RSA private key. Paste the whole content of the private key file again, including its BEGIN and END lines.`,
	);
}

/** How messages name the key types node:crypto reports. */
const NON_RSA_KINDS: Record<string, string> = {
	ec: 'an EC key',
	'rsa-pss': 'an RSA-PSS key (RS256 needs a plain rsaEncryption key)',
	ed25519: 'an Ed25519 key',
	ed448: 'an Ed448 key',
	dsa: 'a DSA key',
	dh: 'a Diffie-Hellman key',
	x25519: 'an X25519 key',
	x448: 'an X448 key',
};

function assertUsableRsa(privateKey: KeyObject): void {
	const type = privateKey.asymmetricKeyType ?? 'unknown';
	if (type !== 'rsa') throw nonRsaKeyError(NON_RSA_KINDS[type] ?? 'not an RSA key');
	const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits < MIN_RSA_BITS) throw shortRsaKeyError(bits);
}

function readSigningKey(text: string | undefined, passphrase: string | undefined): SigningKey {
	const normalised = normalisePrivateKeyPem(text);
	if (normalised.encrypted && !passphrase) {
		throw new SnowflakeConfigError(
			'The private key is encrypted but Private Key Passphrase is empty: enter the passphrase the key was encrypted with.',
		);
	}
	let privateKey: KeyObject;
	try {
		privateKey = createPrivateKey({
			key: normalised.pem,
			format: 'pem',
			passphrase: normalised.encrypted ? passphrase : undefined,
		});
	} catch (error) {
		throw unreadableKeyError(normalised, error);
	}
	assertUsableRsa(privateKey);
	const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
	const fingerprint = `SHA256:${createHash('sha256').update(spki).digest('base64')}`;
	return { privateKey, fingerprint };
}

const UNREADABLE_KEY =
	'The private key could not be read: paste the whole content of the private key file again, including its BEGIN and END lines.';

/** Longer than any passphrase OpenSSL prompts accept (1023 characters); refused before any decryption. */
const MAX_PASSPHRASE_LENGTH = 1_024;

function checkPassphraseLength(passphrase: string | undefined): void {
	if (passphrase !== undefined && passphrase.length > MAX_PASSPHRASE_LENGTH) {
		throw new SnowflakeConfigError(
			`Private Key Passphrase is ${passphrase.length} characters long, more than a key passphrase can be (at most ${MAX_PASSPHRASE_LENGTH}): enter the passphrase the key was encrypted with.`,
		);
	}
}

/** The key, or the message of why it cannot be used (every failure here is a configuration error). */
function readOutcome(text: string | undefined, passphrase: string | undefined): SigningKey | { failure: string } {
	try {
		checkPassphraseLength(passphrase);
		return readSigningKey(text, passphrase);
	} catch (error) {
		// Not expected past the checks above; a fixed message either way, so nothing can echo input.
		return { failure: error instanceof SnowflakeConfigError ? error.message : UNREADABLE_KEY };
	}
}

/**
 * Parses the pasted key once per (text, passphrase): decrypting PKCS#8 runs PBKDF2, far too slow per request.
 * Keyed by a SHA-256 of both so neither the PEM nor the passphrase is held as a map key. A failure is
 * remembered too (its message only), so a broken key is not parsed again on every execution; another
 * passphrase is another entry, so the right passphrase works right after a wrong one.
 */
export class SigningKeyCache {
	private readonly keys = new Map<string, SigningKey | { failure: string }>();

	load(text: string | undefined, passphrase: string | undefined): SigningKey {
		const id = createHash('sha256')
			.update(JSON.stringify([text ?? '', passphrase ?? '']))
			.digest('base64');
		let entry = this.keys.get(id);
		if (entry === undefined) {
			entry = readOutcome(text, passphrase);
			this.remember(id, entry);
		}
		if ('failure' in entry) throw new SnowflakeConfigError(entry.failure);
		return entry;
	}

	private remember(id: string, entry: SigningKey | { failure: string }): void {
		if (this.keys.size >= MAX_CACHED_KEYS) {
			const oldest = this.keys.keys().next();
			if (!oldest.done) this.keys.delete(oldest.value);
		}
		this.keys.set(id, entry);
	}
}
