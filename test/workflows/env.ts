/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * Imported before n8n-core: decorators need reflect-metadata, and n8n-core's InstanceSettings writes
 * an encryption key under N8N_USER_FOLDER (a temp dir here, never the user's ~/.n8n).
 */
import 'reflect-metadata';

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-snowflake-workflows-'));
