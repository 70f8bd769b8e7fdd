/**
 * Reading every partition of a result (docs: handling-responses). Partition 0 arrives inline with the
 * metadata; partitions 1..n-1 are fetched with `?partition=N` and carry only `data`, so the rowType
 * of the first response decodes all of them. Nothing is dropped silently: each partition's row count
 * must match `partitionInfo[N].rowCount`, the counts must add up to `numRows`, and a row cap either
 * fails before anything more is fetched or stops on a documented boundary.
 */
import type { DecodedRow, RowDecoder, RowType } from '../decoder';
import { abortAware } from './abort';
import { SnowflakeConfigError, SnowflakeMaxRowsError, SnowflakeProtocolError, type SnowflakeCancelledError } from './errors';
import type { ExecuteOptions, PartitionWriter, ResultSetMetaData, RowWriter } from './types';

export interface PartitionPlan {
	/** Partitions in the result. */
	partitionCount: number;
	/** Partitions to read (0..readCount-1): all of them unless a truncating row cap ends earlier. */
	readCount: number;
	/** Rows each partition holds according to partitionInfo. */
	rowCounts: number[];
	/** Rows to keep from each partition read (the last one may be cut by maxRows). */
	keepRows: number[];
	numRows: number;
	truncated: boolean;
}

/**
 * The most partitions a result may list. Snowflake sizes partitions in megabytes, so a result n8n could
 * hold in memory has at most a few thousand; a longer partitionInfo comes from a broken or hostile
 * server. (100,000 empty entries once meant 100,000 requests; empty partitions are no longer fetched, and
 * this cap bounds the plan itself.)
 */
const MAX_PARTITIONS = 100_000;

export function checkMaxRows(options: Pick<ExecuteOptions, 'maxRows' | 'onMaxRows'>): void {
	const { maxRows, onMaxRows } = options;
	if (maxRows !== undefined && (!Number.isInteger(maxRows) || maxRows < 0)) {
		throw new SnowflakeConfigError(`maxRows must be a whole number of 0 or more (got ${String(maxRows)}).`);
	}
	if (onMaxRows !== undefined && onMaxRows !== 'error' && onMaxRows !== 'truncate') {
		throw new SnowflakeConfigError(`onMaxRows must be 'error' or 'truncate' (got ${String(onMaxRows)}).`);
	}
}

/**
 * Decides which partitions to read, from the metadata alone. With `maxRows` exceeded,
 * `onMaxRows: 'error'` (the default) throws before any partition is fetched; `'truncate'` reads
 * partitions only until maxRows rows are covered and keeps exactly the first maxRows rows.
 */
export function planPartitions(
	meta: ResultSetMetaData,
	inlineRows: number,
	options: Pick<ExecuteOptions, 'maxRows' | 'onMaxRows'>,
	statementHandle: string,
): PartitionPlan {
	const info = Array.isArray(meta.partitionInfo) && meta.partitionInfo.length > 0 ? meta.partitionInfo : [{ rowCount: inlineRows }];
	if (info.length > MAX_PARTITIONS) {
		throw protocol(`partitionInfo lists ${info.length} partitions, more than the ${MAX_PARTITIONS} this node reads. Add a LIMIT to the statement or select fewer rows.`, statementHandle);
	}
	const rowCounts = info.map((partition, index) => {
		const count = partition?.rowCount;
		if (!Number.isInteger(count) || count < 0) {
			throw protocol(`partitionInfo[${index}].rowCount is ${String(count)}, not a row count.`, statementHandle);
		}
		return count;
	});
	if (rowCounts[0] !== inlineRows) {
		throw protocol(`partition 0 holds ${inlineRows} rows but partitionInfo[0].rowCount says ${rowCounts[0]}.`, statementHandle);
	}
	const total = rowCounts.reduce((sum, count) => sum + count, 0);
	const numRows = typeof meta.numRows === 'number' ? meta.numRows : total;
	if (numRows !== total) {
		throw protocol(`numRows is ${numRows} but the partitions hold ${total} rows.`, statementHandle);
	}

	const { maxRows } = options;
	if (maxRows === undefined || total <= maxRows) {
		return { partitionCount: rowCounts.length, readCount: rowCounts.length, rowCounts, keepRows: rowCounts, numRows, truncated: false };
	}
	if ((options.onMaxRows ?? 'error') === 'error') {
		throw new SnowflakeMaxRowsError(
			`The result has ${total} rows, more than the maximum of ${maxRows}. Raise the maximum, add a LIMIT to the statement, or choose to truncate the result.`,
			{ statementHandle },
		);
	}
	const keepRows: number[] = [];
	let left = maxRows;
	for (const count of rowCounts) {
		if (left === 0 && keepRows.length > 0) break;
		keepRows.push(Math.min(count, left));
		left -= Math.min(count, left);
	}
	return { partitionCount: rowCounts.length, readCount: keepRows.length, rowCounts, keepRows, numRows, truncated: true };
}

/** Throws when a fetched partition does not hold the rows partitionInfo announced. */
export function checkPartitionRows(partition: number, actual: number, plan: PartitionPlan, statementHandle: string): void {
	if (actual !== plan.rowCounts[partition]) {
		throw protocol(
			`partition ${partition} holds ${actual} rows but partitionInfo says ${plan.rowCounts[partition]}; the result would be incomplete.`,
			statementHandle,
		);
	}
}

function protocol(what: string, statementHandle: string): SnowflakeProtocolError {
	return new SnowflakeProtocolError(`Unexpected response from Snowflake: ${what}`, { statementHandle });
}

/**
 * Runs `load(0..count-1)` with at most `concurrency` in flight (each load decodes its partition into its
 * own place of the result as it arrives, so decoding overlaps the other downloads). The first failure
 * aborts the loads still in flight and rejects.
 */
