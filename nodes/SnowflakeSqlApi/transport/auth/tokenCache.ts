/**
 * JWT cache: one signature per credential every ~54 minutes instead of one per request. The clock is
 * injected because `iat`/`exp` and renewal are decided by it (Date.now in the product).
 */

/** Renew with five minutes left, so a request sent with the cached token never arrives after its expiry. */
const RENEW_MARGIN_MS = 5 * 60_000;
/** Bounds memory when a long-running n8n sees many credentials. */
const MAX_CACHED_TOKENS = 1000;

/** A freshly signed token and its claim times (seconds). */
interface IssuedToken {
	token: string;
	iat: number;
	exp: number;
}

interface CachedToken {
	token: string;
	issuedAtMs: number;
	renewAtMs: number;
}

export class TokenCache {
	private readonly tokens = new Map<string, CachedToken>();

	/** `now`: milliseconds since the epoch. */
	constructor(private readonly now: () => number) {}

	/**
	 * Returns the cached token for `id` (claim account, user, fingerprint) or signs a new one. Also re-signs
	 * when the clock went back before the token's `iat`, which Snowflake would see as a token from the future.
	 */
	token(id: string, issue: (nowMs: number) => IssuedToken): string {
		const now = this.now();
		const cached = this.tokens.get(id);
		if (cached && now >= cached.issuedAtMs && now < cached.renewAtMs) return cached.token;

		const issued = issue(now);
		this.tokens.delete(id);
		if (this.tokens.size >= MAX_CACHED_TOKENS) this.evictOne(now);
		this.tokens.set(id, {
			token: issued.token,
			issuedAtMs: issued.iat * 1000,
			renewAtMs: issued.exp * 1000 - RENEW_MARGIN_MS,
		});
		return issued.token;
	}

	/** Forgets the token for `id` so the next request signs a new one (after a 401 390198). */
	drop(id: string): void {
		this.tokens.delete(id);
	}

	/** A token due for renewal goes first, else the oldest. */
	private evictOne(now: number): void {
		for (const [id, entry] of this.tokens) {
			if (now >= entry.renewAtMs) {
				this.tokens.delete(id);
				return;
			}
		}
		const oldest = this.tokens.keys().next();
		if (!oldest.done) this.tokens.delete(oldest.value);
	}
}
