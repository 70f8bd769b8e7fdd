/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * What every scenario gets: the built package, the credential (through the suite's proxy, in the temporary
 * schema), raw wire access, and small assertion helpers. A scenario returns its detail line; it throws
 * `Skip` only for a gap of the emulator that the emulator itself reports as unsupported.
 */
import { isDeepStrictEqual } from 'node:util';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { LiveConfig } from './config';
import { runSnowflakeNode, type DistPackage, type NodeRun, type NodeRunOptions } from './n8n';
import type { LiveProxy } from './proxy';
import type { Wire } from './wire';

export interface Scenario {
	name: string;
	/** What it settles: an issue-14 fact (`fact 4`) or an item of README § Unconfirmed (`unconfirmed 7`). */
	covers?: string;
	run(ctx: LiveContext): Promise<string>;
}

export class Skip extends Error {}

export class CheckFailed extends Error {}

export function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new CheckFailed(message);
}

export function show(value: unknown): string {
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function same(actual: unknown, expected: unknown, what: string): void {
	if (!isDeepStrictEqual(actual, expected)) throw new CheckFailed(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

/** A failure as the node reports it. */
export interface NodeFailure {
	message: string;
	code?: string;
	sqlState?: string;
	statementHandle?: string;
	httpCode?: string;
}

export class NodeFailed extends Error {
	constructor(readonly failure: NodeFailure) {
		super(`${failure.code ? `${failure.code} ` : ''}${failure.message}`);
	}
}

/** Snowflake's "this is not supported" answers (the emulator uses the same codes for its own gaps). */
const UNSUPPORTED_CODES = new Set(['000002', '002040']);

export function isUnsupported(failure: NodeFailure | undefined): boolean {
	if (!failure) return false;
	return UNSUPPORTED_CODES.has(failure.code ?? '') || /unsupported (?:feature|data type)/i.test(failure.message.slice(0, 500));
}

export interface LiveContext {
	pkg: DistPackage;
	config: LiveConfig;
	/** The target is the local emulator (a loopback host). */
	emulator: boolean;
	database: string;
	/** The temporary schema (unquoted, upper case), also the credential's default schema. */
	schema: string;
	/** The credential through the proxy. */
	credentials: ICredentialDataDecryptedObject;
	/** The credential exactly as a user fills it in (no proxy). */
	directCredentials: ICredentialDataDecryptedObject;
	proxy: LiveProxy;
	wire: Wire;
	/** Runs the Snowflake node with `parameters` on `items`. */
	node(parameters: IDataObject, options?: NodeRunOptions, credentials?: ICredentialDataDecryptedObject): Promise<NodeRun>;
	/** Execute SQL through the node; rows of the success output; NodeFailed when it failed. */
	sql(query: string, options?: IDataObject): Promise<IDataObject[]>;
	/** Execute SQL expected to fail: the failure as the node's error item shows it. */
	failure(query: string, options?: IDataObject): Promise<NodeFailure>;
	/** Re-throws as Skip when the emulator reports the feature as unsupported. */
	skipIfEmulatorGap(error: unknown): never;
}

export function failureOf(run: NodeRun): NodeFailure | undefined {
	const error = run.error as (NodeRun['error'] & { cause?: Record<string, unknown> }) | undefined;
	if (error) {
		const cause = (error.cause ?? {}) as Record<string, unknown>;
		const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
		return {
			message: error.message,
			code: text(cause.code),
			sqlState: text(cause.sqlState),
			statementHandle: text(cause.statementHandle),
			httpCode: error.httpCode ?? undefined,
		};
	}
	const item = run.items.find((candidate) => candidate.error !== undefined);
	if (!item) return undefined;
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
	return { message: String(item.error), code: text(item.code), sqlState: text(item.sqlState), statementHandle: text(item.statementHandle) };
}

export function createContext(base: Omit<LiveContext, 'node' | 'sql' | 'failure' | 'skipIfEmulatorGap'>): LiveContext {
	const ctx: LiveContext = {
		...base,
		node: (parameters, options = {}, credentials = base.credentials) => runSnowflakeNode(base.pkg, credentials, parameters, options),
		sql: async (query, options = {}) => {
			const run = await ctx.node({ operation: 'executeQuery', query, options });
			const failure = failureOf(run);
			if (failure) throw new NodeFailed(failure);
			return run.items;
		},
		failure: async (query, options = {}) => {
			const run = await ctx.node({ operation: 'executeQuery', query, options }, { onError: 'continueRegularOutput' });
			const failure = failureOf(run);
			if (!failure) throw new CheckFailed(`expected a failure, got ${show(run.items)}`);
			return failure;
		},
		skipIfEmulatorGap: (error) => {
			if (ctx.emulator && error instanceof NodeFailed && isUnsupported(error.failure)) {
				throw new Skip(`the emulator does not support it yet (${error.message.split('\n').join(' ').slice(0, 120)})`);
			}
			throw error;
		},
	};
	return ctx;
}

/** `"DB"."SCHEMA"."NAME"` in the temporary schema. */
export function qualified(ctx: LiveContext, name: string): string {
	return `"${ctx.database}"."${ctx.schema}"."${name}"`;
}

/** `"DB"."SCHEMA"` of the temporary schema. */
export function qualifiedSchema(ctx: Pick<LiveContext, 'database' | 'schema'>): string {
	return `"${ctx.database}"."${ctx.schema}"`;
}
