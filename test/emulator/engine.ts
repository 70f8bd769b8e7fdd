/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test-only code, never shipped: it throws Snowflake-shaped errors, not n8n ones, and repeats DuckDB interrupts on a timer */
/**
 * The emulator's SQL engine: Snowflake-flavoured SQL on DuckDB (ENGINE.md). One DuckDB connection
 * per EngineSession, so BEGIN/COMMIT/ROLLBACK of a multi-statement request stay in it; every
 * Snowflake database is an attached DuckDB catalog, its schemas DuckDB schemas.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
	DuckDBConnection,
	DuckDBInstance,
	DuckDBTypeId,
	type DuckDBPreparedStatement,
	type DuckDBResultReader,
	type DuckDBValue,
	BLOB,
	BOOLEAN,
	DATE,
	DECIMAL,
	DOUBLE,
	SMALLINT,
	STRUCT,
	TIME_NS,
	TIMESTAMP_NS,
	TIMESTAMPTZ,
	VARCHAR,
	DuckDBBlobValue,
	DuckDBDateValue,
	DuckDBScalarFunction,
	DuckDBVarCharType,
	DuckDBStructValue,
	DuckDBTimeNSValue,
	DuckDBTimestampNanosecondsValue,
	DuckDBTimestampTZValue,
	decimalValue,
} from '@duckdb/node-api';
import type { RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import type { Binding, Bindings } from '../../nodes/SnowflakeSqlApi/transport';
import {
	type Engine,
	type EngineResult,
	type EngineSession,
	type SessionContext,
	SnowflakeSqlError,
	type StatementKind,
} from './engine-types';
import {
	type ColumnInfo,
	type EncodeOptions,
	NS_PER_DAY,
	NS_PER_MINUTE,
	NS_PER_SECOND,
	cellEncoder,
	floorDiv,
	isTzStruct,
	rowTypeEntry,
	sfTypeOf,
	zoneOffset,
} from './encode';
import {
	ChangeTracker,
	type ChangesClause,
	type Point,
	type TableMeta,
	changesSql,
	contentKey,
	LOG_SCHEMA,
	logName,
	META,
	nowUs,
	tableKey,
	trackingOptions,
} from './changeTracking';
import { benchResult } from './largeResult';
import {
	type DdlInfo,
	type ObjectName,
	type ParsedStatement,
	type SfType,
	type ShowStatement,
	type TranslateContext,
	type TranslatedSql,
	type Token,
	GEO_MARKERS,
	MAX_TEXT_LENGTH,
	classify,
	dmlTarget,
	lineAndColumn,
	parseStatement,
	parseTypeText,
	quoteIdent,
	readName,
	significant,
	sfTypeText,
	splitStatements,
	sqlString,
	syntaxError,
	tokenize,
	unsupported,
} from './translate';

export const DEFAULT_DATABASE = 'EMULATOR_DB';
export const DEFAULT_SCHEMA = 'PUBLIC';
export const DEFAULT_WAREHOUSE = 'EMULATOR_WH';
export const DEFAULT_ROLE = 'EMULATOR_ROLE';
export const DEFAULT_USER = 'EMULATOR_USER';
/** Snowflake's default TIMEZONE parameter. */
export const DEFAULT_TIMEZONE = 'America/Los_Angeles';
/** The DuckDB instance's own catalog: an empty search path for sessions without a current database. */
const SCRATCH = 'memory';
/** Prefix of the column comment that carries a column's declared Snowflake type. */
const TYPE_COMMENT = 'snowflake-type:';
const STATUS_OK = 'Statement executed successfully.';
const FILE_PATH = /\.(duckdb|db)$/i;

export interface DuckDbEngineOptions {
	/**
	 * On-disk databases; in-memory when absent. A directory holds one `<DB>.duckdb` per Snowflake database;
	 * a `.duckdb`/`.db` file holds EMULATOR_DB, other databases go beside it as `<stem>.<DB>.duckdb`.
	 */
	path?: string;
	/** TIME/TIMESTAMP fraction digits: exactly `scale` (default) or always 9 (reference §9 question 1). */
	fractionDigits?: EncodeOptions['fractionDigits'];
	/** CURRENT_USER() and the owner shown by SHOW. */
	user?: string;
	/** How far back CHANGES may start, for every table (tests); default: each table's DATA_RETENTION_TIME_IN_DAYS. */
	changeRetentionMs?: number;
}

export const canceled = () => new SnowflakeSqlError('000604', '57014', 'SQL execution canceled');

/** The macros behind TIMESTAMP_TZ casts (the TZ value is a STRUCT of UTC nanoseconds + offset minutes). */
/** TO_GEOGRAPHY/TO_GEOMETRY: the argument unchanged, typed with the alias that marks the column (translate.ts). */
function geoMarker(alias: string): DuckDBScalarFunction {
	return DuckDBScalarFunction.create({
		name: alias,
		returnType: DuckDBVarCharType.create(alias),
		parameterTypes: [VARCHAR],
		mainFunction: (_info, input, output) => {
			const values = input.getColumnVector(0);
			for (let i = 0; i < input.rowCount; i++) output.setItem(i, values.getItem(i));
			output.flush();
		},
	});
}

const SESSION_MACROS = [
	String.raw`CREATE OR REPLACE TEMP MACRO SF_TZ_OFFSET_TEXT(s) AS regexp_extract(trim(s), '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$', 3)`,
	String.raw`CREATE OR REPLACE TEMP MACRO SF_TZ_LOCAL(s) AS CAST(CASE WHEN SF_TZ_OFFSET_TEXT(s) = '' THEN trim(s) ELSE regexp_replace(trim(s), '\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$', '') END AS TIMESTAMP_NS)`,
	`CREATE OR REPLACE TEMP MACRO SF_TZ_OFFSET_MINUTES(o) AS CASE WHEN o = '' THEN NULL WHEN o = 'Z' THEN 0 ELSE (CASE WHEN o[1] = '-' THEN -1 ELSE 1 END) * (CAST(o[2:3] AS INTEGER) * 60 + COALESCE(TRY_CAST(NULLIF(replace(o[4:], ':', ''), '') AS INTEGER), 0)) END`,
	'CREATE OR REPLACE TEMP MACRO SF_SESSION_OFFSET(ts) AS CAST(round((epoch(CAST(ts AS TIMESTAMP)) - epoch(CAST(CAST(ts AS TIMESTAMP) AS TIMESTAMPTZ))) / 60) AS INTEGER)',
	'CREATE OR REPLACE TEMP MACRO SF_TZ_MAKE(local_ts, off) AS struct_pack(SF_UTC := make_timestamp_ns(epoch_ns(local_ts) - CAST(off AS BIGINT) * 60000000000), SF_OFFSET := CAST(off AS SMALLINT))',
	// A TIMESTAMP_TZ value cast to text reads "{'SF_UTC': <utc>, 'SF_OFFSET': <minutes>}": taken apart again, so SF_TO_TZ accepts TZ values too.
	String.raw`CREATE OR REPLACE TEMP MACRO SF_TZ_FROM_STRUCT_TEXT(s) AS struct_pack(SF_UTC := CAST(regexp_extract(s, 'SF_UTC''?: ''?([^,'']+)', 1) AS TIMESTAMP_NS), SF_OFFSET := CAST(regexp_extract(s, 'SF_OFFSET''?: (-?[0-9]+)', 1) AS SMALLINT))`,
	"CREATE OR REPLACE TEMP MACRO SF_TZ_FROM_TEXT(s) AS CASE WHEN s IS NULL THEN NULL WHEN starts_with(s, '{') THEN SF_TZ_FROM_STRUCT_TEXT(s) ELSE SF_TZ_MAKE(SF_TZ_LOCAL(s), COALESCE(SF_TZ_OFFSET_MINUTES(SF_TZ_OFFSET_TEXT(s)), SF_SESSION_OFFSET(SF_TZ_LOCAL(s)))) END",
	// The lambda evaluates x once: macros inline their arguments, and nesting would multiply the expression.
	'CREATE OR REPLACE TEMP MACRO SF_TO_TZ(x) AS list_transform([CAST(x AS VARCHAR)], lambda s: SF_TZ_FROM_TEXT(s))[1]',
	"CREATE OR REPLACE TEMP MACRO SF_TO_LTZ(x) AS timezone('UTC', CAST(SF_TO_TZ(x).SF_UTC AS TIMESTAMP))",
];

export async function createDuckDbEngine(options: DuckDbEngineOptions = {}): Promise<DuckDbEngine> {
	const instance = await DuckDBInstance.create(':memory:');
	const engine = new DuckDbEngine(instance, options);
	await engine.init();
	return engine;
}

interface DatabaseEntry {
	createdOn: number;
}

export class DuckDbEngine implements Engine {
	readonly databases = new Map<string, DatabaseEntry>();
	readonly startedOn = Date.now();
	readonly changes: ChangeTracker;
	private readonly sessions = new Set<DuckDbSession>();
	private admin: DuckDBConnection | undefined;

	constructor(
		readonly instance: DuckDBInstance,
		readonly options: DuckDbEngineOptions,
	) {
		this.changes = new ChangeTracker(options.changeRetentionMs);
	}

	async init(): Promise<void> {
		this.admin = await this.instance.connect();
		for (const name of this.storedDatabases()) await this.attach(name);
		if (!this.databases.has(DEFAULT_DATABASE)) await this.attach(DEFAULT_DATABASE);
	}

