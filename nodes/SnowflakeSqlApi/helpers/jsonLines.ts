/**
 * JSON Lines (jsonlines.org): one JSON value per line, `\n` after each. Written from decoded rows as
 * n8n items show them; read incrementally, each line an object whose keys are the columns. A line
 * ending in `\r\n` is read too, blank lines are skipped, and a line over MAX_RECORD_CHARS fails.
 */
import { parseJson } from '../decoder';
import type { RowFormat, RowWriter } from '../transport';
import { MAX_RECORD_CHARS } from './csv';
import { SqlInputError } from './inputErrors';

/** A key JSON.stringify writes before the others, whatever its column's place: an array index. */
const isArrayIndex = (key: string) => key.length <= 10 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;

/** Rows as JSON Lines: JSON.stringify of each row, or, cell by cell from partitions (`format`), the same text. */
export class JsonLinesWriter implements RowWriter {
	readonly format?: RowFormat;

	constructor(keys: readonly string[]) {
		// An object writes array-index keys first (out of column order): such rows are written as objects.
		if (keys.some(isArrayIndex)) return;
		this.format = {
			before: keys.map((key, index) => `${index === 0 ? '{' : ','}${JSON.stringify(key)}:`),
			rowEnd: '}\n',
			nullText: 'null',
			syntax: 'json',
			text: (value) => JSON.stringify(value),
		};
	}

	records(rows: ReadonlyArray<Record<string, unknown>>): string {
		let out = '';
		for (const row of rows) out += `${JSON.stringify(row)}\n`;
		return out;
	}
}

type JsonLineHandler = (row: Record<string, unknown>, line: number) => void;

/** An incremental JSON Lines reader: `push` text as it arrives, then `end`. Throws SqlInputError naming the line. */
export class JsonLinesReader {
	/** The start of a line whose end has not arrived yet. */
	private pending = '';
	private line = 1;

	constructor(private readonly onRow: JsonLineHandler) {}

	private parse(text: string): void {
		const body = text.endsWith('\r') ? text.slice(0, -1) : text;
		const line = this.line++;
		if (body.trim() === '') return;
		let value: unknown;
		let invalid: Error | undefined;
		try {
			value = parseJson(body);
		} catch (error) {
			invalid = error as Error;
		}
		if (invalid !== undefined) throw new SqlInputError(`Line ${line} of the JSON Lines file is not valid JSON: ${invalid.message.slice(0, 200)}`);
		if (value === null || typeof value !== 'object' || Array.isArray(value)) {
			throw new SqlInputError(`Line ${line} of the JSON Lines file is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object of column values.`);
		}
		this.onRow(value as Record<string, unknown>, line);
	}

	private tooLong(): never {
		throw new SqlInputError(`Line ${this.line} of the JSON Lines file is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters; no statement can carry a row that long.`);
	}

	push(text: string): void {
		let start = 0;
		// Only the new text is searched for line ends: a long line arriving in many chunks stays linear.
		for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
			const piece = text.slice(start, end);
			if (this.pending.length + piece.length > MAX_RECORD_CHARS) this.tooLong();
			this.parse(this.pending === '' ? piece : this.pending + piece);
			this.pending = '';
			start = end + 1;
		}
		if (start < text.length) {
			if (this.pending.length + text.length - start > MAX_RECORD_CHARS) this.tooLong();
			this.pending += text.slice(start);
		}
	}

	end(): void {
		if (this.pending !== '') this.parse(this.pending);
		this.pending = '';
	}
}
