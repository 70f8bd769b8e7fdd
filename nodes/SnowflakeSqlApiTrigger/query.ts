/**
 * The statements a poll sends. Identifiers follow the action node's identifier rules (its Select uses
 * the same helpers); every value (start, bound, :watermark) is a typed binding.
 *
 *   SELECT * FROM <table | (<query>) AS "N8N_TRIGGER_SOURCE">
 *   WHERE <col> >= ? [AND <col> > ?] ORDER BY <col> ASC LIMIT <n>
 */
import {
	assertNoFileTransfer,
	countStatements,
	findNamedPlaceholders,
	findPlaceholders,
	quoteExactIdentifier,
	quoteIdentifier,
	quoteQualifiedName,
	resolveIdentifier,
	rewritePlaceholders,
	SqlInputError,
	withoutTrailingTerminators,
} from '../SnowflakeSqlApi/helpers';
import type { Placeholder } from '../SnowflakeSqlApi/helpers';
import type { Binding, Bindings } from '../SnowflakeSqlApi/transport';

const SOURCE_ALIAS = '"N8N_TRIGGER_SOURCE"';
const WATERMARK_ALIAS = '"WATERMARK"';

export interface Source {
	/** What follows FROM. */
	from: string;
	/** The `:watermark` placeholders of a custom query, in text order (bound before the conditions). */
	watermarks: number;
}

/** A table as the locator gives it: typed names follow the identifier rules; "By ID" is the exact name. */
export function tableSource(value: string, mode: string): Source {
	if (value.trim() === '') throw new SqlInputError('Choose a table.');
	const from = mode === 'id' ? quoteExactIdentifier(value.trim(), 'table name') : quoteQualifiedName(value);
	return { from, watermarks: 0 };
}

/** A custom query: one SELECT, `:watermark` as its only placeholder. */
export function querySource(sql: string): Source {
	if (typeof sql !== 'string' || sql.trim() === '') throw new SqlInputError('The query is empty. Enter the SELECT to poll.');
	assertNoFileTransfer(sql);
	const count = countStatements(sql);
	if (count > 1) {
		throw new SqlInputError(`The query holds ${count} statements separated by ";". The trigger runs one SELECT.`);
	}
	if (findPlaceholders(sql).length > 0) {
		throw new SqlInputError('The query may use :watermark, but no ? or :1 placeholders: the trigger has no other values to bind.');
	}
	const found: Placeholder[] = findNamedPlaceholders(sql, 'watermark');
	// The SQL text helper drops the trailing `;` even before a comment (`SELECT 1; -- done`), which a
	// regex on the end of the text missed; the comment stays, and ends at the newline before `)`.
	const body = withoutTrailingTerminators(rewritePlaceholders(sql, found, () => '?'));
	return { from: `(\n${body}\n) AS ${SOURCE_ALIAS}`, watermarks: found.length };
}

export interface WatermarkColumn {
	/** As typed. */
	typed: string;
	/** Quoted for SQL. */
	sql: string;
	/** As Snowflake stores it (the rowType name). */
	name: string;
}

export function watermarkColumn(typed: string): WatermarkColumn {
	if (typeof typed !== 'string' || typed.trim() === '') throw new SqlInputError('Enter the watermark column.');
	return { typed, sql: quoteIdentifier(typed, 'watermark column'), name: resolveIdentifier(typed, 'watermark column') };
}

export interface Condition {
	operator: '>=' | '>';
	binding: Binding;
}

export interface SelectPlan {
	source: Source;
	column: WatermarkColumn;
	/** What :watermark is bound to; required when the query has one. */
	watermark?: Binding;
	conditions: Condition[];
	direction: 'ASC' | 'DESC';
	limit: number;
	/** `SELECT MAX(<col>) AS "WATERMARK"` instead of the rows. */
	max?: boolean;
	/** Upper bound (inclusive), for the rows present at activation. */
	atMost?: Binding;
}

export function buildStatement(plan: SelectPlan): { statement: string; bindings: Bindings } {
	const bindings: Bindings = {};
	const bind = (binding: Binding) => {
		bindings[String(Object.keys(bindings).length + 1)] = { ...binding };
		return '?';
	};
	if (plan.source.watermarks > 0) {
		if (!plan.watermark) {
			throw new SqlInputError(
				'The query uses :watermark, and no row has been seen yet: set Start Value, the value :watermark takes until then.',
			);
		}
		for (let i = 0; i < plan.source.watermarks; i++) bind(plan.watermark);
	}
	const column = plan.column.sql;
	const where = plan.conditions.map((condition) => `${column} ${condition.operator} ${bind(condition.binding)}`);
	if (plan.atMost) where.push(`${column} <= ${bind(plan.atMost)}`);
	if (where.length === 0) where.push(`${column} IS NOT NULL`);
	const head = plan.max ? `SELECT MAX(${column}) AS ${WATERMARK_ALIAS}` : 'SELECT *';
	let statement = `${head} FROM ${plan.source.from} WHERE ${where.join(' AND ')}`;
	if (!plan.max) {
		if (!Number.isSafeInteger(plan.limit) || plan.limit < 1) throw new SqlInputError(`The row limit must be a whole number of 1 or more (got ${plan.limit})`);
		statement += ` ORDER BY ${column} ${plan.direction} LIMIT ${plan.limit}`;
	}
	return { statement, bindings };
}
