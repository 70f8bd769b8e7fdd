import { describe, expect, it } from 'vitest';

import type { HttpRequest, HttpResponse } from '../../../nodes/SnowflakeSqlApi/transport';
import { harness, json, later, numberRows, partition, resultSet, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';

/** A result of `counts` rows per partition; partition N answers after `delays[N]` event-loop turns. */
function partitionedResult(counts: number[], delays: number[] = counts.map(() => 1), concurrency?: number) {
	const h = harness({ partitionConcurrency: concurrency });
	h.fake.on('POST', SUBMIT, [resultSet(counts)]);
	for (let i = 1; i < counts.length; i++) h.fake.on('GET', statementPath(), [later(partition(counts, i), delays[i])], i);
	return h;
}

const numbers = (count: number) => numberRows(1, count).map(([n]) => ({ N: Number(n) }));

describe('partitions', () => {
	it('fetches every partition once, with bounded concurrency, and returns rows in partition order', async () => {
		const counts = [3, 4, 5, 2, 6, 1, 3, 4, 2, 5];
		// Later partitions answer first, so completion order is the reverse of partition order.
		const { fake, client } = partitionedResult(counts, [0, 9, 8, 7, 6, 5, 4, 3, 2, 1], 3);
		const result = await client.execute({ statement: 'select n' });
		expect(result.rows).toEqual(numbers(35));
		expect(result).toMatchObject({ numRows: 35, partitionCount: 10, truncated: false });
		expect(fake.sent('GET', statementPath()).map((request) => request.qs?.partition).sort((a, b) => Number(a) - Number(b))).toEqual(
			['1', '2', '3', '4', '5', '6', '7', '8', '9'],
		);
		expect(fake.maxInFlight).toBe(3);
	});

	it('uses 4 partitions at once by default', async () => {
		const counts = Array.from({ length: 12 }, () => 2);
		const { fake, client } = partitionedResult(counts);
		await expect(client.execute({ statement: 'select n' })).resolves.toMatchObject({ numRows: 24 });
		expect(fake.maxInFlight).toBe(4);
	});

	it('decodes every partition with the rowType of the first response', async () => {
		const { fake, client } = harness();
		const rowType = [
			{ name: 'D', type: 'date' },
			{ name: 'V', type: 'variant' },
		];
		fake.on('POST', SUBMIT, [
			json(200, {
				resultSetMetaData: { numRows: 2, format: 'jsonv2', rowType, partitionInfo: [{ rowCount: 1 }, { rowCount: 1 }] },
				data: [['0', '{"a":1}']],
				code: '090001',
				message: 'Statement executed successfully.',
				statementHandle: 'h',
			}),
		]);
		fake.on('GET', statementPath('h'), [json(200, { data: [['-1', '[NaN]'] ] })], 1);
		await expect(client.execute({ statement: 'select d, v' })).resolves.toMatchObject({
			rows: [
				{ D: '1970-01-01', V: { a: 1 } },
				{ D: '1969-12-31', V: ['NaN'] },
			],
		});
	});

	it('fails when a partition holds fewer rows than partitionInfo announced, instead of truncating silently', async () => {
		const counts = [2, 3, 2];
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		fake.on('GET', statementPath(), [partition(counts, 1)], 1);
		fake.on('GET', statementPath(), [json(200, { data: numberRows(6, 1) })], 2);
		const error = await client.execute({ statement: 'select n' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('protocol'));
		expect((error as Error).message).toBe(
			'Unexpected response from Snowflake: partition 2 holds 1 rows but partitionInfo says 2; the result would be incomplete.',
		);
	});

	it('fails before fetching anything when numRows disagrees with partitionInfo', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [
			resultSet([2, 2], { resultSetMetaData: { numRows: 5, format: 'jsonv2', rowType: [{ name: 'N', type: 'fixed', scale: 0 }], partitionInfo: [{ rowCount: 2 }, { rowCount: 2 }] } }),
		]);
		await expect(client.execute({ statement: 'select n' })).rejects.toThrow('numRows is 5 but the partitions hold 4 rows.');
		expect(fake.requests).toHaveLength(1);
	});

	it('fails when partition 0 does not hold the rows partitionInfo[0] announces', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([3], { data: numberRows(1, 2) })]);
		await expect(client.execute({ statement: 'select n' })).rejects.toThrow(/partition 0 holds 2 rows but partitionInfo\[0\]\.rowCount says 3/);
	});

	it('retries a partition whose body is not JSON (cut off in transit), and reports it when it stays so', async () => {
		const garbage = { status: 200, headers: {}, body: '{"data":[["2"],["3' };
		const { fake, client, events } = harness({ retry: { limit: 1 } });
		fake.on('POST', SUBMIT, [resultSet([1, 1], {}, 'a'), resultSet([1, 1], {}, 'b')]);
		fake.on('GET', statementPath('a'), [garbage, json(200, { data: [['2']] })], 1);
		fake.on('GET', statementPath('b'), [garbage], 1);
		await expect(client.execute({ statement: 'select n' })).resolves.toMatchObject({ rows: [{ N: 1 }, { N: 2 }] });
		expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'corrupt response body' }));
		const error = await client.execute({ statement: 'select n' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('protocol'));
		expect((error as Error).message).toBe(
			'Unexpected response from Snowflake: the body of a 200 response to GET /api/v2/statements/b?partition=1 is not JSON (cut off in transit?).',
		);
		expect(fake.sent('GET', statementPath('b'))).toHaveLength(2);
	});

	it('decodes partitions from their bytes; a body outside the canonical form gives the same rows, one that is not JSON is retried', async () => {
		const rowType = [
			{ name: 'N', type: 'fixed', scale: 0 },
			{ name: 'T', type: 'timestamp_tz', scale: 3 },
			{ name: 'V', type: 'variant' },
		];
		const { fake, client, events } = harness({ retry: { limit: 1 } });
		fake.on('POST', SUBMIT, [
			json(200, {
				resultSetMetaData: { numRows: 4, format: 'jsonv2', rowType, partitionInfo: [{ rowCount: 1 }, { rowCount: 1 }, { rowCount: 1 }, { rowCount: 1 }] },
				data: [['1', '0.000 1440', null]],
				code: '090001',
				message: 'Statement executed successfully.',
				statementHandle: 'h',
			}),
		]);
		const bytes = (text: string): HttpResponse => ({ status: 200, headers: {}, body: new TextEncoder().encode(text) });
		// canonical, as bytes: read without JSON.parse
		fake.on('GET', statementPath('h'), [bytes('{"data":[["2","1700000000.123 1500","{\\"a\\":[1,2]}"]]}')], 1);
		// another key next to data: parsed, then decoded row by row (an escaped VARIANT cell)
		fake.on('GET', statementPath('h'), [bytes('{"data":[["3",null,"\\u0031"]],"note":1}')], 2);
		// an invalid escape is not JSON: retried like a body cut off in transit
		fake.on('GET', statementPath('h'), [bytes('{"data":[["4",null,"\\x"]]}'), bytes('{"data":[["4",null,"[]"]]}')], 3);
		await expect(client.execute({ statement: 'select n, t, v' })).resolves.toMatchObject({
			rows: [
				{ N: 1, T: '1970-01-01T00:00:00.000+00:00', V: null },
				{ N: 2, T: '2023-11-14T23:13:20.123+01:00', V: { a: [1, 2] } },
				{ N: 3, T: null, V: 1 },
				{ N: 4, T: null, V: [] },
			],
		});
		expect(events.filter((event) => event.type === 'retry')).toEqual([expect.objectContaining({ reason: 'corrupt response body' })]);
		expect(fake.sent('GET', statementPath('h'))).toHaveLength(4);
	});

	it('a partition row of the wrong width fails as before, whichever decoder read it', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([1, 1])]);
		fake.on('GET', statementPath(), [{ status: 200, headers: {}, body: new TextEncoder().encode('{"data":[["2","extra"]]}') }], 1);
		await expect(client.execute({ statement: 'select n' })).rejects.toThrow('Unexpected response from Snowflake: a row has 2 cells but rowType describes 1 columns.');
	});

	it('treats a result without partitionInfo as one inline partition', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [
			json(200, {
				resultSetMetaData: { numRows: 1, format: 'jsonv2', rowType: [{ name: 'number of rows inserted', type: 'fixed', scale: 0 }] },
				data: [['3']],
				code: '090001',
				message: 'Statement executed successfully.',
				statementHandle: 'dml',
				stats: { numRowsInserted: 3 },
			}),
		]);
		await expect(client.execute({ statement: 'insert into t values (1),(2),(3)' })).resolves.toMatchObject({
			rows: [{ 'number of rows inserted': 3 }],
			stats: { numRowsInserted: 3 },
			partitionCount: 1,
		});
	});

	it('does not fetch empty partitions: 100,000 of them cost no request, the others are still counted', async () => {
		const counts = Array.from({ length: 100_000 }, (_, i) => (i === 0 || i === 50_000 || i === 99_999 ? 2 : 0));
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		fake.on('GET', statementPath(), [partition(counts, 50_000)], 50_000);
		fake.on('GET', statementPath(), [partition(counts, 99_999)], 99_999);
		const result = await client.execute({ statement: 'select n' });
		expect(result).toMatchObject({ numRows: 6, partitionCount: 100_000, truncated: false });
		expect(result.rows).toEqual(numbers(6));
		expect(fake.sent('GET', statementPath()).map((request) => request.qs?.partition)).toEqual(['50000', '99999']);
	});

	it('still checks the row count of a fetched partition next to empty ones', async () => {
		const counts = [1, 0, 2, 0];
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		fake.on('GET', statementPath(), [partition([1, 0, 1, 0], 2)], 2);
		await expect(client.execute({ statement: 'select n' })).rejects.toThrow(
			'Unexpected response from Snowflake: partition 2 holds 1 rows but partitionInfo says 2; the result would be incomplete.',
		);
		expect(fake.sent('GET', statementPath()).map((request) => request.qs?.partition)).toEqual(['2']);
	});

	it('refuses a partitionInfo of more than 100,000 partitions before fetching any', async () => {
		const counts = Array.from({ length: 100_001 }, () => 1);
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		const error = await client.execute({ statement: 'select n' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('protocol'));
		expect((error as Error).message).toBe(
			'Unexpected response from Snowflake: partitionInfo lists 100001 partitions, more than the 100000 this node reads. Add a LIMIT to the statement or select fewer rows.',
		);
		expect(fake.sent('GET', statementPath())).toHaveLength(0);
	});
});

