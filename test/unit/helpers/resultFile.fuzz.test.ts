/**
 * Differential fuzz of results written as files straight from the partitions' bytes
 * (RowDecoder.renderPartition with the CSV and JSON Lines writers' cell formats) against the way they
 * were written before: JSON.parse of the body, the row decoder, and the writer's `records` of the
 * decoded rows. Both go through resultFileItem (the file's header, FileSink, the item) and must give
 * the same bytes and the same numRows, for every type, canonical and malformed cells, odd delimiters,
 * row limits, and bodies the partition decoder hands back (then written from decoded rows, as the
 * transport does). Fixed seed; the random bodies are those of the partition decoder's fuzz.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { createRowDecoder } from '../../../nodes/SnowflakeSqlApi/decoder';
import { resultFileItem } from '../../../nodes/SnowflakeSqlApi/helpers';
import type { PartitionWriter, StatementResult } from '../../../nodes/SnowflakeSqlApi/transport';
import { partitionCases, reference, type Case } from '../../helpers/partitionBodies';
import { seeded } from '../../helpers/seeded';

const randomCase = partitionCases(0xf11e15);
const random = seeded(0xde11);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

/** Delimiters that collide with what cells hold: digits, signs, dots, colons, spaces, letters, non-ASCII. */
const DELIMITERS = [',', ',', ';', '\t', '|', '.', '-', ':', ' ', '1', 'e', 'T', 'Z', 'n', 'é', '€'];

/** Only what resultFileItem uses of n8n: prepareBinaryData, keeping the bytes. */
const context = {
	helpers: {
		prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => ({ data: data.toString('base64'), fileName, mimeType: mimeType ?? '' }),
	},
} as unknown as IExecuteFunctions;

const success = (rowType: Case['rowType']): StatementResult => ({
	statementHandle: 'handle-1',
	requestId: 'request-1',
	status: 'success',
	code: '090001',
	message: 'Statement executed successfully.',
	rowType,
	numRows: 0,
	rows: [],
	truncated: false,
	partitionCount: 1,
});

interface Written {
	file?: string;
	numRows?: unknown;
	error?: string;
	/** The partition was written from its bytes (not handed back). */
	rendered: boolean;
	/** Per column, the cells written through the value (the format's text()); the others were copied from the text. */
	textCalls?: number[];
}

/** Which of the partition decoder's shortcuts a column's cells take when written straight from the text. */
function shortcut(column: Case['rowType'][number], options: Case['options']): string | undefined {
	const type = column.extTypeName ? column.extTypeName.toLowerCase() : column.type;
	if (options.numbersAsStrings && (type === 'fixed' || type === 'decfloat')) return 'text';
	switch (type) {
		case 'fixed':
			return (column.scale ?? 0) > 0 ? 'fixed scaled' : 'fixed';
		case 'real':
			return options.numbersAsStrings ? undefined : 'real';
		case 'text':
		case 'interval_day_time':
			return 'text';
		case 'boolean':
		case 'date':
		case 'time':
		case 'timestamp_ntz':
		case 'timestamp_tz':
			return type;
		case 'timestamp_ltz':
			return options.timezone ? 'timestamp_ltz zoned' : 'timestamp_ltz';
		case 'variant':
		case 'object':
		case 'array':
		case 'map':
		case 'vector':
			return 'variant';
		default:
			return undefined;
	}
}

async function write(testCase: Case, format: 'csv' | 'jsonl', delimiter: string, fromBytes: boolean): Promise<Written> {
	const decoder = createRowDecoder(testCase.rowType, testCase.options);
	let rendered = false;
	let textCalls: number[] | undefined;
	const read = async (writer: PartitionWriter) => {
		const rowWriter = writer.open(decoder.keys, testCase.rowType, testCase.body.length);
		if (fromBytes && rowWriter.format !== undefined) {
			const chunks: Uint8Array[] = [];
			const format = rowWriter.format;
			const calls = testCase.rowType.map(() => 0);
			const counting = {
				...format,
				text: (value: unknown, column: number) => {
					calls[column]++;
					return format.text(value, column);
				},
			};
			const count = decoder.renderPartition(testCase.body, counting, testCase.limit, chunks);
			if (count !== undefined) {
				rendered = true;
				textCalls = calls;
				await writer.write(chunks, Math.min(count, testCase.limit), 1);
				return success(testCase.rowType);
			}
		}
		// The reference path: what the transport does with a body the partition decoder hands back.
		const expected = reference(testCase);
		if ('error' in expected) throw new Error(expected.error);
		await writer.write([rowWriter.records(expected.rows)], expected.rows.length, 1);
		return success(testCase.rowType);
	};
	try {
		const item = await resultFileItem(context, 0, { format, delimiter, gzip: false, binaryPropertyName: 'data', fileName: '' }, read);
		return { file: item.binary?.data.data, numRows: item.json.numRows, rendered, textCalls };
	} catch (error) {
		return { error: String(error), rendered, textCalls };
	}
}

