/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * `npm run test:ui`: the package in n8n 2.x's editor, driven in Debian's headless Chromium with
 * playwright-core. n8n (`n8n start`, 127.0.0.1 only) loads the packed tarball from `.n8n/nodes`; the
 * emulator holds a seeded table. Steps: owner account; a key-pair credential made by pasting a PEM
 * (test: success), one with an encrypted PEM and its passphrase (success), one with a key the user
 * does not have (error showing the fingerprint sent); a workflow where the node is added from the node
 * panel by searching "Snowflake", Execute SQL with a query parameter, executed; the rows read from the
 * output panel. Screenshots go to docs/screenshots/ (committed, shown in the README).
 *
 * Needs `apt-get install -y chromium` (or CHROMIUM=/path/to/chrome).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { fingerprintOf } from '../helpers/keys';
import { REPO_ROOT } from '../e2e/n8nInstall';
import { startEditorEnvironment, type EditorEnvironment } from './server';

const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const FAILURES = join(tmpdir(), 'snowflake-ui-failures');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const QUERY = 'SELECT id, customer, amount FROM demo_orders WHERE amount >= ? ORDER BY id';

let page: Page;
let stepName = '';
const results: Array<{ step: string; ms: number }> = [];

async function step(name: string, body: () => Promise<void>): Promise<void> {
	stepName = name;
	const started = Date.now();
	process.stdout.write(`• ${name} … `);
	await body();
	const ms = Date.now() - started;
	results.push({ step: name, ms });
	console.log(`ok (${(ms / 1000).toFixed(1)} s)`);
}

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(message);
}

async function shot(name: string): Promise<void> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A visible entry of an open drop-down (closed ones stay in the DOM). */
const option = (text: string) => page.locator('.el-select-dropdown__item, [role=option]').filter({ hasText: text }).filter({ visible: true }).first();

const field = (name: string) => page.locator(`[data-test-id=parameter-input-${name}] input, [data-test-id=parameter-input-${name}] textarea`).first();

/** Puts `text` on the clipboard and pastes it with Ctrl+V into the focused field, as a user pastes a PEM. */
async function paste(text: string): Promise<void> {
	await page.evaluate(async (value) => await navigator.clipboard.writeText(value), text);
	await page.keyboard.press('Control+V');
}

interface CredentialInput {
	name: string;
	privateKey: string;
	passphrase?: string;
}

/** Creates a credential from the Overview page and returns the test banner's text once it shows. */
async function createCredential(env: EditorEnvironment, input: CredentialInput, screenshot?: string): Promise<{ ok: boolean; text: string }> {
	await page.goto(`${env.url}/home/credentials/create`);
	await page.locator('[data-test-id=new-credential-type-select] input').fill('Snowflake');
	await page.locator('[data-test-id=new-credential-type-select-option]', { hasText: 'Snowflake Key-Pair API' }).click();
	await page.click('[data-test-id=new-credential-type-button]');
	const dialog = page.locator('[data-test-id=credential-edit-dialog]');
	await dialog.waitFor();
	await page.locator('[data-test-id=credential-name] [data-test-id=inline-edit-preview]').click();
	await page.locator('[data-test-id=credential-name] input').fill(input.name);
	await page.keyboard.press('Enter');
	await field('account').fill(env.emulator.account.toLowerCase());
	await field('user').fill(env.emulator.user.toLowerCase());
	await field('privateKey').click();
	await paste(input.privateKey);
	if (input.passphrase) await field('privateKeyPassphrase').fill(input.passphrase);
	await field('host').fill(env.emulator.url);
	await page.click('[data-test-id=credential-save-button]');
	// The test runs on save; its banner says one of n8n's two sentences (a hidden copy of the success
	// tag is always in the DOM, so only visible text counts), the node's message under "More details".
	const success = dialog.getByText('Connection tested successfully').filter({ visible: true });
	const failure = dialog.getByText(/Couldn.t connect with these settings/).filter({ visible: true });
	await success.or(failure).first().waitFor({ timeout: 30_000 });
	const visible = async () => (await dialog.innerText()).replace(/\s+/g, ' ');
	let text = await visible();
	const ok = (await success.count()) > 0;
	if (!ok) {
		await dialog.getByText('More details').click();
		await page.waitForTimeout(500);
		text = await visible();
	}
	if (screenshot) await shot(screenshot);
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'hidden' });
	return { ok, text };
}

