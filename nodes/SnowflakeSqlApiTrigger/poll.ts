/**
 * One poll: read the settings, build the client as the action node does (same credential, transport,
 * decoding and error mapping), then
 * - first activation with "now": remember the highest watermark and the rows present, emit nothing;
 * - otherwise: fetch the rows at or above the lower bound, emit the new ones (up to the limit) and
 *   store the state after them in the workflow's static data;
 * - manual ("Fetch Test Event"): the rows the next poll would emit, else the latest row, without
 *   touching the stored state.
 */
import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { columnKeys } from '../SnowflakeSqlApi/decoder';
import {
	createClient,
	createN8nHttp,
	decodeOptions,
	echoText,
	loadCredential,
	prepareBinding,
	requestContext,
	resolveIdentifier,
	splitColumnList,
	SqlInputError,
	toNodeError,
} from '../SnowflakeSqlApi/helpers';
import type { LocatorValue, OperationRuntime, SnowflakeNodeOptions } from '../SnowflakeSqlApi/helpers';
import type { Binding, DecodedRow, RowType, StatementRequest, StatementResult } from '../SnowflakeSqlApi/transport';
import {
	buildStatement,
	querySource,
	tableSource,
	watermarkColumn,
	type Condition,
	type SelectPlan,
	type Source,
	type WatermarkColumn,
} from './query';
import {
	activate,
	lowerBound,
	MAX_REMEMBERED,
	newState,
	readState,
	rememberedCount,
	rowKey,
	takeNew,
	type FetchedRow,
	type TriggerState,
} from './state';
import {
	changeActions,
	ChangesPoller,
	keyColumnNames,
	readChangesState,
	type ChangesSettings,
	type ChangesState,
} from './changes';
import { watermarkDomain, type WatermarkDomain } from './watermark';

/** Items one poll of Changes in a Table emits at most (n8n holds them all at once). */
const MAX_CHANGES_PER_POLL = 100_000;

interface TriggerOptions extends SnowflakeNodeOptions {
	keyColumns?: string;
	lookBack?: number;
	startValueType?: string;
	enableChangeTracking?: boolean;
}

interface Settings {
	mode: 'newRows' | 'customQuery';
	source: Source;
	column: WatermarkColumn;
	startFrom: 'now' | 'value';
	limit: number;
	lookBack: number;
	/** Exact names of the key columns; empty: all columns. */
	keyColumns: string[];
	options: TriggerOptions;
	/** The raw (unevaluated) settings that make a state: another signature starts over. */
	signature: string;
}

function readSettings(context: IPollFunctions): Settings {
	const node = context.getNode();
	const mode = context.getNodeParameter('mode', 'newRows') as string;
	let source: Source;
	if (mode === 'customQuery') {
		source = querySource(context.getNodeParameter('query', '') as string);
	} else {
		const locator = context.getNodeParameter('table', '') as LocatorValue | string;
		const value = typeof locator === 'string' ? locator : String(locator.value ?? '');
		source = tableSource(value, typeof locator === 'string' ? 'name' : locator.mode);
	}
	const column = watermarkColumn(context.getNodeParameter('watermarkColumn', '') as string);
	const options = context.getNodeParameter('options', {}) as TriggerOptions;
	const limit = context.getNodeParameter('rowsPerPoll', 1000) as number;
	const lookBack = Number(options.lookBack ?? 0);
	if (!Number.isFinite(lookBack) || lookBack < 0) throw new SqlInputError(`Look-Back must be 0 or more (got ${String(options.lookBack)})`);
	const keyColumns = splitColumnList(options.keyColumns ?? '').map((name) => resolveIdentifier(name, 'key column'));
	const startFrom = context.getNodeParameter('startFrom', 'now') === 'value' ? 'value' : 'now';
	const raw = node.parameters;
	const signature = JSON.stringify([
		mode,
		mode === 'customQuery' ? raw.query : raw.table,
		raw.watermarkColumn,
		startFrom,
		raw.startValue ?? '',
		(raw.options as IDataObject | undefined)?.startValueType ?? 'auto',
		keyColumns,
	]);
	return { mode: mode === 'customQuery' ? 'customQuery' : 'newRows', source, column, startFrom, limit, lookBack, keyColumns, options, signature };
}

/** The Start Value as a binding (read once, when the state is created). */
function startBinding(context: IPollFunctions, settings: Settings, required: boolean): Binding | undefined {
	const value = context.getNodeParameter('startValue', '') as unknown;
	if (value === '' || value === null || value === undefined) {
		if (required) throw new SqlInputError('Enter the Start Value: the lowest watermark value to emit.');
		return undefined;
	}
	return prepareBinding(value, settings.options.startValueType ?? 'auto', { label: 'Start Value' }).binding;
}

