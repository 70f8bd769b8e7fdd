/**
 * The password-less credentials beside the key pair, as Snowflake applies them: a programmatic access token
 * (SNOWFLAKE_PAT) and an OAuth access token obtained outside the suite (SNOWFLAKE_OAUTH_TOKEN). The selects run
 * the built node through n8n-core with the Authentication parameter set; the refusals are raw requests shaped
 * by the package's own code (token type, Accept, User-Agent) with a mangled copy of the token, whose answers
 * (code, message) are what README § Unconfirmed items 10 and 11 still lack. No token is printed:
 * run.ts hides both tokens and their mangled copies by value in every line and recorded file.
 */
import { randomUUID } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { check, same, show, Skip, type LiveContext, type Scenario } from '../context';
import { credentialTypeFor, type LiveAuthentication } from '../n8n';
import { mangledToken } from '../redact';
import type { WireAnswer } from '../wire';

const SELECT_WHO = 'SELECT CURRENT_USER() AS "U", CURRENT_ROLE() AS "R"';

/** The role a token's requests name: its restriction, else SNOWFLAKE_ROLE when the token is SNOWFLAKE_USER's. */
function patRole(ctx: LiveContext): string {
	const { config } = ctx;
	if (config.patRoleRestriction) return config.patRoleRestriction;
	return config.patUser.toUpperCase() === config.user.toUpperCase() ? config.role : '';
}

function patCredentials(ctx: LiveContext): ICredentialDataDecryptedObject {
	if (!ctx.config.pat) throw new Skip('SNOWFLAKE_PAT not set (a programmatic access token of SNOWFLAKE_USER or SNOWFLAKE_PAT_USER)');
	// No schema: the temporary one belongs to SNOWFLAKE_USER's role, which the token's user may not have.
	return { account: ctx.config.account, token: ctx.config.pat, host: ctx.proxy.url, role: patRole(ctx), warehouse: ctx.config.warehouse, database: ctx.config.database, schema: '' };
}

/** The OAuth2 credential after a Connect: n8n keeps the access token as oauthTokenData. */
function oauthCredentials(ctx: LiveContext): ICredentialDataDecryptedObject {
	if (!ctx.config.oauthToken) throw new Skip('SNOWFLAKE_OAUTH_TOKEN not set (an OAuth access token for the account, from Snowflake OAuth or your identity provider)');
	const host = ctx.proxy.url;
	return {
		grantType: 'pkce',
		account: ctx.config.account,
		host,
		// No role: a token carries its own (its scope, or the user's default); SNOWFLAKE_ROLE may be outside it.
		role: '',
		warehouse: ctx.config.warehouse,
		database: ctx.config.database,
		schema: '',
		clientId: '',
		clientSecret: '',
		authUrl: `${host}/oauth/authorize`,
		accessTokenUrl: `${host}/oauth/token-request`,
		scope: 'refresh_token',
		authentication: 'body',
		oauthTokenData: { access_token: ctx.config.oauthToken, token_type: 'Bearer' },
	};
}

/** The exchanges of the running scenario. */
function exchangesOf(ctx: LiveContext, scenario: string) {
	return ctx.proxy.exchanges.filter((exchange) => exchange.scenario === scenario);
}

/** One statement submitted raw with `credentials` of `kind` (a 202 polled to its end with the same token). */
async function rawSubmit(ctx: LiveContext, kind: LiveAuthentication, credentials: ICredentialDataDecryptedObject, body: Record<string, unknown>, token?: string): Promise<WireAnswer> {
	const auth = ctx.pkg.signerFor(kind);
	let answer = await ctx.wire.request('POST', '/api/v2/statements', { qs: { requestId: randomUUID() }, body, credentials, auth, token });
	for (let polls = 0; answer.status === 202 && polls < 60; polls++) {
		const handle = encodeURIComponent(String(answer.json?.statementHandle ?? ''));
		answer = await ctx.wire.request('GET', `/api/v2/statements/${handle}`, { credentials, auth, token });
	}
	return answer;
}

