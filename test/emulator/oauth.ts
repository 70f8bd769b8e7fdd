/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped */
/**
 * The emulator as Snowflake's OAuth authorization server and as the resource server that checks OAuth access
 * tokens (X-Snowflake-Authorization-Token-Type: OAUTH): `GET /oauth/authorize` (auto-approved as the client's
 * user: tests have no browser), `POST /oauth/token-request` (authorization_code with PKCE, refresh_token),
 * opaque access and refresh tokens with expiry on the emulator's clock, and External OAuth JWTs checked against
 * an integration (issuer, audience, JWKS or public keys, user mapping claim, session:role scopes).
 *
 * Sources (test/emulator/captures/README.md): Snowflake's "Configure Snowflake OAuth for custom clients" page
 * (endpoints, parameters, scopes, PKCE S256, client_secret_basic with URL-encoded parts, client_secret_post,
 * response fields, the invalid_client body), snowflake-jdbc's wiremock mappings (token responses, 390318
 * "OAuth access token expired. [n]"), the reference's 390303 "Invalid OAuth access token. ...<last 8>".
 * Unconfirmed (no capture): HTTP statuses of token-request errors (400 here), the invalid_grant and
 * unsupported_grant_type messages, how /oauth/authorize refuses (400 JSON here), and the SQL API's code for a
 * role outside the token (390317 here, with the driver-login message).
 */
