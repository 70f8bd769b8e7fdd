/**
 * Authentication for the SQL API, one RequestAuth per credential kind: key pair (KEYPAIR_JWT, signed here),
 * programmatic access token (PROGRAMMATIC_ACCESS_TOKEN, sent as is) and OAuth (OAUTH, whose Authorization
 * n8n's OAuth2 machinery sets). The credentials' `authenticate`, the node, the credential test and standalone
 * code all go through the same RequestAuth, so every request of a kind is authenticated the same way.
 * Plain TypeScript: nothing here imports n8n.
 */
import { SnowflakeAuthError, SnowflakeConfigError } from '../errors';
import { boundText, rememberSecret } from '../redact';
import { USER_AGENT } from '../version';
import { parseAccount, parseUser } from './account';
import { parseHostOverride, type Endpoint } from './host';
import { keyPairClaims, signJwt } from './jwt';
import { SigningKeyCache, type SigningKey } from './keys';
import { cleanToken } from './pat';
import { TokenCache } from './tokenCache';

/** The Authentication parameter's values: one per credential type. */
export type CredentialKind = 'keyPair' | 'programmaticAccessToken' | 'oAuth2';

/** Role, warehouse, database and schema every credential kind may default. */
export interface ContextDefaults {
	role?: string;
	warehouse?: string;
	database?: string;
	schema?: string;
}

/** The fields of the `snowflakeKeyPairApi` credential. */
interface SnowflakeKeyPairCredentials extends ContextDefaults {
	account: string;
	user: string;
	privateKey: string;
	privateKeyPassphrase?: string;
	host?: string;
}

/** The fields of the `snowflakePatApi` credential. */
interface SnowflakePatCredentials extends ContextDefaults {
	account: string;
	token: string;
	host?: string;
}

/** The fields of the `snowflakeOAuth2Api` credential this layer reads (n8n keeps and sends the tokens). */
interface SnowflakeOAuth2Credentials extends ContextDefaults {
	account: string;
	host?: string;
	/** 'pkce' (Snowflake OAuth: a user signs in) or 'clientCredentials' (External OAuth: n8n fetches tokens). */
	grantType?: string;
	/** Read only to be redacted wherever server text or an n8n error quotes one of them. */
	secrets: string[];
	/** Whether n8n holds an access token (after Connect, or after its first client-credentials request). */
	connected: boolean;
}

/**
 * How an OAuth token is renewed: n8n's helpers.refreshOAuth2Token, injected by the node (this layer imports
 * nothing of n8n). Resolves with the new token data; undefined where the context offers no refresh.
 */
type RefreshOAuth2 = () => Promise<unknown>;

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

/**
 * Non-secret facts about a credential, for 401 hints and the credential test: where requests go, and what
 * identifies the sender (key pair: claim account, user, fingerprint; PAT and OAuth: the account only).
 */
interface CredentialFacts {
	kind: CredentialKind;
	host: string;
	baseUrl: string;
	/** Upper case, without region: the key pair's claim account, the account a PAT or OAuth token belongs to. */
	account: string;
	user?: string;
	fingerprint?: string;
}

/** One credential, ready to authenticate requests: what the node, the trigger and the credential test use. */
export interface RequestAuth {
	readonly kind: CredentialKind;
	/**
	 * A copy of `request` with base URL (when it has none), X-Snowflake-Authorization-Token-Type, Accept,
	 * User-Agent and, except for OAuth (n8n sets it), Authorization. Rejects with SnowflakeConfigError.
	 */
	authenticateRequest<T extends AuthRequestOptions>(request: T): Promise<AuthenticatedRequest<T>>;
	/**
	 * Renews the token after Snowflake said it expired: a key pair forgets its cached JWT (390198; the next
	 * request signs a new one), OAuth refreshes through n8n (390318, 390303) and rejects with SnowflakeAuthError
	 * naming the fix when it cannot. A programmatic access token cannot be renewed: nothing happens.
	 */
	invalidateToken(): void | Promise<void>;
	/** Throws SnowflakeConfigError for a credential that cannot authenticate. */
	describe(): CredentialFacts;
}

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

/** Replaced whatever their spelling, so a caller's `accept` cannot end up next to our `Accept`. */
const AUTH_HEADERS = new Set(['authorization', 'x-snowflake-authorization-token-type', 'accept', 'user-agent']);

/**
 * The request with our headers: the caller's own Authorization, token type, Accept and User-Agent dropped
 * (whatever their spelling), ours set; `authorization` undefined leaves Authorization to n8n (OAuth2).
 */
function withAuthHeaders<T extends AuthRequestOptions>(
	request: T,
	baseUrl: string,
	tokenType: string,
	authorization: string | undefined,
): AuthenticatedRequest<T> {
	const headers: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		if (!AUTH_HEADERS.has(name.toLowerCase())) headers[name] = value;
	}
	return {
		...request,
		baseURL: request.baseURL ? request.baseURL : baseUrl,
		headers: {
			...headers,
			...(authorization === undefined ? {} : { Authorization: authorization }),
			'X-Snowflake-Authorization-Token-Type': tokenType,
			Accept: 'application/json',
			'User-Agent': USER_AGENT,
		},
	};
}

