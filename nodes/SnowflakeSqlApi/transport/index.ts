/** Public surface of the SQL API v2 transport: what code outside transport/ may use. */
export { SnowflakeClient } from './client';
export { SnowflakeError } from './errors';
export { boundText } from './responses';
export { KeyPairAuth, readCredentials } from './auth';
export type { SnowflakeKeyPairCredentials } from './auth';
export type { DecodedRow, DecodeOptions, RowType } from '../decoder';
export type {
	Binding,
	Bindings,
	BindingType,
	DmlStats,
	ExecuteOptions,
	HttpFn,
	HttpRequest,
	HttpResponse,
	SleepFn,
	SnowflakeClientOptions,
	StatementRequest,
	StatementResult,
	TransportEvent,
} from './types';
