/**
 * Change tracking for the emulator (README "Change tracking"): `CHANGE_TRACKING = TRUE` on CREATE/ALTER
 * TABLE keeps a log of row versions beside the table, and `FROM t CHANGES(INFORMATION => …) AT|BEFORE(…)
 * [END(…)]` reads the net delta from it.
 *
 * The log of table T is the DuckDB table `"<DB>"."SF$CHANGE_TRACKING"."<SCHEMA>.<T>"` (a schema SHOW hides):
 * T's columns plus `SF$ROW_ID` (METADATA$ROW_ID), `SF$FROM`/`SF$TO` (commit times in epoch µs of the
 * version's start and end) and `SF$FROM_TXN`/`SF$TO_TXN` (the emulator transaction that wrote them,
 * before its commit time is known) and `SF$FROM_UPDATE` (the version came from an UPDATE).
 * Log rows are written by the same DuckDB transaction as the DML, so a rollback leaves nothing, and
 * their commit time is stamped just before COMMIT, under a lock that CHANGES queries also take.
 */
import { createHash } from 'node:crypto';

import { SnowflakeSqlError } from './engine-types';
import { quoteIdent, type ObjectName, type Token } from './translate';

export const LOG_SCHEMA = 'SF$CHANGE_TRACKING';
export const META = {
	rowId: 'SF$ROW_ID',
	from: 'SF$FROM',
	to: 'SF$TO',
	fromTxn: 'SF$FROM_TXN',
	toTxn: 'SF$TO_TXN',
	fromUpdate: 'SF$FROM_UPDATE',
} as const;
const US_PER_DAY = 86_400_000_000n;

export interface TableMeta {
	/** Exact DuckDB names. */
	db: string;
	schema: string;
	table: string;
	createdOnUs: bigint;
	tracking: boolean;
	/** When tracking was last turned on: changes before it are "missing". */
	trackingSinceUs?: bigint;
	/** DATA_RETENTION_TIME_IN_DAYS (Snowflake's default: 1). */
	retentionDays: number;
	/** The table's column names while tracked (reset by ALTER TABLE). */
	columns?: string[];
}

export function tableKey(db: string, schema: string, table: string): string {
	return `${db}.${schema}.${table}`.toUpperCase();
}

export function logName(meta: Pick<TableMeta, 'db' | 'schema' | 'table'>): string {
	return `${quoteIdent(meta.db)}.${quoteIdent(LOG_SCHEMA)}.${quoteIdent(`${meta.schema}.${meta.table}`)}`;
}

export const nowUs = (): bigint => BigInt(Date.now()) * 1000n;

/**
 * Engine-wide change tracking state: table metadata, commit clock, statement points, the lock.
 * Commit times come from DuckDB's own clock (the one CURRENT_TIMESTAMP reads), read fresh at the commit,
 * plus 1 µs, and strictly increase: a window end read by a statement that finished before a commit is
 * always earlier than that commit's time.
 */
export class ChangeTracker {
	readonly tables = new Map<string, TableMeta>();
	/** statementHandle → its point in µs, or the transaction whose commit time it will take. */
	private readonly statements = new Map<string, bigint | { txn: number }>();
	private readonly txnCommits = new Map<number, bigint>();
	private lastCommitUs = 0n;
	private nextTxn = 1;
	private nextRow = 0;
	private locked: Promise<void> = Promise.resolve();

	constructor(readonly retentionMsOverride?: number) {}

	newTxn(): number {
		return this.nextTxn++;
	}

	newRowId(key: string): string {
		return createHash('sha1').update(`${key}\u0000${this.nextRow++}`).digest('hex');
	}

	/** The commit time for a commit starting now; `clockUs` is DuckDB's current time in µs. */
	commitUs(clockUs: bigint): bigint {
		let ts = clockUs + 1n;
		if (ts <= this.lastCommitUs) ts = this.lastCommitUs + 1n;
		this.lastCommitUs = ts;
		return ts;
	}

	statementFinished(handle: string | undefined, txn: number | undefined, wrote: bigint | undefined): void {
		if (!handle) return;
		if (this.statements.size > 100_000) this.statements.delete(this.statements.keys().next().value as string);
		this.statements.set(handle, wrote ?? (txn !== undefined ? { txn } : nowUs()));
	}

	txnCommitted(txn: number, ts: bigint | undefined): void {
		if (ts !== undefined) this.txnCommits.set(txn, ts);
	}

	statementPoint(handle: string): bigint | undefined {
		const point = this.statements.get(handle);
		if (point === undefined || typeof point === 'bigint') return point;
		return this.txnCommits.get(point.txn);
	}

	/** Runs `work` alone among commits and CHANGES reads. */
	async exclusive<T>(work: () => Promise<T>): Promise<T> {
		const previous = this.locked;
		let release!: () => void;
		this.locked = new Promise((resolve) => (release = resolve));
		await previous;
		try {
			return await work();
		} finally {
			release();
		}
	}

	retentionUs(meta: TableMeta): bigint {
		if (this.retentionMsOverride !== undefined) return BigInt(Math.round(this.retentionMsOverride * 1000));
		return BigInt(meta.retentionDays) * US_PER_DAY;
	}