/** CURRENT_USER() and CURRENT_ROLE() of a raw statement with the OAuth token, naming no role. */
async function oauthWho(ctx: LiveContext, credentials: ICredentialDataDecryptedObject): Promise<{ user: unknown; role: unknown }> {
	const answer = await rawSubmit(ctx, 'oAuth2', credentials, { statement: SELECT_WHO, warehouse: ctx.config.warehouse || undefined });
	same(answer.status, 200, `HTTP status of a statement with the OAuth access token (${answer.text.slice(0, 120)})`);
	const [row] = (answer.json?.data ?? []) as unknown[][];
	return { user: row?.[0], role: row?.[1] };
}

/** `status code "message"` of a refusal, the message cut short. */
function refusal(answer: WireAnswer): string {
	return `${answer.status} ${String(answer.json?.code ?? '(no code)')} "${String(answer.json?.message ?? answer.text).slice(0, 120)}"`;
}

/** The node through n8n-core with `authentication`: CURRENT_USER() and CURRENT_ROLE() as it ran them. */
async function nodeSelect(ctx: LiveContext, authentication: LiveAuthentication, credentials: ICredentialDataDecryptedObject, scenario: string, token: string): Promise<{ user: unknown; role: unknown }> {
	const run = await ctx.node({ operation: 'executeQuery', query: SELECT_WHO }, { authentication }, credentials);
	check(!run.error, `the node with ${authentication} failed: ${run.error?.message}`);
	const row = run.items[0] ?? {};
	const sent = exchangesOf(ctx, scenario);
	check(sent.length > 0 && sent.every((exchange) => exchange.token === token), `expected every request to carry the given token (${sent.length} request(s))`);
	return { user: row.U, role: row.R };
}

