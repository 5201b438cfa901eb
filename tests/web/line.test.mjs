// Browser test of the LINE settings page (web/js/views/line_settings.js) against the real server:
// `ecotown demo` on a temporary SQLite file, Chromium through playwright-core. Ban Pong's
// administrator finds the page in the menu, is refused turning LINE on without a token (Thai
// sentence under the field), saves the channel, and the page then says the secret and token are
// set without ever showing them; an officer has no such menu entry.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/line.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startDemo } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const ARTIFACTS = process.env.ECOTOWN_WEB_ARTIFACTS || join(ROOT, 'build', 'web-artifacts');
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const SECRET = '8c570fa6dd201bb328f1c1eac23a96d8';
const TOKEN = 'long-lived-channel-access-token-0123456789';

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));

let demo;
let base;
let browser;

async function signIn(username) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    if (/Content.Security.Policy|Refused to|i18n: missing key/i.test(msg.text())) problems.push(msg.text());
  });
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
  await page.getByRole('link', { name: th['nav.home'], exact: true }).waitFor();
  return { context, page, problems };
}

describe('LINE settings', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('line', { watchdogMs: 110_000 });
    base = demo.base;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await demo?.stop();
    if (demo?.tmp) rmSync(demo.tmp, { recursive: true, force: true });
  });

  test('the administrator connects the LAO and never sees the secret again', async () => {
    const { context, page, problems } = await signIn('banpong.admin');
    await page.getByRole('link', { name: th['nav.line'], exact: true }).click();
    await page.getByTestId('line-form').waitFor();
    assert.equal(await page.locator('h1').innerText(), th['line.title']);
    assert.match(await page.getByTestId('line-webhook-url').innerText(), /\/line\/webhook\/banpong$/);
    assert.equal(await page.getByTestId('line-status').innerText(), th['line.status_off']);

    await page.getByLabel(th['line.channel_id'], { exact: true }).fill('1657000001');
    await page.getByLabel(th['line.channel_secret'], { exact: true }).fill(SECRET);
    await page.getByLabel(th['line.enabled'], { exact: true }).check();
    await page.getByRole('button', { name: th['line.save'], exact: true }).click();
    const tokenError = page.getByTestId('line-form-error-access_token');
    await tokenError.waitFor();
    assert.equal(await tokenError.innerText(), th['line.error.access_token']);

    await page.getByLabel(th['line.access_token'], { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: th['line.save'], exact: true }).click();
    await page.getByText(th['line.saved'], { exact: false }).first().waitFor();
    assert.ok((await page.getByTestId('line-status').innerText()).includes(th['line.status_on']));
    assert.equal(await page.getByLabel(th['line.channel_secret'], { exact: true }).inputValue(), '');
    const html = await page.content();
    assert.ok(!html.includes(SECRET) && !html.includes(TOKEN), 'the secret and token never reach the page');
    assert.ok((await page.locator('.page').innerText()).includes(th['line.saved_keep']));

    // After a reload the page still knows they are set, from GET (which never carries them).
    await page.reload();
    await page.getByTestId('line-form').waitFor();
    assert.equal(await page.getByLabel(th['line.channel_id'], { exact: true }).inputValue(), '1657000001');
    assert.ok(await page.getByLabel(th['line.enabled'], { exact: true }).isChecked());
    // The inbox's given-up messages have their section (empty here; the API test fills one).
    const failed = page.getByTestId('line-failed-events');
    assert.ok((await failed.innerText()).includes(th['line.failed_title']));
    assert.ok((await failed.innerText()).includes(th['line.failed_none']));
    await page.screenshot({ path: join(ARTIFACTS, 'line-settings-th.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an officer has no LINE settings', async () => {
    const { context, page, problems } = await signIn('banpong.officer');
    assert.equal(await page.getByRole('link', { name: th['nav.line'], exact: true }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
