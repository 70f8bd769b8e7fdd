/**
 * Key-pair JWT verification the way Snowflake documents it (reference §2, §8 "Auth"): RS256 signature
 * checked with `jose` against the registered key (RSA_PUBLIC_KEY or RSA_PUBLIC_KEY_2) whose SPKI SHA-256
 * fingerprint is the `iss` suffix, upper-case `ACCOUNT.USER` in `iss` and `sub`, `iat`/`exp` in seconds or
 * milliseconds, and at most one hour of validity after issue whatever `exp` says.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';

/** Snowflake's documented cap: a key-pair JWT is valid at most one hour after `iat`. */
const MAX_LIFETIME_SECONDS = 3600;
/** Above this a timestamp is taken as milliseconds (documented: both units are accepted). */
const MILLISECONDS_THRESHOLD = 1e11;

export interface RegisteredKey {
	publicKey: KeyObject;
	/** `SHA256:` + standard base64 of SHA-256 over the DER SubjectPublicKeyInfo (DESC USER's RSA_PUBLIC_KEY_FP). */
	fingerprint: string;
}

export type JwtVerdict =
	| { ok: true; account: string; user: string; fingerprint: string }
	/** `detail` says why (for tests and logs); Snowflake's answer only carries the code. */
	| { ok: false; reason: 'invalid' | 'expired'; detail: string };

export interface JwtCheckOptions {
	nowMs: number;
	clockSkewSeconds: number;
}

/** Accepts a PEM public key (rsa_key.pub) or the bare base64 body users put into ALTER USER ... SET RSA_PUBLIC_KEY. */
export function registerPublicKey(text: string): RegisteredKey {
	const trimmed = text.trim();
	const pem = trimmed.includes('-----BEGIN')
		? trimmed
		: `-----BEGIN PUBLIC KEY-----\n${trimmed.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;
	const publicKey = createPublicKey(pem);
	if (publicKey.asymmetricKeyType !== 'rsa') {
		throw new Error(`RSA_PUBLIC_KEY must be an RSA key, got ${publicKey.asymmetricKeyType ?? 'unknown'}`);
	}
	const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
	if (bits < 2048) throw new Error(`RSA_PUBLIC_KEY must be at least 2048 bits, got ${bits}`);
	return { publicKey, fingerprint: fingerprintOfKey(publicKey) };
}

export function fingerprintOfKey(publicKey: KeyObject): string {
	const der = publicKey.export({ type: 'spki', format: 'der' });
	return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** Seconds, whichever unit the client used. */
function toSeconds(value: number): number {
	return value > MILLISECONDS_THRESHOLD ? value / 1000 : value;
}

/**
 * `keysOf(qualifiedUser)` returns the keys registered for `ACCOUNT.USER` (exact, case-sensitive: a lower-case
 * or region-qualified claim finds no user and is invalid, as on Snowflake).
 */
export async function verifyKeypairJwt(
	token: string,
	keysOf: (qualifiedUser: string) => readonly RegisteredKey[] | undefined,
	options: JwtCheckOptions,
): Promise<JwtVerdict> {
	const invalid = (detail: string): JwtVerdict => ({ ok: false, reason: 'invalid', detail });
	let header: ReturnType<typeof decodeProtectedHeader>;
	let claims: ReturnType<typeof decodeJwt>;
	try {
		header = decodeProtectedHeader(token);
		claims = decodeJwt(token);
	} catch (error) {
		return invalid(`not a JWT: ${(error as Error).message}`);
	}
	if (header.alg !== 'RS256') return invalid(`alg ${String(header.alg)} (RS256 expected)`);
	const { iss, sub, iat, exp } = claims;
	if (typeof iss !== 'string' || typeof sub !== 'string') return invalid('iss and sub must be strings');
	const marker = iss.lastIndexOf('.SHA256:');
	if (marker === -1) return invalid('iss does not end in .SHA256:<fingerprint>');
	const qualifiedUser = iss.slice(0, marker);
	const fingerprint = iss.slice(marker + 1);
	if (sub !== qualifiedUser) return invalid(`sub ${sub} does not match iss ${qualifiedUser}`);
	const keys = keysOf(qualifiedUser);
	if (!keys) return invalid(`no user ${qualifiedUser} (upper case ACCOUNT.USER, account without region)`);
	const key = keys.find((candidate) => candidate.fingerprint === fingerprint);
	if (!key) return invalid(`fingerprint ${fingerprint} matches neither RSA_PUBLIC_KEY nor RSA_PUBLIC_KEY_2 of ${qualifiedUser}`);
	try {
		await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
	} catch (error) {
		return invalid(`signature: ${(error as Error).message}`);
	}
	if (typeof iat !== 'number' || typeof exp !== 'number') return invalid('iat and exp must be numbers');
	const now = options.nowMs / 1000;
	const issuedAt = toSeconds(iat);
	if (issuedAt > now + options.clockSkewSeconds) return invalid(`iat ${iat} is in the future`);
	const validUntil = Math.min(toSeconds(exp), issuedAt + MAX_LIFETIME_SECONDS);
	if (now > validUntil + options.clockSkewSeconds) {
		return { ok: false, reason: 'expired', detail: `valid until ${new Date(validUntil * 1000).toISOString()}` };
	}
	const dot = qualifiedUser.indexOf('.');
	return { ok: true, account: qualifiedUser.slice(0, dot), user: qualifiedUser.slice(dot + 1), fingerprint };
}
