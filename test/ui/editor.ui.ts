/* eslint-disable no-console, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test-only code, never shipped */
/**
 * `npm run test:ui`: the package in n8n 2.x's editor, driven in Debian's headless Chromium with
 * playwright-core. n8n (`n8n start`, 127.0.0.1 only) loads the packed tarball from `.n8n/nodes`; the
 * emulator holds a seeded table. Steps: owner account; a key-pair credential made by pasting a PEM
 * (test: success), one with an encrypted PEM and its passphrase (success), one with a key the user
 * does not have (error showing the fingerprint sent); a programmatic access token credential (form filled,
 * test succeeds) and one whose token expired (the error says so); the OAuth2 credential's form in its two
 * variants (Snowflake OAuth connected through the emulator's sign-in, External OAuth); a workflow where the
 * node is added from the node panel by searching "Snowflake", its one Credential list over the three types, Execute SQL with a
 * query parameter, executed; the rows read from the output panel. Screenshots go to docs/screenshots/
 * (committed, shown in the README).
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

/** A screenshot of the open credential dialog scrolled to `parameter` (its top when none): the form is taller than the dialog. */
async function formShot(name: string, parameter?: string): Promise<void> {
	if (parameter) {
		await page.locator(`[data-test-id=parameter-input-${parameter}]`).first().evaluate((element) => element.scrollIntoView({ block: 'center' }));
	} else {
		await page.evaluate(() => document.querySelectorAll('[data-test-id=credential-edit-dialog] *').forEach((element) => element.scrollTo?.(0, 0)));
	}
	await page.waitForTimeout(300);
	await shot(name);
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

/** Opens a new credential of `type` (its display name) from the Overview page, named `name`; returns its dialog. */
async function openCredentialForm(env: EditorEnvironment, type: string, name: string) {
	await page.goto(`${env.url}/home/credentials/create`);
	await page.locator('[data-test-id=new-credential-type-select] input').fill('Snowflake');
	await page.locator('[data-test-id=new-credential-type-select-option]', { hasText: type }).click();
	await page.click('[data-test-id=new-credential-type-button]');
	const dialog = page.locator('[data-test-id=credential-edit-dialog]');
	await dialog.waitFor();
	await page.locator('[data-test-id=credential-name] [data-test-id=inline-edit-preview]').click();
	await page.locator('[data-test-id=credential-name] input').fill(name);
	await page.keyboard.press('Enter');
	return dialog;
}

/** Saves the open credential and returns the test banner's text once it shows (the test runs on save). */
async function saveAndReadTest(screenshot?: string): Promise<{ ok: boolean; text: string }> {
	const dialog = page.locator('[data-test-id=credential-edit-dialog]');
	await page.click('[data-test-id=credential-save-button]');
	// n8n's banner says one of its two sentences (a hidden copy of the success tag is always in the DOM, so
	// only visible text counts), the node's message under "More details".
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

/** A key-pair credential made by pasting the PEM, as a user does. */
async function createKeyPairCredential(env: EditorEnvironment, input: CredentialInput, screenshot?: string): Promise<{ ok: boolean; text: string }> {
	await openCredentialForm(env, 'Snowflake Key-Pair API', input.name);
	await field('account').fill(env.emulator.account.toLowerCase());
	await field('user').fill(env.emulator.user.toLowerCase());
	await field('privateKey').click();
	await paste(input.privateKey);
	if (input.passphrase) await field('privateKeyPassphrase').fill(input.passphrase);
	await field('host').fill(env.emulator.url);
	return await saveAndReadTest(screenshot);
}

/** A programmatic-access-token credential; `form`: a screenshot of the filled form before saving. */
async function createPatCredential(env: EditorEnvironment, name: string, token: string, screenshots: { form?: string; test?: string } = {}): Promise<{ ok: boolean; text: string }> {
	await openCredentialForm(env, 'Snowflake Programmatic Access Token', name);
	await field('account').fill(env.emulator.account.toLowerCase());
	await field('token').click();
	await paste(token);
	await field('host').fill(env.emulator.url);
	if (screenshots.form) await shot(screenshots.form);
	return await saveAndReadTest(screenshots.test);
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
			const result = await createKeyPairCredential(environment, { name: 'Snowflake (emulator)', privateKey: pem }, 'credential-test-success');
			check(result.ok, `the credential test failed: ${result.text}`);
			check(/tested successfully/i.test(result.text), `unexpected banner: ${result.text}`);
		});

		await step('credential with an encrypted PEM and its passphrase: test succeeds', async () => {
			const passphrase = randomBytes(9).toString('base64url');
			const encrypted = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
			const result = await createKeyPairCredential(environment, { name: 'Snowflake (emulator, encrypted key)', privateKey: encrypted, passphrase });
			check(result.ok, `the credential test failed: ${result.text}`);
		});

		await step('credential with a key Snowflake does not know: the error shows the fingerprint sent', async () => {
			const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
			const otherPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
			const fingerprint = fingerprintOf(other.publicKey.export({ type: 'spki', format: 'pem' }).toString());
			const result = await createKeyPairCredential(environment, { name: 'Snowflake (wrong key)', privateKey: otherPem }, 'credential-test-wrong-key');
			check(!result.ok, 'the credential test passed with a key that is not registered');
			check(result.text.includes(fingerprint), `the error does not show the fingerprint ${fingerprint}:\n${result.text}`);
			check(/DESCRIBE USER/.test(result.text), `the error does not point at DESCRIBE USER:\n${result.text}`);
		});

		const pat = environment.emulator.generatedPat?.secret ?? '';
		await step('programmatic access token credential: form filled, test succeeds', async () => {
			const result = await createPatCredential(environment, 'Snowflake PAT (emulator)', pat, { form: 'credential-pat-form', test: 'credential-pat-test-success' });
			check(result.ok, `the credential test failed: ${result.text}`);
			check(!result.text.includes(pat), 'the token shows in the dialog');
		});

		await step('programmatic access token that expired: the test fails and says why', async () => {
			const expired = environment.emulator.pats.issue({ user: environment.emulator.user, expiresAtMs: Date.now() - 86_400_000 });
			const result = await createPatCredential(environment, 'Snowflake PAT (expired)', expired.secret, { test: 'credential-pat-test-expired' });
			check(!result.ok, 'the credential test passed with an expired token');
			for (const expected of ['Programmatic access token is invalid. (code 394400)', '- the token expired (DAYS_TO_EXPIRY, 15 days unless set)', "this credential's account is EMULATOR"]) {
				check(result.text.includes(expected), `the error lacks "${expected}":\n${result.text}`);
			}
			check(!result.text.includes(expired.secret), 'the token shows in the dialog');
		});

		await step('OAuth2 credential, Snowflake OAuth: the form, then Connect through the emulator\'s sign-in (PKCE)', async () => {
			const client = { clientId: 'n8n-snowflake-oauth', clientSecret: `${randomBytes(24).toString('base64')}+/=` };
			// The security integration: OAUTH_REDIRECT_URI is this n8n's callback, PKCE enforced.
			environment.emulator.oauth.registerClient({ ...client, redirectUris: [`${environment.url}/rest/oauth2-credential/callback`], enforcePkce: true });
			const dialog = await openCredentialForm(environment, 'Snowflake OAuth2 API', 'Snowflake OAuth (emulator)');
			await field('account').fill(environment.emulator.account.toLowerCase());
			await field('host').fill(environment.emulator.url);
			await field('clientId').fill(client.clientId);
			await field('clientSecret').fill(client.clientSecret);
			const text = await dialog.innerText();
			check(text.includes(`${environment.url}/rest/oauth2-credential/callback`), `the form does not show the OAuth redirect URL:\n${text}`);
			check(!text.includes('Token URL'), `Snowflake OAuth shows the identity provider's Token URL:\n${text}`);
			await formShot('credential-oauth2-snowflake');
			// The popup opens the emulator's /oauth/authorize, which approves at once; its redirect reaches n8n's
			// callback, which exchanges the code with the code verifier.
			const exchanged = environment.emulator.oauth.stats.tokenRequests.authorization_code;
			const [popup] = await Promise.all([page.waitForEvent('popup'), dialog.getByRole('button', { name: 'Connect', exact: true }).click()]);
			await popup.waitForLoadState();
			await dialog.locator('[data-test-id=oauth-connect-success-banner]').waitFor();
			check(environment.emulator.oauth.stats.tokenRequests.authorization_code === exchanged + 1, 'n8n did not exchange one code at the emulator');
			await formShot('credential-oauth2-connected');
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
		});

		await step('OAuth2 credential, External OAuth: the identity provider\'s token URL and scope, client credentials', async () => {
			const dialog = await openCredentialForm(environment, 'Snowflake OAuth2 API', 'Snowflake External OAuth (IdP)');
			await page.locator('[data-test-id=parameter-input-grantType]').click();
			await option('External OAuth (Identity Provider, Client Credentials)').click();
			await field('account').fill(environment.emulator.account.toLowerCase());
			await field('externalTokenUrl').fill('https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token');
			await field('externalScope').fill('api://snowflake-n8n/.default');
			await field('clientId').fill('n8n-service');
			await field('clientSecret').fill(randomBytes(24).toString('base64'));
			const text = await dialog.innerText();
			check(text.includes('Token URL') && text.includes('Scope'), `External OAuth lacks its Token URL and Scope fields:\n${text}`);
			check((await dialog.getByRole('button', { name: 'Connect', exact: true }).count()) === 0, `External OAuth offers the sign-in button:\n${text}`);
			await formShot('credential-oauth2-external', 'externalTokenUrl');
			await page.click('[data-test-id=credential-save-button]');
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
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

		await step('one Credential list holds the key-pair, PAT and OAuth2 credentials (the editor hides Authentication and sets it from the pick)', async () => {
			check((await page.locator('[data-test-id=parameter-input-authentication]').filter({ visible: true }).count()) === 0, 'the editor shows the Authentication parameter');
			await page.click('[data-test-id=node-credentials-select]');
			for (const name of ['Snowflake (emulator, encrypted key)', 'Snowflake PAT (emulator)', 'Snowflake OAuth (emulator)', 'Snowflake External OAuth (IdP)']) await option(name).waitFor();
			await shot('node-credential-choice');
			await page.keyboard.press('Escape');
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
