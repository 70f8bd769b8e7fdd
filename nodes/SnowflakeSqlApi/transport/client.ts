/**
 * The SQL API v2 client: submit, poll, read every partition, decode, cancel. HTTP, sleep and the
 * clock are injected (types.ts), so the same code runs inside n8n and against the emulator.
 *
 * Lifecycle of `execute`:
 *   POST /api/v2/statements?requestId=<uuid> → 200 (done) | 202 (running) | error
 *   202 → GET /api/v2/statements/{handle} with capped backoff until 200 (429 counts as running)
 *   200 → partitions 1..n-1 (`?partition=N`, bounded concurrency, in order), decoded by rowType
 *   multi-statement → each of `statementHandles` the same way
 * Every HTTP exchange goes through `send`: a loop over the pure `decideRetry` (network errors,
 * 429, 5xx; never 408/422), resubmitting a POST with the same requestId plus `retry=true` so a
 * statement never runs twice, and re-signing once on an expired token (390198).
 */
import { randomUUID } from 'node:crypto';

import { createRowDecoder, resolveDecodeOptions, type RowDecoder } from '../decoder';
import {
	SnowflakeCancelledError,
	SnowflakeConfigError,
	SnowflakeError,
	SnowflakeNetworkError,
	type SnowflakeErrorDetails,
} from './errors';
import { checkMaxRows, checkPartitionRows, loadInOrder, planPartitions, type PartitionPlan } from './partitions';
import { pollUntilDone, resolvePollPolicy, type PollStep } from './poll';
import {
	boundText,
	errorForResponse,
	isRecord,
	parseBody,
	protocolError,
	readBody,
	statusFields,
	TOKEN_EXPIRED_CODE,
	type ErrorContext,
} from './responses';
import { parseRetryAfter } from './retryAfter';
import { decideRetry, resolveRetryPolicy, type AttemptOutcome } from './retryPolicy';
import { buildSubmitRequest, cancelPath, checkHandle, requestIdFromStatusUrl, statementPath } from './statementRequest';
import type {
	DecodedRow,
	ExecuteOptions,
	GetStatementOptions,
	HttpFn,
	HttpRequest,
	HttpResponse,
	PollPolicy,
	QueryStatus,
	ResultOptions,
	ResultSet,
	RetryPolicy,
	SleepFn,
	SnowflakeClientOptions,
	StatementPage,
	StatementRequest,
	StatementResult,
	SubmitResponse,
	TransportEvent,
} from './types';

/** Partitions fetched at once: enough to keep decoding busy, few enough to bound memory. */
export const DEFAULT_PARTITION_CONCURRENCY = 4;
/** Per HTTP exchange. A synchronous submit may legitimately wait 45 s for Snowflake before a 202. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** After an abort the cancel gets one retry within 10 s: the caller is waiting to hear it stopped. */
const CANCEL_AFTER_ABORT_POLICY: Partial<RetryPolicy> = { limit: 1, maxElapsedMs: 10_000 };

type Rows = Array<Array<string | null>>;

interface Sent {
	response: HttpResponse;
	/** The parsed body of a 200 (parsed while retries were still possible: a cut-off body is retried). */
	json?: unknown;
	attempts: number;
	/** The token was re-signed after a 390198 and the response still is a 401. */
	expiredAfterRenewal: boolean;
}

interface SendOptions {
	signal?: AbortSignal;
	/** Keep the HTTP exchange running when the signal aborts (a submit must live on to reveal its handle). */
	detachHttp?: boolean;
	/** While polling, 429 means "still running": hand it back instead of retrying it. */
	runningOn429?: boolean;
	policy?: RetryPolicy;
	/** Set to true when an attempt may have reached Snowflake without its answer reaching us. */
	unknown?: { outcome: boolean };
	/** `waitingToRetry` is true while the loop sleeps before its next attempt (left true when that sleep is aborted). */
	phase?: { waitingToRetry: boolean };
}

