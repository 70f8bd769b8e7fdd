import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the package in real n8n (test/e2e). Installs are cached outside the repository (test/e2e/n8nInstall.ts). */
export default defineConfig({
	test: {
		include: ['test/e2e/**/*.e2e.test.ts'],
		// Installs missing n8n versions and the scanner (concurrently) into the cache first.
		globalSetup: ['test/e2e/globalSetup.ts'],
		exclude: ['node_modules/**', 'dist/**'],
		// One file at a time: n8n processes are heavy and the machines have two cores.
		fileParallelism: false,
		hookTimeout: 30 * 60_000,
		testTimeout: 5 * 60_000,
		globals: false,
		reporters: ['default'],
	},
});
