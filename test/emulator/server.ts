/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only code, never shipped */
/**
 * The emulator's HTTP server: Snowflake SQL API v2 on loopback (reference §1–§4, checklist §8). Routes,
 * header and JWT checks, request validation and response framing live here; statements run in the
 * StatementStore (statements.ts), SQL in the engine (engine-types.ts), faults come from faults.ts.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import type { Bindings, BindingType } from '../../nodes/SnowflakeSqlApi/transport';
import { createDuckDbEngine, DEFAULT_DATABASE, DEFAULT_ROLE, DEFAULT_SCHEMA, DEFAULT_WAREHOUSE } from './engine';
import { SnowflakeSqlError, type Engine, type EngineResult } from './engine-types';
import { FaultInjector, type Fault, type FaultKind, type FaultRoute } from './faults';
import { registerPublicKey, verifyKeypairJwt, type RegisteredKey } from './jwt';
import { PatRegistry, roleRefusal, type IssuedPat, type IssuePatOptions, type PatPrincipal } from './pat';
import { OAuthServer, type ExternalOAuthOptions, type OAuthClientOptions, type OAuthPrincipal } from './oauth';
import { newRequestId, StatementStore, SUCCESS, type ExecutionRequest, type Failure, type StatementRecord } from './statements';

const gzipAsync = promisify(gzip);

/** Who a verified request came from, when its token says more than the key-pair user: a PAT's restriction or an OAuth token's role. */
interface Caller {
	freshToken?: boolean;
	pat?: PatPrincipal;
	principal?: OAuthPrincipal;
}

/**
 * Behaviour the documentation leaves open (reference §9). Each switch names the section behind it;
 * the defaults are the reading the reference recommends. Mutable at run time through `emulator.switches`.
 */
export interface EmulatorSwitches {
	/** §2.6, §9.3: HTTP status of 391903 (User-Agent) and 391902 (Accept). Default 400. */
	headerErrorStatus: number;
	/** §4.10: HTTP status of 000008 (statement count mismatch). Default 422. */
	statementCountMismatchStatus: number;
	/** §4.6: code of the 202 a synchronous POST gets once the wait is over ('333334' or v1's '333333'). Default '333334'. */
	inProgressCode: string;
	/** §4.7, §9.4: status of a GET for a statement that hit its timeout (the POST that waited gets 408). Default 422. */
	timeoutStatusOnGet: 408 | 422;
	/** §4.4, §9.6: GET ?partition=0 returns the full 'resultSet' (as without partition) or 'data' only, like partitions ≥ 1. Default 'resultSet'. */
	partitionZero: 'resultSet' | 'data';
	/** §4.4: partitions ≥ 1 are gzip with Content-Encoding: gzip. Default true. */
	gzipPartitions: boolean;
	/** §4.4, §9.6: also gzip the POST/GET ResultSet when the client sends Accept-Encoding: gzip. Default false. */
	gzipResultSets: boolean;
	/** §3.5, §9.5: a POST reusing a known requestId WITHOUT retry=true runs again ('execute') or returns the earlier statement ('return'). Default 'execute'. */
	requestIdReuse: 'execute' | 'return';
}

export const DEFAULT_SWITCHES: EmulatorSwitches = {
	headerErrorStatus: 400,
	statementCountMismatchStatus: 422,
	inProgressCode: '333334',
	timeoutStatusOnGet: 422,
	partitionZero: 'resultSet',
	gzipPartitions: true,
	gzipResultSets: false,
	requestIdReuse: 'execute',
};

export interface EmulatorUserOptions {
	/** Default: the emulator's account. */
	account?: string;
	user: string;
	/** RSA_PUBLIC_KEY and optionally RSA_PUBLIC_KEY_2: PEM (rsa_key.pub) or the bare base64 body. */
	publicKeys: string[];
}

