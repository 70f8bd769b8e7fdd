import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Operations that submit SQL (everything except reading or cancelling an existing statement). */
const RUNS_SQL = ['executeQuery', 'submitAsync', 'insert', 'update', 'upsert', 'delete', 'select'];
const DECODES_ROWS = ['executeQuery', 'select', 'getResults'];

/** SQL API binding types offered per query parameter or column; VARIANT/OBJECT/ARRAY go through PARSE_JSON. */
export const BINDING_TYPE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Auto (From the Value)', value: 'auto', description: 'Inferred from the JavaScript value: number → FIXED or REAL, boolean → BOOLEAN, text → TEXT, Date → TIMESTAMP_LTZ, object → JSON text' },
	{ name: 'ARRAY', value: 'ARRAY', description: 'A JSON array, stored through PARSE_JSON' },
	{ name: 'BINARY', value: 'BINARY', description: 'Hex text, two digits per byte' },
	{ name: 'BOOLEAN', value: 'BOOLEAN', description: 'True/false, 1/0 or yes/no' },
	{ name: 'DATE', value: 'DATE', description: 'YYYY-MM-DD' },
	{ name: 'DECFLOAT', value: 'DECFLOAT', description: 'Exact decimal number, from a number or numeric text' },
	{ name: 'FIXED', value: 'FIXED', description: 'Integer (NUMBER with scale 0); pass text to keep more than 15 digits' },
	{ name: 'OBJECT', value: 'OBJECT', description: 'A JSON object, stored through PARSE_JSON' },
	{ name: 'REAL', value: 'REAL', description: 'Floating-point number' },
	{ name: 'TEXT', value: 'TEXT', description: 'Text as is' },
	{ name: 'TIME', value: 'TIME', description: 'HH:mm:ss with up to 9 fraction digits' },
	{ name: 'TIMESTAMP_LTZ', value: 'TIMESTAMP_LTZ', description: 'An ISO date-time with Z or an offset' },
	{ name: 'TIMESTAMP_NTZ', value: 'TIMESTAMP_NTZ', description: 'An ISO date-time; the wall clock is stored, any offset dropped' },
	{ name: 'TIMESTAMP_TZ', value: 'TIMESTAMP_TZ', description: 'An ISO date-time with Z or an offset, kept with the value' },
	{ name: 'VARIANT', value: 'VARIANT', description: 'Any JSON value, stored through PARSE_JSON' },
];

const EXACT_NAME_HINT = 'Case-sensitive, exactly as SHOW lists it';

/** A role, warehouse, database or schema picker: from SHOW through the SQL API, typed, or exact. */
function contextLocator(displayName: string, name: string, searchListMethod: string, example: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: `${displayName} to run the statement with. Overrides the credential's default ${name}.`,
		displayOptions: { show: { '/operation': RUNS_SQL } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: `e.g. ${example.toLowerCase()}`,
				hint: 'Unquoted names are upper-cased as Snowflake does; wrap in double quotes to keep the case',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${example}`,
				hint: EXACT_NAME_HINT,
			},
		],
	};
}

/** The table the sync operations write to or read from. */
export const tableLocator: INodeProperties = {
	displayName: 'Table',
	name: 'table',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The table to work on. In the database and schema of Options, or of the credential, unless the name is qualified (schema.table or database.schema.table).',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchTables', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. orders or analytics.public.orders',
			hint: 'Unquoted names are upper-cased as Snowflake does (orders → ORDERS); wrap a part in double quotes to keep its case',
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ORDERS',
			hint: `The table name alone. ${EXACT_NAME_HINT}.`,
		},
	],
};

export const queryParametersOption: INodeProperties = {
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
		contextLocator('Database', 'database', 'searchDatabases', 'ANALYTICS'),
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
		{
			displayName: 'Numbers as Text',
			name: 'numbersAsText',
			type: 'boolean',
			default: false,
			description:
				'Whether to return every NUMBER, FLOAT and DECFLOAT value as its exact decimal text. Off: integers and floats are JSON numbers, and only values JavaScript cannot hold exactly come back as text.',
			displayOptions: { show: { '/operation': DECODES_ROWS } },
		},
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
			displayOptions: { show: { '/operation': ['executeQuery'] } },
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
		{
			displayName: 'Query Tag',
			name: 'queryTag',
			type: 'string',
			default: '',
			description:
				'QUERY_TAG shown in Snowflake\'s query history. When this option is not added, the tag names the n8n workflow, execution and node. Empty: no tag.',
			displayOptions: { show: { '/operation': RUNS_SQL } },
		},
		contextLocator('Role', 'role', 'searchRoles', 'ANALYST'),
		contextLocator('Schema', 'schema', 'searchSchemas', 'PUBLIC'),
		{
			displayName: 'Statement Timeout (Seconds)',
			name: 'statementTimeout',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 604800 },
			default: 0,
			description:
				'Snowflake cancels the statement after this many seconds (at most 604800, 7 days) and the node fails with a timeout (HTTP 408). 0 sends no timeout: the STATEMENT_TIMEOUT_IN_SECONDS parameter of the account or user applies (2 days unless changed); a lower one set on the warehouse always wins.',
			displayOptions: { show: { '/operation': RUNS_SQL } },
		},
		{
			displayName: 'Timezone',
			name: 'timezone',
			type: 'string',
			default: '',
			placeholder: 'e.g. Europe/Berlin',
			description:
				'IANA time zone: the session TIMEZONE for the statement, and the zone TIMESTAMP_LTZ values are shown in. Empty: UTC for output, the user\'s default in Snowflake.',
			displayOptions: { show: { '/operation': [...RUNS_SQL, 'getResults'] } },
		},
		contextLocator('Warehouse', 'warehouse', 'searchWarehouses', 'COMPUTE_WH'),
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
