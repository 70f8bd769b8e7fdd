/**
 * The resource locators' list searches, run through n8n-core's LoadOptionsContext (as the editor does)
 * against the emulator. The engine here answers SHOW with Snowflake's column names and records each
 * statement, so the test sees which SHOW ran in which context and how the UI filter is applied.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import type { Engine, EngineResult, SessionContext } from '../emulator/engine-types';
import { createFakeEngine } from '../emulator/fakeEngine';
import { createAdditionalData, createWorkflow, snowflakeWorkflow } from './harness';
import { useEmulator } from './setup';
import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';

const ran: Array<{ statement: string; context: SessionContext }> = [];
const SHOW: Record<string, string[][]> = {
	ROLES: [['ANALYST'], ['Reporting Role'], ['SYSADMIN']],
	WAREHOUSES: [['COMPUTE_WH'], ['LOAD_WH']],
	DATABASES: [['ANALYTICS'], ['RAW']],
	SCHEMAS: [['PUBLIC'], ['Staging']],
	TABLES: [
		['ORDERS', 'ANALYTICS', 'PUBLIC'],
		['Order Lines', 'ANALYTICS', 'PUBLIC'],
	],
};

function column(name: string) {
	return { name, database: '', schema: '', table: '', type: 'text', length: 255, byteLength: 1020, precision: null, scale: null, nullable: true, collation: null };
}

/** The fake engine, plus SHOW answers. */
function showEngine(): Engine {
	const base = createFakeEngine();
	return {
		...base,
		openSession: async () => {
			const session = await base.openSession();
			return {
				...session,
				run: async (statement, bindings, context, signal): Promise<EngineResult> => {
					ran.push({ statement, context });
					const object = /^SHOW\s+(\w+)/i.exec(statement)?.[1]?.toUpperCase();
					if (!object || !SHOW[object]) return await session.run(statement, bindings, context, signal);
					const names = object === 'TABLES' ? ['name', 'database_name', 'schema_name'] : ['name'];
					return { kind: 'query', rowType: names.map(column), data: SHOW[object] };
				},
			};
		},
	};
}

const env = useEmulator({ engine: showEngine() });
const node = new SnowflakeSqlApi();

async function search(method: keyof typeof node.methods.listSearch, parameters: INodeParameters, filter?: string, credentials: ICredentialDataDecryptedObject = {}) {
	const data = snowflakeWorkflow({ operation: 'insert', ...parameters });
	const snowflake = data.nodes[1];
	const additionalData = createAdditionalData(data, env.credentials(credentials));
	additionalData.currentNodeParameters = snowflake.parameters;
	const context = new LoadOptionsContext(createWorkflow(data), snowflake, additionalData, 'parameters.table');
	ran.splice(0);
	return await node.methods.listSearch[method].call(context, filter);
}

describe('list search', () => {
	it.each([
		['searchRoles', 'SHOW ROLES', ['ANALYST', 'Reporting Role', 'SYSADMIN']],
		['searchWarehouses', 'SHOW WAREHOUSES', ['COMPUTE_WH', 'LOAD_WH']],
		['searchDatabases', 'SHOW DATABASES', ['ANALYTICS', 'RAW']],
	] as const)('%s runs %s through the SQL API; values are the exact names', async (method, statement, names) => {
		const result = await search(method, {});
		expect(result).toEqual({ results: names.map((name) => ({ name, value: name })) });
		expect(ran.map((entry) => entry.statement)).toEqual([statement]);
	});

	it('the filter is applied here, case-insensitively, never written into the SQL', async () => {
		const result = await search('searchRoles', {}, "report' OR 1=1");
		expect(result).toEqual({ results: [] });
		const matching = await search('searchRoles', {}, 'REPORT');
		expect(matching).toEqual({ results: [{ name: 'Reporting Role', value: 'Reporting Role' }] });
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW ROLES']);
	});

	it('schemas of the database chosen in Options ("by name" follows the identifier rules)', async () => {
		const result = await search('searchSchemas', { options: { database: { __rl: true, mode: 'name', value: 'analytics' } } });
		expect(result.results.map((entry) => entry.value)).toEqual(['PUBLIC', 'Staging']);
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW SCHEMAS IN DATABASE "ANALYTICS"']);
	});

	it('tables of the credential\'s database and schema; the value is the quoted qualified name, run with its role and warehouse', async () => {
		const result = await search('searchTables', {}, undefined, { database: 'ANALYTICS', schema: 'PUBLIC', role: 'ANALYST', warehouse: 'COMPUTE_WH' });
		expect(result).toEqual({
			results: [
				{ name: 'PUBLIC.ORDERS', value: '"ANALYTICS"."PUBLIC"."ORDERS"' },
				{ name: 'PUBLIC.Order Lines', value: '"ANALYTICS"."PUBLIC"."Order Lines"' },
			],
		});
		expect(ran.map((entry) => entry.statement)).toEqual(['SHOW TABLES IN SCHEMA "ANALYTICS"."PUBLIC"']);
		expect(ran[0].context).toMatchObject({ role: 'ANALYST', warehouse: 'COMPUTE_WH' });
	});
});
