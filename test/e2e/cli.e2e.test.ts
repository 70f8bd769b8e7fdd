/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped */
/**
 * The package in real n8n, from its command line, on n8n 1.x (Node 20) and 2.x (Node 24): the tarball
 * `npm pack` makes is installed into `<N8N_USER_FOLDER>/.n8n/nodes` as a user would, the credential and the
 * workflows are imported with `n8n import:*`, and each workflow runs with `n8n execute --id --rawOutput`
 * against the emulator on loopback. Every examples/ workflow runs (tables seeded per workflow), plus an SQL
 * error routed to the error output (and the same error stopping a workflow), a long statement answered 202
 * and polled, a result in several partitions, and a host that redirects to another (refused, the other host
 * receives nothing). The scenarios that matter run again with a programmatic access token and with External
 * OAuth (the OAuth2 credential, client credentials: n8n fetches the token from the test IdP); every run checks
 * which credential signed the requests the emulator verified, so the examples, saved before the Authentication
 * choice existed, are proven to keep their key pair. Run with `npm run test:e2e`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator, type RequestLogEntry } from '../emulator/server';
import { createUser, describeCommand, nodeOutput, packPackage, parseRawOutput, type N8nUser, type PackedPackage, type RawItem, type RawRun } from './n8nCli';
import { ensureN8n, REPO_ROOT, targets } from './n8nInstall';
import { startRecordingProxy, type RecordingProxy } from '../workflows/recordingProxy';
import { CREDENTIALS, executeSqlWorkflow, EXTERNAL_OAUTH_CREDENTIAL, externalOAuthCredential, externalOAuthEmulatorOptions, IDP_CLIENT, REDIRECTING_CREDENTIAL_ID, SNOWFLAKE_TYPE, withAuthentication, withPinnedItemsAsNodes, type Authentication, type CredentialRef, type WorkflowFile } from './scenarios';
import { startIdp, type Idp } from '../oauth/idp';

const EXAMPLES = join(REPO_ROOT, 'examples');
const PARTITION_ROWS = 10;
const SYNC_WAIT_MS = 300;

let emulator: Emulator;
/** The External OAuth identity provider (client credentials). */
let idp: Idp;
let pack: PackedPackage;
const requestLog: RequestLogEntry[] = [];
/** The redirecting credential's host: answers every request with a 307 to `elsewhere`, a working host in front of the emulator. */
let redirecting: RecordingProxy;
let elsewhere: RecordingProxy;

beforeAll(async () => {
	pack = packPackage();
	idp = await startIdp({ clients: [IDP_CLIENT] });
	emulator = await startEmulator({
		syncWaitMs: SYNC_WAIT_MS,
		partitionRows: PARTITION_ROWS,
		onRequest: (entry) => requestLog.push(entry),
		...externalOAuthEmulatorOptions(idp),
	});
	elsewhere = await startRecordingProxy(emulator.url);
	redirecting = await startRecordingProxy(emulator.url);
	redirecting.respond = (request) => ({ status: 307, headers: { location: `${elsewhere.url}${request.path}` } });
});

afterAll(async () => {
	await redirecting?.close();
	await elsewhere?.close();
	await emulator?.stop();
	await idp?.stop();
	if (pack) rmSync(pack.folder, { recursive: true, force: true });
});

/** Runs SQL on the emulator's engine directly (seeding and checking tables, not through the node). */
async function sql(statement: string): Promise<Array<Array<string | null>>> {
	return (await emulator.sql(statement)).data;
}

const ORDERS = [
	[1, 'Ada', 12.5, 'new'],
	[2, 'Grace', 30, 'new'],
	[3, 'Linus', 7.25, 'new'],
] as const;

async function seedOrders(rows: ReadonlyArray<readonly [number, string, number, string]>): Promise<void> {
	await sql('CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)');
	if (rows.length > 0) {
		await sql(`INSERT INTO demo_orders VALUES ${rows.map(([id, customer, amount, status]) => `(${id}, '${customer}', ${amount}, '${status}')`).join(', ')}`);
	}
}

async function orders(): Promise<string[][]> {
	const rows = await sql('SELECT id, customer, amount, status FROM demo_orders ORDER BY id');
	return rows.map((row) => row.map((cell) => String(cell)));
}

