/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * Runs real workflows in-process with n8n-core's WorkflowExecute (reference §5.3): node types come from
 * the TypeScript source classes (no build), credentials from a helper that calls the credential's own
 * `authenticate`, and log lines are captured so tests can scan them. The trigger and NoOp stand-ins
 * carry n8n-nodes-base's type names, so the same workflow JSON imports into n8n.
 */
import './env';

import { createRequire } from 'node:module';

import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	LoggerProxy,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
} from 'n8n-workflow';

import { SnowflakeKeyPairApi } from '../../credentials/SnowflakeKeyPairApi.credentials';
import { SnowflakeOAuth2Api } from '../../credentials/SnowflakeOAuth2Api.credentials';
import { SnowflakePatApi } from '../../credentials/SnowflakePatApi.credentials';
import { OAUTH2_CREDENTIAL_TYPE, resolveOAuth2Credential } from './oauth';
// `.js`: without an extension, Node's CommonJS resolver (tsx in scripts/demo.ts) finds SnowflakeSqlApi.node.json first.
import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';

export const SNOWFLAKE_TYPE = 'n8n-nodes-snowflake-sql-api.snowflakeSqlApi';
export const TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const NOOP_TYPE = 'n8n-nodes-base.noOp';

/** Stand-in for n8n's Manual Trigger: one empty item (tests pin the items they need on it). */
class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow',
		defaults: { name: 'When clicking Execute workflow' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Stand-in for n8n's No Operation node: passes its input on. */
class NoOp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No operation',
		defaults: { name: 'No Operation' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

const nodeClasses: Record<string, INodeType> = {
	[SNOWFLAKE_TYPE]: new SnowflakeSqlApi(),
	[TRIGGER_TYPE]: new ManualTrigger(),
	[NOOP_TYPE]: new NoOp(),
};

export const nodeTypes: INodeTypes = {
	getByName: (type) => known(type),
	getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(known(type), version),
	getKnownTypes: () => ({}),
};

function known(type: string): INodeType {
	const nodeType = nodeClasses[type];
	if (!nodeType) throw new Error(`Unknown node type ${type} in a test workflow`);
	return nodeType;
}

// ------------------------------------------------------------------ logs

export interface LogLine {
	level: string;
	message: string;
	meta?: unknown;
}

export const logLines: LogLine[] = [];

const captureLogger = {
	error: (message: string, meta?: unknown) => logLines.push({ level: 'error', message, meta }),
	warn: (message: string, meta?: unknown) => logLines.push({ level: 'warn', message, meta }),
	info: (message: string, meta?: unknown) => logLines.push({ level: 'info', message, meta }),
	debug: (message: string, meta?: unknown) => logLines.push({ level: 'debug', message, meta }),
	scoped: () => captureLogger,
};
// n8n-core ships its own copies of @n8n/di and @n8n/backend-common: register the logger in its container.
const requireFromCore = createRequire(createRequire(import.meta.url).resolve('n8n-core'));
const { Container } = requireFromCore('@n8n/di') as typeof import('@n8n/di');
const { Logger } = requireFromCore('@n8n/backend-common') as typeof import('@n8n/backend-common');
Container.set(Logger, captureLogger as unknown as InstanceType<typeof Logger>);
LoggerProxy.init(captureLogger as unknown as Parameters<typeof LoggerProxy.init>[0]);

// ------------------------------------------------------------------ credentials

const credentialType = new SnowflakeKeyPairApi();
const patCredentialType = new SnowflakePatApi();
const oauth2CredentialType = new SnowflakeOAuth2Api();

/** Every `oauthTokenData` n8n-core saved (a first client-credentials token, each refresh), in order. */
export const oauthTokenUpdates: IDataObject[] = [];

/**
 * Serves the test's decrypted credential and signs requests with the own `authenticate` of the credential
 * type n8n asks for (key pair unless `type` names another; a PAT workflow asks for snowflakePatApi). The OAuth2
 * credential is n8n's way: a child of oAuth2Api (n8n-core's requestOAuth2 signs and refreshes), its hidden
 * fields resolved, and the token data n8n-core saves written back into the test's credential object, so the
 * next execution reads it as n8n would from its database.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	private readonly types: Map<string, ICredentialType>;

	constructor(
		private readonly data: ICredentialDataDecryptedObject,
		type: ICredentialType = credentialType,
	) {
		super();
		this.types = new Map([patCredentialType, oauth2CredentialType, type].map((known) => [known.name, known]));
	}

	private typeNamed(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`No credential type ${name} in the test harness`);
		return type;
	}

	getParentTypes(type: string): string[] {
		return type === OAUTH2_CREDENTIAL_TYPE ? ['oAuth2Api'] : [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, type: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const known = this.typeNamed(type);
		if (typeof known.authenticate !== 'function') throw new Error(`Credential type ${type} has no authenticate function`);
		return await known.authenticate(credentials, requestOptions);
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by the harness');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		return type === OAUTH2_CREDENTIAL_TYPE ? resolveOAuth2Credential(this.data) : { ...this.data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(_nodeCredentials: unknown, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data.oauthTokenData = data.oauthTokenData;
		oauthTokenUpdates.push(data.oauthTokenData as IDataObject);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.typeNamed(type).properties;
	}
}

// ------------------------------------------------------------------ workflows

/** An importable workflow: what n8n exports, with pinned items on the trigger. */
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	pinData?: Record<string, Array<{ json: IDataObject }>>;
	settings?: IDataObject;
}

export interface RunResult {
	run: IRun;
	/** Items of a node's output (0 = success, 1 = error output with "Continue (using error output)"). */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** The error a node stopped the execution with, as n8n stores it in the run data. */
	error(): NodeErrorShape | undefined;
}

export type NodeErrorShape = Error & { description?: string; context?: IDataObject; httpCode?: string | null };

export interface RunControl {
	/** Called once the execution started; `cancel` aborts it as the n8n UI's stop button does. */
	onStarted?: (cancel: () => void) => void;
}

let executions = 0;
/** n8n builds resume URLs from these; nothing listens there. */
const BASE_URL = 'http://localhost:5678/';

export function createWorkflow(data: WorkflowJson): Workflow {
	return new Workflow({
		id: data.id ?? 'workflow-test',
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		nodeTypes,
		active: false,
		staticData: {},
		settings: { executionOrder: 'v1', ...data.settings },
	});
}

/**
 * What n8n-core needs around an execution (or a list search): hooks, the credentials helper, base URLs.
 * `credential`: the credential class that signs requests (the live suite passes the built one from dist/).
 */
export function createAdditionalData(
	data: WorkflowJson,
	credentials: ICredentialDataDecryptedObject,
	executionId = `execution-${++executions}`,
	credential: ICredentialType = credentialType,
): IWorkflowExecuteAdditionalData {
	const workflowData = { ...data, id: data.id ?? 'workflow-test', active: false, isArchived: false, createdAt: new Date(), updatedAt: new Date() } as unknown as IWorkflowBase;
	return {
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData),
		executionId,
		credentialsHelper: new TestCredentialsHelper(credentials, credential),
		restApiUrl: `${BASE_URL}restApiUrl/`,
		instanceBaseUrl: `${BASE_URL}instanceBaseUrl/`,
		formBaseUrl: `${BASE_URL}formBaseUrl/`,
		formWaitingBaseUrl: `${BASE_URL}formWaitingBaseUrl/`,
		formTestBaseUrl: `${BASE_URL}formTestBaseUrl/`,
		webhookBaseUrl: `${BASE_URL}webhookBaseUrl/`,
		webhookWaitingBaseUrl: `${BASE_URL}webhookWaitingBaseUrl/`,
		webhookTestBaseUrl: `${BASE_URL}webhookTestBaseUrl/`,
		mcpBaseUrl: `${BASE_URL}mcpBaseUrl/`,
		mcpTestBaseUrl: `${BASE_URL}mcpTestBaseUrl/`,
		currentNodeExecutionIndex: 0,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not used in these tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/**
 * The context of a list search on the Snowflake node of `data` (its second node), as the editor opens one:
 * n8n's Workflow fills the node's parameter defaults (Authentication: Key Pair among them, for a workflow
 * saved before that parameter existed) and the editor sends the parameters so filled as currentNodeParameters,
 * which n8n-core checks the credential's displayOptions against.
 */
export function listSearchContext(data: WorkflowJson, credentials: ICredentialDataDecryptedObject): LoadOptionsContext {
	const workflow = createWorkflow(data);
	const snowflake = workflow.getNode(data.nodes[1].name);
	if (!snowflake) throw new Error('No Snowflake node in the test workflow');
	const additionalData = createAdditionalData(data, credentials);
	additionalData.currentNodeParameters = snowflake.parameters;
	return new LoadOptionsContext(workflow, snowflake, additionalData, 'parameters.table');
}

export async function runWorkflow(
	data: WorkflowJson,
	credentials: ICredentialDataDecryptedObject,
	control: RunControl = {},
): Promise<RunResult> {
	const workflow = createWorkflow(data);
	const additionalData = createAdditionalData(data, credentials);
	const trigger = data.nodes.find((node) => node.type === TRIGGER_TYPE);
	if (!trigger) throw new Error('A test workflow starts with a Manual Trigger');
	const execution = new WorkflowExecute(additionalData, 'manual');
	const running = execution.run({ workflow, startNode: workflow.getNode(trigger.name) ?? undefined, pinData: data.pinData });
	control.onStarted?.(() => running.cancel());
	const run = await running;
	return {
		run,
		output: (nodeName, outputIndex = 0) => {
			const task = run.data.resultData.runData[nodeName]?.[0];
			return task?.data?.main?.[outputIndex] ?? [];
		},
		error: () => run.data.resultData.error as NodeErrorShape | undefined,
	};
}

export interface NodeOptions {
	/** Items the trigger emits (pinned). Default: one empty item. */
	items?: IDataObject[];
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	name?: string;
	executeOnce?: boolean;
}

/** Trigger (pinned items) → Snowflake SQL API → "Success" (and "Failure" on the error output). */
export function snowflakeWorkflow(parameters: IDataObject, options: NodeOptions = {}): WorkflowJson {
	const name = options.name ?? 'Snowflake SQL API';
	const snowflake: INode = {
		id: 'snowflake',
		name,
		type: SNOWFLAKE_TYPE,
		typeVersion: 1,
		position: [220, 0],
		parameters: parameters as INode['parameters'],
		credentials: { snowflakeKeyPairApi: { id: 'credential-1', name: 'Snowflake (emulator)' } },
		...(options.onError ? { onError: options.onError } : {}),
		...(options.executeOnce ? { executeOnce: true } : {}),
	};
	const connections: IConnections = {
		Trigger: { main: [[{ node: name, type: NodeConnectionTypes.Main, index: 0 }]] },
		[name]: {
			main: [
				[{ node: 'Success', type: NodeConnectionTypes.Main, index: 0 }],
				...(options.onError === 'continueErrorOutput' ? [[{ node: 'Failure', type: NodeConnectionTypes.Main, index: 0 }]] : []),
			],
		},
	};
	const nodes: INode[] = [
		{ id: 'trigger', name: 'Trigger', type: TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		snowflake,
		{ id: 'success', name: 'Success', type: NOOP_TYPE, typeVersion: 1, position: [440, 0], parameters: {} },
	];
	if (options.onError === 'continueErrorOutput') {
		nodes.push({ id: 'failure', name: 'Failure', type: NOOP_TYPE, typeVersion: 1, position: [440, 200], parameters: {} });
	}
	return {
		name: 'Snowflake SQL API test',
		nodes,
		connections,
		pinData: { Trigger: (options.items ?? [{}]).map((json) => ({ json })) },
	};
}

/** The credential type each value of the Authentication parameter selects. */
const CREDENTIAL_TYPE_OF = { keyPair: 'snowflakeKeyPairApi', programmaticAccessToken: 'snowflakePatApi', oAuth2: OAUTH2_CREDENTIAL_TYPE } as const;

/**
 * `data` with every Snowflake node (action or trigger) authenticating with `kind`: the Authentication
 * parameter set and the node's credential renamed to that kind's type, as the editor saves it.
 */
export function withAuthentication(data: WorkflowJson, kind: keyof typeof CREDENTIAL_TYPE_OF): WorkflowJson {
	return {
		...data,
		nodes: data.nodes.map((node) => {
			if (!node.type.startsWith('n8n-nodes-snowflake-sql-api.')) return node;
			const reference = Object.values(node.credentials ?? {})[0] ?? { id: 'credential-1', name: 'Snowflake (emulator)' };
			return { ...node, parameters: { ...node.parameters, authentication: kind }, credentials: { [CREDENTIAL_TYPE_OF[kind]]: reference } };
		}),
	};
}

/** `{ json, pairedItem }` of each item, the shape tests compare exactly. */
export function plain(items: INodeExecutionData[]): Array<{ json: IDataObject; pairedItem: unknown }> {
	return items.map((item) => ({ json: item.json, pairedItem: item.pairedItem }));
}

/** Get Statement Results' output for a statement still running (Wait for Completion off). */
export function runningPage(statementHandle: string): IDataObject {
	return {
		statementHandle,
		status: 'running',
		code: '333334',
		message: 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
		numRows: 0,
		partition: 0,
		partitionCount: 0,
		nextPartition: null,
		rows: [],
	};
}
