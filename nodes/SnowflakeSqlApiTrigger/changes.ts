/**
 * Trigger On → Changes in a Table: change data capture through Snowflake's change tracking.
 *
 *   SELECT * FROM <table> CHANGES(INFORMATION => DEFAULT)
 *     AT(TIMESTAMP => ?::TIMESTAMP_LTZ) END(TIMESTAMP => ?::TIMESTAMP_LTZ)
 *   [WHERE <phase> [AND "METADATA$ROW_ID" > ?]] ORDER BY "METADATA$ROW_ID", "METADATA$ACTION" LIMIT <n>
 *
 * Exactly once, nothing lost:
 * - A window is (position, end], `end` read from the server's clock (`CURRENT_TIMESTAMP()`), never n8n's.
 *   AT(TIMESTAMP => t) is the table as of t (commits at t included), END is inclusive, so consecutive
 *   windows tile: every commit falls in exactly one. The CHANGES clause consumes nothing, so a window can
 *   be read again: after a failed poll or a restart the same window gives the same rows.
 * - A window with more changes than Max Changes per Poll is paged by METADATA$ROW_ID (an update's DELETE
 *   and INSERT rows share it and stay together); the window and the last row id emitted are stored, and
 *   the position moves to the window's end only when its last page was emitted.
 * - With Key Columns, a window is read in two phases: first every delete (and the old key of an update
 *   that changed a key column), then the inserts and updates, so items applied in order by key reproduce
 *   the table even when keys move between rows.
 * - State is written to static data only when the poll returns its items (n8n emits them then).
 */
import type { IDataObject } from 'n8n-workflow';

import { columnKeys } from '../SnowflakeSqlApi/decoder';
import { echoText, resolveIdentifier, showLike, SqlInputError, splitColumnList } from '../SnowflakeSqlApi/helpers';
import type { SnowflakeNodeOptions } from '../SnowflakeSqlApi/helpers';
import { SnowflakeError, type Binding, type DecodedRow, type StatementResult } from '../SnowflakeSqlApi/transport';
import { watermarkDomain, type WatermarkDomain } from './watermark';

const STATE_VERSION = 1;
const CHANGE_ACTIONS = ['insert', 'update', 'delete'] as const;
type ChangeAction = (typeof CHANGE_ACTIONS)[number];

const ACTION = 'METADATA$ACTION';
const IS_UPDATE = 'METADATA$ISUPDATE';
const ROW_ID = 'METADATA$ROW_ID';
const METADATA = new Set([ACTION, IS_UPDATE, ROW_ID]);

/** Instants as Snowflake's TIMESTAMP_LTZ: canonical text is nanoseconds since the epoch. */
// TIMESTAMP_LTZ always has a domain (watermark.ts), so the cast states a fact rather than hiding a case.
const instant = watermarkDomain({ type: 'timestamp_ltz' }) as WatermarkDomain;

type Phase = 'all' | 'deletes' | 'upserts';

interface ChangesWindow {
	/** Canonical end (ns), inclusive. */
	end: string;
	/** The end as the server printed it, for people reading the static data. */
	endShown: string;
	phase: Phase;
	/** The last METADATA$ROW_ID emitted in this phase. */
	after?: string;
}

export interface ChangesState {
	version: number;
	signature: string;
	/** Canonical position (ns): every change committed up to it was emitted. */
	position: string;
	positionShown: string;
	/** The window being emitted, when a poll stopped inside it. */
	window?: ChangesWindow;
}

interface ChangeItem extends IDataObject {
	action: ChangeAction;
	row: IDataObject;
	previous?: IDataObject;
	rowId: string;
}

export interface ChangesSettings {
	/** Quoted table name, as it follows FROM. */
	table: string;
	actions: Set<ChangeAction>;
	limit: number;
	/** Exact names of the key columns; empty: updates are matched by METADATA$ROW_ID only. */
	keyColumns: string[];
	startFrom: 'now' | 'timestamp';
	/** The Start Timestamp as typed (read once, at the first activation). */
	startTimestamp: unknown;
	enableChangeTracking: boolean;
	options: SnowflakeNodeOptions;
	signature: string;
}

