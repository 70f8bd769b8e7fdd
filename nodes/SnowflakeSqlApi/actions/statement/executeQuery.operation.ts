/**
 * Execute SQL. Values reach Snowflake only as bindings (Query Parameters); the SQL text may still
 * contain n8n expressions, which the UI discourages. Query Batching decides how the items map to
 * statements:
 * - independently: one request per item;
 * - single: one request for all items, refused when items resolve to different SQL or parameters
 *   (so no item is silently skipped); its rows are paired with the first item;
 * - transaction: `BEGIN TRANSACTION; <item 0>; <item 1>; …; COMMIT` as one multi-statement request.
 *   The SQL API accepts no bindings there, so query parameters are refused in this mode. When any
 *   statement fails Snowflake stops, the COMMIT never runs and the open transaction is rolled back
 *   with the request's session: no item's changes are kept. DDL (and transaction control) is refused
 *   before anything is sent: Snowflake commits the open transaction around every DDL statement.
 */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import {
	buildStatementRequest,
	countStatements,
	decodeOptions,
	errorItem,
	forEachItem,
	queryParameters,
	readOptions,
	readResultFileOptions,
	requestContext,
	resultFileItem,
	rowItems,
	rowLimit,
	SqlInputError,
	statementKeywords,
	toNodeError,
	warnTruncated,
	withoutTrailingTerminators,
} from '../../helpers';
import type { OperationRuntime, OutputMode, RowLimitedResult, SnowflakeNodeOptions } from '../../helpers';
import { SnowflakeError, type StatementRequest, type StatementResult } from '../../transport';
import { optionsCollection, queryField, resultFileFields, returnAsField } from '../common.descriptions';

const properties: INodeProperties[] = [queryField, returnAsField, ...resultFileFields, optionsCollection];

export const description = updateDisplayOptions(
	{ show: { resource: ['statement'], operation: ['executeQuery'] } },
	properties,
);

/** Statement results rendered as JSON-safe data (DML stats and rowType included). */
function metadataOf(result: StatementResult): IDataObject {
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

/** Output items for one statement result, paired with `itemIndex`. */
function outputItems(result: StatementResult, output: OutputMode, itemIndex: number): INodeExecutionData[] {
	const children = result.statements;
	if (output === 'metadata') {
		const json = metadataOf(result);
		if (children) json.statements = children.map((child, index) => ({ statementIndex: index, ...metadataOf(child) }));
		return [{ json, pairedItem: { item: itemIndex } }];
	}
	if (output === 'allRows') {
		const json: IDataObject = { statementHandle: result.statementHandle, numRows: result.numRows, truncated: result.truncated };
		if (children) {
			json.statements = children.map((child, index) => ({
				statementIndex: index,
				statementHandle: child.statementHandle,
				numRows: child.numRows,
				truncated: child.truncated,
				rows: child.rows as IDataObject[],
			}));
		} else {
			json.rows = result.rows as IDataObject[];
		}
		return [{ json, pairedItem: { item: itemIndex } }];
	}
	if (!children) return rowItems(result.rows as IDataObject[], itemIndex);
	// Labels are written last: they are the contract of multi-statement output.
	return children.flatMap((child, index) =>
		rowItems(
			child.rows.map((row) => ({ ...(row as IDataObject), statementIndex: index, statementHandle: child.statementHandle })),
			itemIndex,
		),
	);
}

function sameRequest(a: StatementRequest, b: StatementRequest): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** How one statement's result becomes output items: as rows (per Options > Output) or as a file. */
type RunStatement = (
	this: IExecuteFunctions,
	request: StatementRequest,
	options: SnowflakeNodeOptions,
	itemIndex: number,
	runtime: OperationRuntime,
) => Promise<INodeExecutionData[]>;

/** Rows as items, shaped by Options > Output; truncation is collected for one hint. */
function runToItems(results: RowLimitedResult[]): RunStatement {
	return async function (this: IExecuteFunctions, request, options, itemIndex, runtime) {
		const output = options.output ?? 'rows';
		const limit = rowLimit(options);
		const result = await runtime.runner.execute(request, {
			signal: runtime.signal,
			decode: decodeOptions(options),
			...(output === 'metadata' ? { maxRows: 0, onMaxRows: 'truncate' } : limit),
		});
		if (output !== 'metadata') results.push({ result, maxRows: limit.maxRows, itemIndex });
		return outputItems(result, output, itemIndex);
	};
}

/** Return Results As "File": the result written partition by partition into one file item. */
const runToFile: RunStatement = async function (this: IExecuteFunctions, request, options, itemIndex, runtime) {
	if (options.multiStatement) {
		throw new SqlInputError('Return Results As "File" writes the result of one statement: turn off Options > Multi-Statement.', { itemIndex });
	}
	const file = readResultFileOptions(this, itemIndex);
	const read = { signal: runtime.signal, decode: decodeOptions(options), ...rowLimit(options) };
	return [await resultFileItem(this, itemIndex, file, (writer) => runtime.runner.executeEach(request, read, writer))];
};

async function runSingle(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
	run: RunStatement,
): Promise<INodeExecutionData[]> {
	const options = readOptions(this, 0);
	let request: StatementRequest;
	try {
		request = buildStatementRequest(this, 0, options, runtime);
		for (let itemIndex = 1; itemIndex < items.length; itemIndex++) {
			const other = buildStatementRequest(this, itemIndex, readOptions(this, itemIndex), runtime);
			if (!sameRequest(request, other)) {
				throw new SqlInputError(
					`Query Batching is "Single (Once for All Items)", but item ${itemIndex} resolves to different SQL, parameters or options than item 0. Choose "Independently (Once per Item)" to run each item's statement, or make the query the same for all items.`,
					{ itemIndex },
				);
			}
		}
	} catch (error) {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0);
		return [errorItem(this.getNode(), error, 0)];
	}
	return await forEachItem(this, 1, async (itemIndex) => await run.call(this, request, options, itemIndex, runtime));
}

