/**
 * Insert, Update, Upsert and Delete: the rows taken from the items (mapped automatically or column by
 * column), match columns, and running the batched statements the SQL builders return with per-item
 * error handling.
 *
 * Writes, in three steps:
 * 1. Read every item's parameters (table, options, Columns to Match On, Columns mode, its row), each in
 *    its own try: any of them may be an expression, and a failure is that item's alone. Items with equal
 *    parameters form a group (in order of first appearance).
 * 2. Build every group's statements before anything is sent, so input errors stop the execution (or
 *    become error items) with nothing written.
 * 3. Run the statements in order. Each is atomic, so a statement Snowflake refused (422) changed nothing
 *    and, with continueOnFail, its items are re-run in halves until the bad ones are isolated.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { SnowflakeError, type DmlStats, type StatementResult } from '../transport';
import { splitColumnList } from './columnList';
import { errorItem, toNodeError } from './errors';
import { quoteIdentifier } from './identifiers';
import { SqlInputError, echoText } from './inputErrors';
import type { OperationRuntime, RequestContext, SnowflakeNodeOptions } from './interfaces';
import { readOptions, requestContext } from './options';
import type { BatchOptions, BatchStatement, ColumnSpec, Row } from './sql';
import { tableName } from './tableParameter';

/** The fields of the items, in order of first appearance. */
export function fieldsOf(rows: readonly Row[]): string[] {
	const fields = new Set<string>();
	for (const row of rows) for (const key of Object.keys(row)) fields.add(key);
	return [...fields];
}

/** At most `limit` names, quoted for a message. */
function nameList(names: readonly string[], limit = 20): string {
	if (names.length === 0) return 'none';
	const shown = names.slice(0, limit).map((name) => echoText(name));
	return names.length > limit ? `${shown.join(', ')} and ${names.length - limit} more` : shown.join(', ');
}

/**
 * Match columns as typed, each mapped to the item field that names the same Snowflake column
 * (`id` and `ID` both name ID), so a field spelled in lower case still matches. A match column that no
 * item has is a typo in the parameter, not a fault of each item: one error names it and the fields.
 */
export function matchSpecs(typed: string, fields: readonly string[], mode: string): ColumnSpec[] {
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
		if (field === undefined) {
			const among =
				mode === 'file'
					? `a column of the file (its columns: ${nameList(fields)})`
					: mode === 'autoMapInputData'
						? `a field of the items (their fields: ${nameList(fields)})`
						: `a column of Values to Send (${nameList(fields)})`;
			throw new SqlInputError(`Column to match on '${echoText(name)}' is not ${among}`);
		}
		return field;
	});
}

/** Binding types per column from Options > Column Types. */
export function columnTypes(options: SnowflakeNodeOptions): Record<string, string> {
	const types: Record<string, string> = {};
	for (const entry of options.columnTypes?.types ?? []) {
		if (entry.column && entry.type && entry.type !== 'auto') types[entry.column] = entry.type;
	}
	return types;
}

/** What Insert, Update, Upsert and Delete differ in. */
export interface WriteOperation {
	/** The operation as hints name it: Insert, Update, Upsert, Delete. */
	name: string;
	/** Whether the operation reads Columns to Match On. */
	matches: boolean;
	/** The statements for one group's rows (`match` is empty when the operation has no match columns). */
	build(table: string, match: ColumnSpec[], fields: string[], rows: Row[], options: BatchOptions): BatchStatement[];
	/**
	 * Rows a statement changed, from its DML stats, compared with its distinct match values for the
	 * rows-affected hint; absent for operations that change one row per item by construction.
	 */
	affected?: { verb: string; count: (stats: DmlStats) => number | undefined };
}

/** Items that share every parameter the statements depend on: one table, one request context. */
interface Group {
	table: string;
	request: RequestContext;
	/** Columns to Match On as typed, and the Columns mode. */
	match: string;
	mode: string;
	types: Record<string, string>;
	/** Item indexes, ascending. */
	items: number[];
	/** The items' rows, parallel to `items`. */
	rows: Row[];
	/** Filled by the build step. */
	statements: BatchStatement[];
	fields: string[];
	matchSpecs: ColumnSpec[];
}

