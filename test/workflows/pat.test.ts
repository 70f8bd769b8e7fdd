/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The programmatic access token credential through n8n-core against the emulator: every operation kind, a
 * list search, a trigger tick and the credential test run with Authentication = Programmatic Access Token;
 * each refusal Snowflake gives a PAT comes back with its exact message; the token never shows up in what n8n
 * keeps. And workflows saved before the Authentication parameter existed (copied from git, saved/) still run
 * with their key pair.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { beforeEach, describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import {
	createWorkflow,
	listSearchContext,
	logLines,
	plain,
	runWorkflow,
	snowflakeWorkflow,
	withAuthentication,
	type NodeOptions,
	type RunResult,
	type WorkflowJson,
} from './harness';
import { everythingKept, leaks, tokenSecrets } from './secretScan';
import { stopWhilePolling, until, useEmulator } from './setup';
import { ActiveTrigger, TRIGGER_NAME, triggerWorkflow } from './triggerHarness';

const env = useEmulator({ syncWaitMs: 200, partitionRows: 2 });
const NODE = 'Snowflake SQL API';
const ORDERS = { __rl: true, mode: 'name', value: 'orders' };
const node = new SnowflakeSqlApi();

const patWorkflow = (parameters: IDataObject, options: NodeOptions = {}): WorkflowJson =>
	withAuthentication(snowflakeWorkflow(parameters, options), 'programmaticAccessToken');
const run = async (parameters: IDataObject, items: IDataObject[] = [{}], credentials = env.patCredentials()): Promise<RunResult> =>
	await runWorkflow(patWorkflow(parameters, { items }), credentials);
const sql = (statement: string) => env.emulator.sql(statement);

/** The PAT itself and every 24-character window of it: none may appear in run data, errors or logs. */
function expectNoToken(result: RunResult, token = env.emulator.generatedPat?.secret ?? ''): void {
	expect(leaks(everythingKept(result), tokenSecrets(token))).toEqual([]);
}

beforeEach(async () => {
	await sql('CREATE OR REPLACE TABLE ORDERS (ID NUMBER(38,0), NAME VARCHAR)');
});

describe('every operation with a programmatic access token', () => {
	it('Execute SQL: the token goes as Bearer with type PROGRAMMATIC_ACCESS_TOKEN, on every request', async () => {
		const result = await run({ operation: 'executeQuery', query: 'SELECT CURRENT_USER() AS U, 2 AS N' });
		expect(plain(result.output(NODE))).toEqual([{ json: { U: 'N8N_USER', N: 2 }, pairedItem: { item: 0 } }]);
		expect(env.proxy.requests.length).toBeGreaterThan(0);
		for (const request of env.proxy.requests) {
			expect(request.authorization).toBe(`Bearer ${env.emulator.generatedPat?.secret}`);
			expect(request.tokenType).toBe('PROGRAMMATIC_ACCESS_TOKEN');
		}
		expectNoToken(result);
	});

	it('a token pasted with a Bearer prefix, quotes and a line break is repaired', async () => {
		const secret = env.emulator.generatedPat?.secret ?? '';
		const pasted = ` "Bearer ${secret.slice(0, 40)}\n${secret.slice(40)}" `;
		const result = await run({ operation: 'executeQuery', query: 'SELECT 1 AS N' }, [{}], env.patCredentials({ token: pasted }));
		expect(plain(result.output(NODE))).toEqual([{ json: { N: 1 }, pairedItem: { item: 0 } }]);
		expect(env.proxy.requests[0].authorization).toBe(`Bearer ${secret}`);
	});

	it('Insert, then Select: the rows land and come back', async () => {
		const inserted = await run({ operation: 'insert', table: ORDERS, dataMode: 'autoMapInputData' }, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
		expect(inserted.run.status).toBe('success');
		expect((await sql('SELECT ID, NAME FROM ORDERS ORDER BY ID')).data).toEqual([['1', 'a'], ['2', 'b']]);
		const selected = await run({ operation: 'select', table: ORDERS, returnAll: true, sort: { values: [{ column: 'id', direction: 'DESC' }] } });
		expect(plain(selected.output(NODE)).map((item) => item.json)).toEqual([{ ID: 2, NAME: 'b' }, { ID: 1, NAME: 'a' }]);
		expectNoToken(selected);
	});

	it('Submit (async), then Get Statement Results', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'SELECT 7 AS N' });
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await until(() => env.emulator.statement(handle)?.state === 'succeeded');
		const result = await run({ operation: 'getResults', statementHandle: handle });
		expect(plain(result.output(NODE))[0].json).toMatchObject({ statementHandle: handle, status: 'success', rows: [{ N: 7 }] });
	});

	it('Cancel Statement cancels a running statement', async () => {
		const submitted = await run({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(30)' });
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		const cancelled = await run({ operation: 'cancel', statementHandle: handle });
		expect(plain(cancelled.output(NODE))).toEqual([
			{ json: { statementHandle: handle, code: '000604', message: 'SQL execution canceled' }, pairedItem: { item: 0 } },
		]);
		await until(() => env.emulator.running === 0);
	});

	it('stopping the execution cancels the running statement: the signal-less cancel is signed with the token too', async () => {
		const workflow = patWorkflow({ operation: 'executeQuery', query: '={{ $json.sql }}' }, { items: [{ sql: 'CALL SYSTEM$WAIT(60)' }] });
		const { result, handle, cancels } = await stopWhilePolling(env, workflow, env.patCredentials());
		expect(cancels).toBe(1);
		expect(result.error()?.message).toBe(`Execution was canceled; Snowflake canceled statement ${handle}.`);
		const cancel = env.proxy.requests.find((request) => request.path.endsWith('/cancel'));
		expect(cancel?.tokenType).toBe('PROGRAMMATIC_ACCESS_TOKEN');
		expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604' });
		expectNoToken(result);
	});

	it('the table picker lists tables through the token', async () => {
		const context = listSearchContext(patWorkflow({ operation: 'insert' }), env.patCredentials());
		const found = await node.methods.listSearch.searchTables.call(context, 'ORD');
		expect(found.results.map((result) => result.name)).toContain('PUBLIC.ORDERS');
		expect(env.proxy.requests.every((request) => request.tokenType === 'PROGRAMMATIC_ACCESS_TOKEN')).toBe(true);
	});

	it('a trigger tick polls through the token', async () => {
		const workflow = withAuthentication(
			triggerWorkflow({ mode: 'newRows', table: ORDERS, watermarkColumn: 'id', startFrom: 'value', startValue: '0' }),
			'programmaticAccessToken',
		);
		await sql("INSERT INTO ORDERS VALUES (5, 'new')");
		const active = new ActiveTrigger({ workflow }, () => env.patCredentials());
		const outcome = await active.poll();
		expect(outcome.error).toBeUndefined();
		expect(outcome.items.map((item) => item.json)).toEqual([{ ID: 5, NAME: 'new' }]);
		expect(active.node.name).toBe(TRIGGER_NAME);
		expect(env.proxy.requests.every((request) => request.tokenType === 'PROGRAMMATIC_ACCESS_TOKEN')).toBe(true);
		expect(leaks(JSON.stringify(logLines), [env.emulator.generatedPat?.secret ?? ''])).toEqual([]);
	});
});

async function credentialTest(data: ICredentialDataDecryptedObject) {
	const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as unknown as ICredentialTestFunctions;
	return await node.methods.credentialTest.snowflakeConnectionTest.call(context, { id: 'credential-2', name: 'Snowflake PAT', type: 'snowflakePatApi', data });
}

const INVALID =
	'Programmatic access token is invalid. (code 394400)\n' +
	'Snowflake refused the programmatic access token. It answers the same for each of these causes:\n' +
	'- the token expired (DAYS_TO_EXPIRY, 15 days unless set): SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER <user> shows its expires_at and status; generate a new one (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN) or rotate it;\n' +
	'- the token was revoked (REMOVE), rotated or disabled, or its role restriction was revoked from the user: paste the new token secret;\n' +
	"- the token is wrong or belongs to another account: paste the whole token_secret again (this credential's account is EMULATOR).";

describe('credential test with a programmatic access token', () => {
	it('runs SELECT 1 with the credential\'s context and names the account', async () => {
		const result = await credentialTest(env.patCredentials({ warehouse: 'COMPUTE_WH' }));
		expect(result).toEqual({ status: 'OK', message: 'Connection successful (account EMULATOR)' });
		expect(env.proxy.submits()).toEqual([{ statement: 'SELECT 1', warehouse: 'COMPUTE_WH', timeout: 60 }]);
		expect(env.proxy.requests[0].tokenType).toBe('PROGRAMMATIC_ACCESS_TOKEN');
	});

	it('a wrong token', async () => {
		expect(await credentialTest(env.patCredentials({ token: 'not-the-token' }))).toEqual({ status: 'Error', message: INVALID });
	});

	it('a revoked token', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user });
		env.emulator.pats.revoke(pat.secret);
		const result = await credentialTest(env.patCredentials({ token: pat.secret }));
		expect(result).toEqual({ status: 'Error', message: INVALID });
		expect(result.message).not.toContain(pat.secret.slice(13, 37));
	});

	it('an expired token', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user, expiresAtMs: Date.UTC(2026, 0, 1) });
		expect(await credentialTest(env.patCredentials({ token: pat.secret }))).toEqual({ status: 'Error', message: INVALID });
	});

	it('a service user without a network policy: the message says a PAT needs one', async () => {
		const pat = env.emulator.pats.issue({ user: 'SVC_N8N', networkPolicy: false });
		expect(await credentialTest(env.patCredentials({ token: pat.secret }))).toEqual({
			status: 'Error',
			message:
				'Network policy is required. (code 390432)\n' +
				'Snowflake accepts a programmatic access token only from a user subject to a network policy (the default PAT_POLICY, NETWORK_POLICY_EVALUATION = ENFORCED_REQUIRED).\n' +
				'A service user (TYPE=SERVICE) cannot use a programmatic access token at all without one; a person user needs one too unless an authentication policy relaxes the requirement.\n' +
				"Ask an administrator to allow the addresses n8n connects from: CREATE NETWORK RULE n8n_egress MODE = INGRESS TYPE = IPV4 VALUE_LIST = ('<n8n egress IP>'); CREATE NETWORK POLICY n8n_policy ALLOWED_NETWORK_RULE_LIST = ('n8n_egress'); ALTER USER <user> SET NETWORK_POLICY = n8n_policy;",
		});
	});

	it('the credential\'s role outside the token\'s role restriction', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user, roleRestriction: 'ANALYST' });
		expect(await credentialTest(env.patCredentials({ token: pat.secret, role: 'SYSADMIN' }))).toEqual({
			status: 'Error',
			message:
				"Role 'SYSADMIN' specified in the connect string is not granted to this user, or is not permitted for the credentials being used. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC. (code 390189)\n" +
				"The role named for this statement (Options > Role, else the credential's Role) is not granted to the user, or the programmatic access token is restricted to another role (ROLE_RESTRICTION). Leave Role empty to use the token's role, or choose the role the token was generated for (SHOW USER PROGRAMMATIC ACCESS TOKENS shows its role_restriction).",
		});
		expect((await credentialTest(env.patCredentials({ token: pat.secret, role: 'analyst' }))).status).toBe('OK');
	});

	it('a PEM key pasted as the token: pointed to the key-pair credential, nothing sent', async () => {
		const result = await credentialTest(env.patCredentials({ token: env.emulator.generatedKey?.privateKeyPem ?? '' }));
		expect(result).toEqual({
			status: 'Error',
			message:
				'Token contains a PEM key (-----BEGIN ...): a private key belongs in the Snowflake Key-Pair API credential (Authentication: Key Pair), not here. Paste the programmatic access token secret instead.',
		});
		expect(env.proxy.requests).toEqual([]);
	});

	it('an empty token: said so, nothing sent', async () => {
		expect(await credentialTest(env.patCredentials({ token: ' \n ' }))).toEqual({
			status: 'Error',
			message: 'Token is empty: paste the programmatic access token secret (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN shows it once, as token_secret).',
		});
		expect(env.proxy.requests).toEqual([]);
	});
});