const plain = (items: RawItem[]) => items.map((item) => item.json);

interface Case {
	file: string;
	workflow: WorkflowFile;
	/** How its Snowflake nodes sign requests (the emulator counts which credential each verified request carried). */
	authentication: Authentication;
	/** Runs before the workflow (fresh tables). */
	seed?: () => Promise<void>;
	/** false: the run must fail (exit code ≠ 0). */
	succeeds?: boolean;
	check: (run: RawRun | undefined, output: string, requests: RequestLogEntry[], version: string) => Promise<void> | void;
}

function example(file: string): WorkflowFile {
	return JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as WorkflowFile;
}

const exampleChecks: Record<string, Pick<Case, 'seed' | 'check'>> = {
	'execute-sql.json': {
		check: (run) => {
			const pinned = example('execute-sql.json').pinData?.["When clicking 'Execute workflow'"] ?? [];
			const rows = plain(nodeOutput(run!, 'Execute SQL'));
			expect(rows).toHaveLength(pinned.length);
			rows.forEach((row, index) => {
				expect(String(row.ORDER_ID)).toBe(String(pinned[index].json.orderId));
				expect(row.STATUS).toBe(pinned[index].json.status);
				expect(typeof row.CHECKED_AT).toBe('string');
			});
		},
	},
	'demo-insert-merge-select.json': {
		seed: async () => await seedOrders([]),
		check: async (run) => {
			expect(plain(nodeOutput(run!, 'Read Orders Back'))).toEqual([
				{ ID: 1, CUSTOMER: 'Ada', AMOUNT: 12.5, STATUS: 'new' },
				{ ID: 2, CUSTOMER: 'Grace', AMOUNT: 30, STATUS: 'paid' },
				{ ID: 3, CUSTOMER: 'Linus', AMOUNT: 7.25, STATUS: 'new' },
			]);
			expect(await orders()).toEqual([
				['1', 'Ada', '12.50', 'new'],
				['2', 'Grace', '30.00', 'paid'],
				['3', 'Linus', '7.25', 'new'],
			]);
		},
	},
	'insert-rows.json': {
		seed: async () => await seedOrders([]),
		check: async (run) => {
			expect(nodeOutput(run!, 'Insert Rows')).toHaveLength(2);
			expect(await orders()).toEqual([
				['1', 'Ada', '12.50', 'null'],
				['2', 'Grace', '30.00', 'null'],
			]);
		},
	},
	'select-rows.json': {
		seed: async () => await seedOrders(ORDERS),
		check: (run) => {
			expect(plain(nodeOutput(run!, 'Select Rows'))).toEqual([
				{ ID: 1, CUSTOMER: 'Ada', AMOUNT: 12.5, STATUS: 'new' },
				{ ID: 2, CUSTOMER: 'Grace', AMOUNT: 30, STATUS: 'new' },
			]);
		},
	},
	'update-rows.json': {
		seed: async () => await seedOrders(ORDERS),
		check: async (run) => {
			expect(nodeOutput(run!, 'Update Rows')).toHaveLength(1);
			expect((await orders())[0]).toEqual(['1', 'Ada', '15.00', 'new']);
		},
	},
	'upsert-rows.json': {
		seed: async () => await seedOrders(ORDERS.slice(0, 2)),
		check: async (run) => {
			expect(nodeOutput(run!, 'Insert or Update Rows')).toHaveLength(2);
			expect(await orders()).toEqual([
				['1', 'Ada', '12.50', 'new'],
				['2', 'Grace', '35.00', 'new'],
				['3', 'Linus', '7.25', 'null'],
			]);
		},
	},
	'delete-rows.json': {
		seed: async () => await seedOrders(ORDERS),
		check: async (run) => {
			expect(nodeOutput(run!, 'Delete Rows')).toHaveLength(1);
			expect((await orders()).map((row) => row[0])).toEqual(['1', '2']);
		},
	},
	'submit-and-get-results.json': {
		check: (run) => {
			const [submitted] = plain(nodeOutput(run!, 'Submit SQL (Async)'));
			expect(submitted.statementHandle).toMatch(/^[0-9a-f-]{36}$/);
			const [results] = plain(nodeOutput(run!, 'Get Statement Results'));
			// As Snowflake does, the emulator makes the first partition the smallest: 3 of the 5 rows, then 2.
			expect(results).toMatchObject({ statementHandle: submitted.statementHandle, status: 'success', numRows: 5, partition: 0, partitionCount: 2, nextPartition: 1 });
			expect(results.rows).toEqual([{ N: 0 }, { N: 1 }, { N: 2 }]);
		},
	},
	'cancel-statement.json': {
		check: (run) => {
			const [submitted] = plain(nodeOutput(run!, 'Submit SQL (Async)'));
			const [cancelled] = plain(nodeOutput(run!, 'Cancel Statement'));
			expect(cancelled.statementHandle).toBe(submitted.statementHandle);
			expect(JSON.stringify(cancelled)).toMatch(/cancel/i);
			expect(emulator.running).toBe(0);
		},
	},
};