/** The row of one item: its fields, or its Values to Send. */
function itemRow(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, mode: string): Row {
	if (mode === 'autoMapInputData') return { ...item.json } as Row;
	const values = context.getNodeParameter('valuesToSend.values', itemIndex, []) as Array<{ column: string; value: unknown }>;
	const row: Row = {};
	for (const { column, value } of values) row[column] = value;
	return row;
}

/** Ranges of ascending item indexes (a statement's items are): `0–3, 7, 9–12`. */
function itemRanges(indexes: readonly number[], limit = 10): string {
	const ranges: string[] = [];
	for (let i = 0; i < indexes.length; ) {
		let j = i;
		while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1) j++;
		ranges.push(i === j ? String(indexes[i]) : `${indexes[i]}–${indexes[j]}`);
		i = j + 1;
	}
	return ranges.length > limit ? `${ranges.slice(0, limit).join(', ')}, …` : ranges.join(', ');
}

/**
 * Statements a refused batch may be re-run as (in halves) to isolate its bad items: 1 bad item among
 * 16,384 takes ~28, and a column that every row gets wrong stops costing requests here.
 */
const MAX_BISECT_STATEMENTS = 64;

/** One write: the item groups, the error items so far, what was written and counted. */
class Write {
	private readonly errors = new Map<number, INodeExecutionData>();
	private readonly written: Array<{ items: number[]; handle: string }> = [];
	private asked = 0;
	private affected: number | undefined = 0;
	private readonly continueOnFail: boolean;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly runtime: OperationRuntime,
		private readonly operation: WriteOperation,
	) {
		this.continueOnFail = context.continueOnFail();
	}

	/** A failure of these items: error items with continueOnFail, otherwise the execution stops (after saying what was written). */
	fail(itemIndexes: readonly number[], error: unknown, extra?: string): void {
		const node = this.context.getNode();
		if (!this.continueOnFail) throw toNodeError(node, error, itemIndexes[0], [extra, this.writtenSoFar()].filter(Boolean).join('\n') || undefined);
		for (const itemIndex of itemIndexes) this.errors.set(itemIndex, errorItem(node, error, itemIndex, extra));
	}

	/** Step 1: each item's parameters, its row, and its group. */
	groups(items: INodeExecutionData[]): Group[] {
		const groups = new Map<string, Group>();
		items.forEach((item, itemIndex) => {
			try {
				const table = tableName(this.context, itemIndex);
				const options = readOptions(this.context, itemIndex);
				const request = requestContext(this.context, options, this.runtime);
				const mode = this.context.getNodeParameter('dataMode', itemIndex, 'autoMapInputData') as string;
				const match = this.operation.matches ? String(this.context.getNodeParameter('matchColumns', itemIndex, '')) : '';
				const types = columnTypes(options);
				const row = itemRow(this.context, item, itemIndex, mode);
				const key = JSON.stringify([table, request, match, types, mode]);
				let group = groups.get(key);
				if (group === undefined) {
					group = { table, request, match, mode, types, items: [], rows: [], statements: [], fields: [], matchSpecs: [] };
					groups.set(key, group);
				}
				group.items.push(itemIndex);
				group.rows.push(row);
			} catch (error) {
				this.fail([itemIndex], error);
			}
		});
		return [...groups.values()];
	}

	/** The group's statements for `positions` of its rows; their `rowIndexes` are positions in the group. */
	private statementsFor(group: Group, positions: readonly number[]): BatchStatement[] {
		const items = positions.map((position) => group.items[position]);
		const options: BatchOptions = {
			columnTypes: group.types,
			itemIndexes: items,
			// Collected in one pass, so a thousand bad items cost one build, not a thousand.
			onBadRow: this.continueOnFail ? (row, error) => this.fail([items[row]], error) : undefined,
		};
		const rows = positions.map((position) => group.rows[position]);
		const statements = this.operation.build(group.table, group.matchSpecs, group.fields, rows, options);
		for (const statement of statements) statement.rowIndexes = statement.rowIndexes.map((row) => positions[row]);
		return statements;
	}

	/** Step 2: a failure that is no single row's (table name, match columns, column names) fails the whole group. */
	build(group: Group): void {
		try {
			group.fields = fieldsOf(group.rows);
			group.matchSpecs = this.operation.matches ? matchSpecs(group.match, group.fields, group.mode) : [];
			group.statements = this.statementsFor(group, group.rows.map((_, position) => position));
		} catch (error) {
			this.fail(group.items, error);
		}
	}

	/** Step 3: one statement; a refused one is bisected (continueOnFail) within `budget`. */
	async run(group: Group, batch: BatchStatement, budget = { left: MAX_BISECT_STATEMENTS }): Promise<void> {
		const items = batch.rowIndexes.map((position) => group.items[position]);
		let result: StatementResult;
		try {
			result = await this.runtime.runner.execute(
				{ statement: batch.statement, bindings: batch.bindings, ...group.request },
				{ signal: this.runtime.signal, maxRows: 0, onMaxRows: 'truncate' },
			);
		} catch (error) {
			// Only a 422 says the statement ran and failed, changing nothing; after any other failure it
			// may have run (or still be running), and running its rows again could write them twice.
			const refused = error instanceof SnowflakeError && error.kind === 'sql';
			if (!this.continueOnFail || !refused || items.length < 2) return this.fail(items, error);
			if (budget.left <= 0) {
				return this.fail(items, error, `These ${items.length} items were refused together: the node re-runs at most ${MAX_BISECT_STATEMENTS} parts of a refused batch to find its bad items.`);
			}
			const half = Math.ceil(batch.rowIndexes.length / 2);
			for (const part of [batch.rowIndexes.slice(0, half), batch.rowIndexes.slice(half)]) {
				let statements: BatchStatement[];
				try {
					statements = this.statementsFor(group, part);
				} catch (rebuildError) {
					this.fail(part.map((position) => group.items[position]), rebuildError);
					continue;
				}
				for (const statement of statements) {
					budget.left--;
					await this.run(group, statement, budget);
				}
			}
			return;
		}
		this.written.push({ items, handle: result.statementHandle });
		const counted = this.operation.affected?.count(result.stats ?? {});
		this.asked += batch.sourceRows;
		this.affected = counted === undefined || this.affected === undefined ? undefined : this.affected + counted;
	}

	/** For an error that stops the execution: the items earlier statements wrote, which stay written. */
	private writtenSoFar(): string | undefined {
		if (this.written.length === 0) return undefined;
		const shown = this.written.slice(0, 10).map(({ items, handle }) => `items ${itemRanges(items)} (statement ${handle})`);
		const more = this.written.length > 10 ? `, and ${this.written.length - 10} more statements` : '';
		return `Already written before this failure (not rolled back): ${shown.join(', ')}${more}. Leave these items out before running the node again.`;
	}

	/** Update, Upsert and Delete say when the rows changed differ from the distinct match values sent. */
	hint(): void {
		const affected = this.operation.affected;
		if (!affected || this.affected === undefined || this.affected === this.asked) return;
		if (typeof this.context.addExecutionHints !== 'function') return;
		const rows = `${this.affected} row${this.affected === 1 ? '' : 's'}`;
		const values = `${this.asked} distinct match value${this.asked === 1 ? '' : 's'}`;
		const why = this.affected < this.asked ? 'some items matched no row' : 'some match values matched several rows';
		this.context.addExecutionHints({
			message: `${this.operation.name} ${affected.verb} ${rows} for ${values}: ${why}.`,
			type: 'warning',
			location: 'outputPane',
		});
	}

	/** Each item's written values (or its error item), in item order. */
	output(items: INodeExecutionData[], groups: readonly Group[]): INodeExecutionData[] {
		const output: INodeExecutionData[] = new Array<INodeExecutionData>(items.length);
		for (const group of groups) {
			group.items.forEach((itemIndex, position) => {
				output[itemIndex] = { json: group.rows[position] as IDataObject, pairedItem: { item: itemIndex } };
			});
		}
		for (const [itemIndex, error] of this.errors) output[itemIndex] = error;
		return output;
	}
}

/**
 * Insert, Update, Upsert and Delete: rows from the items, grouped by their parameters, batched by the
 * operation's builder, run in order; outputs each item's written values (or its error item).
 */
export async function writeItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	runtime: OperationRuntime,
	operation: WriteOperation,
): Promise<INodeExecutionData[]> {
	const write = new Write(context, runtime, operation);
	const groups = write.groups(items);
	for (const group of groups) write.build(group);
	for (const group of groups) {
		for (const statement of group.statements) await write.run(group, statement);
	}
	write.hint();
	return write.output(items, groups);
}