	/** Snowflake's refusals for a start point (README "Change tracking" lists the sources). */
	checkStart(meta: TableMeta | undefined, name: string, qualified: string, startUs: bigint): void {
		if (!meta?.tracking || meta.trackingSinceUs === undefined) throw trackingMissing(qualified);
		if (startUs < meta.createdOnUs || startUs < nowUs() - this.retentionUs(meta)) throw timeTravelUnavailable(name);
		if (startUs < meta.trackingSinceUs) throw trackingMissing(qualified);
	}
}

export function trackingMissing(qualified: string): SnowflakeSqlError {
	return new SnowflakeSqlError(
		'091930',
		'2F003',
		`SQL compilation error:\nChange tracking is not enabled or has been missing for the time range requested on table '${qualified}'.`,
	);
}

export function timeTravelUnavailable(name: string): SnowflakeSqlError {
	return new SnowflakeSqlError(
		'000707',
		'02000',
		`Time travel data is not available for table ${name}. The requested time is either beyond the allowed time travel period or before the object creation time.`,
	);
}

// ---------------------------------------------------------------- statements about tracking

export interface TrackingOptions {
	changeTracking?: boolean;
	retentionDays?: number;
}

/** `CHANGE_TRACKING = TRUE|FALSE` and `DATA_RETENTION_TIME_IN_DAYS = n` among significant tokens. */
export function trackingOptions(tokens: Token[], from = 0): TrackingOptions {
	const out: TrackingOptions = {};
	for (let i = from; i < tokens.length - 2; i++) {
		if (tokens[i].kind !== 'word' || tokens[i + 1].text !== '=') continue;
		const value = tokens[i + 2];
		if (tokens[i].value === 'CHANGE_TRACKING') out.changeTracking = value.value === 'TRUE';
		if (tokens[i].value === 'DATA_RETENTION_TIME_IN_DAYS' && value.kind === 'number') out.retentionDays = Number(value.text);
	}
	return out;
}

export interface AlterTracking {
	name: ObjectName;
	ifExists: boolean;
	options: TrackingOptions;
}

// ---------------------------------------------------------------- CHANGES clause

export type Point = { kind: 'TIMESTAMP' | 'OFFSET' | 'STATEMENT'; before: boolean; from: number; to: number };

export interface ChangesClause {
	/** Token range [start, end) of `name CHANGES(…) AT|BEFORE(…) [END(…)]` in the significant tokens. */
	start: number;
	end: number;
	name: ObjectName;
	appendOnly: boolean;
	at: Point;
	end_?: Point;
}

/** The net delta (DEFAULT) or the appended rows (APPEND_ONLY) between two commit times, as DuckDB SQL. */
export function changesSql(log: string, columns: string[], startUs: bigint, endUs: bigint, appendOnly: boolean): string {
	const q = (alias: string) => columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ');
	const id = quoteIdent(META.rowId);
	const from = quoteIdent(META.from);
	const to = quoteIdent(META.to);
	const validAt = (alias: string, at: bigint) => `${alias}.${from} <= ${at} AND (${alias}.${to} IS NULL OR ${alias}.${to} > ${at})`;
	const tail = (alias: string) => (columns.length > 0 ? `${q(alias)}, ` : '');
	if (appendOnly) {
		return `SELECT ${tail('a')}'INSERT' AS "METADATA$ACTION", FALSE AS "METADATA$ISUPDATE", a.${id} AS "METADATA$ROW_ID" FROM ${log} a WHERE a.${from} > ${startUs} AND a.${from} <= ${endUs} AND NOT a.${quoteIdent(META.fromUpdate)}`;
	}
	const touched = `SELECT t.${id} FROM ${log} t WHERE (t.${from} > ${startUs} AND t.${from} <= ${endUs}) OR (t.${to} > ${startUs} AND t.${to} <= ${endUs})`;
	return [
		`SELECT ${tail('o')}'DELETE' AS "METADATA$ACTION", EXISTS (SELECT 1 FROM ${log} n WHERE n.${id} = o.${id} AND ${validAt('n', endUs)}) AS "METADATA$ISUPDATE", o.${id} AS "METADATA$ROW_ID"`,
		`FROM ${log} o WHERE ${validAt('o', startUs)} AND o.${id} IN (${touched})`,
		'UNION ALL',
		`SELECT ${tail('n')}'INSERT' AS "METADATA$ACTION", EXISTS (SELECT 1 FROM ${log} o WHERE o.${id} = n.${id} AND ${validAt('o', startUs)}) AS "METADATA$ISUPDATE", n.${id} AS "METADATA$ROW_ID"`,
		`FROM ${log} n WHERE ${validAt('n', endUs)} AND n.${id} IN (${touched})`,
	].join(' ');
}

/** A row's values as one comparable text (DuckDB values print deterministically). */
export function contentKey(values: readonly unknown[]): string {
	return JSON.stringify(values.map((v) => (v === null || v === undefined ? null : typeof v === 'object' || typeof v === 'bigint' ? `${typeof v}:${String(v)}` : v)));
}
