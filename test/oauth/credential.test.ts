/**
 * The Snowflake OAuth2 credential's hidden expressions, evaluated by n8n-workflow's expression engine with the
 * form's values as `$self` (what n8n does before the Connect flow and every token request): the URLs match
 * the host the transport derives from the same account or Host, the scope carries the role.
 */
import { NodeHelpers, Workflow, type INodeProperties, type INodeTypes } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { SnowflakeOAuth2Api } from '../../credentials/SnowflakeOAuth2Api.credentials';
import { KeyPairAuth } from '../../nodes/SnowflakeSqlApi/transport';
import { generateRsaKeyPair } from '../helpers/keys';

const credential = new SnowflakeOAuth2Api();
const noNodes: INodeTypes = {
	getByName: () => {
		throw new Error('no nodes');
	},
	getByNameAndVersion: () => {
		throw new Error('no nodes');
	},
	getKnownTypes: () => ({}),
};
const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: noNodes });

function property(name: string): INodeProperties {
	const found = credential.properties.filter((candidate) => candidate.name === name);
	expect(found).toHaveLength(1);
	return found[0];
}

/** The hidden field `name` resolved against the form values, with the defaults the form starts with. */
function resolved(name: string, form: Record<string, string>): unknown {
	const self = { ...NodeHelpers.getNodeParameters(credential.properties, {}, true, false, null, null), ...form };
	return workflow.expression.getParameterValue(property(name).default as string, null, 0, 0, 'credential', [], 'internal', {}, undefined, false, self);
}

describe('SnowflakeOAuth2Api', () => {
	it('is an OAuth2 credential whose property names are each defined once (n8n merges extended properties by name)', () => {
		expect(credential.extends).toEqual(['oAuth2Api']);
		const names = credential.properties.map((candidate) => candidate.name);
		expect(new Set(names).size).toBe(names.length);
		expect(property('grantType').default).toBe('pkce');
	});

	const key = generateRsaKeyPair().privateKeyPem;
	it.each([
		['myorg-myaccount', ''],
		['myorg.myaccount', ''],
		['MyOrg.My_Account', ''],
		['xy12345.us-east-2.aws', ''],
		['xy12345', ''],
		['xy12345.east-us-2.azure', ''],
		['https://myorg-myaccount.snowflakecomputing.com/', ''],
		['myorg.myaccount.privatelink', ''],
		['myorg-myaccount', 'myorg-myaccount.privatelink.snowflakecomputing.com'],
		['myorg-myaccount', 'http://127.0.0.1:8787'],
		['myorg-myaccount', 'https://proxy.example.com/'],
		['https://myorg-myaccount.snowflakecomputing.cn', ''],
		['xy12345.cn-northwest-1.aws.snowflakecomputing.cn', ''],
		['myorg-myaccount', 'HTTPS://Proxy.Example.com:8443'],
		['myorg-myaccount', 'http://localhost:8787/'],
		['myorg-myaccount', 'http://[::1]:8787'],
	])('Snowflake OAuth: account %s, host "%s" → the transport\'s base URL + /oauth/authorize and /oauth/token-request', (account, host) => {
		const { baseUrl } = KeyPairAuth.shared.describeCredentials({ account, host, user: 'U', privateKey: key });
		expect(resolved('authUrl', { account, host })).toBe(`${baseUrl}/oauth/authorize`);
		expect(resolved('accessTokenUrl', { account, host })).toBe(`${baseUrl}/oauth/token-request`);
	});

	it.each([
		// The backslash ends the host for URL parsers: https://attacker.example\.snowflakecomputing.com goes to attacker.example.
		['attacker.example\\', ''],
		['myorg-myaccount@attacker.example', ''],
		['my account', ''],
		['myorg..myaccount', ''],
		['myorg-myaccount', 'http://proxy.corp:8080'],
		['myorg-myaccount', 'https://user:pw@evil.example/x'],
		['myorg-myaccount', 'https://proxy.example.com/path'],
		['myorg-myaccount', 'proxy.example.com\\'],
		['myorg-myaccount', 'ftp://proxy.example.com'],
		['myorg-myaccount', 'proxy..example.com'],
	])('Snowflake OAuth: account %j, host %j, refused by the transport, gives no URL (the secrets go nowhere)', (account, host) => {
		expect(() => KeyPairAuth.shared.describeCredentials({ account, host, user: 'U', privateKey: key })).toThrow(/^(Account|Host) /);
		expect(resolved('authUrl', { account, host })).toBe('');
		expect(resolved('accessTokenUrl', { account, host })).toBe('');
	});

	it.each([
		['', 'refresh_token'],
		['ANALYST', 'refresh_token session:role:ANALYST'],
		[' ANALYST ', 'refresh_token session:role:ANALYST'],
		['AUTH SNOWFLAKE', 'refresh_token session:role-encoded:AUTH%20SNOWFLAKE'],
	])('Snowflake OAuth scope for role "%s" is "%s"', (role, scope) => {
		expect(resolved('scope', { account: 'a', role })).toBe(scope);
	});

	it('External OAuth: the token URL and scope are the identity provider\'s, no authorization URL', () => {
		const form = {
			grantType: 'clientCredentials',
			account: 'myorg-myaccount',
			externalTokenUrl: ' https://idp.example.com/oauth2/token ',
			externalScope: 'session:role:ANALYST',
			role: 'OTHER',
		};
		expect(resolved('accessTokenUrl', form)).toBe('https://idp.example.com/oauth2/token');
		expect(resolved('scope', form)).toBe('session:role:ANALYST');
		expect(resolved('authUrl', form)).toBe('');
		expect(resolved('authentication', form)).toBe('header');
		expect(resolved('authentication', { account: 'a' })).toBe('body');
	});
});
