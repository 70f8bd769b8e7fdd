import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ContextDefaults, StatementRequest } from '../transport';
import type { StatementRunner } from './runner';

/** How Execute SQL runs over the input items (named after Postgres v2's Query Batching). */
type QueryBatching = 'independently' | 'single' | 'transaction';

/** Execute SQL output shapes. */
export type OutputMode = 'rows' | 'allRows' | 'metadata';

type OnMaxRows = 'error' | 'truncate';

/** A resource locator value as n8n stores it. */
export interface LocatorValue {
	__rl?: boolean;
	mode: string;
	value: string;
	cachedResultName?: string;
}

/** The Options collection shared by every operation (each option limits itself to its operations). */
export interface SnowflakeNodeOptions {
	role?: LocatorValue | string;
	warehouse?: LocatorValue | string;
	database?: LocatorValue | string;
	schema?: LocatorValue | string;
	queryTag?: string;
	statementTimeout?: number;
	timezone?: string;
	numbersAsText?: boolean;
	maxRows?: number;
	onMaxRows?: OnMaxRows;
	queryBatching?: QueryBatching;
	multiStatement?: boolean;
	output?: OutputMode;
	queryParameters?: { parameters?: Array<{ value?: unknown; type?: string }> };
	columnTypes?: { types?: Array<{ column?: string; type?: string }> };
}

/** Fields of a statement request that come from the options (context, tag, timeout, time zone). */
export type RequestContext = Omit<StatementRequest, 'statement' | 'bindings'>;

/** What the router builds once per execution and hands to the operation. */
export interface OperationRuntime {
	runner: StatementRunner;
	/** The credential's role, warehouse, database and schema defaults. */
	credentials: ContextDefaults;
	/** Aborted when the execution is cancelled: the transport then cancels the statement on Snowflake. */
	signal?: AbortSignal;
}

export type OperationExecute = (
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
) => Promise<INodeExecutionData[]>;
