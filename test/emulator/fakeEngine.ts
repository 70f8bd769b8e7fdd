/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * A tiny in-memory Engine for the server's own tests: no SQL, just a few recognised statement shapes, so the
 * HTTP layer can be exercised without DuckDB. The conformance suite runs against the real engine.
 */
import type { Bindings } from '../../nodes/SnowflakeSqlApi/transport/types';
import { SnowflakeSqlError, type Engine, type EngineResult, type EngineSession, type StatementKind } from './engine-types';

const GENERATOR = /GENERATOR\s*\(\s*ROWCOUNT\s*=>\s*(\d+)\s*\)/i;
const WAIT = /SYSTEM\$WAIT\s*\(\s*([\d.]+)\s*\)/i;

function classify(statement: string): StatementKind | 'put' | 'get' {
	const word = /^\s*(\w+)(?:\s+(\w+))?/.exec(statement);
	const first = word?.[1]?.toUpperCase() ?? '';
	if (first === 'PUT') return 'put';
	if (first === 'GET') return 'get';
	if (['BEGIN', 'START', 'COMMIT', 'ROLLBACK'].includes(first)) return 'transaction';
	if (first === 'USE' || first === 'SET' || (first === 'ALTER' && word?.[2]?.toUpperCase() === 'SESSION')) return 'session';
	if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(first)) return 'dml';
	if (['CREATE', 'DROP', 'ALTER', 'TRUNCATE'].includes(first)) return 'ddl';
	return 'query';
}

function waitFor(seconds: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve, reject) => {
		const canceled = () => new SnowflakeSqlError('000604', '57014', 'SQL execution canceled');
		if (signal?.aborted) return reject(canceled());
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, seconds * 1000);
		const onAbort = () => {
			clearTimeout(timer);
			reject(canceled());
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

const text = (name: string) => ({
	name,
	database: '',
	schema: '',
	table: '',
	type: 'text',
	length: 16777216,
	byteLength: 16777216,
	precision: null,
	scale: null,
	nullable: true,
	collation: null,
});

async function run(statement: string, bindings: Bindings | undefined, signal?: AbortSignal): Promise<EngineResult> {
	const classified = classify(statement);
	const kind: StatementKind = classified === 'put' || classified === 'get' ? 'other' : classified;
	if (/\bFAIL\b/i.test(statement)) {
		throw new SnowflakeSqlError('000904', '42000', "SQL compilation error: error line 1 at position 7\ninvalid identifier 'FAIL'");
	}
	const wait = WAIT.exec(statement);
	if (wait) {
		await waitFor(Number(wait[1]), signal);
		return { kind, rowType: [text('SYSTEM$WAIT')], data: [[`waited ${wait[1]} seconds`]] };
	}
	const generator = GENERATOR.exec(statement);
	if (generator) {
		const rows = Array.from({ length: Number(generator[1]) }, (_, i) => [String(i + 1), i % 3 === 0 ? null : `row ${i + 1}`]);
		return { kind, rowType: [{ ...text('N'), type: 'fixed', length: null, byteLength: null, precision: 38, scale: 0 }, text('LABEL')], data: rows };
	}
	if (kind === 'dml') {
		return { kind, rowType: [{ ...text('number of rows inserted'), type: 'fixed', precision: 38, scale: 0 }], data: [['1']], stats: { numRowsInserted: 1 } };
	}
	const bound = bindings?.['1']?.value;
	return { kind, rowType: [text('VALUE')], data: [[bound === undefined ? 'ok' : bound]] };
}

export function createFakeEngine(): Engine {
	const session: EngineSession = {
		run: (statement, bindings, _context, signal) => run(statement, bindings, signal),
		close: async () => {},
	};
	return {
		openSession: async () => session,
		splitStatements: (sql) => sql.split(';').map((part) => part.trim()).filter((part) => part !== ''),
		classify,
		close: async () => {},
	};
}
