/**
 * The SQL API v2 client: submit, poll, read every partition, decode, cancel. HTTP, sleep, the clock
 * and the result decoder are injected (types.ts), so the same code runs inside n8n and against the
 * emulator.
 *
 * Lifecycle of `execute`:
 *   POST /api/v2/statements?requestId=<uuid> → 200 (done) | 202 (running) | error
 *   202 → GET /api/v2/statements/{handle} with capped backoff until 200 (429 counts as running)
 *   200 → partitions 1..n-1 (`?partition=N`, bounded concurrency, in order), decoded by rowType
 *   multi-statement → each of `statementHandles` the same way
 * Every HTTP exchange goes through exchange.ts (retries, token renewal); abort.ts decides what an
 * abort cancels; messages.ts holds what the user is told.
 */
import { randomUUID } from 'node:crypto';

import { ABORTED, abortAware, cancelAfterAbort, cancelWhenHandleArrives, raceAbort, type CancelFn } from './abort';
import { partitionMaxBytes } from './bodyLimit';
import { withTransportErrors } from './decoding';
import { SnowflakeConfigError } from './errors';
import { Exchanges, type Sent } from './exchange';
import { abandonedSubmit, canceledBeforeSubmit, mayHaveRun, pollNote, readingResultCanceled, readingStatementCanceled, submitNote } from './messages';
import { checkMaxRows, checkPartitionRows, forEachPartition, planPartitions, readPartitions, type PartitionPlan, type PartitionSink } from './partitions';
import { pollUntilDone, resolvePollPolicy, type PollStep } from './poll';
import { errorForResponse, isRecord, parseBody, protocolError, queryStatusFrom, resultSetFrom, type ErrorContext } from './responses';
import { parseRetryAfter } from './retryAfter';
import { runningPage, runningResult, resultFields } from './results';
import { resolveRetryPolicy } from './retryPolicy';
import { buildSubmitRequest, cancelPath, checkHandle, requestIdFromStatusUrl, statementPath } from './statementRequest';
import type { DecodedRow } from '../decoder';
import type {
	ExecuteOptions,
	GetStatementOptions,
	PartitionWriter,
	PollPolicy,
	QueryStatus,
	ReadEachOptions,
	ResultOptions,
	ResultSet,
	ResultSetMetaData,
	RetryPolicy,
	RowDecoding,
	SnowflakeClientOptions,
	StatementPage,
	StatementRequest,
	StatementResult,
	SubmitResponse,
	TransportEvent,
} from './types';

/** Partitions fetched at once: enough to keep decoding busy, few enough to bound memory. */
const DEFAULT_PARTITION_CONCURRENCY = 4;
/** Per HTTP exchange. A synchronous submit may legitimately wait 45 s for Snowflake before a 202. */
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** A 256 MB partition at about 1 MB/s still fits; a dripping server is cut off. */
const DEFAULT_REQUEST_DEADLINE_MS = 300_000;

/** Rows as they come on the wire (jsonv2). */
type Rows = Array<Array<string | null>>;

/** What decoding a partition's 200 body gave: its rows decoded (their count), or the body parsed as JSON. */
type PartitionBody = { decodedRows: number; json?: undefined } | { decodedRows?: undefined; json: unknown };

export class SnowflakeClient {
	private readonly now: () => number;
	private readonly uuid: () => string;
	private readonly retryPolicy: RetryPolicy;
	private readonly pollPolicy: PollPolicy;
	private readonly partitionConcurrency: number;
	private readonly decoding: RowDecoding;
	private readonly exchanges: Exchanges;
	private readonly options: SnowflakeClientOptions;
	/** `POST .../cancel` after an abort, under the retry policy with the given overrides. */
	private readonly cancelAfterAbort: CancelFn = (handle, overrides) =>
		this.cancelStatement(handle, undefined, { ...this.retryPolicy, ...overrides });

