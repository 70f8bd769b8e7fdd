/**
 * GEOGRAPHY/GEOMETRY without a spatial extension (the DuckDB engine runs offline): values are kept as the
 * text they were given (WKT or GeoJSON) and turned into Snowflake's GeoJSON output when a cell is encoded.
 * Output shape from real results (captures/README.md): keys in alphabetical order (`coordinates`/`geometries`
 * before `type`), pretty-printed with two spaces; GEOGRAPHY numbers as JavaScript prints them (-124.2, 42),
 * GEOMETRY numbers as `%.15e` ("2.000000000000000e+01", Snowpark's test against a live account).
 *
 * The WKT reader is a tokenizer plus a recursive descent whose depth is capped, so it runs in time linear in
 * the (capped) input and never recurses without bound.
 */
import { SnowflakeSqlError } from './engine-types';

export type GeoKind = 'GEOGRAPHY' | 'GEOMETRY';

/** Longer inputs are refused rather than parsed (Snowflake's own limit is its 16 MB value size). */
const MAX_GEO_TEXT = 1_000_000;
/** GEOMETRYCOLLECTIONs nested deeper than this are refused. */
const MAX_DEPTH = 16;

type Position = number[];
interface Geometry {
	type: string;
	coordinates?: unknown;
	geometries?: Geometry[];
}

/** The error Snowflake's TO_GEOGRAPHY gives for text it cannot read (code and wording UNCONFIRMED). */
function geoError(kind: GeoKind, detail: string): SnowflakeSqlError {
	return new SnowflakeSqlError('100217', '22000', `Error parsing ${kind} input: ${detail}`);
}

type Token = { kind: 'word'; text: string } | { kind: 'number'; value: number } | { kind: '(' | ')' | ',' };

function tokenize(text: string, kind: GeoKind): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
			i++;
		} else if (c === '(' || c === ')' || c === ',') {
			tokens.push({ kind: c });
			i++;
		} else if (/[A-Za-z]/.test(c)) {
			let j = i + 1;
			while (j < text.length && /[A-Za-z]/.test(text[j])) j++;
			tokens.push({ kind: 'word', text: text.slice(i, j).toUpperCase() });
			i = j;
		} else if (/[-+.0-9]/.test(c)) {
			let j = i + 1;
			while (j < text.length && /[-+.0-9eE]/.test(text[j])) j++;
			const value = Number(text.slice(i, j));
			if (!Number.isFinite(value)) throw geoError(kind, `invalid number '${text.slice(i, Math.min(j, i + 40))}'`);
			tokens.push({ kind: 'number', value });
			i = j;
		} else {
			throw geoError(kind, `unexpected character '${c}' at position ${i}`);
		}
	}
	return tokens;
}

class WktReader {
	private at = 0;

	constructor(
		private readonly tokens: Token[],
		private readonly kind: GeoKind,
	) {}

	read(): Geometry {
		const geometry = this.geometry(0);
		if (this.at !== this.tokens.length) throw geoError(this.kind, 'unexpected text after the geometry');
		return geometry;
	}

	private fail(expected: string): never {
		throw geoError(this.kind, `expected ${expected} at token ${this.at + 1}`);
	}

	private expect(kind: '(' | ')' | ','): void {
		if (this.tokens[this.at]?.kind !== kind) this.fail(`'${kind}'`);
		this.at++;
	}

	private peek(kind: Token['kind']): boolean {
		return this.tokens[this.at]?.kind === kind;
	}

	/** `(` item { `,` item } `)` */
	private list<T>(item: () => T): T[] {
		this.expect('(');
		const items = [item()];
		while (this.peek(',')) {
			this.at++;
			items.push(item());
		}
		this.expect(')');
		return items;
	}

	private position(): Position {
		const position: Position = [];
		while (this.peek('number')) position.push((this.tokens[this.at++] as { value: number }).value);
		if (position.length < 2 || position.length > 4) this.fail('a position of 2 to 4 numbers');
		return position;
	}

	/** MULTIPOINT takes `(1 2, 3 4)` as well as `((1 2), (3 4))`. */
	private multiPointMember(): Position {
		if (!this.peek('(')) return this.position();
		this.at++;
		const position = this.position();
		this.expect(')');
		return position;
	}

