/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The live suite is configured by environment variables only (README § Confirm against your account), so a
 * maintainer runs it with nothing but an account and a registered key, and CI points it at the emulator.
 */
import { readFileSync } from 'node:fs';

export interface LiveConfig {
	account: string;
	user: string;
	privateKey: string;
	privateKeyPassphrase: string;
	role: string;
	warehouse: string;
	database: string;
	/** SNOWFLAKE_HOST: empty means the host derived from the account, as a user's credential would. */
	host: string;
	/** SNOWFLAKE_PAT: a programmatic access token; empty: the auth/pat-* scenarios are skipped. */
	pat: string;
	/** Whose token it is: SNOWFLAKE_PAT_USER, else SNOWFLAKE_USER. */
	patUser: string;
	/** SNOWFLAKE_PAT_ROLE_RESTRICTION: the token's ROLE_RESTRICTION, when it has one. */
	patRoleRestriction: string;
	/** SNOWFLAKE_OAUTH_TOKEN: an OAuth access token obtained outside; empty: the auth/oauth-* scenarios are skipped. */
	oauthToken: string;
}

export type ConfigResult = { ok: true; config: LiveConfig } | { ok: false; message: string; partial: boolean };

const REQUIRED = ['SNOWFLAKE_ACCOUNT', 'SNOWFLAKE_USER', 'SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_PATH', 'SNOWFLAKE_WAREHOUSE', 'SNOWFLAKE_DATABASE'];

/** The one line printed when the suite has nothing to run against. */
export const HINT =
	'live: not run; set SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY (or SNOWFLAKE_PRIVATE_KEY_PATH), SNOWFLAKE_WAREHOUSE and SNOWFLAKE_DATABASE (optional: SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, SNOWFLAKE_ROLE, SNOWFLAKE_HOST, SNOWFLAKE_PAT, SNOWFLAKE_PAT_USER, SNOWFLAKE_PAT_ROLE_RESTRICTION, SNOWFLAKE_OAUTH_TOKEN) to run it against your account (README: Confirm against your account)';

export function readLiveConfig(env: Record<string, string | undefined>): ConfigResult {
	const value = (name: string): string => (env[name] ?? '').trim();
	const keyPath = value('SNOWFLAKE_PRIVATE_KEY_PATH');
	// A PEM pasted into one environment variable often carries literal \n: the credential repairs that itself.
	const inlineKey = env.SNOWFLAKE_PRIVATE_KEY ?? '';
	const present = {
		SNOWFLAKE_ACCOUNT: value('SNOWFLAKE_ACCOUNT') !== '',
		SNOWFLAKE_USER: value('SNOWFLAKE_USER') !== '',
		'SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_PATH': inlineKey.trim() !== '' || keyPath !== '',
		SNOWFLAKE_WAREHOUSE: value('SNOWFLAKE_WAREHOUSE') !== '',
		SNOWFLAKE_DATABASE: value('SNOWFLAKE_DATABASE') !== '',
	};
	const missing = REQUIRED.filter((name) => !present[name as keyof typeof present]);
	if (missing.length === REQUIRED.length) return { ok: false, message: HINT, partial: false };
	if (missing.length > 0) return { ok: false, message: `live: not run; also set ${missing.join(', ')} (README: Confirm against your account)`, partial: true };
	// Facts about a token without the token are a half-configured run, not a reason to skip quietly.
	const patFacts = ['SNOWFLAKE_PAT_USER', 'SNOWFLAKE_PAT_ROLE_RESTRICTION'].filter((name) => value(name) !== '');
	if (patFacts.length > 0 && value('SNOWFLAKE_PAT') === '') {
		return { ok: false, message: `live: not run; ${patFacts.join(' and ')} describe a token: also set SNOWFLAKE_PAT (README: Confirm against your account)`, partial: true };
	}
	let privateKey = inlineKey;
	if (privateKey.trim() === '') {
		try {
			privateKey = readFileSync(keyPath, 'utf8');
		} catch (error) {
			return { ok: false, message: `live: not run; SNOWFLAKE_PRIVATE_KEY_PATH ${keyPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, partial: true };
		}
	}
	return {
		ok: true,
		config: {
			account: value('SNOWFLAKE_ACCOUNT'),
			user: value('SNOWFLAKE_USER'),
			privateKey,
			privateKeyPassphrase: env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE ?? '',
			role: value('SNOWFLAKE_ROLE'),
			warehouse: value('SNOWFLAKE_WAREHOUSE'),
			database: value('SNOWFLAKE_DATABASE'),
			host: value('SNOWFLAKE_HOST'),
			// Trimmed like the names: a token copied into a variable often ends with a line break.
			pat: value('SNOWFLAKE_PAT'),
			patUser: value('SNOWFLAKE_PAT_USER') || value('SNOWFLAKE_USER'),
			patRoleRestriction: value('SNOWFLAKE_PAT_ROLE_RESTRICTION'),
			oauthToken: value('SNOWFLAKE_OAUTH_TOKEN'),
		},
	};
}

/** A loopback host is the emulator (the credential accepts http:// only there): its gaps may be skipped. */
export function isEmulatorHost(baseUrl: string): boolean {
	try {
		const { hostname } = new URL(baseUrl);
		return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
	} catch {
		return false;
	}
}
