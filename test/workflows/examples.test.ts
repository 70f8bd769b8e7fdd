/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Every importable workflow under examples/ runs as exported (pinned items on the Manual Trigger) against
 * the emulator's DuckDB engine. The examples work on the table `demo_orders`, created here the way
 * `npm run demo` (scripts/demo.ts) creates it, with the rows each example expects; every Snowflake node's
 * output is compared whole (values, JS types, pairedItem) and the table is read back after the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { plain, runningPage, runWorkflow, SNOWFLAKE_TYPE, TRIGGER_TYPE, type RunResult, type WorkflowJson } from './harness';
import { until, useEmulator } from './setup';

const env = useEmulator();
const directory = join(__dirname, '..', '..', 'examples');
const files = readdirSync(directory).filter((file) => file.endsWith('.json'));

const HANDLE = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const REQUEST_ID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
/** The table as scripts/demo.ts creates it. */
const CREATE_TABLE = 'CREATE OR REPLACE TABLE demo_orders (id NUMBER(10, 0), customer VARCHAR, amount NUMBER(10, 2), status VARCHAR)';
const ORDERS = {
	ada: "(1, 'Ada', 12.5, 'new')",
	grace: "(2, 'Grace', 30, 'new')",
	linus: "(3, 'Linus', 7.25, 'new')",
};

/** Runs statements on the emulator's engine (default database and schema); the last one's jsonv2 cells. */
async function sql(...statements: string[]): Promise<Array<Array<string | null>>> {
	return (await env.emulator.sql(statements)).data;
}

type Item = { json: unknown; pairedItem: unknown };

interface ExampleCase {
	/** Rows of demo_orders before the run (SQL VALUES tuples); absent: the example needs no table. */
	seed?: string[];
	/** Output of each Snowflake node, by node name. */
	outputs: Record<string, Item[]>;
	/** demo_orders after the run (id, customer, amount, status as jsonv2 text), ordered by id. */
	table?: Array<Array<string | null>>;
	/** Further checks once the run is over. */
	after?: (result: RunResult, workflow: WorkflowJson) => Promise<void>;
}

const item0 = (json: unknown): Item => ({ json, pairedItem: { item: 0 } });
const FIVE_ROWS_DONE = (statementHandle: unknown) => ({
	statementHandle,
	requestId: REQUEST_ID,
	status: 'success',
	code: '090001',
	sqlState: '00000',
	message: 'Statement executed successfully.',
	rowType: [expect.objectContaining({ name: 'N', type: 'fixed' })],
	numRows: 5,
	partition: 0,
	partitionCount: 1,
	nextPartition: null,
	rows: [{ N: 0 }, { N: 1 }, { N: 2 }, { N: 3 }, { N: 4 }],
});

/** A workflow of the example's trigger and one of its nodes, the trigger pinned with `items`. */
function onlyNode(workflow: WorkflowJson, nodeName: string, items: IDataObject[], parameters: INodeParameters = {}): WorkflowJson {
	const trigger = workflow.nodes.find((node) => node.type === TRIGGER_TYPE) as INode;
	const original = workflow.nodes.find((candidate) => candidate.name === nodeName) as INode;
	const node = { ...original, parameters: { ...original.parameters, ...parameters } };
	return {
		name: workflow.name,
		nodes: [trigger, node],
		connections: { [trigger.name]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } },
		pinData: { [trigger.name]: items.map((json) => ({ json })) },
	};
}

const started = Date.now();

