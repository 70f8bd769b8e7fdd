/**
 * Change tracking conformance (README "Change tracking"): CHANGE_TRACKING on CREATE/ALTER TABLE, the
 * CHANGES clause's DEFAULT net delta and APPEND_ONLY rows, AT/BEFORE/END points by TIMESTAMP, OFFSET and
 * STATEMENT, atomic commits, and Snowflake's refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bindings } from '../../nodes/SnowflakeSqlApi/transport';
import { createDuckDbEngine, type DuckDbEngine } from './engine';
import { type EngineSession, type SessionContext, SnowflakeSqlError } from './engine-types';
import { sqlFailureOf } from './harness';

const ctx = (extra: Partial<SessionContext> = {}): SessionContext => ({ parameters: {}, ...extra });

let engine: DuckDbEngine;
let session: EngineSession;
let other: EngineSession;

async function run(sql: string, bindings?: Bindings, s: EngineSession = session, context: SessionContext = ctx()) {
	return s.run(sql, bindings, context);
}

/** The server's clock, as a TIMESTAMP_LTZ binding (what the trigger binds). */
async function serverNow(): Promise<Bindings[string]> {
	const cell = (await run('SELECT CURRENT_TIMESTAMP() AS T')).data[0][0] as string;
	const [seconds, fraction = ''] = cell.split('.');
	return { type: 'TIMESTAMP_LTZ', value: `${seconds}${fraction.padEnd(9, '0')}` };
}

async function changes(table: string, from: Bindings[string], to?: Bindings[string], info = 'DEFAULT', s: EngineSession = session) {
	const end = to ? ' END(TIMESTAMP => ?)' : '';
	const bindings: Bindings = { '1': from, ...(to ? { '2': to } : {}) };
	const result = await run(
		`SELECT * FROM ${table} CHANGES(INFORMATION => ${info}) AT(TIMESTAMP => ?)${end} ORDER BY METADATA$ROW_ID, METADATA$ACTION`,
		bindings,
		s,
	);
	return result;
}

/** [values..., action, isUpdate] without the row id, sorted. */
function rows(result: { data: Array<Array<string | null>> }): string[] {
	return result.data.map((r) => r.slice(0, -1).join('|')).sort();
}

const sorted = (list: string[]) => [...list].sort();

const failure = (sql: string, bindings?: Bindings): Promise<SnowflakeSqlError> => sqlFailureOf(session.run(sql, bindings, ctx()));

beforeAll(async () => {
	engine = await createDuckDbEngine();
	session = await engine.openSession();
	other = await engine.openSession();
});

afterAll(async () => {
	await engine.close();
});

