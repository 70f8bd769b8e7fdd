/** Helpers the scenarios share: the raw answer to a statement, and short renderings for detail lines. */
import type { IDataObject } from 'n8n-workflow';

import { check, CheckFailed, NodeFailed, type LiveContext } from '../context';

export interface RawResult {
	status: number;
	body: Record<string, unknown>;
	rowType: Array<Record<string, unknown>>;
	/** The first row's cells as Snowflake sent them. */
	cells: unknown[];
}

/** Submits `statement` on the wire (polling a 202 to its end) and returns what Snowflake sent. */
export async function raw(ctx: LiveContext, statement: string): Promise<RawResult> {
	let answer = await ctx.wire.submit(statement);
	if (answer.status === 202) {
		const handle = String(answer.json?.statementHandle ?? '');
		answer = await ctx.wire.settle(handle);
	}
	if (answer.status !== 200 || !answer.json) throw new CheckFailed(`raw submit answered ${answer.status}: ${answer.text.slice(0, 200)}`);
	const meta = (answer.json.resultSetMetaData ?? {}) as Record<string, unknown>;
	const data = (answer.json.data ?? []) as unknown[][];
	return { status: answer.status, body: answer.json, rowType: (meta.rowType ?? []) as Array<Record<string, unknown>>, cells: data[0] ?? [] };
}

/** `NAME="cell"` for each column (cells cut at 48 characters). */
export function rawCells(result: RawResult): string {
	return result.rowType
		.map((column, index) => {
			const cell = result.cells[index];
			const text = JSON.stringify(cell) ?? 'undefined';
			return `${String(column.name)}=${text.length > 48 ? `${text.slice(0, 45)}..."` : text}`;
		})
		.join(' ');
}

/** `NAME:type[/extTypeName](byteLength)` for each column. */
export function rawTypes(result: RawResult): string {
	return result.rowType
		.map((column) => {
			const ext = column.extTypeName ? `/${String(column.extTypeName)}` : '';
			return `${String(column.name)}:${String(column.type)}${ext}`;
		})
		.join(' ');
}

/** Runs DDL/DML the scenario needs first; an emulator gap becomes a skip. */
export async function prepare(ctx: LiveContext, statements: string[]): Promise<void> {
	for (const statement of statements) await ctx.sql(statement).catch((error: unknown) => ctx.skipIfEmulatorGap(error));
}

/** The single row of a query run through the node (emulator gaps skip). */
export async function onlyRow(ctx: LiveContext, query: string, options?: IDataObject): Promise<IDataObject> {
	const rows = await ctx.sql(query, options).catch((error: unknown) => ctx.skipIfEmulatorGap(error));
	check(rows.length === 1, `expected 1 row, got ${rows.length}`);
	return rows[0];
}

/** A number close to `expected` (REAL cells: 15 or 17 digits both decode near it). */
export function near(actual: unknown, expected: number, what: string): void {
	check(typeof actual === 'number', `${what}: expected a number, got ${JSON.stringify(actual)}`);
	const tolerance = Math.abs(expected) * 1e-14 + 1e-300;
	check(Math.abs(actual - expected) <= tolerance, `${what}: expected about ${expected}, got ${actual}`);
}

/** The rows of a table, ordered by its first column. */
export async function tableRows(ctx: LiveContext, table: string, orderBy = 'ID'): Promise<IDataObject[]> {
	return await ctx.sql(`SELECT * FROM "${table}" ORDER BY "${orderBy}"`);
}

export async function count(ctx: LiveContext, table: string, where = 'TRUE'): Promise<number> {
	const [row] = await ctx.sql(`SELECT COUNT(*) AS "N" FROM "${table}" WHERE ${where}`);
	return Number(row?.N);
}

export { NodeFailed };
