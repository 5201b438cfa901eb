// Thai calendar conventions for display: Buddhist Era years, the government fiscal year, and
// dates and times in Asia/Bangkok. Pure functions: no clock, no DOM, no locale data from the
// runtime, so the output is the same in every browser and in node (tests/web/dates.test.mjs).
//
// Thailand uses UTC+7 all year (no daylight saving), so Bangkok local time is UTC + 7 h.
// Government fiscal year N (BE) runs 1 October of year N-1 to 30 September of year N and is
// named by the BE year in which it ends (same rule as src/core/thai_calendar.h).

export const BUDDHIST_ERA_OFFSET = 543;
const BANGKOK_OFFSET_MS = 7 * 60 * 60 * 1000;

const THAI_MONTHS = [
  'มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน',
  'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม',
];
const THAI_MONTHS_SHORT = [
  'ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.',
];
const ENGLISH_MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function toBuddhistYear(ceYear) {
  return ceYear + BUDDHIST_ERA_OFFSET;
}

export function toCommonEraYear(beYear) {
  return beYear - BUDDHIST_ERA_OFFSET;
}

function isValidCivil(year, month, day) {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/**
 * The Bangkok wall-clock parts of a moment.
 * Accepts a Date, milliseconds since the epoch, an ISO 8601 timestamp ("2026-11-26T13:42:10Z"),
 * or a calendar date "YYYY-MM-DD", which is taken as that day in Bangkok (not UTC midnight).
 * Throws RangeError for anything that does not name a real moment or day.
 * @returns {{year:number, month:number, day:number, hour:number, minute:number, second:number}}
 *          year is Common Era; month 1..12.
 */
export function bangkokParts(value) {
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) {
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (!isValidCivil(year, month, day)) throw new RangeError(`not a real date: ${value}`);
      return { year, month, day, hour: 0, minute: 0, second: 0 };
    }
  }
  let ms;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  else ms = NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${String(value)}`);
  const local = new Date(ms + BANGKOK_OFFSET_MS);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/**
 * The date in words: "26 พฤศจิกายน 2569" / "26 พ.ย. 2569" (lang 'th', Buddhist Era) or
 * "26 November 2026" / "26 Nov 2026" (lang 'en', Common Era).
 * @param {Date|number|string} date  see bangkokParts
 * @param {{abbreviated?: boolean, lang?: 'th'|'en'}} [options]  lang defaults to 'th'
 */
export function formatThaiDate(date, { abbreviated = false, lang = 'th' } = {}) {
  const { year, month, day } = bangkokParts(date);
  if (lang === 'en') {
    const name = ENGLISH_MONTHS[month - 1];
    return `${day} ${abbreviated ? name.slice(0, 3) : name} ${year}`;
  }
  const name = (abbreviated ? THAI_MONTHS_SHORT : THAI_MONTHS)[month - 1];
  return `${day} ${name} ${toBuddhistYear(year)}`;
}

/** Alias with a language-neutral name; same contract as formatThaiDate. */
export const formatDate = formatThaiDate;

function pad2(n) {
  return String(n).padStart(2, '0');
}

/**
 * Date and Bangkok time: "26 พ.ย. 2569 20:42 น." (th) or "26 Nov 2026, 20:42" (en).
 * @param {Date|number|string} date  see bangkokParts
 * @param {{abbreviated?: boolean, lang?: 'th'|'en', seconds?: boolean}} [options]
 *        abbreviated defaults to true (month short), seconds to false.
 */
export function formatDateTime(date, { abbreviated = true, lang = 'th', seconds = false } = {}) {
  const parts = bangkokParts(date);
  const day = formatThaiDate(date, { abbreviated, lang });
  let time = `${pad2(parts.hour)}:${pad2(parts.minute)}`;
  if (seconds) time += `:${pad2(parts.second)}`;
  return lang === 'en' ? `${day}, ${time}` : `${day} ${time} น.`;
}

/**
 * The government fiscal year (BE) containing the date in Bangkok:
 * 2025-10-01 .. 2026-09-30 is fiscal year 2569.
 */
export function fiscalYearOf(date) {
  const { year, month } = bangkokParts(date);
  return toBuddhistYear(year) + (month >= 10 ? 1 : 0);
}

/**
 * First and last day of fiscal year fyBE as calendar dates "YYYY-MM-DD" (which formatThaiDate
 * accepts): fiscalYearRange(2569) → {start: '2025-10-01', end: '2026-09-30'}.
 * Throws RangeError unless fyBE is a whole BE year after 2400.
 */
export function fiscalYearRange(fyBE) {
  if (!Number.isInteger(fyBE) || fyBE <= 2400 || fyBE > 9999) {
    throw new RangeError(`not a Buddhist Era fiscal year: ${String(fyBE)}`);
  }
  const endCe = toCommonEraYear(fyBE);
  return { start: `${endCe - 1}-10-01`, end: `${endCe}-09-30` };
}