export interface EmulatorOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Loopback only: '127.0.0.1' (default), '::1' or 'localhost'. */
	host?: string;
	/** Default 'EMULATOR'. Upper-cased; no region (`.`) — that is what the JWT claim carries. */
	account?: string;
	/** Default 'N8N_USER'. Upper-cased. */
	user?: string;
	/** Keys of the default user (1 or 2). None: a key pair is generated (`emulator.generatedKey`). */
	publicKeys?: string[];
	/** More users. */
	users?: EmulatorUserOptions[];
	/**
	 * A programmatic access token for the default user, issued at start (`emulator.generatedPat`): its expiry and
	 * role restriction. `false`: none. More are issued with `emulator.pats.issue`.
	 */
	pat?: Omit<IssuePatOptions, 'user' | 'account'> | false;
	/** How long a synchronous POST waits before answering 202 (reference §6: 45 s). Default 45000. */
	syncWaitMs?: number;
	/** Rows per partition. When absent, partitions are cut by `partitionBytes`. */
	partitionRows?: number;
	/** Uncompressed JSON bytes per partition (approximate; ≥ 1 row each). Default 1_000_000. */
	partitionBytes?: number;
	/** JWT clock skew allowance (UNCONFIRMED, §2.1). Default 60. */
	clockSkewSeconds?: number;
	/** How long finished statements stay retrievable (§6: 24 h). Default 86_400_000. */
	resultRetentionMs?: number;
	/** Session defaults when the request names none (DEFAULT_NAMESPACE etc.). */
	database?: string;
	schema?: string;
	warehouse?: string;
	role?: string;
	/** An engine to use instead of the DuckDB one; not closed by `stop` (several emulators may share it). */
	engine?: Engine;
	/** Database file (or folder) of the DuckDB engine; default in memory (ENGINE.md). */
	dbPath?: string;
	/** DuckDB engine: TIME/TIMESTAMP fraction digits, exactly `scale` or always nine (§9 question 1). Default 'scale'. */
	fractionDigits?: 'scale' | 'nine';
	/** Default DuckDB engine: how far back CHANGES may start (ms) for every table; default each table's DATA_RETENTION_TIME_IN_DAYS. */
	changeRetentionMs?: number;
	/** Seed of the fault injector's generator. Default 1. */
	faultSeed?: number;
	/**
	 * Simulated time: the emulator's clock in ms since the epoch (default Date.now). It decides JWT validity
	 * (`iat`/`exp`), `createdOn`, result retention and when a `longRunning` statement starts, so a test that
	 * moves it on (with the client's injected sleep) lives through hours without waiting. Statement `timeout`s
	 * and the synchronous wait stay on real time.
	 */
	clock?: () => number;
	/**
	 * How a `slow` fault holds its response back (default a real timer: the client's request timeout it
	 * provokes is real time too). Resolves when the response may go; `signal` aborts when the emulator stops.
	 */
	slowDelay?: (ms: number, signal: AbortSignal) => Promise<void>;
	switches?: Partial<EmulatorSwitches>;
	/** Snowflake OAuth clients (security integrations with OAUTH_CLIENT = CUSTOM): /oauth/authorize and /oauth/token-request (oauth.ts). */
	oauthClients?: OAuthClientOptions[];
	/** An External OAuth integration whose JWTs the SQL API accepts (oauth.ts). */
	externalOAuth?: ExternalOAuthOptions;
	/** Called when a response is finished (or the connection dropped: status 0); the CLI logs with it. */
	onRequest?: (entry: RequestLogEntry) => void;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	/** 0 when no response was sent (connection reset). */
	status: number;
	ms: number;
	fault?: FaultKind;
}

export interface EmulatorStats {
	/** Requests that reached a route (after 404/405), by fault route. */
	requests: Record<FaultRoute, number>;
	/** Statements the engine started (each multi-statement child counts). */
	statementsExecuted: number;
	/** Submits that started execution, per requestId: > 1 means the same request ran twice. */
	executionsByRequestId: Map<string, number>;
	jwtsVerified: number;
	jwtsRejected: number;
	/** Distinct tokens among the verified ones (how often a client re-signs). */
	distinctJwts: number;
	/** Why the last JWT was refused (not sent to the client). */
	lastJwtRejection?: string;
}

export interface GeneratedKeyPair {
	privateKeyPem: string;
	publicKeyPem: string;
	fingerprint: string;
}

export interface Emulator {
	/** `http://127.0.0.1:<port>`: the credential's host. */
	readonly url: string;
	readonly host: string;
	readonly port: number;
	readonly account: string;
	readonly user: string;
	/** Set when no public key was given. */
	readonly generatedKey?: GeneratedKeyPair;
	/** The default user's programmatic access token issued at start (unless `pat: false`). */
	readonly generatedPat?: IssuedPat;
	/** Programmatic access tokens: issue, revoke, take a user's network policy away (pat.ts). */
	readonly pats: PatRegistry;
	readonly faults: FaultInjector;
	readonly stats: EmulatorStats;
	readonly switches: EmulatorSwitches;
	readonly engine: Engine;
	/** The OAuth authorization server and token checks (clients, stats, revoke). */
	readonly oauth: OAuthServer;
	/** Statements the engine is still working on (0 after a cancel proves the statement stopped). */
	readonly running: number;
	/** The synchronous wait, changeable between tests. */
	syncWaitMs: number;
	/** ALTER USER ... SET RSA_PUBLIC_KEY / RSA_PUBLIC_KEY_2 at run time (key rotation). Creates the user if needed. */
	setUserKeys(user: string, publicKeys: string[], account?: string): void;
	/** How many times a submit with this requestId started execution. */
	executions(requestId: string): number;
	statement(handle: string): StatementRecord | undefined;
	/**
	 * Runs statements on the engine in one session, outside HTTP, faults and the request log (tests seed and
	 * read back tables with it); the last one's result. Default database and schema unless given.
	 */
	sql(statements: string | readonly string[], context?: { database?: string; schema?: string }): Promise<EngineResult>;
	stop(): Promise<void>;
}

