/**
 * Shared by Insert, Update, Upsert, Delete and Select: the table name, the rows taken from the items
 * (mapped automatically or column by column), match columns, and running the batched statements the
 * SQL builders return with per-item error handling.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from '../../helpers/errors';
import { quoteIdentifier } from '../../helpers/identifiers';
import { SqlInputError } from '../../helpers/inputErrors';
import type { LocatorValue, OperationRuntime, SnowflakeNodeOptions } from '../../helpers/interfaces';
import type { BatchOptions, BatchStatement, ColumnSpec, Row } from '../../helpers/sql';
import { readOptions, requestContext } from '../runtime';

/** The table as the SQL builders read it: typed names follow the identifier rules, exact names are quoted. */
export function tableName(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('table', itemIndex) as LocatorValue | string;
	const value = typeof locator === 'string' ? locator : String(locator.value ?? '');
	if (value.trim() === '') throw new SqlInputError('Choose a table.', { itemIndex });
	if (typeof locator !== 'string' && locator.mode === 'id') return `"${value.trim().replace(/"/g, '""')}"`;
	return value;
}

/** Splits a comma-separated list of column names, keeping commas inside double quotes. */
export function splitColumnList(text: string): string[] {
	const names: string[] = [];
	let current = '';
	let quoted = false;
	for (const char of text) {
		if (char === '"') quoted = !quoted;
		if (char === ',' && !quoted) {
			names.push(current);
			current = '';
		} else {
			current += char;
		}
	}
	names.push(current);
	return names.map((name) => name.trim()).filter((name) => name !== '');
}

/** The fields of the items, in order of first appearance. */
function fieldsOf(rows: readonly Row[]): string[] {
	const fields = new Set<string>();
	for (const row of rows) for (const key of Object.keys(row)) fields.add(key);
	return [...fields];
}

interface ItemRows {
	/** One row per item, keyed by field (auto-mapped) or by column name as typed (mapped below). */
	rows: Row[];
	/** The value columns, as fields of `rows`. */
	fields: string[];
}

/** Rows from the items: each item's fields, or the Values to Send evaluated for each item. */
function itemRows(context: IExecuteFunctions, items: INodeExecutionData[]): ItemRows {
	const mode = context.getNodeParameter('dataMode', 0, 'autoMapInputData') as string;
	if (mode === 'autoMapInputData') {
		const rows = items.map((item) => ({ ...item.json }) as Row);
		return { rows, fields: fieldsOf(rows) };
	}
	const rows = items.map((_, itemIndex) => {
		const values = context.getNodeParameter('valuesToSend.values', itemIndex, []) as Array<{ column: string; value: unknown }>;
		const row: Row = {};
		for (const { column, value } of values) row[column] = value;
		return row;
	});
	return { rows, fields: fieldsOf(rows) };
}

/**
 * Match columns as typed, each mapped to the item field that names the same Snowflake column
 * (`id` and `ID` both name ID), so a field spelled in lower case still matches.
 */
function matchSpecs(typed: string, fields: readonly string[]): ColumnSpec[] {
	const names = splitColumnList(typed);
	if (names.length === 0) throw new SqlInputError('Enter the columns to match on.');
	return names.map((name) => {
		if (fields.includes(name)) return name;
		const column = quoteIdentifier(name);
		const field = fields.find((candidate) => {
			try {
				return quoteIdentifier(candidate) === column;
			} catch {
				return false; // a field that is no valid identifier names no column
			}
		});
		return field ?? name;
	});
}

/** Binding types per column from Options > Column Types. */
function columnTypes(options: SnowflakeNodeOptions): Record<string, string> {
	const types: Record<string, string> = {};
	for (const entry of options.columnTypes?.types ?? []) {
		if (entry.column && entry.type && entry.type !== 'auto') types[entry.column] = entry.type;
	}
	return types;
}

/**
 * Builds the statements; an item whose values cannot be bound becomes an error item (continueOnFail)
 * and the rest are built again without it. Returns the statements and the items they write
 * (`rowIndexes` of the statements index `kept`).
 */
