// Browser test of the factory registry (web/js/views/factories.js) and its map layers
// (web/js/views/map.js) against the real server: `ecotown demo` on a temporary SQLite file, Chromium
// through playwright-core on a phone-sized screen. The officer sees the demo's expiring licence,
// adds a factory through the form (after a refused registration number shown in Thai), finds it in
// the list and on the map, imports a DIW-shaped CSV and reads the row report; then adds and edits
// an emission source and an outlet, and edits a sensitive receptor near a factory.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/factories.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { ARTIFACTS, shot, startDemo } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));
const fill = (template, params) => template.replace(/\{(\w+)\}/g, (_, k) => String(params[k]));

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

async function openFromMenu(page, label, heading) {
  const toggle = page.locator('#menu-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.locator('#nav-list a', { hasText: label }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

const IMPORT_CSV = [
  'FID,เลขทะเบียน,ประเภท,จำพวก,ชื่อโรงงาน,ผู้ประกอบก,ประกอบกิจก,เลขที่,หมู่,ตำบล,อำเภอ,จังหวัด,แรงม้า,วันที่ใบอน,ละติจูด,ลองติจูด,TAM_ID_U',
  '1,3-9(6)-9101/60รบ,00906,3,โรงมันเส้นนำเข้า (ทดสอบ),นายทดสอบ นำเข้า,ทำมันเส้น,1,2,บ้านโป่ง,บ้านโป่ง,ราชบุรี,120,42000,13.8150,99.8800,700501',
  '2,3-9(6)-9102/60รบ,00906,3,โรงปีพุทธ (ทดสอบ),นายทดสอบ,ทำมันเส้น,1,2,บ้านโป่ง,บ้านโป่ง,ราชบุรี,120,239021,13.8150,99.8800,700501',
].join('\n');

describe('factory registry on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('factories', { watchdogMs: 140_000 });
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

  test('officer adds a factory, finds it in the list and on the map, and imports a CSV', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      await openFromMenu(page, th['nav.factories'], th['factories.title']);
      // The demo's Public Health Act licence that expires within 60 days is a reminder.
      await page.locator('[data-testid="licence-reminder"]').first().waitFor();
      assert.match(await page.locator('[data-testid="licence-reminders"]').textContent(), /อู่ซ่อมและพ่นสีรถยนต์สาธิต/);
      await page.locator('[data-testid="factories-list"] [data-testid="factory-link"]').first().waitFor();
      await shot(page, 'factories-list');

      // The add form: a malformed registration number is refused next to its field, in Thai.
      await page.locator('[data-testid="factory-add-link"]').click();
      const form = page.locator('[data-testid="factory-form"]');
      await form.waitFor();
      await form.getByLabel(th['factories.field.name'], { exact: true }).fill('โรงงานเพิ่มจากหน้าจอ (ทดสอบ)');
      await form.getByLabel(th['factories.field.registration_no'], { exact: true }).fill('3-9(6)-77/60');
      await form.getByLabel(th['factories.field.type_code'], { exact: true }).fill('00906');
      await form.getByLabel(th['factories.field.category'], { exact: true }).selectOption('3');
      await form.getByLabel(th['factories.field.lat'], { exact: true }).fill('13.8130');
      await form.getByLabel(th['factories.field.lon'], { exact: true }).fill('99.8790');
      await form.locator('[data-testid="factory-submit"]').click();
      const regError = form.locator('[data-testid="factory-error-registration_no"]');
      await regError.waitFor();
      assert.equal(await regError.textContent(), th['factories.error.registration_no']);
      await form.getByLabel(th['factories.field.registration_no'], { exact: true }).fill('3-9(6)-77/60รบ');
      await form.locator('[data-testid="factory-submit"]').click();
      await page.locator('[data-testid="factory-detail"]').waitFor();
      await page.getByRole('heading', { level: 1, name: 'โรงงานเพิ่มจากหน้าจอ (ทดสอบ)' }).waitFor();
      // The demo's receptors near it are listed with their distance.
      await page.locator('[data-testid="receptor-row"]').first().waitFor();
      await shot(page, 'factory-detail');

      // Found by search in the list.
      await page.goto(`${base}/#/factories`);
      await page.locator('[data-testid="factories-search"]').fill('เพิ่มจากหน้าจอ');
      await page.getByRole('button', { name: th['factories.filter.submit'], exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="factories-list"] > li').length === 1);
      assert.match(await page.locator('[data-testid="factories-list"]').textContent(), /โรงงานเพิ่มจากหน้าจอ/);

      // On the LAO map, as a factory marker beside the receptors, with the legend in Thai.
      await openFromMenu(page, th['nav.map'], th['map.title']);
      await page.locator('.factory-marker').first().waitFor();
      const factoryMarkers = await page.locator('.factory-marker').count();
      assert.ok(factoryMarkers >= 4, `factory markers: ${factoryMarkers}`);
      assert.ok(await page.locator('.receptor-marker').count() >= 5);
      assert.equal(await page.locator('[data-testid="legend-factory"]').textContent(), th['map.legend_factory']);
      const created = await page.evaluate(async (q) => {
        const r = await fetch(`/api/v1/factories?q=${encodeURIComponent(q)}`);
        return (await r.json()).items[0].id;
      }, 'เพิ่มจากหน้าจอ');
      await page.locator(`.factory-marker[data-factory-id="${created}"]`).waitFor();
      await shot(page, 'factories-map');

      // Import: one row accepted, one refused for a Buddhist Era year in the licence date.
      const csvPath = join(tmp, 'import.csv');
      writeFileSync(csvPath, IMPORT_CSV);
      await page.goto(`${base}/#/factories/import`);
      await page.locator('[data-testid="import-file"]').setInputFiles(csvPath);
      await page.locator('[data-testid="import-submit"]').click();
      const summary = page.locator('[data-testid="import-summary"]');
      await summary.waitFor();
      assert.equal(await summary.textContent(), fill(th['factories.import.summary'], { accepted: 1, updated: 0, rejected: 1 }));
      assert.equal(await page.locator('[data-testid="import-row"][data-outcome="rejected"]').count(), 1);
      assert.match(await page.locator('[data-testid="import-row"][data-outcome="rejected"]').textContent(), /วันที่ใบอน/);
      await shot(page, 'factories-import');
      // The imported factory is in the registry (the list keeps the last search: search for it).
      await page.goto(`${base}/#/factories`);
      await page.locator('[data-testid="factories-search"]').fill('นำเข้า');
      await page.getByRole('button', { name: th['factories.filter.submit'], exact: true }).click();
      await page.waitForFunction(() => /โรงมันเส้นนำเข้า/.test(document.querySelector('[data-testid="factories-list"]')?.textContent ?? ''));
      assert.equal(await page.locator('[data-testid="factories-list"] > li').count(), 1);

      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('officer adds and edits an emission source and an outlet, and edits a nearby receptor', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      const target = await page.evaluate(async () => {
        const r = await fetch('/api/v1/factories?limit=100');
        const withPlace = (await r.json()).items.filter((f) => f.lat !== null);
        for (const f of withPlace) {
          const near = await (await fetch(`/api/v1/factories/${f.id}/receptors?within_m=2000`)).json();
          if (near.items.length > 0) return f.id;
        }
        return null;
      });
      assert.ok(target, 'a demo factory with receptors within 2 km');
      await page.goto(`${base}/#/factories/${target}`);
      await page.locator('[data-testid="factory-detail"]').waitFor();

      // Add a stack through the form under the list.
      const sources = page.locator('section', { has: page.getByRole('heading', { name: th['factories.section.sources'], exact: true }) });
      await sources.locator('summary', { hasText: th['factories.source.add'] }).click();
      const add = sources.locator('details [data-testid="source-form"]');
      await add.locator('[data-testid="source-form-name"]').fill('ปล่องหม้อไอน้ำ (ทดสอบ)');
      await add.locator('[data-testid="source-form-stack_height_m"]').fill('25');
      await add.locator('[data-testid="source-form-inner_diameter_m"]').fill('0.8');
      await add.locator('[data-testid="source-form-exit_velocity_m_s"]').fill('9.5');
      await add.locator('[data-testid="source-form-exit_temperature_c"]').fill('180');
      await add.locator('[data-testid="source-form-pollutants"]').fill('pm:1.5, so2:0.3');
      await add.locator('button[type="submit"]').click();
      const row = sources.locator('[data-testid="source-row"]', { hasText: 'ปล่องหม้อไอน้ำ (ทดสอบ)' });
      await row.waitFor();
      const sourceId = await row.getAttribute('data-id');

      // Edit it: the form comes filled in; a bad pollutant list is refused next to its field.
      await page.locator(`[data-testid="source-edit-${sourceId}"]`).click();
      const edit = page.locator('[data-testid="source-editor"] [data-testid="source-form"]');
      assert.equal(await edit.locator('[data-testid="source-form-name"]').inputValue(), 'ปล่องหม้อไอน้ำ (ทดสอบ)');
      assert.equal(await edit.locator('[data-testid="source-form-pollutants"]').inputValue(), 'pm:1.5, so2:0.3');
      assert.equal(await edit.locator('[data-testid="source-form-exit_temperature_c"]').inputValue(), '180');
      await edit.locator('[data-testid="source-form-stack_height_m"]').fill('35');
      await edit.locator('[data-testid="source-form-pollutants"]').fill('ฝุ่นเยอะ');
      await edit.locator('button[type="submit"]').click();
      await edit.locator('[data-testid="source-form-error-pollutants"]').waitFor({ state: 'visible' });
      await edit.locator('[data-testid="source-form-pollutants"]').fill('pm:0.9');
      await edit.locator('button[type="submit"]').click();
      await sources.locator('[data-testid="source-row"]', { hasText: '35' }).waitFor();
      const saved = await page.evaluate(async (fid) => (await (await fetch(`/api/v1/factories/${fid}/emission-sources`)).json()).items, target);
      const stack = saved.find((x) => String(x.id) === sourceId);
      assert.equal(stack.stack_height_m, 35);
      assert.deepEqual(stack.pollutants, [{ pollutant: 'pm', rate_g_s: 0.9 }]);
      assert.ok(Math.abs(stack.exit_temperature_c - 180) < 1e-6);

      // An outlet: added, then renamed.
      const outlets = page.locator('section', { has: page.getByRole('heading', { name: th['factories.section.outlets'], exact: true }) });
      await outlets.locator('summary', { hasText: th['factories.outlet.add'] }).click();
      const addOutlet = outlets.locator('details [data-testid="outlet-form"]');
      await addOutlet.locator('[data-testid="outlet-form-name"]').fill('จุดระบายที่ 1');
      await addOutlet.locator('[data-testid="outlet-form-receiving_water"]').fill('แม่น้ำแม่กลอง');
      await addOutlet.locator('[data-testid="outlet-form-flow_m3_day"]').fill('120');
      await addOutlet.locator('button[type="submit"]').click();
      const outletRow = outlets.locator('[data-testid="outlet-row"]', { hasText: 'จุดระบายที่ 1' });
      await outletRow.waitFor();
      await page.locator(`[data-testid="outlet-edit-${await outletRow.getAttribute('data-id')}"]`).click();
      const editOutlet = page.locator('[data-testid="outlet-editor"] [data-testid="outlet-form"]');
      assert.equal(await editOutlet.locator('[data-testid="outlet-form-receiving_water"]').inputValue(), 'แม่น้ำแม่กลอง');
      await editOutlet.locator('[data-testid="outlet-form-name"]').fill('จุดระบายหลังบ่อปรับเสถียร');
      await editOutlet.locator('button[type="submit"]').click();
      await outlets.locator('[data-testid="outlet-row"]', { hasText: 'จุดระบายหลังบ่อปรับเสถียร' }).waitFor();

      // A receptor nearby: its number of people corrected.
      const receptorRow = page.locator('[data-testid="receptor-row"]').first();
      const receptorId = await receptorRow.getAttribute('data-id');
      await page.locator(`[data-testid="receptor-edit-${receptorId}"]`).click();
      const editReceptor = page.locator('[data-testid="receptor-editor"] [data-testid="receptor-form"]');
      await editReceptor.locator('[data-testid="receptor-form-people"]').fill('1234');
      await editReceptor.locator('button[type="submit"]').click();
      await page.locator(`[data-testid="receptor-row"][data-id="${receptorId}"]`, { hasText: '1,234' }).waitFor();
      await shot(page, 'factory-edit-records');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the LAO administrator sets the e-mail reminders before licences expire', async () => {
    const { context, page, problems } = await openPage('banpong.admin');
    try {
      await openFromMenu(page, th['nav.factories'], th['factories.title']);
      const settings = page.locator('[data-testid="reminder-settings"]');
      await settings.locator('[data-testid="reminder-settings-state"]', { hasText: th['factories.reminders.settings_off'] }).waitFor();
      await settings.locator('summary').click();
      await settings.locator('[data-testid="reminder-days"]').fill('30, 7');
      await settings.locator('[data-testid="reminder-recipients"]').fill('permits@banpong.go.th\nไม่ใช่อีเมล');
      await settings.locator('button[type="submit"]').click();
      const error = settings.locator('[data-testid="reminder-form-error-recipients"]');
      await error.waitFor({ state: 'visible' });
      assert.equal(await error.textContent(), th['factories.reminders.error.recipients']);
      await settings.locator('[data-testid="reminder-recipients"]').fill('permits@banpong.go.th\nenv@banpong.go.th');
      await settings.locator('button[type="submit"]').click();
      await settings.locator('[data-testid="reminder-settings-state"]',
        { hasText: fill(th['factories.reminders.settings_state'], { days: '30, 7', to: 'permits@banpong.go.th, env@banpong.go.th' }) }).waitFor();
      const saved = await page.evaluate(async () => (await fetch('/api/v1/licences/reminders/settings')).json());
      assert.deepEqual(saved.days, [30, 7]);
      assert.deepEqual(saved.recipients, ['permits@banpong.go.th', 'env@banpong.go.th']);
      await shot(page, 'factories-reminder-settings');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
