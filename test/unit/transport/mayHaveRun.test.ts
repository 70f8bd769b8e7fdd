 
/**
 * A write that fails after the client lost track of it must say it may have run: the fault campaign found
 * "Snowflake returned HTTP 502 after 7 attempts" for an UPDATE whose first POST had committed (its answer
 * was lost), which invites running it again. Failures that answer for the statement, or that never
 * reached Snowflake, say nothing of the kind.
 */
import { NodeApiError, type INode } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { toNodeError } from '../../../nodes/SnowflakeSqlApi/helpers';
import type { SnowflakeError } from '../../../nodes/SnowflakeSqlApi/transport';
import { HANDLE, harness, json, networkError, running, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const SUBMIT_NOTE =
	'The statement may have run on Snowflake: an attempt got no answer, so whether it ran is unknown (requestId req-1). Check the data before running it again.';
const POLL_NOTE = `The statement may have run: Snowflake accepted it (statement handle ${HANDLE}) and it may still complete. Check it with Get Statement Results before running it again.`;
const html = (status: number) => ({ status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status}</h1></body></html>` });

async function failure(setup: (fake: ReturnType<typeof harness>['fake']) => void): Promise<Error> {
	const { fake, client } = harness({ retry: { limit: 2 } });
	setup(fake);
	return (await client.execute({ statement: 'update t set a = 1' }).catch((error: unknown) => error)) as Error;
}

describe('a failed submit whose statement may have run', () => {
	it('a reset (answer lost), then 502s: the message and the hint say it may have run, with the requestId', async () => {
		const error = await failure((fake) => fake.on('POST', SUBMIT, [networkError('ECONNRESET'), html(502)]));
		expect(error).toEqual(snowflakeError('http'));
		expect(error.message).toBe(`Snowflake returned HTTP 502 after 3 attempts: HTTP 502 from Snowflake: <html><body><h1>502</h1></body></html>. ${SUBMIT_NOTE}`);
		expect((error as SnowflakeError).hint).toMatch(/^The statement may have run on Snowflake: .*\nSnowflake \(or a proxy in between\) failed on its side/);
	});

	it('resets only: the network error says it may have run', async () => {
		const error = await failure((fake) => fake.on('POST', SUBMIT, [networkError('ECONNRESET')]));
		expect(error).toEqual(snowflakeError('network'));
		expect(error.message).toBe(`Could not reach Snowflake after 3 attempts: connect ECONNRESET (ECONNRESET). ${SUBMIT_NOTE}`);
	});

	it('a 504 (a gateway that timed out after forwarding), then 429s', async () => {
		const error = await failure((fake) => fake.on('POST', SUBMIT, [html(504), json(429, { code: '390505', message: 'Too many requests.' })]));
		expect(error).toEqual(snowflakeError('rateLimited'));
		expect(error.message).toBe(`Snowflake is still rate-limiting after 3 attempts: Too many requests. (code 390505). ${SUBMIT_NOTE}`);
	});

	it.each([
		['503s (turned away)', [html(503)]],
		['connection refused', [networkError('ECONNREFUSED')]],
		['host not found', [networkError('ENOTFOUND')]],
		['429s', [json(429, { code: '390505', message: 'Too many requests.' })]],
	])('%s: nothing reached Snowflake, no note', async (_label, replies) => {
		const error = await failure((fake) => fake.on('POST', SUBMIT, replies));
		expect(error.message).not.toMatch(/may have run/);
	});

	it('a reset, then the resubmission answers 422: the statement failed, no note', async () => {
		const error = await failure((fake) =>
			fake.on('POST', SUBMIT, [networkError('ECONNRESET'), json(422, { code: '002003', sqlState: '42S02', message: 'Table T does not exist.', statementHandle: HANDLE })]),
		);
		expect(error).toEqual(snowflakeError('sql'));
		expect(error.message).toBe('Table T does not exist. (code 002003, SQL state 42S02)');
	});
});

describe('a statement accepted (202) whose status checks then fail', () => {
	it('says the statement may still complete, with its handle', async () => {
		const error = await failure((fake) => {
			fake.on('POST', SUBMIT, [running()]);
			fake.on('GET', statementPath(), [html(503)]);
		});
		expect(error).toEqual(snowflakeError('http'));
		expect(error.message).toBe(`Snowflake returned HTTP 503 after 3 attempts: HTTP 503 from Snowflake: <html><body><h1>503</h1></body></html>. ${POLL_NOTE}`);
		expect((error as SnowflakeError).statementHandle).toBe(HANDLE);
	});

	it('a SQL error while polling is the statement\'s own outcome: no note', async () => {
		const error = await failure((fake) => {
			fake.on('POST', SUBMIT, [running()]);
			fake.on('GET', statementPath(), [json(422, { code: '100038', sqlState: '22018', message: "Numeric value 'x' is not recognized", statementHandle: HANDLE })]);
		});
		expect(error.message).toBe("Numeric value 'x' is not recognized (code 100038, SQL state 22018)");
	});
});

describe('the n8n error keeps the transport message', () => {
	const node = { id: '1', name: 'Snowflake SQL API', type: 'n8n-nodes-snowflake-sql-api.snowflakeSqlApi', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

	it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED'])('a network error mentioning %s is not swapped for n8n\'s generic sentence', async (code) => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [Object.assign(new Error('socket hang up'), { code })]);
		const transportError = (await client.execute({ statement: 'update t set a = 1' }).catch((e: unknown) => e)) as SnowflakeError;
		const reached = code !== 'ECONNREFUSED'; // refused: the request never reached Snowflake
		expect(transportError.message).toBe(`Could not reach Snowflake after 7 attempts: socket hang up (${code})${reached ? `. ${SUBMIT_NOTE}` : ''}`);
		const error = toNodeError(node, transportError, 0);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(transportError.message);
		expect(error.description).toBe(transportError.hint);
		expect(error.description).toMatch(/Check the account host, DNS, proxies and firewalls/);
	});
});
