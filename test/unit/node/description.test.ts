/**
 * The node description: metadata n8n and the lint rules rely on, method names that resolve, and which
 * fields and options each operation shows (n8n's own displayParameter decides visibility).
 */
import { NodeHelpers, type INodeProperties, type INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { SnowflakeSqlApi } from '../../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node';

const node = new SnowflakeSqlApi();
const { description } = node;
const operationProperty = description.properties.find((property) => property.name === 'operation') as INodeProperties;
const operations = (operationProperty.options ?? []).map((option) => (option as { value: string }).value);

function visible(operation: string, extra: INodeParameters = {}): string[] {
	const values: INodeParameters = { resource: 'statement', operation, ...extra };
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(values, property, { typeVersion: 1 } as never, description))
		.map((property) => property.name);
}

function optionsShown(operation: string): string[] {
	const options = description.properties.find((property) => property.name === 'options' && visible(operation).includes('options'));
	return (options?.options as INodeProperties[] | undefined ?? [])
		.filter((option) => {
			const shown = option.displayOptions?.show?.['/operation'];
			return shown === undefined || (shown as string[]).includes(operation);
		})
		.map((option) => option.name);
}

describe('node description', () => {
	it('names, icons, tool use and the tested credential', () => {
		expect(description).toMatchObject({
			name: 'snowflakeSqlApi',
			displayName: 'Snowflake SQL API',
			icon: { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' },
			usableAsTool: true,
			credentials: [
				{ name: 'snowflakeKeyPairApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['keyPair'] } } },
				{ name: 'snowflakePatApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['programmaticAccessToken'] } } },
				// n8n's Connect button (and its first token request) is the OAuth2 credential's test.
				{ name: 'snowflakeOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
			],
		});
		expect(description.credentials?.[2].testedBy).toBeUndefined();
		for (const credential of (description.credentials ?? []).filter((entry) => entry.testedBy !== undefined)) {
			expect(typeof node.methods.credentialTest[credential.testedBy as 'snowflakeConnectionTest']).toBe('function');
		}
	});

	it('Authentication chooses the credential; Key Pair is the default, so workflows saved before it keep their key pair', () => {
		const authentication = description.properties.find((property) => property.name === 'authentication');
		expect(authentication).toMatchObject({ type: 'options', default: 'keyPair', noDataExpression: true });
		expect(authentication?.options?.map((option) => (option as { value: string }).value)).toEqual(['keyPair', 'programmaticAccessToken', 'oAuth2']);
		expect(description.properties[0]).toBe(authentication);
	});

	it('every list search a locator names exists', () => {
		const methods = new Set(Object.keys(node.methods.listSearch));
		const named: string[] = [];
		const walk = (properties: INodeProperties[]) => {
			for (const property of properties) {
				for (const mode of property.modes ?? []) if (mode.typeOptions?.searchListMethod) named.push(mode.typeOptions.searchListMethod);
				if (property.options) walk(property.options.filter((option): option is INodeProperties => 'type' in option));
			}
		};
		walk(description.properties);
		expect([...new Set(named)].sort()).toEqual(['searchDatabases', 'searchRoles', 'searchSchemas', 'searchTables', 'searchWarehouses']);
		for (const method of named) expect(methods.has(method)).toBe(true);
	});

	it('the subtitle names every operation', () => {
		for (const operation of operations) expect(description.subtitle).toContain(`${operation}: "`);
	});

	it('every option limits itself to operations that exist', () => {
		const options = description.properties.filter((property) => property.name === 'options');
		for (const collection of options) {
			for (const option of collection.options as INodeProperties[]) {
				for (const operation of (option.displayOptions?.show?.['/operation'] as string[] | undefined) ?? []) {
					expect(operations).toContain(operation);
				}
			}
		}
	});
});

describe('fields per operation', () => {
	it.each([
		['executeQuery', { returnAs: 'items' }, ['query', 'returnAs', 'options']],
		['executeQuery', { returnAs: 'file' }, ['query', 'returnAs', 'fileFormat', 'binaryPropertyName', 'fileOptions', 'options']],
		['submitAsync', {}, ['query', 'options']],
		['getResults', { returnAs: 'items' }, ['statementHandle', 'returnAs', 'partition', 'waitForCompletion', 'options']],
		['getResults', { returnAs: 'file' }, ['statementHandle', 'returnAs', 'waitForCompletion', 'fileFormat', 'binaryPropertyName', 'fileOptions', 'options']],
		['cancel', {}, ['statementHandle']],
		['insert', {}, ['table', 'dataMode', 'options']],
		['insert', { dataMode: 'defineBelow' }, ['table', 'dataMode', 'valuesToSend', 'options']],
		['insert', { dataMode: 'file' }, ['table', 'dataMode', 'binaryPropertyName', 'fileFormat', 'fileOptions', 'options']],
		['update', {}, ['table', 'dataMode', 'matchColumns', 'options']],
		['upsert', {}, ['table', 'dataMode', 'matchColumns', 'options']],
		['upsert', { dataMode: 'file' }, ['table', 'dataMode', 'binaryPropertyName', 'fileFormat', 'fileOptions', 'matchColumns', 'options']],
		['delete', { deleteCommand: 'delete' }, ['table', 'deleteCommand', 'dataMode', 'matchColumns', 'options']],
		['delete', { deleteCommand: 'truncate' }, ['table', 'deleteCommand', 'options']],
		['select', { returnAll: false }, ['table', 'returnAll', 'limit', 'where', 'combineConditions', 'sort', 'outputColumns', 'returnAs', 'options']],
		['select', { returnAll: true, returnAs: 'file' }, ['table', 'returnAll', 'where', 'combineConditions', 'sort', 'outputColumns', 'returnAs', 'fileFormat', 'binaryPropertyName', 'fileOptions', 'options']],
	])('%s %j', (operation, extra, fields) => {
		expect(visible(operation, extra as INodeParameters)).toEqual(['authentication', 'resource', 'operation', ...fields]);
	});

	it.each([
		['executeQuery', ['database', 'maxRows', 'multiStatement', 'numbersAsText', 'onMaxRows', 'output', 'queryBatching', 'queryParameters', 'queryTag', 'role', 'schema', 'statementTimeout', 'timezone', 'warehouse']],
		['submitAsync', ['database', 'multiStatement', 'queryParameters', 'queryTag', 'role', 'schema', 'statementTimeout', 'timezone', 'warehouse']],
		['getResults', ['numbersAsText', 'timezone']],
		['insert', ['columnTypes', 'database', 'queryTag', 'role', 'schema', 'statementTimeout', 'timezone', 'warehouse']],
		['select', ['database', 'maxRows', 'numbersAsText', 'onMaxRows', 'queryTag', 'role', 'schema', 'statementTimeout', 'timezone', 'warehouse']],
	])('options of %s', (operation, names) => {
		expect(optionsShown(operation)).toEqual(names);
	});

	it('Output (items) hides once Return Results As is "File"; Update and Delete read no file', () => {
		const options = description.properties.find((property) => property.name === 'options') as INodeProperties;
		const output = (options.options as INodeProperties[]).find((option) => option.name === 'output') as INodeProperties;
		expect(output.displayOptions?.show).toEqual({ '/operation': ['executeQuery'], '/returnAs': ['items'] });
		const dataModes = (operation: string, extra: INodeParameters = {}) =>
			description.properties
				.filter(
					(property) =>
						property.name === 'dataMode' &&
						NodeHelpers.displayParameter({ resource: 'statement', operation, ...extra }, property, { typeVersion: 1 } as never, description),
				)
				.flatMap((property) => (property.options ?? []).map((option) => (option as { value: string }).value));
		expect(dataModes('insert')).toEqual(['autoMapInputData', 'defineBelow', 'file']);
		expect(dataModes('upsert')).toEqual(['autoMapInputData', 'defineBelow', 'file']);
		expect(dataModes('update')).toEqual(['autoMapInputData', 'defineBelow']);
		expect(dataModes('delete', { deleteCommand: 'delete' })).toEqual(['autoMapInputData', 'defineBelow']);
	});

	it('the CSV delimiter shows only for CSV files', () => {
		const fileOptions = description.properties.filter((property) => property.name === 'fileOptions');
		expect(fileOptions.length).toBeGreaterThan(0);
		for (const collection of fileOptions) {
			const delimiter = (collection.options as INodeProperties[]).find((option) => option.name === 'delimiter') as INodeProperties;
			expect(delimiter.displayOptions?.show).toEqual({ '/fileFormat': ['csv'] });
			expect(delimiter.default).toBe(',');
		}
	});
});
