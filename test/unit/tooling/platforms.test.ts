/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * `npm install` must work on Linux, macOS and Windows (x64 and arm64): npm refuses a required package whose
 * `os`/`cpu` does not match the machine (EBADPLATFORM) and only skips an optional one. The Node the
 * toolchain needs comes from scripts/toolchain.mjs instead of a platform-bound devDependency.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
	os?: string[] | string;
	cpu?: string[] | string;
	optional?: boolean;
}

const root = join(__dirname, '..', '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

describe('package-lock.json', () => {
	it('has no required package bound to an os or cpu', () => {
		const bound = Object.entries(lock.packages)
			.filter(([path, pkg]) => path !== '' && !pkg.optional && (pkg.os !== undefined || pkg.cpu !== undefined))
			.map(([path]) => path);
		expect(bound).toEqual([]);
	});
});