interface Fetched {
	result: StatementResult;
	rows: Array<FetchedRow<DecodedRow>>;
	domain?: WatermarkDomain;
}

class Poller {
	constructor(
		private readonly context: IPollFunctions,
		private readonly settings: Settings,
		private readonly runtime: OperationRuntime,
	) {}

	private async run(plan: SelectPlan): Promise<StatementResult> {
		const { options } = this.settings;
		const { statement, bindings } = buildStatement(plan);
		const request: StatementRequest = { statement, ...requestContext(this.context, options, this.runtime) };
		if (Object.keys(bindings).length > 0) request.bindings = bindings;
		this.context.logger.debug('Snowflake SQL API Trigger: statement', { statement, bindings: Object.keys(bindings).length });
		return await this.runtime.runner.execute(request, { signal: this.runtime.signal, decode: decodeOptions(options) });
	}

	/** The watermark column's domain from its rowType, checked against the state's. */
	private domainOf(column: RowType, state: TriggerState): WatermarkDomain {
		const { name } = this.settings.column;
		const type = column.type.toLowerCase();
		const domain = watermarkDomain(column);
		if (!domain) {
			throw new SqlInputError(
				`The watermark column ${echoText(name)} is ${type.toUpperCase()}; it must be a number, date, time, timestamp or text that grows for new rows`,
			);
		}
		if (domain.kind === 'text' && this.settings.lookBack > 0) {
			throw new SqlInputError(`Look-Back needs a number, date, time or timestamp watermark column; ${echoText(name)} is TEXT. Set Look-Back to 0.`);
		}
		if (state.columnType !== undefined && watermarkDomain({ type: state.columnType })?.kind !== domain.kind) {
			throw new SqlInputError(
				`The watermark column ${echoText(name)} was ${state.columnType.toUpperCase()} and is now ${type.toUpperCase()}. Change Start From or Start Value to start over.`,
			);
		}
		return domain;
	}

	/** Where the watermark column is in a result. */
	private columnIndex(result: StatementResult): number {
		const { name, typed } = this.settings.column;
		const index = result.rowType.findIndex((column) => column.name === name);
		if (index < 0) {
			const names = result.rowType.map((column) => column.name).join(', ');
			throw new SqlInputError(
				`The watermark column '${echoText(typed)}' (${echoText(name)}) is not among the columns of the result: ${echoText(names)}`,
			);
		}
		return index;
	}

	/** Runs a row query and reads each row's watermark value and key. */
	private async fetch(plan: SelectPlan, state: TriggerState): Promise<Fetched> {
		const result = await this.run(plan);
		if (result.rowType.length === 0) return { result, rows: [] };
		const index = this.columnIndex(result);
		const domain = this.domainOf(result.rowType[index], state);
		const keys = columnKeys(result.rowType);
		const cellKey = keys[index];
		const keyCells = this.settings.keyColumns.map((name) => {
			const at = result.rowType.findIndex((column) => column.name === name);
			if (at < 0) throw new SqlInputError(`The key column ${echoText(name)} is not among the columns of the result`);
			return keys[at];
		});
		const rows = result.rows.map((row) => {
			const shown = row[cellKey];
			const value = domain.canonical(shown);
			if (value === undefined) {
				throw new SqlInputError(`The watermark value ${echoText(JSON.stringify(shown) ?? String(shown))} of column ${echoText(this.settings.column.name)} cannot be read as ${domain.typeName}`);
			}
			const values = keyCells.length > 0 ? keyCells.map((key) => row[key]) : keys.map((key) => row[key]);
			return { row, value, key: rowKey(value, values), shown };
		});
		return { result, rows, domain };
	}

	private conditions(state: TriggerState, domain: WatermarkDomain | undefined): { conditions: Condition[]; low?: Binding } {
		const conditions: Condition[] = [];
		if (state.start) conditions.push({ operator: '>=', binding: state.start });
		const bound = domain ? lowerBound(state, domain, this.settings.lookBack) : undefined;
		if (!bound || !domain) return { conditions };
		const low = domain.binding(bound.value);
		conditions.push({ operator: bound.inclusive ? '>=' : '>', binding: low });
		return { conditions, low };
	}

	private stateDomain(state: TriggerState): WatermarkDomain | undefined {
		return state.columnType === undefined ? undefined : watermarkDomain({ type: state.columnType });
	}

