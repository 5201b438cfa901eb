// #/health: the network health of an LAO. Sensors that are offline (stale or never reported)
// first, then every sensor with its coverage over the last 24 hours (GET /api/v1/readings/now)
// and the last 7 days (GET /api/v1/reports/daily), the refusals and flags the ingest endpoints
// recorded (GET /api/v1/ingest-events), and, with the "write" permission, the readings file
// upload (POST /api/v1/readings/import?format=...) with its summary: received, stored,
// duplicates, flagged and refused rows with the reason of each.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { t, tOr } from '../i18n.js';
import { listen } from '../live.js';
import { percent } from '../air.js';
import { bangkokDate, sensorState, stateChip, timeText, watchableOrgs } from './air_common.js';

export const IMPORT_FORMATS = ['csv', 'sensor-community', 'air4thai'];
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const DAY = 86400;
const last = { org: null };

function coverageBar(fraction, testid) {
  const value = percent(fraction);
  const cls = value >= 75 ? 'good' : value >= 50 ? 'fair' : 'poor';
  return h('span', { class: 'coverage' },
    h('meter', { min: '0', max: '100', low: '50', high: '75', optimum: '100', value: String(value), class: cls,
      dataset: { testid } }),
    ' ', t('air.percent', { value }));
}

/** Mean daily coverage over the 7 Bangkok days ending today (days without data count as 0). */
export function weekCoverage(days, today) {
  const end = Date.parse(`${today}T00:00:00Z`);
  let sum = 0;
  for (const d of days ?? []) {
    const at = Date.parse(`${d.date}T00:00:00Z`);
    if (at <= end && at > end - 7 * DAY * 1000) sum += Math.max(0, Math.min(1, d.coverage ?? 0));
  }
  return sum / 7;
}

function sensorsList(items, day, week) {
  const order = { nodata: 0, stale: 1, maintenance: 2, ok: 3 };
  const sorted = [...items].sort((a, b) => order[sensorState(a)] - order[sensorState(b)] || a.code.localeCompare(b.code));
  const row = (key, value) => h('div', { class: 'fact' }, h('dt', {}, t(`health.col.${key}`)), h('dd', {}, value));
  return h('ul', { class: 'cards', dataset: { testid: 'health-list' } }, sorted.map((item) => h('li', {
    class: ['card', 'health-sensor', ['stale', 'nodata'].includes(sensorState(item)) && 'offline'],
    dataset: { code: item.code, state: sensorState(item) } },
  h('h3', { class: 'card-title' }, h('a', { href: `#/sensors/${encodeURIComponent(item.sensor_id)}` }, item.name || item.code)),
  h('p', { class: 'mono muted' }, item.code),
  h('dl', { class: 'facts' },
    row('state', stateChip(item)),
    row('last', timeText(item.latest?.ts)),
    row('day', coverageBar(day.get(item.sensor_id) ?? 0, 'coverage-24h')),
    row('week', coverageBar(week.get(item.sensor_id) ?? 0, 'coverage-7d'))))));
}

function eventsList(events) {
  if (!events.length) return h('p', { class: 'muted', dataset: { testid: 'health-no-events' } }, t('health.no_events'));
  return h('ul', { class: 'cards', dataset: { testid: 'health-events' } }, events.map((e) => h('li', { class: 'card event', dataset: { kind: e.kind } },
    h('p', { class: 'audit-head' },
      h('span', { class: 'chip warn' }, tOr(`health.kind.${e.kind}`, e.kind)),
      h('time', {}, timeText(e.at)),
      e.count > 1 ? h('span', { class: 'muted' }, t('health.event_count', { count: e.count })) : null),
    h('p', {}, t('health.event_from', { source: e.source || t('common.none'), device: e.device_key || t('common.none') })),
    h('p', { class: 'mono' }, e.message))));
}

