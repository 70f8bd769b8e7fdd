/**
 * The injected decoder, with its DecodeErrors reported as the transport's own errors (the transport
 * knows the decoder's types, never its code): 'config' → SnowflakeConfigError, 'protocol' →
 * SnowflakeProtocolError, with the texts users have always seen.
 */
import type { DecodeError, DecodedRow, DecodeOptions, RowDecoder, RowType } from '../decoder';
import { SnowflakeConfigError } from './errors';
import { protocolError } from './responses';
import type { RowDecoding } from './types';

function isDecodeError(error: unknown): error is DecodeError {
	return error instanceof Error && error.name === 'DecodeError' && ((error as DecodeError).kind === 'config' || (error as DecodeError).kind === 'protocol');
}

function translated(error: unknown): unknown {
	if (!isDecodeError(error)) return error;
	return error.kind === 'config' ? new SnowflakeConfigError(error.message) : protocolError(error.message);
}

function reporting<T>(work: () => T): T {
	try {
		return work();
	} catch (error) {
		throw translated(error);
	}
}

/** `decoding` with every failure translated; the per-row loops stay the decoder's own. */
export function withTransportErrors(decoding: RowDecoding): RowDecoding {
	return {
		checkDecodeOptions: (options?: DecodeOptions) => reporting(() => decoding.checkDecodeOptions(options)),
		createRowDecoder: (rowType: readonly RowType[], options?: DecodeOptions): RowDecoder => {
			const decoder = reporting(() => decoding.createRowDecoder(rowType, options));
			return {
				keys: decoder.keys,
				decodeInto: (data, out: DecodedRow[], limit, offset) => reporting(() => decoder.decodeInto(data, out, limit, offset)),
				consumeInto: (data, out: DecodedRow[], limit, offset) => reporting(() => decoder.consumeInto(data, out, limit, offset)),
				decode: (data, limit) => reporting(() => decoder.decode(data, limit)),
				decodePartition: (body, out: DecodedRow[], offset, limit) => reporting(() => decoder.decodePartition(body, out, offset, limit)),
				renderPartition: (body, format, limit, chunks) => reporting(() => decoder.renderPartition(body, format, limit, chunks)),
			};
		},
	};
}
