/* eslint-disable no-console -- the measured times are printed for the record */
/**
 * Pathological input for every user-facing text field, through the real parsing entry points: the
 * credential (private key, passphrase, account, user, host), the query (action and trigger), identifiers,
 * the list-search filter and the query tag. Each adversarial pattern (repeated delimiters, backslashes,
 * spaces, quotes, BEGIN lines, eyJ runs, nested brackets…) is parsed at 5 KB and at 100 KB, 20 times as
 * much, and the 100 KB parse must cost at most 200 times the 5 KB one (the minimum of 5 timings each, best of
 * up to 3 rounds): a linear parser measures 20 and, on a loaded CI machine, up to about 100 (caches and
 * garbage collection grow a little faster than the input), a quadratic one about 400, a cubic one 8000. Each timing repeats the parse as often
 * as it takes the 5 KB input about 2 ms (the same count for both sizes), so timer granularity does not
 * decide. No wall-clock threshold: the ratio is what is asserted; the times are printed at the end.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { afterAll, describe, expect, it } from 'vitest';

import { buildStatementRequest, quoteExactIdentifier, quoteQualifiedName, requestContext, resolveIdentifier, showLike } from '../../../nodes/SnowflakeSqlApi/helpers';
import { boundText, KeyPairAuth, requestAuth } from '../../../nodes/SnowflakeSqlApi/transport';
import type { SnowflakeKeyPairCredentials } from '../../helpers/fetchHttp';
import { querySource } from '../../../nodes/SnowflakeSqlApiTrigger/query';
import { testKeys } from '../../helpers/keys';

const SMALL = 5_000;
const LARGE = 100_000;
const MAX_RATIO = 200;
const REPETITIONS = 5;
/** How long one timing of the small input lasts at least: parses are repeated to reach it. */
const TIMING_MS = 2;
const MAX_TIMES = 2_000;

const keys = testKeys();
const measured: string[] = [];

/** `unit` repeated to `size` characters (cut to length), between `head` and `tail`. */
function fill(size: number, unit: string, head = '', tail = ''): string {
	const body = unit.repeat(Math.ceil(size / unit.length)).slice(0, Math.max(0, size - head.length - tail.length));
	return head + body + tail;
}

/** Runs `parse`, ignoring what it throws: a refusal is as good an outcome as a result here. */
function attempt(parse: (input: string) => unknown, input: string): void {
	try {
		parse(input);
	} catch {
		// refused: fine
	}
}

/** The minimum of REPETITIONS timings of `times` parses of `input`, per parse. */
function minimumMs(parse: (input: string) => unknown, input: string, times: number): number {
	let best = Number.POSITIVE_INFINITY;
	for (let i = 0; i < REPETITIONS; i++) {
		const start = performance.now();
		for (let n = 0; n < times; n++) attempt(parse, input);
		best = Math.min(best, performance.now() - start);
	}
	return best / times;
}

/**
 * Rounds of measurement: on a loaded machine one round can see the large input preempted for a while; a
 * super-linear parse fails every round, noise does not (the best round's ratio is asserted).
 */
const ROUNDS = 3;

/** The ratio test: the 100 KB input costs at most MAX_RATIO times the 5 KB input. */
function expectLinear(field: string, pattern: string, make: (size: number) => string, parse: (input: string) => unknown, sizes = { small: SMALL, large: LARGE }): void {
	const small = make(sizes.small);
	const large = make(sizes.large);
	attempt(parse, large); // warm-up: JIT, caches
	const once = minimumMs(parse, small, 1);
	const times = Math.min(MAX_TIMES, Math.max(1, Math.ceil(TIMING_MS / Math.max(once, 0.001))));
	let best = { smallMs: Number.POSITIVE_INFINITY, largeMs: Number.POSITIVE_INFINITY, ratio: Number.POSITIVE_INFINITY };
	for (let round = 0; round < ROUNDS && best.ratio > MAX_RATIO; round++) {
		const smallMs = minimumMs(parse, small, times);
		const largeMs = minimumMs(parse, large, times);
		if (largeMs / smallMs < best.ratio) best = { smallMs, largeMs, ratio: largeMs / smallMs };
	}
	const { smallMs, largeMs } = best;
	measured.push(`${field.padEnd(14)} ${pattern.padEnd(44)} ${smallMs.toFixed(4).padStart(9)} ms ${largeMs.toFixed(4).padStart(9)} ms  ×${times}`);
	expect(largeMs, `${field}, ${pattern}: ${smallMs.toFixed(4)} ms → ${largeMs.toFixed(4)} ms`).toBeLessThanOrEqual(MAX_RATIO * smallMs);
}