export const tokenScenarios: Scenario[] = [
	{
		name: 'auth/pat-select',
		run: async (ctx) => {
			const credentials = patCredentials(ctx);
			const { user, role } = await nodeSelect(ctx, 'programmaticAccessToken', credentials, 'auth/pat-select', ctx.config.pat);
			// Upper-cased both: a restriction typed in lower case names the same unquoted role.
			if (credentials.role) same(String(role).toUpperCase(), String(credentials.role).toUpperCase(), 'CURRENT_ROLE() (the role the request named)');
			return `programmatic access token through the node: CURRENT_USER() ${JSON.stringify(user)}${String(user).toUpperCase() === ctx.config.patUser.toUpperCase() ? '' : ` (token of ${ctx.config.patUser})`}, role used ${JSON.stringify(role)}${credentials.role ? '' : " (the user's default)"}`;
		},
	},
	{
		name: 'auth/pat-wrong-token',
		covers: 'unconfirmed 10',
		run: async (ctx) => {
			const answer = await rawSubmit(ctx, 'programmaticAccessToken', patCredentials(ctx), { statement: 'SELECT 1' }, mangledToken(ctx.config.pat));
			same(answer.status, 401, `HTTP status for a wrong programmatic access token (${answer.text.slice(0, 100)})`);
			return `${refusal(answer)}; code ${answer.json?.code === '394400' ? 'is' : 'is NOT'} 394400 (the drivers' "invalid" code)`;
		},
	},
	{
		name: 'auth/pat-role-restriction',
		covers: 'unconfirmed 10',
		run: async (ctx) => {
			const credentials = patCredentials(ctx);
			const restriction = ctx.config.patRoleRestriction;
			if (!restriction) throw new Skip('SNOWFLAKE_PAT_ROLE_RESTRICTION not set (the token has no role restriction to step outside)');
			// PUBLIC is granted to every user: refusing it can only be the restriction's doing.
			const other = restriction.toUpperCase() === 'PUBLIC' ? ctx.config.role : 'PUBLIC';
			if (!other || other.toUpperCase() === restriction.toUpperCase()) throw new Skip(`the restriction is ${restriction}: set SNOWFLAKE_ROLE to another role of the user to step outside it`);
			const answer = await rawSubmit(ctx, 'programmaticAccessToken', credentials, { statement: 'SELECT 1', warehouse: ctx.config.warehouse, role: other });
			check(answer.status !== 200, `a request naming ${other} with a token restricted to ${restriction} ran: ${show(answer.json ?? answer.text)}`);
			const expected = answer.status === 422 && answer.json?.code === '390189';
			return `role ${other} outside ${restriction} → ${refusal(answer)}${expected ? ' (422 390189, as expected)' : ' (expected 422 390189)'}`;
		},
	},
	{
		name: 'auth/oauth-select',
		run: async (ctx) => {
			const credentials = oauthCredentials(ctx);
			const { user, role } = await oauthWho(ctx, credentials);
			return `OAuth access token, raw request: CURRENT_USER() ${JSON.stringify(user)}, role used ${JSON.stringify(role)}`;
		},
	},
	{
		name: 'auth/oauth-node-select',
		run: async (ctx) => {
			const credentials = oauthCredentials(ctx);
			const type = credentialTypeFor(ctx.pkg, 'oAuth2');
			if (!type) throw new Skip("this build's node offers no OAuth2 authentication (the Authentication selector lists no snowflakeOAuth2Api credential)");
			const { user, role } = await nodeSelect(ctx, 'oAuth2', credentials, 'auth/oauth-node-select', ctx.config.oauthToken);
			return `${type} through the node (n8n-core's OAuth2 helper): CURRENT_USER() ${JSON.stringify(user)}, role used ${JSON.stringify(role)}`;
		},
	},
	{
		name: 'auth/oauth-invalid-token',
		covers: 'unconfirmed 11',
		run: async (ctx) => {
			const answer = await rawSubmit(ctx, 'oAuth2', oauthCredentials(ctx), { statement: 'SELECT 1' }, mangledToken(ctx.config.oauthToken));
			same(answer.status, 401, `HTTP status for a wrong OAuth access token (${answer.text.slice(0, 100)})`);
			return `${refusal(answer)}; code ${answer.json?.code === '390303' ? 'is' : 'is NOT'} 390303 (the reference's "invalid" code)`;
		},
	},
	{
		name: 'auth/oauth-other-role',
		covers: 'unconfirmed 11',
		run: async (ctx) => {
			const credentials = oauthCredentials(ctx);
			const own = String((await oauthWho(ctx, credentials)).role ?? '');
			// PUBLIC is granted to every user: refusing it can only be the token's doing.
			const other = own.toUpperCase() === 'PUBLIC' ? ctx.config.role : 'PUBLIC';
			if (!other || other.toUpperCase() === own.toUpperCase()) throw new Skip(`the token's role is ${own}: set SNOWFLAKE_ROLE to another role of the user to step outside it`);
			const answer = await rawSubmit(ctx, 'oAuth2', credentials, { statement: SELECT_WHO, warehouse: ctx.config.warehouse || undefined, role: other });
			if (answer.status === 200) {
				const [row] = (answer.json?.data ?? []) as unknown[][];
				same(row?.[1], other, `CURRENT_ROLE() after naming ${other}`);
				return `role ${other} beside the token's ${own} → 200, ran as ${other} (the token allows any role: session:role-any or External OAuth's any-role mode)`;
			}
			check(answer.status >= 400 && answer.status < 500 && typeof answer.json?.code === 'string', `a refusal of role ${other} should be a 4xx with a code, got ${answer.status} ${answer.text.slice(0, 120)}`);
			const expected = answer.status === 401 && answer.json?.code === '390317';
			return `role ${other} beside the token's ${own} → ${refusal(answer)}${expected ? ' (401 390317, as the emulator answers)' : ' (the emulator answers 401 390317)'}`;
		},
	},
];
