/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The package as n8n loads it: the node, trigger and credential classes are `require`d from dist/ through
 * the `n8n` field of package.json (what n8n reads in an installed package), and run in n8n-core's
 * WorkflowExecute and PollTriggerExecutor with the test harness's stand-ins for Manual Trigger and No Op.
 * A node run picks its credential as the editor does, by the Authentication parameter: the key pair and the
 * programmatic access token sign through their built credential's `authenticate`; OAuth2 goes through
 * n8n-core's own OAuth2 request helper with the access token given (oauthTokenData), as after a Connect.
 *
 * The JWT clock: the package's shared signer reads `Date.now` once, when dist/ loads, so the suite puts a
 * skewable `Date.now` in place before that. The expired-JWT scenario uses it to hold a token that expired
 * while it sat in the cache (what a host suspended for an hour sees); every other scenario runs with skew 0.
 */
import '../workflows/env';

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

import { PollContext, PollTriggerExecutor, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import {
	createAdditionalData,
	nodeTypes as standInTypes,
	SNOWFLAKE_TYPE,
	snowflakeWorkflow,
	type NodeErrorShape,
	type NodeOptions,
	type WorkflowJson,
} from '../workflows/harness';
import { TRIGGER_NAME, TRIGGER_NODE_TYPE, triggerWorkflow } from '../workflows/triggerHarness';

export const realNow = Date.now.bind(Date);
/** Milliseconds added to `Date.now` (for the package's JWT clock). */
export const jwtClock = { skewMs: 0 };
Date.now = () => realNow() + jwtClock.skewMs;


/** What the suite uses of dist/nodes/SnowflakeSqlApi/transport (the package's own signer). */
export interface DistKeyPairAuth extends DistSigner {
	describeCredentials(credentials: Record<string, unknown>): { claimAccount: string; user: string; host: string; baseUrl: string; fingerprint: string };
	invalidateToken(credentials: Record<string, unknown>): void;
}

/** A request as the package's signers take it, and what they return. */
type RawRequest = { url: string; headers?: Record<string, unknown> };
type SignedRequest = { baseURL: string; headers: Record<string, unknown> };

/** Signs a raw request for a credential: the key pair's signer, or `signerFor` of any kind. */
export interface DistSigner {
	authenticateRequest(credentials: Record<string, unknown>, request: RawRequest): Promise<SignedRequest>;
}

/** The Authentication parameter's values. */
export type LiveAuthentication = 'keyPair' | 'programmaticAccessToken' | 'oAuth2';

/** dist/'s `requestAuth`: the RequestAuth the node builds from a credential of `kind`. */
type DistRequestAuth = (kind: LiveAuthentication, data: Record<string, unknown>) => { auth: { authenticateRequest(request: RawRequest): Promise<SignedRequest> } };

export interface DistPackage {
	nodeTypes: INodeTypes;
	/** The key-pair credential. */
	credential: ICredentialType;
	/** Every credential class of dist/, by name (snowflakeKeyPairApi, snowflakePatApi, snowflakeOAuth2Api). */
	credentials: Map<string, ICredentialType>;
	/** `KeyPairAuth` of dist/: `shared` is the instance the credential signs with. */
	KeyPairAuth: { shared: DistKeyPairAuth; new (clock: { now: () => number }): DistKeyPairAuth };
	/** The package's own request shaping for a credential of `kind` (token type, Accept, User-Agent, base URL). */
	signerFor(kind: LiveAuthentication): DistSigner;
}

/** Loads the built package the way n8n does: the files the `n8n` field of package.json names. */
export function loadDistPackage(root: string): DistPackage {
	const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };
	const load = createRequire(join(resolve(root), 'package.json'));
	const classes = new Map<string, INodeType>();
	for (const file of manifest.n8n.nodes) {
		const exports = load(`./${file}`) as Record<string, new () => INodeType>;
		for (const NodeClass of Object.values(exports)) {
			const node = new NodeClass();
			classes.set(`n8n-nodes-snowflake-sql-api.${node.description.name}`, node);
		}
	}
	const credentials = new Map<string, ICredentialType>();
	for (const file of manifest.n8n.credentials) {
		for (const CredentialClass of Object.values(load(`./${file}`) as Record<string, new () => ICredentialType>)) {
			const credential = new CredentialClass();
			credentials.set(credential.name, credential);
		}
	}
	const credential = credentials.get(KEY_PAIR_CREDENTIAL);
	if (!credential) throw new Error(`dist/ has no credential ${KEY_PAIR_CREDENTIAL}: run npm run build`);
	const transport = load('./dist/nodes/SnowflakeSqlApi/transport/index.js') as { KeyPairAuth: DistPackage['KeyPairAuth']; requestAuth: DistRequestAuth };
	for (const type of [SNOWFLAKE_TYPE, TRIGGER_NODE_TYPE]) {
		if (!classes.has(type)) throw new Error(`dist/ has no node ${type}: run npm run build`);
	}
	const known = (type: string): INodeType => classes.get(type) ?? (standInTypes.getByName(type) as INodeType);
	return {
		nodeTypes: {
			getByName: (type) => known(type),
			getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(known(type), version),
			getKnownTypes: () => ({}),
		},
		credential,
		credentials,
		KeyPairAuth: transport.KeyPairAuth,
		signerFor: (kind) => ({
			authenticateRequest: async (data, request) => {
				const signed = await transport.requestAuth(kind, data).auth.authenticateRequest(request);
				// OAuth: n8n's OAuth2 helper adds the Authorization (client-oauth2's token.sign); here the given token.
				const token = kind === 'oAuth2' ? (data.oauthTokenData as { access_token?: string } | undefined)?.access_token : undefined;
				return token ? { ...signed, headers: { ...signed.headers, Authorization: `Bearer ${token}` } } : signed;
			},
		}),
	};
}