const dashes = (word: string) => ['-----', word].join('');
const beginLine = (label: string) => [dashes('BEGIN'), ` ${label}`, '-----'].join('');
const endLine = (label: string) => [dashes('END'), ` ${label}`, '-----'].join('');

const credentials = (fields: Partial<SnowflakeKeyPairCredentials>): SnowflakeKeyPairCredentials => ({
	account: 'xy12345',
	user: 'N8N_USER',
	privateKey: keys.pkcs8,
	...fields,
});

/** A fresh signer per parse, so a remembered failure does not hide the parsing cost. */
const parseCredentials = (fields: (input: string) => Partial<SnowflakeKeyPairCredentials>) => (input: string) =>
	new KeyPairAuth({ now: () => 1_700_000_000_000 }).describeCredentials(credentials(fields(input)));

/** Adversarial text shared by every field: each would trip a backtracking pattern somewhere. */
const ADVERSARIAL: Array<[string, (size: number) => string]> = [
	['spaces then x', (size) => fill(size, ' ', '', 'x')],
	['backslashes', (size) => fill(size, '\\')],
	['backslash-r pairs without n', (size) => fill(size, '\\r\\\\')],
	['double quotes', (size) => fill(size, '"', 'a', 'b')],
	['single quotes', (size) => fill(size, "'")],
	['backticks and quotes', (size) => fill(size, '`"\'')],
	['dashes', (size) => fill(size, '-')],
	['eyJ run without dots', (size) => fill(size, 'eyJ')],
	['eyJ with one dot each', (size) => fill(size, 'eyJa.')],
	['nested brackets', (size) => fill(size / 2, '(') + fill(size / 2, ')')],
	['dots', (size) => fill(size, '.')],
	['semicolons then x', (size) => fill(size, ';', '', 'x')],
	['block comment openers', (size) => fill(size, '/*')],
	['line comment markers', (size) => fill(size, '--')],
	['dollar pairs', (size) => fill(size, '$$ ')],
	['question marks', (size) => fill(size, '?')],
	['colon digits', (size) => fill(size, ':1 ')],
	['digits then x', (size) => fill(size, '1', '', 'x')],
	['https:// repeated', (size) => fill(size, 'https://')],
	['Bearer and spaces', (size) => fill(size, 'Bearer ', '', '')],
];

const PEM_PATTERNS: Array<[string, (size: number) => string]> = [
	['BEGIN, spaces, x (cubic before)', (size) => fill(size, ' ', dashes('BEGIN'), 'x')],
	['BEGIN lines repeated', (size) => fill(size, `${dashes('BEGIN')} A`)],
	['BEGIN label runs without dashes', (size) => fill(size, 'A', `${dashes('BEGIN')} `)],
	['one BEGIN, END lines broken', (size) => fill(size, `${dashes('END')} X `, beginLine('PRIVATE KEY'))],
	['BEGIN + base64 + END', (size) => fill(size, 'A', `${beginLine('PRIVATE KEY')}\n`, `\n${endLine('PRIVATE KEY')}`)],
	['Proc-Type and spaces', (size) => fill(size, ' ', `${beginLine('RSA PRIVATE KEY')}\nProc-Type:`, `x\n${endLine('RSA PRIVATE KEY')}`)],
	['DEK-Info and spaces', (size) => fill(size, ' ', `${beginLine('RSA PRIVATE KEY')}\nProc-Type: 4,ENCRYPTED\nDEK-Info:`, `\n${endLine('RSA PRIVATE KEY')}`)],
	['escaped newlines', (size) => fill(size, '\\n', beginLine('PRIVATE KEY'), endLine('PRIVATE KEY'))],
	['ssh-rsa and text', (size) => fill(size, 'A', 'ecdsa-sha2-', '')],
	...ADVERSARIAL,
];

