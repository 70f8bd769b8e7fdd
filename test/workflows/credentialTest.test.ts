/**
 * The credential test (node method `snowflakeConnectionTest`) run with n8n-core's own
 * CredentialTestContext, whose only HTTP helper is the legacy `request`: SELECT 1 signed by the same
 * authenticateRequest as the credential. Failures come back as { status: 'Error', message } in
 * Snowflake's terms, never as an exception.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node';
import { generateRsaKeyPair } from '../helpers/keys';
import './harness';
import { useEmulator } from './setup';

const env = useEmulator();
const node = new SnowflakeSqlApi();

async function test(data: ICredentialDataDecryptedObject) {
	const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as unknown as ICredentialTestFunctions;
	return await node.methods.credentialTest.snowflakeConnectionTest.call(context, {
		id: 'credential-1',
		name: 'Snowflake',
		type: 'snowflakeKeyPairApi',
		data,
	});
}

describe('credential test', () => {
	it('runs SELECT 1 with the credential\'s context and reports the fingerprint', async () => {
		const result = await test(env.credentials({ warehouse: 'COMPUTE_WH', role: 'ANALYST' }));
		expect(result).toEqual({
			status: 'OK',
			message: `Connection successful (key fingerprint ${env.emulator.generatedKey?.fingerprint})`,
		});
		expect(env.proxy.submits()).toEqual([{ statement: 'SELECT 1', role: 'ANALYST', warehouse: 'COMPUTE_WH', timeout: 60 }]);
		expect(env.proxy.requests[0].authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
	});

	it('a key not registered on the user: the seed\'s causes and the fingerprint sent', async () => {
		const other = generateRsaKeyPair();
		const result = await test(env.credentials({ privateKey: other.privateKeyPem }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^JWT token is invalid\. \[[0-9a-f-]{36}\] \(code 390144\)\nSnowflake refused the key-pair JWT\. Likely causes:\n/);
		expect(result.message).toContain(`compare RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) with the fingerprint this client sent, ${other.fingerprint}`);
	});

	it('a key that cannot be read: the reason, nothing sent, no exception', async () => {
		const result = await test(env.credentials({ privateKey: 'garbage' }));
		expect(result.status).toBe('Error');
		expect(result.message.length).toBeGreaterThan(0);
		expect(env.proxy.requests).toEqual([]);
	});

	it('an unreachable host: a network error, no exception', async () => {
		const result = await test(env.credentials({ host: 'http://127.0.0.1:1' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Could not reach Snowflake after 2 attempts: /);
	});
});
