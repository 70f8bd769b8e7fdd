/** Splits a comma-separated list of column names, keeping commas inside double quotes. */
export function splitColumnList(text: string): string[] {
	const names: string[] = [];
	let current = '';
	let quoted = false;
	for (const char of text) {
		if (char === '"') quoted = !quoted;
		if (char === ',' && !quoted) {
			names.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	names.push(current);
	return names.map((name) => name.trim()).filter((name) => name !== '');
}
