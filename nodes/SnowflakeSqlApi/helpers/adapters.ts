/**
 * n8n → transport adapters: the Authentication parameter as a credential type, the request helpers as an
 * HttpFn, n8n's sleep as a SleepFn, and the SnowflakeClient built from them. Every request is authenticated by
 * the code behind the credential's own `authenticate` (transport's RequestAuth): through
 * httpRequestWithAuthentication where n8n allows it, and signed here then sent with httpRequest where it does
 * not (see createN8nHttp, createCredentialTestHttp).
 */
import {
	NodeOperationError,
	sleep as n8nSleep,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IDataObject,
	type IPollFunctions,
} from 'n8n-workflow';

import { checkDecodeOptions, createRowDecoder } from '../decoder';
import {
	boundText,
	isBodyStream,
	oauthTokenFailure,
	oauthTokenUrlFailure,
	readBoundedBody,
	requestAuth,
	SnowflakeClient,
	type ContextDefaults,
	type CredentialKind,
	type HttpFn,
	type HttpRequest,
	type HttpResponse,
	type RequestAuth,
	type SleepFn,
	type SnowflakeClientOptions,
	type TransportEvent,
} from '../transport';

/** The credential type behind each value of the Authentication parameter. */
const CREDENTIAL_TYPES: ReadonlyMap<CredentialKind, string> = new Map([
	['keyPair', 'snowflakeKeyPairApi'],
	['programmaticAccessToken', 'snowflakePatApi'],
	['oAuth2', 'snowflakeOAuth2Api'],
]);

/** One credential of the node, loaded: its type name, its context defaults and how it authenticates requests. */
interface NodeCredential {
	type: string;
	defaults: ContextDefaults;
	auth: RequestAuth;
}

function isCredentialKind(value: unknown): value is CredentialKind {
	return CREDENTIAL_TYPES.has(value as CredentialKind);
}

/**
 * The node's credential, as its Authentication parameter chooses. A workflow saved before the parameter
 * existed has none: n8n then hands over its default, Key Pair (the fallback says so for releases that do not).
 */
export async function loadCredential(context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions): Promise<NodeCredential> {
	const kind: unknown =
		'getInputData' in context
			? (context as IExecuteFunctions).getNodeParameter('authentication', 0, 'keyPair')
			: (context as ILoadOptionsFunctions | IPollFunctions).getNodeParameter('authentication', 'keyPair');
	if (!isCredentialKind(kind)) {
		throw new NodeOperationError(context.getNode(), `Authentication "${String(kind)}" is not supported: choose Key Pair, Programmatic Access Token or OAuth2.`);
	}
	const type = CREDENTIAL_TYPES.get(kind) ?? '';
	const { defaults, auth } = requestAuth(kind, await context.getCredentials(type), kind === 'oAuth2' ? oauthRefresh(context, type) : undefined);
	return { type, defaults, auth };
}

/**
 * n8n's refresh of the credential's OAuth token, for the transport to call after Snowflake said the token
 * expired (n8n-core's request helpers are told never to refresh by themselves: NO_SELF_REFRESH). Executions,
 * trigger polls and list searches all have it in n8n 1.x and 2.x (getRequestHelperFunctions); where a context
 * has not, the transport says to reconnect. n8n-core 2.x refreshes one credential once even when several requests ask at once.
 */
function oauthRefresh(context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions, type: string): (() => Promise<unknown>) | undefined {
	const helpers = context.helpers as Partial<Pick<IExecuteFunctions['helpers'], 'refreshOAuth2Token'>>;
	const refresh = helpers.refreshOAuth2Token;
	return typeof refresh === 'function' ? async () => await refresh.call(context, type) : undefined;
}

/** The credential a credential test is given, by its type (undefined: not one of ours). */
export function testedCredential(type: string, data: Record<string, unknown>): NodeCredential | undefined {
	const kind = [...CREDENTIAL_TYPES].find(([, name]) => name === type)?.[0];
	if (kind === undefined) return undefined;
	const { defaults, auth } = requestAuth(kind, data);
	return { type, defaults, auth };
}