type Route = { name: 'submit' } | { name: 'status'; handle: string } | { name: 'cancel'; handle: string };

interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Random mode does not expire a token within this many verified requests of its first use (see PickContext). */
const FRESH_TOKEN_REQUESTS = 10;
const STATEMENTS_PATH = '/api/v2/statements';
const BINDING_TYPES = new Set<BindingType>([
	'FIXED',
	'REAL',
	'DECFLOAT',
	'TEXT',
	'BINARY',
	'BOOLEAN',
	'DATE',
	'TIME',
	'TIMESTAMP_TZ',
	'TIMESTAMP_LTZ',
	'TIMESTAMP_NTZ',
]);
/** Reference §6: `timeout` is 0–604800 seconds, 0 meaning the maximum; absent → STATEMENT_TIMEOUT_IN_SECONDS (172800). */
const MAX_TIMEOUT_SECONDS = 604800;
const DEFAULT_TIMEOUT_SECONDS = 172800;
const INVALID_PAYLOAD = { code: '390142', message: 'Incoming request does not contain a valid payload.' };
const IN_PROGRESS_MESSAGE = 'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

function matchRoute(pathname: string): Route | undefined {
	if (pathname === STATEMENTS_PATH) return { name: 'submit' };
	const match = /^\/api\/v2\/statements\/([^/]+)(\/cancel)?$/.exec(pathname);
	if (!match) return undefined;
	const handle = decodeURIComponent(match[1]);
	return match[2] ? { name: 'cancel', handle } : { name: 'status', handle };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(request: IncomingMessage, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value.join(', ') : value;
}

/** `application/json`, `application/*` or `*\/*` among the media ranges. */
function acceptsJson(accept: string): boolean {
	return accept
		.split(',')
		.map((range) => range.split(';')[0].trim().toLowerCase())
		.some((type) => type === 'application/json' || type === 'application/*' || type === '*/*');
}

/**
 * Real captures (test/emulator/captures): a 200 ResultSet's statementStatusUrl carries `?requestId=`, the
 * QueryStatus of a 202 (docs' example) does not.
 */
function statusUrl(record: StatementRecord, withRequestId: boolean): string {
	const path = `${STATEMENTS_PATH}/${record.handle}`;
	return withRequestId ? `${path}?requestId=${encodeURIComponent(record.requestId)}` : path;
}

/** RFC 8288 links with a fresh requestId each, as in the reference's example (§4.5). */
function linkHeader(handle: string, partition: number, count: number): string {
	const link = (target: number, rel: string) =>
		`<${STATEMENTS_PATH}/${handle}?requestId=${randomUUID()}&partition=${target}>; rel="${rel}"`;
	const links = [link(0, 'first')];
	if (partition + 1 < count) links.push(link(partition + 1, 'next'));
	if (partition > 0) links.push(link(partition - 1, 'prev'));
	links.push(link(count - 1, 'last'));
	return links.join(',');
}

/** The leading command of a statement, for 391911 ("USE", "ALTER SESSION", "BEGIN", ...). */
function commandOf(statement: string): string {
	const words = statement
		.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, '')
		.split(/\s+/, 2)
		.map((word) => word.replace(/[^A-Za-z_]+$/, '').toUpperCase());
	return words[0] === 'ALTER' ? 'ALTER SESSION' : words[0];
}

function failure(code: string, sqlState: string, message: string): Failure {
	return { kind: 'error', code, sqlState, message };
}

/** Reference §3.4: keys "1".."n", a known type, a string (or null) value. */
function checkBindings(bindings: Record<string, unknown>): { bindings: Bindings } | { failure: Failure } {
	const checked: Bindings = {};
	for (const [key, binding] of Object.entries(bindings)) {
		if (!/^[1-9]\d*$/.test(key)) {
			return { failure: failure('002049', '42601', `SQL compilation error:\nBind variable name '${key}' is invalid.`) };
		}
		const type = isObject(binding) && typeof binding.type === 'string' ? binding.type.toUpperCase() : undefined;
		if (!isObject(binding) || !type || !BINDING_TYPES.has(type as BindingType)) {
			const shown = isObject(binding) && binding.type !== undefined ? String(binding.type) : 'null';
			return { failure: failure('002040', '42601', `SQL compilation error:\nUnsupported data type '${shown}'.`) };
		}
		const value = binding.value;
		if (value !== null && typeof value !== 'string') {
			return { failure: failure('100037', '22018', `${type} value '${JSON.stringify(value)}' is not recognized`) };
		}
		checked[key] = { type: type as BindingType, value };
	}
	return { bindings: checked };
}

