/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The package's architecture rules, checked on the real sources (see boundaries.ts): no import cycle,
 * no reach-in past a folder's index.ts, no dead export, and transport/ and decoder/ sealed off from
 * n8n and runtime dependencies. Findings are listed per folder so a failure names its owner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import { describe, expect, it } from 'vitest';

import { check, isProduct } from './boundaries';

const ROOT = join(__dirname, '..', '..');
const SCANNED = ['credentials', 'nodes', 'test', 'bench', 'scripts'];

function walk(folder: string, into: Map<string, string>): void {
	for (const entry of readdirSync(folder, { withFileTypes: true })) {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) walk(path, into);
		else if (entry.name.endsWith('.ts')) into.set(relative(ROOT, path).split(sep).join('/'), readFileSync(path, 'utf8'));
	}
}

const files = new Map<string, string>();
for (const folder of SCANNED) walk(join(ROOT, folder), files);

/** The node and credential classes n8n loads (package.json's `n8n` section), as source paths. */
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
const entryPoints = [...manifest.n8n.nodes, ...manifest.n8n.credentials].map((built) => built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

const findings = check(files, entryPoints);

/** The folder a finding belongs to: a product file's own folder, test/<folder> (test/unit/<folder>), bench, scripts. */
function area(path: string): string {
	const parts = path.split('/');
	if (isProduct(path)) return parts.slice(0, -1).join('/');
	if (parts[0] === 'test') return parts.slice(0, Math.min(parts.length - 1, parts[1] === 'unit' ? 3 : 2)).join('/');
	return parts[0];
}

const areas = [...new Set([...files.keys()].map(area))].sort();
const productAreas = areas.filter((each) => isProduct(`${each}/`));

describe('architecture boundaries', () => {
	it('reads every entry point n8n loads', () => {
		for (const entry of entryPoints) expect(files.has(entry), entry).toBe(true);
	});

	it('no import cycle among product modules', () => {
		expect(findings.moduleCycles).toEqual([]);
	});

	it('no import cycle between product folders (e.g. transport ⇄ decoder)', () => {
		expect(findings.folderCycles).toEqual([]);
	});

	it.each(areas)('%s imports other folders only through their index.ts (or an actions/<resource>/*.resource.ts)', (folder) => {
		const reachIns = findings.reachIns.filter((finding) => area(finding.from) === folder).map(({ from, to }) => `${from} → ${to}`);
		expect(reachIns).toEqual([]);
	});

	it.each(productAreas)('%s exports nothing that no other product module imports', (folder) => {
		const dead = findings.deadExports.filter((finding) => area(finding.module) === folder).map(({ module, name }) => `${module}: ${name}`);
		expect(dead).toEqual([]);
	});

	it('transport/ and decoder/ import nothing at runtime but node:crypto and their own files, and not n8n-workflow', () => {
		expect(findings.forbiddenImports).toEqual([]);
	});
});