export function readChangesState(data: Record<string, unknown>, signature: string): ChangesState | undefined {
	const state = data.changes as ChangesState | undefined;
	if (!state || typeof state !== 'object' || state.version !== STATE_VERSION || state.signature !== signature) return undefined;
	return { ...state, window: state.window ? { ...state.window } : undefined };
}

export function changeActions(value: unknown): Set<ChangeAction> {
	const list = Array.isArray(value) ? value : [];
	const actions = new Set(CHANGE_ACTIONS.filter((action) => list.includes(action)));
	if (actions.size === 0) throw new SqlInputError('Choose at least one of Insert, Update and Delete in Actions to Emit.');
	return actions;
}

export function keyColumnNames(text: string | undefined): string[] {
	return splitColumnList(text ?? '').map((name) => resolveIdentifier(name, 'key column'));
}

/** A Luxon DateTime (what an expression such as {{ $now.minus({ days: 1 }) }} gives) as ISO text, else ''. */
function isoOf(value: unknown): string {
	const toISO = (value as { toISO?: unknown } | null)?.toISO;
	const iso: unknown = typeof toISO === 'function' ? (toISO as () => unknown).call(value) : undefined;
	return typeof iso === 'string' ? iso : '';
}

/** A timestamp the user typed (ISO, with or without offset; none means UTC) → canonical ns and text. */
function startInstant(value: unknown): { canonical: string; shown: string } {
	const text = typeof value === 'string' ? value.trim() : value instanceof Date ? value.toISOString() : isoOf(value);
	if (text === '') throw new SqlInputError('Enter the Start Timestamp: changes committed after it are emitted.');
	const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
	const canonical = instant.canonical(zoned.replace(' ', 'T'));
	if (canonical === undefined) throw new SqlInputError(`The Start Timestamp '${echoText(text)}' is not a date and time such as 2024-01-31T08:00:00Z`);
	return { canonical, shown: zoned };
}

function binding(canonical: string): Binding {
	return instant.binding(canonical);
}

/** `"A"."B"."C"` (as quoteQualifiedName writes it) → its parts. Linear. */
function nameParts(quoted: string): string[] {
	const parts: string[] = [];
	let current = '';
	let inside = false;
	for (let i = 0; i < quoted.length; i++) {
		const c = quoted[i];
		if (inside && c === '"' && quoted[i + 1] === '"') {
			current += '"';
			i++;
		} else if (c === '"') {
			inside = !inside;
		} else if (!inside && c === '.') {
			parts.push(current);
			current = '';
		} else if (inside) current += c;
	}
	parts.push(current);
	return parts;
}

interface ChangeRow {
	rowId: string;
	action: 'INSERT' | 'DELETE';
	isUpdate: boolean;
	row: IDataObject;
}

/** The items of one page of rows (sorted by row id, then action), for the phase. */
function itemsOf(rows: readonly ChangeRow[], phase: Phase, keyColumns: readonly string[]): ChangeItem[] {
	const items: ChangeItem[] = [];
	const keyOf = (row: IDataObject) => JSON.stringify(keyColumns.map((name) => row[name] ?? null));
	for (let i = 0; i < rows.length; i++) {
		const first = rows[i];
		const second = rows[i + 1]?.rowId === first.rowId ? rows[++i] : undefined;
		const deleted = first.action === 'DELETE' ? first : second?.action === 'DELETE' ? second : undefined;
		const inserted = first.action === 'INSERT' ? first : second?.action === 'INSERT' ? second : undefined;
		const rowId = first.rowId;
		if (deleted && inserted) {
			const moved = keyColumns.length > 0 && keyOf(deleted.row) !== keyOf(inserted.row);
			if (phase === 'deletes') {
				if (moved) items.push({ action: 'delete', row: deleted.row, rowId });
			} else if (moved) items.push({ action: 'insert', row: inserted.row, previous: deleted.row, rowId });
			else items.push({ action: 'update', row: inserted.row, previous: deleted.row, rowId });
		} else if (deleted) {
			if (phase !== 'upserts') items.push({ action: 'delete', row: deleted.row, rowId });
		} else if (inserted) {
			// An INSERT flagged as an update whose DELETE is not in the result (a filter, a view): still an update.
			if (phase !== 'deletes') items.push({ action: inserted.isUpdate ? 'update' : 'insert', row: inserted.row, rowId });
		}
	}
	return items;
}