/** The account's host, or the host override: the same rule for every kind. */
function endpointOf(account: string | ReturnType<typeof parseAccount>, host: string | undefined): Endpoint & { account: string } {
	const parsed = typeof account === 'string' ? parseAccount(account) : account;
	const hostOverride = host?.trim();
	const endpoint = hostOverride ? parseHostOverride(hostOverride) : { host: parsed.host, baseUrl: `https://${parsed.host}` };
	return { ...endpoint, account: parsed.claimAccount };
}

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
		return withAuthHeaders(request, resolved.baseUrl, 'KEYPAIR_JWT', `Bearer ${token}`);
	}

	/** These credentials as a RequestAuth signing with this instance. */
	bind(credentials: SnowflakeKeyPairCredentials): RequestAuth {
		return {
			kind: 'keyPair',
			authenticateRequest: async (request) => await this.authenticateRequest(credentials, request),
			invalidateToken: () => this.invalidateToken(credentials),
			describe: () => {
				const { claimAccount, user, host, baseUrl, fingerprint } = this.describeCredentials(credentials);
				return { kind: 'keyPair', account: claimAccount, user, host, baseUrl, fingerprint };
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
		const parsed = parseAccount(credentials.account);
		const user = parseUser(credentials.user);
		const { account, ...endpoint } = endpointOf(parsed, credentials.host);
		const key = this.keys.load(credentials.privateKey, credentials.privateKeyPassphrase);
		return { ...endpoint, claimAccount: account, user, key };
	}
}

/** A programmatic access token: sent as it is (cleaned), never cached or renewed here; Snowflake checks it. */
function patAuth(credentials: SnowflakePatCredentials): RequestAuth {
	const resolve = () => ({ ...endpointOf(credentials.account, credentials.host), token: cleanToken(credentials.token) });
	return {
		kind: 'programmaticAccessToken',
		authenticateRequest: async (request) => {
			const { baseUrl, token } = resolve();
			// Nothing marks a PAT as one (unlike a JWT's `eyJ`): server text quoting it is redacted by value.
			rememberSecret(token);
			return withAuthHeaders(request, baseUrl, 'PROGRAMMATIC_ACCESS_TOKEN', `Bearer ${token}`);
		},
		invalidateToken: () => undefined,
		describe: () => {
			const { account, host, baseUrl } = resolve();
			return { kind: 'programmaticAccessToken', account, host, baseUrl };
		},
	};
}

/** What to do when n8n has no usable OAuth token: the same for a refresh and a first token that failed. */
export const OAUTH_RECONNECT_HINT =
	'Open the credential and reconnect it. Snowflake OAuth: click Connect my account and sign in again (the refresh token expired, after OAUTH_REFRESH_TOKEN_VALIDITY, 90 days unless set, or it was revoked, or the security integration was disabled or changed). External OAuth: check the Client ID, Client Secret, Token URL and Scope with your identity provider.';

/** n8n's wrapper around a failed request says less than what it wraps: the first message that is not the wrapper's. */
function reasonOf(error: unknown): string {
	let current = error;
	for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
		if (current.name !== 'NodeApiError' || !(current.cause instanceof Error)) return current.message;
		current = current.cause;
	}
	return String(current);
}

/**
 * n8n could not give the request an OAuth access token (a refresh or a first client-credentials token failed,
 * or the refresh token was refused): said in the user's terms, n8n's own reason bounded and redacted, the error
 * itself not kept (an HTTP library's error carries the token request, client secret included). Never retried.
 */
export function oauthTokenFailure(error: unknown): SnowflakeAuthError {
	return new SnowflakeAuthError(`n8n could not get a new OAuth access token for Snowflake: ${boundText(reasonOf(error), 300)}`, { hint: OAUTH_RECONNECT_HINT });
}

/** What to check when the token request itself failed: nothing reached Snowflake, so nothing ran. */
const TOKEN_URL_HINT =
	"The token request failed before anything was sent to Snowflake, so no statement ran. External OAuth: check the credential's Token URL (your identity provider's token endpoint, reachable from n8n, answering JSON) and that the identity provider is up. Snowflake OAuth: check the credential's Account and Host.";

/**
 * The token URL failed (the identity provider answered with a page or a status without an OAuth `error`, or
 * could not be reached): not Snowflake's failure, so neither retried as one nor reported as a statement that
 * may have run. n8n's reason bounded and redacted, the error not kept (it carries the token request).
 */
export function oauthTokenUrlFailure(error: unknown): SnowflakeAuthError {
	return new SnowflakeAuthError(`n8n could not get an OAuth access token for Snowflake from the Token URL: ${boundText(reasonOf(error), 300)}`, { hint: TOKEN_URL_HINT });
}

