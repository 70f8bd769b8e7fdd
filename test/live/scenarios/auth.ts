/**
 * Key-pair authentication as Snowflake applies it: the credential exactly as a user fills it (no proxy),
 * a token that expired in the cache and is re-signed after the 401, and the questions of the claim that
 * only the server answers (expired-token answer, clock-skew allowance, account spellings).
 */
import { randomUUID } from 'node:crypto';

import { check, same, show, Skip, type LiveContext, type Scenario } from '../context';
import { jwtClock, realNow } from '../n8n';

const MINUTE = 60_000;

/** The package's signer with its own clock `offsetMs` away from real time. */
function skewedSigner(ctx: LiveContext, offsetMs: number) {
	return new ctx.pkg.KeyPairAuth({ now: () => realNow() + offsetMs });
}

export const authScenarios: Scenario[] = [
	{
		name: 'auth/credential-as-typed',
		covers: 'unconfirmed 6',
		run: async (ctx) => {
			const run = await ctx.node({ operation: 'executeQuery', query: 'SELECT CURRENT_USER() AS "U", CURRENT_ROLE() AS "R"' }, {}, ctx.directCredentials);
			check(!run.error, `the credential as typed (host ${ctx.pkg.KeyPairAuth.shared.describeCredentials(ctx.directCredentials).host}) failed: ${run.error?.message}`);
			const claim = ctx.pkg.KeyPairAuth.shared.describeCredentials(ctx.directCredentials);
			const row = run.items[0] ?? {};
			return `direct to ${claim.host}; claim ${claim.claimAccount}.${claim.user}; CURRENT_USER() ${JSON.stringify(row.U)}${row.U === claim.user ? ' (= claim user)' : ' (differs from the claim user: LOGIN_NAME vs NAME)'}`;
		},
	},
	{
		name: 'auth/expired-jwt-resign',
		run: async (ctx) => {
			const auth = ctx.pkg.KeyPairAuth.shared;
			auth.invalidateToken(ctx.credentials);
			try {
				// A token signed 65 minutes ago (expired 6 minutes ago), held in the cache by a clock that
				// believes it is 15 minutes ago: the next request sends it, Snowflake refuses it as expired,
				// and the package must sign a fresh one (iat 15 minutes ago, still valid) and send again.
				jwtClock.skewMs = -65 * MINUTE;
				await auth.authenticateRequest(ctx.credentials, { url: '/' });
				jwtClock.skewMs = -15 * MINUTE;
				const rows = await ctx.sql('SELECT 1 AS "ONE"');
				same(rows, [{ ONE: 1 }], 'rows');
			} finally {
				jwtClock.skewMs = 0;
				auth.invalidateToken(ctx.credentials);
			}
			const exchanges = ctx.proxy.exchanges.filter((exchange) => exchange.scenario === 'auth/expired-jwt-resign');
			const refused = exchanges.find((exchange) => exchange.status === 401);
			check(refused, `no 401 seen (statuses ${exchanges.map((exchange) => exchange.status).join(',')})`);
			const tokens = new Set(exchanges.map((exchange) => exchange.token));
			check(tokens.size === 2, `expected 2 distinct tokens (expired, re-signed), saw ${tokens.size}`);
			const body = JSON.parse(refused.body || '{}') as Record<string, unknown>;
			return `401 code ${String(body.code)} "${String(body.message).slice(0, 60)}", re-signed once, statement ran`;
		},
	},
	{
		name: 'auth/expired-jwt-answer',
		covers: 'unconfirmed 6',
		run: async (ctx) => {
			const answer = await ctx.wire.submit('SELECT 1', { auth: skewedSigner(ctx, -65 * MINUTE) });
			same(answer.status, 401, `HTTP status for an expired JWT (${answer.text.slice(0, 100)})`);
			return `401 code ${String(answer.json?.code)} "${String(answer.json?.message ?? '').slice(0, 80)}"`;
		},
	},
	{
		name: 'auth/clock-skew-allowance',
		covers: 'unconfirmed 6',
		run: async (ctx) => {
			const seen: string[] = [];
			for (const seconds of [30, 90, 300, 900]) {
				const answer = await ctx.wire.submit('SELECT 1', { auth: skewedSigner(ctx, seconds * 1000) });
				seen.push(`iat +${seconds}s → ${answer.status}${answer.status === 200 ? '' : ` ${String(answer.json?.code ?? '')}`}`);
			}
			return seen.join('; ');
		},
	},
	{
		name: 'auth/account-dash-underscore',
		covers: 'unconfirmed 6',
		run: async (ctx) => {
			const { claimAccount } = ctx.pkg.KeyPairAuth.shared.describeCredentials(ctx.credentials);
			if (!/[-_]/.test(claimAccount)) throw new Skip(`account claim ${claimAccount} has neither - nor _, so no other spelling to try`);
			const other = claimAccount.includes('-') ? claimAccount.replace(/-/g, '_') : claimAccount.replace(/_/g, '-');
			const credentials = { ...ctx.credentials, account: other };
			const answer = await ctx.wire.request('POST', '/api/v2/statements', {
				qs: { requestId: randomUUID() },
				body: { statement: 'SELECT 1', warehouse: ctx.config.warehouse || undefined, role: ctx.config.role || undefined },
				credentials,
			});
			return `claim ${claimAccount} works (every other scenario); claim ${other} → ${answer.status}${answer.status === 200 ? ' (accepted too)' : ` ${String(answer.json?.code ?? '')} (refused)`}`;
		},
	},
	{
		name: 'auth/org-dot-account',
		covers: 'fact 10',
		run: async (ctx) => {
			const typed = ctx.config.account;
			if (!/^[A-Za-z0-9]+-[A-Za-z0-9_-]+$/.test(typed)) throw new Skip(`SNOWFLAKE_ACCOUNT ${typed} is not in the organization-account form`);
			const dotted = typed.replace('-', '.');
			const expected = ctx.pkg.KeyPairAuth.shared.describeCredentials(ctx.directCredentials);
			const derived = ctx.pkg.KeyPairAuth.shared.describeCredentials({ ...ctx.directCredentials, account: dotted });
			if (derived.claimAccount !== expected.claimAccount) {
				throw new Skip(`this build derives claim ${derived.claimAccount} from ${dotted} (issue 14 fact 10 not in this build)`);
			}
			const run = await ctx.node({ operation: 'executeQuery', query: 'SELECT 1 AS "ONE"' }, {}, { ...ctx.directCredentials, account: dotted });
			check(!run.error, `${dotted} failed: ${run.error?.message}`);
			same(run.items, [{ ONE: 1 }], 'rows');
			return `${dotted} → claim ${derived.claimAccount}, host ${derived.host}: statement ran ${show(run.items[0])}`;
		},
	},
];
