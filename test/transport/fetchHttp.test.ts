/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The fetch-based HttpFn the over-HTTP tests and scripts use, against a bare local HTTP server:
 * authentication applied, URL and JSON body built, gzip decompressed, failures carrying a code.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { SnowflakeKeyPairCredentials } from '../helpers/fetchHttp';
import { createFetchHttp } from '../helpers/fetchHttp';
import { generateRsaKeyPair } from '../helpers/keys';
import { sleep } from '../helpers/sleep';

interface Seen {
	method?: string;
	url?: string;
	headers: IncomingMessage['headers'];
	body: string;
}

let server: Server;
let baseUrl: string;
let credentials: SnowflakeKeyPairCredentials;
const seen: Seen[] = [];
const hanging = new Set<ServerResponse>();
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

beforeAll(async () => {
	server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			seen.push({ method: request.method, url: request.url, headers: request.headers, body });
			if (request.url?.startsWith('/redirect')) {
				response.writeHead(307, { Location: `${baseUrl}/elsewhere` });
				response.end();
				return;
			}
			if (request.url?.startsWith('/bomb')) {
				// 64 MB of zeros, about 64 KB gzipped.
				response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
				response.end(bomb);
				return;
			}
			if (request.url?.startsWith('/hang')) {
				hanging.add(response);
				return;
			}
			const payload = gzipSync(JSON.stringify({ data: [['1'], ['2']] }));
			response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Custom': 'Yes' });
			response.end(payload);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	credentials = { account: 'xy12345.eu-central-1', user: 'tester', privateKey: generateRsaKeyPair().privateKeyPem, host: baseUrl };
});

afterAll(async () => {
	for (const response of hanging) response.destroy();
	await new Promise((resolve) => server.close(resolve));
});

describe('createFetchHttp', () => {
	it('sends an authenticated JSON request and returns lower-cased headers and the decompressed body', async () => {
		const http = createFetchHttp(credentials);
		const response = await http({
			method: 'POST',
			path: '/api/v2/statements',
			qs: { requestId: 'abc', retry: 'true' },
			body: { statement: 'select 1' },
			headers: { 'Content-Type': 'application/json' },
		});
		expect(response.status).toBe(200);
		expect(response.headers['x-custom']).toBe('Yes');
		expect(JSON.parse(new TextDecoder().decode(response.body as Uint8Array))).toEqual({ data: [['1'], ['2']] });
		const request = seen.at(-1)!;
		expect(request.method).toBe('POST');
		expect(request.url).toBe('/api/v2/statements?requestId=abc&retry=true');
		expect(JSON.parse(request.body)).toEqual({ statement: 'select 1' });
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers.authorization).toMatch(/^Bearer eyJ/);
		expect(request.headers['x-snowflake-authorization-token-type']).toBe('KEYPAIR_JWT');
		expect(request.headers.accept).toBe('application/json');
		expect(request.headers['user-agent']).toMatch(/n8n-nodes-snowflake-sql-api/);
	});

	it('hands a 3xx back as it came, never following it (the transport refuses it)', async () => {
		seen.splice(0);
		const http = createFetchHttp(credentials);
		const response = await http({ method: 'POST', path: '/redirect', body: { statement: 'select 1' } });
		expect(response.status).toBe(307);
		expect(response.headers.location).toBe(`${baseUrl}/elsewhere`);
		expect(seen.map((request) => request.url)).toEqual(['/redirect']);
	});

	it('stops reading a body past maxBytes (counted decompressed) and rejects with code ERESPONSETOOLARGE', async () => {
		const http = createFetchHttp(credentials);
		await expect(http({ method: 'GET', path: '/bomb', maxBytes: 1024 * 1024 })).rejects.toMatchObject({ code: 'ERESPONSETOOLARGE' });
		const whole = await http({ method: 'GET', path: '/bomb', maxBytes: 64 * 1024 * 1024 });
		expect((whole.body as Uint8Array).byteLength).toBe(64 * 1024 * 1024);
	});

	it('rejects with code ETIMEDOUT when the per-request timeout passes', async () => {
		const http = createFetchHttp(credentials);
		await expect(http({ method: 'GET', path: '/hang', timeoutMs: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
	});

	it('rejects with the signal’s reason when the caller aborts', async () => {
		const http = createFetchHttp(credentials);
		const controller = new AbortController();
		const reason = new Error('stop');
		const pending = http({ method: 'GET', path: '/hang', signal: controller.signal, timeoutMs: 60_000 });
		await sleep(20);
		controller.abort(reason);
		await expect(pending).rejects.toBe(reason);
	});

	it('rejects with the system error code when nothing listens', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const http = createFetchHttp({ ...credentials, host: `http://127.0.0.1:${port}` });
		await expect(http({ method: 'GET', path: '/api/v2/statements/x' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});
});

describe('sleep', () => {
	it('rejects at once with the reason of an already aborted signal', async () => {
		const reason = new Error('already');
		await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
	});

	it('rejects with the reason when the signal aborts during the wait', async () => {
		const controller = new AbortController();
		const pending = sleep(60_000, controller.signal);
		controller.abort(new Error('mid-sleep'));
		await expect(pending).rejects.toThrow('mid-sleep');
	});

	it('resolves after the time without a signal', async () => {
		await expect(sleep(1)).resolves.toBeUndefined();
	});
});
