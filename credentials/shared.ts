/**
 * Properties every Snowflake credential shows alike (account, host, role/warehouse/database/schema defaults),
 * so the key-pair, programmatic access token and OAuth2 credentials word them once.
 */
import type { INodeProperties } from 'n8n-workflow';

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

/** `regionNote`: what the account's region part means for this kind (dropped from the JWT claim, say). */
export function accountProperty(regionNote: string): INodeProperties {
	return {
		displayName: 'Account',
		name: 'account',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'myorg-myaccount',
		description: `Your account identifier, in any of these forms: organization-account (myorg-myaccount), the same with a dot as Snowsight and SQL show it (myorg.myaccount, sent as MYORG-MYACCOUNT), account locator with region (xy12345.us-east-2.aws), or the account URL (https://myorg-myaccount.snowflakecomputing.com). ${regionNote}`,
	};
}

export const hostProperty: INodeProperties = {
	displayName: 'Host',
	name: 'host',
	type: 'string',
	default: '',
	placeholder: 'e.g. myorg-myaccount.privatelink.snowflakecomputing.com',
	description:
		'Optional. Overrides the host derived from the account, e.g. for PrivateLink. https:// is assumed; http:// is accepted only for loopback addresses such as a local emulator (http://127.0.0.1:8080).',
};

export const contextDefaultProperties: INodeProperties[] = [
	contextDefault('Role', 'role', 'e.g. ANALYST', 'role'),
	contextDefault('Warehouse', 'warehouse', 'e.g. COMPUTE_WH', 'warehouse'),
	contextDefault('Database', 'database', 'e.g. ANALYTICS', 'database'),
	contextDefault('Schema', 'schema', 'e.g. PUBLIC', 'schema'),
];
