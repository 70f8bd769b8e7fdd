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

import type { OperationRuntime } from '../../helpers/interfaces';
import { buildUpsert } from '../../helpers/sql';
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

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['upsert'] } }, properties);

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
			return buildUpsert(tableName(this, 0), match, fields, keptRows, { columnTypes: columnTypes(readOptions(this, 0)) });
		},
		errors,
	);
	await runBatches(this, statements, kept, runtime, errors);
	return writeOutput(rows, errors);
}
