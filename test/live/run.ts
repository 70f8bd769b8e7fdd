/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- test-only CLI, never shipped */
/**
 * `npm run test:live [-- --record DIR] [--no-build] [--only TEXT]`: the live conformance suite. It builds the
 * package, loads dist/ as n8n does, creates a temporary schema, runs every scenario (test/live/scenarios/)
 * through n8n-core workflows and raw SQL API requests, drops the schema (also after a failure or Ctrl-C),
 * prints one line per scenario and `live: N passed, M failed, K skipped`, and exits 1 on a failure.
 * Configured only by environment variables (config.ts); without them it prints one line and exits 0.
 * The programmatic access token and the OAuth access token, when given, never appear in a printed line or a
 * recorded file (redact.ts hides them by value).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { isEmulatorHost, readLiveConfig, type LiveConfig } from './config';
import { CheckFailed, createContext, NodeFailed, qualifiedSchema, Skip, type LiveContext, type Scenario } from './context';
import { loadDistPackage, runSnowflakeNode, type DistPackage } from './n8n';
import { startLiveProxy, type LiveProxy } from './proxy';
import { Redactor } from './redact';
import { scenarios } from './scenarios';
import { Wire } from './wire';

const ROOT = resolve(__dirname, '..', '..');
/** A scenario that hangs (a poll that never ends) fails instead of holding the run. */
const SCENARIO_LIMIT_MS = 5 * 60_000;

type Outcome = 'ok' | 'FAIL' | 'skip';

/** Hides the tokens in what is printed, once the configuration named them. */
let secrets: Pick<Redactor, 'redactSecrets'> = { redactSecrets: (text) => text };

function say(text: string): void {
	console.log(secrets.redactSecrets(text));
}

function line(outcome: Outcome, scenario: Scenario, detail: string): string {
	const flat = detail.replace(/\s+/g, ' ').trim();
	return `${outcome.padEnd(4)} ${scenario.name}${scenario.covers ? ` [${scenario.covers}]` : ''}${flat ? `: ${flat}` : ''}`;
}

function credentialsFor(config: LiveConfig, schema: string, host: string): Record<string, string> {
	return {
		account: config.account,
		user: config.user,
		privateKey: config.privateKey,
		privateKeyPassphrase: config.privateKeyPassphrase,
		host,
		role: config.role,
		warehouse: config.warehouse,
		database: config.database,
		schema,
	};
}

async function runScenario(ctx: LiveContext, scenario: Scenario): Promise<{ outcome: Outcome; detail: string }> {
	ctx.proxy.scenario = scenario.name;
	ctx.proxy.dropAnswer = undefined;
	let timer: NodeJS.Timeout | undefined;
	try {
		const detail = await Promise.race([
			scenario.run(ctx),
			new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new CheckFailed(`still running after ${SCENARIO_LIMIT_MS / 1000} s`)), SCENARIO_LIMIT_MS);
			}),
		]);
		return { outcome: 'ok', detail };
	} catch (error) {
		if (error instanceof Skip) return { outcome: 'skip', detail: error.message };
		if (error instanceof CheckFailed || error instanceof NodeFailed) return { outcome: 'FAIL', detail: error.message };
		return { outcome: 'FAIL', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
	} finally {
		clearTimeout(timer);
		ctx.proxy.dropAnswer = undefined;
	}
}