	/** ATTACHes a Snowflake database (its PUBLIC schema included) for every session. */
	async attach(name: string): Promise<void> {
		const admin = this.adminConnection();
		const target = this.databaseFile(name) ?? ':memory:';
		await admin.run(`ATTACH ${sqlString(target)} AS ${quoteIdent(name)}`);
		await admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(name)}.${quoteIdent(DEFAULT_SCHEMA)}`);
		this.databases.set(name, { createdOn: Date.now() });
	}

	async detach(name: string): Promise<void> {
		await this.adminConnection().run(`DETACH ${quoteIdent(name)}`);
		this.databases.delete(name);
		const file = this.databaseFile(name);
		if (file) rmSync(file, { force: true });
		for (const s of this.sessions) s.forgetAppliedContext();
	}

	/**
	 * Where a database lives on disk: `path` a directory → `<path>/<DB>.duckdb`; `path` a `.duckdb`/`.db`
	 * file → EMULATOR_DB in that file, every other database beside it as `<stem>.<DB>.duckdb`.
	 */
	private databaseFile(name: string): string | undefined {
		const path = this.options.path;
		if (!path) return undefined;
		if (!FILE_PATH.test(path)) return join(path, `${name}.duckdb`);
		return name === DEFAULT_DATABASE ? path : join(dirname(path), `${basename(path).replace(FILE_PATH, '')}.${name}.duckdb`);
	}

	/** Databases already on disk under `path`. */
	private storedDatabases(): string[] {
		const path = this.options.path;
		if (!path) return [];
		const dir = FILE_PATH.test(path) ? dirname(path) : path;
		mkdirSync(dir, { recursive: true });
		const files = readdirSync(dir);
		if (!FILE_PATH.test(path)) return files.filter((f) => f.endsWith('.duckdb')).map((f) => f.slice(0, -'.duckdb'.length));
		const prefix = `${basename(path).replace(FILE_PATH, '')}.`;
		const others = files.filter((f) => f.startsWith(prefix) && f.endsWith('.duckdb')).map((f) => f.slice(prefix.length, -'.duckdb'.length));
		return [DEFAULT_DATABASE, ...others.filter((n) => n !== '' && n !== DEFAULT_DATABASE)];
	}

	findDatabase(name: string): string | undefined {
		if (this.databases.has(name)) return name;
		// DuckDB catalog names are case-insensitive, so "db" and DB cannot coexist (ENGINE.md).
		return [...this.databases.keys()].find((d) => d.toUpperCase() === name.toUpperCase());
	}

	/** DuckDB's clock now (what CURRENT_TIMESTAMP of a statement starting now reads), in µs. */
	async clockUs(): Promise<bigint> {
		const reader = await this.adminConnection().runAndReadAll('SELECT epoch_us(current_timestamp)');
		return BigInt(reader.getRows()[0][0] as bigint);
	}

	private adminConnection(): DuckDBConnection {
		if (!this.admin) throw new Error('engine closed');
		return this.admin;
	}

	async openSession(): Promise<EngineSession> {
		const connection = await this.instance.connect();
		for (const macro of SESSION_MACROS) await connection.run(macro);
		for (const alias of Object.values(GEO_MARKERS)) connection.registerScalarFunction(geoMarker(alias));
		const session = new DuckDbSession(this, connection);
		this.sessions.add(session);
		return session;
	}

	sessionClosed(session: DuckDbSession): void {
		this.sessions.delete(session);
	}

	splitStatements(sql: string): string[] {
		return splitStatements(sql);
	}

	classify(statement: string): StatementKind | 'put' | 'get' {
		try {
			return classify(statement);
		} catch {
			return 'other';
		}
	}

	async close(): Promise<void> {
		for (const s of [...this.sessions]) await s.close();
		this.admin?.closeSync();
		this.admin = undefined;
		this.instance.closeSync();
	}
}

interface Effective {
	database?: string;
	schema?: string;
	warehouse?: string;
	role?: string;
	parameters: Record<string, string>;
}

export class DuckDbSession implements EngineSession {
	/** USE / CREATE DATABASE|SCHEMA inside the session override the request's context. */
	private readonly override: { database?: string; schema?: string; warehouse?: string; role?: string } = {};
	/** ALTER SESSION SET values (upper-case keys). */
	private readonly sessionParameters: Record<string, string> = {};
	private applied: string | undefined;
	private queue: Promise<unknown> = Promise.resolve();
	private closed = false;
	/** The open explicit transaction (BEGIN … COMMIT), for change tracking. */
	private txn: number | undefined;
	/** Change logs the open transaction wrote: their versions get the commit time at COMMIT. */
	private readonly trackedLogs = new Map<string, TableMeta>();
	/** The commit time of the statement's tracked changes (autocommit). */
	private wrote: bigint | undefined;
	/** CHANGES clauses of the running statement: placeholder identifier → DuckDB subquery; their tables. */
	private changes: { subqueries: Map<string, string>; sources: TableColumn[] } | undefined;

	constructor(
		private readonly engine: DuckDbEngine,
		private readonly connection: DuckDBConnection,
	) {}

	forgetAppliedContext(): void {
		this.applied = undefined;
	}

	run(statement: string, bindings: Bindings | undefined, context: SessionContext, signal?: AbortSignal): Promise<EngineResult> {
		// Statements of one session run one after another, like on one Snowflake connection.
		const next = this.queue.then(() => this.runNow(statement, bindings, context, signal));
		this.queue = next.catch(() => undefined);
		return next;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.queue;
		this.connection.closeSync();
		this.engine.sessionClosed(this);
	}

	private async runNow(statement: string, bindings: Bindings | undefined, context: SessionContext, signal?: AbortSignal): Promise<EngineResult> {
		if (this.closed) throw new SnowflakeSqlError('390114', '08001', 'Session no longer exists.');
		if (signal?.aborted) throw canceled();
		const original = statement;
		// DuckDB drops an interrupt that lands before its query starts (a run issues several queries, and a
		// loaded machine may abort between them), so the interrupt is repeated until the run settles.
		let repeat: ReturnType<typeof setInterval> | undefined;
		const onAbort = () => {
			this.connection.interrupt();
			repeat = setInterval(() => this.connection.interrupt(), 10);
		};
		signal?.addEventListener('abort', onAbort);
		try {
			const effective = this.effective(context);
			const tracking = await this.alterTracking(statement, effective);
			if (tracking) return tracking;
			this.changes = undefined;
			const rewritten = await this.rewriteChanges(statement, bindings ?? {}, context, effective);
			if (rewritten) {
				statement = rewritten.statement;
				bindings = rewritten.bindings;
			}
			const parsed = parseStatement(statement, {
				database: effective.database,
				schema: effective.schema,
				warehouse: effective.warehouse,
				role: effective.role,
				user: this.engine.options.user ?? DEFAULT_USER,
				target: await this.targetColumns(statement, effective),
			});
			const result = await this.execute(parsed, statement, bindings ?? {}, effective);
			if (signal?.aborted) throw canceled();
			return result;
		} catch (error) {
			if (signal?.aborted) throw canceled();
			throw toSnowflakeError(error, original);
		} finally {
			clearInterval(repeat);
			signal?.removeEventListener('abort', onAbort);
			this.changes = undefined;
			this.engine.changes.statementFinished(context.statementHandle, this.txn, this.wrote);
			this.wrote = undefined;
		}
	}

	private effective(context: SessionContext): Effective {
		const parameters: Record<string, string> = { TIMEZONE: DEFAULT_TIMEZONE };
		for (const [k, v] of Object.entries(context.parameters ?? {})) parameters[k.toUpperCase()] = String(v);
		Object.assign(parameters, this.sessionParameters);
		const database = this.override.database ?? context.database ?? DEFAULT_DATABASE;
		const schema = this.override.schema ?? (this.override.database ? DEFAULT_SCHEMA : (context.schema ?? DEFAULT_SCHEMA));
		const known = this.engine.findDatabase(database);
		return {
			// A missing database leaves the session without a current database, as drivers do.
			database: known,
			schema: known ? schema : undefined,
			warehouse: this.override.warehouse ?? context.warehouse ?? DEFAULT_WAREHOUSE,
			role: this.override.role ?? context.role ?? DEFAULT_ROLE,
			parameters,
		};
	}

	/** Columns of the table a DML statement writes, when it has TIMESTAMP_TZ columns (TranslateContext.target). */
	private async targetColumns(statement: string, ctx: Effective): Promise<TranslateContext['target']> {
		const name = dmlTarget(statement);
		if (!name) return undefined;
		const { columns } = await this.relationColumns(name, ctx);
		const tz = new Set(columns.filter((c) => c.type.type === 'timestamp_tz').map((c) => c.column.toUpperCase()));
		return tz.size > 0 ? { columns: columns.map((c) => c.column.toUpperCase()), tz } : undefined;
	}

	/** Points DuckDB's search path and TimeZone at the statement's context (only when it changed). */
	private async applyContext(ctx: Effective): Promise<void> {
		const key = `${ctx.database ?? ''}\u0000${ctx.schema ?? ''}\u0000${ctx.parameters.TIMEZONE}`;
		if (key === this.applied) return;
		try {
			await this.connection.run(`SET TimeZone = ${sqlString(ctx.parameters.TIMEZONE)}`);
		} catch (e) {
			if (!/time ?zone/i.test((e as Error).message)) throw e;
			throw new SnowflakeSqlError('002108', '22023', `Invalid value [${ctx.parameters.TIMEZONE}] for parameter 'TIMEZONE'`);
		}
		const target = ctx.database ? `${quoteIdent(ctx.database)}.${quoteIdent(ctx.schema ?? DEFAULT_SCHEMA)}` : SCRATCH;
		try {
			await this.connection.run(`USE ${target}`);
		} catch {
			// Unknown schema: the database stays current, unqualified names then fail to resolve.
			await this.connection.run(ctx.database ? `USE ${quoteIdent(ctx.database)}.main` : `USE ${SCRATCH}`);
		}
		this.applied = key;
	}

	private async execute(parsed: ParsedStatement, statement: string, bindings: Bindings, ctx: Effective): Promise<EngineResult> {
		const bindCount = Object.keys(bindings).length;
		if (parsed.type !== 'sql' && bindCount > 0) throw bindCountError(bindCount, 0);
		switch (parsed.type) {
			case 'bench':
				try {
					return benchResult(parsed.rows);
				} catch (e) {
					throw new SnowflakeSqlError('100096', '22023', (e as Error).message);
				}
			case 'use':
				return this.use(parsed.target, parsed.name);
			case 'alterSession':
				for (const [k, v] of Object.entries(parsed.set)) this.sessionParameters[k] = v;
				for (const k of parsed.unset) delete this.sessionParameters[k];
				return statusResult(STATUS_OK, 'session');
			case 'transaction':
				await this.applyContext(ctx);
				await this.trackedTransaction(parsed.op);
				return statusResult(STATUS_OK, 'transaction');
			case 'database':
				return this.database(parsed);
			case 'schema':
				await this.applyContext(ctx);
				return this.schema(parsed, ctx);
			case 'show':
				return this.show(parsed, ctx);
			case 'describe':
				await this.applyContext(ctx);
				return this.describe(parsed.name, ctx);
			case 'sql':
				await this.applyContext(ctx);
				return this.sql(parsed, statement, bindings, ctx);
		}
	}

	private use(target: string, name: ObjectName): EngineResult {
		const last = name[name.length - 1];
		if (target === 'DATABASE' || (target === 'SCHEMA' && name.length === 2)) {
			const db = this.engine.findDatabase(name[0]);
			if (!db) throw notExists('Database', name[0]);
			this.override.database = db;
			this.override.schema = target === 'SCHEMA' ? last : DEFAULT_SCHEMA;
		} else if (target === 'SCHEMA') {
			this.override.schema = last;
		} else if (target === 'WAREHOUSE') {
			this.override.warehouse = last;
		} else if (target === 'ROLE') {
			this.override.role = last;
		}
		return statusResult(STATUS_OK, 'session');
	}

	private async transaction(op: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): Promise<void> {
		try {
			await this.connection.run(op === 'BEGIN' ? 'BEGIN TRANSACTION' : op);
		} catch (e) {
			// Snowflake ignores COMMIT/ROLLBACK without a transaction and a BEGIN inside one.
			if (!/no transaction is active|within a transaction/i.test((e as Error).message)) throw e;
		}
	}

	private async database(p: ParsedStatement & { type: 'database' }): Promise<EngineResult> {
		const existing = this.engine.findDatabase(p.name);
		if (p.op === 'DROP') {
			if (!existing) {
				if (p.ifExists) return statusResult(`Drop statement executed successfully (${p.name} already dropped).`, 'ddl');
				throw notExists('Database', p.name);
			}
			await this.engine.detach(existing);
			if (this.override.database === existing) this.override.database = undefined;
			return statusResult(`${existing} successfully dropped.`, 'ddl');
		}
		if (existing && p.ifNotExists) return statusResult(`${existing} already exists, statement succeeded.`, 'ddl');
		if (existing && !p.orReplace) throw alreadyExists(p.name);
		if (existing) await this.engine.detach(existing);
		await this.engine.attach(p.name);
		// Snowflake makes a new database (and its PUBLIC schema) current.
		this.override.database = p.name;
		this.override.schema = DEFAULT_SCHEMA;
		return statusResult(`Database ${p.name} successfully created.`, 'ddl');
	}

	private async schema(p: ParsedStatement & { type: 'schema' }, ctx: Effective): Promise<EngineResult> {
		const schemaName = p.name[p.name.length - 1];
		const dbName = p.name.length > 1 ? this.engine.findDatabase(p.name[0]) : ctx.database;
		if (!dbName) throw notExists('Database', p.name.length > 1 ? p.name[0] : '(none)');
		const qualified = `${quoteIdent(dbName)}.${quoteIdent(schemaName)}`;
		const exists = (await this.query(`SELECT 1 FROM duckdb_schemas() WHERE database_name = $1 AND schema_name = $2`, [dbName, schemaName])).length > 0;
		if (p.op === 'DROP') {
			if (!exists) {
				if (p.ifExists) return statusResult(`Drop statement executed successfully (${schemaName} already dropped).`, 'ddl');
				throw notExists('Schema', schemaName);
			}
			await this.connection.run(`DROP SCHEMA ${qualified} CASCADE`);
			this.applied = undefined;
			return statusResult(`${schemaName} successfully dropped.`, 'ddl');
		}
		if (exists && p.ifNotExists) return statusResult(`${schemaName} already exists, statement succeeded.`, 'ddl');
		if (exists && !p.orReplace) throw alreadyExists(schemaName);
		if (exists) await this.connection.run(`DROP SCHEMA ${qualified} CASCADE`);
		await this.connection.run(`CREATE SCHEMA ${qualified}`);
		this.override.database = dbName;
		this.override.schema = schemaName;
		return statusResult(`Schema ${schemaName} successfully created.`, 'ddl');
	}

	// ---------------------------------------------------------------- plain SQL

	private async sql(p: ParsedStatement & { type: 'sql' }, statement: string, bindings: Bindings, ctx: Effective): Promise<EngineResult> {
		let { translated } = p;
		let ddlMessage: string | undefined;
		if (p.ddl) ddlMessage = await this.ddlMessage(p.ddl, ctx);
		const written = p.dml || p.ddl?.verb === 'TRUNCATE' ? await this.trackedTarget(statement, p, ctx) : undefined;
		if (written) {
			const reader = await this.trackedWrite(written, () => this.runTranslated(translated, statement, bindings, ctx));
			return p.dml ? dmlResult(p.dml, reader, p.mergeClauses) : statusResult(ddlMessage ?? STATUS_OK, 'ddl');
		}
		const replaced = this.changes;
		if (replaced) {
			let sql = translated.sql;
			for (const [placeholder, subquery] of replaced.subqueries) sql = sql.split(placeholder).join(`(${subquery})`);
			translated = { ...translated, sql };
		}
		const reader = replaced
			? await this.engine.changes.exclusive(() => this.runTranslated(translated, statement, bindings, ctx))
			: await this.runTranslated(translated, statement, bindings, ctx);
		if (p.dml) return dmlResult(p.dml, reader, p.mergeClauses);
		if (p.ddl) {
			if (p.ddl.columns.length > 0 && !ddlMessage?.includes('already exists')) await this.recordColumnTypes(p.ddl, ctx);
			await this.afterTableDdl(p.ddl, statement, ddlMessage, ctx);
			return statusResult(ddlMessage ?? STATUS_OK, 'ddl');
		}
		return this.queryResult(reader, translated, ctx, p.kind, replaced?.sources);
	}

	private async runTranslated(t: TranslatedSql, statement: string, bindings: Bindings, ctx: Effective): Promise<DuckDBResultReader> {
		const count = Object.keys(bindings).length;
		if (t.paramCount === 0 && count === 0) return this.connection.runAndReadAll(t.sql);
		if (count !== t.paramCount) {
			if (count < t.paramCount) {
				const position = placeholderPosition(statement, count + 1);
				const { line, column } = lineAndColumn(statement, position);
				throw new SnowflakeSqlError('002049', '42601', `SQL compilation error: error line ${line} at position ${column}\nBind variable ? not set.`);
			}
			throw bindCountError(count, t.paramCount);
		}
		const prepared = await this.connection.prepare(t.sql);
		try {
			for (let i = 1; i <= t.paramCount; i++) {
				const binding = bindings[String(i)];
				if (!binding) throw bindCountError(count, t.paramCount);
				bindOne(prepared, i, binding, ctx.parameters.TIMEZONE);
			}
			return await prepared.runAndReadAll();
		} catch (e) {
			throw bindingFailure(e, bindings) ?? e;
		} finally {
			prepared.destroySync();
		}
	}

	private async query(sql: string, params: DuckDBValue[] = []): Promise<DuckDBValue[][]> {
		const reader = await this.connection.runAndReadAll(sql, params);
		return reader.getRows();
	}

	private async ddlMessage(ddl: DdlInfo, ctx: Effective): Promise<string | undefined> {
		const name = ddl.name[ddl.name.length - 1] ?? '';
		const relation = ddl.object === 'TABLE' || ddl.object === 'VIEW';
		if (!relation) {
			if (ddl.verb === 'CREATE') return `${capitalize(ddl.object)} ${name} successfully created.`;
			if (ddl.verb === 'DROP') return `${name} successfully dropped.`;
			return undefined;
		}
		const exists = (await this.relationColumns(ddl.name, ctx, ddl.temporary)).exists;
		if (ddl.verb === 'CREATE') {
			if (exists && ddl.ifNotExists) return `${name} already exists, statement succeeded.`;
			return `${capitalize(ddl.object)} ${name} successfully created.`;
		}
		if (ddl.verb === 'DROP') {
			if (!exists && ddl.ifExists) return `Drop statement executed successfully (${name} already dropped).`;
			return `${name} successfully dropped.`;
		}
		return undefined;
	}

	/** Declared Snowflake types live in DuckDB column comments: transactional, persisted, dropped with the table. */
	private async recordColumnTypes(ddl: DdlInfo, ctx: Effective): Promise<void> {
		const [db, schema, table] = ddl.temporary ? ['temp', 'main', ddl.name[ddl.name.length - 1]] : qualify(ddl.name, ctx);
		const target = [db ?? SCRATCH, schema ?? 'main', table].map(quoteIdent).join('.');
		for (const col of ddl.columns) {
			await this.connection.run(`COMMENT ON COLUMN ${target}.${quoteIdent(col.name)} IS ${sqlString(TYPE_COMMENT + sfTypeText(col.type))}`);
		}
	}

	/** Columns of a table or view with their declared Snowflake types. */
	private async relationColumns(name: ObjectName, ctx: Effective, temporary = false): Promise<{ exists: boolean; columns: TableColumn[] }> {
		const [db, schema, table] = qualify(name, ctx);
		const rows = await this.query(
			`SELECT database_name, schema_name, table_name, column_name, comment, is_nullable, data_type, column_default
			 FROM duckdb_columns()
			 WHERE (lower(database_name) = lower($1) AND lower(schema_name) = lower($2) AND lower(table_name) = lower($3))
			    OR ($4 AND database_name = 'temp' AND lower(table_name) = lower($3))
			 ORDER BY database_name = 'temp' DESC, column_index`,
			[db ?? '', schema ?? '', table, temporary || name.length === 1],
		);
		const columns = rows.map(toTableColumn);
		const exists =
			columns.length > 0 ||
			(
				await this.query(
					`SELECT 1 FROM duckdb_tables() WHERE lower(database_name) = lower($1) AND lower(schema_name) = lower($2) AND lower(table_name) = lower($3)`,
					[db ?? '', schema ?? '', table],
				)
			).length > 0;
		return { exists, columns };
	}

	private async queryResult(reader: DuckDBResultReader, t: TranslatedSql, ctx: Effective, kind: StatementKind, first: TableColumn[] = []): Promise<EngineResult> {
		const sources = new Map(first.map((c) => [c.column.toUpperCase(), c]));
		for (const [name, col] of await this.sourceColumns(t.sql, ctx)) if (!sources.has(name)) sources.set(name, col);
		const names = reader.columnNames();
		const types = reader.columnTypes();
		const columns: ColumnInfo[] = names.map((name, i) => {
			const derived = sfTypeOf(types[i]);
			const source = sources.get((t.sourceColumns.get(name) ?? name).toUpperCase());
			const declared = t.castTypes.get(name) ?? source?.declared;
			const compatible = declared && sameFamily(declared, derived);
			return {
				name,
				type: compatible ? declared : derived,
				database: source?.database ?? '',
				schema: source?.schema ?? '',
				table: source?.table ?? '',
				nullable: source?.nullable ?? true,
			};
		});
		const options: EncodeOptions = { fractionDigits: this.engine.options.fractionDigits ?? 'scale', parameters: ctx.parameters };
		const encoders = columns.map((c, i) => cellEncoder(c.type, types[i], options));
		const data = encodeRows(reader, encoders);
		return { rowType: columns.map(rowTypeEntry), data, kind: kind === 'other' ? 'query' : kind };
	}

	/** Columns of the tables a query reads, by upper-cased name (first table wins), for rowType attribution. */
	private async sourceColumns(sql: string, ctx: Effective): Promise<Map<string, TableColumn>> {
		const out = new Map<string, TableColumn>();
		let names: readonly string[] = [];
		try {
			// DuckDB's table-name extraction gives up on parameters; NULL stands in for them here only.
			names = this.connection.getTableNames(sql.replace(/\$\d+/g, 'NULL'), true);
		} catch {
			return out;
		}
		for (const text of names) {
			const name = parseTableName(text);
			if (!name) continue;
			for (const col of (await this.relationColumns(name, ctx)).columns) {
				if (!out.has(col.column.toUpperCase())) out.set(col.column.toUpperCase(), col);
			}
		}
		return out;
	}

	// ---------------------------------------------------------------- change tracking (changeTracking.ts)

	/** The exact DuckDB names of a table (names are case-insensitive in DuckDB), or undefined. */
	private async resolveTable(name: ObjectName, ctx: Effective): Promise<{ db: string; schema: string; table: string } | undefined> {
		const [db, schema, t] = qualify(name, ctx);
		const rows = await this.query(
			`SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE lower(database_name) = lower($1) AND lower(schema_name) = lower($2) AND lower(table_name) = lower($3) AND NOT temporary`,
			[db ?? '', schema ?? '', t],
		);
		return rows[0] ? { db: String(rows[0][0]), schema: String(rows[0][1]), table: String(rows[0][2]) } : undefined;
	}

	private async columnNames(db: string, schema: string, table: string): Promise<string[]> {
		const rows = await this.query(
			`SELECT column_name FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`,
			[db, schema, table],
		);
		return rows.map((r) => String(r[0]));
	}

	private async trackedColumns(meta: TableMeta): Promise<string[]> {
		meta.columns ??= await this.columnNames(meta.db, meta.schema, meta.table);
		return meta.columns;
	}

	private tableOf(meta: TableMeta): string {
		return [meta.db, meta.schema, meta.table].map(quoteIdent).join('.');
	}

	/** Inside a DuckDB transaction: the session's, or one opened (and committed) for `work`. */
	private async inTransaction<T>(work: (txn: number) => Promise<T>): Promise<T> {
		if (this.txn !== undefined) return work(this.txn);
		await this.connection.run('BEGIN TRANSACTION');
		this.txn = this.engine.changes.newTxn();
		try {
			const result = await work(this.txn);
			this.wrote = await this.commitTracked();
			return result;
		} catch (error) {
			await this.connection.run('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			this.txn = undefined;
			this.trackedLogs.clear();
		}
	}

	/** COMMIT, stamping the transaction's log rows with its commit time first (under the tracker's lock). */
	private async commitTracked(): Promise<bigint | undefined> {
		const txn = this.txn;
		if (this.trackedLogs.size === 0 || txn === undefined) {
			await this.transaction('COMMIT');
			return undefined;
		}
		return this.engine.changes.exclusive(async () => {
			const ts = this.engine.changes.commitUs(await this.engine.clockUs());
			try {
				for (const meta of this.trackedLogs.values()) {
					const [from, to, fromTxn, toTxn] = [META.from, META.to, META.fromTxn, META.toTxn].map(quoteIdent);
					const starts = `${fromTxn} = ${txn} AND ${from} IS NULL`;
					const ends = `${toTxn} = ${txn} AND ${to} IS NULL`;
					await this.connection.run(
						`UPDATE ${logName(meta)} SET ${from} = CASE WHEN ${starts} THEN ${ts} ELSE ${from} END, ${to} = CASE WHEN ${ends} THEN ${ts} ELSE ${to} END WHERE (${starts}) OR (${ends})`,
					);
				}
			} catch {
				// An aborted transaction: COMMIT rolls it back, as without change tracking.
				await this.transaction('COMMIT');
				return undefined;
			}
			await this.transaction('COMMIT');
			this.engine.changes.txnCommitted(txn, ts);
			return ts;
		});
	}

	private async trackedTransaction(op: 'BEGIN' | 'COMMIT' | 'ROLLBACK'): Promise<void> {
		if (op === 'BEGIN') {
			await this.transaction(op);
			this.txn ??= this.engine.changes.newTxn();
			return;
		}
		try {
			if (op === 'COMMIT') this.wrote = await this.commitTracked();
			else await this.transaction(op);
		} finally {
			this.txn = undefined;
			this.trackedLogs.clear();
		}
	}

	/** `ALTER TABLE t SET|UNSET CHANGE_TRACKING = … / DATA_RETENTION_TIME_IN_DAYS = …` (DuckDB has no such options). */
	private async alterTracking(statement: string, ctx: Effective): Promise<EngineResult | undefined> {
		const toks = significant(tokenize(statement));
		const w = (k: number) => (toks[k]?.kind === 'word' ? toks[k].value : undefined);
		if (w(0) !== 'ALTER' || w(1) !== 'TABLE') return undefined;
		let k = 2;
		const ifExists = w(k) === 'IF' && w(k + 1) === 'EXISTS';
		if (ifExists) k += 2;
		const name = readName(toks, k);
		if (!name || (w(name.next) !== 'SET' && w(name.next) !== 'UNSET')) return undefined;
		const unset = w(name.next) === 'UNSET';
		const rest = toks.slice(name.next + 1).map((t) => t.value);
		const options = unset
			? { changeTracking: rest.includes('CHANGE_TRACKING') ? false : undefined, retentionDays: rest.includes('DATA_RETENTION_TIME_IN_DAYS') ? 1 : undefined }
			: trackingOptions(toks, name.next + 1);
		if (options.changeTracking === undefined && options.retentionDays === undefined) return undefined;
		await this.applyContext(ctx);
		const found = await this.resolveTable(name.name, ctx);
		if (!found) {
			if (ifExists) return statusResult(STATUS_OK, 'ddl');
			throw notExists('Object', name.name.join('.'));
		}
		const tracker = this.engine.changes;
		const key = tableKey(found.db, found.schema, found.table);
		const meta = tracker.tables.get(key) ?? { ...found, createdOnUs: BigInt(this.engine.startedOn) * 1000n, tracking: false, retentionDays: 1 };
		tracker.tables.set(key, meta);
		if (options.retentionDays !== undefined) meta.retentionDays = options.retentionDays;
		if (options.changeTracking === true && !meta.tracking) await this.startTracking(meta);
		if (options.changeTracking === false && meta.tracking) {
			meta.tracking = false;
			meta.trackingSinceUs = undefined;
			await this.connection.run(`DROP TABLE IF EXISTS ${logName(meta)}`);
		}
		return statusResult(STATUS_OK, 'ddl');
	}

	/** Creates the log and records the rows present as versions starting now. */
	private async startTracking(meta: TableMeta): Promise<void> {
		const log = logName(meta);
		meta.columns = undefined;
		await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(meta.db)}.${quoteIdent(LOG_SCHEMA)}`);
		await this.connection.run(`DROP TABLE IF EXISTS ${log}`);
		await this.connection.run(
			`CREATE TABLE ${log} AS SELECT CAST(NULL AS VARCHAR) AS ${quoteIdent(META.rowId)}, CAST(NULL AS BIGINT) AS ${quoteIdent(META.from)}, CAST(NULL AS BIGINT) AS ${quoteIdent(META.to)}, CAST(NULL AS BIGINT) AS ${quoteIdent(META.fromTxn)}, CAST(NULL AS BIGINT) AS ${quoteIdent(META.toTxn)}, FALSE AS ${quoteIdent(META.fromUpdate)}, * FROM ${this.tableOf(meta)} LIMIT 0`,
		);
		const key = tableKey(meta.db, meta.schema, meta.table);
		await this.inTransaction(async (txn) => {
			const rows = await this.query(`SELECT rowid FROM ${this.tableOf(meta)}`);
			await this.insertVersions(meta, txn, rows.map((r) => ({ rowid: String(r[0]), rowId: this.engine.changes.newRowId(key), update: false })));
			this.trackedLogs.set(key, meta);
		});
		meta.tracking = true;
		// From the seeding commit on (inside an explicit transaction: from now).
		meta.trackingSinceUs = this.wrote ?? (await this.engine.clockUs());
	}

	private async insertVersions(meta: TableMeta, txn: number, rows: Array<{ rowid: string; rowId: string; update: boolean }>): Promise<void> {
		if (rows.length === 0) return;
		const columns = (await this.trackedColumns(meta)).map(quoteIdent);
		const values = rows.map((r) => `(${r.rowid}, ${sqlString(r.rowId)}, ${r.update ? 'TRUE' : 'FALSE'})`).join(', ');
		await this.connection.run(
			`INSERT INTO ${logName(meta)} (${[META.rowId, META.fromTxn, META.fromUpdate].map(quoteIdent).join(', ')}${columns.map((c) => `, ${c}`).join('')}) ` +
				`SELECT m.c2, ${txn}, m.c3${columns.map((c) => `, t.${c}`).join('')} FROM ${this.tableOf(meta)} t JOIN (VALUES ${values}) m(c1, c2, c3) ON t.rowid = m.c1`,
		);
	}

	/** The tracked table a DML statement (or TRUNCATE) writes, if any. */
	private async trackedTarget(statement: string, p: ParsedStatement & { type: 'sql' }, ctx: Effective): Promise<TableMeta | undefined> {
		if (this.engine.changes.tables.size === 0) return undefined;
		let name = p.ddl?.verb === 'TRUNCATE' ? p.ddl.name : dmlTarget(statement);
		if (!name && p.dml === 'DELETE') {
			const toks = significant(tokenize(statement));
			name = readName(toks, toks[1]?.kind === 'word' && toks[1].value === 'FROM' ? 2 : 1)?.name;
		}
		if (!name) return undefined;
		const found = await this.resolveTable(name, ctx);
		const meta = found && this.engine.changes.tables.get(tableKey(found.db, found.schema, found.table));
		return meta?.tracking ? meta : undefined;
	}

	/**
	 * Runs a DML statement on a tracked table and logs what it changed: the table is read (with DuckDB's
	 * rowid, stable through in-place updates) before and after; the rows before get their row ids by
	 * matching the current versions' values; a rowid that disappeared is a delete, a new one an insert,
	 * one whose values changed an update (a version ended and one started, `SF$FROM_UPDATE`).
	 */
	private async trackedWrite(meta: TableMeta, run: () => Promise<DuckDBResultReader>): Promise<DuckDBResultReader> {
		const key = tableKey(meta.db, meta.schema, meta.table);
		return this.inTransaction(async (txn) => {
			const columns = (await this.trackedColumns(meta)).map(quoteIdent).join(', ');
			const snapshot = async () => new Map((await this.query(`SELECT rowid, ${columns} FROM ${this.tableOf(meta)}`)).map((r) => [String(r[0]), contentKey(r.slice(1))]));
			const before = await snapshot();
			const current = new Map<string, string[]>();
			for (const r of await this.query(`SELECT ${quoteIdent(META.rowId)}, ${columns} FROM ${logName(meta)} WHERE ${quoteIdent(META.toTxn)} IS NULL`)) {
				const content = contentKey(r.slice(1));
				(current.get(content) ?? current.set(content, []).get(content))?.push(String(r[0]));
			}
			const reader = await run();
			const after = await snapshot();
			const ended: string[] = [];
			const started: Array<{ rowid: string; rowId: string; update: boolean }> = [];
			const rowIdOf = (content: string) => current.get(content)?.pop() ?? this.engine.changes.newRowId(key);
			for (const [rowid, content] of before) {
				const now = after.get(rowid);
				if (now === content) {
					current.get(content)?.pop();
					continue;
				}
				const rowId = rowIdOf(content);
				ended.push(rowId);
				if (now !== undefined) started.push({ rowid, rowId, update: true });
			}
			for (const rowid of after.keys()) if (!before.has(rowid)) started.push({ rowid, rowId: this.engine.changes.newRowId(key), update: false });
			if (ended.length > 0) {
				await this.connection.run(
					`UPDATE ${logName(meta)} SET ${quoteIdent(META.toTxn)} = ${txn} WHERE ${quoteIdent(META.toTxn)} IS NULL AND ${quoteIdent(META.rowId)} IN (${ended.map(sqlString).join(', ')})`,
				);
			}
			await this.insertVersions(meta, txn, started);
			if (ended.length > 0 || started.length > 0) this.trackedLogs.set(key, meta);
			return reader;
		});
	}

	/** CREATE TABLE (… CHANGE_TRACKING = TRUE), DROP TABLE, ALTER TABLE ADD COLUMN on a tracked table. */
	private async afterTableDdl(ddl: DdlInfo, statement: string, message: string | undefined, ctx: Effective): Promise<void> {
		if (ddl.object !== 'TABLE' || ddl.temporary) return;
		const tracker = this.engine.changes;
		const [db, schema, t] = qualify(ddl.name, ctx);
		const key = tableKey(db ?? '', schema ?? '', t);
		const old = tracker.tables.get(key);
		if (ddl.verb === 'DROP' || (ddl.verb === 'CREATE' && !message?.includes('already exists'))) {
			if (old) {
				tracker.tables.delete(key);
				await this.connection.run(`DROP TABLE IF EXISTS ${logName(old)}`);
			}
			if (ddl.verb === 'DROP') return;
			const found = await this.resolveTable(ddl.name, ctx);
			if (!found) return;
			const options = trackingOptions(significant(tokenize(statement)));
			const meta: TableMeta = { ...found, createdOnUs: await this.engine.clockUs(), tracking: false, retentionDays: options.retentionDays ?? 1 };
			tracker.tables.set(key, meta);
			if (options.changeTracking) await this.startTracking(meta);
			return;
		}
		if (ddl.verb === 'ALTER' && old?.tracking) {
			old.columns = undefined;
			const have = new Set(await this.columnNames(old.db, LOG_SCHEMA, `${old.schema}.${old.table}`));
			const rows = await this.query(
				`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3 ORDER BY column_index`,
				[old.db, old.schema, old.table],
			);
			for (const [column, type] of rows) {
				if (!have.has(String(column))) await this.connection.run(`ALTER TABLE ${logName(old)} ADD COLUMN ${quoteIdent(String(column))} ${String(type)}`);
			}
		}
	}

	/**
	 * `FROM t CHANGES(INFORMATION => DEFAULT|APPEND_ONLY) AT|BEFORE(TIMESTAMP|OFFSET|STATEMENT => …)
	 * [END(…)] [alias]`: the points are evaluated first (their `?` bindings taken out of the statement),
	 * checked against tracking and retention, and the clause becomes a placeholder identifier that
	 * `sql()` replaces with the delta's DuckDB subquery after translation.
	 */
	private async rewriteChanges(
		statement: string,
		bindings: Bindings,
		context: SessionContext,
		ctx: Effective,
	): Promise<{ statement: string; bindings: Bindings } | undefined> {
		const toks = significant(tokenize(statement));
		const clauses = findChangesClauses(toks, statement);
		if (clauses.length === 0) return undefined;
		if (toks.some((t) => t.kind === 'param' && t.value !== '')) throw unsupported('CHANGES with :n bindings');
		await this.applyContext(ctx);
		const params = toks.filter((t) => t.kind === 'param');
		const used = new Set<Token>();
		const subqueries = new Map<string, string>();
		const sources: TableColumn[] = [];
		let out = '';
		let cursor = 0;
		for (const [index, clause] of clauses.entries()) {
			const found = await this.resolveTable(clause.name, ctx);
			if (!found) throw notExists('Object', clause.name.join('.'));
			const meta = this.engine.changes.tables.get(tableKey(found.db, found.schema, found.table));
			const startUs = await this.pointUs(clause.at, toks, statement, bindings, params, used, context);
			const endUs = clause.end_ ? await this.pointUs(clause.end_, toks, statement, bindings, params, used, context) : nowUs();
			this.engine.changes.checkStart(meta, found.table, `${found.db}.${found.schema}.${found.table}`, startUs);
			const columns = meta ? await this.trackedColumns(meta) : [];
			const placeholder = quoteIdent(`SF$CHANGES$${index}`);
			subqueries.set(placeholder, changesSql(logName(found), columns, startUs, endUs, clause.appendOnly));
			sources.push(...(await this.relationColumns([found.db, found.schema, found.table], ctx)).columns);
			const next = toks[clause.end];
			const aliased = next !== undefined && (next.kind === 'quoted' || (next.kind === 'word' && !CLAUSE_WORDS.has(next.value)));
			out += statement.slice(cursor, toks[clause.start].start) + placeholder + (aliased ? ' ' : ` AS ${quoteIdent(found.table)} `);
			cursor = toks[clause.end - 1].start + toks[clause.end - 1].text.length;
		}
		out += statement.slice(cursor);
		// The statement keeps the bindings of its other placeholders, renumbered in order.
		const kept: Bindings = {};
		params.forEach((t, i) => {
			if (!used.has(t) && bindings[String(i + 1)]) kept[String(Object.keys(kept).length + 1)] = bindings[String(i + 1)];
		});
		this.changes = { subqueries, sources };
		return { statement: out, bindings: kept };
	}

	/** A point of a CHANGES clause in epoch µs: AT is the state including the point, BEFORE the state just before it. */
	private async pointUs(point: Point, toks: Token[], statement: string, bindings: Bindings, params: Token[], used: Set<Token>, context: SessionContext): Promise<bigint> {
		const inner = toks.slice(point.from, point.to);
		const text = statement.slice(inner[0].start, inner[inner.length - 1].start + inner[inner.length - 1].text.length);
		const sub: Bindings = {};
		for (const t of inner) {
			if (t.kind !== 'param') continue;
			used.add(t);
			const binding = bindings[String(params.indexOf(t) + 1)];
			if (binding) sub[String(Object.keys(sub).length + 1)] = binding;
		}
		const evaluate = async (sql: string) => (await this.runNow(sql, sub, { ...context, statementHandle: undefined })).data[0]?.[0];
		let us: bigint;
		if (point.kind === 'STATEMENT') {
			const handle = inner.length === 1 && inner[0].kind === 'string' ? inner[0].value : String((await evaluate(`SELECT ${text}`)) ?? '');
			const at = this.engine.changes.statementPoint(handle);
			if (at === undefined) throw new SnowflakeSqlError('000709', '02000', `Statement ${handle} not found`);
			us = at;
		} else if (point.kind === 'OFFSET') {
			us = nowUs() + BigInt(Math.round(Number(await evaluate(`SELECT CAST((${text}) AS DOUBLE) AS "P"`)) * 1_000_000));
		} else {
			const cell = await evaluate(`SELECT EPOCH_US(CAST(${text} AS TIMESTAMP_LTZ)) AS "P"`);
			if (cell === null || cell === undefined) throw new SnowflakeSqlError('002003', '42601', 'SQL compilation error:\nInvalid time travel timestamp: NULL');
			us = BigInt(cell);
		}
		return point.before ? us - 1n : us;
	}

	// ---------------------------------------------------------------- SHOW / DESCRIBE

	private async show(s: ShowStatement, ctx: Effective): Promise<EngineResult> {
		const user = this.engine.options.user ?? DEFAULT_USER;
		const created = String(Math.floor(this.engine.startedOn / 1000));
		const like = s.like === undefined ? undefined : likeMatcher(s.like);
		const keep = (name: string) => !like || like(name);
		const owner = ctx.role ?? DEFAULT_ROLE;
		switch (s.object) {
			case 'DATABASES': {
				const rows = [...this.engine.databases.entries()]
					.filter(([name]) => keep(name))
					.sort(([a], [b]) => a.localeCompare(b))
					.map(([name, e]) => [epochSeconds(e.createdOn), name, bool(name === DEFAULT_DATABASE), bool(name === ctx.database), '', owner, '', '', '1', 'STANDARD', null, 'ROLE']);
				return table(SHOW_DATABASES, rows);
			}
			case 'SCHEMAS': {
				const db = s.in?.kind === 'ACCOUNT' ? undefined : (s.in ? this.engine.findDatabase(s.in.name[0]) : ctx.database);
				if (s.in && s.in.kind !== 'ACCOUNT' && !db) throw notExists('Database', s.in.name[0]);
				const dbs = db ? [db] : [...this.engine.databases.keys()];
				const rows = await this.query(
					`SELECT database_name, schema_name FROM duckdb_schemas() WHERE NOT internal AND schema_name <> 'main' AND schema_name <> ${sqlString(LOG_SCHEMA)} AND database_name IN (${dbs.map(sqlString).join(', ')})`,
				);
				// Every Snowflake database also shows its INFORMATION_SCHEMA.
				const withInfo = [...rows.map(([d, n]) => [String(d), String(n)]), ...dbs.map((d) => [d, 'INFORMATION_SCHEMA'])]
					.filter(([, n]) => keep(n))
					.sort((a, b) => a.join('.').localeCompare(b.join('.')))
					.map(([d, n]) => [created, n, 'N', bool(d === ctx.database && n === ctx.schema), d, n === 'INFORMATION_SCHEMA' ? 'SNOWFLAKE' : owner, '', '', '1', 'ROLE']);
				return table(SHOW_SCHEMAS, withInfo);
			}
			case 'TABLES':
			case 'VIEWS': {
				const scope = this.showScope(s, ctx);
				const views = s.object === 'VIEWS';
				const rows = await this.query(
					views
						? `SELECT database_name, schema_name, view_name, temporary, NULL, NULL, sql FROM duckdb_views() WHERE NOT internal`
						: `SELECT database_name, schema_name, table_name, temporary, estimated_size, NULL, comment FROM duckdb_tables() WHERE NOT internal`,
				);
				const out = rows
					.map((r) => ({ db: String(r[0]), schema: String(r[1]), name: String(r[2]), temporary: r[3] === true, rows: r[4], text: r[6] }))
					.map((r) => (r.db === 'temp' && ctx.database ? { ...r, db: ctx.database, schema: ctx.schema ?? DEFAULT_SCHEMA } : r))
					.filter((r) => this.engine.databases.has(r.db) && r.schema !== LOG_SCHEMA && scope(r.db, r.schema) && keep(r.name))
					.sort((a, b) => `${a.db}.${a.schema}.${a.name}`.localeCompare(`${b.db}.${b.schema}.${b.name}`))
					.map((r) =>
						views
							? [created, r.name, '', r.db, r.schema, owner, '', r.text === null ? null : String(r.text), 'false', 'false', 'ROLE', 'OFF']
							: this.showTableRow(r, created, owner),
					);
				return table(views ? SHOW_VIEWS : SHOW_TABLES, out);
			}
			case 'COLUMNS': {
				const rows: Array<Array<string | null>> = [];
				if (s.in && (s.in.kind === 'TABLE' || s.in.kind === 'VIEW')) {
					const [db, schema, tbl] = qualify(s.in.name, ctx);
					for (const c of (await this.relationColumns(s.in.name, ctx)).columns) {
						if (keep(c.column)) rows.push(showColumnRow(c, tbl, schema ?? '', db ?? ''));
					}
				} else {
					const scope = this.showScope(s, ctx);
					const all = await this.query(`SELECT database_name, schema_name, table_name, column_name, comment, is_nullable, data_type, column_default FROM duckdb_columns() WHERE NOT internal ORDER BY database_name, schema_name, table_name, column_index`);
					for (const c of all.map(toTableColumn)) {
						if (this.engine.databases.has(c.database) && c.schema !== LOG_SCHEMA && scope(c.database, c.schema) && keep(c.column)) rows.push(showColumnRow(c, c.table, c.schema, c.database));
					}
				}
				return table(SHOW_COLUMNS, rows);
			}
			case 'WAREHOUSES': {
				const rows = [DEFAULT_WAREHOUSE]
					.filter(keep)
					.map((name) => [name, 'STARTED', 'STANDARD', 'X-Small', '1', '1', '1', '0', '0', bool(true), bool(name === ctx.warehouse), '600', 'true', '', '', '', '', created, created, created, owner, '', 'ROLE']);
				return table(SHOW_WAREHOUSES, rows);
			}
			case 'ROLES': {
				const rows = [DEFAULT_ROLE, 'PUBLIC']
					.filter(keep)
					.map((name) => [created, name, bool(name === DEFAULT_ROLE), bool(name === ctx.role), 'N', name === DEFAULT_ROLE ? '1' : '0', '0', '0', '', '']);
				return table(SHOW_ROLES, rows);
			}
			case 'USERS':
				return table(SHOW_USERS, [[user, created, user, user, '', '', 'false', 'false', ctx.role ?? DEFAULT_ROLE]].filter((r) => keep(r[0])));
		}
	}

	/** A SHOW TABLES row; tracked tables show their creation time, retention and change tracking. */
	private showTableRow(r: { db: string; schema: string; name: string; temporary: boolean; rows: unknown }, created: string, owner: string): Array<string | null> {
		const meta = this.engine.changes.tables.get(tableKey(r.db, r.schema, r.name));
		// created_on is TIMESTAMP_LTZ(3): epoch seconds with three fraction digits.
		const createdOn = meta ? `${meta.createdOnUs / 1_000_000n}.${String((meta.createdOnUs % 1_000_000n) / 1000n).padStart(3, '0')}` : created;
		const retention = meta ? String(meta.retentionDays) : '1';
		const tracking = meta?.tracking ? 'ON' : 'OFF';
		return [createdOn, r.name, r.db, r.schema, r.temporary ? 'TEMPORARY' : 'TABLE', '', '', String(r.rows ?? 0), '0', owner, retention, 'OFF', tracking, 'N', 'N', 'ROLE', 'N', null, 'N', 'N', 'N', 'N'];
	}

	/** SHOW ... IN ACCOUNT | DATABASE d | SCHEMA d.s; default: the current schema (Snowflake's default scope). */
	private showScope(s: ShowStatement, ctx: Effective): (db: string, schema: string) => boolean {
		const up = (x: string | undefined) => x?.toUpperCase();
		if (s.in?.kind === 'ACCOUNT') return () => true;
		if (s.in?.kind === 'DATABASE') {
			const db = this.engine.findDatabase(s.in.name[0]);
			if (!db) throw notExists('Database', s.in.name[0]);
			return (d) => d === db;
		}
		const [db, schema] = s.in?.kind === 'SCHEMA' ? (s.in.name.length > 1 ? s.in.name : [ctx.database ?? '', s.in.name[0]]) : [ctx.database ?? '', ctx.schema ?? ''];
		return (d, sc) => up(d) === up(db) && up(sc) === up(schema);
	}

	private async describe(name: ObjectName, ctx: Effective): Promise<EngineResult> {
		const { exists, columns } = await this.relationColumns(name, ctx);
		if (!exists && columns.length === 0) throw notExists('Object', name.join('.'));
		return table(
			DESCRIBE_TABLE,
			columns.map((c) => [c.column, sfTypeText(c.type), 'COLUMN', c.nullable ? 'Y' : 'N', c.default, 'N', 'N', null, null, null, null, null]),
		);
	}
}

