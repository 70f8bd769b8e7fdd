/**
 * Server-provided strings are bounded and redacted before they reach a message, an error's fields, the
 * node's error (message, description), an error item or the transport's events: a server that echoes the
 * JWT in code, sqlState, statementHandle, message or a text body never gets it, whole or as a 24-character
 * fragment, into any of them; a 2 MB code makes a small error item.
 */
import { describe, expect, it } from 'vitest';

import { errorItem, toNodeError } from '../../../nodes/SnowflakeSqlApi/helpers';
import { boundText, KeyPairAuth, type HttpResponse, type SnowflakeError } from '../../../nodes/SnowflakeSqlApi/transport';
import { testKeys } from '../../helpers/keys';
import { NODE } from '../actions/fixtures';
import { harness, json, resultSet } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const keys = testKeys();

/** A real JWT of this client, as a hostile server would echo it. */
async function realJwt(): Promise<string> {
	const auth = new KeyPairAuth({ now: () => 1_700_000_000_000 });
	const signed = await auth.authenticateRequest({ account: 'xy12345', user: 'n8n_user', privateKey: keys.pkcs8 }, { url: SUBMIT });
	return String(signed.headers.Authorization).replace(/^Bearer /, '');
}

/** Every 24-character window of the token (and the whole token) must be absent from `captured`. */
function expectNoToken(captured: string, token: string): void {
	expect(captured.includes(token)).toBe(false);
	for (let start = 0; start + 24 <= token.length; start++) {
		const fragment = token.slice(start, start + 24);
		if (captured.includes(fragment)) throw new Error(`a 24-character fragment of the JWT (at ${start}) survived`);
	}
}

/** Everything a user or a log could see of one failed execute. */
async function failure(reply: HttpResponse): Promise<{ error: SnowflakeError; captured: string; item: string }> {
	const { fake, client, events } = harness({ retry: { limit: 0 } });
	fake.on('POST', SUBMIT, [reply]);
	const error = (await client.execute({ statement: 'select 1' }).catch((e: unknown) => e)) as SnowflakeError;
	const nodeError = toNodeError(NODE, error, 0);
	const item = JSON.stringify(errorItem(NODE, error, 0));
	const regular = JSON.stringify(errorItem({ ...NODE, onError: 'continueErrorOutput' }, error, 0));
	const captured = [
		error.message,
		error.code,
		error.sqlState,
		error.statementHandle,
		error.hint,
		JSON.stringify(error),
		nodeError.message,
		nodeError.description,
		JSON.stringify(nodeError),
		item,
		regular,
		JSON.stringify(events),
	].join('\n');
	return { error, captured, item };
}

describe('a JWT echoed by the server never survives', () => {
	const statuses = [401, 403, 408, 422, 429, 500, 400];

	it.each(statuses)('HTTP %i with the JWT in code, sqlState, statementHandle and message', async (status) => {
		const token = await realJwt();
		const { error, captured } = await failure(
			json(status, { code: token, sqlState: token, statementHandle: token, message: `failed for ${token} and Bearer ${token}` }),
		);
		expect(error.name).toMatch(/^Snowflake/);
		expectNoToken(captured, token);
		expect(error.message).toContain('[redacted');
	});

	it.each([0, 150, 180, 190, 199, 210])('a text body with the JWT at character %i (around the 200-character cut)', async (at) => {
		const token = await realJwt();
		const { captured, error } = await failure({ status: 502, headers: {}, body: `${'x'.repeat(at)}${token} <html>` });
		expect(error.message).toMatch(/^Snowflake returned HTTP 502: HTTP 502 from Snowflake: /);
		expectNoToken(captured, token);
	});

	it('a text body of a Bearer header echo', async () => {
		const token = await realJwt();
		const { captured } = await failure({ status: 400, headers: {}, body: `Authorization: Bearer ${token}` });
		expectNoToken(captured, token);
	});

	it('a 200 whose message, code and sqlState carry it: the result (run data) is redacted', async () => {
		const token = await realJwt();
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([1], { message: `done ${token}`, code: token, sqlState: token })]);
		const result = await client.execute({ statement: 'select 1' });
		expectNoToken(JSON.stringify(result), token);
	});
});

describe('sizes', () => {
	it('a 2 MB code makes a bounded error and error item', async () => {
		const { error, item } = await failure(json(422, { code: '9'.repeat(2 * 1024 * 1024), sqlState: 'S'.repeat(1024 * 1024), message: 'syntax error', statementHandle: 'h'.repeat(1024 * 1024) }));
		expect(error.code?.length).toBeLessThan(100);
		expect(error.sqlState?.length).toBeLessThan(100);
		expect(error.statementHandle?.length).toBeLessThan(300);
		expect(error.message.length).toBeLessThan(400);
		expect(item.length).toBeLessThan(4_000);
	});

	it('a 120 KB message of eyJ is redacted and cut to 2,000 characters', async () => {
		const { error } = await failure(json(422, { code: '001003', message: 'eyJ'.repeat(40_000) }));
		expect(error.message.length).toBeLessThan(2_100);
		expect(error.message).not.toContain('eyJ');
	});

	it('boundText redacts before it cuts: no partial token at the cut, the count of what was left out kept', () => {
		const shaped = ['eyJhbGciOiJSUzI1NiJ9', 'eyJpc3MiOiJYWTEyMzQ1In0', 'c2lnbmF0dXJlLWJ5dGVz'].join('.');
		for (let at = 180; at < 200; at++) {
			const text = boundText(`${'x'.repeat(at)}${shaped}`, 200);
			expect(text).not.toMatch(/eyJ|c2ln|In0/);
		}
		expect(boundText('x'.repeat(10_000), 2_000)).toBe(`${'x'.repeat(2_000)}… (8000 more characters)`);
	});
});

describe('boundText', () => {
	it('says a text was cut even when redacting a token shortened what is shown below the limit', () => {
		const text = `head eyJ${'a'.repeat(2_900)} ${' TAIL'.repeat(40)}`;
		const bounded = boundText(text);
		expect(bounded).toMatch(/^head \[redacted JWT\]/);
		expect(bounded).toMatch(/… \(\d+ more characters\)$/);
		expect(bounded).not.toContain('eyJ');
	});

	it('leaves a short text as it is, without a marker', () => {
		expect(boundText('SQL compilation error: invalid identifier')).toBe('SQL compilation error: invalid identifier');
	});
});
