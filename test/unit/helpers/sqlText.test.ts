import { describe, expect, it } from 'vitest';

import {
	SqlInputError,
	assertNoFileTransfer,
	countStatements,
	findPlaceholders,
	rewritePlaceholders,
	statementKeywords,
	withoutTrailingTerminators,
} from '../../../nodes/SnowflakeSqlApi/helpers';

const FILE_TRANSFER_MESSAGE =
	'PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead.';

/** The SQL as the SQL API gets it (every placeholder a `?`) and the parameter each `?` binds. */
function normalized(sql: string): { sql: string; order: number[] } {
	const found = findPlaceholders(sql);
	return { sql: rewritePlaceholders(sql, found, () => '?'), order: found.map((placeholder) => placeholder.parameter) };
}

describe('findPlaceholders and rewritePlaceholders', () => {
	it.each([
		['no placeholders', 'SELECT 1', 'SELECT 1', []],
		['? in order', 'SELECT ? , ?', 'SELECT ? , ?', [1, 2]],
		[':N rewritten to ?', 'SELECT :1, :2', 'SELECT ?, ?', [1, 2]],
		[':1 used twice binds parameter 1 twice', 'SELECT :2 WHERE a = :1 OR b = :1', 'SELECT ? WHERE a = ? OR b = ?', [2, 1, 1]],
		[':10 reads every digit', `SELECT ${Array.from({ length: 10 }, (_, i) => `:${10 - i}`).join(',')}`, `SELECT ${Array(10).fill('?').join(',')}`, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]],
		['? in a single-quoted string', "SELECT '?', ?", "SELECT '?', ?", [1]],
		['escaped quotes in a string', "SELECT 'it''s ?', 'a\\'?', ?", "SELECT 'it''s ?', 'a\\'?', ?", [1]],
		['? in a double-quoted identifier', 'SELECT "col?" FROM t WHERE a = ?', 'SELECT "col?" FROM t WHERE a = ?', [1]],
		['? in a $$ block', 'SELECT $$ ? :1 $$, ?', 'SELECT $$ ? :1 $$, ?', [1]],
		['-- comment', 'SELECT ? -- what?\n, ?', 'SELECT ? -- what?\n, ?', [1, 2]],
		['// comment', 'SELECT ? // :1?\n', 'SELECT ? // :1?\n', [1]],
		['/* */ comment', 'SELECT /* ? :1 */ ?', 'SELECT /* ? :1 */ ?', [1]],
		[':: cast is not a placeholder', 'SELECT :1::int, x::varchar', 'SELECT ?::int, x::varchar', [1]],
		['a path like v:key is not a placeholder', 'SELECT v:key, v:"k" FROM t WHERE id = :1', 'SELECT v:key, v:"k" FROM t WHERE id = ?', [1]],
		[':1 in a string', "SELECT ':1', :1", "SELECT ':1', ?", [1]],
		['unterminated string hides the rest', "SELECT ?, 'abc ?", "SELECT ?, 'abc ?", [1]],
		['$$ inside an identifier does not open a block', 'SELECT a$$b, ?', 'SELECT a$$b, ?', [1]],
	])('%s', (_, sql, expectedSql, order) => {
		expect(normalized(sql)).toEqual({ sql: expectedSql, order });
	});

	it.each([
		[
			'SELECT ?, :1',
			'The query mixes ? and :N placeholders; use one style: ? for parameters in order, or :1, :2, … by number',
		],
		['SELECT :1, :3', 'Numbered placeholders must run from :1 to :3 without gaps; :2 is missing'],
		['SELECT :2', 'Numbered placeholders must run from :1 to :2 without gaps; :1 is missing'],
		['SELECT :0', 'Placeholder :0 is not valid: numbered placeholders start at :1'],
	])('refuses %j', (sql, message) => {
		expect(() => findPlaceholders(sql)).toThrow(new SqlInputError(message));
	});
});

