/**
 * What the operations and the trigger ask of Snowflake. The router and the trigger hand them the
 * transport's SnowflakeClient, which has these methods; unit tests hand them a scripted runner.
 */
import type {
	ExecuteOptions,
	GetStatementOptions,
	PartitionWriter,
	QueryStatus,
	ReadEachOptions,
	StatementPage,
	StatementRequest,
	StatementResult,
	SubmitResponse,
} from '../transport';

export interface StatementRunner {
	/** Submits, waits for the result (polling, partitions) and decodes its rows. */
	execute(request: StatementRequest, options?: ExecuteOptions): Promise<StatementResult>;
	/** Submits and returns Snowflake's first answer (Submit SQL (Async) asks for `async: true`). */
	submit(request: StatementRequest, options?: ExecuteOptions): Promise<SubmitResponse>;
	/** The status of a statement submitted earlier and, once it succeeded, one partition of its rows. */
	getStatement(statementHandle: string, options?: GetStatementOptions): Promise<StatementPage>;
	/** `execute` writing the rows as text with `writer`, one partition at a time; the result carries no rows. */
	executeEach(request: StatementRequest, options: ExecuteOptions, writer: PartitionWriter): Promise<StatementResult>;
	/** Every partition of a statement submitted earlier written with `writer` (status 'running' when not waiting and not done). */
	readEach(statementHandle: string, options: ReadEachOptions, writer: PartitionWriter): Promise<StatementResult>;
	cancel(statementHandle: string, options?: { signal?: AbortSignal }): Promise<QueryStatus>;
}
