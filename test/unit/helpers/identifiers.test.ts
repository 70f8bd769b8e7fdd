import { describe, expect, it } from 'vitest';

import {
	SqlInputError,
	quoteExactIdentifier,
	quoteIdentifier,
	quoteQualifiedName,
	requestContext,
	resolveIdentifier,
	showLike,
} from '../../../nodes/SnowflakeSqlApi/helpers';

const execution = {
	getWorkflow: () => ({ id: 'w', name: 'w', active: false }),
	getExecutionId: () => 'e',
	getNode: () => ({ name: 'Snowflake' }),
} as unknown as Parameters<typeof requestContext>[0];

/** The warehouse (or role) a request is sent with when the option is typed as text. */
function contextField(field: 'warehouse' | 'role', value: string | undefined): string | undefined {
	return requestContext(execution, { [field]: value, queryTag: '' }, { credentials: {} })[field];
}

describe('quoteIdentifier', () => {
	it.each([
		['plain unquoted is uppercased', 'my_table', '"MY_TABLE"'],
		['mixed case unquoted is uppercased', 'CamelCase', '"CAMELCASE"'],
		['dollar and digits after the first character', '_a$1', '"_A$1"'],
		['quoted keeps case and spaces', '"My Table"', '"My Table"'],
		['quoted keeps an embedded doubled quote', '"say ""hi"""', '"say ""hi"""'],
		['quoted keeps a dot', '"a.b"', '"a.b"'],
		['unicode is kept as typed', 'Straße', '"Straße"'],
		['a dash is kept as typed', 'order-items', '"order-items"'],
		['a leading digit is kept as typed', '1st', '"1st"'],
		['spaces inside are kept', 'first name', '"first name"'],
		['an inner quote is doubled', 'O"Brien', '"O""Brien"'],
		['an unquoted dot is part of a column name', 'a.b', '"a.b"'],
		['surrounding spaces are dropped', '  id  ', '"ID"'],
		['spaces around a quoted name are dropped', ' "Id" ', '"Id"'],
		['emoji stay', 'prix_€', '"prix_€"'],
	])('%s: %s → %s', (_, input, expected) => {
		expect(quoteIdentifier(input)).toBe(expected);
	});

	it.each([
		['', "Invalid column name '': the name is empty"],
		['   ', "Invalid column name '   ': the name is empty"],
		['""', `Invalid column name '""': the name is empty`],
		['"abc', `Invalid column name '"abc': a double quote opens a name but never closes it`],
		[
			'"a"b',
			`Invalid column name '"a"b': text follows the closing double quote (inside a quoted name, write "" for a double quote)`,
		],
		[
			'"a"."b"',
			`Invalid column name '"a"."b"': text follows the closing double quote (inside a quoted name, write "" for a double quote)`,
		],
		['a\nb', "Invalid column name 'a\\nb': it contains a control character (U+000A)"],
		['a\u0000', "Invalid column name 'a\\u0000': it contains a control character (U+0000)"],
		['x'.repeat(256), `Invalid column name '${'x'.repeat(100)}…': the name is longer than 255 characters`],
	])('refuses %j', (input, message) => {
		expect(() => quoteIdentifier(input)).toThrow(new SqlInputError(message));
	});

	it('accepts 255 characters, counted as characters not UTF-16 units', () => {
		expect(quoteIdentifier('é'.repeat(255))).toBe(`"${'é'.repeat(255)}"`);
		expect(quoteIdentifier('😀'.repeat(255))).toBe(`"${'😀'.repeat(255)}"`);
	});

	it('names the kind of identifier in the message', () => {
		expect(() => quoteIdentifier('', 'match column')).toThrow("Invalid match column '': the name is empty");
	});

	it('throws SqlInputError', () => {
		expect(() => quoteIdentifier('')).toThrow(SqlInputError);
	});
});

