/**
 * Process-wide JWT cache, shared by every execution that uses the same credential: one signature per
 * credential every ~54 minutes instead of one per request.
 */

/** Renew with five minutes left, so a request sent with the cached token never arrives after its expiry. */
export const RENEW_MARGIN_MS = 5 * 60_000;
/** Bounds memory when a long-running n8n sees many credentials. */
const MAX_CACHED_TOKENS = 1000;

/** A freshly signed token and its claim times (seconds). */
export interface IssuedToken {
	token: string;
	iat: number;
	exp: number;
}

interface CachedToken {
	token: string;
	issuedAtMs: number;
	renewAtMs: number;
}

let clock: () => number = Date.now;
const tokens = new Map<string, CachedToken>();
let signatures = 0;

/** Test hook: replaces the clock (milliseconds since the epoch); call without an argument to restore Date.now. */
export function setAuthClock(now?: () => number): void {
	clock = now ?? Date.now;
}

function evictOne(now: number): void {
	for (const [id, entry] of tokens) {
		if (now >= entry.renewAtMs) {
			tokens.delete(id);
			return;
		}
	}
	const oldest = tokens.keys().next();
	if (!oldest.done) tokens.delete(oldest.value);
}

/**
 * Returns the cached token for `id` (claim account, user, fingerprint) or signs a new one. Also re-signs when
 * the clock went back before the token's `iat`, which Snowflake would see as a token from the future.
 */
export function cachedToken(id: string, issue: (nowMs: number) => IssuedToken): string {
	const now = clock();
	const cached = tokens.get(id);
	if (cached && now >= cached.issuedAtMs && now < cached.renewAtMs) return cached.token;

	const issued = issue(now);
	signatures++;
	tokens.delete(id);
	if (tokens.size >= MAX_CACHED_TOKENS) evictOne(now);
	tokens.set(id, {
		token: issued.token,
		issuedAtMs: issued.iat * 1000,
		renewAtMs: issued.exp * 1000 - RENEW_MARGIN_MS,
	});
	return issued.token;
}

/** Forgets the token for `id` so the next request signs a new one (after a 401 390198). */
export function dropToken(id: string): void {
	tokens.delete(id);
}

/** JWTs signed since the last clear. */
export function signatureCount(): number {
	return signatures;
}

export function clearTokenCache(): void {
	tokens.clear();
	signatures = 0;
}
