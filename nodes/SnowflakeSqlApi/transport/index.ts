/** Public surface of the SQL API v2 transport: what code outside transport/ may use. */
export { SnowflakeClient } from './client';
export { SnowflakeError } from './errors';
export { boundText } from './redact';
export { isBodyStream, readBoundedBody } from './bodyLimit';
export { KeyPairAuth, oauthTokenFailure, oauthTokenUrlFailure, readCredentials, requestAuth } from './auth';
export type { ContextDefaults, CredentialKind, RequestAuth } from './auth';
export type { DecodedRow, DecodeOptions, RowFormat, RowType } from '../decoder';
export type {
	Binding,
	Bindings,
	BindingType,
	DmlStats,
	ExecuteOptions,
	GetStatementOptions,
	HttpFn,
	HttpRequest,
	HttpResponse,
	PartitionWriter,
	RowWriter,
	QueryStatus,
	ReadEachOptions,
	SleepFn,
	SnowflakeClientOptions,
	StatementPage,
	StatementRequest,
	StatementResult,
	SubmitResponse,
	TransportEvent,
} from './types';