export class ChangesPoller {
	constructor(
		private readonly settings: ChangesSettings,
		private readonly run: (statement: string, bindings: Binding[]) => Promise<StatementResult>,
	) {}

	/** The server's clock: CURRENT_TIMESTAMP() of a statement of its own. */
	async serverNow(): Promise<{ canonical: string; shown: string }> {
		const result = await this.run('SELECT CURRENT_TIMESTAMP() AS "NOW"', []);
		const cell = result.rows[0]?.[columnKeys(result.rowType)[0]];
		const canonical = instant.canonical(cell);
		if (canonical === undefined || typeof cell !== 'string') throw new SqlInputError(`Snowflake's CURRENT_TIMESTAMP() answered ${echoText(String(cell))}, not a timestamp`);
		return { canonical, shown: cell };
	}

	/** First poll with "A Timestamp": the position is the Start Timestamp (change tracking enabled first when allowed). */
	async startAt(): Promise<ChangesState> {
		const start = startInstant(this.settings.startTimestamp);
		if (this.settings.enableChangeTracking) await this.enableTracking();
		return { version: STATE_VERSION, signature: this.settings.signature, position: start.canonical, positionShown: start.shown };
	}

	/** First activation with "now": the position is the server's clock; checks that the table can be read. */
	async activate(): Promise<ChangesState> {
		if (this.settings.enableChangeTracking) await this.enableTracking();
		const now = await this.serverNow();
		const state: ChangesState = { version: STATE_VERSION, signature: this.settings.signature, position: now.canonical, positionShown: now.shown };
		await this.fetch(state, { end: now.canonical, endShown: now.shown, phase: 'all' }, 1);
		return state;
	}

	/** "Enable Change Tracking" (the user's consent): `ALTER TABLE … SET CHANGE_TRACKING = TRUE` when it is off. */
	private async enableTracking(): Promise<void> {
		const table = await this.describeTable();
		if (!table || table.changeTracking === 'ON') return;
		await this.run(`ALTER TABLE ${this.settings.table} SET CHANGE_TRACKING = TRUE`, []);
	}

	/** One regular poll: the next items and the state after them. */
	async next(stored: ChangesState): Promise<{ items: ChangeItem[]; state: ChangesState }> {
		const state: ChangesState = { ...stored };
		let window = state.window;
		if (!window) {
			const now = await this.serverNow();
			window = { end: now.canonical, endShown: now.shown, phase: this.settings.keyColumns.length > 0 ? 'deletes' : 'all' };
		}
		const items: ChangeItem[] = [];
		let budget = this.settings.limit;
		for (;;) {
			const page = await this.fetch(state, window, budget);
			// A loop, not push(...): a spread of 130,000 items overflows the stack.
			for (const item of itemsOf(page.rows, window.phase, this.settings.keyColumns)) {
				if (this.settings.actions.has(item.action)) items.push(item);
			}
			budget -= page.groups;
			if (page.more) {
				window = { ...window, after: page.last };
				return { items, state: { ...state, window } };
			}
			if (window.phase !== 'deletes') {
				return { items, state: { ...state, position: window.end, positionShown: window.endShown, window: undefined } };
			}
			window = { ...window, phase: 'upserts', after: undefined };
			if (budget <= 0) return { items, state: { ...state, window } };
		}
	}