// ---------------------------------------------------------------- helpers: results

function encodeRows(reader: DuckDBResultReader, encoders: Array<(v: DuckDBValue) => string | null>): Array<Array<string | null>> {
	const columns = reader.getColumns();
	const rowCount = reader.currentRowCount;
	const data: Array<Array<string | null>> = new Array(rowCount);
	for (let r = 0; r < rowCount; r++) {
		const row: Array<string | null> = new Array(encoders.length);
		for (let c = 0; c < encoders.length; c++) row[c] = encoders[c](columns[c][r]);
		data[r] = row;
	}
	return data;
}

const TEXT: SfType = { type: 'text', length: MAX_TEXT_LENGTH };
const COUNTER: SfType = { type: 'fixed', precision: 19, scale: 0 };
/** SHOW TABLES `rows`/`bytes`: NUMBER(38,0) in real results (captures/README.md), unlike the DML counters. */
const SIZE: SfType = { type: 'fixed', precision: 38, scale: 0 };

function column(name: string, type: SfType = TEXT, nullable = true): RowType {
	return rowTypeEntry({ name, type, database: '', schema: '', table: '', nullable });
}

function statusResult(message: string, kind: StatementKind): EngineResult {
	return { rowType: [column('status')], data: [[message]], kind };
}

function table(rowType: RowType[], data: Array<Array<string | null>>): EngineResult {
	return { rowType, data, kind: 'query' };
}

