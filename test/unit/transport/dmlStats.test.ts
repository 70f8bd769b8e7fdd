/**
 * DML stats (issue 14, fact 8): Snowflake's pages put `stats` at the top level of the ResultSet in some places
 * and in `resultSetMetaData` in others; the client reads both, on submit and on a later status read.
 */
import { describe, expect, it } from 'vitest';

import { harness, json, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';

function inserted(where: { stats?: unknown; metaStats?: unknown }) {
	return json(200, {
		resultSetMetaData: {
			numRows: 1,
			format: 'jsonv2',
			rowType: [{ name: 'number of rows inserted', type: 'fixed', scale: 0, precision: 19, nullable: false }],
			...(where.metaStats === undefined ? {} : { stats: where.metaStats }),
		},
		data: [['3']],
		code: '090001',
		message: 'Statement executed successfully.',
		statementHandle: 'h-1',
		...(where.stats === undefined ? {} : { stats: where.stats }),
	});
}

async function statsOf(response: ReturnType<typeof json>) {
	const { fake, client } = harness();
	fake.on('POST', SUBMIT, [response]);
	fake.on('GET', statementPath('h-1'), [response]);
	const executed = await client.execute({ statement: 'insert into t values (1), (2), (3)' });
	const page = await client.getStatement('h-1');
	expect(page.stats).toEqual(executed.stats);
	return executed.stats;
}

describe('DML stats', () => {
	it.each([
		['at the top level', { stats: { numRowsInserted: 3 } }],
		['in resultSetMetaData', { metaStats: { numRowsInserted: 3 } }],
		['in both, equal', { stats: { numRowsInserted: 3 }, metaStats: { numRowsInserted: 3 } }],
	])('%s', async (_label, where) => {
		expect(await statsOf(inserted(where))).toEqual({ numRowsInserted: 3 });
	});

	it('takes each field from the top level first, then from resultSetMetaData', async () => {
		const stats = await statsOf(
			inserted({
				stats: { numRowsInserted: 3, numRowsUpdated: 'many' },
				metaStats: { numRowsInserted: 99, numRowsUpdated: 2, numRowsDeleted: '4', numDuplicateRowsUpdated: 0 },
			}),
		);
		expect(stats).toEqual({ numRowsInserted: 3, numRowsUpdated: 2, numRowsDeleted: 4, numDuplicateRowsUpdated: 0 });
	});

	it.each([
		['none at all', {}],
		['not objects', { stats: 'n/a', metaStats: [3] }],
		['no count that is a whole number of 0 or more', { stats: { numRowsInserted: -1, numRowsUpdated: 1.5 }, metaStats: { numRowsDeleted: '1e3', numDuplicateRowsUpdated: '12345678901234567' } }],
		['only fields Snowflake does not document', { stats: { numRowsMerged: 3 } }],
	])('leaves stats out when there are %s', async (_label, where) => {
		expect(await statsOf(inserted(where))).toBeUndefined();
	});
});
