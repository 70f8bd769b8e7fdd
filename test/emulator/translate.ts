/**
 * The emulator's Snowflake → DuckDB translation layer (see ENGINE.md, "Translation rules").
 * Token-based, never regex over raw SQL: quotes, comments and $$ strings are respected.
 * Every rewrite is listed in FUNCTIONS / mapType / the statement parser below so the documented
 * rule set and the code stay one thing.
 */
import { SnowflakeSqlError, type StatementKind } from './engine-types';

// ---------------------------------------------------------------- tokens

export type TokenKind =
	| 'word'
	| 'quoted'
	| 'string'
	| 'number'
	| 'param'
	| 'op'
	| 'lparen'
	| 'rparen'
	| 'comma'
	| 'semicolon'
	| 'dot'
	| 'ws'
	| 'comment';

export interface Token {
	kind: TokenKind;
	/** Source text. */
	text: string;
	/** Decoded value: string content, identifier text, upper-cased word, parameter number (`:2` → "2", `?` → ""). */
	value: string;
	start: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const OPERATORS = ['::', '=>', '<=', '>=', '<>', '!=', '||', '->>', '->'];
const BACKSLASH_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

export function syntaxError(sql: string, position: number, near: string): SnowflakeSqlError {
	const { line, column } = lineAndColumn(sql, position);
	return new SnowflakeSqlError(
		'001003',
		'42000',
		`SQL compilation error:\nsyntax error line ${line} at position ${column} unexpected '${near}'.`,
	);
}

/** 1-based line, 0-based position in the line: Snowflake's "error line L at position P". */
export function lineAndColumn(sql: string, position: number): { line: number; column: number } {
	const before = sql.slice(0, Math.max(0, position));
	const lines = before.split('\n');
	return { line: lines.length, column: lines[lines.length - 1].length };
}

export function tokenize(sql: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	const push = (kind: TokenKind, start: number, end: number, value?: string) => {
		const text = sql.slice(start, end);
		tokens.push({ kind, text, value: value ?? text, start });
	};
	const lastSignificant = () => {
		for (let k = tokens.length - 1; k >= 0; k--) {
			if (tokens[k].kind !== 'ws' && tokens[k].kind !== 'comment') return tokens[k];
		}
		return undefined;
	};
	while (i < sql.length) {
		const ch = sql[i];
		const next = sql[i + 1];
		const start = i;
		if (/\s/.test(ch)) {
			while (i < sql.length && /\s/.test(sql[i])) i++;
			push('ws', start, i);
		} else if ((ch === '-' && next === '-') || (ch === '/' && next === '/')) {
			while (i < sql.length && sql[i] !== '\n') i++;
			push('comment', start, i);
		} else if (ch === '/' && next === '*') {
			const end = sql.indexOf('*/', i + 2);
			if (end < 0) throw syntaxError(sql, i, '/*');
			i = end + 2;
			push('comment', start, i);
		} else if (ch === '$' && next === '$') {
			const end = sql.indexOf('$$', i + 2);
			if (end < 0) throw syntaxError(sql, i, '$$');
			i = end + 2;
			push('string', start, i, sql.slice(start + 2, end));
		} else if (ch === "'") {
			let value = '';
			i++;
			for (;;) {
				if (i >= sql.length) throw syntaxError(sql, start, "'");
				const c = sql[i];
				if (c === "'" && sql[i + 1] === "'") {
					value += "'";
					i += 2;
				} else if (c === "'") {
					i++;
					break;
				} else if (c === '\\' && i + 1 < sql.length) {
					// Snowflake processes backslash escapes in single-quoted strings; DuckDB does not.
					const e = sql[i + 1];
					value += BACKSLASH_ESCAPES[e] ?? e;
					i += 2;
				} else {
					value += c;
					i++;
				}
			}
			push('string', start, i, value);
		} else if (ch === '"') {
			let value = '';
			i++;
			for (;;) {
				if (i >= sql.length) throw syntaxError(sql, start, '"');
				if (sql[i] === '"' && sql[i + 1] === '"') {
					value += '"';
					i += 2;
				} else if (sql[i] === '"') {
					i++;
					break;
				} else value += sql[i++];
			}
			push('quoted', start, i, value);
		} else if (/[0-9]/.test(ch) || (ch === '.' && next !== undefined && /[0-9]/.test(next))) {
			const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i));
			i += m ? m[0].length : 1;
			push('number', start, i);
		} else if (WORD_START.test(ch)) {
			while (i < sql.length && WORD_PART.test(sql[i])) i++;
			push('word', start, i, sql.slice(start, i).toUpperCase());
		} else if (ch === '$' && next !== undefined && /[0-9]/.test(next)) {
			// `$1`: a positional column reference (of a VALUES source), not a parameter.
			i++;
			while (i < sql.length && /[0-9]/.test(sql[i])) i++;
			push('word', start, i, `COLUMN${sql.slice(start + 1, i)}`);
		} else if (ch === '?') {
			i++;
			push('param', start, i, '');
		} else if (ch === ':' && next !== ':' && next !== undefined && /[0-9]/.test(next) && !endsOperand(lastSignificant())) {
			i++;
			while (i < sql.length && /[0-9]/.test(sql[i])) i++;
			push('param', start, i, sql.slice(start + 1, i));
		} else if (ch === '(') {
			i++;
			push('lparen', start, i);
		} else if (ch === ')') {
			i++;
			push('rparen', start, i);
		} else if (ch === ',') {
			i++;
			push('comma', start, i);
		} else if (ch === ';') {
			i++;
			push('semicolon', start, i);
		} else if (ch === '.') {
			i++;
			push('dot', start, i);
		} else {
			const op = OPERATORS.find((o) => sql.startsWith(o, i)) ?? ch;
			i += op.length;
			push('op', start, i);
		}
	}
	return tokens;
}

function endsOperand(token: Token | undefined): boolean {
	return token !== undefined && (token.kind === 'word' || token.kind === 'quoted' || token.kind === 'rparen' || token.text === ']');
}

export const significant = (tokens: Token[]) => tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');

/** Significant tokens of one statement, without the `;` that may end it. */
function statementTokens(tokens: Token[]): Token[] {
	const out = significant(tokens);
	while (out[out.length - 1]?.kind === 'semicolon') out.pop();
	return out;
}

/** Splits on `;` outside quotes, comments and $$ blocks; statements holding only whitespace/comments are dropped. */
export function splitStatements(sql: string): string[] {
	const tokens = tokenize(sql);
	const out: string[] = [];
	let from = 0;
	let hasContent = false;
	for (const t of tokens) {
		if (t.kind === 'semicolon') {
			if (hasContent) out.push(sql.slice(from, t.start).trim());
			from = t.start + 1;
			hasContent = false;
		} else if (t.kind !== 'ws' && t.kind !== 'comment') hasContent = true;
	}
	if (hasContent) out.push(sql.slice(from).trim());
	return out;
}

export function classify(statement: string): StatementKind | 'put' | 'get' {
	const words = significant(tokenize(statement))
		.slice(0, 3)
		.map((t) => (t.kind === 'word' ? t.value : t.text));
	const [first, second] = words;
	switch (first) {
		case 'SELECT':
		case 'WITH':
		case 'VALUES':
		case '(':
		case 'SHOW':
		case 'DESCRIBE':
		case 'DESC':
		case 'EXPLAIN':
			return 'query';
		case 'INSERT':
		case 'UPDATE':
		case 'DELETE':
		case 'MERGE':
			return 'dml';
		case 'CREATE':
		case 'DROP':
		case 'ALTER':
			return second === 'SESSION' ? 'session' : 'ddl';
		case 'TRUNCATE':
		case 'COMMENT':
		case 'UNDROP':
			return 'ddl';
		case 'BEGIN':
		case 'START':
		case 'COMMIT':
		case 'ROLLBACK':
			return 'transaction';
		case 'USE':
		case 'SET':
		case 'UNSET':
			return 'session';
		case 'PUT':
			return 'put';
		case 'GET':
			return 'get';
		default:
			return 'other';
	}
}

// ---------------------------------------------------------------- Snowflake types

export type SfTypeName =
	| 'fixed'
	| 'real'
	| 'text'
	| 'binary'
	| 'boolean'
	| 'date'
	| 'time'
	| 'timestamp_ntz'
	| 'timestamp_ltz'
	| 'timestamp_tz'
	| 'variant'
	| 'object'
	| 'array'
	| 'geography'
	| 'geometry'
	| 'vector';

/** A Snowflake column type as rowType reports it. */
export interface SfType {
	type: SfTypeName;
	precision?: number;
	scale?: number;
	length?: number;
	/** VECTOR only: the element type (`INT` is 32-bit `fixed`, `FLOAT` 32-bit `real`) and the element count. */
	vector?: { element: 'fixed' | 'real'; dimension: number };
}

/** Snowflake's largest VECTOR dimension (docs.snowflake.com/en/sql-reference/data-types-vector). */
const MAX_VECTOR_DIMENSION = 4096;

/**
 * DuckDB scalar functions (registered per session by the engine) that return their VARCHAR argument typed with
 * these aliases, so a result column knows it holds GEOGRAPHY/GEOMETRY text.
 */
export const GEO_MARKERS = { geography: 'SF_GEOGRAPHY', geometry: 'SF_GEOMETRY' } as const;

export const MAX_TEXT_LENGTH = 16777216;
export const MAX_BINARY_LENGTH = 8388608;
/** DuckDB's stand-in for TIMESTAMP_TZ: the UTC instant (nanoseconds) plus the value's own offset in minutes. */
export const TZ_STRUCT = 'STRUCT(SF_UTC TIMESTAMP_NS, SF_OFFSET SMALLINT)';