describe('quoteQualifiedName', () => {
	it.each([
		['t', '"T"'],
		['public.t', '"PUBLIC"."T"'],
		['my_db.public.orders', '"MY_DB"."PUBLIC"."ORDERS"'],
		['"my.db".PUBLIC.t', '"my.db"."PUBLIC"."T"'],
		['"My DB"."Sales Schema"."Order Items"', '"My DB"."Sales Schema"."Order Items"'],
		['db . schema . t', '"DB"."SCHEMA"."T"'],
		['"a""b".c', '"a""b"."C"'],
		['Straße.order-items', '"Straße"."order-items"'],
		['"DB" . "x"', '"DB"."x"'],
	])('%s → %s', (input, expected) => {
		expect(quoteQualifiedName(input)).toBe(expected);
	});

	it.each([
		['a..b', "Invalid table name 'a..b': part 2 is empty"],
		['a.', "Invalid table name 'a.': part 2 is empty"],
		['.a', "Invalid table name '.a': part 1 is empty"],
		['a."".b', `Invalid table name 'a."".b': part 2 is empty`],
		['a.b.c.d', "Invalid table name 'a.b.c.d': it has 4 parts; use table, schema.table or database.schema.table"],
		['"a.b', `Invalid table name '"a.b': a double quote opens a name but never closes it`],
		['a."b', `Invalid table name 'a."b': a double quote opens a name but never closes it`],
		['a.b\tc', "Invalid table name 'a.b\\tc': it contains a control character (U+0009)"],
		[`a.${'y'.repeat(256)}`, `Invalid table name 'a.${'y'.repeat(98)}…': part 2 is longer than 255 characters`],
	])('refuses %j', (input, message) => {
		expect(() => quoteQualifiedName(input)).toThrow(new SqlInputError(message));
	});

	it('resolves the stored names', () => {
		expect(quoteQualifiedName('"my.db".public."T ""x"""')).toBe('"my.db"."PUBLIC"."T ""x"""');
	});
});

describe('resolveIdentifier and the request body fields typed as text', () => {
	it.each([
		['analytics_wh', 'ANALYTICS_WH'],
		['"Mixed Case"', 'Mixed Case'],
		['"a""b"', 'a"b'],
		['Straße', 'Straße'],
		['  sysadmin ', 'SYSADMIN'],
	])('%s → %s', (input, expected) => {
		expect(resolveIdentifier(input)).toBe(expected);
		expect(contextField('warehouse', input)).toBe(expected);
	});

	it.each([undefined, '', '   '])('blank %j leaves the field out', (input) => {
		expect(contextField('warehouse', input)).toBeUndefined();
	});

	it('refuses what quoting refuses, naming the field', () => {
		expect(() => contextField('role', '"open')).toThrow(
			`Invalid role '"open': a double quote opens a name but never closes it`,
		);
	});
});

describe('quoteExactIdentifier (names read from SHOW/DESCRIBE)', () => {
	it.each([
		['orders', '"orders"'],
		['ORDERS', '"ORDERS"'],
		['a"b', '"a""b"'],
		['a.b', '"a.b"'],
	])('%s → %s', (input, expected) => {
		expect(quoteExactIdentifier(input)).toBe(expected);
	});

	it('composes with the typed rules: an exact name stays exact', () => {
		expect(quoteQualifiedName(['DB', 'PUBLIC', 'orders'].map((part) => quoteExactIdentifier(part)).join('.'))).toBe(
			'"DB"."PUBLIC"."orders"',
		);
	});

	it.each([
		['', "Invalid identifier '': the name is empty"],
		['a\rb', "Invalid identifier 'a\\rb': it contains a control character (U+000D)"],
		['z'.repeat(256), `Invalid identifier '${'z'.repeat(100)}…': the name is longer than 255 characters`],
	])('refuses %j', (input, message) => {
		expect(() => quoteExactIdentifier(input)).toThrow(new SqlInputError(message));
	});
});

describe('showLike', () => {
	it.each([
		[undefined, ''],
		['', ''],
		['orders', " LIKE '%orders%'"],
		['order_lines', " LIKE '%order\\\\_lines%'"],
		['100%', " LIKE '%100\\\\%%'"],
		["o'brien", " LIKE '%o''brien%'"],
		['a\\b', " LIKE '%a\\\\\\\\b%'"],
	])('%j → %j: a string literal whose LIKE pattern matches the text as typed', (filter, expected) => {
		expect(showLike(filter)).toBe(expected);
	});
});