import { createHash, createPublicKey, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';

export interface OAuthClientOptions {
	clientId: string;
	clientSecret: string;
	/** OAUTH_REDIRECT_URI and OAUTH_ALTERNATE_REDIRECT_URIS. */
	redirectUris: string[];
	/** The user who "signs in" at /oauth/authorize. Default: the emulator's user. */
	user?: string;
	/** OAUTH_ACCESS_TOKEN_VALIDITY in seconds (Snowflake: 60–3600, default 600). */
	accessTokenValiditySeconds?: number;
	/** OAUTH_REFRESH_TOKEN_VALIDITY in seconds (default 7776000, 90 days). */
	refreshTokenValiditySeconds?: number;
	/** OAUTH_ISSUE_REFRESH_TOKENS (default true). */
	issueRefreshTokens?: boolean;
	/** OAUTH_ENFORCE_PKCE (default false: PKCE applies when the authorization request carries a challenge). */
	enforcePkce?: boolean;
	/** OAUTH_SINGLE_USE_REFRESH_TOKENS_REQUIRED: each refresh answers a new refresh token and revokes the old. */
	singleUseRefreshTokens?: boolean;
}

export interface ExternalOAuthOptions {
	/** EXTERNAL_OAUTH_ISSUER. */
	issuer: string;
	/** EXTERNAL_OAUTH_AUDIENCE_LIST. */
	audience: string[];
	/** EXTERNAL_OAUTH_JWS_KEYS_URL (the IdP's JWKS), or … */
	jwksUrl?: string;
	/** … EXTERNAL_OAUTH_RSA_PUBLIC_KEY (and _2): PEM SPKI. */
	publicKeys?: string[];
	/** EXTERNAL_OAUTH_TOKEN_USER_MAPPING_CLAIM (default 'sub'); matched against LOGIN_NAME, case-insensitively. */
	userMappingClaim?: string;
	/** EXTERNAL_OAUTH_ANY_ROLE_MODE = ENABLE: a token without a role scope may use any role. */
	anyRoleMode?: boolean;
}

/** Who a verified token speaks for. `role` undefined: the user's default role; `anyRole`: any role. */
export interface OAuthPrincipal {
	user: string;
	role?: string;
	anyRole: boolean;
}

export type OAuthVerdict = { ok: true; principal: OAuthPrincipal } | { ok: false; code: string; message: string; detail: string };

export interface OAuthReply {
	status: number;
	headers?: Record<string, string>;
	body?: string;
}

export interface OAuthStats {
	authorizations: number;
	tokenRequests: { authorization_code: number; refresh_token: number; refused: number };
	accessTokensVerified: number;
	accessTokensRejected: number;
	/** Why the last token request or token was refused (never sent to the client). */
	lastRejection?: string;
}

interface AuthorizationCode {
	clientId: string;
	redirectUri: string;
	user: string;
	scope: ParsedScope;
	challenge?: string;
	expiresAtMs: number;
}

interface IssuedToken {
	clientId: string;
	user: string;
	role?: string;
	expiresAtMs: number;
}

interface ParsedScope {
	refreshToken: boolean;
	role?: string;
	anyRole: boolean;
	text: string;
}

/** Authorization codes are short-lived (Snowflake: 10 minutes; unconfirmed). */
const CODE_VALIDITY_MS = 600_000;
const MAX_FORM_BYTES = 16_384;

function json(status: number, body: unknown, headers: Record<string, string> = {}): OAuthReply {
	return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The body shape Snowflake's docs show for a refused token request. */
function oauthError(error: string, message: string): OAuthReply {
	return json(400, { data: null, message, code: null, success: false, error });
}

const INVALID_CLIENT = () => oauthError('invalid_client', 'This is an invalid client.');

/** Opaque, like Snowflake's `ver:1-hint:<n>-<base64>` tokens. */
function opaqueToken(): string {
	return `ver:1-hint:${randomInt(1_000_000, 9_999_999)}-${randomBytes(48).toString('base64url')}`;
}

/** Form-encoded decoding: `+` is a space, as Snowflake reads the Basic header's URL-encoded parts. */
function formDecode(text: string): string | undefined {
	try {
		return decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		return undefined;
	}
}

/** `refresh_token`, `session:role:R`, `session:role-encoded:R`, `session:role-any`; anything else is invalid. */
function parseScope(text: string): ParsedScope | undefined {
	const scope: ParsedScope = { refreshToken: false, anyRole: false, text };
	for (const part of text.split(' ').filter(Boolean)) {
		if (part === 'refresh_token') scope.refreshToken = true;
		else if (part === 'session:role-any') scope.anyRole = true;
		else if (part.startsWith('session:role:') && part.length > 13 && scope.role === undefined) scope.role = part.slice(13);
		else if (part.startsWith('session:role-encoded:') && scope.role === undefined) {
			const decoded = formDecode(part.slice(21));
			if (!decoded) return undefined;
			scope.role = decoded;
		} else return undefined;
	}
	return scope;
}

/** Roles in scope lists (External OAuth): `session:role:R` entries, `session:role-any`. */
function scopeRoles(payload: JWTPayload): { roles: string[]; any: boolean } {
	const raw = payload.scp ?? payload.scope;
	const entries = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[ ,]+/) : [];
	const roles: string[] = [];
	let any = false;
	for (const entry of entries) {
		// The scope may carry a resource prefix (Entra ID: api://<app>/session:role:R).
		const at = entry.indexOf('session:role');
		if (at === -1) continue;
		const tail = entry.slice(at);
		if (tail === 'session:role-any') any = true;
		else if (tail.startsWith('session:role:')) roles.push(tail.slice(13));
	}
	return { roles, any };
}

export class OAuthServer {
	readonly stats: OAuthStats = { authorizations: 0, tokenRequests: { authorization_code: 0, refresh_token: 0, refused: 0 }, accessTokensVerified: 0, accessTokensRejected: 0 };

	private readonly clients = new Map<string, OAuthClientOptions>();
	private readonly codes = new Map<string, AuthorizationCode>();
	private readonly accessTokens = new Map<string, IssuedToken>();
	private readonly refreshTokens = new Map<string, IssuedToken & { scope: ParsedScope }>();
	private readonly external?: ExternalOAuthOptions & { jwks?: ReturnType<typeof createRemoteJWKSet>; keys: KeyObject[] };

	constructor(
		clients: readonly OAuthClientOptions[],
		external: ExternalOAuthOptions | undefined,
		private readonly defaults: { user: string; now: () => number; knownUser: (user: string) => boolean },
	) {
		for (const client of clients) this.clients.set(client.clientId, client);
		if (external) {
			if (!external.jwksUrl && !external.publicKeys?.length) throw new Error('externalOAuth needs jwksUrl or publicKeys');
			this.external = {
				...external,
				jwks: external.jwksUrl ? createRemoteJWKSet(new URL(external.jwksUrl)) : undefined,
				keys: (external.publicKeys ?? []).map((pem) => createPublicKey(pem)),
			};
		}
	}

	/** Registers (or replaces) a client at run time. */
	registerClient(client: OAuthClientOptions): void {
		this.clients.set(client.clientId, client);
	}

	/** Revokes an access or refresh token (ALTER USER … REMOVE DELEGATED AUTHORIZATIONS, token by token). */
	revoke(token: string): void {
		this.accessTokens.delete(token);
		this.refreshTokens.delete(token);
	}

	/** The /oauth/* routes; undefined for any other path. */
	route(method: string, url: URL, headers: IncomingHttpHeaders, rawBody: string): OAuthReply | undefined {
		if (url.pathname === '/oauth/authorize') return method === 'GET' ? this.authorize(url.searchParams) : { status: 405, headers: { Allow: 'GET' } };
		if (url.pathname === '/oauth/token-request') {
			return method === 'POST' ? this.tokenRequest(headers, rawBody) : { status: 405, headers: { Allow: 'POST' } };
		}
		return undefined;
	}

	/** A bearer token sent with X-Snowflake-Authorization-Token-Type: OAUTH. */
	async verify(token: string): Promise<OAuthVerdict> {
		const refuse = (code: string, message: string, detail: string): OAuthVerdict => {
			this.stats.accessTokensRejected++;
			this.stats.lastRejection = detail;
			return { ok: false, code, message, detail };
		};
		const expired = (detail: string) => refuse('390318', `OAuth access token expired. [${randomInt(100_000_000_000_000, 281_474_976_710_655)}]`, detail);
		const invalid = (detail: string) => refuse('390303', `Invalid OAuth access token. ...${token.slice(-8)}`, detail);

		const issued = this.accessTokens.get(token);
		if (issued) {
			if (this.defaults.now() >= issued.expiresAtMs) return expired(`Snowflake OAuth token expired at ${new Date(issued.expiresAtMs).toISOString()}`);
			this.stats.accessTokensVerified++;
			return { ok: true, principal: { user: issued.user, role: issued.role, anyRole: false } };
		}
		if (!this.external || token.split('.').length !== 3) return invalid('not a token this emulator issued');
		const integration = this.external;
		let payload: JWTPayload;
		try {
			payload = await this.verifyJwt(token, {
				issuer: integration.issuer,
				audience: integration.audience,
				algorithms: ['RS256'],
				requiredClaims: ['exp', 'iat'],
				currentDate: new Date(this.defaults.now()),
			});
		} catch (error) {
			if (error instanceof joseErrors.JWTExpired) return expired('External OAuth JWT expired');
			return invalid(`External OAuth JWT: ${(error as Error).message}`);
		}
		const claim = payload[integration.userMappingClaim ?? 'sub'];
		const user = typeof claim === 'string' ? claim.toUpperCase() : undefined;
		if (!user || !this.defaults.knownUser(user)) {
			return refuse('390100', 'Incorrect username or password was specified.', `no user with LOGIN_NAME ${String(claim)}`);
		}
		const { roles, any } = scopeRoles(payload);
		this.stats.accessTokensVerified++;
		// A token with several roles lets the request pick one of them; with none, the default role (or any, in any-role mode).
		return { ok: true, principal: { user, role: roles.length === 1 ? roles[0].toUpperCase() : undefined, anyRole: any || (roles.length === 0 && integration.anyRoleMode === true) || roles.length > 1 } };
	}

	/**
	 * The role a request asks for, checked against its token: none → the token's role; the token's role or any
	 * role in any-role mode → accepted; another one → refused with the message drivers show at login.
	 */
	static roleRefusal(principal: OAuthPrincipal, requested: string | undefined, defaultRole: string): OAuthReply | undefined {
		if (requested === undefined || principal.anyRole) return undefined;
		const allowed = principal.role ?? defaultRole;
		if (requested.toUpperCase() === allowed.toUpperCase()) return undefined;
		return json(401, {
			code: '390317',
			message: `The role requested in the connection, or the default role if none was requested in the connection ('${requested}'), is not listed in the Access Token or was filtered. Please specify another role, or contact your OAuth Authorization server administrator.`,
		});
	}

	/** Against the JWKS, or each registered public key in turn (EXTERNAL_OAUTH_RSA_PUBLIC_KEY, then _2). */
	private async verifyJwt(token: string, options: JWTVerifyOptions): Promise<JWTPayload> {
		const integration = this.external!;
		if (integration.jwks) return (await jwtVerify(token, integration.jwks, options)).payload;
		let failure: unknown;
		for (const key of integration.keys) {
			try {
				return (await jwtVerify(token, key, options)).payload;
			} catch (error) {
				if (!(error instanceof joseErrors.JWSSignatureVerificationFailed)) throw error;
				failure = error;
			}
		}
		throw failure;
	}

	private authorize(query: URLSearchParams): OAuthReply {
		const refuse = (error: string, message: string) => {
			this.stats.lastRejection = message;
			return oauthError(error, message);
		};
		const client = this.clients.get(query.get('client_id') ?? '');
		if (!client) return INVALID_CLIENT();
		const redirectUri = query.get('redirect_uri') ?? '';
		if (!client.redirectUris.includes(redirectUri)) return refuse('invalid_request', 'The redirect URI does not match the one registered for this client.');
		if (query.get('response_type') !== 'code') return refuse('unsupported_response_type', 'Only response_type=code is supported.');
		const challenge = query.get('code_challenge') ?? undefined;
		const method = query.get('code_challenge_method') ?? undefined;
		if ((challenge === undefined) !== (method === undefined) || (method !== undefined && method !== 'S256')) {
			return refuse('invalid_request', 'PKCE needs code_challenge with code_challenge_method=S256.');
		}
		if (client.enforcePkce && !challenge) return refuse('invalid_request', 'This integration requires PKCE (code_challenge).');
		const scope = parseScope(query.get('scope') ?? '');
		if (!scope) return refuse('invalid_scope', 'The requested scope is invalid.');

		this.stats.authorizations++;
		const code = randomBytes(24).toString('base64url');
		this.codes.set(code, {
			clientId: client.clientId,
			redirectUri,
			user: (client.user ?? this.defaults.user).toUpperCase(),
			scope,
			challenge,
			expiresAtMs: this.defaults.now() + CODE_VALIDITY_MS,
		});
		const target = new URL(redirectUri);
		target.searchParams.set('code', code);
		const state = query.get('state');
		if (state !== null) target.searchParams.set('state', state);
		if (scope.text) target.searchParams.set('scope', scope.text);
		return { status: 302, headers: { Location: target.toString() } };
	}

	private tokenRequest(headers: IncomingHttpHeaders, rawBody: string): OAuthReply {
		const refuse = (reply: OAuthReply, detail: string) => {
			this.stats.tokenRequests.refused++;
			this.stats.lastRejection = detail;
			return reply;
		};
		if (!/^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '') || rawBody.length > MAX_FORM_BYTES) {
			return refuse(oauthError('invalid_request', 'The request must be application/x-www-form-urlencoded.'), 'content type');
		}
		const form = new URLSearchParams(rawBody);
		const client = this.authenticateClient(headers.authorization, form);
		if (!client) return refuse(INVALID_CLIENT(), 'client authentication');
		const grantType = form.get('grant_type');
		if (grantType === 'authorization_code') return this.redeemCode(client, form, refuse);
		if (grantType === 'refresh_token') return this.refresh(client, form, refuse);
		return refuse(oauthError('unsupported_grant_type', 'The grant type is not supported.'), `grant_type ${String(grantType)}`);
	}

	/**
	 * client_secret_basic: `Basic base64(urlencode(id):urlencode(secret))`, each part URL-decoded here as
	 * Snowflake documents (a `+` left unencoded becomes a space and the secret no longer matches);
	 * client_secret_post: client_id and client_secret form fields. Exactly one method.
	 */
	private authenticateClient(authorization: string | undefined, form: URLSearchParams): OAuthClientOptions | undefined {
		let id: string | undefined;
		let secret: string | undefined;
		const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
		if (basic) {
			if (form.has('client_secret')) return undefined;
			const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			if (colon === -1) return undefined;
			id = formDecode(decoded.slice(0, colon));
			secret = formDecode(decoded.slice(colon + 1));
		} else {
			id = form.get('client_id') ?? undefined;
			secret = form.get('client_secret') ?? undefined;
		}
		const client = id === undefined ? undefined : this.clients.get(id);
		return client && secret === client.clientSecret ? client : undefined;
	}

	private redeemCode(client: OAuthClientOptions, form: URLSearchParams, refuse: (reply: OAuthReply, detail: string) => OAuthReply): OAuthReply {
		const invalidGrant = (detail: string) => refuse(oauthError('invalid_grant', 'The authorization code or refresh token is invalid or has expired.'), detail);
		const code = form.get('code') ?? '';
		const grant = this.codes.get(code);
		// Single use: a second redemption fails like an unknown code.
		this.codes.delete(code);
		if (!grant || grant.clientId !== client.clientId) return invalidGrant('unknown or used authorization code');
		if (this.defaults.now() >= grant.expiresAtMs) return invalidGrant('authorization code expired');
		if (form.get('redirect_uri') !== grant.redirectUri) return invalidGrant('redirect_uri differs from the authorization request');
		const verifier = form.get('code_verifier');
		if (grant.challenge !== undefined) {
			const computed = verifier === null ? undefined : createHash('sha256').update(verifier, 'ascii').digest('base64url');
			if (computed !== grant.challenge) return invalidGrant(verifier === null ? 'code_verifier missing' : 'code_verifier does not match the code_challenge');
		}
		this.stats.tokenRequests.authorization_code++;
		const access = this.issueAccessToken(client, grant.user, grant.scope.role);
		const answer: Record<string, unknown> = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn };
		if (grant.scope.refreshToken && client.issueRefreshTokens !== false) {
			const refresh = this.issueRefreshToken(client, grant.user, grant.scope);
			Object.assign(answer, { refresh_token: refresh.token, refresh_token_expires_in: refresh.expiresIn });
		}
		return json(200, { ...answer, username: grant.user, scope: grant.scope.text, idpInitiated: false });
	}

	private refresh(client: OAuthClientOptions, form: URLSearchParams, refuse: (reply: OAuthReply, detail: string) => OAuthReply): OAuthReply {
		const invalidGrant = (detail: string) => refuse(oauthError('invalid_grant', 'The authorization code or refresh token is invalid or has expired.'), detail);
		const token = form.get('refresh_token') ?? '';
		const grant = this.refreshTokens.get(token);
		if (!grant || grant.clientId !== client.clientId) return invalidGrant('unknown or revoked refresh token');
		if (this.defaults.now() >= grant.expiresAtMs) return invalidGrant('refresh token expired');
		this.stats.tokenRequests.refresh_token++;
		const access = this.issueAccessToken(client, grant.user, grant.role);
		const answer: Record<string, unknown> = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, idpInitiated: false };
		if (client.singleUseRefreshTokens) {
			this.refreshTokens.delete(token);
			const next = this.issueRefreshToken(client, grant.user, grant.scope);
			Object.assign(answer, { refresh_token: next.token, refresh_token_expires_in: next.expiresIn });
		}
		return json(200, answer);
	}

	private issueAccessToken(client: OAuthClientOptions, user: string, role: string | undefined) {
		const expiresIn = client.accessTokenValiditySeconds ?? 600;
		const token = opaqueToken();
		this.accessTokens.set(token, { clientId: client.clientId, user, role, expiresAtMs: this.defaults.now() + expiresIn * 1000 });
		return { token, expiresIn };
	}

	private issueRefreshToken(client: OAuthClientOptions, user: string, scope: ParsedScope) {
		const expiresIn = client.refreshTokenValiditySeconds ?? 7_776_000;
		const token = opaqueToken();
		this.refreshTokens.set(token, { clientId: client.clientId, user, role: scope.role, scope, expiresAtMs: this.defaults.now() + expiresIn * 1000 });
		return { token, expiresIn };
	}
}
