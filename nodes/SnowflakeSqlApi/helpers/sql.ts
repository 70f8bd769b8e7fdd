/**
 * Statement builders for the sync operations. Every value is a binding, every identifier goes through
 * the identifier rules (identifiers.ts), and rows are batched into multi-row statements because the
 * SQL API has no array binding.
 *
 * Batching
 * - Rows go into `VALUES (?, ?), (?, ?), …` lists, split so that one statement carries at most
 *   `maxBindings` bindings (default 16,384) and at most `maxStatementBytes` of statement text plus bound
 *   values in UTF-8 (default 1,000,000: Snowflake cannot retry a statement over 1 MB, and
 *   the transport's idempotent retry depends on that). A row is never split; a single row over the size
 *   cap goes alone in its statement.
 * - A field that is absent (or undefined) in an item is not given: Insert leaves that column to its
 *   DEFAULT, Update and Upsert leave it unchanged. Rows giving the same set of columns share statements;
 *   an explicit null writes NULL.
 * - VARIANT/OBJECT/ARRAY columns are bound as JSON text and parsed with PARSE_JSON. Snowflake refuses
 *   PARSE_JSON inside INSERT … VALUES, so when a column needs it the insert reads
 *   `INSERT INTO t (a, b) SELECT $1, PARSE_JSON($2) FROM VALUES (?, ?), …`.
 * - Update, Upsert and Delete join a `SELECT $1 AS "A", … FROM VALUES …` source on the match columns
 *   with `IS NOT DISTINCT FROM`, so a null match value matches NULL (EQUAL_NULL would do the same in
 *   Snowflake; IS NOT DISTINCT FROM also runs on the DuckDB-based emulator).
 * - Rows with equal match values are merged before building, later items overriding earlier ones
 *   column by column: that is what running one UPDATE per item in order would leave, and Snowflake
 *   would otherwise fail the MERGE with "Duplicate row detected during DML action". The merged rows'
 *   indexes all appear in that statement's `rowIndexes`.
 *
 * Types: `columnTypes` (keyed by field or column name) fix a column's binding type. Without one, each
 * value is inferred (bindings.ts) and a column must agree across rows, since Snowflake gives a VALUES
 * column one common type: integers with fractions widen to REAL (unless an integer is beyond 2^53,
 * then TEXT), Date with DateTime widens to TIMESTAMP_TZ, any other mix is bound as TEXT and Snowflake
 * casts it to the column type. A column whose values are all objects or arrays is bound as VARIANT
 * (JSON text through PARSE_JSON), so a VARIANT column stores JSON rather than a string holding JSON;
 * Snowflake casts the VARIANT to text for a VARCHAR column. Objects mixed with other values are bound
 * as JSON text. For NUMBER columns with a scale, hint DECFLOAT or TEXT to keep decimal fractions exact
 * (REAL goes through a double).
 *
 * Bad rows: by default the first value that cannot be bound fails the build. With `onBadRow`, each such
 * row is reported there and left out, in the same single pass, and the other rows are built.
 *
 * `rowIndexes` are 0-based positions in `rows`; messages name `itemIndexes[position]` (default: the position).
 */
import type { Binding, BindingType, Bindings } from '../transport';
import {
	inferBindingType,
	isJsonType,
	parseParameterType,
	prepareBinding,
	wrapParseJson,
	type ColumnType,
	type ParameterType,
	type SqlStatement,
} from './bindings';
import { quoteIdentifier, quoteQualifiedName } from './identifiers';
import { SqlInputError, echoText } from './inputErrors';

const DEFAULT_MAX_BINDINGS = 16_384;
const DEFAULT_MAX_STATEMENT_BYTES = 1_000_000;

export type Row = Record<string, unknown>;

/** A column whose item field has the same name, or an item field written to a named column. */
export type ColumnSpec = string | { field: string; column: string };

export interface BatchOptions {
	/** Binding type per column (keyed by field, or by column name under the identifier rules). */
	columnTypes?: Record<string, ParameterType | string>;
	maxBindings?: number;
	maxStatementBytes?: number;
	/** The n8n item index of each row, for messages and error details (default: the row's position). */
	itemIndexes?: readonly number[];
	/** Collects the rows whose values cannot be bound (by position) instead of failing the build. */
	onBadRow?: (row: number, error: SqlInputError) => void;
}

