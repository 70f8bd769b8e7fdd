/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The CSV and JSON Lines writers and readers behind Return Results As "File" and Columns "From a File",
 * through the operations with a scripted runner: exact file bytes for every kind of value, and the values
 * bound for every way a file can be cut into chunks (inside quotes, CRLF, multi-byte characters).
 */
import { gunzipSync } from 'node:zlib';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import type { RowType } from '../../../nodes/SnowflakeSqlApi/transport';
import { fakeContext, rejection, result, run, ScriptedRunner, type FakeContext } from './fixtures';

/** A fake context whose binary helpers behave like n8n's default mode, or stream a stored file in the given chunks. */
function withBinaryHelpers(fake: FakeContext, stored?: Uint8Array[]): FakeContext {
	const helpers = {
		prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => ({
			data: data.toString('base64'),
			fileName,
			mimeType: mimeType ?? 'text/plain',
		}),
		assertBinaryData: (itemIndex: number, property: string): IBinaryData => {
			const binary = fake.items[itemIndex].binary?.[property];
			if (!binary) throw new Error(`This operation expects the node's input data to contain a binary file '${property}'`);
			return binary;
		},
		getBinaryStream: async () =>
			(async function* () {
				for (const chunk of stored ?? []) yield Buffer.from(chunk);
			})(),
	};
	Object.assign(fake.context, { helpers });
	return fake;
}

const column = (name: string, type: string, extra: Partial<RowType> = {}): RowType => ({ name, type, nullable: true, ...extra });

async function exportFile(parameters: IDataObject, answer: Parameters<typeof result>[0] & { partitions?: number[] }): Promise<INodeExecutionData> {
	const fake = withBinaryHelpers(fakeContext({ parameters: [{ query: 'SELECT 1', returnAs: 'file', ...parameters }] }));
	const [item] = await run('executeQuery', fake, new ScriptedRunner([{ answer: result(answer) }]));
	return item;
}

const fileText = (item: INodeExecutionData, property = 'data') => Buffer.from((item.binary?.[property] as IBinaryData).data, 'base64').toString('utf8');

const EVERY_KIND = {
	rowType: [
		column('N', 'fixed', { scale: 0 }),
		column('TEXT', 'text'),
		column('OK', 'boolean'),
		column('DOC', 'variant'),
		column('PLACE', 'object', { extTypeName: 'GEOGRAPHY' }),
		column('NOTE', 'text'),
	],
	rows: [
		{ N: 1, TEXT: 'plain', OK: true, DOC: { a: [1, 'x;y'] }, PLACE: 'POINT(1 2)', NOTE: 'dup' },
		{ N: '12345678901234567890123456789012345678', TEXT: '', OK: false, DOC: 'text', PLACE: { type: 'Point' }, NOTE: null },
		{ N: null, TEXT: 'semi;colon', OK: null, DOC: null, PLACE: null, NOTE: 'say "hi"' },
		{ N: -0.5, TEXT: 'cr\rlf\r\nlf\n', OK: true, DOC: 3, PLACE: null, NOTE: 'Zoë 😀 中文' },
	],
	partitions: [2, 0, 2],
};

