// #/map: the live map of an LAO's sensors (GET /api/v1/readings/now?org=CODE). Each marker is a
// circle in the Thai AQI colour of the sensor's 24-hour index; a stale sensor is grey and dashed,
// one in maintenance has a dark dotted ring; the popup shows the values and links to the sensor
// page. The map updates on the server-sent "readings" topic for this organisation.
//
// Factories (brown squares) and sensitive receptors (purple triangles) of the organisation are two
// more layers (GET /api/v1/factories?org=CODE, GET /api/v1/receptors?org=CODE), switchable in the
// layer control and explained in the legend.
//
// Offline by design: no tile server. The background is plain, with a coordinate grid, a scale
// and the centre's coordinates, so that officers can place the sensors without any outside
// request. Leaflet (npm, served from /vendor/leaflet/) is loaded on first use.
import * as api from '../api.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n.js';
import { listen } from '../live.js';
import {
  aqiBadge, aqiText, levelName, levelOf, pmText, sensorState, stateChip, timeText, watchableOrgs,
} from './air_common.js';

const LEAFLET_CSS = '/vendor/leaflet/leaflet.css';
const LEAFLET_JS = '/vendor/leaflet/leaflet-src.esm.js';
// Keep in step with data/aq/aqi_categories.json (the .aqi-th-N classes hold the same colours).
export const THAI_COLOURS = { 1: '#3BCCFF', 2: '#92D050', 3: '#FFFF00', 4: '#FFA200', 5: '#F04646' };
const STALE_COLOUR = '#9AA5A0';

// The chosen organisation survives a re-render (a language switch).
const last = { org: null };

let leafletPromise = null;
function loadLeaflet() {
  if (!leafletPromise) {
    if (!document.querySelector(`link[href="${LEAFLET_CSS}"]`)) {
      document.head.append(h('link', { rel: 'stylesheet', href: LEAFLET_CSS }));
    }
    leafletPromise = import(LEAFLET_JS);
  }
  return leafletPromise;
}

/** Marker options of a sensor: colour by Thai level, grey dashed when stale. */
export function markerStyle(item) {
  const state = sensorState(item);
  const level = levelOf(item.thai_aqi);
  const grey = state === 'stale' || state === 'nodata' || !level;
  return {
    radius: 13,
    weight: state === 'maintenance' ? 4 : 2,
    color: state === 'maintenance' ? '#1c2521' : grey ? '#56635c' : '#1c2521',
    dashArray: state === 'stale' || state === 'nodata' ? '5 4' : state === 'maintenance' ? '2 4' : null,
    fillColor: grey ? STALE_COLOUR : THAI_COLOURS[level],
    fillOpacity: grey ? 0.55 : 0.92,
    className: ['aq-marker', `state-${state}`, !grey ? `level-${level}` : 'level-none'].join(' '),
  };
}

function popupContent(item) {
  const state = sensorState(item);
  return h('div', { class: 'map-popup', dataset: { testid: 'map-popup', code: item.code } },
    h('p', { class: 'map-popup-title' }, item.name || item.code),
    h('p', { class: 'mono muted' }, item.code),
    h('p', {}, aqiBadge(item.thai_aqi, { stale: state === 'stale' }), ' ', levelName(item.thai_aqi)),
    h('p', {}, stateChip(item)),
    h('dl', { class: 'facts compact' },
      fact(t('air.pm25_24h'), pmText(item.pm25_24h)),
      fact(t('air.pm25_hour'), pmText(item.pm25_hour)),
      fact(t('air.nowcast'), pmText(item.pm25_nowcast)),
      fact(t('air.last_reading'), timeText(item.latest?.ts))),
    h('p', {}, h('a', { href: `#/sensors/${encodeURIComponent(item.sensor_id)}`, dataset: { testid: 'map-popup-link' } },
      t('map.open_sensor'))));
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}

function legend() {
  const swatch = (cls, text, testid) => h('li', { dataset: { testid } }, h('span', { class: ['legend-swatch', cls], 'aria-hidden': 'true' }), text);
  return h('section', { class: 'card map-legend', 'aria-labelledby': 'map-legend-title', dataset: { testid: 'map-legend' } },
    h('h2', { id: 'map-legend-title' }, t('map.legend')),
    h('ul', { class: 'legend-list' },
      [1, 2, 3, 4, 5].map((n) => swatch(`aqi-th-${n}`, t(`th_aqi.level.${n}`), `legend-level-${n}`)),
      swatch('legend-stale', t('map.legend_stale'), 'legend-stale'),
      swatch('legend-maintenance', t('map.legend_maintenance'), 'legend-maintenance'),
      swatch('legend-factory', t('map.legend_factory'), 'legend-factory'),
      swatch('legend-receptor', t('map.legend_receptor'), 'legend-receptor')),
    h('p', { class: 'hint' }, t('map.legend_note')));
}

