/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The hostile server's answers, built for the recording proxy's `respond` hook: well-formed SQL API
 * bodies with one thing wrong, malformed and compressed bodies, bodies that never end, and the JWT of
 * the request echoed back in any field.
 */
import type { ServerResponse } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';

import type { ProxyAnswer, RecordedRequest } from '../workflows/recordingProxy';

export const HANDLE = '01b2c3d4-0000-1111-0000-00000000abcd';
const JSON_TYPE = { 'content-type': 'application/json' };

export const isSubmit = (request: RecordedRequest): boolean => request.method === 'POST' && request.path === '/api/v2/statements';
export const isCancel = (request: RecordedRequest): boolean => request.method === 'POST' && request.path.endsWith('/cancel');
export const isPartition = (request: RecordedRequest): boolean => request.method === 'GET' && request.query.partition !== undefined && request.query.partition !== '0';
export const isStatus = (request: RecordedRequest): boolean => request.method === 'GET' && !isPartition(request);

/** The bearer token of the request (what a hostile server would echo). */
export const tokenOf = (request: RecordedRequest): string => /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1] ?? '';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ProxyAnswer {
	return { status, headers: { ...JSON_TYPE, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

export const NUMBER_COLUMN = { name: 'N', type: 'fixed', scale: 0, precision: 38, nullable: false, byteLength: null, length: null };

export interface ResultSetShape {
	rowType?: unknown;
	data?: unknown;
	partitionInfo?: unknown;
	numRows?: unknown;
	statementHandle?: unknown;
	extra?: Record<string, unknown>;
}

/** A 200 ResultSet (one column N, one row, one partition unless told otherwise). */
export function resultSet(shape: ResultSetShape = {}): ProxyAnswer {
	// `null` is a hostile value of its own here, so only a missing field takes the default.
	const data = 'data' in shape ? shape.data : [['1']];
	return json(200, {
		resultSetMetaData: {
			numRows: shape.numRows ?? (Array.isArray(data) ? data.length : 0),
			format: 'jsonv2',
			rowType: 'rowType' in shape ? shape.rowType : [NUMBER_COLUMN],
			partitionInfo: shape.partitionInfo ?? [{ rowCount: Array.isArray(data) ? data.length : 0, uncompressedSize: 64 }],
		},
		data,
		code: '090001',
		sqlState: '00000',
		message: 'Statement executed successfully.',
		statementHandle: shape.statementHandle ?? HANDLE,
		statementStatusUrl: `/api/v2/statements/${HANDLE}`,
		...shape.extra,
	});
}

/** A 202 "still running" (the handle and status URL may be hostile). */
export function running(statementHandle: unknown = HANDLE, statementStatusUrl: unknown = `/api/v2/statements/${HANDLE}`): ProxyAnswer {
	return json(202, { code: '333334', message: 'Asynchronous execution in progress.', statementHandle, statementStatusUrl });
}

/** A 422 SQL error whose fields are given (a hostile server may put anything there). */
export function sqlError(fields: Record<string, unknown>): ProxyAnswer {
	return json(422, { code: '002003', sqlState: '42S02', message: 'SQL compilation error: Object does not exist.', statementHandle: HANDLE, ...fields });
}

export function gzipped(body: string | Buffer, status = 200): ProxyAnswer {
	return { status, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: gzipSync(body) };
}

/** `mib` MB of zeros as one gzip stream (about 1 KB per MB), written 1 MB at a time. */
export async function zerosGzipped(mib: number): Promise<Buffer> {
	const gzip = createGzip({ level: 9 });
	const chunks: Buffer[] = [];
	gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
	const done = new Promise((resolve) => gzip.on('end', resolve));
	const zeros = Buffer.alloc(1024 * 1024);
	for (let written = 0; written < mib; written++) {
		if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
	}
	gzip.end();
	await done;
	return Buffer.concat(chunks);
}

/** Headers at once, then `unit` every `everyMs` forever: never idle, never done. */
export function drip(stops: Array<() => void>, unit = ' ', everyMs = 20): ProxyAnswer {
	return {
		write: (response: ServerResponse) => {
			response.writeHead(200, JSON_TYPE);
			response.write('{"data": [');
			const timer = setInterval(() => response.write(unit), everyMs);
			const stop = () => clearInterval(timer);
			stops.push(stop);
			response.on('close', stop);
		},
	};
}

/** Headers, then nothing at all (the connection stays open). */
export function silentAfterHeaders(): ProxyAnswer {
	return { write: (response: ServerResponse) => response.writeHead(200, JSON_TYPE) };
}

/** Promises `declared` bytes, sends `body`, then drops the connection. */
export function cutShort(body: string, declared: number): ProxyAnswer {
	return {
		write: (response: ServerResponse) => {
			response.writeHead(200, { ...JSON_TYPE, 'content-length': String(declared) });
			response.write(body, () => response.destroy());
		},
	};
}
