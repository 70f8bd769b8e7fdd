import { describe, expect, it } from 'vitest';

import { FaultInjector, parseFaultSpec, type FaultRoute } from './faults';

const ROUTES: FaultRoute[] = ['submit', 'status', 'partition', 'cancel'];

/** The kinds a fixed request sequence gets from an injector. */
function sequence(injector: FaultInjector, requests = 40): Array<string | undefined> {
	return Array.from({ length: requests }, (_, i) => injector.pick(ROUTES[i % 4], `/r${i}`, i % 4 === 2)?.kind);
}

describe('FaultInjector', () => {
	it('injects the same faults for the same seed and request sequence', () => {
		const first = sequence(new FaultInjector().randomize({ seed: 9, rate: 0.5 }));
		expect(sequence(new FaultInjector().randomize({ seed: 9, rate: 0.5 }))).toEqual(first);
		expect(sequence(new FaultInjector().randomize({ seed: 10, rate: 0.5 }))).not.toEqual(first);
		expect(first.filter(Boolean).length).toBeGreaterThan(5);
	});

	it('applies probability from the seeded generator, repeatably', () => {
		const run = () => sequence(new FaultInjector(3).add({ kind: 'http500', probability: 0.3, times: Infinity }));
		const first = run();
		expect(run()).toEqual(first);
		expect(new Set(first)).toEqual(new Set(['http500', undefined]));
	});

	it('gives truncatedGzip only to gzip bodies, and does not use up the rule elsewhere', () => {
		const injector = new FaultInjector().add({ kind: 'truncatedGzip' });
		expect(injector.pick('status', '/s', false)).toBeUndefined();
		expect(injector.pending).toBe(1);
		expect(injector.pick('partition', '/p', true)).toEqual({ kind: 'truncatedGzip' });
		expect(injector.pending).toBe(0);
	});

	it('logs what it injected, and clear() forgets rules, random mode and log', () => {
		const injector = new FaultInjector().add({ route: 'cancel', kind: 'slow', delayMs: 5 }).randomize({ rate: 1, kinds: ['http502'] });
		injector.pick('submit', '/a', false);
		injector.pick('cancel', '/b', false);
		expect(injector.log).toEqual([
			{ kind: 'http502', request: 1, route: 'submit', path: '/a', source: 'random' },
			{ kind: 'slow', delayMs: 5, request: 2, route: 'cancel', path: '/b', source: 0 },
		]);
		injector.clear();
		expect(injector.log).toEqual([]);
		expect(injector.pick('cancel', '/c', false)).toBeUndefined();
	});

	it('refuses Retry-After on anything but http429', () => {
		expect(() => new FaultInjector().add({ kind: 'http503', retryAfterSeconds: 1 })).toThrow(/http429/);
	});
});

describe('parseFaultSpec', () => {
	it('reads seed:rate', () => {
		expect(parseFaultSpec('42:0.1')).toEqual({ seed: 42, rate: 0.1 });
		expect(parseFaultSpec('7:1')).toEqual({ seed: 7, rate: 1 });
	});

	it('refuses anything else', () => {
		for (const text of ['42', '0.1', 'a:0.1', '1:2', '1:-0.1']) expect(() => parseFaultSpec(text)).toThrow(/seed:rate/);
	});
});