const KEY_PAIR_CREDENTIAL = 'snowflakeKeyPairApi';

/**
 * The credential type the built node shows for `authentication` (its credential entry whose displayOptions
 * name the value), or undefined when this build does not offer it.
 */
export function credentialTypeFor(pkg: DistPackage, authentication: LiveAuthentication): string | undefined {
	const node = pkg.nodeTypes.getByNameAndVersion(SNOWFLAKE_TYPE, 1);
	return node.description.credentials?.find((entry) => {
		const shown = entry.displayOptions?.show?.authentication;
		return shown === undefined ? authentication === 'keyPair' : shown.includes(authentication);
	})?.name;
}

/**
 * n8n's credentials helper for an OAuth2 credential, reduced to what n8n-core's requestOAuth2 uses: the type
 * extends oAuth2Api, the decrypted data (with oauthTokenData, as n8n keeps it after a Connect) is served, and
 * token data n8n-core saves after a refresh is kept for the next read.
 */
class OAuth2CredentialsHelper extends ICredentialsHelper {
	constructor(
		private data: ICredentialDataDecryptedObject,
		private readonly type: ICredentialType,
	) {
		super();
	}

	getParentTypes(type: string): string[] {
		return type === this.type.name ? [...(this.type.extends ?? [])] : [];
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentialsOauthTokenData(_node: unknown, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data = { ...this.data, oauthTokenData: data.oauthTokenData };
	}

	async updateCredentials(): Promise<void> {}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(): Promise<never> {
		throw new Error('OAuth2 requests are signed by n8n-core\'s requestOAuth2, not by authenticate');
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by the live suite');
	}

	getCredentialsProperties(): INodeProperties[] {
		return this.type.properties;
	}
}

/** n8n-core's surroundings for `data`, with the credential `authentication` selects, signed as n8n signs it. */
function executionData(pkg: DistPackage, data: WorkflowJson, credentials: ICredentialDataDecryptedObject, authentication: LiveAuthentication): IWorkflowExecuteAdditionalData {
	const type = authentication === 'keyPair' ? KEY_PAIR_CREDENTIAL : credentialTypeFor(pkg, authentication);
	const credential = type === undefined ? undefined : pkg.credentials.get(type);
	if (!credential) throw new Error(`this build's node offers no ${authentication} authentication`);
	const additionalData = createAdditionalData(data, credentials, undefined, credential);
	if (credential.extends?.includes('oAuth2Api')) additionalData.credentialsHelper = new OAuth2CredentialsHelper(credentials, credential);
	return additionalData;
}

/** `data` with its Snowflake node authenticating with `authentication`, as the editor saves it. */
function authenticatedWith(pkg: DistPackage, data: WorkflowJson, authentication: LiveAuthentication): WorkflowJson {
	if (authentication === 'keyPair') return data;
	const type = credentialTypeFor(pkg, authentication);
	if (type === undefined) throw new Error(`this build's node offers no ${authentication} authentication`);
	return {
		...data,
		nodes: data.nodes.map((node) =>
			node.type === SNOWFLAKE_TYPE
				? { ...node, parameters: { ...node.parameters, authentication }, credentials: { [type]: { id: `credential-${authentication}`, name: `Snowflake (${authentication})` } } }
				: node,
		),
	};
}

export interface NodeRun {
	run: IRun;
	/** Items of the node's success output. */
	items: IDataObject[];
	/** The error that stopped the execution. */
	error?: NodeErrorShape;
}

export interface NodeRunOptions extends NodeOptions {
	/** Called once the execution started; `cancel` stops it as the n8n UI's stop button does. */
	onStarted?: (cancel: () => void) => void;
	/** The Authentication parameter (default keyPair, what a workflow saved before it existed runs with). */
	authentication?: LiveAuthentication;
}

/** Manual Trigger (pinned items) → Snowflake SQL API → No Op, as WorkflowExecute runs it in n8n. */
export async function runSnowflakeNode(
	pkg: DistPackage,
	credentials: ICredentialDataDecryptedObject,
	parameters: IDataObject,
	options: NodeRunOptions = {},
): Promise<NodeRun> {
	const authentication = options.authentication ?? 'keyPair';
	const data: WorkflowJson = authenticatedWith(pkg, snowflakeWorkflow(parameters, options), authentication);
	const workflow = new Workflow({
		id: 'workflow-live',
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		nodeTypes: pkg.nodeTypes,
		active: false,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});
	const execution = new WorkflowExecute(executionData(pkg, data, credentials, authentication), 'manual');
	const running = execution.run({ workflow, startNode: workflow.getNode('Trigger') ?? undefined, pinData: data.pinData });
	options.onStarted?.(() => running.cancel());
	const run = await running;
	const task = run.data.resultData.runData[options.name ?? 'Snowflake SQL API']?.[0];
	return {
		run,
		items: (task?.data?.main?.[0] ?? []).map((item: INodeExecutionData) => item.json),
		error: run.data.resultData.error as NodeErrorShape | undefined,
	};
}

const requireFromCore = createRequire(createRequire(import.meta.url).resolve('n8n-core'));
const { Container } = requireFromCore('@n8n/di') as typeof import('@n8n/di');

/** An active workflow with the trigger: each `poll()` is one scheduled tick; static data carries over. */
export class LiveTrigger {
	private readonly data: WorkflowJson;
	private readonly workflow: Workflow;