/**
 * No redirect is ever followed: by default n8n re-sends the Authorization header to a redirect's target
 * on any host (on 307/308 with the body), and that target would also answer for Snowflake. With
 * following off, the 3xx comes back as a response and the transport refuses it with a clear error.
 * `disableFollowRedirect` is what n8n 1.x and 2.x read (axios maxRedirects 0); the other two are
 * belts and braces for releases that read only those.
 */
const NO_REDIRECTS = {
	disableFollowRedirect: true,
	maxRedirects: 0,
	sendCredentialsOnCrossOriginRedirect: false,
} satisfies Partial<IHttpRequestOptions>;

/** What n8n's helpers hand back with returnFullResponse (and the legacy helper with resolveWithFullResponse). */
interface FullResponse {
	body: unknown;
	headers?: Record<string, unknown>;
	statusCode: number;
}

function lowerCaseHeaders(headers: Record<string, unknown> | undefined): HttpResponse['headers'] {
	const result: HttpResponse['headers'] = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value === undefined || value === null) continue;
		result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

/**
 * A transport failure without the HTTP library's error attached: axios errors carry the request
 * config, Authorization header included, and anything kept as `cause` may end up in run data.
 */
function transportFailure(error: unknown, signal: AbortSignal | undefined): unknown {
	if (signal?.aborted) return signal.reason;
	const source = systemError(error);
	const code = (source as { code?: unknown } | undefined)?.code;
	const message = boundText(source instanceof Error ? source.message : String(source), 500);
	return Object.assign(new Error(message), typeof code === 'string' ? { code } : {});
}

/**
 * The error that names the system error code. httpRequestWithAuthentication wraps a failed request in
 * a NodeApiError without `code`, whose message n8n may have swapped for a generic sentence; the
 * original (ECONNRESET, ETIMEDOUT, …) is its `cause`.
 */
function systemError(error: unknown): unknown {
	let current = error;
	for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
		if (typeof (current as { code?: unknown }).code === 'string') return current;
		current = current.cause;
	}
	return error;
}

/**
 * The response with its body read: the helpers hand over the decompressed body as a stream (`encoding:
 * 'stream'`, `useStream`), read here up to the request's maxBytes, so a compression bomb or an endless
 * body stops at the limit instead of filling the memory (n8n sets axios' maxContentLength to unlimited
 * and reads no option for it).
 */
async function toFullResponse(raw: unknown, request: HttpRequest): Promise<HttpResponse> {
	const response = raw as FullResponse;
	const stop = eitherSignal(request.signal, request.deadlineSignal);
	return {
		status: response.statusCode,
		headers: lowerCaseHeaders(response.headers),
		body: isBodyStream(response.body) ? await readBoundedBody(response.body, request.maxBytes, stop) : response.body,
	};
}

/** One signal for the caller's abort and the transport's deadline (either may be missing). */
function eitherSignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
	const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
	return present.length > 1 ? AbortSignal.any(present) : present[0];
}

/**
 * HttpFn over n8n's request helpers: every status resolves, JSON parsed, gzip undone by the helper.
 * Requests go through httpRequestWithAuthentication, except those the transport sends without a
 * signal on purpose: n8n-core puts the execution's cancel signal on every httpRequestWithAuthentication
 * call, which would cut the submit whose 202 reveals the handle to cancel, and the cancel itself
 * sent after the execution was stopped. Those two are signed by the same authenticateRequest the
 * credential's `authenticate` uses (key pair and PAT alike) and sent with httpRequest. OAuth2 goes through
 * n8n, which holds its access token: the request is only shaped here (token type, base URL), and the two
 * signal-less requests go through the legacy requestWithAuthentication, which adds no cancel signal.
 */
