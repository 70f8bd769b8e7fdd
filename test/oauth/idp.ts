/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * A local identity provider for External OAuth tests: the client credentials grant (RFC 6749 §4.4) at
 * `POST /oauth2/token`, issuing RS256 JWTs (iss, aud, sub, iat, exp, scp) signed with a key generated at
 * start, and its JWKS at `GET /.well-known/jwks.json`. Token lifetime and clock are set by the test, so expiry
 * and re-fetching are provable without waiting. Loopback only.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, SignJWT, type JWTPayload } from 'jose';

import { readBody } from '../emulator/server';

export interface IdpClient {
	clientId: string;
	clientSecret: string;
	/** The `sub` of its tokens: the service user (matched to LOGIN_NAME by the integration). */
	subject: string;
}

export interface IdpOptions {
	clients: IdpClient[];
	/** The `aud` of every token (the integration's EXTERNAL_OAUTH_AUDIENCE_LIST). Default 'https://snowflake.example/'. */
	audience?: string;
	/** Default 3600. */
	tokenLifetimeSeconds?: number;
	/** Milliseconds since the epoch for `iat`/`exp`. Default Date.now. */
	clock?: () => number;
}

export interface Idp {
	/** `http://127.0.0.1:<port>`: also the tokens' `iss`. */
	readonly issuer: string;
	readonly tokenUrl: string;
	readonly jwksUrl: string;
	readonly audience: string;
	/** PEM SPKI of the signing key (EXTERNAL_OAUTH_RSA_PUBLIC_KEY). */
	readonly publicKeyPem: string;
	/** Tokens issued through the token endpoint. */
	readonly issued: string[];
	tokenLifetimeSeconds: number;
	/** A token signed with the IdP's key (or `key`), claims overridable: for refusal tests. */
	mint(claims: JWTPayload & { sub: string }, options?: { key?: KeyObject; lifetimeSeconds?: number }): Promise<string>;
	stop(): Promise<void>;
}

const KEY_ID = 'idp-key-1';

/** RFC 6749 §2.3.1: Basic with form-encoded id and secret, or both in the body. */
function clientOf(clients: IdpClient[], authorization: string | undefined, form: URLSearchParams): IdpClient | undefined {
	let id = form.get('client_id');
	let secret = form.get('client_secret');
	const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
		id = decode(decoded.slice(0, colon));
		secret = decode(decoded.slice(colon + 1));
	}
	const client = clients.find((candidate) => candidate.clientId === id);
	return client && client.clientSecret === secret ? client : undefined;
}

export async function startIdp(options: IdpOptions): Promise<Idp> {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const jwk = { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
	const now = options.clock ?? Date.now;
	const audience = options.audience ?? 'https://snowflake.example/';
	const issued: string[] = [];
	let issuer = '';

	const mint: Idp['mint'] = async (claims, mintOptions = {}) => {
		const iat = Math.floor(now() / 1000);
		return await new SignJWT({ iss: issuer, aud: audience, iat, exp: iat + (mintOptions.lifetimeSeconds ?? idp.tokenLifetimeSeconds), jti: randomUUID(), ...claims })
			.setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
			.sign(mintOptions.key ?? privateKey);
	};

	const server: Server = createServer((request, response) => {
		const answer = (status: number, body: unknown) => {
			const text = JSON.stringify(body);
			response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store' });
			response.end(text);
		};
		void (async () => {
			const path = new URL(request.url ?? '/', 'http://idp').pathname;
			const raw = await readBody(request);
			if (request.method === 'GET' && path === '/.well-known/jwks.json') return answer(200, { keys: [jwk] });
			if (request.method !== 'POST' || path !== '/oauth2/token') return answer(404, { error: 'not_found' });
			const form = new URLSearchParams(raw);
			const client = clientOf(options.clients, request.headers.authorization, form);
			if (!client) return answer(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
			if (form.get('grant_type') !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type' });
			const scope = form.get('scope') ?? '';
			const token = await mint({ sub: client.subject, scp: scope.split(' ').filter(Boolean), client_id: client.clientId });
			issued.push(token);
			answer(200, { access_token: token, token_type: 'Bearer', expires_in: idp.tokenLifetimeSeconds });
		})().catch((error: unknown) => answer(500, { error: 'server_error', error_description: String(error) }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const idp: Idp = {
		issuer,
		tokenUrl: `${issuer}/oauth2/token`,
		jwksUrl: `${issuer}/.well-known/jwks.json`,
		audience,
		publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
		issued,
		tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
		mint,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	return idp;
}
