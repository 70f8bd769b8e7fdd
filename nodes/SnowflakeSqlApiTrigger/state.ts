/**
 * What the trigger remembers between polls (the workflow's static data for the node) and the pure
 * steps of a poll: the lower bound to read from, which fetched rows are new, and the state after.
 *
 * Exactly once across polls:
 * - Each poll reads the rows at or above `bound = max(floor, watermark - lookBack)`, sorted by the
 *   watermark column, and remembers (in `seen`) a key of every row it emitted whose value is still at
 *   or above the bound of the next poll. A fetched row whose key is remembered is skipped, so rows
 *   equal to the watermark (ties), rows cut off by the per-poll limit and late rows below the
 *   watermark but inside the look-back are each emitted once.
 * - The key is a hash of the watermark value and the row's values (or its Key Columns). Equal rows
 *   are counted, so two identical rows are both emitted, once each.
 * - A poll fetches `limit + remembered` rows: at most `remembered` of them are skipped, so either
 *   `limit` new rows are found or the whole window was read. Every row not fetched sorts at or above
 *   the last fetched one, which the next poll still reads.
 * - At activation with "now", the rows present in the window count as emitted.
 * - The remembered keys are capped: past MAX_REMEMBERED the lowest values are forgotten and the floor
 *   rises above them, so nothing is emitted twice, but rows arriving late below the new floor are
 *   missed. Keys at the watermark itself are never forgotten.
 */
import { createHash } from 'node:crypto';

import type { Binding } from '../SnowflakeSqlApi/transport';
import type { WatermarkDomain } from './watermark';

const STATE_VERSION = 1;
/** Remembered row keys beyond which the lowest values are forgotten (the floor rises). */
export const MAX_REMEMBERED = 10_000;

interface Bound {
	/** Canonical text of the value. */
	value: string;
	/** Whether rows equal to the value are read. */
	inclusive: boolean;
}

export interface TriggerState {
	version: number;
	/** The trigger settings the state belongs to; other settings start over. */
	signature: string;
	/** The start value as bound at the first activation (Start From: a start value). */
	start?: Binding;
	/** A custom query started "now": what :watermark is bound to while no row has been seen. */
	initial?: Binding;
	/** The watermark column's Snowflake type, once a value was read. */
	columnType?: string;
	/** Canonical text of the highest value emitted (or present at activation). */
	watermark?: string;
	/** The highest emitted value as the node output it, for people reading the static data. */
	watermarkShown?: string | number | boolean | null;
	/** Rows below it (or at it, when not inclusive) are never read again. */
	floor?: Bound;
	/** Keys of the remembered rows, by canonical watermark value; a key twice means two equal rows. */
	seen: Record<string, string[]>;
}

export function newState(signature: string): TriggerState {
	return { version: STATE_VERSION, signature, seen: {} };
}

/** The state in static data when it belongs to these settings, else undefined. */
export function readState(data: Record<string, unknown>, signature: string): TriggerState | undefined {
	const state = data.state as TriggerState | undefined;
	if (!state || typeof state !== 'object' || state.version !== STATE_VERSION || state.signature !== signature) return undefined;
	return { ...state, seen: { ...(state.seen ?? {}) } };
}

/** The higher of two lower bounds (at equal values, the exclusive one). */
function higherBound(domain: WatermarkDomain, a: Bound | undefined, b: Bound | undefined): Bound | undefined {
	if (!a || !b) return a ?? b;
	const order = domain.compare(a.value, b.value);
	if (order !== 0) return order > 0 ? a : b;
	return { value: a.value, inclusive: a.inclusive && b.inclusive };
}

/** The lowest value the next poll reads: the watermark less the look-back, never under the floor. */
export function lowerBound(state: TriggerState, domain: WatermarkDomain, lookBack: number): Bound | undefined {
	const back =
		state.watermark === undefined
			? undefined
			: { value: lookBack > 0 ? (domain.minus(state.watermark, lookBack) ?? state.watermark) : state.watermark, inclusive: true };
	return higherBound(domain, back, state.floor);
}

function within(domain: WatermarkDomain, value: string, bound: Bound | undefined): boolean {
	if (!bound) return true;
	const order = domain.compare(value, bound.value);
	return order > 0 || (order === 0 && bound.inclusive);
}

