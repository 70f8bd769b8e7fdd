/**
 * Insert Rows and Insert or Update Rows with Columns "From a File": the rows of a CSV or JSON Lines
 * binary property go into the table through the same batched statements as items (helpers/sql.ts),
 * without ever becoming n8n items. One output item per input item: { table, fileName, numRows, statements }.
 *
 * Two passes over the file, both streamed (only a chunk of text and one batch of rows in memory):
 * 1. check every line (CSV syntax and field counts, JSON objects, column names, match columns), so a
 *    malformed line fails the item before anything is written;
 * 2. write: rows gathered into batches of about BATCH_CELLS values, each built and sent in order.
 * A statement Snowflake refuses stops the item; the error names the lines already written (they stay).
 *
 * CSV: the header row names the columns (identifier rules as for item fields: unquoted names are
 * upper-cased); every cell is sent as text (an unquoted empty cell as NULL) and Snowflake casts it to
 * the column's type; Options > Column Types sets a column's type (VARIANT to parse JSON text).
 * JSON Lines: each line's keys are the columns and its values keep their JSON types, as item fields do.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { binaryText } from './binaryFile';
import { splitColumnList } from './columnList';
import { CsvReader, csvDelimiter } from './csv';
import { errorItem, toNodeError } from './errors';
import { quoteIdentifier } from './identifiers';
import { SqlInputError, echoText } from './inputErrors';
import type { OperationRuntime } from './interfaces';
import { JsonLinesReader } from './jsonLines';
import { readOptions, requestContext } from './options';
import type { Row } from './sql';
import { tableName } from './tableParameter';
import { columnTypes, fieldsOf, matchSpecs, type WriteOperation } from './writer';

/** Values gathered before a batch is built: about four full statements (16,384 bindings each). */
const BATCH_CELLS = 65_536;
/** Characters gathered before a batch is built (statements stay under 1 MB each). */
const BATCH_CHARS = 4_000_000;
/** The most distinct columns a file may name (as a result may have). */
const MAX_COLUMNS = 10_000;

interface FileLoadOptions {
	format: 'csv' | 'jsonl';
	delimiter: string;
	binaryPropertyName: string;
}

type RowHandler = (row: Row, line: number, chars: number) => void;

function readFileLoadOptions(context: IExecuteFunctions, itemIndex: number): FileLoadOptions {
	const format = context.getNodeParameter('fileFormat', itemIndex, 'csv') as string;
	const options = context.getNodeParameter('fileOptions', itemIndex, {}) as { delimiter?: string };
	const binaryPropertyName = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	if (binaryPropertyName === '') throw new SqlInputError('Enter the name of the input binary field that holds the file (e.g. data).', { itemIndex });
	return {
		format: format === 'jsonl' ? 'jsonl' : 'csv',
		delimiter: format === 'jsonl' ? ',' : csvDelimiter(options.delimiter),
		binaryPropertyName,
	};
}

/** A CSV reader whose first record is the header and whose other records become rows. */
function csvRows(delimiter: string, onRow: RowHandler): { push(text: string): void; end(): void } {
	let header: string[] | undefined;
	const reader = new CsvReader(delimiter, (cells, line) => {
		if (header === undefined) {
			const seen = new Set<string>();
			cells.forEach((cell, index) => {
				if (cell === null || cell.trim() === '') throw new SqlInputError(`The CSV header (line ${line}) has no name for column ${index + 1}.`);
				if (seen.has(cell)) throw new SqlInputError(`The CSV header (line ${line}) names column '${echoText(cell)}' twice.`);
				seen.add(cell);
			});
			header = cells as string[];
			// A one-column file writes a NULL as an empty line (see CsvReader.blankLineIsNull).
			reader.blankLineIsNull = header.length === 1;
			return;
		}
		if (cells.length !== header.length) {
			throw new SqlInputError(`Line ${line} of the CSV file has ${cells.length} fields, but its header has ${header.length}.`);
		}
		// No prototype: a column named __proto__ is a field like any other.
		const row = Object.create(null) as Row;
		let chars = 0;
		for (let i = 0; i < header.length; i++) {
			const cell = cells[i];
			row[header[i]] = cell;
			if (cell !== null) chars += cell.length;
		}
		onRow(row, line, chars);
	});
	return {
		push: (text) => reader.push(text),
		end: () => {
			reader.end();
			if (header === undefined) throw new SqlInputError('The CSV file is empty: it needs a header row naming the columns.');
		},
	};
}

/** The row's JSON size; a value nested too deep to write as JSON (JSON.parse reads it, JSON.stringify cannot) names its line. */
function jsonLength(row: Row, line: number): number {
	let text: string | undefined;
	try {
		text = JSON.stringify(row);
	} catch {
		text = undefined;
	}
	if (text === undefined) throw new SqlInputError(`Line ${line} of the JSON Lines file nests its values too deeply to be sent to Snowflake.`);
	return text.length;
}

/** Streams the rows of the item's file to `onRow`; `afterChunk` runs after each chunk of text (and at the end). */
async function readRows(
	context: IExecuteFunctions,
	itemIndex: number,
	options: FileLoadOptions,
	onRow: RowHandler,
	afterChunk?: () => Promise<void>,
): Promise<void> {
	const binary = context.helpers.assertBinaryData(itemIndex, options.binaryPropertyName);
	const reader =
		options.format === 'csv'
			? csvRows(options.delimiter, onRow)
			: new JsonLinesReader((row, line) => onRow(row, line, jsonLength(row, line)));
	for await (const text of binaryText(context, binary)) {
		reader.push(text);
		await afterChunk?.();
	}
	reader.end();
	await afterChunk?.();
}

