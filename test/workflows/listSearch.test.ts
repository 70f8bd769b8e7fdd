/**
 * The resource locators' list searches, run through n8n-core's LoadOptionsContext (as the editor does)
 * against the emulator's DuckDB engine, seeded with real databases, schemas and tables. The engine is
 * wrapped only to record each statement and its context, so the test sees which SHOW ran in which
 * context and how the UI filter is applied.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDuckDbEngine, type DuckDbEngine } from '../emulator/engine';
import type { Engine, SessionContext } from '../emulator/engine-types';
import { listSearchContext, snowflakeWorkflow } from './harness';
import { useEmulator } from './setup';
import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';

const ran: Array<{ statement: string; context: SessionContext }> = [];

// Registered before useEmulator's hooks: the engine exists (and is seeded) before the emulator starts.
let duckdb: DuckDbEngine | undefined;
const engine = (): DuckDbEngine => {
	if (!duckdb) throw new Error('The engine is not started');
	return duckdb;
};
beforeAll(async () => {
	duckdb = await createDuckDbEngine();
	const session = await duckdb.openSession();
	try {
		for (const statement of [
			'CREATE DATABASE ANALYTICS',
			'CREATE DATABASE RAW',
			'CREATE SCHEMA ANALYTICS."Staging"',
			'CREATE TABLE ANALYTICS.PUBLIC.ORDERS (ID NUMBER)',
			'CREATE TABLE ANALYTICS.PUBLIC."Order Lines" (ID NUMBER)',
			'CREATE TABLE ANALYTICS."Staging".LOADS (ID NUMBER)',
			'CREATE TABLE RAW.PUBLIC.EVENTS (ID NUMBER)',
		]) {
			await session.run(statement, undefined, { parameters: {} });
		}
	} finally {
		await session.close();
	}
});
afterAll(async () => {
	await duckdb?.close(); // the emulator does not close an engine it was given
});

/** The DuckDB engine, recording every statement with the context the request gave it. */
const recording: Engine = {
	openSession: async () => {
		const session = await engine().openSession();
		return {
			run: async (statement, bindings, context, signal) => {
				ran.push({ statement, context });
				return await session.run(statement, bindings, context, signal);
			},
			close: async () => await session.close(),
		};
	},
	splitStatements: (sql) => engine().splitStatements(sql),
	classify: (statement) => engine().classify(statement),
	close: async () => {},
};

const env = useEmulator({ engine: recording });
const node = new SnowflakeSqlApi();

async function search(
	method: keyof typeof node.methods.listSearch,
	parameters: INodeParameters,
	filter?: string,
	credentials: ICredentialDataDecryptedObject = {},
	paginationToken?: string,
) {
	const context = listSearchContext(snowflakeWorkflow({ operation: 'insert', ...parameters }), env.credentials(credentials));
	ran.splice(0);
	return await node.methods.listSearch[method].call(context, filter, paginationToken);
}

