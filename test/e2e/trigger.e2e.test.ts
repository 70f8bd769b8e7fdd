/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The polling trigger in real n8n 1.x and 2.x. `n8n execute` runs workflows in 'cli' mode, where n8n-core
 * never calls a node's `poll`, so this test does what a user does: it activates the workflow (1.x
 * `update:workflow --active=true`, 2.x `publish:workflow`) and starts n8n. Activating a polling workflow
 * runs one poll at once; its rows start an execution whose Insert node copies them into another table of
 * the emulator, where the test reads them. Three workflows run in the same n8n: new rows on the programmatic
 * access token, the same on External OAuth (token fetched by n8n from the test IdP), and the changes example
 * as saved before the Authentication choice existed (key pair).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/server';
import { createUser, describeCommand, packPackage, startN8n, type N8nUser, type PackedPackage, type RunningN8n } from './n8nCli';
import { ensureN8n, REPO_ROOT, targets } from './n8nInstall';
import { startIdp, type Idp } from '../oauth/idp';
import { CREDENTIALS, EXTERNAL_OAUTH_CREDENTIAL, externalOAuthCredential, externalOAuthEmulatorOptions, IDP_CLIENT, SNOWFLAKE_TYPE, withAuthentication, type Authentication, type CredentialRef, type WorkflowFile } from './scenarios';

const WORKFLOW_ID = 'e2eSnowflakeTrigger01';
const CHANGES_WORKFLOW_ID = 'e2eSnowflakeChanges01';
const IDP_WORKFLOW_ID = 'e2eSnowflakeTriggerIdp01';

let emulator: Emulator;
let idp: Idp;
let pack: PackedPackage;

beforeAll(async () => {
	pack = packPackage();
	idp = await startIdp({ clients: [IDP_CLIENT] });
	emulator = await startEmulator({
		syncWaitMs: 2000,
		...externalOAuthEmulatorOptions(idp),
	});
});

afterAll(async () => {
	await emulator?.stop();
	await idp?.stop();
	if (pack) rmSync(pack.folder, { recursive: true, force: true });
});

/**
 * examples/triggers/trigger-new-rows.json, starting at ID 2 (inclusive), its rows inserted into `table`, both
 * nodes on `credential` (the changes workflow keeps the key pair it was saved with).
 */
function triggerWorkflow(table: string, authentication: Authentication, credential: CredentialRef): WorkflowFile {
	const example = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'triggers', 'trigger-new-rows.json'), 'utf8')) as WorkflowFile;
	const trigger = example.nodes.find((node) => node.type.endsWith('.snowflakeSqlApiTrigger'));
	if (!trigger) throw new Error('the trigger example has no trigger node');
	const insert = {
		id: '0b4c7a10-0000-4000-8000-0000000001e2',
		name: 'Copy Rows',
		type: SNOWFLAKE_TYPE,
		typeVersion: 1,
		position: [220, 0] as [number, number],
		parameters: { operation: 'insert', table: { __rl: true, mode: 'name', value: table }, dataMode: 'autoMapInputData' },
	};
	const workflow: WorkflowFile = {
		name: `E2E: trigger → insert into ${table}`,
		nodes: [{ ...trigger, parameters: { ...trigger.parameters, startFrom: 'value', startValue: '2' } }, insert],
		connections: { [trigger.name]: { main: [[{ node: insert.name, type: 'main', index: 0 }]] } },
	};
	return withAuthentication(workflow, authentication, credential);
}

/**
 * examples/triggers/trigger-changes-sync.json on the tables cdc_orders → cdc_orders_copy, from `start`
 * (changes committed after it are emitted at activation).
 */
function changesWorkflow(start: string): WorkflowFile {
	const example = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'triggers', 'trigger-changes-sync.json'), 'utf8')) as WorkflowFile;
	const credentials = { [CREDENTIALS.keyPair.type]: { id: CREDENTIALS.keyPair.id, name: CREDENTIALS.keyPair.name } };
	const table = (value: string) => ({ __rl: true, mode: 'name', value });
	const nodes = example.nodes.map((node) => {
		if (node.type.endsWith('.snowflakeSqlApiTrigger')) {
			return { ...node, parameters: { ...node.parameters, table: table('cdc_orders'), changesStartFrom: 'timestamp', startTimestamp: start }, credentials };
		}
		if (node.type.endsWith('.snowflakeSqlApi')) return { ...node, parameters: { ...node.parameters, table: table('cdc_orders_copy') }, credentials };
		return node;
	});
	return { ...example, name: 'E2E: changes → sync', nodes };
}

