/**
 * Bytes in and out of n8n binary data, for files that never become items.
 *
 * gzip uses the web-standard CompressionStream / DecompressionStream, globals of Node ≥ 18 (no import:
 * node:zlib is not allowed in a community node). n8n-workflow's helpers offer no compression.
 *
 * Writing: n8n's prepareBinaryData takes a Buffer or a Node Readable; a Readable cannot be built
 * without node:stream, so the file is collected into one Buffer and handed over at the end (n8n's
 * default binary mode keeps it in memory as base64 anyway: 4/3 of the file, next to the Buffer it is
 * encoded from). The Buffer grows by doubling as chunks arrive and each chunk is copied in at once,
 * so the chunks and a copy of the whole file never coexist (collecting the chunks and concatenating
 * them at the end held the file twice); the bytes not yet written of a doubling are never touched,
 * and the file is handed over as a view of its written part (no final copy).
 * Reading: a stored binary (filesystem, S3, database modes) is streamed with getBinaryStream, chunk by
 * chunk; in the default mode it is base64 in the item and decoded once, then read in slices.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

/** The writable side of a (de)compression stream, and what it takes (typed by the stream itself: no DOM lib). */
type ByteWriter = ReturnType<CompressionStream['writable']['getWriter']>;
type WrittenBytes = Parameters<ByteWriter['write']>[0];

/** Slices of an in-memory binary, and the chunk size asked of getBinaryStream. */
const CHUNK_BYTES = 1 << 20;

/** The first capacity of a file's Buffer; it doubles from there. */
const FIRST_CAPACITY = 1 << 20;

/** The most a size hint reserves (it comes from the server's partitionInfo). */
const MAX_HINTED_CAPACITY = 1 << 30;

/** Collects the bytes of a file being written, gzipped on the way when asked. */
export class FileSink {
	private file: Buffer | undefined;
	private size = 0;
	/** The capacity of the first Buffer. */
	private readonly firstCapacity: number;
	private readonly gzip?: { writer: ByteWriter; reading: Promise<void> };

	/** `expectedBytes`: about how big the file will be (0: unknown); a quarter more is reserved. */
	constructor(compress: boolean, expectedBytes = 0) {
		this.firstCapacity = Math.max(FIRST_CAPACITY, Math.min(MAX_HINTED_CAPACITY, Math.ceil(expectedBytes * 1.25)));
		if (!compress) return;
		const stream = new CompressionStream('gzip');
		const reader = stream.readable.getReader();
		const reading = (async () => {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) return;
				this.keep(value);
			}
		})();
		// Awaited in finish(); an abort() before that makes it reject, unwanted by then.
		reading.catch(() => undefined);
		this.gzip = { writer: stream.writable.getWriter(), reading };
	}

	private keep(bytes: Uint8Array): void {
		const size = this.size + bytes.length;
		if (this.file === undefined || size > this.file.length) {
			let capacity = this.file?.length ?? this.firstCapacity;
			while (capacity < size) capacity *= 2;
			// allocUnsafe: the bytes beyond what is written are never touched (the file is handed over as a view).
			const grown = Buffer.allocUnsafe(capacity);
			if (this.file !== undefined) grown.set(this.file.subarray(0, this.size));
			this.file = grown;
		}
		this.file.set(bytes, this.size);
		this.size = size;
	}

	/** Text is written as UTF-8. */
	async write(text: Uint8Array | string): Promise<void> {
		if (text.length === 0) return;
		const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
		// Waiting on the compressor bounds what is queued in front of it to about one partition.
		if (this.gzip) await this.gzip.writer.write(bytes as WrittenBytes);
		else this.keep(bytes);
	}

	async finish(): Promise<Buffer> {
		if (this.gzip) {
			await this.gzip.writer.close();
			await this.gzip.reading;
		}
		const file = this.file?.subarray(0, this.size) ?? Buffer.alloc(0);
		this.file = undefined;
		return file;
	}

	/** Stops a failed write: the compressor is released and nothing is kept. */
	abort(reason: unknown): void {
		this.file = undefined;
		this.gzip?.writer.abort(reason).catch(() => undefined);
	}
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

async function* bytesOf(context: IExecuteFunctions, binary: IBinaryData): AsyncGenerator<Uint8Array> {
	if (binary.id) {
		const stream = await context.helpers.getBinaryStream(binary.id, CHUNK_BYTES);
		for await (const chunk of stream) yield chunk as Uint8Array;
		return;
	}
	const buffer = Buffer.from(binary.data, 'base64');
	for (let offset = 0; offset < buffer.length; offset += CHUNK_BYTES) yield buffer.subarray(offset, offset + CHUNK_BYTES);
}

async function* gunzip(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
	const stream = new DecompressionStream('gzip');
	const writer = stream.writable.getWriter();
	const reader = stream.readable.getReader();
	const feeding = (async () => {
		try {
			await writer.write(first as WrittenBytes);
			for (let next = await rest.next(); !next.done; next = await rest.next()) await writer.write(next.value as WrittenBytes);
			await writer.close();
		} catch (error) {
			await writer.abort(error).catch(() => undefined);
			// The source stops too: a stored file's read stream is closed instead of left open.
			await rest.return?.(undefined).catch(() => undefined);
		}
	})();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			yield value;
		}
	} finally {
		// Also when the reader of this file stops early (a malformed line): the feeding ends with it.
		await reader.cancel().catch(() => undefined);
		await feeding;
	}
}

/**
 * The text of a binary property, in chunks, gunzipped when it starts with gzip's magic bytes. Invalid
 * UTF-8 becomes U+FFFD; a leading byte order mark is dropped.
 */
export async function* binaryText(context: IExecuteFunctions, binary: IBinaryData): AsyncGenerator<string> {
	const source = bytesOf(context, binary);
	const first = await source.next();
	if (first.done) return;
	const bytes = isGzip(first.value) ? gunzip(first.value, source) : (async function* () {
		yield first.value;
		yield* source;
	})();
	const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
	for await (const chunk of bytes) {
		const text = decoder.decode(chunk, { stream: true });
		if (text !== '') yield text;
	}
	const tail = decoder.decode();
	if (tail !== '') yield tail;
}
