/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * Results as files and files into tables, end to end: workflows run in-process by n8n-core (its default,
 * in-memory binary mode) against the emulator over HTTP on its DuckDB engine, with a result cut into
 * many partitions (partitionRows 3). Files are read back from the binary data n8n stored; tables are
 * read back through the engine.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { plain, runWorkflow, snowflakeWorkflow, type NodeOptions, type RunResult, type WorkflowJson } from './harness';
import { stopWhilePolling, useEmulator } from './setup';

const env = useEmulator({ partitionRows: 3 });
const NODE = 'Snowflake SQL API';
const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

async function sql(...statements: string[]): Promise<Array<Array<string | null>>> {
	return (await env.emulator.sql(statements)).data;
}

/** The workflow with its trigger emitting `items` (json and binary) instead of json only. */
function withItems(workflow: WorkflowJson, items: INodeExecutionData[]): WorkflowJson {
	return { ...workflow, pinData: { Trigger: items as Array<{ json: IDataObject }> } };
}

async function run(parameters: IDataObject, items?: INodeExecutionData[], options: NodeOptions = {}): Promise<RunResult> {
	const workflow = snowflakeWorkflow(parameters, options);
	return await runWorkflow(items ? withItems(workflow, items) : workflow, env.credentials());
}

/** The bytes n8n keeps for a binary property (default mode: base64 in the item). */
function fileBytes(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property] as IBinaryData;
	expect(binary.id).toBeUndefined();
	return Buffer.from(binary.data, 'base64');
}

/** An input item carrying `text` as a binary property, gzipped when asked. */
function fileItem(text: string, fileName: string, options: { gzip?: boolean; property?: string; json?: IDataObject } = {}): INodeExecutionData {
	const bytes = options.gzip ? gzipSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
	return {
		json: options.json ?? {},
		binary: { [options.property ?? 'data']: { data: bytes.toString('base64'), mimeType: options.gzip ? 'application/gzip' : 'text/csv', fileName } },
	};
}

const partitionRequests = () => env.proxy.requests.filter((request) => request.query.partition).map((request) => request.query.partition);

/** Seven rows of every kind of cell CSV has to quote or tell apart, over three partitions. */
const TYPED = 'FILE_TYPED';
async function seedTyped(): Promise<void> {
	await sql(
		`CREATE OR REPLACE TABLE ${TYPED} (N NUMBER(38, 0), BIG NUMBER(38, 0), AMOUNT NUMBER(10, 2), LABEL VARCHAR, OK BOOLEAN, DAY DATE, AT TIMESTAMP_NTZ(6), DOC VARIANT)`,
		`INSERT INTO ${TYPED} SELECT column1, column2, column3, column4, column5, column6, column7, PARSE_JSON(column8) FROM VALUES
			(1, 12345678901234567890123456789012345678, 10.5, 'plain', true, '2024-02-29', '2024-03-01 12:30:00.123456', '{"a":[1,2]}'),
			(2, NULL, -0.25, 'comma, inside', false, '1969-12-31', '1970-01-01 00:00:00', NULL),
			(3, 0, NULL, 'a "quoted" word', NULL, NULL, NULL, '"text"'),
			(4, -9007199254740993, 99999999.99, 'two
lines', true, '2000-01-01', '2000-01-01 00:00:00.000001', '[]'),
			(5, 7, 0, '', true, '2024-01-01', '2024-01-01 00:00:00', '{}'),
			(6, 8, 1, NULL, true, '2024-01-01', '2024-01-01 00:00:00', 'null'),
			(7, 9, 2, 'Straße ✓ 😀', true, '2024-01-01', '2024-01-01 00:00:00', '{"k":"v, q"}')`,
	);
}
const SELECT_TYPED = `SELECT * FROM ${TYPED} ORDER BY N`;

