/**
 * Insert: every item becomes a row; rows go in multi-row INSERT statements, batched by the SQL
 * builders (every value a binding). Output: each item's written values, paired with it.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { buildInsert, loadFiles, tableLocator, writeItems, type OperationRuntime, type WriteOperation } from '../../helpers';
import { dataModeWithFileField, loadFileFields, optionsCollection, valuesToSendField } from '../common.descriptions';

const properties: INodeProperties[] = [tableLocator, dataModeWithFileField, valuesToSendField, ...loadFileFields, optionsCollection];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['insert'] } }, properties);

const insert: WriteOperation = {
	name: 'Insert',
	matches: false,
	build: (table, _match, fields, rows, options) => buildInsert(table, fields, rows, options),
};

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('dataMode', 0, 'autoMapInputData') === 'file') return await loadFiles(this, items, runtime, insert);
	return await writeItems(this, items, runtime, insert);
}
