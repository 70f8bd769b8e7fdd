/**
 * Redirects are never followed: n8n's HTTP helpers re-send the Authorization header (and, on 307/308,
 * the statement and its bindings) to wherever a Location points, whatever the host or scheme. The
 * adapters switch following off; any 3xx that comes back is refused here with the status and the
 * host it pointed to, never the Location's path or query.
 */
import { SnowflakeHttpError } from './errors';
import type { HttpResponse } from './types';

/** Only the start of a Location is read: enough for any scheme and host name. */
const MAX_LOCATION_READ = 1024;
/** A DNS name is at most 253 characters (labels at most 63); with a port and brackets a little more. */
const MAX_HOST_LENGTH = 270;
const MAX_LABEL_LENGTH = 63;
/** The start of a JWT (base64url of `{"`): a server may echo the token it was sent. */
const TOKEN_SHAPED = /eyJ[\w-]*\./;
/** `scheme://authority`: anchored, bounded classes, linear on any input. */
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]{0,30}):\/\/([^/?#\\]*)/;
const SCHEME_RELATIVE = /^\/\/([^/?#\\]*)/;

const REDIRECT_HINT =
	'Snowflake itself does not redirect SQL API requests: a redirect usually comes from a wrong account identifier or Host (a missing region or PrivateLink part), or from a proxy, gateway or captive portal in between.';

export function isRedirect(status: number): boolean {
	return status >= 300 && status <= 399;
}

/** Where a Location points, as `host[:port]` plus its scheme; undefined for a relative Location. */
function redirectTarget(location: string): { host: string; scheme?: string } | undefined {
	const text = location.slice(0, MAX_LOCATION_READ).trim();
	const absolute = ABSOLUTE.exec(text);
	const authority = absolute ? absolute[2] : SCHEME_RELATIVE.exec(text)?.[1];
	if (authority === undefined) return undefined;
	// Anything before '@' is a user name or password: never repeated.
	const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
	const host = hostPart.replace(/[^A-Za-z0-9.:[\]-]/g, '').toLowerCase();
	return { host: nameable(hostPart, host), scheme: absolute?.[1].toLowerCase() };
}

/** The host as it may be quoted: never something shaped like a token, nor a name no DNS would accept. */
function nameable(raw: string, host: string): string {
	if (TOKEN_SHAPED.test(raw)) return 'a host name shaped like a token (not repeated)';
	if (host === '' || host.length > MAX_HOST_LENGTH || host.split('.').some((label) => label.length > MAX_LABEL_LENGTH)) {
		return 'a host with no valid name (not repeated)';
	}
	return host;
}

function describeTarget(location: string | undefined, configuredHost: string): string {
	if (location === undefined || location.trim() === '') return 'a redirect without a Location';
	const target = redirectTarget(location);
	if (target === undefined) return `a redirect to another path on ${configuredHost}`;
	const scheme = target.scheme === undefined || target.scheme === 'https' ? '' : ` (${target.scheme.slice(0, 10)}://${target.scheme === 'http' ? ', unencrypted' : ''})`;
	return `a redirect to ${target.host}${scheme}`;
}

/** The error for any 3xx: never retried, and nothing is sent to the target. */
export function redirectRefused(response: HttpResponse, host: string | undefined): SnowflakeHttpError {
	const configuredHost = host ?? 'the configured host';
	return new SnowflakeHttpError(
		`Snowflake answered HTTP ${response.status} with ${describeTarget(response.headers.location, configuredHost)}. The node never follows redirects, so the request and its credentials stay with ${configuredHost}. Check the credential's Account and Host, or a proxy between n8n and Snowflake.`,
		{ httpStatus: response.status, hint: REDIRECT_HINT },
	);
}
