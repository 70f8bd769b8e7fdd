/**
 * Failure paths through real workflows against the emulator's DuckDB engine: SQL errors (a real invalid
 * identifier, a missing table, a bad cast) with continueOnFail off, on (regular output) and routed to the
 * error output, each with the code, SQL state, message and handle the engine produced; key-pair auth
 * failures and what they say; the account region; token renewal; the statement timeout (408); and
 * cancelling a running statement from the execution.
 */
import { describe, expect, it, vi } from 'vitest';

import { KeyPairAuth, readCredentials } from '../../nodes/SnowflakeSqlApi/transport';
import { SqlApi, signJwt } from '../emulator/harness';
import { cryptoCalls } from '../helpers/cryptoCalls';
import { generateRsaKeyPair } from '../helpers/keys';
import { plain, runWorkflow, snowflakeWorkflow } from './harness';
import { stopWhilePolling, until, useEmulator } from './setup';

vi.mock('node:crypto', async (importOriginal) => (await import('../helpers/cryptoCalls')).countingCrypto(await importOriginal()));

const env = useEmulator({ syncWaitMs: 200 });
const NODE = 'Snowflake SQL API';
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const SQL_ERROR = "SQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL' (code 000904, SQL state 42000)";
const query = { operation: 'executeQuery', query: '={{ $json.sql }}' };
const items = [{ sql: 'SELECT 1 AS N' }, { sql: 'SELECT FAIL' }, { sql: 'SELECT 3 AS N' }];