/**
 * Statements Snowflake runs in a transaction of their own, committing an open transaction first
 * (DDL), or that end or start one: inside Query Batching "Transaction" they would break all or nothing.
 */
const NOT_IN_TRANSACTION = new Set([
	'CREATE', 'ALTER', 'DROP', 'UNDROP', 'TRUNCATE', 'GRANT', 'REVOKE', 'COMMENT',
	'BEGIN', 'START', 'COMMIT', 'ROLLBACK',
]);

/** Refuses an item whose SQL holds a statement that would commit (or end) the transaction early. */
function assertTransactional(sql: string, itemIndex: number): void {
	const keyword = statementKeywords(sql).find((word) => NOT_IN_TRANSACTION.has(word));
	if (keyword === undefined) return;
	const control = ['BEGIN', 'START', 'COMMIT', 'ROLLBACK'].includes(keyword);
	throw new SqlInputError(
		control
			? `Query Batching "Transaction" wraps the items in BEGIN TRANSACTION … COMMIT itself, but the query of item ${itemIndex} holds a ${keyword} statement. Remove it, or choose "Independently (Once per Item)" to control transactions in the SQL.`
			: `Query Batching "Transaction" cannot include DDL: the query of item ${itemIndex} holds a ${keyword} statement, and Snowflake commits the open transaction before and after every DDL statement, so the items would no longer be all or nothing. Run DDL in a separate node (or with Query Batching "Independently (Once per Item)") before the transaction.`,
		{ itemIndex },
	);
}

/**
 * Added to a failed transaction's error only when Snowflake answered for the statements (422, 408):
 * then the COMMIT never ran. Other failures (no answer, 5xx) may have come after the COMMIT.
 */
function transactionNote(error: unknown): string | undefined {
	if (!(error instanceof SnowflakeError)) return undefined;
	if (error.kind === 'sql' || error.kind === 'timeout') {
		return 'The transaction was not committed: none of the items\' statements took effect.';
	}
	if (error.kind === 'maxRows') return 'The transaction was committed: only reading its result failed.';
	return undefined;
}

