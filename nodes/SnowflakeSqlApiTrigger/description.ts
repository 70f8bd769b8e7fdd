/**
 * The trigger's parameters. The table picker, the binding types and the request options (role,
 * warehouse, database, schema, query tag, timeout, time zone, numbers as text) are the ones the action
 * node shows, without its per-operation visibility.
 */
import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty, BINDING_TYPE_OPTIONS, REQUEST_OPTIONS, tableLocator } from '../SnowflakeSqlApi/helpers';

const newRows = { show: { mode: ['newRows'] } };
const customQuery = { show: { mode: ['customQuery'] } };
const rowModes = { show: { mode: ['newRows', 'customQuery'] } };
const changes = { show: { mode: ['changes'] } };

export const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Trigger On',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'New Rows in a Table',
				value: 'newRows',
				description: 'Rows whose watermark column (an ID or a timestamp) is above the last one seen',
			},
			{
				name: 'Rows of a Custom Query',
				value: 'customQuery',
				description: 'Rows of your SELECT, filtered by its watermark column; the query may use :watermark',
			},
			{
				name: 'Changes in a Table',
				value: 'changes',
				description: 'Inserts, updates and deletes, read with Snowflake change tracking (the CHANGES clause)',
			},
		],
		default: 'newRows',
	},
	{ ...tableLocator, displayOptions: { show: { mode: ['newRows', 'changes'] } } },
	{
		displayName: 'Actions to Emit',
		name: 'changeActions',
		type: 'multiOptions',
		options: [
			{ name: 'Insert', value: 'insert' },
			{ name: 'Update', value: 'update' },
			{ name: 'Delete', value: 'delete' },
		],
		default: ['insert', 'update', 'delete'],
		description: 'Which changes become items. Each item is { action, row, previous (updates), rowId }; the others are skipped (the position still moves past them).',
		displayOptions: changes,
	},
	{
		displayName: 'Start From',
		name: 'changesStartFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Now', value: 'now', description: 'Changes committed after activation' },
			{ name: 'A Timestamp', value: 'timestamp', description: 'Changes committed after the timestamp (within the table\'s data retention)' },
		],
		default: 'now',
		description: 'Where the first activation starts. Changing the table, the start or the key columns starts over.',
		displayOptions: changes,
	},
	{
		displayName: 'Start Timestamp',
		name: 'startTimestamp',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Changes committed after this instant are emitted (without an offset it is UTC). Read once, at the first activation; Snowflake keeps changes for the table\'s DATA_RETENTION_TIME_IN_DAYS.',
		displayOptions: { show: { mode: ['changes'], changesStartFrom: ['timestamp'] } },
	},
	{
		displayName: 'Max Changes per Poll',
		name: 'changesPerPoll',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100000 },
		default: 1000,
		description: 'Most changed rows one poll reads (an update counts once). The rest of the same window follows on the next polls, each exactly once.',
		displayOptions: changes,
	},
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		typeOptions: { editor: 'sqlEditor', sqlDialect: 'StandardSQL' },
		default: '',
		required: true,
		noDataExpression: true,
		placeholder: 'e.g. SELECT o.*, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.updated_at >= :watermark',
		description:
			'One SELECT statement. :watermark is bound to the lowest watermark value still of interest (use it as column >= :watermark so Snowflake reads less); the trigger then keeps the rows at or above it, sorted by the watermark column, up to the limit.',
		hint: 'Compare with >= :watermark, never >: rows equal to the last value may still be due. No other placeholders; values never go into the SQL text.',
		displayOptions: customQuery,
	},
	{
		displayName: 'Watermark Column',
		name: 'watermarkColumn',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. created_at or order_id',
		description:
			'A column whose value only grows for new rows: an ID or sequence, or a timestamp such as created_at. Rows with NULL there are never emitted. Unquoted names are upper-cased as Snowflake does; wrap in double quotes to keep the case.',
		displayOptions: newRows,
	},
	{
		displayName: 'Watermark Column',
		name: 'watermarkColumn',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. updated_at',
		description:
			'The output column of the query that carries the watermark: an ID or a timestamp that only grows for new rows. Unquoted names are upper-cased as Snowflake does; wrap in double quotes to keep the case.',
		displayOptions: customQuery,
	},
	{
		displayName: 'Start From',
		name: 'startFrom',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Now',
				value: 'now',
				description: 'The rows present at activation are skipped; only later rows are emitted',
			},
			{
				name: 'A Start Value',
				value: 'value',
				description: 'Rows whose watermark is at or above the start value are emitted, existing ones included',
			},
		],
		default: 'now',
		description: 'Where the first activation starts. Changing the trigger\'s table, query, column, start or key columns starts over.',
		displayOptions: rowModes,
	},
	{
		displayName: 'Start Value',
		name: 'startValue',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1000 or 2024-01-01T00:00:00Z',
		description: 'The lowest watermark value to emit (inclusive). An expression such as {{ $now.minus(1, "day") }} is read once, at the first activation.',
		displayOptions: { show: { mode: ['newRows', 'customQuery'], startFrom: ['value'] } },
	},
	{
		displayName: 'Start Value',
		name: 'startValue',
		type: 'string',
		default: '',
		placeholder: 'e.g. 1970-01-01T00:00:00Z',
		description:
			'What :watermark is bound to while no row has been seen yet (at activation the query runs with it to find the rows to skip). Needed when the query uses :watermark.',
		displayOptions: { show: { mode: ['customQuery'], startFrom: ['now'] } },
	},
	{
		displayName: 'Max Rows per Poll',
		name: 'rowsPerPoll',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1000,
		description:
			'Most rows one poll emits. The rest, ties with the last emitted value included, follow on the next polls, each exactly once.',
		displayOptions: rowModes,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: rowModes,
		options: [
			...Object.values(REQUEST_OPTIONS),
			{
				displayName: 'Key Columns',
				name: 'keyColumns',
				type: 'string',
				default: '',
				placeholder: 'e.g. order_id',
				description:
					'Comma-separated columns that identify a row. Emitted rows are remembered by these (with the watermark value) instead of by all their values, so a row changed in another column while in the look-back window is not emitted again.',
			},
			{
				displayName: 'Look-Back for Late Rows',
				name: 'lookBack',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 3 },
				default: 0,
				description:
					'How far below the highest emitted value each poll looks again, for rows that arrive late (a transaction committing after later ones): seconds for timestamp and time columns (rounded up to days for DATE), units of the value for numbers. Rows emitted within it are remembered and never emitted twice. 0: only rows at or above the highest value.',
			},
			{
				displayName: 'Start Value Type',
				name: 'startValueType',
				type: 'options',
				options: BINDING_TYPE_OPTIONS,
				default: 'auto',
				description: 'Snowflake binding type of the Start Value; Auto sends text as TEXT, which Snowflake casts to the column\'s type',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: changes,
		options: [
			...Object.values(REQUEST_OPTIONS),
			{
				displayName: 'Enable Change Tracking',
				name: 'enableChangeTracking',
				type: 'boolean',
				default: false,
				description:
					'Whether the trigger may run ALTER TABLE … SET CHANGE_TRACKING = TRUE at activation when change tracking is off (needs OWNERSHIP of the table). Off: activation fails and shows the statement to run.',
			},
			{
				displayName: 'Key Columns',
				name: 'keyColumns',
				type: 'string',
				default: '',
				placeholder: 'e.g. order_id',
				description:
					'Comma-separated columns that identify a row in the target you sync to. Each window then emits its deletes first, and an update that changes a key column becomes a delete of the old key and an insert of the new one, so applying the items in order by key reproduces the table.',
			},
		],
	},
];

export const subtitle =
	'={{ $parameter["mode"] === "changes" ? "Changes in a table" : $parameter["mode"] === "customQuery" ? "Rows of a custom query" : "New rows by " + $parameter["watermarkColumn"] }}';
