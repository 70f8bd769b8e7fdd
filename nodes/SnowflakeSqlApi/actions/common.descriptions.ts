import type { INodeProperties } from 'n8n-workflow';

import { BINDING_TYPE_OPTIONS, REQUEST_OPTIONS } from '../helpers';

/** Operations that submit SQL (everything except reading or cancelling an existing statement). */
const RUNS_SQL = ['executeQuery', 'submitAsync', 'insert', 'update', 'upsert', 'delete', 'select'];
const DECODES_ROWS = ['executeQuery', 'select', 'getResults'];

/** A shared option shown only for `operations`. */
function scoped(option: INodeProperties, operations: string[]): INodeProperties {
	return { ...option, displayOptions: { show: { '/operation': operations } } };
}

const queryParametersOption: INodeProperties = {
	displayName: 'Query Parameters',
	name: 'queryParameters',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	placeholder: 'Add Parameter',
	description:
		'Values for the ? or :1, :2 … placeholders of the query, in order. Sent to Snowflake as typed bindings, never pasted into the SQL text.',
	displayOptions: { show: { '/operation': ['executeQuery', 'submitAsync'] } },
	options: [
		{
			displayName: 'Parameter',
			name: 'parameters',
			values: [
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description:
						'The value, usually an expression on the input item (it keeps its type: a number stays a number). Text typed here is TEXT unless a type is chosen.',
				},
				{
					displayName: 'Type',
					name: 'type',
					type: 'options',
					options: BINDING_TYPE_OPTIONS,
					default: 'auto',
					description: 'Snowflake binding type of the value',
				},
			],
		},
	],
};

/** One Options collection for every operation; each option limits itself with root-relative '/operation'. */
export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Column Types',
			name: 'columnTypes',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Column Type',
			description:
				'Binding type per column, instead of inferring it from the values. A column whose values are all objects or arrays is already stored as JSON (VARIANT); use VARIANT, OBJECT or ARRAY for JSON given as text, and DECFLOAT or TEXT to keep decimal fractions exact.',
			displayOptions: { show: { '/operation': ['insert', 'update', 'upsert', 'delete'] } },
			options: [
				{
					displayName: 'Column',
					name: 'types',
					values: [
						{
							displayName: 'Column Name',
							name: 'column',
							type: 'string',
							default: '',
							placeholder: 'e.g. payload',
						},
						{
							displayName: 'Type',
							name: 'type',
							type: 'options',
							options: BINDING_TYPE_OPTIONS,
							default: 'auto',
						},
					],
				},
			],
		},
		scoped(REQUEST_OPTIONS.database, RUNS_SQL),
		{
			displayName: 'Max Rows',
			name: 'maxRows',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description: 'Most rows to return per statement; 0 means no limit. What happens beyond it is set by On Limit.',
			displayOptions: { show: { '/operation': ['executeQuery', 'select'] } },
		},
		{
			displayName: 'Multi-Statement',
			name: 'multiStatement',
			type: 'boolean',
			default: false,
			description:
				'Whether the query may hold several statements separated by ; (sent with MULTI_STATEMENT_COUNT). Each statement\'s result is labelled with statementIndex (0 for the first) and statementHandle. Query parameters cannot be used: the SQL API accepts no bindings in multi-statement requests.',
			displayOptions: { show: { '/operation': ['executeQuery', 'submitAsync'] } },
		},
		scoped(REQUEST_OPTIONS.numbersAsText, DECODES_ROWS),
		{
			displayName: 'On Limit',
			name: 'onMaxRows',
			type: 'options',
			options: [
				{ name: 'Fail', value: 'error', description: 'Stop with an error when the result has more rows than Max Rows' },
				{
					name: 'Stop and Return the First Rows',
					value: 'truncate',
					description: 'Return the first Max Rows rows; the output then shows truncated: true (and a warning hint)',
				},
			],
			default: 'error',
			description: 'What to do when a result has more rows than Max Rows',
			displayOptions: { show: { '/operation': ['executeQuery', 'select'] } },
		},
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: 'One Item per Row', value: 'rows' },
				{ name: 'One Item With All Rows', value: 'allRows', description: 'Rows in a rows array, with statementHandle, numRows and truncated' },
				{
					name: 'Statement Metadata Only',
					value: 'metadata',
					description: 'The statement handle, row count, rowType and DML stats; no rows are downloaded',
				},
			],
			default: 'rows',
			displayOptions: { show: { '/operation': ['executeQuery'], '/returnAs': ['items'] } },
		},
		{
			displayName: 'Query Batching',
			name: 'queryBatching',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Independently (Once per Item)',
					value: 'independently',
					description: 'Run the query once for each input item, with that item\'s parameters. An item that fails does not stop the others (with Continue On Fail).',
				},
				{
					name: 'Single (Once for All Items)',
					value: 'single',
					description:
						'Run the query once, for all items: every output row is paired with the first input item (item 0). Fails if the items resolve to different SQL or parameters, so no item is silently skipped.',
				},
				{
					name: 'Transaction (All Items, All or Nothing)',
					value: 'transaction',
					description:
						'Run every item\'s query inside one BEGIN … COMMIT multi-statement request; if one fails nothing is committed. No query parameters (the SQL API refuses bindings in multi-statement requests) and no DDL (Snowflake commits around CREATE, ALTER, DROP …).',
				},
			],
			default: 'independently',
			description: 'How the query runs over the input items',
			displayOptions: { show: { '/operation': ['executeQuery'] } },
		},
		queryParametersOption,
		scoped(REQUEST_OPTIONS.queryTag, RUNS_SQL),
		scoped(REQUEST_OPTIONS.role, RUNS_SQL),
		scoped(REQUEST_OPTIONS.schema, RUNS_SQL),
		scoped(REQUEST_OPTIONS.statementTimeout, RUNS_SQL),
		scoped(REQUEST_OPTIONS.timezone, [...RUNS_SQL, 'getResults']),
		scoped(REQUEST_OPTIONS.warehouse, RUNS_SQL),
	],
};