export interface BatchStatement extends SqlStatement {
	/** The rows (indexes into `rows`) this statement writes. */
	rowIndexes: number[];
	/** Rows in its VALUES list: distinct match values for Update, Upsert and Delete (duplicates are merged). */
	sourceRows: number;
}

interface Column {
	field: string;
	/** Quoted SQL identifier. */
	sql: string;
	type: ColumnType;
}

interface BoundRow {
	indexes: number[];
	/** One entry per column of the plan (match columns first); undefined = not given. */
	cells: Array<Binding | undefined>;
}

function show(name: string): string {
	return `'${echoText(name)}'`;
}

function utf8Length(text: string): number {
	let length = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x80) length += 1;
		else if (code < 0x800) length += 2;
		else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
			length += 4;
			i++;
		} else length += 3;
	}
	return length;
}

/**
 * Per-row failures of one build: thrown at once, or reported to `onBadRow` and remembered, so that
 * later columns and the binding skip the row.
 */
class RowCheck {
	readonly refused = new Set<number>();

	constructor(private readonly options: BatchOptions) {}

	/** The item a row came from, as messages name it. */
	item(row: number): number {
		return this.options.itemIndexes?.[row] ?? row;
	}

	refuse(row: number, error: unknown): void {
		if (!this.options.onBadRow || !(error instanceof SqlInputError)) throw error;
		this.refused.add(row);
		this.options.onBadRow(row, error);
	}
}

function isGiven(row: Row, field: string): boolean {
	return Object.prototype.hasOwnProperty.call(row, field) && row[field] !== undefined;
}

function limitOption(value: number | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	if (!Number.isSafeInteger(value) || value < 1) {
		throw new SqlInputError(`${name} must be a whole number of 1 or more (got ${String(value)})`);
	}
	return value;
}

/** Quotes the specs and refuses two that name the same column once Snowflake has folded case. */
function resolveColumns(specs: readonly ColumnSpec[]): Array<{ field: string; sql: string }> {
	const seen = new Map<string, string>();
	return specs.map((spec) => {
		const field = typeof spec === 'string' ? spec : spec.field;
		const typed = typeof spec === 'string' ? spec : spec.column;
		const sql = quoteIdentifier(typed);
		const earlier = seen.get(sql);
		if (earlier !== undefined) {
			throw new SqlInputError(
				`Columns ${show(earlier)} and ${show(typed)} both name column ${echoText(sql)}; list each column once`,
			);
		}
		seen.set(sql, typed);
		return { field, sql };
	});
}

