/**
 * One HTTP exchange with Snowflake: an attempt, then retries per the pure `decideRetry` (network
 * errors, 429, 5xx; never 408/422) and one attempt with a renewed token after Snowflake refused the token as
 * expired or invalid (key pair 390198: re-signed; OAuth 390318/390303: refreshed by the caller). A POST is
 * resubmitted with the same requestId plus `retry=true` (the caller's `build`), so a statement never
 * runs twice. The exchange reports through what it returns: the outcome record, and while it runs, a
 * small state its caller may read (a submit abandoned by an abort says what it was doing). A 3xx is
 * refused at once (redirect.ts).
 */
import { bodySize, MAX_STATUS_BYTES, RESPONSE_TOO_LARGE } from './bodyLimit';
import { SnowflakeAuthError, SnowflakeError } from './errors';
import { networkError, errorCode, retryReason } from './messages';
import { isRedirect, redirectRefused } from './redirect';
import { isMarkup, parseBody, protocolError, readBody, statusFields, TOKEN_EXPIRED_CODES } from './responses';
import { parseRetryAfter } from './retryAfter';
import { decideRetry, type AttemptOutcome } from './retryPolicy';
import type { HttpFn, HttpRequest, HttpResponse, RetryPolicy, SleepFn, TransportEvent } from './types';

/** How an exchange ended with a response (whatever its status: the caller maps it). */
export interface Sent {
	response: HttpResponse;
	/**
	 * The parsed body of a 200 (parsed while retries were still possible: a cut-off body is retried), or
	 * what the request's own `decodeBody` made of it.
	 */
	json?: unknown;
	attempts: number;
	/** The token was renewed (key pair re-signed after 390198, OAuth refreshed after 390318/390303) and the response still is a 401. */
	expiredAfterRenewal: boolean;
	/** An earlier attempt may have reached Snowflake without its answer reaching us. */
	mayHaveReachedSnowflake: boolean;
}

/** An exchange under way. */
interface Exchange {
	/** Settles with the final response; rejects with SnowflakeNetworkError when none came, or the signal's reason when aborted. */
	readonly sent: Promise<Sent>;
	/** True while it sleeps before its next attempt (and after that sleep was aborted: no further attempt follows). */
	readonly waitingToRetry: boolean;
	/** True once an attempt may have reached Snowflake without its answer reaching us. */
	readonly mayHaveReachedSnowflake: boolean;
}

interface SendOptions {
	signal?: AbortSignal;
	/** Keep the HTTP exchange running when the signal aborts (a submit must live on to reveal its handle). */
	detachHttp?: boolean;
	/** While polling, 429 means "still running": hand it back instead of retrying it. */
	runningOn429?: boolean;
	policy?: RetryPolicy;
	/**
	 * Reads a 200's body instead of parseBody (a partition is decoded straight from its bytes). A
	 * SyntaxError from it means the body is not JSON: retried like a cut-off body, as parseBody's is.
	 */
	decodeBody?: (body: unknown) => unknown;
}

interface ExchangeSettings {
	http: HttpFn;
	sleep: SleepFn;
	now: () => number;
	random: () => number;
	requestTimeoutMs: number;
	/** Total time one attempt may take, timed with deadlineSleep (real time even where `sleep` is simulated). */
	requestDeadlineMs: number;
	deadlineSleep?: SleepFn;
	retryPolicy: RetryPolicy;
	/** The host requests go to, named when a redirect is refused. */
	host?: string;
	/** Renews the token (re-sign, or an OAuth refresh); a rejection ends the exchange with its error. */
	onTokenExpired?: () => void | Promise<void>;
	emit: (event: TransportEvent) => void;
}

function deadlineError(deadlineMs: number): Error {
	return Object.assign(new Error(`The request took longer than its total limit of ${Math.round(deadlineMs / 1000)} s and was stopped.`), {
		code: 'ETIMEDOUT',
	});
}

/** Failures that happen before a connection exists: the request never reached Snowflake. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A failure the HTTP layer raised about the credential itself (no token to send): the same on every attempt. */
function isCredentialFailure(error: unknown): boolean {
	return error instanceof SnowflakeError && (error.kind === 'auth' || error.kind === 'config');
}

/** Starts exchanges for one client; they share the token generation so concurrent expiries renew once. */
export class Exchanges {
	/** Bumped on each renewal, so concurrent requests that all hit an expired token renew only once. */
	private tokenGeneration = 0;
	/** The latest renewal: requests refused with the token it replaces wait for it before their retry. */
	private renewal: Promise<void> = Promise.resolve();
	/** A renewal is under way: a new attempt would carry the token it replaces, so it waits first. */
	private renewing = false;

	constructor(private readonly settings: ExchangeSettings) {}

