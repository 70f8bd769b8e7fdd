/**
 * Bounded responses. Every request names the most (decompressed) bytes its body may have: a broken or
 * hostile server cannot fill the memory with an endless body or a compression bomb (1 MB of gzip that
 * inflates to 1 GB). The HTTP layer reads the decompressed body with readBoundedBody, which stops at the
 * first byte over the limit (the stream is destroyed, nothing more is inflated) and rejects with
 * RESPONSE_TOO_LARGE; the exchange turns that into a clear error that is never retried.
 */

/** The `code` of the error an HttpFn rejects with when a body exceeds the request's maxBytes. */
export const RESPONSE_TOO_LARGE = 'ERESPONSETOOLARGE';

const MIB = 1024 * 1024;

/** Submit, status, cancel and list bodies. Partition 0 arrives inline here; Snowflake keeps it small. */
export const MAX_STATUS_BYTES = 128 * MIB;
/** Any one partition, whatever partitionInfo announces. */
const MAX_PARTITION_BYTES = 256 * MIB;
/** Slack over a partition's announced uncompressedSize (the wrapper object, escaping differences). */
const PARTITION_SLACK_BYTES = MIB;

/**
 * The limit for partition N: twice what partitionInfo[N].uncompressedSize announces plus 1 MB, and never
 * more than 256 MB (also when the size is missing or not a number).
 */
export function partitionMaxBytes(uncompressedSize: unknown): number {
	if (typeof uncompressedSize !== 'number' || !Number.isFinite(uncompressedSize) || uncompressedSize < 0) return MAX_PARTITION_BYTES;
	return Math.min(MAX_PARTITION_BYTES, 2 * Math.ceil(uncompressedSize) + PARTITION_SLACK_BYTES);
}

function tooLarge(maxBytes: number): Error {
	return Object.assign(new Error(`The response body exceeds ${maxBytes} bytes.`), { code: RESPONSE_TOO_LARGE });
}

/**
 * Reads a decompressed body stream (a Node stream or a web ReadableStream: both are async iterables) into
 * one byte array, rejecting with RESPONSE_TOO_LARGE as soon as it holds more than `maxBytes`; leaving the
 * loop early destroys (cancels) the stream, so the rest is neither downloaded nor inflated.
 */
export async function readBoundedBody(
	stream: AsyncIterable<Uint8Array | string>,
	maxBytes = Number.POSITIVE_INFINITY,
	signal?: AbortSignal,
): Promise<Uint8Array> {
	const encoder = new TextEncoder();
	const chunks: Uint8Array[] = [];
	let total = 0;
	// An abort (the caller's, or the transport's total deadline) ends a body that is still trickling in.
	const stop = () => destroy(stream, signal?.reason);
	if (signal?.aborted) stop();
	signal?.addEventListener('abort', stop, { once: true });
	try {
		for await (const piece of stream) {
			const chunk = typeof piece === 'string' ? encoder.encode(piece) : piece;
			total += chunk.byteLength;
			if (total > maxBytes) throw tooLarge(maxBytes);
			chunks.push(chunk);
		}
	} finally {
		signal?.removeEventListener('abort', stop);
	}
	const body = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body;
}

/** Ends a Node stream (destroy) or a web ReadableStream (cancel), so its reader stops waiting. */
function destroy(stream: unknown, reason: unknown): void {
	const target = stream as { destroy?: (error?: unknown) => void; cancel?: (reason?: unknown) => Promise<void> };
	const error = reason instanceof Error ? reason : new Error('The response was aborted.');
	if (typeof target.destroy === 'function') target.destroy(error);
	else if (typeof target.cancel === 'function') void target.cancel(error).catch(() => undefined);
}

/** The size of a body an HttpFn handed over already read (bytes, or characters of a string). */
export function bodySize(body: unknown): number {
	if (body instanceof Uint8Array) return body.byteLength;
	return typeof body === 'string' ? body.length : 0;
}

/** Whether `value` is a stream readBoundedBody can read. */
export function isBodyStream(value: unknown): value is AsyncIterable<Uint8Array | string> {
	return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}
