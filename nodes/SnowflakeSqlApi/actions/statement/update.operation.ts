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

import type { OperationRuntime } from '../../helpers/interfaces';
import { buildUpdate } from '../../helpers/sql';
import {
	dataModeField,
	matchColumnsField,
	optionsCollection,
	tableLocator,
	valuesToSendField,
} from '../common.descriptions';
import { readOptions } from '../runtime';
import { buildWithoutBadItems, columnTypes, itemRows, matchSpecs, runBatches, tableName, writeOutput } from './rows';

const properties: INodeProperties[] = [tableLocator, dataModeField, valuesToSendField, matchColumnsField, optionsCollection];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['update'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	const errors = new Map<number, INodeExecutionData>();
	const { rows, fields } = itemRows(this, items);
	const { statements, kept } = buildWithoutBadItems(
		this,
		rows,
		(keptRows) => {
			const match = matchSpecs(this.getNodeParameter('matchColumns', 0) as string, fields);
			return buildUpdate(tableName(this, 0), match, fields, keptRows, { columnTypes: columnTypes(readOptions(this, 0)) });
		},
		errors,
	);
	await runBatches(this, statements, kept, runtime, errors);
	return writeOutput(rows, errors);
}