	constructor(options: SnowflakeClientOptions) {
		if (typeof options?.http !== 'function' || typeof options.sleep !== 'function') {
			throw new SnowflakeConfigError('SnowflakeClient needs an http function and a sleep function.');
		}
		if (typeof options.decoder?.createRowDecoder !== 'function' || typeof options.decoder.checkDecodeOptions !== 'function') {
			throw new SnowflakeConfigError('SnowflakeClient needs a decoder (checkDecodeOptions and createRowDecoder).');
		}
		this.options = options;
		this.now = options.now ?? Date.now;
		this.uuid = options.uuid ?? randomUUID;
		this.retryPolicy = resolveRetryPolicy(options.retry);
		this.pollPolicy = resolvePollPolicy(options.poll);
		this.decoding = withTransportErrors(options.decoder);
		this.partitionConcurrency = options.partitionConcurrency ?? DEFAULT_PARTITION_CONCURRENCY;
		if (!Number.isInteger(this.partitionConcurrency) || this.partitionConcurrency < 1) {
			throw new SnowflakeConfigError(`partitionConcurrency must be a whole number of 1 or more (got ${String(options.partitionConcurrency)}).`);
		}
		const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		if (!(requestTimeoutMs > 0)) {
			throw new SnowflakeConfigError(`requestTimeoutMs must be more than 0 (got ${String(options.requestTimeoutMs)}).`);
		}
		const requestDeadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
		if (!(requestDeadlineMs > 0)) {
			throw new SnowflakeConfigError(`requestDeadlineMs must be more than 0 (got ${String(options.requestDeadlineMs)}).`);
		}
		this.exchanges = new Exchanges({
			http: options.http,
			sleep: options.sleep,
			now: this.now,
			random: options.random ?? Math.random,
			requestTimeoutMs,
			requestDeadlineMs,
			deadlineSleep: options.deadlineSleep,
			retryPolicy: this.retryPolicy,
			onTokenExpired: options.onTokenExpired,
			host: options.host,
			emit: (event) => this.emit(event),
		});
	}

	/**
	 * Runs a statement to completion and returns all its rows decoded (and, for a multi-statement
	 * request, each statement's result). With `async`, returns as soon as Snowflake has the statement
	 * (status 'running'); read it later with `waitForResult` or `getStatement`. Aborting `signal`
	 * cancels the statement on Snowflake and rejects with SnowflakeCancelledError.
	 */
	async execute(request: StatementRequest, options: ExecuteOptions = {}): Promise<StatementResult> {
		this.decoding.checkDecodeOptions(options.decode);
		checkMaxRows(options);
		const submitted = await this.submit(request, options);
		if (submitted.status === 'running') {
			if (options.async) return runningResult(submitted.queryStatus, submitted.requestId);
			let resultSet: ResultSet;
			try {
				resultSet = await this.resultOf(submitted.statementHandle, options.signal, true);
			} catch (error) {
				throw mayHaveRun(error, pollNote(submitted.statementHandle));
			}
			return await this.collect(resultSet, submitted.requestId, options);
		}
		return await this.collect(submitted.resultSet, submitted.requestId, options);
	}

