/** What the actions, the methods and the trigger use of the helpers. */
export { createClient, createCredentialTestHttp, createN8nHttp, loadCredential, testedCredential } from './adapters';
export { prepareBinding } from './bindings';
export { splitColumnList } from './columnList';
export { authenticationProperty, BINDING_TYPE_OPTIONS, REQUEST_OPTIONS, tableLocator } from './descriptions';
export { errorItem, toNodeError } from './errors';
export { loadFiles } from './fileLoad';
export { quoteExactIdentifier, quoteIdentifier, quoteQualifiedName, resolveIdentifier, showLike } from './identifiers';
export { echoText, SqlInputError } from './inputErrors';
export { forEachItem, rowItems } from './items';
export { decodeOptions, readOptions, requestContext, rowLimit } from './options';
export { readResultFileOptions, resultFileItem } from './resultFile';
export { buildDelete, buildInsert, buildSelect, buildTruncate, buildUpdate, buildUpsert } from './sql';
export {
	assertNoFileTransfer,
	countStatements,
	findNamedPlaceholders,
	findPlaceholders,
	rewritePlaceholders,
	statementKeywords,
	withoutTrailingTerminators,
} from './sqlText';
export { buildStatementRequest, queryParameters } from './statementRequest';
export { tableName } from './tableParameter';
export { MS_PER_DAY, parseDateTime, parseTime, wallClockNanos } from './temporal';
export { warnTruncated } from './truncationHint';
export { writeItems } from './writer';

export type { LocatorValue, OperationExecute, OperationRuntime, OutputMode, SnowflakeNodeOptions } from './interfaces';
export type { SelectCondition, SortRule } from './sql';
export type { Placeholder } from './sqlText';
export type { RowLimitedResult } from './truncationHint';
export type { WriteOperation } from './writer';
