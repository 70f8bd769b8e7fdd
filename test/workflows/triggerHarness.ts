/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * Runs the Snowflake SQL API Trigger as n8n does, in-process:
 * - trigger mode: n8n-core's PollTriggerExecutor (the code behind every scheduled poll tick) with a
 *   PollContext on one long-lived Workflow, so the node's static data carries over from poll to poll
 *   exactly as in an active workflow; emitted items are collected from `__emit`;
 * - manual mode ("Fetch Test Event"): WorkflowExecute in 'manual' mode with the trigger as start node,
 *   which calls `poll` through its own PollContext.
 */
import './env';

import { createRequire } from 'node:module';

import { PollContext, PollTriggerExecutor, WorkflowExecute } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeTypeDescription,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
} from 'n8n-workflow';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import { SnowflakeSqlApiTrigger } from '../../nodes/SnowflakeSqlApiTrigger/SnowflakeSqlApiTrigger.node.js';
import { createAdditionalData, NOOP_TYPE, nodeTypes as actionNodeTypes, SNOWFLAKE_TYPE, type WorkflowJson } from './harness';

export const TRIGGER_NODE_TYPE = 'n8n-nodes-snowflake-sql-api.snowflakeSqlApiTrigger';
const IF_TYPE = 'n8n-nodes-base.if';

/**
 * Stand-in for n8n's If node (v2): its `conditions` filter parameter, evaluated per item by n8n-core as in
 * the real node, sends each item to the true or the false output. The example workflows carry the real
 * node's type and parameters, so they import into n8n as they are.
 */
class If implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'If',
		name: 'if',
		group: ['transform'],
		version: [2, 2.1, 2.2],
		description: 'Route items to different branches (true/false)',
		defaults: { name: 'If' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['true', 'false'],
		properties: [
			{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {}, typeOptions: { filter: { version: 2 } } },
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const branches: INodeExecutionData[][] = [[], []];
		this.getInputData().forEach((item, index) => {
			const pass = this.getNodeParameter('conditions', index, false, { extractValue: true }) as boolean;
			branches[pass ? 0 : 1].push({ ...item, pairedItem: { item: index } });
		});
		return branches;
	}
}
const ifType = new If();
export const TRIGGER_NAME = 'Snowflake SQL API Trigger';

const triggerType = new SnowflakeSqlApiTrigger();
const actionType = new SnowflakeSqlApi();

export const triggerNodeTypes: INodeTypes = {
	getByName: (type) => known(type),
	getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(known(type), version),
	getKnownTypes: () => ({}),
};

function known(type: string): INodeType {
	if (type === TRIGGER_NODE_TYPE) return triggerType;
	if (type === SNOWFLAKE_TYPE) return actionType;
	if (type === IF_TYPE) return ifType;
	return actionNodeTypes.getByName(type) as INodeType;
}

/** Snowflake SQL API Trigger → "Received" (a No Operation node), as an importable workflow. */
export function triggerWorkflow(parameters: IDataObject): WorkflowJson {
	const trigger: INode = {
		id: 'trigger',
		name: TRIGGER_NAME,
		type: TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters } as INode['parameters'],
		credentials: { snowflakeKeyPairApi: { id: 'credential-1', name: 'Snowflake (emulator)' } },
	};
	return {
		name: 'Snowflake SQL API Trigger test',
		nodes: [trigger, { id: 'received', name: 'Received', type: NOOP_TYPE, typeVersion: 1, position: [220, 0], parameters: {} }],
		connections: { [TRIGGER_NAME]: { main: [[{ node: 'Received', type: NodeConnectionTypes.Main, index: 0 }]] } },
	};
}

export function workflowOf(data: WorkflowJson, staticData: IDataObject = {}): Workflow {
	return new Workflow({
		id: data.id ?? 'workflow-trigger-test',
		name: data.name,
		nodes: data.nodes,
		connections: data.connections,
		nodeTypes: triggerNodeTypes,
		active: true,
		staticData,
		settings: { executionOrder: 'v1', ...data.settings },
	});
}

const requireFromCore = createRequire(createRequire(import.meta.url).resolve('n8n-core'));
const { Container } = requireFromCore('@n8n/di') as typeof import('@n8n/di');

export interface PollOutcome {
	/** The items emitted by this tick (empty when the poll returned null). */
	items: INodeExecutionData[];
	/** Whether `__emit` was called at all. */
	emitted: boolean;
	/** The error the tick reported through `__emitError`. */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string | null };
}

/** An active workflow with the trigger: each `poll()` is one scheduled tick. */
export class ActiveTrigger {
	readonly data: WorkflowJson;
	readonly workflow: Workflow;

	/**
	 * `parameters`: the trigger's, in a workflow trigger → "Received"; or `{ workflow }`, a whole workflow whose
	 * trigger node is named TRIGGER_NAME (an example). `staticData`: what an earlier instance saved, as n8n
	 * reloads it after a restart.
	 */
	constructor(
		parameters: IDataObject | { workflow: WorkflowJson },
		private readonly credentials: () => ICredentialDataDecryptedObject,
		staticData: IDataObject = {},
	) {
		this.data = 'workflow' in parameters ? (parameters.workflow as WorkflowJson) : triggerWorkflow(parameters);
		this.workflow = workflowOf(this.data, staticData);
	}

	get node(): INode {
		return this.workflow.getNode(TRIGGER_NAME) as INode;
	}

	/** The node's static data (what the trigger keeps between polls). */
	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** Changes a parameter as the editor would (the workflow keeps its static data). */
	setParameter(name: string, value: unknown): void {
		(this.node.parameters as IDataObject)[name] = value as IDataObject[string];
	}

	async poll(): Promise<PollOutcome> {
		const outcome: PollOutcome = { items: [], emitted: false };
		const additionalData = createAdditionalData(this.data, this.credentials());
		const context = new PollContext(
			this.workflow,
			this.node,
			additionalData,
			'trigger',
			'activate',
			(data) => {
				outcome.emitted = true;
				outcome.items.push(...(data[0] ?? []));
			},
			(error) => {
				outcome.error = error as PollOutcome['error'];
			},
		);
		const executor = Container.get(PollTriggerExecutor);
		await executor.create(this.workflow, this.node, context, () => true)();
		return outcome;
	}

	/** The execution n8n starts with a poll's items: the workflow after the trigger, the trigger's output pinned. */
	async runEmitted(items: INodeExecutionData[]): Promise<IRun> {
		const additionalData = createAdditionalData(this.data, this.credentials());
		const execution = new WorkflowExecute(additionalData, 'manual');
		return await execution.run({ workflow: this.workflow, startNode: this.node, pinData: { [TRIGGER_NAME]: items.map(({ json }) => ({ json })) } });
	}

	/** "Fetch Test Event": the workflow run manually from the trigger. */
	async fetchTestEvent(): Promise<{ run: IRun; items: INodeExecutionData[] }> {
		const additionalData = createAdditionalData(this.data, this.credentials());
		const execution = new WorkflowExecute(additionalData, 'manual');
		const run = await execution.run({ workflow: this.workflow, startNode: this.node });
		const items = run.data.resultData.runData[TRIGGER_NAME]?.[0]?.data?.main?.[0] ?? [];
		return { run, items };
	}
}