function hintFor(
	column: { field: string; sql: string },
	columnTypes: Record<string, ParameterType | string> | undefined,
): ParameterType | string | undefined {
	if (!columnTypes) return undefined;
	if (Object.prototype.hasOwnProperty.call(columnTypes, column.field)) return columnTypes[column.field];
	for (const [key, type] of Object.entries(columnTypes)) {
		let sql: string | undefined;
		try {
			sql = quoteIdentifier(key);
		} catch {
			sql = undefined; // a key that is no valid identifier names no column
		}
		if (sql === column.sql) return type;
	}
	return undefined;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function unify(a: BindingType, b: BindingType): BindingType {
	if (a === b) return a;
	const pair = [a, b].sort().join(' ');
	if (pair === 'FIXED REAL') return 'REAL';
	if (pair === 'TIMESTAMP_LTZ TIMESTAMP_TZ') return 'TIMESTAMP_TZ';
	return 'TEXT';
}

function columnType(
	column: { field: string; sql: string },
	rows: readonly Row[],
	options: BatchOptions,
	check: RowCheck,
): ColumnType {
	const hint = parseParameterType(hintFor(column, options.columnTypes), {
		label: `Column ${show(column.field)}`,
		column: column.field,
	});
	if (hint !== 'auto') return hint;
	let type: BindingType | undefined;
	let beyondDouble = false;
	let allJson = true;
	rows.forEach((row, position) => {
		if (check.refused.has(position)) return;
		const value = row[column.field];
		const itemIndex = check.item(position);
		let inferred: BindingType | undefined;
		try {
			inferred = inferBindingType(value, { label: `Item ${itemIndex}, column ${show(column.field)}`, itemIndex, column: column.field });
		} catch (error) {
			check.refuse(position, error);
			return;
		}
		if (inferred === undefined) return;
		if (typeof value === 'bigint' && (value > MAX_SAFE || value < -MAX_SAFE)) beyondDouble = true;
		// Dates, DateTimes and bytes infer to their own types: an object inferred as TEXT is a plain object or array.
		if (!(typeof value === 'object' && inferred === 'TEXT')) allJson = false;
		type = type === undefined ? inferred : unify(type, inferred);
	});
	if (type === undefined) return 'TEXT';
	if (allJson) return 'VARIANT';
	if (type === 'REAL' && beyondDouble) return 'TEXT';
	return type;
}

interface Plan {
	table: string;
	match: Column[];
	values: Column[];
	check: RowCheck;
	/** Message tail for a row that gives none of the value columns; undefined = such rows are fine. */
	needsValue?: string;
	/** Merge rows with equal match values (Update, Upsert, Delete). */
	mergeDuplicates: boolean;
}

function plan(
	table: string,
	matchSpecs: readonly ColumnSpec[],
	valueSpecs: readonly ColumnSpec[],
	rows: readonly Row[],
	options: BatchOptions,
): { table: string; match: Column[]; values: Column[]; check: RowCheck } {
	const quotedTable = quoteQualifiedName(table);
	const matchSql = new Set(matchSpecs.map((spec) => quoteIdentifier(typeof spec === 'string' ? spec : spec.column)));
	// A match column listed again among the values is the same value by definition: keep it once.
	const values = valueSpecs.filter(
		(spec) => !matchSql.has(quoteIdentifier(typeof spec === 'string' ? spec : spec.column)),
	);
	const check = new RowCheck(options);
	const columns = resolveColumns([...matchSpecs, ...values]).map((column) => ({
		...column,
		type: columnType(column, rows, options, check),
	}));
	return {
		table: quotedTable,
		match: columns.slice(0, matchSpecs.length),
		values: columns.slice(matchSpecs.length),
		check,
	};
}

function bindRow(row: Row, itemIndex: number, columns: readonly Column[], p: Plan): Array<Binding | undefined> {
	for (const column of p.match) {
		if (!isGiven(row, column.field)) {
			throw new SqlInputError(`Item ${itemIndex} has no value for match column ${show(column.field)}`, { itemIndex });
		}
	}
	if (p.needsValue && !p.values.some((column) => isGiven(row, column.field))) {
		throw new SqlInputError(`Item ${itemIndex} has no value for any of the columns ${p.needsValue}`, { itemIndex });
	}
	return columns.map((column) =>
		isGiven(row, column.field)
			? prepareBinding(row[column.field], column.type, {
					label: `Item ${itemIndex}, column ${show(column.field)}`,
					itemIndex,
					column: column.field,
				}).binding
			: undefined,
	);
}

/** The rows as bindings (rows refused while typing the columns, or now, are left out when collected). */
function bindRows(rows: readonly Row[], p: Plan): BoundRow[] {
	const columns = [...p.match, ...p.values];
	const bound: BoundRow[] = [];
	rows.forEach((row, position) => {
		if (p.check.refused.has(position)) return;
		try {
			bound.push({ indexes: [position], cells: bindRow(row, p.check.item(position), columns, p) });
		} catch (error) {
			p.check.refuse(position, error);
		}
	});
	if (!p.mergeDuplicates) return bound;
	const byKey = new Map<string, BoundRow>();
	for (const row of bound) {
		const key = JSON.stringify(row.cells.slice(0, p.match.length).map((cell) => cell?.value));
		const earlier = byKey.get(key);
		if (earlier === undefined) {
			byKey.set(key, row);
			continue;
		}
		for (const index of row.indexes) earlier.indexes.push(index);
		row.cells.forEach((cell, index) => {
			if (cell !== undefined) earlier.cells[index] = cell;
		});
	}
	return [...byKey.values()];
}

/** Rows grouped by which value columns they give, in order of first appearance. */
function groupByGivenColumns(rows: readonly BoundRow[], p: Plan): Array<{ values: number[]; rows: BoundRow[] }> {
	const groups = new Map<string, { values: number[]; rows: BoundRow[] }>();
	for (const row of rows) {
		const values = p.values
			.map((_, index) => index)
			.filter((index) => row.cells[p.match.length + index] !== undefined);
		const key = values.join(',');
		const group = groups.get(key) ?? { values, rows: [] };
		group.rows.push(row);
		groups.set(key, group);
	}
	return [...groups.values()];
}

interface Template {
	head: string;
	tail: string;
	/** Positions in BoundRow.cells bound by each `(?, …)`, in order. */
	cells: number[];
}

/** Cuts the rows into statements `head (?, …), (?, …) tail` within both caps. */
function chunk(template: Template, rows: readonly BoundRow[], options: BatchOptions): BatchStatement[] {
	const maxBindings = limitOption(options.maxBindings, DEFAULT_MAX_BINDINGS, 'maxBindings');
	const maxBytes = limitOption(options.maxStatementBytes, DEFAULT_MAX_STATEMENT_BYTES, 'maxStatementBytes');
	const tuple = `(${template.cells.map(() => '?').join(', ')})`;
	const fixedBytes = utf8Length(template.head) + utf8Length(template.tail);
	const statements: BatchStatement[] = [];
	let current: BoundRow[] = [];
	let bytes = fixedBytes;
	const flush = () => {
		if (current.length === 0) return;
		const bindings: Bindings = {};
		let n = 0;
		for (const row of current) {
			for (const cell of template.cells) bindings[String(++n)] = row.cells[cell] as Binding;
		}
		statements.push({
			statement: template.head + current.map(() => tuple).join(', ') + template.tail,
			bindings,
			rowIndexes: current.flatMap((row) => row.indexes).sort((a, b) => a - b),
			sourceRows: current.length,
		});
		current = [];
		bytes = fixedBytes;
	};
	for (const row of rows) {
		let rowBytes = utf8Length(tuple) + (current.length > 0 ? 2 : 0);
		for (const cell of template.cells) rowBytes += utf8Length(row.cells[cell]?.value ?? '');
		const bindingsAfter = (current.length + 1) * template.cells.length;
		if (current.length > 0 && (bindingsAfter > maxBindings || bytes + rowBytes > maxBytes)) {
			flush();
			rowBytes -= 2;
		}
		current.push(row);
		bytes += rowBytes;
	}
	flush();
	return statements;
}

function columnList(columns: readonly Column[]): string {
	return columns.map((column) => column.sql).join(', ');
}

/** `SELECT $1 AS "A", PARSE_JSON($2) AS "B" FROM VALUES ` */
function valuesSource(columns: readonly Column[]): string {
	const list = columns.map((column, index) => `${wrapParseJson(`$${index + 1}`, column.type)} AS ${column.sql}`);
	return `SELECT ${list.join(', ')} FROM VALUES `;
}

function matchCondition(match: readonly Column[]): string {
	return match.map((column) => `t.${column.sql} IS NOT DISTINCT FROM s.${column.sql}`).join(' AND ');
}

function needColumns(specs: readonly ColumnSpec[], what: string): void {
	if (specs.length === 0) throw new SqlInputError(`${what} needs at least one column`);
}

/**
 * INSERT of `rows` into `table`; `columns` are the item fields to write (fields missing from an item
 * leave the column to its DEFAULT).
 */
export function buildInsert(
	table: string,
	columns: readonly ColumnSpec[],
	rows: readonly Row[],
	options: BatchOptions = {},
): BatchStatement[] {
	needColumns(columns, 'Insert');
	const p: Plan = { ...plan(table, [], columns, rows, options), needsValue: 'to insert', mergeDuplicates: false };
	return groupByGivenColumns(bindRows(rows, p), p).flatMap((group) => {
		const given = group.values.map((index) => p.values[index]);
		const head = given.some((column) => isJsonType(column.type))
			? `INSERT INTO ${p.table} (${columnList(given)}) SELECT ${given
					.map((column, index) => wrapParseJson(`$${index + 1}`, column.type))
					.join(', ')} FROM VALUES `
			: `INSERT INTO ${p.table} (${columnList(given)}) VALUES `;
		return chunk({ head, tail: '', cells: group.values }, group.rows, options);
	});
}

function mergeSource(p: Plan, given: readonly number[]): { columns: Column[]; cells: number[] } {
	return {
		columns: [...p.match, ...given.map((index) => p.values[index])],
		cells: [...p.match.map((_, index) => index), ...given.map((index) => p.match.length + index)],
	};
}

/**
 * One MERGE … WHEN MATCHED THEN UPDATE per batch: sets `setColumns` on the rows whose match columns
 * equal the item's (null matches NULL). Fields missing from an item leave that column unchanged.
 */
export function buildUpdate(
	table: string,
	matchColumns: readonly ColumnSpec[],
	setColumns: readonly ColumnSpec[],
	rows: readonly Row[],
	options: BatchOptions = {},
): BatchStatement[] {
	needColumns(matchColumns, 'Update');
	const planned = plan(table, matchColumns, setColumns, rows, options);
	if (planned.values.length === 0) {
		throw new SqlInputError('Update needs at least one column to set besides the match columns');
	}
	const p: Plan = { ...planned, needsValue: 'to update', mergeDuplicates: true };
	return groupByGivenColumns(bindRows(rows, p), p).flatMap((group) => {
		const source = mergeSource(p, group.values);
		const sets = source.columns.slice(p.match.length).map((column) => `${column.sql} = s.${column.sql}`);
		return chunk(
			{
				head: `MERGE INTO ${p.table} AS t USING (${valuesSource(source.columns)}`,
				tail: `) AS s ON ${matchCondition(p.match)} WHEN MATCHED THEN UPDATE SET ${sets.join(', ')}`,
				cells: source.cells,
			},
			group.rows,
			options,
		);
	});
}

/**
 * MERGE that updates rows whose match columns equal the item's and inserts the others. `columns` may
 * repeat the match columns. Fields missing from an item are neither updated nor inserted (DEFAULT).
 */
export function buildUpsert(
	table: string,
	matchColumns: readonly ColumnSpec[],
	columns: readonly ColumnSpec[],
	rows: readonly Row[],
	options: BatchOptions = {},
): BatchStatement[] {
	needColumns(matchColumns, 'Upsert');
	const p: Plan = { ...plan(table, matchColumns, columns, rows, options), mergeDuplicates: true };
	return groupByGivenColumns(bindRows(rows, p), p).flatMap((group) => {
		const source = mergeSource(p, group.values);
		const sets = source.columns.slice(p.match.length).map((column) => `${column.sql} = s.${column.sql}`);
		const update = sets.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${sets.join(', ')}` : '';
		const insert = ` WHEN NOT MATCHED THEN INSERT (${columnList(source.columns)}) VALUES (${source.columns
			.map((column) => `s.${column.sql}`)
			.join(', ')})`;
		return chunk(
			{
				head: `MERGE INTO ${p.table} AS t USING (${valuesSource(source.columns)}`,
				tail: `) AS s ON ${matchCondition(p.match)}${update}${insert}`,
				cells: source.cells,
			},
			group.rows,
			options,
		);
	});
}

/** DELETE of the rows whose match columns equal an item's (null matches NULL). */
export function buildDelete(
	table: string,
	matchColumns: readonly ColumnSpec[],
	rows: readonly Row[],
	options: BatchOptions = {},
): BatchStatement[] {
	needColumns(matchColumns, 'Delete');
	const p: Plan = { ...plan(table, matchColumns, [], rows, options), mergeDuplicates: true };
	return chunk(
		{
			head: `DELETE FROM ${p.table} AS t USING (${valuesSource(p.match)}`,
			tail: `) AS s WHERE ${matchCondition(p.match)}`,
			cells: p.match.map((_, index) => index),
		},
		bindRows(rows, p),
		options,
	);
}

/** Removes every row of `table`; the table itself and its grants stay. */
export function buildTruncate(table: string): SqlStatement {
	return { statement: `TRUNCATE TABLE ${quoteQualifiedName(table)}`, bindings: {} };
}

type SelectOperator =
	| '='
	| '!='
	| '>'
	| '<'
	| '>='
	| '<='
	| 'LIKE'
	| 'ILIKE'
	| 'IN'
	| 'IS NULL'
	| 'IS NOT NULL';

const OPERATORS: readonly SelectOperator[] = [
	'=',
	'!=',
	'>',
	'<',
	'>=',
	'<=',
	'LIKE',
	'ILIKE',
	'IN',
	'IS NULL',
	'IS NOT NULL',
];

export interface SelectCondition {
	column: string;
	condition: SelectOperator | string;
	/** Ignored for IS NULL / IS NOT NULL. For IN: an array, or text split on commas. */
	value?: unknown;
	/** Binding type of the value; inferred when absent or 'auto'. */
	type?: ParameterType | string;
}

export interface SortRule {
	column: string;
	/** ASC (default) or DESC, any case. */
	direction?: string;
}

interface SelectOptions {
	/** Columns to return; all (`*`) when empty. */
	columns?: readonly string[];
	where?: readonly SelectCondition[];
	/** How conditions combine: AND (default) or OR. */
	combine?: string;
	sort?: readonly SortRule[];
	limit?: number;
	offset?: number;
}

function rowCount(value: number | undefined, name: string): number | undefined {
	if (value === undefined) return undefined;
	if (!Number.isSafeInteger(value) || value < 0) {
		throw new SqlInputError(`${name} must be a whole number of 0 or more (got ${String(value)})`);
	}
	return value;
}

function conditionSql(condition: SelectCondition, index: number, bindings: Bindings): string {
	const label = `Condition ${index + 1} on ${show(condition.column)}`;
	const column = quoteIdentifier(condition.column);
	const operator = OPERATORS.find(
		(candidate) => candidate === String(condition.condition).trim().toUpperCase().replace(/\s+/g, ' '),
	);
	if (operator === undefined) {
		throw new SqlInputError(
			`${label}: ${show(String(condition.condition))} is not a supported condition (use ${OPERATORS.join(', ')})`,
		);
	}
	if (operator === 'IS NULL' || operator === 'IS NOT NULL') return `${column} ${operator}`;
	let values: unknown[];
	if (operator !== 'IN') values = [condition.value];
	else if (Array.isArray(condition.value)) values = condition.value;
	else if (typeof condition.value === 'string') values = condition.value.split(',').map((part) => part.trim());
	else values = [condition.value];
	if (values.length === 0) throw new SqlInputError(`${label}: IN needs at least one value`);
	const placeholders = values.map((value) => {
		if (value === null || value === undefined) {
			throw new SqlInputError(
				`${label}: the value is empty (null); a comparison with null never matches, use IS NULL or IS NOT NULL`,
			);
		}
		const prepared = prepareBinding(value, condition.type, { label, column: condition.column });
		bindings[String(Object.keys(bindings).length + 1)] = prepared.binding;
		return prepared.parseJson ? 'PARSE_JSON(?)' : '?';
	});
	return operator === 'IN' ? `${column} IN (${placeholders.join(', ')})` : `${column} ${operator} ${placeholders[0]}`;
}

/** SELECT from `table` with optional conditions (values bound), sort, limit and offset. */
export function buildSelect(table: string, options: SelectOptions = {}): SqlStatement {
	const columns = options.columns?.length
		? options.columns.map((column) => quoteIdentifier(column)).join(', ')
		: '*';
	const combine = (options.combine ?? 'AND').trim().toUpperCase();
	if (combine !== 'AND' && combine !== 'OR') {
		throw new SqlInputError(`Conditions combine with AND or OR, not ${show(String(options.combine))}`);
	}
	const bindings: Bindings = {};
	let statement = `SELECT ${columns} FROM ${quoteQualifiedName(table)}`;
	const where = (options.where ?? []).map((condition, index) => conditionSql(condition, index, bindings));
	if (where.length > 0) statement += ` WHERE ${where.join(` ${combine} `)}`;
	const sort = (options.sort ?? []).map((rule) => {
		const direction = (rule.direction ?? 'ASC').trim().toUpperCase();
		if (direction !== 'ASC' && direction !== 'DESC') {
			throw new SqlInputError(
				`Sort on ${show(rule.column)}: direction must be ASC or DESC, not ${show(String(rule.direction))}`,
			);
		}
		return `${quoteIdentifier(rule.column)} ${direction}`;
	});
	if (sort.length > 0) statement += ` ORDER BY ${sort.join(', ')}`;
	// Validated integers are written into the text: Snowflake requires LIMIT/OFFSET to be constants.
	const limit = rowCount(options.limit, 'Limit');
	const offset = rowCount(options.offset, 'Offset');
	if (limit !== undefined || offset !== undefined) {
		// Snowflake's LIMIT syntax has no OFFSET on its own; LIMIT NULL means no limit.
		statement += ` LIMIT ${limit ?? 'NULL'}`;
		if (offset !== undefined) statement += ` OFFSET ${offset}`;
	}
	return { statement, bindings };
}