function dmlResult(dml: 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE', reader: DuckDBResultReader, clauses: Array<'inserted' | 'updated' | 'deleted'> = []): EngineResult {
	const stats = { numRowsInserted: 0, numRowsUpdated: 0, numRowsDeleted: 0, numDuplicateRowsUpdated: 0 };
	const changed = () => Number(reader.getRows()[0]?.[0] ?? reader.rowsChanged);
	let counters: Array<[string, number]>;
	if (dml === 'MERGE') {
		for (const [action] of reader.getRows()) {
			if (action === 'INSERT') stats.numRowsInserted++;
			else if (action === 'UPDATE') stats.numRowsUpdated++;
			else if (action === 'DELETE') stats.numRowsDeleted++;
		}
		const by = { inserted: stats.numRowsInserted, updated: stats.numRowsUpdated, deleted: stats.numRowsDeleted };
		counters = clauses.map((c) => [`number of rows ${c}`, by[c]]);
	} else if (dml === 'INSERT') {
		stats.numRowsInserted = changed();
		counters = [['number of rows inserted', stats.numRowsInserted]];
	} else if (dml === 'UPDATE') {
		stats.numRowsUpdated = changed();
		counters = [
			['number of rows updated', stats.numRowsUpdated],
			['number of multi-joined rows updated', 0],
		];
	} else {
		stats.numRowsDeleted = changed();
		counters = [['number of rows deleted', stats.numRowsDeleted]];
	}
	return {
		rowType: counters.map(([name]) => column(name, COUNTER, false)),
		data: [counters.map(([, n]) => String(n))],
		stats,
		kind: 'dml',
	};
}

