// Unit tests of web/js/dates.js: Buddhist Era, Bangkok time, the Thai fiscal year and date text.
// Run: node --test tests/web/dates.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  bangkokParts, fiscalYearOf, fiscalYearRange, formatDate, formatDateTime, formatThaiDate, toBuddhistYear,
  toCommonEraYear,
} from '../../web/js/dates.js';

describe('Buddhist Era', () => {
  test('BE is CE + 543 and back', () => {
    assert.equal(toBuddhistYear(2026), 2569);
    assert.equal(toCommonEraYear(2569), 2026);
  });
});

describe('bangkokParts: Asia/Bangkok is UTC+7 all year', () => {
  const rows = [
    // [input, expected {year, month, day, hour, minute}]
    ['2026-11-26T13:42:10Z', { year: 2026, month: 11, day: 26, hour: 20, minute: 42, second: 10 }],
    ['2026-11-26T16:59:59Z', { year: 2026, month: 11, day: 26, hour: 23, minute: 59, second: 59 }],
    ['2026-11-26T17:00:00Z', { year: 2026, month: 11, day: 27, hour: 0, minute: 0, second: 0 }],
    ['2025-12-31T17:00:00Z', { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 }],
    ['2026-07-01T00:00:00+07:00', { year: 2026, month: 7, day: 1, hour: 0, minute: 0, second: 0 }],
    // A calendar date is that day in Bangkok, not UTC midnight.
    ['2026-09-30', { year: 2026, month: 9, day: 30, hour: 0, minute: 0, second: 0 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0 }],
  ];
  for (const [input, expected] of rows) {
    test(`${input}`, () => assert.deepEqual(bangkokParts(input), expected));
  }

  test('Date objects and epoch milliseconds give the same parts as the ISO text', () => {
    const iso = '2026-03-15T02:30:00Z';
    assert.deepEqual(bangkokParts(new Date(iso)), bangkokParts(iso));
    assert.deepEqual(bangkokParts(Date.parse(iso)), bangkokParts(iso));
  });

  test('does not depend on the time zone of the machine', () => {
    // Same instant, computed with explicit +07:00 arithmetic, whatever TZ node runs in.
    assert.equal(bangkokParts(Date.UTC(2026, 0, 1, 16, 59)).day, 1);
    assert.equal(bangkokParts(Date.UTC(2026, 0, 1, 17, 0)).day, 2);
  });

  for (const bad of ['', 'yesterday', '2026-02-29', '2026-13-01', '2026-00-10', NaN, undefined, null, {}]) {
    test(`rejects ${JSON.stringify(bad) ?? String(bad)}`, () => assert.throws(() => bangkokParts(bad), RangeError));
  }
});

describe('formatThaiDate', () => {
  test('Thai, full month, Buddhist Era (the default)', () => {
    assert.equal(formatThaiDate('2026-11-26'), '26 พฤศจิกายน 2569');
    assert.equal(formatThaiDate(new Date('2026-11-26T05:00:00Z')), '26 พฤศจิกายน 2569');
  });
  test('Thai, abbreviated month', () => {
    assert.equal(formatThaiDate('2026-11-26', { abbreviated: true }), '26 พ.ย. 2569');
    assert.equal(formatThaiDate('2026-01-05', { abbreviated: true }), '5 ม.ค. 2569');
  });
  test('every Thai month name, full and abbreviated', () => {
    const full = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม', 'กันยายน',
      'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
    const short = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
    for (let m = 1; m <= 12; m += 1) {
      const day = `2025-${String(m).padStart(2, '0')}-01`;
      assert.equal(formatThaiDate(day), `1 ${full[m - 1]} 2568`);
      assert.equal(formatThaiDate(day, { abbreviated: true }), `1 ${short[m - 1]} 2568`);
    }
  });
  test('English, Common Era', () => {
    assert.equal(formatThaiDate('2026-11-26', { lang: 'en' }), '26 November 2026');
    assert.equal(formatThaiDate('2026-11-26', { lang: 'en', abbreviated: true }), '26 Nov 2026');
    assert.equal(formatDate('2026-09-30', { lang: 'en' }), '30 September 2026');
  });
  test('late evening UTC is already the next day in Bangkok', () => {
    assert.equal(formatThaiDate('2026-12-31T17:30:00Z'), '1 มกราคม 2570');
    assert.equal(formatThaiDate('2026-12-31T17:30:00Z', { lang: 'en' }), '1 January 2027');
  });
});

describe('formatDateTime', () => {
  test('Thai: abbreviated date, 24-hour Bangkok time, น.', () => {
    assert.equal(formatDateTime('2026-11-26T13:42:10Z'), '26 พ.ย. 2569 20:42 น.');
    assert.equal(formatDateTime('2026-11-26T13:42:10Z', { seconds: true }), '26 พ.ย. 2569 20:42:10 น.');
    assert.equal(formatDateTime('2026-11-26T01:05:00Z', { abbreviated: false }), '26 พฤศจิกายน 2569 08:05 น.');
  });
  test('English', () => {
    assert.equal(formatDateTime('2026-11-26T13:42:10Z', { lang: 'en' }), '26 Nov 2026, 20:42');
    assert.equal(formatDateTime('2026-11-26T13:42:10Z', { lang: 'en', seconds: true }), '26 Nov 2026, 20:42:10');
  });
  test('midnight in Bangkok', () => {
    assert.equal(formatDateTime('2026-09-30T17:00:00Z'), '1 ต.ค. 2569 00:00 น.');
  });
});

describe('fiscalYearOf: FY N runs 1 Oct N-1 to 30 Sep N (BE)', () => {
  const rows = [
    ['2025-09-30', 2568],
    ['2025-10-01', 2569],
    ['2026-01-01', 2569],
    ['2026-09-30', 2569],
    ['2026-10-01', 2570],
    ['2026-11-26', 2570],
    ['2026-12-31', 2570],
    // Boundaries are Bangkok midnight, not UTC midnight.
    ['2025-09-30T16:59:59Z', 2568],
    ['2025-09-30T17:00:00Z', 2569],
    ['2026-09-30T23:30:00+07:00', 2569],
    ['2026-10-01T00:00:00+07:00', 2570],
  ];
  for (const [input, fy] of rows) {
    test(`${input} → ${fy}`, () => assert.equal(fiscalYearOf(input), fy));
  }
  test('accepts Date objects', () => assert.equal(fiscalYearOf(new Date('2025-10-01T00:00:00+07:00')), 2569));
});

describe('fiscalYearRange', () => {
  test('FY 2569 is 1 October 2025 to 30 September 2026', () => {
    assert.deepEqual(fiscalYearRange(2569), { start: '2025-10-01', end: '2026-09-30' });
  });
  test('its ends format as Thai dates and belong to that fiscal year', () => {
    const { start, end } = fiscalYearRange(2562);
    assert.equal(formatThaiDate(start), '1 ตุลาคม 2561');
    assert.equal(formatThaiDate(end), '30 กันยายน 2562');
    assert.equal(fiscalYearOf(start), 2562);
    assert.equal(fiscalYearOf(end), 2562);
  });
  test('round trip with fiscalYearOf over several years', () => {
    for (let fy = 2560; fy <= 2580; fy += 1) {
      const { start, end } = fiscalYearRange(fy);
      assert.equal(fiscalYearOf(start), fy);
      assert.equal(fiscalYearOf(end), fy);
    }
  });
  for (const bad of [2026.5, '2569', 2026, 0, -1, NaN, null]) {
    test(`rejects ${String(bad)} (not a BE year)`, () => assert.throws(() => fiscalYearRange(bad), RangeError));
  }
});
