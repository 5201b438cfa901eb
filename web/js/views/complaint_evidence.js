// The evidence panel of the officer's complaint page (docs/complaints-api.md, "Evidence"):
// the nearest sensors' hourly PM2.5/PM10 around the observed time with the Thai AQI, and the
// registry factories within a radius the officer chooses.
import * as api from '../api.js';
import { formatDateTime } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t } from '../i18n.js';
import { aqiBadge } from './air_common.js';

const RADII = [500, 1000, 3000, 5000, 10000];
const WINDOWS = [1, 3, 6, 12, 24];

function metres(m) {
  return m >= 1000 ? t('evidence.km', { km: (m / 1000).toFixed(1) }) : t('evidence.m', { m: Math.round(m) });
}

function pm(v) {
  return v === null || v === undefined ? t('common.none') : v.toFixed(1);
}

function hourLabel(hourEnd) {
  return formatDateTime(hourEnd * 1000, { lang: getLang() });
}

function sensorCard(s) {
  return h('li', { class: 'card', dataset: { testid: 'evidence-sensor', sensorId: String(s.id) } },
    h('h4', { class: 'card-title' }, h('a', { href: `#/sensors/${s.id}` }, s.name || s.code)),
    h('p', { class: 'muted' }, metres(s.distance_m), ' · ', t(`evidence.direction.${s.direction}`),
      ` (${Math.round(s.bearing_deg)}°)`),
    s.thai_aqi
      ? h('p', {}, aqiBadge({ aqi: s.thai_aqi.value, level: s.thai_aqi.level, above_table: s.thai_aqi.above_table }, { testid: 'evidence-aqi' }),
        ' ', t('evidence.aqi_at', { pm25: s.thai_aqi.pm25_24h.toFixed(1), time: hourLabel(s.thai_aqi.hour_end) }))
      : h('p', { class: 'muted' }, t('evidence.no_aqi')),
    s.hours.length
      ? h('table', { class: 'table compact' },
        h('thead', {}, h('tr', {}, h('th', {}, t('evidence.hour')), h('th', {}, 'PM2.5'), h('th', {}, 'PM10'), h('th', {}, t('evidence.coverage')))),
        h('tbody', {}, s.hours.map((x) => h('tr', {},
          h('td', {}, hourLabel(x.hour_end)), h('td', {}, pm(x.pm25)), h('td', {}, pm(x.pm10)),
          h('td', {}, `${Math.round(x.coverage * 100)}%`)))))
      : h('p', { class: 'muted' }, t('evidence.no_hours')));
}

function factoryRow(f) {
  return h('li', { class: 'card', dataset: { testid: 'evidence-factory' } },
    h('h4', { class: 'card-title' }, h('a', { href: `#/factories/${f.id}` }, f.name)),
    h('p', { class: 'muted' }, metres(f.distance_m), ' · ', t(`evidence.direction.${f.direction}`),
      f.business ? ` · ${f.business}` : ''),
    h('p', {}, h('span', { class: 'chip' }, t(`evidence.factory_status.${f.status}`)),
      f.open_actions ? h('span', { class: 'chip warn' }, t('evidence.open_actions', { count: f.open_actions })) : null));
}

/** The panel for one complaint; loads itself and reloads when the radius or window changes. */
export function evidencePanel(complaintId) {
  const radius = h('select', { id: uniqueId('evidence-radius'), dataset: { testid: 'evidence-radius' } },
    RADII.map((r) => h('option', { value: String(r), selected: r === 3000 }, metres(r))));
  const windowH = h('select', { id: uniqueId('evidence-window'), dataset: { testid: 'evidence-window' } },
    WINDOWS.map((w) => h('option', { value: String(w), selected: w === 3 }, t('evidence.hours', { hours: w }))));
  const body = h('div', { dataset: { testid: 'evidence-body' } }, h('p', { class: 'muted' }, t('shell.loading')));
  const panel = h('section', { class: 'card', dataset: { testid: 'evidence-panel' } },
    h('h2', {}, t('evidence.title')),
    h('p', { class: 'hint' }, t('evidence.hint')),
    h('div', { class: 'filters' },
      h('label', { for: radius.id }, t('evidence.radius')), radius,
      h('label', { for: windowH.id }, t('evidence.window')), windowH),
    body);

  async function load() {
    try {
      const e = await api.get(`/api/v1/complaints/${complaintId}/evidence?radius_m=${radius.value}&window_h=${windowH.value}`);
      if (!e.has_location) {
        replaceChildren(body, h('p', { class: 'muted', dataset: { testid: 'evidence-no-location' } }, t('evidence.no_location')));
        return;
      }
      replaceChildren(body,
        h('p', { class: 'muted' }, t('evidence.window_text', { from: hourLabel(e.from_hour_end), to: hourLabel(e.to_hour_end) })),
        h('h3', {}, t('evidence.sensors')),
        e.sensors.length ? h('ul', { class: 'cards' }, e.sensors.map(sensorCard)) : h('p', { class: 'muted' }, t('evidence.no_sensors')),
        h('h3', {}, t('evidence.factories', { radius: metres(e.radius_m) })),
        e.factories.length ? h('ul', { class: 'cards', dataset: { testid: 'evidence-factories' } }, e.factories.map(factoryRow))
          : h('p', { class: 'muted', dataset: { testid: 'evidence-no-factories' } }, t('evidence.no_factories')),
        e.factories_truncated ? h('p', { class: 'muted' }, t('evidence.truncated')) : null);
    } catch (err) {
      replaceChildren(body, h('p', { class: 'form-error', role: 'alert' }, errorMessage(err)));
    }
  }
  radius.addEventListener('change', () => void load());
  windowH.addEventListener('change', () => void load());
  void load();
  return panel;
}