describe('list search', () => {
	it.each([
		['searchRoles', 'SHOW ROLES', ['EMULATOR_ROLE', 'PUBLIC']],
		['searchWarehouses', 'SHOW WAREHOUSES', ['EMULATOR_WH']],
		['searchDatabases', 'SHOW DATABASES', ['ANALYTICS', 'EMULATOR_DB', 'RAW']],
	] as const)('%s runs %s through the SQL API; values are the exact names', async (method, statement, names) => {
		const result = await search(method, {});
		expect(result).toEqual({ results: names.map((name) => ({ name, value: name })) });
		expect(ran.map((entry) => entry.statement)).toEqual([statement]);
	});

	it('the filter goes to SHOW … LIKE as an escaped literal: matched case-insensitively as typed, quotes and wildcards inert', async () => {
		const result = await search('searchRoles', {}, "role' OR 1=1");
		expect(result).toEqual({ results: [] });
		expect(ran.map((entry) => entry.statement)).toEqual(["SHOW ROLES LIKE '%role'' OR 1=1%'"]);
		const matching = await search('searchRoles', {}, 'emulator_r');
		expect(matching).toEqual({ results: [{ name: 'EMULATOR_ROLE', value: 'EMULATOR_ROLE' }] });
		expect(ran.map((entry) => entry.statement)).toEqual(["SHOW ROLES LIKE '%emulator\\\\_r%'"]);
		// `_` and `%` match only themselves: "EMULATORXROLE" would match an unescaped `emulator_role`.
		expect(await search('searchRoles', {}, 'r_le')).toEqual({ results: [] });
		expect(await search('searchRoles', {}, '%')).toEqual({ results: [] });
		expect(await search('searchRoles', {}, '\\')).toEqual({ results: [] });
		expect(ran.map((entry) => entry.statement)).toEqual(["SHOW ROLES LIKE '%\\\\\\\\%'"]);
	});

	it('tables: the filter finds names past the first 1,000 (SHOW … LIKE), and unfiltered lists come in pages of 1,000', async () => {
		const session = await engine().openSession();
		try {
			await session.run('CREATE SCHEMA RAW.MANY', undefined, { parameters: {} });
			for (let i = 0; i < 1000; i++) {
				await session.run(`CREATE TABLE RAW.MANY.T${String(i).padStart(4, '0')} (ID NUMBER)`, undefined, { parameters: {} });
			}
			await session.run('CREATE TABLE RAW.MANY.ZZ_LAST (ID NUMBER)', undefined, { parameters: {} });
		} finally {
			await session.close();
		}
		const options = { options: { database: { __rl: true, mode: 'id', value: 'RAW' }, schema: { __rl: true, mode: 'id', value: 'MANY' } } };
		expect(await search('searchTables', options, 'zz_l')).toEqual({ results: [{ name: 'MANY.ZZ_LAST', value: '"RAW"."MANY"."ZZ_LAST"' }] });
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW TABLES LIKE \'%zz\\\\_l%\' IN SCHEMA "RAW"."MANY"']);
		const first = await search('searchTables', options);
		expect(first.results).toHaveLength(1000);
		expect(first.paginationToken).toBe('1000');
		const second = await search('searchTables', options, undefined, {}, first.paginationToken);
		expect(second).toEqual({ results: [{ name: 'MANY.ZZ_LAST', value: '"RAW"."MANY"."ZZ_LAST"' }] });
	});

	it('listings run as the role (and with the warehouse) chosen in Options, not the credential\'s; the role picker keeps the credential\'s role', async () => {
		const options = { options: { role: { __rl: true, mode: 'id', value: 'LOADER' }, warehouse: { __rl: true, mode: 'name', value: 'etl_wh' } } };
		await search('searchDatabases', options, undefined, { role: 'ANALYST', warehouse: 'COMPUTE_WH' });
		expect(ran[0].context).toMatchObject({ role: 'LOADER', warehouse: 'ETL_WH' });
		await search('searchTables', options, undefined, { role: 'ANALYST', database: 'ANALYTICS', schema: 'PUBLIC' });
		expect(ran[0].context).toMatchObject({ role: 'LOADER', warehouse: 'ETL_WH' });
		await search('searchRoles', options, undefined, { role: 'ANALYST' });
		expect(ran[0].context).toMatchObject({ role: 'ANALYST' });
	});

	it('schemas of the database chosen in Options ("by name" follows the identifier rules)', async () => {
		const result = await search('searchSchemas', { options: { database: { __rl: true, mode: 'name', value: 'analytics' } } });
		expect(result.results.map((entry) => entry.value)).toEqual(['INFORMATION_SCHEMA', 'PUBLIC', 'Staging']);
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW SCHEMAS IN DATABASE "ANALYTICS"']);
	});

	it('a database that does not exist: the list search fails with Snowflake\'s 002003', async () => {
		await expect(search('searchSchemas', { options: { database: { __rl: true, mode: 'id', value: 'Nope' } } })).rejects.toMatchObject({
			message: "SQL compilation error:\nDatabase 'Nope' does not exist or not authorized. (code 002003, SQL state 02000)",
		});
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW SCHEMAS IN DATABASE "Nope"']);
	});

	it('tables of the credential\'s database and schema; the value is the quoted qualified name, run with its role and warehouse', async () => {
		const result = await search('searchTables', {}, undefined, { database: 'ANALYTICS', schema: 'PUBLIC', role: 'ANALYST', warehouse: 'COMPUTE_WH' });
		expect(result).toEqual({
			results: [
				{ name: 'PUBLIC.Order Lines', value: '"ANALYTICS"."PUBLIC"."Order Lines"' },
				{ name: 'PUBLIC.ORDERS', value: '"ANALYTICS"."PUBLIC"."ORDERS"' },
			],
		});
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW TABLES IN SCHEMA "ANALYTICS"."PUBLIC"']);
		expect(ran[0].context).toMatchObject({ role: 'ANALYST', warehouse: 'COMPUTE_WH' });
	});

	it('tables of a schema chosen in Options, exact case kept', async () => {
		const result = await search('searchTables', {
			options: { database: { __rl: true, mode: 'name', value: 'analytics' }, schema: { __rl: true, mode: 'id', value: 'Staging' } },
		});
		expect(result).toEqual({ results: [{ name: 'Staging.LOADS', value: '"ANALYTICS"."Staging"."LOADS"' }] });
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW TABLES IN SCHEMA "ANALYTICS"."Staging"']);
	});
});
