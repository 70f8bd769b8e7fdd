/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * A loopback proxy between the package and the target (Snowflake over https, or the emulator): it lets the
 * suite see every exchange (a scenario asserts that a 202 was polled, a cancel was sent), save every response
 * body for `--record`, and lose one answer on purpose after the server ran the statement (the honest way to
 * make the package resubmit with the same requestId). The whole answer is read before it is passed on, so a
 * dropped answer is one Snowflake had fully sent.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { Redactor } from './redact';

export interface Exchange {
	seq: number;
	scenario: string;
	method: string;
	path: string;
	query: Record<string, string>;
	requestBody?: unknown;
	/** The bearer token sent (kept in memory for the re-sign scenario, never written by --record). */
	token?: string;
	/** 0: the proxy lost the answer on purpose (or the upstream failed). */
	status: number;
	/** Decompressed body text (capped in memory; --record files hold all of it). */
	body: string;
	dropped?: boolean;
}

export interface LiveProxy {
	readonly url: string;
	readonly exchanges: Exchange[];
	/** Label of the files and exchanges from now on. */
	scenario: string;
	/** When it returns true for an exchange, the answer is read in full and then the client's connection is cut. */
	dropAnswer?: (exchange: Exchange) => boolean;
	close(): Promise<void>;
}

const MEMORY_BODY_CAP = 2_000_000;

function forwardHeaders(headers: IncomingHttpHeaders, upstreamHost: string): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined || name === 'host' || name === 'connection') continue;
		out[name] = value;
	}
	out.host = upstreamHost;
	return out;
}

function decode(body: Buffer, encoding: string | undefined): string {
	if (encoding === 'gzip') {
		try {
			return gunzipSync(body).toString('utf8');
		} catch {
			return `<gzip body that does not decompress, ${body.length} bytes>`;
		}
	}
	return body.toString('utf8');
}

function parsed(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

export async function startLiveProxy(target: string, options: { recordDir?: string; redactor: Redactor }): Promise<LiveProxy> {
	const upstream = new URL(target);
	const secure = upstream.protocol === 'https:';
	const send = secure ? httpsRequest : httpRequest;
	if (options.recordDir) mkdirSync(options.recordDir, { recursive: true });
	let seq = 0;
	const self: { proxy?: LiveProxy } = {};

	const save = (exchange: Exchange, fullBody: string, headers: IncomingHttpHeaders) => {
		if (!options.recordDir) return;
		const redact = (text: string) => options.redactor.redact(text);
		const kind = exchange.method === 'POST' ? (exchange.path.endsWith('/cancel') ? 'cancel' : 'submit') : exchange.query.partition ? `partition-${exchange.query.partition}` : 'status';
		const name = `${String(exchange.seq).padStart(4, '0')}-${exchange.scenario.replace(/[^A-Za-z0-9]+/g, '_')}-${kind}.json`;
		const file = {
			scenario: exchange.scenario,
			request: { method: exchange.method, path: redact(exchange.path), query: parsed(redact(JSON.stringify(exchange.query))), body: exchange.requestBody === undefined ? undefined : parsed(redact(JSON.stringify(exchange.requestBody))) },
			response: {
				status: exchange.status,
				dropped: exchange.dropped || undefined,
				contentType: headers['content-type'],
				contentEncoding: headers['content-encoding'],
				body: parsed(redact(fullBody)),
			},
		};
		writeFileSync(join(options.recordDir, name), `${JSON.stringify(file, null, 2)}\n`);
	};

	const server: Server = createServer((incoming, outgoing) => {
		const url = new URL(incoming.url ?? '/', 'http://proxy');
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const requestText = Buffer.concat(chunks).toString('utf8');
			const exchange: Exchange = {
				seq: ++seq,
				scenario: self.proxy?.scenario ?? '',
				method: incoming.method ?? 'GET',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				requestBody: requestText === '' ? undefined : parsed(requestText),
				token: /^Bearer (\S+)$/.exec(incoming.headers.authorization ?? '')?.[1],
				status: 0,
				body: '',
			};
			self.proxy?.exchanges.push(exchange);
			const forward = send(
				{
					host: upstream.hostname,
					port: upstream.port || (secure ? 443 : 80),
					servername: secure ? upstream.hostname : undefined,
					method: incoming.method,
					path: incoming.url,
					headers: forwardHeaders(incoming.headers, upstream.host),
				},
				(response) => {
					const parts: Buffer[] = [];
					response.on('data', (part: Buffer) => parts.push(part));
					response.on('error', () => outgoing.destroy());
					response.on('end', () => {
						const raw = Buffer.concat(parts);
						const text = decode(raw, response.headers['content-encoding']);
						exchange.status = response.statusCode ?? 0;
						exchange.body = text.length > MEMORY_BODY_CAP ? text.slice(0, MEMORY_BODY_CAP) : text;
						if (self.proxy?.dropAnswer?.(exchange)) {
							exchange.dropped = true;
							save(exchange, text, response.headers);
							outgoing.destroy();
							return;
						}
						save(exchange, text, response.headers);
						outgoing.writeHead(response.statusCode ?? 502, response.headers);
						outgoing.end(raw);
					});
				},
			);
			forward.on('error', () => outgoing.destroy());
			// The package hung up (an abort): stop the upstream exchange too, as a direct connection would.
			outgoing.on('close', () => {
				if (!outgoing.writableFinished) forward.destroy();
			});
			forward.end(requestText === '' ? undefined : Buffer.concat(chunks));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const proxy: LiveProxy = {
		url: `http://127.0.0.1:${port}`,
		exchanges: [],
		scenario: '',
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	self.proxy = proxy;
	return proxy;
}
