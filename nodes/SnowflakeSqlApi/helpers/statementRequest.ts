/** The statement request for the Query parameter of Execute SQL and Submit SQL (Async). */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { StatementRequest } from '../transport';
import { bindParameters, type QueryParameter } from './bindings';
import { SqlInputError } from './inputErrors';
import type { OperationRuntime, SnowflakeNodeOptions } from './interfaces';
import { requestContext } from './options';
import { assertNoFileTransfer, countStatements } from './sqlText';

/** The parameters of the Query Parameters option, in order. */
export function queryParameters(options: SnowflakeNodeOptions): QueryParameter[] {
	return (options.queryParameters?.parameters ?? []).map((parameter) => ({
		value: parameter.value,
		type: parameter.type,
	}));
}

/**
 * The request for one item's SQL: placeholders bound, statement count checked (several statements
 * need the Multi-Statement option, and then take no bindings).
 */
export function buildStatementRequest(
	context: IExecuteFunctions,
	itemIndex: number,
	options: SnowflakeNodeOptions,
	runtime: OperationRuntime,
): StatementRequest {
	const sql = context.getNodeParameter('query', itemIndex) as string;
	if (typeof sql !== 'string' || sql.trim() === '') {
		throw new SqlInputError('The query is empty. Enter the SQL to run.', { itemIndex });
	}
	assertNoFileTransfer(sql);
	const count = countStatements(sql);
	const multi = options.multiStatement === true;
	if (count > 1 && !multi) {
		throw new SqlInputError(
			`The query holds ${count} statements separated by ";". Turn on Options > Multi-Statement to run them in one request, or send one statement.`,
			{ itemIndex },
		);
	}
	const { statement, bindings } = bindParameters(sql, queryParameters(options));
	const request: StatementRequest = { statement, ...requestContext(context, options, runtime) };
	if (Object.keys(bindings).length > 0) request.bindings = bindings;
	if (multi) request.parameters = { ...request.parameters, MULTI_STATEMENT_COUNT: count };
	return request;
}