interface TableColumn {
	database: string;
	schema: string;
	table: string;
	column: string;
	declared?: SfType;
	type: SfType;
	nullable: boolean;
	default: string | null;
}

function toTableColumn(r: DuckDBValue[]): TableColumn {
	const comment = typeof r[4] === 'string' && r[4].startsWith(TYPE_COMMENT) ? parseTypeText(r[4].slice(TYPE_COMMENT.length)) : undefined;
	return {
		database: String(r[0]),
		schema: String(r[1]),
		table: String(r[2]),
		column: String(r[3]),
		declared: comment,
		type: comment ?? typeFromDuckName(String(r[6])),
		nullable: r[5] !== false,
		default: r[7] === null || r[7] === undefined ? null : String(r[7]),
	};
}

/** Snowflake type of a column declared without our comment (CREATE TABLE AS SELECT, DuckDB-native DDL). */
function typeFromDuckName(name: string): SfType {
	if (/^DECIMAL\((\d+),(\d+)\)$/.test(name)) {
		const [, p, s] = /^DECIMAL\((\d+),(\d+)\)$/.exec(name) as RegExpExecArray;
		return { type: 'fixed', precision: Number(p), scale: Number(s) };
	}
	if (/INT$|^HUGEINT|^BIGINT|^UBIGINT/.test(name)) return { type: 'fixed', precision: 38, scale: 0 };
	if (name === 'DOUBLE' || name === 'FLOAT') return { type: 'real' };
	if (name === 'BOOLEAN') return { type: 'boolean' };
	if (name === 'DATE') return { type: 'date' };
	if (name.startsWith('TIME') && !name.startsWith('TIMESTAMP')) return { type: 'time', scale: 9 };
	if (name === 'TIMESTAMP WITH TIME ZONE') return { type: 'timestamp_ltz', scale: 9 };
	if (name.startsWith('TIMESTAMP')) return { type: 'timestamp_ntz', scale: 9 };
	if (/^STRUCT\("?SF_UTC"? TIMESTAMP_NS, "?SF_OFFSET"? SMALLINT\)$/i.test(name)) return { type: 'timestamp_tz', scale: 9 };
	if (name === 'JSON') return { type: 'variant' };
	if (name === 'BLOB') return { type: 'binary' };
	return TEXT;
}

