import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../helpers';
import * as statement from './statement/Statement.resource';

/** Subtitle: the operation's display name. */
export const subtitle =
	'={{ ({ executeQuery: "Execute SQL", submitAsync: "Submit SQL (Async)", getResults: "Get Statement Results", cancel: "Cancel Statement", insert: "Insert Rows", update: "Update Rows", upsert: "Insert or Update Rows", delete: "Delete Rows", select: "Select Rows" })[$parameter["operation"]] }}';

/** All parameters: a hidden resource (one, `statement`) and its operations. */
export const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'hidden',
		noDataExpression: true,
		options: [{ name: 'Statement', value: 'statement' }],
		default: 'statement',
	},
	...statement.description,
];