/** Failures that happen before a connection exists: the request never reached Snowflake. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class SnowflakeClient {
	private readonly http: HttpFn;
	private readonly sleep: SleepFn;
	private readonly now: () => number;
	private readonly random: () => number;
	private readonly uuid: () => string;
	private readonly retryPolicy: RetryPolicy;
	private readonly pollPolicy: PollPolicy;
	private readonly partitionConcurrency: number;
	private readonly requestTimeoutMs: number;
	private readonly options: SnowflakeClientOptions;
	/** Bumped on each re-sign, so concurrent requests that all hit 390198 re-sign only once. */
	private tokenGeneration = 0;

	constructor(options: SnowflakeClientOptions) {
		if (typeof options?.http !== 'function' || typeof options.sleep !== 'function') {
			throw new SnowflakeConfigError('SnowflakeClient needs an http function and a sleep function.');
		}
		this.options = options;
		this.http = options.http;
		this.sleep = options.sleep;
		this.now = options.now ?? Date.now;
		this.random = options.random ?? Math.random;
		this.uuid = options.uuid ?? randomUUID;
		this.retryPolicy = resolveRetryPolicy(options.retry);
		this.pollPolicy = resolvePollPolicy(options.poll);
		this.partitionConcurrency = options.partitionConcurrency ?? DEFAULT_PARTITION_CONCURRENCY;
		if (!Number.isInteger(this.partitionConcurrency) || this.partitionConcurrency < 1) {
			throw new SnowflakeConfigError(`partitionConcurrency must be a whole number of 1 or more (got ${String(options.partitionConcurrency)}).`);
		}
		this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
		if (!(this.requestTimeoutMs > 0)) {
			throw new SnowflakeConfigError(`requestTimeoutMs must be more than 0 (got ${String(options.requestTimeoutMs)}).`);
		}
	}

	/**
	 * Runs a statement to completion and returns all its rows decoded (and, for a multi-statement
	 * request, each statement's result). With `async`, returns as soon as Snowflake has the statement
	 * (status 'running'); read it later with `waitForResult` or `getStatement`. Aborting `signal`
	 * cancels the statement on Snowflake and rejects with SnowflakeCancelledError.
	 */
	async execute(request: StatementRequest, options: ExecuteOptions = {}): Promise<StatementResult> {
		resolveDecodeOptions(options.decode);
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
		if (signal?.aborted) {
			throw new SnowflakeCancelledError('Execution was canceled before the statement was submitted; nothing ran on Snowflake.', { cause: signal.reason });
		}
		const unknown = { outcome: false };
		const phase = { waitingToRetry: false };
		const pending = this.send(build, { signal, detachHttp: true, unknown, phase });
		let sent: Sent | typeof ABORTED;
		try {
			sent = signal ? await raceAbort(pending, signal) : await pending;
		} catch (error) {
			throw unknown.outcome ? mayHaveRun(error, submitNote(requestId)) : error;
		}
		if (sent === ABORTED) {
			// Read now: the abort also ends a retry sleep, and then no further attempt is sent.
			const waitingToRetry = phase.waitingToRetry;
			this.cancelWhenHandleArrives(pending);
			throw new SnowflakeCancelledError(abandonedSubmitMessage(requestId, waitingToRetry, unknown.outcome), { cause: signal?.reason });
		}
		const { response } = sent;
		if (response.status === 200) {
			const resultSet = this.resultSetFrom(sent.json);
			return { status: 'success', requestId, statementHandle: resultSet.statementHandle, resultSet };
		}
		if (response.status === 202) {
			const queryStatus = this.queryStatusFrom(response);
			return { status: 'running', requestId, statementHandle: queryStatus.statementHandle, queryStatus };
		}
		const error = errorForResponse(response, this.errorContext(sent));
		// 408 and 422 answer for the statement itself (a resubmission returns the earlier run's outcome).
		const definitive = response.status === 408 || response.status === 422;
		throw unknown.outcome && !definitive ? mayHaveRun(error, submitNote(requestId)) : error;
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
		resolveDecodeOptions(options.decode);
		const { signal } = options;
		const stopped = () =>
			new SnowflakeCancelledError(`Reading statement ${handle} was canceled; the statement itself was left alone.`, {
				statementHandle: handle,
				cause: signal?.reason,
			});
		return await abortAware(signal, stopped, async (): Promise<StatementPage> => {
			// Not waiting, a 429 is retried like any request (Retry-After honoured): reporting it as
			// "running" would misreport a statement that has finished.
			let step = await this.checkStatus(handle, signal, options.wait === true);
			if (!step.done && options.wait) step = { done: true, value: await this.pollStatus(handle, signal) };
			if (!step.done) {
				const running = step.running;
				return {
					statementHandle: handle,
					status: 'running',
					code: running?.code ?? '',
					sqlState: running?.sqlState,
					message: running?.message ?? '',
					rowType: [],
					numRows: 0,
					partition,
					partitionCount: 0,
					rows: [],
				};
			}
			const resultSet = step.value;
			const meta = resultSet.resultSetMetaData;
			const plan = planPartitions(meta, resultSet.data.length, {}, handle);
			if (partition >= plan.partitionCount) {
				throw new SnowflakeConfigError(
					`Statement ${handle} has ${plan.partitionCount} partition(s), numbered 0 to ${plan.partitionCount - 1}; there is no partition ${partition}.`,
				);
			}
			const data = partition === 0 ? resultSet.data : await this.loadPartition(handle, partition, signal);
			checkPartitionRows(partition, data.length, plan, handle);
			return {
				...resultFields(resultSet),
				requestId: requestIdFromStatusUrl(resultSet.statementStatusUrl),
				status: 'success',
				rowType: meta.rowType,
				numRows: plan.numRows,
				partition,
				partitionCount: plan.partitionCount,
				rows: createRowDecoder(meta.rowType, options.decode).decode(data),
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
		resolveDecodeOptions(options.decode);
		checkMaxRows(options);
		const resultSet = await this.resultOf(handle, options.signal, false);
		return await this.collect(resultSet, requestIdFromStatusUrl(resultSet.statementStatusUrl) ?? '', options);
	}

	/** `POST /api/v2/statements/{handle}/cancel`. Resolves with Snowflake's status; throws on any other answer (422 000709 = no such running statement). */
	async cancel(statementHandle: string, options: { signal?: AbortSignal } = {}): Promise<QueryStatus> {
		return await this.cancelStatement(checkHandle(statementHandle), options.signal, this.retryPolicy);
	}

	// ------------------------------------------------------------ waiting and reading

	/** The final ResultSet of a statement: polls while it runs; on abort cancels it and throws. */
	private async resultOf(handle: string, signal: AbortSignal | undefined, knownRunning: boolean): Promise<ResultSet> {
		return await abortAware(signal, () => this.cancelAfterAbort(handle, signal?.reason), async () => {
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
			sleep: this.sleep,
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
		const sent = await this.send(() => ({ method: 'GET', path: statementPath(handle) }), { signal, runningOn429 });
		const { response } = sent;
		if (response.status === 429 && runningOn429) {
			return {
				done: false,
				retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.now()),
				running: this.queryStatusFrom(response, handle),
			};
		}
		switch (response.status) {
			case 200:
				return { done: true, value: this.resultSetFrom(sent.json) };
			case 202:
				return { done: false, running: this.queryStatusFrom(response, handle) };
			default:
				throw errorForResponse(response, this.errorContext(sent, handle));
		}
	}

	/** Reads the partitions a plan asks for, decodes them and, for multi-statement requests, each statement. */
	private async collect(resultSet: ResultSet, requestId: string, options: ResultOptions): Promise<StatementResult> {
		const handle = resultSet.statementHandle;
		const meta = resultSet.resultSetMetaData;
		const plan = planPartitions(meta, resultSet.data.length, options, handle);
		const decoder = createRowDecoder(meta.rowType, options.decode);
		const rows = await this.readRows(handle, resultSet.data, plan, decoder, options.signal);
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

	private async readRows(
		handle: string,
		inline: Rows,
		plan: PartitionPlan,
		decoder: RowDecoder,
		signal: AbortSignal | undefined,
	): Promise<DecodedRow[]> {
		const rows: DecodedRow[] = [];
		decoder.decodeInto(inline, rows, plan.keepRows[0]);
		if (plan.readCount === 1) return rows;
		const stopped = () =>
			new SnowflakeCancelledError(
				`Reading the result of statement ${handle} was canceled; the statement had already finished, so there was nothing to cancel on Snowflake.`,
				{ statementHandle: handle, cause: signal?.reason },
			);
		await abortAware(signal, stopped, () =>
			loadInOrder(
				plan.readCount - 1,
				this.partitionConcurrency,
				async (index, loadSignal) => {
					const partition = index + 1;
					const data = await this.loadPartition(handle, partition, loadSignal);
					checkPartitionRows(partition, data.length, plan, handle);
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

	private async loadPartition(handle: string, partition: number, signal: AbortSignal | undefined): Promise<Rows> {
		const sent = await this.send(() => ({ method: 'GET', path: statementPath(handle), qs: { partition: String(partition) } }), { signal });
		const { response } = sent;
		if (response.status !== 200) throw errorForResponse(response, this.errorContext(sent, handle));
		const { json } = sent;
		if (!isRecord(json) || !Array.isArray(json.data)) {
			throw protocolError(`partition ${partition} has no "data" array.`, handle);
		}
		return json.data as Rows;
	}

	// ------------------------------------------------------------ cancelling

	private async cancelStatement(handle: string, signal: AbortSignal | undefined, policy: RetryPolicy): Promise<QueryStatus> {
		this.emit({ type: 'cancel', statementHandle: handle });
		const sent = await this.send(() => ({ method: 'POST', path: cancelPath(handle) }), { signal, policy });
		if (sent.response.status !== 200) throw errorForResponse(sent.response, this.errorContext(sent, handle));
		const fields = statusFields(readBody(sent.response).json);
		return { ...fields, code: fields.code ?? '', message: fields.message ?? '', statementHandle: fields.statementHandle ?? handle };
	}

	/** After an abort: cancels the running statement and returns the error to throw, whatever the cancel's outcome. */
	private async cancelAfterAbort(handle: string, reason: unknown): Promise<SnowflakeCancelledError> {
		const policy = { ...this.retryPolicy, ...CANCEL_AFTER_ABORT_POLICY };
		const details = { statementHandle: handle, cause: reason };
		try {
			await this.cancelStatement(handle, undefined, policy);
			return new SnowflakeCancelledError(`Execution was canceled; Snowflake canceled statement ${handle}.`, details);
		} catch (error) {
			if (error instanceof SnowflakeError && error.httpStatus === 422) {
				return new SnowflakeCancelledError(
					`Execution was canceled; statement ${handle} was no longer running on Snowflake (${error.message}).`,
					details,
				);
			}
			return new SnowflakeCancelledError(
				`Execution was canceled, but canceling statement ${handle} on Snowflake failed: ${error instanceof Error ? error.message : String(error)}. It may still be running; stop it with SELECT SYSTEM$CANCEL_QUERY('${handle}').`,
				{ ...details, cause: error, hint: 'The cancel request failed; the statement may keep using the warehouse until it ends or times out.' },
			);
		}
	}

	/** A submit abandoned by an abort: once its 202 reveals the handle, cancel that statement. */
	private cancelWhenHandleArrives(pending: Promise<Sent>): void {
		void pending.then(
			async ({ response }) => {
				const handle = response.status === 202 ? statusFields(readBody(response).json).statementHandle : undefined;
				if (handle === undefined) return; // finished (200) or failed: nothing left running
				await this.cancelStatement(handle, undefined, { ...this.retryPolicy, ...CANCEL_AFTER_ABORT_POLICY }).catch(
					() => undefined, // the caller already has its cancellation error; nobody is left to tell
				);
			},
			() => undefined, // the submit failed or its retries were aborted: nothing was left running
		);
	}

	// ------------------------------------------------------------ one HTTP exchange, with retries

	/**
	 * Sends a request until it gets a final response: retries per `decideRetry` (sleeping through the
	 * injected SleepFn), re-signs once on 390198. Returns the last response whatever its status (the
	 * caller maps it); throws SnowflakeNetworkError when no response came, and the signal's reason
	 * when aborted. `build(attempt)` makes each attempt's request (a POST adds `retry=true` after the first).
	 */
	private async send(build: (attempt: number) => HttpRequest, options: SendOptions): Promise<Sent> {
		const policy = options.policy ?? this.retryPolicy;
		const started = this.now();
		const { onTokenExpired } = this.options;
		let renewed = false;
		let retries = 0;
		for (let attempt = 0; ; attempt++) {
			const request = build(attempt);
			this.emit({ type: 'request', method: request.method, path: request.path, attempt: attempt + 1 });
			const generation = this.tokenGeneration;
			let response: HttpResponse | undefined;
			let json: unknown;
			let failure: unknown;
			try {
				response = await this.http({
					...request,
					signal: options.detachHttp ? undefined : options.signal,
					timeoutMs: this.requestTimeoutMs,
				});
			} catch (error) {
				if (options.signal?.aborted && !options.detachHttp) throw options.signal.reason;
				failure = error;
			}
			if (response?.status === 200) {
				try {
					json = parseBody(response.body);
				} catch (error) {
					// A 200 that is not JSON was cut off or corrupted in transit (a truncated gzip stream
					// decodes to partial text): as retryable as a dropped connection.
					const target = `${request.method} ${request.path}${request.qs?.partition ? `?partition=${request.qs.partition}` : ''}`;
					failure = protocolError(`the body of a 200 response to ${target} is not JSON (cut off in transit?).`, undefined, error);
					response = undefined;
				}
			}
			let outcome: AttemptOutcome;
			if (response === undefined) {
				outcome = { networkError: true };
				if (options.unknown && !NOT_CONNECTED.has(errorCode(failure) ?? '')) options.unknown.outcome = true;
			} else {
				if (response.status === 401 && onTokenExpired && !renewed && statusFields(readBody(response).json).code === TOKEN_EXPIRED_CODE) {
					renewed = true;
					if (generation === this.tokenGeneration) {
						this.tokenGeneration++;
						onTokenExpired();
						this.emit({ type: 'tokenRenewed' });
					}
					continue;
				}
				if (options.runningOn429 && response.status === 429) return { response, attempts: attempt + 1, expiredAfterRenewal: false };
				outcome = { status: response.status, retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.now()) };
				// 500, 502 and 504 may come after the request was forwarded and run (503: turned away).
				if (options.unknown && response.status >= 500 && response.status !== 503) options.unknown.outcome = true;
			}
			const decision = decideRetry(outcome, retries, this.now() - started, policy, this.random);
			if (!decision.retry) {
				if (response !== undefined) {
					return { response, json, attempts: attempt + 1, expiredAfterRenewal: renewed && response.status === 401 };
				}
				throw failure instanceof SnowflakeError ? failure : networkError(failure, attempt + 1);
			}
			this.emit({
				type: 'retry',
				reason: retryReason(response, failure),
				status: response?.status,
				attempt: retries + 1,
				delayMs: decision.delayMs,
			});
			if (options.phase) options.phase.waitingToRetry = true;
			await this.sleep(decision.delayMs, options.signal);
			if (options.phase) options.phase.waitingToRetry = false;
			retries++;
		}
	}

	// ------------------------------------------------------------ response shapes

	private resultSetFrom(json: unknown): ResultSet {
		const handle = isRecord(json) && typeof json.statementHandle === 'string' ? json.statementHandle : undefined;
		if (handle === undefined) throw protocolError('a 200 response without a statementHandle.');
		const meta = (json as Record<string, unknown>).resultSetMetaData;
		if (!isRecord(meta) || !Array.isArray(meta.rowType)) {
			throw protocolError('a 200 response without resultSetMetaData.rowType.', handle);
		}
		const resultSet = json as unknown as ResultSet;
		if (!Array.isArray(resultSet.data)) resultSet.data = [];
		if (resultSet.code === '391908') {
			// Documented: the result set was too large and this response is incomplete.
			throw protocolError(`${boundText(String(resultSet.message))} (code 391908): the result is too large and Snowflake returned it incomplete.`, handle);
		}
		return resultSet;
	}

	/** QueryStatus of a 202 (or 429); `knownHandle` fills in for bodies that omit it while polling. */
	private queryStatusFrom(response: HttpResponse, knownHandle?: string): QueryStatus {
		const fields = statusFields(readBody(response).json);
		const statementHandle = fields.statementHandle ?? knownHandle;
		if (statementHandle === undefined) throw protocolError(`a ${response.status} response without a statementHandle.`);
		return { ...fields, code: fields.code ?? '', message: fields.message ?? '', statementHandle };
	}

	private errorContext(sent: Sent, statementHandle?: string): ErrorContext {
		return {
			statementHandle,
			attempts: sent.attempts,
			expiredAfterRenewal: sent.expiredAfterRenewal,
			fingerprint: this.options.fingerprint,
			user: this.options.user,
			account: this.options.claimAccount,
		};
	}

	private emit(event: TransportEvent): void {
		this.options.onEvent?.(event);
	}
}

function resultFields(resultSet: ResultSet) {
	return {
		statementHandle: resultSet.statementHandle,
		code: resultSet.code,
		sqlState: resultSet.sqlState,
		message: resultSet.message,
		createdOn: resultSet.createdOn,
		stats: resultSet.stats,
		statementHandles: resultSet.statementHandles,
	};
}

function runningResult(status: QueryStatus, requestId: string | undefined): StatementResult {
	return {
		statementHandle: status.statementHandle,
		requestId: requestId ?? '',
		status: 'running',
		code: status.code,
		sqlState: status.sqlState,
		message: status.message,
		createdOn: status.createdOn,
		rowType: [],
		numRows: 0,
		rows: [],
		truncated: false,
		partitionCount: 0,
	};
}

/** Kinds where the client lost track of the statement; the others answer for the statement (or the caller). */
const LOST_TRACK = new Set(['http', 'network', 'rateLimited', 'protocol', 'auth']);

function submitNote(requestId: string): string {
	return `The statement may have run on Snowflake: an attempt got no answer, so whether it ran is unknown (requestId ${requestId}). Check the data before running it again.`;
}

/** What became of a submit abandoned by an abort, truthfully: only an attempt still in flight can reveal a handle to cancel. */
function abandonedSubmitMessage(requestId: string, waitingToRetry: boolean, mayHaveRun: boolean): string {
	const start = `Execution was canceled before Snowflake returned a statement handle (requestId ${requestId}).`;
	if (!waitingToRetry) {
		return `${start} If Snowflake accepts the attempt in flight, the statement is canceled as soon as its handle arrives (unless it has finished by then); if that attempt fails, it is not retried.${
			mayHaveRun ? ' An earlier attempt got no answer and may have started the statement: look for it in Query History (QUERY_TAG or time) and stop it with SYSTEM$CANCEL_QUERY.' : ''
		}`;
	}
	return mayHaveRun
		? `${start} The submit was waiting to retry and no further attempt was sent, but an earlier attempt got no answer and may have started the statement, which cannot be canceled without its handle: look for it in Query History (QUERY_TAG or time) and stop it with SYSTEM$CANCEL_QUERY.`
		: `${start} The submit was waiting to retry after Snowflake turned it away; no further attempt was sent, so nothing runs on Snowflake.`;
}

function pollNote(statementHandle: string): string {
	return `The statement may have run: Snowflake accepted it (statement handle ${statementHandle}) and it may still complete. Check it with Get Statement Results before running it again.`;
}

/** The same error with `note` added to its message and hint, when the failure left the statement's fate unknown. */
function mayHaveRun(error: unknown, note: string): unknown {
	if (!(error instanceof SnowflakeError) || !LOST_TRACK.has(error.kind)) return error;
	const Kind = error.constructor as new (message: string, details: SnowflakeErrorDetails) => SnowflakeError;
	return new Kind(`${error.message.replace(/\.?$/, '.')} ${note}`, {
		code: error.code,
		sqlState: error.sqlState,
		statementHandle: error.statementHandle,
		httpStatus: error.httpStatus,
		hint: error.hint ? `${note}\n${error.hint}` : note,
		cause: error.cause,
	});
}

function retryReason(response: HttpResponse | undefined, failure: unknown): string {
	if (response !== undefined) return `HTTP ${response.status}`;
	if (failure instanceof SnowflakeError) return 'corrupt response body';
	const code = errorCode(failure);
	return code ? `network error ${code}` : 'network error';
}

function errorCode(error: unknown): string | undefined {
	const code = (error as { code?: unknown } | undefined)?.code;
	return typeof code === 'string' ? code : undefined;
}

function networkError(error: unknown, attempts: number): SnowflakeNetworkError {
	const reason = error instanceof Error ? error.message : String(error);
	const code = errorCode(error);
	return new SnowflakeNetworkError(
		`Could not reach Snowflake${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${boundText(reason, 500)}${code ? ` (${code})` : ''}`,
		{
			code,
			cause: error,
			hint: 'Check the account host, DNS, proxies and firewalls between this machine and Snowflake.',
		},
	);
}

/**
 * Runs `work`; when it fails because `signal` aborted, fails with `whenAborted()` instead of the
 * interrupted request's own error (an AbortError says nothing about the statement).
 */
async function abortAware<T>(
	signal: AbortSignal | undefined,
	whenAborted: () => SnowflakeCancelledError | Promise<SnowflakeCancelledError>,
	work: () => Promise<T>,
): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw signal?.aborted ? await whenAborted() : error;
	}
}

const ABORTED = Symbol('aborted');

/** Settles like `promise`, or resolves ABORTED as soon as the signal aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
	if (signal.aborted) return Promise.resolve(ABORTED);
	return new Promise<T | typeof ABORTED>((resolve, reject) => {
		const onAbort = () => resolve(ABORTED);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
