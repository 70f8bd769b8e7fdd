 
/** The bad-input cases: what the user configured, and the exact message the node must answer with. */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { TestKeys } from '../helpers/keys';

export interface BadInputCase {
	group: string;
	name: string;
	credentials?: ICredentialDataDecryptedObject;
	parameters?: IDataObject;
	items?: IDataObject[];
	onError?: 'continueRegularOutput';
	message: string | RegExp;
	/** Looks wrong but is accepted: the run succeeds against the emulator. */
	succeeds?: boolean;
}

/** PEM lines from parts: private-key headers may not appear literally in any file of the repo. */
function pemLine(kind: 'BEGIN' | 'END', label: string): string {
	return ['-----', kind, ' ', label, '-----'].join('');
}

const PASTE_AGAIN = 'paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines';
const TABLE = { __rl: true, mode: 'name', value: 'BAD_INPUT' };
const query = (sql: string, parameters?: Array<{ value: unknown; type: string }>, options: IDataObject = {}): IDataObject => ({
	operation: 'executeQuery',
	query: sql,
	options: parameters ? { ...options, queryParameters: { parameters } } : options,
});

export function badInputCases(keys: TestKeys, certificate: string): BadInputCase[] {
	const lines = keys.pkcs8.trim().split('\n');
	const truncated = [...lines.slice(0, Math.floor(lines.length / 2)), lines[lines.length - 1]].join('\n');
	const garbage = [pemLine('BEGIN', 'PRIVATE KEY'), 'bm90IGEga2V5IGF0IGFsbCwganVzdCBzb21lIHRleHQ=', 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=', pemLine('END', 'PRIVATE KEY')].join('\n');
	const key = (privateKey: string, privateKeyPassphrase = ''): ICredentialDataDecryptedObject => ({ privateKey, privateKeyPassphrase });
	const huge = `SELECT '${'x'.repeat(2 * 1024 * 1024)}'`;

	return [
		// ------------------------------------------------------------ private key shapes
		{ group: 'PEM', name: 'public key pasted', credentials: key(keys.publicKeyPem), message: "The private key field holds a public key (e.g. rsa_key.pub). Paste the private key (rsa_key.p8) here; the public key belongs on the Snowflake user (ALTER USER ... SET RSA_PUBLIC_KEY=...)." },
		{ group: 'PEM', name: 'public key body only', credentials: key(keys.publicKeyBody), message: "The private key is missing its BEGIN and END lines: paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines." },
		{ group: 'PEM', name: 'certificate', credentials: key(certificate), message: "The private key field holds a certificate, not a private key. Paste the RSA private key (e.g. rsa_key.p8) whose public key is registered on the Snowflake user." },
		{ group: 'PEM', name: 'truncated', credentials: key(truncated), message: "The private key is incomplete or damaged (it is cut off): paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines." },
		{ group: 'PEM', name: 'base64 garbage', credentials: key(garbage), message: "The private key contains characters that cannot be part of a PEM key (only base64 belongs between the BEGIN and END lines): paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines." },
		{ group: 'PEM', name: 'no PEM at all', credentials: key('my private key'), message: "The private key is not a PEM private key: paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines." },
		{ group: 'PEM', name: 'EC key', credentials: key(keys.ecPkcs8), message: "The private key is an EC key; Snowflake's SQL API key-pair flow here needs an RSA key of 2048 bits or more. Generate one with \"openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt\" and register its public key on the user (ALTER USER ... SET RSA_PUBLIC_KEY=...)." },
		{ group: 'PEM', name: '1024-bit RSA key', credentials: key(keys.rsa1024Pkcs8), message: "The private key is a 1024-bit RSA key; Snowflake needs 2048 bits or more. Generate one with \"openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt\" and register its public key on the user (ALTER USER ... SET RSA_PUBLIC_KEY=...)." },
		{ group: 'PEM', name: 'encrypted PKCS#8 without passphrase', credentials: key(keys.pkcs8Aes256), message: "The private key is encrypted but Private Key Passphrase is empty: enter the passphrase the key was encrypted with." },
		{ group: 'PEM', name: 'encrypted PKCS#8 with a wrong passphrase', credentials: key(keys.pkcs8Aes256, 'wrong passphrase'), message: "Private Key Passphrase is wrong: the key could not be decrypted with it. Enter the passphrase the key was encrypted with; if it is right, paste the key again (it may be damaged)." },
		{ group: 'PEM', name: 'encrypted PKCS#1 without passphrase', credentials: key(keys.pkcs1Encrypted), message: "The private key is encrypted but Private Key Passphrase is empty: enter the passphrase the key was encrypted with." },
		{ group: 'PEM', name: 'encrypted PKCS#1 with a wrong passphrase', credentials: key(keys.pkcs1Encrypted, 'wrong passphrase'), message: "Private Key Passphrase is wrong: the key could not be decrypted with it. Enter the passphrase the key was encrypted with; if it is right, paste the key again (it may be damaged)." },
		{ group: 'PEM', name: 'passphrase given for an unencrypted key', credentials: key(keys.pkcs8, 'unneeded'), message: '', succeeds: true },
		{ group: 'PEM', name: 'empty', credentials: key(''), message: "The private key is empty: paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines." },

		// ------------------------------------------------------------ accounts
		{ group: 'account', name: 'empty', credentials: { account: '' }, message: "Account is empty: enter your account identifier, e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)." },
		{ group: 'account', name: 'spaces inside', credentials: { account: 'my account' }, message: "Account contains spaces: enter your account identifier, e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)." },
		{ group: 'account', name: 'URL form with https:// (accepted: the claim is EMULATOR)', credentials: { account: 'https://emulator.snowflakecomputing.com' }, message: '', succeeds: true },
		{ group: 'account', name: 'URL form with a path (accepted)', credentials: { account: 'emulator.snowflakecomputing.com/console' }, message: '', succeeds: true },
		{ group: 'account', name: 'Snowsight URL', credentials: { account: 'https://app.snowflake.com/us-east-2/xy12345/worksheets' }, message: "Account is the Snowsight address (app.snowflake.com), not the account: copy the account identifier from Snowsight (account menu → View account details): enter your account identifier, e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)." },
		{ group: 'account', name: 'unicode', credentials: { account: 'äccount' }, message: "Account contains the non-ASCII character \"ä\": enter your account identifier, e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)." },
		{ group: 'account', name: '300 characters', credentials: { account: 'a'.repeat(300) }, message: "Account is 300 characters long (at most 255): enter your account identifier, e.g. myorg-myaccount or myorg.myaccount (organization and account name) or xy12345.us-east-2.aws (account locator with region)." },

		// ------------------------------------------------------------ hosts
		{ group: 'host', name: 'http to a public address', credentials: { host: 'http://xy12345.snowflakecomputing.com' }, message: "Host uses http:// for a non-loopback address (the token would travel unencrypted; http:// is only for 127.0.0.1, localhost or [::1]): enter only a host name (https:// is assumed), e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator; or leave Host empty to use the account's host." },
		{ group: 'host', name: 'ftp', credentials: { host: 'ftp://xy12345.snowflakecomputing.com' }, message: "Host uses ftp:// (only https://, or http:// for 127.0.0.1/localhost, is accepted): enter only a host name (https:// is assumed), e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator; or leave Host empty to use the account's host." },
		{ group: 'host', name: 'path injection', credentials: { host: 'https://xy12345.snowflakecomputing.com/api/v2/statements?x=' }, message: "Host must not contain a path, query or fragment: enter only a host name (https:// is assumed), e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator; or leave Host empty to use the account's host." },
		{ group: 'host', name: 'credentials in the URL', credentials: { host: 'https://user:secret@xy12345.snowflakecomputing.com' }, message: "Host must not contain a user name or password (user:pass@): enter only a host name (https:// is assumed), e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator; or leave Host empty to use the account's host." },

		// ------------------------------------------------------------ users
		{ group: 'user', name: 'empty', credentials: { user: '' }, message: "User is empty: enter the Snowflake user name the public key is registered on (ALTER USER <name> SET RSA_PUBLIC_KEY=...)." },
		{ group: 'user', name: 'in double quotes', credentials: { user: '"N8N_USER"' }, message: "User contains quotes: enter the Snowflake user name the public key is registered on (ALTER USER <name> SET RSA_PUBLIC_KEY=...), without quotes (MY_USER, not \"MY_USER\")." },
		{ group: 'user', name: 'in single quotes', credentials: { user: "'N8N_USER'" }, message: "User contains quotes: enter the Snowflake user name the public key is registered on (ALTER USER <name> SET RSA_PUBLIC_KEY=...), without quotes (MY_USER, not \"MY_USER\")." },

		// ------------------------------------------------------------ bindings
		{ group: 'bindings', name: 'text for a FIXED parameter', parameters: query('SELECT ?', [{ value: 'abc', type: 'FIXED' }]), message: "Query parameter 1: 'abc' is not a valid FIXED (expected an integer such as 42 or -7)" },
		{ group: 'bindings', name: 'an object for a BOOLEAN parameter', parameters: query('SELECT ?', [{ value: '={{ { a: 1 } }}', type: 'BOOLEAN' }]), message: "Query parameter 1: {\"a\":1} is not a valid BOOLEAN (expected true, false, 1, 0, yes or no)" },
		{ group: 'bindings', name: 'an array for a FIXED parameter', parameters: query('SELECT ?', [{ value: '={{ [1, 2] }}', type: 'FIXED' }]), message: "Query parameter 1: [1,2] cannot be bound as FIXED (expected an integer number, bigint or integer text)" },
		{ group: 'bindings', name: '2^64 as a number', parameters: query('SELECT ?', [{ value: '={{ 2 ** 64 }}', type: 'auto' }]), message: "Query parameter 1: 18446744073709552000 is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit" },
		{ group: 'bindings', name: '2^64 for a FIXED parameter', parameters: query('SELECT ?', [{ value: '={{ 2 ** 64 }}', type: 'FIXED' }]), message: "Query parameter 1: 18446744073709552000 is beyond JavaScript's exact integer range (2^53) and has already lost precision; pass it as a string to keep every digit" },
		{ group: 'bindings', name: 'February 30th', parameters: query('SELECT ?', [{ value: '2024-02-30', type: 'DATE' }]), message: "Query parameter 1: '2024-02-30' is not a valid DATE (expected YYYY-MM-DD)" },
		{ group: 'bindings', name: 'a word for a TIMESTAMP_NTZ', parameters: query('SELECT ?', [{ value: 'yesterday', type: 'TIMESTAMP_NTZ' }]), message: "Query parameter 1: 'yesterday' is not a valid TIMESTAMP_NTZ (expected an ISO date-time such as 2024-01-31T13:45:00.123456789)" },
		{ group: 'bindings', name: 'fewer parameters than placeholders', parameters: query('SELECT ?, ?', [{ value: '1', type: 'auto' }]), message: "The query has 2 placeholders but 1 query parameter was given" },
		{ group: 'bindings', name: 'more parameters than placeholders', parameters: query('SELECT ?', [{ value: '1', type: 'auto' }, { value: '2', type: 'auto' }]), message: "The query has 1 placeholder but 2 query parameters were given" },
		{ group: 'bindings', name: 'a long value echoed in the message', parameters: query('SELECT ?', [{ value: '9'.repeat(5000), type: 'DATE' }]), message: "Query parameter 1: '9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999…' is not a valid DATE (expected YYYY-MM-DD)" },

		// ------------------------------------------------------------ SQL
		{ group: 'SQL', name: 'empty', parameters: query('   '), message: "The query is empty. Enter the SQL to run." },
		{ group: 'SQL', name: 'PUT', parameters: query("PUT file:///tmp/data.csv @~/staged"), message: "PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead." },
		{ group: 'SQL', name: 'GET', parameters: query('GET @~/staged file:///tmp/'), message: "PUT and GET (file transfer) commands are not supported by the Snowflake SQL API; use a stage and COPY INTO instead." },
		{ group: 'SQL', name: 'a 2 MB statement', parameters: query(huge), message: "The SQL statement is 2,097,161 bytes; the Snowflake SQL API can retry a statement safely only up to 1 MB (1,048,576 bytes), so it was not sent. Split the work into several statements (Insert, Update, Upsert and Delete batch their rows to stay below it), or load files through a stage with COPY INTO." },
		{ group: 'SQL', name: 'two statements without the multi-statement option', parameters: query('SELECT 1; SELECT 2'), message: "The query holds 2 statements separated by \";\". Turn on Options > Multi-Statement to run them in one request, or send one statement." },

		// ------------------------------------------------------------ identifiers in Insert / Update / Upsert
		{ group: 'identifiers', name: 'Insert: a table name with an unclosed quote', parameters: { operation: 'insert', table: { ...TABLE, value: '"BAD_INPUT' }, dataMode: 'autoMapInputData' }, items: [{ id: 1 }], message: "Invalid table name '\"BAD_INPUT': a double quote opens a name but never closes it" },
		{ group: 'identifiers', name: 'Insert: a table name with four dotted parts', parameters: { operation: 'insert', table: { ...TABLE, value: 'a.b.c.d' }, dataMode: 'autoMapInputData' }, items: [{ id: 1 }], message: "Invalid table name 'a.b.c.d': it has 4 parts; use table, schema.table or database.schema.table" },
		{ group: 'identifiers', name: 'Insert: a table name with an empty dotted part', parameters: { operation: 'insert', table: { ...TABLE, value: 'db..table' }, dataMode: 'autoMapInputData' }, items: [{ id: 1 }], message: "Invalid table name 'db..table': part 2 is empty" },
		{ group: 'identifiers', name: 'Insert: text after a closing quote', parameters: { operation: 'insert', table: { ...TABLE, value: '"BAD"INPUT' }, dataMode: 'autoMapInputData' }, items: [{ id: 1 }], message: "Invalid table name '\"BAD\"INPUT': text follows the closing double quote (inside a quoted name, write \"\" for a double quote)" },
		{ group: 'identifiers', name: 'Insert: a column with a quote inside and text after it', items: [{ '"na"me': 'x' }], parameters: { operation: 'insert', table: TABLE, dataMode: 'autoMapInputData' }, message: "Invalid column name '\"na\"me': text follows the closing double quote (inside a quoted name, write \"\" for a double quote)" },
		{ group: 'identifiers', name: 'Insert: a unicode column with a control character', items: [{ 'nämé\u0007': 'x' }], parameters: { operation: 'insert', table: TABLE, dataMode: 'autoMapInputData' }, message: "Invalid column name 'nämé\\u0007': it contains a control character (U+0007)" },
		{ group: 'identifiers', name: 'Update: a match column with an unclosed quote', items: [{ id: 1, name: 'x' }], parameters: { operation: 'update', table: TABLE, dataMode: 'autoMapInputData', matchColumns: '"id' }, message: "Invalid column name '\"id': a double quote opens a name but never closes it" },
		{ group: 'identifiers', name: 'Update: a 300-character unicode column', items: [{ id: 1, ['é'.repeat(300)]: 'x' }], parameters: { operation: 'update', table: TABLE, dataMode: 'autoMapInputData', matchColumns: 'id' }, message: "Invalid column name 'éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé…': the name is longer than 255 characters" },
		{ group: 'identifiers', name: 'Upsert: a dotted table with a quoted unicode part left open', items: [{ id: 1 }], parameters: { operation: 'upsert', table: { ...TABLE, value: 'DB."Ünïcode' }, dataMode: 'autoMapInputData', matchColumns: 'id' }, message: "Invalid table name 'DB.\"Ünïcode': a double quote opens a name but never closes it" },
		{ group: 'identifiers', name: 'Upsert: no match columns', items: [{ id: 1 }], parameters: { operation: 'upsert', table: TABLE, dataMode: 'autoMapInputData', matchColumns: ' , ' }, message: "Enter the columns to match on." },

		// ------------------------------------------------------------ input caps (refused before any parsing)
		{ group: 'caps', name: 'a private key over 64 KB', credentials: key('A'.repeat(70_000)), message: `The private key is 70000 characters long, more than a key file can be (at most 65536): ${PASTE_AGAIN}, and nothing else.` },
		{ group: 'caps', name: 'a BEGIN line followed by 3,000 spaces (cubic before)', credentials: key(`${['-----', 'BEGIN'].join('')}${' '.repeat(3000)}x`), message: `The private key is incomplete or damaged (its END line is missing): ${PASTE_AGAIN}.` },
		{ group: 'caps', name: '30,000 backslashes as the key (quadratic before)', credentials: key('\\'.repeat(30_000)), message: `The private key is not a PEM private key: ${PASTE_AGAIN}.` },
		{ group: 'caps', name: 'a passphrase over 1024 characters', credentials: key(keys.pkcs8Aes256, 'p'.repeat(2000)), message: 'Private Key Passphrase is 2000 characters long, more than a key passphrase can be (at most 1024): enter the passphrase the key was encrypted with.' },
		{ group: 'caps', name: 'a 400-character host', credentials: { host: `${'h'.repeat(380)}.snowflakecomputing.com` }, message: "Host is 403 characters long (at most 300): enter only a host name (https:// is assumed), e.g. myorg-myaccount.privatelink.snowflakecomputing.com, or http://127.0.0.1:8080 for a local emulator; or leave Host empty to use the account's host." },
		{ group: 'caps', name: 'a 300-character user', credentials: { user: 'u'.repeat(300) }, message: 'User is 300 characters long (at most 255): enter the Snowflake user name the public key is registered on (ALTER USER <name> SET RSA_PUBLIC_KEY=...).' },
		{ group: 'caps', name: "the credential's role over 2048 characters", credentials: { role: 'r'.repeat(3000) }, message: `Invalid role of the credential '${'r'.repeat(100)}…': it is 3000 characters long, more than a name can be (at most 2048)` },
		{ group: 'caps', name: 'a warehouse typed By ID over 2048 characters', parameters: query('SELECT 1', undefined, { warehouse: { __rl: true, mode: 'id', value: 'w'.repeat(3000) } }), message: `Invalid warehouse '${'w'.repeat(100)}…': it is 3000 characters long, more than a name can be (at most 2048)` },
		{ group: 'caps', name: 'a table name of 100,000 quotes', parameters: { operation: 'insert', table: { ...TABLE, value: '"'.repeat(100_000) }, dataMode: 'autoMapInputData' }, items: [{ id: 1 }], message: `Invalid table name '${'"'.repeat(100)}…': it is 100000 characters long, more than a name can be (at most 2048)` },
		{ group: 'caps', name: 'a Query Tag over 2000 characters', parameters: query('SELECT 1', undefined, { queryTag: 't'.repeat(2001) }), message: 'Query Tag is 2001 characters long; Snowflake allows at most 2000: shorten it (or leave it empty).' },
	];
}
