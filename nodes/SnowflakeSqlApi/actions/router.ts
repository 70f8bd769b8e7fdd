/**
 * Builds the Snowflake client once per execution (credentials, HTTP through n8n's authenticated
 * request helper, n8n's sleep, the execution's cancel signal) and hands the items to the operation,
 * with the client as its statement runner.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { createClient, createN8nHttp, errorItem, loadCredential, toNodeError } from '../helpers';
import type { OperationExecute, OperationRuntime } from '../helpers';
import type { TransportEvent } from '../transport';
import type { SnowflakeOperation } from './node.type';
import * as statement from './statement/Statement.resource';

const operations: Record<SnowflakeOperation, { execute: OperationExecute }> = {
	executeQuery: statement.executeQuery,
	submitAsync: statement.submitAsync,
	getResults: statement.getResults,
	cancel: statement.cancel,
	insert: statement.insert,
	update: statement.update,
	upsert: statement.upsert,
	delete: statement.delete,
	select: statement.select,
};

/** Transport events as debug log lines; they never carry secrets or row data. */
function logEvent(context: IExecuteFunctions, event: TransportEvent): void {
	const { type, ...details } = event;
	context.logger.debug(`Snowflake SQL API: ${type}`, details);
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as SnowflakeOperation;
	const handler = Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
	if (handler === undefined) {
		throw new NodeOperationError(this.getNode(), `The operation "${String(operation)}" is not supported.`);
	}
	let runtime: OperationRuntime;
	try {
		const credential = await loadCredential(this);
		const runner = createClient(createN8nHttp(this, credential), credential.auth, (event) => logEvent(this, event));
		runtime = { runner, credentials: credential.defaults, signal: this.getExecutionCancelSignal?.() };
	} catch (error) {
		// A credential that cannot sign (bad key, passphrase, token, account) fails every item alike.
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, 0);
		return [items.map((_, itemIndex) => errorItem(this.getNode(), error, itemIndex))];
	}
	return [await handler.execute.call(this, items, runtime)];
}
