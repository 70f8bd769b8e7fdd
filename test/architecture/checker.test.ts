/** The checker itself, on small in-memory packages: it must fail on each kind of violation it exists for. */
import { describe, expect, it } from 'vitest';

import { check } from './boundaries';

const NODE = 'nodes/Demo/Demo.node.ts';
const pkg = (files: Record<string, string>) => new Map(Object.entries({ [NODE]: "import { run } from './actions';\nexport class Demo { run = run; }\n", ...files }));

/** A clean package: the node enters actions/ through its index, actions/ uses transport/ through its index. */
const CLEAN = {
	'nodes/Demo/actions/index.ts': "export { run } from './run';\n",
	'nodes/Demo/actions/run.ts': "import { send } from '../transport';\nexport const run = () => send();\n",
	'nodes/Demo/transport/index.ts': "export { send } from './client';\n",
	'nodes/Demo/transport/client.ts': "import { randomUUID } from 'node:crypto';\nexport const send = () => randomUUID();\n",
};

describe('the boundaries checker', () => {
	it('finds nothing in a clean package', () => {
		expect(check(pkg(CLEAN), [NODE])).toEqual({ moduleCycles: [], folderCycles: [], reachIns: [], deadExports: [], forbiddenImports: [] });
	});

	it('finds a cycle between two modules, and between their folders', () => {
		const findings = check(
			pkg({
				...CLEAN,
				'nodes/Demo/transport/client.ts': "import { decode } from '../decoder';\nexport const send = () => decode();\n",
				'nodes/Demo/decoder/index.ts': "import { send } from '../transport';\nexport const decode = () => typeof send;\n",
			}),
			[NODE],
		);
		expect(findings.moduleCycles).toEqual([['nodes/Demo/decoder/index.ts', 'nodes/Demo/transport/client.ts', 'nodes/Demo/transport/index.ts']]);
		expect(findings.folderCycles).toEqual([['nodes/Demo/decoder', 'nodes/Demo/transport']]);
	});

	it('finds a folder cycle made of modules that form no cycle themselves', () => {
		const findings = check(
			pkg({
				...CLEAN,
				'nodes/Demo/transport/client.ts': "import type { Row } from '../decoder';\nexport const send = (): Row => ({});\n",
				'nodes/Demo/decoder/index.ts': "import type { Kind } from '../transport';\nexport type Row = { kind?: Kind };\n",
				'nodes/Demo/transport/index.ts': "export { send } from './client';\nexport type Kind = 'a';\n",
			}),
			[NODE],
		);
		expect(findings.moduleCycles).toHaveLength(1); // transport/index → client → decoder → transport/index
		expect(findings.folderCycles).toEqual([['nodes/Demo/decoder', 'nodes/Demo/transport']]);
	});

	it('accepts a subfolder using its parent folder\'s files (transport/auth → transport/errors)', () => {
		const findings = check(
			pkg({
				...CLEAN,
				'nodes/Demo/transport/index.ts': "export { send } from './client';\nexport { sign } from './auth';\n",
				'nodes/Demo/transport/errors.ts': 'export class DemoError extends Error {}\n',
				'nodes/Demo/transport/auth/index.ts': "import { DemoError } from '../errors';\nexport const sign = () => new DemoError();\n",
				'nodes/Demo/actions/run.ts': "import { send, sign } from '../transport';\nexport const run = () => [send(), sign()];\n",
			}),
			[NODE],
		);
		expect(findings).toMatchObject({ moduleCycles: [], folderCycles: [], reachIns: [] });
	});

	it('finds reach-ins past an index.ts, from product code and from tests, and two folders deep', () => {
		const findings = check(
			pkg({
				...CLEAN,
				'nodes/Demo/actions/run.ts': "import { send } from '../transport/client';\nexport const run = () => send();\n",
				'nodes/Demo/transport/auth/index.ts': 'export const sign = () => 1;\n',
				'nodes/Demo/transport/auth/keys.ts': 'export const key = 1;\n',
				'test/unit/client.test.ts': "import { send } from '../../nodes/Demo/transport/client';\nimport { sign } from '../../nodes/Demo/transport/auth';\nvi.mock('../../nodes/Demo/transport/auth/keys');\nsend(); sign();\n",
			}),
			[NODE],
		);
		expect(findings.reachIns).toEqual([
			{ from: 'nodes/Demo/actions/run.ts', to: 'nodes/Demo/transport/client.ts' },
			{ from: 'test/unit/client.test.ts', to: 'nodes/Demo/transport/client.ts' },
			{ from: 'test/unit/client.test.ts', to: 'nodes/Demo/transport/auth/index.ts' },
		]);
	});

	it('lets code enter actions/<resource>/ through its one *.resource.ts file', () => {
		const files = {
			...CLEAN,
			'nodes/Demo/actions/index.ts': "export { run } from './run';\nexport { description } from './item/Item.resource';\n",
			'nodes/Demo/actions/item/Item.resource.ts': "import { create } from './create.operation';\nexport const description = [create];\n",
			'nodes/Demo/actions/item/create.operation.ts': 'export const create = 1;\n',
		};
		expect(check(pkg(files), [NODE]).reachIns).toEqual([]);
		const reaching = { ...files, 'nodes/Demo/actions/run.ts': "import { create } from './item/create.operation';\nimport { send } from '../transport';\nexport const run = () => send() + create;\n" };
		expect(check(pkg(reaching), [NODE]).reachIns).toEqual([{ from: 'nodes/Demo/actions/run.ts', to: 'nodes/Demo/actions/item/create.operation.ts' }]);
	});

	it('finds dead exports, types included, following re-exports through index files', () => {
		const findings = check(
			pkg({
				...CLEAN,
				'nodes/Demo/transport/index.ts': "export { send, unused } from './client';\nexport type { Options } from './client';\n",
				'nodes/Demo/transport/client.ts': 'export const send = () => 1;\nexport const unused = 2;\nexport interface Options { a: number }\nexport const internal = 3;\n',
				'test/unit/client.test.ts': "import { unused, type Options } from '../../nodes/Demo/transport';\n", // tests do not keep exports alive
			}),
			[NODE],
		);
		expect(findings.deadExports).toEqual([
			{ module: 'nodes/Demo/transport/index.ts', name: 'unused' },
			{ module: 'nodes/Demo/transport/index.ts', name: 'Options' },
			{ module: 'nodes/Demo/transport/client.ts', name: 'unused' },
			{ module: 'nodes/Demo/transport/client.ts', name: 'Options' },
			{ module: 'nodes/Demo/transport/client.ts', name: 'internal' },
		]);
	});

	it('follows export * and export * as ns', () => {
		const findings = check(
			pkg({
				...CLEAN,
				[NODE]: "import { run, methods } from './actions';\nexport class Demo { run = run; methods = methods; }\n",
				'nodes/Demo/actions/index.ts': "export * from './run';\nexport * as methods from './methods';\n",
				'nodes/Demo/actions/methods.ts': 'export const search = 1;\n',
			}),
			[NODE],
		);
		expect(findings.deadExports).toEqual([]);
	});

	it('finds runtime imports of transport/ and decoder/ beyond node:crypto and their own files', () => {
		const findings = check(
			new Map(
				Object.entries({
					'nodes/SnowflakeSqlApi/transport/client.ts':
						"import { sleep } from 'n8n-workflow';\nimport { DateTime } from 'luxon';\nimport { randomUUID } from 'node:crypto';\nimport type { Row } from '../decoder';\nimport { decode } from '../decoder';\nexport const send = [sleep, DateTime, randomUUID, decode] as unknown as Row;\n",
					'nodes/SnowflakeSqlApi/decoder/index.ts': "import type { Kind } from '../transport/types';\nexport type Row = Kind;\nexport const decode = 1;\n",
					'nodes/SnowflakeSqlApi/transport/types.ts': 'export type Kind = 1;\n',
				}),
			),
			[],
		);
		expect(findings.forbiddenImports).toEqual([
			{ from: 'nodes/SnowflakeSqlApi/transport/client.ts', specifier: 'n8n-workflow', why: 'n8n-workflow' },
			{ from: 'nodes/SnowflakeSqlApi/transport/client.ts', specifier: 'luxon', why: 'runtime dependency' },
			{ from: 'nodes/SnowflakeSqlApi/transport/client.ts', specifier: '../decoder', why: 'transport/ takes runtime values from decoder/' },
			{ from: 'nodes/SnowflakeSqlApi/decoder/index.ts', specifier: '../transport/types', why: 'decoder/ imports transport/' },
		]);
	});
});