/** Snowflake's spelling of a type, as stored in the column comment and shown by DESCRIBE TABLE. */
export function sfTypeText(t: SfType): string {
	switch (t.type) {
		case 'fixed':
			return `NUMBER(${t.precision ?? 38},${t.scale ?? 0})`;
		case 'real':
			return 'FLOAT';
		case 'text':
			return `VARCHAR(${t.length ?? MAX_TEXT_LENGTH})`;
		case 'binary':
			return `BINARY(${t.length ?? MAX_BINARY_LENGTH})`;
		case 'time':
		case 'timestamp_ntz':
		case 'timestamp_ltz':
		case 'timestamp_tz':
			return `${t.type.toUpperCase()}(${t.scale ?? 9})`;
		case 'vector':
			return `VECTOR(${t.vector?.element === 'fixed' ? 'INT' : 'FLOAT'}, ${t.vector?.dimension ?? 1})`;
		default:
			return t.type.toUpperCase();
	}
}

/** The DuckDB column type a Snowflake type is stored as (ENGINE.md, "Types"). */
export function duckTypeFor(t: SfType): string {
	switch (t.type) {
		case 'fixed':
			return `DECIMAL(${t.precision ?? 38},${t.scale ?? 0})`;
		case 'real':
			return 'DOUBLE';
		case 'text':
			return 'VARCHAR';
		case 'binary':
			return 'BLOB';
		case 'boolean':
			return 'BOOLEAN';
		case 'date':
			return 'DATE';
		case 'time':
			return 'TIME_NS';
		case 'timestamp_ntz':
			return 'TIMESTAMP_NS';
		case 'timestamp_ltz':
			return 'TIMESTAMPTZ';
		case 'timestamp_tz':
			return TZ_STRUCT;
		case 'geography':
		case 'geometry':
			// The WKT or GeoJSON text as given; encode.ts prints it as Snowflake's GeoJSON (geo.ts).
			return 'VARCHAR';
		case 'vector':
			// A fixed-size DuckDB ARRAY of 32-bit elements, as Snowflake stores them; encode.ts prints it as a JSON array.
			return `${t.vector?.element === 'fixed' ? 'INTEGER' : 'FLOAT'}[${t.vector?.dimension ?? 1}]`;
		default:
			return 'JSON';
	}
}

const TYPE_WORDS: Record<string, SfTypeName> = {
	NUMBER: 'fixed',
	NUMERIC: 'fixed',
	DECIMAL: 'fixed',
	DEC: 'fixed',
	INT: 'fixed',
	INTEGER: 'fixed',
	BIGINT: 'fixed',
	SMALLINT: 'fixed',
	TINYINT: 'fixed',
	BYTEINT: 'fixed',
	FLOAT: 'real',
	FLOAT4: 'real',
	FLOAT8: 'real',
	DOUBLE: 'real',
	REAL: 'real',
	VARCHAR: 'text',
	STRING: 'text',
	TEXT: 'text',
	CHAR: 'text',
	CHARACTER: 'text',
	NCHAR: 'text',
	NVARCHAR: 'text',
	NVARCHAR2: 'text',
	BINARY: 'binary',
	VARBINARY: 'binary',
	BOOLEAN: 'boolean',
	DATE: 'date',
	TIME: 'time',
	DATETIME: 'timestamp_ntz',
	TIMESTAMP: 'timestamp_ntz',
	TIMESTAMP_NTZ: 'timestamp_ntz',
	TIMESTAMPNTZ: 'timestamp_ntz',
	TIMESTAMP_LTZ: 'timestamp_ltz',
	TIMESTAMPLTZ: 'timestamp_ltz',
	TIMESTAMP_TZ: 'timestamp_tz',
	TIMESTAMPTZ: 'timestamp_tz',
	VARIANT: 'variant',
	OBJECT: 'object',
	ARRAY: 'array',
	GEOGRAPHY: 'geography',
	GEOMETRY: 'geometry',
	VECTOR: 'vector',
};
const INTEGER_WORDS = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT']);
const UNSUPPORTED_TYPES = new Set(['MAP', 'FILE', 'DECFLOAT']);

export function isTypeWord(word: string): boolean {
	return word in TYPE_WORDS;
}

/**
 * Reads a type spec at `tokens[i]` (significant tokens): `NUMBER(10,2)`, `DOUBLE PRECISION`,
 * `CHARACTER VARYING(5)`, `TIMESTAMP_TZ(3)`. Returns undefined when `tokens[i]` is no type name.
 */
export function readType(tokens: Token[], i: number, sql: string): { type: SfType; next: number } | undefined {
	const t = tokens[i];
	if (t?.kind !== 'word') return undefined;
	if (UNSUPPORTED_TYPES.has(t.value)) {
		throw new SnowflakeSqlError('002040', '42601', `SQL compilation error:\nUnsupported data type '${t.value}'.`);
	}
	const name = TYPE_WORDS[t.value];
	if (!name) return undefined;
	if (name === 'vector') return readVectorType(tokens, i, sql);
	let next = i + 1;
	if (tokens[next]?.kind === 'word' && ['PRECISION', 'VARYING'].includes(tokens[next].value)) next++;
	const args: number[] = [];
	if (tokens[next]?.kind === 'lparen') {
		let k = next + 1;
		while (k < tokens.length && tokens[k].kind !== 'rparen') {
			if (tokens[k].kind === 'number') args.push(Number(tokens[k].text));
			else if (tokens[k].kind !== 'comma' && name !== 'array' && name !== 'object') throw syntaxError(sql, tokens[k].start, tokens[k].text);
			k++;
		}
		next = k + 1;
	}
	const type: SfType = { type: name };
	if (name === 'fixed') {
		const integer = INTEGER_WORDS.has(t.value);
		type.precision = integer ? 38 : (args[0] ?? 38);
		type.scale = integer ? 0 : (args[1] ?? 0);
		if (type.precision < 1 || type.precision > 38 || type.scale < 0 || type.scale > type.precision) {
			throw new SnowflakeSqlError(
				'001003',
				'42000',
				`SQL compilation error:\nInvalid precision/scale for ${t.value}(${args.join(',')}).`,
			);
		}
	} else if (name === 'text') {
		type.length = args[0] ?? (t.value === 'CHAR' || t.value === 'CHARACTER' || t.value === 'NCHAR' ? 1 : MAX_TEXT_LENGTH);
	} else if (name === 'binary') {
		type.length = args[0] ?? MAX_BINARY_LENGTH;
	} else if (name === 'time' || name.startsWith('timestamp')) {
		type.scale = args[0] ?? 9;
		if (type.scale < 0 || type.scale > 9) throw syntaxError(sql, t.start, t.text);
	}
	return { type, next };
}

/** `VECTOR(INT | FLOAT, n)`: Snowflake allows only these two element types, n from 1 to 4096. */
function readVectorType(tokens: Token[], i: number, sql: string): { type: SfType; next: number } {
	const [open, element, comma, dimension, close] = tokens.slice(i + 1, i + 6);
	if (open?.kind !== 'lparen') throw syntaxError(sql, open?.start ?? sql.length, open?.text ?? '<EOF>');
	if (element?.kind !== 'word' || (element.value !== 'INT' && element.value !== 'FLOAT')) {
		throw new SnowflakeSqlError('002040', '42601', `SQL compilation error:\nUnsupported data type '${element?.text ?? ''}' for VECTOR.`);
	}
	if (comma?.kind !== 'comma') throw syntaxError(sql, comma?.start ?? sql.length, comma?.text ?? '<EOF>');
	if (dimension?.kind !== 'number' || !/^\d{1,5}$/.test(dimension.text)) throw syntaxError(sql, dimension?.start ?? sql.length, dimension?.text ?? '<EOF>');
	if (close?.kind !== 'rparen') throw syntaxError(sql, close?.start ?? sql.length, close?.text ?? '<EOF>');
	const n = Number(dimension.text);
	if (n < 1 || n > MAX_VECTOR_DIMENSION) {
		throw new SnowflakeSqlError('001003', '42000', `SQL compilation error:\nVECTOR dimension ${n} is out of range [1, ${MAX_VECTOR_DIMENSION}].`);
	}
	return { type: { type: 'vector', vector: { element: element.value === 'INT' ? 'fixed' : 'real', dimension: n } }, next: i + 6 };
}

