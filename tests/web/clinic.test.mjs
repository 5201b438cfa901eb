// Browser test of the pollution clinic and training screens (web/js/views/clinic.js,
// training.js) against the real server: `ecotown demo` on a temporary SQLite file and a free
// port, Chromium through playwright-core, a phone-sized screen. The demo factory representative
// files a clinic request through the form and sees only its own factory's cases; an officer finds
// the request in the case list and accepts it; the knowledge base finds Thai text by substring;
// the training screens show the demo certificates.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/clinic.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { ARTIFACTS, apiCall, shot, startDemo } from './harness.mjs';

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

async function openPage(username) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (/Content.Security.Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    if (/i18n: missing key/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
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

/** A JSON API call from inside the signed-in page (cookie + CSRF token), for test setup. */
const REQUEST = 'ฝุ่นจากกองหินคลุกปลิวเข้าหมู่บ้านด้านทิศใต้ช่วงบ่ายที่ลมแรง ชาวบ้านร้องเรียนสองครั้งแล้ว ขอคำแนะนำการทำผนังกันลมและสเปรย์น้ำ';

describe('pollution clinic on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('clinic', { watchdogMs: 110_000 });
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

  test('the demo factory representative files a request and sees only its own cases', async () => {
    const { context, page, problems } = await openPage('banpong.factory');
    try {
      const me = await apiCall(page, 'GET', '/api/v1/me');
      const factoryId = me.user.factory_id;
      assert.ok(factoryId, 'the demo factory user belongs to a demo factory');
      // The menu offers the clinic to a factory representative, and nothing organisation-wide.
      assert.equal(await page.locator('a.nav-link', { hasText: th['nav.clinic'] }).count(), 1);
      assert.equal(await page.locator('a.nav-link', { hasText: th['nav.sensors'] }).count(), 0);
      assert.equal(await page.locator('a.nav-link', { hasText: th['nav.training'] }).count(), 0);
      await page.goto(`${base}/#/clinic`);
      await page.getByRole('heading', { level: 1, name: th['clinic.title_factory'], exact: true }).waitFor();
      await page.locator('[data-testid="clinic-new-link"]').click();
      await page.getByRole('heading', { level: 1, name: th['clinic.form.title'], exact: true }).waitFor();
      assert.equal(await page.getByLabel(th['clinic.form.factory_id'], { exact: true }).count(), 0,
        'a representative does not choose the factory');

      // Too short: refused next to the field, in Thai, and nothing is filed.
      await page.getByLabel(th['clinic.form.topic'], { exact: true }).selectOption('dust');
      await page.getByLabel(th['clinic.form.request_text'], { exact: true }).fill('ฝุ่น');
      await page.getByRole('button', { name: th['clinic.form.submit'], exact: true }).click();
      const error = page.locator('[data-testid="clinic-request-form-error-request_text"]');
      await error.waitFor();
      assert.equal(await error.textContent(), th['clinic.error.request_text']);
      const before = await apiCall(page, 'GET', '/api/v1/clinic/cases');

      await page.getByLabel(th['clinic.form.request_text'], { exact: true }).fill(REQUEST);
      await page.getByLabel(th['clinic.form.contact_name'], { exact: true }).fill('นายวิชัย ศรีสุข');
      await page.getByLabel(th['clinic.form.contact_phone'], { exact: true }).fill('081-234-5678');
      await shot(page, 'clinic-01-request-form');
      await page.getByRole('button', { name: th['clinic.form.submit'], exact: true }).click();
      await page.waitForURL(/#\/clinic\/cases\/\d+$/);
      const caseView = page.locator('[data-testid="clinic-case"]');
      await caseView.waitFor();
      assert.equal(await caseView.locator('[data-testid="case-status"]').first().textContent(), th['clinic.status.requested']);
      assert.equal(await caseView.locator('[data-testid="case-request"]').textContent(), REQUEST);
      assert.equal(await page.locator('[data-testid="case-move-box"]').count(), 0, 'no officer controls for a factory');

      const afterFiling = await apiCall(page, 'GET', '/api/v1/clinic/cases');
      assert.equal(afterFiling.items.length, before.items.length + 1);
      for (const item of afterFiling.items) assert.equal(item.factory_id, factoryId, 'only its own factory');

      await page.goto(`${base}/#/clinic`);
      await page.locator('[data-testid="case-list"] [data-testid="case"]').first().waitFor();
      const listed = await page.locator('[data-testid="case-list"] [data-testid="case"]').count();
      assert.equal(listed, afterFiling.items.length);
      assert.equal(await page.getByLabel(th['clinic.filter.factory'], { exact: true }).count(), 0);
      await shot(page, 'clinic-02-factory-cases');

      // The knowledge base: Thai has no spaces, so "ไขมัน" is found inside "บ่อดักไขมัน".
      await page.goto(`${base}/#/clinic/articles`);
      await page.locator('[data-testid="kb-search"]').fill('ไขมัน');
      await page.getByRole('button', { name: th['clinic.kb.go'], exact: true }).click();
      const first = page.locator('[data-testid="article-list"] [data-testid="article"]').first();
      await first.getByRole('link').filter({ hasText: 'บ่อดักไขมัน' }).waitFor();
      await first.getByRole('link').click();
      await page.locator('[data-testid="article-page"] h1').filter({ hasText: 'บ่อดักไขมัน' }).waitFor();
      assert.ok(await page.locator('[data-testid="article-page"] p').count() > 4);
      await shot(page, 'clinic-03-article');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an officer finds the request in the list and accepts it', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      await page.goto(`${base}/#/clinic`);
      await page.getByRole('heading', { level: 1, name: th['clinic.title'], exact: true }).waitFor();
      await page.getByLabel(th['clinic.filter.status'], { exact: true }).selectOption('requested');
      const card = page.locator('[data-testid="case-list"] [data-testid="case"]', { hasText: 'ฝุ่นจากกองหินคลุก' });
      await card.waitFor();
      await card.getByRole('link').click();
      const caseView = page.locator('[data-testid="clinic-case"]');
      await caseView.waitFor();
      await page.locator('[data-testid="case-move-box"] summary').click();
      await page.getByLabel(th['clinic.case.next_status'], { exact: true }).selectOption('accepted');
      await page.getByRole('button', { name: th['clinic.case.move'], exact: true }).click();
      await page.locator('[data-testid="case-status"]', { hasText: th['clinic.status.accepted'] }).waitFor();

      // Declining the next step without a reason is refused in Thai.
      await page.locator('[data-testid="case-move-box"] summary').click();
      await page.getByLabel(th['clinic.case.next_status'], { exact: true }).selectOption('declined');
      await page.getByRole('button', { name: th['clinic.case.move'], exact: true }).click();
      const reason = page.locator('[data-testid="case-move-error-reason"]');
      await reason.waitFor();
      assert.equal(await reason.textContent(), th['clinic.error.reason']);
      await shot(page, 'clinic-04-officer-case');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('training screens show the demo inspector certificate and the expiring list', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      const staff = await apiCall(page, 'GET', '/api/v1/training/staff');
      const inspector = staff.items.find((u) => u.username === 'banpong.inspector');
      assert.ok(inspector);
      await page.goto(`${base}/#/training/people/${inspector.id}`);
      const status = page.locator('[data-testid="inspector-status"]');
      await status.filter({ hasText: 'เลขที่' }).waitFor();
      const cert = page.locator('[data-testid="certificate"]').first();
      assert.match(await cert.locator('h3').textContent(), /^ใบรับรองเลขที่ \d+\/25\d\d$/);
      assert.match(await cert.locator('[data-testid="certificate-expiry"]').textContent(), /25\d\d$/);
      // The printable certificate: a PDF from the link on the card.
      const href = await cert.locator('[data-testid="certificate-pdf"]').getAttribute('href');
      const pdf = await page.evaluate(async (url) => {
        const r = await fetch(url);
        const bytes = new Uint8Array(await r.arrayBuffer());
        return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) };
      }, href);
      assert.deepEqual(pdf, { status: 200, type: 'application/pdf', head: '%PDF-' });
      await page.goto(`${base}/#/training/expiring`);
      await page.locator('[data-testid="certificate-list"] [data-testid="certificate"]').first().waitFor();
      await shot(page, 'training-01-expiring');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
