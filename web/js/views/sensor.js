// #/sensors/{id}: one sensor. The header tells its state (reporting, stale, maintenance), its
// Thai AQI and figures now (GET /api/v1/sensors/{id}/now); the chart shows hourly PM2.5 as raw
// (every in-range sample), clean (the QA-clean mean of complete hours), corrected (the server's
// pm25_corrected: the clean mean through the calibration model valid in that hour, with the
// model's version in the table) and the 24-hour running
// mean, over the Thai AQI colour bands (GET .../hours). Below: a calendar of daily means coloured
// by level with their coverage (GET .../days), the QA flags of the period, and the calibration
// panel (views/sensor_calibration.js). New readings of this sensor reload the page's data.
import * as api from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';
import { listen } from '../live.js';
import { formatPm, hourSlots, percent, runningDailyMean, thaiLevelOfPm25 } from '../air.js';
import { hourlyChart } from '../charts.js';
import { renderCalibrationPanel } from './sensor_calibration.js';
import {
  aqiBadge, bangkokDate, hourEndOf, levelName, pmText, sensorState, stateChip, timeText,
} from './air_common.js';

const PERIODS = [24, 72, 168];
const HOUR = 3600;
const last = { hours: 72 };

function fact(label, value, testid) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', { dataset: testid ? { testid } : undefined }, value));
}

function header(sensor, now) {
  const state = sensorState(now);
  return h('section', { class: 'card sensor-head', dataset: { testid: 'sensor-head', state } },
    h('div', { class: 'sensor-head-top' },
      aqiBadge(now.thai_aqi, { stale: state === 'stale', testid: 'sensor-aqi' }),
      h('div', {},
        h('p', { class: 'aqi-category', dataset: { testid: 'sensor-level' } }, levelName(now.thai_aqi)),
        h('ul', { class: 'chips' },
          h('li', {}, stateChip(now)),
          h('li', { class: 'chip' }, tOr(`sensors.model.${sensor.model}`, sensor.model)),
          h('li', { class: 'chip' }, tOr(`sensors.status.${sensor.status}`, sensor.status))))),
    state === 'stale' ? h('p', { class: 'notice warn', dataset: { testid: 'sensor-stale' } },
      t('sensor.stale_note', { time: timeText(now.latest?.ts) })) : null,
    state === 'maintenance' ? h('p', { class: 'notice warn' }, t('sensor.maintenance_note')) : null,
    h('dl', { class: 'facts' },
      fact(t('air.pm25_24h'), pmText(now.pm25_24h), 'sensor-pm25-24h'),
      fact(t('air.coverage_24h'), t('air.percent', { value: percent(now.pm25_24h_coverage) })),
      fact(t('air.pm25_hour'), pmText(now.pm25_hour)),
      fact(t('air.nowcast'), pmText(now.pm25_nowcast)),
      fact(t('air.us_aqi'), now.us_aqi ? `${now.us_aqi.aqi} · ${tOr(`us_aqi.level.${now.us_aqi.level}`, now.us_aqi.category)}` : t('common.none')),
      fact(t('air.last_reading'), timeText(now.latest?.ts)),
      fact(t('sensor.location'), h('span', { class: 'mono' }, `${Number(sensor.lat).toFixed(4)}, ${Number(sensor.lon).toFixed(4)}`))));
}