// VARIANT cells are JSON (the string "text" keeps its quotes); a VARIANT JSON null decodes to null like SQL NULL,
// so both are an empty cell (README).
const TYPED_CSV = [
	'N,BIG,AMOUNT,LABEL,OK,DAY,AT,DOC',
	'1,12345678901234567890123456789012345678,10.5,plain,true,2024-02-29,2024-03-01T12:30:00.123456,"{""a"":[1,2]}"',
	'2,,-0.25,"comma, inside",false,1969-12-31,1970-01-01T00:00:00.000000,',
	'3,0,,"a ""quoted"" word",,,,"""text"""',
	'4,-9007199254740993,99999999.99,"two\nlines",true,2000-01-01,2000-01-01T00:00:00.000001,[]',
	'5,7,0,"",true,2024-01-01,2024-01-01T00:00:00.000000,{}',
	'6,8,1,,true,2024-01-01,2024-01-01T00:00:00.000000,',
	'7,9,2,Straße ✓ 😀,true,2024-01-01,2024-01-01T00:00:00.000000,"{""k"":""v, q""}"',
].map((line) => `${line}\r\n`).join('');

describe('Return Results As "File"', () => {
	it('Execute SQL writes every partition into one CSV file, values as the type table renders them', async () => {
		await seedTyped();
		const result = await run({ operation: 'executeQuery', query: SELECT_TYPED, returnAs: 'file', fileFormat: 'csv' });
		expect(result.error()).toBeUndefined();
		const [item] = result.output(NODE);
		expect(plain(result.output(NODE))).toEqual([
			{
				json: {
					statementHandle: HANDLE,
					numRows: 7,
					rowType: expect.arrayContaining([expect.objectContaining({ name: 'N', type: 'fixed' }), expect.objectContaining({ name: 'DOC', type: 'variant' })]),
					fileName: `${item.json.statementHandle as string}.csv`,
					mimeType: 'text/csv',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(fileBytes(item).toString('utf8')).toBe(TYPED_CSV);
		expect(item.binary?.data).toMatchObject({ mimeType: 'text/csv', fileExtension: 'csv', fileName: `${item.json.statementHandle as string}.csv` });
		// Seven rows, three per partition: partitions 1 and 2 were fetched, in order.
		expect(partitionRequests()).toEqual(['1', '2']);
	});

	it('JSON Lines hold exactly the rows One Item per Row returns; gzip and a chosen name and field', async () => {
		await seedTyped();
		const items = await run({ operation: 'executeQuery', query: SELECT_TYPED });
		const rows = items.output(NODE).map((item) => item.json);
		const result = await run({
			operation: 'executeQuery',
			query: SELECT_TYPED,
			returnAs: 'file',
			fileFormat: 'jsonl',
			binaryPropertyName: 'export',
			fileOptions: { compression: 'gzip', fileName: 'typed.jsonl.gz' },
		});
		const [item] = result.output(NODE);
		expect(item.json).toMatchObject({ numRows: 7, fileName: 'typed.jsonl.gz', mimeType: 'application/gzip' });
		const text = gunzipSync(fileBytes(item, 'export')).toString('utf8');
		expect(text.endsWith('\n')).toBe(true);
		expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(rows);
	});

	it('Select Rows as a file with a tab delimiter, one file per input item, each with its own conditions', async () => {
		await seedTyped();
		const result = await run(
			{
				operation: 'select',
				table: { __rl: true, mode: 'name', value: TYPED },
				returnAll: true,
				outputColumns: 'N, LABEL',
				where: { values: [{ column: 'N', condition: 'lessOrEqual', value: '={{ $json.upTo }}' }] },
				sort: { values: [{ column: 'N', direction: 'ASC' }] },
				returnAs: 'file',
				fileOptions: { delimiter: '\\t' },
			},
			[{ json: { upTo: 2 } }, { json: { upTo: 0 } }],
		);
		const output = result.output(NODE);
		expect(output.map((item) => [item.json.numRows, item.pairedItem])).toEqual([
			[2, { item: 0 }],
			[0, { item: 1 }],
		]);
		expect(fileBytes(output[0]).toString('utf8')).toBe('N\tLABEL\r\n1\tplain\r\n2\tcomma, inside\r\n');
		// No row: the header alone.
		expect(fileBytes(output[1]).toString('utf8')).toBe('N\tLABEL\r\n');
	});

	it('Get Statement Results writes all partitions of a handle; not waiting, a running statement gives its status', async () => {
		await seedTyped();
		const submitted = await run({ operation: 'submitAsync', query: SELECT_TYPED });
		const handle = submitted.output(NODE)[0].json.statementHandle as string;
		await env.emulator.statement(handle)?.settled;
		const result = await run({ operation: 'getResults', statementHandle: handle, returnAs: 'file', waitForCompletion: true });
		expect(result.error()).toBeUndefined();
		const [item] = result.output(NODE);
		expect(item.json).toMatchObject({ statementHandle: handle, numRows: 7, fileName: `${handle}.csv` });
		expect(fileBytes(item).toString('utf8')).toBe(TYPED_CSV);

		const slow = await run({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(2)' });
		const slowHandle = slow.output(NODE)[0].json.statementHandle as string;
		const status = await run({ operation: 'getResults', statementHandle: slowHandle, returnAs: 'file', waitForCompletion: false });
		expect(plain(status.output(NODE))).toEqual([
			{ json: { statementHandle: slowHandle, status: 'running', code: '333334', message: expect.any(String) }, pairedItem: { item: 0 } },
		]);
		expect(status.output(NODE)[0].binary).toBeUndefined();
		await env.emulator.statement(slowHandle)?.settled;
	});

	it('Max Rows with On Limit "Stop" cuts the file and says so; "Fail" fails before any partition is read', async () => {
		await seedTyped();
		const cut = await run({ operation: 'executeQuery', query: SELECT_TYPED, returnAs: 'file', options: { maxRows: 4, onMaxRows: 'truncate' } });
		const [item] = cut.output(NODE);
		expect(item.json).toMatchObject({ numRows: 4, truncated: true });
		expect(fileBytes(item).toString('utf8').split('\r\n')).toHaveLength(6); // header, 4 rows (one of two lines), ''
		expect(partitionRequests()).toEqual(['1']);
		env.proxy.requests.splice(0);
		const failed = await run({ operation: 'executeQuery', query: SELECT_TYPED, returnAs: 'file', options: { maxRows: 4 } }, undefined, {
			onError: 'continueRegularOutput',
		});
		expect(failed.output(NODE)[0].json).toMatchObject({ error: expect.stringContaining('more than the maximum of 4') });
		expect(partitionRequests()).toEqual([]);
	});

	it('refuses Multi-Statement and Query Batching "Transaction", per item with Continue', async () => {
		const multi = await run(
			{ operation: 'executeQuery', query: 'SELECT 1; SELECT 2', returnAs: 'file', options: { multiStatement: true } },
			undefined,
			{ onError: 'continueRegularOutput' },
		);
		expect(multi.output(NODE)[0].json.error).toMatch(/turn off Options > Multi-Statement/);
		const transaction = await run({ operation: 'executeQuery', query: 'SELECT 1', returnAs: 'file', options: { queryBatching: 'transaction' } });
		expect(transaction.error()?.message).toMatch(/Query Batching "Transaction"/);
		expect(env.proxy.submits()).toEqual([]);
	});

	it('stopping the execution while the statement runs cancels it on Snowflake', async () => {
		env.emulator.syncWaitMs = 200;
		try {
			const workflow = snowflakeWorkflow({ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(60)', returnAs: 'file' });
			const { result, handle, cancels } = await stopWhilePolling(env, workflow, env.credentials());
			expect(cancels).toBe(1);
			expect(result.error()?.message).toBe(`Execution was canceled; Snowflake canceled statement ${handle}.`);
			expect(result.run.status).toBe('canceled');
			expect(env.emulator.statement(handle)?.failure).toMatchObject({ code: '000604' });
		} finally {
			env.emulator.syncWaitMs = 45_000;
		}
	});
});

const ORDERS = 'FILE_ORDERS';
const CREATE_ORDERS = `CREATE OR REPLACE TABLE ${ORDERS} (ID NUMBER(10, 0), CUSTOMER VARCHAR, AMOUNT NUMBER(10, 2), PAID BOOLEAN, NOTE VARCHAR, DOC VARIANT)`;
const SELECT_ORDERS = `SELECT ID, CUSTOMER, AMOUNT, PAID, NOTE, DOC FROM ${ORDERS} ORDER BY ID`;
const table = { __rl: true, mode: 'name', value: ORDERS };

describe('Insert and Insert or Update "From a File"', () => {
	it('a CSV file goes into the table: header names the columns, quoted values, NULL vs empty, gzip detected', async () => {
		await sql(CREATE_ORDERS);
		const csv = 'id,customer,amount,paid,note,doc\r\n1,Ada,12.50,true,"says ""hi"", twice","{""a"":1}"\r\n2,Grace,30,false,,\n3,"Li\nnus",7.25,,"",[1]\r\n';
		const result = await run(
			{ operation: 'insert', table, dataMode: 'file', options: { columnTypes: { types: [{ column: 'doc', type: 'VARIANT' }] } } },
			[fileItem(csv, 'orders.csv.gz', { gzip: true })],
		);
		expect(result.error()).toBeUndefined();
		expect(plain(result.output(NODE))).toEqual([{ json: { table: ORDERS, fileName: 'orders.csv.gz', numRows: 3, statements: 1 }, pairedItem: { item: 0 } }]);
		expect(await sql(SELECT_ORDERS)).toEqual([
			// VARIANT cells come back pretty-printed, as Snowflake sends them.
			['1', 'Ada', '12.50', 'true', 'says "hi", twice', JSON.stringify({ a: 1 }, null, 2)],
			['2', 'Grace', '30.00', 'false', null, null],
			['3', 'Li\nnus', '7.25', null, '', JSON.stringify([1], null, 2)],
		]);
	});

	it('round trip: a table exported as CSV and loaded into an empty copy holds the same rows', async () => {
		await sql(CREATE_ORDERS, `INSERT INTO ${ORDERS} SELECT column1, column2, column3, column4, column5, NULL FROM VALUES
			(1, 'Ada, "the first"', 12.5, true, ''), (2, NULL, 30, false, 'x'), (3, 'Zoë 😀', -7.25, NULL, NULL), (4, 'tab\there', 0, true, 'a
b'), (5, 'e', 1, true, 'f'), (6, 'g', 2, false, 'h'), (7, 'i', 3, true, 'j')`);
		await sql(`CREATE OR REPLACE TABLE ${ORDERS}_COPY (ID NUMBER(10, 0), CUSTOMER VARCHAR, AMOUNT NUMBER(10, 2), PAID BOOLEAN, NOTE VARCHAR, DOC VARIANT)`);
		const exported = await run({ operation: 'executeQuery', query: `SELECT ID, CUSTOMER, AMOUNT, PAID, NOTE FROM ${ORDERS} ORDER BY ID`, returnAs: 'file' });
		const [file] = exported.output(NODE);
		const loaded = await run({ operation: 'insert', table: { ...table, value: `${ORDERS}_COPY` }, dataMode: 'file' }, [file]);
		expect(loaded.output(NODE)[0].json).toMatchObject({ numRows: 7 });
		expect(await sql(`SELECT * FROM ${ORDERS}_COPY ORDER BY ID`)).toEqual(await sql(`SELECT * FROM ${ORDERS} ORDER BY ID`));
	});

	it('Insert or Update from JSON Lines: values keep their JSON types, objects go to VARIANT, later lines win', async () => {
		await sql(CREATE_ORDERS, `INSERT INTO ${ORDERS} VALUES (1, 'Ada', 12.5, false, 'old', NULL)`);
		const jsonl = [
			'{"id":1,"paid":true,"doc":{"tags":["vip"]}}',
			'',
			'{"id":2,"customer":"Grace","amount":30,"note":null}',
			'{"id":2,"amount":31.5}\r',
		].join('\n');
		const result = await run({ operation: 'upsert', table, dataMode: 'file', fileFormat: 'jsonl', matchColumns: 'id' }, [
			fileItem(jsonl, 'changes.jsonl'),
		]);
		expect(result.error()).toBeUndefined();
		expect(result.output(NODE)[0].json).toEqual({ table: ORDERS, fileName: 'changes.jsonl', numRows: 3, statements: expect.any(Number) });
		expect(await sql(SELECT_ORDERS)).toEqual([
			['1', 'Ada', '12.50', 'true', 'old', JSON.stringify({ tags: ['vip'] }, null, 2)],
			['2', 'Grace', '31.50', null, null, null],
		]);
	});

	it.each([
		['a quote inside an unquoted field', 'id,customer\n1,Ada\n2,Gr"ace\n', /malformed at line 3: a quote inside an unquoted field/],
		['text after a closing quote', 'id,customer\n1,"Ada"x\n', /malformed at line 2: text after the closing quote/],
		['a quote never closed', 'id,customer\n1,Ada\n2,"Grace\n3,Linus\n', /quoted field opened at line 3 is never closed/],
		['a line with too many fields', 'id,customer\n1,Ada\n2,Grace,extra\n', /Line 3 of the CSV file has 3 fields, but its header has 2/],
		['an empty file', '', /The CSV file is empty/],
		['a header naming a column twice', 'id,ID\n1,2\n', /'id' and 'ID' both name column "ID"/],
	])('a CSV file with %s fails naming the line, and nothing is written', async (_label, csv, message) => {
		await sql(CREATE_ORDERS);
		const result = await run({ operation: 'insert', table, dataMode: 'file' }, [fileItem(csv, 'bad.csv')]);
		expect(result.error()?.message).toMatch(message);
		expect(env.proxy.submits()).toEqual([]);
		expect(await sql(SELECT_ORDERS)).toEqual([]);
	});

	it('errors per item with Continue: a missing binary field, a JSON line that is no object, a missing match column', async () => {
		await sql(CREATE_ORDERS);
		const result = await run(
			{ operation: 'upsert', table, dataMode: 'file', fileFormat: 'jsonl', matchColumns: 'id' },
			[{ json: {} }, fileItem('{"id":1}\n[1,2]\n', 'a.jsonl'), fileItem('{"id":1}\n{"customer":"x"}\n', 'b.jsonl'), fileItem('{"id":9,"customer":"ok"}\n', 'c.jsonl')],
			{ onError: 'continueRegularOutput' },
		);
		const output = result.output(NODE);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(output[0].json.error).toMatch(/binary/i);
		expect(output[1].json.error).toBe('Line 2 of the JSON Lines file is an array, not an object of column values.');
		expect(output[2].json.error).toBe("Line 2 has no value for the column to match on 'id'.");
		expect(output[3].json).toEqual({ table: ORDERS, fileName: 'c.jsonl', numRows: 1, statements: 1 });
		expect(await sql(`SELECT ID, CUSTOMER FROM ${ORDERS}`)).toEqual([['9', 'ok']]);
	});

	it('a statement refused in the middle of a big file names its lines and the rows already written', async () => {
		await sql(`CREATE OR REPLACE TABLE ${ORDERS}_BIG (ID NUMBER(10, 0), AMOUNT NUMBER(10, 2))`);
		const lines = ['id,amount'];
		for (let id = 1; id <= 40_000; id++) lines.push(`${id},${id === 39_999 ? 'not a number' : id / 100}`);
		const result = await run({ operation: 'insert', table: { ...table, value: `${ORDERS}_BIG` }, dataMode: 'file' }, [
			fileItem(`${lines.join('\n')}\n`, 'big.csv'),
		]);
		const error = result.error();
		expect(error?.description).toMatch(/The statement for lines \d+–40001 of the file failed\. The \d+ rows before \(up to line \d+\) were written in \d+ statements and stay written/);
		const written = Number(/The (\d+) rows before/.exec(error?.description ?? '')?.[1]);
		expect(written).toBeGreaterThan(0);
		expect(await sql(`SELECT COUNT(*), MAX(ID) FROM ${ORDERS}_BIG`)).toEqual([[String(written), String(written)]]);
	});
});
