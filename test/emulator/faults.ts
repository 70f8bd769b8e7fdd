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
	| 'tokenExpired'
	/**
	 * Submit only, scripted only (never drawn in random mode unless listed in `kinds`): the POST answers 202 at
	 * once and the statement starts only after the emulator's clock has advanced `holdMs` (default 65 minutes).
	 * With a simulated clock (`EmulatorOptions.clock`) no real hour passes: the client's polling moves time on.
	 */
	| 'longRunning';

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
	'longRunning',
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
	/** longRunning only: emulator-clock milliseconds before the statement starts; default 3_900_000 (65 minutes). */
	holdMs?: number;
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
	holdMs?: number;
}

/** What the server knows about a request beyond its route, for kinds that only apply to some requests. */
export interface PickContext {
	/**
	 * The request's token was first verified only a few requests ago (the server's FRESH_TOKEN_REQUESTS).
	 * Random mode never expires such a token (a token signed a moment ago cannot have aged out), so a client
	 * that re-signed is not refused again within the same retries; scripted rules still may.
	 */
	freshToken?: boolean;
}

/** Kinds random mode draws from when `kinds` is not given: all but longRunning, which must be placed on purpose. */
export const RANDOM_FAULT_KINDS: readonly FaultKind[] = FAULT_KINDS.filter((kind) => kind !== 'longRunning');

/** Default hold of a longRunning statement: 65 minutes, past a JWT's one-hour lifetime. */
export const DEFAULT_HOLD_MS = 65 * 60_000;

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
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function applies(kind: FaultKind, route: FaultRoute, gzipBody: boolean): boolean {
	if (kind === 'truncatedGzip') return gzipBody;
	if (kind === 'longRunning') return route === 'submit';
	return true;
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

	/** Adds a rule after the others, or before them with `first` (log `source` indexes then shift by one). */
	add(rule: FaultRule, position: 'last' | 'first' = 'last'): this {
		if (rule.kind === 'http429' || rule.retryAfterSeconds === undefined) {
			const active = { ...rule, fired: 0, seen: 0 };
			if (position === 'first') this.rules.unshift(active);
			else this.rules.push(active);
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

	/** Removes the scripted rules only (random mode, generator, log and request count stay). */
	clearRules(): this {
		this.rules = [];
		return this;
	}

	/** Rules not yet used up. */
	get pending(): number {
		return this.rules.filter((rule) => rule.fired < (rule.times ?? 1)).length;
	}

	/** Decides the fault (if any) for one request; scripted rules first, in the order they were added. */
	pick(route: FaultRoute, path: string, gzipBody: boolean, context: PickContext = {}): Fault | undefined {
		this.requests++;
		for (const [index, rule] of this.rules.entries()) {
			if (rule.fired >= (rule.times ?? 1)) continue;
			if ((rule.route ?? 'any') !== 'any' && rule.route !== route) continue;
			if (!applies(rule.kind, route, gzipBody)) continue;
			rule.seen++;
			if (rule.seen <= (rule.skip ?? 0)) continue;
			if (this.random() >= (rule.probability ?? 1)) continue;
			rule.fired++;
			const fault: Fault = { kind: rule.kind };
			if (rule.retryAfterSeconds !== undefined) fault.retryAfterSeconds = rule.retryAfterSeconds;
			if (rule.kind === 'slow') fault.delayMs = rule.delayMs ?? 1000;
			if (rule.kind === 'longRunning') fault.holdMs = rule.holdMs ?? DEFAULT_HOLD_MS;
			return this.record(fault, route, path, index);
		}
		const mode = this.randomMode;
		if (!mode || (mode.routes && !mode.routes.includes(route))) return undefined;
		if (this.random() >= mode.rate) return undefined;
		const kinds = (mode.kinds ?? RANDOM_FAULT_KINDS).filter(
			(kind) => applies(kind, route, gzipBody) && !(kind === 'tokenExpired' && context.freshToken),
		);
		if (kinds.length === 0) return undefined;
		const kind = kinds[Math.floor(this.random() * kinds.length)];
		const fault: Fault = { kind };
		if (kind === 'http429' && this.random() < 0.5) fault.retryAfterSeconds = 1;
		if (kind === 'slow') fault.delayMs = mode.delayMs ?? 200;
		if (kind === 'longRunning') fault.holdMs = DEFAULT_HOLD_MS;
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
