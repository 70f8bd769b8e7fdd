/** Cancel Statement: POST …/statements/{handle}/cancel for a statement submitted earlier. */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { forEachItem, type OperationRuntime } from '../../helpers';
import { statementHandleField } from '../common.descriptions';

const properties: INodeProperties[] = [statementHandleField];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['cancel'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	return await forEachItem(this, items.length, async (itemIndex) => {
		const handle = this.getNodeParameter('statementHandle', itemIndex) as string;
		const status = await runtime.runner.cancel(handle, { signal: runtime.signal });
		return [
			{
				json: { statementHandle: status.statementHandle, code: status.code, message: status.message },
				pairedItem: { item: itemIndex },
			},
		];
	});
}
