/**
 * For `vi.mock` of helpers/adapters: the module with `createClient` merging test overrides (a simulated
 * clock, seeded jitter, short deadlines…) into every client the node builds, read when the client is built.
 */
type Adapters = typeof import('../../nodes/SnowflakeSqlApi/helpers/adapters');

export function withClientOverrides(actual: Adapters, overrides: () => Record<string, unknown>): Adapters {
	return {
		...actual,
		createClient: (...args: Parameters<Adapters['createClient']>) => {
			const [http, credentials, onEvent, own] = args;
			return actual.createClient(http, credentials, onEvent, { ...own, ...overrides() } as typeof own);
		},
	};
}