	/**
	 * One page of the window: at most `groups` row ids (an update's two rows count once). One row more
	 * than two per group is asked for; when the answer is full, its last row id may be cut, so it is left
	 * for the next page.
	 */
	private async fetch(state: ChangesState, window: ChangesWindow, groups: number): Promise<{ rows: ChangeRow[]; groups: number; more: boolean; last?: string }> {
		const limit = groups * 2 + 1;
		const conditions: string[] = [];
		if (window.phase === 'deletes') conditions.push(`("${ACTION}" = 'DELETE' OR "${IS_UPDATE}")`);
		if (window.phase === 'upserts') conditions.push(`("${ACTION}" = 'INSERT' OR "${IS_UPDATE}")`);
		const bindings = [binding(state.position), binding(window.end)];
		if (window.after !== undefined) {
			conditions.push(`"${ROW_ID}" > ?`);
			bindings.push({ type: 'TEXT', value: window.after });
		}
		const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
		const statement =
			`SELECT * FROM ${this.settings.table} CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?::TIMESTAMP_LTZ) END(TIMESTAMP => ?::TIMESTAMP_LTZ)` +
			`${where} ORDER BY "${ROW_ID}", "${ACTION}" LIMIT ${limit}`;
		let result: StatementResult;
		try {
			result = await this.run(statement, bindings);
		} catch (error) {
			throw await this.explain(error, state);
		}
		const rows = this.changeRows(result);
		let more = result.rows.length >= limit;
		if (more) {
			const cut = rows[rows.length - 1].rowId;
			while (rows.length > 0 && rows[rows.length - 1].rowId === cut) rows.pop();
			// Snowflake gives a row id at most a DELETE and an INSERT; a full page of one id would be read forever.
			if (rows.length === 0) {
				throw new SqlInputError(`Snowflake's CHANGES result repeats the row id ${cut} more than twice, so the window cannot be paged by row id.`);
			}
		}
		// At most `groups` row ids: the rest of the page is read again by the next page.
		let count = 0;
		for (let i = 0; i < rows.length; i++) {
			if (i > 0 && rows[i].rowId === rows[i - 1].rowId) continue;
			if (count === groups) {
				rows.length = i;
				more = true;
				break;
			}
			count++;
		}
		return { rows, groups: count, more, last: rows[rows.length - 1]?.rowId };
	}

	private changeRows(result: StatementResult): ChangeRow[] {
		const keys = columnKeys(result.rowType);
		const at = (name: string) => {
			const index = result.rowType.findIndex((column) => column.name === name);
			if (index < 0) throw new SqlInputError(`Snowflake's CHANGES result has no column ${name}`);
			return keys[index];
		};
		const action = at(ACTION);
		const isUpdate = at(IS_UPDATE);
		const rowId = at(ROW_ID);
		const data = result.rowType.map((column, index) => ({ name: column.name, key: keys[index] })).filter((column) => !METADATA.has(column.name));
		for (const name of this.settings.keyColumns) {
			if (!data.some((column) => column.name === name)) {
				throw new SqlInputError(`The key column ${echoText(name)} is not a column of the table: ${echoText(data.map((column) => column.name).join(', '))}`);
			}
		}
		return result.rows.map((decoded: DecodedRow) => {
			const row: IDataObject = {};
			for (const column of data) row[column.key] = decoded[column.key] as IDataObject[string];
			return {
				rowId: String(decoded[rowId]),
				action: decoded[action] === 'DELETE' ? 'DELETE' : 'INSERT',
				isUpdate: decoded[isUpdate] === true,
				row,
			};
		});
	}

	/** The session's database and schema, as Snowflake names them. */
	private async currentSchema(): Promise<string[]> {
		const result = await this.run('SELECT CURRENT_DATABASE() AS "D", CURRENT_SCHEMA() AS "S"', []);
		const row = result.rows[0] ?? {};
		if (typeof row.D !== 'string' || typeof row.S !== 'string') {
			throw new SqlInputError('No current database and schema: qualify the table (DATABASE.SCHEMA.TABLE) or set Database and Schema in the credential or the Options.');
		}
		return [row.D, row.S];
	}

