/**
 * Bounded responses, with scripted HTTP: every request names its byte limit (128 MB for submit and
 * status bodies; for partition N twice partitionInfo[N].uncompressedSize plus 1 MB, at most 256 MB), and a
 * body over it (the HttpFn's ERESPONSETOOLARGE, or a body handed over already read) is a clear protocol
 * error that is never retried.
 */
import { describe, expect, it } from 'vitest';

import { harness, json, nextTurn, NUMBER_ROW_TYPE, partition, resultSet, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const MIB = 1024 * 1024;
const tooLarge = () => Object.assign(new Error('The response body exceeds 10 bytes.'), { code: 'ERESPONSETOOLARGE' });

describe('response byte limits', () => {
	it('asks for at most 128 MB on submit and status, and derives each partition’s limit from partitionInfo', async () => {
		const counts = [1, 2, 2, 2];
		const { fake, client } = harness();
		const partitionInfo = [{ rowCount: 1 }, { rowCount: 2, uncompressedSize: 1000 }, { rowCount: 2 }, { rowCount: 2, uncompressedSize: 10 ** 12 }];
		fake.on('POST', SUBMIT, [resultSet(counts, { resultSetMetaData: { numRows: 7, format: 'jsonv2', rowType: NUMBER_ROW_TYPE, partitionInfo } })]);
		for (let i = 1; i < counts.length; i++) fake.on('GET', statementPath(), [partition(counts, i)], i);
		await expect(client.execute({ statement: 'select n' })).resolves.toMatchObject({ numRows: 7 });
		expect(fake.sent('POST', SUBMIT)[0].maxBytes).toBe(128 * MIB);
		const limits = fake.sent('GET', statementPath()).map((request) => [request.qs?.partition, request.maxBytes]);
		expect(limits.sort()).toEqual([
			['1', 2000 + MIB],
			['2', 256 * MIB],
			['3', 256 * MIB],
		]);
	});

	it('fails at once, not retried, when a partition body is over its limit (a compression bomb)', async () => {
		const counts = [1, 2];
		const { fake, client, events } = harness();
		fake.on('POST', SUBMIT, [resultSet(counts)]);
		fake.on('GET', statementPath(), [tooLarge()], 1);
		const error = await client.execute({ statement: 'select n' }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('protocol'));
		expect((error as Error).message).toBe(
			`Unexpected response from Snowflake: the response to GET ${statementPath()}?partition=1 is larger than ${2 * 16 + MIB} bytes (decompressed), ` +
				'so it was stopped there and not retried. Snowflake does not send bodies this large: check that the host is a Snowflake account ' +
				'(a proxy or a server sending a compression bomb?).',
		);
		expect(fake.sent('GET', statementPath())).toHaveLength(1);
		expect(events.filter((event) => event.type === 'retry')).toEqual([]);
	});

	it('fails the same way on an oversized submit or status body, also one handed over already read', async () => {
		const submit = harness();
		submit.fake.on('POST', SUBMIT, [tooLarge()]);
		await expect(submit.client.execute({ statement: 'select 1' })).rejects.toThrow(/the response to POST \/api\/v2\/statements is larger than 134217728 bytes/);
		expect(submit.fake.sent('POST', SUBMIT)).toHaveLength(1);

		const counts = [1, 2];
		const read = harness();
		read.fake.on('POST', SUBMIT, [resultSet(counts)]);
		read.fake.on('GET', statementPath(), [{ status: 200, headers: {}, body: ' '.repeat(2 * 16 + MIB + 1) }], 1);
		await expect(read.client.execute({ statement: 'select n' })).rejects.toThrow(/partition=1 is larger than 1048608 bytes/);
		expect(read.fake.sent('GET', statementPath())).toHaveLength(1);
	});
});

/** A deadline sleep the test fires by hand; it records each delay and whether it was stopped. */
function manualDeadline() {
	const timers: Array<{ ms: number; fire: () => void; stopped: () => boolean }> = [];
	const deadlineSleep = (ms: number, signal?: AbortSignal) =>
		new Promise<void>((resolve, reject) => {
			timers.push({ ms, fire: resolve, stopped: () => signal?.aborted === true });
			signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
		});
	return { timers, deadlineSleep };
}

describe('total deadline per request', () => {
	it('stops a request still under way when its deadline passes (a server dripping bytes), as a timeout', async () => {
		const { timers, deadlineSleep } = manualDeadline();
		const { fake, client } = harness({ deadlineSleep, requestDeadlineMs: 1234, retry: { limit: 0 } });
		const deadlineSignals: Array<AbortSignal | undefined> = [];
		fake.on('POST', SUBMIT, [
			(request) => {
				deadlineSignals.push(request.deadlineSignal);
				return new Promise(() => undefined); // drips forever: never completes
			},
		]);
		const pending = client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		await nextTurn();
		expect(timers.map((timer) => timer.ms)).toEqual([1234]);
		expect(deadlineSignals[0]?.aborted).toBe(false);
		timers[0].fire();
		const error = await pending;
		expect(error).toEqual(snowflakeError('network', { code: 'ETIMEDOUT' }));
		expect((error as Error).message).toContain('The request took longer than its total limit of 1 s and was stopped.');
		expect(deadlineSignals[0]?.aborted).toBe(true);
	});

	it('stops the deadline timer when the request ends in time, and times each attempt anew', async () => {
		const { timers, deadlineSleep } = manualDeadline();
		const { fake, client } = harness({ deadlineSleep });
		fake.on('POST', SUBMIT, [json(503, {}), resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ numRows: 1 });
		expect(timers.map((timer) => [timer.ms, timer.stopped()])).toEqual([
			[300_000, true],
			[300_000, true],
		]);
	});
});