describe('change tracking on CREATE and ALTER TABLE', () => {
	it('CREATE TABLE … CHANGE_TRACKING = TRUE and ALTER TABLE … SET CHANGE_TRACKING show in SHOW TABLES', async () => {
		await run('CREATE TABLE ct_create (id NUMBER, name VARCHAR) CHANGE_TRACKING = TRUE');
		await run('CREATE TABLE ct_alter (id NUMBER)');
		const show = async (name: string) => (await run(`SHOW TABLES LIKE '${name}'`)).data[0][12];
		expect(await show('CT_CREATE')).toBe('ON');
		expect(await show('CT_ALTER')).toBe('OFF');
		expect((await run('ALTER TABLE ct_alter SET CHANGE_TRACKING = TRUE')).data).toEqual([['Statement executed successfully.']]);
		expect(await show('CT_ALTER')).toBe('ON');
		await run('ALTER TABLE ct_alter SET CHANGE_TRACKING = FALSE');
		expect(await show('CT_ALTER')).toBe('OFF');
		// The log lives in a schema SHOW does not list.
		expect((await run('SHOW SCHEMAS')).data.map((r) => r[1])).not.toContain('SF$CHANGE_TRACKING');
	});

	it('refuses CHANGES on a table without change tracking (091930, 2F003)', async () => {
		await run('CREATE TABLE ct_plain (id NUMBER)');
		const start = await serverNow();
		const error = await failure('SELECT * FROM ct_plain CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?)', { '1': start });
		expect([error.code, error.sqlState]).toEqual(['091930', '2F003']);
		expect(error.message).toBe(
			"SQL compilation error:\nChange tracking is not enabled or has been missing for the time range requested on table 'EMULATOR_DB.PUBLIC.CT_PLAIN'.",
		);
	});

	it('refuses a start before tracking was turned on (091930) and before the table existed (000707)', async () => {
		await run('CREATE TABLE ct_late (id NUMBER)');
		await run('INSERT INTO ct_late VALUES (1)');
		const beforeTracking = await serverNow();
		await run('ALTER TABLE ct_late SET CHANGE_TRACKING = TRUE');
		const error = await failure('SELECT * FROM ct_late CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?)', { '1': beforeTracking });
		expect(error.code).toBe('091930');
		const early = await failure("SELECT * FROM ct_late CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => '2001-01-01 00:00:00 +00:00'::TIMESTAMP_LTZ)");
		expect([early.code, early.sqlState]).toEqual(['000707', '02000']);
		expect(early.message).toBe(
			'Time travel data is not available for table CT_LATE. The requested time is either beyond the allowed time travel period or before the object creation time.',
		);
	});

	it('an unknown table is 002003', async () => {
		const error = await failure('SELECT * FROM ct_none CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -1)');
		expect(error.code).toBe('002003');
	});
});

