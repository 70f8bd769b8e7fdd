/**
 * vitest globalSetup of `npm run test:e2e`: installs whatever is missing from the cache (both n8n versions
 * and the community-package scanner) concurrently before any test file starts, and builds nothing else.
 */
import { ensureAll } from './n8nInstall';

export default async function setup(): Promise<void> {
	await ensureAll();
}
