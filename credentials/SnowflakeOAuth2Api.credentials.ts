import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { accountProperty, contextDefaultProperties, hostProperty } from './shared';

/**
 * The account's base URL as an n8n expression over the form's values ($self), or '' (n8n then refuses to start
 * the sign-in or token request) for what the transport would refuse too: the client secret, the PKCE verifier
 * and the refresh token go to this address. The Host override when set: a host name with an optional port
 * (https:// assumed) or http:// on loopback only, no user name, path or stray character. Else
 * `https://<account host>`, the account identifier read the way the transport's parseAccount reads it (URL
 * pasted, `org.account` → `org-account`, `_` → `-`, lower case, `.snowflakecomputing.cn` kept), letters,
 * digits, `_`, `-` and dots only. n8n resolves hidden expressions before the Connect flow and before every
 * token request. test/oauth/credential.test.ts compares this with the transport's parsers. Regexes are linear
 * and the input capped (300, 255 characters, the transport's limits).
 */
const HOST_URL = String.raw`[($self.host || '').trim()].map((h) => h.length > 300 || /\.\./.test(h) ? '' : /^(https:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$/i.test(h) ? 'https://' + h.replace(/^https:\/\//i, '').replace(/\/$/, '').toLowerCase() : /^http:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?\/?$/i.test(h) ? 'http://' + h.slice(7).replace(/\/$/, '').toLowerCase() : '')[0]`;
const ACCOUNT_URL = String.raw`[($self.account || '').trim().replace(/^https?:\/\//i, '').replace(/[\/?#].*$/, '')].map((a) => a.length > 255 ? '' : [a.replace(/\.snowflakecomputing\.(com|cn)$/i, ''), /\.snowflakecomputing\.cn$/i.test(a) ? '.snowflakecomputing.cn' : '.snowflakecomputing.com']).map((parts) => parts && /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(parts[0]) ? 'https://' + parts[0].replace(/^([A-Za-z0-9_]+)\.(?!(?:aws|gcp|azure|global|privatelink)(?:\.|$))([A-Za-z0-9_]+)((?:\.privatelink)?)$/i, '$1-$2$3').toLowerCase().replace(/_/g, '-') + parts[1] : '')[0]`;
const BASE_URL = String.raw`(($self.host || '').trim() ? ${HOST_URL} : ${ACCOUNT_URL})`;

/** `path` on the base URL, or '' when the base URL is refused (never a bare path n8n would resolve elsewhere). */
const onBaseUrl = (path: string) => `[${BASE_URL}].map((base) => base ? base + '${path}' : '')[0]`;

/**
 * Snowflake OAuth scope: a refresh token, and the role when one is set (`session:role-encoded:` when the
 * name holds characters a URL reserves, as Snowflake documents). External OAuth: the IdP's scope as typed.
 */
const SCOPE = String.raw`={{ $self.grantType === 'clientCredentials' ? ($self.externalScope || '').trim() : 'refresh_token' + (($self.role || '').trim() ? (/^[A-Za-z0-9_$]+$/.test($self.role.trim()) ? ' session:role:' + $self.role.trim() : ' session:role-encoded:' + encodeURIComponent($self.role.trim())) : '') }}`;

const EXTERNAL = { show: { grantType: ['clientCredentials'] } };

/**
 * OAuth 2.0 credential for the Snowflake SQL API v2. Snowflake OAuth: a user signs in once (authorization code
 * with PKCE), n8n keeps the refresh token. External OAuth: n8n fetches tokens itself from the identity
 * provider (client credentials grant) for service workflows. Requests carry the access token with
 * `X-Snowflake-Authorization-Token-Type: OAUTH`; n8n's OAuth2 machinery signs and refreshes them.
 */
export class SnowflakeOAuth2Api implements ICredentialType {
	name = 'snowflakeOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Snowflake OAuth2 API';

	documentationUrl = 'https://docs.snowflake.com/en/developer-guide/sql-api/authenticating';

	icon: Icon = { light: 'file:snowflake.svg', dark: 'file:snowflake.dark.svg' };

	properties: INodeProperties[] = [
		{
			// n8n's own name for the grant: its editor shows the Connect button for 'pkce' only, reading the raw value.
			displayName: 'OAuth Type',
			name: 'grantType',
			type: 'options',
			options: [
				{
					name: 'Snowflake OAuth (User Signs In)',
					value: 'pkce',
					description: "Snowflake's own authorization server: a user signs in once, n8n refreshes the token",
				},
				{
					name: 'External OAuth (Identity Provider, Client Credentials)',
					value: 'clientCredentials',
					description: 'Tokens from your identity provider (Entra ID, Okta, ...) for a service user, fetched by n8n',
				},
			],
			default: 'pkce',
		},
		accountProperty('With Snowflake OAuth, the sign-in and token addresses are derived from it (or from Host).'),
		hostProperty,
		{
			displayName: 'Token URL',
			name: 'externalTokenUrl',
			type: 'string',
			default: '',
			required: true,
			displayOptions: EXTERNAL,
			placeholder: 'e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token',
			description: "Your identity provider's token endpoint",
		},
		{
			displayName: 'Scope',
			name: 'externalScope',
			type: 'string',
			default: '',
			displayOptions: EXTERNAL,
			placeholder: 'e.g. api://<application ID>/.default or session:role:ANALYST',
			description:
				"The scope to request from the identity provider, as the External OAuth integration expects it (Entra ID: the application's .default scope, with the role as an app role; others: session:role:<ROLE>)",
		},
		...contextDefaultProperties,
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ $self.grantType === 'clientCredentials' ? '' : ${onBaseUrl('/oauth/authorize')} }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ $self.grantType === 'clientCredentials' ? ($self.externalTokenUrl || '').trim() : ${onBaseUrl('/oauth/token-request')} }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: SCOPE,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Snowflake OAuth: client_secret_post. Snowflake's Basic scheme wants each part URL-encoded before base64,
			// which n8n's client does not do, and its secrets hold `+` (a space once decoded). External OAuth: Basic,
			// the method identity providers accept by default.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: "={{ $self.grantType === 'clientCredentials' ? 'header' : 'body' }}",
		},
	];
}
