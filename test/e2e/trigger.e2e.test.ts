/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The polling trigger in real n8n 1.x and 2.x. `n8n execute` runs workflows in 'cli' mode, where n8n-core
 * never calls a node's `poll`, so this test does what a user does: it activates the workflow (1.x
 * `update:workflow --active=true`, 2.x `publish:workflow`) and starts n8n. Activating a polling workflow
 * runs one poll at once; its rows start an execution whose Insert node copies them into another table of
 * the emulator, where the test reads them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/server';
import { createUser, describeCommand, packPackage, startN8n, type N8nUser, type PackedPackage, type RunningN8n } from './n8nCli';
import { ensureN8n, REPO_ROOT, targets } from './n8nInstall';
import { CREDENTIALS, SNOWFLAKE_TYPE, withAuthentication, type WorkflowFile } from './scenarios';

const WORKFLOW_ID = 'e2eSnowflakeTrigger01';
const CHANGES_WORKFLOW_ID = 'e2eSnowflakeChanges01';

let emulator: Emulator;
let pack: PackedPackage;

beforeAll(async () => {
	pack = packPackage();
	emulator = await startEmulator({ syncWaitMs: 2000 });
});

afterAll(async () => {
	await emulator?.stop();
	if (pack) rmSync(pack.folder, { recursive: true, force: true });
});

/**
 * examples/triggers/trigger-new-rows.json, starting at ID 2 (inclusive), its rows inserted into POLLED_ORDERS,
 * both nodes on the programmatic access token (the changes workflow keeps the key pair it was saved with).
 */
function triggerWorkflow(): WorkflowFile {
	const example = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'triggers', 'trigger-new-rows.json'), 'utf8')) as WorkflowFile;
	const trigger = example.nodes.find((node) => node.type.endsWith('.snowflakeSqlApiTrigger'));
	if (!trigger) throw new Error('the trigger example has no trigger node');
	const insert = {
		id: '0b4c7a10-0000-4000-8000-0000000001e2',
		name: 'Copy Rows',
		type: SNOWFLAKE_TYPE,
		typeVersion: 1,
		position: [220, 0] as [number, number],
		parameters: { operation: 'insert', table: { __rl: true, mode: 'name', value: 'polled_orders' }, dataMode: 'autoMapInputData' },
	};
	const workflow: WorkflowFile = {
		name: 'E2E: trigger → insert',
		nodes: [{ ...trigger, parameters: { ...trigger.parameters, startFrom: 'value', startValue: '2' } }, insert],
		connections: { [trigger.name]: { main: [[{ node: insert.name, type: 'main', index: 0 }]] } },
	};
	return withAuthentication(workflow, 'programmaticAccessToken');
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
	let before = { pat: 0, jwt: 0 };

	beforeAll(async () => {
		await emulator.sql([
			'CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)',
			"INSERT INTO demo_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'paid'), (3, 'Linus', 7.25, 'new')",
			'CREATE OR REPLACE TABLE polled_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)',
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
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify([credential, patCredential]), { mode: 0o600 });
		writeFileSync(join(imports, 'workflow.json'), JSON.stringify({ ...triggerWorkflow(), id: WORKFLOW_ID, active: false }));
		writeFileSync(join(imports, 'changes.json'), JSON.stringify({ ...changesWorkflow(start), id: CHANGES_WORKFLOW_ID, active: false }));
		const activate = (id: string) => (target.version.startsWith('1.') ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);
		for (const args of [
			['import:credentials', `--input=${join(imports, 'credentials.json')}`],
			['import:workflow', `--input=${join(imports, 'workflow.json')}`],
			['import:workflow', `--input=${join(imports, 'changes.json')}`],
			activate(WORKFLOW_ID),
			activate(CHANGES_WORKFLOW_ID),
		]) {
			const result = await user.n8n(args);
			if (result.code !== 0) throw new Error(`n8n ${target.version} ${args[0]} failed\n${describeCommand(result)}`);
		}
		before = { pat: emulator.pats.verified, jwt: emulator.stats.jwtsVerified };
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

	it('activation runs one poll: the rows from the start value on start an execution, each exactly once', async () => {
		const { child, logs } = await started();
		const deadline = Date.now() + 150_000;
		let polled: Array<Array<string | null>> = [];
		while (Date.now() < deadline && child.exitCode === null) {
			polled = (await emulator.sql('SELECT id, customer, amount, status FROM polled_orders ORDER BY id')).data;
			if (polled.length >= 2) break;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		// A little longer: a second emission of the same rows would show up here.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		polled = (await emulator.sql('SELECT id, customer, amount, status FROM polled_orders ORDER BY id')).data;
		expect(polled, logs.join('').slice(-4000)).toEqual([
			['2', 'Grace', '30.00', 'paid'],
			['3', 'Linus', '7.25', 'new'],
		]);
		// Its trigger and Insert node signed with the programmatic access token, which never reached n8n's log.
		expect(emulator.pats.verified).toBeGreaterThan(before.pat);
		expect(logs.join('')).not.toContain(emulator.generatedPat?.secret ?? '');
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