	/** One regular poll from `state`: the new rows and the state after them. */
	async next(state: TriggerState): Promise<{ rows: DecodedRow[]; state: TriggerState }> {
		const { conditions, low } = this.conditions(state, this.stateDomain(state));
		const fetched = await this.fetch(
			{
				source: this.settings.source,
				column: this.settings.column,
				watermark: low ?? state.start ?? state.initial,
				conditions,
				direction: 'ASC',
				limit: this.settings.limit + rememberedCount(state),
			},
			state,
		);
		if (!fetched.domain) return { rows: [], state };
		const typed = { ...state, columnType: state.columnType ?? fetched.result.rowType[this.columnIndex(fetched.result)].type };
		return takeNew(typed, fetched.rows, fetched.domain, this.settings.limit, this.settings.lookBack);
	}

	/** First activation with "now": the highest value and the rows present in the look-back window. */
	async activate(state: TriggerState): Promise<TriggerState> {
		const base = { source: this.settings.source, column: this.settings.column, watermark: state.initial, direction: 'DESC' as const, limit: 1 };
		const max = await this.run({ ...base, conditions: this.conditions(state, undefined).conditions, max: true });
		const cell = max.rowType.length > 0 ? max.rows[0]?.[columnKeys(max.rowType)[0]] : undefined;
		if (cell === null || cell === undefined) return state;
		const domain = this.domainOf(max.rowType[0], state);
		const value = domain.canonical(cell);
		if (value === undefined) throw new SqlInputError(`The highest watermark value ${echoText(String(cell))} cannot be read as ${domain.typeName}`);
		const typed: TriggerState = { ...state, columnType: max.rowType[0].type, watermark: value };
		const { conditions, low } = this.conditions(typed, domain);
		const present = await this.fetch(
			{ ...base, watermark: low, conditions, atMost: domain.binding(value), limit: MAX_REMEMBERED + 1 },
			typed,
		);
		return activate(typed, { value, shown: cell }, present.rows, domain);
	}

	/** The latest row (by watermark), for a test event when nothing is new. */
	async latest(state: TriggerState): Promise<DecodedRow[]> {
		const { low } = this.conditions(state, this.stateDomain(state));
		const result = await this.run({
			source: this.settings.source,
			column: this.settings.column,
			watermark: low ?? state.start ?? state.initial,
			conditions: state.start ? [{ operator: '>=', binding: state.start }] : [],
			direction: 'DESC',
			limit: 1,
		});
		return result.rows;
	}
}

function createState(context: IPollFunctions, settings: Settings): TriggerState {
	const state = newState(settings.signature);
	if (settings.startFrom === 'value') state.start = startBinding(context, settings, true);
	else if (settings.source.watermarks > 0) state.initial = startBinding(context, settings, false);
	return state;
}

function saveState(context: IPollFunctions, state: TriggerState): void {
	const data = context.getWorkflowStaticData('node');
	data.state = JSON.parse(JSON.stringify(state)) as IDataObject;
}

function logEvent(context: IPollFunctions, event: { type: string }): void {
	const { type, ...details } = event;
	context.logger.debug(`Snowflake SQL API: ${type}`, details);
}

/** A signal that cancels the statement when the engine's budget for this poll runs out. */
function budgetSignal(context: IPollFunctions): AbortSignal | undefined {
	if (typeof context.getPollBudgetMs !== 'function') return undefined;
	const budget = context.getPollBudgetMs();
	return Number.isFinite(budget) && budget > 0 ? AbortSignal.timeout(budget) : undefined;
}

function readChangesSettings(context: IPollFunctions): ChangesSettings {
	const locator = context.getNodeParameter('table', '') as LocatorValue | string;
	const value = typeof locator === 'string' ? locator : String(locator.value ?? '');
	const table = tableSource(value, typeof locator === 'string' ? 'name' : locator.mode).from;
	const options = context.getNodeParameter('options', {}) as TriggerOptions;
	const keyColumns = keyColumnNames(options.keyColumns);
	const startFrom = context.getNodeParameter('changesStartFrom', 'now') === 'timestamp' ? 'timestamp' : 'now';
	const raw = context.getNode().parameters;
	return {
		table,
		actions: changeActions(context.getNodeParameter('changeActions', ['insert', 'update', 'delete'])),
		limit: context.getNodeParameter('changesPerPoll', 1000) as number,
		keyColumns,
		startFrom,
		startTimestamp: startFrom === 'timestamp' ? context.getNodeParameter('startTimestamp', '') : undefined,
		enableChangeTracking: options.enableChangeTracking === true,
		options,
		signature: JSON.stringify(['changes', raw.table, startFrom, startFrom === 'timestamp' ? (raw.startTimestamp ?? '') : '', keyColumns]),
	};
}