describe('writing a result as CSV or JSON Lines', () => {
	it('CSV: header, RFC 4180 quoting with the chosen delimiter, NULL vs empty, JSON columns as JSON, across partitions', async () => {
		const item = await exportFile({ fileOptions: { delimiter: ';' } }, { statementHandle: 'h-1', ...EVERY_KIND });
		expect(item.json).toEqual({ statementHandle: 'h-1', numRows: 4, rowType: EVERY_KIND.rowType, fileName: 'h-1.csv', mimeType: 'text/csv' });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(fileText(item)).toBe(
			[
				'N;TEXT;OK;DOC;PLACE;NOTE',
				'1;plain;true;"{""a"":[1,""x;y""]}";POINT(1 2);dup',
				'12345678901234567890123456789012345678;"";false;"""text""";"{""type"":""Point""}";',
				';"semi;colon";;;;"say ""hi"""',
				'-0.5;"cr\rlf\r\nlf\n";true;3;;Zoë 😀 中文',
				'',
			].join('\r\n'),
		);
	});

	it('a tab delimiter typed as \\t; an empty result is the header alone', async () => {
		const item = await exportFile({ fileOptions: { delimiter: '\\t' } }, { rowType: [column('A', 'text'), column('B', 'text')], rows: [] });
		expect(fileText(item)).toBe('A\tB\r\n');
		expect(item.json.numRows).toBe(0);
	});

	it('JSON Lines: one object per line, the rows as items show them; gzip', async () => {
		const item = await exportFile(
			{ fileFormat: 'jsonl', binaryPropertyName: 'out', fileOptions: { compression: 'gzip' } },
			{ statementHandle: 'h-2', ...EVERY_KIND },
		);
		expect(item.json).toMatchObject({ fileName: 'h-2.jsonl.gz', mimeType: 'application/gzip', numRows: 4 });
		const text = gunzipSync(Buffer.from((item.binary?.out as IBinaryData).data, 'base64')).toString('utf8');
		expect(text.split('\n')).toHaveLength(5);
		expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(EVERY_KIND.rows);
	});

	it.each([['"'], ['\n'], [';;']])('refuses the delimiter %j before anything runs', async (delimiter) => {
		const fake = withBinaryHelpers(fakeContext({ parameters: [{ query: 'SELECT 1', returnAs: 'file', fileOptions: { delimiter } }] }));
		const runner = new ScriptedRunner();
		const error = await rejection(run('executeQuery', fake, runner));
		expect(error.message).toMatch(/The CSV delimiter must be one character other than a double quote or a line break/);
		expect(runner.calls).toEqual([]);
	});
});

/** Loads `file` (in the given byte chunks, as a stored binary) with Insert and returns the bound values per statement. */
async function load(file: string | Uint8Array[], parameters: IDataObject = {}): Promise<Array<Array<string | null>>> {
	const chunks = typeof file === 'string' ? [Buffer.from(file, 'utf8')] : file;
	const fake = withBinaryHelpers(
		fakeContext({ parameters: [{ table: { __rl: true, mode: 'name', value: 'T' }, dataMode: 'file', ...parameters }] }),
		chunks,
	);
	fake.items[0].binary = { data: { id: 'filesystem-v2:file-1', data: 'filesystem-v2', mimeType: 'text/csv', fileName: 'f.csv' } };
	const runner = new ScriptedRunner();
	await run('insert', fake, runner);
	return runner.calls
		.filter((call) => call.method === 'execute')
		.map((call) => Object.values((call as { request: { bindings: Record<string, { value: string | null }> } }).request.bindings).map((binding) => binding.value));
}

const TRICKY = 'id,text\r\n1,"a ""quoted""\r\nvalue, 😀"\r\n2,\r\n3,""\n\n4,Zoë\r5,last';
const TRICKY_VALUES = [['1', 'a "quoted"\r\nvalue, 😀', '2', null, '3', '', '4', 'Zoë', '5', 'last']];

