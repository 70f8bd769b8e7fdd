/**
 * What counts as a leak, shared by the tests that scan run data, errors and logs: the passphrase, every
 * 24-character window of the private key's body (a partial leak is a leak), each JWT sent and its signature;
 * a programmatic access token and every 24-character window of it.
 */
import type { TestKeys } from '../helpers/keys';
import { pemBody } from '../helpers/keys';
import { logLines, type RunResult } from './harness';

/** Every 24-character window of the secret, every 12 characters. */
export function fragments(secret: string): string[] {
	const found: string[] = [];
	for (let start = 0; start + 24 <= secret.length; start += 12) found.push(secret.slice(start, start + 24));
	return found;
}

/** The key material of `keys` (both PEM encodings) and, when given, the JWTs sent and their signatures. */
export function secretsOf(keys: Pick<TestKeys, 'passphrase' | 'pkcs8' | 'pkcs8Aes256'>, tokens: string[] = []): string[] {
	return [
		keys.passphrase,
		...fragments(pemBody(keys.pkcs8Aes256)),
		...fragments(pemBody(keys.pkcs8)),
		...tokens,
		...tokens.map((token) => token.split('.')[2]),
	];
}

/** A programmatic access token: the whole token and every 24-character window of it. */
export function tokenSecrets(token: string): string[] {
	if (token.length < 24) throw new Error('A token to scan for must be at least 24 characters long');
	return [token, ...fragments(token)];
}

/** The run data, the captured log lines and the error's message, description and stack, as one text. */
export function everythingKept(result: RunResult): string {
	const error = result.error();
	return [JSON.stringify(result.run.data), JSON.stringify(logLines), error?.stack ?? '', error?.message ?? '', error?.description ?? ''].join('\n');
}

/** The secrets found in `text` (shortened, so a failure does not print them). */
export function leaks(text: string, secrets: string[]): string[] {
	return secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret.slice(0, 6)}…`);
}

/** OAuth2: the client secrets, each access and refresh token, and a JWT's signature on its own. */
export function oauthSecretsOf(clientSecrets: string[], tokens: string[]): string[] {
	return [...clientSecrets, ...tokens, ...tokens.filter((token) => token.split('.').length === 3).map((token) => token.split('.')[2])];
}