export function rememberedCount(state: TriggerState): number {
	return Object.values(state.seen).reduce((total, keys) => total + keys.length, 0);
}

/** A row's key: its watermark value and its values (all, or the key columns), hashed. */
export function rowKey(canonical: string, values: unknown[]): string {
	return createHash('sha256').update(JSON.stringify([canonical, values])).digest('base64').slice(0, 22);
}

export interface FetchedRow<T> {
	row: T;
	/** Canonical watermark value. */
	value: string;
	key: string;
	/** The watermark cell as decoded, kept as `watermarkShown`. */
	shown: unknown;
}

function shownValue(value: unknown): TriggerState['watermarkShown'] {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : JSON.stringify(value);
}

/**
 * The rows to emit from a fetch (sorted by watermark) and the state after them: remembered rows are
 * skipped (each key as often as it is remembered), at most `limit` rows are taken.
 */
export function takeNew<T>(
	state: TriggerState,
	fetched: ReadonlyArray<FetchedRow<T>>,
	domain: WatermarkDomain,
	limit: number,
	lookBack: number,
): { rows: T[]; state: TriggerState } {
	const budget = new Map<string, number>();
	for (const keys of Object.values(state.seen)) for (const key of keys) budget.set(key, (budget.get(key) ?? 0) + 1);
	const seen: Record<string, string[]> = {};
	for (const [value, keys] of Object.entries(state.seen)) seen[value] = [...keys];
	const rows: T[] = [];
	let watermark = state.watermark;
	let shown = state.watermarkShown;
	for (const entry of fetched) {
		const left = budget.get(entry.key) ?? 0;
		if (left > 0) {
			budget.set(entry.key, left - 1);
			continue;
		}
		if (rows.length >= limit) break;
		rows.push(entry.row);
		(seen[entry.value] ??= []).push(entry.key);
		if (watermark === undefined || domain.compare(entry.value, watermark) > 0) {
			watermark = entry.value;
			shown = shownValue(entry.shown);
		}
	}
	return { rows, state: forget({ ...state, watermark, watermarkShown: shown, seen }, domain, lookBack) };
}

/** Drops the keys below the next poll's bound, then the lowest values past MAX_REMEMBERED. */
function forget(state: TriggerState, domain: WatermarkDomain, lookBack: number, max = MAX_REMEMBERED): TriggerState {
	const bound = lowerBound(state, domain, lookBack);
	const values = Object.keys(state.seen)
		.filter((value) => within(domain, value, bound))
		.sort((a, b) => domain.compare(a, b));
	const seen: Record<string, string[]> = {};
	for (const value of values) seen[value] = state.seen[value];
	let total = values.reduce((sum, value) => sum + seen[value].length, 0);
	let floor = state.floor;
	for (const value of values) {
		if (total <= max || (state.watermark !== undefined && domain.compare(value, state.watermark) >= 0)) break;
		total -= seen[value].length;
		delete seen[value];
		floor = higherBound(domain, floor, { value, inclusive: false });
	}
	return { ...state, floor, seen };
}

/**
 * The state after activation with "now": `watermark` is the highest value present, and `present` (the
 * rows in the window below it, highest first, at most `max + 1`) count as emitted. When more rows
 * than `max` are present, the floor rises above the lowest value kept in part.
 */
export function activate(
	state: TriggerState,
	watermark: { value: string; shown: unknown } | undefined,
	present: ReadonlyArray<Pick<FetchedRow<unknown>, 'value' | 'key'>>,
	domain: WatermarkDomain,
	max = MAX_REMEMBERED,
): TriggerState {
	if (!watermark) return { ...state, seen: {} };
	let kept = present;
	let floor = state.floor;
	if (present.length > max) {
		const cut = present[max].value;
		kept = present.slice(0, max).filter((entry) => domain.compare(entry.value, cut) !== 0);
		floor = higherBound(domain, floor, { value: cut, inclusive: false });
	}
	const seen: Record<string, string[]> = {};
	for (const entry of kept) (seen[entry.value] ??= []).push(entry.key);
	return { ...state, watermark: watermark.value, watermarkShown: shownValue(watermark.shown), floor, seen };
}
