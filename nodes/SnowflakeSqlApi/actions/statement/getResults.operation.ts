/**
 * Get Statement Results: the status of a statement submitted earlier and, once it succeeded, the
 * rows of one partition. `nextPartition` (null on the last one) lets a workflow loop over a big
 * result one partition per run; Snowflake keeps results for 24 hours. A multi-statement request
 * answers with `statementHandles`: read each statement's result with its own handle.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { decodeOptions, forEachItem, readOptions, readResultFileOptions, resultFileItem, type OperationRuntime } from '../../helpers';
import { optionsCollection, resultFileFields, returnAsField, statementHandleField } from '../common.descriptions';

const properties: INodeProperties[] = [
	statementHandleField,
	returnAsField,
	{
		displayName: 'Partition',
		name: 'partition',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'Which partition of the result to return (0 for the first); the output names the next one',
		displayOptions: { show: { returnAs: ['items'] } },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait while the statement runs (polling as Execute SQL does) instead of returning status "running" at once. Stopping the execution stops the wait, not the statement.',
	},
	...resultFileFields,
	optionsCollection,
];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['getResults'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	const asFile = this.getNodeParameter('returnAs', 0, 'items') === 'file';
	return await forEachItem(this, items.length, async (itemIndex) => {
		const handle = this.getNodeParameter('statementHandle', itemIndex) as string;
		if (asFile) {
			// Every partition, one at a time, into one file (a statement still running gives its status).
			const file = readResultFileOptions(this, itemIndex);
			const read = {
				wait: this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean,
				signal: runtime.signal,
				decode: decodeOptions(readOptions(this, itemIndex)),
			};
			return [await resultFileItem(this, itemIndex, file, (writer) => runtime.runner.readEach(handle, read, writer))];
		}
		const partition = this.getNodeParameter('partition', itemIndex, 0) as number;
		const page = await runtime.runner.getStatement(handle, {
			partition,
			wait: this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean,
			signal: runtime.signal,
			decode: decodeOptions(readOptions(this, itemIndex)),
		});
		const json: IDataObject = {
			statementHandle: page.statementHandle,
			status: page.status,
			code: page.code,
			message: page.message,
			numRows: page.numRows,
			partition: page.partition,
			partitionCount: page.partitionCount,
			nextPartition: page.nextPartition ?? null,
			rows: page.rows as IDataObject[],
		};
		if (page.sqlState) json.sqlState = page.sqlState;
		if (page.requestId) json.requestId = page.requestId;
		if (page.rowType.length > 0) json.rowType = page.rowType as unknown as IDataObject[];
		if (page.stats) json.stats = page.stats as IDataObject;
		// A multi-statement request: each statement's result is read with its own handle.
		if (page.statementHandles) json.statementHandles = page.statementHandles;
		return [{ json, pairedItem: { item: itemIndex } }];
	});
}