export function createN8nHttp(context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions, credential: NodeCredential): HttpFn {
	const { auth, type } = credential;
	const forcesCancelSignal = typeof (context as Partial<IExecuteFunctions>).getExecutionCancelSignal === 'function';
	const signsItself = auth.kind !== 'oAuth2';
	const legacyOAuth2 = createLegacyOAuth2Http(context, credential);
	return async (request: HttpRequest) => {
		if (!signsItself && request.signal === undefined && forcesCancelSignal) return await legacyOAuth2(request);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.path,
			qs: request.qs,
			headers: request.headers,
			body: request.body as IHttpRequestOptions['body'],
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs,
			abortSignal: eitherSignal(request.signal, request.deadlineSignal),
			encoding: 'stream',
			...NO_REDIRECTS,
		};
		try {
			const raw: unknown =
				request.signal === undefined && forcesCancelSignal && signsItself
					? await context.helpers.httpRequest(await auth.authenticateRequest(options))
					: await context.helpers.httpRequestWithAuthentication.call(context, type, signsItself ? options : await auth.authenticateRequest(options), NO_SELF_REFRESH);
			return await toFullResponse(raw, request);
		} catch (error) {
			throw signsItself ? transportFailure(error, request.signal) : oauthFailure(error, request.signal, () => auth.describe().baseUrl);
		}
	};
}

/**
 * A failed OAuth2 request. n8n fetches the token before sending, so the failure may be the token URL's: an
 * OAuth `error` (EAUTH) or n8n's refusal of the credential is said with the reconnect hint; a token URL that
 * answered without one (ESTATUS: a page, a 5xx) or could not be reached is said as the token URL's failure.
 * Neither would go differently on another attempt, and neither reached Snowflake: not retried. Only a system
 * error on the request to Snowflake itself (reset, refused, timeout) is a transport failure the exchange retries.
 */
function oauthFailure(error: unknown, signal: AbortSignal | undefined, baseUrl: () => string): unknown {
	if (signal?.aborted) return signal.reason;
	const code = (systemError(error) as { code?: unknown } | undefined)?.code;
	if (code === 'EAUTH' || typeof code !== 'string') return oauthTokenFailure(error);
	if (isTokenRequestFailure(error, baseUrl)) return oauthTokenUrlFailure(error);
	return transportFailure(error, signal);
}

/**
 * Whether a failed request was n8n's token request rather than the one to Snowflake: n8n-core 2.x wraps a
 * failed first token ("Failed to acquire OAuth2 access token"), n8n's OAuth client marks a token URL's
 * unusable answer ESTATUS, and an HTTP library's error names its URL (not Snowflake's for the token URL).
 */
