/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Every importable workflow under examples/ runs as exported (pinned items on the Manual Trigger) and
 * each Snowflake node answers every item it received, paired, without an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runWorkflow, SNOWFLAKE_TYPE, type WorkflowJson } from './harness';
import { useEmulator } from './setup';

const env = useEmulator({ fakeEngine: true });
const directory = join(__dirname, '..', '..', 'examples');
const files = readdirSync(directory).filter((file) => file.endsWith('.json'));

describe('examples', () => {
	it('one example per operation', () => {
		const operations = new Set(
			files.flatMap((file) =>
				(JSON.parse(readFileSync(join(directory, file), 'utf8')) as WorkflowJson).nodes
					.filter((node) => node.type === SNOWFLAKE_TYPE)
					.map((node) => node.parameters.operation),
			),
		);
		expect([...operations].sort()).toEqual(['cancel', 'delete', 'executeQuery', 'getResults', 'insert', 'select', 'submitAsync', 'update', 'upsert']);
	});

	it.each(files)('%s runs', async (file) => {
		const workflow = JSON.parse(readFileSync(join(directory, file), 'utf8')) as WorkflowJson;
		const result = await runWorkflow(workflow, env.credentials());
		expect(result.run.status).toBe('success');
		for (const node of workflow.nodes.filter((candidate) => candidate.type === SNOWFLAKE_TYPE)) {
			const items = result.output(node.name);
			expect(items.length).toBeGreaterThan(0);
			for (const item of items) {
				expect(item.json.error).toBeUndefined();
				expect(item.pairedItem).toEqual({ item: expect.any(Number) });
			}
		}
	});
});
