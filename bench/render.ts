/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- bench code, never shipped; it reads its CPU time and prints */
/**
 * The export's own work alone (issue 15, round 2): the bench result's partitions (20,000 rows each,
 * `test/emulator/largeResult.ts`) built in memory as their JSON bytes, then written to one CSV file by
 * resultFileItem with RowDecoder.renderPartition, as the node does, but without HTTP, gzip or n8n (its
 * prepareBinaryData keeps the Buffer as it is): wall and CPU time of each of 5 passes over all rows. `npm exec -- tsx bench/render.ts [rows]` (default 1,000,000). Compare commits by running it in
 * each checkout, back to back.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { createRowDecoder } from '../nodes/SnowflakeSqlApi/decoder';
import { resultFileItem } from '../nodes/SnowflakeSqlApi/helpers';
import { benchRow, benchRowType } from '../test/emulator/largeResult';

const rows = Number(process.argv[2] ?? '1000000');
const perPartition = 20_000;
const encoder = new TextEncoder();
const bodies: Uint8Array[] = [];
for (let first = 0; first < rows; first += perPartition) {
	const data: Array<Array<string | null>> = [];
	for (let i = first; i < Math.min(rows, first + perPartition); i++) data.push(benchRow(i));
	bodies.push(encoder.encode(JSON.stringify({ data })));
}
const decoder = createRowDecoder(benchRowType);
let fileBytes = 0;
const context = {
	helpers: {
		prepareBinaryData: async (data: Buffer): Promise<IBinaryData> => {
			fileBytes = data.length;
			return { data: '', mimeType: 'text/csv' };
		},
	},
} as unknown as IExecuteFunctions;
const options = { format: 'csv' as const, delimiter: ',', gzip: false, binaryPropertyName: 'data', fileName: '' };

async function main(): Promise<void> {
	for (let pass = 1; pass <= 5; pass++) {
		const cpu = process.cpuUsage();
		const start = performance.now();
		await resultFileItem(context, 0, options, async (writer) => {
			const rowWriter = writer.open(decoder.keys, benchRowType, bodies.reduce((sum, body) => sum + body.length, 0));
			if (rowWriter.format === undefined) throw new Error('the CSV writer has no cell format');
			for (const body of bodies) {
				const chunks: Uint8Array[] = [];
				const count = decoder.renderPartition(body, rowWriter.format, Number.POSITIVE_INFINITY, chunks);
				if (count === undefined) throw new Error('a partition was handed back');
				await writer.write(chunks, count, 1);
			}
			return { statementHandle: 'bench', requestId: 'bench', status: 'success', code: '090001', message: '', rowType: benchRowType, numRows: rows, rows: [], truncated: false, partitionCount: bodies.length };
		});
		const used = process.cpuUsage(cpu);
		console.log(`pass ${pass}: ${rows} rows, ${fileBytes} bytes of CSV, wall ${(performance.now() - start).toFixed(0)} ms, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
	}
}

void main();