/** Shown for Insert, Update, Upsert and Delete: where the values come from. */
export const dataModeField: INodeProperties = {
	displayName: 'Columns',
	name: 'dataMode',
	type: 'options',
	options: [
		{
			name: 'Map Automatically',
			value: 'autoMapInputData',
			description:
				'Each field of the input items goes to the column of the same name (unquoted names are upper-cased: order_id → ORDER_ID). Objects and arrays go through PARSE_JSON: JSON in a VARIANT column, JSON text in a VARCHAR column.',
		},
		{
			name: 'Map Each Column Below',
			value: 'defineBelow',
			description: 'List the columns and give each a value, usually an expression on the item',
		},
	],
	default: 'autoMapInputData',
};

export const valuesToSendField: INodeProperties = {
	displayName: 'Values to Send',
	name: 'valuesToSend',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	placeholder: 'Add Column',
	displayOptions: { show: { dataMode: ['defineBelow'] } },
	options: [
		{
			displayName: 'Column',
			name: 'values',
			values: [
				{
					displayName: 'Column Name',
					name: 'column',
					type: 'string',
					default: '',
					placeholder: 'e.g. customer_id',
					description: 'Unquoted names are upper-cased as Snowflake does; wrap in double quotes to keep the case',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Usually an expression on the input item; sent as a binding',
				},
			],
		},
	],
};

export const matchColumnsField: INodeProperties = {
	displayName: 'Columns to Match On',
	name: 'matchColumns',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. order_id or order_id, line_no',
	description:
		'Comma-separated columns that identify a row. A row matches when all of them equal the item\'s values (null matches NULL).',
};

