/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * The trigger's description: what n8n needs of a polling trigger, the shared credential and pickers,
 * its registration in package.json and its codex, and which fields each mode shows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type INodeProperties, type INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node';
import { SnowflakeSqlApiTrigger } from '../../../nodes/SnowflakeSqlApiTrigger/SnowflakeSqlApiTrigger.node';

const root = join(__dirname, '..', '..', '..');
const node = new SnowflakeSqlApiTrigger();
const { description } = node;

function visible(values: INodeParameters): string[] {
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(values, property, { typeVersion: 1 } as never, description))
		.map((property) => property.name);
}

describe('trigger description', () => {
	it('a polling trigger: Trigger naming, no inputs, one output, not a tool', () => {
		expect(description).toMatchObject({
			name: 'snowflakeSqlApiTrigger',
			displayName: 'Snowflake SQL API Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
			outputs: ['main'],
			version: 1,
			defaults: { name: 'Snowflake SQL API Trigger' },
		});
		expect(description.usableAsTool).toBeUndefined();
		expect(typeof node.poll).toBe('function');
	});

	it('the action node credential, tested the same way, and its list searches', () => {
		const action = new SnowflakeSqlApi();
		expect(description.credentials).toEqual(action.description.credentials);
		expect(node.methods.credentialTest).toBe(action.methods.credentialTest);
		expect(node.methods.listSearch).toBe(action.methods.listSearch);
		const table = description.properties.find((property) => property.name === 'table') as INodeProperties;
		expect(table.modes?.[0].typeOptions?.searchListMethod).toBe('searchTables');
	});

	it('icons resolve to the action node files, themed', () => {
		const icon = description.icon as { light: string; dark: string };
		expect(icon.light).not.toBe(icon.dark);
		for (const file of [icon.light, icon.dark]) {
			expect(existsSync(join(root, 'nodes', 'SnowflakeSqlApiTrigger', file.replace(/^file:/, '')))).toBe(true);
		}
	});

	it('registered in package.json, with a codex next to it', () => {
		const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
		expect(pkg.n8n.nodes).toContain('dist/nodes/SnowflakeSqlApiTrigger/SnowflakeSqlApiTrigger.node.js');
		const codex = JSON.parse(readFileSync(join(root, 'nodes', 'SnowflakeSqlApiTrigger', 'SnowflakeSqlApiTrigger.node.json'), 'utf8')) as Record<string, unknown>;
		expect(codex.node).toBe('n8n-nodes-snowflake-sql-api.snowflakeSqlApiTrigger');
	});

	it.each([
		[{ mode: 'newRows', startFrom: 'now' }, ['mode', 'table', 'watermarkColumn', 'startFrom', 'rowsPerPoll', 'options']],
		[{ mode: 'newRows', startFrom: 'value' }, ['mode', 'table', 'watermarkColumn', 'startFrom', 'startValue', 'rowsPerPoll', 'options']],
		[{ mode: 'customQuery', startFrom: 'now' }, ['mode', 'query', 'watermarkColumn', 'startFrom', 'startValue', 'rowsPerPoll', 'options']],
		[{ mode: 'customQuery', startFrom: 'value' }, ['mode', 'query', 'watermarkColumn', 'startFrom', 'startValue', 'rowsPerPoll', 'options']],
		[{ mode: 'changes', changesStartFrom: 'now' }, ['mode', 'table', 'changeActions', 'changesStartFrom', 'changesPerPoll', 'options']],
		[{ mode: 'changes', changesStartFrom: 'timestamp' }, ['mode', 'table', 'changeActions', 'changesStartFrom', 'startTimestamp', 'changesPerPoll', 'options']],
	])('fields shown for %j', (values, names) => {
		expect(visible(values)).toEqual(['authentication', ...names]);
	});

	it('options: the action node request options without their per-operation visibility, plus the trigger options', () => {
		const options = description.properties.find((property) => property.name === 'options')?.options as INodeProperties[];
		expect(options.map((option) => option.name).sort()).toEqual(
			['database', 'keyColumns', 'lookBack', 'numbersAsText', 'queryTag', 'role', 'schema', 'startValueType', 'statementTimeout', 'timezone', 'warehouse'].sort(),
		);
		for (const option of options) expect(option.displayOptions).toBeUndefined();
	});

	it('options of Changes in a Table: the request options, Enable Change Tracking and Key Columns', () => {
		const collections = description.properties.filter((property) => property.name === 'options');
		const changes = collections.find((property) => property.displayOptions?.show?.mode?.includes('changes'));
		const names = (changes?.options as INodeProperties[]).map((option) => option.name).sort();
		expect(names).toEqual(['database', 'enableChangeTracking', 'keyColumns', 'numbersAsText', 'queryTag', 'role', 'schema', 'statementTimeout', 'timezone', 'warehouse'].sort());
	});
});
