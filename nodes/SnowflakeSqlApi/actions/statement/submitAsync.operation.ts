/**
 * Submit SQL (Async): sends the statement with async=true and returns its handle at once, for jobs
 * that outlive the execution. Read the result later with Get Statement Results.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { buildStatementRequest, forEachItem, readOptions, type OperationRuntime } from '../../helpers';
import { optionsCollection, queryField } from '../common.descriptions';

const properties: INodeProperties[] = [queryField, optionsCollection];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['submitAsync'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, items.length, async (itemIndex) => {
		const request = buildStatementRequest(this, itemIndex, readOptions(this, itemIndex), runtime);
		// No abort signal: the statement is meant to keep running after this execution ends.
		const submitted = await runtime.runner.submit(request, { async: true });
		return [
			{
				json: {
					statementHandle: submitted.statementHandle,
					requestId: submitted.requestId,
					status: submitted.status,
				},
				pairedItem: { item: itemIndex },
			},
		];
	});
}