const cases: Record<string, ExampleCase> = {
	'cancel-statement.json': {
		outputs: {
			'Submit SQL (Async)': [item0({ statementHandle: HANDLE, requestId: REQUEST_ID, status: 'running' })],
			'Cancel Statement': [item0({ statementHandle: HANDLE, code: '000604', message: 'SQL execution canceled' })],
		},
		after: async (result) => {
			const handle = result.output('Submit SQL (Async)')[0].json.statementHandle as string;
			expect(result.output('Cancel Statement')[0].json.statementHandle).toBe(handle);
			const record = env.emulator.statement(handle);
			await record?.settled;
			expect(record).toMatchObject({ state: 'failed', failure: { code: '000604', sqlState: '57014', message: 'SQL execution canceled' } });
			// The engine really stopped the ten-minute wait.
			await until(() => env.emulator.running === 0);
		},
	},
	'delete-rows.json': {
		seed: [ORDERS.ada, ORDERS.grace, ORDERS.linus],
		outputs: { 'Delete Rows': [item0({ id: 3 })] },
		table: [
			['1', 'Ada', '12.50', 'new'],
			['2', 'Grace', '30.00', 'new'],
		],
	},
	'demo-insert-merge-select.json': {
		seed: [],
		outputs: {
			'Insert Orders': [
				{ json: { id: 1, customer: 'Ada', amount: 12.5, status: 'new' }, pairedItem: { item: 0 } },
				{ json: { id: 2, customer: 'Grace', amount: 30, status: 'new' }, pairedItem: { item: 1 } },
				{ json: { id: 3, customer: 'Linus', amount: 7.25, status: 'new' }, pairedItem: { item: 2 } },
			],
			'Mark Large Orders Paid': [
				{ json: { id: 1, status: 'new' }, pairedItem: { item: 0 } },
				{ json: { id: 2, status: 'paid' }, pairedItem: { item: 1 } },
				{ json: { id: 3, status: 'new' }, pairedItem: { item: 2 } },
			],
			'Read Orders Back': [
				item0({ ID: 1, CUSTOMER: 'Ada', AMOUNT: 12.5, STATUS: 'new' }),
				item0({ ID: 2, CUSTOMER: 'Grace', AMOUNT: 30, STATUS: 'paid' }),
				item0({ ID: 3, CUSTOMER: 'Linus', AMOUNT: 7.25, STATUS: 'new' }),
			],
		},
		table: [
			['1', 'Ada', '12.50', 'new'],
			['2', 'Grace', '30.00', 'paid'],
			['3', 'Linus', '7.25', 'new'],
		],
	},
	'execute-sql.json': {
		outputs: {
			'Execute SQL': [
				{ json: { ORDER_ID: 1001, STATUS: 'open', CHECKED_AT: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/) }, pairedItem: { item: 0 } },
				{ json: { ORDER_ID: 1002, STATUS: 'shipped', CHECKED_AT: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/) }, pairedItem: { item: 1 } },
			],
		},
		after: async (result) => {
			// CURRENT_TIMESTAMP() is the time of the run (TIMESTAMP_LTZ, rendered in UTC without a Time Zone option).
			for (const { json } of result.output('Execute SQL')) {
				const at = Date.parse(`${(json.CHECKED_AT as string).slice(0, 23)}Z`);
				expect(at).toBeGreaterThanOrEqual(started - 1000);
				expect(at).toBeLessThanOrEqual(Date.now() + 1000);
			}
		},
	},
	'export-to-file.json': {
		seed: [ORDERS.ada, ORDERS.grace, `(4, 'Smith, "Jr."', NULL, NULL)`],
		outputs: {
			'Export Orders': [
				item0({
					statementHandle: HANDLE,
					numRows: 3,
					rowType: [
						expect.objectContaining({ name: 'ID', type: 'fixed' }),
						expect.objectContaining({ name: 'CUSTOMER', type: 'text' }),
						expect.objectContaining({ name: 'AMOUNT', type: 'fixed', scale: 2 }),
						expect.objectContaining({ name: 'STATUS', type: 'text' }),
					],
					fileName: 'orders.csv',
					mimeType: 'text/csv',
				}),
			],
		},
		after: async (result) => {
			const binary = result.output('Export Orders')[0].binary?.data;
			expect(binary).toMatchObject({ fileName: 'orders.csv', mimeType: 'text/csv', fileExtension: 'csv' });
			expect(Buffer.from(binary?.data ?? '', 'base64').toString('utf8')).toBe(
				'ID,CUSTOMER,AMOUNT,STATUS\r\n1,Ada,12.5,new\r\n2,Grace,30,new\r\n4,"Smith, ""Jr.""",,\r\n',
			);
		},
	},
	'load-file.json': {
		seed: [ORDERS.ada, ORDERS.grace, ORDERS.linus],
		outputs: {
			'Export Large Orders': [
				item0({
					statementHandle: HANDLE,
					numRows: 2,
					rowType: [expect.objectContaining({ name: 'ID' }), expect.objectContaining({ name: 'STATUS' })],
					fileName: 'large-orders.csv',
					mimeType: 'text/csv',
				}),
			],
			'Load File Into Orders': [item0({ table: 'demo_orders', fileName: 'large-orders.csv', numRows: 2, statements: 1 })],
		},
		// The file's rows (orders over 10) matched on ID: their status updated, the other columns kept.
		table: [
			['1', 'Ada', '12.50', 'large'],
			['2', 'Grace', '30.00', 'large'],
			['3', 'Linus', '7.25', 'new'],
		],
	},
	'insert-rows.json': {
		seed: [ORDERS.linus],
		outputs: {
			'Insert Rows': [
				{ json: { id: 1, customer: 'Ada', amount: 12.5 }, pairedItem: { item: 0 } },
				{ json: { id: 2, customer: 'Grace', amount: 30 }, pairedItem: { item: 1 } },
			],
		},
		table: [
			['1', 'Ada', '12.50', null],
			['2', 'Grace', '30.00', null],
			['3', 'Linus', '7.25', 'new'],
		],
	},
	'select-rows.json': {
		seed: [ORDERS.ada, ORDERS.grace, ORDERS.linus],
		outputs: {
			'Select Rows': [item0({ ID: 1, CUSTOMER: 'Ada', AMOUNT: 12.5, STATUS: 'new' }), item0({ ID: 2, CUSTOMER: 'Grace', AMOUNT: 30, STATUS: 'new' })],
		},
		table: [
			['1', 'Ada', '12.50', 'new'],
			['2', 'Grace', '30.00', 'new'],
			['3', 'Linus', '7.25', 'new'],
		],
	},
	'submit-and-get-results.json': {
		outputs: {
			'Submit SQL (Async)': [item0({ statementHandle: HANDLE, requestId: REQUEST_ID, status: 'running' })],
			// Wait for Completion: the node polls until the statement is done, then returns its rows.
			'Get Statement Results': [item0(FIVE_ROWS_DONE(HANDLE))],
		},
		after: async (result, workflow) => {
			const handle = result.output('Submit SQL (Async)')[0].json.statementHandle as string;
			expect(result.output('Get Statement Results')[0].json.statementHandle).toBe(handle);
			// Without waiting, a statement still running answers its status and no rows.
			const slow = await runWorkflow(
				onlyNode(workflow, 'Submit SQL (Async)', [{}], { query: 'CALL SYSTEM$WAIT(2)' }),
				env.credentials(),
			);
			const slowHandle = slow.output('Submit SQL (Async)')[0].json.statementHandle as string;
			const status = await runWorkflow(
				onlyNode(workflow, 'Get Statement Results', [{ statementHandle: slowHandle }], { waitForCompletion: false }),
				env.credentials(),
			);
			expect(plain(status.output('Get Statement Results'))).toEqual([item0(runningPage(slowHandle))]);
			await env.emulator.statement(slowHandle)?.settled;
			// Results stay available for later GETs of the handle.
			const again = await runWorkflow(onlyNode(workflow, 'Get Statement Results', [{ statementHandle: handle }]), env.credentials());
			expect(again.run.status).toBe('success');
			expect(plain(again.output('Get Statement Results'))).toEqual([item0(FIVE_ROWS_DONE(handle))]);
		},
	},
	'update-rows.json': {
		seed: [ORDERS.ada, ORDERS.grace, ORDERS.linus],
		outputs: { 'Update Rows': [item0({ id: 1, amount: 15 })] },
		table: [
			['1', 'Ada', '15.00', 'new'],
			['2', 'Grace', '30.00', 'new'],
			['3', 'Linus', '7.25', 'new'],
		],
	},
	'upsert-rows.json': {
		seed: [ORDERS.ada, ORDERS.grace],
		outputs: {
			'Insert or Update Rows': [
				{ json: { id: 2, customer: 'Grace', amount: 35 }, pairedItem: { item: 0 } },
				{ json: { id: 3, customer: 'Linus', amount: 7.25 }, pairedItem: { item: 1 } },
			],
		},
		// Grace matched and updated, Linus inserted (no status in the items).
		table: [
			['1', 'Ada', '12.50', 'new'],
			['2', 'Grace', '35.00', 'new'],
			['3', 'Linus', '7.25', null],
		],
	},
};

