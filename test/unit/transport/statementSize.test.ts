/**
 * Statements over 1 MB are refused before anything is sent: Snowflake cannot match a retried request
 * against a longer statement, so a lost answer could make the transport's resubmission run it twice.
 */
import { describe, expect, it } from 'vitest';

import { harness, resultSet, snowflakeError } from './fakeSnowflake';

const MAX_STATEMENT_BYTES = 1_048_576;
const SUBMIT = '/api/v2/statements';

describe('statement size', () => {
	it('accepts exactly 1 MB', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [resultSet([0])]);
		const statement = `SELECT '${'x'.repeat(MAX_STATEMENT_BYTES - 9)}'`;
		expect(Buffer.byteLength(statement)).toBe(MAX_STATEMENT_BYTES);
		await client.execute({ statement });
		expect(fake.sent('POST', SUBMIT).map((request) => request.body)).toEqual([{ statement }]);
	});

	it('refuses one byte more, counting UTF-8 bytes (not characters)', async () => {
		const { fake, client } = harness();
		const statement = `SELECT '${'é'.repeat((MAX_STATEMENT_BYTES - 8) / 2)}'`;
		expect(statement.length).toBeLessThan(MAX_STATEMENT_BYTES);
		const error = await client.submit({ statement }).catch((e: unknown) => e);
		expect(error).toEqual(snowflakeError('config'));
		expect((error as Error).message).toBe(
			'The SQL statement is 1,048,577 bytes; the Snowflake SQL API can retry a statement safely only up to 1 MB (1,048,576 bytes), so it was not sent. Split the work into several statements (Insert, Update, Upsert and Delete batch their rows to stay below it), or load files through a stage with COPY INTO.',
		);
		expect(fake.requests).toEqual([]);
	});

	it('sends nothing for a 2 MB statement', async () => {
		const { fake, client } = harness();
		await expect(client.execute({ statement: `SELECT '${'x'.repeat(2 * 1024 * 1024)}'` })).rejects.toThrow(/^The SQL statement is 2,097,161 bytes; /);
		expect(fake.requests).toEqual([]);
	});
});
