/**
 * Response shapes seen on real Snowflake (issue 14, the client's facts 4, 7, 8, 9, 10), through the node in
 * n8n-core over real HTTP. Bodies the emulator does not give are answered by the recording proxy itself:
 * the GEOGRAPHY fixture (origins in its `_origin`), and the shapes of Snowflake's documentation (cited at
 * each). Everything else goes to the emulator, whose account here is MYORG-MYACCOUNT (fact 10).
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import geographyFixture from '../emulator/captures/composed-geography.200.json';
import type { ProxyAnswer, RecordedRequest } from './recordingProxy';
import { plain, runWorkflow, snowflakeWorkflow, type RunResult } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ account: 'MYORG-MYACCOUNT' });
const NODE = 'Snowflake SQL API';
const SUBMIT = '/api/v2/statements';
const PARENT = '01bd6ed0-0502-3101-0000-096d0042107e';
const CHILD_DDL = '01bd6ed0-0502-3101-0000-096d00421082';
const CHILD_SELECT = '01bd6ed0-0502-3101-0000-096d00421086';

function body(value: unknown, status = 200): ProxyAnswer {
	return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** The proxy answers these paths itself (exact path, any method); everything else reaches the emulator. */
function answer(routes: Record<string, ProxyAnswer>): void {
	env.proxy.respond = (request: RecordedRequest) => routes[request.path];
}

async function run(parameters: IDataObject, credentials: ICredentialDataDecryptedObject = {}): Promise<RunResult> {
	return await runWorkflow(snowflakeWorkflow(parameters), env.credentials(credentials));
}

function text(name: string) {
	return { name, database: '', schema: '', table: '', type: 'text', length: 16777216, byteLength: 16777216, precision: null, scale: null, nullable: true, collation: null };
}

function fixed(name: string) {
	return { name, database: '', schema: '', table: '', type: 'fixed', length: null, byteLength: null, precision: 19, scale: 0, nullable: false, collation: null };
}

/** A 200 ResultSet; `partitionInfo` only when given (Snowflake's DDL, CALL and multi-statement examples have none). */
function resultSet(handle: string, rowType: object[], data: string[][], extra: { partitionInfo?: object[]; stats?: object; metaStats?: object; statementHandles?: string[] } = {}) {
	return {
		resultSetMetaData: {
			numRows: data.length,
			format: 'jsonv2',
			...(extra.partitionInfo ? { partitionInfo: extra.partitionInfo } : {}),
			rowType,
			...(extra.metaStats ? { stats: extra.metaStats } : {}),
		},
		data,
		code: '090001',
		statementStatusUrl: `/api/v2/statements/${handle}?requestId=5ac4a2e2-6f1a-4cdd-8a5b-7ac1b8a7f3a1`,
		requestId: '5ac4a2e2-6f1a-4cdd-8a5b-7ac1b8a7f3a1',
		sqlState: '00000',
		statementHandle: handle,
		message: 'Statement executed successfully.',
		createdOn: 1625684162876,
		...(extra.stats ? { stats: extra.stats } : {}),
		...(extra.statementHandles ? { statementHandles: extra.statementHandles } : {}),
	};
}

describe('fact 4: GEOGRAPHY and GEOMETRY columns (type object + extTypeName)', () => {
	it('replays the fixture through the node: pretty GeoJSON cells become GeoJSON objects, extTypeName stays in rowType', async () => {
		answer({ [SUBMIT]: body(geographyFixture.response) });
		const rows = await run({ operation: 'executeQuery', query: 'SELECT ID, G, M FROM PLACES ORDER BY ID' });
		expect(rows.run.status).toBe('success');
		expect(plain(rows.output(NODE))).toEqual([
			{ json: { ID: 1, G: { coordinates: [-122.35, 37.55], type: 'Point' }, M: { coordinates: [20, 40], type: 'Point' } }, pairedItem: { item: 0 } },
			{ json: { ID: 2, G: { coordinates: [[-124.2, 42], [-120.01, 41.99]], type: 'LineString' }, M: null }, pairedItem: { item: 0 } },
			{ json: { ID: 3, G: null, M: null }, pairedItem: { item: 0 } },
		]);

		const metadata = await run({ operation: 'executeQuery', query: 'SELECT ID, G, M FROM PLACES', options: { output: 'metadata' } });
		const rowType = metadata.output(NODE)[0].json.rowType as IDataObject[];
		expect(rowType.map((column) => [column.name, column.type, column.extTypeName])).toEqual([
			['ID', 'fixed', undefined],
			['G', 'object', 'GEOGRAPHY'],
			['M', 'object', 'GEOMETRY'],
		]);
	});
});

