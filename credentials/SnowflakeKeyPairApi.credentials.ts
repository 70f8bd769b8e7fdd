import type { IAuthenticate, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { KeyPairAuth, readCredentials } from '../nodes/SnowflakeSqlApi/transport';
import { accountProperty, contextDefaultProperties, hostProperty } from './shared';

/** Key-pair (KEYPAIR_JWT) credential for the Snowflake SQL API v2. Tested by the node's credential test method. */
export class SnowflakeKeyPairApi implements ICredentialType {
	name = 'snowflakeKeyPairApi';

	displayName = 'Snowflake Key-Pair API';

	documentationUrl = 'https://docs.snowflake.com/en/developer-guide/sql-api/authenticating';

	icon: Icon = { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' };

	properties: INodeProperties[] = [
		accountProperty(
			'A second part with a hyphen (us-east-2, east-us-2.azure) is a region: it stays in the host and is dropped from the JWT automatically.',
		),
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'MY_USER',
			description:
				'The Snowflake user the public key is registered on (ALTER USER ... SET RSA_PUBLIC_KEY=...). Sent in upper case.',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			description:
				'Content of the RSA private key file (e.g. rsa_key.p8), including its BEGIN and END lines: PKCS#8 (plain or encrypted) or PKCS#1, 2048 bits or more. Line breaks lost while pasting are repaired.',
		},
		{
			displayName: 'Private Key Passphrase',
			name: 'privateKeyPassphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for an encrypted private key: the passphrase it was encrypted with',
		},
		hostProperty,
		...contextDefaultProperties,
	];

	/** Signs (or reuses) the KEYPAIR_JWT with the instance the node and the credential test share. */
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		await KeyPairAuth.shared.authenticateRequest(readCredentials(credentials), requestOptions);
}
