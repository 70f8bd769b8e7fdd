/** The shapes the client returns, built from Snowflake's responses. */
import type { QueryStatus, ResultSet, StatementPage, StatementResult } from './types';

/** The fields a result or page copies from its ResultSet as they are. */
export function resultFields(resultSet: ResultSet) {
	return {
		statementHandle: resultSet.statementHandle,
		code: resultSet.code,
		sqlState: resultSet.sqlState,
		message: resultSet.message,
		createdOn: resultSet.createdOn,
		stats: resultSet.stats,
		statementHandles: resultSet.statementHandles,
	};
}

/** An `async` submit's answer: the statement runs on, nothing to read yet. */
export function runningResult(status: QueryStatus, requestId: string | undefined): StatementResult {
	return {
		statementHandle: status.statementHandle,
		requestId: requestId ?? '',
		status: 'running',
		code: status.code,
		sqlState: status.sqlState,
		message: status.message,
		createdOn: status.createdOn,
		rowType: [],
		numRows: 0,
		rows: [],
		truncated: false,
		partitionCount: 0,
	};
}

/** `getStatement` of a statement still running. */
export function runningPage(handle: string, partition: number, running: QueryStatus | undefined): StatementPage {
	return {
		statementHandle: handle,
		status: 'running',
		code: running?.code ?? '',
		sqlState: running?.sqlState,
		message: running?.message ?? '',
		rowType: [],
		numRows: 0,
		partition,
		partitionCount: 0,
		rows: [],
	};
}