function sensorList(items) {
  if (!items.length) return h('p', { class: 'muted', dataset: { testid: 'map-empty' } }, t('map.empty'));
  return h('ul', { class: 'cards map-list', dataset: { testid: 'map-list' } }, items.map((item) => h('li', {
    class: 'card map-item', dataset: { code: item.code, state: sensorState(item), level: String(levelOf(item.thai_aqi) ?? '') } },
  h('div', { class: 'map-item-head' },
    aqiBadge(item.thai_aqi, { stale: sensorState(item) === 'stale' }),
    h('div', {},
      h('a', { href: `#/sensors/${encodeURIComponent(item.sensor_id)}`, class: 'card-title' }, item.name || item.code),
      h('p', { class: 'muted' }, levelName(item.thai_aqi), ' · ', t('air.pm25_24h_short', { value: pmText(item.pm25_24h) })))),
  h('p', {}, stateChip(item), ' ', h('span', { class: 'muted' }, t('air.last_reading_at', { time: timeText(item.latest?.ts) }))))));
}

/** A Leaflet control with the map centre's coordinates (there is no base map to read them off). */
function coordinatesControl(L) {
  const Control = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd(map) {
      const box = L.DomUtil.create('div', 'map-coords');
      box.dataset.testid = 'map-coords';
      const update = () => {
        const c = map.getCenter();
        box.textContent = t('map.centre', { lat: c.lat.toFixed(4), lon: c.lng.toFixed(4) });
      };
      map.on('move', update);
      update();
      return box;
    },
  });
  return new Control();
}

/** A graticule: lines every `step` degrees over the view, redrawn as the view moves. */
function graticule(L, map) {
  const layer = L.layerGroup().addTo(map);
  const draw = () => {
    layer.clearLayers();
    const b = map.getBounds();
    const span = Math.max(b.getNorth() - b.getSouth(), b.getEast() - b.getWest());
    const step = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1].find((s) => span / s <= 12) ?? 2;
    const opts = { color: '#b9c6be', weight: 1, interactive: false, className: 'graticule' };
    for (let lat = Math.floor(b.getSouth() / step) * step; lat <= b.getNorth(); lat += step) {
      L.polyline([[lat, b.getWest() - step], [lat, b.getEast() + step]], opts).addTo(layer);
    }
    for (let lon = Math.floor(b.getWest() / step) * step; lon <= b.getEast(); lon += step) {
      L.polyline([[b.getSouth() - step, lon], [b.getNorth() + step, lon]], opts).addTo(layer);
    }
  };
  map.on('moveend', draw);
  draw();
}

