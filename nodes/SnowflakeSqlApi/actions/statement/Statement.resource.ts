import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as deleteRows from './delete.operation';
import * as executeQuery from './executeQuery.operation';
import * as getResults from './getResults.operation';
import * as insert from './insert.operation';
import * as select from './select.operation';
import * as submitAsync from './submitAsync.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

export { cancel, deleteRows as delete, executeQuery, getResults, insert, select, submitAsync, update, upsert };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['statement'] } },
		options: [
			{
				name: 'Cancel Statement',
				value: 'cancel',
				description: 'Cancel a running statement by its statement handle',
				action: 'Cancel a statement',
			},
			{
				name: 'Delete Rows',
				value: 'delete',
				description: 'Delete the rows matching the input items, or truncate the table',
				action: 'Delete rows from a table',
			},
			{
				name: 'Execute SQL',
				value: 'executeQuery',
				description: 'Run SQL with typed query parameters and return the rows',
				action: 'Execute SQL',
			},
			{
				name: 'Get Statement Results',
				value: 'getResults',
				description: 'Get the status of a statement and one partition of its rows by statement handle',
				action: 'Get statement results',
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-option-name-wrong-for-upsert -- rows, in SQL terms, like Postgres' "Insert or Update"
				name: 'Insert or Update Rows',
				value: 'upsert',
				// eslint-disable-next-line n8n-nodes-base/node-param-description-wrong-for-upsert -- says what MERGE does to rows
				description: 'Update the rows matching the input items and insert the others (MERGE)',
				action: 'Insert or update rows in a table',
			},
			{
				name: 'Insert Rows',
				value: 'insert',
				description: 'Insert the input items as rows of a table',
				action: 'Insert rows in a table',
			},
			{
				name: 'Select Rows',
				value: 'select',
				description: 'Read rows of a table with conditions, sort and limit',
				action: 'Select rows from a table',
			},
			{
				name: 'Submit SQL (Async)',
				value: 'submitAsync',
				description: 'Start SQL and return its statement handle at once, without waiting for it to finish',
				action: 'Submit SQL asynchronously',
			},
			{
				name: 'Update Rows',
				value: 'update',
				description: 'Update the rows matching the input items',
				action: 'Update rows in a table',
			},
		],
		default: 'executeQuery',
	},
	...executeQuery.description,
	...submitAsync.description,
	...getResults.description,
	...cancel.description,
	...insert.description,
	...update.description,
	...upsert.description,
	...deleteRows.description,
	...select.description,
];
