/**
 * A fetch-based HttpFn for tests and scripts: what n8n's httpRequestWithAuthentication does for the
 * node. Every request goes through `authenticateRequest` (JWT, token type, Accept, User-Agent, base
 * URL), the body is sent as JSON, fetch decompresses gzip partitions, and the body comes back as
 * bytes (at most request.maxBytes: ERESPONSETOOLARGE past that) for the transport to parse; redirects are not followed (the transport refuses them). Transport failures reject with an Error carrying the system
 * `code`; an abort by the caller rejects with the signal's reason.
 */
import { KeyPairAuth, readBoundedBody, type HttpFn, type HttpResponse, type readCredentials } from '../../nodes/SnowflakeSqlApi/transport';

/** The key-pair credential's fields, as the transport reads them (its own type is not exported). */
export type SnowflakeKeyPairCredentials = ReturnType<typeof readCredentials>;

export interface FetchHttpOptions {
	/** Used when a request names no timeoutMs. */
	defaultTimeoutMs?: number;
	fetch?: typeof fetch;
	/** Signs the requests; the node's process-wide instance unless a test brings its own (own clock, own cache). */
	auth?: KeyPairAuth;
}

export function createFetchHttp(credentials: SnowflakeKeyPairCredentials, options: FetchHttpOptions = {}): HttpFn {
	const send = options.fetch ?? fetch;
	const auth = options.auth ?? KeyPairAuth.shared;
	return async (request) => {
		const authenticated = await auth.authenticateRequest(credentials, { url: request.path, headers: { ...request.headers } });
		const url = new URL(authenticated.baseURL.replace(/\/+$/, '') + request.path);
		for (const [name, value] of Object.entries(request.qs ?? {})) url.searchParams.set(name, value);
		const headers: Record<string, string> = { 'Accept-Encoding': 'gzip' };
		for (const [name, value] of Object.entries(authenticated.headers)) headers[name] = String(value);
		let body: string | undefined;
		if (request.body !== undefined) {
			body = JSON.stringify(request.body);
			headers['Content-Type'] ??= 'application/json';
		}
		const timeoutMs = request.timeoutMs ?? options.defaultTimeoutMs;
		const signals = [request.signal, request.deadlineSignal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)].filter(
			(signal): signal is AbortSignal => signal !== undefined,
		);
		let response: Response;
		try {
			response = await send(url, {
				method: request.method,
				headers,
				body,
				// As the node's adapters: a 3xx comes back as is, for the transport to refuse.
				redirect: 'manual',
				signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
			});
		} catch (error) {
			throw transportError(error, request.signal);
		}
		const responseHeaders: HttpResponse['headers'] = {};
		response.headers.forEach((value, name) => {
			responseHeaders[name.toLowerCase()] = value;
		});
		try {
			// Counted as it streams in (decompressed): past request.maxBytes the stream is cancelled, as in the node's adapters.
			const body = response.body === null ? '' : await readBoundedBody(response.body as unknown as AsyncIterable<Uint8Array>, request.maxBytes);
			return { status: response.status, headers: responseHeaders, body };
		} catch (error) {
			throw transportError(error, request.signal);
		}
	};
}

/** The caller's abort passes through as is; everything else becomes an Error with a system code. */
function transportError(error: unknown, signal: AbortSignal | undefined): unknown {
	if (signal?.aborted) return signal.reason;
	// readBoundedBody's refusal of a body over maxBytes passes as is: the transport knows its code.
	if ((error as { code?: unknown } | undefined)?.code === 'ERESPONSETOOLARGE') return error;
	const name = (error as { name?: string } | undefined)?.name;
	if (name === 'TimeoutError') return Object.assign(new Error('The request timed out', { cause: error }), { code: 'ETIMEDOUT' });
	const cause = (error as { cause?: { code?: unknown; message?: string } } | undefined)?.cause;
	const code = typeof cause?.code === 'string' ? cause.code : 'ECONNRESET';
	const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
	return Object.assign(new Error(message, { cause: error }), { code });
}
