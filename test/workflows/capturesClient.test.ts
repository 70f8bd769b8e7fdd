/**
 * Captured (or capture-framed) answers whose handling is the client's part of issue 14 (facts 8 and 9): they
 * fail until the client branch (i14-client) is merged, and pass with it. The expectations are the right ones,
 * not today's behaviour: DML stats are read from resultSetMetaData too, and 000709/000710 come with a hint that
 * says what happened to the handle.
 */
import { describe, expect, it } from 'vitest';

import { capture, dmlAnswer, serve } from './captureReplay';
import { plain, runWorkflow, snowflakeWorkflow } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ syncWaitMs: 50 });
const NODE = 'Snowflake SQL API';

describe('fact 8: DML stats in resultSetMetaData', () => {
	it('reads stats that sit in resultSetMetaData.stats (a client validated against the live API puts them there)', async () => {
		serve(env.proxy, { status: 200, body: dmlAnswer('resultSetMetaData') });
		const result = await runWorkflow(snowflakeWorkflow({ operation: 'executeQuery', query: 'INSERT INTO T VALUES (1), (2)', options: { output: 'metadata' } }), env.credentials());
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))[0].json.stats).toEqual({ numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 });
	});
});

describe('fact 9: unknown and expired handles', () => {
	/** Get Statement Results of `handle` while the proxy answers its GET with `status`/`body`. */
	async function getResults(handle: string, body: unknown) {
		serve(env.proxy, { status: 200, body: {} }, { [handle]: { status: 422, body } });
		return await runWorkflow(snowflakeWorkflow({ operation: 'getResults', statementHandle: handle }), env.credentials());
	}

	it('000710: Snowflake\'s message, and a hint that the result expired (kept 24 hours), before the handle line', async () => {
		const captured = capture('python-connector-expired-result.000710.json');
		const handle = '01ace5f8-0503-2405-0074-1783000d3146';
		const result = await getResults(handle, { code: captured.code, message: captured.message, sqlState: captured.data.sqlState, statementHandle: handle });
		expect(result.error()?.message).toBe(`${captured.message} (code 000710, SQL state 02000)`);
		expect(result.error()?.description).toMatch(new RegExp(`^[^\\n]*(expire|24 hours)[^\\n]*\\nStatement handle: ${handle}$`, 'i'));
	});

	it('000709: Snowflake\'s message, and a hint that the handle is unknown to this account, before the handle line', async () => {
		const handle = '01000000-0000-0000-0000-000000000000';
		const result = await getResults(handle, { code: '000709', message: `Statement ${handle} not found`, sqlState: '02000', statementHandle: handle });
		expect(result.error()?.message).toBe(`Statement ${handle} not found (code 000709, SQL state 02000)`);
		expect(result.error()?.description).toMatch(new RegExp(`^[^\\n]*(not found|unknown|no statement|does not exist)[^\\n]*\\nStatement handle: ${handle}$`, 'i'));
	});
});
