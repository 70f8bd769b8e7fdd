/**
 * Credential test: runs SELECT 1 through the same authenticateRequest the credential's `authenticate` uses
 * (key pair or programmatic access token), with the credential's role, warehouse, database and schema, and
 * says why it failed in Snowflake's terms: for a key pair with the fingerprint sent, to compare with DESCRIBE
 * USER; for a token with the causes Snowflake's answer stands for. Never throws.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { createClient, createCredentialTestHttp, testedCredential } from '../helpers';
import { boundText, SnowflakeError, type ContextDefaults, type StatementRequest } from '../transport';

/** Someone is waiting in the credential dialog: one retry, and an answer within about a minute (each request 30 s at most, also from a server dripping bytes). */
const TEST_CLIENT = { retry: { limit: 1, maxElapsedMs: 10_000 }, requestTimeoutMs: 30_000, requestDeadlineMs: 30_000 };

/** Bounded: the test result is shown in a small banner of the credential dialog. */
const MAX_TEST_MESSAGE = 1500;

function context(credentials: ContextDefaults): Omit<StatementRequest, 'statement'> {
	const request: Omit<StatementRequest, 'statement'> = {};
	for (const key of ['role', 'warehouse', 'database', 'schema'] as const) {
		const value = credentials[key]?.trim();
		if (value) request[key] = value;
	}
	return request;
}

function failureMessage(error: unknown, fingerprint: string | undefined): string {
	const parts = [error instanceof Error ? error.message : String(error)];
	if (error instanceof SnowflakeError && error.hint) parts.push(error.hint);
	if (fingerprint && !parts.some((part) => part.includes(fingerprint))) {
		parts.push(`Fingerprint sent: ${fingerprint} (compare with RSA_PUBLIC_KEY_FP from DESCRIBE USER).`);
	}
	return boundText(parts.join('\n'), MAX_TEST_MESSAGE);
}

export async function snowflakeConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let fingerprint: string | undefined;
	try {
		const tested = testedCredential(credential.type, credential.data ?? {});
		if (tested === undefined) return { status: 'Error', message: `The credential type ${credential.type} is not one this node can test.` };
		const facts = tested.auth.describe();
		fingerprint = facts.fingerprint;
		const client = createClient(createCredentialTestHttp(this, tested.auth), tested.auth, undefined, TEST_CLIENT);
		await client.execute({ statement: 'SELECT 1', ...context(tested.defaults), timeout: 60 }, { maxRows: 1 });
		return {
			status: 'OK',
			message: fingerprint ? `Connection successful (key fingerprint ${fingerprint})` : `Connection successful (account ${facts.account})`,
		};
	} catch (error) {
		return { status: 'Error', message: failureMessage(error, fingerprint) };
	}
}
