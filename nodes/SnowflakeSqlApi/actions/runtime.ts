/**
 * What every operation shares: reading the Options collection into a statement request (context,
 * query tag, timeout, time zone), decode options, and the continueOnFail loop.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from '../helpers/errors';
import { contextIdentifier, resolveIdentifier } from '../helpers/identifiers';
import type { LocatorValue, OperationRuntime, RequestContext, SnowflakeNodeOptions } from '../helpers/interfaces';
import type { DecodeOptions, ExecuteOptions, StatementResult } from '../transport';

/** QUERY_TAG is limited to 2,000 characters by Snowflake. */
const MAX_QUERY_TAG = 2000;

export function readOptions(context: IExecuteFunctions, itemIndex: number): SnowflakeNodeOptions {
	return context.getNodeParameter('options', itemIndex, {}) as SnowflakeNodeOptions;
}

/**
 * A locator's value as Snowflake stores the name: picked from the list or typed "By ID" is exact;
 * typed "By Name" follows the identifier rules (unquoted → upper case, "quoted" → as written).
 */
export function locatorName(value: LocatorValue | string | undefined, label: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return contextIdentifier(value, label);
	const text = String(value.value ?? '').trim();
	if (text === '') return undefined;
	return value.mode === 'name' ? resolveIdentifier(text, label) : text;
}

/** What the request context reads from n8n: the same for an execution and for a poll. */
export type RequestSource = Pick<IExecuteFunctions, 'getWorkflow' | 'getExecutionId' | 'getNode'>;

function defaultQueryTag(context: RequestSource): string {
	const tag = {
		source: 'n8n',
		workflowId: context.getWorkflow().id ?? '',
		executionId: context.getExecutionId() ?? '',
		node: context.getNode().name,
	};
	return JSON.stringify(tag).slice(0, MAX_QUERY_TAG);
}

/** Request fields from the options, with the credential's role, warehouse, database and schema as defaults. */
export function requestContext(
	context: RequestSource,
	options: SnowflakeNodeOptions,
	runtime: OperationRuntime,
): RequestContext {
	const { credentials } = runtime;
	const fallback = (text: string | undefined) => (text && text.trim() !== '' ? text.trim() : undefined);
	const request: RequestContext = {
		role: locatorName(options.role, 'role') ?? fallback(credentials.role),
		warehouse: locatorName(options.warehouse, 'warehouse') ?? fallback(credentials.warehouse),
		database: locatorName(options.database, 'database') ?? fallback(credentials.database),
		schema: locatorName(options.schema, 'schema') ?? fallback(credentials.schema),
	};
	for (const key of ['role', 'warehouse', 'database', 'schema'] as const) {
		if (request[key] === undefined) delete request[key];
	}
	if (options.statementTimeout !== undefined && options.statementTimeout > 0) request.timeout = options.statementTimeout;
	const parameters: Record<string, string | number | boolean> = {};
	const tag = options.queryTag === undefined ? defaultQueryTag(context) : options.queryTag.slice(0, MAX_QUERY_TAG);
	if (tag !== '') parameters.QUERY_TAG = tag;
	const timezone = options.timezone?.trim();
	if (timezone) parameters.TIMEZONE = timezone;
	if (Object.keys(parameters).length > 0) request.parameters = parameters;
	return request;
}

export function decodeOptions(options: SnowflakeNodeOptions): DecodeOptions {
	const decode: DecodeOptions = {};
	if (options.numbersAsText) decode.numbersAsStrings = true;
	const timezone = options.timezone?.trim();
	if (timezone) decode.timezone = timezone;
	return decode;
}

/** Max Rows (0 = no limit) and On Limit as transport options. */
export function rowLimit(options: SnowflakeNodeOptions): Pick<ExecuteOptions, 'maxRows' | 'onMaxRows'> {
	if (!options.maxRows || options.maxRows <= 0) return {};
	return { maxRows: options.maxRows, onMaxRows: options.onMaxRows ?? 'error' };
}

/** A result with the Max Rows of the item it ran for (items may set different limits). */
export interface RowLimitedResult {
	result: StatementResult;
	maxRows: number | undefined;
	itemIndex: number;
}

/** Tells the user in the output pane that a result was cut at Max Rows (the "stop" choice of On Limit). */
export function warnTruncated(context: IExecuteFunctions, results: RowLimitedResult[]): void {
	const cut = results.filter(({ result }) => result.truncated || result.statements?.some((child) => child.truncated));
	if (cut.length === 0 || typeof context.addExecutionHints !== 'function') return;
	const limits = new Set(cut.map(({ maxRows }) => maxRows));
	let message: string;
	if (limits.size === 1) {
		const maxRows = cut[0].maxRows;
		message = `The result was cut at Max Rows (${maxRows}): only the first ${maxRows} rows of ${cut.length === 1 ? 'a statement' : `${cut.length} statements`} are in the output.`;
	} else {
		const each = cut.map(({ maxRows, itemIndex }) => `${maxRows} for item ${itemIndex}`).join(', ');
		message = `Results were cut at Max Rows (${each}): only the first rows up to each item's limit are in the output.`;
	}
	context.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
}

/**
 * Rows as n8n items paired with one input item. The rows become the items' json as they are (no
 * copy), and all items share one pairedItem object: n8n only reads it (or replaces it), and a
 * million results then cost a million fewer objects.
 */
export function rowItems(rows: IDataObject[], itemIndex: number): INodeExecutionData[] {
	const pairedItem = { item: itemIndex };
	const items = new Array<INodeExecutionData>(rows.length);
	for (let i = 0; i < rows.length; i++) items[i] = { json: rows[i], pairedItem };
	return items;
}

/**
 * Runs `work` for each item index; a failure becomes an error item (continueOnFail) or stops the
 * execution with the mapped n8n error.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	count: number,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			// A loop, not push(...items): spreading a million items overflows the call stack.
			for (const item of await work(itemIndex)) output.push(item);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(errorItem(context.getNode(), error, itemIndex));
		}
	}
	return output;
}

/** Statement results rendered as JSON-safe data (DML stats and rowType included). */
export function metadataOf(result: StatementResult): IDataObject {
	const metadata: IDataObject = {
		statementHandle: result.statementHandle,
		requestId: result.requestId,
		code: result.code,
		message: result.message,
		numRows: result.numRows,
		partitionCount: result.partitionCount,
		rowType: result.rowType as unknown as IDataObject[],
	};
	if (result.sqlState) metadata.sqlState = result.sqlState;
	if (result.createdOn !== undefined) metadata.createdOn = result.createdOn;
	if (result.stats) metadata.stats = result.stats as IDataObject;
	return metadata;
}