/** A declared type applies to a result column only if DuckDB's type still matches it (e.g. not after SUM()). */
function sameFamily(declared: SfType, derived: SfType): boolean {
	// GEOGRAPHY/GEOMETRY columns are stored as text; a marked result is compatible too.
	if (declared.type === 'geography' || declared.type === 'geometry') return derived.type === 'text' || derived.type === declared.type;
	const semi = (t: SfType) => (t.type === 'object' || t.type === 'array' ? 'variant' : t.type);
	if (semi(declared) !== semi(derived)) return false;
	if (declared.type === 'fixed') return declared.precision === derived.precision && declared.scale === derived.scale;
	return true;
}

function showColumnRow(c: TableColumn, tableName: string, schema: string, db: string): Array<string | null> {
	const t = c.type;
	const dataType: Record<string, unknown> = { type: t.type === 'fixed' ? 'FIXED' : t.type.toUpperCase() };
	if (t.type === 'fixed') Object.assign(dataType, { precision: t.precision, scale: t.scale });
	if (t.type === 'text') Object.assign(dataType, { length: t.length, byteLength: Math.min((t.length ?? MAX_TEXT_LENGTH) * 4, MAX_TEXT_LENGTH), fixed: false });
	if (t.type.startsWith('time')) Object.assign(dataType, { precision: 0, scale: t.scale });
	dataType.nullable = c.nullable;
	return [tableName, schema, c.column, JSON.stringify(dataType), c.nullable ? 'true' : 'false', c.default ?? '', 'COLUMN', '', '', db, ''];
}

const epochSeconds = (ms: number) => (ms / 1000).toFixed(3);
const bool = (b: boolean) => (b ? 'Y' : 'N');
const capitalize = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();
const LTZ: SfType = { type: 'timestamp_ltz', scale: 3 };
const cols = (spec: Array<string | [string, SfType]>) => spec.map((s) => (typeof s === 'string' ? column(s) : column(s[0], s[1])));

const SHOW_DATABASES = cols([['created_on', LTZ], 'name', 'is_default', 'is_current', 'origin', 'owner', 'comment', 'options', 'retention_time', 'kind', 'budget', 'owner_role_type']);
const SHOW_SCHEMAS = cols([['created_on', LTZ], 'name', 'is_default', 'is_current', 'database_name', 'owner', 'comment', 'options', 'retention_time', 'owner_role_type']);
const SHOW_TABLES = cols([
	['created_on', LTZ],
	'name',
	'database_name',
	'schema_name',
	'kind',
	'comment',
	'cluster_by',
	['rows', SIZE],
	['bytes', SIZE],
	'owner',
	'retention_time',
	'automatic_clustering',
	'change_tracking',
	'is_external',
	'enable_schema_evolution',
	'owner_role_type',
	'is_event',
	'budget',
	'is_hybrid',
	'is_iceberg',
	'is_dynamic',
	'is_immutable',
]);
const SHOW_VIEWS = cols([['created_on', LTZ], 'name', 'reserved', 'database_name', 'schema_name', 'owner', 'comment', 'text', 'is_secure', 'is_materialized', 'owner_role_type', 'change_tracking']);
const SHOW_COLUMNS = cols(['table_name', 'schema_name', 'column_name', 'data_type', 'null?', 'default', 'kind', 'expression', 'comment', 'database_name', 'autoincrement']);
const SHOW_WAREHOUSES = cols([
	'name',
	'state',
	'type',
	'size',
	'min_cluster_count',
	'max_cluster_count',
	'started_clusters',
	'running',
	'queued',
	'is_default',
	'is_current',
	'auto_suspend',
	'auto_resume',
	'available',
	'provisioning',
	'quiescing',
	'other',
	['created_on', LTZ],
	['resumed_on', LTZ],
	['updated_on', LTZ],
	'owner',
	'comment',
	'owner_role_type',
]);
const SHOW_ROLES = cols([['created_on', LTZ], 'name', 'is_default', 'is_current', 'is_inherited', 'assigned_to_users', 'granted_to_roles', 'granted_roles', 'owner', 'comment']);
const SHOW_USERS = cols(['name', ['created_on', LTZ], 'login_name', 'display_name', 'first_name', 'last_name', 'disabled', 'must_change_password', 'default_role']);
const DESCRIBE_TABLE = cols(['name', 'type', 'kind', 'null?', 'default', 'primary key', 'unique key', 'check', 'expression', 'comment', 'policy name', 'privacy domain']);

/** Snowflake LIKE for SHOW: case-insensitive, % and _ wildcards, backslash escapes. */
function likeMatcher(pattern: string): (name: string) => boolean {
	let re = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		else if (c === '%') re += '.*';
		else if (c === '_') re += '.';
		else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	const regex = new RegExp(`^${re}$`, 'is');
	return (name) => regex.test(name);
}

// ---------------------------------------------------------------- helpers: names

function qualify(name: ObjectName, ctx: Effective): [string | undefined, string | undefined, string] {
	const t = name[name.length - 1];
	if (name.length >= 3) return [name[name.length - 3], name[name.length - 2], t];
	if (name.length === 2) return [ctx.database, name[0], t];
	return [ctx.database, ctx.schema, t];
}

/** Words that end a FROM item, so what follows a CHANGES clause is not its alias. */
const CLAUSE_WORDS = new Set(['WHERE', 'ORDER', 'GROUP', 'HAVING', 'QUALIFY', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'EXCEPT', 'MINUS', 'INTERSECT', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'WINDOW']);