describe('maxRows', () => {
	const counts = [3, 3, 3, 3];

	it("onMaxRows 'error' (the default) fails before fetching any partition", async () => {
		const { fake, client } = partitionedResult(counts);
		const error = await client.execute({ statement: 'select n' }, { maxRows: 10 }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('maxRows'));
		expect((error as Error).message).toMatch(/^The result has 12 rows, more than the maximum of 10\./);
		expect(fake.sent('GET', statementPath())).toHaveLength(0);
	});

	it("onMaxRows 'truncate' fetches only the partitions needed and keeps exactly maxRows rows", async () => {
		const { fake, client } = partitionedResult(counts);
		const result = await client.execute({ statement: 'select n' }, { maxRows: 7, onMaxRows: 'truncate' });
		expect(result.rows).toEqual(numbers(7));
		expect(result).toMatchObject({ truncated: true, numRows: 12, partitionCount: 4 });
		expect(fake.sent('GET', statementPath()).map((request) => request.qs?.partition).sort()).toEqual(['1', '2']);
	});

	it('stops on a partition boundary without fetching the next partition', async () => {
		const { fake, client } = partitionedResult(counts);
		const result = await client.execute({ statement: 'select n' }, { maxRows: 6, onMaxRows: 'truncate' });
		expect(result.rows).toEqual(numbers(6));
		expect(fake.sent('GET', statementPath())).toHaveLength(1);
	});

	it('maxRows 0 with truncate keeps no rows and fetches nothing more', async () => {
		const { fake, client } = partitionedResult(counts);
		await expect(client.execute({ statement: 'select n' }, { maxRows: 0, onMaxRows: 'truncate' })).resolves.toMatchObject({ rows: [], truncated: true });
		expect(fake.sent('GET', statementPath())).toHaveLength(0);
	});

	it('a result within maxRows is returned whole and not flagged', async () => {
		const { client } = partitionedResult(counts);
		await expect(client.execute({ statement: 'select n' }, { maxRows: 12 })).resolves.toMatchObject({ truncated: false, numRows: 12 });
	});
});

describe('reading partitions in order', () => {
	// Order despite reversed completion: 'fetches every partition once, with bounded concurrency, …' above.
	it('stops the partition requests still in flight after the first failure', async () => {
		const counts = [1, 1, 1, 1, 1];
		const { fake, client } = harness({ partitionConcurrency: 5 });
		fake.on('POST', '/api/v2/statements', [resultSet(counts)]);
		const aborted: number[] = [];
		const hang = (index: number) => (request: HttpRequest) =>
			new Promise<HttpResponse>((_resolve, reject) =>
				request.signal!.addEventListener('abort', () => {
					aborted.push(index);
					reject(request.signal!.reason);
				}),
			);
		fake.on('GET', statementPath(), [later(json(404, { message: 'partition 1 failed' }))], 1);
		for (let i = 2; i < counts.length; i++) fake.on('GET', statementPath(), [hang(i)], i);
		await expect(client.execute({ statement: 'select n' })).rejects.toThrow('Snowflake returned HTTP 404: partition 1 failed');
		expect(aborted.sort()).toEqual([2, 3, 4]);
	});
});
