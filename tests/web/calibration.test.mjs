// Browser test of the calibration panel (web/js/views/sensor_calibration.js) against the real
// server: `ecotown demo` on a temporary SQLite file and a free port, Chromium through
// playwright-core, a phone-sized screen. The panel is mounted by importing the module into the
// signed-in shell, as the sensor detail page does; hourly co-location data comes in through the
// JSON batch endpoint.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build-calib/ecotown node --test tests/web/calibration.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { apiCall, startDemo } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.ECOTOWN_BIN;
const ARTIFACTS = process.env.ECOTOWN_WEB_ARTIFACTS || join(ROOT, 'build', 'web-artifacts');
const CHROMIUM = process.env.ECOTOWN_CHROMIUM || '/usr/bin/chromium';
const DEMO_PASSWORD = 'ecotown-demo';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const JUNE_1 = 1_748_710_800; // 2025-06-01 00:00 Bangkok

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
/** Mounts the panel for a sensor below the shell; resolves when its first render is done. */
function mountPanel(page, sensorId) {
  return page.evaluate(async (id) => {
    const api = await import('/js/api.js');
    const { renderCalibrationPanel } = await import('/js/views/sensor_calibration.js');
    document.getElementById('calibration-host')?.remove();
    const host = document.createElement('div');
    host.id = 'calibration-host';
    host.className = 'main';
    document.body.append(host);
    const sensor = await api.get(`/api/v1/sensors/${id}`);
    await renderCalibrationPanel(host, sensor, api);
  }, sensorId);
}

