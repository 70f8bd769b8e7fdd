/**
 * Programmatic access tokens (PATs) in the emulator: issued per user (ALTER USER ... ADD PROGRAMMATIC ACCESS
 * TOKEN), with an expiry (DAYS_TO_EXPIRY, 15 by default), an optional role restriction (ROLE_RESTRICTION),
 * revocation (REMOVE) and the network-policy prerequisite. server.ts's `authenticate` hands a request whose
 * token type is PROGRAMMATIC_ACCESS_TOKEN to `verify`; the submit asks `roleRefusal` about the role it names.
 *
 * Answers (captures/README.md has their origin; the SQL API shape of each is unconfirmed):
 * - unknown, mistyped, revoked or expired token: 401 394400 "Programmatic access token is invalid." — Snowflake
 *   answers all of them alike (gosnowflake's wiremock fixture for a wrong token; a live log for an expired one);
 * - a user subject to no network policy: 401 390432 "Network policy is required.";
 * - a role other than the token's ROLE_RESTRICTION: 422 390189 "Role '<ROLE>' specified in the connect string is
 *   not granted to this user, or is not permitted for the credentials being used. ...".
 */
import { randomBytes } from 'node:crypto';

const DAY_MS = 86_400_000;
/** Snowflake's default DAYS_TO_EXPIRY. */
const DEFAULT_DAYS_TO_EXPIRY = 15;

export const PAT_INVALID = { code: '394400', message: 'Programmatic access token is invalid.' } as const;
export const PAT_NETWORK_POLICY_REQUIRED = { code: '390432', message: 'Network policy is required.' } as const;

export function roleNotPermitted(role: string): { code: string; message: string } {
	return {
		code: '390189',
		message: `Role '${role}' specified in the connect string is not granted to this user, or is not permitted for the credentials being used. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
	};
}

export interface IssuePatOptions {
	/** Default: the emulator's account. */
	account?: string;
	user: string;
	/** Days until the token expires, from now on the emulator's clock (default 15). */
	daysToExpiry?: number;
	/** Instead of daysToExpiry: the expiry itself (ms since the epoch), e.g. one already passed. */
	expiresAtMs?: number;
	/** ROLE_RESTRICTION: the one role requests may use. */
	roleRestriction?: string;
	/** Whether the user is subject to a network policy (default true). Without one Snowflake refuses every PAT of the user. */
	networkPolicy?: boolean;
}

export interface IssuedPat {
	/** The token secret (token_secret): what a user pastes into the credential. */
	secret: string;
	account: string;
	user: string;
	expiresAtMs: number;
	roleRestriction?: string;
}

/** Who a verified PAT speaks for. */
export interface PatPrincipal {
	account: string;
	user: string;
	roleRestriction?: string;
}

type PatVerdict = { ok: true; principal: PatPrincipal } | { ok: false; detail: string; body: { code: string; message: string } };

interface StoredPat extends IssuedPat {
	revoked: boolean;
	networkPolicy: boolean;
}

export class PatRegistry {
	private readonly tokens = new Map<string, StoredPat>();
	verified = 0;
	rejected = 0;

	constructor(
		private readonly defaultAccount: string,
		private readonly now: () => number,
	) {}

	issue(options: IssuePatOptions): IssuedPat {
		const days = options.daysToExpiry ?? DEFAULT_DAYS_TO_EXPIRY;
		if (!(days > 0)) throw new Error(`DAYS_TO_EXPIRY must be more than 0 (got ${days})`);
		const stored: StoredPat = {
			// Shaped like no real secret on purpose (their format is Snowflake's business), long like one.
			secret: `emulator-pat-${randomBytes(48).toString('base64url')}`,
			account: (options.account ?? this.defaultAccount).toUpperCase(),
			user: options.user.toUpperCase(),
			expiresAtMs: options.expiresAtMs ?? this.now() + days * DAY_MS,
			roleRestriction: options.roleRestriction?.toUpperCase(),
			revoked: false,
			networkPolicy: options.networkPolicy ?? true,
		};
		this.tokens.set(stored.secret, stored);
		return { secret: stored.secret, account: stored.account, user: stored.user, expiresAtMs: stored.expiresAtMs, roleRestriction: stored.roleRestriction };
	}

	/** ALTER USER ... REMOVE PROGRAMMATIC ACCESS TOKEN: the token is refused from now on. */
	revoke(secret: string): void {
		const stored = this.tokens.get(secret);
		if (!stored) throw new Error('No such token');
		stored.revoked = true;
	}

	/** ALTER USER ... SET / UNSET NETWORK_POLICY for the user a token belongs to. */
	setNetworkPolicy(secret: string, present: boolean): void {
		const stored = this.tokens.get(secret);
		if (!stored) throw new Error('No such token');
		for (const token of this.tokens.values()) {
			if (token.account === stored.account && token.user === stored.user) token.networkPolicy = present;
		}
	}

	verify(token: string): PatVerdict {
		const stored = this.tokens.get(token);
		const refuse = (detail: string, body: { code: string; message: string } = PAT_INVALID): PatVerdict => {
			this.rejected++;
			return { ok: false, detail, body: { ...body } };
		};
		if (!stored) return refuse('unknown programmatic access token');
		// Network policy first: Snowflake evaluates it before the token's own state (unconfirmed order).
		if (!stored.networkPolicy) return refuse(`user ${stored.user} is subject to no network policy`, PAT_NETWORK_POLICY_REQUIRED);
		if (stored.revoked) return refuse('programmatic access token revoked');
		if (this.now() >= stored.expiresAtMs) return refuse('programmatic access token expired');
		this.verified++;
		return { ok: true, principal: { account: stored.account, user: stored.user, roleRestriction: stored.roleRestriction } };
	}
}

/** The submit's refusal of a role outside the token's restriction (Snowflake compares unquoted names upper-cased). */
export function roleRefusal(principal: PatPrincipal | undefined, requestedRole: unknown): { code: string; message: string } | undefined {
	if (!principal?.roleRestriction || typeof requestedRole !== 'string' || requestedRole.trim() === '') return undefined;
	const role = requestedRole.trim().toUpperCase();
	return role === principal.roleRestriction ? undefined : roleNotPermitted(role);
}
