/**
 * Contract between the emulator's HTTP server (server.ts) and its SQL engine (engine.ts).
 * The engine runs Snowflake-flavoured SQL on DuckDB and returns results already encoded the way
 * the SQL API v2 puts them on the wire (jsonv2 strings per rowType), so the server only frames them.
 */
import type { RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import type { Bindings, DmlStats } from '../../nodes/SnowflakeSqlApi/transport';

export interface SessionContext {
	/** Case-sensitive, as sent in the request body (unquoted identifiers are upper case). */
	database?: string;
	schema?: string;
	warehouse?: string;
	role?: string;
	/** Session parameters for the statement, keys upper-cased (TIMEZONE, QUERY_TAG, *_OUTPUT_FORMAT, ...). */
	parameters: Record<string, string>;
	/** The statement's handle, so `AT(STATEMENT => '<handle>')` can find its point in time. */
	statementHandle?: string;
}

export interface EngineResult {
	/** Complete rowType entries (lower-case type, precision, scale, length, byteLength, nullable, database, schema, table, collation). */
	rowType: RowType[];
	/** jsonv2-encoded cells (strings or null), honouring the *_OUTPUT_FORMAT parameters. */
	data: Array<Array<string | null>>;
	/** DML only. */
	stats?: DmlStats;
	/** The kind of statement, for the server's rules (USE/ALTER SESSION/BEGIN only inside multi-statement requests). */
	kind: StatementKind;
}

export type StatementKind = 'query' | 'dml' | 'ddl' | 'transaction' | 'session' | 'other';

/** A Snowflake-shaped SQL failure (422 body fields). */
export class SnowflakeSqlError extends Error {
	constructor(
		readonly code: string,
		readonly sqlState: string,
		message: string,
	) {
		super(message);
		this.name = 'SnowflakeSqlError';
	}
}

/** One connection's worth of state: a multi-statement request runs all its statements in one session (transactions). */
export interface EngineSession {
	/**
	 * Runs one statement. Rejects with SnowflakeSqlError for anything the engine cannot run.
	 * When `signal` aborts, the running statement is interrupted and the promise rejects with
	 * SnowflakeSqlError('000604', '57014', 'SQL execution canceled').
	 */
	run(statement: string, bindings: Bindings | undefined, context: SessionContext, signal?: AbortSignal): Promise<EngineResult>;
	close(): Promise<void>;
}

export interface Engine {
	openSession(): Promise<EngineSession>;
	/** Splits a multi-statement request on `;` outside quotes, comments and $$ blocks. Empty statements are dropped. */
	splitStatements(sql: string): string[];
	/** Classifies a statement without running it (PUT/GET are rejected by the server before this). */
	classify(statement: string): StatementKind | 'put' | 'get';
	close(): Promise<void>;
}
