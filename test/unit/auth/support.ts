import { importSPKI, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

import { KeyPairAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import type { SnowflakeKeyPairCredentials } from '../../helpers/fetchHttp';

/** The error `run` throws (synchronously or as a rejection); fails the test when there is none. */
export async function captureError(run: () => unknown): Promise<Error> {
	try {
		await run();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error, got none');
}

export function credentials(
	privateKey: string,
	overrides: Partial<SnowflakeKeyPairCredentials> = {},
): SnowflakeKeyPairCredentials {
	return { account: 'xy12345.ap-southeast-2', user: 'my_user', privateKey, ...overrides };
}

/** `Bearer <jwt>` → `<jwt>`. */
export function bearerToken(headers: Record<string, unknown> | undefined): string {
	const value = String(headers?.Authorization ?? '');
	if (!value.startsWith('Bearer ')) throw new Error(`not a Bearer header: ${value.slice(0, 20)}`);
	return value.slice('Bearer '.length);
}

/** Verifies with jose (an independent RS256 implementation) at the given instant. */
export async function verifyJwt(
	token: string,
	publicKeyPem: string,
	nowMs: number,
): Promise<{ payload: JWTPayload; protectedHeader: ProtectedHeaderParameters }> {
	const key = await importSPKI(publicKeyPem, 'RS256');
	return await jwtVerify(token, key, { algorithms: ['RS256'], typ: 'JWT', currentDate: new Date(nowMs) });
}

/** A settable clock for a test's own KeyPairAuth. */
export function fakeClock(startMs: number): { now: () => number; set: (ms: number) => void; advance: (ms: number) => void } {
	let current = startMs;
	return {
		now: () => current,
		set: (ms) => {
			current = ms;
		},
		advance: (ms) => {
			current += ms;
		},
	};
}

/** What describeCredentials derives from `overrides` on top of a valid credential (own instance, no shared state). */
export function described(
	privateKey: string,
	overrides: Partial<SnowflakeKeyPairCredentials> = {},
): ReturnType<KeyPairAuth['describeCredentials']> {
	return new KeyPairAuth({ now: Date.now }).describeCredentials(credentials(privateKey, overrides));
}

/** The JWT in a request signed by `auth`. */
export async function tokenFrom(auth: KeyPairAuth, creds: SnowflakeKeyPairCredentials): Promise<string> {
	const request = await auth.authenticateRequest(creds, { url: '/api/v2/statements' });
	return bearerToken(request.headers);
}

/** What every configuration error looks like from outside the transport (only SnowflakeError is exported). */
export const CONFIG_ERROR = { name: 'SnowflakeConfigError', kind: 'config' };

/** The error `fn` throws (undefined when it returns). */
export function thrownBy(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		return error;
	}
	return undefined;
}
