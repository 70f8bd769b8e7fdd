/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * What the emulator's own tests talk to it with: JWTs made independently of the project's auth helper
 * (jose's SignJWT over a node:crypto key pair) and plain fetch calls with every header spelled out.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { importPKCS8, SignJWT } from 'jose';

import { fingerprintOf, generateRsaKeyPair, type RsaKeyPair } from '../helpers/keys';
import { SnowflakeSqlError } from './engine-types';

export { generateRsaKeyPair, type RsaKeyPair };

export interface ClaimOptions {
	account: string;
	user: string;
	/** Seconds since epoch unless `milliseconds`. Default: now. */
	iat?: number;
	/** Default: iat + 3540 s. */
	exp?: number;
	milliseconds?: boolean;
	/** Overrides of the derived claims. */
	iss?: string;
	sub?: string;
	/** Sign with this key but claim another key's fingerprint. */
	fingerprint?: string;
}

export async function signJwt(key: Pick<RsaKeyPair, 'privateKeyPem' | 'publicKeyPem'>, claims: ClaimOptions): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	const iat = claims.iat ?? now;
	const exp = claims.exp ?? iat + 3540;
	const unit = claims.milliseconds ? 1000 : 1;
	const qualified = `${claims.account}.${claims.user}`;
	const fingerprint = claims.fingerprint ?? fingerprintOf(key.publicKeyPem);
	return new SignJWT({ iss: claims.iss ?? `${qualified}.${fingerprint}`, sub: claims.sub ?? qualified, iat: iat * unit, exp: exp * unit })
		.setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
		.sign(await importPKCS8(key.privateKeyPem, 'RS256'));
}

export interface ApiResponse {
	status: number;
	headers: Headers;
	text: string;
	/** Parsed body; `{}` when the body is empty or not JSON. Loosely typed: tests assert its shape. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are what the tests check
	body: Record<string, any>;
}

export interface CallOptions {
	qs?: Record<string, string>;
	body?: unknown;
	/** Replaces the standard headers; `undefined` removes one. */
	headers?: Record<string, string | undefined>;
	token?: string;
}

/** A raw SQL API caller: `Authorization`, `X-Snowflake-Authorization-Token-Type`, `Accept`, `User-Agent`, JSON body. */
export class SqlApi {
	constructor(
		private readonly baseUrl: string,
		public token: string,
	) {}

	async call(method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<ApiResponse> {
		const url = new URL(this.baseUrl + path);
		for (const [name, value] of Object.entries(options.qs ?? {})) url.searchParams.set(name, value);
		const headers: Record<string, string | undefined> = {
			Authorization: `Bearer ${options.token ?? this.token}`,
			'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
			Accept: 'application/json',
			'User-Agent': 'emulator-conformance/1.0',
			...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
			...options.headers,
		};
		const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
		const response = await fetch(url, {
			method,
			headers: sent,
			body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
		});
		const text = await response.text();
		let body: ApiResponse['body'] = {};
		try {
			body = JSON.parse(text);
		} catch {
			// Empty and non-JSON bodies (405, 5xx pages) are checked through `text`.
		}
		return { status: response.status, headers: response.headers, text, body };
	}

	submit(body: Record<string, unknown>, qs?: Record<string, string>, options: Omit<CallOptions, 'body' | 'qs'> = {}) {
		return this.call('POST', '/api/v2/statements', { ...options, body, qs });
	}

	status(handle: string, qs?: Record<string, string>) {
		return this.call('GET', `/api/v2/statements/${handle}`, { qs });
	}

	cancel(handle: string) {
		return this.call('POST', `/api/v2/statements/${handle}/cancel`);
	}

	/**
	 * A request sent with node:http, which adds no headers of its own (fetch adds User-Agent and Accept) and
	 * hands the body over exactly as sent (still gzip-compressed). `undefined` removes a standard header.
	 */
	raw(
		path: string,
		options: { method?: 'GET' | 'POST'; headers?: Record<string, string | undefined>; body?: string } = {},
	): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
		const headers: Record<string, string | undefined> = {
			Authorization: `Bearer ${this.token}`,
			Accept: 'application/json',
			'Accept-Encoding': 'gzip',
			'User-Agent': 'emulator-conformance/1.0',
			...options.headers,
		};
		const sent = Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
		return new Promise((resolve, reject) => {
			const outgoing = httpRequest(this.baseUrl + path, { method: options.method ?? 'GET', headers: sent }, (incoming) => {
				const chunks: Buffer[] = [];
				incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
				incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
				incoming.on('error', reject);
			});
			outgoing.on('error', reject);
			outgoing.end(options.body);
		});
	}

	/** Polls until the statement is no longer running (202). */
	async waitDone(handle: string, intervalMs = 20): Promise<ApiResponse> {
		for (;;) {
			const response = await this.status(handle);
			if (response.status !== 202) return response;
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
	}
}

/** The SnowflakeSqlError `run` rejects with; anything else (a result, another error) fails the test. */
export async function sqlFailureOf(run: Promise<unknown>): Promise<SnowflakeSqlError> {
	const outcome = await run.then(
		() => undefined,
		(error: unknown) => error,
	);
	if (!(outcome instanceof SnowflakeSqlError)) throw new Error(`Expected a SnowflakeSqlError, got ${outcome instanceof Error ? outcome.message : 'a result'}`);
	return outcome;
}
