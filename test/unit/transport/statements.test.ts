import { describe, expect, it, vi } from 'vitest';

import type { HttpResponse, SnowflakeError } from '../../../nodes/SnowflakeSqlApi/transport';
import { HANDLE, harness, json, nextTurn, partition, resultSet, running, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const CANCEL = `${statementPath()}/cancel`;
const cancelled = json(200, { code: '000604', sqlState: '57014', message: 'SQL execution canceled', statementHandle: HANDLE });

/** A sleep that never ends on its own (only an abort ends it), and a promise settled once it started. */
function sleepUntilAborted(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; asleep: Promise<void> } {
	let sleeping!: () => void;
	const asleep = new Promise<void>((resolve) => (sleeping = resolve));
	const sleep = async (_ms: number, signal?: AbortSignal) =>
		await new Promise<void>((_resolve, reject) => {
			sleeping();
			signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
		});
	return { sleep, asleep };
}

describe('abort → cancel', () => {
	it('aborting while polling POSTs .../cancel and rejects with a cancellation error', async () => {
		const { fake, client, events } = harness();
		const controller = new AbortController();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [
			running(),
			() => {
				controller.abort(new Error('execution stopped'));
				return running();
			},
		]);
		fake.on('POST', CANCEL, [cancelled]);
		const error = await client.execute({ statement: 'call slow()' }, { signal: controller.signal }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('cancelled'));
		expect(error).toMatchObject({ statementHandle: HANDLE, message: `Execution was canceled; Snowflake canceled statement ${HANDLE}.` });
		expect(fake.sent('POST', CANCEL)).toHaveLength(1);
		expect(fake.sent('POST', CANCEL)[0].signal).toBeUndefined();
		expect(events).toContainEqual({ type: 'cancel', statementHandle: HANDLE });
	});

	it('an abort during a status request is passed to the HTTP layer and still cancels', async () => {
		const { fake, client } = harness();
		const controller = new AbortController();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [
			(request) =>
				new Promise<HttpResponse>((_resolve, reject) => {
					request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
					controller.abort();
				}),
		]);
		fake.on('POST', CANCEL, [cancelled]);
		await expect(client.execute({ statement: 'call slow()' }, { signal: controller.signal })).rejects.toEqual(snowflakeError('cancelled'));
		expect(fake.sent('POST', CANCEL)).toHaveLength(1);
	});

	it('still rejects with a cancellation error when the cancel request fails, saying the statement may still run', async () => {
		const { fake, client } = harness();
		const controller = new AbortController();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [
			() => {
				controller.abort();
				return running();
			},
		]);
		fake.on('POST', CANCEL, [json(503, { message: 'Service Unavailable' })]);
		const error = (await client.execute({ statement: 'call slow()' }, { signal: controller.signal }).catch((e: unknown) => e)) as SnowflakeError;
		expect(error).toEqual(snowflakeError('cancelled'));
		expect(error.message).toMatch(new RegExp(`canceling statement ${HANDLE} on Snowflake failed: .*HTTP 503.*It may still be running; stop it with SELECT SYSTEM\\$CANCEL_QUERY`));
		// The cancel got its one retry, then the caller was told.
		expect(fake.sent('POST', CANCEL)).toHaveLength(2);
	});

	it('a statement that finished meanwhile (cancel 422 000709) is reported as no longer running', async () => {
		const { fake, client } = harness();
		const controller = new AbortController();
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [
			() => {
				controller.abort();
				return running();
			},
		]);
		fake.on('POST', CANCEL, [json(422, { code: '000709', sqlState: '02000', message: `Statement ${HANDLE} not found`, statementHandle: HANDLE })]);
		await expect(client.execute({ statement: 'call slow()' }, { signal: controller.signal })).rejects.toThrow(/was no longer running on Snowflake/);
	});

	it('an abort before Snowflake returned the handle cancels as soon as the handle arrives', async () => {
		const { fake, client } = harness();
		const controller = new AbortController();
		let answerSubmit!: (response: HttpResponse) => void;
		fake.on('POST', SUBMIT, [() => new Promise<HttpResponse>((resolve) => (answerSubmit = resolve))]);
		fake.on('POST', CANCEL, [cancelled]);
		const execution = client.execute({ statement: 'call slow()' }, { signal: controller.signal });
		await nextTurn();
		controller.abort();
		await expect(execution).rejects.toThrow(/canceled before Snowflake returned a statement handle \(requestId req-1\)/);
		// The submit itself was not torn down: it has to live on to reveal the handle.
		expect(fake.sent('POST', SUBMIT)[0].signal).toBeUndefined();
		expect(fake.sent('POST', CANCEL)).toHaveLength(0);
		answerSubmit(running());
		await nextTurn();
		expect(fake.sent('POST', CANCEL)).toHaveLength(1);
	});

	const oauthExpired = json(401, { code: '390318', message: 'OAuth access token expired. [1234567]' });

	it('an abort while an OAuth refresh hangs (n8n 1.x token requests have no timeout): the statement is still canceled', async () => {
		const controller = new AbortController();
		// The refresh never settles; the stop comes while the poll waits for it.
		const onTokenExpired = async () => {
			controller.abort(new Error('execution stopped'));
			await new Promise<never>(() => undefined);
		};
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired });
		fake.on('POST', SUBMIT, [running()]);
		fake.on('GET', statementPath(), [oauthExpired]);
		fake.on('POST', CANCEL, [cancelled]);
		const error = await client.execute({ statement: 'call slow()' }, { signal: controller.signal }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('cancelled'));
		expect(error).toMatchObject({ message: `Execution was canceled; Snowflake canceled statement ${HANDLE}.` });
		expect(fake.sent('POST', CANCEL)).toHaveLength(1);
	});

	it('a refresh that never answers ends at the request deadline, saying the refresh did not finish', async () => {
		let expireRefresh!: () => void;
		let refreshing = false;
		// The deadline timer: fires only for the wait on the refresh (each attempt's own deadline never does).
		const deadlineSleep = async (_ms: number, signal?: AbortSignal) =>
			await new Promise<void>((resolve, reject) => {
				if (refreshing) expireRefresh = resolve;
				signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
			});
		const onTokenExpired = async () => {
			refreshing = true;
			await new Promise<never>(() => undefined);
		};
		const { fake, client } = harness({ credentialKind: 'oAuth2', onTokenExpired, deadlineSleep, requestDeadlineMs: 300_000 });
		fake.on('POST', SUBMIT, [oauthExpired]);
		const execution = client.execute({ statement: 'select 1' }).catch((e: unknown) => e);
		await vi.waitFor(() => expect(expireRefresh).toBeDefined());
		expireRefresh();
		const error = (await execution) as SnowflakeError;
		expect(error).toEqual(snowflakeError('auth'));
		expect(error.message).toBe("n8n's OAuth token refresh did not finish within 300 s, so the request was stopped.");
		expect(fake.sent('POST', SUBMIT)).toHaveLength(1);
	});

	it('an abort while the submit waits to retry after a 503: no further attempt, and the message says nothing runs', async () => {
		const controller = new AbortController();
		const { sleep, asleep } = sleepUntilAborted();
		const { fake, client } = harness({ sleep });
		fake.on('POST', SUBMIT, [json(503, {}), running()]);
		fake.on('POST', CANCEL, [cancelled]);
		const execution = client.execute({ statement: 'call slow()' }, { signal: controller.signal });
		await asleep;
		controller.abort();
		const error = await execution.catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('cancelled'));
		expect((error as Error).message).toBe(
			'Execution was canceled before Snowflake returned a statement handle (requestId req-1). The submit was waiting to retry after Snowflake turned it away; no further attempt was sent, so nothing runs on Snowflake.',
		);
		await nextTurn();
		expect(fake.sent('POST', SUBMIT)).toHaveLength(1);
		expect(fake.sent('POST', CANCEL)).toHaveLength(0);
	});

	it('an abort while the submit waits to retry after an attempt with no answer: says the statement may run and cannot be canceled', async () => {
		const controller = new AbortController();
		const { sleep, asleep } = sleepUntilAborted();
		const { fake, client } = harness({ sleep });
		fake.on('POST', SUBMIT, [json(504, {})]);
		const execution = client.execute({ statement: 'call slow()' }, { signal: controller.signal });
		await asleep;
		controller.abort();
		await expect(execution).rejects.toThrow(
			/no further attempt was sent, but an earlier attempt got no answer and may have started the statement, which cannot be canceled without its handle: look for it in Query History/,
		);
		expect(fake.sent('POST', SUBMIT)).toHaveLength(1);
	});

	it('an already aborted signal sends nothing', async () => {
		const { fake, client } = harness();
		await expect(client.execute({ statement: 'select 1' }, { signal: AbortSignal.abort() })).rejects.toThrow(/before the statement was submitted/);
		expect(fake.requests).toHaveLength(0);
	});

	it('an abort while reading partitions of a finished statement does not send a cancel', async () => {
		const { fake, client } = harness();
		const controller = new AbortController();
		fake.on('POST', SUBMIT, [resultSet([1, 1])]);
		fake.on('GET', statementPath(), [
			(request) =>
				new Promise<HttpResponse>((_resolve, reject) => {
					request.signal?.addEventListener('abort', () => reject(request.signal?.reason));
					controller.abort();
				}),
		], 1);
		await expect(client.execute({ statement: 'select n' }, { signal: controller.signal })).rejects.toThrow(/statement had already finished, so there was nothing to cancel/);
		expect(fake.sent('POST', CANCEL)).toHaveLength(0);
	});
});

