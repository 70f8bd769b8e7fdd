// dist/ as n8n loads it: tsc's JavaScript, plus the node and credential icons next to it (tsc emits only
// JavaScript). Any failure, an icon copy included, fails the build. Plain Node, so it also runs on Windows.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

let icons = 0;
for (const folder of ['nodes', 'credentials']) {
	for (const file of readdirSync(folder, { recursive: true })) {
		if (!/\.(png|svg)$/.test(file)) continue;
		const destination = join('dist', folder, file);
		mkdirSync(dirname(destination), { recursive: true });
		copyFileSync(join(folder, file), destination);
		icons++;
	}
}

// Every icon a node or credential names ('file:snowflake.svg', relative to its .js) must now be in dist/.
const missing = [];
for (const file of readdirSync('dist', { recursive: true })) {
	if (!/\.(node|credentials)\.js$/.test(file)) continue;
	const code = readFileSync(join('dist', file), 'utf8');
	for (const [, icon] of code.matchAll(/'file:([^']+)'/g)) {
		if (!existsSync(join('dist', dirname(file), icon))) missing.push(`${file} → ${icon}`);
	}
}
if (missing.length > 0) {
	console.error(`build: icons missing from dist/:\n  ${missing.join('\n  ')}`);
	process.exit(1);
}
console.log(`build: dist/ compiled, ${icons} icons copied`);