/**
 * Pass 1: every column name is a valid identifier, no two name the same column, and (Upsert) every row
 * gives each match column. Column names are checked once each, so the pass stays linear.
 */
function checkRows(match: string[] | undefined): RowHandler {
	const columnOf = new Map<string, string>();
	const fieldOf = new Map<string, string>();
	const wanted = match?.map((name) => ({ name, column: quoteIdentifier(name) }));
	return (row, line) => {
		const given = new Set<string>();
		for (const key of Object.keys(row)) {
			let column = columnOf.get(key);
			if (column === undefined) {
				let refused: unknown;
				try {
					column = quoteIdentifier(key);
				} catch (error) {
					refused = error;
				}
				if (column === undefined) throw new SqlInputError(`Line ${line}: ${(refused as Error).message}`);
				const earlier = fieldOf.get(column);
				if (earlier !== undefined) {
					throw new SqlInputError(`Line ${line}: '${echoText(earlier)}' and '${echoText(key)}' both name column ${echoText(column)}; name each column once.`);
				}
				if (columnOf.size >= MAX_COLUMNS) throw new SqlInputError(`Line ${line}: the file names more than ${MAX_COLUMNS} columns.`);
				columnOf.set(key, column);
				fieldOf.set(column, key);
			}
			if (row[key] !== undefined) given.add(column);
		}
		for (const { name, column } of wanted ?? []) {
			if (!given.has(column)) throw new SqlInputError(`Line ${line} has no value for the column to match on '${echoText(name)}'.`);
		}
	};
}

/** A statement's failure while loading a file, with what the file's earlier statements wrote. */
class FileLoadFailure {
	constructor(
		readonly error: unknown,
		readonly note: string,
	) {}
}

/** "lines 2–40" */
function lineRange(first: number, last: number): string {
	return first === last ? `line ${first}` : `lines ${first}–${last}`;
}

/** One item's file into its table. */
async function loadFile(
	context: IExecuteFunctions,
	itemIndex: number,
	runtime: OperationRuntime,
	operation: WriteOperation,
): Promise<INodeExecutionData> {
	const options = readFileLoadOptions(context, itemIndex);
	const table = tableName(context, itemIndex);
	const nodeOptions = readOptions(context, itemIndex);
	const request = requestContext(context, nodeOptions, runtime);
	const types = columnTypes(nodeOptions);
	const typedMatch = operation.matches ? String(context.getNodeParameter('matchColumns', itemIndex, '')) : '';
	const match = operation.matches ? splitColumnList(typedMatch) : undefined;
	if (match?.length === 0) throw new SqlInputError('Enter the columns to match on.', { itemIndex });

	await readRows(context, itemIndex, options, checkRows(match));

	let batch: Row[] = [];
	let lines: number[] = [];
	let cells = 0;
	let chars = 0;
	let written = 0;
	let statements = 0;
	let lastWritten: number | undefined;
	const flush = async () => {
		if (batch.length === 0) return;
		const rows = batch;
		const rowLines = lines;
		batch = [];
		lines = [];
		cells = 0;
		chars = 0;
		const fields = fieldsOf(rows);
		const specs = match ? matchSpecs(typedMatch, fields, 'file') : [];
		for (const statement of operation.build(table, specs, fields, rows, { columnTypes: types, itemIndexes: rowLines })) {
			let failure: { error: unknown } | undefined;
			try {
				await runtime.runner.execute(
					{ statement: statement.statement, bindings: statement.bindings, ...request },
					{ signal: runtime.signal, maxRows: 0, onMaxRows: 'truncate' },
				);
			} catch (error) {
				failure = { error };
			}
			if (failure !== undefined) {
				const first = rowLines[statement.rowIndexes[0]];
				const last = rowLines[statement.rowIndexes[statement.rowIndexes.length - 1]];
				const done =
					lastWritten === undefined
						? 'No row of the file was written before.'
						: `The ${written} rows before (up to line ${lastWritten}) were written in ${statements} statements and stay written: load the file from line ${first} on to go on.`;
				throw new FileLoadFailure(failure.error, `The statement for ${lineRange(first, last)} of the file failed. ${done}`);
			}
			statements++;
			written += statement.rowIndexes.length;
			lastWritten = rowLines[statement.rowIndexes[statement.rowIndexes.length - 1]];
		}
	};
	await readRows(
		context,
		itemIndex,
		options,
		(row, line, rowChars) => {
			batch.push(row);
			lines.push(line);
			cells += Object.keys(row).length;
			chars += rowChars;
		},
		async () => {
			if (cells >= BATCH_CELLS || chars >= BATCH_CHARS) await flush();
		},
	);
	await flush();
	const binary = context.helpers.assertBinaryData(itemIndex, options.binaryPropertyName);
	const json: IDataObject = { table, fileName: binary.fileName ?? null, numRows: written, statements };
	return { json, pairedItem: { item: itemIndex } };
}

/** Insert or Upsert "From a File": each input item's file into the table; one output item per input item. */
export async function loadFiles(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
	operation: WriteOperation,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			output.push(await loadFile(context, itemIndex, runtime, operation));
		} catch (thrown) {
			const { error, note } = thrown instanceof FileLoadFailure ? thrown : { error: thrown, note: undefined };
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex, note);
			output.push(errorItem(context.getNode(), error, itemIndex, note));
		}
	}
	return output;
}
