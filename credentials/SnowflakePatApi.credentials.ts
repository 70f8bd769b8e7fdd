import type { IAuthenticate, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { requestAuth } from '../nodes/SnowflakeSqlApi/transport';
import { accountProperty, contextDefaultProperties, hostProperty } from './shared';

/** Programmatic access token (PROGRAMMATIC_ACCESS_TOKEN) credential for the Snowflake SQL API v2. Tested by the node's credential test method. */
export class SnowflakePatApi implements ICredentialType {
	name = 'snowflakePatApi';

	displayName = 'Snowflake Programmatic Access Token';

	documentationUrl = 'https://docs.snowflake.com/en/user-guide/programmatic-access-tokens';

	icon: Icon = { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' };

	properties: INodeProperties[] = [
		accountProperty('A second part with a hyphen (us-east-2, east-us-2.azure) is a region: it stays in the host.'),
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The token secret Snowflake shows once when the token is generated (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN, or Snowsight). Spaces, line breaks, quotes and a "Bearer " prefix are removed. The user must be subject to a network policy (always for service users).',
		},
		hostProperty,
		...contextDefaultProperties,
	];

	/** Sends the token as it is (cleaned): Authorization Bearer with token type PROGRAMMATIC_ACCESS_TOKEN. */
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		await requestAuth('programmaticAccessToken', credentials).auth.authenticateRequest(requestOptions);
}
