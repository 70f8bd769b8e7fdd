/**
 * The emulator's programmatic access tokens over real HTTP (fetch, not the project's transport): issued per
 * user, refused as Snowflake refuses them (pat.ts names the origin of each answer), on a simulated clock so
 * that expiry needs no waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SqlApi } from './harness';
import { startEmulator, type Emulator } from './server';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);
let clock = START;
let emulator: Emulator;
let api: SqlApi;

const PAT_HEADERS = { 'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN' };
const INVALID = { code: '394400', message: 'Programmatic access token is invalid.' };

beforeAll(async () => {
	emulator = await startEmulator({ syncWaitMs: 3000, clock: () => clock });
	api = new SqlApi(emulator.url, emulator.generatedPat?.secret ?? '');
});

afterAll(async () => {
	await emulator?.stop();
});

const submitWith = (token: string, body: Record<string, unknown> = { statement: 'SELECT CURRENT_USER() AS U' }) =>
	api.submit(body, undefined, { token, headers: PAT_HEADERS });

describe('programmatic access tokens', () => {
	it('issues one for the default user at start, valid for 15 days, and serves requests with it', async () => {
		const pat = emulator.generatedPat;
		expect(pat).toMatchObject({ account: 'EMULATOR', user: 'N8N_USER', expiresAtMs: START + 15 * DAY_MS });
		expect(pat?.roleRestriction).toBeUndefined();
		const response = await submitWith(pat?.secret ?? '');
		expect(response.status, JSON.stringify(response.body)).toBe(200);
		expect(response.body.data).toEqual([['N8N_USER']]);
	});

	it('refuses a wrong token, and a PAT sent as another token type', async () => {
		const wrong = await submitWith('not-a-token');
		expect(wrong.status).toBe(401);
		expect(wrong.body).toEqual(INVALID);
		const asJwt = await api.submit({ statement: 'SELECT 1' }, undefined, { token: emulator.generatedPat?.secret });
		expect(asJwt.status).toBe(401);
		expect(asJwt.body.code).toBe('390144');
	});

	it('refuses a revoked token alike, and only that one', async () => {
		const revoked = emulator.pats.issue({ user: 'N8N_USER' });
		const kept = emulator.pats.issue({ user: 'N8N_USER' });
		emulator.pats.revoke(revoked.secret);
		const response = await submitWith(revoked.secret);
		expect(response.status).toBe(401);
		expect(response.body).toEqual(INVALID);
		expect((await submitWith(kept.secret)).status).toBe(200);
	});

	it('refuses a token once its expiry passed on the emulator clock, alike', async () => {
		const pat = emulator.pats.issue({ user: 'N8N_USER', daysToExpiry: 1 });
		try {
			clock = START + DAY_MS - 1;
			expect((await submitWith(pat.secret)).status).toBe(200);
			clock = START + DAY_MS;
			const response = await submitWith(pat.secret);
			expect(response.status).toBe(401);
			expect(response.body).toEqual(INVALID);
		} finally {
			clock = START;
		}
	});

	it('refuses every token of a user subject to no network policy with 390432', async () => {
		const pat = emulator.pats.issue({ user: 'SERVICE_USER', networkPolicy: false });
		const response = await submitWith(pat.secret);
		expect(response.status).toBe(401);
		expect(response.body).toEqual({ code: '390432', message: 'Network policy is required.' });
		emulator.pats.setNetworkPolicy(pat.secret, true);
		expect((await submitWith(pat.secret)).status).toBe(200);
	});

	it('with a role restriction: that role (any case) or none runs, another role is refused with 390189', async () => {
		const pat = emulator.pats.issue({ user: 'N8N_USER', roleRestriction: 'analyst' });
		expect(pat.roleRestriction).toBe('ANALYST');
		expect((await submitWith(pat.secret, { statement: 'SELECT 1', role: 'analyst' })).status).toBe(200);
		const none = await submitWith(pat.secret, { statement: 'SELECT CURRENT_ROLE() AS R' });
		expect(none.status, JSON.stringify(none.body)).toBe(200);
		expect(none.body.data).toEqual([['ANALYST']]);
		const other = await submitWith(pat.secret, { statement: 'SELECT 1', role: 'sysadmin' });
		expect(other.status).toBe(422);
		expect(other.body).toEqual({
			code: '390189',
			message:
				"Role 'SYSADMIN' specified in the connect string is not granted to this user, or is not permitted for the credentials being used. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
		});
	});

	it('the restriction binds the token, not the user: the same user\'s other token may name any role', async () => {
		const free = emulator.pats.issue({ user: 'N8N_USER' });
		expect((await submitWith(free.secret, { statement: 'SELECT 1', role: 'SYSADMIN' })).status).toBe(200);
	});
});
