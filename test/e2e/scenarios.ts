/**
 * Workflows the end-to-end run adds to examples/: each is an importable n8n workflow (Manual Trigger with
 * pinned items → Snowflake SQL API node → No Operation nodes), built from one template so the node
 * parameters stay the ones the editor writes.
 */
import { randomBytes } from 'node:crypto';

import { generateRsaKeyPair } from '../emulator/harness';
import type { Emulator, EmulatorOptions } from '../emulator/server';
import type { Idp } from '../oauth/idp';

export const SNOWFLAKE_TYPE = 'n8n-nodes-snowflake-sql-api.snowflakeSqlApi';
export const CREDENTIAL_ID = 'snowflake-emulator';
/** A credential whose host is a local server that answers every request with a redirect to another host. */
export const REDIRECTING_CREDENTIAL_ID = 'snowflake-redirecting';
export const TRIGGER = "When clicking 'Execute workflow'";
const TRIGGER_TYPE = 'n8n-nodes-snowflake-sql-api.snowflakeSqlApiTrigger';

/** The node's Authentication options (its `authentication` parameter) and the credential each one reads. */
export type Authentication = 'keyPair' | 'programmaticAccessToken' | 'oAuth2';

export interface CredentialRef {
	type: string;
	id: string;
	name: string;
}

export const CREDENTIALS: Record<Authentication, CredentialRef> = {
	keyPair: { type: 'snowflakeKeyPairApi', id: CREDENTIAL_ID, name: 'Snowflake (emulator)' },
	programmaticAccessToken: { type: 'snowflakePatApi', id: 'snowflake-pat', name: 'Snowflake PAT (emulator)' },
	oAuth2: { type: 'snowflakeOAuth2Api', id: 'snowflake-oauth', name: 'Snowflake OAuth (emulator)' },
};

/** The OAuth2 credential's other variant: External OAuth, client credentials from the test IdP (test/oauth/idp.ts). */
export const EXTERNAL_OAUTH_CREDENTIAL: CredentialRef = { type: 'snowflakeOAuth2Api', id: 'snowflake-external-oauth', name: 'Snowflake External OAuth (IdP)' };

/** The IdP's client for External OAuth (secret generated, never committed); its tokens' subject is the emulator user SVC_N8N. */
export const IDP_CLIENT = { clientId: 'svc-client', clientSecret: randomBytes(16).toString('hex'), subject: 'svc_n8n' };

/** The emulator's side of External OAuth with `idp`: the integration (issuer, audience, JWKS) and the user its tokens map to. */
export function externalOAuthEmulatorOptions(idp: Idp): Pick<EmulatorOptions, 'users' | 'externalOAuth'> {
	return {
		users: [{ user: 'SVC_N8N', publicKeys: [generateRsaKeyPair().publicKeyPem] }],
		externalOAuth: { issuer: idp.issuer, audience: [idp.audience], jwksUrl: idp.jwksUrl },
	};
}

/** The External OAuth credential as `n8n import:credentials` reads it, without token data: n8n fetches the token itself. */
export function externalOAuthCredential(emulator: Pick<Emulator, 'account' | 'url'>, idp: Idp) {
	return {
		...EXTERNAL_OAUTH_CREDENTIAL,
		data: {
			grantType: 'clientCredentials',
			account: emulator.account,
			host: emulator.url,
			externalTokenUrl: idp.tokenUrl,
			externalScope: 'session:role:ANALYST',
			clientId: IDP_CLIENT.clientId,
			clientSecret: IDP_CLIENT.clientSecret,
		},
	};
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	executeOnce?: boolean;
}

export interface WorkflowFile {
	id?: string;
	name: string;
	active?: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	pinData?: Record<string, Array<{ json: Record<string, unknown> }>>;
	settings?: Record<string, unknown>;
}


