/**
 * One mapper from whatever failed (transport, auth, input checks) to n8n's errors, and the error
 * items continueOnFail emits. The n8n errors are built from plain text, never with the original
 * error as cause: an HTTP library's error carries the request, Authorization header included.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { boundText, SnowflakeError } from '../transport';
import { SqlInputError } from './inputErrors';

type SnowflakeNodeError = NodeApiError | NodeOperationError;

/** The fields an error item carries (issue: error, code, sqlState, statementHandle, itemIndex). */
interface ErrorFields extends IDataObject {
	error: string;
	code?: string;
	sqlState?: string;
	statementHandle?: string;
	itemIndex: number;
}

/** Kinds that come from Snowflake's answer (or its absence) rather than from the node's input. */
const API_KINDS = new Set(['auth', 'sql', 'timeout', 'rateLimited', 'http', 'network', 'protocol']);

function describe(error: SnowflakeError, extra?: string): string | undefined {
	const lines = [error.hint, error.statementHandle ? `Statement handle: ${error.statementHandle}` : undefined, extra];
	const text = lines.filter((line): line is string => Boolean(line)).join('\n');
	return text === '' ? undefined : text;
}

/**
 * n8n marks a run "canceled" rather than "error" when the error message contains `canceled`: the
 * node's own messages for a stopped execution use that spelling, and Snowflake's messages for
 * statements stopped otherwise (a timeout "… and was canceled.", another session's cancel) are
 * shown spelled `cancelled`, so those runs fail as errors and reach error workflows.
 */
function notCanceled(message: string): string {
	return message.replace(/canceled/g, 'cancelled');
}

/**
 * Maps an error to NodeApiError (Snowflake answered with a failure, or could not be reached) or
 * NodeOperationError (configuration, input, cancellation, row limit), with Snowflake's code,
 * sqlState and statement handle kept and the hint as description. `extra` adds a line to the description.
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number, extra?: string): SnowflakeNodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof SnowflakeError) {
		const description = describe(error, extra);
		if (API_KINDS.has(error.kind)) {
			const message = notCanceled(error.message);
			const response: JsonObject = {
				message,
				code: error.code ?? null,
				sqlState: error.sqlState ?? null,
				statementHandle: error.statementHandle ?? null,
			};
			const nodeError = new NodeApiError(node, response, {
				message,
				description,
				httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
				itemIndex,
			});
			// n8n swaps a message that mentions a system error code (ECONNRESET, ETIMEDOUT, ...) for a generic
			// sentence; ours says more (the attempts made, whether the statement may have run).
			nodeError.message = message;
			return nodeError;
		}
		return new NodeOperationError(node, error.message, { description, itemIndex });
	}
	if (error instanceof SqlInputError) {
		return new NodeOperationError(node, error.message, { description: extra, itemIndex: error.itemIndex ?? itemIndex });
	}
	const message = boundText(error instanceof Error ? error.message : String(error), 500);
	return new NodeOperationError(node, message, { description: extra, itemIndex });
}

/** The JSON of an error item. */
function errorFields(error: unknown, itemIndex: number): ErrorFields {
	const fields: ErrorFields = {
		error: error instanceof Error ? error.message : String(error),
		itemIndex,
	};
	const source = error instanceof SnowflakeError ? error : undefined;
	if (source?.code) fields.code = source.code;
	if (source?.sqlState) fields.sqlState = source.sqlState;
	if (source?.statementHandle) fields.statementHandle = source.statementHandle;
	return fields;
}

/**
 * The continueOnFail item for input item `itemIndex`: `{ error, code, sqlState, statementHandle,
 * itemIndex, description }` on the regular output. For "Continue (using error output)" n8n routes an
 * item to the error output only by the shape of its json: exactly `{ error, message }` on n8n 1.x, keys
 * among error, message and details on 2.x. `{ message, error: { code, … } }` (Postgres v2's shape)
 * routes on both; n8n adds the input item's fields next to them.
 */
export function errorItem(node: INode, error: unknown, itemIndex: number, extra?: string): INodeExecutionData {
	const nodeError = toNodeError(node, error, itemIndex, extra);
	const fields = errorFields(error, itemIndex);
	fields.error = nodeError.message;
	if (nodeError.description) fields.description = nodeError.description;
	if (node.onError === 'continueErrorOutput') {
		const { error: message, ...details } = fields;
		return { json: { message, error: details }, pairedItem: { item: itemIndex } };
	}
	return { json: fields, pairedItem: { item: itemIndex } };
}