describe('a refused token in a workflow', () => {
	it('stops the execution with Snowflake\'s message and the causes, never the token', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user });
		env.emulator.pats.revoke(pat.secret);
		const result = await run({ operation: 'executeQuery', query: 'SELECT 1' }, [{}], env.patCredentials({ token: pat.secret }));
		expect(result.error()?.message).toBe('Programmatic access token is invalid. (code 394400)');
		expect(result.error()?.description).toContain('Snowflake refused the programmatic access token.');
		expect(result.error()?.description).not.toContain('RSA_PUBLIC_KEY_FP');
		expectNoToken(result, pat.secret);
	});

	it('a role outside the restriction chosen in Options: a failed item with the role hint', async () => {
		const pat = env.emulator.pats.issue({ user: env.emulator.user, roleRestriction: 'ANALYST' });
		const workflow = patWorkflow({ operation: 'executeQuery', query: 'SELECT 1', options: { role: 'PUBLIC' } }, { onError: 'continueRegularOutput' });
		const result = await runWorkflow(workflow, env.patCredentials({ token: pat.secret }));
		const json = result.output(NODE)[0].json as { error?: string; description?: string };
		expect(json.error).toMatch(/^Role 'PUBLIC' specified in the connect string is not granted to this user, or is not permitted for the credentials being used\./);
		expect(JSON.stringify(json)).toContain('restricted to another role (ROLE_RESTRICTION)');
		expectNoToken(result, pat.secret);
	});
});

