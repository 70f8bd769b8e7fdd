/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- bench code, never shipped; it prints */
/**
 * `tsx bench/profileSummary.ts <file.cpuprofile> [top]`: self time per function (and per file) of a
 * V8 CPU profile written with BENCH_PROFILE=1, to see where a measurement's time goes. Only the timed run
 * counts (not the process start, module loading or the warm-up) when the profile has its window file
 * (`<profile>.window.json`, the monotonic start and end of the timed run that measure.ts writes).
 */
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount: number;
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? '25');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const windowFile = `${file}.window.json`;
// CPU profile timestamps are monotonic microseconds, as process.hrtime is (in ns).
const window = existsSync(windowFile) ? (JSON.parse(readFileSync(windowFile, 'utf8')) as { startUs: number; endUs: number }) : undefined;
if (window) console.log(`timed run only: ${((window.endUs - window.startUs) / 1000).toFixed(0)} ms`);
const selfUs = new Map<number, number>();
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
	const id = profile.samples[i];
	at += profile.timeDeltas[i] ?? 0;
	if (window && (at < window.startUs || at > window.endUs)) continue;
	selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
	const frame = byId.get(id)!.callFrame;
	const where = frame.url.replace(/^.*\/(node_modules\/|work\/main\/)/, '');
	const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
	byFunction.set(name, (byFunction.get(name) ?? 0) + us);
	byFile.set(where || frame.functionName, (byFile.get(where || frame.functionName) ?? 0) + us);
	total += us;
}
const show = (title: string, map: Map<string, number>) => {
	console.log(`${title} (total ${(total / 1000).toFixed(0)} ms)`);
	for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
		console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
	}
};
show('self time by function', byFunction);
show('self time by file', byFile);