describe('cancel', () => {
	it('POSTs /api/v2/statements/{handle}/cancel and returns Snowflake’s status', async () => {
		const { fake, client } = harness();
		fake.on('POST', CANCEL, [cancelled]);
		await expect(client.cancel(HANDLE)).resolves.toEqual({ code: '000604', sqlState: '57014', message: 'SQL execution canceled', statementHandle: HANDLE });
		expect(fake.requests).toEqual([expect.objectContaining({ method: 'POST', path: CANCEL })]);
	});

	it('throws when there is nothing to cancel', async () => {
		const { fake, client } = harness();
		fake.on('POST', CANCEL, [json(422, { code: '000709', sqlState: '02000', message: `Statement ${HANDLE} not found`, statementHandle: HANDLE })]);
		await expect(client.cancel(HANDLE)).rejects.toEqual(snowflakeError('sql'));
		await expect(client.cancel(' ')).rejects.toEqual(snowflakeError('config'));
	});
});

describe('multi-statement requests', () => {
	const parent = () =>
		json(200, {
			resultSetMetaData: {
				numRows: 1,
				format: 'jsonv2',
				rowType: [{ name: 'multiple statement execution', type: 'text' }],
				partitionInfo: [{ rowCount: 1 }],
			},
			data: [['Multiple statements executed successfully.']],
			code: '090001',
			message: 'Statement executed successfully.',
			statementHandle: 'parent',
			statementHandles: ['child-1', 'child-2'],
		});

	it('returns each statement’s result in order, polling and paging children as needed', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [parent()]);
		fake.on('GET', statementPath('child-1'), [resultSet([1], { statementStatusUrl: '/api/v2/statements/child-1?requestId=req-1' }, 'child-1')]);
		fake.on('GET', statementPath('child-2'), [running('child-2'), resultSet([2, 2], {}, 'child-2')]);
		fake.on('GET', statementPath('child-2'), [partition([2, 2], 1)], 1);
		const result = await client.execute({ statement: 'select 1; select n', parameters: { MULTI_STATEMENT_COUNT: 2 } });
		expect(result.statementHandles).toEqual(['child-1', 'child-2']);
		expect(result.rows).toEqual([{ 'multiple statement execution': 'Multiple statements executed successfully.' }]);
		expect(result.statements?.map((statement) => [statement.statementHandle, statement.rows.length, statement.requestId])).toEqual([
			['child-1', 1, 'req-1'],
			['child-2', 4, 'req-from-url'],
		]);
		expect(result.statements?.[1].rows).toEqual([{ N: 1 }, { N: 2 }, { N: 3 }, { N: 4 }]);
	});

	it('only lists the handles when fetchChildResults is false', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [parent()]);
		const result = await client.execute({ statement: 'select 1; select 2' }, { fetchChildResults: false });
		expect(result.statementHandles).toEqual(['child-1', 'child-2']);
		expect(result.statements).toBeUndefined();
		expect(fake.requests).toHaveLength(1);
	});

	it('a failing child surfaces as its SQL error', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [parent()]);
		fake.on('GET', statementPath('child-1'), [resultSet([1], {}, 'child-1')]);
		fake.on('GET', statementPath('child-2'), [json(422, { code: '002003', sqlState: '42S02', message: 'Object does not exist', statementHandle: 'child-2' })]);
		await expect(client.execute({ statement: 'select 1; select * from nope' })).rejects.toMatchObject({ name: 'SnowflakeSqlError', statementHandle: 'child-2' });
	});
});