	/** `build(attempt)` makes each attempt's request (a POST adds `retry=true` after the first). */
	start(build: (attempt: number) => HttpRequest, options: SendOptions = {}): Exchange {
		const state = { waitingToRetry: false, mayHaveReachedSnowflake: false };
		const sent = this.run(build, options, state);
		return {
			sent,
			get waitingToRetry() {
				return state.waitingToRetry;
			},
			get mayHaveReachedSnowflake() {
				return state.mayHaveReachedSnowflake;
			},
		};
	}

	async send(build: (attempt: number) => HttpRequest, options: SendOptions = {}): Promise<Sent> {
		return await this.start(build, options).sent;
	}

	/**
	 * Waits for the latest renewal, but no longer than the caller waits (an abort: the stop's cancel must still
	 * go out) nor than one request's total deadline: n8n 1.x sends its token requests without a timeout, and a
	 * token URL that never answers would otherwise hold the execution forever.
	 */
	private async awaitRenewal(signal: AbortSignal | undefined): Promise<void> {
		const { requestDeadlineMs, deadlineSleep } = this.settings;
		const stop = new AbortController();
		const waits: Array<Promise<void>> = [this.renewal];
		if (signal !== undefined) {
			waits.push(
				new Promise<never>((_resolve, reject) => {
					if (signal.aborted) reject(signal.reason);
					signal.addEventListener('abort', () => reject(signal.reason), { once: true, signal: stop.signal });
				}),
			);
		}
		if (deadlineSleep !== undefined) {
			waits.push(
				deadlineSleep(requestDeadlineMs, stop.signal).then(() => {
					throw new SnowflakeAuthError(
						`n8n's OAuth token refresh did not finish within ${Math.round(requestDeadlineMs / 1000)} s, so the request was stopped.`,
						{ hint: "Check that the credential's token URL answers (the identity provider, or Snowflake's /oauth/token-request), then run again." },
					);
				}),
			);
		}
		try {
			await Promise.race(waits);
		} finally {
			stop.abort();
		}
	}

	/**
	 * Runs one HTTP attempt against its total deadline, timed by the injected deadlineSleep (no timers
	 * of its own): past it, the attempt is aborted through its deadlineSignal and fails like a timed-out
	 * connection (ETIMEDOUT). Without a deadlineSleep there is no total deadline.
	 */
	private async withinDeadline(send: (deadlineSignal: AbortSignal | undefined) => Promise<HttpResponse>): Promise<HttpResponse> {
		const { requestDeadlineMs, deadlineSleep } = this.settings;
		if (deadlineSleep === undefined) return await send(undefined);
		const attempt = new AbortController();
		const timer = new AbortController();
		// The timer holds only this small record, never the response: an HTTP layer whose sleep ignores
		// the signal (n8n-workflow 1.x) keeps its timer until it fires, and must not keep a body alive.
		const pending: { expire?: () => void } = {};
		const expired = new Promise<never>((_resolve, reject) => {
			pending.expire = () => {
				const error = deadlineError(requestDeadlineMs);
				attempt.abort(error);
				reject(error);
			};
		});
		void deadlineSleep(requestDeadlineMs, timer.signal).then(
			() => pending.expire?.(),
			() => undefined, // stopped: the attempt ended first
		);
		const sending = send(attempt.signal);
		sending.catch(() => undefined); // a rejection after the deadline is expected and unwanted
		expired.catch(() => undefined);
		try {
			return await Promise.race([sending, expired]);
		} finally {
			pending.expire = undefined;
			timer.abort();
		}
	}

