// Second line of defence after .gitignore: fail when any tracked file holds a private key block.
// Test keys are generated at test time; documentation may show a *redacted* header only in Markdown.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pattern = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
const offenders = [];
for (const file of files) {
	if (file.endsWith('.md')) continue;
	let text;
	try {
		text = readFileSync(file, 'latin1');
	} catch {
		continue; // deleted in the work tree but still in the index
	}
	if (pattern.test(text)) offenders.push(file);
}
if (offenders.length > 0) {
	console.error(`Private key block found in tracked file(s):\n  ${offenders.join('\n  ')}\nRemove the key, rotate it, and generate test keys at test time.`);
	process.exit(1);
}
console.log(`private-key scan: ${files.length} tracked files clean`);