describe('getStatement and waitForResult', () => {
	it('reads one partition at a time, telling which partition comes next', async () => {
		const counts = [2, 3, 1];
		const { fake, client } = harness();
		fake.on('GET', statementPath(), [resultSet(counts)]);
		fake.on('GET', statementPath(), [partition(counts, 1)], 1);
		fake.on('GET', statementPath(), [partition(counts, 2)], 2);
		await expect(client.getStatement(HANDLE)).resolves.toMatchObject({
			status: 'success',
			partition: 0,
			partitionCount: 3,
			numRows: 6,
			nextPartition: 1,
			requestId: 'req-from-url',
			rows: [{ N: 1 }, { N: 2 }],
		});
		await expect(client.getStatement(HANDLE, { partition: 1 })).resolves.toMatchObject({ partition: 1, nextPartition: 2, rows: [{ N: 3 }, { N: 4 }, { N: 5 }] });
		const last = await client.getStatement(HANDLE, { partition: 2 });
		expect(last).toMatchObject({ partition: 2, rows: [{ N: 6 }] });
		expect(last.nextPartition).toBeUndefined();
		await expect(client.getStatement(HANDLE, { partition: 3 })).rejects.toThrow(/has 3 partition\(s\), numbered 0 to 2; there is no partition 3/);
		await expect(client.getStatement(HANDLE, { partition: -1 })).rejects.toEqual(snowflakeError('config'));
	});

	it('reports a running statement without waiting (202)', async () => {
		const { fake, client, delays } = harness();
		fake.on('GET', statementPath(), [running()]);
		await expect(client.getStatement(HANDLE)).resolves.toMatchObject({ status: 'running', code: '333334', rows: [], partitionCount: 0 });
		expect(delays).toEqual([]);
	});

	it('without waiting, a 429 is retried (Retry-After honoured), never reported as "running" for a finished statement', async () => {
		const { fake, client, delays } = harness();
		fake.on('GET', statementPath(), [json(429, { code: '390505', message: 'Too many requests.' }, { 'retry-after': '3' }), resultSet([2])]);
		await expect(client.getStatement(HANDLE)).resolves.toMatchObject({ status: 'success', rows: [{ N: 1 }, { N: 2 }] });
		expect(delays).toEqual([3000]);
		expect(fake.sent('GET', statementPath())).toHaveLength(2);
	});

	it('without waiting, a 429 that outlasts the retries fails as rate limited', async () => {
		const { fake, client } = harness({ retry: { limit: 2 } });
		fake.on('GET', statementPath(), [json(429, { code: '390505', message: 'Too many requests.' })]);
		await expect(client.getStatement(HANDLE)).rejects.toEqual(snowflakeError('rateLimited'));
		expect(fake.sent('GET', statementPath())).toHaveLength(3);
	});

	it('with wait, a 429 still counts as running while polling', async () => {
		const { fake, client } = harness({ retry: { limit: 0 } });
		fake.on('GET', statementPath(), [json(429, { code: '390505', message: 'Too many requests.' }, { 'retry-after': '1' }), resultSet([1])]);
		await expect(client.getStatement(HANDLE, { wait: true })).resolves.toMatchObject({ status: 'success', rows: [{ N: 1 }] });
	});

	it('with wait, polls while it runs (never cancelling it) and returns the asked partition', async () => {
		const counts = [1, 2];
		const { fake, client, delays } = harness();
		fake.on('GET', statementPath(), [running(), running(), resultSet(counts)]);
		fake.on('GET', statementPath(), [partition(counts, 1)], 1);
		await expect(client.getStatement(HANDLE, { partition: 1, wait: true })).resolves.toMatchObject({
			status: 'success',
			partition: 1,
			rows: [{ N: 2 }, { N: 3 }],
		});
		expect(delays).toEqual([250, 375]);
		expect(fake.requests.map((request) => request.method)).toEqual(['GET', 'GET', 'GET', 'GET']);
	});

	it('waitForResult polls a submitted statement to the end and reads all partitions', async () => {
		const counts = [1, 2];
		const { fake, client, delays } = harness();
		fake.on('GET', statementPath(), [running(), resultSet(counts)]);
		fake.on('GET', statementPath(), [partition(counts, 1)], 1);
		const result = await client.waitForResult(HANDLE);
		expect(result).toMatchObject({ status: 'success', requestId: 'req-from-url', numRows: 3, rows: [{ N: 1 }, { N: 2 }, { N: 3 }] });
		expect(delays).toEqual([250]);
	});
});
