import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import {
	SqlInputError,
	buildDelete,
	buildInsert,
	buildSelect,
	buildTruncate,
	buildUpdate,
	buildUpsert,
} from '../../../nodes/SnowflakeSqlApi/helpers';

type BatchStatement = ReturnType<typeof buildInsert>[number];

/** The SQL API's limits the builders keep to unless told otherwise. */
const MAX_BINDINGS = 16_384;
const MAX_STATEMENT_BYTES = 1_000_000;

/** A value the builder cannot bind: a SqlInputError naming the item (and the column or parameter). */
type BindingError = SqlInputError & { column?: string; parameterIndex?: number };

function caught(run: () => unknown): Error {
	try {
		run();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
}

const fixed = (value: string | null) => ({ type: 'FIXED', value });
const text = (value: string | null) => ({ type: 'TEXT', value });

/** What the size cap measures: statement text plus bound values, in UTF-8. */
function size(statement: BatchStatement): number {
	const values = Object.values(statement.bindings).map((binding) => binding.value ?? '');
	return Buffer.byteLength(statement.statement + values.join(''), 'utf8');
}

describe('buildInsert', () => {
	it('batches rows into one multi-row INSERT', () => {
		expect(
			buildInsert('my_table', ['id', 'name'], [
				{ id: 1, name: 'a' },
				{ id: 2, name: null },
			]),
		).toEqual([
			{
				statement: 'INSERT INTO "MY_TABLE" ("ID", "NAME") VALUES (?, ?), (?, ?)',
				bindings: { '1': fixed('1'), '2': text('a'), '3': fixed('2'), '4': text(null) },
				rowIndexes: [0, 1],
				sourceRows: 2,
			},
		]);
	});

	it('quotes qualified, quoted, dotted and unicode names as typed', () => {
		const [statement] = buildInsert('"my.db".Sales."Order Items"', ['Straße', '"Qty"', 'order-id', 'O"Brien'], [
			{ Straße: 'x', '"Qty"': 3, 'order-id': 'o1', 'O"Brien': true },
		]);
		expect(statement.statement).toBe(
			'INSERT INTO "my.db"."SALES"."Order Items" ("Straße", "Qty", "order-id", "O""Brien") VALUES (?, ?, ?, ?)',
		);
		expect(statement.bindings).toEqual({
			'1': text('x'),
			'2': fixed('3'),
			'3': text('o1'),
			'4': { type: 'BOOLEAN', value: 'true' },
		});
	});

	it('maps an item field to a differently named column', () => {
		expect(buildInsert('t', [{ field: 'id', column: '"id"' }], [{ id: 7 }])[0].statement).toBe(
			'INSERT INTO "T" ("id") VALUES (?)',
		);
	});

	it('uses INSERT … SELECT … FROM VALUES when a column needs PARSE_JSON', () => {
		expect(
			buildInsert('t', ['id', 'doc', 'tags'], [{ id: 1, doc: { a: 1 }, tags: ['x'] }, { id: 2, doc: '{"b":2}', tags: null }], {
				columnTypes: { doc: 'VARIANT', TAGS: 'array' },
			}),
		).toEqual([
			{
				statement: 'INSERT INTO "T" ("ID", "DOC", "TAGS") SELECT $1, PARSE_JSON($2), PARSE_JSON($3) FROM VALUES (?, ?, ?), (?, ?, ?)',
				bindings: {
					'1': fixed('1'),
					'2': text('{"a":1}'),
					'3': text('["x"]'),
					'4': fixed('2'),
					'5': text('{"b":2}'),
					'6': text(null),
				},
				rowIndexes: [0, 1],
				sourceRows: 2,
			},
		]);
	});

	it('leaves a column missing from an item to its DEFAULT: such rows get their own statement', () => {
		expect(buildInsert('t', ['id', 'note'], [{ id: 1, note: 'a' }, { id: 2 }, { id: 3, note: undefined }, { id: 4, note: 'd' }])).toEqual([
			{
				statement: 'INSERT INTO "T" ("ID", "NOTE") VALUES (?, ?), (?, ?)',
				bindings: { '1': fixed('1'), '2': text('a'), '3': fixed('4'), '4': text('d') },
				rowIndexes: [0, 3],
				sourceRows: 2,
			},
			{
				statement: 'INSERT INTO "T" ("ID") VALUES (?), (?)',
				bindings: { '1': fixed('2'), '2': fixed('3') },
				rowIndexes: [1, 2],
				sourceRows: 2,
			},
		]);
	});

	it('returns no statements for no rows', () => {
		expect(buildInsert('t', ['a'], [])).toEqual([]);
	});

	it.each([
		['no columns', () => buildInsert('t', [], [{ a: 1 }]), 'Insert needs at least one column'],
		[
			'duplicate columns after case folding',
			() => buildInsert('t', ['id', 'ID'], [{ id: 1, ID: 2 }]),
			`Columns 'id' and 'ID' both name column "ID"; list each column once`,
		],
		[
			'a quoted and an unquoted spelling of the same column',
			() => buildInsert('t', ['"NAME"', 'name'], [{}]),
			`Columns '"NAME"' and 'name' both name column "NAME"; list each column once`,
		],
		['an item with none of the columns', () => buildInsert('t', ['a', 'b'], [{ a: 1 }, { c: 1 }]), 'Item 1 has no value for any of the columns to insert'],
		['a bad table name', () => buildInsert('a.b.c.d', ['x'], [{ x: 1 }]), "Invalid table name 'a.b.c.d': it has 4 parts; use table, schema.table or database.schema.table"],
		['a bad column name', () => buildInsert('t', ['"open'], [{ x: 1 }]), `Invalid column name '"open': a double quote opens a name but never closes it`],
	])('refuses %s', (_, run, message) => {
		const error = caught(run);
		expect(error).toBeInstanceOf(SqlInputError);
		expect(error.message).toBe(message);
	});

	it('names the item and column of a value it cannot bind', () => {
		const error = caught(() => buildInsert('t', ['id', 'day'], [{ id: 1, day: '2024-02-29' }, { id: 2, day: '2024-02-30' }], { columnTypes: { day: 'DATE' } }));
		expect(error).toBeInstanceOf(SqlInputError);
		expect(error.name).toBe('BindingError');
		expect(error.message).toBe("Item 1, column 'day': '2024-02-30' is not a valid DATE (expected YYYY-MM-DD)");
		expect((error as BindingError).itemIndex).toBe(1);
		expect((error as BindingError).column).toBe('day');
	});

	it('refuses 2^64 given as a JS number in an inferred column', () => {
		expect(caught(() => buildInsert('t', ['n'], [{ n: 1 }, { n: 2 ** 64 }])).message).toBe(
			"Item 1, column 'n': 18446744073709552000 is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit",
		);
	});

	it('refuses an unknown column type hint', () => {
		expect(caught(() => buildInsert('t', ['n'], [{ n: 1 }], { columnTypes: { n: 'INT' } })).message).toBe(
			"Column 'n': 'INT' is not a binding type (use auto, FIXED, REAL, DECFLOAT, TEXT, BINARY, BOOLEAN, DATE, TIME, TIMESTAMP_TZ, TIMESTAMP_LTZ, TIMESTAMP_NTZ, VARIANT, OBJECT, ARRAY)",
		);
	});
});

describe('column types across rows', () => {
	const bindingsOf = (values: unknown[], columnTypes?: Record<string, string>) =>
		Object.values(buildInsert('t', ['v'], values.map((v) => ({ v })), { columnTypes })[0].bindings);

	it.each([
		['all integers → FIXED', [1, 2, null], [fixed('1'), fixed('2'), fixed(null)]],
		['integers with fractions widen to REAL', [1, 2.5, null], [{ type: 'REAL', value: '1' }, { type: 'REAL', value: '2.5' }, { type: 'REAL', value: null }]],
		['a bigint beyond 2^53 with a fraction → TEXT', [2n ** 64n, 0.5], [text('18446744073709551616'), text('0.5')]],
		['numbers with strings → TEXT', [1, 'two'], [text('1'), text('two')]],
		['booleans with strings → TEXT', [true, 'no'], [text('true'), text('no')]],
		['Date with DateTime → TIMESTAMP_TZ', [new Date('2024-01-01T00:00:00Z'), DateTime.fromISO('2024-01-01T00:00:00+02:00', { setZone: true })], [{ type: 'TIMESTAMP_TZ', value: '1704067200000000000 1440' }, { type: 'TIMESTAMP_TZ', value: '1704060000000000000 1560' }]],
		['objects with strings → TEXT JSON', [{ a: 1 }, 'x'], [text('{"a":1}'), text('x')]],
		['only objects and arrays → VARIANT (JSON text through PARSE_JSON)', [{ a: 1 }, [2], null], [text('{"a":1}'), text('[2]'), text(null)]],
		['only nulls → TEXT', [null, null], [text(null), text(null)]],
	])('%s', (_, values, expected) => {
		expect(bindingsOf(values)).toEqual(expected);
	});

	it('a column of objects and arrays is parsed as JSON; a JSON string stays text', () => {
		expect(buildInsert('t', ['id', 'doc'], [{ id: 1, doc: { a: [1] } }, { id: 2, doc: [true] }])[0].statement).toBe(
			'INSERT INTO "T" ("ID", "DOC") SELECT $1, PARSE_JSON($2) FROM VALUES (?, ?), (?, ?)',
		);
		expect(buildInsert('t', ['doc'], [{ doc: '{"a":1}' }])[0].statement).toBe('INSERT INTO "T" ("DOC") VALUES (?)');
		expect(buildUpdate('t', ['id'], ['doc'], [{ id: 1, doc: { a: 1 } }])[0].statement).toContain('PARSE_JSON($2) AS "DOC"');
	});

	it('a hint wins over inference, keyed by field or by the column it names', () => {
		expect(bindingsOf(['5', 6], { v: 'FIXED' })).toEqual([fixed('5'), fixed('6')]);
		expect(bindingsOf(['5', 6], { '"V"': 'decfloat' })).toEqual([{ type: 'DECFLOAT', value: '5' }, { type: 'DECFLOAT', value: '6' }]);
		expect(bindingsOf(['5'], { '"open': 'FIXED' })).toEqual([text('5')]);
	});
});

describe('chunking', () => {
	const rows = (count: number, value = (i: number) => `v${i}`) =>
		Array.from({ length: count }, (_, i) => ({ id: i, name: value(i) }));

	it('keeps to 16,384 bindings and 1,000,000 bytes per statement by default', () => {
		const ids = buildInsert('t', ['id'], Array.from({ length: MAX_BINDINGS + 1 }, (_, i) => ({ id: i })));
		expect(ids.map((statement) => Object.keys(statement.bindings).length)).toEqual([MAX_BINDINGS, 1]);
		const wide = buildInsert('t', ['id', 'name'], Array.from({ length: 25 }, (_, i) => ({ id: i, name: 'x'.repeat(100_000) })));
		expect(wide.map((statement) => statement.rowIndexes.length)).toEqual([9, 9, 7]);
		for (const statement of wide) expect(size(statement)).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
	});

	it.each([
		[4, [[0, 1], [2, 3], [4]]],
		[5, [[0, 1], [2, 3], [4]]],
		[6, [[0, 1, 2], [3, 4]]],
		[10, [[0, 1, 2, 3, 4]]],
		[1, [[0], [1], [2], [3], [4]]],
	])('maxBindings %i → rows %j', (maxBindings, groups) => {
		const statements = buildInsert('t', ['id', 'name'], rows(5), { maxBindings });
		expect(statements.map((s) => s.rowIndexes)).toEqual(groups);
		for (const statement of statements) {
			expect(Object.keys(statement.bindings)).toEqual(
				Array.from({ length: statement.rowIndexes.length * 2 }, (_, i) => String(i + 1)),
			);
			expect(statement.statement).toBe(`INSERT INTO "T" ("ID", "NAME") VALUES ${statement.rowIndexes.map(() => '(?, ?)').join(', ')}`);
		}
	});

	it('splits exactly at the size cap (statement text plus values, UTF-8)', () => {
		const data = rows(3, () => 'é'.repeat(10));
		const [two] = buildInsert('t', ['id', 'name'], data.slice(0, 2));
		const cap = size(two);
		expect(buildInsert('t', ['id', 'name'], data, { maxStatementBytes: cap }).map((s) => s.rowIndexes)).toEqual([[0, 1], [2]]);
		expect(buildInsert('t', ['id', 'name'], data, { maxStatementBytes: cap - 1 }).map((s) => s.rowIndexes)).toEqual([[0], [1], [2]]);
		for (const statement of buildInsert('t', ['id', 'name'], data, { maxStatementBytes: cap })) {
			expect(size(statement)).toBeLessThanOrEqual(cap);
		}
	});

	it('puts a row larger than the size cap alone in its statement', () => {
		const data = [{ id: 0, name: 'x' }, { id: 1, name: 'y'.repeat(2_000) }, { id: 2, name: 'z' }];
		expect(buildInsert('t', ['id', 'name'], data, { maxStatementBytes: 500 }).map((s) => s.rowIndexes)).toEqual([[0], [1], [2]]);
	});

	it('writes 10,000 items in two statements with the defaults, every row once', () => {
		const statements = buildInsert('t', ['id', 'name', 'flag'], Array.from({ length: 10_000 }, (_, i) => ({ id: i, name: `n${i}`, flag: i % 2 === 0 })));
		expect(statements.map((s) => s.rowIndexes.length)).toEqual([5461, 4539]);
		expect(statements.flatMap((s) => s.rowIndexes)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
		expect(statements[1].bindings['1']).toEqual(fixed('5461'));
		for (const statement of statements) expect(size(statement)).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
	});

	it('keeps big statements under 1 MB', () => {
		const statements = buildInsert('t', ['id', 'body'], Array.from({ length: 300 }, (_, i) => ({ id: i, body: 'x'.repeat(10_000) })));
		expect(statements.map((s) => s.rowIndexes.length)).toEqual([99, 99, 99, 3]);
		for (const statement of statements) expect(size(statement)).toBeLessThanOrEqual(1_000_000);
	});

	it.each([
		[{ maxBindings: 0 }, 'maxBindings must be a whole number of 1 or more (got 0)'],
		[{ maxStatementBytes: 1.5 }, 'maxStatementBytes must be a whole number of 1 or more (got 1.5)'],
	])('refuses %j', (options, message) => {
		expect(caught(() => buildInsert('t', ['id'], [{ id: 1 }], options)).message).toBe(message);
	});
});

describe('buildUpdate', () => {
	it('updates through one MERGE over a VALUES source, matching NULL-safely', () => {
		expect(buildUpdate('t', ['id'], ['name', 'qty'], [{ id: 1, name: 'a', qty: 2 }, { id: null, name: 'b', qty: 3 }])).toEqual([
			{
				statement:
					'MERGE INTO "T" AS t USING (SELECT $1 AS "ID", $2 AS "NAME", $3 AS "QTY" FROM VALUES (?, ?, ?), (?, ?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME", "QTY" = s."QTY"',
				bindings: { '1': fixed('1'), '2': text('a'), '3': fixed('2'), '4': fixed(null), '5': text('b'), '6': fixed('3') },
				rowIndexes: [0, 1],
				sourceRows: 2,
			},
		]);
	});

	it('matches on several columns, drops a match column repeated among the set columns, parses JSON', () => {
		const [statement] = buildUpdate('s1.t', ['tenant', 'Id'], ['ID', 'doc'], [{ tenant: 'x', Id: 1, ID: 1, doc: { a: 1 } }], { columnTypes: { doc: 'OBJECT' } });
		expect(statement.statement).toBe(
			'MERGE INTO "S1"."T" AS t USING (SELECT $1 AS "TENANT", $2 AS "ID", PARSE_JSON($3) AS "DOC" FROM VALUES (?, ?, ?)) AS s ON t."TENANT" IS NOT DISTINCT FROM s."TENANT" AND t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "DOC" = s."DOC"',
		);
		expect(statement.bindings).toEqual({ '1': text('x'), '2': fixed('1'), '3': text('{"a":1}') });
	});

	it('leaves a column missing from an item unchanged', () => {
		expect(buildUpdate('t', ['id'], ['a', 'b'], [{ id: 1, a: 1 }, { id: 2, a: 2, b: 2 }]).map((s) => s.statement)).toEqual([
			'MERGE INTO "T" AS t USING (SELECT $1 AS "ID", $2 AS "A" FROM VALUES (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "A" = s."A"',
			'MERGE INTO "T" AS t USING (SELECT $1 AS "ID", $2 AS "A", $3 AS "B" FROM VALUES (?, ?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "A" = s."A", "B" = s."B"',
		]);
	});

	it('merges items with the same key, later values winning column by column', () => {
		expect(buildUpdate('t', ['id'], ['a', 'b'], [{ id: 1, a: 1, b: 1 }, { id: 2, a: 5, b: 5 }, { id: 1, a: 9 }])).toEqual([
			{
				statement:
					'MERGE INTO "T" AS t USING (SELECT $1 AS "ID", $2 AS "A", $3 AS "B" FROM VALUES (?, ?, ?), (?, ?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "A" = s."A", "B" = s."B"',
				bindings: { '1': fixed('1'), '2': fixed('9'), '3': fixed('1'), '4': fixed('2'), '5': fixed('5'), '6': fixed('5') },
				rowIndexes: [0, 1, 2],
				sourceRows: 2,
			},
		]);
	});

	it.each([
		['no match columns', () => buildUpdate('t', [], ['a'], [{ a: 1 }]), 'Update needs at least one column'],
		['only match columns', () => buildUpdate('t', ['id'], ['ID'], [{ id: 1 }]), 'Update needs at least one column to set besides the match columns'],
		['an item without the match column', () => buildUpdate('t', ['id'], ['a'], [{ id: 1, a: 1 }, { a: 2 }]), "Item 1 has no value for match column 'id'"],
		['an item with nothing to set', () => buildUpdate('t', ['id'], ['a'], [{ id: 1 }]), 'Item 0 has no value for any of the columns to update'],
		['duplicate match columns', () => buildUpdate('t', ['id', '"ID"'], ['a'], [{}]), `Columns 'id' and '"ID"' both name column "ID"; list each column once`],
	])('refuses %s', (_, run, message) => {
		const error = caught(run);
		expect(error).toBeInstanceOf(SqlInputError);
		expect(error.message).toBe(message);
	});

	it('gives the item index of a row missing its match column', () => {
		expect((caught(() => buildUpdate('t', ['id'], ['a'], [{ id: 1, a: 1 }, { a: 2 }])) as SqlInputError).itemIndex).toBe(1);
	});
});

describe('buildUpsert', () => {
	it('updates matches and inserts the rest in one MERGE', () => {
		expect(buildUpsert('"Sales"."Orders"', ['id'], ['id', 'status'], [{ id: 1, status: 'new' }, { id: 2, status: 'paid' }])).toEqual([
			{
				statement:
					'MERGE INTO "Sales"."Orders" AS t USING (SELECT $1 AS "ID", $2 AS "STATUS" FROM VALUES (?, ?), (?, ?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN MATCHED THEN UPDATE SET "STATUS" = s."STATUS" WHEN NOT MATCHED THEN INSERT ("ID", "STATUS") VALUES (s."ID", s."STATUS")',
				bindings: { '1': fixed('1'), '2': text('new'), '3': fixed('2'), '4': text('paid') },
				rowIndexes: [0, 1],
				sourceRows: 2,
			},
		]);
	});

	it('with only the match columns given, inserts what is missing and updates nothing', () => {
		expect(buildUpsert('t', ['id'], ['name'], [{ id: 3 }])).toEqual([
			{
				statement:
					'MERGE INTO "T" AS t USING (SELECT $1 AS "ID" FROM VALUES (?)) AS s ON t."ID" IS NOT DISTINCT FROM s."ID" WHEN NOT MATCHED THEN INSERT ("ID") VALUES (s."ID")',
				bindings: { '1': fixed('3') },
				rowIndexes: [0],
				sourceRows: 1,
			},
		]);
	});

	it('merges duplicate keys and wraps JSON columns', () => {
		const [statement] = buildUpsert('t', ['k'], ['v'], [{ k: 'a', v: [1] }, { k: 'a', v: [2] }], { columnTypes: { v: 'ARRAY' } });
		expect(statement.statement).toBe(
			'MERGE INTO "T" AS t USING (SELECT $1 AS "K", PARSE_JSON($2) AS "V" FROM VALUES (?, ?)) AS s ON t."K" IS NOT DISTINCT FROM s."K" WHEN MATCHED THEN UPDATE SET "V" = s."V" WHEN NOT MATCHED THEN INSERT ("K", "V") VALUES (s."K", s."V")',
		);
		expect(statement.bindings).toEqual({ '1': text('a'), '2': text('[2]') });
		expect(statement.rowIndexes).toEqual([0, 1]);
	});

	it('refuses an item without a match column', () => {
		expect(caught(() => buildUpsert('t', ['id', 'tenant'], ['a'], [{ id: 1, a: 1 }])).message).toBe("Item 0 has no value for match column 'tenant'");
	});

	it('chunks by bindings like the others', () => {
		const statements = buildUpsert('t', ['id'], ['a'], Array.from({ length: 5 }, (_, id) => ({ id, a: id })), { maxBindings: 4 });
		expect(statements.map((s) => s.rowIndexes)).toEqual([[0, 1], [2, 3], [4]]);
	});
});

describe('buildDelete', () => {
	it('deletes through USING a VALUES source, NULL-safely, on composite keys', () => {
		expect(buildDelete('db.sch.t', ['a', 'b'], [{ a: 1, b: 'x' }, { a: 2, b: null }, { a: 1, b: 'x' }])).toEqual([
			{
				statement:
					'DELETE FROM "DB"."SCH"."T" AS t USING (SELECT $1 AS "A", $2 AS "B" FROM VALUES (?, ?), (?, ?)) AS s WHERE t."A" IS NOT DISTINCT FROM s."A" AND t."B" IS NOT DISTINCT FROM s."B"',
				bindings: { '1': fixed('1'), '2': text('x'), '3': fixed('2'), '4': text(null) },
				rowIndexes: [0, 1, 2],
				sourceRows: 2,
			},
		]);
	});

	it('chunks on bindings', () => {
		expect(buildDelete('t', ['id'], [{ id: 1 }, { id: 2 }, { id: 3 }], { maxBindings: 2 }).map((s) => s.rowIndexes)).toEqual([[0, 1], [2]]);
	});

	it.each([
		[() => buildDelete('t', [], [{ id: 1 }]), 'Delete needs at least one column'],
		[() => buildDelete('t', ['id'], [{ id: 1 }, {}]), "Item 1 has no value for match column 'id'"],
	])('refuses (%#)', (run, message) => {
		expect(caught(run).message).toBe(message);
	});
});

describe('buildTruncate', () => {
	it.each([
		['orders', 'TRUNCATE TABLE "ORDERS"'],
		['"my.db".public."Order Items"', 'TRUNCATE TABLE "my.db"."PUBLIC"."Order Items"'],
	])('%s', (table, statement) => {
		expect(buildTruncate(table)).toEqual({ statement, bindings: {} });
	});

	it('refuses a bad name', () => {
		expect(caught(() => buildTruncate('a..b')).message).toBe("Invalid table name 'a..b': part 2 is empty");
	});
});

describe('buildSelect', () => {
	it('selects everything by default', () => {
		expect(buildSelect('t')).toEqual({ statement: 'SELECT * FROM "T"', bindings: {} });
	});

	it.each([
		['=', 5, '"A" = ?', [fixed('5')]],
		['!=', 'x', '"A" != ?', [text('x')]],
		['>', 1.5, '"A" > ?', [{ type: 'REAL', value: '1.5' }]],
		['<', 2, '"A" < ?', [fixed('2')]],
		['>=', 2, '"A" >= ?', [fixed('2')]],
		['<=', 2, '"A" <= ?', [fixed('2')]],
		['like', 'ab%', '"A" LIKE ?', [text('ab%')]],
		['ILIKE', '%b', '"A" ILIKE ?', [text('%b')]],
		['IN', [1, 2, 3], '"A" IN (?, ?, ?)', [fixed('1'), fixed('2'), fixed('3')]],
		['in', 'x, y', '"A" IN (?, ?)', [text('x'), text('y')]],
		['IS NULL', undefined, '"A" IS NULL', []],
		['is  not   null', 'ignored', '"A" IS NOT NULL', []],
	])('%s', (condition, value, sql, bindings) => {
		const built = buildSelect('t', { where: [{ column: 'a', condition, value }] });
		expect(built.statement).toBe(`SELECT * FROM "T" WHERE ${sql}`);
		expect(Object.values(built.bindings)).toEqual(bindings);
	});

	it('combines conditions, sorts, limits and offsets, binding every value in order', () => {
		expect(
			buildSelect('sales.orders', {
				columns: ['id', '"Total"'],
				where: [
					{ column: 'status', condition: '=', value: 'paid' },
					{ column: 'created', condition: '>=', value: '2024-01-01', type: 'DATE' },
					{ column: 'payload', condition: '=', value: { a: 1 }, type: 'VARIANT' },
				],
				combine: 'or',
				sort: [{ column: 'created', direction: 'desc' }, { column: 'id' }],
				limit: 10,
				offset: 20,
			}),
		).toEqual({
			statement:
				'SELECT "ID", "Total" FROM "SALES"."ORDERS" WHERE "STATUS" = ? OR "CREATED" >= ? OR "PAYLOAD" = PARSE_JSON(?) ORDER BY "CREATED" DESC, "ID" ASC LIMIT 10 OFFSET 20',
			bindings: { '1': text('paid'), '2': { type: 'DATE', value: '1704067200000' }, '3': text('{"a":1}') },
		});
	});

	it.each([
		[{ limit: 0 }, 'SELECT * FROM "T" LIMIT 0'],
		[{ limit: 5 }, 'SELECT * FROM "T" LIMIT 5'],
		[{ offset: 5 }, 'SELECT * FROM "T" LIMIT NULL OFFSET 5'],
	])('%j', (options, statement) => {
		expect(buildSelect('t', options).statement).toBe(statement);
	});

	it.each([
		[{ where: [{ column: 'a', condition: 'CONTAINS', value: 1 }] }, "Condition 1 on 'a': 'CONTAINS' is not a supported condition (use =, !=, >, <, >=, <=, LIKE, ILIKE, IN, IS NULL, IS NOT NULL)"],
		[{ where: [{ column: 'a', condition: '=', value: 1 }, { column: 'b', condition: '=', value: null }] }, "Condition 2 on 'b': the value is empty (null); a comparison with null never matches, use IS NULL or IS NOT NULL"],
		[{ where: [{ column: 'a', condition: 'IN', value: [] }] }, "Condition 1 on 'a': IN needs at least one value"],
		[{ where: [{ column: 'a', condition: 'IN', value: [1, null] }] }, "Condition 1 on 'a': the value is empty (null); a comparison with null never matches, use IS NULL or IS NOT NULL"],
		[{ where: [{ column: 'a', condition: '>', value: 'soon', type: 'TIMESTAMP_LTZ' }] }, "Condition 1 on 'a': 'soon' is not a valid TIMESTAMP_LTZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789+01:00)"],
		[{ combine: 'XOR' }, "Conditions combine with AND or OR, not 'XOR'"],
		[{ sort: [{ column: 'a', direction: 'UP' }] }, "Sort on 'a': direction must be ASC or DESC, not 'UP'"],
		[{ limit: -1 }, 'Limit must be a whole number of 0 or more (got -1)'],
		[{ offset: 2.5 }, 'Offset must be a whole number of 0 or more (got 2.5)'],
		[{ columns: ['a', ''] }, "Invalid column name '': the name is empty"],
	])('refuses %j', (options, message) => {
		const error = caught(() => buildSelect('t', options));
		expect(error).toBeInstanceOf(SqlInputError);
		expect(error.message).toBe(message);
	});
});

describe('bad rows', () => {
	it('without onBadRow the first bad row fails the build, named by its item index', () => {
		const error = caught(() => buildInsert('t', ['n'], [{ n: 1 }, { n: 'x' }], { columnTypes: { n: 'FIXED' }, itemIndexes: [4, 7] }));
		expect(error).toBeInstanceOf(SqlInputError);
		expect(error.name).toBe('BindingError');
		expect(error.message).toBe("Item 7, column 'n': 'x' is not a valid FIXED (expected an integer such as 42 or -7)");
		expect((error as SqlInputError).itemIndex).toBe(7);
	});

	it('with onBadRow every bad row is reported in one pass (type inference and binding) and the others are built', () => {
		const bad: Array<[number, string]> = [];
		const statements = buildUpdate(
			't',
			['id'],
			['n', 'd'],
			[{ id: 1, n: 1 }, { id: 2, n: Number.NaN }, { n: 3 }, { id: 4, d: new Date(Number.NaN) }, { id: 5, n: 5 }],
			{ itemIndexes: [10, 11, 12, 13, 14], onBadRow: (row, error) => bad.push([row, error.message]) },
		);
		expect(bad).toEqual([
			[1, "Item 11, column 'n': NaN is not a finite number; choose type REAL to store NaN or Infinity on purpose"],
			[2, "Item 12 has no value for match column 'id'"],
			[3, "Item 13, column 'd': an invalid Date cannot be bound as TIMESTAMP_LTZ"],
		]);
		expect(statements.map((statement) => [statement.rowIndexes, statement.sourceRows])).toEqual([[[0, 4], 2]]);
	});
});
