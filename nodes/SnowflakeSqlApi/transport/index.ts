/** Public surface of the SQL API v2 transport. */
export { SnowflakeClient, DEFAULT_PARTITION_CONCURRENCY, DEFAULT_REQUEST_TIMEOUT_MS } from './client';
export { DEFAULT_RETRY_POLICY, decideRetry, resolveRetryPolicy } from './retryPolicy';
export type { AttemptOutcome, RetryDecision } from './retryPolicy';
export { DEFAULT_POLL_POLICY, pollDelayMs } from './poll';
export { parseRetryAfter } from './retryAfter';
export { MAX_MESSAGE_LENGTH } from './responses';
export { authenticateRequest, describeCredentials, invalidateToken, readCredentials } from './auth';
export type { SnowflakeKeyPairCredentials } from './auth';
export * from './errors';
export type * from './types';
