// web/js/errors.js: API failures become the sentences of the locale files, by status, code and
// field, never the server's English message. Run: node --test tests/web/errors.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

// i18n.js loads /locales/<lang>.json with fetch and sets <html lang>: give it both, from disk.
const locales = new URL('../../web/locales/', import.meta.url);
globalThis.document = { documentElement: { lang: '' } };
globalThis.fetch = async (path) => {
  const file = new URL(path.replace('/locales/', ''), locales);
  return { ok: true, status: 200, json: async () => JSON.parse(readFileSync(file, 'utf8')) };
};

const { ApiError } = await import('../../web/js/api.js');
const { errorMessage, fieldLabel } = await import('../../web/js/errors.js');
const { setLang, getLang } = await import('../../web/js/i18n.js');
const th = JSON.parse(readFileSync(new URL('th.json', locales), 'utf8'));
const en = JSON.parse(readFileSync(new URL('en.json', locales), 'utf8'));

describe('login errors in Thai', () => {
  before(async () => {
    await setLang('th');
    assert.equal(globalThis.document.documentElement.lang, 'th');
  });

  test('401 → wrong username or password', () => {
    const e = new ApiError(401, 'unauthenticated', 'wrong username or password');
    assert.equal(errorMessage(e, 'login'), th['error.login.unauthenticated']);
  });
  test('422 names the field in Thai', () => {
    const e = new ApiError(422, 'invalid', 'username is longer than 64 characters', 'username');
    assert.equal(errorMessage(e, 'login'), th['error.login.invalid'].replace('{field}', 'ชื่อผู้ใช้'));
  });
  test('429 gives the wait in minutes from Retry-After', () => {
    const e = new ApiError(429, 'too_many_requests', 'too many failed logins; try again in 15 minutes', null, 900);
    assert.equal(errorMessage(e, 'login'), th['error.login.too_many_requests'].replace('{minutes}', '15'));
    assert.match(errorMessage(new ApiError(429, 'too_many_requests', '', null, 61), 'login'), /2 นาที/);
  });
  test('no server English leaks into the message', () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422, 429, 500, 503]) {
      const text = errorMessage(new ApiError(status, 'x', 'SERVER ENGLISH TEXT', 'username'), 'login');
      assert.doesNotMatch(text, /SERVER ENGLISH/);
      assert.match(text, /[\u0E00-\u0E7F]/, `status ${status}`);
    }
  });
  test('the server unreachable', () => {
    assert.equal(errorMessage(new ApiError(0, 'network', 'Failed to fetch')), th['error.network']);
  });
});

describe('other errors', () => {
  before(() => setLang('th'));

  test('field-specific texts when the locale has one, else the generic one with the field label', () => {
    assert.equal(errorMessage(new ApiError(422, 'invalid', '', 'password')), th['error.invalid.password']);
    assert.equal(errorMessage(new ApiError(409, 'conflict', '', 'username')), th['error.conflict.username']);
    assert.equal(errorMessage(new ApiError(422, 'invalid', '', 'org')),
      th['error.invalid'].replace('{field}', th['field.org']));
    assert.equal(fieldLabel('no_such_field'), 'no_such_field');
  });
  test('by status', () => {
    assert.equal(errorMessage(new ApiError(403, 'forbidden', '')), th['error.forbidden']);
    assert.equal(errorMessage(new ApiError(401, 'unauthenticated', '')), th['error.unauthenticated']);
    assert.equal(errorMessage(new ApiError(500, 'internal', '')), th['error.internal']);
    assert.equal(errorMessage(new ApiError(502, 'http_502', '')), th['error.internal']);
    assert.equal(errorMessage(new ApiError(503, 'unavailable', '')), th['error.unavailable']);
    assert.equal(errorMessage(new ApiError(418, 'teapot', '')), th['error.unknown'].replace('{status}', '418'));
  });
  test('anything that is not an ApiError', () => {
    assert.equal(errorMessage(new TypeError('x is undefined')), th['error.unexpected']);
  });
  test('English when English is chosen', async () => {
    await setLang('en');
    assert.equal(getLang(), 'en');
    assert.equal(errorMessage(new ApiError(401, 'unauthenticated', ''), 'login'), en['error.login.unauthenticated']);
    await setLang('th');
  });
  test('an unknown language falls back to Thai', async () => {
    assert.equal(await setLang('fr'), 'th');
  });
});
