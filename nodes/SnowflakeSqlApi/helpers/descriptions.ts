/**
 * Parameters the action node and the trigger share: the table picker, the binding types, and the
 * options that shape a statement request (context, query tag, timeout, time zone, numbers as text).
 * They carry no visibility: the action node scopes each option to its operations, the trigger shows
 * them all.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

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

/** Options that shape a statement request, in the order of the Options collection (by display name). */
export const REQUEST_OPTIONS = {
	database: contextLocator('Database', 'database', 'searchDatabases', 'ANALYTICS'),
	numbersAsText: {
		displayName: 'Numbers as Text',
		name: 'numbersAsText',
		type: 'boolean',
		default: false,
		description:
			'Whether to return every NUMBER, FLOAT and DECFLOAT value as its exact decimal text. Off: integers and floats are JSON numbers, and only values JavaScript cannot hold exactly come back as text.',
	},
	queryTag: {
		displayName: 'Query Tag',
		name: 'queryTag',
		type: 'string',
		default: '',
		description:
			'QUERY_TAG shown in Snowflake\'s query history. When this option is not added, the tag names the n8n workflow, execution and node. Empty: no tag.',
	},
	role: contextLocator('Role', 'role', 'searchRoles', 'ANALYST'),
	schema: contextLocator('Schema', 'schema', 'searchSchemas', 'PUBLIC'),
	statementTimeout: {
		displayName: 'Statement Timeout (Seconds)',
		name: 'statementTimeout',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 604800 },
		default: 0,
		description:
			'Snowflake cancels the statement after this many seconds (at most 604800, 7 days) and the node fails with a timeout (HTTP 408). 0 sends no timeout: the STATEMENT_TIMEOUT_IN_SECONDS parameter of the account or user applies (2 days unless changed); a lower one set on the warehouse always wins.',
	},
	timezone: {
		displayName: 'Timezone',
		name: 'timezone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		description:
			'IANA time zone: the session TIMEZONE for the statement, and the zone TIMESTAMP_LTZ values are shown in. Empty: UTC for output, the user\'s default in Snowflake.',
	},
	warehouse: contextLocator('Warehouse', 'warehouse', 'searchWarehouses', 'COMPUTE_WH'),
} satisfies Record<string, INodeProperties>;

/**
 * Authentication, as n8n's own nodes offer a choice of credentials: one credential entry per value, shown
 * only for it. Key Pair is the default, so a workflow saved before the choice existed keeps its key pair.
 */
export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Key Pair', value: 'keyPair', description: 'An RSA key pair registered on the user (KEYPAIR_JWT)' },
		{
			name: 'Programmatic Access Token',
			value: 'programmaticAccessToken',
			description: 'A token generated for the user (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN); needs a network policy.',
		},
		{
			name: 'OAuth2',
			value: 'oAuth2',
			description: 'Snowflake OAuth (a user signs in once) or External OAuth from your identity provider (Entra ID, Okta, ...)',
		},
	],
	default: 'keyPair',
};
