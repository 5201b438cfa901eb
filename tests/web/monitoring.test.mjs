// Browser test of the monitoring screens against the real server: `ecotown demo` (which seeds 48
// hours of readings for the demo sensors) on a temporary SQLite file and a free port, Chromium
// through playwright-core. The officer sees the live map with AQI colours and the Thai legend,
// the map updating on new readings (server-sent events), a sensor page with its chart, calendar
// and calibration panel, and the network health page with a CSV upload and its summary; signed
// out, a resident reads the public page on a phone.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build-web/ecotown node --test tests/web/monitoring.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { thaiLevelOfPm25 } from '../../web/js/air.js';
import { ARTIFACTS, apiCall, shot, startDemo } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
// data/aq/aqi_categories.json: the Thai AQI colours.
const THAI_COLOURS = { 1: '#3BCCFF', 2: '#92D050', 3: '#FFFF00', 4: '#FFA200', 5: '#F04646' };

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));

let demo;
let tmp;
let base;
let browser;

/** A page that records what must not happen: CSP violations, script errors, missing texts,
 *  requests to other origins (no tile server), dialogs. */
async function openPage(device = PHONE) {
  const context = await browser.newContext(device);
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
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) problems.push(`offsite: ${request.url()}`);
  });
  return { context, page, problems };
}

async function login(page, username) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
  await page.waitForURL(/#\/$/);
}

