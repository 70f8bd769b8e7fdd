/**
 * The four ways n8n reaches Snowflake through this package, each driven through n8n-core's own contexts
 * and request helpers: a workflow run of the node (WorkflowExecute), a list search (LoadOptionsContext),
 * a trigger poll tick (PollTriggerExecutor + PollContext) and the credential test (CredentialTestContext).
 * Each gives one Outcome: what the user sees, and everything n8n keeps (run data, errors with their
 * stacks, log lines) as one text to scan for secrets.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import { listSearchContext, logLines, runWorkflow, snowflakeWorkflow, withAuthentication, type RunControl, type WorkflowJson } from '../workflows/harness';
import { everythingKept } from '../workflows/secretScan';
import { ActiveTrigger, triggerWorkflow } from '../workflows/triggerHarness';

export type Surface = 'node' | 'listSearch' | 'trigger' | 'credentialTest';

/** The credential kind a case runs with: the key pair (every case), a programmatic access token or OAuth2 (subsets). */
export type Kind = 'keyPair' | 'programmaticAccessToken' | 'oAuth2';

// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets -- credential type names, not secrets
const CREDENTIAL_TYPE: Record<Kind, string> = { keyPair: 'snowflakeKeyPairApi', programmaticAccessToken: 'snowflakePatApi', oAuth2: 'snowflakeOAuth2Api' };

const authenticated = (data: WorkflowJson, kind: Kind): WorkflowJson => (kind === 'keyPair' ? data : withAuthentication(data, kind));

export interface Outcome {
	ok: boolean;
	/** The error message the user reads (node error, list-search rejection, trigger tick error, credential test). */
	message: string;
	description?: string;
	/** The node's output items (json), the list-search results or the trigger's emitted items. */
	items: IDataObject[];
	/** Everything n8n keeps of the run, for the secret scan. */
	kept: string;
}

const node = new SnowflakeSqlApi();

type ErrorLike = Error & { description?: string | null };

function failure(error: ErrorLike): Outcome {
	return {
		ok: false,
		message: error.message,
		description: error.description ?? undefined,
		items: [],
		kept: [error.message, error.description ?? '', error.stack ?? '', JSON.stringify(error), JSON.stringify(logLines)].join('\n'),
	};
}

/** A workflow run: Manual Trigger (one item) → Snowflake SQL API with `parameters`. */
async function runNode(parameters: IDataObject, credentials: ICredentialDataDecryptedObject, control: RunControl, kind: Kind): Promise<Outcome> {
	const result = await runWorkflow(authenticated(snowflakeWorkflow(parameters, { items: [{ id: 1 }] }), kind), credentials, control);
	const error = result.error();
	const items = result.output('Success').map((item) => item.json);
	return {
		ok: result.run.status === 'success',
		message: error?.message ?? '',
		description: error?.description ?? undefined,
		items,
		kept: everythingKept(result),
	};
}

/** The Table list search of the Insert operation, as the editor calls it while the user types a filter. */
async function runListSearch(credentials: ICredentialDataDecryptedObject, kind: Kind): Promise<Outcome> {
	const context = listSearchContext(authenticated(snowflakeWorkflow({ operation: 'insert' }), kind), credentials);
	try {
		const result = await node.methods.listSearch.searchTables.call(context, 'EV');
		return { ok: true, message: '', items: result.results as unknown as IDataObject[], kept: `${JSON.stringify(result)}\n${JSON.stringify(logLines)}` };
	} catch (error) {
		return failure(error as ErrorLike);
	}
}

/** One scheduled tick of an active trigger (custom query mode). */
async function runTrigger(credentials: ICredentialDataDecryptedObject, kind: Kind): Promise<Outcome> {
	const workflow = authenticated(triggerWorkflow({ mode: 'customQuery', query: 'SELECT ID FROM EVENTS', watermarkColumn: 'ID' }), kind);
	const active = new ActiveTrigger({ workflow }, () => credentials);
	const tick = await active.poll();
	if (tick.error) return failure(tick.error);
	return { ok: true, message: '', items: tick.items.map((item) => item.json), kept: `${JSON.stringify(tick.items)}\n${JSON.stringify(logLines)}` };
}

/** The credential's "Test" button. */
async function runCredentialTest(credentials: ICredentialDataDecryptedObject, kind: Kind): Promise<Outcome> {
	const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as unknown as ICredentialTestFunctions;
	const result = await node.methods.credentialTest.snowflakeConnectionTest.call(context, {
		id: 'credential-1',
		name: 'Snowflake',
		type: CREDENTIAL_TYPE[kind],
		data: credentials,
	});
	return { ok: result.status === 'OK', message: result.status === 'OK' ? '' : result.message, items: [], kept: `${JSON.stringify(result)}\n${JSON.stringify(logLines)}` };
}

/** Runs `surface`; `control` reaches the workflow run (the node's surface only: the stop button). */
export async function drive(
	surface: Surface,
	parameters: IDataObject,
	credentials: ICredentialDataDecryptedObject,
	control: RunControl = {},
	kind: Kind = 'keyPair',
): Promise<Outcome> {
	switch (surface) {
		case 'node':
			return await runNode(parameters, credentials, control, kind);
		case 'listSearch':
			return await runListSearch(credentials, kind);
		case 'trigger':
			return await runTrigger(credentials, kind);
		case 'credentialTest':
			return await runCredentialTest(credentials, kind);
	}
}
