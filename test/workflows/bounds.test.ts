/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- test-only code, never shipped; measured numbers are printed */
/**
 * Bounded responses through n8n-core's real request helpers, the recording proxy answering the hostile
 * part itself: a gzip bomb on a partition (a clear error, not retried, heap growth bounded), 100,000
 * empty partitions (not fetched), 10,000 and 40,000 columns of one name (keyed, or refused clearly), and
 * a server dripping its answer a byte at a time against the total deadline per request (injected short
 * here, 5 minutes by default, 30 s in the credential test). No wall-clock assertion.
 */
import { createGzip } from 'node:zlib';
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialTestFunctions, IDataObject, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { SnowflakeSqlApi } from '../../nodes/SnowflakeSqlApi/SnowflakeSqlApi.node.js';
import { runWorkflow, snowflakeWorkflow } from './harness';
import type { ProxyAnswer, RecordedRequest } from './recordingProxy';
import { useEmulator } from './setup';

const injected: { overrides: Record<string, unknown> } = { overrides: {} };

vi.mock('../../nodes/SnowflakeSqlApi/helpers/adapters', async (importOriginal) =>
	(await import('../helpers/clientOverrides')).withClientOverrides(await importOriginal(), () => injected.overrides),
);

const env = useEmulator({ syncWaitMs: 50, partitionRows: 2 });
const node = new SnowflakeSqlApi();
const HANDLE = '01b2c3d4-0000-1111-0000-00000000abcd';
const MIB = 1024 * 1024;
const measured: string[] = [];

afterEach(() => {
	injected.overrides = {};
});

async function execute(parameters: IDataObject) {
	return await runWorkflow(snowflakeWorkflow(parameters, { items: [{ id: 1 }] }), env.credentials());
}

const isPartition = (request: RecordedRequest) => request.method === 'GET' && request.query.partition !== undefined;
const isSubmit = (request: RecordedRequest) => request.method === 'POST' && request.path === '/api/v2/statements';

/** A 200 ResultSet for the submit, answered by the proxy itself. */
function resultSet(rowType: unknown[], data: unknown[][], partitionInfo: unknown[], numRows = data.length): ProxyAnswer {
	return {
		status: 200,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			resultSetMetaData: { numRows, format: 'jsonv2', rowType, partitionInfo },
			data,
			code: '090001',
			sqlState: '00000',
			message: 'Statement executed successfully.',
			statementHandle: HANDLE,
		}),
	};
}

/** `size` bytes of zeros gzipped in 1 MB steps (the bomb itself is about 1 MB). */
async function gzipBomb(size: number): Promise<Buffer> {
	const gzip = createGzip({ level: 9 });
	const chunks: Buffer[] = [];
	gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
	const done = new Promise((resolve) => gzip.on('end', resolve));
	const zeros = Buffer.alloc(MIB);
	for (let written = 0; written < size; written += MIB) {
		if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
	}
	gzip.end();
	await done;
	return Buffer.concat(chunks);
}

const heapNow = () => {
	const usage = process.memoryUsage();
	return usage.heapUsed + usage.arrayBuffers;
};

let bomb: Buffer;
beforeAll(async () => {
	bomb = await gzipBomb(1024 * MIB);
});