/** The upload form; onDone(summary) after a file was read by the server. */
function uploadForm(onDone) {
  const ids = { file: uniqueId('import-file'), format: uniqueId('import-format'), hint: uniqueId('import-hint') };
  const file = h('input', { id: ids.file, name: 'file', type: 'file', accept: '.csv,.json,.txt,text/csv,application/json',
    'aria-describedby': ids.hint, dataset: { testid: 'import-file' } });
  const format = h('select', { id: ids.format, name: 'format', dataset: { testid: 'import-format' } },
    IMPORT_FORMATS.map((f) => h('option', { value: f }, t(`health.format.${f}`))));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'import-error' } });
  const result = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'import-submit' } }, t('health.import.submit'));

  async function onSubmit(event) {
    event.preventDefault();
    error.hidden = true;
    replaceChildren(result);
    const chosen = file.files?.[0];
    if (!chosen) {
      error.textContent = t('health.import.no_file');
      error.hidden = false;
      file.setAttribute('aria-invalid', 'true');
      file.focus();
      return;
    }
    file.removeAttribute('aria-invalid');
    if (chosen.size > MAX_IMPORT_BYTES) {
      error.textContent = t('health.import.too_large');
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      // The body is the file itself (not JSON): fetch directly, echoing the session's CSRF token.
      const token = (await api.get('/api/v1/me')).csrf_token;
      const response = await fetch(`/api/v1/readings/import?${new URLSearchParams({ format: format.value })}`, {
        method: 'POST', body: chosen, credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-CSRF-Token': token ?? '', Accept: 'application/json' },
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        const e = body?.error ?? {};
        throw new ApiError(response.status, e.code ?? `http_${response.status}`, e.message ?? '', e.field ?? null);
      }
      replaceChildren(result, summaryView(body, chosen.name));
      event.target.reset();
      await onDone(body);
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 413 ? t('health.import.too_large')
        : e instanceof ApiError && e.field === 'format' ? t('health.import.bad_format') : errorMessage(e);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  }

  return h('section', { class: 'card', 'aria-labelledby': 'health-import-title', dataset: { testid: 'health-import' } },
    h('h2', { id: 'health-import-title' }, t('health.import.title')),
    h('p', { class: 'hint', id: ids.hint }, t('health.import.hint')),
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
      h('div', { class: 'field' }, h('label', { for: ids.format }, t('health.import.format')), format),
      h('div', { class: 'field' }, h('label', { for: ids.file }, t('health.import.file')), file),
      error,
      submit),
    result);
}

export function summaryView(summary, fileName) {
  const row = (key, value) => h('div', { class: 'fact' }, h('dt', {}, t(`health.summary.${key}`)),
    h('dd', { dataset: { testid: `import-${key}` } }, String(value ?? 0)));
  const errors = summary.errors ?? [];
  return h('div', { class: 'import-summary', dataset: { testid: 'import-summary' } },
    h('p', { class: ['notice', summary.rejected ? 'warn' : 'ok'], role: 'status' },
      t(summary.rejected ? 'health.summary.partial' : 'health.summary.done', { file: fileName, accepted: summary.accepted ?? 0 })),
    h('dl', { class: 'facts' },
      row('received', summary.received), row('accepted', summary.accepted), row('duplicates', summary.duplicates),
      row('flagged', summary.flagged), row('rejected', summary.rejected)),
    errors.length
      ? h('div', {}, h('h3', {}, t('health.summary.errors')),
        // A file error (no sensor) names its line in the message; a refused reading names its
        // sensor, and index counts the readings read from the file (from 0).
        h('ul', { class: 'error-rows', dataset: { testid: 'import-errors' } }, errors.map((e) => h('li', {},
          e.sensor ? [h('span', { class: 'mono' }, t('health.summary.row', { index: e.index + 1, sensor: e.sensor })), ': '] : null,
          h('span', { class: 'mono' }, e.message)))),
        summary.rejected > errors.length ? h('p', { class: 'muted' }, t('health.summary.more', { count: summary.rejected - errors.length })) : null)
      : null);
}

