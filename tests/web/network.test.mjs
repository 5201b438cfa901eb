// Browser test of the cooperation network (web/js/views/network.js) against the real server:
// `ecotown demo` on a temporary SQLite file, Chromium through playwright-core, a phone-sized
// screen. An officer of Ban Pong opens the directory (the demo's partners, grouped by kind, with
// search), adds an organisation through the form (a refusal names the field first), opens the
// demo meeting, adds an action item, ticks it done and deletes it; archives a partner the demo MoU
// names (no picker offers it or its contact then, the MoU keeps it when saved, the server refuses
// it in a new record) and restores it, and deletes the new one; the English switch shows the same page.
//
// Environment: ECOTOWN_BIN (required), ECOTOWN_WEB_ARTIFACTS, ECOTOWN_CHROMIUM (see shell.test.mjs).
// Run: ECOTOWN_BIN=build/ecotown node --test tests/web/network.test.mjs
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
const en = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'en.json'), 'utf8'));

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
  await page.goto(`${base}/#/login`);
  await page.getByLabel(th['login.username'], { exact: true }).fill(username);
  await page.getByLabel(th['login.password'], { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: th['login.submit'], exact: true }).click();
  await page.waitForURL(/#\/$/);
  return { context, page, problems };
}

describe('cooperation network on a phone', () => {
  before(async () => {
    assert.ok(BIN, 'set ECOTOWN_BIN to the ecotown binary (CTest does this)');
    assert.ok(existsSync(BIN), `no ecotown binary at ${BIN}; build first`);
    mkdirSync(ARTIFACTS, { recursive: true });
    demo = await startDemo('network', { watchdogMs: 110_000 });
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

  test('an officer opens the directory, adds an organisation and follows an action item to done', async () => {
    const { context, page, problems } = await openPage('banpong.officer');
    try {
      // The menu entry, then the directory of the demo network grouped by kind.
      assert.equal(await page.locator('a.nav-link', { hasText: th['nav.network'] }).count(), 1);
      await page.goto(`${base}/#/network`);
      await page.getByRole('heading', { level: 1, name: th['network.title'], exact: true }).waitFor();
      const directory = page.locator('[data-testid="network-directory"]');
      await directory.locator('[data-testid="partner"]').first().waitFor();
      assert.equal(await directory.locator('section[data-kind="provincial_industry_office"] h2').textContent(),
        th['network.kind.provincial_industry_office']);
      assert.ok(await directory.getByRole('link', { name: 'สำนักงานสิ่งแวดล้อมภาคที่ 8 (ราชบุรี)' }).count() === 1);
      await page.locator('[data-testid="expiring-agreements"] [data-testid="agreement"]').first().waitFor();
      await shot(page, 'network-01-directory');

      // Search narrows the directory.
      await page.locator('[data-testid="network-search"]').fill('อุตสาหกรรม');
      await page.getByRole('button', { name: th['network.search'], exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="network-directory"] [data-testid="partner"]').length === 1);
      await page.locator('[data-testid="network-search"]').fill('');
      await page.getByRole('button', { name: th['network.search'], exact: true }).click();

      // Add an organisation: an empty Thai name is refused next to the field, then saved.
      const add = page.locator('[data-testid="add-partner"]');
      await add.locator('summary').click();
      const form = add.locator('[data-testid="partner-form"]');
      await form.getByLabel(th['network.partner.kind'], { exact: true }).selectOption('university');
      await form.getByRole('button', { name: th['network.partner.add'], exact: true }).click();
      const error = form.locator('[data-testid="partner-form-error-name_th"]');
      await error.waitFor();
      assert.equal(await error.textContent(), th['network.error.name_th']);
      await form.getByLabel(th['network.partner.name_th'], { exact: true }).fill('มหาวิทยาลัยศิลปากร วิทยาเขตทดสอบ');
      await form.getByLabel(th['network.partner.name_en'], { exact: true }).fill('Silpakorn University test campus');
      await form.getByLabel(th['network.partner.website'], { exact: true }).fill('https://example.org');
      await form.getByRole('button', { name: th['network.partner.add'], exact: true }).click();
      await page.waitForURL(/#\/network\/partners\/\d+$/);
      await page.getByRole('heading', { level: 1, name: 'มหาวิทยาลัยศิลปากร วิทยาเขตทดสอบ', exact: true }).waitFor();
      const partners = await apiCall(page, 'GET', '/api/v1/network/partners?kind=university');
      assert.equal(partners.items.length, 1);
      await shot(page, 'network-02-new-partner');

      // The demo meeting: add an action item, then tick it done.
      const meetings = await apiCall(page, 'GET', '/api/v1/network/meetings');
      assert.ok(meetings.items.length >= 1, 'the demo seeds a meeting');
      await page.goto(`${base}/#/network/meetings/${meetings.items[0].id}`);
      await page.locator('[data-testid="meeting-agenda"]').waitFor();
      const before = (await apiCall(page, 'GET', `/api/v1/network/meetings/${meetings.items[0].id}`)).actions.length;
      const addAction = page.locator('[data-testid="add-action"]');
      await addAction.locator('summary').click();
      const actionForm = addAction.locator('[data-testid="action-form"]');
      await actionForm.getByLabel(th['network.action.text'], { exact: true }).fill('ส่งผลตรวจวัดฝุ่นให้ที่ประชุมครั้งถัดไป');
      await actionForm.getByLabel(th['network.action.owner_partner_id'], { exact: true })
        .selectOption({ label: 'มหาวิทยาลัยศิลปากร วิทยาเขตทดสอบ' });
      await actionForm.getByRole('button', { name: th['network.action.add'], exact: true }).click();
      const row = page.locator('[data-testid="action"]', { hasText: 'ส่งผลตรวจวัดฝุ่นให้ที่ประชุมครั้งถัดไป' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'open');
      const after = await apiCall(page, 'GET', `/api/v1/network/meetings/${meetings.items[0].id}`);
      assert.equal(after.actions.length, before + 1);
      const added = after.actions.find((a) => a.text === 'ส่งผลตรวจวัดฝุ่นให้ที่ประชุมครั้งถัดไป');
      await page.locator(`[data-testid="action-done-${added.id}"]`).check();
      await page.locator(`[data-testid="action"][data-status="done"]`, { hasText: 'ส่งผลตรวจวัดฝุ่นให้ที่ประชุมครั้งถัดไป' }).waitFor();
      const done = (await apiCall(page, 'GET', '/api/v1/network/actions?status=done')).items.find((a) => a.id === added.id);
      assert.ok(done, 'the item is done on the server');
      assert.ok(done.done_on, 'with the day it was done');
      await shot(page, 'network-03-action-done');

      // Delete the item: the first press asks, the second deletes.
      const remove = page.locator(`[data-testid="action-delete-${added.id}"]`);
      await remove.click();
      assert.equal(await remove.textContent(), th['network.delete_confirm']);
      await remove.click();
      await page.locator('[data-testid="action"]', { hasText: 'ส่งผลตรวจวัดฝุ่นให้ที่ประชุมครั้งถัดไป' }).waitFor({ state: 'detached' });
      assert.equal((await apiCall(page, 'GET', `/api/v1/network/meetings/${meetings.items[0].id}`)).actions.length, before);

      // A partner the demo MoU names is archived, not deleted, and can be restored.
      const named = (await apiCall(page, 'GET', '/api/v1/network/partners?kind=provincial_industry_office')).items[0];
      await page.goto(`${base}/#/network/partners/${named.id}`);
      const removePartner = page.locator('[data-testid="partner-delete"]');
      await removePartner.click();
      await removePartner.click();
      await page.locator('[data-testid="partner-archived"]').waitFor();
      assert.equal(await page.locator('[data-testid="partner-archived"]').textContent(), th['network.partner.archived']);
      await shot(page, 'network-04-partner-archived');

      // Archived, it takes no new contact and no picker offers it (nor its contact) for a new record,
      // but the MoU that names it keeps it, ticked and marked, and saving the MoU keeps the party.
      assert.equal(await page.locator('[data-testid="add-contact"]').count(), 0);
      const mouCard = page.locator('[data-testid="agreement"]').first();
      await mouCard.locator('summary', { hasText: th['network.agreement.edit'] }).click();
      const keptParty = mouCard.locator('[data-testid="parties-archived"]');
      assert.equal(await keptParty.count(), 1);
      assert.match(await keptParty.textContent(), new RegExp(named.name_th));
      assert.equal(await keptParty.locator('input').isChecked(), true);
      const mouBefore = (await apiCall(page, 'GET', `/api/v1/network/partners/${named.id}`)).agreements[0];
      await mouCard.getByRole('button', { name: th['network.save'], exact: true }).click();
      // Saved, the page is drawn again with the form folded.
      await keptParty.waitFor({ state: 'hidden' });
      const mouAfter = await apiCall(page, 'GET', `/api/v1/network/agreements/${mouBefore.id}`);
      assert.equal(mouAfter.parties.length, mouBefore.parties.length);
      assert.ok(mouAfter.parties.some((p) => p.partner_id === named.id), 'the archived party stays on the MoU');

      await page.goto(`${base}/#/network`);
      await page.locator('[data-testid="add-agreement"] summary').click();
      const parties = page.locator('[data-testid="add-agreement"] [data-testid="parties-checks"]');
      await parties.locator('label').first().waitFor();
      assert.equal(await parties.locator('label', { hasText: named.name_th }).count(), 0);
      assert.equal(await parties.locator('label', { hasText: 'สำนักงานสิ่งแวดล้อมภาคที่ 8 (ราชบุรี)' }).count(), 1);
      await page.locator('[data-testid="add-meeting"] summary').click();
      const attendees = page.locator('[data-testid="add-meeting"] [data-testid="attendees-checks"]');
      assert.equal(await attendees.locator('label', { hasText: named.name_th }).count(), 0);
      assert.equal(await attendees.locator('label', { hasText: 'สำนักงานสิ่งแวดล้อมภาคที่ 8 (ราชบุรี)' }).count(), 1);
      await page.goto(`${base}/#/network/meetings/${meetings.items[0].id}`);
      await page.locator('[data-testid="add-action"] summary').click();
      const ownerForm = page.locator('[data-testid="action-form"]');
      const owners = await ownerForm.getByLabel(th['network.action.owner_partner_id'], { exact: true })
        .locator('option').allTextContents();
      assert.ok(!owners.includes(named.name_th), `no archived owner in ${owners}`);
      assert.ok(owners.includes('สำนักงานสิ่งแวดล้อมภาคที่ 8 (ราชบุรี)'));
      const people = await ownerForm.getByLabel(th['network.action.owner_contact_id'], { exact: true })
        .locator('option').allTextContents();
      assert.ok(!people.some((o) => o.includes('นายสมชาย ตัวอย่าง')), `no contact of the archived office in ${people}`);
      assert.ok(people.some((o) => o.includes('นางสาวสุดา สาธิต')));
      // And the server refuses it, naming the field, whatever a client sends.
      const refusal = await page.evaluate(async (id) => {
        const api = await import('/js/api.js');
        try {
          await api.request('POST', '/api/v1/network/agreements', { title: 'MoU', starts_on: '2026-01-01', parties: [id] });
          return 'saved';
        } catch (e) {
          return `${e.status} ${e.field}`;
        }
      }, named.id);
      assert.equal(refusal, '422 parties[0]');

      await page.goto(`${base}/#/network/partners/${named.id}`);
      await page.locator('[data-testid="partner-restore"]').click();
      await page.locator('[data-testid="partner-delete"]').waitFor();
      assert.equal((await apiCall(page, 'GET', `/api/v1/network/partners/${named.id}`)).archived_at, null);

      // The new university is named by nothing now: deleted, back to the directory.
      const university = partners.items[0];
      await page.goto(`${base}/#/network/partners/${university.id}`);
      await page.locator('[data-testid="partner-delete"]').click();
      await page.locator('[data-testid="partner-delete"]').click();
      await page.waitForURL(/#\/network$/);
      assert.equal((await apiCall(page, 'GET', '/api/v1/network/partners?kind=university')).items.length, 0);

      // English: the same meeting page in English.
      await page.goto(`${base}/#/network/meetings/${meetings.items[0].id}`);
      await page.locator('[data-testid="meeting-agenda"]').waitFor();
      await page.locator('button[data-lang="en"]').click();
      await page.getByRole('heading', { level: 2, name: en['network.meeting.agenda'], exact: true }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
