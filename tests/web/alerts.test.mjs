// Browser test of the alerts page (#/alerts, web/js/views/alerts.js) against the real server:
// `ecotown demo` on a temporary SQLite file with its seeded readings, a TOML config that makes
// the alert worker quick (evaluate every 10 s, send every 1 s), a webhook receiver that this test
// runs on 127.0.0.1, Chromium through playwright-core on a phone-sized screen.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build-alerts/ecotown node --test tests/web/alerts.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { ARTIFACTS, shot, startDemo } from './harness.mjs';

import { toBuddhistYear } from '../../web/js/dates.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));

let demo;
let tmp;
let base;
let browser;
let receiver;
let hookUrl;
const hooks = [];  // webhook bodies received, parsed

/** The webhook receiver: records every POST body and answers 204. */
function startReceiver() {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      try {
        hooks.push({ path: req.url, headers: req.headers, body: JSON.parse(body) });
      } catch {
        hooks.push({ path: req.url, headers: req.headers, body: null, raw: body });
      }
      res.writeHead(204);
      res.end();
    });
  });
  return new Promise((resolve) => {
    receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${receiver.address().port}/ecotown-hook`));
  });
}

async function openPage(username) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (/Content.Security.Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    if (/i18n: missing key/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(base) && !/^(data|blob):/.test(request.url())) problems.push(`offsite: ${request.url()}`);
  });
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
  await page.waitForURL(/#\/$/);
  return { context, page, problems };
}

async function openAlertsFromMenu(page) {
  const toggle = page.locator('#menu-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.locator('#nav-list a', { hasText: th['nav.alerts'] }).click();
  await page.getByRole('heading', { level: 1, name: th['alerts.title'], exact: true }).waitFor();
}

async function waitUntil(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('alerts page on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    hookUrl = await startReceiver();
    demo = await startDemo('alerts', { watchdogMs: 140_000, config: '[alerts]\nevaluate_interval_seconds = 10\ndispatch_interval_seconds = 1\ntimeout_seconds = 5\n' });
    ({ base, tmp } = demo);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await demo?.stop();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('officer adds a rule, it fires on the demo readings, a test notice reaches the webhook', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      await openAlertsFromMenu(page);
      const form = page.locator('[data-testid="alert-rule-form"]');
      await form.waitFor();
      assert.equal(await page.locator('[data-testid="alert-rules-count"]').textContent(), th['alerts.rules.empty']);
      assert.equal(await page.locator('[data-testid="alerts-history-status"]').textContent(), th['alerts.history.empty']);

      // The server's refusal of an address is shown next to the e-mail field, in Thai.
      await form.getByLabel(th['alerts.form.name'], { exact: true }).fill('ฝุ่นเกินเกณฑ์ทดสอบ');
      await form.getByLabel(th['alerts.form.kind'], { exact: true }).selectOption('pm25_24h');
      await form.getByLabel(th['alerts.form.threshold'], { exact: true }).fill('1');
      await form.getByLabel(th['alerts.form.emails'], { exact: true }).fill('not-an-address');
      await form.getByRole('button', { name: th['alerts.form.submit'], exact: true }).click();
      const emailError = form.locator('[data-testid="alert-error-emails"]');
      await emailError.waitFor();
      assert.equal(await emailError.textContent(), th['alerts.error.channels_emails']);
      assert.equal(await form.getByLabel(th['alerts.form.emails'], { exact: true }).getAttribute('aria-invalid'), 'true');
      // A threshold that is not a number is caught before sending.
      await form.getByLabel(th['alerts.form.threshold'], { exact: true }).fill('สูง');
      await form.getByRole('button', { name: th['alerts.form.submit'], exact: true }).click();
      assert.equal(await form.locator('[data-testid="alert-error-threshold"]').textContent(),
        th['alerts.error.threshold_number']);

      // A rule that the demo's readings exceed: 24-hour mean above 1 µg/m³ at any Ban Pong sensor.
      await form.getByLabel(th['alerts.form.threshold'], { exact: true }).fill('1');
      await form.getByLabel(th['alerts.form.emails'], { exact: true }).fill('');
      await form.getByLabel(th['alerts.form.webhooks'], { exact: true }).fill(hookUrl);
      await form.getByRole('button', { name: th['alerts.form.submit'], exact: true }).click();
      await form.locator('[data-testid="alert-form-done"]').waitFor();
      assert.equal(await form.locator('[data-testid="alert-form-done"]').textContent(),
        th['alerts.form.created'].replace('{name}', 'ฝุ่นเกินเกณฑ์ทดสอบ'));
      const card = page.locator('#alert-rules li.alert-rule');
      await card.waitFor();
      assert.equal(await card.locator('[data-testid="rule-kind"]').textContent(), th['alerts.kind.pm25_24h']);
      assert.equal(await card.locator('[data-testid="rule-condition"]').textContent(),
        th['alerts.condition.pm25_24h'].replace('{value}', '1'));
      assert.equal(await card.locator('[data-testid="rule-quiet"]').textContent(), th['alerts.quiet.none']);

      // A test notice: queued, then delivered to the receiver by the worker.
      await card.locator('[data-testid="rule-test"]').click();
      await card.locator('[data-testid="rule-status"]').waitFor();
      assert.equal(await card.locator('[data-testid="rule-status"]').textContent(),
        th['alerts.rule.test_queued'].replace('{count}', '1'));
      await waitUntil('the test notice at the webhook', () => hooks.some((h) => h.body?.type === 'alert.test'));
      const testHook = hooks.find((h) => h.body?.type === 'alert.test');
      assert.equal(testHook.path, '/ecotown-hook');
      assert.equal(testHook.headers['content-type'], 'application/json');
      assert.match(testHook.headers['idempotency-key'], /^[0-9a-f-]{36}$/);
      assert.match(testHook.body.text.th, /ทดสอบ/);

      // The rule fires on the demo's readings within an evaluation interval.
      await waitUntil('the fire notice at the webhook', () => hooks.some((h) => h.body?.type === 'alert.fire'), 40_000);
      const fire = hooks.find((h) => h.body?.type === 'alert.fire').body.alert;
      assert.equal(fire.rule_kind, 'pm25_24h');
      assert.equal(fire.scale, 'th');
      assert.ok(fire.level >= 1 && fire.level <= 5, JSON.stringify(fire));

      // The history shows both, newest first, with delivery states, BE dates and the level colour.
      const history = page.locator('[data-testid="alerts-history"]');
      await waitUntil('both notices sent in the history', async () => {
        await history.getByRole('button', { name: th['alerts.filter.apply'], exact: true }).click();
        await page.waitForTimeout(300);
        const statuses = await history.locator('[data-testid="delivery-status"]').allTextContents();
        return statuses.length >= 2 && statuses.every((s) => s === th['alerts.delivery.sent']);
      });
      const entries = history.locator('li.alert-entry');
      const kinds = await entries.evaluateAll((els) => els.map((el) => el.dataset.kind));
      assert.deepEqual([...new Set(kinds)].sort(), ['fire', 'test']);
      const fireEntry = history.locator('li.alert-entry[data-kind="fire"]').filter({ hasText: fire.sensor.code });
      assert.equal(await fireEntry.locator('[data-testid="alert-kind"]').textContent(), th['alerts.history.kind.fire']);
      assert.equal(await fireEntry.locator('[data-testid="alert-level"]').getAttribute('class'),
        `chip aqi-th-${fire.level}`);
      assert.equal(await fireEntry.locator('[data-testid="alert-level"]').textContent(), th[`th_aqi.level.${fire.level}`]);
      assert.match(await fireEntry.locator('[data-testid="alert-message"]').textContent(), /^แจ้งเตือน \[ฝุ่นเกินเกณฑ์ทดสอบ\]/);
      const year = String(toBuddhistYear(new Date().getUTCFullYear()));
      assert.ok((await fireEntry.locator('time').first().textContent()).includes(year), 'a Buddhist Era year');
      // The kind filter keeps only test notices.
      await history.getByLabel(th['alerts.filter.kind'], { exact: true }).selectOption('test');
      await history.getByRole('button', { name: th['alerts.filter.apply'], exact: true }).click();
      await waitUntil('the filtered history', async () =>
        (await history.locator('li.alert-entry').evaluateAll((els) => els.map((el) => el.dataset.kind))).join() === 'test');
      await history.getByLabel(th['alerts.filter.kind'], { exact: true }).selectOption('');
      await history.getByRole('button', { name: th['alerts.filter.apply'], exact: true }).click();
      await shot(page, 'alerts-officer');

      // Turning the rule off and editing it.
      await card.locator('[data-testid="rule-toggle"]').click();
      await page.locator('#alert-rules li.alert-rule[data-enabled="false"]').waitFor();
      await page.locator('#alert-rules [data-testid="rule-edit"]').click();
      assert.equal(await form.getByLabel(th['alerts.form.name'], { exact: true }).inputValue(), 'ฝุ่นเกินเกณฑ์ทดสอบ');
      await form.getByLabel(th['alerts.form.kind'], { exact: true }).selectOption('aqi_level');
      await form.getByLabel(th['alerts.form.level'], { exact: true }).selectOption('4');
      await form.getByLabel(th['alerts.form.quiet'], { exact: true }).check();
      await form.getByRole('button', { name: th['alerts.form.save'], exact: true }).click();
      await page.locator('#alert-rules li.alert-rule[data-kind="aqi_level"]').waitFor();
      const edited = page.locator('#alert-rules li.alert-rule');
      assert.equal(await edited.locator('[data-testid="rule-quiet"]').textContent(),
        th['alerts.quiet.value'].replace('{start}', '22:00').replace('{end}', '06:00'));
      assert.match(await edited.locator('[data-testid="rule-condition"]').textContent(), /ระดับ 4/);

      // Delete takes two presses.
      await edited.locator('[data-testid="rule-delete"]').click();
      assert.equal(await edited.locator('[data-testid="rule-delete"]').textContent(), th['alerts.rule.delete_confirm']);
      await edited.locator('[data-testid="rule-delete"]').click();
      await waitUntil('the rule gone', async () =>
        (await page.locator('[data-testid="alert-rules-count"]').textContent()) === th['alerts.rules.empty']);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an executive reads the history but has no form or buttons', async () => {
    const { context, page, problems } = await openPage('banpong.executive');
    try {
      await openAlertsFromMenu(page);
      await page.locator('[data-testid="alerts-history"] li.alert-entry').first().waitFor();
      assert.equal(await page.locator('[data-testid="alert-rule-form"]').count(), 0);
      assert.equal(await page.locator('[data-testid="rule-test"]').count(), 0);
      await shot(page, 'alerts-executive');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
