/**
 * Fault injection: scripted rules a test adds, and a seeded random mode. Every random choice comes from one
 * seeded generator and requests are matched in arrival order, so a run with the same seed and the same
 * request sequence injects the same faults (replay a failure with the seed printed in the log).
 */

/** Where a fault may strike. `partition` is a GET with `partition` ≥ 1; `status` every other GET. */
export type FaultRoute = 'submit' | 'status' | 'partition' | 'cancel';

export type FaultKind =
	/** 429 `390505` "Too many requests."; with `Retry-After` when `retryAfterSeconds` is set. */
	| 'http429'
	| 'http500'
	| 'http502'
	| 'http503'
	| 'http504'
	/** The connection is destroyed before the request is handled: the statement never runs. */
	| 'resetBeforeRun'
	/** The request is handled in full (a submit waits for its statement to finish), then the connection is destroyed. */
	| 'resetAfterCommit'
	/** The response is held back `delayMs` before it is written. */
	| 'slow'
	/** A gzip body cut in half, with a Content-Length that matches the cut (only where the body is gzip). */
	| 'truncatedGzip'
	/** 401 `390198` for a token that is still valid: what a client sees when its cached token ages out. */
	| 'tokenExpired';

export const FAULT_KINDS: readonly FaultKind[] = [
	'http429',
	'http500',
	'http502',
	'http503',
	'http504',
	'resetBeforeRun',
	'resetAfterCommit',
	'slow',
	'truncatedGzip',
	'tokenExpired',
];

export interface FaultRule {
	/** Default 'any'. */
	route?: FaultRoute | 'any';
	kind: FaultKind;
	/** How many times the rule fires; default 1, `Infinity` for every matching request. */
	times?: number;
	/** Chance (seeded) that a matching request is hit; default 1. */
	probability?: number;
	/** Matching requests to let through before the rule starts firing; default 0. */
	skip?: number;
	/** http429 only: the `Retry-After` header in seconds; absent → no header. */
	retryAfterSeconds?: number;
	/** slow only; default 1000. */
	delayMs?: number;
}

export interface RandomFaults {
	/** Chance per request, 0..1. */
	rate: number;
	/** Reseeds the generator; default: keep the current one. */
	seed?: number;
	/** Default: every kind (each only where it applies). */
	kinds?: FaultKind[];
	routes?: FaultRoute[];
	/** slow in random mode; default 200. */
	delayMs?: number;
}

/** What the server acts on. */
export interface Fault {
	kind: FaultKind;
	retryAfterSeconds?: number;
	delayMs?: number;
}

export interface InjectedFault extends Fault {
	/** Position of the request among those the injector was asked about (1-based). */
	request: number;
	route: FaultRoute;
	path: string;
	/** Index of the scripted rule (in `add` order), or 'random'. */
	source: number | 'random';
}

interface ActiveRule extends FaultRule {
	fired: number;
	seen: number;
}

/** mulberry32: tiny, fast, and the same sequence on every platform for a given seed. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function applies(kind: FaultKind, gzipBody: boolean): boolean {
	return kind !== 'truncatedGzip' || gzipBody;
}

export class FaultInjector {
	readonly log: InjectedFault[] = [];
	private rules: ActiveRule[] = [];
	private randomMode: RandomFaults | undefined;
	private random: () => number;
	private requests = 0;

	constructor(private currentSeed = 1) {
		this.random = seededRandom(currentSeed);
	}

	get seed(): number {
		return this.currentSeed;
	}

	/** Restarts the generator (and the request count the log refers to). */
	reseed(seed: number): this {
		this.currentSeed = seed;
		this.random = seededRandom(seed);
		this.requests = 0;
		return this;
	}

	add(rule: FaultRule): this {
		if (rule.kind === 'http429' || rule.retryAfterSeconds === undefined) {
			this.rules.push({ ...rule, fired: 0, seen: 0 });
			return this;
		}
		throw new Error('retryAfterSeconds only applies to http429');
	}

	/** Seeded random mode across kinds; `rate` 0 turns it off. */
	randomize(options: RandomFaults): this {
		if (options.seed !== undefined) this.reseed(options.seed);
		this.randomMode = options.rate > 0 ? options : undefined;
		return this;
	}

	/** Removes every rule, the random mode and the log, and restarts the request count. */
	clear(): void {
		this.rules = [];
		this.randomMode = undefined;
		this.log.length = 0;
		this.requests = 0;
	}

	/** Rules not yet used up. */
	get pending(): number {
		return this.rules.filter((rule) => rule.fired < (rule.times ?? 1)).length;
	}

	/** Decides the fault (if any) for one request; scripted rules first, in the order they were added. */
	pick(route: FaultRoute, path: string, gzipBody: boolean): Fault | undefined {
		this.requests++;
		for (const [index, rule] of this.rules.entries()) {
			if (rule.fired >= (rule.times ?? 1)) continue;
			if ((rule.route ?? 'any') !== 'any' && rule.route !== route) continue;
			if (!applies(rule.kind, gzipBody)) continue;
			rule.seen++;
			if (rule.seen <= (rule.skip ?? 0)) continue;
			if (this.random() >= (rule.probability ?? 1)) continue;
			rule.fired++;
			const fault: Fault = { kind: rule.kind };
			if (rule.retryAfterSeconds !== undefined) fault.retryAfterSeconds = rule.retryAfterSeconds;
			if (rule.kind === 'slow') fault.delayMs = rule.delayMs ?? 1000;
			return this.record(fault, route, path, index);
		}
		const mode = this.randomMode;
		if (!mode || (mode.routes && !mode.routes.includes(route))) return undefined;
		if (this.random() >= mode.rate) return undefined;
		const kinds = (mode.kinds ?? FAULT_KINDS).filter((kind) => applies(kind, gzipBody));
		if (kinds.length === 0) return undefined;
		const kind = kinds[Math.floor(this.random() * kinds.length)];
		const fault: Fault = { kind };
		if (kind === 'http429' && this.random() < 0.5) fault.retryAfterSeconds = 1;
		if (kind === 'slow') fault.delayMs = mode.delayMs ?? 200;
		return this.record(fault, route, path, 'random');
	}

	private record(fault: Fault, route: FaultRoute, path: string, source: number | 'random'): Fault {
		this.log.push({ ...fault, request: this.requests, route, path, source });
		return fault;
	}
}

/** The CLI's `--faults seed:rate` (e.g. `42:0.1`). */
export function parseFaultSpec(text: string): { seed: number; rate: number } {
	const match = /^(\d+):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(text.trim());
	if (!match) throw new Error(`--faults expects seed:rate, e.g. 42:0.1 (got "${text}")`);
	return { seed: Number(match[1]), rate: Number(match[2]) };
}
