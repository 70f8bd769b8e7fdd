/**
 * List search for the resource locators: SHOW … through the SQL API, run as the role of Options >
 * Role (else the credential's). The filter typed in the UI goes to Snowflake as `SHOW … LIKE
 * '%<filter>%'` (SHOW takes no bindings): a string literal with every character that means something
 * to the literal (' and \) or to LIKE (%, _ and \) escaped, so it matches the text as typed,
 * case-insensitively, over everything SHOW can list (10,000 objects), not just a first page.
 * Results come 1,000 at a time (paginationToken = how many were handed out before).
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { createClient, createN8nHttp, loadCredential, quoteExactIdentifier, resolveIdentifier, showLike, toNodeError } from '../helpers';
import type { LocatorValue } from '../helpers';
import type { ContextDefaults, StatementRequest } from '../transport';

/** One page of the picker. */
const PAGE_SIZE = 1000;
/** SHOW itself lists at most 10,000 objects. */
const SHOW_LIMIT = 10_000;

/** Page `token` (an offset) of `items`, with the next token when more remain. */
function page<T>(items: T[], token: string | undefined): { results: T[]; paginationToken?: string } {
	const offset = Math.max(0, Number.parseInt(token ?? '0', 10) || 0);
	const results = items.slice(offset, offset + PAGE_SIZE);
	const next = offset + PAGE_SIZE;
	return next < items.length ? { results, paginationToken: String(next) } : { results };
}

interface Listing {
	credentials: ContextDefaults;
	rows: Array<Record<string, unknown>>;
}

/**
 * Runs one SHOW as the role and with the warehouse chosen in Options (else the credential's);
 * `ownRole: false` keeps the credential's role (the role picker lists what that role can choose from).
 */
async function show(
	context: ILoadOptionsFunctions,
	statement: (credentials: ContextDefaults) => string,
	{ ownRole = true }: { ownRole?: boolean } = {},
): Promise<Listing> {
	const credential = await loadCredential(context);
	const credentials = credential.defaults;
	try {
		const client = createClient(createN8nHttp(context, credential), credential.auth);
		const role = ownRole ? optionName(context, 'role', credentials.role) : credentials.role?.trim();
		const warehouse = optionName(context, 'warehouse', credentials.warehouse);
		const request: StatementRequest = {
			statement: statement(credentials),
			...(role ? { role } : {}),
			...(warehouse ? { warehouse } : {}),
		};
		const result = await client.execute(request, { maxRows: SHOW_LIMIT, onMaxRows: 'truncate' });
		return { credentials, rows: result.rows };
	} catch (error) {
		throw toNodeError(context.getNode(), error, 0);
	}
}

function names(rows: Array<Record<string, unknown>>): INodeListSearchItems[] {
	return rows
		.map((row) => String(row.name ?? ''))
		.filter((name) => name !== '')
		.map((name) => ({ name, value: name }));
}

/** A locator of the Options collection, as Snowflake stores the name (undefined when unset). */
function optionName(context: ILoadOptionsFunctions, option: string, fallback: string | undefined): string | undefined {
	let locator: LocatorValue | string | undefined;
	try {
		locator = context.getCurrentNodeParameter(`options.${option}`) as LocatorValue | string | undefined;
	} catch {
		locator = undefined; // the option is not added
	}
	const value = typeof locator === 'string' ? locator : locator?.value;
	if (value && String(value).trim() !== '') {
		const text = String(value).trim();
		return typeof locator === 'object' && locator.mode === 'name' ? resolveIdentifier(text, option) : text;
	}
	const trimmed = fallback?.trim();
	return trimmed ? trimmed : undefined;
}

export async function searchRoles(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => `SHOW ROLES${showLike(filter)}`, { ownRole: false });
	return page(names(rows), paginationToken);
}

export async function searchWarehouses(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => `SHOW WAREHOUSES${showLike(filter)}`);
	return page(names(rows), paginationToken);
}

export async function searchDatabases(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => `SHOW DATABASES${showLike(filter)}`);
	return page(names(rows), paginationToken);
}

export async function searchSchemas(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, (credentials) => {
		const database = optionName(this, 'database', credentials.database);
		const like = showLike(filter);
		return database ? `SHOW SCHEMAS${like} IN DATABASE ${quoteExactIdentifier(database, 'database')}` : `SHOW SCHEMAS${like}`;
	});
	return page(names(rows), paginationToken);
}

/** Tables of the chosen (or the credential's) database and schema; the value is the quoted qualified name. */
export async function searchTables(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, (credentials) => {
		const database = optionName(this, 'database', credentials.database);
		const schema = optionName(this, 'schema', credentials.schema);
		const like = showLike(filter);
		if (database && schema) {
			return `SHOW TABLES${like} IN SCHEMA ${quoteExactIdentifier(database, 'database')}.${quoteExactIdentifier(schema, 'schema')}`;
		}
		if (database) return `SHOW TABLES${like} IN DATABASE ${quoteExactIdentifier(database, 'database')}`;
		return `SHOW TABLES${like}`;
	});
	const results = rows
		.map((row) => ({
			table: String(row.name ?? ''),
			schema: String(row.schema_name ?? ''),
			database: String(row.database_name ?? ''),
		}))
		.filter(({ table }) => table !== '')
		.map(({ table, schema, database }) => ({
			name: schema ? `${schema}.${table}` : table,
			value: [database, schema, table]
				.filter((part) => part !== '')
				.map((part) => quoteExactIdentifier(part))
				.join('.'),
		}));
	return page(results, paginationToken);
}