/**
 * OAuth: n8n's OAuth2 machinery (httpRequestWithAuthentication with the OAuth2 credential) sets Authorization;
 * this adds the base URL, token type OAUTH, Accept and User-Agent. The node tells n8n's helpers never to refresh
 * by themselves (helpers/adapters.ts), so an expired or invalid token is refreshed here, once, through the
 * injected `refresh`, when the exchange sees 390318 or 390303.
 */
function oAuth2Auth(credentials: SnowflakeOAuth2Credentials, refresh: RefreshOAuth2 | undefined): RequestAuth {
	const remember = (secrets: unknown[]) => {
		for (const secret of secrets) if (typeof secret === 'string') rememberSecret(secret);
	};
	return {
		kind: 'oAuth2',
		authenticateRequest: async (request) => {
			// n8n adds the token; a server quoting it back (or the refresh token) is redacted by value.
			remember(credentials.secrets);
			return withAuthHeaders(request, endpointOf(credentials.account, credentials.host).baseUrl, 'OAUTH', undefined);
		},
		invalidateToken: async () => {
			if (refresh === undefined) {
				throw new SnowflakeAuthError(
					'Snowflake said the OAuth access token expired, and n8n offers no token refresh here: run the workflow once (n8n refreshes the token then) or reconnect the credential.',
					{ hint: OAUTH_RECONNECT_HINT },
				);
			}
			let renewed: unknown;
			try {
				renewed = await refresh();
			} catch (error) {
				throw oauthTokenFailure(error);
			}
			const data = (renewed ?? {}) as Record<string, unknown>;
			remember([data.access_token, data.refresh_token]);
		},
		describe: () => {
			const { account, host, baseUrl } = endpointOf(credentials.account, credentials.host);
			// Snowflake OAuth needs one sign-in; before it n8n-core has no token to sign with (and fails obscurely).
			if (credentials.grantType !== 'clientCredentials' && !credentials.connected) {
				throw new SnowflakeConfigError(
					'The Snowflake OAuth2 credential is not connected yet: open it and click Connect my account to sign in to Snowflake once (or choose External OAuth for a service user).',
				);
			}
			return { kind: 'oAuth2', account, host, baseUrl };
		},
	};
}

/** The OAuth fields of n8n's credential data: the grant, whether a token is held, and every secret in it. */
function oauthFields(data: Record<string, unknown>): Pick<SnowflakeOAuth2Credentials, 'grantType' | 'secrets' | 'connected'> {
	const tokenData = (typeof data.oauthTokenData === 'object' && data.oauthTokenData !== null ? data.oauthTokenData : {}) as Record<string, unknown>;
	const accessToken = textField(tokenData, 'access_token');
	return {
		grantType: textField(data, 'grantType'),
		secrets: [textField(data, 'clientSecret'), accessToken, textField(tokenData, 'refresh_token')].filter((secret): secret is string => !!secret),
		connected: !!accessToken,
	};
}

function textField(data: Record<string, unknown>, name: string): string | undefined {
	const value = data[name];
	return typeof value === 'string' ? value : undefined;
}

function contextDefaults(data: Record<string, unknown>): ContextDefaults {
	return {
		role: textField(data, 'role'),
		warehouse: textField(data, 'warehouse'),
		database: textField(data, 'database'),
		schema: textField(data, 'schema'),
	};
}

/**
 * The credential of `kind` from n8n's decrypted credential data: its context defaults and its RequestAuth
 * (the key pair's signs with KeyPairAuth.shared; OAuth refreshes with `refreshOAuth2`, when given). Reading
 * the fields never throws (bad values are refused when `auth` is used); only a `kind` that is none of the
 * three does.
 */
export function requestAuth(
	kind: CredentialKind,
	data: Record<string, unknown>,
	refreshOAuth2?: RefreshOAuth2,
): { defaults: ContextDefaults; auth: RequestAuth } {
	const defaults = contextDefaults(data);
	const account = textField(data, 'account') ?? '';
	const host = textField(data, 'host');
	switch (kind) {
		case 'keyPair':
			return { defaults, auth: KeyPairAuth.shared.bind(readCredentials(data)) };
		case 'programmaticAccessToken':
			return { defaults, auth: patAuth({ ...defaults, account, host, token: textField(data, 'token') ?? '' }) };
		case 'oAuth2':
			return { defaults, auth: oAuth2Auth({ ...defaults, account, host, ...oauthFields(data) }, refreshOAuth2) };
		default:
			throw new SnowflakeConfigError(`Authentication "${String(kind)}" is not supported: choose Key Pair, Programmatic Access Token or OAuth2.`);
	}
}

/** Reads the credential's fields from n8n's decrypted credential data (values there are loosely typed). */
export function readCredentials(data: Record<string, unknown>): SnowflakeKeyPairCredentials {
	return {
		account: textField(data, 'account') ?? '',
		user: textField(data, 'user') ?? '',
		privateKey: textField(data, 'privateKey') ?? '',
		privateKeyPassphrase: textField(data, 'privateKeyPassphrase'),
		host: textField(data, 'host'),
		...contextDefaults(data),
	};
}
