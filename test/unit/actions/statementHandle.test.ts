/** Submit SQL (Async), Get Statement Results and Cancel Statement. */
import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { QUERY_TAG, ScriptedRunner, fakeContext, networkError, rejection, run, sqlError, sqlErrorItem } from './fixtures';
import type { StatementPage } from '../../../nodes/SnowflakeSqlApi/transport';

function page(fields: Partial<StatementPage> = {}): StatementPage {
	return {
		statementHandle: 'h-1',
		status: 'success',
		code: '090001',
		message: 'Statement executed successfully.',
		rowType: [],
		numRows: 0,
		partition: 0,
		partitionCount: 1,
		rows: [],
		...fields,
	};
}

describe('Submit SQL (Async)', () => {
	it('submits each item with async: true and no abort signal, and returns the handle', async () => {
		const runner = new ScriptedRunner([
			{ answer: { status: 'running', requestId: 'r-0', statementHandle: 'h-0', queryStatus: { code: '333334', message: 'Asynchronous execution in progress.', statementHandle: 'h-0' } } },
			{ answer: { status: 'running', requestId: 'r-1', statementHandle: 'h-1', queryStatus: { code: '333334', message: 'Asynchronous execution in progress.', statementHandle: 'h-1' } } },
		]);
		const fake = fakeContext({
			parameters: [
				{ query: 'CALL nightly_load(?)', options: { queryParameters: { parameters: [{ value: '2024-01-01', type: 'DATE' }] } } },
				{ query: 'CALL nightly_load(?)', options: { queryParameters: { parameters: [{ value: '2024-01-02', type: 'DATE' }] } } },
			],
		});

		const output = await run('submitAsync', fake, runner);

		expect(runner.calls).toEqual([
			{
				method: 'submit',
				request: { statement: 'CALL nightly_load(?)', bindings: { '1': { type: 'DATE', value: '1704067200000' } }, parameters: { QUERY_TAG } },
				options: { async: true },
			},
			expect.objectContaining({ method: 'submit', request: expect.objectContaining({ bindings: { '1': { type: 'DATE', value: '1704153600000' } } }), options: { async: true } }),
		]);
		expect(output).toEqual([
			{ json: { statementHandle: 'h-0', requestId: 'r-0', status: 'running' }, pairedItem: { item: 0 } },
			{ json: { statementHandle: 'h-1', requestId: 'r-1', status: 'running' }, pairedItem: { item: 1 } },
		]);
	});

	it('a refused submit becomes an error item with continueOnFail', async () => {
		const runner = new ScriptedRunner([{ error: sqlError() }]);
		const output = await run('submitAsync', fakeContext({ parameters: [{ query: 'SELECT * FROM nope' }], continueOnFail: true }), runner);
		expect(output).toEqual([
			sqlErrorItem(0),
		]);
	});
});

describe('Get Statement Results', () => {
	it('reads the asked partition (waiting when asked) with the cancel signal and decode options, and names the next one', async () => {
		const runner = new ScriptedRunner([
			{ answer: page({ statementHandle: 'h-7', partition: 1, partitionCount: 3, nextPartition: 2, numRows: 300, rows: [{ ID: 101 }], rowType: [{ name: 'ID', type: 'fixed' }] }) },
		]);
		const fake = fakeContext({ parameters: [{ statementHandle: 'h-7', partition: 1, waitForCompletion: true, options: { timezone: 'UTC' } }] });

		const output = await run('getResults', fake, runner);

		expect(runner.calls).toEqual([
			{ method: 'getStatement', statementHandle: 'h-7', options: { partition: 1, wait: true, signal: fake.signal, decode: { timezone: 'UTC' } } },
		]);
		expect(output).toEqual([
			{
				json: {
					statementHandle: 'h-7',
					status: 'success',
					code: '090001',
					message: 'Statement executed successfully.',
					numRows: 300,
					partition: 1,
					partitionCount: 3,
					nextPartition: 2,
					rows: [{ ID: 101 }],
					rowType: [{ name: 'ID', type: 'fixed' }],
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('a running statement without waiting: status running, nextPartition null; a multi-statement parent lists its handles', async () => {
		const runner = new ScriptedRunner([
			{ answer: page({ status: 'running', code: '333334', message: 'Asynchronous execution in progress.', partitionCount: 0 }) },
			{ answer: page({ statementHandle: 'parent', statementHandles: ['c0', 'c1'] }) },
		]);
		const fake = fakeContext({ parameters: [{ statementHandle: 'h-1' }, { statementHandle: 'parent' }] });

		const output = await run('getResults', fake, runner);

		expect(runner.calls.map((call) => call.options)).toEqual([
			{ partition: 0, wait: false, signal: fake.signal, decode: {} },
			{ partition: 0, wait: false, signal: fake.signal, decode: {} },
		]);
		expect(output[0]).toMatchObject({ json: { status: 'running', nextPartition: null, rows: [] }, pairedItem: { item: 0 } });
		expect(output[1]).toMatchObject({ json: { statementHandle: 'parent', statementHandles: ['c0', 'c1'] }, pairedItem: { item: 1 } });
	});

	it('a failed statement throws NodeApiError with the item index', async () => {
		const runner = new ScriptedRunner([{ answer: page() }, { error: sqlError('Statement failed', 'h-2') }]);
		const error = await rejection(run('getResults', fakeContext({ parameters: [{ statementHandle: 'h-1' }, { statementHandle: 'h-2' }] }), runner));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Statement failed');
		expect(error.context).toMatchObject({ itemIndex: 1 });
	});
});

describe('Cancel Statement', () => {
	it('cancels each item\'s handle with the cancel signal', async () => {
		const runner = new ScriptedRunner();
		const fake = fakeContext({ parameters: [{ statementHandle: 'h-1' }, { statementHandle: 'h-2' }] });

		const output = await run('cancel', fake, runner);

		expect(runner.calls).toEqual([
			{ method: 'cancel', statementHandle: 'h-1', options: { signal: fake.signal } },
			{ method: 'cancel', statementHandle: 'h-2', options: { signal: fake.signal } },
		]);
		expect(output).toEqual([
			{ json: { statementHandle: 'h-1', code: '000000', message: 'Statement executed successfully.' }, pairedItem: { item: 0 } },
			{ json: { statementHandle: 'h-2', code: '000000', message: 'Statement executed successfully.' }, pairedItem: { item: 1 } },
		]);
	});

	it('a network failure: error item with its code (continueOnFail), or NodeApiError for the item', async () => {
		const output = await run('cancel', fakeContext({ parameters: [{ statementHandle: 'h-1' }], continueOnFail: true }), new ScriptedRunner([{ error: networkError() }]));
		expect(output).toEqual([{ json: { error: 'Could not reach Snowflake: ECONNRESET', code: 'ECONNRESET', itemIndex: 0 }, pairedItem: { item: 0 } }]);

		const error = await rejection(run('cancel', fakeContext({ parameters: [{ statementHandle: 'h-1' }] }), new ScriptedRunner([{ error: networkError() }])));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context).toMatchObject({ itemIndex: 0 });
	});
});
