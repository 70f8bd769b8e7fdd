/** The output-pane warning for results cut at Max Rows (the "stop" choice of On Limit). */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { StatementResult } from '../transport';

/** A result with the Max Rows of the item it ran for (items may set different limits). */
export interface RowLimitedResult {
	result: StatementResult;
	maxRows: number | undefined;
	itemIndex: number;
}

/** Tells the user in the output pane that a result was cut at Max Rows. */
export function warnTruncated(context: IExecuteFunctions, results: RowLimitedResult[]): void {
	const cut = results.filter(({ result }) => result.truncated || result.statements?.some((child) => child.truncated));
	if (cut.length === 0 || typeof context.addExecutionHints !== 'function') return;
	const limits = new Set(cut.map(({ maxRows }) => maxRows));
	let message: string;
	if (limits.size === 1) {
		const maxRows = cut[0].maxRows;
		message = `The result was cut at Max Rows (${maxRows}): only the first ${maxRows} rows of ${cut.length === 1 ? 'a statement' : `${cut.length} statements`} are in the output.`;
	} else {
		const each = cut.map(({ maxRows, itemIndex }) => `${maxRows} for item ${itemIndex}`).join(', ');
		message = `Results were cut at Max Rows (${each}): only the first rows up to each item's limit are in the output.`;
	}
	context.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
}
