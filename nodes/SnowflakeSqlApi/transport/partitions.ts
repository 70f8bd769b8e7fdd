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
import type { ExecuteOptions, PartitionConsumer, ResultSetMetaData } from './types';

interface PartitionPlan {
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
 * Runs `load(0..count-1)` with at most `concurrency` in flight and hands the results to `emit`
 * strictly in index order as soon as the prefix is complete (so work done in `load`, like decoding,
 * overlaps the other downloads). The first failure aborts the loads still in flight and rejects.
 */
async function loadInOrder<T>(
	count: number,
	concurrency: number,
	load: (index: number, signal: AbortSignal) => Promise<T>,
	emit: (index: number, value: T) => void,
	signal?: AbortSignal,
): Promise<void> {
	if (count <= 0) return;
	const stop = new AbortController();
	const loadSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
	const results = new Array<T | undefined>(count);
	const ready = new Array<boolean>(count).fill(false);
	let next = 0;
	let emitted = 0;

	const worker = async (): Promise<void> => {
		while (next < count && !loadSignal.aborted) {
			const index = next++;
			results[index] = await load(index, loadSignal);
			ready[index] = true;
			while (emitted < count && ready[emitted]) {
				const value = results[emitted] as T;
				results[emitted] = undefined; // let the emitted value go as soon as the consumer does
				emit(emitted, value);
				emitted++;
			}
		}
	};
	// The first failure stops the others: their requests are aborted and their results unwanted.
	const stopOthers = (error: unknown) => {
		stop.abort(error);
		throw error;
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker().catch(stopOthers)));
	if (signal?.aborted) throw signal.reason;
}

interface PartitionReading {
	concurrency: number;
	/** Fetches partition N (N ≥ 1) of the statement. */
	load: (partition: number, signal: AbortSignal) => Promise<Array<Array<string | null>>>;
	signal?: AbortSignal;
	/** The error to throw when `signal` aborts the reading. */
	whenAborted: () => SnowflakeCancelledError;
	statementHandle: string;
	/** The result's columns, handed to a PartitionConsumer. */
	rowType?: readonly RowType[];
}

/** Decodes the inline rows, then fetches and decodes partitions 1..readCount-1 of the plan, in order. */
export async function readPartitions(
	plan: PartitionPlan,
	inline: Array<Array<string | null>>,
	decoder: RowDecoder,
	reading: PartitionReading,
): Promise<DecodedRow[]> {
	const rows: DecodedRow[] = [];
	decoder.decodeInto(inline, rows, plan.keepRows[0]);
	if (plan.readCount === 1) return rows;
	const { signal } = reading;
	await abortAware(signal, reading.whenAborted, () =>
		loadInOrder(
			plan.readCount - 1,
			reading.concurrency,
			async (index, loadSignal) => {
				const partition = index + 1;
				const data = await reading.load(partition, loadSignal);
				checkPartitionRows(partition, data.length, plan, reading.statementHandle);
				// Decoded on arrival, so decoding overlaps the partitions still downloading; the wire
				// rows are dropped as they are decoded (nothing else holds this partition).
				const decoded: DecodedRow[] = [];
				decoder.consumeInto(data, decoded, plan.keepRows[partition]);
				return decoded;
			},
			// Appended in order by a plain loop: Array#flat at the end walked a million rows through
			// its generic (property-checking) path, about 1 % of the whole read.
			(_index, decoded) => {
				for (let i = 0; i < decoded.length; i++) rows.push(decoded[i]);
			},
			signal,
		),
	);
	return rows;
}

/**
 * readPartitions for results too big to hold: each partition's rows go to `onRows` in order, and the
 * next one is decoded only once `onRows` has finished with the previous one, so at most one partition's
 * decoded rows exist at a time. Up to `concurrency` partitions download ahead as wire rows (bounded
 * like readPartitions). A failure, or `onRows` throwing, stops the downloads still in flight.
 */
export async function forEachPartition(
	plan: PartitionPlan,
	inline: Array<Array<string | null>>,
	decoder: RowDecoder,
	reading: PartitionReading,
	onRows: PartitionConsumer,
): Promise<void> {
	const rowType = reading.rowType ?? [];
	const first: DecodedRow[] = [];
	decoder.decodeInto(inline, first, plan.keepRows[0]);
	await onRows(first, 0, decoder.keys, rowType);
	if (plan.readCount === 1) return;
	const { signal } = reading;
	await abortAware(signal, reading.whenAborted, async () => {
		const stop = new AbortController();
		const loadSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
		const ahead: Array<Promise<Array<Array<string | null>>>> = [];
		let next = 1;
		const fetchNext = () => {
			const partition = next++;
			const loading = reading.load(partition, loadSignal).then((data) => {
				checkPartitionRows(partition, data.length, plan, reading.statementHandle);
				return data;
			});
			// Awaited in order below; one that fails after the reading stopped is no longer wanted.
			loading.catch(() => undefined);
			ahead.push(loading);
		};
		try {
			while (next < plan.readCount && ahead.length < reading.concurrency) fetchNext();
			for (let partition = 1; partition < plan.readCount; partition++) {
				const data = await (ahead.shift() as Promise<Array<Array<string | null>>>);
				if (next < plan.readCount) fetchNext();
				const rows: DecodedRow[] = [];
				decoder.consumeInto(data, rows, plan.keepRows[partition]);
				await onRows(rows, partition, decoder.keys, rowType);
				if (signal?.aborted) throw signal.reason;
			}
		} finally {
			stop.abort();
		}
	});
}
