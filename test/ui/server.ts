/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only code, never shipped */
/**
 * n8n 2.x as a server for the editor test: the packed package installed into a fresh user folder
 * (`.n8n/nodes`), listening on 127.0.0.1 only, plus the emulator with a seeded table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

import { startEmulator, type Emulator } from '../emulator/server';
import { createUser, freePort, n8nEnvironment, packPackage, type N8nUser } from '../e2e/n8nCli';
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

	const port = await freePort();
	const env = n8nEnvironment(install, user.folder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
		N8N_PUBLIC_API_DISABLED: 'true',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
	});
	const logs: string[] = [];
	const child: ChildProcess = spawn(install.node, [install.bin, 'start'], { cwd: user.folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
	child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`n8n start exited with ${child.exitCode}:\n${logs.join('').slice(-4000)}`);
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`n8n did not become ready within 180 s:\n${logs.join('').slice(-4000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return {
		emulator,
		user,
		url,
		logs,
		stop: async () => {
			// An n8n that already exited sends no 'exit' event to wait for.
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await new Promise((resolve) => {
					const timer = setTimeout(() => {
						child.kill('SIGKILL');
						resolve(undefined);
					}, 15_000);
					child.on('exit', () => {
						clearTimeout(timer);
						resolve(undefined);
					});
				});
			}
			await emulator.stop();
			user.remove();
			rmSync(pack.folder, { recursive: true, force: true });
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
