// Browser test of the "done when" for inspections: on a phone-sized Chromium, an inspector
// opens a demo factory's inspection with a default checklist, the network is cut
// (context.setOffline), answers, a finding and a photo are recorded, the page is reloaded and
// navigated while offline and still works, the network comes back, the page syncs, the server
// has each answer, finding and photo exactly once, and the inspector signs off. Then a factory
// representative sees only its own factory's open actions, and an inspector cancels another
// inspection with a reason (its answers stay).
//
// The real server: `ecotown demo` on a temporary SQLite file (demo factories, a planned demo
// inspection assigned to banpong.inspector, who holds a valid inspector certificate).
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/inspections.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
// A 1×1 PNG, as a phone camera would hand over a (much larger) JPEG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const th = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'th.json'), 'utf8'));

let demo;
let tmp;
let base;
let browser;

/** A logged-in API client of its own (node fetch with the session cookie). */
async function apiLogin(username) {
  const res = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = JSON.parse(text);
  return {
    get: async (path) => {
      const r = await fetch(`${base}${path}`, { headers: { Cookie: cookie } });
      return { status: r.status, body: await r.json() };
    },
    post: async (path, body) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf,
        'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    },
  };
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
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
  // Signed in: the app leaves the login page (for its home, or a factory representative's own page).
  try {
    await page.waitForFunction(() => !window.location.hash.startsWith('#/login'), null, { timeout: 15_000 });
  } catch (e) {
    await page.screenshot({ path: join(ARTIFACTS, `login-${username}.png`), fullPage: true });
    throw new Error(`${username} did not get past the login page: ${problems.join('; ')} ${await page.locator('main').innerText()}`);
  }
  return { context, page, problems };
}

async function pendingCount(page) {
  return Number(await page.locator('[data-testid="sync-status"]').getAttribute('data-pending'));
}

