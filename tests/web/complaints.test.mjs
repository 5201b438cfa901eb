// Browser test of resident complaints (web/js/views/complaints.js) against the real server:
// `ecotown demo` on a temporary SQLite file, Chromium through playwright-core on a phone-sized
// screen. A resident files a dust complaint without an account and follows it by its tracking
// number; an officer assigns, investigates and resolves it with a public reply; the resident's
// status page then shows it resolved, with dates in the Buddhist Era.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/complaints.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
let tracking = '';
const DESCRIPTION = 'ฝุ่นดำจากปล่องโรงงานลอยเข้าบ้านทุกเช้า <script>alert("x")</script>';
const REPLY = 'ตรวจพบฝุ่นเกินมาตรฐาน สั่งให้โรงงานติดตั้งระบบกรองฝุ่นแล้ว';

/** A fresh phone with its problems (CSP refusals, page errors, dialogs, off-site requests) recorded. */
async function newPhone() {
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
  return { context, page, problems };
}

describe('complaints on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('complaints', { watchdogMs: 140_000 });
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
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('a resident files a dust complaint without an account and gets a tracking number', async () => {
    const { context, page, problems } = await newPhone();
    await page.goto(`${base}/#/complain/banpong`);
    await page.getByTestId('complain-form').waitFor();
    assert.match(await page.locator('h1').innerText(), /เทศบาลเมืองบ้านโป่ง/);
    // The privacy notice is on the form, and the honeypot is not something a person can see.
    assert.match(await page.getByTestId('complain-consent-text').innerText(), /พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล/);
    const trap = await page.locator('.hp-field input').boundingBox();
    assert.ok(trap.x + trap.width <= 0, `the honeypot is off screen (x=${trap.x})`);
    assert.equal(await page.locator('.hp-field input').getAttribute('tabindex'), '-1');

    await page.getByTestId('complain-category').selectOption('dust_smoke');
    await page.getByTestId('complain-description').fill(DESCRIPTION);
    // Drop a pin in the middle of the map (centred on the municipality).
    await page.locator('.complain-map.leaflet-container').waitFor();
    await page.locator('.complain-map').click();
    assert.match(await page.getByTestId('complain-pin').innerText(), /13\.\d+, 99\.\d+/);
    await page.getByTestId('complain-address').fill('ซอยวัดดอนตูม หมู่ 4');
    await page.getByTestId('complain-email').fill('resident@example.org');
    // Contact without consent is refused, naming consent.
    await page.getByTestId('complain-submit').click();
    await page.getByTestId('complain-error').waitFor();
    assert.equal(await page.getByTestId('complain-error').innerText(), th['error.invalid.consent']);
    await page.getByTestId('complain-consent').check();
    await page.getByTestId('complain-submit').click();

    await page.getByTestId('complain-done').waitFor();
    tracking = (await page.getByTestId('complain-tracking').innerText()).trim();
    assert.match(tracking, /^BP-\d{4}-[2-9A-Z]{5}$/);
    assert.equal(tracking.slice(3, 7), String(toBuddhistYear(new Date().getFullYear())));
    await shot(page, 'complaints-filed');

    await page.getByTestId('complain-follow').click();
    await page.getByTestId('track-card').waitFor();
    assert.equal(await page.getByTestId('complaint-status').getAttribute('data-status'), 'received');
    assert.equal(await page.getByTestId('complaint-status').innerText(), th['complaints.status.received']);
    // The description is text: the script tag shows as characters and never runs.
    assert.equal(await page.getByTestId('track-description').innerText(), DESCRIPTION);
    assert.equal(await page.locator('.track-page script').count(), 0);
    // Dates in the Buddhist Era.
    assert.match(await page.getByTestId('track-filed').innerText(), new RegExp(String(toBuddhistYear(new Date().getFullYear()))));
    assert.doesNotMatch(await page.locator('main').innerText(), /resident@example\.org/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('an officer assigns, investigates and resolves it with a public reply', async () => {
    assert.ok(tracking, 'the filing test ran first');
    const { context, page, problems } = await newPhone();
    await page.goto(`${base}/#/login`);
    await page.getByLabel(th['login.username'], { exact: true }).fill('banpong.officer');
    await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
    await page.waitForURL(/#\/$/);

    const toggle = page.locator('#menu-toggle');
    if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.locator('#nav-list').getByRole('link', { name: th['nav.complaints'], exact: true }).click();
    await page.getByTestId('complaints-page').waitFor();
    const item = page.locator(`.complaint-item[data-tracking="${tracking}"]`);
    await item.waitFor();
    await item.locator('a.card-title').click();
    await page.getByTestId('transition-form').waitFor();
    assert.equal(await page.getByTestId('complaint-description').innerText(), DESCRIPTION);

    for (const [status, reply] of [['assigned', null], ['investigating', null], ['resolved', REPLY]]) {
      await page.getByTestId('transition-status').selectOption(status);
      if (reply) await page.getByTestId('transition-reply').fill(reply);
      await page.getByTestId('transition-submit').click();
      await page.locator(`[data-testid="complaint-status"][data-status="${status}"]`).waitFor();
    }
    const history = await page.getByTestId('complaint-history').innerText();
    assert.match(history, new RegExp(th['complaints.status.resolved']));
    assert.match(history, new RegExp(REPLY));
    await shot(page, 'complaints-officer');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the resident's status page shows it resolved with the office's reply", async () => {
    const { context, page, problems } = await newPhone();
    await page.goto(`${base}/#/track`);
    await page.getByTestId('track-input').fill(tracking.toLowerCase());
    await page.getByRole('button', { name: th['complaints.track.submit'], exact: true }).click();
    await page.getByTestId('track-card').waitFor();
    assert.equal(await page.getByTestId('complaint-status').getAttribute('data-status'), 'resolved');
    assert.equal(await page.getByTestId('complaint-status').innerText(), th['complaints.status.resolved']);
    assert.match(await page.getByTestId('track-history').innerText(), new RegExp(REPLY));
    await shot(page, 'complaints-resolved');

    // The LAO's public figures count it, with a map and no personal data.
    await page.goto(`${base}/#/transparency/banpong`);
    await page.getByTestId('stats-summary').waitFor();
    assert.ok(Number(await page.getByTestId('stats-total').innerText()) >= 1);
    await page.locator('.transparency-page .leaflet-container').waitFor();
    assert.ok(await page.locator('.complaint-point').count() >= 1);
    assert.doesNotMatch(await page.locator('main').innerText(), /resident@example\.org/);
    await shot(page, 'complaints-transparency');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
