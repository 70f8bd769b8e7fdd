/**
 * Shared by the operation tests (in the manner of n8n's Postgres v2 operation tests): a scripted
 * statement runner that records every call, and a small IExecuteFunctions built from a plain
 * parameter object per item.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

import type { OperationRuntime } from '../../../nodes/SnowflakeSqlApi/helpers';
import * as statement from '../../../nodes/SnowflakeSqlApi/actions/statement/Statement.resource';
import {
	SnowflakeError,
	type ExecuteOptions,
	type GetStatementOptions,
	type PartitionWriter,
	type QueryStatus,
	type ReadEachOptions,
	type StatementPage,
	type StatementRequest,
	type StatementResult,
	type SubmitResponse,
} from '../../../nodes/SnowflakeSqlApi/transport';

type Runner = OperationRuntime['runner'];

/*
 * The transport exports only its base error class; these stand for the errors it raises, with the same
 * names and kinds (the operations tell failures apart by `kind`).
 */
class SnowflakeSqlError extends SnowflakeError {
	override readonly kind = 'sql';
}

class SnowflakeNetworkError extends SnowflakeError {
	override readonly kind = 'network';
}

export type RunnerCall =
	| { method: 'execute'; request: StatementRequest; options: ExecuteOptions }
	| { method: 'submit'; request: StatementRequest; options: ExecuteOptions }
	| { method: 'getStatement'; statementHandle: string; options: GetStatementOptions }
	| { method: 'executeEach'; request: StatementRequest; options: ExecuteOptions }
	| { method: 'readEach'; statementHandle: string; options: ReadEachOptions }
	| { method: 'cancel'; statementHandle: string; options: { signal?: AbortSignal } };

/** One scripted answer: a value to return or an error to throw (in call order). */
export type Step = { answer: unknown } | { error: unknown };

/** A runner that answers from a script; once the script is used up, `execute` answers an empty success. */
export class ScriptedRunner implements Runner {
	readonly calls: RunnerCall[] = [];
	private readonly script: Step[];

	constructor(script: Step[] = []) {
		this.script = [...script];
	}

	private async next<T>(fallback: () => T): Promise<T> {
		const step = this.script.shift();
		if (step === undefined) return fallback();
		if ('error' in step) throw step.error;
		return step.answer as T;
	}

	/** The statements of the execute calls, in order. */
	get statements(): string[] {
		return this.calls.flatMap((call) => ('request' in call ? [call.request.statement] : []));
	}

	async execute(request: StatementRequest, options: ExecuteOptions = {}): Promise<StatementResult> {
		this.calls.push({ method: 'execute', request, options });
		return await this.next(() => result({ statementHandle: `handle-${this.calls.length}` }));
	}

	async submit(request: StatementRequest, options: ExecuteOptions = {}): Promise<SubmitResponse> {
		this.calls.push({ method: 'submit', request, options });
		return await this.next(() => {
			throw new Error('submit has no scripted answer');
		});
	}

	async getStatement(statementHandle: string, options: GetStatementOptions = {}): Promise<StatementPage> {
		this.calls.push({ method: 'getStatement', statementHandle, options });
		return await this.next(() => {
			throw new Error('getStatement has no scripted answer');
		});
	}

	/**
	 * A scripted result handed over in partitions: `partitions` (row counts, default all rows in one)
	 * cut its rows; keys come from its rowType names.
	 */
	private async each(answer: StatementResult & { partitions?: number[] }, writer: PartitionWriter): Promise<StatementResult> {
		const { partitions = [answer.rows.length], ...result } = answer;
		const rowWriter = writer.open(result.rowType.map((column) => column.name), result.rowType, 0);
		let offset = 0;
		for (const [partition, count] of partitions.entries()) {
			await writer.write([rowWriter.records(result.rows.slice(offset, offset + count))], count, partition);
			offset += count;
		}
		return { ...result, rows: [] };
	}

	async executeEach(request: StatementRequest, options: ExecuteOptions, writer: PartitionWriter): Promise<StatementResult> {
		this.calls.push({ method: 'executeEach', request, options });
		return await this.each(await this.next(() => result({ statementHandle: `handle-${this.calls.length}` })), writer);
	}

	async readEach(statementHandle: string, options: ReadEachOptions, writer: PartitionWriter): Promise<StatementResult> {
		this.calls.push({ method: 'readEach', statementHandle, options });
		const answer = await this.next<StatementResult>(() => {
			throw new Error('readEach has no scripted answer');
		});
		return answer.status === 'running' ? answer : await this.each(answer, writer);
	}