/** The chart of `count` hours ending at `to`, plus the legend and a table of the values. */
function chartSection(hours, to, count) {
  const slots = hourSlots(to, count);
  const byEnd = new Map(hours.map((x) => [x.hour_end, x]));
  const corrected = new Map(hours.map((x) => [x.hour_end, x.pm25_corrected ?? null]));
  const daily = new Map(runningDailyMean(hourSlots(to, count + 23).map((e) => ({ hour_end: e, pm25: byEnd.get(e)?.pm25 ?? null })))
    .map((d) => [d.hour_end, d.value]));
  const pick = (f) => new Map(slots.map((s) => [s, f(s)]));
  const hasCorrected = slots.some((s) => Number.isFinite(corrected.get(s)));
  const series = [
    { key: 'raw', className: 'line-raw', values: pick((s) => byEnd.get(s)?.pm25_raw ?? null), dots: true },
    { key: 'clean', className: 'line-clean', values: pick((s) => byEnd.get(s)?.pm25 ?? null), dots: true },
    hasCorrected ? { key: 'corrected', className: 'line-corrected', values: pick((s) => corrected.get(s) ?? null) } : null,
    { key: 'daily', className: 'line-daily', values: pick((s) => daily.get(s) ?? null) },
  ].filter(Boolean);
  const lang = getLang();
  const chart = hourlyChart({
    slots,
    series,
    label: t('sensor.chart_label', { hours: count }),
    dayLabel: (ts) => formatThaiDate(ts * 1000, { abbreviated: true, lang }),
  });
  const key = (cls, text, testid) => h('li', { dataset: { testid } }, h('span', { class: ['legend-line', cls], 'aria-hidden': 'true' }), text);
  const rows = slots.filter((s) => byEnd.has(s)).reverse().map((s) => {
    const x = byEnd.get(s);
    return h('tr', {},
      h('td', {}, timeText(s)),
      h('td', { class: 'num' }, formatPm(x.pm25_raw) ?? '–'),
      h('td', { class: 'num' }, formatPm(x.pm25) ?? '–'),
      h('td', { class: 'num', dataset: { testid: 'sensor-corrected-cell', version: x.calibration ? String(x.calibration.version) : '' },
        title: x.calibration ? t('sensor.corrected_by', { version: x.calibration.version }) : undefined },
      formatPm(corrected.get(s)) ?? '–'),
      h('td', { class: 'num' }, t('air.percent', { value: percent(x.coverage) })),
      h('td', {}, (x.flags ?? []).map((f) => tOr(`qa.flag.${f}`, f)).join(', ')));
  });
  return h('div', {},
    h('div', { class: 'chart-box', dataset: { testid: 'sensor-chart' } }, chart),
    h('ul', { class: 'legend-list lines', dataset: { testid: 'sensor-chart-legend' } },
      key('line-raw', t('sensor.series.raw'), 'legend-raw'),
      key('line-clean', t('sensor.series.clean'), 'legend-clean'),
      hasCorrected ? key('line-corrected', t('sensor.series.corrected'), 'legend-corrected') : null,
      key('line-daily', t('sensor.series.daily'), 'legend-daily')),
    hasCorrected ? null : h('p', { class: 'hint', dataset: { testid: 'sensor-no-correction' } }, t('sensor.no_correction')),
    h('p', { class: 'hint' }, t('sensor.bands_note')),
    h('details', { class: 'change' },
      h('summary', {}, t('sensor.table')),
      rows.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'data-table', dataset: { testid: 'sensor-hours-table' } },
          h('thead', {}, h('tr', {}, ['time', 'raw', 'clean', 'corrected', 'coverage', 'flags'].map((c) => h('th', { scope: 'col' }, t(`sensor.col.${c}`))))),
          h('tbody', {}, rows)))
        : h('p', { class: 'muted' }, t('sensor.no_hours'))));
}