	/**
	 * One POST of the statement (retried on transient failures with the same requestId and
	 * `retry=true`), classified: 'success' with the first response's ResultSet, or 'running' with the
	 * handle. Failures are thrown as typed errors.
	 */
	async submit(request: StatementRequest, options: ExecuteOptions = {}): Promise<SubmitResponse> {
		const requestId = options.requestId ?? this.uuid();
		// A requestId handed in means the caller is resubmitting: `retry=true` from the first POST, so
		// Snowflake returns the earlier run instead of running the statement again.
		const resubmission = options.requestId !== undefined;
		const build = (attempt: number) =>
			buildSubmitRequest(request, { requestId, retry: resubmission || attempt > 0, async: options.async, nullable: options.nullable });
		build(0); // surfaces configuration errors before anything is sent
		const { signal } = options;
		if (signal?.aborted) throw canceledBeforeSubmit(signal.reason);
		const exchange = this.exchanges.start(build, { signal, detachHttp: true });
		let sent: Sent | typeof ABORTED;
		try {
			sent = signal ? await raceAbort(exchange.sent, signal) : await exchange.sent;
		} catch (error) {
			throw exchange.mayHaveReachedSnowflake ? mayHaveRun(error, submitNote(requestId)) : error;
		}
		if (sent === ABORTED) {
			// Read now: the abort also ends a retry sleep, and then no further attempt is sent.
			const error = abandonedSubmit(requestId, exchange.waitingToRetry, exchange.mayHaveReachedSnowflake, signal?.reason);
			cancelWhenHandleArrives(this.cancelAfterAbort, exchange.sent);
			throw error;
		}
		const { response } = sent;
		if (response.status === 200) {
			const resultSet = resultSetFrom(sent.json);
			return { status: 'success', requestId, statementHandle: resultSet.statementHandle, resultSet };
		}
		if (response.status === 202) {
			const queryStatus = queryStatusFrom(response);
			return { status: 'running', requestId, statementHandle: queryStatus.statementHandle, queryStatus };
		}
		const error = errorForResponse(response, this.errorContext(sent));
		// 408 and 422 answer for the statement itself (a resubmission returns the earlier run's outcome).
		const definitive = response.status === 408 || response.status === 422;
		throw sent.mayHaveReachedSnowflake && !definitive ? mayHaveRun(error, submitNote(requestId)) : error;
	}

	/**
	 * Status of a submitted statement and, once it succeeded, one partition of its rows, so a
	 * workflow can page through a big result one partition per call. A partition other than 0 costs a
	 * status request (for rowType and partitionInfo) plus the partition request. Never cancels.
	 */
	async getStatement(statementHandle: string, options: GetStatementOptions = {}): Promise<StatementPage> {
		const handle = checkHandle(statementHandle);
		const partition = options.partition ?? 0;
		if (!Number.isInteger(partition) || partition < 0) {
			throw new SnowflakeConfigError(`The partition must be a whole number of 0 or more (got ${String(options.partition)}).`);
		}
		this.decoding.checkDecodeOptions(options.decode);
		const { signal } = options;
		return await abortAware(signal, () => readingStatementCanceled(handle, signal?.reason), async (): Promise<StatementPage> => {
			// Not waiting, a 429 is retried like any request (Retry-After honoured): reporting it as
			// "running" would misreport a statement that has finished.
			let step = await this.checkStatus(handle, signal, options.wait === true);
			if (!step.done && options.wait) step = { done: true, value: await this.pollStatus(handle, signal) };
			if (!step.done) return runningPage(handle, partition, step.running);
			const resultSet = step.value;
			const meta = resultSet.resultSetMetaData;
			const plan = planPartitions(meta, resultSet.data.length, {}, handle);
			if (partition >= plan.partitionCount) {
				throw new SnowflakeConfigError(
					`Statement ${handle} has ${plan.partitionCount} partition(s), numbered 0 to ${plan.partitionCount - 1}; there is no partition ${partition}.`,
				);
			}
			const decoder = this.decoding.createRowDecoder(meta.rowType, options.decode);
			const rows: DecodedRow[] = [];
			if (partition === 0) {
				checkPartitionRows(partition, resultSet.data.length, plan, handle);
				decoder.decodeInto(resultSet.data, rows);
			} else {
				await this.loadPartition(handle, partition, signal, meta, plan, { decoder, out: rows, offset: 0, limit: Number.POSITIVE_INFINITY });
			}
			return {
				...resultFields(resultSet),
				requestId: requestIdFromStatusUrl(resultSet.statementStatusUrl),
				status: 'success',
				rowType: meta.rowType,
				numRows: plan.numRows,
				partition,
				partitionCount: plan.partitionCount,
				rows,
				nextPartition: partition + 1 < plan.partitionCount ? partition + 1 : undefined,
			};
		});
	}