describe('results written as files from the partitions\' bytes against rows decoded and then written (differential fuzz, fixed seed)', () => {
	it('writes over a million random cells of every type to the same CSV and JSON Lines bytes', async () => {
		const CELLS = 1_050_000;
		let cells = 0;
		let renderedCells = 0;
		let bodies = 0;
		let handedBack = 0;
		const formats = { csv: 0, jsonl: 0 };
		const mismatches: string[] = [];
		/** Per format and shortcut: cells copied from the text, and cells written through their value. */
		const copied: Record<string, number> = {};
		const throughValue: Record<string, number> = {};
		while (cells < CELLS) {
			const testCase = randomCase();
			const format = random() < 0.5 ? 'csv' : 'jsonl';
			const delimiter = pick(DELIMITERS);
			cells += testCase.cells;
			bodies++;
			const fast = await write(testCase, format, delimiter, true);
			const before = await write(testCase, format, delimiter, false);
			if (!fast.rendered) {
				handedBack++;
				if (testCase.canonical) mismatches.push(`canonical body handed back: ${String(testCase.body).slice(0, 200)}`);
			} else {
				renderedCells += testCase.cells;
				formats[format]++;
				if (before.error !== undefined) mismatches.push(`wrote a body the reference refuses (${before.error})`);
				const expected = reference(testCase);
				if ('rows' in expected && fast.textCalls !== undefined) {
					testCase.rowType.forEach((column, c) => {
						const kind = shortcut(column, testCase.options);
						if (kind === undefined) return;
						const key = `${format} ${kind}`;
						const values = expected.rows.filter((row) => Object.values(row)[c] !== null).length;
						copied[key] = (copied[key] ?? 0) + values - (fast.textCalls?.[c] ?? 0);
						throughValue[key] = (throughValue[key] ?? 0) + (fast.textCalls?.[c] ?? 0);
					});
				}
			}
			if (fast.file !== before.file || fast.numRows !== before.numRows || fast.error !== before.error) {
				const got = Buffer.from(fast.file ?? '', 'base64').toString('utf8');
				const want = Buffer.from(before.file ?? '', 'base64').toString('utf8');
				let at = 0;
				while (at < got.length && got[at] === want[at]) at++;
				mismatches.push(
					`${format} ${JSON.stringify(delimiter)} rowType ${JSON.stringify(testCase.rowType.map((c) => [c.type, c.scale, c.extTypeName]))} ${JSON.stringify(testCase.options)}: ` +
						`rows ${String(fast.numRows)} / ${String(before.numRows)}, errors ${fast.error} / ${before.error}, got …${JSON.stringify(got.slice(Math.max(0, at - 80), at + 80))} want …${JSON.stringify(want.slice(Math.max(0, at - 80), at + 80))}`,
				);
			}
			if (mismatches.length > 5) break;
		}
		expect(mismatches).toEqual([]);
		expect(cells).toBeGreaterThanOrEqual(CELLS);
		// Most cells were written from the bytes, in both formats; broken bodies were handed back.
		expect(renderedCells / cells).toBeGreaterThan(0.8);
		expect(formats.csv).toBeGreaterThan(1000);
		expect(formats.jsonl).toBeGreaterThan(1000);
		expect(handedBack).toBeGreaterThan(0);
		expect(bodies).toBeGreaterThan(2000);
		// Every shortcut fired in both formats, and so did its way back to the value (cells it does not copy).
		const kinds = ['fixed', 'fixed scaled', 'real', 'text', 'boolean', 'date', 'time', 'timestamp_ntz', 'timestamp_ltz', 'timestamp_ltz zoned', 'timestamp_tz', 'variant'];
		for (const format of ['csv', 'jsonl']) {
			for (const kind of kinds) {
				expect.soft(copied[`${format} ${kind}`] ?? 0, `${format} ${kind} copied`).toBeGreaterThan(200);
				expect.soft(throughValue[`${format} ${kind}`] ?? 0, `${format} ${kind} through the value`).toBeGreaterThan(20);
			}
		}
	}, 300_000);

	it('copies canonical VARIANT and TEXT cells from the text, and refuses exactly what JSON refuses (a control character in a cell, in a VARIANT\'s string or between its values)', async () => {
		const rowType: Case['rowType'] = [
			{ name: 'V', type: 'variant' },
			{ name: 'T', type: 'text' },
		];
		// @ becomes a raw U+0001 in the body (JSON.stringify would escape it)
		const body = (variant: string, text: string) => new TextEncoder().encode(JSON.stringify({ data: [[variant, text], [null, 'x']] }).replaceAll('@', '\u0001'));
		const refused = [
			['{"a":"x@y"}', 't'],
			['{"a":1}', 'x@y'],
			['[1,@2]', 't'],
			['{"a@":1}', 't'],
			['[1]@', 't'],
		];
		for (const [variant, text] of refused) {
			const testCase: Case = { rowType, options: {}, body: body(variant, text), canonical: false, limit: Infinity, cells: 4 };
			for (const [format, delimiter] of [['csv', ','], ['csv', ';'], ['jsonl', ',']] as const) {
				const fast = await write(testCase, format, delimiter, true);
				expect(fast.error, `${variant} ${text}`).toBe('Error: not JSON');
				expect(fast).toEqual({ ...(await write(testCase, format, delimiter, false)), rendered: false });
			}
		}
		const copied = [
			[JSON.stringify({ a: [1.5, 'é😀', -0.25, true, null], b: {}, c: [] }, null, 2), 't,u'],
			['{"a":"x\ny"}', 'é'],
			['[{"a":1},{"a":2}]', ''],
		];
		const files: string[] = [];
		for (const [index, [variant, text]] of copied.entries()) {
			const testCase: Case = { rowType, options: {}, body: body(variant, text), canonical: true, limit: Infinity, cells: 4 };
			for (const [format, delimiter] of [['csv', ','], ['csv', ';'], ['jsonl', ',']] as const) {
				const fast = await write(testCase, format, delimiter, true);
				const before = await write(testCase, format, delimiter, false);
				expect(fast.file).toBe(before.file);
				files.push(Buffer.from(fast.file ?? '', 'base64').toString());
				// the escaped newline inside the VARIANT's string goes through the value; the rest is copied
				expect(fast.textCalls, `${variant} ${format} ${delimiter}`).toEqual([index === 1 ? 1 : 0, 0]);
			}
		}
		expect(files.slice(0, 3)).toEqual([
			'V,T\r\n"{""a"":[1.5,""é😀"",-0.25,true,null],""b"":{},""c"":[]}","t,u"\r\n,x\r\n',
			'V;T\r\n"{""a"":[1.5,""é😀"",-0.25,true,null],""b"":{},""c"":[]}";t,u\r\n;x\r\n',
			'{"V":{"a":[1.5,"é😀",-0.25,true,null],"b":{},"c":[]},"T":"t,u"}\n{"V":null,"T":"x"}\n',
		]);
	});

	it('writes rows whose keys JSON would reorder (a column named like an array index) from decoded rows, in the objects\' order', async () => {
		const body = new TextEncoder().encode('{"data":[["x","1"],[null,"2"]]}');
		const testCase: Case = { rowType: [{ name: 'B', type: 'text' }, { name: '1', type: 'fixed', scale: 0 }], options: {}, body, canonical: true, limit: Infinity, cells: 4 };
		const jsonl = await write(testCase, 'jsonl', ',', true);
		expect(jsonl.rendered).toBe(false);
		expect(Buffer.from(jsonl.file ?? '', 'base64').toString()).toBe('{"1":1,"B":"x"}\n{"1":2,"B":null}\n');
		const csv = await write(testCase, 'csv', ',', true);
		expect(csv.rendered).toBe(true);
		expect(Buffer.from(csv.file ?? '', 'base64').toString()).toBe('B,1\r\nx,1\r\n,2\r\n');
	});

	it.each([
		['no size hint', 0],
		['a size hint under the file\'s', 2_000_000],
		['a size hint over the file\'s', 9_000_000],
	])('collects a file of many megabytes (the buffer grows past its first capacity) byte for byte, %s', async (_, hint) => {
		const bytes = seeded(0xb16);
		const pieces: string[] = [];
		let length = 0;
		while (length < 5_500_000) {
			// pieces of 0 to ~300 KB, ASCII and multi-byte characters
			const piece = (bytes() < 0.5 ? 'a,b\r\n' : 'é€😀"\r\n').repeat(Math.floor(bytes() * bytes() * 25_000));
			pieces.push(piece);
			length += Buffer.byteLength(piece);
		}
		const item = await resultFileItem(context, 0, { format: 'csv', delimiter: ',', gzip: false, binaryPropertyName: 'data', fileName: 'big.csv' }, async (writer) => {
			// no columns: the header is an empty line
			writer.open([], [], hint);
			// text and bytes, as the transport hands them over
			await writer.write(pieces.map((piece, i) => (i % 2 === 0 ? piece : new TextEncoder().encode(piece))), 0, 0);
			return success([]);
		});
		const file = Buffer.from(item.binary?.data.data ?? '', 'base64');
		expect(file.length).toBe(length + 2);
		expect(file.equals(Buffer.from(`\r\n${pieces.join('')}`))).toBe(true);
	});
});
