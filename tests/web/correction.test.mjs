// The pure modules of the monitoring screens: corrections from calibration models
// (web/js/correction.js, the same rules as src/modules/calibration/calibration.cc Correct), Thai
// AQI levels of PM2.5 and the 24-hour running mean (web/js/air.js), and the chart path builder.
// The EPA vectors are the shared ones that tests/core/correction_test.cc also checks.
// Run: node --test tests/web/correction.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { hourSlots, runningDailyMean, thaiLevelOfPm25 } from '../../web/js/air.js';
import { niceMax, pathData } from '../../web/js/charts.js';
import { correct, correctEpa2021, correctEpaExtended, correctHours, modelAt } from '../../web/js/correction.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const vectors = JSON.parse(readFileSync(join(ROOT, '..', 'shared', 'reference', 'aq-test-vectors.json'), 'utf8'));

const near = (actual, expected, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('EPA corrections', () => {
  test('the shared EPA vectors (extended piecewise form), except the AirGradient-only raw 0 rule', () => {
    let checked = 0;
    for (const v of vectors.epa_sensor_correction) {
      if (v.raw_pm25_ugm3 === 0) continue;  // AirGradient returns 0 for raw 0; EPA's formula does not
      near(correctEpaExtended(v.raw_pm25_ugm3, v.rh_percent), v.expected_corrected_ugm3, v.tolerance);
      checked += 1;
    }
    assert.equal(checked, 6);
  });

  test('Barkjohn 2021 by hand: 0.524·20 − 0.0862·50 + 5.75 = 11.92; raw 0 gives 5.75 − 0.0862·RH', () => {
    near(correctEpa2021(20, 50), 11.92, 1e-9);
    near(correctEpa2021(0, 50), 1.44, 1e-9);
    near(correctEpa2021(100, 0), 58.15, 1e-9);
  });

  test('the extended form is continuous at its joins 30, 50, 210 and 260 µg/m³', () => {
    for (const x of [30, 50, 210, 260]) {
      near(correctEpaExtended(x - 1e-7, 60), correctEpaExtended(x, 60), 1e-4);
    }
  });

  test('negative results are clamped to 0; unusable inputs give no value', () => {
    assert.equal(correctEpa2021(0, 100), 0);
    assert.equal(correctEpa2021(-1, 50), null);
    assert.equal(correctEpa2021(10, 101), null);
    assert.equal(correctEpa2021(10, -0.1), null);
    assert.equal(correctEpa2021(10, null), null);
    assert.equal(correctEpa2021(Number.NaN, 50), null);
    assert.equal(correctEpaExtended(10, undefined), null);
  });
});

describe('correct(model, raw, rh)', () => {
  const linear = { kind: 'linear', slope: 0.5, intercept: 2, rh_coef: null };
  const linearRh = { kind: 'linear', slope: 0.5, intercept: 2, rh_coef: -0.1 };

  test('linear models with and without the humidity term', () => {
    near(correct(linear, 40, null), 22);
    near(correct(linear, 40, 70), 22);
    near(correct(linearRh, 40, 70), 15);
    assert.equal(correct(linearRh, 40, null), null, 'a model with an RH term needs RH');
    assert.equal(correct({ kind: 'linear', slope: 0.5, intercept: -30, rh_coef: null }, 10, null), 0, 'clamped at 0');
  });

  test('EPA kinds need RH; unknown kinds and bad raw values give nothing', () => {
    near(correct({ kind: 'epa_barkjohn_2021', slope: 0.524, intercept: 5.75, rh_coef: -0.0862 }, 20, 50), 11.92);
    assert.equal(correct({ kind: 'epa_barkjohn_2021' }, 20, null), null);
    near(correct({ kind: 'epa_extended_2023' }, 300, 50), 289.526, 0.01);
    assert.equal(correct({ kind: 'kappa' }, 20, 50), null);
    assert.equal(correct(linear, -5, 50), null);
    assert.equal(correct(linear, 5, 150), null, 'RH outside 0..100 % gives nothing, as on the server');
    assert.equal(correct(null, 5, 50), null);
  });
});

describe('modelAt and correctHours', () => {
  const day = 86400;
  const models = [
    { version: 1, kind: 'linear', slope: 1, intercept: 10, rh_coef: null, valid_from: 0, valid_to: 10 * day },
    { version: 2, kind: 'linear', slope: 2, intercept: 0, rh_coef: null, valid_from: 10 * day, valid_to: 20 * day },
    { version: 3, kind: 'linear', slope: 3, intercept: 0, rh_coef: null, valid_from: 30 * day, valid_to: null },
  ];

  test('the model whose [valid_from, valid_to) holds the time; none in a gap', () => {
    assert.equal(modelAt(models, 0).version, 1);
    assert.equal(modelAt(models, 10 * day - 1).version, 1);
    assert.equal(modelAt(models, 10 * day).version, 2);
    assert.equal(modelAt(models, 25 * day), null);
    assert.equal(modelAt(models, 400 * day).version, 3, 'open-ended');
    assert.equal(modelAt([], 5), null);
  });

  test('the highest version wins where periods overlap', () => {
    const overlapping = [...models, { version: 4, kind: 'linear', slope: 4, intercept: 0, valid_from: 5 * day, valid_to: 6 * day }];
    assert.equal(modelAt(overlapping, 5 * day + 10).version, 4);
  });

  test('each hour takes the model valid at its last second; incomplete hours have no corrected value', () => {
    const hours = [
      { hour_end: 10 * day, pm25: 10, humidity: 50 },            // (10d − 1h, 10d]: still model 1
      { hour_end: 10 * day + 3600, pm25: 10, humidity: 50 },     // wholly after 10d: model 2
      { hour_end: 10 * day + 7200, pm25: null, humidity: 50 },   // incomplete hour
      { hour_end: 25 * day, pm25: 10, humidity: 50 },            // no model
    ];
    assert.deepEqual(correctHours(hours, models), [
      { hour_end: 10 * day, value: 20, version: 1 },
      { hour_end: 10 * day + 3600, value: 20, version: 2 },
      { hour_end: 10 * day + 7200, value: null, version: 2 },
      { hour_end: 25 * day, value: null, version: null },
    ]);
  });
});

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