describe('fact 7: DDL, CALL and multi-statement results with and without partitionInfo', () => {
	// The DDL shape: one text column "status" (Snowflake's DDL answer); the CALL shape: one column named after
	// the procedure. Snowflake's documented examples carry no partitionInfo; other responses do.
	const ddl = (partitionInfo?: object[]) => resultSet(CHILD_DDL, [text('status')], [['Table T1 successfully created.']], { partitionInfo });
	const call = (partitionInfo?: object[]) => resultSet(CHILD_DDL, [text('MY_PROC')], [['done']], { partitionInfo });

	it.each([
		['DDL without partitionInfo', ddl(), { status: 'Table T1 successfully created.' }],
		['DDL with partitionInfo', ddl([{ rowCount: 1, uncompressedSize: 43 }]), { status: 'Table T1 successfully created.' }],
		['CALL without partitionInfo', call(), { MY_PROC: 'done' }],
		['CALL with partitionInfo', call([{ rowCount: 1, uncompressedSize: 14 }]), { MY_PROC: 'done' }],
	])('single statement, %s', async (_label, response, row) => {
		answer({ [SUBMIT]: body(response) });
		const result = await run({ operation: 'executeQuery', query: 'CREATE TABLE T1 (ID INT)' });
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([{ json: row, pairedItem: { item: 0 } }]);
	});

	// The parent of a multi-statement request, as Snowflake's "Using transactions" page shows it (no
	// partitionInfo); its children read with their own handles.
	const parent = (partitionInfo?: object[]) =>
		resultSet(PARENT, [{ ...text('multiple statement execution'), nullable: false }], [['Multiple statements executed successfully.']], {
			partitionInfo,
			statementHandles: [CHILD_DDL, CHILD_SELECT],
		});

	it.each([
		['no partitionInfo anywhere', undefined, undefined],
		['partitionInfo on the parent and the children', [{ rowCount: 1, uncompressedSize: 60 }], [{ rowCount: 2, uncompressedSize: 20 }]],
	])('multi-statement, %s', async (_label, parentPartitions, childPartitions) => {
		answer({
			[SUBMIT]: body(parent(parentPartitions)),
			[`${SUBMIT}/${CHILD_DDL}`]: body(ddl(childPartitions && [{ rowCount: 1, uncompressedSize: 43 }])),
			[`${SUBMIT}/${CHILD_SELECT}`]: body(resultSet(CHILD_SELECT, [fixed('ID')], [['1'], ['2']], { partitionInfo: childPartitions })),
		});
		const result = await run({ operation: 'executeQuery', query: 'CREATE TABLE T1 (ID INT); SELECT ID FROM T1', options: { multiStatement: true } });
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([
			{ json: { status: 'Table T1 successfully created.', statementIndex: 0, statementHandle: CHILD_DDL }, pairedItem: { item: 0 } },
			{ json: { ID: 1, statementIndex: 1, statementHandle: CHILD_SELECT }, pairedItem: { item: 0 } },
			{ json: { ID: 2, statementIndex: 1, statementHandle: CHILD_SELECT }, pairedItem: { item: 0 } },
		]);
	});
});

