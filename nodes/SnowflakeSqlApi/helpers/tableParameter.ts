/** The Table parameter of Insert, Update, Upsert, Delete and Select. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { quoteExactIdentifier } from './identifiers';
import { SqlInputError } from './inputErrors';
import type { LocatorValue } from './interfaces';

/** The table as the SQL builders read it: typed names follow the identifier rules, exact names are quoted. */
export function tableName(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('table', itemIndex) as LocatorValue | string;
	const value = typeof locator === 'string' ? locator : String(locator.value ?? '');
	if (value.trim() === '') throw new SqlInputError('Choose a table.', { itemIndex });
	if (typeof locator !== 'string' && locator.mode === 'id') return quoteExactIdentifier(value.trim(), 'table name');
	return value;
}