function uuid(n: number): string {
	return `0b4c7a10-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/**
 * Trigger → one Execute SQL node → "On Success" (and "On Error" when the node continues on its error output).
 */
export function executeSqlWorkflow(
	name: string,
	query: string,
	items: Array<Record<string, unknown>>,
	options: { onError?: 'continueErrorOutput' | 'stopWorkflow'; nodeOptions?: Record<string, unknown>; credentialId?: string } = {},
): WorkflowFile {
	const node: WorkflowNode = {
		id: uuid(11),
		name: 'Execute SQL',
		type: SNOWFLAKE_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: { operation: 'executeQuery', query, options: options.nodeOptions ?? {} },
		credentials: { snowflakeKeyPairApi: { id: options.credentialId ?? CREDENTIAL_ID, name: 'Snowflake (emulator)' } },
	};
	if (options.onError) node.onError = options.onError;
	const noOp = (id: number, nodeName: string, y: number): WorkflowNode => ({
		id: uuid(id),
		name: nodeName,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [440, y],
		parameters: {},
	});
	const nodes: WorkflowNode[] = [
		{ id: uuid(1), name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		node,
		noOp(12, 'On Success', -100),
	];
	const outputs = [[{ node: 'On Success', type: 'main', index: 0 }]];
	if (options.onError === 'continueErrorOutput') {
		nodes.push(noOp(13, 'On Error', 100));
		outputs.push([{ node: 'On Error', type: 'main', index: 0 }]);
	}
	return {
		name,
		nodes,
		connections: {
			[TRIGGER]: { main: [[{ node: 'Execute SQL', type: 'main', index: 0 }]] },
			'Execute SQL': { main: outputs },
		},
		pinData: { [TRIGGER]: items.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The same workflow signed another way: every Snowflake node (action and trigger) gets the Authentication
 * choice the editor writes and that choice's credential (or `credential`; `only`: some nodes). Key Pair leaves the workflow as it is: the examples
 * were saved before the choice existed (no `authentication` parameter) and must keep their key pair.
 */
export function withAuthentication(
	workflow: WorkflowFile,
	authentication: Authentication,
	credential: CredentialRef = CREDENTIALS[authentication],
	only?: (node: WorkflowNode) => boolean,
): WorkflowFile {
	if (authentication === 'keyPair') return workflow;
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			(node.type === SNOWFLAKE_TYPE || node.type === TRIGGER_TYPE) && (only?.(node) ?? true)
				? { ...node, parameters: { ...node.parameters, authentication }, credentials: { [credential.type]: { id: credential.id, name: credential.name } } }
				: node,
		),
	};
}

/**
 * `n8n execute` ignores pin data (it only applies to manual runs from the editor): the Manual Trigger
 * emits one empty item. So the trigger's pinned items become two real nodes behind it, an Edit Fields
 * (Set, raw JSON `{"items": [...]}`) and a Split Out on `items`, which emit exactly those items.
 * A single empty pinned item needs nothing.
 */
export function withPinnedItemsAsNodes(workflow: WorkflowFile): WorkflowFile {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowFile;
	const trigger = copy.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	const pinned = trigger ? copy.pinData?.[trigger.name] : undefined;
	delete copy.pinData;
	if (!trigger || !pinned || (pinned.length === 1 && Object.keys(pinned[0].json).length === 0)) return copy;
	const [x, y] = trigger.position;
	const setName = 'Pinned Items';
	const splitName = 'One Item Each';
	copy.nodes.push(
		{
			id: '0b4c7a10-0000-4000-8000-0000000000a1',
			name: setName,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [x, y + 200],
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items: pinned.map((item) => item.json) }), options: {} },
		},
		{
			id: '0b4c7a10-0000-4000-8000-0000000000a2',
			name: splitName,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [x + 110, y + 200],
			parameters: { fieldToSplitOut: 'items', options: {} },
		},
	);
	copy.connections[splitName] = copy.connections[trigger.name];
	copy.connections[trigger.name] = { main: [[{ node: setName, type: 'main', index: 0 }]] };
	copy.connections[setName] = { main: [[{ node: splitName, type: 'main', index: 0 }]] };
	return copy;
}