/** Parses a type text such as `VARCHAR(100)` (the column-comment form). */
export function parseTypeText(text: string): SfType | undefined {
	try {
		return readType(significant(tokenize(text)), 0, text)?.type;
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------- names

/** Identifier parts as Snowflake resolves them: unquoted → upper case, quoted → verbatim. */
export type ObjectName = string[];

export function readName(tokens: Token[], i: number): { name: ObjectName; next: number } | undefined {
	const name: string[] = [];
	let k = i;
	for (;;) {
		const t = tokens[k];
		if (t?.kind === 'word' || t?.kind === 'quoted') name.push(t.value);
		else if (t?.kind === 'string' && name.length === 0) name.push(t.value);
		else break;
		k++;
		if (tokens[k]?.kind !== 'dot') break;
		k++;
	}
	return name.length > 0 ? { name, next: k } : undefined;
}

export function quoteIdent(part: string): string {
	return `"${part.replace(/"/g, '""')}"`;
}

export function sqlString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------- statements

export interface TranslateContext {
	database?: string;
	schema?: string;
	warehouse?: string;
	role?: string;
	user?: string;
	/**
	 * Columns (in order, upper-cased) of the table an INSERT/UPDATE/MERGE writes, and which of them are
	 * TIMESTAMP_TZ: values assigned to those are wrapped in SF_TO_TZ, since DuckDB cannot cast text
	 * (e.g. a TEXT binding) to the STRUCT that stands in for TIMESTAMP_TZ.
	 */
	target?: { columns: string[]; tz: Set<string> };
}

/** The table a DML statement writes (INSERT INTO t, UPDATE t, MERGE INTO t), for TranslateContext.target. */
export function dmlTarget(statement: string): ObjectName | undefined {
	const tokens = significant(tokenize(statement));
	const first = tokens[0]?.kind === 'word' ? tokens[0].value : '';
	const at = first === 'UPDATE' ? 1 : (first === 'INSERT' || first === 'MERGE') && tokens[1]?.value === 'INTO' ? 2 : -1;
	return at < 0 ? undefined : readName(tokens, at)?.name;
}

export interface TranslatedSql {
	sql: string;
	/** Number of distinct bind placeholders (`?` counted in order, `:n` by number). */
	paramCount: number;
	/** Output column (as DuckDB names it) → referenced source column, for rowType attribution. */
	sourceColumns: Map<string, string>;
	/** Output column → the Snowflake type of an outermost cast (`x::VARCHAR(10)`, CAST(x AS TIME(3))). */
	castTypes: Map<string, SfType>;
}

export interface ShowStatement {
	type: 'show';
	object: 'DATABASES' | 'SCHEMAS' | 'TABLES' | 'VIEWS' | 'COLUMNS' | 'WAREHOUSES' | 'ROLES' | 'USERS';
	terse: boolean;
	like?: string;
	/** `IN ACCOUNT` → [], `IN DATABASE D` → [D], `IN SCHEMA D.S` → [D, S], `IN TABLE T` → table name. */
	in?: { kind: string; name: ObjectName };
}

export type ParsedStatement =
	| { type: 'bench'; rows: number }
	| { type: 'use'; target: 'DATABASE' | 'SCHEMA' | 'ROLE' | 'WAREHOUSE' | 'SECONDARY'; name: ObjectName }
	| ShowStatement
	| { type: 'describe'; name: ObjectName }
	| { type: 'transaction'; op: 'BEGIN' | 'COMMIT' | 'ROLLBACK' }
	| { type: 'alterSession'; set: Record<string, string>; unset: string[] }
	| { type: 'database'; op: 'CREATE' | 'DROP'; name: string; orReplace: boolean; ifExists: boolean; ifNotExists: boolean }
	| { type: 'schema'; op: 'CREATE' | 'DROP'; name: ObjectName; orReplace: boolean; ifExists: boolean; ifNotExists: boolean }
	| {
			type: 'sql';
			kind: StatementKind;
			translated: TranslatedSql;
			dml?: 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE';
			/** MERGE: which counters the result carries, in Snowflake's order. */
			mergeClauses?: Array<'inserted' | 'updated' | 'deleted'>;
			ddl?: DdlInfo;
	  };

export interface DdlInfo {
	verb: 'CREATE' | 'DROP' | 'ALTER' | 'TRUNCATE' | 'COMMENT';
	/** TABLE, VIEW, SEQUENCE, ... as written (TRANSIENT/TEMPORARY stripped). */
	object: string;
	name: ObjectName;
	orReplace: boolean;
	ifExists: boolean;
	ifNotExists: boolean;
	temporary: boolean;
	/** Declared Snowflake types of CREATE TABLE (...) / ALTER TABLE ADD COLUMN, recorded as column comments. */
	columns: Array<{ name: string; type: SfType }>;
}

const BENCH = /^\s*select\s+\*\s+from\s+(?:table\s*\(\s*emulator\$bench\s*\(\s*(\d+)\s*\)\s*\)|emulator_db\.public\.bench_(\d+))\s*;?\s*$/i;

export function parseStatement(statement: string, ctx: TranslateContext): ParsedStatement {
	const bench = BENCH.exec(statement);
	if (bench) return { type: 'bench', rows: Number(bench[1] ?? bench[2]) };
	const all = tokenize(statement);
	const tokens = statementTokens(all);
	if (tokens.length === 0) throw syntaxError(statement, 0, '<EOF>');
	// One statement per run: the server splits multi-statement requests (MULTI_STATEMENT_COUNT).
	const count = splitStatements(statement).length;
	if (count > 1) throw new SnowflakeSqlError('000008', '0A000', `Actual statement count ${count} did not match the desired statement count 1.`);
	const w = (k: number) => (tokens[k]?.kind === 'word' ? tokens[k].value : undefined);
	const first = w(0);

	switch (first) {
		case 'USE': {
			let k = 1;
			const target = (['DATABASE', 'SCHEMA', 'ROLE', 'WAREHOUSE', 'SECONDARY'] as const).find((x) => x === w(1));
			if (target) k++;
			if (target === 'SECONDARY') k++; // USE SECONDARY ROLES ...
			const name = readName(tokens, k);
			if (!name) throw syntaxError(statement, tokens[k]?.start ?? statement.length, tokens[k]?.text ?? '<EOF>');
			return { type: 'use', target: target ?? (name.name.length === 2 ? 'SCHEMA' : 'DATABASE'), name: name.name };
		}
		case 'SHOW':
			return parseShow(tokens, statement);
		case 'DESC':
		case 'DESCRIBE': {
			const k = ['TABLE', 'VIEW'].includes(w(1) ?? '') ? 2 : 1;
			const name = readName(tokens, k);
			if (!name) throw syntaxError(statement, tokens[k]?.start ?? statement.length, tokens[k]?.text ?? '<EOF>');
			return { type: 'describe', name: name.name };
		}
		case 'BEGIN':
		case 'START':
			return { type: 'transaction', op: 'BEGIN' };
		case 'COMMIT':
			return { type: 'transaction', op: 'COMMIT' };
		case 'ROLLBACK':
			return { type: 'transaction', op: 'ROLLBACK' };
		case 'ALTER':
			if (w(1) === 'SESSION') return parseAlterSession(tokens, statement);
			break;
		case 'SET':
		case 'UNSET':
			throw unsupported('session variables (SET/UNSET)');
		case 'CALL':
			// CALL SYSTEM$WAIT(n) is the only procedure: run it as the equivalent SELECT.
			if (w(1) === 'SYSTEM$WAIT') {
				const rest = statement.slice(tokens[1].start);
				return parseStatement(`SELECT ${rest} AS "SYSTEM$WAIT"`, ctx);
			}
			throw unsupported('CALL');
		default:
			break;
	}

	if (first === 'CREATE' || first === 'DROP') {
		let k = 1;
		let orReplace = false;
		if (w(k) === 'OR' && w(k + 1) === 'REPLACE') {
			orReplace = true;
			k += 2;
		}
		if (w(k) === 'DATABASE' || w(k) === 'SCHEMA') {
			const object = w(k) as 'DATABASE' | 'SCHEMA';
			k++;
			const flags = readIfFlags(tokens, k);
			const name = readName(tokens, flags.next);
			if (!name) throw syntaxError(statement, tokens[flags.next]?.start ?? statement.length, tokens[flags.next]?.text ?? '<EOF>');
			const base = { op: first, orReplace, ifExists: flags.ifExists, ifNotExists: flags.ifNotExists } as const;
			return object === 'DATABASE'
				? { type: 'database', ...base, name: name.name[name.name.length - 1] }
				: { type: 'schema', ...base, name: name.name };
		}
	}
	return { ...new Translator(all, statement, ctx).translateStatement() };
}

function readIfFlags(tokens: Token[], k: number): { ifExists: boolean; ifNotExists: boolean; next: number } {
	const w = (i: number) => (tokens[i]?.kind === 'word' ? tokens[i].value : undefined);
	if (w(k) === 'IF' && w(k + 1) === 'NOT' && w(k + 2) === 'EXISTS') return { ifExists: false, ifNotExists: true, next: k + 3 };
	if (w(k) === 'IF' && w(k + 1) === 'EXISTS') return { ifExists: true, ifNotExists: false, next: k + 2 };
	return { ifExists: false, ifNotExists: false, next: k };
}

function parseShow(tokens: Token[], sql: string): ShowStatement {
	const w = (k: number) => (tokens[k]?.kind === 'word' ? tokens[k].value : undefined);
	let k = 1;
	const terse = w(k) === 'TERSE';
	if (terse) k++;
	const object = w(k) as ShowStatement['object'];
	if (!['DATABASES', 'SCHEMAS', 'TABLES', 'VIEWS', 'COLUMNS', 'WAREHOUSES', 'ROLES', 'USERS'].includes(object ?? '')) {
		throw unsupported(`SHOW ${tokens[k]?.text ?? ''}`.trim());
	}
	k++;
	const show: ShowStatement = { type: 'show', object, terse };
	while (k < tokens.length) {
		const word = w(k);
		if (word === 'LIKE' && tokens[k + 1]?.kind === 'string') {
			show.like = tokens[k + 1].value;
			k += 2;
		} else if (word === 'IN') {
			k++;
			let kind = '';
			if (['ACCOUNT', 'DATABASE', 'SCHEMA', 'TABLE', 'VIEW'].includes(w(k) ?? '')) kind = w(k++) as string;
			const name = kind === 'ACCOUNT' ? { name: [], next: k } : readName(tokens, k);
			if (!name) throw syntaxError(sql, tokens[k]?.start ?? sql.length, tokens[k]?.text ?? '<EOF>');
			show.in = { kind: kind || (name.name.length === 2 ? 'SCHEMA' : 'DATABASE'), name: name.name };
			k = name.next;
		} else if (word === 'STARTS' || word === 'LIMIT' || word === 'FROM' || word === 'HISTORY') {
			k++;
		} else if (tokens[k].kind === 'string' || tokens[k].kind === 'number' || word === 'WITH') {
			k++;
		} else throw syntaxError(sql, tokens[k].start, tokens[k].text);
	}
	return show;
}

function parseAlterSession(tokens: Token[], sql: string): ParsedStatement {
	const w = (k: number) => (tokens[k]?.kind === 'word' ? tokens[k].value : undefined);
	const set: Record<string, string> = {};
	const unset: string[] = [];
	const op = w(2);
	let k = 3;
	if (op !== 'SET' && op !== 'UNSET') throw syntaxError(sql, tokens[2]?.start ?? sql.length, tokens[2]?.text ?? '<EOF>');
	while (k < tokens.length) {
		const key = w(k);
		if (!key) throw syntaxError(sql, tokens[k].start, tokens[k].text);
		if (op === 'UNSET') {
			unset.push(key);
			k++;
		} else {
			if (tokens[k + 1]?.text !== '=') throw syntaxError(sql, tokens[k + 1]?.start ?? sql.length, tokens[k + 1]?.text ?? '<EOF>');
			const v = tokens[k + 2];
			if (!v) throw syntaxError(sql, sql.length, '<EOF>');
			set[key] = v.kind === 'string' ? v.value : v.text;
			k += 3;
		}
		if (tokens[k]?.kind === 'comma') k++;
	}
	return { type: 'alterSession', set, unset };
}

export function unsupported(feature: string): SnowflakeSqlError {
	return new SnowflakeSqlError('000002', '0A000', `Unsupported feature '${feature}'.`);
}

// ---------------------------------------------------------------- expression translation

interface Arg {
	sql: string;
	tokens: Token[];
}

type FunctionRewrite = (args: Arg[], t: Translator) => string;

const DATE_PARTS: Record<string, string> = {
	Y: 'YEAR',
	YY: 'YEAR',
	YYY: 'YEAR',
	YYYY: 'YEAR',
	YR: 'YEAR',
	YEARS: 'YEAR',
	YRS: 'YEAR',
	YEAR: 'YEAR',
	Q: 'QUARTER',
	QTR: 'QUARTER',
	QTRS: 'QUARTER',
	QUARTERS: 'QUARTER',
	QUARTER: 'QUARTER',
	MM: 'MONTH',
	MON: 'MONTH',
	MONS: 'MONTH',
	MONTHS: 'MONTH',
	MONTH: 'MONTH',
	W: 'WEEK',
	WK: 'WEEK',
	WEEKOFYEAR: 'WEEK',
	WOY: 'WEEK',
	WY: 'WEEK',
	WEEKS: 'WEEK',
	WEEK: 'WEEK',
	D: 'DAY',
	DD: 'DAY',
	DAYS: 'DAY',
	DAYOFMONTH: 'DAY',
	DAY: 'DAY',
	H: 'HOUR',
	HH: 'HOUR',
	HR: 'HOUR',
	HOURS: 'HOUR',
	HRS: 'HOUR',
	HOUR: 'HOUR',
	M: 'MINUTE',
	MI: 'MINUTE',
	MIN: 'MINUTE',
	MINUTES: 'MINUTE',
	MINS: 'MINUTE',
	MINUTE: 'MINUTE',
	S: 'SECOND',
	SEC: 'SECOND',
	SECONDS: 'SECOND',
	SECS: 'SECOND',
	SECOND: 'SECOND',
	MS: 'MILLISECOND',
	MSEC: 'MILLISECOND',
	MILLISECONDS: 'MILLISECOND',
	MILLISECOND: 'MILLISECOND',
	US: 'MICROSECOND',
	USEC: 'MICROSECOND',
	MICROSECONDS: 'MICROSECOND',
	MICROSECOND: 'MICROSECOND',
};

function datePart(arg: Arg): string {
	const t = arg.tokens.length === 1 ? arg.tokens[0] : undefined;
	const raw = t?.kind === 'string' ? t.value.toUpperCase() : t?.kind === 'word' ? t.value : undefined;
	const part = raw === undefined ? undefined : DATE_PARTS[raw];
	if (!part) throw unsupported(`date part ${arg.tokens.map((x) => x.text).join('')}`);
	return part;
}

/** Snowflake date/time format → strftime/strptime (the common tokens; see ENGINE.md). */
export function strftimeFormat(format: string): string {
	const map: Array<[string, string]> = [
		['YYYY', '%Y'],
		['YY', '%y'],
		['MMMM', '%B'],
		['MON', '%b'],
		['MM', '%m'],
		['DD', '%d'],
		['DY', '%a'],
		['HH24', '%H'],
		['HH12', '%I'],
		['HH', '%H'],
		['AM', '%p'],
		['PM', '%p'],
		['MI', '%M'],
		['SS', '%S'],
		['FF9', '%n'],
		['FF6', '%f'],
		['FF3', '%g'],
		['FF', '%n'],
		['TZH:TZM', '%z'],
	];
	let out = '';
	let i = 0;
	const upper = format.toUpperCase();
	while (i < format.length) {
		if (format[i] === '"') {
			const end = format.indexOf('"', i + 1);
			const lit = format.slice(i + 1, end < 0 ? undefined : end);
			out += lit.replace(/%/g, '%%');
			i = end < 0 ? format.length : end + 1;
			continue;
		}
		const hit = map.find(([k]) => upper.startsWith(k, i));
		if (hit) {
			out += hit[1];
			i += hit[0].length;
		} else {
			out += format[i] === '%' ? '%%' : format[i];
			i++;
		}
	}
	return out;
}

function formatArg(arg: Arg): string {
	const t = arg.tokens.length === 1 ? arg.tokens[0] : undefined;
	if (t?.kind !== 'string') throw unsupported('a non-literal format argument');
	return sqlString(strftimeFormat(t.value));
}

const cast = (type: string): FunctionRewrite => (args) => `CAST(${args[0].sql} AS ${type})`;
const tryCast = (type: string): FunctionRewrite => (args) => `TRY_CAST(${args[0].sql} AS ${type})`;
const rename = (name: string): FunctionRewrite => (args) => `${name}(${args.map((a) => a.sql).join(', ')})`;
const contextLiteral = (key: 'database' | 'schema' | 'warehouse' | 'role' | 'user'): FunctionRewrite => (_args, t) => {
	const v = t.ctx[key];
	return v === undefined ? 'CAST(NULL AS VARCHAR)' : sqlString(v);
};
const timestampFrom = (type: string): FunctionRewrite => (args) =>
	args.length > 1 ? `CAST(strptime(${args[0].sql}, ${formatArg(args[1])}) AS ${type})` : `CAST(${args[0].sql} AS ${type})`;
const numberFrom: FunctionRewrite = (args) => {
	// TO_NUMBER(x [, format] [, precision [, scale]]): a leading string literal after x is the format.
	const rest = args.slice(1).filter((a) => !(a.tokens.length === 1 && a.tokens[0].kind === 'string'));
	const precision = rest[0]?.sql ?? '38';
	const scale = rest[1]?.sql ?? '0';
	return `CAST(${args[0].sql} AS DECIMAL(${precision},${scale}))`;
};
const dateAdd: FunctionRewrite = (args) => `(${args[2].sql} + (${args[1].sql}) * INTERVAL 1 ${datePart(args[0])})`;
const dateDiff: FunctionRewrite = (args) => `DATE_DIFF('${datePart(args[0])}', ${args[1].sql}, ${args[2].sql})`;
const current = (sql: string): FunctionRewrite => () => sql;
const CURRENT_TIMESTAMP_SQL = 'CURRENT_TIMESTAMP';
const CURRENT_TIME_SQL = 'CAST(CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMP_NS) AS TIME_NS)';

/** Snowflake functions the emulator rewrites; everything else passes through to DuckDB by name. */
const FUNCTIONS: Record<string, FunctionRewrite> = {
	IFF: (a) => `(CASE WHEN ${a[0].sql} THEN ${a[1].sql} ELSE ${a[2].sql} END)`,
	NVL: rename('COALESCE'),
	IFNULL: rename('COALESCE'),
	NVL2: (a) => `(CASE WHEN ${a[0].sql} IS NOT NULL THEN ${a[1].sql} ELSE ${a[2].sql} END)`,
	ZEROIFNULL: (a) => `COALESCE(${a[0].sql}, 0)`,
	NULLIFZERO: (a) => `NULLIF(${a[0].sql}, 0)`,
	EQUAL_NULL: (a) => `(${a[0].sql} IS NOT DISTINCT FROM ${a[1].sql})`,
	PARSE_JSON: rename('JSON'),
	TRY_PARSE_JSON: (a) => `(CASE WHEN JSON_VALID(${a[0].sql}) THEN JSON(${a[0].sql}) END)`,
	TO_VARIANT: rename('TO_JSON'),
	TO_OBJECT: rename('TO_JSON'),
	TO_ARRAY: rename('TO_JSON'),
	// The engine's marker functions: the text as given, typed GEOGRAPHY/GEOMETRY (engine.ts, geo.ts).
	TO_GEOGRAPHY: (a) => `${GEO_MARKERS.geography}(CAST(${a[0].sql} AS VARCHAR))`,
	TO_GEOMETRY: (a) => `${GEO_MARKERS.geometry}(CAST(${a[0].sql} AS VARCHAR))`,
	// Snowflake's OBJECT_CONSTRUCT drops keys whose value is NULL; a JSON merge patch onto {} does the same.
	OBJECT_CONSTRUCT: (a) => `JSON_MERGE_PATCH('{}', JSON_OBJECT(${a.map((x) => x.sql).join(', ')}))`,
	OBJECT_CONSTRUCT_KEEP_NULL: rename('JSON_OBJECT'),
	ARRAY_CONSTRUCT: rename('JSON_ARRAY'),
	ARRAY_SIZE: rename('JSON_ARRAY_LENGTH'),
	ARRAY_AGG: (a) => `TO_JSON(LIST(${a[0].sql}))`,
	OBJECT_KEYS: (a) => `TO_JSON(JSON_KEYS(${a[0].sql}))`,
	SPLIT: (a) => `TO_JSON(STRING_SPLIT(${a[0].sql}, ${a[1].sql}))`,
	LISTAGG: (a) => `STRING_AGG(${a[0].sql}, ${a[1]?.sql ?? "''"})`,
	STARTSWITH: rename('STARTS_WITH'),
	ENDSWITH: rename('ENDS_WITH'),
	CHARINDEX: (a) => `INSTR(${a[1].sql}, ${a[0].sql})`,
	REGEXP_LIKE: rename('REGEXP_FULL_MATCH'),
	RLIKE: rename('REGEXP_FULL_MATCH'),
	SHA2: (a) => `SHA256(${a[0].sql})`,
	BOOLAND_AGG: rename('BOOL_AND'),
	BOOLOR_AGG: rename('BOOL_OR'),
	HEX_ENCODE: (a) => `UPPER(HEX(${a[0].sql}))`,
	HEX_DECODE_BINARY: rename('FROM_HEX'),
	TO_BINARY: (a) => `FROM_HEX(${a[0].sql})`,
	TO_DATE: (a) => (a.length > 1 ? `CAST(strptime(${a[0].sql}, ${formatArg(a[1])}) AS DATE)` : `CAST(${a[0].sql} AS DATE)`),
	DATE: (a) => (a.length > 1 ? `CAST(strptime(${a[0].sql}, ${formatArg(a[1])}) AS DATE)` : `CAST(${a[0].sql} AS DATE)`),
	TRY_TO_DATE: tryCast('DATE'),
	TO_TIME: cast('TIME_NS'),
	TO_TIMESTAMP: timestampFrom('TIMESTAMP_NS'),
	TO_TIMESTAMP_NTZ: timestampFrom('TIMESTAMP_NS'),
	TO_TIMESTAMP_LTZ: (a) => `SF_TO_LTZ(${a.length > 1 ? `strptime(${a[0].sql}, ${formatArg(a[1])})` : a[0].sql})`,
	TO_TIMESTAMP_TZ: (a) => `SF_TO_TZ(${a.length > 1 ? `strptime(${a[0].sql}, ${formatArg(a[1])})` : a[0].sql})`,
	TRY_TO_TIMESTAMP: tryCast('TIMESTAMP_NS'),
	TO_NUMBER: numberFrom,
	TO_DECIMAL: numberFrom,
	TO_NUMERIC: numberFrom,
	TRY_TO_NUMBER: (a) => `TRY_CAST(${a[0].sql} AS DECIMAL(${a[1]?.sql ?? '38'},${a[2]?.sql ?? '0'}))`,
	TO_DOUBLE: cast('DOUBLE'),
	TO_BOOLEAN: cast('BOOLEAN'),
	TO_VARCHAR: (a) => (a.length > 1 ? `STRFTIME(${a[0].sql}, ${formatArg(a[1])})` : `CAST(${a[0].sql} AS VARCHAR)`),
	TO_CHAR: (a) => (a.length > 1 ? `STRFTIME(${a[0].sql}, ${formatArg(a[1])})` : `CAST(${a[0].sql} AS VARCHAR)`),
	CURRENT_TIMESTAMP: current(CURRENT_TIMESTAMP_SQL),
	LOCALTIMESTAMP: current(CURRENT_TIMESTAMP_SQL),
	SYSTIMESTAMP: current(CURRENT_TIMESTAMP_SQL),
	GETDATE: current(CURRENT_TIMESTAMP_SQL),
	CURRENT_DATE: current('CURRENT_DATE'),
	CURRENT_TIME: current(CURRENT_TIME_SQL),
	LOCALTIME: current(CURRENT_TIME_SQL),
	SYSDATE: current("CAST(TIMEZONE('UTC', CURRENT_TIMESTAMP) AS TIMESTAMP_NS)"),
	CURRENT_DATABASE: contextLiteral('database'),
	CURRENT_SCHEMA: contextLiteral('schema'),
	CURRENT_WAREHOUSE: contextLiteral('warehouse'),
	CURRENT_ROLE: contextLiteral('role'),
	CURRENT_USER: contextLiteral('user'),
	UUID_STRING: current('CAST(UUID() AS VARCHAR)'),
	SEQ1: current('(ROW_NUMBER() OVER () - 1)'),
	SEQ2: current('(ROW_NUMBER() OVER () - 1)'),
	SEQ4: current('(ROW_NUMBER() OVER () - 1)'),
	SEQ8: current('(ROW_NUMBER() OVER () - 1)'),
	RANDOM: current('CAST(FLOOR((RANDOM() - 0.5) * 1.8e19) AS BIGINT)'),
	UNIFORM: (a) =>
		a[0].sql.includes('.') || a[1].sql.includes('.')
			? `(RANDOM() * ((${a[1].sql}) - (${a[0].sql})) + (${a[0].sql}))`
			: `CAST(FLOOR(RANDOM() * ((${a[1].sql}) - (${a[0].sql}) + 1) + (${a[0].sql})) AS BIGINT)`,
	DATEADD: dateAdd,
	TIMEADD: dateAdd,
	TIMESTAMPADD: dateAdd,
	DATEDIFF: dateDiff,
	TIMEDIFF: dateDiff,
	TIMESTAMPDIFF: dateDiff,
	DATE_TRUNC: (a) => `DATE_TRUNC('${datePart(a[0])}', ${a[1].sql})`,
	// Interruptible through DuckDB's own sleep_ms, so a cancel really stops it.
	SYSTEM$WAIT: (a) => {
		const unit = a[1]?.tokens[0]?.value.toUpperCase() ?? 'SECONDS';
		const ms = unit.startsWith('MILLI') ? a[0].sql : `(${a[0].sql}) * 1000`;
		const word = unit.startsWith('MILLI') ? 'milliseconds' : 'seconds';
		return `(CASE WHEN SLEEP_MS(CAST(${ms} AS BIGINT)) IS NULL THEN 'waited ' || CAST(${a[0].sql} AS VARCHAR) || ' ${word}' END)`;
	},
};

/** Words Snowflake lets you write without parentheses that DuckDB spells differently. */
const BARE_WORDS: Record<string, string> = {
	CURRENT_TIMESTAMP: CURRENT_TIMESTAMP_SQL,
	LOCALTIMESTAMP: CURRENT_TIMESTAMP_SQL,
	CURRENT_TIME: CURRENT_TIME_SQL,
	LOCALTIME: CURRENT_TIME_SQL,
	MINUS: 'EXCEPT',
};

/** Words that can end an expression but are never an implicit column alias. */
const NOT_ALIAS = new Set([
	'END',
	'NULL',
	'TRUE',
	'FALSE',
	'AND',
	'OR',
	'NOT',
	'IS',
	'DISTINCT',
	'ASC',
	'DESC',
	'CURRENT_DATE',
	'CURRENT_TIMESTAMP',
	'CURRENT_TIME',
	'LOCALTIMESTAMP',
	'LOCALTIME',
]);
/** DuckDB keywords that cannot be bare names but are plain identifiers in Snowflake SQL. */
const DUCKDB_ONLY_KEYWORDS = new Set(
	(
		'ANALYSE ANALYZE ASYMMETRIC DEFERRABLE DO INITIALLY LAMBDA PIVOT_LONGER PIVOT_WIDER PLACING SUMMARIZE SYMMETRIC VARIADIC ' +
		'ANTI ASOF AT AUTHORIZATION COLLATION CONCURRENTLY FREEZE GENERATED GLOB ISNULL NOTNULL OVERLAPS POSITIONAL SEMI SIMILAR UNPACK VERBOSE'
	).split(' '),
);
/** DuckDB keywords Snowflake also uses as keywords: quoted only where they are clearly names (next to a `.`). */
const DUCKDB_CONTEXT_KEYWORDS = new Set(
	'ARRAY ASC BOTH COLLATE COLUMNS DEFAULT DESC DESCRIBE END EXCEPT FETCH FOREIGN LEADING LIMIT MAP OFFSET ONLY OUTER PIVOT PRIMARY REFERENCES RETURNING SHOW STRUCT TRAILING UNPIVOT BINARY'.split(' '),
);
/** Keywords a parenthesis can follow without being a function call. */
const NOT_FUNCTIONS = new Set([
	'AS', 'FROM', 'JOIN', 'USING', 'ON', 'IN', 'EXISTS', 'WHERE', 'AND', 'OR', 'NOT', 'SELECT', 'VALUES', 'INTO', 'SET',
	'WHEN', 'THEN', 'ELSE', 'CASE', 'OVER', 'FILTER', 'WITHIN', 'ANY', 'ALL', 'SOME', 'BY', 'UNION', 'EXCEPT', 'MINUS',
	'INTERSECT', 'WITH', 'HAVING', 'QUALIFY', 'LATERAL', 'INSERT', 'IS', 'LIKE', 'ILIKE', 'BETWEEN', 'RETURNING',
]);
/** Keywords that can follow a VALUES source and are no alias. */
const VALUES_FOLLOWERS = new Set(['ON', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'USING', 'WHEN', 'SET', 'LATERAL']);
const SELECT_LIST_END = new Set([
	'FROM',
	'WHERE',
	'GROUP',
	'HAVING',
	'QUALIFY',
	'ORDER',
	'LIMIT',
	'OFFSET',
	'UNION',
	'EXCEPT',
	'MINUS',
	'INTERSECT',
	'WINDOW',
	'INTO',
	'FETCH',
]);

class Translator {
	readonly tokens: Token[];
	private paramNext = 0;
	private paramMax = 0;
	private readonly sourceColumns = new Map<string, string>();
	private readonly castTypes = new Map<string, SfType>();
	private readonly declared: Array<{ name: string; type: SfType }> = [];
	/** Token ranges [start → end) whose translation is wrapped in SF_TO_TZ (values for TIMESTAMP_TZ columns). */
	private readonly tzWraps = new Map<number, number>();

	constructor(
		all: Token[],
		private readonly sql: string,
		readonly ctx: TranslateContext,
	) {
		this.tokens = statementTokens(all);
	}

	private w(k: number): string | undefined {
		return this.tokens[k]?.kind === 'word' ? this.tokens[k].value : undefined;
	}

	private error(k: number): SnowflakeSqlError {
		const t = this.tokens[k];
		return syntaxError(this.sql, t?.start ?? this.sql.length, t?.text ?? '<EOF>');
	}

	/** Index of the token closing the parenthesis opened at `k`. */
	private closeParen(k: number): number {
		let depth = 0;
		for (let i = k; i < this.tokens.length; i++) {
			if (this.tokens[i].kind === 'lparen') depth++;
			else if (this.tokens[i].kind === 'rparen' && --depth === 0) return i;
		}
		throw this.error(k);
	}

	/** Splits [from, to) at depth-0 commas. */
	private splitCommas(from: number, to: number): Array<[number, number]> {
		const out: Array<[number, number]> = [];
		let depth = 0;
		let start = from;
		for (let i = from; i < to; i++) {
			const t = this.tokens[i];
			// Brackets nest like parentheses: the commas of an array constant `[1, 2]` split nothing.
			if (t.kind === 'lparen' || t.text === '[') depth++;
			else if (t.kind === 'rparen' || t.text === ']') depth--;
			else if (t.kind === 'comma' && depth === 0) {
				out.push([start, i]);
				start = i + 1;
			}
		}
		if (to > start) out.push([start, to]);
		return out;
	}

	/**
	 * Words DuckDB reserves but Snowflake lets you use as plain names (`at`, `glob`, `t.end`, ...) are
	 * quoted: always for words Snowflake never uses as keywords here, after/before a `.` for the rest.
	 */
	private keywordAsIdentifier(k: number): boolean {
		const word = this.w(k);
		if (word === undefined) return false;
		if (DUCKDB_ONLY_KEYWORDS.has(word)) return !(word === 'AT' && this.tokens[k + 1]?.kind === 'lparen');
		return DUCKDB_CONTEXT_KEYWORDS.has(word) && (this.tokens[k - 1]?.kind === 'dot' || this.tokens[k + 1]?.kind === 'dot');
	}

	/** A word that ends a select list (GROUP only as GROUP BY: `WITHIN GROUP (...)` belongs to the item). */
	private endsSelectList(k: number): boolean {
		const word = this.w(k);
		return word !== undefined && SELECT_LIST_END.has(word) && (word !== 'GROUP' || this.w(k + 1) === 'BY');
	}

	/** Marks the expressions an INSERT/UPDATE/MERGE assigns to TIMESTAMP_TZ columns (see TranslateContext.target). */
	private findTzAssignments(dml: string, target: { columns: string[]; tz: Set<string> }): void {
		const toks = this.tokens;
		const isTz = (name: string | undefined) => name !== undefined && target.tz.has(name.toUpperCase());
		const wrapList = (cols: string[], from: number, to: number) => {
			this.splitCommas(from, to).forEach(([a, b], i) => {
				if (isTz(cols[i])) this.tzWraps.set(a, this.withoutAlias(a, b));
			});
		};
		const columnList = (open: number): string[] => this.splitCommas(open + 1, this.closeParen(open)).map(([a]) => toks[a].value);
		/** `SET a = x, b = y` from `at` up to FROM/WHERE/WHEN or the end. */
		const setList = (at: number) => {
			let end = at;
			let depth = 0;
			for (; end < toks.length; end++) {
				const t = toks[end];
				if (t.kind === 'lparen') depth++;
				else if (t.kind === 'rparen') {
					if (depth === 0) break;
					depth--;
				} else if (depth === 0 && t.kind === 'word' && ['FROM', 'WHERE', 'WHEN', 'RETURNING'].includes(t.value)) break;
			}
			for (const [a, b] of this.splitCommas(at, end)) {
				const eq = toks.findIndex((t, i) => i > a && i < b && t.text === '=');
				if (eq > 0 && isTz(toks[eq - 1].value)) this.tzWraps.set(eq + 1, b);
			}
		};
		/** `VALUES (..), (..)` rows starting at `at`. */
		const valuesRows = (cols: string[], at: number) => {
			let i = at;
			while (toks[i]?.kind === 'lparen') {
				const close = this.closeParen(i);
				wrapList(cols, i + 1, close);
				i = close + 1;
				if (toks[i]?.kind !== 'comma') break;
				i++;
			}
		};
		if (dml === 'INSERT') {
			const name = readName(toks, 2);
			if (!name) return;
			let k = name.next;
			let cols = target.columns;
			if (toks[k]?.kind === 'lparen' && this.w(k + 1) !== 'SELECT') {
				cols = columnList(k).map((c) => c.toUpperCase());
				k = this.closeParen(k) + 1;
			}
			if (this.w(k) === 'VALUES') valuesRows(cols, k + 1);
			else {
				const select = toks.findIndex((t, i) => i >= k && t.kind === 'word' && t.value === 'SELECT');
				if (select < 0) return;
				let end = select + 1;
				for (let depth = 0; end < toks.length; end++) {
					const t = toks[end];
					if (t.kind === 'lparen') depth++;
					else if (t.kind === 'rparen') depth--;
					else if (depth === 0 && this.endsSelectList(end)) break;
				}
				wrapList(cols, select + (this.w(select + 1) === 'DISTINCT' ? 2 : 1), end);
			}
			return;
		}
		for (let i = 0; i < toks.length; i++) {
			if (this.w(i) === 'SET' && (dml === 'UPDATE' || this.w(i - 1) === 'UPDATE')) setList(i + 1);
			if (dml === 'MERGE' && this.w(i) === 'INSERT' && this.w(i - 1) === 'THEN' && toks[i + 1]?.kind === 'lparen') {
				const cols = columnList(i + 1).map((c) => c.toUpperCase());
				const values = this.closeParen(i + 1) + 1;
				if (this.w(values) === 'VALUES') valuesRows(cols, values + 1);
			}
		}
	}

	/** End of a select item without its `AS alias`. */
	private withoutAlias(a: number, b: number): number {
		return b - a > 2 && this.w(b - 2) === 'AS' ? b - 2 : b;
	}

	translateStatement(): ParsedStatement {
		const first = this.w(0);
		const kind = classify(this.sql);
		if (kind === 'put' || kind === 'get') throw unsupported(first ?? '');
		const out: ParsedStatement & { type: 'sql' } = { type: 'sql', kind, translated: undefined as never };
		let body: string;
		if (first === 'CREATE' || first === 'DROP' || first === 'ALTER' || first === 'TRUNCATE' || first === 'COMMENT') {
			out.ddl = this.ddlInfo();
			body = this.ddlSql(out.ddl);
		} else {
			if (first === 'INSERT' || first === 'UPDATE' || first === 'DELETE' || first === 'MERGE') out.dml = first;
			if (first === 'INSERT' && this.w(1) === 'OVERWRITE') throw unsupported('INSERT OVERWRITE');
			if (first === 'INSERT' && (this.w(1) === 'ALL' || this.w(1) === 'FIRST')) throw unsupported('multi-table INSERT');
			if (out.dml && this.ctx.target && this.ctx.target.tz.size > 0) this.findTzAssignments(out.dml, this.ctx.target);
			body = this.emit(0, this.tokens.length, kind === 'query');
			if (first === 'MERGE') {
				out.mergeClauses = this.mergeClauses();
				body += ' RETURNING merge_action';
			}
		}
		out.translated = { sql: body, paramCount: this.paramMax, sourceColumns: this.sourceColumns, castTypes: this.castTypes };
		return out;
	}

	private mergeClauses(): Array<'inserted' | 'updated' | 'deleted'> {
		const seen = new Set<string>();
		for (let i = 0; i < this.tokens.length; i++) {
			if (this.w(i) !== 'THEN') continue;
			const action = this.w(i + 1);
			if (action === 'INSERT') seen.add('inserted');
			if (action === 'UPDATE') seen.add('updated');
			if (action === 'DELETE') seen.add('deleted');
		}
		return (['inserted', 'updated', 'deleted'] as const).filter((c) => seen.has(c));
	}

	private ddlInfo(): DdlInfo {
		const verb = this.w(0) as DdlInfo['verb'];
		let k = 1;
		let orReplace = false;
		let temporary = false;
		if (this.w(k) === 'OR' && this.w(k + 1) === 'REPLACE') {
			orReplace = true;
			k += 2;
		}
		while (['TRANSIENT', 'TEMPORARY', 'TEMP', 'LOCAL', 'GLOBAL', 'VOLATILE', 'SECURE'].includes(this.w(k) ?? '')) {
			if (['TEMPORARY', 'TEMP', 'VOLATILE'].includes(this.w(k) as string)) temporary = true;
			k++;
		}
		let object = this.w(k) ?? '';
		if (verb === 'COMMENT') object = 'COMMENT';
		else if (verb !== 'TRUNCATE' || object === 'TABLE') k++;
		else object = 'TABLE';
		if (verb === 'ALTER' && object === 'TABLE' && this.w(k) === 'IF' && this.w(k + 1) === 'EXISTS') k += 2;
		const flags = readIfFlags(this.tokens, k);
		const name = readName(this.tokens, flags.next);
		return {
			verb,
			object,
			name: name?.name ?? [],
			orReplace,
			temporary,
			ifExists: flags.ifExists,
			ifNotExists: flags.ifNotExists,
			columns: this.declared,
		};
	}

	/** DDL: keeps the statement, maps column types, drops what DuckDB must not enforce or does not know. */
	private ddlSql(ddl: DdlInfo): string {
		const toks = this.tokens;
		if (ddl.verb === 'CREATE' && ddl.object === 'TABLE') {
			const nameAt = toks.findIndex((t, i) => i > 1 && (t.kind === 'word' || t.kind === 'quoted') && !['OR', 'REPLACE', 'TRANSIENT', 'TEMPORARY', 'TEMP', 'LOCAL', 'GLOBAL', 'VOLATILE', 'TABLE', 'IF', 'NOT', 'EXISTS'].includes(t.kind === 'word' ? t.value : ''));
			const name = readName(toks, nameAt);
			if (!name) throw this.error(nameAt);
			const head = `CREATE ${ddl.orReplace ? 'OR REPLACE ' : ''}${ddl.temporary ? 'TEMP ' : ''}TABLE ${ddl.ifNotExists ? 'IF NOT EXISTS ' : ''}${name.name.map(quoteIdent).join('.')}`;
			let k = name.next;
			if (this.w(k) === 'LIKE' || this.w(k) === 'CLONE') throw unsupported(`CREATE TABLE ... ${this.w(k)}`);
			let columns = '';
			if (toks[k]?.kind === 'lparen') {
				const close = this.closeParen(k);
				columns = `(${this.columnDefinitions(k + 1, close)})`;
				k = close + 1;
			}
			// Table options (CLUSTER BY, COMMENT =, DATA_RETENTION_TIME_IN_DAYS, ...) are dropped; AS SELECT is kept.
			const asAt = toks.findIndex((t, i) => i >= k && t.kind === 'word' && t.value === 'AS');
			const query = asAt >= 0 ? ` AS ${this.emit(asAt + 1, toks.length, true)}` : '';
			if (!columns && !query) throw this.error(k);
			return `${head} ${columns}${query}`;
		}
		if (ddl.verb === 'ALTER' && ddl.object === 'TABLE') {
			const addAt = toks.findIndex((t) => t.kind === 'word' && t.value === 'ADD');
			if (addAt > 0) {
				let k = addAt + 1;
				if (this.w(k) === 'COLUMN') k++;
				const flags = readIfFlags(toks, k);
				const defs = this.columnDefinitions(flags.next, toks.length);
				// DuckDB adds one column per ADD; Snowflake accepts a comma list.
				return defs
					.split('\u0000')
					.map((d) => `${this.emit(0, addAt)} ADD COLUMN ${flags.ifNotExists ? 'IF NOT EXISTS ' : ''}${d}`)
					.join('; ');
			}
		}
		if (ddl.verb === 'CREATE' && ddl.object === 'VIEW') return this.emit(0, toks.length, true);
		if (ddl.verb === 'TRUNCATE') {
			const name = readName(toks, toks.findIndex((t, i) => i > 0 && (t.kind === 'quoted' || (t.kind === 'word' && !['TABLE', 'IF', 'EXISTS'].includes(t.value)))));
			return `DELETE FROM ${name ? name.name.map(quoteIdent).join('.') : ''}`;
		}
		return this.emit(0, toks.length, false);
	}

	/**
	 * CREATE TABLE column list: maps each declared type, remembers it (column comments carry the
	 * Snowflake type) and drops PRIMARY KEY / UNIQUE / FOREIGN KEY, which Snowflake does not enforce.
	 * Returns definitions joined by ", " — or by NUL for ALTER TABLE ADD, which needs them one by one.
	 */
	private columnDefinitions(from: number, to: number): string {
		const parts: string[] = [];
		for (const [s, e] of this.splitCommas(from, to)) {
			const lead = this.w(s);
			if (lead === 'PRIMARY' || lead === 'UNIQUE' || lead === 'FOREIGN' || lead === 'CONSTRAINT') continue;
			const col = this.tokens[s];
			if (col.kind !== 'word' && col.kind !== 'quoted') throw this.error(s);
			const type = readType(this.tokens, s + 1, this.sql);
			if (!type) throw this.error(s + 1);
			this.declared.push({ name: col.value, type: type.type });
			let def = `${quoteIdent(col.value)} ${duckTypeFor(type.type)}`;
			let k = type.next;
			while (k < e) {
				const word = this.w(k);
				if (word === 'PRIMARY' || word === 'UNIQUE') {
					k += word === 'PRIMARY' ? 2 : 1;
				} else if (word === 'REFERENCES' || word === 'FOREIGN') {
					k++;
					const name = readName(this.tokens, k);
					k = name ? name.next : k;
					if (this.tokens[k]?.kind === 'lparen') k = this.closeParen(k) + 1;
				} else if (word === 'COMMENT' || word === 'COLLATE') {
					k += this.tokens[k + 1]?.text === '=' ? 3 : 2;
				} else if (word === 'AUTOINCREMENT' || word === 'IDENTITY') {
					throw unsupported(word);
				} else if (word === 'NOT' && this.w(k + 1) === 'NULL') {
					def += ' NOT NULL';
					k += 2;
				} else if (word === 'NULL') {
					k++;
				} else if (word === 'DEFAULT') {
					const end = this.defaultEnd(k + 1, e);
					def += ` DEFAULT ${this.emit(k + 1, end, false)}`;
					k = end;
				} else throw this.error(k);
			}
			parts.push(def);
		}
		return parts.join(this.w(0) === 'ALTER' ? '\u0000' : ', ');
	}

	private defaultEnd(from: number, to: number): number {
		let depth = 0;
		for (let i = from; i < to; i++) {
			const t = this.tokens[i];
			if (t.kind === 'lparen') depth++;
			else if (t.kind === 'rparen') depth--;
			else if (depth === 0 && i > from && t.kind === 'word' && ['NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'COMMENT', 'COLLATE'].includes(t.value)) return i;
		}
		return to;
	}

	/** Translates tokens [from, to). `query`: the first depth-0 SELECT gets Snowflake column names. */
	emit(from: number, to: number, query = false): string {
		const out: string[] = [];
		/** Output index where the latest primary expression (operand of a postfix `::` or `:path`) starts. */
		let primaryStart = 0;
		let k = from;
		let namedSelect = !query;
		while (k < to) {
			const t = this.tokens[k];
			const startLen = out.length;
			const wrapEnd = this.tzWraps.get(k);
			if (wrapEnd !== undefined && wrapEnd <= to) {
				this.tzWraps.delete(k);
				out.push(`SF_TO_TZ(${this.emit(k, wrapEnd)})`);
				primaryStart = startLen;
				k = wrapEnd;
				continue;
			}
			if (t.kind === 'word' && t.value === 'SELECT' && !namedSelect) {
				namedSelect = true;
				k = this.emitSelectList(k, to, out);
				continue;
			}
			if (t.kind === 'op' && t.text === '::') {
				const type = readType(this.tokens, k + 1, this.sql);
				if (!type) throw this.error(k + 1);
				const operand = out.splice(primaryStart).join(' ');
				out.push(castTo(operand, type.type));
				k = type.next;
				continue;
			}
			if (t.kind === 'op' && t.text === ':' && (this.tokens[k + 1]?.kind === 'word' || this.tokens[k + 1]?.kind === 'quoted')) {
				k = this.emitJsonPath(k, out, primaryStart);
				continue;
			}
			if (t.kind === 'word' && t.value === 'VALUES' && this.tokens[k + 1]?.kind === 'lparen' && ['FROM', 'JOIN', 'USING'].includes(this.w(k - 1) ?? '')) {
				k = this.emitValuesSource(k, to, out);
				primaryStart = startLen;
				continue;
			}
			if (t.kind === 'word' && k + 1 < to && this.tokens[k + 1]?.kind === 'lparen' && !NOT_FUNCTIONS.has(t.value)) {
				const close = this.closeParen(k + 1);
				let call = this.emitCall(t, k + 2, close);
				k = close + 1;
				// LISTAGG(x, ',') WITHIN GROUP (ORDER BY y) → STRING_AGG(x, ',' ORDER BY y)
				if (this.w(k) === 'WITHIN' && this.w(k + 1) === 'GROUP' && this.tokens[k + 2]?.kind === 'lparen') {
					const end = this.closeParen(k + 2);
					call = `${call.slice(0, -1)} ${this.emit(k + 3, end)})`;
					k = end + 1;
				}
				out.push(call);
				primaryStart = startLen;
				continue;
			}
			if (t.text === '[') {
				// An array constant `[1, 2]` is a primary of its own (the operand of `[1, 2]::VECTOR(INT, 2)`);
				// a subscript `a[0]` (written against its operand: `SELECT [1]` is no subscript of SELECT) continues the primary before it.
				const close = this.closeBracket(k, to);
				const before = this.tokens[k - 1];
				const subscript = k > from && endsOperand(before) && before.start + before.text.length === t.start;
				out.push(`[${this.emit(k + 1, close)}]`);
				if (!subscript) primaryStart = startLen;
				k = close + 1;
				continue;
			}
			if (t.kind === 'lparen') {
				const close = this.closeParen(k);
				out.push(`(${this.emit(k + 1, close, query && !namedSelect)})`);
				if (query && !namedSelect && this.tokens.slice(k + 1, close).some((x) => x.kind === 'word' && x.value === 'SELECT')) namedSelect = true;
				primaryStart = startLen;
				k = close + 1;
				continue;
			}
			out.push(this.keywordAsIdentifier(k) ? quoteIdent(t.value) : this.emitToken(t));
			const continuesName = t.kind === 'dot' || (this.tokens[k - 1]?.kind === 'dot' && k > from);
			if (!continuesName) primaryStart = startLen;
			k++;
		}
		return out.join(' ').replace(/ \. /g, '.').replace(/ \.$/g, '.');
	}

	/** The `]` matching the `[` at `open` (before `to`); an unclosed one is a syntax error at its end. */
	private closeBracket(open: number, to: number): number {
		let depth = 0;
		for (let i = open; i < to; i++) {
			const text = this.tokens[i].text;
			if (text === '[') depth++;
			else if (text === ']' && --depth === 0) return i;
		}
		throw this.error(to);
	}

	/**
	 * Snowflake's `FROM VALUES (..), (..) [[AS] v]` → DuckDB's `FROM (VALUES ..) AS v(COLUMN1, ..)`:
	 * Snowflake names VALUES columns COLUMN1..n, and `$n` (tokenised as COLUMNn) refers to them.
	 */
	private emitValuesSource(k: number, to: number, out: string[]): number {
		const rows: string[] = [];
		let columns = 0;
		let i = k + 1;
		while (i < to && this.tokens[i]?.kind === 'lparen') {
			const close = this.closeParen(i);
			columns = Math.max(columns, this.splitCommas(i + 1, close).length);
			rows.push(`(${this.emit(i + 1, close)})`);
			i = close + 1;
			if (this.tokens[i]?.kind !== 'comma' || this.tokens[i + 1]?.kind !== 'lparen') break;
			i++;
		}
		let alias = '"VALUES"';
		if (this.w(i) === 'AS') i++;
		const next = this.tokens[i];
		if (i < to && (next?.kind === 'quoted' || (next?.kind === 'word' && !SELECT_LIST_END.has(next.value) && !VALUES_FOLLOWERS.has(next.value)))) {
			alias = this.emitToken(next);
			i++;
			if (this.tokens[i]?.kind === 'lparen') {
				const close = this.closeParen(i);
				out.push(`(VALUES ${rows.join(', ')}) AS ${alias}(${this.emit(i + 1, close)})`);
				return close + 1;
			}
		}
		const names = Array.from({ length: columns }, (_, c) => `COLUMN${c + 1}`);
		out.push(`(VALUES ${rows.join(', ')}) AS ${alias}(${names.join(', ')})`);
		return i;
	}

	private emitToken(t: Token): string {
		switch (t.kind) {
			case 'string':
				return sqlString(t.value);
			case 'quoted':
				return quoteIdent(t.value);
			case 'word': {
				const bare = BARE_WORDS[t.value];
				if (bare) return bare;
				// DuckDB cannot parse `$` in an unquoted identifier; Snowflake allows it.
				return t.value.includes('$') ? quoteIdent(t.value) : t.value;
			}
			case 'param': {
				const n = t.value === '' ? ++this.paramNext : Number(t.value);
				this.paramMax = Math.max(this.paramMax, n);
				return `$${n}`;
			}
			default:
				return t.text;
		}
	}

	private emitCall(name: Token, from: number, close: number): string {
		const ranges = this.splitCommas(from, close);
		if (name.value === 'CAST' || name.value === 'TRY_CAST') {
			const asAt = this.tokens.findIndex((x, i) => i >= from && i < close && x.kind === 'word' && x.value === 'AS');
			const type = readType(this.tokens, asAt + 1, this.sql);
			if (asAt < 0 || !type) throw this.error(asAt < 0 ? close : asAt + 1);
			const operand = this.emit(from, asAt);
			return type.type.type === 'timestamp_tz' || name.value === 'CAST'
				? castTo(operand, type.type)
				: `TRY_CAST(${operand} AS ${duckTypeFor(type.type)})`;
		}
		if (name.value === 'TABLE' && this.w(from) === 'GENERATOR') {
			const inner = this.closeParen(from + 1);
			const named = this.splitCommas(from + 2, inner).find(([s]) => this.w(s) === 'ROWCOUNT');
			if (!named) throw unsupported('GENERATOR without ROWCOUNT');
			return `RANGE(${this.emit(named[0] + 2, named[1])})`;
		}
		// TABLE(f(...)) is a table function call; DuckDB writes it bare.
		if (name.value === 'TABLE') return this.emit(from, close);
		if (name.value === 'OBJECT_CONSTRUCT' && this.tokens[from]?.text === '*') throw unsupported('OBJECT_CONSTRUCT(*)');
		const args: Arg[] = ranges.map(([s, e]) => ({ sql: this.emit(s, e), tokens: this.tokens.slice(s, e) }));
		const rewrite = FUNCTIONS[name.value];
		if (rewrite) return rewrite(args, this);
		// Everything else passes through by name (each argument emitted exactly once: placeholders are numbered as they are met).
		return `${this.emitToken(name)}(${args.map((a) => a.sql).join(', ')})`;
	}

	/** `v:a.b[0]` → json_extract(v, '$.a.b[0]'); followed by a text cast → json_extract_string (Snowflake yields the bare string). */
	private emitJsonPath(k: number, out: string[], primaryStart: number): number {
		const operand = out.splice(primaryStart).join(' ');
		let path = '$';
		let i = k + 1;
		for (;;) {
			const t = this.tokens[i];
			if (t?.kind === 'word' || t?.kind === 'quoted') {
				path += `.${t.kind === 'word' ? t.text : t.value}`;
				i++;
			} else if (t?.text === '[' && this.tokens[i + 2]?.text === ']') {
				const idx = this.tokens[i + 1];
				path += idx.kind === 'number' ? `[${idx.text}]` : `.${idx.value}`;
				i += 3;
				continue;
			} else break;
			if (this.tokens[i]?.kind === 'dot') i++;
			else if (this.tokens[i]?.text !== '[') break;
		}
		const castType = this.tokens[i]?.text === '::' ? readType(this.tokens, i + 1, this.sql) : undefined;
		if (castType?.type.type === 'text') {
			out.push(`JSON_EXTRACT_STRING(${operand}, ${sqlString(path)})`);
			return castType.next;
		}
		out.push(`JSON_EXTRACT(${operand}, ${sqlString(path)})`);
		return i;
	}

	/**
	 * The top-level SELECT list: unaliased expressions get Snowflake's column name (the expression
	 * text, upper-cased outside quoted identifiers); plain column references are remembered for rowType.
	 */
	private emitSelectList(selectAt: number, to: number, out: string[]): number {
		out.push('SELECT');
		let k = selectAt + 1;
		if (this.w(k) === 'DISTINCT' || this.w(k) === 'ALL') out.push(this.tokens[k++].value);
		let end = k;
		let depth = 0;
		for (; end < to; end++) {
			const t = this.tokens[end];
			if (t.kind === 'lparen') depth++;
			else if (t.kind === 'rparen') {
				if (depth === 0) break;
				depth--;
			} else if (depth === 0 && this.endsSelectList(end)) break;
		}
		const items = this.splitCommas(k, end).map(([s, e]) => this.selectItem(s, e));
		out.push(items.join(', '));
		return end;
	}

	private selectItem(s: number, e: number): string {
		const toks = this.tokens.slice(s, e);
		const sql = this.emit(s, e);
		const last = toks[toks.length - 1];
		const before = toks[toks.length - 2];
		const isName = (t: Token | undefined) => t?.kind === 'quoted' || (t?.kind === 'word' && !NOT_ALIAS.has(t.value));
		const hasAlias =
			toks.length > 1 &&
			isName(last) &&
			(before?.value === 'AS' || ['word', 'quoted', 'rparen', 'string', 'number'].includes(before?.kind ?? '')) &&
			!(before?.text === '::' || (before?.kind === 'word' && isTypeWord(last.value) && this.tokens[e - 3]?.text === '::'));
		if (hasAlias) {
			const exprEnd = before?.value === 'AS' ? e - 2 : e - 1;
			const aliased = this.tokens.slice(s, exprEnd);
			if (aliased.length > 0 && aliased.every((t) => t.kind === 'word' || t.kind === 'quoted' || t.kind === 'dot')) {
				this.sourceColumns.set(last.value, aliased[aliased.length - 1].value);
			}
			this.recordCast(last.value, s, exprEnd);
			return sql;
		}
		const isReference = toks.every((t) => t.kind === 'word' || t.kind === 'quoted' || t.kind === 'dot' || t.text === '*');
		if (isReference && !(toks.length === 1 && BARE_WORDS[toks[0].value] !== undefined)) {
			const col = toks[toks.length - 1];
			if (col.text !== '*') this.sourceColumns.set(col.value, col.value);
			return sql;
		}
		const name = toks
			.map((t, i) => {
				const gap = i > 0 && this.sql.slice(toks[i - 1].start + toks[i - 1].text.length, t.start).length > 0 ? ' ' : '';
				return gap + (t.kind === 'quoted' ? t.text : t.text.toUpperCase());
			})
			.join('');
		this.recordCast(name, s, e);
		return `${sql} AS ${quoteIdent(name)}`;
	}

	/** Remembers the declared type of a select item that is a cast as a whole (Snowflake reports its precision/length/scale). */
	private recordCast(name: string, s: number, e: number): void {
		let depth = 0;
		let lastCast = -1;
		for (let i = s; i < e; i++) {
			const t = this.tokens[i];
			if (t.kind === 'lparen') depth++;
			else if (t.kind === 'rparen') depth--;
			else if (depth === 0 && t.text === '::') lastCast = i;
		}
		if (lastCast >= 0) {
			const type = readType(this.tokens, lastCast + 1, this.sql);
			if (type && type.next === e) this.castTypes.set(name, type.type);
			return;
		}
		const w = this.w(s);
		if ((w === 'CAST' || w === 'TRY_CAST') && this.tokens[s + 1]?.kind === 'lparen' && this.closeParen(s + 1) === e - 1) {
			for (let i = e - 2; i > s + 1; i--) {
				if (this.w(i) !== 'AS') continue;
				const type = readType(this.tokens, i + 1, this.sql);
				if (type && type.next === e - 1) this.castTypes.set(name, type.type);
				return;
			}
		}
	}
}

/** `x::T` / CAST(x AS T) with T a Snowflake type. */
function castTo(operand: string, type: SfType): string {
	if (type.type === 'timestamp_tz') return `SF_TO_TZ(${operand})`;
	// Text with a ' +hh:mm' offset (Snowflake's spelling) is not DuckDB's; the TZ macros parse it.
	if (type.type === 'timestamp_ltz') return `SF_TO_LTZ(${operand})`;
	if (type.type === 'variant' || type.type === 'object' || type.type === 'array') return `TO_JSON(${operand})`;
	return `CAST(${operand} AS ${duckTypeFor(type)})`;
}