/** `name CHANGES(INFORMATION => …) AT|BEFORE(kind => expr) [END(kind => expr)]` clauses among significant tokens. */
function findChangesClauses(toks: Token[], sql: string): ChangesClause[] {
	const out: ChangesClause[] = [];
	const word = (k: number) => (toks[k]?.kind === 'word' ? toks[k].value : undefined);
	const closeOf = (open: number) => {
		let depth = 0;
		for (let k = open; k < toks.length; k++) {
			if (toks[k].kind === 'lparen') depth++;
			else if (toks[k].kind === 'rparen' && --depth === 0) return k;
		}
		throw syntaxError(sql, sql.length, '<EOF>');
	};
	const expect = (k: number, ok: boolean) => {
		if (!ok) throw syntaxError(sql, toks[k]?.start ?? sql.length, toks[k]?.text ?? '<EOF>');
	};
	const point = (k: number, keyword: string): { point: Point; next: number } => {
		expect(k + 1, toks[k + 1]?.kind === 'lparen');
		const kind = word(k + 2);
		expect(k + 2, kind === 'TIMESTAMP' || kind === 'OFFSET' || kind === 'STATEMENT');
		expect(k + 3, toks[k + 3]?.text === '=>');
		const close = closeOf(k + 1);
		expect(close, close > k + 4);
		return { point: { kind: kind as Point['kind'], before: keyword === 'BEFORE', from: k + 4, to: close }, next: close + 1 };
	};
	for (let i = 1; i < toks.length; i++) {
		if (word(i) !== 'CHANGES' || toks[i + 1]?.kind !== 'lparen' || word(i + 2) !== 'INFORMATION') continue;
		let start = i - 1;
		while (start >= 2 && toks[start - 1].kind === 'dot' && (toks[start - 2].kind === 'word' || toks[start - 2].kind === 'quoted')) start -= 2;
		const name = readName(toks, start);
		expect(i - 1, name !== undefined && name.next === i);
		expect(i + 3, toks[i + 3]?.text === '=>');
		const information = word(i + 4);
		expect(i + 4, information === 'DEFAULT' || information === 'APPEND_ONLY');
		expect(i + 5, toks[i + 5]?.kind === 'rparen');
		const which = word(i + 6);
		expect(i + 6, which === 'AT' || which === 'BEFORE');
		const at = point(i + 6, which as string);
		let next = at.next;
		let end: Point | undefined;
		if (word(next) === 'END' && toks[next + 1]?.kind === 'lparen') {
			const e = point(next, 'END');
			end = e.point;
			next = e.next;
		}
		out.push({ start, end: next, name: name?.name ?? [], appendOnly: information === 'APPEND_ONLY', at: at.point, end_: end });
		i = next - 1;
	}
	return out;
}

function parseTableName(text: string): ObjectName | undefined {
	const tokens = tokenize(text).filter((t) => t.kind !== 'ws');
	const name: string[] = [];
	for (let i = 0; i < tokens.length; i += 2) {
		const t = tokens[i];
		if (t.kind !== 'word' && t.kind !== 'quoted') break;
		name.push(t.kind === 'word' ? t.text : t.value);
		if (tokens[i + 1]?.kind !== 'dot') break;
	}
	return name.length > 0 ? name : undefined;
}

function placeholderPosition(statement: string, n: number): number {
	let seen = 0;
	for (const t of tokenize(statement)) {
		if (t.kind === 'param' && (t.value === '' ? ++seen === n : Number(t.value) === n)) return t.start;
	}
	return 0;
}

// ---------------------------------------------------------------- helpers: bindings

const BINDING_TYPES = new Set(['FIXED', 'REAL', 'DECFLOAT', 'TEXT', 'BINARY', 'BOOLEAN', 'DATE', 'TIME', 'TIMESTAMP_TZ', 'TIMESTAMP_LTZ', 'TIMESTAMP_NTZ']);

function bindCountError(given: number, expected: number): SnowflakeSqlError {
	return new SnowflakeSqlError(
		'002049',
		'42601',
		`SQL compilation error:\nNumber of bind values (${given}) does not match the number of bind variables (${expected}) in the statement.`,
	);
}

function notRecognized(binding: Binding): SnowflakeSqlError {
	return new SnowflakeSqlError('100037', '22018', `${binding.type} value '${binding.value}' is not recognized`);
}

/** The bound value in a type-neutral form, validated per its binding type (reference §3.4). */
type Neutral =
	| { k: 'fixed'; text: string; v: bigint }
	| { k: 'real'; text: string; v: number }
	| { k: 'text'; text: string }
	| { k: 'binary'; text: string; bytes: Uint8Array }
	| { k: 'boolean'; v: boolean }
	| { k: 'date'; days: number }
	| { k: 'time'; ns: bigint }
	| { k: 'ntz'; ns: bigint }
	| { k: 'ltz'; ns: bigint }
	| { k: 'tz'; ns: bigint; offset: number };

function decodeBinding(b: Binding): Neutral {
	const value = String(b.value);
	const int = () => {
		if (!/^[+-]?\d+$/.test(value.trim())) throw notRecognized(b);
		return BigInt(value.trim());
	};
	switch (b.type) {
		case 'FIXED':
			return { k: 'fixed', text: int().toString(), v: int() };
		case 'REAL':
		case 'DECFLOAT': {
			const t = value.trim();
			if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(nan|inf|infinity)$/i.test(t)) throw notRecognized(b);
			return { k: 'real', text: t, v: /^[+-]?inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t) };
		}
		case 'TEXT':
			return { k: 'text', text: value };
		case 'BINARY':
			if (!/^([0-9a-fA-F]{2})*$/.test(value)) throw notRecognized(b);
			return { k: 'binary', text: value.toUpperCase(), bytes: Uint8Array.from(Buffer.from(value, 'hex')) };
		case 'BOOLEAN': {
			const t = value.trim().toLowerCase();
			if (!['true', 'false', '1', '0'].includes(t)) throw notRecognized(b);
			return { k: 'boolean', v: t === 'true' || t === '1' };
		}
		case 'DATE': {
			const ms = int();
			return { k: 'date', days: Number(floorDiv(ms, 86_400_000n)) };
		}
		case 'TIME': {
			const ns = int();
			if (ns < 0n || ns >= NS_PER_DAY) throw notRecognized(b);
			return { k: 'time', ns };
		}
		case 'TIMESTAMP_NTZ':
			return { k: 'ntz', ns: int() };
		case 'TIMESTAMP_LTZ':
			return { k: 'ltz', ns: int() };
		case 'TIMESTAMP_TZ': {
			const m = /^\s*([+-]?\d+)\s+(\d+)\s*$/.exec(value);
			if (!m || Number(m[2]) < 0 || Number(m[2]) > 2880) throw notRecognized(b);
			return { k: 'tz', ns: BigInt(m[1]), offset: Number(m[2]) - 1440 };
		}
		default:
			throw new SnowflakeSqlError('002040', '42601', `SQL compilation error:\nUnsupported data type '${String(b.type)}'.`);
	}
}

/** Wall clock of an instant in a zone, and back (both nanoseconds since epoch). */
function wallFromInstant(ns: bigint, zone: string): { wall: bigint; offset: number } {
	const offset = zoneOffset(zone, Number(ns / 1_000_000n));
	return { wall: ns + BigInt(offset) * NS_PER_MINUTE, offset };
}

function instantFromWall(wall: bigint, zone: string): { ns: bigint; offset: number } {
	const guess = zoneOffset(zone, Number(wall / 1_000_000n));
	const offset = zoneOffset(zone, Number((wall - BigInt(guess) * NS_PER_MINUTE) / 1_000_000n));
	return { ns: wall - BigInt(offset) * NS_PER_MINUTE, offset };
}

const TEXT_TIMESTAMP = /^\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/** TEXT bound into a date/time target: ISO-like text, or digits = epoch seconds/ms/µs/ns (Snowflake's AUTO rule by magnitude). */
function textToWallOrInstant(text: string, b: Binding, zone: string): { ns: bigint; offset: number; hasZone: boolean } {
	if (/^\s*[+-]?\d+\s*$/.test(text)) {
		const n = BigInt(text.trim());
		const abs = n < 0n ? -n : n;
		const ns = abs < 31_536_000_000n ? n * NS_PER_SECOND : abs < 31_536_000_000_000n ? n * 1_000_000n : abs < 31_536_000_000_000_000n ? n * 1000n : n;
		return { ns, offset: 0, hasZone: true };
	}
	const m = TEXT_TIMESTAMP.exec(text);
	if (!m) throw notRecognized(b);
	const [y, mo, d] = m[1].split('-').map(Number);
	const [hms, frac = ''] = (m[2] ?? '00:00:00').split('.');
	const [h, mi, s = 0] = hms.split(':').map(Number);
	const days = BigInt(Math.floor(Date.UTC(y, mo - 1, d) / 86_400_000));
	const wall = days * NS_PER_DAY + BigInt(h * 3600 + mi * 60 + s) * NS_PER_SECOND + BigInt(frac.padEnd(9, '0'));
	if (!m[3]) {
		const { ns, offset } = instantFromWall(wall, zone);
		return { ns, offset, hasZone: false };
	}
	const z = m[3].toUpperCase();
	const offset = z === 'Z' ? 0 : (z.startsWith('-') ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.replace(':', '').slice(3, 5) || 0));
	return { ns: wall - BigInt(offset) * NS_PER_MINUTE, offset, hasZone: true };
}

function tzStruct(ns: bigint, offset: number): DuckDBStructValue {
	return new DuckDBStructValue({ SF_UTC: new DuckDBTimestampNanosecondsValue(ns), SF_OFFSET: offset });
}
const TZ_TYPE = STRUCT({ SF_UTC: TIMESTAMP_NS, SF_OFFSET: SMALLINT });

