/* eslint-disable no-console -- test-only code, never shipped */
/**
 * `npm run test:faults` (and part of `npm test`): the fault campaign of campaign.ts. Short by default;
 * `npm test` (and a direct `vitest run`) uses a fixed seed, `npm run test:faults` a new random seed each run:
 *   FAULTS_STATEMENTS=800 npm run test:faults        the full run (≥ 500 faults)
 *   FAULTS_SEED=1234 FAULTS_STATEMENTS=800 npm run test:faults   replays a seed exactly
 * FAULTS_RATE sets the chance of a random fault per request (default 0.3).
 *
 * The node's transport gets the campaign's simulated clock (sleep and now), seeded jitter, one partition at
 * a time (so the emulator sees the same request sequence on every replay) and a 1 s request timeout (so a
 * "slow" fault of 1.2 s is a client timeout); everything else is the node as shipped, run by n8n-core.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { formatReport, runCampaign, secretNeedles, type CampaignReport } from './campaign';
import { campaignSeed, envNumber } from './env';
import { createSimClock, seededRandom } from './simClock';

const injected = vi.hoisted(() => ({ overrides: {} as Record<string, unknown>, now: Date.now }));

// The node and the credential sign through KeyPairAuth.shared (the node through requestAuth's key pair): here
// it is the campaign's own instance, on the simulated clock, so JWT renewal (every ~54 simulated minutes) and
// re-signing after 390198 follow that clock.
vi.mock('../../nodes/SnowflakeSqlApi/transport', async (importOriginal) => {
	const actual = await importOriginal<typeof import('../../nodes/SnowflakeSqlApi/transport')>();
	class CampaignAuth extends actual.KeyPairAuth {
		static override readonly shared = new actual.KeyPairAuth({ now: () => injected.now() });
	}
	const requestAuth: typeof actual.requestAuth = (kind, data) => {
		const own = actual.requestAuth(kind, data);
		return kind === 'keyPair' ? { ...own, auth: CampaignAuth.shared.bind(actual.readCredentials(data)) } : own;
	};
	return { ...actual, KeyPairAuth: CampaignAuth, requestAuth };
});

vi.mock('../../nodes/SnowflakeSqlApi/helpers/adapters', async (importOriginal) =>
	(await import('../helpers/clientOverrides')).withClientOverrides(await importOriginal(), () => injected.overrides),
);

const DEFAULT_STATEMENTS = 60;
const FULL_RUN = 500;
const REQUEST_TIMEOUT_MS = 1_000;
const SLOW_MS = 1_200;

/** `npm test` replays the same campaign every run; only `npm run test:faults` explores new seeds. */
const FIXED_SEED = 20_260_101;
const seed = campaignSeed(FIXED_SEED);
const statements = Math.floor(envNumber('FAULTS_STATEMENTS', DEFAULT_STATEMENTS));
const rate = envNumber('FAULTS_RATE', 0.3);
const clock = createSimClock(Date.UTC(2030, 0, 1));

let report: CampaignReport;

beforeAll(() => {
	injected.now = clock.now;
	injected.overrides = {
		sleep: clock.sleep,
		now: clock.now,
		random: seededRandom(seed ^ 0x7177),
		partitionConcurrency: 1,
		requestTimeoutMs: REQUEST_TIMEOUT_MS,
	};
});

afterAll(() => {
	injected.now = Date.now;
	injected.overrides = {};
});

describe(`fault campaign (seed ${seed}, ${statements} statements)`, () => {
	// One campaign, run before either test, so each test stands alone (and in any order).
	beforeAll(async () => {
		const replay = `FAULTS_SEED=${seed} FAULTS_STATEMENTS=${statements} FAULTS_RATE=${rate} npm run test:faults`;
		console.log(`fault campaign: seed ${seed} (replay: ${replay})`);
		report = await runCampaign({ seed, statements, rate, clock, slowMs: SLOW_MS, log: (line) => console.log(line) });
		console.log(formatReport(report, replay).join('\n'));
	}, 60_000 + statements * 2_000);

	it('survives every injected fault: no duplicate, no lost row, every failure explained', () => {
		expect(report.unexplained).toEqual([]);
		expect(report.duplicates).toBe(0);
		expect(report.lost).toBe(0);
		expect(report.doubleExecutions).toBe(0);
		expect(report.completed + report.failedClear).toBe(statements);
		expect(report.faultsInjected).toBeGreaterThan(statements >= FULL_RUN ? 500 : 0);
		for (const long of report.longStatements) expect(long.simulatedMinutes).toBeGreaterThan(60);
	});

	it('leaves no private key fragment and no JWT in run data, errors, stacks or log lines', () => {
		const needles = secretNeedles(report);
		expect(report.tokens.length).toBeGreaterThan(0);
		for (const text of report.captured) {
			for (const needle of needles) expect(text.includes(needle), `leaked ${needle.slice(0, 6)}…`).toBe(false);
			expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
		}
	});
});