/** The SQL of Execute SQL and Submit SQL (Async). */
export const queryField: INodeProperties = {
	displayName: 'Query',
	name: 'query',
	type: 'string',
	typeOptions: { editor: 'sqlEditor', sqlDialect: 'StandardSQL' },
	default: '',
	required: true,
	placeholder: 'e.g. SELECT id, name FROM orders WHERE status = ? AND created_at > ?',
	description:
		'The SQL to run. Use ? or :1, :2 … placeholders with Options > Query Parameters for values from the items.',
	hint: 'Prefer Query Parameters over {{ }} expressions inside the SQL: parameters are sent as typed bindings, never pasted into the SQL text',
};

/** The statement Get Statement Results and Cancel Statement work on. */
export const statementHandleField: INodeProperties = {
	displayName: 'Statement Handle',
	name: 'statementHandle',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 01b2c3d4-0000-1234-0000-00000000abcd',
	description: 'The statementHandle returned when the statement was submitted (Submit SQL or Execute SQL output); Snowflake keeps it for 24 hours',
};

/** Execute SQL, Select Rows and Get Statement Results: rows as items, or the whole result as one file. */
export const returnAsField: INodeProperties = {
	displayName: 'Return Results As',
	name: 'returnAs',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Items', value: 'items', description: 'Rows as n8n items (for Execute SQL, shaped by Options > Output)' },
		{
			name: 'File',
			value: 'file',
			description: 'The whole result as one CSV or JSON Lines file in a binary field, written partition by partition: no item per row, for results too big for items',
		},
	],
	default: 'items',
};

const FILE_FORMATS = [
	{ name: 'CSV', value: 'csv', description: 'RFC 4180: header row, quoted where needed, NULL as an empty unquoted cell' },
	{ name: 'JSON Lines', value: 'jsonl', description: 'One JSON object per line' },
];

const delimiterOption: INodeProperties = {
	displayName: 'Delimiter',
	name: 'delimiter',
	type: 'string',
	default: ',',
	description: 'The character between CSV fields; \\t for a tab',
	displayOptions: { show: { '/fileFormat': ['csv'] } },
};

/** Return Results As "File": format, binary field and file options. */
export const resultFileFields: INodeProperties[] = [
	{
		displayName: 'File Format',
		name: 'fileFormat',
		type: 'options',
		options: FILE_FORMATS,
		default: 'csv',
		displayOptions: { show: { returnAs: ['file'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show: { returnAs: ['file'] } },
	},
	{
		displayName: 'File Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { returnAs: ['file'] } },
		options: [
			{
				displayName: 'Compression',
				name: 'compression',
				type: 'options',
				options: [
					{ name: 'None', value: 'none' },
					{ name: 'Gzip', value: 'gzip', description: 'The file gzipped (.gz)' },
				],
				default: 'none',
			},
			delimiterOption,
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. orders.csv',
				description: 'Name of the file; empty names it after the statement handle (e.g. 01b2….csv)',
			},
		],
	},
];

/** Insert and Insert or Update: where the rows come from, a file among them. */
export const dataModeWithFileField: INodeProperties = {
	...dataModeField,
	noDataExpression: true,
	options: [
		...(dataModeField.options ?? []),
		{
			name: 'From a File',
			value: 'file',
			description:
				'The rows of a CSV or JSON Lines file in a binary field of each input item (gzipped or not): the file goes into the table without becoming items',
		},
	],
};

/** Columns "From a File": the input binary field and how to read it. */
export const loadFileFields: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to load',
		displayOptions: { show: { dataMode: ['file'] } },
	},
	{
		displayName: 'File Format',
		name: 'fileFormat',
		type: 'options',
		options: [
			{ name: 'CSV', value: 'csv', description: 'RFC 4180 with a header row naming the columns; an empty unquoted cell is NULL' },
			{ name: 'JSON Lines', value: 'jsonl', description: 'One JSON object per line, keys naming the columns' },
		],
		default: 'csv',
		displayOptions: { show: { dataMode: ['file'] } },
	},
	{
		displayName: 'File Options',
		name: 'fileOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { dataMode: ['file'] } },
		options: [delimiterOption],
	},
];