/** Binds one Snowflake binding as a typed DuckDB parameter, converted for the placeholder's target type. */
function bindOne(prepared: DuckDBPreparedStatement, index: number, binding: Binding, zone: string): void {
	if (!binding || typeof binding !== 'object' || !BINDING_TYPES.has(String(binding.type))) {
		throw new SnowflakeSqlError('002040', '42601', `SQL compilation error:\nUnsupported data type '${String(binding?.type ?? null)}'.`);
	}
	if (binding.value === null || binding.value === undefined) {
		prepared.bindNull(index);
		return;
	}
	const n = decodeBinding(binding);
	let target: DuckDBTypeId;
	try {
		target = prepared.parameterTypeId(index);
	} catch {
		target = DuckDBTypeId.INVALID;
	}
	let isTz = false;
	if (target === DuckDBTypeId.STRUCT) {
		try {
			isTz = isTzStruct(prepared.parameterType(index));
		} catch {
			isTz = false;
		}
	}
	// Instant (UTC ns) and wall clock (ns) of every temporal binding, in the session's TIMEZONE.
	const temporal = (): { instant: bigint; wall: bigint; offset: number } => {
		switch (n.k) {
			case 'date':
			case 'ntz': {
				const wall = n.k === 'date' ? BigInt(n.days) * NS_PER_DAY : n.ns;
				const { ns, offset } = instantFromWall(wall, zone);
				return { instant: ns, wall, offset };
			}
			case 'ltz': {
				const { wall, offset } = wallFromInstant(n.ns, zone);
				return { instant: n.ns, wall, offset };
			}
			case 'tz':
				return { instant: n.ns, wall: n.ns + BigInt(n.offset) * NS_PER_MINUTE, offset: n.offset };
			case 'text': {
				const t = textToWallOrInstant(n.text, binding, zone);
				const offset = t.hasZone && t.offset === 0 && /^\s*[+-]?\d+\s*$/.test(n.text) ? wallFromInstant(t.ns, zone).offset : t.offset;
				return { instant: t.ns, wall: t.ns + BigInt(offset) * NS_PER_MINUTE, offset };
			}
			default:
				throw notRecognized(binding);
		}
	};
	const text = (): string => {
		switch (n.k) {
			case 'fixed':
			case 'real':
			case 'text':
			case 'binary':
				return n.text;
			case 'boolean':
				return String(n.v);
			case 'time':
				return new DuckDBTimeNSValue(n.ns).toString();
			default: {
				const { wall, offset } = temporal();
				const base = n.k === 'date' ? new DuckDBDateValue(Number(floorDiv(wall, NS_PER_DAY))).toString() : new DuckDBTimestampNanosecondsValue(wall).toString();
				return n.k === 'tz' || n.k === 'ltz' ? `${base} ${offset < 0 ? '-' : '+'}${String(Math.trunc(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}` : base;
			}
		}
	};
	switch (target) {
		case DuckDBTypeId.VARCHAR:
			prepared.bindValue(index, text(), VARCHAR);
			return;
		case DuckDBTypeId.BOOLEAN:
			if (n.k === 'fixed' || n.k === 'real') prepared.bindValue(index, Number(n.v) !== 0, BOOLEAN);
			else if (n.k === 'boolean') prepared.bindValue(index, n.v, BOOLEAN);
			else if (n.k === 'text') prepared.bindValue(index, n.text, VARCHAR);
			else throw notRecognized(binding);
			return;
		case DuckDBTypeId.DATE:
			if (n.k === 'time' || n.k === 'binary' || n.k === 'boolean' || n.k === 'fixed' || n.k === 'real') throw notRecognized(binding);
			prepared.bindValue(index, new DuckDBDateValue(Number(floorDiv(temporal().wall, NS_PER_DAY))), DATE);
			return;
		case DuckDBTypeId.TIME:
		case DuckDBTypeId.TIME_NS:
			if (n.k === 'time') prepared.bindValue(index, new DuckDBTimeNSValue(n.ns), TIME_NS);
			else if (n.k === 'text' && /^\s*\d{1,2}:\d{2}/.test(n.text)) prepared.bindValue(index, n.text.trim(), VARCHAR);
			else if (n.k === 'ntz' || n.k === 'ltz' || n.k === 'tz' || n.k === 'text') {
				const wall = temporal().wall;
				prepared.bindValue(index, new DuckDBTimeNSValue(wall - floorDiv(wall, NS_PER_DAY) * NS_PER_DAY), TIME_NS);
			} else throw notRecognized(binding);
			return;
		case DuckDBTypeId.TIMESTAMP:
		case DuckDBTypeId.TIMESTAMP_S:
		case DuckDBTypeId.TIMESTAMP_MS:
		case DuckDBTypeId.TIMESTAMP_NS:
			if (!['date', 'ntz', 'ltz', 'tz', 'text'].includes(n.k)) throw notRecognized(binding);
			prepared.bindValue(index, new DuckDBTimestampNanosecondsValue(temporal().wall), TIMESTAMP_NS);
			return;
		case DuckDBTypeId.TIMESTAMP_TZ:
			if (!['date', 'ntz', 'ltz', 'tz', 'text'].includes(n.k)) throw notRecognized(binding);
			prepared.bindValue(index, new DuckDBTimestampTZValue(floorDiv(temporal().instant, 1000n)), TIMESTAMPTZ);
			return;
		case DuckDBTypeId.BLOB:
			if (n.k === 'binary') prepared.bindValue(index, new DuckDBBlobValue(n.bytes), BLOB);
			else if (n.k === 'text' && /^([0-9a-fA-F]{2})*$/.test(n.text)) prepared.bindValue(index, new DuckDBBlobValue(Uint8Array.from(Buffer.from(n.text, 'hex'))), BLOB);
			else throw notRecognized(binding);
			return;
		case DuckDBTypeId.STRUCT:
			if (!isTz || !['date', 'ntz', 'ltz', 'tz', 'text'].includes(n.k)) throw notRecognized(binding);
			{
				const t = temporal();
				prepared.bindValue(index, tzStruct(t.instant, t.offset), TZ_TYPE);
			}
			return;
		case DuckDBTypeId.INVALID:
		case DuckDBTypeId.ANY:
		case DuckDBTypeId.SQLNULL:
			bindNatural(prepared, index, n, binding, temporal);
			return;
		default:
			// Numbers and JSON: DuckDB casts the text to the target type, reporting what it cannot.
			if (n.k === 'boolean' || n.k === 'fixed' || n.k === 'real' || n.k === 'text' || n.k === 'binary') prepared.bindValue(index, text(), VARCHAR);
			else throw notRecognized(binding);
	}
}

/** A placeholder whose type DuckDB cannot infer (`SELECT ?`): bind the binding type's own Snowflake type. */
function bindNatural(
	prepared: DuckDBPreparedStatement,
	index: number,
	n: Neutral,
	binding: Binding,
	temporal: () => { instant: bigint; wall: bigint; offset: number },
): void {
	switch (n.k) {
		case 'fixed':
			if (n.text.replace('-', '').length > 38) throw notRecognized(binding);
			prepared.bindValue(index, decimalValue(n.v, 38, 0), DECIMAL(38, 0));
			return;
		case 'real':
			prepared.bindValue(index, n.v, DOUBLE);
			return;
		case 'text':
			prepared.bindValue(index, n.text, VARCHAR);
			return;
		case 'binary':
			prepared.bindValue(index, new DuckDBBlobValue(n.bytes), BLOB);
			return;
		case 'boolean':
			prepared.bindValue(index, n.v, BOOLEAN);
			return;
		case 'date':
			prepared.bindValue(index, new DuckDBDateValue(n.days), DATE);
			return;
		case 'time':
			prepared.bindValue(index, new DuckDBTimeNSValue(n.ns), TIME_NS);
			return;
		case 'ntz':
			prepared.bindValue(index, new DuckDBTimestampNanosecondsValue(n.ns), TIMESTAMP_NS);
			return;
		case 'ltz':
			prepared.bindValue(index, new DuckDBTimestampTZValue(floorDiv(n.ns, 1000n)), TIMESTAMPTZ);
			return;
		case 'tz': {
			const t = temporal();
			prepared.bindValue(index, tzStruct(t.instant, t.offset), TZ_TYPE);
			return;
		}
	}
}

/** A DuckDB conversion failure of a bound value → Snowflake's "<TYPE> value '<v>' is not recognized". */
function bindingFailure(error: unknown, bindings: Bindings): SnowflakeSqlError | undefined {
	if (error instanceof SnowflakeSqlError) return error;
	const message = error instanceof Error ? error.message : String(error);
	if (!/^Conversion Error|^Invalid Input Error/.test(message)) return undefined;
	const culprit = Object.values(bindings).find((b) => b.value !== null && (message.includes(`'${String(b.value)}'`) || message.includes(`"${String(b.value)}"`)));
	return culprit ? notRecognized(culprit) : undefined;
}

// ---------------------------------------------------------------- helpers: errors

function notExists(kind: string, name: string): SnowflakeSqlError {
	return new SnowflakeSqlError('002003', kind === 'Object' ? '42S02' : '02000', `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`);
}

function alreadyExists(name: string): SnowflakeSqlError {
	return new SnowflakeSqlError('002002', '42710', `SQL compilation error:\nObject '${name}' already exists.`);
}

/** Where a name first appears in the statement, for "error line L at position P". */
function positionOf(statement: string, name: string): string {
	const tokens = tokenize(statement);
	const hit = tokens.find((t) => (t.kind === 'word' || t.kind === 'quoted') && t.value.toUpperCase() === name.toUpperCase());
	const { line, column } = lineAndColumn(statement, hit?.start ?? 0);
	return `error line ${line} at position ${column}`;
}

/** DuckDB's error classes mapped to Snowflake's codes (ENGINE.md, "Errors"). */
export function toSnowflakeError(error: unknown, statement: string): SnowflakeSqlError {
	if (error instanceof SnowflakeSqlError) return error;
	const message = error instanceof Error ? error.message : String(error);
	const first = message.split('\n')[0];
	// DuckDB's text without its "LINE n: ..." excerpt, which quotes the translated SQL.
	const detail = message.split(/\n\s*\nLINE \d+:/)[0].replace(/^[A-Za-z ]+ Error: /, '').trim();
	let m: RegExpExecArray | null;
	if (/^INTERRUPT Error/.test(first)) return canceled();
	if ((m = /Table with name "?([^"!]+?)"? does not exist/.exec(first)) || (m = /Table "([^"]+)" does not exist/.exec(first))) {
		return notExists('Object', m[1]);
	}
	if ((m = /Catalog "([^"]+)" does not exist/.exec(first))) return notExists('Database', m[1]);
	if ((m = /schema "([^"]+)" does not exist|Schema with name "?([^"]+?)"? does not exist/.exec(first))) return notExists('Schema', m[1] ?? m[2]);
	if (
		(m = /Referenced column "([^"]+)" (?:was )?not found/.exec(first)) ||
		(m = /Referenced table "([^"]+)" not found/.exec(first)) ||
		(m = /does not have a column (?:named|with name) "([^"]+)"/.exec(first))
	) {
		return new SnowflakeSqlError('000904', '42000', `SQL compilation error: ${positionOf(statement, m[1])}\ninvalid identifier '${m[1]}'`);
	}
	if ((m = /with name "?([^"]+?)"? already exists/.exec(first))) return alreadyExists(m[1]);
	if ((m = /^Parser Error: syntax error at or near "(.*)"/.exec(first))) {
		const hit = tokenize(statement).find((t) => t.text.toUpperCase() === m?.[1].toUpperCase());
		return syntaxError(statement, hit?.start ?? 0, hit?.text ?? m[1]);
	}
	if (/^Parser Error/.test(first)) return new SnowflakeSqlError('001003', '42000', `SQL compilation error:\n${detail}`);
	if ((m = /(?:Scalar|Table|Aggregate) Function with name "?([^"\s]+?)"? (?:does not exist|is not in the catalog)/.exec(first))) {
		return new SnowflakeSqlError('002140', '42601', `SQL compilation error:\nUnknown function ${m[1].toUpperCase()}`);
	}
	if ((m = /Could not convert string ['"](.*)['"] to (\w+)/.exec(first))) {
		if (m[2] === 'BOOL') return new SnowflakeSqlError('100037', '22018', `Boolean value '${m[1]}' is not recognized`);
		return new SnowflakeSqlError('100038', '22018', `Numeric value '${m[1]}' is not recognized`);
	}
	if ((m = /date field value out of range: "(.*)"|invalid date field format: "(.*)"/.exec(first))) {
		return new SnowflakeSqlError('100040', '22007', `Date '${m[1] ?? m[2]}' is not recognized`);
	}
	if ((m = /timestamp field value out of range: "(.*)"|invalid timestamp field format: "(.*)"/.exec(first))) {
		return new SnowflakeSqlError('100035', '22007', `Timestamp '${m[1] ?? m[2]}' is not recognized`);
	}
	if (/Malformed JSON/.test(first)) return new SnowflakeSqlError('100069', '22P02', `Error parsing JSON: ${detail}`);
	if (/^Out of Range Error|Overflow/.test(first)) return new SnowflakeSqlError('100046', '22003', `Number out of representable range: ${detail}`);
	if (/NOT NULL constraint failed/.test(first)) return new SnowflakeSqlError('100072', '22000', 'NULL result in a non-nullable column');
	if (/^Binder Error|^Catalog Error/.test(first)) return new SnowflakeSqlError('002016', '42601', `SQL compilation error:\n${detail}`);
	if (/^Conversion Error|^Invalid Input Error/.test(first)) return new SnowflakeSqlError('100038', '22018', detail);
	if (/Current transaction is aborted/.test(first)) {
		return new SnowflakeSqlError('000603', '25P02', 'SQL execution error: the transaction was aborted by a failed statement; only ROLLBACK (or COMMIT, which rolls back) is accepted.');
	}
	if (/^TransactionContext Error|Conflict/.test(first)) return new SnowflakeSqlError('000625', '57014', `Statement aborted: ${detail}`);
	return new SnowflakeSqlError('000603', 'XX000', `SQL execution internal error: ${detail}`);
}
