/**
 * The statement lifecycle: 202 and polling, cancel (operation and stopped execution), the server timeout,
 * SQL errors, multi-statement requests and the transaction question, and idempotent resubmits.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { check, same, show, type LiveContext, type Scenario } from '../context';
import { sleep } from '../../helpers/sleep';
import type { Exchange } from '../proxy';
import { count, prepare } from './shared';

function exchangesOf(ctx: LiveContext, scenario: string): Exchange[] {
	return ctx.proxy.exchanges.filter((exchange) => exchange.scenario === scenario);
}

function isSubmit(exchange: Exchange): boolean {
	return exchange.method === 'POST' && exchange.path === '/api/v2/statements';
}

/** The code of a GET of `handle` once it no longer runs. */
async function settledCode(ctx: LiveContext, handle: string): Promise<{ status: number; code: string; message: string }> {
	const answer = await ctx.wire.settle(handle);
	return { status: answer.status, code: String(answer.json?.code ?? ''), message: String(answer.json?.message ?? answer.text).slice(0, 100) };
}

export const statementScenarios: Scenario[] = [
	{
		name: 'async/submit-and-poll',
		run: async (ctx) => {
			const submitted = await ctx.node({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(3)' });
			check(!submitted.error, `Submit SQL (Async) failed: ${submitted.error?.message}`);
			const handle = String(submitted.items[0]?.statementHandle ?? '');
			check(handle !== '', `no statementHandle in ${show(submitted.items)}`);
			const submit = exchangesOf(ctx, 'async/submit-and-poll').find(isSubmit);
			same(submit?.status, 202, 'HTTP status of the async submit');
			const body = JSON.parse(submit?.body ?? '{}') as Record<string, unknown>;
			const got = await ctx.node({ operation: 'getResults', statementHandle: handle, partition: 0, waitForCompletion: true });
			check(!got.error, `Get Statement Results failed: ${got.error?.message}`);
			const page = got.items[0] ?? {};
			same(page.status, 'success', 'status');
			const url = String(body.statementStatusUrl ?? '');
			return `202 code ${String(body.code)}, keys ${Object.keys(body).sort().join(',')}, statementStatusUrl ${url.includes('?') ? 'with' : 'without'} query; then ${JSON.stringify((page.rows as unknown[] | undefined)?.[0] ?? null)}`;
		},
	},
	{
		name: 'async/sync-wait-202-then-poll',
		run: async (ctx) => {
			const rows = await ctx.sql('CALL SYSTEM$WAIT(50)');
			check(rows.length === 1, `expected 1 row, got ${rows.length}`);
			const exchanges = exchangesOf(ctx, 'async/sync-wait-202-then-poll');
			const submit = exchanges.find(isSubmit);
			same(submit?.status, 202, 'HTTP status of the submit after the synchronous wait');
			const polls = exchanges.filter((exchange) => exchange.method === 'GET');
			check(polls.length >= 1, 'the node never polled the handle');
			return `submit answered 202 (code ${String((JSON.parse(submit?.body ?? '{}') as IDataObject).code)}), ${polls.length} GET polls, then ${show(rows[0])}`;
		},
	},
	{
		name: 'cancel/cancel-statement-operation',
		run: async (ctx) => {
			const submitted = await ctx.node({ operation: 'submitAsync', query: 'CALL SYSTEM$WAIT(120)' });
			const handle = String(submitted.items[0]?.statementHandle ?? '');
			check(handle !== '', `no statementHandle: ${submitted.error?.message ?? show(submitted.items)}`);
			const cancelled = await ctx.node({ operation: 'cancel', statementHandle: handle });
			check(!cancelled.error, `Cancel Statement failed: ${cancelled.error?.message}`);
			const after = await settledCode(ctx, handle);
			same(after.code, '000604', `code of GET after cancel (HTTP ${after.status}: ${after.message})`);
			return `cancel → ${show(cancelled.items[0])}; GET → ${after.status} ${after.code}`;
		},
	},
	{
		name: 'cancel/stop-execution',
		run: async (ctx) => {
			const scenario = 'cancel/stop-execution';
			const run = await ctx.node(
				{ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(120)' },
				{
					onStarted: (cancel) => {
						void (async () => {
							// Stop once the submit reached the server, as a user would a few seconds in.
							while (!exchangesOf(ctx, scenario).some(isSubmit)) await sleep(100);
							await sleep(1500);
							cancel();
						})();
					},
				},
			);
			check(run.run.status === 'canceled', `execution status ${run.run.status}`);
			// The submit in flight answers after up to the synchronous wait; the node cancels once it has the handle.
			let cancelExchange: Exchange | undefined;
			for (let waited = 0; waited < 90_000 && !cancelExchange; waited += 250) {
				cancelExchange = exchangesOf(ctx, scenario).find((exchange) => exchange.path.endsWith('/cancel') && exchange.status !== 0);
				if (!cancelExchange) await sleep(250);
			}
			check(cancelExchange, 'no POST …/cancel reached the server after the execution was stopped');
			same(cancelExchange.status, 200, 'HTTP status of the cancel');
			const handle = decodeURIComponent(cancelExchange.path.split('/')[4] ?? '');
			const after = await settledCode(ctx, handle);
			same(after.code, '000604', `code of GET after the stop (HTTP ${after.status}: ${after.message})`);
			return `POST …/cancel → 200; GET → ${after.status} ${after.code}`;
		},
	},
	{
		name: 'timeout/server-408',
		covers: 'unconfirmed 3',
		run: async (ctx) => {
			const run = await ctx.node({ operation: 'executeQuery', query: 'CALL SYSTEM$WAIT(30)', options: { statementTimeout: 2 } });
			check(run.error, `expected a timeout, got ${show(run.items)}`);
			same(run.error.httpCode, '408', `httpCode of the node error (${run.error.message})`);
			const submit = exchangesOf(ctx, 'timeout/server-408').filter((exchange) => exchange.status === 408).at(-1);
			const body = JSON.parse(submit?.body ?? '{}') as IDataObject;
			const handle = String(body.statementHandle ?? '');
			const later = handle ? await ctx.wire.status(handle) : undefined;
			return `408 body code ${String(body.code)} "${String(body.message).slice(0, 80)}", keys ${Object.keys(body).sort().join(',')}; later GET → ${later ? `${later.status} ${String(later.json?.code)}` : 'no handle in the 408 body'}`;
		},
	},
	{
		name: 'errors/sql-422-codes',
		run: async (ctx) => {
			const cases: Array<[string, string]> = [
				['SELECT * FROM "NO_SUCH_TABLE"', '002003'],
				['SELECT "NO_SUCH_COLUMN" FROM (SELECT 1 AS "A")', '000904'],
				['SELEC 1', '001003'],
				["SELECT 'abc'::NUMBER", '100038'],
			];
			const seen: string[] = [];
			for (const [query, code] of cases) {
				const failure = await ctx.failure(query);
				same(failure.code, code, `code for ${query} (${failure.message.slice(0, 80)})`);
				seen.push(`${code}/${failure.sqlState ?? '?'}`);
			}
			const statuses = exchangesOf(ctx, 'errors/sql-422-codes').filter(isSubmit).map((exchange) => exchange.status);
			check(statuses.every((status) => status === 422), `HTTP statuses ${statuses.join(',')}`);
			return `422 with ${seen.join(', ')}`;
		},
	},
	{
		name: 'errors/unknown-handle',
		covers: 'unconfirmed 5, fact 9',
		run: async (ctx) => {
			const handle = randomUUID();
			const run = await ctx.node({ operation: 'getResults', statementHandle: handle, partition: 0, waitForCompletion: false }, { onError: 'continueRegularOutput' });
			const item = run.items[0] ?? {};
			check(item.error !== undefined, `Get Statement Results of an unknown handle did not fail: ${show(item)}`);
			const answer = await ctx.wire.status(handle);
			check(answer.status >= 400, `GET of an unknown handle answered ${answer.status}`);
			return `HTTP ${answer.status} code ${String(answer.json?.code)} "${String(answer.json?.message ?? '').slice(0, 80)}"; node: ${String(item.error).slice(0, 80)}; expired handles (24 h) not exercised`;
		},
	},
	{
		name: 'errors/missing-headers',
		covers: 'unconfirmed 2',
		run: async (ctx) => {
			const seen: string[] = [];
			for (const header of ['User-Agent', 'Accept', 'Content-Type']) {
				const answer = await ctx.wire.submit('SELECT 1', { omitHeaders: [header] });
				seen.push(`no ${header} → ${answer.status} ${String(answer.json?.code ?? '')}`.trim());
			}
			return seen.join('; ');
		},
	},
	{
		name: 'multi/statements',
		covers: 'fact 7',
		run: async (ctx) => {
			const rows = await ctx.sql("SELECT 1 AS \"A\"; SELECT 'two' AS \"B\"", { multiStatement: true });
			same(
				rows.map((row) => [row.A ?? row.B, row.statementIndex]),
				[
					[1, 0],
					['two', 1],
				],
				'rows with statementIndex',
			);
			check(rows.every((row) => typeof row.statementHandle === 'string'), 'a row without statementHandle');
			const parent = await ctx.wire.submit("SELECT 1 AS \"A\"; SELECT 'two' AS \"B\"", { parameters: { MULTI_STATEMENT_COUNT: '2' } });
			const meta = (parent.json?.resultSetMetaData ?? {}) as IDataObject;
			return `parent ${parent.status}: statementHandles ${Array.isArray(parent.json?.statementHandles) ? (parent.json?.statementHandles as unknown[]).length : 'absent'}, ${'partitionInfo' in meta ? 'partitionInfo' : 'no partitionInfo'}, data ${JSON.stringify(parent.json?.data)}`;
		},
	},
	{
		name: 'multi/statement-count-mismatch',
		run: async (ctx) => {
			const answer = await ctx.wire.submit('SELECT 1; SELECT 2', { parameters: { MULTI_STATEMENT_COUNT: '3' } });
			same(answer.json?.code, '000008', `code for a wrong MULTI_STATEMENT_COUNT (HTTP ${answer.status}: ${answer.text.slice(0, 100)})`);
			return `HTTP ${answer.status} 000008 "${String(answer.json?.message).slice(0, 90)}"`;
		},
	},
	{
		name: 'multi/transaction-rollback',
		covers: 'unconfirmed 8',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "TX" ("ID" NUMBER)']);
			const failure = await ctx.failure('BEGIN; INSERT INTO "TX" VALUES (1); INSERT INTO "NO_SUCH_TABLE" VALUES (2); COMMIT;', { multiStatement: true });
			// Snowflake reports a failed child of a multi-statement request under its own code (100132 in
			// its docs' examples), naming the child's error in the message: any SQL error code will do here.
			check(/^\d{6}$/.test(failure.code ?? ''), `expected a Snowflake error code, got ${failure.code}: ${failure.message.slice(0, 80)}`);
			const afterMulti = await count(ctx, 'TX');
			const batch = await ctx.node(
				{ operation: 'executeQuery', query: '={{ $json.sql }}', options: { queryBatching: 'transaction' } },
				{ items: [{ sql: 'INSERT INTO "TX" VALUES (10)' }, { sql: 'INSERT INTO "NO_SUCH_TABLE" VALUES (11)' }], onError: 'continueRegularOutput' },
			);
			const batchError = batch.items.find((item) => item.error !== undefined);
			check(batchError, `Transaction batching did not fail: ${show(batch.items)}`);
			const afterBatch = await count(ctx, 'TX', '"ID" = 10');
			return `multi-statement BEGIN…fail…COMMIT failed with ${failure.code} and left ${afterMulti} row(s) (${afterMulti === 0 ? 'rolled back' : 'NOT rolled back'}); Transaction batching left ${afterBatch} (${afterBatch === 0 ? 'rolled back' : 'NOT rolled back'}), node said "${String(batchError.description ?? batchError.error).slice(0, 90)}"`;
		},
	},
	{
		name: 'retry/same-request-id-retry-true',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "RETRY" ("ID" NUMBER)']);
			const requestId = randomUUID();
			const first = await ctx.wire.submit('INSERT INTO "RETRY" VALUES (1)', { requestId });
			same(first.status, 200, 'first submit');
			const again = await ctx.wire.submit('INSERT INTO "RETRY" VALUES (1)', { requestId, retry: true });
			same(await count(ctx, 'RETRY'), 1, 'rows after a resubmit with retry=true');
			const sameHandle = again.json?.statementHandle === first.json?.statementHandle;
			return `resubmit → ${again.status}, ${sameHandle ? 'same' : 'another'} statementHandle; exactly 1 row`;
		},
	},
	{
		name: 'retry/lost-answer-resubmit',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "LOST" ("ID" NUMBER)']);
			let dropped = 0;
			ctx.proxy.dropAnswer = (exchange) => isSubmit(exchange) && JSON.stringify(exchange.requestBody ?? '').includes('LOST') && dropped++ === 0;
			const rows = await ctx.sql('INSERT INTO "LOST" VALUES (1)');
			ctx.proxy.dropAnswer = undefined;
			const submits = exchangesOf(ctx, 'retry/lost-answer-resubmit').filter((exchange) => isSubmit(exchange) && JSON.stringify(exchange.requestBody ?? '').includes('INTO \\"LOST\\"'));
			check(submits.length === 2, `expected the submit and one resubmit, saw ${submits.length}`);
			same(submits[1].query.requestId, submits[0].query.requestId, 'requestId of the resubmit');
			same(submits[1].query.retry, 'true', 'retry flag of the resubmit');
			same(await count(ctx, 'LOST'), 1, 'rows after the lost answer and the resubmit');
			return `answer lost after the server ran it; resubmit with the same requestId and retry=true → ${submits[1].status}; exactly 1 row (node: ${show(rows[0])})`;
		},
	},
	{
		name: 'retry/request-id-reused-without-retry',
		covers: 'unconfirmed 4',
		run: async (ctx) => {
			await prepare(ctx, ['CREATE TABLE "REUSE" ("ID" NUMBER)']);
			const requestId = randomUUID();
			const first = await ctx.wire.submit('INSERT INTO "REUSE" VALUES (1)', { requestId });
			same(first.status, 200, 'first submit');
			const again = await ctx.wire.submit('INSERT INTO "REUSE" VALUES (1)', { requestId });
			const rows = await count(ctx, 'REUSE');
			const sameHandle = again.json?.statementHandle === first.json?.statementHandle;
			return `reuse without retry → ${again.status} ${String(again.json?.code ?? '')}, ${sameHandle ? 'same' : 'another'} statementHandle, ${rows} row(s) (${rows === 1 ? 'returned the first run' : 'ran again'})`;
		},
	},
];
