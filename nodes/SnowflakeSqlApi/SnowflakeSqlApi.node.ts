import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties, router, subtitle } from './actions';
import { credentialTest, listSearch } from './methods';

/** Snowflake SQL API v2 node: a thin class; the router and the operation modules do the work. */
export class SnowflakeSqlApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Snowflake SQL API',
		name: 'snowflakeSqlApi',
		icon: { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle,
		description: 'Run SQL on Snowflake through the SQL API v2 with key-pair, programmatic access token or OAuth2 authentication',
		defaults: { name: 'Snowflake SQL API' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// One entry per Authentication value (n8n's pattern). OAuth2 has no test: n8n's Connect button is its test.
			{ name: 'snowflakeKeyPairApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['keyPair'] } } },
			{ name: 'snowflakePatApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['programmaticAccessToken'] } } },
			{ name: 'snowflakeOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
		parameterPane: 'wide',
		properties,
	};

	methods = { credentialTest, listSearch };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
