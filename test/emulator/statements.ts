/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The emulator's execution model: statements run in the background, apart from the HTTP requests that
 * submit, poll or cancel them (reference §4.1). A record per statement handle keeps its state and, once
 * finished, its partitioned result for later GETs until the retention time runs out.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import type { RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import type { Bindings, DmlStats } from '../../nodes/SnowflakeSqlApi/transport';
import { SnowflakeSqlError, type Engine, type EngineResult, type SessionContext } from './engine-types';
import { benchRowType } from './largeResult';

/** One entry of resultSetMetaData.partitionInfo as the emulator serves it (Snowflake's wire format). */
interface PartitionInfo {
	rowCount: number;
	uncompressedSize: number;
	compressedSize?: number;
}

const gzipAsync = promisify(gzip);

export type Row = Array<string | null>;

export interface Failure {
	/** 'timeout' answers 408 on the POST that waits for it; the others 422. */
	kind: 'error' | 'timeout' | 'canceled';
	code: string;
	sqlState: string;
	message: string;
}

export interface StoredResult {
	rowType: RowType[];
	numRows: number;
	partitions: Row[][];
	partitionInfo: PartitionInfo[];
	/** gzip of each partition ≥ 1 (index 0 unused) when partitions are served compressed. */
	gzipped: Array<Buffer | undefined>;
	stats?: DmlStats;
	statementHandles?: string[];
}

export interface StatementRecord {
	readonly handle: string;
	readonly requestId: string;
	readonly createdOn: number;
	readonly statement: string;
	state: 'running' | 'succeeded' | 'failed';
	result?: StoredResult;
	failure?: Failure;
	finishedAt?: number;
	/** Resolves once `state` leaves 'running'. */
	readonly settled: Promise<void>;
	/** Multi-statement children point at their parent (cancel of a child cancels the request). */
	readonly parent?: StatementRecord;
	/** longRunning: the clock time before which the statement reports 'running' (see ExecutionRequest.holdUntil). */
	holdUntil?: number;
}

interface LiveRecord extends StatementRecord {
	resolve: () => void;
	/** longRunning: the outcome kept until the clock reaches holdUntil. */
	held?: { result: StoredResult } | { failure: Failure };
	abort?: AbortController;
	timer?: NodeJS.Timeout;
	/** The engine work behind the statement; done once the engine let go. */
	execution?: Promise<void>;
}

export interface ExecutionRequest {
	requestId: string;
	statement: string;
	/** Statements to run; more than one only for multi-statement requests (also one, when MULTI_STATEMENT_COUNT is 0). */
	statements: string[];
	multi: boolean;
	bindings?: Bindings;
	context: SessionContext;
	/** Seconds; 0 = no limit (Snowflake's 7-day maximum). */
	timeoutSeconds: number;
	/** `nullable=false`: SQL NULL cells become the string "null". */
	nullable: boolean;
	/** ROWS_PER_RESULTSET; 0 = unlimited. */
	rowsPerResultset: number;
	/**
	 * A `longRunning` fault: the statement runs (and commits) at once, but reports 'running' until the store's
	 * clock reaches this time. The switch happens when a request reads the record, so with a simulated clock the
	 * poll that first sees it finished is always the same one.
	 */
	holdUntil?: number;
}

export interface StoreOptions {
	engine: Engine;
	/** Rows per partition; when absent, partitions are cut by `partitionBytes` of JSON. */
	partitionRows?: number;
	partitionBytes: number;
	gzipPartitions: () => boolean;
	retentionMs: number;
	now: () => number;
	/** Called once per statement the engine starts (multi-statement children count one each). */
	onEngineRun: () => void;
}

/** The first partition holds at most 1/FIRST_PARTITION_SHARE of the partition bound (see StatementStore.bounds). */
const FIRST_PARTITION_SHARE = 4;

export const SUCCESS = { code: '090001', sqlState: '00000', message: 'Statement executed successfully.' };
export const CANCELED: Failure = { kind: 'canceled', code: '000604', sqlState: '57014', message: 'SQL execution canceled' };

function timeoutFailure(seconds: number): Failure {
	return {
		kind: 'timeout',
		code: '000630',
		sqlState: '57014',
		message: `Statement reached its statement or warehouse timeout of ${seconds} second(s) and was canceled.`,
	};
}

/** The wrapper Snowflake runs multi-statement requests in reports the first 30 characters of the failing statement. */
function multiStatementFailure(text: string, offset: number, statement: string, cause: Failure): Failure {
	const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
	const line = text.slice(0, offset).split('\n').length;
	const shown = statement.length > 30 ? `${statement.slice(0, 30)}...` : statement;
	return {
		kind: cause.kind,
		code: '100132',
		sqlState: 'P0000',
		message:
			`JavaScript execution error: Uncaught Execution of multiple statements failed on statement "${shown}" ` +
			`(at line ${line}, position ${offset - lineStart}).\n${cause.message} in SYSTEM$MULTISTMT at '    throw ` +
			"`Execution of multiple statements failed on statement {0} (at line {1}, position {2}).`" +
			".replace('{1}', LINES[i])' position 4\nstackstrace: \nSYSTEM$MULTISTMT line: 10",
	};
}

const MULTI_ROW_TYPE: RowType = {
	name: 'multiple statement execution',
	database: '',
	schema: '',
	table: '',
	type: 'text',
	byteLength: 16777216,
	length: 16777216,
	scale: null,
	precision: null,
	nullable: false,
	collation: null,
};

function asFailure(error: unknown): Failure {
	if (error instanceof SnowflakeSqlError) {
		return { kind: error.code === CANCELED.code ? 'canceled' : 'error', code: error.code, sqlState: error.sqlState, message: error.message };
	}
	// An engine crash still answers like Snowflake's internal error rather than taking the server down.
	return { kind: 'error', code: '000603', sqlState: 'XX000', message: `SQL execution internal error: ${(error as Error)?.message ?? String(error)}` };
}

export class StatementStore {
	private readonly records = new Map<string, LiveRecord>();
	private readonly requestIds = new Map<string, string>();
	/** Handles whose result outlived the retention time: they answer 000710, not 000709 (unknown). */
	private readonly expiredHandles = new Set<string>();
	private readonly executions = new Set<Promise<void>>();
	private readonly handlePrefix = randomBytes(3).toString('hex');
	private readonly handleInstance = randomBytes(2).toString('hex');
	/**
	 * Results the engine hands out again by identity (the pre-staged bench result, largeResult.ts) are
	 * cut and compressed once per request shape, so the benchmark measures the client, not the emulator.
	 */
	private readonly storedByResult = new WeakMap<EngineResult, Map<string, Promise<StoredResult>>>();
	private handleCounter = randomBytes(4).readUInt32BE();

	constructor(private readonly options: StoreOptions) {}

	/** Statements the engine is still working on. */
	get running(): number {
		return this.executions.size;
	}

	get(handle: string): StatementRecord | undefined {
		const record = this.records.get(handle);
		if (record?.held && this.options.now() >= (record.holdUntil ?? 0)) {
			const outcome = record.held;
			record.held = undefined;
			this.settle(record, outcome, true);
		}
		if (record?.finishedAt !== undefined && this.options.now() - record.finishedAt > this.options.retentionMs) {
			this.records.delete(handle);
			this.expiredHandles.add(handle);
			if (this.requestIds.get(record.requestId) === handle) this.requestIds.delete(record.requestId);
			return undefined;
		}
		return record;
	}

	/** Whether the handle once existed and its result is gone with the retention time (checked after `get`). */
	expired(handle: string): boolean {
		return this.expiredHandles.has(handle);
	}

	/** The statement an earlier POST with this requestId created, if it is still retained. */
	byRequestId(requestId: string): StatementRecord | undefined {
		const handle = this.requestIds.get(requestId);
		return handle === undefined ? undefined : this.get(handle);
	}

	/** A statement refused before it ran (restricted command, statement count, bindings): it still gets a handle. */
	reject(requestId: string, statement: string, failure: Failure): StatementRecord {
		const record = this.create(requestId, statement);
		this.settle(record, { failure });
		return record;
	}

	start(request: ExecutionRequest): StatementRecord {
		const record = this.create(request.requestId, request.statement);
		record.abort = new AbortController();
		record.holdUntil = request.holdUntil;
		if (request.timeoutSeconds > 0) {
			record.timer = setTimeout(() => this.stop(record, timeoutFailure(request.timeoutSeconds)), request.timeoutSeconds * 1000);
			record.timer.unref();
		}
		const execution = this.execute(record, request).finally(() => this.executions.delete(execution));
		this.executions.add(execution);
		record.execution = execution;
		return record;
	}

	/** `canceled` when the statement was running; `notFound` for unknown and finished statements (reference §4.9). */
	async cancel(handle: string): Promise<'canceled' | 'notFound'> {
		const record = this.get(handle);
		const target = (record?.parent ?? record) as LiveRecord | undefined;
		if (!target || target.state !== 'running') return 'notFound';
		this.stop(target, CANCELED);
		// Answer once the engine really stopped (bounded, should an engine ignore its abort signal).
		await this.drain(target.execution ? [target.execution] : [], 1000);
		return 'canceled';
	}

	/** Stops every running statement and waits (bounded) for the engine to let go. */
	async shutdown(): Promise<void> {
		for (const record of this.records.values()) if (record.state === 'running') this.stop(record, CANCELED);
		await this.drain([...this.executions], 5000);
	}

	private async drain(executions: Array<Promise<void>>, limitMs: number): Promise<void> {
		if (executions.length === 0) return;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			Promise.allSettled(executions),
			new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs))),
		]);
		clearTimeout(timer);
	}

	private create(requestId: string, statement: string, parent?: LiveRecord): LiveRecord {
		let resolve!: () => void;
		const settled = new Promise<void>((done) => (resolve = done));
		const record: LiveRecord = {
			handle: this.nextHandle(),
			requestId,
			createdOn: this.options.now(),
			statement,
			state: 'running',
			settled,
			resolve,
			parent,
		};
		this.records.set(record.handle, record);
		if (!parent) this.requestIds.set(requestId, record.handle);
		return record;
	}

	/** UUID-shaped like Snowflake's (`01b2c3d4-0000-xxxx-0000-xxxxxxxxxxxx`), unique per emulator. */
	private nextHandle(): string {
		this.handleCounter = (this.handleCounter + 1) % 2 ** 48;
		return `01${this.handlePrefix}-0000-${this.handleInstance}-0000-${this.handleCounter.toString(16).padStart(12, '0')}`;
	}

	private settle(record: LiveRecord, outcome: { result: StoredResult } | { failure: Failure }, revealed = false): void {
		if (record.state !== 'running') return;
		if (!revealed && record.holdUntil !== undefined && this.options.now() < record.holdUntil && 'result' in outcome) {
			record.held = outcome; // revealed by get() once the clock reaches holdUntil
			return;
		}
		clearTimeout(record.timer);
		if ('result' in outcome) {
			record.state = 'succeeded';
			record.result = outcome.result;
		} else {
			record.state = 'failed';
			record.failure = outcome.failure;
		}
		record.finishedAt = this.options.now();
		record.resolve();
	}

	/** Cancel and timeout: the statement's state changes at once; the abort signal makes the engine stop. */
	private stop(record: LiveRecord, failure: Failure): void {
		if (record.state !== 'running') return;
		this.settle(record, { failure });
		record.abort?.abort(failure);
	}

	private async execute(record: LiveRecord, request: ExecutionRequest): Promise<void> {
		const signal = record.abort?.signal;
		let session;
		try {
			session = await this.options.engine.openSession();
		} catch (error) {
			this.settle(record, { failure: asFailure(error) });
			return;
		}
		try {
			if (!request.multi) {
				this.options.onEngineRun();
				const result = await session.run(request.statements[0], request.bindings, { ...request.context, statementHandle: record.handle }, signal);
				if (record.state === 'running') this.settle(record, { result: await this.store(result, request) });
				return;
			}
			const children: string[] = [];
			let cursor = 0;
			for (const statement of request.statements) {
				const found = request.statement.indexOf(statement, cursor);
				const offset = found === -1 ? cursor : found;
				cursor = offset + statement.length;
				if (record.state !== 'running') return;
				const child = this.create(request.requestId, statement, record);
				children.push(child.handle);
				try {
					this.options.onEngineRun();
					const result = await session.run(statement, undefined, { ...request.context, statementHandle: child.handle }, signal);
					this.settle(child, { result: await this.store(result, request) });
				} catch (error) {
					// A cancel or timeout of the request reaches the running child as the same failure.
					const failure = record.failure ?? asFailure(error);
					this.settle(child, { failure });
					this.settle(record, { failure: multiStatementFailure(request.statement, offset, statement, failure) });
					return;
				}
			}
			const parent: EngineResult = { kind: 'other', rowType: [MULTI_ROW_TYPE], data: [['Multiple statements executed successfully.']] };
			const stored = await this.store(parent, request);
			this.settle(record, { result: { ...stored, statementHandles: children } });
		} catch (error) {
			this.settle(record, { failure: asFailure(error) });
		} finally {
			await session.close().catch(() => undefined);
		}
	}

	/**
	 * Cuts the rows into partitions and sizes them. Each row is serialised once; the partitions ≥ 1 are
	 * compressed in parallel (zlib's thread pool) so a large result is ready without the server being the
	 * bottleneck.
	 */
	private async store(result: EngineResult, request: ExecutionRequest): Promise<StoredResult> {
		if (!isStaged(result)) return await this.cutAndCompress(result, request);
		const shape = `${request.rowsPerResultset}/${request.nullable}/${this.options.gzipPartitions()}`;
		let byShape = this.storedByResult.get(result);
		if (!byShape) this.storedByResult.set(result, (byShape = new Map()));
		let stored = byShape.get(shape);
		if (!stored) {
			stored = this.cutAndCompress(result, request);
			byShape.set(shape, stored);
			stored.catch(() => byShape.delete(shape));
		}
		// A copy: callers may add statementHandles or stats to their own record.
		return { ...(await stored) };
	}

	private async cutAndCompress(result: EngineResult, request: ExecutionRequest): Promise<StoredResult> {
		let rows = request.rowsPerResultset > 0 ? result.data.slice(0, request.rowsPerResultset) : result.data;
		if (!request.nullable) rows = rows.map((row) => row.map((cell) => cell ?? 'null'));
		const pieces = rows.map((row) => JSON.stringify(row));
		const gzipOn = this.options.gzipPartitions();
		const partitions: Row[][] = [];
		const partitionInfo: PartitionInfo[] = [];
		const gzipped: Array<Buffer | undefined> = [undefined];
		const compressions: Array<Promise<void>> = [];
		for (const [index, [start, end]] of this.bounds(pieces).entries()) {
			partitions.push(rows.slice(start, end));
			const json = `[${pieces.slice(start, end).join(',')}]`;
			const info: PartitionInfo = { rowCount: end - start, uncompressedSize: Buffer.byteLength(json) };
			partitionInfo.push(info);
			if (index > 0 && gzipOn) {
				compressions.push(
					gzipAsync(`{"data":${json}}`).then((compressed) => {
						gzipped[index] = compressed;
						info.compressedSize = compressed.length;
					}),
				);
			}
		}
		await Promise.all(compressions);
		const stored: StoredResult = { rowType: result.rowType, numRows: rows.length, partitions, partitionInfo, gzipped };
		if (result.stats) stored.stats = result.stats;
		return stored;
	}

	/**
	 * [start, end) of each partition: at most `partitionRows` rows, or about `partitionBytes` of JSON (≥ 1 row
	 * each). The first partition is cut at a quarter of that bound: real results come in uneven partitions, the
	 * first the smallest (2968 then 7032 rows; 8192, 53248, 86016, ... — captures/README.md), and a client must
	 * not assume equal ones. Deterministic, so tests can count on the sizes.
	 */
	private bounds(pieces: string[]): Array<[number, number]> {
		const { partitionRows, partitionBytes } = this.options;
		const bounds: Array<[number, number]> = [];
		const firstRows = partitionRows === undefined ? undefined : Math.ceil(partitionRows / FIRST_PARTITION_SHARE);
		const firstBytes = Math.ceil(partitionBytes / FIRST_PARTITION_SHARE);
		let start = 0;
		let size = 0;
		for (let i = 0; i < pieces.length; i++) {
			const first = bounds.length === 0;
			const rows = first ? firstRows : partitionRows;
			const bytes = first ? firstBytes : partitionBytes;
			const full = rows !== undefined ? i - start >= rows : i > start && size + pieces[i].length + 1 > bytes;
			if (full) {
				bounds.push([start, i]);
				start = i;
				size = 0;
			}
			size += pieces[i].length + 1;
		}
		bounds.push([start, pieces.length]);
		return bounds;
	}
}

/** The pre-staged bench result (largeResult.ts): immutable and handed out by identity. */
function isStaged(result: EngineResult): boolean {
	return result.rowType === benchRowType;
}

/** Generated when a POST names no requestId. */
export const newRequestId = (): string => randomUUID();