describe('examples', () => {
	it('one example per operation', () => {
		const operations = new Set(
			files.flatMap((file) =>
				(JSON.parse(readFileSync(join(directory, file), 'utf8')) as WorkflowJson).nodes
					.filter((node) => node.type === SNOWFLAKE_TYPE)
					.map((node) => node.parameters.operation),
			),
		);
		expect([...operations].sort()).toEqual(['cancel', 'delete', 'executeQuery', 'getResults', 'insert', 'select', 'submitAsync', 'update', 'upsert']);
	});

	it('every example has its expected outputs here', () => {
		expect(Object.keys(cases).sort()).toEqual([...files].sort());
	});

	it.each(files)('%s runs', async (file) => {
		const workflow = JSON.parse(readFileSync(join(directory, file), 'utf8')) as WorkflowJson;
		const expected = cases[file];
		if (expected.seed) await sql(CREATE_TABLE, ...(expected.seed.length > 0 ? [`INSERT INTO demo_orders VALUES ${expected.seed.join(', ')}`] : []));
		const result = await runWorkflow(workflow, env.credentials());
		expect(result.error()).toBeUndefined();
		expect(result.run.status).toBe('success');
		const snowflakeNodes = workflow.nodes.filter((node) => node.type === SNOWFLAKE_TYPE).map((node) => node.name);
		expect(Object.keys(expected.outputs).sort()).toEqual(snowflakeNodes.sort());
		for (const name of snowflakeNodes) expect(plain(result.output(name)), name).toEqual(expected.outputs[name]);
		if (expected.table) expect(await sql('SELECT id, customer, amount, status FROM demo_orders ORDER BY id')).toEqual(expected.table);
		await expected.after?.(result, workflow);
	});
});
