/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/no-deprecated-workflow-functions -- test-only code (the legacy helper is what it measures), never shipped */
/**
 * The Snowflake OAuth2 credential through n8n-core's own OAuth2 machinery (requestOAuth2, refreshOAuth2Token),
 * against the emulator's OAuth server and the local IdP, in real workflow runs. A test-only node calls
 * `httpRequestWithAuthentication('snowflakeOAuth2Api', …)` the way the transport will; a credentials helper
 * resolves the credential's hidden expressions as n8n does and stores the token data n8n-core hands back.
 *
 * What it proves for the node's wiring (the lead's part): n8n fetches the first client-credentials token
 * itself; a 401 is refreshed and retried once only when the request lets 4xx throw; with
 * `ignoreHttpStatusErrors: true` (the transport's options) n8n returns the 401 untouched, and
 * `helpers.refreshOAuth2Token` then renews the token for one retry; the legacy `requestWithAuthentication`
 * (which, unlike httpRequestWithAuthentication, adds no execution cancel signal) fetches the first
 * client-credentials token and refreshes a 401 by itself.
 */
import './env';

import { randomBytes } from 'node:crypto';

import { WorkflowExecute, ExecutionLifecycleHooks } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { SnowflakeOAuth2Api } from '../../credentials/SnowflakeOAuth2Api.credentials';
import { startEmulator, type Emulator } from '../emulator/server';
import { generateRsaKeyPair } from '../emulator/harness';
import { startIdp, type Idp } from '../oauth/idp';
import { createAdditionalData, logLines, nodeTypes, TRIGGER_TYPE, type RunResult } from './harness';
import { connectSnowflakeOAuth, resolveOAuth2Credential } from './oauth';
import { everythingKept, leaks, oauthSecretsOf } from './secretScan';

const PROBE_TYPE = 'n8n-nodes-snowflake-sql-api.oauthProbe';
const CREDENTIAL_TYPE = 'snowflakeOAuth2Api';
const REDIRECT_URI = 'http://localhost:5678/rest/oauth2-credential/callback';
// Generated, never committed; the Snowflake one holds `+` and `/` as Snowflake's base64 secrets do.
const CLIENT = { clientId: 'n8n-client', clientSecret: `${randomBytes(24).toString('base64')}+/=` };
const IDP_CLIENT = { clientId: 'svc-client', clientSecret: randomBytes(16).toString('hex'), subject: 'svc_n8n' };
const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

let nowMs = START_MS;
const clock = () => nowMs;

/**
 * Test-only node: one SQL API submit through httpRequestWithAuthentication with the transport's options,
 * optionally `ignoreHttpStatusErrors` and, on 390318, one `refreshOAuth2Token` and a retry.
 */
class OAuthProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OAuth Probe',
		name: 'oauthProbe',
		group: ['transform'],
		version: 1,
		description: 'Test-only',
		defaults: { name: 'OAuth Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Statement', name: 'statement', type: 'string', default: '' },
			{ displayName: 'Ignore HTTP Status Errors', name: 'ignoreHttpStatusErrors', type: 'boolean', default: false },
			{ displayName: 'Refresh On Expired', name: 'refreshOnExpired', type: 'boolean', default: false },
			{ displayName: 'Legacy Helper', name: 'legacy', type: 'boolean', default: false },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const parameters = {
			url: this.getNodeParameter('url', 0) as string,
			statement: this.getNodeParameter('statement', 0) as string,
			ignoreHttpStatusErrors: this.getNodeParameter('ignoreHttpStatusErrors', 0) as boolean,
			refreshOnExpired: this.getNodeParameter('refreshOnExpired', 0) as boolean,
			legacy: this.getNodeParameter('legacy', 0) as boolean,
		};
		const headers = { 'X-Snowflake-Authorization-Token-Type': 'OAUTH', Accept: 'application/json', 'User-Agent': 'oauth-probe/1.0' };
		// The legacy helper: no execution cancel signal (only httpRequestWithAuthentication adds one), 401 refreshed by n8n-core.
		const sendLegacy = async () =>
			(await this.helpers.requestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'POST',
				uri: `${parameters.url}/api/v2/statements`,
				headers,
				body: { statement: parameters.statement },
				json: true,
				resolveWithFullResponse: true,
				simple: false,
			})) as { statusCode: number; body: IDataObject };
		const send = async () =>
			(await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				method: 'POST',
				url: `${parameters.url}/api/v2/statements`,
				headers,
				body: { statement: parameters.statement },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: parameters.ignoreHttpStatusErrors,
			} satisfies IHttpRequestOptions)) as { statusCode: number; body: IDataObject };
		let response = parameters.legacy ? await sendLegacy() : await send();
		let refreshed = false;
		if (parameters.refreshOnExpired && response.statusCode === 401 && response.body.code === '390318') {
			await this.helpers.refreshOAuth2Token.call(this, CREDENTIAL_TYPE);
			refreshed = true;
			response = await send();
		}
		return [[{ json: { status: response.statusCode, code: response.body.code as string, data: response.body.data as IDataObject[], refreshed } }]];
	}
}

