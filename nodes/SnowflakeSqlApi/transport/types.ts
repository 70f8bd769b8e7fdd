/**
 * Contracts of the SQL API v2 transport. Plain TypeScript: nothing here may import n8n types,
 * so the same client runs inside n8n (httpRequestWithAuthentication + sleep from n8n-workflow)
 * and in tests or scripts (a fetch adapter + a timer sleep).
 */
import type { DecodedRow, DecodeOptions, RowDecoder, RowFormat, RowType } from '../decoder';
import type { CredentialKind } from './auth';

type HttpMethod = 'GET' | 'POST';

export interface HttpRequest {
	method: HttpMethod;
	/** Path on the account host, e.g. `/api/v2/statements`. The auth layer supplies the base URL. */
	path: string;
	qs?: Record<string, string>;
	/** JSON-serialisable body (POST only). */
	body?: unknown;
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/** Client-side timeout of this one HTTP exchange. */
	timeoutMs?: number;
	/**
	 * The most bytes the (decompressed) body may have. The HttpFn stops reading at the first byte over it
	 * and rejects with an error whose `code` is 'ERESPONSETOOLARGE' (bodyLimit.ts: readBoundedBody).
	 */
	maxBytes?: number;
	/**
	 * Aborted when the transport gives up on this attempt (its total deadline passed): the HttpFn stops
	 * the exchange, body reading included. Separate from `signal`, the caller's own abort.
	 */
	deadlineSignal?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case. */
	headers: Record<string, string | undefined>;
	/**
	 * The body, already decompressed (gzip is the HTTP layer's job: node:zlib is not an allowed
	 * runtime import). Parsed JSON, or a string / Buffer the transport will JSON.parse.
	 */
	body: unknown;
}

/**
 * Sends one HTTP request with authentication applied, never following a redirect (a 3xx resolves
 * like any status and the transport refuses it). Resolves for every HTTP status;
 * rejects only for transport failures (connection reset, DNS, client timeout, abort), with the
 * system error `code` (ECONNRESET, ETIMEDOUT, ...) on the error when there is one.
 */
export type HttpFn = (request: HttpRequest) => Promise<HttpResponse>;

/** Resolves after `ms`; rejects with the signal's reason as soon as the signal aborts. */
export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

// ---------------------------------------------------------------- wire format (SQL API v2)

/** Binding types the SQL API accepts (docs: submitting-requests, "Using bind variables"). */
export type BindingType =
	| 'FIXED'
	| 'REAL'
	| 'DECFLOAT'
	| 'TEXT'
	| 'BINARY'
	| 'BOOLEAN'
	| 'DATE'
	| 'TIME'
	| 'TIMESTAMP_TZ'
	| 'TIMESTAMP_LTZ'
	| 'TIMESTAMP_NTZ';

/** One bind variable. Values are always strings on the wire; null binds SQL NULL. */
export interface Binding {
	type: BindingType;
	value: string | null;
}

/** Keyed "1", "2", ... in placeholder order. */
export type Bindings = Record<string, Binding>;

export interface StatementRequest {
	statement: string;
	/** Server-side statement timeout in seconds (0 = Snowflake's maximum of 7 days). */
	timeout?: number;
	database?: string;
	schema?: string;
	warehouse?: string;
	role?: string;
	bindings?: Bindings;
	/** Session parameters for this request: QUERY_TAG, MULTI_STATEMENT_COUNT, TIMEZONE, ... */
	parameters?: Record<string, string | number | boolean>;
}

interface PartitionInfo {
	rowCount: number;
	uncompressedSize?: number;
	compressedSize?: number;
}

export interface ResultSetMetaData {
	numRows: number;
	format: string;
	rowType: RowType[];
	partitionInfo?: PartitionInfo[];
	nullable?: boolean;
	parameters?: Record<string, unknown>;
	/** DML counters, where some of Snowflake's pages put them (the client also reads the top level). */
	stats?: DmlStats;
}

export interface DmlStats {
	numRowsInserted?: number;
	numRowsUpdated?: number;
	numRowsDeleted?: number;
	numDuplicateRowsUpdated?: number;
}

/** 200 body of POST /api/v2/statements and GET /api/v2/statements/{handle}. */
export interface ResultSet {
	resultSetMetaData: ResultSetMetaData;
	data: Array<Array<string | null>>;
	code: string;
	sqlState?: string;
	message: string;
	statementHandle: string;
	statementHandles?: string[];
	statementStatusUrl?: string;
	createdOn?: number;
	stats?: DmlStats;
}