async function main(): Promise<void> {
	check(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`);
	const started = Date.now();
	let env: EditorEnvironment | undefined;
	let browser: Browser | undefined;
	try {
		await step('n8n 2.x started with the packed package, emulator seeded', async () => {
			env = await startEditorEnvironment();
		});
		const environment = env!;
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
		});
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: environment.url });
		page = await context.newPage();
		page.setDefaultTimeout(30_000);

		await step('owner account created', async () => {
			await page.goto(`${environment.url}/setup`);
			await page.fill('input[name=email]', 'owner@example.com');
			await page.fill('input[name=firstName]', 'Ada');
			await page.fill('input[name=lastName]', 'Lovelace');
			await page.fill('input[name=password]', `Pw1-${randomBytes(8).toString('hex')}`);
			await page.click('[data-test-id=form-submit-button]');
			await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
		});

		const pem = environment.emulator.generatedKey?.privateKeyPem ?? '';
		await step('credential with a pasted PEM: test succeeds', async () => {
			const result = await createCredential(environment, { name: 'Snowflake (emulator)', privateKey: pem }, 'credential-test-success');
			check(result.ok, `the credential test failed: ${result.text}`);
			check(/tested successfully/i.test(result.text), `unexpected banner: ${result.text}`);
		});

		await step('credential with an encrypted PEM and its passphrase: test succeeds', async () => {
			const passphrase = randomBytes(9).toString('base64url');
			const encrypted = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
			const result = await createCredential(environment, { name: 'Snowflake (emulator, encrypted key)', privateKey: encrypted, passphrase });
			check(result.ok, `the credential test failed: ${result.text}`);
		});

		await step('credential with a key Snowflake does not know: the error shows the fingerprint sent', async () => {
			const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
			const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
			const fingerprint = fingerprintOf(other.publicKey.export({ type: 'spki', format: 'pem' }).toString());
			const result = await createCredential(environment, { name: 'Snowflake (wrong key)', privateKey: otherPem }, 'credential-test-wrong-key');
			check(!result.ok, 'the credential test passed with a key that is not registered');
			check(result.text.includes(fingerprint), `the error does not show the fingerprint ${fingerprint}:\n${result.text}`);
			check(/DESCRIBE USER/.test(result.text), `the error does not point at DESCRIBE USER:\n${result.text}`);
		});

		await step('node added from the node panel by searching "Snowflake"', async () => {
			await page.goto(`${environment.url}/workflow/new`);
			await page.click('[data-test-id=canvas-add-button]');
			await page.locator('[data-test-id=node-creator-search-bar]').fill('Manual');
			await page.locator('[data-test-id=node-creator-node-item]', { hasText: 'Manual Trigger' }).click();
			await page.locator('[data-test-id=canvas-handle-plus]').first().click();
			await page.locator('[data-test-id=node-creator-search-bar]').fill('Snowflake');
			await page.locator('[data-test-id=item-iterator-item]', { hasText: 'Snowflake SQL API' }).first().click();
			await page.locator('[data-test-id=item-iterator-item]', { hasText: 'Execute SQL' }).first().click();
			await page.locator('[data-test-id=ndv]').waitFor();
		});

		await step('Execute SQL configured with a query parameter', async () => {
			await page.click('[data-test-id=node-credentials-select]');
			await option('Snowflake (emulator, encrypted key)').click();
			await page.locator('[data-test-id=sql-editor-container] .cm-content').click();
			await page.keyboard.insertText(QUERY);
			await page.click('[data-test-id=collection-parameter-add]');
			await option('Query Parameters').click();
			await page.locator('[data-test-id=fixed-collection-add], button').filter({ hasText: 'Add Parameter' }).filter({ visible: true }).first().click();
			await field('value').fill('10');
			await shot('node-execute-sql');
		});

		await step('executed: the rows are in the output panel', async () => {
			await page.click('[data-test-id=node-execute-button]');
			const output = page.locator('[data-test-id=output-panel]');
			await output.locator('table').first().waitFor({ timeout: 60_000 });
			const text = await output.innerText();
			for (const expected of ['ID', 'CUSTOMER', 'AMOUNT', 'Ada', 'Grace', '12.5', '30']) {
				check(text.includes(expected), `the output panel lacks "${expected}":\n${text}`);
			}
			check(!text.includes('Linus'), `the output panel shows a row the parameter filters out:\n${text}`);
			check(/2 items/.test(text), `the output panel does not say "2 items":\n${text}`);
			await shot('node-output-rows');
		});
		console.log(`\nui: ${results.length} steps passed in ${Math.round((Date.now() - started) / 1000)} s; screenshots in docs/screenshots/`);
	} catch (error) {
		console.log('FAILED');
		if (page) {
			mkdirSync(FAILURES, { recursive: true });
			const file = join(FAILURES, `${stepName.replace(/[^a-z0-9]+/gi, '-')}.png`);
			await page.screenshot({ path: file }).catch(() => undefined);
			console.error(`screenshot of the failure: ${file}`);
		}
		console.error(`\nui: step "${stepName}" failed: ${(error as Error).stack ?? String(error)}`);
		if (env) console.error(`\nlast n8n log lines:\n${env.logs.join('').split('\n').slice(-30).join('\n')}`);
		process.exitCode = 1;
	} finally {
		await browser?.close();
		await env?.stop();
	}
}

void main();