export async function renderHealth(ctx) {
  const orgs = await watchableOrgs(ctx.me);
  if (!ctx.isCurrent()) return;
  if (!last.org || !orgs.some((o) => o.code === last.org)) last.org = orgs[0].code;
  const selectId = uniqueId('health-org');
  const select = orgs.length > 1
    ? h('select', { id: selectId, name: 'org' }, orgs.map((o) => h('option', { value: o.code }, o.name)))
    : null;
  if (select) select.value = last.org;
  const canWrite = ctx.me.permissions?.includes('write');
  const summaryArea = h('div', { dataset: { testid: 'health-summary' } });
  const tableArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const eventsArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const now = await api.get(`/api/v1/readings/now?${new URLSearchParams({ org: last.org })}`);
      const today = bangkokDate(now.now);
      const weekFrom = bangkokDate(now.now - 6 * DAY);
      const [daily, events] = await Promise.all([
        api.get(`/api/v1/reports/daily?${new URLSearchParams({ org: last.org, from: weekFrom, to: today })}`),
        api.get(`/api/v1/ingest-events?${new URLSearchParams({ since: String(now.now - 7 * DAY) })}`),
      ]);
      const items = now.items ?? [];
      // The server's 24-hour coverage ends at each sensor's newest hour; for a silent sensor the
      // last 24 hours up to now are what matters, so count its complete hours since then.
      const nowEnd = Math.ceil(now.now / 3600) * 3600;
      const day = new Map(items.map((i) => [i.sensor_id, i.pm25_24h_coverage]));
      await Promise.all(items.filter((i) => i.latest && i.hour_end < nowEnd).map(async (i) => {
        const hours = await api.get(`/api/v1/sensors/${encodeURIComponent(i.sensor_id)}/hours?${new URLSearchParams({
          from: String(nowEnd - DAY), to: String(nowEnd) })}`);
        day.set(i.sensor_id, (hours.items ?? []).filter((x) => x.pm25 !== null).length / 24);
      }));
      if (!ctx.isCurrent() || mine !== seq) return;
      const week = new Map((daily.sensors ?? []).map((s) => [s.sensor_id, weekCoverage(s.days, today)]));
      const offline = items.filter((i) => ['stale', 'nodata'].includes(sensorState(i)));
      replaceChildren(summaryArea,
        h('p', { class: ['notice', offline.length ? 'warn' : 'ok'], dataset: { testid: 'health-offline-count' } },
          offline.length ? t('health.offline', { count: offline.length, total: items.length }) : t('health.all_online', { total: items.length })),
        offline.length ? h('ul', { class: 'offline-list', dataset: { testid: 'health-offline' } }, offline.map((i) => h('li', { dataset: { code: i.code } },
          h('a', { href: `#/sensors/${encodeURIComponent(i.sensor_id)}` }, i.name || i.code), ' — ',
          i.latest ? t('health.last_seen', { time: timeText(i.latest.ts) }) : t('health.never_seen')))) : null);
      replaceChildren(tableArea, items.length ? sensorsList(items, day, week) : h('p', { class: 'muted' }, t('map.empty')));
      replaceChildren(eventsArea, eventsList(events.items ?? []));
    } catch (e) {
      if (ctx.isCurrent() && mine === seq) replaceChildren(tableArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    }
  }

  ctx.container.append(h('section', { class: 'page health-page' },
    h('h1', {}, t('health.title')),
    h('p', { class: 'lead' }, t('health.intro')),
    select ? h('div', { class: 'field filter' }, h('label', { for: selectId }, t('map.org')), select) : null,
    summaryArea,
    h('section', { 'aria-labelledby': 'health-sensors-title' }, h('h2', { id: 'health-sensors-title' }, t('health.sensors_title')),
      h('p', { class: 'hint' }, t('health.coverage_note')), tableArea),
    h('section', { 'aria-labelledby': 'health-events-title' }, h('h2', { id: 'health-events-title' }, t('health.events_title')),
      h('p', { class: 'hint' }, t('health.events_note')), eventsArea),
    canWrite ? uploadForm(load) : null));

  if (select) {
    select.addEventListener('change', () => {
      last.org = select.value;
      void load();
    });
  }
  listen('readings', () => void load(), ctx.isCurrent);
  await load();
}