describe.each(targets())('$label', (target) => {
	let user: N8nUser;
	let n8n: RunningN8n | undefined;
	/** Requests the emulator verified per credential before this n8n started (the emulator serves both versions). */
	let before = { pat: 0, jwt: 0, oauth: 0, idpTokens: 0 };

	beforeAll(async () => {
		await emulator.sql([
			'CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)',
			"INSERT INTO demo_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'paid'), (3, 'Linus', 7.25, 'new')",
			'CREATE OR REPLACE TABLE polled_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)',
			'CREATE OR REPLACE TABLE oauth_polled_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)',
			'CREATE OR REPLACE TABLE cdc_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR) CHANGE_TRACKING = TRUE',
			"INSERT INTO cdc_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'new')",
			'CREATE OR REPLACE TABLE cdc_orders_copy AS SELECT * FROM cdc_orders',
		]);
		const [seconds, fraction] = String((await emulator.sql('SELECT CURRENT_TIMESTAMP()')).data[0][0]).split('.');
		const start = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction.slice(0, 6)}Z`;
		await emulator.sql([
			"INSERT INTO cdc_orders VALUES (3, 'Linus', 7.25, 'new')",
			"UPDATE cdc_orders SET status = 'paid' WHERE id = 2",
			'DELETE FROM cdc_orders WHERE id = 1',
		]);
		const install = await ensureN8n(target);
		user = await createUser(install, pack);
		const imports = join(user.folder, 'imports');
		mkdirSync(imports, { recursive: true });
		const credential = {
			...CREDENTIALS.keyPair,
			data: { account: emulator.account, user: emulator.user, privateKey: emulator.generatedKey?.privateKeyPem, host: emulator.url },
		};
		const patCredential = { ...CREDENTIALS.programmaticAccessToken, data: { account: emulator.account, token: emulator.generatedPat?.secret, host: emulator.url } };
		const externalOAuth = externalOAuthCredential(emulator, idp);
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify([credential, patCredential, externalOAuth]), { mode: 0o600 });
		const pat = triggerWorkflow('polled_orders', 'programmaticAccessToken', CREDENTIALS.programmaticAccessToken);
		writeFileSync(join(imports, 'workflow.json'), JSON.stringify({ ...pat, id: WORKFLOW_ID, active: false }));
		const oauth = triggerWorkflow('oauth_polled_orders', 'oAuth2', EXTERNAL_OAUTH_CREDENTIAL);
		writeFileSync(join(imports, 'oauth.json'), JSON.stringify({ ...oauth, id: IDP_WORKFLOW_ID, active: false }));
		writeFileSync(join(imports, 'changes.json'), JSON.stringify({ ...changesWorkflow(start), id: CHANGES_WORKFLOW_ID, active: false }));
		const activate = (id: string) => (target.version.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);
		for (const args of [
			['import:credentials', `--input=${join(imports, 'credentials.json')}`],
			['import:workflow', `--input=${join(imports, 'workflow.json')}`],
			['import:workflow', `--input=${join(imports, 'changes.json')}`],
			['import:workflow', `--input=${join(imports, 'oauth.json')}`],
			activate(WORKFLOW_ID),
			activate(CHANGES_WORKFLOW_ID),
			activate(IDP_WORKFLOW_ID),
		]) {
			const result = await user.n8n(args);
			if (result.code !== 0) throw new Error(`n8n ${target.version} ${args[0]} failed\n${describeCommand(result)}`);
		}
		before = { pat: emulator.pats.verified, jwt: emulator.stats.jwtsVerified, oauth: emulator.oauth.stats.accessTokensVerified, idpTokens: idp.issued.length };
	});

	afterAll(async () => {
		await n8n?.stop();
		user?.remove();
	});

	/** `n8n start` with both workflows active (once; either test may come first). */
	async function started(): Promise<RunningN8n> {
		n8n ??= await startN8n(user, { ready: false });
		return n8n;
	}

	/** Waits for the activation poll's two rows in `table`, then a little longer: a second emission would show up. */
	async function copiedRows(table: string): Promise<{ rows: Array<Array<string | null>>; logs: string }> {
		const { child, logs } = await started();
		const read = async () => (await emulator.sql(`SELECT id, customer, amount, status FROM ${table} ORDER BY id`)).data;
		const deadline = Date.now() + 150_000;
		while (Date.now() < deadline && child.exitCode === null && (await read()).length < 2) {
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		await new Promise((resolve) => setTimeout(resolve, 3000));
		return { rows: await read(), logs: logs.join('') };
	}

	const POLLED = [
		['2', 'Grace', '30.00', 'paid'],
		['3', 'Linus', '7.25', 'new'],
	];

	it('activation runs one poll: the rows from the start value on start an execution, each exactly once (programmatic access token)', async () => {
		const { rows, logs } = await copiedRows('polled_orders');
		expect(rows, logs.slice(-4000)).toEqual(POLLED);
		// Its trigger and Insert node signed with the programmatic access token, which never reached n8n's log.
		expect(emulator.pats.verified).toBeGreaterThan(before.pat);
		expect(logs).not.toContain(emulator.generatedPat?.secret ?? '');
	});

	it('the same on External OAuth: n8n fetches the client-credentials token itself at activation', async () => {
		const { rows, logs } = await copiedRows('oauth_polled_orders');
		expect(rows, logs.slice(-4000)).toEqual(POLLED);
		expect(emulator.oauth.stats.accessTokensVerified).toBeGreaterThan(before.oauth);
		const fetched = idp.issued.slice(before.idpTokens);
		expect(fetched.length).toBeGreaterThan(0);
		for (const secret of [IDP_CLIENT.clientSecret, ...fetched]) expect(logs).not.toContain(secret);
	});

	it('the changes trigger syncs its activation poll (insert, update, delete) into the copy through If, Delete Rows and Insert or Update Rows', async () => {
		const { child, logs } = await started();
		const read = async (table: string) => (await emulator.sql(`SELECT id, customer, amount, status FROM ${table} ORDER BY id`)).data;
		const expected = await read('cdc_orders');
		const deadline = Date.now() + 150_000;
		let copy = await read('cdc_orders_copy');
		while (Date.now() < deadline && child.exitCode === null && JSON.stringify(copy) !== JSON.stringify(expected)) {
			await new Promise((resolve) => setTimeout(resolve, 1000));
			copy = await read('cdc_orders_copy');
		}
		expect(expected).toEqual([
			['2', 'Grace', '30.00', 'paid'],
			['3', 'Linus', '7.25', 'new'],
		]);
		expect(copy, logs.join('').slice(-4000)).toEqual(expected);
		// Saved before the Authentication choice existed: its nodes sign with the key pair.
		expect(emulator.stats.jwtsVerified).toBeGreaterThan(before.jwt);
	});
});
