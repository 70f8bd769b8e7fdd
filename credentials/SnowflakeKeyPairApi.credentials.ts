import type { IAuthenticate, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { KeyPairAuth, readCredentials } from '../nodes/SnowflakeSqlApi/transport';

const CASE_SENSITIVE =
	'Case-sensitive, spelled exactly as SHOW output lists it (an unquoted name is upper case, e.g. ANALYTICS).';

function contextDefault(displayName: string, name: string, placeholder: string, what: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: '',
		placeholder,
		description: `Default ${what} for statements run with this credential; leave empty to use the user's default. ${CASE_SENSITIVE}`,
	};
}

/** Key-pair (KEYPAIR_JWT) credential for the Snowflake SQL API v2. Tested by the node's credential test method. */
export class SnowflakeKeyPairApi implements ICredentialType {
	name = 'snowflakeKeyPairApi';

	displayName = 'Snowflake Key-Pair API';

	documentationUrl = 'https://docs.snowflake.com/en/developer-guide/sql-api/authenticating';

	icon: Icon = { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Account',
			name: 'account',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'myorg-myaccount',
			description:
				'Your account identifier, in any of these forms: organization-account (myorg-myaccount), the same with a dot as Snowsight and SQL show it (myorg.myaccount, sent as MYORG-MYACCOUNT), account locator with region (xy12345.us-east-2.aws), or the account URL (https://myorg-myaccount.snowflakecomputing.com). A second part with a hyphen (us-east-2, east-us-2.azure) is a region: it stays in the host and is dropped from the JWT automatically.',
		},
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
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			placeholder: 'e.g. myorg-myaccount.privatelink.snowflakecomputing.com',
			description:
				'Optional. Overrides the host derived from the account, e.g. for PrivateLink. https:// is assumed; http:// is accepted only for loopback addresses such as a local emulator (http://127.0.0.1:8080).',
		},
		contextDefault('Role', 'role', 'e.g. ANALYST', 'role'),
		contextDefault('Warehouse', 'warehouse', 'e.g. COMPUTE_WH', 'warehouse'),
		contextDefault('Database', 'database', 'e.g. ANALYTICS', 'database'),
		contextDefault('Schema', 'schema', 'e.g. PUBLIC', 'schema'),
	];

	/** Signs (or reuses) the KEYPAIR_JWT with the instance the node and the credential test share. */
	authenticate: IAuthenticate = async (credentials, requestOptions) =>
		await KeyPairAuth.shared.authenticateRequest(readCredentials(credentials), requestOptions);
}
