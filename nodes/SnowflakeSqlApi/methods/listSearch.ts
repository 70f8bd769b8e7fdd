/**
 * List search for the resource locators: SHOW … through the SQL API, filtered here (SHOW … LIKE
 * takes no bindings, and a filter typed in the UI must never become SQL text).
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { CREDENTIAL_TYPE, createClient, createN8nHttp } from '../helpers/adapters';
import { toNodeError } from '../helpers/errors';
import { quoteExactIdentifier, resolveIdentifier } from '../helpers/identifiers';
import type { LocatorValue } from '../helpers/interfaces';
import { readCredentials, type SnowflakeKeyPairCredentials } from '../transport/auth';
import type { StatementRequest } from '../transport';

/** Enough for a picker; SHOW lists at most 10,000 objects anyway. */
const MAX_RESULTS = 1000;

interface Listing {
	credentials: SnowflakeKeyPairCredentials;
	rows: Array<Record<string, unknown>>;
}

async function show(
	context: ILoadOptionsFunctions,
	statement: (credentials: SnowflakeKeyPairCredentials) => string,
	request: Partial<StatementRequest> = {},
): Promise<Listing> {
	const credentials = readCredentials(await context.getCredentials(CREDENTIAL_TYPE));
	try {
		const client = createClient(createN8nHttp(context, credentials), credentials);
		const role = credentials.role?.trim();
		const warehouse = credentials.warehouse?.trim();
		const result = await client.execute(
			{
				statement: statement(credentials),
				...(role ? { role } : {}),
				...(warehouse ? { warehouse } : {}),
				...request,
			},
			{ maxRows: MAX_RESULTS, onMaxRows: 'truncate' },
		);
		return { credentials, rows: result.rows };
	} catch (error) {
		throw toNodeError(context.getNode(), error, 0);
	}
}

function matches(name: string, filter: string | undefined): boolean {
	return !filter || name.toLowerCase().includes(filter.toLowerCase());
}

function names(rows: Array<Record<string, unknown>>, filter: string | undefined): INodeListSearchItems[] {
	return rows
		.map((row) => String(row.name ?? ''))
		.filter((name) => name !== '' && matches(name, filter))
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

export async function searchRoles(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => 'SHOW ROLES');
	return { results: names(rows, filter) };
}

export async function searchWarehouses(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => 'SHOW WAREHOUSES');
	return { results: names(rows, filter) };
}

export async function searchDatabases(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, () => 'SHOW DATABASES');
	return { results: names(rows, filter) };
}

export async function searchSchemas(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, (credentials) => {
		const database = optionName(this, 'database', credentials.database);
		return database ? `SHOW SCHEMAS IN DATABASE ${quoteExactIdentifier(database, 'database')}` : 'SHOW SCHEMAS';
	});
	return { results: names(rows, filter) };
}

/** Tables of the chosen (or the credential's) database and schema; the value is the quoted qualified name. */
export async function searchTables(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const { rows } = await show(this, (credentials) => {
		const database = optionName(this, 'database', credentials.database);
		const schema = optionName(this, 'schema', credentials.schema);
		if (database && schema) {
			return `SHOW TABLES IN SCHEMA ${quoteExactIdentifier(database, 'database')}.${quoteExactIdentifier(schema, 'schema')}`;
		}
		if (database) return `SHOW TABLES IN DATABASE ${quoteExactIdentifier(database, 'database')}`;
		return 'SHOW TABLES';
	});
	const results = rows
		.map((row) => ({
			table: String(row.name ?? ''),
			schema: String(row.schema_name ?? ''),
			database: String(row.database_name ?? ''),
		}))
		.filter(({ table }) => table !== '' && matches(table, filter))
		.map(({ table, schema, database }) => ({
			name: schema ? `${schema}.${table}` : table,
			value: [database, schema, table]
				.filter((part) => part !== '')
				.map((part) => quoteExactIdentifier(part))
				.join('.'),
		}));
	return { results };
}