	/**
	 * Waits for a submitted statement (polling while it runs) and returns all its rows, like
	 * `execute` after the submit. Aborting `signal` while it runs cancels it on Snowflake.
	 */
	async waitForResult(statementHandle: string, options: ResultOptions = {}): Promise<StatementResult> {
		const handle = checkHandle(statementHandle);
		this.decoding.checkDecodeOptions(options.decode);
		checkMaxRows(options);
		const resultSet = await this.resultOf(handle, options.signal, false);
		return await this.collect(resultSet, requestIdFromStatusUrl(resultSet.statementStatusUrl) ?? '', options);
	}

	/**
	 * `execute` for results too big to hold at once: the rows go to `writer` as text one partition at a
	 * time, in order, and the result comes back with no rows. Aborting `signal` cancels the statement
	 * (also while partitions are read). The children of a multi-statement request are not read.
	 */
	async executeEach(request: StatementRequest, options: ExecuteOptions, writer: PartitionWriter): Promise<StatementResult> {
		this.decoding.checkDecodeOptions(options.decode);
		checkMaxRows(options);
		const submitted = await this.submit(request, { ...options, async: false });
		let resultSet: ResultSet;
		if (submitted.status === 'running') {
			try {
				resultSet = await this.resultOf(submitted.statementHandle, options.signal, true);
			} catch (error) {
				throw mayHaveRun(error, pollNote(submitted.statementHandle));
			}
		} else {
			resultSet = submitted.resultSet;
		}
		return await this.collectEach(resultSet, submitted.requestId, options, writer);
	}

	/**
	 * A statement submitted earlier, every partition of it to `writer` (like `getStatement`, but all
	 * partitions, one at a time). Not waiting, a statement still running comes back with status
	 * 'running' and nothing is read. Never cancels the statement.
	 */
	async readEach(statementHandle: string, options: ReadEachOptions, writer: PartitionWriter): Promise<StatementResult> {
		const handle = checkHandle(statementHandle);
		this.decoding.checkDecodeOptions(options.decode);
		const { signal } = options;
		const step = await abortAware(signal, () => readingStatementCanceled(handle, signal?.reason), async (): Promise<PollStep<ResultSet, QueryStatus>> => {
			const first = await this.checkStatus(handle, signal, options.wait === true);
			return first.done || !options.wait ? first : { done: true, value: await this.pollStatus(handle, signal) };
		});
		if (!step.done) return runningResult(step.running ?? { statementHandle: handle, code: '', message: '' }, undefined);
		const resultSet = step.value;
		const requestId = requestIdFromStatusUrl(resultSet.statementStatusUrl) ?? '';
		return await this.collectEach(resultSet, requestId, { ...options, signal }, writer, () => readingStatementCanceled(handle, signal?.reason));
	}

	/** `POST /api/v2/statements/{handle}/cancel`. Resolves with Snowflake's status; throws on any other answer (422 000709 = no such running statement). */
	async cancel(statementHandle: string, options: { signal?: AbortSignal } = {}): Promise<QueryStatus> {
		return await this.cancelStatement(checkHandle(statementHandle), options.signal, this.retryPolicy);
	}

	// ------------------------------------------------------------ waiting and reading

	/** The final ResultSet of a statement: polls while it runs; on abort cancels it and throws. */
	private async resultOf(handle: string, signal: AbortSignal | undefined, knownRunning: boolean): Promise<ResultSet> {
		return await abortAware(signal, () => cancelAfterAbort(this.cancelAfterAbort, handle, signal?.reason), async () => {
			if (!knownRunning) {
				const first = await this.checkStatus(handle, signal);
				if (first.done) return first.value;
			}
			return await this.pollStatus(handle, signal);
		});
	}

	/** Polls the statement's status with the poll policy's backoff until it is done. */
	private async pollStatus(handle: string, signal: AbortSignal | undefined): Promise<ResultSet> {
		return await pollUntilDone(() => this.checkStatus(handle, signal), {
			policy: this.pollPolicy,
			sleep: this.options.sleep,
			signal,
			maxRetryAfterMs: this.retryPolicy.maxRetryAfterMs,
			onPoll: (attempt, delayMs) => this.emit({ type: 'poll', statementHandle: handle, attempt: attempt + 1, delayMs }),
		});
	}