function cases(): Case[] {
	const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.json')).sort();
	const list: Case[] = files.map((file) => {
		const checks = exampleChecks[file];
		return {
			file: `examples/${file}`,
			workflow: example(file),
			authentication: 'keyPair',
			seed: checks?.seed,
			// An example without its own checks still has to run through with output and no error item.
			check:
				checks?.check ??
				((run) => {
					const workflow = example(file);
					for (const node of workflow.nodes.filter((candidate) => candidate.type === SNOWFLAKE_TYPE)) {
						const items = nodeOutput(run!, node.name);
						expect(items.length, node.name).toBeGreaterThan(0);
						for (const item of items) expect(item.json.error, node.name).toBeUndefined();
					}
				}),
		};
	});
	list.push(
		{
			file: 'SQL error → error output',
			authentication: 'keyPair',
			workflow: executeSqlWorkflow('E2E: SQL error on the error output', '={{ $json.sql }}', [{ sql: 'SELECT 1 AS OK' }, { sql: 'SELECT * FROM NO_SUCH_TABLE' }], {
				onError: 'continueErrorOutput',
			}),
			check: (run) => {
				// { message, error: {...} } is routed by n8n 1.x (json exactly {error, message}) and 2.x alike.
				const failedItem = {
					sql: 'SELECT * FROM NO_SUCH_TABLE',
					message: expect.stringMatching(/NO_SUCH_TABLE' does not exist or not authorized/),
					error: expect.objectContaining({ code: '002003', sqlState: '42S02', itemIndex: 1 }),
				};
				expect(plain(nodeOutput(run!, 'Execute SQL', 0))).toEqual([{ OK: 1 }]);
				const failed = nodeOutput(run!, 'Execute SQL', 1);
				expect(plain(failed)).toEqual([failedItem]);
				expect(failed[0].pairedItem).toEqual({ item: 1 });
				expect(plain(nodeOutput(run!, 'On Error'))).toEqual([failedItem]);
				expect(plain(nodeOutput(run!, 'On Success'))).toEqual([{ OK: 1 }]);
			},
		},
		{
			file: 'SQL error → workflow stops',
			authentication: 'keyPair',
			workflow: executeSqlWorkflow('E2E: SQL error stops the workflow', 'SELECT * FROM NO_SUCH_TABLE', [{}]),
			succeeds: false,
			check: (run, output) => {
				expect(output).toMatch(/NO_SUCH_TABLE' does not exist or not authorized/);
				if (run) expect(run.data.resultData.error?.message).toMatch(/NO_SUCH_TABLE/);
			},
		},
		{
			file: 'long statement: 202 → poll',
			authentication: 'keyPair',
			workflow: executeSqlWorkflow('E2E: long statement', 'CALL SYSTEM$WAIT(2)', [{}]),
			check: (run, _output, requests) => {
				expect(plain(nodeOutput(run!, 'Execute SQL'))).toEqual([{ 'SYSTEM$WAIT': 'waited 2 seconds' }]);
				const submits = requests.filter((entry) => entry.method === 'POST');
				expect(submits.map((entry) => entry.status)).toEqual([202]);
				const polls = requests.filter((entry) => entry.method === 'GET');
				expect(polls.length).toBeGreaterThan(0);
				expect(polls.at(-1)?.status).toBe(200);
				expect(polls.slice(0, -1).every((entry) => entry.status === 202)).toBe(true);
			},
		},
		{
			file: 'result in 4 partitions',
			authentication: 'keyPair',
			workflow: executeSqlWorkflow('E2E: partitions', "SELECT SEQ4() AS N, 'row ' || SEQ4() AS LABEL FROM TABLE(GENERATOR(ROWCOUNT => 25))", [{}]),
			check: (run, _output, requests) => {
				const rows = plain(nodeOutput(run!, 'Execute SQL'));
				expect(rows).toHaveLength(25);
				expect(rows.map((row) => row.N)).toEqual(Array.from({ length: 25 }, (_, n) => n));
				expect(rows[24]).toEqual({ N: 24, LABEL: 'row 24' });
				const partitions = requests.filter((entry) => entry.method === 'GET' && /[?&]partition=\d/.test(entry.path));
				// 3, 10, 10 and 2 rows: the emulator's first partition is a quarter of the bound, as real ones are smallest.
				expect(partitions.map((entry) => `${/partition=(\d+)/.exec(entry.path)?.[1]} ${entry.status}`).sort()).toEqual(['1 200', '2 200', '3 200']);
			},
		},
		{
			file: 'redirect to another host → refused',
			authentication: 'keyPair',
			workflow: executeSqlWorkflow('E2E: a redirect is never followed', 'SELECT 1 AS N', [{}], { credentialId: REDIRECTING_CREDENTIAL_ID }),
			succeeds: false,
			check: (run, output) => {
				const host = (proxy: RecordingProxy) => proxy.url.replace('http://', '');
				const message = `Snowflake answered HTTP 307 with a redirect to ${host(elsewhere)} (http://, unencrypted). The node never follows redirects, so the request and its credentials stay with ${host(redirecting)}.`;
				expect(output).toContain(message);
				if (run) expect(run.data.resultData.error?.message).toContain(message);
				// The token went to the configured host only; the other host received nothing at all, and nothing was retried.
				const sent = redirecting.requests.splice(0);
				expect(sent.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /api/v2/statements']);
				expect(sent[0].authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
				expect(elsewhere.requests).toEqual([]);
			},
		},
	);
	// Every example (each operation) and the scenarios that matter, again on the other credentials: the same
	// workflows and checks, the nodes set to Authentication "Programmatic Access Token" or "OAuth2" (External
	// OAuth: n8n fetches the token from the IdP).
	const examples = list.filter((testCase) => testCase.file.startsWith('examples/')).map((testCase) => testCase.file);
	const scenarios = ['SQL error → error output', 'long statement: 202 → poll'];
	const again: Array<[string, Authentication, CredentialRef, string[]]> = [
		['PAT', 'programmaticAccessToken', CREDENTIALS.programmaticAccessToken, [...examples, ...scenarios]],
		['External OAuth', 'oAuth2', EXTERNAL_OAUTH_CREDENTIAL, [...examples, ...scenarios]],
	];
	for (const [label, authentication, credential, files] of again) {
		for (const file of files) {
			const base = list.find((testCase) => testCase.file === file);
			if (!base) throw new Error(`no case ${file}`);
			list.push({ ...base, file: `${file} [${label}]`, authentication, workflow: withAuthentication(base.workflow, authentication, credential) });
		}
	}
	return list;
}

function patSecret(): string {
	if (!emulator.generatedPat) throw new Error('the emulator issued no programmatic access token');
	return emulator.generatedPat.secret;
}

/** Requests the emulator verified, by credential kind. */
function verified(): Record<Authentication, number> {
	return { keyPair: emulator.stats.jwtsVerified, programmaticAccessToken: emulator.pats.verified, oAuth2: emulator.oauth.stats.accessTokensVerified };
}

const all = cases();

describe.each(targets())('$label', (target) => {
	let user: N8nUser;
	const ids = new Map<string, string>();

	beforeAll(async () => {
		const install = await ensureN8n(target);
		user = await createUser(install, pack);
		const imports = join(user.folder, 'imports');
		mkdirSync(join(imports, 'workflows'), { recursive: true });
		const credential = {
			...CREDENTIALS.keyPair,
			data: {
				account: emulator.account,
				user: emulator.user,
				privateKey: emulator.generatedKey?.privateKeyPem,
				privateKeyPassphrase: '',
				host: emulator.url,
				role: '',
				warehouse: '',
				database: '',
				schema: '',
			},
		};
		const redirectingCredential = { ...credential, id: REDIRECTING_CREDENTIAL_ID, name: 'Snowflake (redirecting)', data: { ...credential.data, host: redirecting.url } };
		const patCredential = {
			...CREDENTIALS.programmaticAccessToken,
			data: { account: emulator.account, token: patSecret(), host: emulator.url, role: '', warehouse: '', database: '', schema: '' },
		};
		const externalOAuth = externalOAuthCredential(emulator, idp);
		writeFileSync(join(imports, 'credentials.json'), JSON.stringify([credential, redirectingCredential, patCredential, externalOAuth]), { mode: 0o600 });
		all.forEach((testCase, index) => {
			const id = `e2eSnowflake${String(index).padStart(4, '0')}`;
			ids.set(testCase.file, id);
			writeFileSync(join(imports, 'workflows', `${id}.json`), JSON.stringify({ ...withPinnedItemsAsNodes(testCase.workflow), id, active: false }));
		});
		const credentials = await user.n8n(['import:credentials', `--input=${join(imports, 'credentials.json')}`]);
		if (credentials.code !== 0) throw new Error(`n8n ${target.version}: import:credentials failed\n${describeCommand(credentials)}`);
		const workflows = await user.n8n(['import:workflow', '--separate', `--input=${join(imports, 'workflows')}`]);
		if (workflows.code !== 0) throw new Error(`n8n ${target.version}: import:workflow failed\n${describeCommand(workflows)}`);
	});

	afterAll(() => user?.remove());

	it('reports the pinned version', async () => {
		const result = await user.n8n(['--version']);
		expect(result.stdout.trim()).toContain(target.version);
	});

	it.each(all.map((testCase) => [testCase.file, testCase] as const))('%s', async (_name, testCase) => {
		await testCase.seed?.();
		const firstRequest = requestLog.length;
		const before = verified();
		const result = await user.n8n(['execute', `--id=${ids.get(testCase.file)}`, '--rawOutput']);
		const requests = requestLog.slice(firstRequest);
		const after = verified();
		const output = `${result.stdout}\n${result.stderr}`;
		let run: RawRun | undefined;
		try {
			run = parseRawOutput(result.stdout);
		} catch (error) {
			if (testCase.succeeds !== false) throw new Error(`n8n ${target.version}: ${(error as Error).message}\n${describeCommand(result)}`);
		}
		if (testCase.succeeds === false) {
			expect(result.code, describeCommand(result)).not.toBe(0);
		} else {
			expect(result.code, describeCommand(result)).toBe(0);
			expect(run?.data.resultData.error, describeCommand(result)).toBeUndefined();
		}
		// Every request that reached the emulator was signed with the workflow's credential kind and no other:
		// a workflow saved before the Authentication choice (no parameter) still signs with its key pair.
		for (const kind of Object.keys(before) as Authentication[]) {
			const count = after[kind] - before[kind];
			if (kind === testCase.authentication) expect(count > 0, `${kind}: ${count} verified requests`).toBe(requests.length > 0);
			else expect(count, `${kind}: requests signed with the wrong credential`).toBe(0);
		}
		if (testCase.authentication === 'keyPair') {
			expect(testCase.workflow.nodes.filter((node) => node.type === SNOWFLAKE_TYPE && 'authentication' in node.parameters)).toEqual([]);
		}
		// No token or secret shows in n8n's output (run data, logs, error messages).
		for (const secret of [patSecret(), IDP_CLIENT.clientSecret, ...idp.issued]) expect(output).not.toContain(secret);
		try {
			await testCase.check(run, output, requests, target.version);
		} catch (error) {
			(error as Error).message += `\n\nn8n ${target.version} output:\n${describeCommand(result, 4000)}`;
			throw error;
		}
	});
});
