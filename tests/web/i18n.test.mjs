// The locale files: th.json and en.json have the same keys, no empty texts, the same {placeholders},
// and every key the web shell names (in js/ and index.html) exists.
// Run: node --test tests/web/i18n.test.mjs
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { interpolate } from '../../web/js/i18n.js';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const load = (lang) => JSON.parse(readFileSync(join(WEB, 'locales', `${lang}.json`), 'utf8'));
const th = load('th');
const en = load('en');

// Values the server sends that the shell translates by building a key (role.<name>, ...).
// Keep in step with src/modules/tenancy/access.cc, src/modules/orgs/org.cc, src/http/json_mapping.cc.
const ROLES = ['system-admin', 'lao-admin', 'officer', 'inspector', 'executive', 'factory', 'oversight'];
const PERMISSIONS = ['read', 'write', 'manage_users', 'read_audit', 'manage_tokens', 'manage_orgs'];
const ORG_TYPES = ['pao', 'city', 'town', 'subdistrict-municipality', 'sao', 'province-office', 'national-office'];
const AUDIT_ACTIONS = ['login', 'logout', 'create', 'set_password'];
const AUDIT_ENTITIES = ['session', 'user', 'org', 'api_token', 'sensor'];
// Keep in step with src/modules/sensors/sensor.cc.
const SENSOR_MODELS = ['sds011', 'plantower-pms', 'sps30', 'airgradient', 'purpleair', 'reference-bam', 'reference-teom', 'other'];
const SENSOR_STATUSES = ['active', 'inactive', 'retired'];
// Request fields the sensor endpoints may name in a 422 (invalid) or 409 (conflict) answer.
const SENSOR_INVALID_FIELDS = ['code', 'name', 'model', 'lat', 'lon', 'device_key', 'siting_notes', 'install_date', 'maintenance'];
const SENSOR_CONFLICT_FIELDS = ['code', 'device_key'];

function placeholders(text) {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.js')) out.push(path);
  }
  return out;
}

describe('locale files', () => {
  test('th.json and en.json have exactly the same keys', () => {
    const onlyTh = Object.keys(th).filter((k) => !(k in en));
    const onlyEn = Object.keys(en).filter((k) => !(k in th));
    assert.deepEqual({ onlyTh, onlyEn }, { onlyTh: [], onlyEn: [] });
  });

  for (const [lang, messages] of [['th', th], ['en', en]]) {
    test(`${lang}.json: every value is non-empty text`, () => {
      const bad = Object.entries(messages).filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      assert.deepEqual(bad, []);
    });
  }

  test('Thai texts are Thai: most contain Thai script', () => {
    // Guards against pasting the English file into th.json. Names and codes may stay Latin.
    const latinOnly = new Set(['app.name', 'lang.en', 'common.none']);
    const notThai = Object.entries(th).filter(([k, v]) => !latinOnly.has(k) && !/[\u0E00-\u0E7F]/.test(v)).map(([k]) => k);
    assert.deepEqual(notThai, []);
  });

  test('both languages use the same {placeholders} in each text', () => {
    // Deliberate differences: English readers also get the Common Era year.
    const mayDiffer = new Set(['home.fiscal_year_value']);
    const differ = Object.keys(th).filter((k) => k in en && !mayDiffer.has(k)
      && placeholders(th[k]).join() !== placeholders(en[k]).join());
    assert.deepEqual(differ, []);
  });

  test('every key named in web/js/*.js and index.html exists', () => {
    const used = new Set();
    for (const file of sourceFiles(join(WEB, 'js'))) {
      const text = readFileSync(file, 'utf8');
      // t('key'), t('key', {...}), tOr(`...`) with literal keys; also literal 'x.y' keys passed to helpers.
      for (const m of text.matchAll(/\bt\(\s*'([a-z0-9_.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\b(?:title|titleKey|bodyKey|notice|text):\s*'([a-z0-9_]+\.[a-z0-9_.-]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/'((?:nav|page|login|users|audit|home|orgs|aqi|sensors|shell|error)\.[a-z0-9_.-]+)'/g)) used.add(m[1]);
    }
    const html = readFileSync(join(WEB, 'index.html'), 'utf8');
    for (const m of html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) used.add(m[1]);
    assert.ok(used.size > 50, `found only ${used.size} keys; is the scan broken?`);
    const missing = [...used].filter((k) => !(k in th) || !(k in en));
    assert.deepEqual(missing, []);
  });

  test('every role, permission, organisation type, audit action, sensor model/status and sensor field error the server sends has a text', () => {
    const keys = [
      ...ROLES.map((r) => `role.${r}`),
      ...PERMISSIONS.map((p) => `perm.${p}`),
      ...ORG_TYPES.map((o) => `orgtype.${o}`),
      ...AUDIT_ACTIONS.map((a) => `audit.action.${a}`),
      ...AUDIT_ENTITIES.map((e) => `audit.entity.${e}`),
      ...SENSOR_MODELS.map((m) => `sensors.model.${m}`),
      ...SENSOR_STATUSES.map((s) => `sensors.status.${s}`),
      ...SENSOR_INVALID_FIELDS.map((f) => `sensors.error.${f}`),
      ...SENSOR_CONFLICT_FIELDS.map((f) => `sensors.error.conflict.${f}`),
    ];
    assert.deepEqual(keys.filter((k) => !(k in th) || !(k in en)), []);
  });

  test('AQI category names and health advice equal data/aq/aqi_categories.json, under the server\'s keys', () => {
    const data = JSON.parse(readFileSync(join(WEB, '..', 'data', 'aq', 'aqi_categories.json'), 'utf8'));
    let count = 0;
    for (const scale of ['th_aqi', 'us_aqi']) {
      for (const c of data[scale]) {
        for (const [lang, messages] of [['th', th], ['en', en]]) {
          assert.equal(messages[c.key], c.name[lang], `${lang} ${c.key}`);
          assert.equal(messages[c.advice_key], c.advice[lang], `${lang} ${c.advice_key}`);
          count += 1;
        }
      }
    }
    assert.equal(count, 22);
  });

  test('the login errors the brief names (401, 422, 429) have their own Thai texts', () => {
    for (const key of ['error.login.unauthenticated', 'error.login.invalid', 'error.login.too_many_requests']) {
      assert.match(th[key], /[\u0E00-\u0E7F]/, key);
    }
  });
});

describe('interpolate', () => {
  test('fills named placeholders', () => {
    assert.equal(interpolate('สวัสดี {name}', { name: 'สมชาย' }), 'สวัสดี สมชาย');
    assert.equal(interpolate('{a}/{b}/{a}', { a: 1, b: 2 }), '1/2/1');
  });
  test('leaves unknown placeholders and does not interpret values', () => {
    assert.equal(interpolate('{x} {y}', { x: '{y}' }), '{y} {y}');
    assert.equal(interpolate('{x}', { x: '<b>$&</b>' }), '<b>$&</b>');
  });
});