describe('CHANGES(INFORMATION => DEFAULT): the net delta', () => {
	it('inserts, updates (a DELETE + INSERT pair with ISUPDATE) and deletes, net over the interval', async () => {
		await run('CREATE TABLE ct_net (id NUMBER, name VARCHAR) CHANGE_TRACKING = TRUE');
		await run("INSERT INTO ct_net VALUES (1, 'a'), (2, 'b'), (3, 'c')");
		const t0 = await serverNow();
		await run("INSERT INTO ct_net VALUES (4, 'd')");
		await run("UPDATE ct_net SET name = 'B' WHERE id = 2");
		await run('DELETE FROM ct_net WHERE id = 3');
		await run("INSERT INTO ct_net VALUES (5, 'gone')");
		await run('DELETE FROM ct_net WHERE id = 5');
		const result = await changes('ct_net', t0);
		expect(result.rowType.map((c) => c.name)).toEqual(['ID', 'NAME', 'METADATA$ACTION', 'METADATA$ISUPDATE', 'METADATA$ROW_ID']);
		expect(result.rowType.map((c) => c.type)).toEqual(['fixed', 'text', 'text', 'boolean', 'text']);
		expect(rows(result)).toEqual(['2|B|INSERT|true', '2|b|DELETE|true', '3|c|DELETE|false', '4|d|INSERT|false']);
		// The pair of an update shares its row id; every other row id is different.
		const ids = result.data.map((r) => [r[0], r[4]]);
		const two = ids.filter(([id]) => id === '2').map(([, rowId]) => rowId);
		expect(new Set(two).size).toBe(1);
		expect(new Set(ids.map(([, rowId]) => rowId)).size).toBe(3);
	});

	it('a row updated twice is one pair from the first to the last values; one updated back still pairs', async () => {
		await run('CREATE TABLE ct_twice (id NUMBER, v NUMBER) CHANGE_TRACKING = TRUE');
		await run('INSERT INTO ct_twice VALUES (1, 10), (2, 20)');
		const t0 = await serverNow();
		await run('UPDATE ct_twice SET v = 11 WHERE id = 1');
		await run('UPDATE ct_twice SET v = 12 WHERE id = 1');
		await run('UPDATE ct_twice SET v = 21 WHERE id = 2');
		await run('UPDATE ct_twice SET v = 20 WHERE id = 2');
		expect(rows(await changes('ct_twice', t0))).toEqual(sorted(['1|10|DELETE|true', '1|12|INSERT|true', '2|20|DELETE|true', '2|20|INSERT|true']));
	});

	it('an update of the key column keeps the row id', async () => {
		await run('CREATE TABLE ct_key (id NUMBER, v VARCHAR) CHANGE_TRACKING = TRUE');
		await run("INSERT INTO ct_key VALUES (1, 'x'), (2, 'y')");
		const t0 = await serverNow();
		await run('UPDATE ct_key SET id = 3 - id');
		const result = await changes('ct_key', t0);
		expect(rows(result)).toEqual(['1|x|DELETE|true', '1|y|INSERT|true', '2|x|INSERT|true', '2|y|DELETE|true']);
		const byRowId = new Map<string, string[]>();
		for (const r of result.data) byRowId.set(r[4] as string, [...(byRowId.get(r[4] as string) ?? []), `${r[2]}:${r[0]}${r[1]}`]);
		expect([...byRowId.values()].map((v) => v.sort().join(' ')).sort()).toEqual(['DELETE:1x INSERT:2x', 'DELETE:2y INSERT:1y']);
	});

	it('END is inclusive and AT(TIMESTAMP) starts after the state at that time: consecutive windows tile', async () => {
		await run('CREATE TABLE ct_tile (id NUMBER) CHANGE_TRACKING = TRUE');
		const t0 = await serverNow();
		await run('INSERT INTO ct_tile VALUES (1)');
		const t1 = await serverNow();
		await run('INSERT INTO ct_tile VALUES (2)');
		await run('UPDATE ct_tile SET id = 10 WHERE id = 1');
		const t2 = await serverNow();
		expect(rows(await changes('ct_tile', t0, t1))).toEqual(sorted(['1|INSERT|false']));
		expect(rows(await changes('ct_tile', t1, t2))).toEqual(sorted(['1|DELETE|true', '10|INSERT|true', '2|INSERT|false']));
		expect(rows(await changes('ct_tile', t0, t2))).toEqual(sorted(['10|INSERT|false', '2|INSERT|false']));
		expect(rows(await changes('ct_tile', t2))).toEqual(sorted([]));
	});

	it('TRUNCATE is a delete of every row; MERGE inserts, updates and deletes', async () => {
		await run('CREATE TABLE ct_merge (id NUMBER, v NUMBER) CHANGE_TRACKING = TRUE');
		await run('INSERT INTO ct_merge VALUES (1, 1), (2, 2), (3, 3)');
		const t0 = await serverNow();
		await run(
			'MERGE INTO ct_merge t USING (SELECT * FROM VALUES (1, 10), (2, NULL), (4, 40)) s ON t.id = s.$1 WHEN MATCHED AND s.$2 IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.$2 WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.$1, s.$2)',
		);
		expect(rows(await changes('ct_merge', t0))).toEqual(sorted(['1|1|DELETE|true', '1|10|INSERT|true', '2|2|DELETE|false', '4|40|INSERT|false']));
		const t1 = await serverNow();
		await run('TRUNCATE TABLE ct_merge');
		expect(rows(await changes('ct_merge', t1))).toEqual(sorted(['1|10|DELETE|false', '3|3|DELETE|false', '4|40|DELETE|false']));
	});
});

describe('CHANGES(INFORMATION => APPEND_ONLY)', () => {
	it('returns the inserted rows only, also when later updated or deleted', async () => {
		await run('CREATE TABLE ct_append (id NUMBER, v VARCHAR) CHANGE_TRACKING = TRUE');
		await run("INSERT INTO ct_append VALUES (1, 'old')");
		const t0 = await serverNow();
		await run("INSERT INTO ct_append VALUES (2, 'x'), (3, 'y')");
		await run("UPDATE ct_append SET v = 'new' WHERE id IN (1, 2)");
		await run('DELETE FROM ct_append WHERE id = 3');
		expect(rows(await changes('ct_append', t0, undefined, 'APPEND_ONLY'))).toEqual(sorted(['2|x|INSERT|false', '3|y|INSERT|false']));
	});
});