async function main(): Promise<number> {
	const { values } = parseArgs({ options: { record: { type: 'string' }, 'no-build': { type: 'boolean' }, only: { type: 'string' } } });
	const read = readLiveConfig(process.env);
	if (!read.ok) {
		say(read.message);
		return read.partial ? 2 : 0;
	}
	const { config } = read;
	const tokens = { pat: config.pat, 'oauth-token': config.oauthToken };
	secrets = new Redactor({}, tokens);

	if (!values['no-build']) {
		const build = spawnSync(process.execPath, [resolve(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
		if (build.status !== 0) {
			say(`live: npm run build failed:\n${build.stdout}${build.stderr}`);
			return 1;
		}
	}
	const pkg: DistPackage = loadDistPackage(ROOT);

	const schema = `N8N_LIVE_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex').toUpperCase()}`;
	const user = credentialsFor(config, schema, config.host);
	const target = pkg.KeyPairAuth.shared.describeCredentials(user);
	const emulator = isEmulatorHost(target.baseUrl);
	const redactor = new Redactor({ host: target.host, account: config.account, claimAccount: target.claimAccount, user: target.user }, tokens);
	const proxy: LiveProxy = await startLiveProxy(target.baseUrl, { recordDir: values.record ? resolve(values.record) : undefined, redactor });
	const viaProxy = credentialsFor(config, schema, proxy.url);
	// Creating and dropping the schema runs without it as the default (it does not exist yet, or any more).
	const setup = credentialsFor(config, '', proxy.url);
	const wire = new Wire(proxy.url, viaProxy, pkg.KeyPairAuth.shared, { database: config.database, schema, warehouse: config.warehouse, role: config.role });
	const ctx = createContext({ pkg, config, emulator, database: config.database, schema, credentials: viaProxy, directCredentials: user, proxy, wire });

	say(`live: ${emulator ? 'emulator' : 'Snowflake'} at ${emulator ? target.baseUrl : target.host}, account claim ${target.claimAccount}, user ${target.user}, temporary schema ${config.database}.${schema}`);

	let created = false;
	const dropSchema = async (): Promise<string | undefined> => {
		if (!created) return undefined;
		created = false;
		proxy.scenario = 'cleanup';
		const run = await runSnowflakeNode(pkg, setup, { operation: 'executeQuery', query: `DROP SCHEMA IF EXISTS ${qualifiedSchema(ctx)} CASCADE` });
		return run.error ? run.error.message : undefined;
	};
	const counts = { ok: 0, FAIL: 0, skip: 0 };
	let interrupted = false;
	const onSignal = (signal: string) => {
		if (interrupted) return;
		interrupted = true;
		say(`live: ${signal}, dropping ${config.database}.${schema} before exiting`);
		dropSchema()
			.then((problem) => {
				if (problem) say(`live: DROP SCHEMA failed (drop it by hand): ${problem}`);
				else say(`live: dropped ${config.database}.${schema}`);
			})
			.finally(() => {
				// The interrupted scenario counts as failed: the run proved less than it would have.
				say(`live: ${counts.ok} passed, ${counts.FAIL + 1} failed, ${counts.skip} skipped`);
				process.exit(130);
			});
	};
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));

	try {
		proxy.scenario = 'setup';
		const made = await runSnowflakeNode(pkg, setup, { operation: 'executeQuery', query: `CREATE SCHEMA ${qualifiedSchema(ctx)}` });
		if (made.error) {
			say(`FAIL setup: CREATE SCHEMA ${config.database}.${schema}: ${made.error.message}`);
			counts.FAIL++;
			return 1;
		}
		created = true;
		const selected = values.only ? scenarios.filter((scenario) => scenario.name.includes(values.only ?? '')) : scenarios;
		for (const scenario of selected) {
			if (interrupted) break;
			const { outcome, detail } = await runScenario(ctx, scenario);
			counts[outcome]++;
			say(line(outcome, scenario, detail));
		}
	} finally {
		const problem = await dropSchema().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
		if (problem) {
			counts.FAIL++;
			say(`FAIL cleanup: DROP SCHEMA ${config.database}.${schema} failed (drop it by hand): ${problem}`);
		}
		await proxy.close();
		say(`live: ${counts.ok} passed, ${counts.FAIL} failed, ${counts.skip} skipped`);
	}
	return counts.FAIL > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		say(`live: ${error instanceof Error ? error.message : String(error)}`);
		say('live: 0 passed, 1 failed, 0 skipped');
		process.exit(1);
	},
);