describe('private key: linear up to the 64 KB cap, refused at once beyond', () => {
	it.each(PEM_PATTERNS)('%s', (pattern, make) => {
		// Up to the cap the text is parsed: 6 KB against 60 KB, the same 10× step.
		expectLinear('private key', pattern, make, parseCredentials((input) => ({ privateKey: input })), { small: 3_000, large: 60_000 });
		expectLinear('private key', `${pattern} (over the cap)`, make, parseCredentials((input) => ({ privateKey: input })));
	});

	it('refuses 100 KB with the cap message, before parsing', () => {
		const parse = parseCredentials((input) => ({ privateKey: input }));
		expect(() => parse(fill(LARGE, ' ', dashes('BEGIN'), 'x'))).toThrow(
			'The private key is 100000 characters long, more than a key file can be (at most 65536): paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines, and nothing else.',
		);
	});

	it('the cases of the issue keep their messages: a BEGIN line with 3,000 spaces, 30,000 backslashes', () => {
		const parse = parseCredentials((input) => ({ privateKey: input }));
		expect(() => parse(`${dashes('BEGIN')}${' '.repeat(3000)}x`)).toThrow(
			'The private key is incomplete or damaged (its END line is missing): paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines.',
		);
		expect(() => parse('\\'.repeat(30_000))).toThrow('The private key is not a PEM private key: paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines.');
	});
});

describe('programmatic access token: linear up to the 8 KB cap, refused at once beyond', () => {
	const parseToken = (input: string) => requestAuth('programmaticAccessToken', { account: 'xy12345', token: input }).auth.describe();

	it.each([...ADVERSARIAL, ['PEM lines', (size: number) => fill(size, `${dashes('BEGIN')} A\n`)] as [string, (size: number) => string]])('%s', (pattern, make) => {
		// Up to the cap the text is cleaned: 400 characters against 8,000, a 20× step.
		expectLinear('token', pattern, make, parseToken, { small: 400, large: 8_000 });
		expectLinear('token', `${pattern} (over the cap)`, make, parseToken);
	});
});

describe('the other credential fields', () => {
	it.each(ADVERSARIAL)('%s', (pattern, make) => {
		expectLinear('passphrase', pattern, make, parseCredentials((input) => ({ privateKey: keys.pkcs8Aes256, privateKeyPassphrase: input })));
		expectLinear('account', pattern, make, parseCredentials((input) => ({ account: input })));
		expectLinear('user', pattern, make, parseCredentials((input) => ({ user: input })));
		expectLinear('host', pattern, make, parseCredentials((input) => ({ host: input })));
	});

	it('refuses a 100 KB passphrase and host with their cap messages', () => {
		expect(() => parseCredentials((input) => ({ privateKey: keys.pkcs8Aes256, privateKeyPassphrase: input }))('p'.repeat(LARGE))).toThrow(
			'Private Key Passphrase is 100000 characters long, more than a key passphrase can be (at most 1024): enter the passphrase the key was encrypted with.',
		);
		expect(() => parseCredentials((input) => ({ host: input }))('h'.repeat(LARGE))).toThrow(/^Host is 100000 characters long \(at most 300\): /);
	});
});

const context = (query: string) =>
	({
		getNodeParameter: () => query,
		getWorkflow: () => ({ id: 'w' }),
		getExecutionId: () => 'e',
		getNode: () => ({ name: 'Snowflake' }),
	}) as unknown as IExecuteFunctions;