	private async currentDatabase(): Promise<string> {
		return (await this.currentSchema())[0];
	}

	/** SHOW TABLES for the table: its creation time, retention and change tracking (undefined when not found). */
	private async describeTable(): Promise<{ createdOn: string; retention: string; changeTracking: string } | undefined> {
		const parts = nameParts(this.settings.table);
		const name = parts[parts.length - 1];
		// An unqualified name is the current schema's table; SHOW TABLES without IN SCHEMA lists the whole database.
		const schema = parts.length > 2 ? parts.slice(0, -1) : parts.length === 2 ? [await this.currentDatabase(), parts[0]] : await this.currentSchema();
		const scope = ` IN SCHEMA ${schema.map((part) => `"${part.replace(/"/g, '""')}"`).join('.')}`;
		const result = await this.run(`SHOW TABLES${showLike(name)}${scope}`, []);
		const keys = columnKeys(result.rowType);
		const column = (label: string) => keys[result.rowType.findIndex((c) => c.name === label)];
		const found = result.rows.find((row) => row[column('name')] === name);
		if (!found) return undefined;
		return {
			createdOn: String(found[column('created_on')] ?? ''),
			retention: String(found[column('retention_time')] ?? ''),
			changeTracking: String(found[column('change_tracking')] ?? ''),
		};
	}

	/** Snowflake's refusals of a CHANGES query, explained with what was lost and how to go on. */
	private async explain(error: unknown, state: ChangesState): Promise<unknown> {
		if (!(error instanceof SnowflakeError)) return error;
		const table = this.settings.table;
		const restart = 'To start again from now, set Start From to another value (or pick a Start Timestamp) and save: the trigger then forgets its position.';
		const wrap = (message: string, hint: string) =>
			new SnowflakeError(message, { code: error.code, sqlState: error.sqlState, statementHandle: error.statementHandle, httpStatus: error.httpStatus, hint });
		if (error.code === '091930') {
			return wrap(
				`Change tracking is off on ${table}, or was off for part of the time since ${state.positionShown}`,
				`Turn it on with: ALTER TABLE ${table} SET CHANGE_TRACKING = TRUE; (needs the OWNERSHIP privilege on the table), or set the option Enable Change Tracking. Changes made while it was off cannot be read. ${restart}`,
			);
		}
		if (error.code === '000707') {
			const described = await this.describeTable().catch(() => undefined);
			const created = described?.createdOn ? instant.canonical(described.createdOn) : undefined;
			if (created !== undefined && instant.compare(created, state.position) > 0) {
				return wrap(
					`${table} was dropped and created again at ${described?.createdOn} after the trigger's position ${state.positionShown}`,
					`The old table's changes after ${state.positionShown} are gone with it, and the rows of the new table from before its creation are not emitted as changes. Sync the target again from the new table, then: ${restart}`,
				);
			}
			const days = described?.retention ? ` (${described.retention} day(s), DATA_RETENTION_TIME_IN_DAYS)` : ' (DATA_RETENTION_TIME_IN_DAYS)';
			return wrap(
				`The trigger's position ${state.positionShown} is older than what Snowflake keeps of ${table}${days}`,
				`Changes committed after ${state.positionShown} and older than the table's data retention can no longer be read: they are lost for this trigger. Sync the target again from the table, raise the retention if polls can stop for that long, then: ${restart}`,
			);
		}
		if (error.code === '002003') {
			return wrap(
				`${table} does not exist, or the role cannot see it`,
				'The table may have been dropped or renamed. Otherwise grant the role USAGE on the database and schema and SELECT on the table (Options → Role picks another role).',
			);
		}
		if (error.code === '003001' || error.code === '002043') {
			return wrap(`The role may not read the changes of ${table}: insufficient privileges`, 'Grant the role SELECT on the table and USAGE on its database and schema; enabling change tracking also needs OWNERSHIP.');
		}
		return error;
	}
}
