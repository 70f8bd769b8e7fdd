/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The package as n8n loads it: the node, trigger and credential classes are `require`d from dist/ through
 * the `n8n` field of package.json (what n8n reads in an installed package), and run in n8n-core's
 * WorkflowExecute and PollTriggerExecutor with the test harness's stand-ins for Manual Trigger and No Op.
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
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
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
export interface DistKeyPairAuth {
	authenticateRequest(credentials: Record<string, unknown>, request: { url: string; headers?: Record<string, unknown> }): Promise<{ baseURL: string; headers: Record<string, unknown> }>;
	describeCredentials(credentials: Record<string, unknown>): { claimAccount: string; user: string; host: string; baseUrl: string; fingerprint: string };
	invalidateToken(credentials: Record<string, unknown>): void;
}

export interface DistPackage {
	nodeTypes: INodeTypes;
	credential: ICredentialType;
	/** `KeyPairAuth` of dist/: `shared` is the instance the credential signs with. */
	KeyPairAuth: { shared: DistKeyPairAuth; new (clock: { now: () => number }): DistKeyPairAuth };
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
	const [credentialFile] = manifest.n8n.credentials;
	const credentialExports = load(`./${credentialFile}`) as Record<string, new () => ICredentialType>;
	const credential = new (Object.values(credentialExports)[0])();
	const transport = load('./dist/nodes/SnowflakeSqlApi/transport/index.js') as { KeyPairAuth: DistPackage['KeyPairAuth'] };
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
		KeyPairAuth: transport.KeyPairAuth,
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
}

/** Manual Trigger (pinned items) → Snowflake SQL API → No Op, as WorkflowExecute runs it in n8n. */
export async function runSnowflakeNode(
	pkg: DistPackage,
	credentials: ICredentialDataDecryptedObject,
	parameters: IDataObject,
	options: NodeRunOptions = {},
): Promise<NodeRun> {
	const data: WorkflowJson = snowflakeWorkflow(parameters, options);
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
	const execution = new WorkflowExecute(createAdditionalData(data, credentials, undefined, pkg.credential), 'manual');
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
