/**
 * Random jsonv2 partition bodies for the differential fuzz tests of the partition decoder
 * (test/unit/decoder/partitionScan.fuzz.test.ts) and of results written as files from the partitions'
 * bytes (test/unit/files/renderPartition.fuzz.test.ts): random cells of every type, canonical and
 * malformed (escapes of every JSON kind, unicode, astral and lone surrogates, invalid UTF-8 bytes,
 * exponents, -0, huge scales and digit counts, nulls, nested and non-strict VARIANT), in bodies of
 * canonical structure (random white space, escapes) and in broken ones (cut off, extra keys, cells that
 * are not strings, rows of the wrong width, invalid escapes, control characters, trailing text).
 */
import { createRowDecoder, type DecodedRow, type DecodeOptions, type RowType } from '../../nodes/SnowflakeSqlApi/decoder';
import { seeded } from './seeded';

export interface Case {
	rowType: RowType[];
	options: DecodeOptions;
	body: string | Uint8Array;
	/** Built in the canonical structure: the partition decoder must read it. */
	canonical: boolean;
	limit: number;
	cells: number;
}

/** A generator of random cases; the same seed gives the same cases. */
export function partitionCases(seed: number): () => Case {
	const random = seeded(seed);
	const int = (n: number) => Math.floor(random() * n);
	const chance = (p: number) => random() < p;
	const pick = <T>(values: readonly T[]): T => values[int(values.length)];
	const digits = (n: number, leadingZero = true) => {
		let text = leadingZero ? '' : String(1 + int(9));
		while (text.length < n) text += String(int(10));
		return text;
	};

	// ---------------------------------------------------------------- cells

	/** Characters that stress strings: quotes, backslashes, controls, non-ASCII, astral, lone surrogates. */
	const ODD_CHARACTERS = ['"', '\\', '/', '\n', '\t', '\r', '\b', '\f', '\u0000', '\u001f', '\u007f', 'é', 'ß', '€', '中', '\u2028', '😀', '\ud800', '\udfff', ' ', 'e', 'E', '-', '+', '.', '0', '9', 'n', 'u', 'l'];

	function randomText(maxLength: number): string {
		let text = '';
		const length = int(maxLength + 1);
		for (let i = 0; i < length; i++) text += chance(0.7) ? String.fromCharCode(32 + int(95)) : pick(ODD_CHARACTERS);
		return text;
	}

	/** A cell outside its type's canonical form: junk, or a canonical cell bent a little. */
	function malformed(canonical: string): string {
		switch (int(8)) {
			case 0:
				return randomText(20);
			case 1:
				return ` ${canonical}`;
			case 2:
				return `${canonical}${pick(['e5', 'E-3', '.', ' ', 'x', '0'])}`;
			case 3: {
				const at = int(canonical.length + 1);
				return canonical.slice(0, at) + pick(ODD_CHARACTERS) + canonical.slice(at + 1);
			}
			case 4:
				return pick(['', '-', '+1', '.5', '1.', '0x1A', 'Infinity', '-inf', 'NaN', 'null', 'true', 'TRUE', '1e400', '-0', '-0.0', '00', '2024-01-01', '12:30:00', ' 5 ']);
			case 5:
				return canonical.toUpperCase();
			case 6:
				return `-${canonical}`;
			default:
				return canonical + canonical;
		}
	}

	function fixedCell(scale: number): string {
		const sign = chance(0.3) ? '-' : '';
		if (chance(0.05)) return `${sign}0${scale > 0 ? `.${'0'.repeat(scale)}` : ''}`;
		const integer = chance(0.6) ? digits(1 + int(8), false) : digits(1 + int(38 - scale), false);
		return scale > 0 ? `${sign}${integer}.${digits(scale)}` : `${sign}${integer}`;
	}

	function realCell(): string {
		switch (int(6)) {
			case 0:
				return String((random() - 0.5) * 10 ** (int(40) - 20));
			case 1:
				return String(int(100_000) / 8);
			case 2:
				return pick(['NaN', 'inf', '-inf', 'Infinity', '-Infinity', '-0', '0', '1.7976931348623157e+308', '5e-324', '2.2250738585072014e-308']);
			case 3:
				return `${chance(0.5) ? '-' : ''}${digits(1 + int(10))}.${digits(1 + int(10))}`;
			case 4:
				return `${digits(1 + int(3))}.${digits(int(4) + 1)}e${chance(0.5) ? '-' : '+'}${int(330)}`;
			default:
				return (random() * 1000).toFixed(int(16));
		}
	}

	function temporalSeconds(range: number, allowNegative = true): string {
		const seconds = int(range) - (allowNegative && chance(0.3) ? int(range) : 0);
		const fraction = chance(0.8) ? `.${digits(int(13))}` : '';
		return `${seconds}${fraction === '.' ? '' : fraction}`;
	}

	function variantValue(depth: number): unknown {
		switch (depth > 4 ? int(5) : int(8)) {
			case 0:
				return randomText(12);
			case 1:
				return (random() - 0.5) * 10 ** int(20);
			case 2:
				return chance(0.5);
			case 3:
				return null;
			case 4:
				return int(1000);
			case 5:
				return Array.from({ length: int(4) }, () => variantValue(depth + 1));
			default: {
				const object: Record<string, unknown> = {};
				for (let i = int(4); i > 0; i--) object[chance(0.05) ? '__proto__' : randomText(6)] = variantValue(depth + 1);
				return object;
			}
		}
	}

	function variantCell(): string {
		switch (int(10)) {
			case 0:
				return JSON.stringify(variantValue(0), null, 2); // pretty, as Snowflake prints objects
			case 1:
				return pick([
					'undefined', 'NaN', '[1, NaN, Infinity, -Infinity, undefined]', '{"a": undefined}', '12345678901234567890', '[9007199254740993]', '{"n":-12345678901234567}', '"text"', '1e400', '-0',
					// copied from the text only when that is JSON.stringify's text: repeated and digit keys, numbers JS prints otherwise
					'{"a":1,"a":2}', '{"a":{"b":1},"b":{"b":2,"b":3}}', '{"b":1,"1":2}', '{"01":1,"-1":2}', '[1.50,2]', '[1e3]', '[-0]', '[0.0000001]', '[0.000001,-0.5]', '[0123]',
					'{"id":17,"tags":["t3"],"ok":true}', '{\n  "id": 17,\n  "tags": [\n    "t3"\n  ]\n}', '[true,false,null,{},[]]', '[tru]', '{"a":1,}', '[1,]', '{"a" 1}', '[1]]', '[1] x', '{"a":"\\u00e9"}', '{"😀":"é€"}',
				]);
			case 2:
				return randomText(16);
			case 3:
				// deeper than the 2,000 levels read as a value: stays text (few: each is kilobytes)
				if (chance(0.9)) return JSON.stringify([[[[variantValue(0)]]]]);
				return chance(0.5) ? `${'['.repeat(2100)}1${']'.repeat(2100)}` : `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
			default:
				return JSON.stringify(variantValue(0));
		}
	}

	const GEOJSON = '{\n  "coordinates": [\n    -122.35,\n    37.55\n  ],\n  "type": "Point"\n}';

	function canonicalCell(column: RowType): string {
		const scale = typeof column.scale === 'number' ? column.scale : 9;
		switch (column.extTypeName ? column.extTypeName.toLowerCase() : column.type) {
			case 'fixed':
				return fixedCell(scale);
			case 'real':
				return realCell();
			case 'decfloat':
				return `${chance(0.5) ? '-' : ''}${digits(1 + int(36), false)}${chance(0.5) ? `e${int(12000) - 6000}` : ''}`;
			case 'boolean':
				return pick(['true', 'false', 'TRUE', 'FALSE', '1', '0']);
			case 'date':
				return String(int(2_000_000) - 1_000_000);
			case 'time':
				return chance(0.9) ? `${int(86_400)}${scale > 0 ? `.${digits(scale)}` : ''}` : temporalSeconds(200_000);
			case 'timestamp_ntz':
			case 'timestamp_ltz':
				return chance(0.8) ? `${int(4_000_000_000)}${scale > 0 ? `.${digits(scale)}` : ''}` : temporalSeconds(10 ** (1 + int(14)));
			case 'timestamp_tz':
				return `${chance(0.8) ? `${int(4_000_000_000)}.${digits(scale)}` : temporalSeconds(10 ** (1 + int(14)))} ${chance(0.9) ? 1440 + (int(27) - 12) * 60 : chance(0.9) ? int(3000) : digits(1 + int(25))}`;
			case 'variant':
			case 'object':
			case 'array':
			case 'map':
				return variantCell();
			case 'vector':
				return JSON.stringify(Array.from({ length: int(5) }, () => (chance(0.5) ? int(100) : random())));
			case 'binary':
				return chance(0.7) ? digits(2 * int(20)).replace(/[0-5]/g, (d) => 'abcdef'[Number(d)]) : 'SGVsbG8=';
			case 'geography':
			case 'geometry':
				return chance(0.7) ? GEOJSON : 'POINT(-122.35 37.55)';
			default:
				return randomText(30);
		}
	}

	/** A column type with its scale (TIME/TIMESTAMP scales 0..9, FIXED 0..37). */
	function randomColumn(index: number): RowType {
		const name = chance(0.05) ? 'DUP' : `C${index}`;
		const type = pick(['fixed', 'fixed', 'real', 'decfloat', 'text', 'boolean', 'date', 'time', 'timestamp_ntz', 'timestamp_ltz', 'timestamp_tz', 'variant', 'object', 'array', 'vector', 'binary', 'object', 'interval_day_time']);
		const column: RowType = { name, type, nullable: true };
		if (type === 'fixed') column.scale = chance(0.5) ? 0 : int(38);
		else if (type.startsWith('t')) column.scale = chance(0.6) ? 9 : int(10);
		if (type === 'object' && chance(0.3)) column.extTypeName = pick(['GEOGRAPHY', 'GEOMETRY']);
		return column;
	}

	// ---------------------------------------------------------------- bodies

	/** JSON white space, mostly none. */
	const space = () => (chance(0.9) ? '' : pick([' ', '\n', '\t', '\r\n  ', '  ']));

	const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };
	const hex4 = (code: number) => {
		const text = code.toString(16).padStart(4, '0');
		return chance(0.5) ? text : text.toUpperCase();
	};

	/** The cell as a JSON string literal, each character raw or escaped in one of the ways JSON allows. */
	function literal(cell: string, escapeOften: boolean): string {
		let out = '"';
		for (const ch of cell) {
			const code = ch.charCodeAt(0);
			const must = ch === '"' || ch === '\\' || code < 0x20;
			if (!must && !(escapeOften && chance(0.2))) {
				out += ch;
			} else if (SHORT_ESCAPES[ch] !== undefined && chance(0.7)) {
				out += SHORT_ESCAPES[ch];
			} else if (ch === '/' && chance(0.5)) {
				out += '\\/';
			} else {
				for (let i = 0; i < ch.length; i++) out += `\\u${hex4(ch.charCodeAt(i))}`;
			}
		}
		return `${out}"`;
	}

	const utf8 = new TextEncoder();

	/** Breaks the structure of a canonical body in one of the ways a server or a network could. */
	function mutate(body: string): string {
		const at = 1 + int(body.length - 1);
		switch (int(12)) {
			case 10:
			case 11: {
				// a control character (not JSON) or a broken escape inside some cell after the first
				let k = 1 + int(40);
				return body.replace(/"((?:[^"\\]|\\.)*)"/g, (whole: string, inner: string) => {
					if (k-- !== 0) return whole;
					const cut = int(inner.length + 1);
					return `"${inner.slice(0, cut)}${pick(['\u0001', '\n', '\u001f', '\t', '\\x', '\\u12G4'])}${inner.slice(cut)}"`;
				});
			}
			case 0:
				return body.slice(0, at); // cut off in transit
			case 1:
				return `{"other":1,${body.slice(1)}`;
			case 2:
				return `${body.slice(0, -1)},"data":[]}`;
			case 3:
				return body.replace(/"(?:[^"\\]|\\.)*"/, pick(['12', 'true', '[1]', '{}', '-0', '"a" "b"']));
			case 4:
				return body.replace(/,(null|"(?:[^"\\]|\\.)*")\]/, ']'); // a row one cell short
			case 5:
				return `${body}${pick(['x', ' ,', '}', '\u0000'])}`;
			case 6:
				return body.replace(/"([^"\\]*)"/, `"$1\\${pick(['x', 'u12G4', 'U0041', "'", ''])}"`);
			case 7:
				return body.replace(/"([^"\\]*)"/, `"$1${pick(['\u0001', '\n', '\u001f'])}"`);
			case 8:
				return pick(['', ' ', '{"data":null}', '{"data":{}}', '[]', '{"data":[[]]}', '<html>', '{"data":[null]}']);
			default:
				return body.replace('"data"', pick(['"Data"', '"data "', '"dat\\u0061"']));
		}
	}

	function randomCase(): Case {
		const width = 1 + int(12);
		const rowType = Array.from({ length: width }, (_, i) => randomColumn(i));
		const options: DecodeOptions = {};
		if (chance(0.2)) options.numbersAsStrings = true;
		if (chance(0.3)) options.timezone = pick(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC']);
		const rowCount = int(120);
		const escapeOften = chance(0.2);
		const malformedShare = pick([0, 0.02, 0.2, 0.5]);
		const rows: string[] = [];
		for (let r = 0; r < rowCount; r++) {
			const cells: string[] = [];
			for (const column of rowType) {
				if (chance(0.1)) {
					cells.push(`${space()}null${space()}`);
					continue;
				}
				const canonical = canonicalCell(column);
				cells.push(`${space()}${literal(chance(malformedShare) ? malformed(canonical) : canonical, escapeOften)}${space()}`);
			}
			rows.push(`${space()}[${cells.join(',')}]${space()}`);
		}
		let body = `${space()}{${space()}"data"${space()}:${space()}[${rows.join(',')}]${space()}}${space()}`;
		let canonical = chance(0.85);
		if (!canonical) body = mutate(body);
		let bytes: string | Uint8Array = body;
		if (chance(0.8)) {
			bytes = utf8.encode(body);
			if (chance(0.05) && bytes.length > 2) {
				canonical = false; // the byte may land on a quote or a bracket
				const broken = new Uint8Array(bytes);
				broken[int(broken.length)] = pick([0xff, 0xc3, 0x80, 0xed]); // invalid UTF-8: replaced the same way on both paths
				bytes = broken;
			}
		}
		return { rowType, options, body: bytes, canonical, limit: chance(0.7) ? Number.POSITIVE_INFINITY : int(rowCount + 1), cells: rowCount * width };
	}

	return randomCase;
}

/** Rows as text that tells -0, NaN, undefined and key order apart. */
export function fingerprint(rows: readonly DecodedRow[]): string {
	return JSON.stringify(rows, (_key, value: unknown) => {
		if (typeof value === 'number') {
			if (Object.is(value, -0)) return '<-0>';
			if (!Number.isFinite(value)) return `<${String(value)}>`;
		}
		if (value === undefined) return '<undefined>';
		return value;
	});
}

const decodeText = new TextDecoder();

/** The reference path: what the transport does with a body the partition decoder hands back. */
export function reference(testCase: Case): { rows: DecodedRow[]; count: number } | { error: string } {
	const text = typeof testCase.body === 'string' ? testCase.body : decodeText.decode(testCase.body);
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return { error: 'not JSON' };
	}
	const data = (json as { data?: unknown } | null)?.data;
	if (typeof json !== 'object' || json === null || Array.isArray(json) || !Array.isArray(data)) return { error: 'no data array' };
	try {
		return { rows: createRowDecoder(testCase.rowType, testCase.options).decode(data as string[][], testCase.limit), count: data.length };
	} catch (error) {
		return { error: String(error) };
	}
}