async function loadAll(count: number, concurrency: number, load: (index: number, signal: AbortSignal) => Promise<void>, signal?: AbortSignal): Promise<void> {
	if (count <= 0) return;
	const stop = new AbortController();
	const loadSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
	let next = 0;

	const worker = async (): Promise<void> => {
		while (next < count && !loadSignal.aborted) await load(next++, loadSignal);
	};
	// The first failure stops the others: their requests are aborted and their results unwanted.
	const stopOthers = (error: unknown) => {
		stop.abort(error);
		throw error;
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker().catch(stopOthers)));
	if (signal?.aborted) throw signal.reason;
}

/**
 * Where a partition's rows go: out[offset], out[offset + 1], ... for its first `limit` rows; with
 * `text`, as text into its chunks instead when the writer has a format and the body is canonical
 * (else still as rows into `out`, for the writer's `records`).
 */
export interface PartitionSink {
	decoder: RowDecoder;
	out: DecodedRow[];
	offset: number;
	limit: number;
	text?: { writer: RowWriter; chunks: Uint8Array[] };
}

/**
 * The result array is allocated whole up front when it has at most this many rows (8 bytes a row, 64 MB
 * at most); partitionInfo comes from the server, so a larger announcement grows the array as rows arrive
 * instead of reserving memory for rows that may never come.
 */
const MAX_PREALLOCATED_ROWS = 1 << 23;

interface PartitionReading {
	concurrency: number;
	/** Fetches partition N (N ≥ 1) of the statement, decodes it into the sink and checks its row count. */
	load: (partition: number, signal: AbortSignal, sink: PartitionSink) => Promise<void>;
	signal?: AbortSignal;
	/** The error to throw when `signal` aborts the reading. */
	whenAborted: () => SnowflakeCancelledError;
	statementHandle: string;
	/** The result's columns, handed to a PartitionWriter. */
	rowType?: readonly RowType[];
	/** partitionInfo's uncompressedSize of the partitions read, summed (0 when not announced), handed to a PartitionWriter. */
	bodyBytes?: number;
}

/**
 * Decodes the inline rows, then fetches and decodes partitions 1..readCount-1 of the plan, each written
 * straight into the one result array at its own offset as it arrives (no per-partition arrays copied
 * together at the end), so decoding overlaps the partitions still downloading.
 */
export async function readPartitions(
	plan: PartitionPlan,
	inline: Array<Array<string | null>>,
	decoder: RowDecoder,
	reading: PartitionReading,
): Promise<DecodedRow[]> {
	const offsets: number[] = [];
	let total = 0;
	for (let p = 0; p < plan.readCount; p++) {
		offsets.push(total);
		total += plan.keepRows[p];
	}
	const rows: DecodedRow[] = total <= MAX_PREALLOCATED_ROWS ? new Array<DecodedRow>(total) : [];
	decoder.decodeInto(inline, rows, plan.keepRows[0], 0);
	if (plan.readCount === 1) return rows;
	const { signal } = reading;
	await abortAware(signal, reading.whenAborted, () =>
		loadAll(
			plan.readCount - 1,
			reading.concurrency,
			async (index, loadSignal) => {
				const partition = index + 1;
				await reading.load(partition, loadSignal, { decoder, out: rows, offset: offsets[partition], limit: plan.keepRows[partition] });
			},
			signal,
		),
	);
	return rows;
}

/**
 * readPartitions for results too big to hold, written as text: each partition's text goes to `writer`
 * in order, and the next one is handed over only once `writer` has finished with the previous one. Up
 * to `concurrency` partitions download and render ahead, straight from their bytes where the writer
 * has a format, so a few partitions' text exists at a time, whatever the result's size. A failure, or
 * `writer` throwing, stops the downloads still in flight.
 */
export async function forEachPartition(
	plan: PartitionPlan,
	inline: Array<Array<string | null>>,
	decoder: RowDecoder,
	reading: PartitionReading,
	writer: PartitionWriter,
): Promise<void> {
	const rowWriter = writer.open(decoder.keys, reading.rowType ?? [], reading.bodyBytes ?? 0);
	const first: DecodedRow[] = [];
	decoder.decodeInto(inline, first, plan.keepRows[0]);
	await writer.write(first.length > 0 ? [rowWriter.records(first)] : [], first.length, 0);
	if (plan.readCount === 1) return;
	const { signal } = reading;
	await abortAware(signal, reading.whenAborted, async () => {
		const stop = new AbortController();
		const loadSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
		const ahead: Array<Promise<ReadonlyArray<Uint8Array | string>>> = [];
		let next = 1;
		const fetchNext = () => {
			const partition = next++;
			const rows: DecodedRow[] = [];
			const chunks: Uint8Array[] = [];
			// load checks the partition's row count against partitionInfo; rows come back only when the body could not be rendered.
			const loading = reading
				.load(partition, loadSignal, { decoder, out: rows, offset: 0, limit: plan.keepRows[partition], text: { writer: rowWriter, chunks } })
				.then(() => (rows.length > 0 ? [rowWriter.records(rows)] : chunks));
			// Awaited in order below; one that fails after the reading stopped is no longer wanted.
			loading.catch(() => undefined);
			ahead.push(loading);
		};
		try {
			while (next < plan.readCount && ahead.length < reading.concurrency) fetchNext();
			for (let partition = 1; partition < plan.readCount; partition++) {
				const chunks = await (ahead.shift() as Promise<ReadonlyArray<Uint8Array | string>>);
				if (next < plan.readCount) fetchNext();
				await writer.write(chunks, plan.keepRows[partition], partition);
				if (signal?.aborted) throw signal.reason;
			}
		} finally {
			stop.abort();
		}
	});
}
