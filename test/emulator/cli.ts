/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only CLI, never shipped */
/**
 * `npm run emulator -- [options]`: the SQL API v2 emulator as a local server for building workflows offline.
 * Without --public-key a key pair is generated into a fresh temp folder, so a user can paste the private key
 * into an n8n credential at once.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { parseFaultSpec } from './faults';
import type { OAuthClientOptions } from './oauth';
import { startEmulator } from './server';

const USAGE = `Usage: npm run emulator -- [options]

  --port N              listen on 127.0.0.1:N (default 8787; 0 picks a free port)
  --account A           account in the JWT claim (default EMULATOR)
  --user U              user the key is registered on (default N8N_USER)
  --public-key FILE     RSA public key (rsa_key.pub); give it twice for RSA_PUBLIC_KEY_2.
                        Without it a key pair is generated into a temp folder.
  --pat-expiry-days N   the printed programmatic access token expires after N days (default 15)
  --pat-role R          restrict the printed token to role R (ROLE_RESTRICTION); other roles are refused
  --db FILE             DuckDB database file (default: in memory, gone on exit)
  --sync-wait-ms N      how long a POST waits before answering 202 (default 45000)
  --partition-rows N    at most N rows per result partition, the first a quarter of that (default: about 1 MB each)
  --faults SEED:RATE    seeded random fault injection, e.g. 42:0.1 (replayable)
  --oauth-client ID:SECRET:REDIRECT_URI
                        a Snowflake OAuth client (/oauth/authorize, /oauth/token-request), repeatable;
                        e.g. n8n:secret:http://localhost:5678/rest/oauth2-credential/callback
  --quiet               do not log requests
  --help`;

/** `ID:SECRET:REDIRECT_URI`: the URI keeps its own colons. */
function oauthClient(spec: string): OAuthClientOptions {
	const first = spec.indexOf(':');
	const second = spec.indexOf(':', first + 1);
	if (first < 1 || second <= first + 1 || second === spec.length - 1) {
		throw new Error(`--oauth-client expects ID:SECRET:REDIRECT_URI, got "${spec}"`);
	}
	return { clientId: spec.slice(0, first), clientSecret: spec.slice(first + 1, second), redirectUris: [spec.slice(second + 1)] };
}

function integer(name: string, text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	if (!/^\d+$/.test(text)) throw new Error(`--${name} expects a whole number, got "${text}"`);
	return Number(text);
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			account: { type: 'string' },
			user: { type: 'string' },
			'public-key': { type: 'string', multiple: true },
			'pat-expiry-days': { type: 'string' },
			'pat-role': { type: 'string' },
			db: { type: 'string' },
			'sync-wait-ms': { type: 'string' },
			'partition-rows': { type: 'string' },
			faults: { type: 'string' },
			'oauth-client': { type: 'string', multiple: true },
			quiet: { type: 'boolean' },
			help: { type: 'boolean' },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const keyFiles = values['public-key'] ?? [];
	if (keyFiles.length > 2) throw new Error('--public-key: a user holds at most two keys (RSA_PUBLIC_KEY and RSA_PUBLIC_KEY_2)');
	const faultSpec = values.faults === undefined ? undefined : parseFaultSpec(values.faults);

	const emulator = await startEmulator({
		port: integer('port', values.port) ?? 8787,
		account: values.account,
		user: values.user,
		publicKeys: keyFiles.map((file) => readFileSync(file, 'utf8')),
		pat: { daysToExpiry: integer('pat-expiry-days', values['pat-expiry-days']), roleRestriction: values['pat-role'] },
		dbPath: values.db,
		syncWaitMs: integer('sync-wait-ms', values['sync-wait-ms']),
		partitionRows: integer('partition-rows', values['partition-rows']),
		faultSeed: faultSpec?.seed,
		oauthClients: (values['oauth-client'] ?? []).map(oauthClient),
		onRequest: values.quiet
			? undefined
			: (entry) => console.log(`${entry.method} ${entry.path} → ${entry.status === 0 ? 'connection reset' : entry.status} (${entry.ms} ms)${entry.fault ? ` [fault: ${entry.fault}]` : ''}`),
	});
	if (faultSpec) emulator.faults.randomize({ seed: faultSpec.seed, rate: faultSpec.rate });

	let keyLines: string[];
	if (emulator.generatedKey) {
		const folder = mkdtempSync(join(tmpdir(), 'snowflake-emulator-'));
		const privateKeyFile = join(folder, 'rsa_key.p8');
		const publicKeyFile = join(folder, 'rsa_key.pub');
		writeFileSync(privateKeyFile, emulator.generatedKey.privateKeyPem, { mode: 0o600 });
		chmodSync(privateKeyFile, 0o600);
		writeFileSync(publicKeyFile, emulator.generatedKey.publicKeyPem);
		keyLines = [
			`  generated key pair (RSA_PUBLIC_KEY_FP ${emulator.generatedKey.fingerprint}):`,
			`    private key  ${privateKeyFile}`,
			`    public key   ${publicKeyFile}`,
		];
	} else {
		keyLines = keyFiles.map((file, index) => `  ${index === 0 ? 'RSA_PUBLIC_KEY  ' : 'RSA_PUBLIC_KEY_2'}  ${file}`);
	}

	// Before the banner: whoever waits for it may signal at once.
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping the emulator...`);
		emulator.stop().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));

	console.log(
		[
			`Snowflake SQL API v2 emulator listening on ${emulator.url}`,
			`  account   ${emulator.account}`,
			`  user      ${emulator.user}`,
			`  database  EMULATOR_DB, schema PUBLIC (${values.db ? `file ${values.db}` : 'in memory'})`,
			...keyLines,
			'',
			'Point an n8n "Snowflake Key-Pair API" credential at it:',
			`  Account      ${emulator.account}`,
			`  User         ${emulator.user}`,
			`  Private Key  ${emulator.generatedKey ? 'the contents of the private key file above' : 'your private key (the pair of the public key above)'}`,
			`  Host         ${emulator.url}`,
			'',
			'Or a "Snowflake Programmatic Access Token" credential (Authentication: Programmatic Access Token):',
			`  Account      ${emulator.account}`,
			`  Token        ${emulator.generatedPat?.secret ?? ''}`,
			`  Host         ${emulator.url}`,
			`  (expires in ${integer('pat-expiry-days', values['pat-expiry-days']) ?? 15} days, at ${new Date(emulator.generatedPat?.expiresAtMs ?? 0).toISOString()}${emulator.generatedPat?.roleRestriction ? `, restricted to role ${emulator.generatedPat.roleRestriction}` : ''})`,
			'',
			...(values['oauth-client'] ?? []).map((spec) => {
				const client = oauthClient(spec);
				return `Snowflake OAuth client ${client.clientId} (redirect ${client.redirectUris[0]}): authorize ${emulator.url}/oauth/authorize, token ${emulator.url}/oauth/token-request`;
			}),
			faultSpec ? `Fault injection: seed ${faultSpec.seed}, rate ${faultSpec.rate} (same seed + same requests = same faults)` : '',
			'Ctrl-C stops the emulator.',
		]
			.filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
			.join('\n'),
	);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
