import { SnowflakeConfigError } from '../errors';

/** A private key block rebuilt from whatever a web form made of the pasted file. */
export interface NormalisedPrivateKey {
	/** Canonical PEM: BEGIN line, optional legacy encryption headers, 64-character base64 lines, END line. */
	pem: string;
	/** For messages. */
	format: 'PKCS#8' | 'PKCS#1';
	encrypted: boolean;
}

const PASTE_AGAIN =
	'paste the whole content of the private key file (e.g. rsa_key.p8), including its BEGIN and END lines';
const NEW_RSA_KEY =
	'Generate one with "openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt" and register its public key on the user (ALTER USER ... SET RSA_PUBLIC_KEY=...)';

/** Longer than any real key file (a 16384-bit encrypted PKCS#8 key is under 13 KB): refused before any parsing. */
const MAX_PRIVATE_KEY_LENGTH = 65_536;
const PROC_TYPE_ENCRYPTED = /Proc-Type:\s*4\s*,\s*ENCRYPTED/i;
const DEK_INFO = /DEK-Info:\s*([A-Za-z0-9-]+)\s*,\s*/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const OPENSSH_PUBLIC_KEY = /^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-\S+)\s/;

/** Shared with the KeyObject checks: a PKCS#8 block may wrap an EC or Ed25519 key too. */
export function nonRsaKeyError(kind: string): SnowflakeConfigError {
	return new SnowflakeConfigError(
		`The private key is ${kind}; Snowflake's SQL API key-pair flow here needs an RSA key of 2048 bits or more. ${NEW_RSA_KEY}.`,
	);
}

export function shortRsaKeyError(bits: number): SnowflakeConfigError {
	return new SnowflakeConfigError(
		`The private key is a ${bits}-bit RSA key; Snowflake needs 2048 bits or more. ${NEW_RSA_KEY}.`,
	);
}

function damagedKeyError(problem: string): SnowflakeConfigError {
	return new SnowflakeConfigError(`The private key is incomplete or damaged (${problem}): ${PASTE_AGAIN}.`);
}

const QUOTES = new Set(['"', "'", '`']);

/** `text` without the quote characters that surround it (a linear scan: no regex over user input). */
function stripSurroundingQuotes(text: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && QUOTES.has(text[start])) start++;
	while (end > start && QUOTES.has(text[end - 1])) end--;
	return text.slice(start, end);
}

/**
 * JSON-style escapes undone in one pass: any run of backslashes before `r` then a run before `n`, or
 * before `n`, `r` or `t`, becomes a newline; a run before `/` becomes `/`; other backslashes stay.
 * A scan rather than `/\\+r\\+n|\\+[nrt]/`, which backtracks quadratically over a long run of backslashes.
 */
function undoEscapes(text: string): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const next = text.indexOf('\\', i);
		if (next < 0) break;
		out += text.slice(i, next);
		let j = next;
		while (j < text.length && text[j] === '\\') j++;
		const c = text[j];
		if (c === 'r') {
			let k = j + 1;
			while (k < text.length && text[k] === '\\') k++;
			i = k > j + 1 && text[k] === 'n' ? k + 1 : j + 1;
			out += '\n';
		} else if (c === 'n' || c === 't') {
			out += '\n';
			i = j + 1;
		} else if (c === '/') {
			out += '/';
			i = j + 1;
		} else {
			out += text.slice(next, j);
			i = j;
		}
	}
	return out + text.slice(i);
}

/**
 * Undoes paste accidents: surrounding quotes, JSON-style escapes (`\n`, `\/`, doubled backslashes) and CRLF.
 * Base64 never contains quotes or backslashes, so none of this can alter real key material.
 */
function cleanPaste(input: string): string {
	return undoEscapes(stripSurroundingQuotes(input.trim()))
		.replace(/\r\n?/g, '\n')
		.trim();
}

function collapse(label: string): string {
	return label.replace(/\s+/g, ' ').trim();
}

/** The advice depends on what was pasted instead of a private key. */
function notAPrivateKeyError(label: string): SnowflakeConfigError {
	if (/PUBLIC KEY$/.test(label)) {
		return new SnowflakeConfigError(
			'The private key field holds a public key (e.g. rsa_key.pub). Paste the private key (rsa_key.p8) here; the public key belongs on the Snowflake user (ALTER USER ... SET RSA_PUBLIC_KEY=...).',
		);
	}
	if (/CERTIFICATE/.test(label)) {
		return new SnowflakeConfigError(
			'The private key field holds a certificate, not a private key. Paste the RSA private key (e.g. rsa_key.p8) whose public key is registered on the Snowflake user.',
		);
	}
	return new SnowflakeConfigError(`The private key field holds a "${label.slice(0, 40)}" block, not a private key: ${PASTE_AGAIN}.`);
}