/** Flags of the period: how many hours carried each QA flag, and incomplete hours. */
function flagsSection(hours, now) {
  const counts = new Map();
  let incomplete = 0;
  for (const x of hours) {
    for (const f of x.flags ?? []) counts.set(f, (counts.get(f) ?? 0) + 1);
    if (x.pm25 === null && x.samples > 0) incomplete += 1;
  }
  const latestFlags = now.latest?.flags ?? [];
  const items = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([f, n]) => h('li', { dataset: { flag: f } },
    h('strong', {}, tOr(`qa.flag.${f}`, f)), ' ', h('span', { class: 'muted' }, t('sensor.flag_hours', { count: n }))));
  return h('section', { class: 'card', 'aria-labelledby': 'sensor-flags-title', dataset: { testid: 'sensor-flags' } },
    h('h2', { id: 'sensor-flags-title' }, t('sensor.flags_title')),
    items.length ? h('ul', { class: 'flag-list' }, items) : h('p', { class: 'muted', dataset: { testid: 'sensor-no-flags' } }, t('sensor.no_flags')),
    h('p', { class: 'muted' }, t('sensor.incomplete_hours', { count: incomplete })),
    latestFlags.length
      ? h('p', {}, t('sensor.latest_flags', { flags: latestFlags.map((f) => tOr(`qa.flag.${f}`, f)).join(', ') }))
      : null,
    h('p', { class: 'hint' }, t('sensor.flags_note')));
}

/** Month grids (Sunday first) of daily means coloured by Thai level, with coverage. */
export function calendarSection(days, fromDate, toDate) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const lang = getLang();
  const weekdays = lang === 'en' ? ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'] : ['อา', 'จ', 'อ', 'พ', 'พฤ', 'ศ', 'ส'];
  const months = [];
  let [y, m] = fromDate.split('-').map(Number);
  const [ty, tm] = toDate.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    const first = new Date(Date.UTC(y, m - 1, 1));
    const daysIn = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const cells = [];
    for (let i = 0; i < first.getUTCDay(); i += 1) cells.push(h('span', { class: 'cal-cell empty', 'aria-hidden': 'true' }));
    for (let d = 1; d <= daysIn; d += 1) {
      const date = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const day = byDate.get(date);
      // A day the sensor's calibration model corrected shows its corrected mean (the better
      // estimate); the raw mean stays in the label.
      const corrected = day && Number.isFinite(day.pm25_corrected) ? day.pm25_corrected : null;
      const shown = corrected ?? day?.pm25;
      const level = day ? thaiLevelOfPm25(shown) : null;
      const future = date > toDate;
      const when = formatThaiDate(date, { lang });
      let label = t('sensor.calendar.no_data', { date: when });
      if (corrected !== null) {
        label = t('sensor.calendar.day_corrected', { date: when, corrected: pmText(corrected), value: pmText(day.pm25),
          versions: day.calibration_versions.join(', '), coverage: percent(day.coverage) });
      } else if (day) {
        label = t('sensor.calendar.day', { date: when, value: pmText(day.pm25), coverage: percent(day.coverage) });
      }
      cells.push(h('span', { class: ['cal-cell', level ? `aqi-th-${level}` : 'aqi-none', future && 'future', corrected !== null && 'corrected'],
        title: label, 'aria-label': label, role: 'img', dataset: { date, level: level ? String(level) : '', corrected: corrected !== null ? '1' : '' } },
      h('span', { class: 'cal-day' }, String(d)),
      day && formatPm(shown) !== null ? h('span', { class: 'cal-value' }, formatPm(shown)) : null,
      day ? h('span', { class: 'cal-cover' }, `${percent(day.coverage)}%`) : null));
    }
    months.push(h('div', { class: 'cal-month' },
      h('h3', {}, formatThaiDate(`${y}-${String(m).padStart(2, '0')}-01`, { lang }).replace(/^1 /, '')),
      h('div', { class: 'cal-grid' }, weekdays.map((w) => h('span', { class: 'cal-head' }, w)), cells)));
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return h('div', { class: 'calendar', dataset: { testid: 'sensor-calendar' } }, months);
}