describe('transactions commit atomically', () => {
	it('a rolled-back transaction leaves nothing; an open one is invisible until COMMIT, then appears at its commit time', async () => {
		await run('CREATE TABLE ct_txn (id NUMBER) CHANGE_TRACKING = TRUE');
		const t0 = await serverNow();
		await run('BEGIN', undefined, other);
		await run('INSERT INTO ct_txn VALUES (1)', undefined, other);
		await run('UPDATE ct_txn SET id = 2', undefined, other);
		await run('ROLLBACK', undefined, other);
		expect(rows(await changes('ct_txn', t0))).toEqual(sorted([]));
		await run('BEGIN', undefined, other);
		await run('INSERT INTO ct_txn VALUES (3), (4)', undefined, other);
		await run('DELETE FROM ct_txn WHERE id = 4', undefined, other);
		const t1 = await serverNow();
		expect(rows(await changes('ct_txn', t0))).toEqual(sorted([]));
		await run('COMMIT', undefined, other);
		// Committed after t1 was read: outside (t0, t1], inside (t1, now].
		expect(rows(await changes('ct_txn', t0, t1))).toEqual(sorted([]));
		expect(rows(await changes('ct_txn', t1))).toEqual(sorted(['3|INSERT|false']));
	});

	it('a failed statement inside a transaction aborts it: nothing of it is logged', async () => {
		await run('CREATE TABLE ct_fail (id NUMBER NOT NULL) CHANGE_TRACKING = TRUE');
		const t0 = await serverNow();
		await run('BEGIN', undefined, other);
		await run('INSERT INTO ct_fail VALUES (1)', undefined, other);
		await expect(run('INSERT INTO ct_fail VALUES (NULL)', undefined, other)).rejects.toBeInstanceOf(SnowflakeSqlError);
		await run('COMMIT', undefined, other);
		expect(rows(await changes('ct_fail', t0))).toEqual(sorted([]));
		expect((await run('SELECT COUNT(*) FROM ct_fail')).data).toEqual([['0']]);
	});
});