function unsupportedPrivateKeyError(label: string): SnowflakeConfigError {
	if (label === 'EC PRIVATE KEY') return nonRsaKeyError('an EC key');
	if (label === 'DSA PRIVATE KEY') return nonRsaKeyError('a DSA key');
	if (label === 'OPENSSH PRIVATE KEY') {
		return new SnowflakeConfigError(
			'The private key is in OpenSSH format, which Snowflake does not use. Convert a copy to PKCS#8 with "ssh-keygen -p -m PKCS8 -f <copy of the key file>" (RSA keys only), or generate a key as Snowflake\'s key-pair guide shows.',
		);
	}
	return new SnowflakeConfigError(`The private key is a "${label.slice(0, 40)}" block, which is not supported: ${PASTE_AGAIN}.`);
}

function noPemBlockError(text: string): SnowflakeConfigError {
	if (/-----\s*BEGIN/.test(text)) return damagedKeyError('its END line is missing');
	if (OPENSSH_PUBLIC_KEY.test(text)) return notAPrivateKeyError('PUBLIC KEY');
	// A bare key body: long base64 (even a short RSA key's body is over 800 characters).
	const compact = text.replace(/\s+/g, '');
	if (compact.length >= 200 && BASE64.test(compact)) {
		return new SnowflakeConfigError(`The private key is missing its BEGIN and END lines: ${PASTE_AGAIN}.`);
	}
	return new SnowflakeConfigError(`The private key is not a PEM private key: ${PASTE_AGAIN}.`);
}

/** Checks the outer DER SEQUENCE length against the bytes present: a cheap, exact truncation test. */
function derProblem(der: Buffer): string | undefined {
	if (der.length < 2 || der[0] !== 0x30) return 'it does not start like a key';
	let length = der[1];
	let offset = 2;
	if (length & 0x80) {
		const lengthBytes = length & 0x7f;
		if (lengthBytes === 0 || lengthBytes > 4 || der.length < 2 + lengthBytes) return 'its length is invalid';
		length = 0;
		for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[2 + i];
		offset = 2 + lengthBytes;
	}
	if (offset + length > der.length) return 'it is cut off';
	if (offset + length < der.length) return 'it has extra data after the key';
	return undefined;
}

/** Pulls the legacy OpenSSL encryption headers out of a PKCS#1 body (they may share a line with the base64). */
function splitLegacyHeaders(body: string): { headers: string[]; body: string; blockBytes: number } {
	if (!PROC_TYPE_ENCRYPTED.test(body)) return { headers: [], body, blockBytes: 0 };
	const rest = body.replace(PROC_TYPE_ENCRYPTED, '');
	const dek = DEK_INFO.exec(rest);
	if (!dek) throw damagedKeyError('its DEK-Info line is missing');
	const cipher = dek[1].toUpperCase();
	// The IV is one cipher block in hex; its fixed length finds its end even when the line break was lost.
	const blockBytes = cipher.startsWith('DES') ? 8 : 16;
	const ivStart = dek.index + dek[0].length;
	const iv = rest.slice(ivStart, ivStart + blockBytes * 2);
	if (!/^[0-9A-Fa-f]+$/.test(iv) || iv.length !== blockBytes * 2) throw damagedKeyError('its DEK-Info line is invalid');
	return {
		headers: ['Proc-Type: 4,ENCRYPTED', `DEK-Info: ${cipher},${iv.toUpperCase()}`],
		body: rest.slice(0, dek.index) + rest.slice(ivStart + iv.length),
		blockBytes,
	};
}

const WHITESPACE = /\s/;
const LABEL_CHAR = /[A-Z0-9 ]/;
const DASHES = '-----';

function skipWhitespace(text: string, i: number): number {
	while (i < text.length && WHITESPACE.test(text[i])) i++;
	return i;
}

/**
 * The boundary line `-----<ws>WORD<ws>LABEL<ws>-----` starting at `start`, or undefined. Labels and bodies
 * may have lost their line breaks; labels are compared after collapsing spaces.
 */
function boundaryAt(text: string, start: number, word: 'BEGIN' | 'END'): { label: string; end: number } | undefined {
	let i = skipWhitespace(text, start + DASHES.length);
	if (!text.startsWith(word, i)) return undefined;
	i += word.length;
	const labelStart = i;
	i = skipWhitespace(text, i);
	if (i === labelStart) return undefined;
	const runStart = i;
	while (i < text.length && LABEL_CHAR.test(text[i])) i++;
	const label = collapse(text.slice(runStart, i));
	if (label === '') return undefined;
	i = skipWhitespace(text, i);
	return text.startsWith(DASHES, i) ? { label, end: i + DASHES.length } : undefined;
}

