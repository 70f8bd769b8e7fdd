import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { credentialTest, listSearch } from '../SnowflakeSqlApi/methods';
import { properties, subtitle } from './description';
import { pollTrigger } from './poll';

/** Polls Snowflake for new rows or a table's changes: same credential, transport and decoding as the Snowflake SQL API node. */
export class SnowflakeSqlApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Snowflake SQL API Trigger',
		name: 'snowflakeSqlApiTrigger',
		icon: { light: 'file:../SnowflakeSqlApi/snowflake.svg', dark: 'file:../SnowflakeSqlApi/snowflake.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle,
		description: 'Starts the workflow when rows appear in a Snowflake table or query, or when a table\'s rows change',
		defaults: { name: 'Snowflake SQL API Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			// One entry per Authentication value (n8n's pattern). OAuth2 has no test: n8n's Connect button is its test.
			{ name: 'snowflakeKeyPairApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['keyPair'] } } },
			{ name: 'snowflakePatApi', required: true, testedBy: 'snowflakeConnectionTest', displayOptions: { show: { authentication: ['programmaticAccessToken'] } } },
			{ name: 'snowflakeOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
		properties,
	};

	methods = { credentialTest, listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollTrigger.call(this);
	}
}