/** The whole request body as UTF-8 (the emulator's and the test IdP's requests are small). */
export function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		request.on('error', reject);
	});
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? '127.0.0.1';
	if (!LOOPBACK.has(host)) throw new Error(`The emulator binds loopback only (127.0.0.1, ::1, localhost), not ${host}`);
	const switches: EmulatorSwitches = { ...DEFAULT_SWITCHES, ...options.switches };
	const account = (options.account ?? 'EMULATOR').toUpperCase();
	const defaultUser = (options.user ?? 'N8N_USER').toUpperCase();
	let syncWaitMs = options.syncWaitMs ?? 45_000;
	const clockSkewSeconds = options.clockSkewSeconds ?? 60;
	const lifetime = new AbortController();
	const faults = new FaultInjector(options.faultSeed ?? 1);
	const now = options.clock ?? Date.now;
	const slowDelay = options.slowDelay ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }));
	const stats: EmulatorStats = {
		requests: { submit: 0, status: 0, partition: 0, cancel: 0 },
		statementsExecuted: 0,
		executionsByRequestId: new Map(),
		jwtsVerified: 0,
		jwtsRejected: 0,
		distinctJwts: 0,
	};
	/** Each verified token and the count of verified requests when it was first seen. */
	const tokensSeen = new Map<string, number>();
	let verifiedRequests = 0;
	const users = new Map<string, RegisteredKey[]>();

	const setUserKeys = (user: string, publicKeys: string[], userAccount = account) => {
		if (publicKeys.length < 1 || publicKeys.length > 2) {
			throw new Error('A user holds RSA_PUBLIC_KEY and optionally RSA_PUBLIC_KEY_2: give 1 or 2 public keys');
		}
		if (userAccount.includes('.')) throw new Error(`Account ${userAccount}: give the account without region (the JWT claim form)`);
		users.set(`${userAccount.toUpperCase()}.${user.toUpperCase()}`, publicKeys.map(registerPublicKey));
	};

	let generatedKey: GeneratedKeyPair | undefined;
	if (options.publicKeys && options.publicKeys.length > 0) {
		setUserKeys(defaultUser, options.publicKeys);
	} else {
		const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
		setUserKeys(defaultUser, [publicKeyPem]);
		generatedKey = {
			privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
			publicKeyPem,
			fingerprint: users.get(`${account}.${defaultUser}`)![0].fingerprint,
		};
	}
	for (const extra of options.users ?? []) setUserKeys(extra.user, extra.publicKeys, extra.account);
	const pats = new PatRegistry(account, now);
	const generatedPat = options.pat === false ? undefined : pats.issue({ ...options.pat, user: defaultUser });

	const oauth = new OAuthServer(options.oauthClients ?? [], options.externalOAuth, {
		user: defaultUser,
		now,
		knownUser: (user) => users.has(`${account}.${user}`),
	});

	const ownsEngine = options.engine === undefined;
	const engine =
		options.engine ?? (await createDuckDbEngine({ path: options.dbPath, fractionDigits: options.fractionDigits, user: defaultUser, changeRetentionMs: options.changeRetentionMs }));
	const store = new StatementStore({
		engine,
		partitionRows: options.partitionRows,
		partitionBytes: options.partitionBytes ?? 1_000_000,
		gzipPartitions: () => switches.gzipPartitions,
		retentionMs: options.resultRetentionMs ?? 86_400_000,
		now,
		onEngineRun: () => stats.statementsExecuted++,
	});

	// ------------------------------------------------------------ response bodies (reference §4)

	const queryStatus = (record: StatementRecord, code: string, message: string, sqlState?: string) => ({
		code,
		...(sqlState === undefined ? {} : { sqlState }),
		message,
		statementHandle: record.handle,
		statementStatusUrl: statusUrl(record, false),
	});

	const resultSet = (record: StatementRecord) => {
		const result = record.result!;
		return {
			resultSetMetaData: {
				numRows: result.numRows,
				format: 'jsonv2',
				partitionInfo: result.partitionInfo,
				rowType: result.rowType,
			},
			data: result.partitions[0],
			code: SUCCESS.code,
			statementStatusUrl: statusUrl(record, true),
			// Every captured 200 ResultSet carries the request's id at the top level.
			requestId: record.requestId,
			sqlState: SUCCESS.sqlState,
			statementHandle: record.handle,
			message: SUCCESS.message,
			createdOn: record.createdOn,
			...(result.stats ? { stats: result.stats } : {}),
			...(result.statementHandles ? { statementHandles: result.statementHandles } : {}),
		};
	};

	/**
	 * An unknown handle is 000709; one whose result outlived the retention time is 000710 with the message
	 * Snowflake's query protocol gives (snowflake-connector-python#1596, captures/README.md). The SQL API's
	 * status for both is UNCONFIRMED: 422 like its other statement errors.
	 */
	const notFound = (handle: string) =>
		store.expired(handle)
			? json(422, { code: '000710', message: `Result for query ${handle} has expired`, sqlState: '02000', statementHandle: handle })
			: json(422, { code: '000709', message: `Statement ${handle} not found`, sqlState: '02000', statementHandle: handle });

	/** The answer for a statement's current state; `via` decides 408 vs GET's switch and the 202 code. */
	const stateReply = async (
		record: StatementRecord,
		via: 'submit' | 'status',
		acceptsGzip: boolean,
		inProgressCode = '333334',
	): Promise<Reply> => {
		if (record.state === 'running') return json(202, queryStatus(record, inProgressCode, IN_PROGRESS_MESSAGE));
		const failed = record.failure;
		if (failed) {
			const body = { code: failed.code, message: failed.message, sqlState: failed.sqlState, statementHandle: record.handle };
			if (failed.kind === 'timeout') {
				const status = via === 'submit' ? 408 : switches.timeoutStatusOnGet;
				return json(status, status === 408 ? queryStatus(record, failed.code, failed.message, failed.sqlState) : body);
			}
			return json(failed.code === '000008' ? switches.statementCountMismatchStatus : 422, body);
		}
		const reply = json(200, resultSet(record), {
			Link: linkHeader(record.handle, 0, record.result!.partitions.length),
		});
		if (switches.gzipResultSets && acceptsGzip) {
			reply.body = await gzipAsync(reply.body!);
			reply.headers!['Content-Encoding'] = 'gzip';
		}
		return reply;
	};

	/** Waits for the statement up to `ms` (or without limit), leaving no timer behind. */
	const waitFor = async (record: StatementRecord, ms: number | undefined) => {
		if (record.state !== 'running') return;
		if (ms === undefined) return record.settled;
		const stopWaiting = new AbortController();
		await Promise.race([
			record.settled,
			delay(ms, undefined, { signal: AbortSignal.any([stopWaiting.signal, lifetime.signal]) }).catch(() => undefined),
		]);
		stopWaiting.abort();
	};

	// ------------------------------------------------------------ routes

	const submit = async (url: URL, request: IncomingMessage, raw: string, fault: Fault | undefined, caller: Caller): Promise<Reply> => {
		const { pat, principal } = caller;
		const contentType = header(request, 'content-type');
		if (contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() !== 'application/json') {
			return json(415, { message: `Unsupported Content-Type ${contentType}. Use application/json.` });
		}
		let body: unknown;
		try {
			body = JSON.parse(raw);
		} catch {
			return json(400, INVALID_PAYLOAD);
		}
		if (!isObject(body) || typeof body.statement !== 'string') return json(400, INVALID_PAYLOAD);
		const optionalStrings = ['database', 'schema', 'warehouse', 'role'].every((key) => body[key] === undefined || typeof body[key] === 'string');
		const timeout = body.timeout;
		const validTimeout =
			timeout === undefined || (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0 && timeout <= MAX_TIMEOUT_SECONDS);
		const bindingsValid = body.bindings === undefined || body.bindings === null || isObject(body.bindings);
		const parametersValid = body.parameters === undefined || body.parameters === null || isObject(body.parameters);
		if (!optionalStrings || !validTimeout || !bindingsValid || !parametersValid) return json(400, INVALID_PAYLOAD);
		const refusedRole = roleRefusal(pat, body.role);
		if (refusedRole) return json(422, refusedRole);
		const roleRefused = principal && OAuthServer.roleRefusal(principal, body.role as string | undefined, options.role ?? DEFAULT_ROLE);
		if (roleRefused) return roleRefused;

		const parameters: Record<string, string> = {};
		for (const [key, value] of Object.entries((body.parameters ?? {}) as Record<string, unknown>)) {
			if (!['string', 'number', 'boolean'].includes(typeof value)) return json(400, INVALID_PAYLOAD);
			parameters[key.toUpperCase()] = String(value);
		}
		const count = parameters.MULTI_STATEMENT_COUNT ?? '1';
		const rowsPerResultset = parameters.ROWS_PER_RESULTSET ?? '0';
		if (!/^\d+$/.test(count) || !/^\d+$/.test(rowsPerResultset)) return json(400, INVALID_PAYLOAD);

		const query = url.searchParams;
		const givenRequestId = query.get('requestId') ?? undefined;
		const requestId = givenRequestId || newRequestId();
		const retry = query.get('retry')?.toLowerCase() === 'true';
		const isAsync = query.get('async')?.toLowerCase() === 'true';
		const acceptsGzip = /\bgzip\b/i.test(header(request, 'accept-encoding') ?? '');
		// resetAfterCommit: the statement finishes, then the response is lost.
		// longRunning: held until the clock moves on, so the POST answers 202 at once (as if async).
		const answer = async (record: StatementRecord) => {
			const held = fault?.kind === 'longRunning' || (record.holdUntil !== undefined && record.state === 'running');
			const wait = fault?.kind === 'resetAfterCommit' ? undefined : isAsync || held ? 0 : syncWaitMs;
			await waitFor(record, wait);
			return stateReply(record, 'submit', acceptsGzip, isAsync ? '333334' : switches.inProgressCode);
		};

		const earlier = givenRequestId ? store.byRequestId(givenRequestId) : undefined;
		if (earlier && (retry || switches.requestIdReuse === 'return')) return answer(earlier);

		const statement = body.statement;
		const bindingsChecked = isObject(body.bindings) ? checkBindings(body.bindings) : { bindings: undefined };
		if ('failure' in bindingsChecked) return answer(store.reject(requestId, statement, bindingsChecked.failure));
		const bindings = bindingsChecked.bindings && Object.keys(bindingsChecked.bindings).length > 0 ? bindingsChecked.bindings : undefined;

		// Snowflake answers text it cannot split (an unterminated ', " or /*) with a 422 compilation error
		// (001003, 42000), like any syntax error; an uncaught throw would be a 500, which clients retry.
		let statements: string[];
		try {
			statements = engine.splitStatements(statement);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- test-only code: anything else is an emulator bug, answered 500
			if (!(error instanceof SnowflakeSqlError)) throw error;
			return answer(store.reject(requestId, statement, failure(error.code, error.sqlState, error.message)));
		}
		const expected = Number(count);
		const multi = expected !== 1;
		let refused: Failure | undefined;
		if (statements.length === 0) {
			refused = failure('000900', '42000', 'Empty SQL statement.');
		} else if (expected > 0 && statements.length !== expected) {
			refused = failure('000008', '0A000', `Actual statement count ${statements.length} did not match the desired statement count ${expected}.`);
		} else if (multi && bindings) {
			refused = failure('000002', '0A000', "Unsupported feature 'bind variables in multi-statement requests'.");
		} else {
			for (const single of statements) {
				const kind = engine.classify(single);
				// PUT/GET are refused everywhere; session and transaction commands only outside multi-statement requests.
				if (kind === 'put' || kind === 'get' || (!multi && (kind === 'session' || kind === 'transaction'))) {
					refused = failure('391911', '0A000', `Command not supported by SQL API: ${commandOf(single)}`);
					break;
				}
			}
		}
		if (refused) return answer(store.reject(requestId, statement, refused));

		const execution: ExecutionRequest = {
			requestId,
			statement,
			statements,
			multi,
			bindings,
			context: {
				database: (body.database as string | undefined) ?? options.database ?? DEFAULT_DATABASE,
				schema: (body.schema as string | undefined) ?? options.schema ?? DEFAULT_SCHEMA,
				warehouse: (body.warehouse as string | undefined) ?? options.warehouse ?? DEFAULT_WAREHOUSE,
				role: (body.role as string | undefined) ?? pat?.roleRestriction ?? principal?.role ?? options.role ?? DEFAULT_ROLE,
				parameters,
			},
			timeoutSeconds: timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : (timeout as number),
			nullable: query.get('nullable')?.toLowerCase() !== 'false',
			rowsPerResultset: Number(rowsPerResultset),
			...(fault?.kind === 'longRunning' ? { holdUntil: now() + (fault.holdMs ?? 0) } : {}),
		};
		stats.executionsByRequestId.set(requestId, (stats.executionsByRequestId.get(requestId) ?? 0) + 1);
		return answer(store.start(execution));
	};

	const status = async (handle: string, partition: number | undefined, request: IncomingMessage): Promise<Reply> => {
		const record = store.get(handle);
		if (!record) return notFound(handle);
		const acceptsGzip = /\bgzip\b/i.test(header(request, 'accept-encoding') ?? '');
		const result = record.result;
		if (partition === undefined || !result || (partition === 0 && switches.partitionZero === 'resultSet')) {
			return stateReply(record, 'status', acceptsGzip);
		}
		if (partition >= result.partitions.length) return json(400, INVALID_PAYLOAD);
		const headers = { 'Content-Type': 'application/json', Link: linkHeader(handle, partition, result.partitions.length) };
		// Serialised only when no cached gzip serves it: a cached partition is sent as the bytes it already is.
		const plain = () => JSON.stringify({ data: result.partitions[partition] });
		if (!switches.gzipPartitions) return { status: 200, headers, body: plain() };
		// Compressed at completion; partition 0 (data mode) or a switch flipped later is compressed now.
		const compressed = result.gzipped[partition] ?? (await gzipAsync(plain()));
		return { status: 200, headers: { ...headers, 'Content-Encoding': 'gzip' }, body: compressed };
	};

	const cancel = async (handle: string): Promise<Reply> => {
		const record = store.get(handle);
		if (!record || (await store.cancel(handle)) === 'notFound') return notFound(handle);
		return json(200, queryStatus(record, '000604', 'SQL execution canceled', '57014'));
	};

	// ------------------------------------------------------------ authentication (reference §2, §2.8)

	/** Undefined when the request may go on; `fresh` when its token was verified for the first time. */
	const authenticate = async (request: IncomingMessage, seen: Caller): Promise<Reply | undefined> => {
		const rejected = (detail: string, code = '390144', message = `JWT token is invalid. [${randomUUID()}]`) => {
			stats.jwtsRejected++;
			stats.lastJwtRejection = detail;
			return json(401, { code, message });
		};
		const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '');
		if (!bearer) return rejected('no Authorization: Bearer header');
		const token = bearer[1];
		const tokenType = header(request, 'x-snowflake-authorization-token-type')?.trim().toUpperCase();
		if (tokenType === 'PROGRAMMATIC_ACCESS_TOKEN') {
			const verdict = pats.verify(token);
			if (!verdict.ok) return rejected(verdict.detail, verdict.body.code, verdict.body.message);
			seen.pat = verdict.principal;
			seen.freshToken = true;
			return undefined;
		}
		if (tokenType === 'OAUTH') {
			const verdict = await oauth.verify(token);
			if (!verdict.ok) return rejected(verdict.detail, verdict.code, verdict.message);
			seen.principal = verdict.principal;
			seen.freshToken = true;
			return undefined;
		}
		if (tokenType !== undefined && tokenType !== 'KEYPAIR_JWT') return rejected(`token type ${tokenType}`);
		const verdict = await verifyKeypairJwt(token, (qualifiedUser) => users.get(qualifiedUser), { nowMs: now(), clockSkewSeconds });
		if (!verdict.ok) {
			return verdict.reason === 'expired'
				? rejected(verdict.detail, '390198', `Keypair access token expired. ...${token.slice(-8)}`)
				: rejected(verdict.detail);
		}
		stats.jwtsVerified++;
		verifiedRequests++;
		if (!tokensSeen.has(token)) tokensSeen.set(token, verifiedRequests);
		// Fresh: first verified within the last FRESH_TOKEN_REQUESTS requests (a whole retry sequence of one request).
		seen.freshToken = verifiedRequests - tokensSeen.get(token)! < FRESH_TOKEN_REQUESTS;
		stats.distinctJwts = tokensSeen.size;
		return undefined;
	};

	const faultReply = (fault: Fault): Reply | undefined => {
		switch (fault.kind) {
			case 'http429':
				return json(
					429,
					{ code: '390505', message: 'Too many requests.' },
					fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) },
				);
			case 'http500':
				return json(500, { message: 'Internal error (emulator fault injection).' });
			case 'http502':
				return { status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
			case 'http503':
				return { status: 503, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' };
			case 'http504':
				return { status: 504, headers: { 'Content-Type': 'text/html' }, body: '<html><body><h1>504 Gateway Time-out</h1></body></html>' };
			case 'tokenExpired':
				return json(401, { code: '390198', message: 'Keypair access token expired. ...(emulator fault injection)' });
			default:
				return undefined;
		}
	};

	// ------------------------------------------------------------ HTTP

	const send = (response: ServerResponse, reply: Reply) => {
		if (response.destroyed) return;
		const body = reply.body ?? '';
		response.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(Buffer.byteLength(body)) });
		response.end(body);
	};

	const deliver = async (response: ServerResponse, reply: Reply, fault: Fault | undefined) => {
		if (fault?.kind === 'slow') await slowDelay(fault.delayMs ?? 0, lifetime.signal).catch(() => undefined);
		if (fault?.kind === 'resetAfterCommit') {
			response.destroy();
			return;
		}
		if (fault?.kind === 'truncatedGzip' && reply.headers?.['Content-Encoding'] === 'gzip' && Buffer.isBuffer(reply.body)) {
			reply.body = reply.body.subarray(0, Math.floor(reply.body.length / 2));
		}
		send(response, reply);
	};

	const handle = async (request: IncomingMessage, response: ServerResponse, seen: { fault?: Fault }) => {
		const url = new URL(request.url ?? '/', 'http://emulator');
		const route = matchRoute(url.pathname);
		const raw = await readBody(request);
		const oauthReply = oauth.route(request.method ?? '', url, request.headers, raw);
		if (oauthReply) return send(response, oauthReply);
		if (!route) return send(response, { status: 404 });
		const method = route.name === 'status' ? 'GET' : 'POST';
		if (request.method !== method) return send(response, { status: 405, headers: { Allow: method } });

		let partition: number | undefined;
		if (route.name === 'status' && url.searchParams.has('partition')) {
			const text = url.searchParams.get('partition') ?? '';
			if (!/^\d+$/.test(text)) return send(response, json(400, INVALID_PAYLOAD));
			partition = Number(text);
		}
		const faultRoute: FaultRoute = route.name === 'status' && partition !== undefined && partition > 0 ? 'partition' : route.name;
		stats.requests[faultRoute]++;

		const userAgent = header(request, 'user-agent');
		if (!userAgent?.trim()) {
			return send(response, json(switches.headerErrorStatus, { code: '391903', message: `Invalid or empty User-Agent header set: ${userAgent ?? 'null'}` }));
		}
		const accept = header(request, 'accept');
		if (accept === undefined || !acceptsJson(accept)) {
			return send(response, json(switches.headerErrorStatus, { code: '391902', message: `Unsupported Accept header ${accept ?? 'null'}` }));
		}
		const token: Caller = {};
		const authFailure = await authenticate(request, token);
		if (authFailure) return send(response, authFailure);

		const gzipBody = faultRoute === 'partition' ? switches.gzipPartitions : switches.gzipResultSets;
		const fault = faults.pick(faultRoute, url.pathname + url.search, gzipBody, token);
		seen.fault = fault;
		if (fault?.kind === 'resetBeforeRun') {
			request.socket.destroy();
			return;
		}
		const early = fault && faultReply(fault);
		if (early) return send(response, early);

		let reply: Reply;
		if (route.name === 'submit') reply = await submit(url, request, raw, fault, token);
		else if (route.name === 'cancel') reply = await cancel(route.handle);
		else reply = await status(route.handle, partition, request);
		await deliver(response, reply, fault);
	};

	const server: Server = createServer((request, response) => {
		const started = Date.now();
		const seen: { fault?: Fault } = {};
		if (options.onRequest) {
			const report = options.onRequest;
			response.on('close', () =>
				report({
					method: request.method ?? '',
					path: request.url ?? '',
					status: response.headersSent ? response.statusCode : 0,
					ms: Date.now() - started,
					fault: seen.fault?.kind,
				}),
			);
		}
		handle(request, response, seen).catch((error: unknown) => {
			// A bug in the emulator answers 500 instead of hanging the client.
			send(response, json(500, { message: `Emulator error: ${(error as Error)?.message ?? String(error)}` }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const urlHost = host === '::1' ? '[::1]' : host;

	let stopped: Promise<void> | undefined;
	return {
		url: `http://${urlHost}:${port}`,
		host,
		port,
		account,
		user: defaultUser,
		generatedKey,
		generatedPat,
		pats,
		faults,
		stats,
		switches,
		engine,
		oauth,
		get running() {
			return store.running;
		},
		get syncWaitMs() {
			return syncWaitMs;
		},
		set syncWaitMs(ms: number) {
			syncWaitMs = ms;
		},
		setUserKeys,
		executions: (requestId) => stats.executionsByRequestId.get(requestId) ?? 0,
		statement: (handle) => store.get(handle),
		sql: async (statements, context = {}) => {
			const session = await engine.openSession();
			try {
				let result: EngineResult = { kind: 'query', rowType: [], data: [] };
				for (const statement of typeof statements === 'string' ? [statements] : statements) {
					result = await session.run(statement, undefined, { database: DEFAULT_DATABASE, schema: DEFAULT_SCHEMA, ...context, parameters: {} });
				}
				return result;
			} finally {
				await session.close();
			}
		},
		stop: () =>
			(stopped ??= (async () => {
				lifetime.abort();
				const closed = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeAllConnections();
				await store.shutdown();
				await closed;
				if (ownsEngine) await engine.close();
			})()),
	};
}