	private geometry(depth: number): Geometry {
		if (depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} nested collections`);
		const word = this.tokens[this.at];
		if (word?.kind !== 'word') this.fail('a geometry type');
		this.at++;
		// Dimension markers (POINT Z, LINESTRING M, POLYGON ZM) only name what the positions already show.
		const marker = this.tokens[this.at];
		if (marker?.kind === 'word' && ['Z', 'M', 'ZM'].includes(marker.text)) this.at++;
		const empty = this.tokens[this.at];
		const isEmpty = empty?.kind === 'word' && empty.text === 'EMPTY';
		if (isEmpty) this.at++;
		const ring = () => this.list(() => this.position());
		switch (word.text) {
			case 'POINT':
				return { type: 'Point', coordinates: isEmpty ? [] : this.list(() => this.position())[0] };
			case 'LINESTRING':
				return { type: 'LineString', coordinates: isEmpty ? [] : ring() };
			case 'POLYGON':
				return { type: 'Polygon', coordinates: isEmpty ? [] : this.list(ring) };
			case 'MULTIPOINT':
				return { type: 'MultiPoint', coordinates: isEmpty ? [] : this.list(() => this.multiPointMember()) };
			case 'MULTILINESTRING':
				return { type: 'MultiLineString', coordinates: isEmpty ? [] : this.list(ring) };
			case 'MULTIPOLYGON':
				return { type: 'MultiPolygon', coordinates: isEmpty ? [] : this.list(() => this.list(ring)) };
			case 'GEOMETRYCOLLECTION':
				return { type: 'GeometryCollection', geometries: isEmpty ? [] : this.list(() => this.geometry(depth + 1)) };
			default:
				return this.fail('POINT, LINESTRING, POLYGON, MULTIPOINT, MULTILINESTRING, MULTIPOLYGON or GEOMETRYCOLLECTION');
		}
	}
}

const GEOJSON_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection']);

/** A GeoJSON geometry object, keeping only what Snowflake prints (type and coordinates or geometries). */
function fromGeoJson(value: unknown, kind: GeoKind, depth: number): Geometry {
	const object = value as Record<string, unknown> | null;
	if (depth > MAX_DEPTH || typeof object !== 'object' || object === null || !GEOJSON_TYPES.has(object.type as string)) {
		throw geoError(kind, 'not a GeoJSON geometry');
	}
	if (object.type === 'GeometryCollection') {
		if (!Array.isArray(object.geometries)) throw geoError(kind, 'a GeometryCollection needs "geometries"');
		return { type: 'GeometryCollection', geometries: object.geometries.map((g) => fromGeoJson(g, kind, depth + 1)) };
	}
	if (!Array.isArray(object.coordinates)) throw geoError(kind, `a ${String(object.type)} needs "coordinates"`);
	return { type: object.type as string, coordinates: object.coordinates };
}

/** WKT or GeoJSON text → the geometry it describes. Throws Snowflake's parse error for anything else. */
export function parseGeo(text: string, kind: GeoKind): Geometry {
	if (text.length > MAX_GEO_TEXT) throw geoError(kind, `input longer than ${MAX_GEO_TEXT} characters`);
	const trimmed = text.trim();
	if (trimmed.startsWith('{')) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(trimmed);
		} catch {
			throw geoError(kind, 'invalid GeoJSON');
		}
		return fromGeoJson(parsed, kind, 0);
	}
	return new WktReader(tokenize(trimmed, kind), kind).read();
}

/** C's `%.15e`: GEOMETRY coordinates as Snowflake prints them ("2.000000000000000e+01"). */
function exponent15(x: number): string {
	const [mantissa, exp] = x.toExponential(15).split('e');
	const digits = exp.replace(/^[-+]/, '');
	return `${mantissa}e${exp.startsWith('-') ? '-' : '+'}${digits.padStart(2, '0')}`;
}

/** Two-space pretty printing with a custom number format (JSON.stringify cannot print 2.000000000000000e+01). */
function pretty(value: unknown, indent: string, number: (x: number) => string): string {
	if (typeof value === 'number') return number(value);
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		const inner = `${indent}  `;
		return `[\n${value.map((v) => inner + pretty(v, inner, number)).join(',\n')}\n${indent}]`;
	}
	if (typeof value === 'object' && value !== null) {
		const inner = `${indent}  `;
		const keys = Object.keys(value).sort();
		const fields = keys.map((k) => `${inner}${JSON.stringify(k)}: ${pretty((value as Record<string, unknown>)[k], inner, number)}`);
		return `{\n${fields.join(',\n')}\n${indent}}`;
	}
	return JSON.stringify(value);
}

/** The cell Snowflake sends for a GEOGRAPHY/GEOMETRY value given as WKT or GeoJSON text. */
export function geoCell(text: string, kind: GeoKind): string {
	return pretty(parseGeo(text, kind), '', kind === 'GEOMETRY' ? exponent15 : (x) => JSON.stringify(x));
}