/**
 * The first boundary line of kind `word` at or after `from`. Each candidate is read up to the next character
 * that cannot continue it, so the scan is linear; the PEM regex it replaces backtracked cubically.
 */
function nextBoundary(text: string, from: number, word: 'BEGIN' | 'END'): { start: number; label: string; end: number } | undefined {
	for (let at = text.indexOf(DASHES, from); at >= 0; at = text.indexOf(DASHES, at + 1)) {
		const boundary = boundaryAt(text, at, word);
		if (boundary) return { start: at, ...boundary };
	}
	return undefined;
}

/** Every BEGIN … END block in `text`, each ending at the first END line after its BEGIN line. */
function pemBlocks(text: string): { label: string; body: string; endLabel: string }[] {
	const blocks: { label: string; body: string; endLabel: string }[] = [];
	let from = 0;
	for (;;) {
		const begin = nextBoundary(text, from, 'BEGIN');
		if (!begin) return blocks;
		const end = nextBoundary(text, begin.end, 'END');
		// A later BEGIN line cannot find an END line this one did not find.
		if (!end) return blocks;
		blocks.push({ label: begin.label, body: text.slice(begin.end, end.start), endLabel: end.label });
		from = end.end;
	}
}

/**
 * Finds the one private key block in pasted text and rebuilds a proper PEM from it, raising a
 * SnowflakeConfigError that says what to paste instead for anything else. Messages never quote the key.
 */
export function normalisePrivateKeyPem(input: string | undefined): NormalisedPrivateKey {
	if (input !== undefined && input.length > MAX_PRIVATE_KEY_LENGTH) {
		throw new SnowflakeConfigError(
			`The private key is ${input.length} characters long, more than a key file can be (at most ${MAX_PRIVATE_KEY_LENGTH}): ${PASTE_AGAIN}, and nothing else.`,
		);
	}
	const text = cleanPaste(input ?? '');
	if (text === '') throw new SnowflakeConfigError(`The private key is empty: ${PASTE_AGAIN}.`);

	const blocks = pemBlocks(text);
	if (blocks.length === 0) throw noPemBlockError(text);
	if (blocks.some((block) => block.label !== block.endLabel)) {
		throw damagedKeyError('its BEGIN and END lines do not match');
	}

	// A combined file (certificate + key) is fine as long as it holds exactly one private key.
	const privateBlocks = blocks.filter((block) => /PRIVATE KEY$/.test(block.label));
	if (privateBlocks.length === 0) throw notAPrivateKeyError(blocks[0].label);
	if (privateBlocks.length > 1) {
		throw new SnowflakeConfigError(`The private key field holds ${privateBlocks.length} private keys: paste only one.`);
	}
	const { label, body: rawBody } = privateBlocks[0];
	if (label !== 'PRIVATE KEY' && label !== 'ENCRYPTED PRIVATE KEY' && label !== 'RSA PRIVATE KEY') {
		throw unsupportedPrivateKeyError(label);
	}

	const legacy =
		label === 'RSA PRIVATE KEY' ? splitLegacyHeaders(rawBody) : { headers: [], body: rawBody, blockBytes: 0 };
	const base64 = legacy.body.replace(/\s+/g, '');
	if (base64 === '') throw damagedKeyError('it has no content between its BEGIN and END lines');
	if (!BASE64.test(base64)) {
		throw new SnowflakeConfigError(
			`The private key contains characters that cannot be part of a PEM key (only base64 belongs between the BEGIN and END lines): ${PASTE_AGAIN}.`,
		);
	}
	if (base64.length % 4 !== 0) throw damagedKeyError('its base64 is cut off');

	const der = Buffer.from(base64, 'base64');
	// Legacy-encrypted bodies are ciphertext: only their block alignment can be checked before decryption.
	let problem: string | undefined;
	if (legacy.blockBytes === 0) problem = derProblem(der);
	else if (der.length % legacy.blockBytes !== 0) problem = 'it is cut off';
	if (problem) throw damagedKeyError(problem);

	const lines = base64.match(/.{1,64}/g) ?? [];
	const pem = [
		`-----BEGIN ${label}-----`,
		...legacy.headers,
		...(legacy.headers.length > 0 ? [''] : []),
		...lines,
		`-----END ${label}-----`,
		'',
	].join('\n');
	return {
		pem,
		format: label === 'RSA PRIVATE KEY' ? 'PKCS#1' : 'PKCS#8',
		encrypted: label === 'ENCRYPTED PRIVATE KEY' || legacy.headers.length > 0,
	};
}
