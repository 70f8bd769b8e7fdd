/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * A loopback proxy in front of the emulator that records what reached it: method, path, query,
 * the Authorization header (so tests know every JWT that was sent) and JSON request bodies.
 * Bodies are streamed both ways; a client that hangs up closes the upstream request too. A test may
 * have it answer some requests itself (`respond`): a redirect, say, or a 202 the emulator would not give.
 */
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization?: string;
	/** X-Snowflake-Authorization-Token-Type as sent. */
	tokenType?: string;
	body?: Record<string, unknown>;
}

/** An answer the proxy gives itself instead of forwarding (a redirect, a made-up 202). */
export interface ProxyAnswer {
	status?: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Writes the answer itself instead (a body dripping in slowly, say); status, headers and body are then unused. */
	write?: (response: ServerResponse) => void;
}

export interface RecordingProxy {
	url: string;
	requests: RecordedRequest[];
	/** When set and it returns an answer for a (recorded) request, that answer is sent instead of forwarding. */
	respond?: (request: RecordedRequest) => ProxyAnswer | undefined;
	/** Every bearer token seen. */
	tokens(): string[];
	/** Bodies of statement submits, in order. */
	submits(): Array<Record<string, unknown>>;
	close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
	const upstream = new URL(target);
	const requests: RecordedRequest[] = [];
	// Set once the server listens; the request handler reads `respond` from it.
	const self: { proxy?: RecordingProxy } = {};
	const server: Server = createServer((incoming, outgoing) => {
		const url = new URL(incoming.url ?? '/', 'http://proxy');
		const record: RecordedRequest = {
			method: incoming.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			authorization: incoming.headers.authorization,
			tokenType: incoming.headers['x-snowflake-authorization-token-type'] as string | undefined,
		};
		requests.push(record);
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			if (text !== '') {
				try {
					record.body = JSON.parse(text) as Record<string, unknown>;
				} catch {
					record.body = { unparsed: text };
				}
			}
			const answer = self.proxy?.respond?.(record);
			if (answer?.write) {
				answer.write(outgoing);
				return;
			}
			if (answer) {
				outgoing.writeHead(answer.status ?? 200, answer.headers);
				outgoing.end(answer.body);
				return;
			}
			const forward = httpRequest(
				{
					host: upstream.hostname,
					port: upstream.port,
					method: incoming.method,
					path: incoming.url,
					headers: { ...incoming.headers, host: upstream.host },
				},
				(response) => {
					outgoing.writeHead(response.statusCode ?? 502, response.headers);
					response.pipe(outgoing);
				},
			);
			forward.on('error', () => outgoing.destroy());
			outgoing.on('close', () => forward.destroy());
			forward.end(text === '' ? undefined : Buffer.concat(chunks));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const proxy: RecordingProxy = {
		url: `http://127.0.0.1:${port}`,
		requests,
		tokens: () =>
			[...new Set(requests.map((r) => /^Bearer (\S+)$/.exec(r.authorization ?? '')?.[1]).filter((t): t is string => !!t))],
		submits: () =>
			requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/statements').map((r) => r.body ?? {}),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	self.proxy = proxy;
	return proxy;
}