/** A JSON API call from inside the signed-in page (cookie + CSRF token). */
/** Follows a menu link, opening the menu first on a phone. */
async function openFromMenu(page, name) {
  const toggle = page.locator('#menu-toggle');
  if (await toggle.isVisible() && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await page.locator('#nav-list').getByRole('link', { name, exact: true }).click();
}

const markerOf = (page, code) => page.locator(`path.aq-marker[data-code="${code}"]`);

describe('monitoring screens', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('monitoring', { watchdogMs: 140_000 });
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

  test('Leaflet is served from the binary, and the demo stored its readings once', async () => {
    for (const path of ['/vendor/leaflet/leaflet-src.esm.js', '/vendor/leaflet/leaflet.css']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
    }
    assert.match((await fetch(`${base}/vendor/leaflet/leaflet-src.esm.js`)).headers.get('content-type'), /javascript/);
    assert.match(demo.log(), /\d+ demo readings of the last 48 hours stored/);
  });

  test('officer: live map with AQI colours, stale and maintenance marks, Thai legend, live update', async () => {
    const { context, page, problems } = await openPage(DESKTOP);
    try {
      await login(page, 'banpong.officer');
      await openFromMenu(page, th['nav.map']);
      await page.waitForURL(/#\/map$/);
      await page.getByRole('heading', { level: 1, name: th['map.title'] }).waitFor();
      await page.locator('path.aq-marker').nth(2).waitFor();
      assert.equal(await page.locator('path.aq-marker').count(), 3, 'Ban Pong has three demo sensors');

      // Colours: the market's 24-hour mean is level 4, the school's level 3 (demo.cc).
      const market = markerOf(page, 'bp-market-01');
      assert.equal(await market.getAttribute('data-level'), '4');
      assert.equal((await market.getAttribute('fill')).toUpperCase(), THAI_COLOURS[4]);
      assert.equal((await markerOf(page, 'bp-school-01').getAttribute('fill')).toUpperCase(), THAI_COLOURS[3]);
      // The hospital's sensor is in maintenance: a dotted dark ring.
      const hospital = markerOf(page, 'bp-hospital-01');
      assert.equal(await hospital.getAttribute('data-state'), 'maintenance');
      assert.equal(await hospital.getAttribute('stroke-dasharray'), '2 4');
      // The AQI number sits on the marker.
      const labels = await page.locator('.map-tooltip .map-label').allTextContents();
      assert.equal(labels.length, 3);
      assert.ok(labels.every((l) => /^\d+$/.test(l)), labels.join());

      // The legend, in Thai.
      const legend = page.locator('[data-testid="map-legend"]');
      assert.equal(await legend.locator('h2').textContent(), th['map.legend']);
      for (let n = 1; n <= 5; n += 1) {
        assert.equal(await legend.locator(`[data-testid="legend-level-${n}"]`).textContent(), th[`th_aqi.level.${n}`]);
      }
      assert.equal(await legend.locator('[data-testid="legend-stale"]').textContent(), th['map.legend_stale']);
      // No tile server: a scale and the centre's coordinates instead.
      await page.locator('.leaflet-control-scale').waitFor();
      assert.match(await page.locator('[data-testid="map-coords"]').textContent(), /^กึ่งกลาง 13\.\d{4}, 99\.\d{4}$/);

      // The popup: values and the way to the sensor page.
      await market.click();
      const popup = page.locator('[data-testid="map-popup"][data-code="bp-market-01"]');
      await popup.waitFor();
      assert.match(await popup.textContent(), /ตลาดเทศบาลบ้านโป่ง/);
      assert.match(await popup.textContent(), new RegExp(th['th_aqi.level.4']));
      await shot(page, 'm01-map-officer');

      // New readings arrive: the server-sent "readings" event makes the map reload.
      const status = page.locator('[data-testid="map-status"]');
      const loads = Number(await status.getAttribute('data-loads'));
      const now = Math.floor(Date.now() / 1000);
      await apiCall(page, 'POST', '/api/v1/readings', { readings: [{ sensor: 'bp-school-01', ts: now - 5, pm2_5: 31.2 }] });
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="map-status"]').dataset.loads) > n, loads,
        { timeout: 15_000 });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('officer: sensor page with raw, clean and corrected series, calendar, flags and calibration', async () => {
    const { context, page, problems } = await openPage();
    try {
      await login(page, 'banpong.officer');
      await page.goto(`${base}/#/map`);
      await page.locator('[data-testid="map-list"] li[data-code="bp-market-01"] a').click();
      await page.waitForURL(/#\/sensors\/\d+$/);
      await page.getByRole('heading', { level: 1, name: 'ตลาดเทศบาลบ้านโป่ง' }).waitFor();
      const head = page.locator('[data-testid="sensor-head"]');
      await head.waitFor();
      assert.equal(await head.getAttribute('data-state'), 'ok');
      assert.equal(await page.locator('[data-testid="sensor-level"]').textContent(), th['th_aqi.level.4']);

      // The chart: every series drawn, over the five colour bands.
      const chart = page.locator('[data-testid="sensor-chart"] svg');
      await chart.waitFor();
      assert.equal(await chart.locator('rect.band').count(), 5);
      for (const series of ['raw', 'clean', 'corrected', 'daily']) {
        const d = await chart.locator(`path[data-series="${series}"]`).getAttribute('d');
        assert.ok(d && d.startsWith('M') && d.includes('L'), `${series}: ${d}`);
      }
      assert.equal(await page.locator('[data-testid="legend-corrected"]').textContent(), th['sensor.series.corrected']);
      // The demo's EPA model lowers the AirGradient's values: the corrected line sits below the clean one.
      const meanY = async (series) => {
        const d = await chart.locator(`path[data-series="${series}"]`).getAttribute('d');
        const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
        return ys.reduce((a, b) => a + b, 0) / ys.length;
      };
      assert.ok(await meanY('corrected') > await meanY('clean'), 'corrected values are lower (larger y) than clean ones');
      // The corrected values are the server's: pm25_corrected with the model that made it, per hour.
      const sensorId = await page.locator('[data-testid="sensor-page"]').getAttribute('data-sensor-id');
      const served = await page.evaluate(async (id) => (await (await fetch(`/api/v1/sensors/${id}/hours`)).json()).items, sensorId);
      const corrected = served.filter((x) => x.pm25_corrected !== null);
      assert.ok(corrected.length > 0, 'the server serves corrected hours');
      assert.equal(corrected.at(-1).calibration.version, 1);
      assert.ok(corrected.every((x) => x.pm25_corrected < x.pm25), 'the EPA model lowers every complete hour');
      assert.ok(await page.locator('[data-testid="sensor-corrected-cell"][data-version="1"]').count() >= corrected.length);

      // The calendar: days coloured by level, with coverage. A day the demo's EPA model corrected
      // shows the server's corrected daily mean (pm25_corrected), the measured mean in its label.
      const calendar = page.locator('[data-testid="sensor-calendar"]');
      await calendar.waitFor();
      const days = await page.evaluate(async (id) => (await (await fetch(`/api/v1/sensors/${id}/days`)).json()).items, sensorId);
      const correctedDays = days.filter((d) => d.pm25_corrected !== null);
      assert.ok(correctedDays.length >= 1, `a day with a corrected mean: ${JSON.stringify(days)}`);
      for (const day of correctedDays) {
        assert.ok(day.pm25_corrected < day.pm25, `${day.date}: the EPA model lowers the daily mean`);
        assert.deepEqual(day.calibration_versions, [1]);
        const cell = calendar.locator(`.cal-cell[data-date="${day.date}"]`);
        assert.equal(await cell.getAttribute('data-corrected'), '1');
        assert.equal(await cell.getAttribute('data-level'), String(thaiLevelOfPm25(day.pm25_corrected)));
        assert.equal(await cell.locator('.cal-value').textContent(), day.pm25_corrected.toFixed(1));
        assert.match(await cell.getAttribute('aria-label'), new RegExp(
          `ปรับแก้แล้ว ${day.pm25_corrected.toFixed(1)}.*ค่าตรวจวัด ${day.pm25.toFixed(1)}.*รุ่น 1 ความครบถ้วนร้อยละ \\d+`));
      }
      const coloured = calendar.locator('.cal-cell[data-level]:not([data-level=""])');
      assert.ok(await coloured.count() >= 1, 'at least one day coloured by level');
      assert.match(await coloured.first().getAttribute('aria-label'), /ความครบถ้วนร้อยละ \d+/);
      await page.locator('[data-testid="sensor-flags"]').waitFor();
      await page.locator('[data-testid="calibration-panel"]').waitFor();
      assert.match(await page.locator('[data-testid="calibration-current"]').textContent(), /รุ่น 1/);
      await shot(page, 'm02-sensor-page');

      // A sensor of another organisation does not exist for this officer.
      await page.goto(`${base}/#/sensors/999999`);
      await page.locator('[data-testid="sensor-error"]').waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('officer: network health with coverage, and a CSV upload with its summary', async () => {
    const { context, page, problems } = await openPage();
    try {
      await login(page, 'banpong.officer');
      await openFromMenu(page, th['nav.health']);
      await page.waitForURL(/#\/health$/);
      const list = page.locator('[data-testid="health-list"]');
      await list.waitFor();
      assert.equal(await list.locator(':scope > li').count(), 3);
      assert.equal(await page.locator('[data-testid="health-offline-count"]').textContent(), 'ทุกเครื่องส่งข้อมูลปกติ (3 เครื่อง)');
      const school = list.locator('li[data-code="bp-school-01"]');
      const day = Number(await school.locator('[data-testid="coverage-24h"]').getAttribute('value'));
      assert.ok(day >= 90, `the school reported all day: ${day} %`);
      const week = Number(await school.locator('[data-testid="coverage-7d"]').getAttribute('value'));
      assert.ok(week > 0 && week < 50, `two days of seven: ${week} %`);

      const now = Math.floor(Date.now() / 1000);
      const csv = ['sensor_id,ts,pm2_5,pm10,humidity',
        `bp-school-01,${now - 40},30.4,44,61`,
        `bp-school-01,${now - 30},30.9,45,61`,
        `no-such-sensor,${now - 30},12,20,60`,
        'bp-school-01,yesterday,10,15,60'].join('\n');
      await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'readings.csv', mimeType: 'text/csv',
        buffer: Buffer.from(csv) });
      await page.locator('[data-testid="import-submit"]').click();
      const summary = page.locator('[data-testid="import-summary"]');
      await summary.waitFor();
      assert.equal(await summary.locator('[data-testid="import-received"]').textContent(), '4');
      assert.equal(await summary.locator('[data-testid="import-accepted"]').textContent(), '2');
      assert.equal(await summary.locator('[data-testid="import-rejected"]').textContent(), '2');
      const errors = await summary.locator('[data-testid="import-errors"] li').allTextContents();
      assert.equal(errors.length, 2);
      assert.ok(errors.some((e) => /no-such-sensor/.test(e)), errors.join(' | '));
      // The refused rows are an ingest event of Ban Pong, listed on the same page after the upload.
      const uploadEvent = page.locator('[data-testid="health-events"] li[data-kind="rejected"]', { hasText: 'uploaded file: 2 rows refused' });
      await uploadEvent.first().waitFor();
      assert.match(await uploadEvent.first().textContent(), /csv/);
      await shot(page, 'm03-health-upload');

      // Uploading the same file again stores nothing twice.
      await page.locator('[data-testid="import-file"]').setInputFiles({ name: 'readings.csv', mimeType: 'text/csv',
        buffer: Buffer.from(csv) });
      await page.locator('[data-testid="import-submit"]').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="import-duplicates"]')?.textContent === '2');
      assert.equal(await summary.locator('[data-testid="import-accepted"]').textContent(), '0');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('officer of Phatong: the silent sensor is listed as offline, with its coverage up to now', async () => {
    const { context, page, problems } = await openPage();
    try {
      await login(page, 'phatong.officer');
      await page.goto(`${base}/#/health`);
      const offline = page.locator('[data-testid="health-offline"] li[data-code="pt-market-01"]');
      await offline.waitFor();
      assert.match(await offline.textContent(), /ส่งข้อมูลล่าสุดเมื่อ/);
      assert.equal(await page.locator('[data-testid="health-offline-count"]').textContent(), 'ขาดการติดต่อ 1 จาก 2 เครื่อง');
      const card = page.locator('[data-testid="health-list"] > li').first();
      assert.equal(await card.getAttribute('data-code'), 'pt-market-01', 'offline sensors come first');
      // Silent for three hours: about 21 of the last 24 hours are complete, not all 24.
      const day = Number(await card.locator('[data-testid="coverage-24h"]').getAttribute('value'));
      assert.ok(day >= 70 && day <= 92, `coverage of the last 24 hours: ${day} %`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('resident, signed out, on a phone: the public page with the level, advice and 24 hours', async () => {
    const { context, page, problems } = await openPage(PHONE);
    try {
      // Sign in and out first, as the brief asks: the public page needs no session.
      await login(page, 'banpong.officer');
      await page.locator('#menu-toggle').click();
      await page.locator('#logout').click();
      await page.waitForURL(/#\/login$/);

      await page.goto(`${base}/#/public/banpong`);
      const level = page.locator('[data-testid="public-level"]');
      await level.waitFor();
      assert.match(page.url(), /#\/public\/banpong$/, 'no redirect to the login page');
      await page.getByRole('heading', { level: 1, name: `คุณภาพอากาศ ${'เทศบาลเมืองบ้านโป่ง'}` }).waitFor();
      // The worst reporting sensor is the market (level 4); the hospital's is in maintenance.
      assert.equal(await level.getAttribute('data-level'), '4');
      assert.match(await level.getAttribute('class'), /aqi-th-4/);
      assert.equal(await page.locator('[data-testid="public-category"]').textContent(), th['th_aqi.level.4']);
      assert.equal(await page.locator('[data-testid="public-advice"]').textContent(), th['th_aqi.advice.4']);
      assert.equal(await page.locator('[data-testid="public-sensors"] > li').count(), 3);
      const bars = page.locator('[data-testid="public-bars"]').first().locator('rect.bar');
      assert.equal(await bars.count(), 24);
      assert.ok(await page.locator('[data-testid="public-bars"] rect.bar[data-level]').count() >= 3 * 20);
      // Readable on a phone: nothing wider than the screen.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
      await shot(page, 'm04-public-phone');

      // Phatong: the market's sensor stopped three hours ago and is shown as such.
      await page.goto(`${base}/#/public/phatong`);
      await page.locator('[data-testid="public-sensors"] li[data-code="pt-market-01"][data-state="stale"]').waitFor();
      assert.equal(await page.locator('[data-testid="public-level"]').getAttribute('data-level'), '1');

      await page.goto(`${base}/#/public/no-such-lao`);
      assert.equal(await page.locator('[data-testid="public-error"]').textContent(), th['public.not_found']);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
