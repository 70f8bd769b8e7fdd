/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- test-only code, never shipped */
/**
 * Bad input, end to end: each case runs a real workflow through the node (n8n-core, the credential's own
 * `authenticate`) and asserts the exact message the user sees and that nothing reached the server (the
 * recording proxy in front of the emulator saw no request). Every case's captured things (run data,
 * error messages, descriptions, stacks, log lines) are scanned for the private key, the passphrases and
 * JWTs, and messages that echo SQL or values are checked to be bounded.
 *
 * BAD_INPUT_DISCOVER=1 prints the actual messages instead of asserting them.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { afterAll, describe, expect, it } from 'vitest';

import { opensslCertificate, pemBody, testKeys } from '../helpers/keys';
import { logLines, runWorkflow, snowflakeWorkflow, type NodeOptions } from '../workflows/harness';
import { useEmulator } from '../workflows/setup';
import { badInputCases, type BadInputCase } from './cases';

const keys = testKeys();
const env = useEmulator({ syncWaitMs: 200, publicKeys: [keys.publicKeyPem] });
const discover = process.env.BAD_INPUT_DISCOVER === '1';
const discovered: Record<string, string> = {};

/** Error messages (and descriptions) that quote SQL, values or names stay below this. */
const MAX_ECHO = 2_300;

async function runCase(testCase: BadInputCase) {
	const credentials: ICredentialDataDecryptedObject = env.credentials({
		privateKey: keys.pkcs8Aes256,
		privateKeyPassphrase: keys.passphrase,
		...testCase.credentials,
	});
	const options: NodeOptions = { items: testCase.items ?? [{}], ...(testCase.onError ? { onError: testCase.onError } : {}) };
	const parameters: IDataObject = testCase.parameters ?? { operation: 'executeQuery', query: 'SELECT 1' };
	const result = await runWorkflow(snowflakeWorkflow(parameters, options), credentials);
	const error = result.error();
	const captured = [JSON.stringify(result.run.data), JSON.stringify(logLines), error?.message ?? '', error?.description ?? '', error?.stack ?? ''].join('\n');
	const items = result.output('Success');
	const itemError = items.map((item) => item.json.error).find((message) => typeof message === 'string') as string | undefined;
	return { result, error, captured, message: error?.message ?? itemError, description: error?.description };
}

const cases = badInputCases(keys, opensslCertificate(keys.pkcs8));

/** Fragments of every test key and the passphrase: none may appear in what a case captured. */
const secretNeedles: string[] = [keys.passphrase];
for (const pem of [keys.pkcs8, keys.pkcs8Aes256, keys.pkcs1, keys.pkcs1Encrypted, keys.ecPkcs8, keys.rsa1024Pkcs8]) {
	const body = pemBody(pem);
	for (let start = 0; start + 24 <= body.length; start += 12) secretNeedles.push(body.slice(start, start + 24));
}

/** No private key fragment, passphrase or JWT in run data, log lines, the error's message, description or stack. */
function expectNoSecrets(captured: string): void {
	for (const needle of secretNeedles) expect(captured.includes(needle), `leaked ${needle.slice(0, 6)}…`).toBe(false);
	expect(captured).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
}

describe('bad input through the node: the exact message, nothing sent, no secret in anything captured', () => {
	it('has at least 40 cases', () => {
		expect(cases.length).toBeGreaterThanOrEqual(40);
	});

	for (const testCase of cases) {
		it(`${testCase.group}: ${testCase.name}`, async () => {
			const { message, description, result, captured } = await runCase(testCase);
			if (discover) {
				discovered[`${testCase.group}: ${testCase.name}`] = `${message}${description ? `\n    DESCRIPTION ${description}` : ''}`;
				return;
			}
			expectNoSecrets(captured);
			if (testCase.succeeds) {
				expect(result.run.status).toBe('success');
				expect(message).toBeUndefined();
				expect(env.proxy.submits().map((body) => body.statement)).toEqual(['SELECT 1']);
				return;
			}
			expect(result.run.status).toBe(testCase.onError ? 'success' : 'error');
			if (typeof testCase.message === 'string') expect(message).toBe(testCase.message);
			else expect(message).toMatch(testCase.message);
			expect((message ?? '').length + (description ?? '').length).toBeLessThan(MAX_ECHO);
			expect(env.proxy.requests).toEqual([]);
		});
	}
});

afterAll(() => {
	if (discover) console.log(Object.entries(discovered).map(([name, message]) => `${name}\n  ${message}`).join('\n'));
});
