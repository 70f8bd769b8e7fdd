/* eslint-disable @n8n/community-nodes/no-restricted-globals -- bench code, never shipped */
/**
 * The emulator in its own process (forked by bench/run.ts), so serving partitions never competes with
 * the measured client for the main thread. Talks over IPC:
 *   → { id, type: 'stats' }            ← request counters, JWTs seen, the emulator's CPU time
 *   → { id, type: 'sql', statements }  ← the last statement's cells (seeding and checking tables)
 *   → { id, type: 'stop' }
 * On start it sends { type: 'ready', url, account, user, privateKeyPem, partitionRows }.
 */
import { DEFAULT_DATABASE, DEFAULT_SCHEMA } from '../test/emulator/engine';
import { startEmulator } from '../test/emulator/server';

const partitionRows = Number(process.env.BENCH_PARTITION_ROWS ?? '20000');

interface Message {
	id: number;
	type: 'stats' | 'sql' | 'stop';
	statements?: string[];
}

async function main(): Promise<void> {
	let postMs = 0;
	const emulator = await startEmulator({
		port: 0,
		syncWaitMs: 600_000,
		partitionRows,
		onRequest: (entry) => {
			if (entry.method === 'POST') postMs += entry.ms;
		},
	});
	const send = (message: unknown) => process.send?.(message);
	process.on('message', (raw) => {
		const message = raw as Message;
		void (async () => {
			try {
				switch (message.type) {
					case 'stats': {
						const { requests, jwtsVerified, distinctJwts, statementsExecuted } = emulator.stats;
						const cpu = process.cpuUsage();
						send({ id: message.id, ok: true, value: { requests, jwtsVerified, distinctJwts, statementsExecuted, postMs, cpuMs: (cpu.user + cpu.system) / 1000 } });
						break;
					}
					case 'sql': {
						const session = await emulator.engine.openSession();
						try {
							let data: Array<Array<string | null>> = [];
							for (const statement of message.statements ?? []) {
								data = (await session.run(statement, undefined, { database: DEFAULT_DATABASE, schema: DEFAULT_SCHEMA, parameters: {} })).data;
							}
							send({ id: message.id, ok: true, value: data });
						} finally {
							await session.close();
						}
						break;
					}
					case 'stop':
						await emulator.stop();
						send({ id: message.id, ok: true });
						process.exit(0);
				}
			} catch (error) {
				send({ id: message.id, ok: false, error: String(error) });
			}
		})();
	});
	send({
		type: 'ready',
		url: emulator.url,
		account: emulator.account,
		user: emulator.user,
		privateKeyPem: emulator.generatedKey?.privateKeyPem ?? '',
		partitionRows,
	});
}

void main();
