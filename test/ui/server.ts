/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped */
/**
 * n8n 2.x as a server for the editor test: the packed package installed into a fresh user folder
 * (`.n8n/nodes`), listening on 127.0.0.1 only, plus the emulator with a seeded table.
 */
import { rmSync } from 'node:fs';

import { startEmulator, type Emulator } from '../emulator/server';
import { createUser, packPackage, startN8n, type N8nUser, type RunningN8n } from '../e2e/n8nCli';
import { allTargets, ensureN8n } from '../e2e/n8nInstall';

export interface EditorEnvironment {
	emulator: Emulator;
	user: N8nUser;
	url: string;
	logs: string[];
	stop(): Promise<void>;
}

export async function startEditorEnvironment(): Promise<EditorEnvironment> {
	const target = allTargets().find((candidate) => candidate.label === 'n8n 2.x');
	if (!target) throw new Error('no n8n 2.x target');
	const install = await ensureN8n(target);
	const pack = packPackage();
	const user = await createUser(install, pack);
	const emulator = await startEmulator({ syncWaitMs: 2000 });
	await emulator.sql(['CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)', "INSERT INTO demo_orders VALUES (1, 'Ada', 12.5, 'new'), (2, 'Grace', 30, 'paid'), (3, 'Linus', 7.25, 'new')"]);

	const cleanUp = async () => {
		await emulator.stop();
		user.remove();
		rmSync(pack.folder, { recursive: true, force: true });
	};
	let n8n: RunningN8n;
	try {
		// The editor needs plain-HTTP cookies; nothing calls out.
		n8n = await startN8n(user, {
			ready: true,
			env: {
				N8N_PROTOCOL: 'http',
				N8N_SECURE_COOKIE: 'false',
				N8N_PUBLIC_API_DISABLED: 'true',
				EXTERNAL_FRONTEND_HOOKS_URLS: '',
				N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
				N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
			},
		});
	} catch (error) {
		await cleanUp();
		throw error;
	}
	return {
		emulator,
		user,
		url: n8n.url,
		logs: n8n.logs,
		stop: async () => {
			await n8n.stop();
			await cleanUp();
		},
	};
}

// `tsx test/ui/server.ts`: keep the environment up for manual exploration; prints the URL and key folder.
if (require.main === module) {
	void (async () => {
		const environment = await startEditorEnvironment();
		const { writeFileSync, mkdtempSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const folder = mkdtempSync(join(tmpdir(), 'snowflake-ui-keys-'));
		writeFileSync(join(folder, 'rsa_key.p8'), environment.emulator.generatedKey?.privateKeyPem ?? '', { mode: 0o600 });
		console.log(JSON.stringify({ url: environment.url, emulator: environment.emulator.url, account: environment.emulator.account, user: environment.emulator.user, keyFolder: folder }));
		process.on('SIGTERM', () => void environment.stop().then(() => process.exit(0)));
	})();
}
