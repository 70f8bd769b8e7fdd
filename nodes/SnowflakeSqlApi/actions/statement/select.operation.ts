/**
 * Select: SELECT from one table with optional conditions (values bound), sort and limit, once per
 * input item (conditions may use the item's values). One output item per row, paired with its item.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	BINDING_TYPE_OPTIONS,
	buildSelect,
	decodeOptions,
	forEachItem,
	readOptions,
	readResultFileOptions,
	requestContext,
	resultFileItem,
	rowItems,
	rowLimit,
	splitColumnList,
	tableLocator,
	tableName,
	warnTruncated,
} from '../../helpers';
import type { OperationRuntime, RowLimitedResult, SelectCondition, SortRule } from '../../helpers';
import { optionsCollection, resultFileFields, returnAsField } from '../common.descriptions';

/** Option values are names: a value such as '=' would be read by n8n as an (empty) expression. */
const OPERATORS: Record<string, string> = {
	equal: '=',
	notEqual: '!=',
	greater: '>',
	less: '<',
	greaterOrEqual: '>=',
	lessOrEqual: '<=',
	like: 'LIKE',
	ilike: 'ILIKE',
	in: 'IN',
	isNull: 'IS NULL',
	isNotNull: 'IS NOT NULL',
};

function conditions(values: SelectCondition[]): SelectCondition[] {
	return values.map((condition) => ({ ...condition, condition: OPERATORS[condition.condition] ?? condition.condition }));
}

const properties: INodeProperties[] = [
	tableLocator,
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Select Rows',
		name: 'where',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		description: 'Conditions on the rows to return; without any, all rows are returned',
		options: [
			{
				displayName: 'Condition',
				name: 'values',
				values: [
					{
						displayName: 'Column',
						name: 'column',
						type: 'string',
						default: '',
						placeholder: 'e.g. status',
						description: 'Unquoted names are upper-cased as Snowflake does; wrap in double quotes to keep the case',
					},
					{
						displayName: 'Operator',
						name: 'condition',
						type: 'options',
						options: [
							{ name: 'Equal', value: 'equal' },
							{ name: 'Greater Than', value: 'greater' },
							{ name: 'Greater Than or Equal', value: 'greaterOrEqual' },
							{ name: 'In List', value: 'in' },
							{ name: 'Is Not Null', value: 'isNotNull' },
							{ name: 'Is Null', value: 'isNull' },
							{ name: 'Less Than', value: 'less' },
							{ name: 'Less Than or Equal', value: 'lessOrEqual' },
							{ name: 'Like', value: 'like' },
							{ name: 'Like (Case-Insensitive)', value: 'ilike' },
							{ name: 'Not Equal', value: 'notEqual' },
						],
						default: 'equal',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Sent as a binding. For In List: an array expression or comma-separated text.',
						displayOptions: { hide: { condition: ['isNull', 'isNotNull'] } },
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: BINDING_TYPE_OPTIONS,
						default: 'auto',
						description: 'Snowflake binding type of the value',
						displayOptions: { hide: { condition: ['isNull', 'isNotNull'] } },
					},
				],
			},
		],
	},
	{
		displayName: 'Combine Conditions',
		name: 'combineConditions',
		type: 'options',
		options: [
			{ name: 'AND', value: 'AND', description: 'Only rows that meet all the conditions' },
			{ name: 'OR', value: 'OR', description: 'Rows that meet at least one condition' },
		],
		default: 'AND',
		description: 'How to combine the conditions in Select Rows',
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Sort Rule',
		default: {},
		options: [
			{
				displayName: 'Rule',
				name: 'values',
				values: [
					{ displayName: 'Column', name: 'column', type: 'string', default: '', placeholder: 'e.g. created_at' },
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 'ASC' },
							{ name: 'Descending', value: 'DESC' },
						],
						default: 'ASC',
					},
				],
			},
		],
	},
	{
		displayName: 'Output Columns',
		name: 'outputColumns',
		type: 'string',
		default: '',
		placeholder: 'e.g. order_id, name, status',
		description: 'Comma-separated columns to return; empty returns all columns',
	},
	returnAsField,
	...resultFileFields,
	optionsCollection,
];

export const description = updateDisplayOptions({ show: { resource: ['statement'], operation: ['select'] } }, properties);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	const results: RowLimitedResult[] = [];
	const asFile = this.getNodeParameter('returnAs', 0, 'items') === 'file';
	const out = await forEachItem(this, items.length, async (itemIndex) => {
		const options = readOptions(this, itemIndex);
		const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
		const { statement, bindings } = buildSelect(tableName(this, itemIndex), {
			columns: splitColumnList(this.getNodeParameter('outputColumns', itemIndex, '') as string),
			where: conditions(this.getNodeParameter('where.values', itemIndex, []) as SelectCondition[]),
			combine: this.getNodeParameter('combineConditions', itemIndex, 'AND') as string,
			sort: this.getNodeParameter('sort.values', itemIndex, []) as SortRule[],
			limit: returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number),
		});
		const limit = rowLimit(options);
		const request = { statement, ...(Object.keys(bindings).length > 0 ? { bindings } : {}), ...requestContext(this, options, runtime) };
		const read = { signal: runtime.signal, decode: decodeOptions(options), ...limit };
		if (asFile) {
			const file = readResultFileOptions(this, itemIndex);
			return [await resultFileItem(this, itemIndex, file, (writer) => runtime.runner.executeEach(request, read, writer))];
		}
		const result = await runtime.runner.execute(request, read);
		results.push({ result, maxRows: limit.maxRows, itemIndex });
		return rowItems(result.rows as IDataObject[], itemIndex);
	});
	warnTruncated(this, results);
	return out;
}