	constructor(
		private readonly pkg: DistPackage,
		private readonly credentials: ICredentialDataDecryptedObject,
		parameters: IDataObject,
	) {
		this.data = triggerWorkflow(parameters);
		this.workflow = new Workflow({
			id: 'workflow-live-trigger',
			name: this.data.name,
			nodes: this.data.nodes,
			connections: this.data.connections,
			nodeTypes: pkg.nodeTypes,
			active: true,
			staticData: {},
			settings: { executionOrder: 'v1' },
		});
	}

	private get node(): INode {
		return this.workflow.getNode(TRIGGER_NAME) as INode;
	}

	/** One scheduled tick: the items it emitted, or the error it reported. */
	async poll(): Promise<{ items: IDataObject[]; error?: Error }> {
		const outcome: { items: IDataObject[]; error?: Error } = { items: [] };
		const context = new PollContext(
			this.workflow,
			this.node,
			createAdditionalData(this.data, this.credentials, undefined, this.pkg.credential),
			'trigger',
			'activate',
			(data) => outcome.items.push(...(data[0] ?? []).map((item) => item.json)),
			(error) => {
				outcome.error = error;
			},
		);
		await Container.get(PollTriggerExecutor).create(this.workflow, this.node, context, () => true)();
		return outcome;
	}

	/** "Fetch Test Event": the workflow run manually from the trigger. */
	async fetchTestEvent(): Promise<{ items: IDataObject[]; error?: Error }> {
		const execution = new WorkflowExecute(createAdditionalData(this.data, this.credentials, undefined, this.pkg.credential), 'manual');
		const run = await execution.run({ workflow: this.workflow, startNode: this.node });
		const items = run.data.resultData.runData[TRIGGER_NAME]?.[0]?.data?.main?.[0] ?? [];
		return { items: items.map((item) => item.json), error: run.data.resultData.error };
	}
}