describe('points: BEFORE/AT(STATEMENT), OFFSET, retention', () => {
	it('AT(STATEMENT) starts after the statement, BEFORE(STATEMENT) includes it', async () => {
		await run('CREATE TABLE ct_stmt (id NUMBER) CHANGE_TRACKING = TRUE');
		await run('INSERT INTO ct_stmt VALUES (1)', undefined, session, ctx({ statementHandle: 'handle-1' }));
		await run('INSERT INTO ct_stmt VALUES (2)', undefined, session, ctx({ statementHandle: 'handle-2' }));
		const read = async (clause: string) => rows(await run(`SELECT * FROM ct_stmt CHANGES(INFORMATION => DEFAULT) ${clause}`));
		expect(await read("AT(STATEMENT => 'handle-1')")).toEqual(['2|INSERT|false']);
		expect(await read("BEFORE(STATEMENT => 'handle-1')")).toEqual(['1|INSERT|false', '2|INSERT|false']);
		expect(await read("BEFORE(STATEMENT => 'handle-1') END(STATEMENT => 'handle-1')")).toEqual(['1|INSERT|false']);
		expect((await failure("SELECT * FROM ct_stmt CHANGES(INFORMATION => DEFAULT) AT(STATEMENT => 'nope')")).code).toBe('000709');
	});

	it('AT(OFFSET => -n) counts back from now; the alias and other bindings of the statement keep working', async () => {
		await run('CREATE TABLE ct_offset (id NUMBER, v VARCHAR) CHANGE_TRACKING = TRUE');
		await run("INSERT INTO ct_offset VALUES (1, 'a')");
		// The table is younger than the offset: Snowflake refuses a start before the creation.
		expect((await failure('SELECT * FROM ct_offset CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -60)')).code).toBe('000707');
		await run("SELECT SYSTEM$WAIT(300, 'MILLISECONDS')");
		await run("INSERT INTO ct_offset VALUES (2, 'b'), (3, 'b')");
		const result = await run('SELECT c.id FROM ct_offset CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -0.1 * 2) c WHERE c.v = ? ORDER BY 1', {
			'1': { type: 'TEXT', value: 'b' },
		});
		expect(result.data).toEqual([['2'], ['3']]);
		expect(result.rowType[0]).toMatchObject({ name: 'ID', table: 'CT_OFFSET', schema: 'PUBLIC', database: 'EMULATOR_DB' });
	});

	it('a start older than the retention is refused with 000707 (retention set per engine for the test)', async () => {
		const short = await createDuckDbEngine({ changeRetentionMs: 50 });
		try {
			const s = await short.openSession();
			await s.run('CREATE TABLE ct_ret (id NUMBER) CHANGE_TRACKING = TRUE', undefined, ctx());
			const cell = (await s.run('SELECT CURRENT_TIMESTAMP()', undefined, ctx())).data[0][0] as string;
			const [sec, frac = ''] = cell.split('.');
			const start = { type: 'TIMESTAMP_LTZ' as const, value: `${sec}${frac.padEnd(9, '0')}` };
			await s.run('SELECT SYSTEM$WAIT(200, \'MILLISECONDS\')', undefined, ctx());
			const error = await s.run('SELECT * FROM ct_ret CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?)', { '1': start }, ctx()).catch((e: unknown) => e);
			expect((error as SnowflakeSqlError).code).toBe('000707');
		} finally {
			await short.close();
		}
	});

	it('DATA_RETENTION_TIME_IN_DAYS shows in SHOW TABLES and 0 refuses every past start', async () => {
		await run('CREATE TABLE ct_zero (id NUMBER) CHANGE_TRACKING = TRUE DATA_RETENTION_TIME_IN_DAYS = 0');
		expect((await run("SHOW TABLES LIKE 'CT_ZERO'")).data[0][10]).toBe('0');
		const error = await failure('SELECT * FROM ct_zero CHANGES(INFORMATION => DEFAULT) AT(OFFSET => -1)');
		expect(error.code).toBe('000707');
		await run('ALTER TABLE ct_zero SET DATA_RETENTION_TIME_IN_DAYS = 1');
		expect((await run("SHOW TABLES LIKE 'CT_ZERO'")).data[0][10]).toBe('1');
	});

	it('a recreated table starts a new history: a start before its creation is 000707', async () => {
		await run('CREATE TABLE ct_again (id NUMBER) CHANGE_TRACKING = TRUE');
		const t0 = await serverNow();
		await run('INSERT INTO ct_again VALUES (1)');
		await run('CREATE OR REPLACE TABLE ct_again (id NUMBER) CHANGE_TRACKING = TRUE');
		expect((await failure('SELECT * FROM ct_again CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?)', { '1': t0 })).code).toBe('000707');
		await run('DROP TABLE ct_again');
		expect((await failure('SELECT * FROM ct_again CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?)', { '1': t0 })).code).toBe('002003');
	});

	it('ALTER TABLE ADD COLUMN on a tracked table: later changes carry the new column', async () => {
		await run('CREATE TABLE ct_add (id NUMBER) CHANGE_TRACKING = TRUE');
		const t0 = await serverNow();
		await run('INSERT INTO ct_add VALUES (1)');
		await run('ALTER TABLE ct_add ADD COLUMN note VARCHAR');
		await run("INSERT INTO ct_add VALUES (2, 'n')");
		expect(rows(await changes('ct_add', t0))).toEqual(sorted(['1||INSERT|false', '2|n|INSERT|false']));
	});
});
