// Browser test of the web shell against the real server: `ecotown demo` on a temporary SQLite
// file and a free port, Chromium through playwright-core, a phone-sized screen.
//
// Environment:
//   ECOTOWN_BIN            the ecotown binary (required; CTest passes $<TARGET_FILE:ecotown>)
//   ECOTOWN_WEB_ARTIFACTS  where screenshots go (default build/web-artifacts)
//   ECOTOWN_CHROMIUM       the browser (default /usr/bin/chromium)
// Run: ECOTOWN_BIN=build-web/ecotown node --test tests/web/shell.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startDemo } from './harness.mjs';

import { fiscalYearOf, formatThaiDate, toBuddhistYear } from '../../web/js/dates.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const ARTIFACTS = process.env.ECOTOWN_WEB_ARTIFACTS || join(ROOT, 'build', 'web-artifacts');
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'en.json'), 'utf8'));

let demo;
let tmp;
let base;
let browser;

// CTest kills this process at its TIMEOUT; stop the server ourselves a little earlier.

/** A phone-sized page that records what must not happen: CSP violations, script errors,
 *  requests to other origins, dialogs (an XSS payload firing). */
async function openPage() {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const problems = [];
  const writes = [];
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
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) problems.push(`offsite: ${request.url()}`);
    if (!['GET', 'HEAD'].includes(request.method())) {
      writes.push({ method: request.method(), path: new URL(request.url()).pathname, csrf: request.headers()['x-csrf-token'] });
    }
  });
  return { context, page, problems, writes };
}

async function shot(page, name) {
  // From the top, so the sticky header is where a person sees it.
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function login(page, username, password) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(password);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
}