async function waitUntil(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Answers every item the way a compliant factory would (so sign-off has nothing missing). */
async function answerAll(page, sections) {
  let count = 0;
  for (const section of sections) {
    for (const item of section.items) {
      const key = item.key;
      if (item.answer_type === 'yes_no') {
        await page.locator(`[data-testid="answer-${key}-yes"]`).click();
      } else if (item.answer_type === 'score') {
        await page.locator(`[data-testid="answer-${key}-${item.score_max}"]`).click();
      } else if (item.answer_type === 'measure') {
        const value = item.upper ?? item.lower;
        await page.locator(`[data-testid="measure-${key}"]`).fill(String(item.lower !== null && item.lower !== undefined && item.upper !== null && item.upper !== undefined ? (item.lower + item.upper) / 2 : value));
        await page.locator(`[data-testid="measure-save-${key}"]`).click();
      } else {
        await page.locator(`[data-testid="text-${key}"]`).fill('โรงงานให้ความร่วมมือดี ไม่มีข้อสังเกตเพิ่มเติม');
        await page.locator(`[data-testid="item-${key}"] button`, { hasText: th['inspection.save'] }).click();
      }
      count += 1;
    }
  }
  return count;
}

describe('inspection on a phone, offline and back', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('inspections', { watchdogMs: 170_000 });
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

  test('the service worker precaches every module of the app shell', () => {
    const sw = readFileSync(join(ROOT, 'web', 'sw.js'), 'utf8');
    const files = [...readdirSync(join(ROOT, 'web', 'js')).filter((f) => f.endsWith('.js')).map((f) => `/js/${f}`),
      ...readdirSync(join(ROOT, 'web', 'js', 'views')).filter((f) => f.endsWith('.js')).map((f) => `/js/views/${f}`)];
    for (const file of files) assert.ok(sw.includes(`'${file}'`), `web/sw.js does not precache ${file}`);
  });

  test('the service worker is served from the root as JavaScript', async () => {
    const res = await fetch(`${base}/sw.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/javascript/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  test('inspector records answers and a photo offline, syncs once back online, and signs off', async () => {
    const officer = await apiLogin('banpong.officer');
    const planned = await officer.get('/api/v1/inspections?status=planned');
    assert.equal(planned.status, 200);
    const demo = planned.body.items.find((i) => ['environment', 'safety'].includes(i.template_code)
      && i.inspectors.some((x) => x.name === 'เจ้าหน้าที่ตรวจโรงงาน บ้านโป่ง'));
    assert.ok(demo, `no planned demo inspection with a default checklist: ${JSON.stringify(planned.body)}`);
    const before = await officer.get(`/api/v1/inspections/${demo.id}`);
    const sections = before.body.checklist.sections;
    const itemCount = sections.reduce((n, s) => n + s.items.length, 0);
    assert.equal(before.body.answers.length, 0);

    const { context, page, problems } = await openPage('banpong.inspector');
    try {
      await page.goto(`${base}/#/inspections/${demo.id}`);
      await page.locator(`[data-testid="item-${sections[0].items[0].key}"]`).waitFor();
      // Let the service worker take control and see the page's reads once while online.
      await page.evaluate(async () => { await navigator.serviceWorker.ready; });
      await page.reload();
      await page.locator(`[data-testid="item-${sections[0].items[0].key}"]`).waitFor();
      assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)), 'the service worker controls the page');

      await context.setOffline(true);
      const answered = await answerAll(page, sections);
      assert.equal(answered, itemCount);
      const firstKey = sections[0].items[0].key;
      await page.locator(`[data-testid="photo-input-${firstKey}"]`).setInputFiles({ name: 'stack.png', mimeType: 'image/png', buffer: PNG });
      await page.locator(`[data-testid="photos-${firstKey}"] [data-testid="queued-photo"]`).waitFor();
      await page.locator('[data-testid="finding-description"]').fill('ถุงกรองฝุ่นชำรุด 2 ถุง ต้องเปลี่ยนภายใน 30 วัน');
      await page.locator('[data-testid="finding-form"] button[type="submit"]').click();
      await waitUntil('the queue to hold every change', async () => (await pendingCount(page)) === itemCount + 2);
      assert.equal(await page.locator('[data-testid="sync-status"]').getAttribute('data-online'), 'false');
      assert.equal(await page.locator('[data-testid="sync-status"]').textContent(),
        th['inspection.offline_waiting'].replace('{count}', String(itemCount + 2)));
      await shot(page, 'inspection-offline');

      // Still offline: a reload and a navigation away and back keep the page and its queue.
      await page.reload();
      await page.locator(`[data-testid="answer-${firstKey}-yes"][aria-pressed="true"]`).waitFor();
      assert.equal(await pendingCount(page), itemCount + 2);
      await page.goto(`${base}/#/`);
      await page.goto(`${base}/#/inspections/${demo.id}`);
      await page.locator(`[data-testid="answer-${firstKey}-yes"][aria-pressed="true"]`).waitFor();
      assert.equal(await pendingCount(page), itemCount + 2);
      // Nothing reached the server meanwhile.
      assert.equal((await officer.get(`/api/v1/inspections/${demo.id}`)).body.answers.length, 0);

      await context.setOffline(false);
      await waitUntil('the page to sync', async () => (await pendingCount(page)) === 0, 40_000);
      await page.locator('[data-testid="sync-status"]', { hasText: th['inspection.synced'] }).waitFor();

      const after = (await officer.get(`/api/v1/inspections/${demo.id}`)).body;
      assert.equal(after.answers.length, itemCount, 'one answer per item');
      assert.equal(new Set(after.answers.map((a) => a.item_key)).size, itemCount);
      assert.equal(after.photos.length, 1, 'the photo exactly once');
      assert.equal(after.photos[0].item_key, firstKey);
      assert.equal(after.photos[0].content_type, 'image/png');
      assert.equal(after.findings.length, 1, 'the finding exactly once');
      assert.equal(after.status, 'in_progress');
      assert.equal(after.scores.overall, 100);

      await page.locator('[data-testid="sign-off"]').click();
      await page.locator('[data-testid="signed-off"]').waitFor();
      const signed = (await officer.get(`/api/v1/inspections/${demo.id}`)).body;
      assert.equal(signed.status, 'signed_off');
      assert.equal(signed.sign_off.name, 'เจ้าหน้าที่ตรวจโรงงาน บ้านโป่ง');
      assert.equal(signed.answers.length, itemCount);
      assert.equal(await page.locator(`[data-testid="answer-${firstKey}-no"]`).isDisabled(), true, 'read-only after sign-off');
      await shot(page, 'inspection-signed-off');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an inspector cancels an inspection with a reason; its answers stay and it shows as cancelled', async () => {
    const officer = await apiLogin('banpong.officer');
    const any = (await officer.get('/api/v1/inspections')).body.items
      .find((i) => i.inspectors.some((x) => x.name === 'เจ้าหน้าที่ตรวจโรงงาน บ้านโป่ง'));
    assert.ok(any, 'the demo has an inspection assigned to the inspector');
    const inspector = any.inspectors.find((x) => x.name === 'เจ้าหน้าที่ตรวจโรงงาน บ้านโป่ง');
    const created = await officer.post('/api/v1/inspections', { factory_id: any.factory_id, template_id: any.template_id,
      inspector_ids: [inspector.id], planned_date: '2026-12-15' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const key = (await officer.get(`/api/v1/inspections/${id}`)).body.checklist.sections[0].items
      .find((i) => i.answer_type === 'yes_no').key;
    const synced = await officer.post(`/api/v1/inspections/${id}/sync`,
      { ops: [{ id: 'op-web-cancel-1', kind: 'answer', at: 1790000000, item_key: key, choice: 'no' }] });
    assert.equal(synced.status, 200, JSON.stringify(synced.body));

    const { context, page, problems } = await openPage('banpong.inspector');
    try {
      await page.goto(`${base}/#/inspections/${id}`);
      await page.locator('[data-testid="cancel-box"] summary').click();
      await page.getByLabel(th['inspection.cancel_reason'], { exact: true }).fill('โรงงานปิดซ่อมบำรุงประจำปี เลื่อนการตรวจ');
      await page.locator('[data-testid="cancel-inspection"]').click();
      await page.locator('[data-testid="cancelled"]').waitFor();
      assert.equal(await page.locator('[data-testid="inspection-status"]').textContent(), th['inspections.status.cancelled']);
      assert.match(await page.locator('[data-testid="cancel-reason"]').textContent(), /โรงงานปิดซ่อมบำรุงประจำปี/);
      await page.locator(`[data-testid="answer-${key}-no"][aria-pressed="true"]`).waitFor();
      assert.equal(await page.locator(`[data-testid="answer-${key}-yes"]`).isDisabled(), true, 'read-only once cancelled');
      assert.equal(await page.locator('[data-testid="sign-off"]').count(), 0);
      await shot(page, 'inspection-cancelled');
      const after = (await officer.get(`/api/v1/inspections/${id}`)).body;
      assert.equal(after.status, 'cancelled');
      assert.equal(after.cancel_reason, 'โรงงานปิดซ่อมบำรุงประจำปี เลื่อนการตรวจ');
      assert.equal(after.answers.length, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an LAO admin copies a checklist, changes a limit and adds a section; a planned inspection keeps its version', async () => {
    const admin = await apiLogin('banpong.admin');
    const shared = (await admin.get('/api/v1/checklists')).body.items.find((c) => c.code === 'environment' && c.shared);
    assert.ok(shared, 'the shared environment checklist');
    const copy = await admin.post(`/api/v1/checklists/${shared.id}/copy`, { code: 'env-editor' });
    assert.equal(copy.status, 201, JSON.stringify(copy.body));
    const v1 = copy.body;
    const measured = v1.sections.flatMap((sec) => sec.items).find((i) => i.answer_type === 'measure' && i.upper !== null);
    assert.ok(measured, 'a measured item with an upper limit');
    // An inspection planned on version 1 before the edit.
    const officer = await apiLogin('banpong.officer');
    const any = (await officer.get('/api/v1/inspections')).body.items[0];
    const planned = await officer.post('/api/v1/inspections', { factory_id: any.factory_id, template_id: v1.id,
      inspector_ids: [any.inspectors[0].id], planned_date: '2026-12-20' });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));

    const { context, page, problems } = await openPage('banpong.admin');
    try {
      await page.goto(`${base}/#/checklists/${v1.id}`);
      await page.locator('[data-testid="checklist-save"]').waitFor();
      assert.equal(await page.locator(`[data-testid="limits-measure-${measured.key}"]`).isVisible(), true);
      const upper = page.locator(`#ed-${measured.key}-upper`);
      assert.equal(Number(await upper.inputValue()), measured.upper);
      // Lower above upper: refused, naming the item's limit; nothing saved.
      await upper.fill(String(measured.upper + 5));
      await page.locator(`#ed-${measured.key}-lower`).fill(String(measured.upper + 10));
      await page.locator('[data-testid="checklist-save"]').click();
      await page.locator('[data-testid="checklist-error"]').waitFor({ state: 'visible' });
      await page.locator(`#ed-${measured.key}-lower`).fill(measured.lower === null ? '' : String(measured.lower));

      await page.locator('[data-testid="add-section"]').click();
      const added = page.locator('section[data-testid^="section-sec-"]');
      await added.locator('input[data-testid^="section-title-"]').fill('ความปลอดภัยของคลังสารเคมี (เพิ่มเอง)');
      await added.locator('textarea[data-name="text_th"]').fill('มีป้ายเตือนและเอกสารข้อมูลความปลอดภัย (SDS) ครบทุกชนิด');
      await added.locator('select[data-name="answer_type"]').selectOption('score');
      await added.locator('[data-testid^="limits-score-"] input[data-name="score_max"]').fill('3');
      await page.locator('[data-testid="checklist-save"]').click();
      await page.locator('[data-testid="checklist-version"]', { hasText: '2' }).waitFor();
      await shot(page, 'checklist-editor-v2');

      const v2 = (await admin.get(page.url().replace(/^.*#\/checklists\//, '/api/v1/checklists/'))).body;
      assert.equal(v2.version, 2);
      assert.equal(v2.sections.length, v1.sections.length + 1);
      const last = v2.sections.at(-1);
      assert.equal(last.title_th, 'ความปลอดภัยของคลังสารเคมี (เพิ่มเอง)');
      assert.equal(last.items[0].answer_type, 'score');
      assert.equal(last.items[0].score_max, 3);
      const changed = v2.sections.flatMap((sec) => sec.items).find((i) => i.key === measured.key);
      assert.equal(changed.upper, measured.upper + 5);
      assert.equal(changed.lower, measured.lower);
      // The inspection planned before keeps version 1 and its limit.
      const kept = (await officer.get(`/api/v1/inspections/${planned.body.id}`)).body.checklist;
      assert.equal(kept.version, 1);
      assert.equal(kept.sections.flatMap((sec) => sec.items).find((i) => i.key === measured.key).upper, measured.upper);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('a factory representative sees only its own factory\'s open actions', async () => {
    const officer = await apiLogin('banpong.officer');
    const all = (await officer.get('/api/v1/actions?status=open')).body.items;
    const rep = await apiLogin('banpong.rep1');
    const mine = (await rep.get('/api/v1/actions?status=open')).body.items;
    assert.ok(mine.length > 0, 'the demo gives the representative\'s factory an open action');
    const ownFactory = mine[0].factory_id;
    assert.ok(mine.every((a) => a.factory_id === ownFactory && a.status === 'open'));
    const other = all.find((a) => a.factory_id !== ownFactory);
    assert.ok(other, 'the demo has an open action of another factory');
    assert.equal((await rep.get(`/api/v1/actions/${other.id}`)).status, 404);

    const { context, page, problems } = await openPage('banpong.rep1');
    try {
      await page.goto(`${base}/#/actions`);
      await page.getByRole('heading', { level: 1, name: th['actions.mine_title'], exact: true }).waitFor();
      await page.locator('[data-testid="action-card"]').first().waitFor();
      const factories = await page.locator('[data-testid="action-card"]').evaluateAll((cards) => cards.map((c) => c.dataset.factory));
      assert.equal(factories.length, mine.length);
      assert.ok(factories.every((f) => f === String(ownFactory)));
      await shot(page, 'factory-actions');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
