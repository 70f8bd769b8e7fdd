/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The seeded campaigns' settings from the environment: `npm test` (and a direct `vitest run`) replays a fixed
 * seed, `npm run test:faults` explores a new one each run, FAULTS_SEED replays a printed one.
 */

export function envNumber(name: string, fallback: number): number {
	const text = process.env[name]?.trim();
	if (!text) return fallback;
	const value = Number(text);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number (got "${text}")`);
	return value;
}

/** Whether this run is `npm run test:faults`. */
export const exploring = process.env.npm_lifecycle_event === 'test:faults';

/** FAULTS_SEED, else a new random seed under `npm run test:faults`, else `fixed`. */
export function campaignSeed(fixed: number): number {
	return envNumber('FAULTS_SEED', exploring ? Math.floor(Math.random() * 2 ** 31) : fixed);
}
