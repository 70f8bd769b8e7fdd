import { SnowflakeConfigError } from '../errors';

/** The two names one account identifier turns into: the JWT claim account and the default API host. */
interface AccountIdentifier {
	/** Upper case, region/cloud/PrivateLink parts dropped: `XY12345`, `MYORG-MY_ACCOUNT`. */
	claimAccount: string;
	/** Full locator, lower case, `_` → `-` (host names cannot carry `_`): `xy12345.us-east-2.aws.snowflakecomputing.com`. */
	host: string;
}

const ACCOUNT_EXAMPLES =
	'e.g. myorg-myaccount (organization-account) or xy12345.us-east-2.aws (account locator with region)';
const MAX_IDENTIFIER_LENGTH = 255;
const DOMAIN_SUFFIX = /\.snowflakecomputing\.(?:com|cn)$/i;
const SNOWSIGHT_HOST = /(?:^|\.)app\.snowflake\.com$/i;

function accountError(problem: string): SnowflakeConfigError {
	return new SnowflakeConfigError(`Account ${problem}: enter your account identifier, ${ACCOUNT_EXAMPLES}.`);
}

/** Snowflake names are ASCII; anything else is a paste accident (smart quotes, non-breaking spaces...). */
function firstNonAscii(text: string): string | undefined {
	for (const char of text) {
		if (char.charCodeAt(0) > 0x7e) return char;
	}
	return undefined;
}

function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}

/**
 * Accepts what users paste (surrounding spaces, `https://<account>.snowflakecomputing.com/`, the bare host,
 * the bare identifier) and derives the claim account and the host.
 *
 * Claim: cut at the first `.` (drops region, cloud and `privatelink`; leaving them in gives 401 390144).
 * `.global` identifiers (`<locator>-<suffix>.global`) are cut at the first `-` instead, as the Python
 * connector and Airflow do: the global URL's first label is the locator plus a connection suffix. When a
 * `.global` identifier has no `-` before its first `.`, the first-dot rule applies (Snowflake documents that
 * periods in the claim make the JWT invalid).
 */
export function parseAccount(input: string | undefined): AccountIdentifier {
	let text = (input ?? '').trim();
	if (text === '') throw accountError('is empty');
	if (text.length > MAX_IDENTIFIER_LENGTH) {
		throw accountError(`is ${text.length} characters long (at most ${MAX_IDENTIFIER_LENGTH})`);
	}

	text = text.replace(/^https?:\/\//i, '');
	const pathStart = text.search(/[/?#]/);
	if (pathStart !== -1) text = text.slice(0, pathStart);
	if (SNOWSIGHT_HOST.test(text)) {
		throw accountError(
			'is the Snowsight address (app.snowflake.com), not the account: copy the account identifier from Snowsight (account menu → View account details)',
		);
	}

	let domain = '.snowflakecomputing.com';
	const suffix = DOMAIN_SUFFIX.exec(text);
	if (suffix) {
		domain = suffix[0].toLowerCase();
		text = text.slice(0, suffix.index);
	}

	if (/\s/.test(text)) throw accountError('contains spaces');
	const nonAscii = firstNonAscii(text);
	if (nonAscii !== undefined) throw accountError(`contains the non-ASCII character "${nonAscii}"`);
	const invalid = /[^A-Za-z0-9_.-]/.exec(text);
	if (invalid) {
		throw accountError(`contains "${invalid[0]}" (only letters, digits, "_", "-" and "." are allowed)`);
	}
	const labels = text.split('.');
	if (labels.some((label) => label === '')) throw accountError(`"${text}" has an empty part between dots`);

	let cut = text.indexOf('.');
	if (labels.slice(1).some((label) => label.toLowerCase() === 'global')) {
		const dash = text.indexOf('-');
		if (dash > 0 && dash < cut) cut = dash;
	}
	const claimPart = cut === -1 ? text : text.slice(0, cut);

	return {
		claimAccount: claimPart.toUpperCase(),
		host: `${text.toLowerCase().replace(/_/g, '-')}${domain}`,
	};
}

/** The claim user: upper case, as Snowflake's key-pair docs require. */
export function parseUser(input: string | undefined): string {
	const user = (input ?? '').trim();
	const what = 'enter the Snowflake user name the public key is registered on (ALTER USER <name> SET RSA_PUBLIC_KEY=...)';
	if (user === '') throw new SnowflakeConfigError(`User is empty: ${what}.`);
	if (/["'`]/.test(user)) {
		throw new SnowflakeConfigError(`User contains quotes: ${what}, without quotes (MY_USER, not "MY_USER").`);
	}
	if (hasControlCharacter(user)) {
		throw new SnowflakeConfigError(`User contains a line break or control character: ${what}, on one line.`);
	}
	if (user.length > MAX_IDENTIFIER_LENGTH) {
		throw new SnowflakeConfigError(
			`User is ${user.length} characters long (at most ${MAX_IDENTIFIER_LENGTH}): ${what}.`,
		);
	}
	return user.toUpperCase();
}