/** 202 (running), 408 (timeout) and cancel bodies. */
export interface QueryStatus {
	code: string;
	sqlState?: string;
	message: string;
	statementHandle: string;
	statementStatusUrl?: string;
	createdOn?: number;
}

// ---------------------------------------------------------------- client API (implemented in client.ts)

export interface ExecuteOptions {
	/** Ask for 202 at once (fire and forget); `execute` then returns the handle without waiting. */
	async?: boolean;
	/** `nullable=false`: SQL NULL comes back as the string "null". */
	nullable?: boolean;
	/** Cancels the statement on Snowflake (POST .../cancel) and rejects with a cancellation error. */
	signal?: AbortSignal;
	/** Stop after this many rows: `onMaxRows: 'error'` fails loudly, `'truncate'` keeps the first N and flags `truncated`. */
	maxRows?: number;
	onMaxRows?: 'error' | 'truncate';
	decode?: DecodeOptions;
	/** Reuse a requestId (idempotent resubmission); generated when absent. */
	requestId?: string;
	/** Follow `statementHandles` of a multi-statement request and return each child's result. Default true. */
	fetchChildResults?: boolean;
}

export interface StatementResult {
	statementHandle: string;
	requestId: string;
	/** 'success' when rows are here; 'running' only for `async` submits. */
	status: 'success' | 'running';
	code: string;
	sqlState?: string;
	message: string;
	createdOn?: number;
	rowType: RowType[];
	/** Total rows the statement produced (resultSetMetaData.numRows). */
	numRows: number;
	rows: DecodedRow[];
	/** True when maxRows + onMaxRows 'truncate' cut the result. */
	truncated: boolean;
	partitionCount: number;
	stats?: DmlStats;
	/** Multi-statement: the children's handles and (unless disabled) their results, in order. */
	statementHandles?: string[];
	statements?: StatementResult[];
}

/** Observer for logs and metrics; never receives secrets. */
export type TransportEvent =
	| { type: 'request'; method: HttpMethod; path: string; attempt: number }
	| { type: 'retry'; reason: string; status?: number; attempt: number; delayMs: number }
	| { type: 'poll'; statementHandle: string; attempt: number; delayMs: number }
	| { type: 'tokenRenewed' }
	| { type: 'cancel'; statementHandle: string };

export interface RetryPolicy {
	/** Retries after the first attempt. */
	limit: number;
	/** Retried HTTP statuses (408 is never among them: it means the statement timed out). */
	statusCodes: number[];
	baseDelayMs: number;
	maxDelayMs: number;
	/** Cap on a server's Retry-After. */
	maxRetryAfterMs: number;
	/** Give up retrying once this much time has passed since the first attempt. */
	maxElapsedMs: number;
}

export interface PollPolicy {
	initialDelayMs: number;
	maxDelayMs: number;
	multiplier: number;
}

/**
 * The result decoder the client is given (the node passes decoder/index.ts), so the transport does
 * not depend on how cells become values. Its failures are the decoder's DecodeError, which the client
 * reports as SnowflakeConfigError ('config') or SnowflakeProtocolError ('protocol').
 */
export interface RowDecoding {
	/** Checks decode options before any request is sent. */
	checkDecodeOptions(options?: DecodeOptions): void;
	createRowDecoder(rowType: readonly RowType[], options?: DecodeOptions): RowDecoder;
}

