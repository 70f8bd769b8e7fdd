import { SnowflakeConfigError } from '../errors';

/** Where requests go: `host` is the authority (`name[:port]`), `baseUrl` adds the scheme. */
export interface Endpoint {
	host: string;
	baseUrl: string;
}

const HOST_EXAMPLES =
	'e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator';
/** A host name has at most 253 characters; with a scheme, a port and a trailing slash, this is plenty. */
const MAX_HOST_LENGTH = 300;
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

function hostError(problem: string): SnowflakeConfigError {
	return new SnowflakeConfigError(
		`Host ${problem}: enter only a host name (https:// is assumed), ${HOST_EXAMPLES}; or leave Host empty to use the account's host.`,
	);
}

/** http:// is only safe where the token cannot leave the machine: the local emulator. */
function isLoopback(hostname: string): boolean {
	const name = hostname.toLowerCase();
	if (name === 'localhost' || name === '[::1]') return true;
	const octets = name.split('.');
	return (
		octets.length === 4 &&
		octets[0] === '127' &&
		octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
	);
}

/**
 * The `host` override (PrivateLink, proxies, the emulator): a bare host means https; a URL may be
 * `https://` anywhere or `http://` on loopback. Userinfo, paths, queries and fragments are refused because
 * the node builds its own paths and the JWT must not ride along to a different authority.
 */
export function parseHostOverride(input: string): Endpoint {
	const text = input.trim();
	if (text.length > MAX_HOST_LENGTH) throw hostError(`is ${text.length} characters long (at most ${MAX_HOST_LENGTH})`);
	if (/\s/.test(text)) throw hostError('contains spaces');

	let scheme = 'https';
	let rest = text;
	const withScheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(text);
	if (withScheme) {
		scheme = withScheme[1].toLowerCase();
		rest = withScheme[2];
	}
	if (scheme !== 'https' && scheme !== 'http') {
		throw hostError(`uses ${scheme}:// (only https://, or http:// for 127.0.0.1/localhost, is accepted)`);
	}

	const authorityEnd = rest.search(/[/?#]/);
	const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
	const tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
	if (authority.includes('@')) throw hostError('must not contain a user name or password (user:pass@)');
	if (tail !== '' && tail !== '/') throw hostError('must not contain a path, query or fragment');

	const parts = AUTHORITY.exec(authority);
	const hostname = parts?.[1] ?? '';
	const port = parts?.[2];
	if (!parts || hostname.split('.').some((label) => label === '')) {
		throw hostError(authority === '' ? 'is missing its host name' : 'is not a valid host name');
	}
	if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
		throw hostError(`has port ${port} (1-65535 expected)`);
	}
	if (scheme === 'http' && !isLoopback(hostname)) {
		throw hostError(
			'uses http:// for a non-loopback address (the token would travel unencrypted; http:// is only for 127.0.0.1, localhost or [::1])',
		);
	}

	const host = authority.toLowerCase();
	return { host, baseUrl: `${scheme}://${host}` };
}
