import { sign, type KeyObject } from 'node:crypto';

/** 59 minutes: under Snowflake's one-hour cap (a later `exp` is ignored), as the Ruby client and Airflow do. */
const TOKEN_LIFETIME_SECONDS = 3540;

/** The KEYPAIR_JWT payload; times in seconds, as the Python, Go and JDBC drivers send them. */
interface KeyPairClaims {
	/** `ACCOUNT.USER.SHA256:<fingerprint>` */
	iss: string;
	/** `ACCOUNT.USER` */
	sub: string;
	iat: number;
	exp: number;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');

/** `claimAccount` and `claimUser` come already upper-cased from account.ts. */
export function keyPairClaims(
	claimAccount: string,
	claimUser: string,
	fingerprint: string,
	nowMs: number,
): KeyPairClaims {
	const iat = Math.floor(nowMs / 1000);
	const sub = `${claimAccount}.${claimUser}`;
	return { iss: `${sub}.${fingerprint}`, sub, iat, exp: iat + TOKEN_LIFETIME_SECONDS };
}

/** RS256 compact JWS: RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload`. */
export function signJwt(claims: KeyPairClaims, privateKey: KeyObject): string {
	const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
	const signingInput = `${HEADER}.${payload}`;
	const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString('base64url');
	return `${signingInput}.${signature}`;
}