const runtime = { runner: undefined as never, credentials: {} };

function buildQuery(query: string, options: Record<string, unknown> = {}) {
	return buildStatementRequest(context(query), 0, { queryTag: '', ...options }, runtime);
}

describe('query text: placeholders, statements, comments', () => {
	it.each(ADVERSARIAL)('%s', (pattern, make) => {
		expectLinear('query', pattern, make, (input) => buildQuery(`SELECT ${input}`));
		expectLinear('query (multi)', pattern, make, (input) => buildQuery(`SELECT 1; ${input}`, { multiStatement: true }));
		expectLinear('trigger query', pattern, make, (input) => querySource(`SELECT * FROM t WHERE c >= :watermark ${input}`));
	});

	it('300,000 ? placeholders: a clear count mismatch, not a stack overflow', () => {
		expect(() => buildQuery(`SELECT ${'?,'.repeat(299_999)}?`)).toThrow('The query has 300000 placeholders but 0 query parameters were given');
	});

	it('300,000 numbered placeholders are checked for gaps in linear time', () => {
		const numbered = Array.from({ length: 300_000 }, (_, index) => `:${index + 1}`).join(',');
		expect(() => buildQuery(`SELECT ${numbered}`)).toThrow(/^The query uses placeholders :1 to :300000 but /);
	});
});

describe('identifiers, list-search filters and the query tag', () => {
	it.each(ADVERSARIAL)('%s', (pattern, make) => {
		expectLinear('table name', pattern, make, (input) => quoteQualifiedName(input));
		expectLinear('column name', pattern, make, (input) => resolveIdentifier(input));
		expectLinear('exact name', pattern, make, (input) => quoteExactIdentifier(input));
		expectLinear('filter', pattern, make, (input) => showLike(input));
		expectLinear('query tag', pattern, make, (input) => requestContext(context(''), { queryTag: input }, runtime));
		expectLinear('role option', pattern, make, (input) => requestContext(context(''), { queryTag: '', role: { __rl: true, mode: 'name', value: input } }, runtime));
	});

	it('identifiers under the cap are parsed in linear time too (2,000 against 100 characters)', () => {
		for (const [pattern, make] of ADVERSARIAL) {
			expectLinear('table name', `${pattern} (under the cap)`, make, (input) => quoteQualifiedName(input), { small: 100, large: 2_000 });
		}
	});

	it('refuses each with a clear message', () => {
		expect(() => quoteQualifiedName('"'.repeat(LARGE))).toThrow(`Invalid table name '${'"'.repeat(100)}…': it is 100000 characters long, more than a name can be (at most 2048)`);
		expect(() => showLike('%'.repeat(LARGE))).toThrow('The search filter is 100000 characters long; Snowflake names have at most 255, so nothing could match: type part of the name.');
		expect(() => requestContext(context(''), { queryTag: 't'.repeat(LARGE) }, runtime)).toThrow(
			'Query Tag is 100000 characters long; Snowflake allows at most 2000: shorten it (or leave it empty).',
		);
		expect(() => requestContext(context(''), { queryTag: '' }, { credentials: { ...runtime.credentials, warehouse: 'w'.repeat(LARGE) } })).toThrow(
			`Invalid warehouse of the credential '${'w'.repeat(100)}…': it is 100000 characters long, more than a name can be (at most 2048)`,
		);
	});
});

describe('server text (boundText)', () => {
	it.each(ADVERSARIAL)('%s', (pattern, make) => {
		expectLinear('server text', pattern, make, (input) => boundText(input));
	});

	it('a 1 MB eyJ run costs at most 200 times a 50 KB one (the 120 KB message that stalled 6 s)', () => {
		expectLinear('server text', 'eyJ run, 1 MB against 50 KB', (size) => fill(size, 'eyJ'), (input) => boundText(input), { small: 50_000, large: 1_000_000 });
	});
});

afterAll(() => {
	console.log(`field          pattern                                      min small    min large \n${measured.join('\n')}`);
});