export async function renderSensor(ctx) {
  const id = ctx.params.id;
  const base = `/api/v1/sensors/${encodeURIComponent(id)}`;
  let sensor;
  try {
    sensor = await api.get(base);
  } catch (e) {
    if (!ctx.isCurrent()) return;
    ctx.container.append(h('section', { class: 'page' }, h('h1', {}, t('sensor.title')),
      h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'sensor-error' } }, errorMessage(e)),
      h('p', {}, h('a', { href: '#/sensors' }, t('sensor.back')))));
    return;
  }
  if (!ctx.isCurrent()) return;
  document.title = `${sensor.name || sensor.code} · ${t('app.name')}`;

  const headArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const chartArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const flagsArea = h('div', {});
  const calendarArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const calibrationArea = h('div', { class: 'card' });
  const periodId = uniqueId('sensor-period');
  const period = h('select', { id: periodId, name: 'period' },
    PERIODS.map((n) => h('option', { value: String(n) }, t(`sensor.period.${n}`))));
  period.value = String(last.hours);

  ctx.container.append(h('section', { class: 'page sensor-page', dataset: { testid: 'sensor-page', sensorId: String(sensor.id) } },
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/sensors' }, t('sensor.back')), ' · ', h('a', { href: '#/map' }, t('nav.map'))),
    h('h1', {}, sensor.name || sensor.code),
    h('p', { class: 'mono muted' }, sensor.code),
    headArea,
    h('section', { class: 'card', 'aria-labelledby': 'sensor-chart-title' },
      h('h2', { id: 'sensor-chart-title' }, t('sensor.chart_title')),
      h('div', { class: 'field filter' }, h('label', { for: periodId }, t('sensor.period')), period),
      chartArea),
    flagsArea,
    h('section', { class: 'card', 'aria-labelledby': 'sensor-calendar-title' },
      h('h2', { id: 'sensor-calendar-title' }, t('sensor.calendar_title')),
      h('p', { class: 'hint' }, t('sensor.calendar_note')),
      calendarArea),
    calibrationArea));

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const count = last.hours;
    try {
      const now = await api.get(`${base}/now`);
      if (!ctx.isCurrent() || mine !== seq) return;
      replaceChildren(headArea, header(sensor, now));
      const to = hourEndOf(Math.max(now.hour_end, Math.floor(Date.now() / 1000)));
      const from = to - (count + 23) * HOUR;
      const today = bangkokDate(to - 1);
      const [ty, tm] = today.split('-').map(Number);
      const calFrom = tm === 1 ? `${ty - 1}-12-01` : `${ty}-${String(tm - 1).padStart(2, '0')}-01`;
      const [hours, days] = await Promise.all([
        api.get(`${base}/hours?${new URLSearchParams({ from: String(from), to: String(to) })}`),
        api.get(`${base}/days?${new URLSearchParams({ from: calFrom, to: today })}`),
      ]);
      if (!ctx.isCurrent() || mine !== seq) return;
      const items = hours.items ?? [];
      replaceChildren(chartArea, chartSection(items, to, count));
      replaceChildren(flagsArea, flagsSection(items.filter((x) => x.hour_end > to - count * HOUR), now));
      replaceChildren(calendarArea, calendarSection(days.items ?? [], calFrom, today));
    } catch (e) {
      if (ctx.isCurrent() && mine === seq) {
        replaceChildren(chartArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
      }
    }
  }
  period.addEventListener('change', () => {
    last.hours = Number(period.value);
    void load();
  });
  listen('readings', (payload, topic) => {
    if (topic === 'resync' || (payload.sensors ?? []).includes(sensor.id)) void load();
  }, ctx.isCurrent);

  await load();
  if (!ctx.isCurrent()) return;
  // The panel reloads the chart when a model is saved (the corrected line changes).
  await renderCalibrationPanel(calibrationArea, sensor, api, { isCurrent: ctx.isCurrent,
    canWrite: Boolean(ctx.me.permissions?.includes('write')) });
  let shown = false;
  const observer = new MutationObserver(() => {
    if (!ctx.isCurrent()) {
      observer.disconnect();
      return;
    }
    const done = Boolean(calibrationArea.querySelector('[data-testid="calibration-done"]:not([hidden])'));
    if (done && !shown) void load();
    shown = done;
  });
  observer.observe(calibrationArea, { subtree: true, attributes: true, attributeFilter: ['hidden'] });
}