export async function renderMap(ctx) {
  const orgs = await watchableOrgs(ctx.me);
  if (!ctx.isCurrent()) return;
  if (!last.org || !orgs.some((o) => o.code === last.org)) last.org = orgs[0].code;
  const selectId = uniqueId('map-org');
  const select = orgs.length > 1
    ? h('select', { id: selectId, name: 'org' }, orgs.map((o) => h('option', { value: o.code }, o.name)))
    : null;
  if (select) select.value = last.org;

  const mapBox = h('div', { class: 'map-box', id: uniqueId('map'), role: 'region', 'aria-label': t('map.region'),
    dataset: { testid: 'map' } });
  const status = h('p', { class: 'muted', role: 'status', dataset: { testid: 'map-status' } }, t('shell.loading'));
  const listArea = h('div', {});
  const publicLink = h('a', { href: `#/public/${encodeURIComponent(last.org)}`, dataset: { testid: 'map-public-link' } },
    t('map.public_link'));

  ctx.container.append(h('section', { class: 'page map-page' },
    h('h1', {}, t('map.title')),
    h('p', { class: 'lead' }, t('map.intro')),
    select ? h('div', { class: 'field filter' }, h('label', { for: selectId }, t('map.org')), select) : null,
    status,
    mapBox,
    h('p', { class: 'hint' }, t('map.offline_note'), ' ', publicLink),
    legend(),
    h('section', { 'aria-labelledby': 'map-list-title' }, h('h2', { id: 'map-list-title' }, t('map.list_title')), listArea)));

  let L;
  try {
    L = await loadLeaflet();
  } catch (e) {
    console.error('Leaflet failed to load', e);
    replaceChildren(mapBox, h('p', { class: 'form-error', role: 'alert' }, t('map.no_map')));
  }
  if (!ctx.isCurrent()) return;

  let map = null;
  let factoryLayer = null;
  let receptorLayer = null;
  const markers = new Map();  // sensor_id -> circle marker
  let fitted = false;
  if (L) {
    map = L.map(mapBox, { attributionControl: false, zoomSnap: 0.5, minZoom: 5, maxZoom: 19, center: [13.75, 100.5], zoom: 6 });
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    coordinatesControl(L).addTo(map);
    graticule(L, map);
    // Factories and receptors lie under the sensors (a sensor often stands at a school or market),
    // so that a sensor marker stays on top and clickable: .leaflet-places-pane in app.css.
    map.createPane('places');
    factoryLayer = L.layerGroup().addTo(map);
    receptorLayer = L.layerGroup().addTo(map);
    L.control.layers(null, { [t('map.layer_factories')]: factoryLayer, [t('map.layer_receptors')]: receptorLayer },
      { collapsed: false }).addTo(map);
  }

  // Factories and receptors of the chosen organisation (a caller without access sees none).
  async function loadPlaces() {
    if (!map) return;
    const org = new URLSearchParams({ org: last.org });
    const [factories, receptors] = await Promise.all([
      api.get(`/api/v1/factories?${org}&limit=500`).catch(() => ({ items: [] })),
      api.get(`/api/v1/receptors?${org}`).catch(() => ({ items: [] })),
    ]);
    if (!ctx.isCurrent()) return;
    factoryLayer.clearLayers();
    receptorLayer.clearLayers();
    for (const f of factories.items.filter((x) => x.lat !== null && x.lon !== null)) {
      const icon = L.divIcon({ className: 'place-marker factory-marker', iconSize: [16, 16] });
      const marker = L.marker([f.lat, f.lon], { icon, title: f.name, keyboard: true, pane: 'places' }).addTo(factoryLayer);
      const el = marker.getElement();
      if (el) el.dataset.factoryId = String(f.id);
      marker.bindPopup(h('div', { class: 'map-popup', dataset: { testid: 'factory-popup' } },
        h('p', { class: 'map-popup-title' }, f.name),
        f.registration_no ? h('p', { class: 'mono muted' }, f.registration_no) : null,
        h('p', {}, h('a', { href: `#/factories/${encodeURIComponent(f.id)}` }, t('map.open_factory')))), { maxWidth: 280 });
    }
    for (const r of receptors.items) {
      const icon = L.divIcon({ className: `place-marker receptor-marker receptor-${r.kind}`, iconSize: [16, 16] });
      const marker = L.marker([r.lat, r.lon], { icon, title: r.name, keyboard: true, pane: 'places' }).addTo(receptorLayer);
      const el = marker.getElement();
      if (el) el.dataset.receptorId = String(r.id);
      marker.bindPopup(h('div', { class: 'map-popup' }, h('p', { class: 'map-popup-title' }, r.name),
        h('p', {}, t(`receptors.kind.${r.kind}`))), { maxWidth: 280 });
    }
  }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    try {
      const data = await api.get(`/api/v1/readings/now?${new URLSearchParams({ org: last.org })}`);
      if (!ctx.isCurrent() || mine !== seq) return;
      const items = data.items ?? [];
      replaceChildren(listArea, sensorList(items));
      status.textContent = t('map.updated', { time: timeText(data.now), count: items.length });
      status.dataset.updated = String(data.now);
      status.dataset.loads = String(Number(status.dataset.loads ?? 0) + 1);
      if (!map) return;
      const seen = new Set();
      for (const item of items) {
        seen.add(item.sensor_id);
        const style = markerStyle(item);
        let marker = markers.get(item.sensor_id);
        if (!marker) {
          marker = L.circleMarker([item.lat, item.lon], style).addTo(map);
          markers.set(item.sensor_id, marker);
        } else {
          marker.setLatLng([item.lat, item.lon]);
          marker.setStyle(style);
          // setStyle does not change the class: replace the state/level classes by hand.
          const el = marker.getElement();
          if (el) el.setAttribute('class', `leaflet-interactive ${style.className}`);
        }
        const el = marker.getElement();
        if (el) {
          el.dataset.code = item.code;
          el.dataset.state = sensorState(item);
          el.dataset.level = String(levelOf(item.thai_aqi) ?? '');
        }
        marker.bindPopup(popupContent(item), { maxWidth: 280 });
        marker.unbindTooltip();
        marker.bindTooltip(h('span', { class: 'map-label' }, aqiText(sensorState(item) === 'stale' ? null : item.thai_aqi)),
          { permanent: true, direction: 'center', className: 'map-tooltip', interactive: false });
      }
      for (const [id, marker] of markers) {
        if (!seen.has(id)) {
          marker.remove();
          markers.delete(id);
        }
      }
      if (!fitted && items.length) {
        fitted = true;
        const bounds = L.latLngBounds(items.map((i) => [i.lat, i.lon]));
        if (items.length === 1) map.setView(bounds.getCenter(), 15);
        else map.fitBounds(bounds.pad(0.25), { maxZoom: 16 });
      }
    } catch (e) {
      if (ctx.isCurrent() && mine === seq) {
        status.textContent = errorMessage(e);
        status.classList.add('form-error');
      }
    }
  }

  if (select) {
    select.addEventListener('change', () => {
      last.org = select.value;
      publicLink.setAttribute('href', `#/public/${encodeURIComponent(last.org)}`);
      fitted = false;
      void load();
      void loadPlaces();
    });
  }
  // New readings of the organisations in scope: reload (the server sends only what we may see).
  listen('readings', () => void load(), ctx.isCurrent);
  await Promise.all([load(), loadPlaces()]);
  // The map box got its size only now that it is in the document.
  map?.invalidateSize();
}
