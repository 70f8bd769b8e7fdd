/**
 * The decoder's own failure: 'config' for options it cannot honour (checked before any request),
 * 'protocol' for rows that do not match their rowType. Its user reports the kind in its own terms.
 */
export class DecodeError extends Error {
	override readonly name = 'DecodeError';

	constructor(
		readonly kind: 'config' | 'protocol',
		message: string,
	) {
		super(message);
	}
}