/** The failure the emulator recorded for the handle an error names. */
const failureOf = (handle: unknown) => env.emulator.statement(String(handle))?.failure;
const handleIn = (description: string | undefined) => /^Statement handle: ([0-9a-f-]{36})$/m.exec(description ?? '')?.[1];
/** A description: the hint for the SQL error's code (it starts with `hintStart`), then the statement handle line. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hinted = (hintStart: string) => new RegExp(`^${escapeRegExp(hintStart)}[^\\n]*\\nStatement handle: [0-9a-f-]{36}$`);
const INVALID_IDENTIFIER_HINT = 'A column or name is not known here: check its spelling and the table it belongs to. Unquoted names are upper-cased by Snowflake';

describe('SQL errors', () => {
	it('continueOnFail off: the execution stops with Snowflake\'s message, code, sqlState and handle', async () => {
		const result = await runWorkflow(snowflakeWorkflow(query, { items }), env.credentials());
		expect(result.run.status).toBe('error');
		const error = result.error();
		expect(error?.message).toBe(SQL_ERROR);
		expect(error?.description).toMatch(hinted(INVALID_IDENTIFIER_HINT));
		expect(error?.httpCode).toBe('422');
		expect(error?.context?.itemIndex).toBe(1);
		expect(result.output('Success')).toEqual([]);
		// The handle is the statement that failed on the emulator, with the same code, state and message.
		expect(failureOf(handleIn(error?.description))).toMatchObject({
			code: '000904',
			sqlState: '42000',
			message: "SQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL'",
		});
		// Item 2 never ran: the execution stopped at item 1.
		expect(env.proxy.submits().map((body) => body.statement)).toEqual(['SELECT 1 AS N', 'SELECT FAIL']);
	});

	it('continueOnFail (regular output): an error item in place of the failed item, the others run', async () => {
		const result = await runWorkflow(snowflakeWorkflow(query, { items, onError: 'continueRegularOutput' }), env.credentials());
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([
			{ json: { N: 1 }, pairedItem: { item: 0 } },
			{
				json: {
					error: SQL_ERROR,
					code: '000904',
					sqlState: '42000',
					statementHandle: HANDLE,
					itemIndex: 1,
					description: expect.stringMatching(hinted(INVALID_IDENTIFIER_HINT)),
				},
				pairedItem: { item: 1 },
			},
			{ json: { N: 3 }, pairedItem: { item: 2 } },
		]);
		const failed = result.output(NODE)[1].json;
		expect(failed.description).toMatch(new RegExp(`\\nStatement handle: ${String(failed.statementHandle)}$`));
		expect(failureOf(failed.statementHandle)).toMatchObject({ code: '000904', sqlState: '42000' });
	});

	it('continue using the error output: failed items go to the error branch with their input fields', async () => {
		const result = await runWorkflow(snowflakeWorkflow(query, { items, onError: 'continueErrorOutput' }), env.credentials());
		expect(plain(result.output(NODE, 0))).toEqual([
			{ json: { N: 1 }, pairedItem: { item: 0 } },
			{ json: { N: 3 }, pairedItem: { item: 2 } },
		]);
		expect(plain(result.output(NODE, 1))).toEqual([
			{
				json: {
					sql: 'SELECT FAIL',
					message: SQL_ERROR,
					error: {
						code: '000904',
						sqlState: '42000',
						statementHandle: HANDLE,
						itemIndex: 1,
						description: expect.stringMatching(hinted(INVALID_IDENTIFIER_HINT)),
					},
				},
				pairedItem: { item: 1 },
			},
		]);
	});
});

describe('SQL errors: other real codes', () => {
	it.each([
		[
			'a table that does not exist',
			'SELECT * FROM NO_SUCH_TABLE',
			'002003',
			'42S02',
			"SQL compilation error:\nObject 'NO_SUCH_TABLE' does not exist or not authorized.",
			'The object does not exist, or the role in use is not allowed to see it. Check the database and schema (Options or the credential), and that the role has USAGE on them and a privilege on the object. Unquoted names are upper-cased by Snowflake: an object or column created with a quoted lower-case name (e.g. "orders") must be written in double quotes, exactly as created.',
		],
		[
			'a database that does not exist',
			'SELECT * FROM NO_SUCH_DB.PUBLIC.T',
			'002003',
			'02000',
			"SQL compilation error:\nDatabase 'NO_SUCH_DB' does not exist or not authorized.",
			'The object does not exist, or the role in use is not allowed to see it.',
		],
		[
			'text that is no number',
			"SELECT '12x'::NUMBER AS N",
			'100038',
			'22018',
			"Numeric value '12x' is not recognized",
			"A value could not be read as a number. Check the Query Parameters' types and values",
		],
		[
			'a syntax error',
			'SELECT FROM WHERE',
			'001003',
			'42000',
			"SQL compilation error:\nsyntax error line 1 at position 12 unexpected 'WHERE'.",
			'Snowflake could not parse the SQL: check the statement near the line and position given.',
		],
	])('%s: error item with code, SQL state, message, a hint and the handle', async (_label, sql, code, sqlState, message, hint) => {
		const result = await runWorkflow(snowflakeWorkflow(query, { items: [{ sql }], onError: 'continueRegularOutput' }), env.credentials());
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					error: `${message} (code ${code}, SQL state ${sqlState})`,
					code,
					sqlState,
					statementHandle: HANDLE,
					itemIndex: 0,
					description: expect.stringMatching(hinted(hint)),
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(failureOf(result.output(NODE)[0].json.statementHandle)).toMatchObject({ code, sqlState, message });
	});
});

describe('authentication', () => {
	it('a key that is not registered: 401 with the fingerprint sent, to compare with DESCRIBE USER', async () => {
		const other = generateRsaKeyPair();
		const result = await runWorkflow(snowflakeWorkflow(query, { items: [items[0]] }), env.credentials({ privateKey: other.privateKeyPem }));
		const error = result.error();
		expect(error?.message).toMatch(/^JWT token is invalid\. \[[0-9a-f-]{36}\] \(code 390144\)$/);
		expect(error?.httpCode).toBe('401');
		expect(error?.description).toContain(
			`run DESCRIBE USER N8N_USER and compare RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) with the fingerprint this client sent, ${other.fingerprint}`,
		);
		expect(error?.description).toContain('this client used EMULATOR');
	});

	it('a private key that cannot be read fails before anything is sent, for every item with continueOnFail', async () => {
		const result = await runWorkflow(
			snowflakeWorkflow(query, { items: items.slice(0, 2), onError: 'continueRegularOutput' }),
			env.credentials({ privateKey: 'not a key' }),
		);
		const outputs = plain(result.output(NODE));
		expect(outputs.map((item) => [item.json.itemIndex, item.pairedItem])).toEqual([
			[0, { item: 0 }],
			[1, { item: 1 }],
		]);
		expect(outputs[0].json.error).toEqual(outputs[1].json.error);
		expect(env.proxy.requests).toEqual([]);
	});

	it('an account locator with region: the region stays out of the JWT claim', async () => {
		const result = await runWorkflow(snowflakeWorkflow(query, { items: [items[0]] }), env.credentials({ account: 'emulator.us-east-2.aws' }));
		expect(plain(result.output(NODE))).toEqual([{ json: { N: 1 }, pairedItem: { item: 0 } }]);
		const claims = JSON.parse(Buffer.from(env.proxy.tokens()[0].split('.')[1], 'base64url').toString('utf8')) as { iss: string; sub: string };
		expect(claims.sub).toBe('EMULATOR.N8N_USER');
		expect(claims.iss).toMatch(/^EMULATOR\.N8N_USER\.SHA256:/);
	});

	it('an expired token (390198) is re-signed once and the statement runs', async () => {
		// A cached token first, as after earlier executions: the node and the credential share KeyPairAuth.shared.
		await KeyPairAuth.shared.authenticateRequest(readCredentials(env.credentials()), { url: '/' });
		const signaturesBefore = cryptoCalls.sign;
		env.emulator.faults.add({ route: 'submit', kind: 'tokenExpired' });
		const result = await runWorkflow(snowflakeWorkflow(query, { items: [items[0]] }), env.credentials());
		expect(plain(result.output(NODE))).toEqual([{ json: { N: 1 }, pairedItem: { item: 0 } }]);
		expect(result.run.status).toBe('success');
		// The same request again (same requestId, retry=true), with a newly signed token.
		const submits = env.proxy.requests.filter((request) => request.method === 'POST');
		expect(submits.map((request) => request.query)).toEqual([
			{ requestId: submits[0].query.requestId },
			{ requestId: submits[0].query.requestId, retry: 'true' },
		]);
		// Signed once more, counted at node:crypto (a token signed again within the same second may be
		// byte-identical to the cached one: iat has second precision).
		expect(cryptoCalls.sign - signaturesBefore).toBe(1);
		expect(env.emulator.faults.log.map((fault) => fault.kind)).toEqual(['tokenExpired']);
		expect(env.emulator.executions(submits[0].query.requestId)).toBe(1);
	});
});

describe('timeouts and cancellation', () => {
	it('a statement cancelled on Snowflake by someone else fails the run as an error, with 000604', async () => {
		const running = runWorkflow(snowflakeWorkflow(query, { items: [{ sql: 'CALL SYSTEM$WAIT(60)' }] }), env.credentials());
		await until(() => env.emulator.running > 0 && env.proxy.requests.some((request) => request.method === 'GET'));
		const poll = env.proxy.requests.find((request) => request.method === 'GET');
		const handle = decodeURIComponent(String(poll?.path.split('/')[4]));
		const key = env.emulator.generatedKey;
		if (!key) throw new Error('The emulator has no generated key');
		const admin = new SqlApi(env.emulator.url, await signJwt(key, { account: env.emulator.account, user: env.emulator.user }));
		expect((await admin.cancel(handle)).status).toBe(200);
		const result = await running;
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toBe('SQL execution cancelled (code 000604, SQL state 57014)');
		expect(handleIn(result.error()?.description)).toBe(handle);
	});

	it('the statement timeout: Snowflake cancels the statement and the node fails with 408 and what to do', async () => {
		env.emulator.syncWaitMs = 10_000; // the POST itself waits, so the timeout arrives as its 408
		try {
			const result = await runWorkflow(
				snowflakeWorkflow({ ...query, options: { statementTimeout: 1 } }, { items: [{ sql: 'CALL SYSTEM$WAIT(30)' }] }),
				env.credentials(),
			);
			const error = result.error();
			// A failed run, not a cancelled one: n8n reads "canceled" in a message as a stopped execution.
			expect(result.run.status).toBe('error');
			expect(error?.httpCode).toBe('408');
			expect(error?.message).toMatch(
				/^Statement reached its statement or warehouse timeout of 1 second\(s\) and was cancelled\. \(code 000630, SQL state 57014\)/,
			);
			expect(error?.description).toMatch(/^The statement reached its timeout and Snowflake cancelled it\. Set the Statement Timeout option to a larger value \(up to 604800 seconds, 7 days; when it is empty or 0, the STATEMENT_TIMEOUT_IN_SECONDS parameter of the account or user applies/);
			expect(env.proxy.submits()[0].timeout).toBe(1);
			const handle = handleIn(error?.description);
			expect(failureOf(handle)).toMatchObject({ kind: 'timeout', code: '000630', sqlState: '57014' });
			await until(() => env.emulator.running === 0); // the engine's SYSTEM$WAIT was interrupted, not left sleeping
		} finally {
			env.emulator.syncWaitMs = 200;
		}
	});

	it('cancelling the execution cancels the running statement on Snowflake', async () => {
		const workflow = snowflakeWorkflow(query, { items: [{ sql: 'CALL SYSTEM$WAIT(60)' }] });
		const { result, handle, cancels } = await stopWhilePolling(env, workflow, env.credentials());
		expect(cancels).toBe(1);
		expect(result.error()?.message).toBe(`Execution was canceled; Snowflake canceled statement ${handle}.`);
		expect(result.run.status).toBe('canceled');
		expect(env.emulator.running).toBe(0);
		expect(env.emulator.statement(handle)?.state).toBe('failed');
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604' });
	});
});