function saveChangesState(context: IPollFunctions, state: ChangesState): void {
	const data = context.getWorkflowStaticData('node');
	data.changes = JSON.parse(JSON.stringify(state)) as IDataObject;
}

/** Trigger On → Changes in a Table (changes.ts). */
async function pollChanges(context: IPollFunctions, manual: boolean): Promise<INodeExecutionData[][] | null> {
	const settings = readChangesSettings(context);
	if (!Number.isSafeInteger(settings.limit) || settings.limit < 1 || settings.limit > MAX_CHANGES_PER_POLL) {
		throw new SqlInputError(`Max Changes per Poll must be a whole number from 1 to ${MAX_CHANGES_PER_POLL} (got ${settings.limit}); the rest of a window follows on the next polls.`);
	}
	const credential = await loadCredential(context);
	const runner = createClient(createN8nHttp(context, credential), credential.auth, (event) => logEvent(context, event));
	const runtime: OperationRuntime = { runner, credentials: credential.defaults, signal: manual ? undefined : budgetSignal(context) };
	const poller = new ChangesPoller(settings, async (statement, bindings) => {
		const request: StatementRequest = { statement, ...requestContext(context, settings.options, runtime) };
		if (bindings.length > 0) request.bindings = Object.fromEntries(bindings.map((binding, index) => [String(index + 1), { ...binding }]));
		context.logger.debug('Snowflake SQL API Trigger: statement', { statement, bindings: bindings.length });
		return await runtime.runner.execute(request, { signal: runtime.signal, decode: decodeOptions(settings.options) });
	});
	const stored = readChangesState(context.getWorkflowStaticData('node'), settings.signature);
	if (manual) {
		const state = stored ?? (settings.startFrom === 'timestamp' ? await poller.startAt() : undefined);
		const { items } = state ? await poller.next(state) : { items: [] };
		if (items.length > 0) return [context.helpers.returnJsonArray(items)];
		throw new NodeOperationError(context.getNode(), 'No changes yet', {
			description: state
				? `No change to the table was committed since ${state.positionShown}. Insert, update or delete a row, then fetch again.`
				: 'The trigger starts from now when activated: insert, update or delete a row after activation, or set Start From to a timestamp to fetch earlier changes.',
		});
	}
	if (!stored && settings.startFrom === 'now') {
		saveChangesState(context, await poller.activate());
		return null;
	}
	const { items, state } = await poller.next(stored ?? (await poller.startAt()));
	saveChangesState(context, state);
	return items.length > 0 ? [context.helpers.returnJsonArray(items)] : null;
}

export async function pollTrigger(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = this.getNode();
	const manual = this.getMode() === 'manual';
	if (this.getNodeParameter('mode', 'newRows') === 'changes') {
		try {
			return await pollChanges(this, manual);
		} catch (error) {
			throw toNodeError(node, error, 0);
		}
	}
	try {
		const settings = readSettings(this);
		const credential = await loadCredential(this);
		const runner = createClient(createN8nHttp(this, credential), credential.auth, (event) => logEvent(this, event));
		const poller = new Poller(this, settings, { runner, credentials: credential.defaults, signal: manual ? undefined : budgetSignal(this) });
		const stored = readState(this.getWorkflowStaticData('node'), settings.signature);
		if (manual) {
			const state = stored ?? createState(this, settings);
			if (stored || settings.startFrom === 'value') {
				const { rows } = await poller.next(state);
				if (rows.length > 0) return [this.helpers.returnJsonArray(rows as IDataObject[])];
			}
			const latest = await poller.latest(state);
			if (latest.length > 0) return [this.helpers.returnJsonArray(latest as IDataObject[])];
			throw new NodeOperationError(node, 'No rows found', {
				description: `The ${settings.mode === 'customQuery' ? 'query' : 'table'} has no rows with a value in the watermark column${settings.startFrom === 'value' ? ' at or above the Start Value' : ''} yet.`,
			});
		}
		if (!stored) {
			const state = createState(this, settings);
			if (settings.startFrom === 'now') {
				saveState(this, await poller.activate(state));
				return null;
			}
			const { rows, state: after } = await poller.next(state);
			saveState(this, after);
			return rows.length > 0 ? [this.helpers.returnJsonArray(rows as IDataObject[])] : null;
		}
		const { rows, state } = await poller.next(stored);
		saveState(this, state);
		return rows.length > 0 ? [this.helpers.returnJsonArray(rows as IDataObject[])] : null;
	} catch (error) {
		throw toNodeError(node, error, 0);
	}
}