describe('workflows saved before the Authentication parameter existed', () => {
	const saved = (file: string) => JSON.parse(readFileSync(join(__dirname, 'saved', file), 'utf8')) as WorkflowJson;

	it('an action node (examples/execute-sql.json as of 339cddc) runs with its key pair', async () => {
		const workflow = saved('execute-sql.339cddc.json');
		const snowflake = workflow.nodes.find((candidate) => candidate.name === 'Execute SQL');
		expect(snowflake?.parameters.authentication).toBeUndefined();
		expect(Object.keys(snowflake?.credentials ?? {})).toEqual(['snowflakeKeyPairApi']);
		// n8n-workflow fills the missing parameter with its default when it loads the workflow.
		expect(createWorkflow(workflow).getNode('Execute SQL')?.parameters.authentication).toBe('keyPair');
		const result = await runWorkflow(workflow, env.credentials());
		expect(result.run.status).toBe('success');
		expect(result.output('Execute SQL').map((item) => item.json)).toEqual([
			expect.objectContaining({ ORDER_ID: 1001, STATUS: 'open' }),
			expect.objectContaining({ ORDER_ID: 1002, STATUS: 'shipped' }),
		]);
		expect(env.proxy.requests.every((request) => request.tokenType === 'KEYPAIR_JWT')).toBe(true);
	});

	it('a trigger (examples/triggers/trigger-new-rows.json as of 339cddc) polls with its key pair', async () => {
		await sql('CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR)');
		const workflow = saved('trigger-new-rows.339cddc.json');
		const trigger = workflow.nodes.find((candidate) => candidate.name === TRIGGER_NAME);
		expect(trigger?.parameters.authentication).toBeUndefined();
		const active = new ActiveTrigger({ workflow }, () => env.credentials());
		expect(await active.poll()).toEqual({ items: [], emitted: false });
		await sql("INSERT INTO demo_orders VALUES (1, 'Ada')");
		const outcome = await active.poll();
		expect(outcome.error).toBeUndefined();
		expect(outcome.items.map((item) => item.json)).toEqual([{ ID: 1, CUSTOMER: 'Ada' }]);
		expect(env.proxy.requests.length).toBeGreaterThan(0);
		expect(env.proxy.requests.every((request) => request.tokenType === 'KEYPAIR_JWT')).toBe(true);
	});
});
