import { SnowflakeConfigError } from '../errors';

/** The two names one account identifier turns into: the JWT claim account and the default API host. */
interface AccountIdentifier {
	/** Upper case, region/cloud/PrivateLink parts dropped, `org.account` joined by `-`: `XY12345`, `MYORG-MY_ACCOUNT`. */
	claimAccount: string;
	/** Full locator, lower case, `_` → `-` (host names cannot carry `_`): `xy12345.us-east-2.aws.snowflakecomputing.com`. */
	host: string;
}

const ACCOUNT_EXAMPLES =
	'e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)';
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
 * Claim: `org.account` becomes `ORG-ACCOUNT` (isOrganizationDotAccount); otherwise cut at the first `.`
 * (drops region, cloud and `privatelink`; leaving them in gives 401 390144).
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

	if (isOrganizationDotAccount(labels)) {
		// `myorg.myaccount` (how Snowsight and SQL write it) is `myorg-myaccount`: Snowflake documents that
		// periods in the claim make the JWT invalid and must become hyphens; the host is the dashed name too.
		const orgAccount = `${labels[0]}-${labels[1]}`;
		return {
			claimAccount: orgAccount.toUpperCase(),
			host: `${[orgAccount, ...labels.slice(2)].join('.').toLowerCase().replace(/_/g, '-')}${domain}`,
		};
	}

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

/** Labels after a locator that are not a region: the cloud, PrivateLink, and the .global connection suffix. */
const NOT_A_REGION = new Set(['aws', 'gcp', 'azure', 'privatelink', 'global']);

/**
 * `<org>.<account>[.privatelink]` rather than `<locator>.<region>[.<cloud>]`. Every region segment of a
 * locator URL has a hyphen (us-east-1, us-east-2.aws, east-us-2.azure, us-central1.gcp, the bare
 * us-west-2 locator has none at all), while organization and account names cannot contain one (letters,
 * digits and `_` only), so a hyphen-free second label after a hyphen-free first label is an account name.
 * Split labels only, no regular expression: linear in the (capped) input.
 */
function isOrganizationDotAccount(labels: readonly string[]): boolean {
	if (labels.length < 2 || labels[0].includes('-') || labels[1].includes('-')) return false;
	if (NOT_A_REGION.has(labels[1].toLowerCase())) return false;
	return labels.slice(2).every((label) => label.toLowerCase() === 'privatelink');
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
