/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- test-only code, never shipped; a script prints */
/**
 * `npm run demo`: a real n8n workflow (Manual Trigger → Snowflake SQL API: insert the items, MERGE an
 * update, select the rows back) run in-process by n8n-core, against the local emulator with a fresh
 * key pair, or against a real account when SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER and
 * SNOWFLAKE_PRIVATE_KEY_PATH (and SNOWFLAKE_PRIVATE_KEY_PASSPHRASE for an encrypted key) are set;
 * SNOWFLAKE_HOST, SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, SNOWFLAKE_DATABASE and SNOWFLAKE_SCHEMA are
 * optional there. The workflow is examples/demo-insert-merge-select.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { checkDecodeOptions, createRowDecoder } from '../nodes/SnowflakeSqlApi/decoder';
import { readCredentials, SnowflakeClient } from '../nodes/SnowflakeSqlApi/transport';
import { startEmulator, type Emulator } from '../test/emulator/server';
import { createFetchHttp } from '../test/helpers/fetchHttp';
import { sleep } from '../test/helpers/sleep';
import { runWorkflow, SNOWFLAKE_TYPE, type WorkflowJson } from '../test/workflows/harness';

const TABLE = 'demo_orders';

function realAccount(): ICredentialDataDecryptedObject | undefined {
	const { SNOWFLAKE_ACCOUNT: account, SNOWFLAKE_USER: user, SNOWFLAKE_PRIVATE_KEY_PATH: keyPath } = process.env;
	if (!account || !user || !keyPath) return undefined;
	return {
		account,
		user,
		privateKey: readFileSync(keyPath, 'utf8'),
		privateKeyPassphrase: process.env.SNOWFLAKE_PRIVATE_KEY_PASSPHRASE ?? '',
		host: process.env.SNOWFLAKE_HOST ?? '',
		role: process.env.SNOWFLAKE_ROLE ?? '',
		warehouse: process.env.SNOWFLAKE_WAREHOUSE ?? '',
		database: process.env.SNOWFLAKE_DATABASE ?? '',
		schema: process.env.SNOWFLAKE_SCHEMA ?? '',
	};
}

async function main(): Promise<void> {
	let emulator: Emulator | undefined;
	let credentials = realAccount();
	if (credentials) {
		console.log(`Running against Snowflake account ${String(credentials.account)} as ${String(credentials.user)}.`);
	} else {
		emulator = await startEmulator();
		if (!emulator.generatedKey) throw new Error('The emulator did not generate a key pair');
		credentials = {
			account: emulator.account,
			user: emulator.user,
			privateKey: emulator.generatedKey.privateKeyPem,
			privateKeyPassphrase: '',
			host: emulator.url,
		};
		console.log(`Emulator on ${emulator.url}, user ${emulator.user}, key ${emulator.generatedKey.fingerprint}.`);
	}
	try {
		// Seed: an empty table the workflow writes to (the same key and transport the node uses).
		const seedCredentials = readCredentials(credentials);
		const client = new SnowflakeClient({ http: createFetchHttp(seedCredentials), sleep, decoder: { checkDecodeOptions, createRowDecoder } });
		const context = { database: seedCredentials.database || undefined, schema: seedCredentials.schema || undefined, warehouse: seedCredentials.warehouse || undefined, role: seedCredentials.role || undefined };
		await client.execute({
			statement: `CREATE OR REPLACE TABLE ${TABLE} (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)`,
			...context,
		});
		console.log(`Created table ${TABLE}.`);

		const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'demo-insert-merge-select.json'), 'utf8')) as WorkflowJson;
		const result = await runWorkflow(workflow, credentials);
		for (const node of workflow.nodes.filter((candidate) => candidate.type === SNOWFLAKE_TYPE)) {
			console.log(`\n${node.name} (${String(node.parameters.operation)}):`);
			for (const item of result.output(node.name)) console.log(`  ${JSON.stringify(item.json)}  ← item ${JSON.stringify(item.pairedItem)}`);
		}
		const error = result.error();
		if (result.run.status !== 'success' || error) {
			throw new Error(`The workflow ended with status ${result.run.status}${error ? `: ${error.message}${error.description ? `\n${error.description}` : ''}` : ''}`);
		}
		console.log('\nDone: the workflow inserted the items, merged an update and read the rows back.');
	} finally {
		await emulator?.stop();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
