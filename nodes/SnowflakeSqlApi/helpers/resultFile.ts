/**
 * Return Results As "File": a result written partition by partition into one n8n binary file (CSV or
 * JSON Lines, optionally gzipped) instead of one item per row. Only one partition's decoded rows exist
 * at a time (the transport's executeEach / readEach); the output is one item per input item, with the
 * file and { statementHandle, numRows, rowType, fileName, mimeType }.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PartitionWriter, StatementResult } from '../transport';
import { CsvWriter, csvDelimiter } from './csv';
import { FileSink } from './binaryFile';
import { SqlInputError } from './inputErrors';
import { JsonLinesWriter } from './jsonLines';

type FileFormat = 'csv' | 'jsonl';

interface ResultFileOptions {
	format: FileFormat;
	delimiter: string;
	gzip: boolean;
	binaryPropertyName: string;
	/** Empty: `<statementHandle>.csv` (or .jsonl, plus .gz). */
	fileName: string;
}

const MIME_TYPES: Record<FileFormat, string> = { csv: 'text/csv', jsonl: 'application/x-ndjson' };

/** The file parameters of one item (Return Results As "File"). */
export function readResultFileOptions(context: IExecuteFunctions, itemIndex: number): ResultFileOptions {
	const format = context.getNodeParameter('fileFormat', itemIndex, 'csv') as FileFormat;
	const options = context.getNodeParameter('fileOptions', itemIndex, {}) as { delimiter?: string; compression?: string; fileName?: string };
	const binaryPropertyName = String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	if (binaryPropertyName === '') throw new SqlInputError('Enter the name of the binary field to put the file in (e.g. data).', { itemIndex });
	return {
		format: format === 'jsonl' ? 'jsonl' : 'csv',
		delimiter: format === 'jsonl' ? ',' : csvDelimiter(options.delimiter),
		gzip: options.compression === 'gzip',
		binaryPropertyName,
		fileName: String(options.fileName ?? '').trim(),
	};
}

/** Reads a result, each partition written as text with the writer (executeEach or readEach bound to a statement). */
type PartitionedRead = (writer: PartitionWriter) => Promise<StatementResult>;

/**
 * Writes what `read` hands over into the item's file. A statement still running (Get Statement
 * Results without waiting) gives its status and no file.
 */
export async function resultFileItem(
	context: IExecuteFunctions,
	itemIndex: number,
	options: ResultFileOptions,
	read: PartitionedRead,
): Promise<INodeExecutionData> {
	let sink = new FileSink(options.gzip);
	/** The CSV header, written with the first partition. */
	let header = '';
	let written = 0;
	let result: StatementResult | undefined;
	try {
		result = await read({
			open: (keys, rowType, bodyBytes) => {
				// A CSV file is about as big as the JSON it comes from: room for it from the start saves the copies of growing.
				if (!options.gzip && options.format === 'csv') sink = new FileSink(false, bodyBytes);
				if (options.format === 'jsonl') return new JsonLinesWriter(keys);
				const writer = new CsvWriter(keys, rowType, options.delimiter);
				header = writer.header();
				return writer;
			},
			write: async (chunks, rows) => {
				if (header !== '') await sink.write(header);
				header = '';
				written += rows;
				for (const chunk of chunks) await sink.write(chunk);
			},
		});
	} finally {
		// Failed, or nothing to write: the compressor is released and no bytes are kept.
		if (result === undefined || result.status === 'running') sink.abort(new Error('No file is written.'));
	}
	if (result.status === 'running') {
		const json: IDataObject = { statementHandle: result.statementHandle, status: result.status, code: result.code, message: result.message };
		return { json, pairedItem: { item: itemIndex } };
	}
	const file = await sink.finish();
	const extension = `${options.format}${options.gzip ? '.gz' : ''}`;
	const fileName = options.fileName || `${result.statementHandle}.${extension}`;
	const mimeType = options.gzip ? 'application/gzip' : MIME_TYPES[options.format];
	const binary = await context.helpers.prepareBinaryData(file, fileName, mimeType);
	const json: IDataObject = {
		statementHandle: result.statementHandle,
		numRows: written,
		rowType: result.rowType as unknown as IDataObject[],
		fileName,
		mimeType,
	};
	if (result.truncated) json.truncated = true;
	return { json, binary: { [options.binaryPropertyName]: binary }, pairedItem: { item: itemIndex } };
}