async function shot(page, name) {
  await page.evaluate(async () => {
    await document.fonts.ready;
    document.getElementById('calibration-host')?.scrollIntoView();
  });
  await page.locator('#calibration-host').screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

describe('calibration panel on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('calibration', { watchdogMs: 110_000 });
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

  test('officer adds a preset, fits against a BAM, saves it and uploads a photo', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      const common = { lat: 13.8152, lon: 99.8768, sample_interval_seconds: 3600 };
      const sensor = await apiCall(page, 'POST', '/api/v1/sensors',
        { code: 'bp-ag-cal', name: 'ตลาดสด (ทดสอบสอบเทียบ)', model: 'airgradient', ...common });
      await apiCall(page, 'POST', '/api/v1/sensors',
        { code: 'bp-bam-01', name: 'สถานีอ้างอิง บ้านโป่ง', model: 'reference-bam', ...common });
      const readings = [];
      for (let i = 0; i < 48; i += 1) {
        const raw = 20 + 3.1 * i + 9 * Math.sin(i * 0.7);
        const rh = 60 + 25 * Math.cos(i * 0.3);
        const ts = JUNE_1 + (i + 1) * 3600;
        readings.push({ sensor: 'bp-ag-cal', ts, pm2_5: raw, humidity: rh });
        readings.push({ sensor: 'bp-bam-01', ts, pm2_5: 0.5 * raw - 0.08 * rh + 5.7 });
      }
      await apiCall(page, 'POST', '/api/v1/readings', { readings });

      await mountPanel(page, sensor.id);
      const panel = page.locator('[data-testid="calibration-panel"]');
      await panel.getByRole('heading', { level: 2, name: th['calibration.title'], exact: true }).waitFor();
      await panel.locator('[data-testid="calibration-empty"]').waitFor();
      assert.equal(await panel.locator('[data-testid="calibration-current"]').textContent(), th['calibration.current_none']);
      await panel.locator('[data-testid="calibration-photo-none"]').waitFor();

      // An EPA preset from 1 June 2025.
      await panel.getByLabel(th['calibration.form.method'], { exact: true }).selectOption('epa_barkjohn_2021');
      await panel.getByLabel(th['calibration.form.valid_from'], { exact: true }).fill('2025-06-01');
      await panel.locator('[data-testid="calibration-submit"]').click();
      await panel.locator('li[data-version="1"]').waitFor();
      assert.equal(await panel.locator('[data-testid="calibration-done"]').textContent(),
        th['calibration.saved'].replace('{version}', '1'));
      const row1 = panel.locator('li[data-version="1"]');
      assert.equal(await row1.locator('[data-testid="calibration-kind"]').textContent(), th['calibration.kind.epa_barkjohn_2021']);
      assert.equal(await row1.locator('[data-testid="calibration-validity"]').textContent(), 'ตั้งแต่ 1 มิ.ย. 2568 เป็นต้นไป');
      assert.equal(await row1.locator('[data-testid="calibration-formula"]').textContent(),
        '0.524 × ค่าดิบ − 0.0862 × RH + 5.75');

      // A start before it is refused next to the field, in Thai.
      await panel.getByLabel(th['calibration.form.method'], { exact: true }).selectOption('linear');
      await panel.getByLabel(th['calibration.form.slope'], { exact: true }).fill('0.6');
      await panel.getByLabel(th['calibration.form.intercept'], { exact: true }).fill('1');
      await panel.getByLabel(th['calibration.form.valid_from'], { exact: true }).fill('2025-05-01');
      await panel.locator('[data-testid="calibration-submit"]').click();
      await panel.locator('[data-testid="calibration-error-valid_from"]').waitFor();
      assert.equal(await panel.locator('[data-testid="calibration-error-valid_from"]').textContent(),
        th['calibration.error.conflict.valid_from']);
      await panel.getByLabel(th['calibration.form.slope'], { exact: true }).fill('abc');
      await panel.locator('[data-testid="calibration-submit"]').click();
      assert.equal(await panel.locator('[data-testid="calibration-error-slope"]').textContent(), th['calibration.error.number']);

      // A fit: the statistics come first, nothing is saved until asked.
      await panel.getByLabel(th['calibration.form.method'], { exact: true }).selectOption('fit');
      await panel.getByLabel(th['calibration.form.from'], { exact: true }).fill('2025-06-01');
      await panel.getByLabel(th['calibration.form.to'], { exact: true }).fill('2025-06-02');
      await panel.getByLabel(th['calibration.form.valid_from'], { exact: true }).fill('2025-06-03');
      await panel.locator('[data-testid="calibration-submit"]').click();
      const result = panel.locator('[data-testid="calibration-fit-result"]');
      await result.waitFor();
      assert.equal(await result.locator('[data-testid="calibration-stat-n"]').first().textContent(), '48');
      assert.equal(await result.locator('[data-testid="calibration-stat-r2"]').first().textContent(), '1');
      assert.equal(await result.locator('[data-testid="calibration-stat-formula"]').textContent(),
        '0.5 × ค่าดิบ − 0.08 × RH + 5.7');
      assert.equal(await panel.locator('[data-testid="calibration-history"] > li').count(), 1);
      await shot(page, 'calibration-01-fit-result');
      await result.locator('[data-testid="calibration-save-fit"]').click();
      await panel.locator('li[data-version="2"]').waitFor();
      const row2 = panel.locator('li[data-version="2"]');
      assert.equal(await row2.locator('[data-testid="calibration-kind"]').textContent(), th['calibration.kind.linear']);
      assert.equal(await row2.locator('[data-testid="calibration-n"]').textContent(), '48');
      assert.equal(await row2.locator('[data-testid="calibration-r2"]').textContent(), '1');
      assert.equal(await row1.locator('[data-testid="calibration-validity"]').textContent(), '1 มิ.ย. 2568 ถึง 2 มิ.ย. 2568');
      assert.match(await panel.locator('[data-testid="calibration-current"]').textContent(), /รุ่น 2/);
      assert.equal(await row2.locator('[data-testid="calibration-in-use"]').count(), 1);
      assert.equal(await row1.locator('[data-testid="calibration-in-use"]').count(), 0);

      // The photo: a real PNG is shown; a text file is refused in Thai.
      const png = join(tmp, 'site.png');
      writeFileSync(png, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPQ6w4HIgYIBQAdKgRBwvFrKQAAAABJRU5ErkJggg==', 'base64'));
      const notImage = join(tmp, 'notes.txt');
      writeFileSync(notImage, 'not an image');
      const picker = panel.locator('[data-testid="calibration-photo-input"]');
      await picker.setInputFiles(notImage);
      await panel.locator('[data-testid="calibration-photo-error"]').waitFor();
      assert.equal(await panel.locator('[data-testid="calibration-photo-error"]').textContent(), th['calibration.photo.error.type']);
      await picker.setInputFiles(png);
      const img = panel.locator('[data-testid="calibration-photo-img"]');
      await img.waitFor();
      assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth === 2), 'the photo is decoded');
      assert.equal(await img.getAttribute('alt'), th['calibration.photo.alt'].replace('{name}', 'ตลาดสด (ทดสอบสอบเทียบ)'));
      await shot(page, 'calibration-02-history-photo');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('executive sees the history and the photo but no form or upload', async () => {
    const { context, page, problems } = await openPage('banpong.executive');
    try {
      const list = await apiCall(page, 'GET', '/api/v1/sensors');
      const sensor = list.items.find((s) => s.code === 'bp-ag-cal');
      assert.ok(sensor, 'the sensor of the previous test');
      await mountPanel(page, sensor.id);
      const panel = page.locator('[data-testid="calibration-panel"]');
      await panel.locator('li[data-version="2"]').waitFor();
      await panel.locator('[data-testid="calibration-photo-img"]').waitFor();
      assert.equal(await panel.locator('[data-testid="calibration-add"]').count(), 0);
      assert.equal(await panel.locator('[data-testid="calibration-photo-input"]').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