	/**
	 * One status request: done (200), running (202, or, while polling, 429 with its Retry-After), or a
	 * typed error. `runningOn429` false retries a 429 under the retry policy instead.
	 */
	private async checkStatus(handle: string, signal: AbortSignal | undefined, runningOn429 = true): Promise<PollStep<ResultSet, QueryStatus>> {
		const sent = await this.exchanges.send(() => ({ method: 'GET', path: statementPath(handle) }), { signal, runningOn429 });
		const { response } = sent;
		if (response.status === 429 && runningOn429) {
			return {
				done: false,
				retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.now()),
				running: queryStatusFrom(response, handle),
			};
		}
		switch (response.status) {
			case 200:
				return { done: true, value: resultSetFrom(sent.json) };
			case 202:
				return { done: false, running: queryStatusFrom(response, handle) };
			default:
				throw errorForResponse(response, this.errorContext(sent, handle));
		}
	}

	/** Reads the partitions a plan asks for, decodes them and, for multi-statement requests, each statement. */
	private async collect(resultSet: ResultSet, requestId: string, options: ResultOptions): Promise<StatementResult> {
		const handle = resultSet.statementHandle;
		const meta = resultSet.resultSetMetaData;
		const plan = planPartitions(meta, resultSet.data.length, options, handle);
		const decoder = this.decoding.createRowDecoder(meta.rowType, options.decode);
		const rows = await readPartitions(plan, resultSet.data, decoder, {
			concurrency: this.partitionConcurrency,
			load: (partition, signal, sink) => this.loadPartition(handle, partition, signal, meta, plan, sink),
			signal: options.signal,
			whenAborted: () => readingResultCanceled(handle, options.signal?.reason),
			statementHandle: handle,
		});
		const result: StatementResult = {
			...resultFields(resultSet),
			requestId,
			status: 'success',
			rowType: meta.rowType,
			numRows: plan.numRows,
			rows,
			truncated: plan.truncated,
			partitionCount: plan.partitionCount,
		};
		if (resultSet.statementHandles && options.fetchChildResults !== false) {
			const statements: StatementResult[] = [];
			// In order, one at a time: children are usually finished and small, and order is the contract.
			for (const child of resultSet.statementHandles) {
				const childResult = await this.resultOf(child, options.signal, false);
				statements.push(
					await this.collect(childResult, requestIdFromStatusUrl(childResult.statementStatusUrl) ?? requestId, {
						...options,
						fetchChildResults: false,
					}),
				);
			}
			result.statements = statements;
		}
		return result;
	}

	/** `collect` writing each partition as text with `writer` instead of keeping rows. */
	private async collectEach(
		resultSet: ResultSet,
		requestId: string,
		options: ResultOptions,
		writer: PartitionWriter,
		whenAborted = () => readingResultCanceled(resultSet.statementHandle, options.signal?.reason),
	): Promise<StatementResult> {
		const handle = resultSet.statementHandle;
		const meta = resultSet.resultSetMetaData;
		const plan = planPartitions(meta, resultSet.data.length, options, handle);
		const decoder = this.decoding.createRowDecoder(meta.rowType, options.decode);
		await forEachPartition(
			plan,
			resultSet.data,
			decoder,
			{
				concurrency: this.partitionConcurrency,
				load: (partition, signal, sink) => this.loadPartition(handle, partition, signal, meta, plan, sink),
				signal: options.signal,
				whenAborted,
				statementHandle: handle,
				rowType: meta.rowType,
				bodyBytes: announcedBytes(meta, plan.readCount),
			},
			writer,
		);
		return {
			...resultFields(resultSet),
			requestId,
			status: 'success',
			rowType: meta.rowType,
			numRows: plan.numRows,
			rows: [],
			truncated: plan.truncated,
			partitionCount: plan.partitionCount,
		};
	}

	/**
	 * Partition N of a result, its body bounded by what partitionInfo[N] announces (bodyLimit.ts), decoded
	 * into the sink and checked against partitionInfo[N].rowCount. The body is decoded from its bytes
	 * inside the exchange, so a body that turns out not to be JSON (cut off in transit) is retried like
	 * before; one outside the canonical form is parsed and decoded row by row (the same rows and errors).
	 */
	private async loadPartition(
		handle: string,
		partition: number,
		signal: AbortSignal | undefined,
		meta: ResultSetMetaData,
		plan: PartitionPlan,
		sink: PartitionSink,
	): Promise<void> {
		// An empty partition is not fetched: partitionInfo already says all there is to know.
		if (meta.partitionInfo?.[partition]?.rowCount === 0) return;
		const maxBytes = partitionMaxBytes(meta.partitionInfo?.[partition]?.uncompressedSize);
		const { text } = sink;
		const decodeBody = (body: unknown): PartitionBody => {
			let decodedRows: number | undefined;
			if (text === undefined) {
				decodedRows = sink.decoder.decodePartition(body, sink.out, sink.offset, sink.limit);
			} else {
				// A retried body starts over; one that cannot be rendered is decoded to rows below.
				text.chunks.length = 0;
				if (text.writer.format !== undefined) decodedRows = sink.decoder.renderPartition(body, text.writer.format, sink.limit, text.chunks);
				if (decodedRows === undefined) text.chunks.length = 0;
			}
			return decodedRows === undefined ? { json: parseBody(body) } : { decodedRows };
		};
		const sent = await this.exchanges.send(
			() => ({ method: 'GET', path: statementPath(handle), qs: { partition: String(partition) }, maxBytes }),
			{ signal, decodeBody },
		);
		const { response } = sent;
		if (response.status !== 200) throw errorForResponse(response, this.errorContext(sent, handle));
		const read = sent.json as PartitionBody;
		if (read.decodedRows !== undefined) {
			checkPartitionRows(partition, read.decodedRows, plan, handle);
			return;
		}
		const { json } = read;
		if (!isRecord(json) || !Array.isArray(json.data)) {
			throw protocolError(`partition ${partition} has no "data" array.`, handle);
		}
		const data = json.data as Rows;
		checkPartitionRows(partition, data.length, plan, handle);
		// The wire rows are dropped as they are decoded (nothing else holds this partition).
		sink.decoder.consumeInto(data, sink.out, sink.limit, sink.offset);
	}

	private async cancelStatement(handle: string, signal: AbortSignal | undefined, policy: RetryPolicy): Promise<QueryStatus> {
		this.emit({ type: 'cancel', statementHandle: handle });
		const sent = await this.exchanges.send(() => ({ method: 'POST', path: cancelPath(handle) }), { signal, policy });
		if (sent.response.status !== 200) throw errorForResponse(sent.response, this.errorContext(sent, handle));
		return queryStatusFrom(sent.response, handle);
	}

	private errorContext(sent: Sent, statementHandle?: string): ErrorContext {
		return {
			statementHandle,
			attempts: sent.attempts,
			expiredAfterRenewal: sent.expiredAfterRenewal,
			credentialKind: this.options.credentialKind,
			fingerprint: this.options.fingerprint,
			user: this.options.user,
			account: this.options.claimAccount,
		};
	}

	private emit(event: TransportEvent): void {
		this.options.onEvent?.(event);
	}
}

/** What partitionInfo announces of partitions 0..count-1 (uncompressed), values that are not sizes counted as 0. */
function announcedBytes(meta: ResultSetMetaData, count: number): number {
	let bytes = 0;
	for (let p = 0; p < count; p++) {
		const size = meta.partitionInfo?.[p]?.uncompressedSize;
		if (typeof size === 'number' && Number.isFinite(size) && size > 0) bytes += size;
	}
	return bytes;
}
