// Corrected PM2.5 from a sensor's calibration models, for the sensor page's chart. The same rules
// as the server (src/modules/calibration/calibration.cc Correct, src/core/correction.cc; the
// formulas are in docs/air-quality-method.md §6):
//   epa_barkjohn_2021  0.524·raw − 0.0862·RH + 5.75
//   epa_extended_2023  the piecewise form, blended at 30–50 and 210–260 µg/m³
//   linear             slope·raw + intercept [+ rh_coef·RH]
// Every result is clamped at 0. A model that needs RH gives nothing without a valid RH (0–100 %);
// a negative or non-finite raw value gives nothing. Pure functions: no DOM, no clock
// (tests/web/correction.test.mjs).

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const validRh = (rh) => finite(rh) && rh >= 0 && rh <= 100;
const clamp = (v) => (v < 0 ? 0 : v);

/** EPA, Barkjohn et al. 2021. null when raw or RH is unusable. */
export function correctEpa2021(raw, rh) {
  if (!finite(raw) || raw < 0 || !validRh(rh)) return null;
  return clamp(0.524 * raw - 0.0862 * rh + 5.75);
}

/** EPA extended (Barkjohn et al. 2022), valid into smoke concentrations. */
export function correctEpaExtended(raw, rh) {
  if (!finite(raw) || raw < 0 || !validRh(rh)) return null;
  const x = raw;
  let y;
  if (x < 30) {
    y = 0.524 * x - 0.0862 * rh + 5.75;
  } else if (x < 50) {
    const t = x / 20 - 3 / 2;  // 0 at 30, 1 at 50
    y = (0.786 * t + 0.524 * (1 - t)) * x - 0.0862 * rh + 5.75;
  } else if (x < 210) {
    y = 0.786 * x - 0.0862 * rh + 5.75;
  } else if (x < 260) {
    const t = x / 50 - 21 / 5;  // 0 at 210, 1 at 260
    y = (0.69 * t + 0.786 * (1 - t)) * x - 0.0862 * rh * (1 - t) + 2.966 * t + 5.75 * (1 - t) + 8.84e-4 * x * x * t;
  } else {
    y = 2.966 + 0.69 * x + 8.84e-4 * x * x;
  }
  return clamp(y);
}

/**
 * The corrected value of one raw PM2.5 (µg/m³) with the sensor's RH (%), or null.
 * @param {{kind:string, slope:number, intercept:number, rh_coef:number|null}} model
 *        as GET /api/v1/sensors/{id}/calibrations answers
 */
export function correct(model, raw, rh) {
  if (!model || !finite(raw) || raw < 0) return null;
  if (rh !== null && rh !== undefined && !validRh(rh)) return null;
  switch (model.kind) {
    case 'epa_barkjohn_2021': return correctEpa2021(raw, rh);
    case 'epa_extended_2023': return correctEpaExtended(raw, rh);
    case 'linear': {
      if (!finite(model.slope) || !finite(model.intercept)) return null;
      let y = model.slope * raw + model.intercept;
      if (model.rh_coef !== null && model.rh_coef !== undefined) {
        if (!validRh(rh)) return null;
        y += model.rh_coef * rh;
      }
      return clamp(y);
    }
    default: return null;
  }
}

/** True when ts (Unix s) lies in the model's [valid_from, valid_to). */
export function covers(model, ts) {
  return ts >= model.valid_from && (model.valid_to === null || model.valid_to === undefined || ts < model.valid_to);
}

/** The model valid at ts (Unix s): the highest version whose period covers it, or null. */
export function modelAt(models, ts) {
  let best = null;
  for (const m of models ?? []) {
    if (covers(m, ts) && (!best || m.version > best.version)) best = m;
  }
  return best;
}

/**
 * Corrected hourly means: each hour's complete clean PM2.5 mean corrected with its humidity mean
 * by the model valid in that hour. An hour (hour_end − 1 h, hour_end] takes the model valid at
 * its last second (hour_end − 1), so a model that starts at a day boundary applies from the first
 * hour that lies wholly after it.
 * @param {{hour_end:number, pm25:number|null, humidity:number|null}[]} hours  GET .../hours items
 * @returns {{hour_end:number, value:number|null, version:number|null}[]}
 */
export function correctHours(hours, models) {
  return (hours ?? []).map((h) => {
    const model = modelAt(models, h.hour_end - 1);
    if (!model || !finite(h.pm25)) return { hour_end: h.hour_end, value: null, version: model?.version ?? null };
    return { hour_end: h.hour_end, value: correct(model, h.pm25, h.humidity ?? null), version: model.version };
  });
}
