/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * Raw SQL API requests for the wire questions n8n's node cannot ask (a request without User-Agent, a
 * requestId reused on purpose, a JWT signed with a skewed clock, a wrong token): signed by the package's own
 * KeyPairAuth from dist/ (or its request shaping for a programmatic access token or OAuth token), sent with node:http (which adds no header of its own, unlike fetch's User-Agent and Accept)
 * through the suite's proxy (so `--record` saves them too).
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';

import { sleep } from '../helpers/sleep';
import type { DistSigner } from './n8n';

export interface WireAnswer {
	status: number;
	text: string;
	/** The parsed JSON body, or undefined when it is not JSON. */
	json?: Record<string, unknown>;
}

export interface SubmitOptions {
	requestId?: string;
	retry?: boolean;
	async?: boolean;
	bindings?: Record<string, { type: string; value: string | null }>;
	timeout?: number;
	parameters?: Record<string, string>;
	/** Header names to leave out (User-Agent, Accept, Content-Type). */
	omitHeaders?: string[];
	/** Sign with this signer instead of the package's shared key pair (a skewed clock, another kind). */
	auth?: DistSigner;
	/** Replace the Authorization token (e.g. another claim spelling). */
	token?: string;
}

export class Wire {
	constructor(
		private readonly baseUrl: string,
		private readonly credentials: Record<string, unknown>,
		private readonly auth: DistSigner,
		private readonly context: { database: string; schema: string; warehouse: string; role: string },
	) {}

	async request(
		method: 'GET' | 'POST',
		path: string,
		options: { qs?: Record<string, string>; body?: unknown; credentials?: Record<string, unknown> } & Pick<SubmitOptions, 'omitHeaders' | 'auth' | 'token'> = {},
	): Promise<WireAnswer> {
		const signed = await (options.auth ?? this.auth).authenticateRequest(options.credentials ?? this.credentials, { url: path });
		const headers: Record<string, string> = { 'Accept-Encoding': 'gzip' };
		for (const [name, value] of Object.entries(signed.headers)) headers[name] = String(value);
		if (options.token) headers.Authorization = `Bearer ${options.token}`;
		const body = options.body === undefined ? undefined : JSON.stringify(options.body);
		if (body !== undefined) headers['Content-Type'] = 'application/json';
		for (const omitted of options.omitHeaders ?? []) {
			for (const name of Object.keys(headers)) if (name.toLowerCase() === omitted.toLowerCase()) delete headers[name];
		}
		const url = new URL(this.baseUrl + path);
		for (const [name, value] of Object.entries(options.qs ?? {})) url.searchParams.set(name, value);
		const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
			const sent = httpRequest(url, { method, headers, timeout: 120_000 }, (response) => {
				const parts: Buffer[] = [];
				response.on('data', (part: Buffer) => parts.push(part));
				response.on('error', reject);
				response.on('end', () => {
					const raw = Buffer.concat(parts);
					resolve({ status: response.statusCode ?? 0, text: (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8') });
				});
			});
			sent.on('timeout', () => sent.destroy(new Error(`${method} ${path}: no answer in 120 s`)));
			sent.on('error', reject);
			sent.end(body);
		});
		let json: Record<string, unknown> | undefined;
		try {
			json = JSON.parse(text) as Record<string, unknown>;
		} catch {
			json = undefined;
		}
		return { status, text, json };
	}

	submit(statement: string, options: SubmitOptions = {}): Promise<WireAnswer> {
		const qs: Record<string, string> = { requestId: options.requestId ?? randomUUID() };
		if (options.retry) qs.retry = 'true';
		if (options.async) qs.async = 'true';
		const body: Record<string, unknown> = { statement, ...this.contextFields() };
		if (options.bindings) body.bindings = options.bindings;
		if (options.timeout !== undefined) body.timeout = options.timeout;
		if (options.parameters) body.parameters = options.parameters;
		return this.request('POST', '/api/v2/statements', { qs, body, omitHeaders: options.omitHeaders, auth: options.auth, token: options.token });
	}

	status(handle: string, partition?: number): Promise<WireAnswer> {
		return this.request('GET', `/api/v2/statements/${encodeURIComponent(handle)}`, partition === undefined ? {} : { qs: { partition: String(partition) } });
	}

	/** Polls a handle until it is no longer running (202), at most `limitMs`. */
	async settle(handle: string, limitMs = 120_000): Promise<WireAnswer> {
		const started = Date.now();
		for (;;) {
			const answer = await this.status(handle);
			if (answer.status !== 202 || Date.now() - started > limitMs) return answer;
			await sleep(500);
		}
	}

	private contextFields(): Record<string, string> {
		const fields: Record<string, string> = {};
		for (const [name, value] of Object.entries(this.context)) if (value) fields[name] = value;
		return fields;
	}
}
