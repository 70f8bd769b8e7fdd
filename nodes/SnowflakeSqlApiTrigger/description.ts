/**
 * The trigger's parameters. The table picker, the binding types and the request options (role,
 * warehouse, database, schema, query tag, timeout, time zone, numbers as text) are the ones the action
 * node shows, without its per-operation visibility.
 */
import type { INodeProperties } from 'n8n-workflow';

import { BINDING_TYPE_OPTIONS, REQUEST_OPTIONS, tableLocator } from '../SnowflakeSqlApi/helpers';

const newRows = { show: { mode: ['newRows'] } };
const customQuery = { show: { mode: ['customQuery'] } };

export const properties: INodeProperties[] = [
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
		],
		default: 'newRows',
	},
	{ ...tableLocator, displayOptions: newRows },
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
	},
	{
		displayName: 'Start Value',
		name: 'startValue',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1000 or 2024-01-01T00:00:00Z',
		description: 'The lowest watermark value to emit (inclusive). An expression such as {{ $now.minus(1, "day") }} is read once, at the first activation.',
		displayOptions: { show: { startFrom: ['value'] } },
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
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
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
];

export const subtitle = '={{ $parameter["mode"] === "customQuery" ? "Rows of a custom query" : "New rows by " + $parameter["watermarkColumn"] }}';