export interface SnowflakeClientOptions {
	http: HttpFn;
	sleep: SleepFn;
	decoder: RowDecoding;
	/** Clock in ms (tests inject a fake one). */
	now?: () => number;
	/** [0, 1) source for jitter. */
	random?: () => number;
	uuid?: () => string;
	retry?: Partial<RetryPolicy>;
	poll?: Partial<PollPolicy>;
	/** Partitions fetched at once. */
	partitionConcurrency?: number;
	/** Client-side timeout of one HTTP exchange (an idle timeout in n8n's HTTP stack). */
	requestTimeoutMs?: number;
	/**
	 * Total time one HTTP exchange may take, body included, however steadily bytes arrive (a server
	 * dripping a byte every few seconds never trips an idle timeout). Default 5 minutes; timed by deadlineSleep.
	 */
	requestDeadlineMs?: number;
	/**
	 * The sleep that times requestDeadlineMs: real time, also where `sleep` is simulated (tests). Without
	 * it there is no total deadline, only the HttpFn's own timeout.
	 */
	deadlineSleep?: SleepFn;
	/**
	 * Called once when Snowflake says the token expired or is invalid (key pair 390198; OAuth 390318, 390303),
	 * before the single retry with the renewed token; awaited (an OAuth refresh is a request). Its rejection is
	 * the request's error.
	 */
	onTokenExpired?: () => void | Promise<void>;
	/** Which credential signs the requests: 401 hints speak of its causes only. Default 'keyPair'. */
	credentialKind?: CredentialKind;
	/** The key fingerprint the auth layer sends (`SHA256:...`), quoted in 401 hints. */
	fingerprint?: string;
	/** The user in the JWT claim (describeCredentials().user), quoted in 401 hints (`DESCRIBE USER <user>`). */
	user?: string;
	/** The account in the JWT claim (describeCredentials().claimAccount), quoted in 401 hints. */
	claimAccount?: string;
	/** The host requests go to (describeCredentials().host), named when a redirect is refused (never followed). */
	host?: string;
	onEvent?: (event: TransportEvent) => void;
}

// ---------------------------------------------------------------- client API, added with client.ts

/** `submit`: the first response to the POST, classified. Errors (408, 422, 401, ...) are thrown. */
export type SubmitResponse =
	| { status: 'success'; requestId: string; statementHandle: string; resultSet: ResultSet }
	| { status: 'running'; requestId: string; statementHandle: string; queryStatus: QueryStatus };

/** Options of `waitForResult`: how to wait for and read a statement that was already submitted. */
export type ResultOptions = Pick<ExecuteOptions, 'signal' | 'maxRows' | 'onMaxRows' | 'decode' | 'fetchChildResults'>;

export interface GetStatementOptions {
	/** Partition to read (0 = the rows inline in the status response). Default 0. */
	partition?: number;
	/** Aborts the reads only; a status check never cancels the statement. */
	signal?: AbortSignal;
	decode?: DecodeOptions;
	/** Poll while the statement runs instead of answering `running` (the poll policy's backoff). Default false. */
	wait?: boolean;
}

/** How a result's rows become text (a file's records), decided once its columns are known. */
export interface RowWriter {
	/**
	 * The cells' format: partitions fetched as bytes are written from them without row objects
	 * (RowDecoder.renderPartition). Undefined: every partition is decoded to rows and written by `records`.
	 */
	format?: RowFormat;
	/** The text of decoded rows: the inline partition, and a partition outside the canonical form. */
	records(rows: readonly DecodedRow[]): string;
}

/**
 * Receives a result as text one partition at a time (`executeEach`, `readEach`). `open` comes first,
 * once, with the rows' keys in column order and the rowType (also for an empty result); then each
 * partition's text in order, in chunks, with the rows it holds. The next partition is handed over only
 * after `write`'s promise settles; up to the client's partition concurrency are downloaded and
 * rendered ahead.
 */
export interface PartitionWriter {
	/** `bodyBytes`: what partitionInfo announces of the partitions to read (uncompressed JSON), a hint of the text's size. */
	open(keys: readonly string[], rowType: readonly RowType[], bodyBytes: number): RowWriter;
	/** UTF-8 bytes, or text (the rows `records` wrote). */
	write(chunks: ReadonlyArray<Uint8Array | string>, rows: number, partition: number): Promise<void> | void;
}

/** Options of `readEach`: how to read a statement submitted earlier, all its partitions. */
export type ReadEachOptions = Omit<GetStatementOptions, 'partition'>;

/** `getStatement`: the status of a statement and, once it succeeded, one partition of its rows. */
export interface StatementPage {
	statementHandle: string;
	/** The submit's requestId when Snowflake echoes it in statementStatusUrl. */
	requestId?: string;
	status: 'success' | 'running';
	code: string;
	sqlState?: string;
	message: string;
	createdOn?: number;
	rowType: RowType[];
	numRows: number;
	partition: number;
	partitionCount: number;
	/** The decoded rows of `partition` (empty while running). */
	rows: DecodedRow[];
	/** The partition to ask for next; absent on the last one. */
	nextPartition?: number;
	stats?: DmlStats;
	statementHandles?: string[];
}
