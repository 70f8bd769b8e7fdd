import { describe, it, expect } from 'vitest';

import { testKeys } from '../../helpers/keys';
import { captureError, described, CONFIG_ERROR } from './support';

const keys = testKeys();

/** Where requests go when Host is `host` (a valid account, user and key around it). */
function parseHostOverride(host: string): { host: string; baseUrl: string } {
	const endpoint = described(keys.pkcs8, { host });
	return { host: endpoint.host, baseUrl: endpoint.baseUrl };
}

describe('Host override: accepted hosts', () => {
	it.each([
		// [entered, host, baseUrl]
		[
			'myorg-myaccount.privatelink.snowflakecomputing.com',
			'myorg-myaccount.privatelink.snowflakecomputing.com',
			'https://myorg-myaccount.privatelink.snowflakecomputing.com',
		],
		[
			'  https://XY12345.us-east-1.privatelink.snowflakecomputing.com/  ',
			'xy12345.us-east-1.privatelink.snowflakecomputing.com',
			'https://xy12345.us-east-1.privatelink.snowflakecomputing.com',
		],
		['HTTPS://proxy.example.com:8443', 'proxy.example.com:8443', 'https://proxy.example.com:8443'],
		['http://127.0.0.1:8080', '127.0.0.1:8080', 'http://127.0.0.1:8080'],
		['http://127.8.9.10:9000/', '127.8.9.10:9000', 'http://127.8.9.10:9000'],
		['http://localhost:4000', 'localhost:4000', 'http://localhost:4000'],
		['http://LOCALHOST', 'localhost', 'http://localhost'],
		['http://[::1]:8080', '[::1]:8080', 'http://[::1]:8080'],
		['127.0.0.1:8080', '127.0.0.1:8080', 'https://127.0.0.1:8080'],
	])('%j → %s', (entered, host, baseUrl) => {
		expect(parseHostOverride(entered)).toEqual({ host, baseUrl });
	});
});

describe('Host override: rejected hosts say what to enter', () => {
	it.each([
		['ftp://myorg-myaccount.snowflakecomputing.com', /uses ftp:\/\//],
		['ws://127.0.0.1:8080', /uses ws:\/\//],
		['http://myorg-myaccount.snowflakecomputing.com', /http:\/\/ for a non-loopback address/],
		['http://10.0.0.5:8080', /non-loopback/],
		['http://128.0.0.1', /non-loopback/],
		['http://127.0.0.256', /non-loopback/],
		['http://localhost.example.com', /non-loopback/],
		['https://user:secret@myorg-myaccount.snowflakecomputing.com', /user name or password/],
		['admin@myorg-myaccount.snowflakecomputing.com', /user name or password/],
		['https://myorg-myaccount.snowflakecomputing.com/api/v2', /path, query or fragment/],
		['https://myorg-myaccount.snowflakecomputing.com?x=1', /path, query or fragment/],
		['https://myorg-myaccount.snowflakecomputing.com/#frag', /path, query or fragment/],
		['myorg myaccount.snowflakecomputing.com', /contains spaces/],
		['https://', /missing its host name/],
		['https://my_host.example.com', /not a valid host name/],
		['https://exa..mple.com', /not a valid host name/],
		['https://example.com:0', /port 0/],
		['https://example.com:70000', /port 70000/],
		['https://example.com:abc', /not a valid host name/],
	])('%j', async (entered, message) => {
		const error = await captureError(() => parseHostOverride(entered));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/enter only a host name \(https:\/\/ is assumed\)/);
	});

	it('never repeats a password typed into the host field', async () => {
		const error = await captureError(() => parseHostOverride('https://user:hunter2@example.com'));
		expect(error.message).not.toContain('hunter2');
	});
});
