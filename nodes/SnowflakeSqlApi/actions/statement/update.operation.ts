/**
 * Update: one MERGE … WHEN MATCHED THEN UPDATE per batch, matching rows on the match columns
 * (null matches NULL). Fields missing from an item leave the column unchanged.
 * Output: each item's written values, paired with it.
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { buildUpdate, tableLocator, writeItems, type OperationRuntime, type WriteOperation } from '../../helpers';
import { dataModeField, matchColumnsField, optionsCollection, valuesToSendField } from '../common.descriptions';

const properties: INodeProperties[] = [tableLocator, dataModeField, valuesToSendField, matchColumnsField, optionsCollection];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['update'] } }, properties);

const update: WriteOperation = {
	name: 'Update',
	matches: true,
	build: (table, match, fields, rows, options) => buildUpdate(table, match, fields, rows, options),
	affected: { verb: 'updated', count: (stats) => stats.numRowsUpdated },
};

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	return await writeItems(this, items, runtime, update);
}
