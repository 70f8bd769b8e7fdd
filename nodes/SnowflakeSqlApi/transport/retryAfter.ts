/**
 * `Retry-After` parsing (RFC 9110 §10.2.3): delay-seconds or an HTTP-date in any of its three forms.
 * Strict on purpose: anything we cannot read returns undefined and the caller falls back to its own
 * backoff instead of guessing.
 */

const DELAY_SECONDS = /^\d+$/;
/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the obsolete RFC 850 form (`Sunday, 06-Nov-94 ...`). */
const GMT_DATE = /^[A-Za-z]{3,9}, [\w -]+ \d\d:\d\d:\d\d GMT$/;
/** asctime (`Sun Nov  6 08:49:37 1994`): UTC by definition although it names no zone. */
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/;

/**
 * Milliseconds to wait according to a `Retry-After` header value, measured from `nowMs`.
 * A date in the past gives 0. Unreadable or absent values give undefined.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
	let at: number;
	if (GMT_DATE.test(text)) at = Date.parse(text);
	else if (ASCTIME_DATE.test(text)) at = Date.parse(`${text} GMT`);
	else return undefined;
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - nowMs);
}