const probe = new OAuthProbe();
const probeNodeTypes: INodeTypes = {
	getByName: (type) => (type === PROBE_TYPE ? probe : nodeTypes.getByName(type)),
	getByNameAndVersion: (type, version) => (type === PROBE_TYPE ? probe : nodeTypes.getByNameAndVersion(type, version)),
	getKnownTypes: () => ({}),
};

const credentialType = new SnowflakeOAuth2Api();

/**
 * n8n's credentials helper, reduced to what requestOAuth2 uses: `snowflakeOAuth2Api` extends `oAuth2Api`,
 * hidden expressions resolved with the form as `$self` (CredentialsHelper.applyDefaultsAndOverwrites), and
 * the token data n8n-core saves kept for the next read.
 */
class OAuthCredentialsHelper extends ICredentialsHelper {
	readonly saved: IDataObject[] = [];

	constructor(public data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(type: string): string[] {
		return type === CREDENTIAL_TYPE ? ['oAuth2Api'] : [];
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return resolveOAuth2Credential(this.data);
	}

	async updateCredentialsOauthTokenData(_node: unknown, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = { ...this.data, oauthTokenData: data.oauthTokenData };
		this.saved.push(data.oauthTokenData as IDataObject);
	}

	async updateCredentials(): Promise<void> {}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(): Promise<never> {
		throw new Error('OAuth2 credentials are signed by requestOAuth2, not by authenticate');
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}

	getCredentialsProperties(): INodeProperties[] {
		return credentialType.properties;
	}
}

let executions = 0;

async function runProbe(helper: OAuthCredentialsHelper, parameters: IDataObject): Promise<RunResult> {
	const nodes: INode[] = [
		{ id: 'trigger', name: 'Trigger', type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'probe',
			name: 'Probe',
			type: PROBE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: { url: emulator.url, statement: 'SELECT CURRENT_ROLE()', ignoreHttpStatusErrors: false, refreshOnExpired: false, ...parameters } as INode['parameters'],
			credentials: { [CREDENTIAL_TYPE]: { id: 'oauth-credential-1', name: 'Snowflake OAuth2 (emulator)' } },
		},
	];
	const connections = { Trigger: { main: [[{ node: 'Probe', type: NodeConnectionTypes.Main, index: 0 }]] } };
	const data = { name: 'OAuth2 probe', nodes, connections, pinData: { Trigger: [{ json: {} }] } };
	const workflow = new Workflow({ id: 'oauth2-test', name: data.name, nodes, connections, nodeTypes: probeNodeTypes, active: false, settings: { executionOrder: 'v1' } });
	const executionId = `oauth2-execution-${++executions}`;
	const additionalData: IWorkflowExecuteAdditionalData = { ...createAdditionalData(data, {}, executionId), credentialsHelper: helper };
	additionalData.hooks = new ExecutionLifecycleHooks('manual', executionId, { ...data, id: 'oauth2-test', active: false } as unknown as IWorkflowBase);
	const run = await new WorkflowExecute(additionalData, 'manual').run({ workflow, startNode: workflow.getNode('Trigger') ?? undefined, pinData: data.pinData });
	return {
		run,
		output: (nodeName, outputIndex = 0) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[outputIndex] ?? [],
		error: () => run.data.resultData.error as ReturnType<RunResult['error']>,
	};
}

function probeOutput(result: RunResult): IDataObject {
	expect(result.error()?.message).toBeUndefined();
	return result.output('Probe')[0].json;
}

/** Every secret the runs may have seen: the client secrets and each token issued so far. */
function secrets(helper: OAuthCredentialsHelper): string[] {
	const tokens = helper.saved.flatMap((tokenData) => [tokenData.access_token, tokenData.refresh_token]).filter((token): token is string => typeof token === 'string');
	return oauthSecretsOf([CLIENT.clientSecret, IDP_CLIENT.clientSecret], [...tokens, ...idp.issued]);
}

let emulator: Emulator;
let idp: Idp;

beforeAll(async () => {
	idp = await startIdp({ clients: [IDP_CLIENT], clock, tokenLifetimeSeconds: 300 });
	emulator = await startEmulator({
		syncWaitMs: 5000,
		clock,
		users: [{ user: 'SVC_N8N', publicKeys: [generateRsaKeyPair().publicKeyPem] }],
		oauthClients: [{ ...CLIENT, redirectUris: [REDIRECT_URI] }],
		externalOAuth: { issuer: idp.issuer, audience: [idp.audience], jwksUrl: idp.jwksUrl },
	});
});

afterAll(async () => {
	await emulator?.stop();
	await idp?.stop();
});

beforeEach(() => {
	nowMs = START_MS;
	logLines.splice(0);
});

describe('External OAuth (client credentials) through n8n-core', () => {
	const form = () => ({
		grantType: 'clientCredentials',
		account: emulator.account,
		host: emulator.url,
		externalTokenUrl: idp.tokenUrl,
		externalScope: 'session:role:ANALYST',
		clientId: IDP_CLIENT.clientId,
		clientSecret: IDP_CLIENT.clientSecret,
	});

	it('fetches the first token itself, reuses it, and on 390318 fetches a new one and retries once', async () => {
		const helper = new OAuthCredentialsHelper(form());
		const issuedBefore = idp.issued.length;

		expect(probeOutput(await runProbe(helper, {}))).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });
		expect(idp.issued.length - issuedBefore).toBe(1);
		expect(helper.saved).toHaveLength(1);
		expect(helper.saved[0]).toMatchObject({ access_token: idp.issued.at(-1), token_type: 'Bearer', expires_in: 300 });

		expect(probeOutput(await runProbe(helper, {})).status).toBe(200);
		expect(idp.issued.length - issuedBefore).toBe(1);

		nowMs += 301_000;
		const rejectedBefore = emulator.oauth.stats.accessTokensRejected;
		expect(probeOutput(await runProbe(helper, {}))).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });
		expect(emulator.oauth.stats.accessTokensRejected - rejectedBefore).toBe(1);
		expect(idp.issued.length - issuedBefore).toBe(2);
		expect(helper.saved).toHaveLength(2);
		expect(leaks(everythingKept(await runProbe(helper, {})), secrets(helper))).toEqual([]);
	});

	it('the legacy requestWithAuthentication also fetches the first client-credentials token itself', async () => {
		const helper = new OAuthCredentialsHelper(form());
		const issuedBefore = idp.issued.length;
		expect(probeOutput(await runProbe(helper, { legacy: true }))).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });
		expect(idp.issued.length - issuedBefore).toBe(1);
		expect(helper.saved).toHaveLength(1);
	});
});

