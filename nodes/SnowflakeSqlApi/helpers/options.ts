/**
 * The Options collection read into what a statement needs: the request context (role, warehouse,
 * database, schema, query tag, timeout, time zone), the decode options and the row limit.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { DecodeOptions, ExecuteOptions } from '../transport';
import { checkNameLength, contextIdentifier, resolveIdentifier } from './identifiers';
import { SqlInputError } from './inputErrors';
import type { LocatorValue, OperationRuntime, RequestContext, SnowflakeNodeOptions } from './interfaces';

/** QUERY_TAG is limited to 2,000 characters by Snowflake. */
const MAX_QUERY_TAG = 2000;

export function readOptions(context: IExecuteFunctions, itemIndex: number): SnowflakeNodeOptions {
	return context.getNodeParameter('options', itemIndex, {}) as SnowflakeNodeOptions;
}

/**
 * A locator's value as Snowflake stores the name: picked from the list or typed "By ID" is exact;
 * typed "By Name" follows the identifier rules (unquoted → upper case, "quoted" → as written).
 */
function locatorName(value: LocatorValue | string | undefined, label: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return contextIdentifier(value, label);
	const text = String(value.value ?? '').trim();
	if (text === '') return undefined;
	if (value.mode === 'name') return resolveIdentifier(text, label);
	checkNameLength(text, label);
	return text;
}

/** What the request context reads from n8n: the same for an execution and for a poll. */
type RequestSource = Pick<IExecuteFunctions, 'getWorkflow' | 'getExecutionId' | 'getNode'>;

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
	runtime: Pick<OperationRuntime, 'credentials'>,
): RequestContext {
	const { credentials } = runtime;
	const fallback = (text: string | undefined, label: string) => {
		const name = text?.trim();
		if (!name) return undefined;
		checkNameLength(name, `${label} of the credential`);
		return name;
	};
	const request: RequestContext = {
		role: locatorName(options.role, 'role') ?? fallback(credentials.role, 'role'),
		warehouse: locatorName(options.warehouse, 'warehouse') ?? fallback(credentials.warehouse, 'warehouse'),
		database: locatorName(options.database, 'database') ?? fallback(credentials.database, 'database'),
		schema: locatorName(options.schema, 'schema') ?? fallback(credentials.schema, 'schema'),
	};
	for (const key of ['role', 'warehouse', 'database', 'schema'] as const) {
		if (request[key] === undefined) delete request[key];
	}
	if (options.statementTimeout !== undefined && options.statementTimeout > 0) request.timeout = options.statementTimeout;
	const parameters: Record<string, string | number | boolean> = {};
	if (options.queryTag !== undefined && options.queryTag.length > MAX_QUERY_TAG) {
		throw new SqlInputError(
			`Query Tag is ${options.queryTag.length} characters long; Snowflake allows at most ${MAX_QUERY_TAG}: shorten it (or leave it empty).`,
		);
	}
	const tag = options.queryTag === undefined ? defaultQueryTag(context) : options.queryTag;
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
