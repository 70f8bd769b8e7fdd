/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * A scripted HttpFn, a recording sleep and a fake clock for transport unit tests. Each route
 * answers with its replies in order (the last one repeats); every request is recorded, and the
 * number of requests in flight is tracked so concurrency bounds can be observed.
 */
import { expect } from 'vitest';

import { checkDecodeOptions, createRowDecoder } from '../../../nodes/SnowflakeSqlApi/decoder';
import {
	SnowflakeClient,
	type HttpRequest,
	type HttpResponse,
	type RowType,
	type SleepFn,
	type SnowflakeClientOptions,
	type TransportEvent,
} from '../../../nodes/SnowflakeSqlApi/transport';

type HttpMethod = HttpRequest['method'];

export type Reply = HttpResponse | Error | ((request: HttpRequest) => HttpResponse | Promise<HttpResponse>);

interface Route {
	method: HttpMethod;
	path: string;
	partition?: string;
	replies: Reply[];
}

export class FakeSnowflake {
	readonly requests: HttpRequest[] = [];
	inFlight = 0;
	maxInFlight = 0;
	private readonly routes: Route[] = [];

	/** Answers `method path` (and, for GET, `?partition=N` when given; `undefined` = no partition). */
	on(method: HttpMethod, path: string, replies: Reply[], partition?: number): this {
		this.routes.push({ method, path, partition: partition === undefined ? undefined : String(partition), replies: [...replies] });
		return this;
	}

	/** Requests to `method path`, optionally only those with `?partition=N`. */
	sent(method: HttpMethod, path: string): HttpRequest[] {
		return this.requests.filter((request) => request.method === method && request.path === path);
	}

	readonly http = async (request: HttpRequest): Promise<HttpResponse> => {
		this.requests.push(request);
		const partition = request.qs?.partition;
		const route = this.routes.find((r) => r.method === request.method && r.path === request.path && r.partition === partition);
		if (!route) throw new Error(`FakeSnowflake: no route for ${request.method} ${request.path}${partition ? `?partition=${partition}` : ''}`);
		const reply = route.replies.length > 1 ? route.replies.shift()! : route.replies[0];
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			if (reply instanceof Error) throw reply;
			return typeof reply === 'function' ? await reply(request) : reply;
		} finally {
			this.inFlight--;
		}
	};
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
	return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function networkError(code: string): Error {
	return Object.assign(new Error(`connect ${code}`), { code });
}

/** Resolves after one turn of the event loop (pending I/O callbacks and promises have run). */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Delays a reply until the event loop has turned `turns` times, so other requests can start meanwhile. */
export function later(reply: HttpResponse, turns = 1): () => Promise<HttpResponse> {
	return async () => {
		for (let i = 0; i < turns; i++) await nextTurn();
		return reply;
	};
}

export const HANDLE = '01b2c3d4-0000-1111-0000-00000000abcd';
export const statementPath = (handle = HANDLE) => `/api/v2/statements/${handle}`;

export const running = (handle = HANDLE) =>
	json(202, {
		code: '333334',
		message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
		statementHandle: handle,
		statementStatusUrl: `/api/v2/statements/${handle}`,
	});

export const NUMBER_ROW_TYPE: RowType[] = [{ name: 'N', type: 'fixed', scale: 0, precision: 38, nullable: false }];

/** Rows `first..first+count-1` of a one-column FIXED result, as jsonv2 cells. */
export function numberRows(first: number, count: number): string[][] {
	return Array.from({ length: count }, (_, i) => [String(first + i)]);
}

/** A 200 ResultSet whose partitions hold `counts[i]` rows numbered consecutively from 1. */
export function resultSet(counts: number[], extra: Record<string, unknown> = {}, handle = HANDLE): HttpResponse {
	return json(200, {
		resultSetMetaData: {
			numRows: counts.reduce((a, b) => a + b, 0),
			format: 'jsonv2',
			rowType: NUMBER_ROW_TYPE,
			partitionInfo: counts.map((rowCount) => ({ rowCount, uncompressedSize: rowCount * 8 })),
		},
		data: numberRows(1, counts[0]),
		code: '090001',
		sqlState: '00000',
		message: 'Statement executed successfully.',
		statementHandle: handle,
		statementStatusUrl: `/api/v2/statements/${handle}?requestId=req-from-url`,
		createdOn: 1_700_000_000_000,
		...extra,
	});
}

/** The body of partition `index` of `resultSet(counts)`. */
export function partition(counts: number[], index: number): HttpResponse {
	const first = 1 + counts.slice(0, index).reduce((a, b) => a + b, 0);
	return json(200, { data: numberRows(first, counts[index]) });
}

/** A clock that only moves when the recording sleep sleeps. */
export class FakeClock {
	ms = Date.UTC(2026, 10, 26, 12, 0, 0);
	readonly now = () => this.ms;
}

/** Sleeps instantly, records each delay, advances the clock, and honours the signal like a real sleep. */
export function recordingSleep(clock: FakeClock): { sleep: SleepFn; delays: number[] } {
	const delays: number[] = [];
	const sleep: SleepFn = async (ms, signal) => {
		if (signal?.aborted) throw signal.reason;
		delays.push(ms);
		clock.ms += ms;
		await nextTurn();
		if (signal?.aborted) throw signal.reason;
	};
	return { sleep, delays };
}

export interface Harness {
	fake: FakeSnowflake;
	clock: FakeClock;
	delays: number[];
	events: TransportEvent[];
	client: SnowflakeClient;
}

/** A client over a FakeSnowflake with fixed jitter (random() = 0.5) and fixed uuids. */
export function harness(options: Partial<SnowflakeClientOptions> = {}): Harness {
	const fake = new FakeSnowflake();
	const clock = new FakeClock();
	const { sleep, delays } = recordingSleep(clock);
	const events: TransportEvent[] = [];
	const client = new SnowflakeClient({
		http: fake.http,
		sleep,
		decoder: { checkDecodeOptions, createRowDecoder },
		now: clock.now,
		random: () => 0.5,
		uuid: () => 'req-1',
		onEvent: (event) => events.push(event),
		...options,
	});
	return { fake, clock, delays, events, client };
}

const ERROR_NAMES = {
	config: 'SnowflakeConfigError',
	auth: 'SnowflakeAuthError',
	sql: 'SnowflakeSqlError',
	timeout: 'SnowflakeTimeoutError',
	cancelled: 'SnowflakeCancelledError',
	rateLimited: 'SnowflakeRateLimitError',
	http: 'SnowflakeHttpError',
	network: 'SnowflakeNetworkError',
	protocol: 'SnowflakeProtocolError',
	maxRows: 'SnowflakeMaxRowsError',
} as const;

/**
 * Matches a transport error of `kind` (the transport exports only SnowflakeError: product code tells
 * errors apart by `kind`), with its class name as users see it in logs.
 */
export function snowflakeError(kind: keyof typeof ERROR_NAMES, fields: Record<string, unknown> = {}) {
	return expect.objectContaining({ name: ERROR_NAMES[kind], kind, ...fields });
}