function buildWithoutBadItems(
	context: IExecuteFunctions,
	rows: Row[],
	build: (rows: Row[]) => BatchStatement[],
	errors: Map<number, INodeExecutionData>,
): { statements: BatchStatement[]; kept: number[] } {
	let kept = rows.map((_, index) => index);
	for (;;) {
		try {
			return { statements: kept.length === 0 ? [] : build(kept.map((index) => rows[index])), kept };
		} catch (error) {
			const position = error instanceof SqlInputError ? error.itemIndex : undefined;
			const itemIndex = position === undefined ? 0 : kept[position];
			const message = position === undefined ? error : renumber(error as SqlInputError, position, itemIndex);
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), message, itemIndex);
			if (position === undefined) {
				// Not an item's fault (a column list, the table name): every item fails alike.
				for (const index of kept) errors.set(index, errorItem(context.getNode(), message, index));
				return { statements: [], kept: [] };
			}
			errors.set(itemIndex, errorItem(context.getNode(), message, itemIndex));
			kept = kept.filter((index) => index !== itemIndex);
		}
	}
}

/** The builders count rows of the list they were given; after items were dropped that differs from the item index. */
function renumber(error: SqlInputError, position: number, itemIndex: number): SqlInputError {
	if (position === itemIndex) return error;
	const renamed = new SqlInputError(error.message.replace(`Item ${position}`, `Item ${itemIndex}`), { itemIndex });
	return renamed;
}

/**
 * Runs the batch statements in order. A failed statement fails the items it writes (error items
 * with continueOnFail; otherwise the execution stops, naming its first item).
 */
async function runBatches(
	context: IExecuteFunctions,
	statements: BatchStatement[],
	kept: number[],
	runtime: OperationRuntime,
	errors: Map<number, INodeExecutionData>,
): Promise<void> {
	const options = readOptions(context, 0);
	const base = requestContext(context, options, runtime);
	for (const batch of statements) {
		const itemIndexes = batch.rowIndexes.map((index) => kept[index]);
		try {
			await runtime.client.execute(
				{ statement: batch.statement, bindings: batch.bindings, ...base },
				{ signal: runtime.signal, maxRows: 0, onMaxRows: 'truncate' },
			);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndexes[0]);
			for (const itemIndex of itemIndexes) errors.set(itemIndex, errorItem(context.getNode(), error, itemIndex));
		}
	}
}

/** Output of a write: each item's written values (or its error item), in item order. */
function writeOutput(rows: Row[], errors: Map<number, INodeExecutionData>): INodeExecutionData[] {
	return rows.map(
		(row, itemIndex) => errors.get(itemIndex) ?? { json: row as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/** What Insert, Update, Upsert and Delete differ in: the statements built from the items' rows. */
export type WriteBuilder = (table: string, fields: string[], rows: Row[], options: BatchOptions) => BatchStatement[];

/**
 * Insert, Update, Upsert and Delete: rows from the items, batched by `build` (items that cannot be
 * bound become error items with continueOnFail), run in order; outputs each item's written values.
 */
export async function writeItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
	build: WriteBuilder,
): Promise<INodeExecutionData[]> {
	const errors = new Map<number, INodeExecutionData>();
	const { rows, fields } = itemRows(context, items);
	const { statements, kept } = buildWithoutBadItems(
		context,
		rows,
		(keptRows) => build(tableName(context, 0), fields, keptRows, { columnTypes: columnTypes(readOptions(context, 0)) }),
		errors,
	);
	await runBatches(context, statements, kept, runtime, errors);
	return writeOutput(rows, errors);
}

/** The Columns to Match On parameter, mapped to the items' fields. */
export function matchColumns(context: IExecuteFunctions, fields: readonly string[]): ColumnSpec[] {
	return matchSpecs(context.getNodeParameter('matchColumns', 0) as string, fields);
}
