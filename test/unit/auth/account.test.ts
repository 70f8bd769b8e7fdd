import { describe, it, expect } from 'vitest';

import type { SnowflakeKeyPairCredentials } from '../../helpers/fetchHttp';
import { testKeys } from '../../helpers/keys';
import { captureError, described, CONFIG_ERROR } from './support';

const keys = testKeys();

/** Claim account and host derived from what was entered as Account (a valid user and key around it). */
function parseAccount(account: string | undefined): { claimAccount: string; host: string } {
	const { claimAccount, host, baseUrl } = described(keys.pkcs8, { account } as Partial<SnowflakeKeyPairCredentials>);
	expect(baseUrl).toBe(`https://${host}`);
	return { claimAccount, host };
}

/** The claim user derived from what was entered as User. */
function parseUser(user: string | undefined): string {
	return described(keys.pkcs8, { user } as Partial<SnowflakeKeyPairCredentials>).user;
}

describe('Account: claim account and host', () => {
	it.each([
		// [entered, claim account, host]
		['xy12345', 'XY12345', 'xy12345.snowflakecomputing.com'],
		['xy12345.ap-southeast-2', 'XY12345', 'xy12345.ap-southeast-2.snowflakecomputing.com'],
		['xy12345.us-east-2.aws', 'XY12345', 'xy12345.us-east-2.aws.snowflakecomputing.com'],
		['xy12345.us-east-1.privatelink', 'XY12345', 'xy12345.us-east-1.privatelink.snowflakecomputing.com'],
		['XY12345.US-EAST-2.AWS', 'XY12345', 'xy12345.us-east-2.aws.snowflakecomputing.com'],
		['myorg-myaccount', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['myorg-myaccount.privatelink', 'MYORG-MYACCOUNT', 'myorg-myaccount.privatelink.snowflakecomputing.com'],
		['myorg-my_account', 'MYORG-MY_ACCOUNT', 'myorg-my-account.snowflakecomputing.com'],
		['  myorg-myaccount  ', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['\tmyorg-myaccount\n', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['myorg-myaccount.snowflakecomputing.com', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['https://myorg-myaccount.snowflakecomputing.com/', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['HTTPS://MyOrg-MyAccount.SnowflakeComputing.com', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		[
			'https://xy12345.ap-southeast-2.snowflakecomputing.com/console#/internal/worksheet',
			'XY12345',
			'xy12345.ap-southeast-2.snowflakecomputing.com',
		],
		['xy12345.us-east-2.aws.snowflakecomputing.com/', 'XY12345', 'xy12345.us-east-2.aws.snowflakecomputing.com'],
		['xy12345.cn-north-1.snowflakecomputing.cn', 'XY12345', 'xy12345.cn-north-1.snowflakecomputing.cn'],
		// .global: the Python connector's rule (cut at the first "-"), see parseAccount's comment.
		['testaccount-user.global', 'TESTACCOUNT', 'testaccount-user.global.snowflakecomputing.com'],
		['xy12345-abcdef.global.snowflakecomputing.com', 'XY12345', 'xy12345-abcdef.global.snowflakecomputing.com'],
		// ... and without a "-" the first-dot rule, so no period reaches the claim.
		['s3testaccount.global', 'S3TESTACCOUNT', 's3testaccount.global.snowflakecomputing.com'],
		// org.account, as Snowsight's account details and SQL write it.
		['myorg.myaccount', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['MyOrg.MyAccount', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['myorg.my_account', 'MYORG-MY_ACCOUNT', 'myorg-my-account.snowflakecomputing.com'],
		['myorg.myaccount.privatelink', 'MYORG-MYACCOUNT', 'myorg-myaccount.privatelink.snowflakecomputing.com'],
		['myorg.myaccount.snowflakecomputing.com', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		['https://myorg.myaccount.snowflakecomputing.com/', 'MYORG-MYACCOUNT', 'myorg-myaccount.snowflakecomputing.com'],
		// ... told apart from locator.region[.cloud]: every region segment has a hyphen, or a cloud follows.
		['xy12345.us-east-1', 'XY12345', 'xy12345.us-east-1.snowflakecomputing.com'],
		['xy12345.eu-central-1', 'XY12345', 'xy12345.eu-central-1.snowflakecomputing.com'],
		['xy12345.ap-northeast-1.aws', 'XY12345', 'xy12345.ap-northeast-1.aws.snowflakecomputing.com'],
		['xy12345.east-us-2.azure', 'XY12345', 'xy12345.east-us-2.azure.snowflakecomputing.com'],
		['xy12345.us-gov-virginia.azure', 'XY12345', 'xy12345.us-gov-virginia.azure.snowflakecomputing.com'],
		['xy12345.us-central1.gcp', 'XY12345', 'xy12345.us-central1.gcp.snowflakecomputing.com'],
		['xy12345.europe-west4.gcp', 'XY12345', 'xy12345.europe-west4.gcp.snowflakecomputing.com'],
		['xy12345.eastus2.azure', 'XY12345', 'xy12345.eastus2.azure.snowflakecomputing.com'],
		['xy12345.azure', 'XY12345', 'xy12345.azure.snowflakecomputing.com'],
		['xy12345.privatelink', 'XY12345', 'xy12345.privatelink.snowflakecomputing.com'],
		['xy12345.us-west-2.privatelink', 'XY12345', 'xy12345.us-west-2.privatelink.snowflakecomputing.com'],
	])('%j → claim %s, host %s', (entered, claimAccount, host) => {
		expect(parseAccount(entered)).toEqual({ claimAccount, host });
	});

	it('keeps "-" that are not part of a .global suffix (the Snowflake doc sample bug)', () => {
		expect(parseAccount('acct-with-dashes').claimAccount).toBe('ACCT-WITH-DASHES');
		expect(parseAccount('myorg-myaccount.us-east-1').claimAccount).toBe('MYORG-MYACCOUNT');
	});
});

describe('Account: rejected input says what to enter', () => {
	it.each([
		['', /Account is empty/],
		['   ', /Account is empty/],
		[undefined, /Account is empty/],
		['my org-account', /contains spaces/],
		['myorg-myaccount\u00a0x', /contains spaces/],
		['myorg-myaccöunt', /non-ASCII character "ö"/],
		['myörg', /non-ASCII/],
		['a'.repeat(256), /256 characters long \(at most 255\)/],
		['myorg+myaccount', /contains "\+"/],
		['myorg-myaccount:443', /contains ":"/],
		['ftp://myorg-myaccount', /contains ":"/],
		['xy12345..us-east-2', /empty part between dots/],
		['.xy12345', /empty part between dots/],
		['https://app.snowflake.com/myorg/myaccount/', /Snowsight address/],
	])('%j', async (entered, message) => {
		const error = await captureError(() => parseAccount(entered));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/enter your account identifier, e\.g\. myorg-myaccount/);
	});

	it('accepts exactly 255 characters', () => {
		expect(parseAccount('a'.repeat(255)).claimAccount).toBe('A'.repeat(255));
	});
});

describe('User: the claim user', () => {
	it.each([
		['my_user', 'MY_USER'],
		['  John.Doe@Example.com ', 'JOHN.DOE@EXAMPLE.COM'],
		['MY_USER', 'MY_USER'],
	])('%j → %s', (entered, claimUser) => {
		expect(parseUser(entered)).toBe(claimUser);
	});

	it.each([
		['', /User is empty/],
		[undefined, /User is empty/],
		['"MY_USER"', /without quotes/],
		["'my_user'", /without quotes/],
		['my\u0000user', /control character/],
		['my\u0007user', /control character/],
		['u'.repeat(256), /256 characters long/],
	])('rejects %j', async (entered, message) => {
		const error = await captureError(() => parseUser(entered));
		expect(error).toMatchObject(CONFIG_ERROR);
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/enter the Snowflake user name the public key is registered on/);
	});
});