async function runTransaction(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	const options = readOptions(this, 0);
	const output = options.output ?? 'rows';
	const parts: string[] = [];
	const counts: number[] = [];
	let request: StatementRequest;
	let failedItem = 0;
	try {
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			failedItem = itemIndex;
			const itemOptions = readOptions(this, itemIndex);
			if (queryParameters(itemOptions).length > 0) {
				throw new SqlInputError(
					'Query Batching "Transaction" runs all items in one multi-statement request, and the Snowflake SQL API accepts no bindings there. Remove the Query Parameters, or use Insert, Update, Upsert or Delete, which write all items with bindings in one statement per batch.',
					{ itemIndex },
				);
			}
			// The same checks as any item's request (empty, PUT/GET, statement count vs Multi-Statement).
			const { statement: sql } = buildStatementRequest(this, itemIndex, itemOptions, runtime);
			assertTransactional(sql, itemIndex);
			parts.push(withoutTrailingTerminators(sql));
			counts.push(countStatements(sql));
		}
		// The separator on lines of its own: an item ending in a -- or // comment cannot swallow it.
		const statement = ['BEGIN TRANSACTION', ...parts, 'COMMIT'].join('\n;\n');
		const base = requestContext(this, options, runtime);
		const total = counts.reduce((sum, count) => sum + count, 2);
		request = { statement, ...base, parameters: { ...base.parameters, MULTI_STATEMENT_COUNT: total } };
	} catch (error) {
		const itemIndex = (error as SqlInputError).itemIndex ?? failedItem;
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
		return [errorItem(this.getNode(), error, itemIndex)];
	}
	let result: StatementResult;
	const limit = rowLimit(options);
	try {
		result = await runtime.runner.execute(request, {
			signal: runtime.signal,
			decode: decodeOptions(options),
			...(output === 'metadata' ? { maxRows: 0, onMaxRows: 'truncate' } : limit),
		});
	} catch (error) {
		const note = transactionNote(error);
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0, note);
		return items.map((_, itemIndex) => errorItem(this.getNode(), error, itemIndex, note));
	}
	if (output !== 'metadata') warnTruncated(this, [{ result, maxRows: limit.maxRows, itemIndex: 0 }]);
	const children = result.statements ?? [];
	const out: INodeExecutionData[] = [];
	let next = 1; // statement 0 is BEGIN
	counts.forEach((count, itemIndex) => {
		const own = children.slice(next, next + count);
		next += count;
		const single = own.length === 1 ? own[0] : { ...result, statements: own };
		for (const item of outputItems(single, output, itemIndex)) out.push(item); // no spread: results may be huge
	});
	return out;
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
): Promise<INodeExecutionData[]> {
	const batching = readOptions(this, 0).queryBatching ?? 'independently';
	const asFile = this.getNodeParameter('returnAs', 0, 'items') === 'file';
	const results: RowLimitedResult[] = [];
	const run = asFile ? runToFile : runToItems(results);
	if (batching === 'single') {
		const out = await runSingle.call(this, items, runtime, run);
		warnTruncated(this, results);
		return out;
	}
	if (batching === 'transaction') {
		if (asFile) {
			const error = new SqlInputError(
				'Return Results As "File" writes one statement\'s result per item; Query Batching "Transaction" runs all items as one multi-statement request. Choose "Independently (Once per Item)" or "Single (Once for All Items)", or return items.',
			);
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0);
			return [errorItem(this.getNode(), error, 0)];
		}
		return await runTransaction.call(this, items, runtime);
	}
	const out = await forEachItem(this, items.length, async (itemIndex) => {
		const options = readOptions(this, itemIndex);
		const request = buildStatementRequest(this, itemIndex, options, runtime);
		return await run.call(this, request, options, itemIndex, runtime);
	});
	warnTruncated(this, results);
	return out;
}