describe('Snowflake OAuth (authorization code with PKCE, refresh token) through n8n-core', () => {
	/** What n8n's Connect button does (OAuth2CredentialController), with the credential's resolved fields. */
	async function connect(helper: OAuthCredentialsHelper): Promise<void> {
		const resolved = await helper.getDecrypted();
		expect(resolved).toMatchObject({ authUrl: `${emulator.url}/oauth/authorize`, accessTokenUrl: `${emulator.url}/oauth/token-request`, authentication: 'body' });
		const tokenData = await connectSnowflakeOAuth(helper.data, REDIRECT_URI);
		helper.data = { ...helper.data, oauthTokenData: tokenData };
		helper.saved.push(tokenData);
	}

	const form = () => ({ grantType: 'pkce', account: emulator.account, host: emulator.url, role: 'ANALYST', clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret });

	it('connects, runs with the scope\'s role, and on 390318 refreshes with the refresh token once and retries', async () => {
		const helper = new OAuthCredentialsHelper(form());
		await connect(helper);
		expect(helper.saved[0]).toMatchObject({ scope: 'refresh_token session:role:ANALYST', username: 'N8N_USER', token_type: 'Bearer' });
		const firstRefreshToken = helper.saved[0].refresh_token;

		expect(probeOutput(await runProbe(helper, {}))).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });

		nowMs += 600_000;
		const refreshesBefore = emulator.oauth.stats.tokenRequests.refresh_token;
		expect(probeOutput(await runProbe(helper, {}))).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });
		expect(emulator.oauth.stats.tokenRequests.refresh_token - refreshesBefore).toBe(1);
		// Snowflake answers no new refresh token; n8n-core keeps the one it had.
		expect(helper.saved.at(-1)).toMatchObject({ refresh_token: firstRefreshToken });
		expect(helper.saved.at(-1)!.access_token).not.toBe(helper.saved[0].access_token);
		expect(leaks(everythingKept(await runProbe(helper, {})), secrets(helper))).toEqual([]);
	});

	it('with ignoreHttpStatusErrors (the transport\'s options) n8n-core returns the 401 without refreshing', async () => {
		const helper = new OAuthCredentialsHelper(form());
		await connect(helper);
		nowMs += 600_000;
		const refreshesBefore = emulator.oauth.stats.tokenRequests.refresh_token;
		expect(probeOutput(await runProbe(helper, { ignoreHttpStatusErrors: true }))).toEqual({ status: 401, code: '390318', refreshed: false });
		expect(emulator.oauth.stats.tokenRequests.refresh_token - refreshesBefore).toBe(0);
	});

	it('with ignoreHttpStatusErrors, helpers.refreshOAuth2Token renews the token for one retry', async () => {
		const helper = new OAuthCredentialsHelper(form());
		await connect(helper);
		nowMs += 600_000;
		const refreshesBefore = emulator.oauth.stats.tokenRequests.refresh_token;
		const result = await runProbe(helper, { ignoreHttpStatusErrors: true, refreshOnExpired: true });
		expect(probeOutput(result)).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: true });
		expect(emulator.oauth.stats.tokenRequests.refresh_token - refreshesBefore).toBe(1);
		expect(leaks(everythingKept(result), secrets(helper))).toEqual([]);
	});

	it('the legacy requestWithAuthentication (no cancel signal: the self-signed path\'s option) refreshes a 401 itself and retries once', async () => {
		const helper = new OAuthCredentialsHelper(form());
		await connect(helper);
		nowMs += 600_000;
		const refreshesBefore = emulator.oauth.stats.tokenRequests.refresh_token;
		const result = await runProbe(helper, { legacy: true });
		expect(probeOutput(result)).toEqual({ status: 200, code: '090001', data: [['ANALYST']], refreshed: false });
		expect(emulator.oauth.stats.tokenRequests.refresh_token - refreshesBefore).toBe(1);
		expect(leaks(everythingKept(result), secrets(helper))).toEqual([]);
	});
});
