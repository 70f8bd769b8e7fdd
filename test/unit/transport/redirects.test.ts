/**
 * A 3xx is never followed and never retried: whatever the route (submit, status, partition, cancel),
 * the request fails with the status and the host the Location names, nothing else of the Location
 * (no path, query or user info), and no further request is sent.
 */
import { describe, expect, it } from 'vitest';

import { HANDLE, harness, json, resultSet, running, snowflakeError, statementPath } from './fakeSnowflake';

const SUBMIT = '/api/v2/statements';
const HOST = 'xy12345.snowflakecomputing.com';
const STAY = `The node never follows redirects, so the request and its credentials stay with ${HOST}. Check the credential's Account and Host, or a proxy between n8n and Snowflake.`;

const redirect = (status: number, location?: string) => json(status, {}, location === undefined ? {} : { location });

describe('redirects are refused', () => {
	it.each([301, 302, 303, 307, 308, 300, 304, 399])('HTTP %i on submit: a clear error naming the target host, one request', async (status) => {
		const { fake, client } = harness({ host: HOST });
		fake.on('POST', SUBMIT, [redirect(status, 'https://other.example.com/api/v2/statements?requestId=1&token=secret')]);
		const failure = client.execute({ statement: 'select 1' });
		await expect(failure).rejects.toEqual(
			snowflakeError('http', { httpStatus: status, message: `Snowflake answered HTTP ${status} with a redirect to other.example.com. ${STAY}` }),
		);
		await expect(failure).rejects.toHaveProperty('hint', expect.stringContaining('Snowflake itself does not redirect'));
		expect(fake.requests).toHaveLength(1);
	});

	it.each([
		['http://evil.example:8080/x', 'a redirect to evil.example:8080 (http://, unencrypted)'],
		['HTTPS://User:Pass@Other.Example.com:443/path?q=1#f', 'a redirect to other.example.com:443'],
		['//cdn.example.net/api', 'a redirect to cdn.example.net'],
		['/api/v2/elsewhere?x=1', `a redirect to another path on ${HOST}`],
		['ftp://files.example.org/', 'a redirect to files.example.org (ftp://)'],
		['https://bad<script>host"\u0000.example/', 'a redirect to badscripthost.example'],
		[`https://${'a'.repeat(100_000)}.example/`, 'a redirect to a host with no valid name (not repeated)'],
		[`https://${'a'.repeat(64)}.example/`, 'a redirect to a host with no valid name (not repeated)'],
		[`https://${'a'.repeat(63)}.example/`, `a redirect to ${'a'.repeat(63)}.example`],
		['https://eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJYIn0.c2lnbmF0dXJl/', 'a redirect to a host name shaped like a token (not repeated)'],
		['https://@/', 'a redirect to a host with no valid name (not repeated)'],
		['   ', 'a redirect without a Location'],
	])('Location %# is named as expected', async (location, named) => {
		const { fake, client } = harness({ host: HOST });
		fake.on('POST', SUBMIT, [redirect(307, location)]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toHaveProperty('message', `Snowflake answered HTTP 307 with ${named}. ${STAY}`);
	});

	it('no Location at all, and no configured host known', async () => {
		const { fake, client } = harness();
		fake.on('POST', SUBMIT, [redirect(302)]);
		await expect(client.execute({ statement: 'select 1' })).rejects.toHaveProperty(
			'message',
			expect.stringMatching(/^Snowflake answered HTTP 302 with a redirect without a Location\. .* stay with the configured host\./),
		);
	});

	it('on a status poll, a partition and a cancel: refused the same way, never retried', async () => {
		const poll = harness({ host: HOST });
		poll.fake.on('POST', SUBMIT, [running()]);
		poll.fake.on('GET', statementPath(), [redirect(301, 'https://other.example.com/')]);
		await expect(poll.client.execute({ statement: 'select 1' })).rejects.toHaveProperty('httpStatus', 301);
		expect(poll.fake.sent('GET', statementPath())).toHaveLength(1);

		const partitions = harness({ host: HOST });
		partitions.fake.on('POST', SUBMIT, [resultSet([1, 1])]);
		partitions.fake.on('GET', statementPath(), [redirect(308, 'https://other.example.com/')], 1);
		await expect(partitions.client.execute({ statement: 'select 1' })).rejects.toHaveProperty('httpStatus', 308);
		expect(partitions.fake.sent('GET', statementPath())).toHaveLength(1);

		const cancel = harness({ host: HOST });
		cancel.fake.on('POST', `${statementPath()}/cancel`, [redirect(307, 'https://other.example.com/')]);
		await expect(cancel.client.cancel(HANDLE)).rejects.toHaveProperty('message', expect.stringMatching(/^Snowflake answered HTTP 307 with a redirect to other\.example\.com\./));
		expect(cancel.fake.requests).toHaveLength(1);
	});

	it('a statementStatusUrl pointing to another host is never followed: the client polls its own path', async () => {
		const { fake, client } = harness({ host: HOST });
		const elsewhere = { ...running(), body: JSON.stringify({ ...JSON.parse(running().body as string), statementStatusUrl: 'https://other.example.com/steal?x=1' }) };
		fake.on('POST', SUBMIT, [elsewhere]);
		fake.on('GET', statementPath(), [resultSet([1])]);
		await expect(client.execute({ statement: 'select 1' })).resolves.toMatchObject({ numRows: 1 });
		expect(fake.requests.map((request) => request.path)).toEqual([SUBMIT, statementPath()]);
	});
});
