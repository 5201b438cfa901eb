// The pure modules of the monitoring screens: Thai AQI levels of PM2.5 and the 24-hour running
// mean (web/js/air.js), and the chart path builder. Corrected values come from the server
// (GET /api/v1/sensors/{id}/hours pm25_corrected; tests/modules/calibration_test.cc).
// Run: node --test tests/web/air.test.mjs
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { hourSlots, runningDailyMean, thaiLevelOfPm25 } from '../../web/js/air.js';
import { niceMax, pathData } from '../../web/js/charts.js';

describe('Thai AQI levels of PM2.5 (PCD 2023 table, 0.1 µg/m³ truncated)', () => {
  const rows = [
    [0, 1], [15.0, 1], [15.04, 1], [15.1, 2], [25.0, 2], [25.1, 3], [37.5, 3], [37.55, 3],
    [37.6, 4], [75.0, 4], [75.09, 4], [75.1, 5], [500, 5],
  ];
  for (const [value, level] of rows) {
    test(`${value} µg/m³ is level ${level}`, () => assert.equal(thaiLevelOfPm25(value), level));
  }
  test('no value, negative or not finite: no level', () => {
    assert.equal(thaiLevelOfPm25(null), null);
    assert.equal(thaiLevelOfPm25(-0.1), null);
    assert.equal(thaiLevelOfPm25(Number.POSITIVE_INFINITY), null);
  });
});

describe('runningDailyMean', () => {
  const H = 3600;
  test('needs 18 complete hours of the 24 ending at each hour', () => {
    const slots = hourSlots(100 * H, 30);
    assert.equal(slots.length, 30);
    assert.equal(slots[29], 100 * H);
    assert.equal(slots[0], 71 * H);
    // Hours 71..88 (18 of them) hold 10; the rest nothing; then 89..100 hold 40.
    const hours = slots.map((e) => ({ hour_end: e, pm25: e <= 88 * H ? 10 : e <= 100 * H - 12 * H ? null : 40 }));
    const means = runningDailyMean(hours);
    const at = (e) => means.find((m) => m.hour_end === e);
    assert.equal(at(87 * H).value, null, '17 hours');
    assert.equal(at(88 * H).value, 10, '18 hours');
    assert.equal(at(88 * H).hours, 18);
    // At hour 100: the 24 hours 77..100 hold 77..88 (12 × 10) and 89..100 (12 × 40).
    assert.equal(at(100 * H).hours, 24);
    assert.equal(at(100 * H).value, 25);
  });
  test('null hours and gaps count as missing', () => {
    const means = runningDailyMean([{ hour_end: 3600, pm25: null }, { hour_end: 7200, pm25: 5 }]);
    assert.deepEqual(means.map((m) => m.value), [null, null]);
  });
});

describe('chart helpers', () => {
  test('pathData breaks the line at missing values and never bridges a gap', () => {
    const d = pathData([{ x: 0, y: 1 }, { x: 1, y: 2 }, { x: 2, y: null }, { x: 3, y: 4 }, { x: 4, y: 5 }]);
    assert.equal(d, 'M0.0 1.0L1.0 2.0M3.0 4.0L4.0 5.0');
    assert.equal(pathData([{ x: 0, y: null }]), '');
  });
  test('niceMax rounds up to a readable axis end, at least the floor', () => {
    assert.equal(niceMax(12), 50);
    assert.equal(niceMax(61), 70);
    assert.equal(niceMax(130), 150);
    assert.equal(niceMax(480), 500);
    assert.equal(niceMax(Number.NaN), 50);
  });
});