describe('countStatements', () => {
	it.each([
		['', 0],
		['  ;  ', 0],
		['-- only a comment', 0],
		['SELECT 1', 1],
		['SELECT 1;', 1],
		['SELECT 1;  \n ', 1],
		['SELECT 1; -- done', 1],
		['SELECT 1; SELECT 2', 2],
		['SELECT 1;; SELECT 2;', 2],
		["SELECT ';'; SELECT 2", 2],
		['SELECT "a;b" FROM t', 1],
		['SELECT $$;$$', 1],
		['SELECT 1 /* ; */', 1],
		['SELECT 1 -- ;\n', 1],
		['BEGIN; INSERT INTO t VALUES (1); COMMIT;', 3],
		["'just a string'; SELECT 1", 2],
	])('%j → %i', (sql, count) => {
		expect(countStatements(sql)).toBe(count);
	});
});

describe('statementKeywords: the first keyword', () => {
	it.each([
		['select 1', 'SELECT'],
		['  \n\tInsert into t', 'INSERT'],
		['-- put it\n/* get */ (select 1)', 'SELECT'],
		['// c\nput file:///tmp/x @s', 'PUT'],
		['WITH x AS (SELECT 1) SELECT * FROM x', 'WITH'],
		['', ''],
		['-- nothing', ''],
		["'text'", ''],
		['1 + 1', ''],
		['GET_DDL', 'GET_DDL'],
	])('%j → %j', (sql, keyword) => {
		expect(statementKeywords(sql)[0] ?? '').toBe(keyword);
	});
});

describe('assertNoFileTransfer', () => {
	it.each([
		'PUT file:///tmp/data.csv @my_stage',
		'get @my_stage file:///tmp/',
		'/* upload */ put file:///x @s',
		'SELECT 1; GET @s file:///tmp',
	])('refuses %j', (sql) => {
		expect(() => assertNoFileTransfer(sql)).toThrow(new SqlInputError(FILE_TRANSFER_MESSAGE));
	});

	it.each([
		"SELECT 'PUT'",
		'SELECT GET_DDL(\'table\', \'t\')',
		'-- PUT file:///x @s\nSELECT 1',
		'COPY INTO t FROM @s',
	])('accepts %j', (sql) => {
		expect(() => assertNoFileTransfer(sql)).not.toThrow();
	});

	it('says what to use instead', () => {
		expect(FILE_TRANSFER_MESSAGE).toBe(
			'PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead.',
		);
	});
});

describe('withoutTrailingTerminators', () => {
	it.each([
		['SELECT 1', 'SELECT 1'],
		['SELECT 1;;  \n', 'SELECT 1'],
		['INSERT INTO PT VALUES (1) -- first', 'INSERT INTO PT VALUES (1) -- first'],
		['INSERT INTO PT VALUES (1); -- first; not a separator\n', 'INSERT INTO PT VALUES (1) -- first; not a separator'],
		['INSERT INTO PT VALUES (1); // second', 'INSERT INTO PT VALUES (1) // second'],
		['INSERT INTO PT VALUES (1) /* third; */ ;', 'INSERT INTO PT VALUES (1) /* third; */'],
		["SELECT ';'; ", "SELECT ';'"],
		['SELECT 1; SELECT 2; -- two', 'SELECT 1; SELECT 2 -- two'],
	])('%j → %j', (sql, expected) => {
		expect(withoutTrailingTerminators(sql)).toBe(expected);
		// Joined the way Transaction mode joins items, the statement count is kept.
		expect(countStatements(`BEGIN\n;\n${withoutTrailingTerminators(sql)}\n;\nCOMMIT`)).toBe(countStatements(sql) + 2);
	});
});

describe('statementKeywords', () => {
	it('the leading keyword of each statement, after comments and parentheses', () => {
		expect(statementKeywords('-- set up\nCREATE TABLE T (A INT); (SELECT 1); /* x */ drop table t')).toEqual(['CREATE', 'SELECT', 'DROP']);
	});
});