describe('bounded responses through n8n-core', () => {
	it('a gzip bomb on a partition (1 MB → 1 GB): a clear error, not retried, heap growth bounded', async () => {
		env.proxy.respond = (request) =>
			isPartition(request)
				? { status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb }
				: undefined;
		global.gc?.();
		const before = heapNow();
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, heapNow())), 2);
		const result = await execute({ operation: 'executeQuery', query: 'SELECT 1 AS N UNION ALL SELECT 2 UNION ALL SELECT 3' });
		clearInterval(sampler);
		peak = Math.max(peak, heapNow());
		const growthMb = (peak - before) / MIB;
		measured.push(`gzip bomb (${(bomb.length / MIB).toFixed(2)} MB → 1024 MB): peak heap+arrayBuffers growth ${growthMb.toFixed(1)} MB`);
		expect(result.run.status).toBe('error');
		expect(result.error()?.message).toMatch(
			/^Unexpected response from Snowflake: the response to GET \/api\/v2\/statements\/[\w-]+\?partition=1 is larger than \d+ bytes \(decompressed\), so it was stopped there and not retried\./,
		);
		expect(env.proxy.requests.filter(isPartition)).toHaveLength(1);
		expect(growthMb).toBeLessThan(200);
	});

	it('100,000 empty partitions: the rows of the others, and no request for the empty ones', async () => {
		const partitionInfo = Array.from({ length: 100_000 }, (_, i) => ({ rowCount: i === 0 ? 1 : 0, uncompressedSize: i === 0 ? 5 : 0 }));
		env.proxy.respond = (request) =>
			isSubmit(request) ? resultSet([{ name: 'N', type: 'fixed', scale: 0, precision: 38, nullable: false }], [['1']], partitionInfo) : undefined;
		const result = await execute({ operation: 'executeQuery', query: 'SELECT 1 AS N' });
		expect(result.run.status).toBe('success');
		expect(result.output('Success').map((item) => item.json)).toEqual([expect.objectContaining({ N: 1 })]);
		expect(env.proxy.requests.filter(isPartition)).toEqual([]);
	});

	it('10,000 columns of one name are keyed N, N_2 … N_10000; 40,000 are refused with a clear error', async () => {
		const columns = (count: number) => Array.from({ length: count }, () => ({ name: 'N', type: 'text', nullable: true }));
		env.proxy.respond = (request) =>
			isSubmit(request) ? resultSet(columns(10_000), [Array.from({ length: 10_000 }, (_, i) => String(i))], [{ rowCount: 1 }]) : undefined;
		const wide = await execute({ operation: 'executeQuery', query: 'SELECT 1' });
		expect(wide.run.status).toBe('success');
		const row = wide.output('Success')[0].json;
		expect(row.N).toBe('0');
		expect(row.N_10000).toBe('9999');

		env.proxy.respond = (request) =>
			isSubmit(request) ? resultSet(columns(40_000), [Array.from({ length: 40_000 }, () => 'x')], [{ rowCount: 1 }]) : undefined;
		const wider = await execute({ operation: 'executeQuery', query: 'SELECT 1' });
		expect(wider.run.status).toBe('error');
		expect(wider.error()?.message).toBe(
			'Unexpected response from Snowflake: the result has 40000 columns, more than the 10000 this node reads. Select fewer columns (name them instead of SELECT *).',
		);
	});

	describe('a server dripping its answer never holds a run past the total deadline', () => {
		const dripping: Array<() => void> = [];
		afterEach(() => {
			for (const stop of dripping.splice(0)) stop();
		});
		/** Answers the submit with a 200 whose body arrives one space every 20 ms, forever (idle timeouts never trip). */
		const drip = (): ProxyAnswer => ({
			write: (response) => {
				response.writeHead(200, { 'content-type': 'application/json' });
				const timer = setInterval(() => response.write(' '), 20);
				const stop = () => clearInterval(timer);
				dripping.push(stop);
				response.on('close', stop);
			},
		});

		it('in a node run: a timeout error after one attempt', async () => {
			injected.overrides = { requestDeadlineMs: 500, retry: { limit: 0 } };
			env.proxy.respond = (request) => (isSubmit(request) ? drip() : undefined);
			const result = await execute({ operation: 'executeQuery', query: 'SELECT 1' });
			expect(result.run.status).toBe('error');
			expect(JSON.stringify(result.error())).toContain('The request took longer than its total limit of 1 s and was stopped.');
			expect(env.proxy.requests.filter(isSubmit)).toHaveLength(1);
		});

		it('in the credential test: a clear failure instead of waiting forever', async () => {
			injected.overrides = { requestDeadlineMs: 500 };
			env.proxy.respond = (request) => (isSubmit(request) ? drip() : undefined);
			const context = new CredentialTestContext({} as IWorkflowExecuteAdditionalData) as unknown as ICredentialTestFunctions;
			const outcome = await node.methods.credentialTest.snowflakeConnectionTest.call(context, {
				id: 'credential-1',
				name: 'Snowflake',
				type: 'snowflakeKeyPairApi',
				data: env.credentials(),
			});
			expect(outcome.status).toBe('Error');
			expect(outcome.message).toContain('The request took longer than its total limit of 1 s and was stopped.');
		});
	});

	it('prints the measurements', () => {
		console.log(measured.join('\n'));
	});
});
