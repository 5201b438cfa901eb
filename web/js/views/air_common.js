// Pieces the monitoring screens share (map, sensor page, network health, public page): the Thai
// AQI badge, a sensor's state words, times in Bangkok, and the list of organisations a signed-in
// user may watch. Colours are classes (.aqi-th-N in app.css), never inline styles.
import * as api from '../api.js';
import { formatDateTime } from '../dates.js';
import { h } from '../dom.js';
import { getLang, t, tOr } from '../i18n.js';
import { formatPm } from '../air.js';

/** 'maintenance' | 'stale' | 'nodata' | 'ok' for a GET /api/v1/readings/now item. */
export function sensorState(item) {
  if (item.maintenance) return 'maintenance';
  if (!item.latest && !item.last_reading_at) return 'nodata';
  if (item.stale) return 'stale';
  return 'ok';
}

/** The Thai AQI level 1..5 of a thai_aqi object, or null. */
export function levelOf(thaiAqi) {
  const level = Number(thaiAqi?.level);
  return Number.isInteger(level) && level >= 1 && level <= 5 ? level : null;
}

/** The category name of a Thai AQI level in the current language. */
export function levelName(thaiAqi) {
  const level = levelOf(thaiAqi);
  if (!level) return t('air.no_index');
  return tOr(`th_aqi.level.${level}`, getLang() === 'en' ? thaiAqi.category : thaiAqi.category_th);
}

/** The AQI number as people read it: "> 200" above the table. */
export function aqiText(thaiAqi) {
  if (!thaiAqi) return '–';
  return thaiAqi.above_table ? `> ${thaiAqi.aqi}` : String(thaiAqi.aqi);
}

/** A coloured badge with the Thai AQI (grey when stale or without an index). */
export function aqiBadge(thaiAqi, { stale = false, testid = 'aqi-badge' } = {}) {
  const level = levelOf(thaiAqi);
  const cls = stale || !level ? 'aqi-none' : `aqi-th-${level}`;
  return h('span', { class: ['aqi-badge', cls], dataset: { testid, level: level ? String(level) : '' },
    title: levelName(thaiAqi) }, aqiText(thaiAqi));
}

/** The state chip of a sensor (maintenance, stale, no data, reporting). */
export function stateChip(item) {
  const state = sensorState(item);
  const cls = { ok: 'ok', stale: 'warn', maintenance: 'warn', nodata: 'muted-chip' }[state];
  return h('span', { class: ['chip', cls], dataset: { testid: 'sensor-state', state } }, t(`air.state.${state}`));
}

/** "26 พ.ย. 2569 20:42 น." from Unix seconds, or the "none" text. */
export function timeText(unixSeconds) {
  if (!Number.isFinite(unixSeconds) || unixSeconds <= 0) return t('common.none');
  return formatDateTime(unixSeconds * 1000, { lang: getLang() });
}

/** "12.3 µg/m³" or the "none" text. */
export function pmText(value) {
  const text = formatPm(value);
  return text === null ? t('common.none') : t('air.ugm3', { value: text });
}

/**
 * The organisations whose sensors the user may watch, own first: [{code, name}]. LAOs only (the
 * offices have no sensors). One entry for a user of one LAO.
 */
export async function watchableOrgs(me) {
  const own = { code: me.org.code, name: orgLabel(me.org), id: me.org.id };
  const readable = me.readable_org_ids;
  if (readable !== 'all' && (!Array.isArray(readable) || readable.length <= 1)) return [own];
  const all = (await api.get('/api/v1/orgs')).items ?? [];
  const list = all.filter((o) => o.is_lao && (readable === 'all' || readable.includes(o.id)))
    .map((o) => ({ code: o.code, name: orgLabel(o), id: o.id }));
  if (me.org.is_lao && !list.some((o) => o.code === own.code)) list.unshift(own);
  list.sort((a, b) => (a.code === own.code ? -1 : b.code === own.code ? 1 : a.name.localeCompare(b.name, 'th')));
  return list.length ? list : [own];
}

export function orgLabel(org) {
  return getLang() === 'en' ? org.name_en || org.name_th : org.name_th || org.name_en;
}

/** The Bangkok calendar date "YYYY-MM-DD" of Unix seconds. */
export function bangkokDate(unixSeconds) {
  const d = new Date((unixSeconds + 7 * 3600) * 1000);
  return d.toISOString().slice(0, 10);
}

/** The hour end (Unix s) of the hour holding `unixSeconds` (hours are time-ending, (h−1 h, h]). */
export function hourEndOf(unixSeconds) {
  return Math.ceil(unixSeconds / 3600) * 3600;
}
