/** Input items to output items: the per-item loop with continueOnFail, and rows paired with their item. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from './errors';

/**
 * Rows as n8n items paired with one input item. The rows become the items' json as they are (no
 * copy), and all items share one pairedItem object: n8n only reads it (or replaces it), and a
 * million results then cost a million fewer objects.
 */
export function rowItems(rows: IDataObject[], itemIndex: number): INodeExecutionData[] {
	const pairedItem = { item: itemIndex };
	const items = new Array<INodeExecutionData>(rows.length);
	for (let i = 0; i < rows.length; i++) items[i] = { json: rows[i], pairedItem };
	return items;
}

/**
 * Runs `work` for each item index; a failure becomes an error item (continueOnFail) or stops the
 * execution with the mapped n8n error.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	count: number,
	work: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			// A loop, not push(...items): spreading a million items overflows the call stack.
			for (const item of await work(itemIndex)) output.push(item);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(errorItem(context.getNode(), error, itemIndex));
		}
	}
	return output;
}
