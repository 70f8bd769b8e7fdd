/**
 * The changes trigger (Trigger On → Changes in a Table) on tables with change tracking, polled as n8n polls
 * it: what it emits for inserts, updates and deletes, that consecutive windows tile (README § Unconfirmed
 * item 9), and what the server answers at the boundaries of change tracking (reported, not asserted).
 */
import type { IDataObject } from 'n8n-workflow';

import { check, same, show, type LiveContext, type Scenario } from '../context';
import { LiveTrigger } from '../n8n';
import type { WireAnswer } from '../wire';
import { raw } from './shared';

function table(name: string): IDataObject {
	return { __rl: true, mode: 'name', value: name };
}

type Poll = Awaited<ReturnType<LiveTrigger['poll']>>;

async function pollOk(trigger: LiveTrigger, what: string): Promise<Poll> {
	const outcome = await trigger.poll();
	check(!outcome.error, `${what}: ${outcome.error?.message} ${(outcome.error as { description?: string } | undefined)?.description ?? ''}`);
	return outcome;
}

/** Items without their row ids (opaque strings), ordered by action then ID. */
function shapes(items: IDataObject[]): IDataObject[] {
	return items
		.map(({ rowId, ...rest }) => {
			check(typeof rowId === 'string' && rowId !== '', `rowId: expected a string, got ${show(rowId)}`);
			return rest;
		})
		.sort((a, b) => String(a.action).localeCompare(String(b.action)) || Number((a.row as IDataObject).ID) - Number((b.row as IDataObject).ID));
}

/** The server's clock as a TIMESTAMP_LTZ binding value (nanoseconds since the epoch), from its raw cell. */
async function serverNow(ctx: LiveContext): Promise<string> {
	const cell = String((await raw(ctx, 'SELECT CURRENT_TIMESTAMP() AS "NOW"')).cells[0]);
	const [seconds, fraction = ''] = cell.split('.');
	return (BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9))).toString();
}

/** A CHANGES query from `start` (ns), as the server answered it: `200, N row(s)` or `422 000707 …`. */
async function changesFrom(ctx: LiveContext, name: string, start: string): Promise<string> {
	let answer: WireAnswer = await ctx.wire.submit(`SELECT * FROM "${name}" CHANGES(INFORMATION => DEFAULT) AT(TIMESTAMP => ?::TIMESTAMP_LTZ)`, {
		bindings: { '1': { type: 'TIMESTAMP_LTZ', value: start } },
	});
	if (answer.status === 202) answer = await ctx.wire.settle(String(answer.json?.statementHandle ?? ''));
	const body = answer.json ?? {};
	if (answer.status === 200) return `200, ${((body.data ?? []) as unknown[]).length} row(s)`;
	const message = typeof body.message === 'string' ? body.message.replace(/\s+/g, ' ').slice(0, 100) : answer.text.slice(0, 100);
	return `${answer.status} ${String(body.code ?? '')} ${message}`.trim();
}

export const changeScenarios: Scenario[] = [
	{
		name: 'trigger/changes-insert-update-delete',
		covers: 'unconfirmed 9',
		run: async (ctx) => {
			await ctx.sql('CREATE TABLE "C_ACCOUNTS" ("ID" NUMBER(10,0), "NAME" VARCHAR, "BALANCE" NUMBER(10,2)) CHANGE_TRACKING = TRUE');
			await ctx.sql("INSERT INTO \"C_ACCOUNTS\" VALUES (1, 'Ada', 10), (2, 'Grace', 20)");
			const trigger = new LiveTrigger(ctx.pkg, ctx.credentials, { mode: 'changes', table: table('C_ACCOUNTS') });
			// Start From: now. The first poll stores the server's clock and emits nothing (the seeded rows are older).
			same((await pollOk(trigger, 'activation')).items, [], 'activation (start from now)');
			await ctx.sql("INSERT INTO \"C_ACCOUNTS\" VALUES (3, 'Linus', 30)");
			await ctx.sql('UPDATE "C_ACCOUNTS" SET "BALANCE" = 11.5 WHERE "ID" = 1');
			await ctx.sql('DELETE FROM "C_ACCOUNTS" WHERE "ID" = 2');
			const changed = await pollOk(trigger, 'poll after the changes');
			same(shapes(changed.items), [
				{ action: 'delete', row: { ID: 2, NAME: 'Grace', BALANCE: 20 } },
				{ action: 'insert', row: { ID: 3, NAME: 'Linus', BALANCE: 30 } },
				{ action: 'update', row: { ID: 1, NAME: 'Ada', BALANCE: 11.5 }, previous: { ID: 1, NAME: 'Ada', BALANCE: 10 } },
			], 'poll after the changes');
			same((await pollOk(trigger, 'next poll')).items, [], 'next poll (the window is not read again)');
			const rowId = String(changed.items[0]?.rowId ?? '');
			return `activation emitted nothing; then delete 2, insert 3, update 1 (with previous); then nothing; rowId like ${show(rowId.slice(0, 12))}… (${rowId.length} chars)`;
		},
	},
	{
		// Windows tile when a commit never falls at or before a clock read that finished before it: three
		// rounds of one insert each, polled in between, must give each row exactly once.
		name: 'trigger/changes-windows-tile',
		covers: 'unconfirmed 9',
		run: async (ctx) => {
			await ctx.sql('CREATE TABLE "C_TILES" ("ID" NUMBER(10,0)) CHANGE_TRACKING = TRUE');
			const trigger = new LiveTrigger(ctx.pkg, ctx.credentials, { mode: 'changes', table: table('C_TILES') });
			same((await pollOk(trigger, 'activation')).items, [], 'activation (start from now)');
			for (const id of [1, 2, 3]) {
				await ctx.sql(`INSERT INTO "C_TILES" VALUES (${id})`);
				same(shapes((await pollOk(trigger, `poll after insert ${id}`)).items), [{ action: 'insert', row: { ID: id } }], `poll after insert ${id}`);
			}
			same((await pollOk(trigger, 'last poll')).items, [], 'last poll');

			// Reported, not asserted: the server's answers at the boundaries the trigger explains.
			await ctx.sql('CREATE TABLE "C_LATE" ("ID" NUMBER(10,0))');
			await ctx.sql('INSERT INTO "C_LATE" VALUES (1)');
			const beforeTracking = await serverNow(ctx);
			await ctx.sql('ALTER TABLE "C_LATE" SET CHANGE_TRACKING = TRUE');
			const clockRead = await serverNow(ctx);
			await ctx.sql('INSERT INTO "C_LATE" VALUES (2)');
			const start2000 = (BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n).toString();
			return [
				'3 windows, one insert each, each emitted once',
				`start before tracking was enabled → ${await changesFrom(ctx, 'C_LATE', beforeTracking)}`,
				`start in 2000 (beyond retention) → ${await changesFrom(ctx, 'C_TILES', start2000)}`,
				`start at a clock read before an insert → ${await changesFrom(ctx, 'C_LATE', clockRead)}`,
			].join('; ');
		},
	},
];