	private async run(
		build: (attempt: number) => HttpRequest,
		options: SendOptions,
		state: { waitingToRetry: boolean; mayHaveReachedSnowflake: boolean },
	): Promise<Sent> {
		const { http, sleep, now, random, onTokenExpired, emit } = this.settings;
		const policy = options.policy ?? this.settings.retryPolicy;
		const started = now();
		let renewed = false;
		let retries = 0;
		for (let attempt = 0; ; attempt++) {
			// Sent now, an attempt would carry the old token, meet 401 with the new generation and renew again.
			// A request sent without the caller's signal (the cancel after a stop) goes at once instead: a refresh
			// that hangs must not hold it.
			if (this.renewing && options.signal !== undefined) await this.awaitRenewal(options.signal);
			const request = build(attempt);
			emit({ type: 'request', method: request.method, path: request.path, attempt: attempt + 1 });
			const generation = this.tokenGeneration;
			let response: HttpResponse | undefined;
			let json: unknown;
			let failure: unknown;
			const maxBytes = request.maxBytes ?? MAX_STATUS_BYTES;
			try {
				response = await this.withinDeadline((deadlineSignal) =>
					http({
						...request,
						signal: options.detachHttp ? undefined : options.signal,
						timeoutMs: this.settings.requestTimeoutMs,
						maxBytes,
						deadlineSignal,
					}),
				);
			} catch (error) {
				if (options.signal?.aborted && !options.detachHttp) throw options.signal.reason;
				failure = error;
			}
			if (isCredentialFailure(failure)) throw failure;
			// Never retried: the same server would send the same oversized body (or bomb) again.
			if (errorCode(failure) === RESPONSE_TOO_LARGE || (response !== undefined && bodySize(response.body) > maxBytes)) {
				throw tooLargeError(request, maxBytes);
			}
			// Never followed, never retried: the target would get the token (and on 307/308 the statement).
			if (response !== undefined && isRedirect(response.status)) throw redirectRefused(response, this.settings.host);
			if (response?.status === 200) {
				let notJson: unknown;
				let decodeFailure: unknown;
				try {
					json = options.decodeBody ? options.decodeBody(response.body) : parseBody(response.body);
				} catch (error) {
					// Only "not JSON" can be a body cut off in transit; a decoder's own error stands as it is.
					if (options.decodeBody && !(error instanceof SyntaxError)) decodeFailure = error;
					else notJson = error ?? new SyntaxError('not JSON');
				}
				if (decodeFailure !== undefined) throw decodeFailure;
				if (notJson !== undefined) {
					// An HTML page is some other server's answer (a proxy's login page, Snowsight): the same again if retried.
					if (isMarkup(response.body)) {
						throw protocolError(
							`the 200 response to ${describeTarget(request)} is an HTML page, not the SQL API's JSON. Check the credential's Account and Host (the account's own host, not app.snowflake.com), or a proxy between n8n and Snowflake that answers with a login or error page.`,
						);
					}
					// A 200 that is not JSON was cut off or corrupted in transit (a truncated gzip stream
					// decodes to partial text): as retryable as a dropped connection.
					failure = protocolError(`the body of a 200 response to ${describeTarget(request)} is not JSON (cut off in transit?).`, undefined, notJson);
					response = undefined;
				}
			}
			let outcome: AttemptOutcome;
			if (response === undefined) {
				outcome = { networkError: true };
				if (!NOT_CONNECTED.has(errorCode(failure) ?? '')) state.mayHaveReachedSnowflake = true;
			} else {
				if (response.status === 401 && onTokenExpired && !renewed && TOKEN_EXPIRED_CODES.has(statusFields(readBody(response).json).code ?? '')) {
					renewed = true;
					if (generation === this.tokenGeneration) {
						this.tokenGeneration++;
						this.renewing = true;
						this.renewal = (async () => {
							try {
								await onTokenExpired();
							} finally {
								this.renewing = false;
							}
							emit({ type: 'tokenRenewed' });
						})();
						// Waiters may stop waiting (abort, deadline); a late failure is then nobody's.
						this.renewal.catch(() => undefined);
					}
					// Concurrent requests refused with the same token wait for the one renewal (an OAuth refresh
					// takes a round trip), then retry; a failed renewal fails each of them with its error.
					await this.awaitRenewal(options.signal);
					continue;
				}
				if (options.runningOn429 && response.status === 429) {
					return { response, attempts: attempt + 1, expiredAfterRenewal: false, mayHaveReachedSnowflake: state.mayHaveReachedSnowflake };
				}
				outcome = { status: response.status, retryAfterMs: parseRetryAfter(response.headers['retry-after'], now()) };
				// 500, 502 and 504 may come after the request was forwarded and run (503: turned away).
				if (response.status >= 500 && response.status !== 503) state.mayHaveReachedSnowflake = true;
			}
			const decision = decideRetry(outcome, retries, now() - started, policy, random);
			if (!decision.retry) {
				if (response !== undefined) {
					return {
						response,
						json,
						attempts: attempt + 1,
						expiredAfterRenewal: renewed && response.status === 401,
						mayHaveReachedSnowflake: state.mayHaveReachedSnowflake,
					};
				}
				throw failure instanceof SnowflakeError ? failure : networkError(failure, attempt + 1);
			}
			emit({
				type: 'retry',
				reason: retryReason(response?.status, failure),
				status: response?.status,
				attempt: retries + 1,
				delayMs: decision.delayMs,
			});
			state.waitingToRetry = true;
			await sleep(decision.delayMs, options.signal);
			state.waitingToRetry = false;
			retries++;
		}
	}
}

function describeTarget(request: HttpRequest): string {
	return `${request.method} ${request.path}${request.qs?.partition ? `?partition=${request.qs.partition}` : ''}`;
}

function tooLargeError(request: HttpRequest, maxBytes: number): SnowflakeError {
	return protocolError(
		`the response to ${describeTarget(request)} is larger than ${maxBytes} bytes (decompressed), so it was stopped there and not retried. ` +
			'Snowflake does not send bodies this large: check that the host is a Snowflake account (a proxy or a server sending a compression bomb?).',
	);
}