describe('fact 8: DML stats at the top level or in resultSetMetaData', () => {
	const insert = (where: 'stats' | 'metaStats') =>
		resultSet(CHILD_DDL, [fixed('number of rows inserted')], [['2']], {
			partitionInfo: [{ rowCount: 1, uncompressedSize: 10 }],
			[where]: { numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 },
		});

	it.each([
		['top-level stats (the OpenAPI file and some pages)', insert('stats')],
		['resultSetMetaData.stats (other pages, and a client validated against the live API)', insert('metaStats')],
	])('%s reach the Statement Metadata output', async (_label, response) => {
		answer({ [SUBMIT]: body(response) });
		const result = await run({ operation: 'executeQuery', query: 'INSERT INTO T1 VALUES (1), (2)', options: { output: 'metadata' } });
		expect(result.run.status).toBe('success');
		expect(result.output(NODE)[0].json.stats).toEqual({ numRowsInserted: 2, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 });
	});

	it('Update Rows reads resultSetMetaData.stats to compare the rows changed with the items sent', async () => {
		answer({
			[SUBMIT]: body(
				resultSet(CHILD_DDL, [fixed('number of rows updated'), fixed('number of multi-joined rows updated')], [['0', '0']], {
					partitionInfo: [{ rowCount: 1, uncompressedSize: 10 }],
					metaStats: { numRowsUpdated: 0, numDuplicateRowsUpdated: 0 },
				}),
			),
		});
		const result = await runWorkflow(
			snowflakeWorkflow(
				{ operation: 'update', table: { __rl: true, mode: 'name', value: 'T1' }, matchColumns: 'ID', dataMode: 'autoMapInputData' },
				{ items: [{ ID: 1, NAME: 'one' }] },
			),
			env.credentials(),
		);
		expect(result.run.status).toBe('success');
		expect(result.run.data.resultData.runData[NODE][0].hints).toEqual([
			{ message: 'Update updated 0 rows for 1 distinct match value: some items matched no row.', type: 'warning', location: 'outputPane' },
		]);
	});
});

describe('fact 9: unknown (000709) and expired (000710) statements say what to do', () => {
	const HANDLE = '01bad820-0000-43c9-0000-3c790003200e';

	it('Get Statement Results of an expired result (422 000710)', async () => {
		answer({
			[`${SUBMIT}/${HANDLE}`]: body({ code: '000710', sqlState: '02000', message: `Result for query ${HANDLE} has expired`, statementHandle: HANDLE }, 422),
		});
		const result = await run({ operation: 'getResults', statementHandle: HANDLE });
		const error = result.error();
		expect(error?.message).toBe(`Result for query ${HANDLE} has expired (code 000710, SQL state 02000)`);
		expect(error?.description).toBe(
			`The result of this statement has expired and cannot be read any more: Snowflake keeps a statement's result for 24 hours after it ran. Run the statement again (Execute SQL, or Submit SQL (Async) and then Get Statement Results) and read its result within 24 hours.\nStatement handle: ${HANDLE}`,
		);
	});

	it('the same hint when the code comes with a status the SQL API documents no body for (404)', async () => {
		answer({
			[`${SUBMIT}/${HANDLE}`]: body({ code: '000710', message: `Result for query ${HANDLE} has expired` }, 404),
		});
		const error = (await run({ operation: 'getResults', statementHandle: HANDLE })).error();
		expect(error?.message).toBe(`Snowflake returned HTTP 404: Result for query ${HANDLE} has expired (code 000710)`);
		expect(error?.description).toMatch(/^The result of this statement has expired and cannot be read any more: Snowflake keeps a statement's result for 24 hours after it ran\./);
	});

	const UNKNOWN =
		"Snowflake knows no statement with this handle. Check the Statement Handle: it must be one this account returned; a mistyped handle, one from another account or Host, or one older than the results Snowflake keeps is unknown here (Snowflake keeps a statement's result for 24 hours after it ran). Cancel Statement also answers this when the statement is no longer running (it finished, failed or was canceled): there is nothing left to cancel.";

	it.each([
		['Get Statement Results', { operation: 'getResults' }],
		['Cancel Statement', { operation: 'cancel' }],
	])('%s of a handle the emulator does not know (422 000709)', async (_label, parameters) => {
		const result = await run({ ...parameters, statementHandle: HANDLE });
		const error = result.error();
		expect(error?.message).toBe(`Statement ${HANDLE} not found (code 000709, SQL state 02000)`);
		expect(error?.description).toBe(`${UNKNOWN}\nStatement handle: ${HANDLE}`);
	});
});

describe('fact 10: an account typed myorg.myaccount', () => {
	it('signs for MYORG-MYACCOUNT, which the emulator (account MYORG-MYACCOUNT) accepts', async () => {
		const result = await run({ operation: 'executeQuery', query: 'SELECT 1 AS ONE' }, { account: 'myorg.myaccount' });
		expect(result.run.status).toBe('success');
		expect(plain(result.output(NODE))).toEqual([{ json: { ONE: 1 }, pairedItem: { item: 0 } }]);
		const claims = env.proxy.tokens().map((token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as IDataObject);
		expect(claims.map((claim) => claim.sub)).toEqual([`MYORG-MYACCOUNT.${env.emulator.user}`]);
	});
});
