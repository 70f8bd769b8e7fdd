/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Replaying captured Snowflake bodies (test/emulator/captures, origins in its README) through the node:
 * the recording proxy answers with them instead of the emulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ProxyAnswer, RecordedRequest, RecordingProxy } from './recordingProxy';

const CAPTURES = join(__dirname, '..', 'emulator', 'captures');

/** A captured body, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON, read field by field by the tests
export const capture = (file: string): any => JSON.parse(readFileSync(join(CAPTURES, file), 'utf8'));

export const isSubmit = (request: RecordedRequest): boolean => request.method === 'POST' && request.path === '/api/v2/statements';

const json = (status: number, body: unknown): ProxyAnswer => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** The proxy answers the submit with `submit`, and a GET of a handle (no partition) with `statuses[handle]`. */
export function serve(proxy: RecordingProxy, submit: { status: number; body: unknown }, statuses: Record<string, { status: number; body: unknown }> = {}): void {
	proxy.respond = (request) => {
		if (isSubmit(request)) return json(submit.status, submit.body);
		const handle = /^\/api\/v2\/statements\/([^/]+)$/.exec(request.path)?.[1];
		const answer = request.method === 'GET' && handle ? statuses[handle] : undefined;
		return answer && json(answer.status, answer.body);
	};
}

/**
 * A DML answer in the captured frame (the Grafbase capture's top-level fields) with Snowflake's documented
 * `stats`: `where` says whether they sit at the top level (Snowflake's pages) or in resultSetMetaData (a client
 * validated against the live API, simstudioai/sim#6407). Constructed: no public capture of a DML body was found.
 */
export function dmlAnswer(where: 'top' | 'resultSetMetaData'): Record<string, unknown> {
	const frame = capture('grafbase-select-binding.200.json');
	const stats = { numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 };
	const rowType = [{ ...frame.resultSetMetaData.rowType[0], name: 'number of rows inserted', precision: 19 }];
	const resultSetMetaData = { ...frame.resultSetMetaData, rowType, ...(where === 'resultSetMetaData' ? { stats } : {}) };
	return { ...frame, resultSetMetaData, data: [['2']], ...(where === 'top' ? { stats } : {}) };
}