	async cancel(statementHandle: string, options: { signal?: AbortSignal } = {}): Promise<QueryStatus> {
		this.calls.push({ method: 'cancel', statementHandle, options });
		return await this.next(() => ({ statementHandle, code: '000000', message: 'Statement executed successfully.' }));
	}
}

/** A successful statement result. */
export function result(fields: Partial<StatementResult> = {}): StatementResult {
	const rows = fields.rows ?? [];
	return {
		statementHandle: 'handle-1',
		requestId: 'request-1',
		status: 'success',
		code: '090001',
		message: 'Statement executed successfully.',
		rowType: [],
		numRows: rows.length,
		rows,
		truncated: false,
		partitionCount: 1,
		...fields,
	};
}

/** Snowflake's 422: the statement ran and failed, changing nothing. */
export function sqlError(message = "SQL compilation error: Object 'NOPE' does not exist.", statementHandle = 'failed-handle'): SnowflakeSqlError {
	return new SnowflakeSqlError(message, { code: '002003', sqlState: '42S02', statementHandle, httpStatus: 422 });
}

/** The error item continueOnFail makes of sqlError() for `itemIndex`. */
export function sqlErrorItem(itemIndex: number): INodeExecutionData {
	return {
		json: {
			error: "SQL compilation error: Object 'NOPE' does not exist.",
			code: '002003',
			sqlState: '42S02',
			statementHandle: 'failed-handle',
			itemIndex,
			description: 'Statement handle: failed-handle',
		},
		pairedItem: { item: itemIndex },
	};
}

/** No answer: the statement may or may not have run. */
export function networkError(): SnowflakeNetworkError {
	return new SnowflakeNetworkError('Could not reach Snowflake: ECONNRESET', { code: 'ECONNRESET' });
}

/** A value at a dotted path (`valuesToSend.values`) of a parameter object. */
function at(parameters: IDataObject, path: string): unknown {
	let value: unknown = parameters;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object' || !(key in value)) return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

export interface ContextOptions {
	/** The parameters of each item (an item without an entry uses the last one). */
	parameters: IDataObject[];
	/** The input items' json; one empty item per parameter object by default. */
	items?: IDataObject[];
	continueOnFail?: boolean;
	onError?: INode['onError'];
}

export interface FakeContext {
	context: IExecuteFunctions;
	items: INodeExecutionData[];
	hints: NodeExecutionHint[];
	signal: AbortSignal;
}

export const NODE: INode = {
	id: 'node-1',
	name: 'Snowflake SQL API',
	type: 'n8n-nodes-snowflake-sql-api.snowflakeSqlApi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function fakeContext(options: ContextOptions): FakeContext {
	const items = (options.items ?? options.parameters.map(() => ({}))).map((json) => ({ json }));
	const hints: NodeExecutionHint[] = [];
	const controller = new AbortController();
	const node = { ...NODE, onError: options.onError };
	const context = {
		getInputData: () => items,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			const parameters = options.parameters[Math.min(itemIndex, options.parameters.length - 1)];
			const value = at(parameters, name);
			if (value !== undefined) return value;
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		continueOnFail: () => options.continueOnFail ?? false,
		getNode: () => node,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		getWorkflow: () => ({ id: 'workflow-1', name: 'Orders', active: false }),
		getExecutionId: () => 'execution-1',
		getExecutionCancelSignal: () => controller.signal,
	};
	return { context: context as unknown as IExecuteFunctions, items, hints, signal: controller.signal };
}

/** Runs one operation as the router would, with `runner` as its statement runner. */
export async function run(
	operation: 'executeQuery' | 'submitAsync' | 'getResults' | 'cancel' | 'insert' | 'update' | 'upsert' | 'delete' | 'select',
	fake: FakeContext,
	runner: ScriptedRunner,
	credentials: Partial<OperationRuntime['credentials']> = {},
): Promise<INodeExecutionData[]> {
	const runtime: OperationRuntime = {
		runner,
		credentials: { ...credentials },
		signal: fake.signal,
	};
	return await statement[operation].execute.call(fake.context, fake.items, runtime);
}

/** The query tag every request of the fake context carries by default. */
export const QUERY_TAG = JSON.stringify({ source: 'n8n', workflowId: 'workflow-1', executionId: 'execution-1', node: 'Snowflake SQL API' });

/** The error thrown by `work`, which must throw. */
export async function rejection(work: Promise<unknown>): Promise<Error & { itemIndex?: number; context?: IDataObject; description?: string }> {
	try {
		await work;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}