function isTokenRequestFailure(error: unknown, baseUrl: () => string): boolean {
	let current = error;
	for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
		if (current.message.startsWith('Failed to acquire OAuth2 access token') || (current as { code?: unknown }).code === 'ESTATUS') return true;
		const config = (current as { config?: { url?: unknown; baseURL?: unknown } }).config;
		const url = typeof config?.url === 'string' ? (/^https?:\/\//i.test(config.url) ? config.url : `${typeof config.baseURL === 'string' ? config.baseURL : ''}${config.url}`) : '';
		if (/^https?:\/\//i.test(url) && !`${url}/`.startsWith(`${baseUrl().replace(/\/+$/, '')}/`)) return true;
		current = current.cause;
	}
	return false;
}

/**
 * The request in the legacy helpers' (request-promise) terms: every status resolves with the full response,
 * no redirect followed, the decompressed body handed over as a stream for toFullResponse to read bounded.
 */
function legacyOptions(request: HttpRequest, shaped: { baseURL: string; headers: Record<string, unknown> }) {
	return {
		uri: shaped.baseURL.replace(/\/+$/, '') + request.path,
		method: request.method,
		qs: request.qs,
		headers: shaped.headers as IDataObject,
		body: request.body,
		json: true,
		gzip: true,
		timeout: request.timeoutMs,
		resolveWithFullResponse: true,
		simple: false,
		// The legacy helper follows GET redirects unless told not to (n8n 1.x and 2.x alike).
		followRedirect: false,
		followAllRedirects: false,
		maxRedirects: 0,
		sendCredentialsOnCrossOriginRedirect: false,
		useStream: true,
	};
}

/**
 * n8n's legacy requestWithAuthentication refreshes on any 401 and retries by itself (with the full response
 * and simple: false too); the exchange then refreshed again on 390318/390303, and a 390317 (a role outside
 * the token) cost a needless refresh. Told that no status means "expired" (n8n 1.x and 2.x compare with ===;
 * 2.x also reads skipTokenRefresh), it leaves renewing to the exchange, which refreshes once and only for those codes.
 */
const NO_SELF_REFRESH = { oauth2: { tokenExpiredStatusCode: -1, skipTokenRefresh: true } };

/**
 * OAuth2 requests that must outlive the execution's cancel signal (the submit whose 202 reveals the handle,
 * the cancel sent after a stop): n8n-core's legacy requestWithAuthentication signs them with the credential's
 * token (fetching a first client-credentials token when it has none, never refreshing: NO_SELF_REFRESH) and,
 * unlike httpRequestWithAuthentication, adds no cancel signal. Redirects off and the body read bounded, as
 * everywhere else.
 */
function createLegacyOAuth2Http(context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions, credential: NodeCredential): HttpFn {
	const { auth, type } = credential;
	return async (request: HttpRequest) => {
		try {
			const shaped = await auth.authenticateRequest({ url: request.path, headers: { ...request.headers } });
			const raw: unknown = await context.helpers.requestWithAuthentication.call(context, type, legacyOptions(request, shaped), NO_SELF_REFRESH);
			return await toFullResponse(raw, request);
		} catch (error) {
			throw oauthFailure(error, request.signal, () => auth.describe().baseUrl);
		}
	};
}

/**
 * HttpFn for the credential test, where n8n offers only the legacy `helpers.request`: the request is
 * signed with the same authenticateRequest the credential's `authenticate` uses, then sent.
 */
export function createCredentialTestHttp(context: ICredentialTestFunctions, auth: RequestAuth): HttpFn {
	return async (request: HttpRequest) => {
		const signed = await auth.authenticateRequest({ url: request.path, headers: { ...request.headers } });
		try {
			const raw: unknown = await context.helpers.request(legacyOptions(request, signed));
			return await toFullResponse(raw, request);
		} catch (error) {
			throw transportFailure(error, request.signal);
		}
	};
}

/**
 * n8n's sleep, abortable. Older n8n-workflow releases ignore the signal argument, so the signal is
 * also checked before and after: a cancel then waits at most one poll interval.
 */
const abortableSleep: SleepFn = async (ms, signal) => {
	if (signal?.aborted) throw signal.reason;
	await n8nSleep(ms, signal);
	if (signal?.aborted) throw signal.reason;
};

/**
 * One client per execution, decoding with decoder/: the credential's kind and non-secret facts (key pair:
 * fingerprint, user, account) shape 401 hints; an expired key-pair token is re-signed, an expired or invalid
 * OAuth token refreshed.
 */
export function createClient(
	http: HttpFn,
	auth: RequestAuth,
	onEvent?: (event: TransportEvent) => void,
	overrides: Partial<Pick<SnowflakeClientOptions, 'retry' | 'requestTimeoutMs' | 'requestDeadlineMs'>> = {},
): SnowflakeClient {
	const described = auth.describe();
	return new SnowflakeClient({
		http,
		sleep: abortableSleep,
		deadlineSleep: abortableSleep,
		decoder: { checkDecodeOptions, createRowDecoder },
		credentialKind: described.kind,
		fingerprint: described.fingerprint,
		user: described.user,
		claimAccount: described.account,
		host: described.host,
		// Key pair: re-sign; OAuth2: n8n refreshes the token. A programmatic access token cannot be renewed.
		onTokenExpired: auth.kind === 'programmaticAccessToken' ? undefined : async () => await auth.invalidateToken(),
		onEvent,
		...overrides,
	});
}
