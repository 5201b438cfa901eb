// #/public/{code}: the air-quality page of one LAO for its residents, no login needed
// (GET /api/v1/public/orgs/{code}/air). First the LAO-wide level now (the worst current Thai AQI
// among the sensors that report), in its colour, with PCD's health advice in words; then each
// sensor with its index and the last 24 hourly means as bars. Written for a phone: one column,
// large type. It reloads itself every 5 minutes while open.
import * as api from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage } from '../errors.js';
import { t, tOr } from '../i18n.js';
import { hourSlots } from '../air.js';
import { hourlyBars } from '../charts.js';
import { aqiBadge, aqiText, levelName, levelOf, orgLabel, pmText, sensorState, timeText } from './air_common.js';

const REFRESH_MS = 5 * 60 * 1000;

function levelCard(data) {
  const level = data.level;
  if (!level) {
    return h('section', { class: 'card public-level aqi-none', dataset: { testid: 'public-level', level: '' } },
      h('p', { class: 'public-level-label' }, t('public.now')),
      h('p', { class: 'public-category', dataset: { testid: 'public-category' } }, t('public.no_level')),
      h('p', {}, t('public.no_level_hint')));
  }
  const n = levelOf(level);
  return h('section', { class: ['card', 'public-level', `aqi-th-${n}`], 'aria-labelledby': 'public-level-title',
    dataset: { testid: 'public-level', level: String(n) } },
  h('p', { class: 'public-level-label', id: 'public-level-title' }, t('public.now')),
  h('div', { class: 'public-level-main' },
    h('p', { class: 'public-aqi', dataset: { testid: 'public-aqi' } }, aqiText(level)),
    h('p', { class: 'public-category', dataset: { testid: 'public-category' } }, levelName(level))),
  h('p', { class: 'public-basis' }, t('public.basis', {
    sensor: level.sensor_name || level.sensor_code, value: pmText(level.pm25_24h), time: timeText(level.hour_end) })));
}

function adviceCard(level) {
  if (!level) return null;
  const key = level.advice_key || `th_aqi.advice.${levelOf(level)}`;
  return h('section', { class: 'card public-advice', 'aria-labelledby': 'public-advice-title' },
    h('h2', { id: 'public-advice-title' }, t('public.advice')),
    h('p', { dataset: { testid: 'public-advice' } }, tOr(key, '')),
    h('p', { class: 'hint' }, t('aqi.advice_source.th')));
}

function sensorCard(s, now) {
  const state = sensorState(s);
  const byEnd = new Map((s.hours ?? []).map((x) => [x.hour_end, x.pm25]));
  const to = Math.ceil(now / 3600) * 3600;
  const hours = hourSlots(to, 24).map((e) => ({ hour_end: e, pm25: byEnd.get(e) ?? null }));
  return h('li', { class: 'card public-sensor', dataset: { code: s.code, state } },
    h('div', { class: 'map-item-head' },
      aqiBadge(s.thai_aqi, { stale: state === 'stale' }),
      h('div', {},
        h('h3', { class: 'card-title' }, s.name || s.code),
        h('p', { class: 'muted' }, levelName(s.thai_aqi), ' · ', t('air.pm25_24h_short', { value: pmText(s.pm25_24h) })))),
    state !== 'ok' ? h('p', { class: 'notice warn' }, t(`public.state.${state}`)) : null,
    h('div', { class: 'chart-box small', dataset: { testid: 'public-bars' } },
      hourlyBars(hours, t('public.bars_label', { name: s.name || s.code }))),
    h('p', { class: 'hint' }, t('air.last_reading_at', { time: timeText(s.last_reading_at) })));
}

export async function renderPublic(ctx) {
  const code = ctx.params.code;
  const page = h('section', { class: 'page public-page', dataset: { testid: 'public-page' } },
    h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  ctx.container.append(page);

  async function load() {
    let data;
    try {
      data = await api.get(`/api/v1/public/orgs/${encodeURIComponent(code)}/air`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      replaceChildren(page, h('h1', {}, t('public.title_unknown')),
        h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'public-error' } },
          e?.status === 404 ? t('public.not_found') : errorMessage(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const name = orgLabel(data.org);
    document.title = `${t('public.title', { name })} · ${t('app.name')}`;
    const sensors = data.sensors ?? [];
    replaceChildren(page,
      h('h1', {}, t('public.title', { name })),
      h('p', { class: 'lead' }, t('public.intro')),
      levelCard(data),
      adviceCard(data.level),
      h('section', { 'aria-labelledby': 'public-sensors-title' },
        h('h2', { id: 'public-sensors-title' }, t('public.sensors_title')),
        h('p', { class: 'hint' }, t('public.bars_note')),
        sensors.length
          ? h('ul', { class: 'cards', dataset: { testid: 'public-sensors' } }, sensors.map((s) => sensorCard(s, data.now)))
          : h('p', { class: 'muted' }, t('public.no_sensors'))),
      h('p', { class: 'hint', dataset: { testid: 'public-updated' } }, t('public.updated', { time: timeText(data.now) })),
      h('p', { class: 'hint' }, h('a', { href: '#/aqi' }, t('public.about_aqi'))));
    setTimeout(() => {
      if (ctx.isCurrent()) void load();
    }, REFRESH_MS);
  }
  await load();
}
