/**
 * Upsert: one MERGE per batch that updates the rows matching on the match columns and inserts
 * the others. Fields missing from an item are neither updated nor inserted (DEFAULT).
 * Output: each item's written values, paired with it.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { buildUpsert, loadFiles, tableLocator, writeItems, type OperationRuntime, type WriteOperation } from '../../helpers';
import { dataModeWithFileField, loadFileFields, matchColumnsField, optionsCollection, valuesToSendField } from '../common.descriptions';

const properties: INodeProperties[] = [tableLocator, dataModeWithFileField, valuesToSendField, ...loadFileFields, matchColumnsField, optionsCollection];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['upsert'] } }, properties);

const upsert: WriteOperation = {
	name: 'Upsert',
	matches: true,
	build: (table, match, fields, rows, options) => buildUpsert(table, match, fields, rows, options),
	affected: {
		verb: 'inserted or updated',
		count: (stats) =>
			stats.numRowsInserted === undefined || stats.numRowsUpdated === undefined ? undefined : stats.numRowsInserted + stats.numRowsUpdated,
	},
};

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('dataMode', 0, 'autoMapInputData') === 'file') return await loadFiles(this, items, runtime, upsert);
	return await writeItems(this, items, runtime, upsert);
}