describe('reading a CSV or JSON Lines file', () => {
	it('CRLF, LF and CR line ends, quoted line breaks and quotes, NULL vs "", a blank line, no final newline', async () => {
		expect(await load(TRICKY)).toEqual(TRICKY_VALUES);
	});

	it('the same values however the bytes are cut into chunks (inside quotes, between CR and LF, inside a character)', async () => {
		const bytes = Buffer.from(`\ufeff${TRICKY}`, 'utf8');
		for (let cut = 1; cut < bytes.length; cut++) {
			expect(await load([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at byte ${cut}`).toEqual(TRICKY_VALUES);
		}
		expect(await load([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(TRICKY_VALUES);
	});

	it('line numbers count the line breaks inside quoted fields', async () => {
		const error = await rejection(load('id,text\n1,"two\nlines"\n2,"three\r\nlines\rhere"\n3,b"ad\n'));
		expect(error.message).toBe('The CSV file is malformed at line 7: a quote inside an unquoted field (quote the whole field and write the quote as "").');
	});

	it('a record over 1,000,000 characters fails (an unclosed quote), in linear time', async () => {
		const error = await rejection(load(`id,text\n1,"${'x'.repeat(1_200_000)}`));
		expect(error.message).toMatch(/^The CSV record starting at line 2 is longer than 1,000,000 characters/);
	});

	it('a line of 2,000,000 delimiters counts against the record limit (a cell per delimiter would fill the memory)', async () => {
		const error = await rejection(load(`id,text\n${','.repeat(2_000_000)}`));
		expect(error.message).toMatch(/^The CSV record starting at line 2 is longer than 1,000,000 characters/);
	});

	it('a one-column file: an empty line is a NULL (how such a file writes one), so an exported file loads back whole', async () => {
		const exported = await exportFile({}, { rowType: [column('A', 'text')], rows: [{ A: 'x' }, { A: null }, { A: '' }, { A: 'y' }] });
		expect(fileText(exported)).toBe('A\r\nx\r\n\r\n""\r\ny\r\n');
		expect(await load(fileText(exported))).toEqual([['x', null, '', 'y']]);
		// Wider files keep skipping blank lines between records.
		expect(await load('a,b\n1,2\n\n3,4\n')).toEqual([['1', '2', '3', '4']]);
	});

	it('JSON Lines: values keep their JSON types; CRLF and blank lines; a bad line is named', async () => {
		const fake = (text: string) => load(text, { fileFormat: 'jsonl' });
		expect(await fake('{"id":1,"doc":{"a":1}}\r\n\n{"id":2,"doc":{"b":[true]}}')).toEqual([['1', '{"a":1}', '2', '{"b":[true]}']]);
		expect((await rejection(fake('{"id":1}\n{"id":\n'))).message).toMatch(/^Line 2 of the JSON Lines file is not valid JSON/);
		expect((await rejection(fake('{"id":1}\n"text"\n'))).message).toBe('Line 2 of the JSON Lines file is a string, not an object of column values.');
		const deep = `{"id":1,"doc":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
		expect((await rejection(fake(`{"id":1}\n${deep}\n`))).message).toBe('Line 2 of the JSON Lines file nests its values too deeply to be sent to Snowflake.');
	});

	// V8 13.6 (Node 24.21): JSON.parse reads an escaped one-character key ("\t", "\u0041") as "\\" once an earlier
	// line had the key "\\" in that place; the loader must send each line's own keys.
	it('JSON Lines: escaped keys are read exactly, whatever the lines before held', async () => {
		const file = ['{"id":1,"doc":{"a":1,"\\\\":2}}', '{"id":2,"doc":{"a":1,"\\t":3}}', '{"id":3,"doc":{"a":1,"\\u0041":4}}'].join('\n');
		const loaded = await load(file, { fileFormat: 'jsonl' });
		expect(loaded).toEqual([['1', '{"a":1,"\\\\":2}', '2', '{"a":1,"\\t":3}', '3', '{"a":1,"A":4}']]);
	});

	it('a column name that is no identifier, and a missing binary field, fail before any statement', async () => {
		expect((await rejection(load('id,\n1,2\n'))).message).toBe('The CSV header (line 1) has no name for column 2.');
		const fake = withBinaryHelpers(fakeContext({ parameters: [{ table: { __rl: true, mode: 'name', value: 'T' }, dataMode: 'file' }] }));
		const runner = new ScriptedRunner();
		expect((await rejection(run('insert', fake, runner))).message).toMatch(/binary file 'data'/);
		expect(runner.calls).toEqual([]);
	});
});
