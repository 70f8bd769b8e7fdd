/**
 * Delete: the rows whose match columns equal an item's values (one DELETE … USING per batch), or
 * every row of the table (TRUNCATE, run once whatever the number of items).
 */
import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	buildDelete,
	buildTruncate,
	forEachItem,
	readOptions,
	requestContext,
	tableLocator,
	tableName,
	writeItems,
} from '../../helpers';
import type { OperationRuntime, WriteOperation } from '../../helpers';
import { dataModeField, matchColumnsField, optionsCollection, valuesToSendField } from '../common.descriptions';

const deleteCommandField: INodeProperties = {
	displayName: 'Command',
	name: 'deleteCommand',
	type: 'options',
	options: [
		{
			name: 'Delete Matching Rows',
			value: 'delete',
			description: 'Delete the rows whose match columns equal the values of an input item',
		},
		{
			name: 'Truncate',
			value: 'truncate',
			description: 'Delete every row of the table once; the table and its grants stay',
		},
	],
	default: 'delete',
};

const properties: INodeProperties[] = [
	tableLocator,
	deleteCommandField,
	{ ...dataModeField, displayOptions: { show: { deleteCommand: ['delete'] } } },
	{ ...valuesToSendField, displayOptions: { show: { deleteCommand: ['delete'], dataMode: ['defineBelow'] } } },
	{ ...matchColumnsField, displayOptions: { show: { deleteCommand: ['delete'] } } },
	optionsCollection,
];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['delete'] } }, properties);

const deleteMatching: WriteOperation = {
	name: 'Delete',
	matches: true,
	build: (table, match, _fields, rows, options) => buildDelete(table, match, rows, options),
	affected: { verb: 'deleted', count: (stats) => stats.numRowsDeleted },
};

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('deleteCommand', 0) === 'truncate') {
		return await forEachItem(this, 1, async (itemIndex) => {
			const base = requestContext(this, readOptions(this, itemIndex), runtime);
			const { statement } = buildTruncate(tableName(this, itemIndex));
			const result = await runtime.runner.execute({ statement, ...base }, { signal: runtime.signal, maxRows: 0, onMaxRows: 'truncate' });
			return [{ json: { success: true, statementHandle: result.statementHandle }, pairedItem: { item: itemIndex } }];
		});
	}
	return await writeItems(this, items, runtime, deleteMatching);
}