async function openMenu(page) {
  const toggle = page.locator('#menu-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

async function menuLabels(page) {
  await openMenu(page);
  return page.locator('#nav-list a').allTextContents();
}

describe('web shell on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('shell', { watchdogMs: 110_000 });
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

  test('serves the shell with a strict Content-Security-Policy and the Thai font', async () => {
    const response = await fetch(`${base}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-security-policy'), /script-src 'self'/);
    assert.match(response.headers.get('content-security-policy'), /style-src 'self'/);
    const font = await fetch(`${base}/vendor/sarabun/files/sarabun-thai-400-normal.woff2`);
    assert.equal(font.status, 200);
    assert.equal(font.headers.get('content-type'), 'font/woff2');
    for (const path of ['/favicon.svg', '/manifest.webmanifest', '/css/app.css', '/js/app.js', '/locales/th.json']) {
      assert.equal((await fetch(`${base}${path}`)).status, 200, path);
    }
  });

  test('lao-admin: Thai home, audit log, users, English, logout', async () => {
    const { context, page, problems, writes } = await openPage();
    try {
      await page.goto(`${base}/`);
      // Signed out, "/" leads to the login page, in Thai.
      await page.waitForURL(/#\/login$/);
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: th['login.title'] }).waitFor());
      assert.equal(await page.locator('html').getAttribute('lang'), 'th');
      await shot(page, '01-login-th');
      assert.deepEqual(await menuLabels(page), [th['nav.orgs'], th['nav.aqi'], th['nav.login']]);

      await login(page, 'banpong.admin', DEMO_PASSWORD);
      await page.waitForURL(/#\/$/);
      await page.getByRole('heading', { level: 1, name: 'สวัสดี ผู้ดูแลระบบ เทศบาลเมืองบ้านโป่ง' }).waitFor();
      assert.equal(await page.locator('#org-name').textContent(), 'เทศบาลเมืองบ้านโป่ง');
      assert.equal(await page.title(), `${th['nav.home']} · ecotown`);

      // Today in the Buddhist Era, and the fiscal year.
      const now = new Date();
      const today = await page.locator('[data-testid="today"]').textContent();
      // The page rendered a moment before `now`: allow for a Bangkok midnight in between.
      assert.ok([formatThaiDate(now), formatThaiDate(now.getTime() - 60_000)].includes(today), today);
      assert.ok(today.endsWith(String(toBuddhistYear(Number(now.toLocaleString('en', { timeZone: 'Asia/Bangkok', year: 'numeric' }))))));
      assert.match(await page.locator('[data-testid="fiscal-year"]').textContent(), new RegExp(`^ปีงบประมาณ พ.ศ. (${fiscalYearOf(now)}|${fiscalYearOf(now.getTime() - 60_000)})$`));
      await assert.doesNotReject(page.getByText(th['role.lao-admin'], { exact: true }).first().waitFor());

      // The Thai web font is really in use (not a fallback, not tofu).
      const thaiFontLoaded = await page.evaluate(async () => {
        await document.fonts.ready;
        return [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'Sarabun' && f.status === 'loaded'
          && /E01/i.test(f.unicodeRange)) && document.fonts.check('16px Sarabun', 'ภาษาไทย');
      });
      assert.ok(thaiFontLoaded, 'Sarabun (Thai subset) did not load');
      await shot(page, '02-home-th');

      // The menu shows every part this role may use, in Thai.
      assert.deepEqual(await menuLabels(page), [th['nav.home'], th['nav.map'], th['nav.sensors'], th['nav.health'], th['nav.alerts'], th['nav.factories'], th['nav.training'], th['nav.clinic'], th['nav.inspections'], th['nav.checklists'], th['nav.actions'], th['nav.complaints'], th['nav.network'], th['nav.line'], th['nav.users'], th['nav.audit'], th['nav.orgs'], th['nav.aqi']]);
      await shot(page, '03-menu-th');

      // Audit log: this login is the newest entry.
      await page.getByRole('link', { name: th['nav.audit'], exact: true }).click();
      await page.waitForURL(/#\/audit$/);
      await page.getByRole('heading', { level: 1, name: th['audit.title'] }).waitFor();
      const newest = page.locator('#audit-list > li').first();
      await newest.waitFor();
      assert.equal(await newest.getAttribute('data-action'), 'login');
      const newestText = await newest.textContent();
      assert.match(newestText, /banpong\.admin/);
      assert.match(newestText, new RegExp(th['audit.action.login']));
      assert.match(newestText, new RegExp(`${toBuddhistYear(now.getUTCFullYear())}|${toBuddhistYear(now.getUTCFullYear() + 1)}`));
      assert.match(newestText, / น\./);
      await shot(page, '04-audit-th');

      // Users: the list, and adding one whose name is an XSS payload; it must stay text.
      await openMenu(page);
      await page.getByRole('link', { name: th['nav.users'], exact: true }).click();
      await page.waitForURL(/#\/users$/);
      await page.locator('#users-list li[data-username="banpong.officer"]').waitFor();
      const payload = '<img src=x onerror=alert(1)>';
      await page.getByLabel(th['users.form.username'], { exact: true }).fill('xss.check');
      await page.getByLabel(th['users.form.display_name'], { exact: true }).fill(payload);
      await page.getByLabel(th['users.form.role'], { exact: true }).selectOption('officer');
      await page.getByLabel(th['users.form.password'], { exact: true }).fill('short');
      await page.getByRole('button', { name: th['users.form.submit'], exact: true }).click();
      await page.getByRole('alert').filter({ hasText: th['error.invalid.password'] }).waitFor();
      await page.getByLabel(th['users.form.password'], { exact: true }).fill('a-long-enough-password');
      await page.getByRole('button', { name: th['users.form.submit'], exact: true }).click();
      await page.getByText(th['users.created'].replace('{username}', 'xss.check')).waitFor();
      const card = page.locator('#users-list li[data-username="xss.check"]');
      await card.waitFor();
      assert.equal(await card.locator('h3').textContent(), payload);
      assert.equal(await page.locator('#users-list img').count(), 0);
      // A taken username gets the Thai conflict message.
      await page.getByLabel(th['users.form.username'], { exact: true }).fill('xss.check');
      await page.getByLabel(th['users.form.password'], { exact: true }).fill('a-long-enough-password');
      await page.getByRole('button', { name: th['users.form.submit'], exact: true }).click();
      await page.getByRole('alert').filter({ hasText: th['error.conflict.username'] }).waitFor();
      await shot(page, '05-users-th');
      await page.setViewportSize({ width: 1280, height: 800 });
      await shot(page, '05b-users-desktop-th');
      await page.setViewportSize(PHONE.viewport);

      // The audit log records the new user; its "after" value is shown as JSON text.
      await page.goto(`${base}/#/audit`);
      const created = page.locator('#audit-list > li[data-action="create"]').first();
      await created.waitFor();
      await created.getByText(th['audit.after'], { exact: true }).click();
      const after = JSON.parse(await created.locator('pre').textContent());
      assert.equal(after.display_name, payload);
      assert.equal(after.username, 'xss.check');
      assert.equal(await page.locator('#audit-list img').count(), 0);
      await shot(page, '05c-audit-after-th');

      // English, remembered across a reload.
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en['audit.title'] }).waitFor();
      await assert.doesNotReject(page.getByText(en['audit.action.create'], { exact: true }).first().waitFor());
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('#org-name').textContent(), 'Ban Pong Town Municipality');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: en['audit.title'] }).waitFor();
      assert.match(await page.locator('#audit-list time').first().textContent(), /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d$/);
      assert.deepEqual(await menuLabels(page), [en['nav.home'], en['nav.map'], en['nav.sensors'], en['nav.health'], en['nav.alerts'], en['nav.factories'], en['nav.training'], en['nav.clinic'], en['nav.inspections'], en['nav.checklists'], en['nav.actions'], en['nav.complaints'], en['nav.network'], en['nav.line'], en['nav.users'], en['nav.audit'], en['nav.orgs'], en['nav.aqi']]);
      await page.getByRole('link', { name: en['nav.home'], exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Hello, ผู้ดูแลระบบ เทศบาลเมืองบ้านโป่ง' }).waitFor();
      assert.equal(await page.locator('[data-testid="today"]').textContent(), formatThaiDate(Date.now(), { lang: 'en' }));
      await assert.doesNotReject(page.getByText(en['home.today'], { exact: true }).waitFor());
      await shot(page, '06-home-en');

      // Log out (from English; back to Thai first so the notice is checked in Thai).
      await page.getByRole('button', { name: 'ไทย', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: /^สวัสดี/ }).waitFor();
      await openMenu(page);
      await page.getByRole('button', { name: th['shell.logout'], exact: true }).click();
      await page.waitForURL(/#\/login$/);
      await page.getByText(th['login.logged_out']).waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).status);
      assert.equal(me, 401);

      // Every write carried the CSRF token.
      const expected = ['POST /api/v1/session', 'POST /api/v1/users', 'POST /api/v1/users', 'DELETE /api/v1/session'];
      assert.deepEqual(writes.map((w) => `${w.method} ${w.path}`), expected);
      for (const w of writes.slice(1)) assert.ok(w.csrf && w.csrf.length >= 16, `${w.method} ${w.path} without X-CSRF-Token`);
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-lao-admin').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test('executive: no users or audit menu, and those pages are refused', async () => {
    const { context, page, problems } = await openPage();
    try {
      await login(page, 'banpong.executive', DEMO_PASSWORD);
      await page.getByRole('heading', { level: 1, name: 'สวัสดี นายกเทศมนตรีเมืองบ้านโป่ง' }).waitFor();
      assert.deepEqual(await menuLabels(page), [th['nav.home'], th['nav.map'], th['nav.sensors'], th['nav.health'], th['nav.alerts'], th['nav.factories'], th['nav.training'], th['nav.clinic'], th['nav.actions'], th['nav.complaints'], th['nav.network'], th['nav.orgs'], th['nav.aqi']]);
      assert.equal(await page.getByRole('link', { name: th['nav.users'] }).count(), 0);
      assert.equal(await page.getByRole('link', { name: th['nav.audit'] }).count(), 0);
      await shot(page, '07-executive-menu-th');
      await page.goto(`${base}/#/users`);
      await page.getByRole('heading', { level: 1, name: th['page.forbidden.title'] }).waitFor();
      await page.goto(`${base}/#/audit`);
      await page.getByRole('heading', { level: 1, name: th['page.forbidden.title'] }).waitFor();
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-executive').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test('sensors: officer lists, adds (Thai coordinate error) and toggles maintenance; executive only reads', async () => {
    const { context, page, problems, writes } = await openPage();
    try {
      await login(page, 'banpong.officer', DEMO_PASSWORD);
      await page.getByRole('heading', { level: 1, name: /^สวัสดี/ }).waitFor();
      assert.equal(th['nav.sensors'], 'เครื่องวัดฝุ่น');
      assert.equal(en['nav.sensors'], 'Sensors');
      await openMenu(page);
      await page.getByRole('link', { name: th['nav.sensors'], exact: true }).click();
      await page.waitForURL(/#\/sensors$/);
      await page.getByRole('heading', { level: 1, name: th['sensors.title'] }).waitFor();
      assert.equal(await page.title(), `${th['nav.sensors']} · ecotown`);

      // Ban Pong's three sensors, none of Phatong's.
      const cards = page.locator('#sensors-list > li');
      await page.locator('#sensors-list li[data-code="bp-hospital-01"]').waitFor();
      assert.deepEqual((await page.locator('#sensors-list h3').allTextContents()).sort(),
        ['ตลาดเทศบาลบ้านโป่ง', 'โรงพยาบาลบ้านโป่ง', 'โรงเรียนบ้านโป่ง'].sort());
      assert.equal(await cards.count(), 3);
      const listText = await page.locator('#sensors-list').textContent();
      assert.doesNotMatch(listText, /พะตง|pt-office-01|pt-market-01/);

      // One card in detail: model, low-cost badge, status, location (4 decimals), BE install date.
      const school = page.locator('#sensors-list li[data-code="bp-school-01"]');
      assert.equal(await school.locator('[data-testid="sensor-model"]').textContent(), th['sensors.model.sds011']);
      assert.equal(await school.locator('[data-testid="sensor-kind"]').textContent(), th['sensors.kind.low_cost']);
      assert.equal(await school.locator('[data-testid="sensor-status"]').textContent(), 'ใช้งาน');
      assert.equal(await school.locator('[data-testid="sensor-location"]').textContent(),
        th['sensors.location_value'].replace('{lat}', '13.8152').replace('{lon}', '99.8768'));
      assert.equal(await school.locator('[data-testid="sensor-install-date"]').textContent(), '15 พฤศจิกายน 2567');
      assert.equal(await school.locator('[data-testid="sensor-install-date"]').textContent(), formatThaiDate('2024-11-15'));
      assert.equal(await school.locator('[data-testid="sensor-siting"]').textContent(), 'หลังคาอาคารเรียน 2 สูงจากพื้น 4 เมตร');
      assert.equal(await school.locator('[data-testid="sensor-maintenance"]').count(), 0);
      // The hospital sensor is in maintenance.
      const hospital = page.locator('#sensors-list li[data-code="bp-hospital-01"]');
      assert.equal(await hospital.locator('[data-testid="sensor-maintenance"]').textContent(), 'อยู่ระหว่างบำรุงรักษา — ไม่แจ้งเตือน');
      await shot(page, '14-sensors-th');

      // Add one, with a Thai name.
      const add = page.locator('[data-testid="sensor-add"]');
      await add.waitFor();
      const thaiName = 'วัดบ้านโป่ง ทดสอบ';
      await page.getByLabel(th['sensors.form.code'], { exact: true }).fill('bp-test-01');
      await page.getByLabel(th['sensors.form.name'], { exact: true }).fill(thaiName);
      await page.getByLabel(th['sensors.form.model'], { exact: true }).selectOption('sds011');
      await page.getByLabel(th['sensors.form.lat'], { exact: true }).fill('13.82');
      await page.getByLabel(th['sensors.form.lon'], { exact: true }).fill('99.87');
      await page.getByRole('button', { name: th['sensors.form.submit'], exact: true }).click();
      await page.getByText(th['sensors.created'].replace('{name}', thaiName)).waitFor();
      const added = page.locator('#sensors-list li[data-code="bp-test-01"]');
      await added.waitFor();
      assert.equal(await added.locator('h3').textContent(), thaiName);
      assert.equal(await added.locator('[data-testid="sensor-location"]').textContent(),
        th['sensors.location_value'].replace('{lat}', '13.8200').replace('{lon}', '99.8700'));
      assert.equal(await cards.count(), 4);

      // Outside Thailand: the server's field error, as Thai text next to the latitude field.
      await page.getByLabel(th['sensors.form.code'], { exact: true }).fill('bp-test-02');
      await page.getByLabel(th['sensors.form.name'], { exact: true }).fill('นอกประเทศ');
      await page.getByLabel(th['sensors.form.lat'], { exact: true }).fill('40');
      await page.getByLabel(th['sensors.form.lon'], { exact: true }).fill('99.87');
      await page.getByRole('button', { name: th['sensors.form.submit'], exact: true }).click();
      const latError = add.locator('[data-field="lat"] [data-testid="sensor-error-lat"]');
      await latError.filter({ hasText: th['sensors.error.lat'] }).waitFor();
      assert.equal(await latError.textContent(), th['sensors.error.lat']);
      const latInput = page.getByLabel(th['sensors.form.lat'], { exact: true });
      assert.equal(await latInput.getAttribute('aria-invalid'), 'true');
      assert.ok((await latInput.getAttribute('aria-describedby')).split(' ').includes(await latError.getAttribute('id')));
      assert.doesNotMatch(await page.locator('main').textContent(), /must lie inside Thailand/i);
      assert.equal(await page.locator('#sensors-list li[data-code="bp-test-02"]').count(), 0);
      await shot(page, '15-sensors-lat-error-th');

      // Maintenance on, for the school sensor: the badge appears and the button flips.
      await school.getByRole('button', { name: th['sensors.maintenance.start'], exact: true }).click();
      await page.locator('#sensors-list li[data-code="bp-school-01"][data-maintenance="true"]').waitFor();
      assert.equal(await school.locator('[data-testid="sensor-maintenance"]').textContent(), th['sensors.maintenance.badge']);
      await school.getByRole('button', { name: th['sensors.maintenance.end'], exact: true }).waitFor();
      // And off again for the hospital sensor.
      await hospital.getByRole('button', { name: th['sensors.maintenance.end'], exact: true }).click();
      await page.locator('#sensors-list li[data-code="bp-hospital-01"][data-maintenance="false"]').waitFor();
      assert.equal(await hospital.locator('[data-testid="sensor-maintenance"]').count(), 0);

      // The status filter: nothing is retired.
      await page.getByLabel(th['sensors.filter'], { exact: true }).selectOption('retired');
      await page.getByText(th['sensors.empty_filtered'], { exact: true }).waitFor();
      assert.equal(await cards.count(), 0);
      await page.getByLabel(th['sensors.filter'], { exact: true }).selectOption('active');
      await page.locator('#sensors-list li[data-code="bp-test-01"]').waitFor();
      assert.equal(await cards.count(), 4);
      await page.getByLabel(th['sensors.filter'], { exact: true }).selectOption('');
      await page.locator('#sensors-list li[data-code="bp-test-01"]').waitFor();
      await shot(page, '16-sensors-maintenance-th');

      // English follows.
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en['sensors.title'] }).waitFor();
      await school.locator('[data-testid="sensor-maintenance"]').filter({ hasText: en['sensors.maintenance.badge'] }).waitFor();
      assert.equal(await school.locator('[data-testid="sensor-install-date"]').textContent(), '15 November 2024');
      await shot(page, '17-sensors-en');
      await page.getByRole('button', { name: 'ไทย', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: th['sensors.title'] }).waitFor();

      const sensorWrites = writes.filter((w) => w.path.startsWith('/api/v1/sensors'));
      assert.deepEqual(sensorWrites.map((w) => `${w.method} ${w.path.replace(/\/[^/]+$/, (m) => (m === '/sensors' ? m : '/{id}'))}`),
        ['POST /api/v1/sensors', 'POST /api/v1/sensors', 'PATCH /api/v1/sensors/{id}', 'PATCH /api/v1/sensors/{id}']);
      for (const w of sensorWrites) assert.ok(w.csrf && w.csrf.length >= 16, `${w.method} ${w.path} without X-CSRF-Token`);
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-sensors').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }

    // The executive reads the list but may not add or toggle.
    const exec = await openPage();
    try {
      await login(exec.page, 'banpong.executive', DEMO_PASSWORD);
      await exec.page.getByRole('heading', { level: 1, name: /^สวัสดี/ }).waitFor();
      await openMenu(exec.page);
      await exec.page.getByRole('link', { name: th['nav.sensors'], exact: true }).click();
      await exec.page.getByRole('heading', { level: 1, name: th['sensors.title'] }).waitFor();
      await exec.page.locator('#sensors-list li[data-code="bp-test-01"]').waitFor();
      assert.equal(await exec.page.locator('#sensors-list > li').count(), 4);
      assert.equal(await exec.page.locator('[data-testid="sensor-add"]').count(), 0);
      assert.equal(await exec.page.getByRole('heading', { name: th['sensors.add_title'] }).count(), 0);
      assert.equal(await exec.page.locator('[data-testid="sensor-maintenance-toggle"]').count(), 0);
      assert.equal(await exec.page.locator('#sensors-list button').count(), 0);
      await shot(exec.page, '18-sensors-executive-th');
      assert.deepEqual(exec.problems, []);
      assert.deepEqual(exec.writes.map((w) => `${w.method} ${w.path}`), ['POST /api/v1/session']);
    } catch (e) {
      await shot(exec.page, 'failure-sensors-executive').catch(() => {});
      throw e;
    } finally {
      await exec.context.close();
    }
  });

  test('an ended session leads to the login page, then back to the page asked for', async () => {
    const { context, page, problems } = await openPage();
    try {
      await login(page, 'banpong.admin', DEMO_PASSWORD);
      await page.getByRole('heading', { level: 1, name: /^สวัสดี/ }).waitFor();
      await context.clearCookies();  // as when the session expires or is revoked
      await openMenu(page);
      await page.getByRole('link', { name: th['nav.audit'], exact: true }).click();
      await page.waitForURL(/#\/login$/);
      await page.getByText(th['login.session_ended']).waitFor();
      await page.getByLabel(th['login.username'], { exact: true }).fill('banpong.admin');
      await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
      await page.waitForURL(/#\/audit$/);
      await page.getByRole('heading', { level: 1, name: th['audit.title'] }).waitFor();
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-session-ended').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test('login errors are Thai sentences from the locale file', async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(`${base}/#/login`);
      await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
      await page.getByRole('alert').filter({ hasText: th['login.required'] }).waitFor();

      await login(page, 'banpong.admin', 'not-the-password');
      const alert = page.getByRole('alert');
      await alert.filter({ hasText: th['error.login.unauthenticated'] }).waitFor();
      assert.equal(await alert.textContent(), th['error.login.unauthenticated']);
      assert.doesNotMatch(await page.locator('main').textContent(), /wrong username or password/i);
      assert.equal(await page.getByLabel(th['login.password'], { exact: true }).getAttribute('aria-invalid'), '');
      await shot(page, '08-login-error-th');

      // Five failures lock a username for 15 minutes: the sixth try says so, in Thai.
      for (let i = 0; i < 6; i += 1) {
        await page.getByLabel(th['login.username'], { exact: true }).fill('no.such.user');
        await page.getByLabel(th['login.password'], { exact: true }).fill(`wrong-password-${i}`);
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/v1/session')),
          page.getByRole('button', { name: th['login.submit'], exact: true }).click(),
        ]);
      }
      await alert.filter({ hasText: th['error.login.too_many_requests'].replace('{minutes}', '15') }).waitFor();
      await shot(page, '09-login-locked-th');
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-login-errors').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test('the organisation directory is public', async () => {
    const { context, page, problems } = await openPage();
    try {
      await page.goto(`${base}/#/orgs`);
      await page.getByRole('heading', { level: 1, name: th['orgs.title'] }).waitFor();
      await page.getByRole('heading', { level: 2, name: 'เทศบาลเมืองบ้านโป่ง' }).waitFor();
      await page.getByLabel(th['orgs.filter'], { exact: true }).fill('พะตง');
      assert.equal(await page.locator('#orgs-list > li:visible').count(), 1);
      await page.getByLabel(th['orgs.filter'], { exact: true }).fill('');
      await shot(page, '10-orgs-th');
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-orgs').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  test('the AQI calculator is public: Thai and US index, Thai errors, English', async () => {
    const { context, page, problems } = await openPage();
    try {
      // Signed out: the calculator is in the menu, and opens without a login.
      await page.goto(`${base}/#/login`);
      await page.getByRole('heading', { level: 1, name: th['login.title'] }).waitFor();
      await openMenu(page);
      await page.getByRole('link', { name: th['nav.aqi'], exact: true }).click();
      await page.waitForURL(/#\/aqi$/);
      await page.getByRole('heading', { level: 1, name: th['aqi.title'] }).waitFor();
      assert.equal(await page.title(), `${th['nav.aqi']} · ecotown`);
      const scale = page.getByLabel(th['aqi.scale'], { exact: true });
      const pollutant = page.getByLabel(th['aqi.pollutant'], { exact: true });
      const concentration = page.getByLabel(th['aqi.concentration'], { exact: true });
      const calculate = page.getByRole('button', { name: th['aqi.submit'], exact: true });
      const value = page.locator('[data-testid="aqi-value"]');
      const swatch = page.locator('[data-testid="aqi-swatch"]');
      const category = page.locator('[data-testid="aqi-category"]');
      const advice = page.locator('[data-testid="aqi-advice"]');
      await page.getByText(th['aqi.concentration_hint.th'], { exact: true }).waitFor();

      // Thai PCD index, PM2.5 24-hour mean 37.6 µg/m³ → 101, "starting to affect health", orange.
      assert.equal(await scale.inputValue(), 'th');
      assert.equal(await pollutant.inputValue(), 'pm25');
      await concentration.fill('37.6');
      await calculate.click();
      await page.locator('[data-testid="aqi-result"][data-scale="th"][data-pollutant="pm25"][data-concentration="37.6"]').waitFor();
      assert.equal(await page.locator('[data-testid="aqi-result"]').getAttribute('data-level'), '4');
      assert.equal(await value.textContent(), '101');
      assert.equal(await category.textContent(), 'เริ่มมีผลกระทบต่อสุขภาพ');
      assert.equal(await category.textContent(), th['th_aqi.level.4']);
      assert.match(await swatch.getAttribute('class'), /\baqi-th-4\b/);
      assert.equal(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 162, 0)');
      assert.equal(await advice.textContent(), th['th_aqi.advice.4']);
      assert.equal(await page.locator('[data-testid="aqi-above-table"]').count(), 0);
      await shot(page, '11-aqi-th');

      // US AQI, PM2.5 35.5 µg/m³ → 101 (Unhealthy for Sensitive Groups), EPA orange.
      await scale.selectOption('us');
      await page.getByText(th['aqi.concentration_hint.us'], { exact: true }).waitFor();
      await concentration.fill('35.5');
      await calculate.click();
      await page.locator('[data-testid="aqi-result"][data-scale="us"][data-pollutant="pm25"][data-concentration="35.5"]').waitFor();
      assert.equal(await page.locator('[data-testid="aqi-result"]').getAttribute('data-level'), '3');
      assert.equal(await value.textContent(), '101');
      assert.equal(await category.textContent(), th['us_aqi.level.3']);
      assert.match(await swatch.getAttribute('class'), /\baqi-us-3\b/);
      assert.equal(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 126, 0)');

      // A bad concentration: the Thai sentence from the locale file next to the field, not the
      // server's English message; the old result goes away.
      await concentration.fill('abc');
      await calculate.click();
      const error = page.locator('[data-testid="aqi-error"]');
      await error.filter({ hasText: th['aqi.error.concentration'] }).waitFor();
      assert.equal(await error.textContent(), th['aqi.error.concentration']);
      assert.equal(await concentration.getAttribute('aria-invalid'), 'true');
      assert.doesNotMatch(await page.locator('main').textContent(), /must be a number/i);
      assert.equal(await page.locator('[data-testid="aqi-result"]').isVisible(), false);
      await shot(page, '12-aqi-error-th');

      // Thai index above its table: the number with the note.
      await scale.selectOption('th');
      await concentration.fill('500');
      await calculate.click();
      await page.locator('[data-testid="aqi-result"][data-scale="th"][data-concentration="500"]').waitFor();
      assert.equal(await page.locator('[data-testid="aqi-result"]').getAttribute('data-level'), '5');
      await page.getByText(th['aqi.above_table'], { exact: true }).waitFor();
      assert.match(await swatch.getAttribute('class'), /\baqi-th-5\b/);

      // English: the page, the category and the advice follow; the answer stays.
      await concentration.fill('37.6');
      await calculate.click();
      await page.locator('[data-testid="aqi-result"][data-scale="th"][data-concentration="37.6"]').waitFor();
      await page.getByRole('button', { name: 'EN', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: en['aqi.title'] }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await page.locator('[data-testid="aqi-result"][data-level="4"]').waitFor();
      assert.equal(await value.textContent(), '101');
      assert.equal(await category.textContent(), 'Starting to affect health');
      assert.equal(await advice.textContent(), en['th_aqi.advice.4']);
      assert.equal(await page.getByLabel(en['aqi.concentration'], { exact: true }).inputValue(), '37.6');
      await page.getByLabel(en['aqi.concentration'], { exact: true }).fill('abc');
      await page.getByRole('button', { name: en['aqi.submit'], exact: true }).click();
      await page.locator('[data-testid="aqi-error"]').filter({ hasText: en['aqi.error.concentration'] }).waitFor();
      await page.getByLabel(en['aqi.concentration'], { exact: true }).fill('37.6');
      await page.getByRole('button', { name: en['aqi.submit'], exact: true }).click();
      await page.locator('[data-testid="aqi-result"][data-level="4"]').waitFor();
      await shot(page, '13-aqi-en');
      await page.getByRole('button', { name: 'ไทย', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: th['aqi.title'] }).waitFor();
      assert.deepEqual(problems, []);
    } catch (e) {
      await shot(page, 'failure-aqi').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
