/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The Snowflake OAuth2 credential as n8n holds it: its hidden fields resolved from the form (what n8n's
 * CredentialsHelper.applyDefaultsAndOverwrites does before every token request), and the token data n8n stores
 * after the Connect button's sign-in (OAuth2CredentialController), obtained here from the emulator's OAuth server.
 */
import './env';

import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';

import { NodeHelpers, Workflow, type ICredentialDataDecryptedObject, type IDataObject } from 'n8n-workflow';

import { SnowflakeOAuth2Api } from '../../credentials/SnowflakeOAuth2Api.credentials';

// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- a credential type name, not a secret
export const OAUTH2_CREDENTIAL_TYPE = 'snowflakeOAuth2Api';

const credentialType = new SnowflakeOAuth2Api();
const expressions = new Workflow({
	nodes: [],
	connections: {},
	active: false,
	nodeTypes: { getByName: () => undefined as never, getByNameAndVersion: () => undefined as never, getKnownTypes: () => ({}) },
});

/** The credential's data with its defaults applied and every hidden expression resolved with the form as `$self`. */
export function resolveOAuth2Credential(data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const form = { ...NodeHelpers.getNodeParameters(credentialType.properties, data as never, true, false, null, null), ...data };
	const resolved: ICredentialDataDecryptedObject = { ...data };
	for (const property of credentialType.properties) {
		const value = form[property.name];
		resolved[property.name] =
			typeof value === 'string' && value.startsWith('=')
				? (expressions.expression.getParameterValue(value, null, 0, 0, 'credential', [], 'internal', {}, undefined, false, form) as string)
				: (value as string);
	}
	return resolved;
}

/**
 * What n8n's Connect button does for Snowflake OAuth (authorization code with PKCE, n8n's own OAuth client with
 * the credential's resolved URLs and scope): the token data n8n then stores as `oauthTokenData`.
 */
export async function connectSnowflakeOAuth(data: ICredentialDataDecryptedObject, redirectUri: string): Promise<IDataObject> {
	const requireFromCore = createRequire(createRequire(import.meta.url).resolve('n8n-core'));
	const { ClientOAuth2 } = requireFromCore('@n8n/client-oauth2') as typeof import('@n8n/client-oauth2');
	const resolved = resolveOAuth2Credential(data);
	const client = new ClientOAuth2({
		clientId: resolved.clientId as string,
		clientSecret: '',
		accessTokenUri: resolved.accessTokenUrl as string,
		authorizationUri: resolved.authUrl as string,
		redirectUri,
		scopes: [resolved.scope as string],
		state: 'csrf-state',
	});
	const verifier = randomBytes(32).toString('base64url');
	const authorizeUrl = client.code.getUri({ query: { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' } });
	const redirect = await fetch(authorizeUrl, { redirect: 'manual' });
	if (redirect.status !== 302) throw new Error(`The authorization request was refused (HTTP ${redirect.status})`);
	const token = await client.code.getToken(redirect.headers.get('location') ?? '', {
		body: { code_verifier: verifier, client_id: resolved.clientId as string, client_secret: resolved.clientSecret as string },
	});
	return token.data;
}
