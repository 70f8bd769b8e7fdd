/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * One emulator (behind a recording proxy) per test file, the credential that reaches it, and the
 * per-test reset of everything tests inspect (recorded requests, log lines, faults).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach } from 'vitest';

import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/server';
import { logLines, runWorkflow, type RunResult, type WorkflowJson } from './harness';
import { startRecordingProxy, type RecordingProxy } from './recordingProxy';

export interface EmulatorFixture {
	readonly emulator: Emulator;
	readonly proxy: RecordingProxy;
	/** The snowflakeKeyPairApi credential for the emulator's user, its host pointing at the proxy. */
	credentials(overrides?: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
	/** The snowflakePatApi credential with the emulator's generated token, its host pointing at the proxy. */
	patCredentials(overrides?: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
	/** The fields every credential kind shares (account, the proxy as host, no context defaults) and `fields`. */
	sharedCredentials(fields: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject;
}

/**
 * Starts the emulator (its DuckDB engine unless `options.engine` is given) behind a recording proxy. `options`
 * may be a function, run first: it may start what the emulator must know about (an identity provider).
 */
export function useEmulator(options: EmulatorOptions | (() => Promise<EmulatorOptions>) = {}): EmulatorFixture {
	let emulator: Emulator | undefined;
	let proxy: RecordingProxy | undefined;
	beforeAll(async () => {
		emulator = await startEmulator(typeof options === 'function' ? await options() : options);
		proxy = await startRecordingProxy(emulator.url);
	});
	afterAll(async () => {
		await proxy?.close();
		await emulator?.stop();
	});
	beforeEach(() => {
		proxy?.requests.splice(0);
		if (proxy) proxy.respond = undefined;
		logLines.splice(0);
		emulator?.faults.clear();
	});
	const fixture: EmulatorFixture = {
		get emulator() {
			if (!emulator) throw new Error('The emulator is not started');
			return emulator;
		},
		get proxy() {
			if (!proxy) throw new Error('The proxy is not started');
			return proxy;
		},
		credentials: (overrides = {}) => ({
			...shared(),
			user: fixture.emulator.user,
			privateKey: fixture.emulator.generatedKey?.privateKeyPem ?? '',
			privateKeyPassphrase: '',
			...overrides,
		}),
		patCredentials: (overrides = {}) => ({ ...shared(), token: fixture.emulator.generatedPat?.secret ?? '', ...overrides }),
		sharedCredentials: (fields) => ({ ...shared(), ...fields }),
	};
	/** The fields every credential kind has: the emulator's account, the proxy as host, no context defaults. */
	const shared = () => ({ account: fixture.emulator.account, host: fixture.proxy.url, role: '', warehouse: '', database: '', schema: '' });
	return fixture;
}

/** Resolves once `condition` holds, checking every few milliseconds (waits for a state, never for a duration). */
export async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Runs `workflow` and presses the stop button once the node polls a statement running on the emulator.
 * Returns the run and the handle the node sent its one cancel request for.
 */
export async function stopWhilePolling(
	fixture: EmulatorFixture,
	workflow: WorkflowJson,
	credentials: ICredentialDataDecryptedObject,
): Promise<{ result: RunResult; handle: string; cancels: number }> {
	let cancel: (() => void) | undefined;
	const running = runWorkflow(workflow, credentials, { onStarted: (stop) => (cancel = stop) });
	await until(() => fixture.emulator.running > 0 && fixture.proxy.requests.some((request) => request.method === 'GET'));
	cancel?.();
	const result = await running;
	const requests = fixture.proxy.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/cancel'));
	return { result, handle: decodeURIComponent(requests[0]?.path.split('/')[4] ?? ''), cancels: requests.length };
}
