/**
 * Key-pair (KEYPAIR_JWT) authentication for the SQL API. The credential's `authenticate`, the node, the
 * credential test and standalone code all sign through a KeyPairAuth, so every request is signed the same
 * way. Plain TypeScript: nothing here imports n8n.
 */
import { USER_AGENT } from '../version';
import { parseAccount, parseUser } from './account';
import { parseHostOverride, type Endpoint } from './host';
import { keyPairClaims, signJwt } from './jwt';
import { SigningKeyCache, type SigningKey } from './keys';
import { TokenCache } from './tokenCache';

/** The fields of the `snowflakeKeyPairApi` credential. */
export interface SnowflakeKeyPairCredentials {
	account: string;
	user: string;
	privateKey: string;
	privateKeyPassphrase?: string;
	host?: string;
	role?: string;
	warehouse?: string;
	database?: string;
	schema?: string;
}

/**
 * Minimal request shape shared with n8n's IHttpRequestOptions. No index signature: an interface such as
 * IHttpRequestOptions is not assignable to one, and the spread copy keeps every other field anyway.
 */
interface AuthRequestOptions {
	url: string;
	baseURL?: string;
	headers?: Record<string, unknown>;
}

/** What authenticateRequest returns: still a `T`, with the base URL and headers known to be present. */
type AuthenticatedRequest<T extends AuthRequestOptions> = T & {
	baseURL: string;
	headers: Record<string, unknown>;
};

/** Derived, non-secret facts for messages and the credential test. */
interface CredentialsDescription {
	claimAccount: string;
	/** The claim user (upper case). */
	user: string;
	host: string;
	baseUrl: string;
	/** `SHA256:...`, to compare with RSA_PUBLIC_KEY_FP from DESCRIBE USER. */
	fingerprint: string;
}

interface ResolvedCredentials extends Endpoint {
	claimAccount: string;
	user: string;
	key: SigningKey;
}

const TOKEN_TYPE = 'KEYPAIR_JWT';
/** Replaced whatever their spelling, so a caller's `accept` cannot end up next to our `Accept`. */
const AUTH_HEADERS = new Set(['authorization', 'x-snowflake-authorization-token-type', 'accept', 'user-agent']);

/** One token per (claim account, user, fingerprint): host overrides and contexts share it. */
function tokenId(resolved: ResolvedCredentials): string {
	return JSON.stringify([resolved.claimAccount, resolved.user, resolved.key.fingerprint]);
}

/** Signs requests, keeping the parsed keys and the JWTs it signed. */
export class KeyPairAuth {
	/**
	 * The instance every execution, trigger poll, credential test and the credential's `authenticate` use:
	 * sharing it is what makes one credential sign about once every 54 minutes across executions.
	 */
	static readonly shared = new KeyPairAuth({ now: Date.now });

	private readonly keys = new SigningKeyCache();
	private readonly tokens: TokenCache;

	/** `now`: milliseconds since the epoch, for the JWT's `iat`/`exp` and its renewal. */
	constructor(clock: { now: () => number }) {
		this.tokens = new TokenCache(clock.now);
	}

	/**
	 * Returns a copy of `request` with Authorization, X-Snowflake-Authorization-Token-Type, Accept and
	 * User-Agent set (other headers kept) and `baseURL` set when the request has none. The caller's object is
	 * not modified, so the token never shows up in something the caller logs. Rejects with SnowflakeConfigError.
	 */
	async authenticateRequest<T extends AuthRequestOptions>(
		credentials: SnowflakeKeyPairCredentials,
		request: T,
	): Promise<AuthenticatedRequest<T>> {
		const resolved = this.resolve(credentials);
		const token = this.tokens.token(tokenId(resolved), (nowMs) => {
			const claims = keyPairClaims(resolved.claimAccount, resolved.user, resolved.key.fingerprint, nowMs);
			return { token: signJwt(claims, resolved.key.privateKey), iat: claims.iat, exp: claims.exp };
		});
		const headers: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(request.headers ?? {})) {
			if (!AUTH_HEADERS.has(name.toLowerCase())) headers[name] = value;
		}
		return {
			...request,
			baseURL: request.baseURL ? request.baseURL : resolved.baseUrl,
			headers: {
				...headers,
				Authorization: `Bearer ${token}`,
				'X-Snowflake-Authorization-Token-Type': TOKEN_TYPE,
				Accept: 'application/json',
				'User-Agent': USER_AGENT,
			},
		};
	}

	/** Drops the cached JWT for these credentials so the next request signs a new one (401 390198). */
	invalidateToken(credentials: SnowflakeKeyPairCredentials): void {
		this.tokens.drop(tokenId(this.resolve(credentials)));
	}

	/** Derived, non-secret facts for messages and the credential test. Throws SnowflakeConfigError. */
	describeCredentials(credentials: SnowflakeKeyPairCredentials): CredentialsDescription {
		const { claimAccount, user, host, baseUrl, key } = this.resolve(credentials);
		return { claimAccount, user, host, baseUrl, fingerprint: key.fingerprint };
	}

	/** Validates in the order a user fills the form; the key comes last because parsing it is the costly step. */
	private resolve(credentials: SnowflakeKeyPairCredentials): ResolvedCredentials {
		const account = parseAccount(credentials.account);
		const user = parseUser(credentials.user);
		const hostOverride = credentials.host?.trim();
		const endpoint = hostOverride
			? parseHostOverride(hostOverride)
			: { host: account.host, baseUrl: `https://${account.host}` };
		const key = this.keys.load(credentials.privateKey, credentials.privateKeyPassphrase);
		return { ...endpoint, claimAccount: account.claimAccount, user, key };
	}
}

/** Reads the credential's fields from n8n's decrypted credential data (values there are loosely typed). */
export function readCredentials(data: Record<string, unknown>): SnowflakeKeyPairCredentials {
	const text = (name: keyof SnowflakeKeyPairCredentials): string | undefined => {
		const value = data[name];
		return typeof value === 'string' ? value : undefined;
	};
	return {
		account: text('account') ?? '',
		user: text('user') ?? '',
		privateKey: text('privateKey') ?? '',
		privateKeyPassphrase: text('privateKeyPassphrase'),
		host: text('host'),
		role: text('role'),
		warehouse: text('warehouse'),
		database: text('database'),
		schema: text('schema'),
	};
}
