// Air-quality helpers of the monitoring screens: the Thai AQI levels of a PM2.5 concentration
// (for colour bands and calendar cells), the 24-hour running mean of hourly means, and number
// formatting. Pure functions: no DOM, no clock (tests/web/air.test.mjs).
//
// The levels follow PCD's 2023 PM2.5 table (src/core/aqi.cc kThaiPm25Pcd2023): the 24-hour mean in
// 0.1 µg/m³, truncated, against 0–15.0 / 15.1–25.0 / 25.1–37.5 / 37.6–75.0 / ≥ 75.1. The AQI
// itself is a 24-hour index; on an hourly chart the bands are a guide, not an index.

/** Upper ends (µg/m³) of Thai AQI levels 1..4 for PM2.5; level 5 has no upper end. */
export const THAI_PM25_BANDS = [15.0, 25.0, 37.5, 75.0];
export const THAI_LEVELS = 5;

/** The Thai AQI level (1..5) of a 24-hour PM2.5 mean, or null for no value. */
export function thaiLevelOfPm25(ugm3) {
  if (typeof ugm3 !== 'number' || !Number.isFinite(ugm3) || ugm3 < 0) return null;
  // Truncate to 0.1 µg/m³ in integers, so that 37.55 is 37.5 (level 3) and floating-point
  // noise such as 37.5000000001 does not move a value up a level.
  const tenths = Math.floor(Math.round(ugm3 * 1e6) / 1e5);
  for (let i = 0; i < THAI_PM25_BANDS.length; i += 1) {
    if (tenths <= Math.round(THAI_PM25_BANDS[i] * 10)) return i + 1;
  }
  return THAI_LEVELS;
}

/** Hours a 24-hour mean needs out of 24 (the 75 % rule of docs/air-quality-method.md §5). */
export const HOURS_FOR_DAILY_MEAN = 18;
const HOUR = 3600;

/**
 * The 24-hour running mean at each hour: the mean of the complete hourly means ending in
 * (hour_end − 24 h, hour_end], when at least 18 of them exist; otherwise null.
 * @param {{hour_end:number, pm25:number|null}[]} hours  in time order, gaps allowed
 * @returns {{hour_end:number, value:number|null, hours:number}[]}
 */
export function runningDailyMean(hours) {
  const byEnd = new Map();
  for (const h of hours ?? []) {
    if (typeof h.pm25 === 'number' && Number.isFinite(h.pm25)) byEnd.set(h.hour_end, h.pm25);
  }
  return (hours ?? []).map((h) => {
    let sum = 0;
    let count = 0;
    for (let k = 0; k < 24; k += 1) {
      const v = byEnd.get(h.hour_end - k * HOUR);
      if (v !== undefined) {
        sum += v;
        count += 1;
      }
    }
    return { hour_end: h.hour_end, value: count >= HOURS_FOR_DAILY_MEAN ? sum / count : null, hours: count };
  });
}

/** "12.3" with one decimal (µg/m³ are shown to 0.1), or null for no value. */
export function formatPm(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return value.toFixed(1);
}

/** Coverage 0..1 as a whole percentage, "75 %" style number (without the sign). */
export function percent(fraction) {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) return 0;
  return Math.round(Math.max(0, Math.min(1, fraction)) * 100);
}

/** Hourly slots ending at `to` going back `count` hours: [to − (count−1) h, …, to]. */
export function hourSlots(to, count) {
  const out = [];
  for (let i = count - 1; i >= 0; i -= 1) out.push(to - i * HOUR);
  return out;
}
