// Resident complaints (docs/complaints-api.md).
//   #/complain/{code}      the public form of one LAO: no account, phone first, Thai first
//   #/track and #/track/{tracking}   the public status page of one complaint
//   #/transparency/{code}  the public figures of one LAO, with a map (no personal data)
//   #/complaints           the officers' list with filters and paging
//   #/complaints/{id}      one complaint: evidence at hand, history, workflow, replies, notes, links, merge
// Text from residents is only ever put into text nodes (dom.js h()), never parsed as HTML.
import * as api from '../api.js';
import { formatDateTime, formatThaiDate } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t } from '../i18n.js';
import { evidencePanel } from './complaint_evidence.js';

const LEAFLET_CSS = '/vendor/leaflet/leaflet.css';
const LEAFLET_JS = '/vendor/leaflet/leaflet-src.esm.js';
const PHOTO_EDGE = 1600;   // photos are scaled down on the phone before upload
const PHOTO_QUALITY = 0.8;

// The workflow as the server enforces it (modules/complaints/complaint.cc CanTransition).
const NEXT = {
  received: ['assigned', 'rejected'],
  assigned: ['assigned', 'investigating', 'rejected'],
  investigating: ['assigned', 'resolved', 'rejected'],
  resolved: ['investigating', 'closed'],
  rejected: ['closed'],
  closed: [],
  merged: [],
};
const STATUSES = ['received', 'assigned', 'investigating', 'resolved', 'rejected', 'closed', 'merged'];
const CATEGORIES = ['dust_smoke', 'odour', 'noise', 'wastewater', 'open_burning', 'waste_dumping', 'other'];

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

const named = (x) => (x ? (getLang() === 'en' ? x.name_en || x.name_th : x.name_th || x.name_en) : '');
const when = (unix) => (unix ? formatDateTime(new Date(unix * 1000), { lang: getLang() }) : t('common.none'));
const day = (unix) => formatThaiDate(new Date(unix * 1000), { abbreviated: true, lang: getLang() });

function statusChip(status, extra) {
  return h('span', { class: ['chip', 'complaint-status', `status-${status.code}`, extra], dataset: { testid: 'complaint-status', status: status.code } },
    t(`complaints.status.${status.code}`));
}

function randomKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A photo file as a JPEG data URL no larger than PHOTO_EDGE on its long side. */
function shrinkPhoto(file) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      const scale = Math.min(1, PHOTO_EDGE / Math.max(img.naturalWidth, img.naturalHeight));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      resolve(canvas.toDataURL('image/jpeg', PHOTO_QUALITY));
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('not an image'));
    };
    img.src = url;
  });
}

function field(label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null);
}

function localInputValue(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

// ---- #/complain/{code} ----------------------------------------------------------------------

export async function renderComplain(ctx) {
  const code = ctx.params.code;
  const page = h('section', { class: 'page narrow complain-page', dataset: { testid: 'complain-page' } },
    h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  ctx.container.append(page);
  let form;
  try {
    form = await api.get(`/api/v1/public/orgs/${encodeURIComponent(code)}/complaint-form`);
  } catch (e) {
    if (ctx.isCurrent()) replaceChildren(page, h('p', { class: 'form-error', role: 'alert' }, e?.status === 404 ? t('complaints.org_not_found') : errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const idempotencyKey = randomKey();
  const ids = {};
  for (const name of ['category', 'description', 'address', 'observed', 'photos', 'name', 'email', 'phone', 'consent', 'website']) {
    ids[name] = uniqueId(`complain-${name}`);
  }
  const category = h('select', { id: ids.category, name: 'category', required: true, dataset: { testid: 'complain-category' } },
    form.categories.map((c) => h('option', { value: c.code }, named(c))));
  const description = h('textarea', { id: ids.description, name: 'description', rows: 5, maxlength: form.limits.description_max,
    required: true, dataset: { testid: 'complain-description' } });
  const address = h('input', { id: ids.address, name: 'address', type: 'text', maxlength: 500, autocomplete: 'street-address',
    dataset: { testid: 'complain-address' } });
  const observed = h('input', { id: ids.observed, name: 'observed', type: 'datetime-local', value: localInputValue(new Date()),
    dataset: { testid: 'complain-observed' } });
  const photos = h('input', { id: ids.photos, name: 'photos', type: 'file', accept: 'image/jpeg,image/png,image/webp', multiple: true,
    dataset: { testid: 'complain-photos' } });
  const name = h('input', { id: ids.name, name: 'name', type: 'text', maxlength: 200, autocomplete: 'name', dataset: { testid: 'complain-name' } });
  const email = h('input', { id: ids.email, name: 'email', type: 'email', maxlength: 254, autocomplete: 'email', dataset: { testid: 'complain-email' } });
  const phone = h('input', { id: ids.phone, name: 'phone', type: 'tel', maxlength: 20, autocomplete: 'tel', dataset: { testid: 'complain-phone' } });
  const consent = h('input', { id: ids.consent, name: 'consent', type: 'checkbox', dataset: { testid: 'complain-consent' } });
  // The honeypot: hidden from people (CSS and aria), filled only by form robots.
  const website = h('input', { id: ids.website, name: 'website', type: 'text', tabindex: '-1', autocomplete: 'off' });
  const pin = { lat: null, lon: null };
  const pinText = h('p', { class: 'hint', dataset: { testid: 'complain-pin' } }, t('complaints.form.no_pin'));
  const mapBox = h('div', { class: 'map-box complain-map', id: uniqueId('complain-map'), role: 'region', 'aria-label': t('complaints.form.map') });
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'complain-error' } });
  const submit = h('button', { type: 'submit', class: 'button primary wide', dataset: { testid: 'complain-submit' } }, t('complaints.form.submit'));

  function setPin(lat, lon) {
    pin.lat = Math.round(lat * 1e6) / 1e6;
    pin.lon = Math.round(lon * 1e6) / 1e6;
    pinText.textContent = t('complaints.form.pin', { lat: pin.lat.toFixed(5), lon: pin.lon.toFixed(5) });
  }
  const locate = h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'complain-locate' }, onclick: () => {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((pos) => {
      setPin(pos.coords.latitude, pos.coords.longitude);
      placeMarker?.();
    }, () => { pinText.textContent = t('complaints.form.no_location'); }, { enableHighAccuracy: true, timeout: 10000 });
  } }, t('complaints.form.locate'));

  let placeMarker = null;
  async function onSubmit(event) {
    event.preventDefault();
    alert.hidden = true;
    const body = {
      category: category.value,
      description: description.value,
      address: address.value,
      idempotency_key: idempotencyKey,
    };
    if (pin.lat !== null) Object.assign(body, { lat: pin.lat, lon: pin.lon });
    if (observed.value) body.observed_at = Math.floor(new Date(observed.value).getTime() / 1000);
    if (website.value) body.website = website.value;
    for (const [key, input] of [['name', name], ['email', email], ['phone', phone]]) {
      if (input.value.trim()) body[key] = input.value.trim();
    }
    if (consent.checked) body.consent_version = form.consent.version;
    const files = [...(photos.files ?? [])];
    if (files.length > form.limits.photos_max) {
      alert.textContent = t('complaints.form.too_many_photos', { max: form.limits.photos_max });
      alert.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      if (files.length) body.photos = await Promise.all(files.map(shrinkPhoto));
      const filed = await api.post(`/api/v1/public/orgs/${encodeURIComponent(code)}/complaints`, body);
      if (!ctx.isCurrent()) return;
      replaceChildren(page,
        h('h1', {}, t('complaints.filed.title')),
        h('section', { class: 'card complaint-filed', dataset: { testid: 'complain-done' } },
          h('p', {}, t('complaints.filed.number')),
          filed.tracking
            ? h('p', { class: 'tracking-number', dataset: { testid: 'complain-tracking' } }, filed.tracking)
            : h('p', {}, t('complaints.filed.accepted')),
          filed.tracking ? h('p', { class: 'hint' }, t('complaints.filed.keep', { date: day(filed.deadline_at) })) : null,
          filed.tracking ? h('p', {}, h('a', { class: 'button primary wide', href: `#/track/${encodeURIComponent(filed.tracking)}`,
            dataset: { testid: 'complain-follow' } }, t('complaints.filed.follow'))) : null));
    } catch (e) {
      submit.disabled = false;
      alert.textContent = errorMessage(e);
      if (e?.status === 429) alert.textContent = t('complaints.form.slow_down');
      alert.hidden = false;
    }
  }

  const pdpa = form.consent;
  replaceChildren(page,
    h('h1', {}, t('complaints.form.title', { name: named(form.org) })),
    h('p', { class: 'lead' }, t('complaints.form.intro')),
    h('form', { class: 'card form', novalidate: true, onsubmit: onSubmit, dataset: { testid: 'complain-form' } },
      field(t('complaints.form.category'), category),
      field(t('complaints.form.description'), description,
        t('complaints.form.description_hint', { min: form.limits.description_min, max: form.limits.description_max })),
      h('fieldset', { class: 'field' },
        h('legend', {}, t('complaints.form.where')),
        mapBox, pinText, locate),
      field(t('complaints.form.address'), address, t('complaints.form.address_hint')),
      field(t('complaints.form.observed'), observed),
      field(t('complaints.form.photos'), photos, t('complaints.form.photos_hint', { max: form.limits.photos_max })),
      h('fieldset', { class: 'field complaint-contact' },
        h('legend', {}, t('complaints.form.contact')),
        h('p', { class: 'hint' }, t('complaints.form.contact_hint')),
        field(t('complaints.form.name'), name),
        field(t('complaints.form.email'), email, t('complaints.form.email_hint')),
        field(t('complaints.form.phone'), phone),
        h('p', { class: 'consent-text', dataset: { testid: 'complain-consent-text' } }, getLang() === 'en' ? pdpa.text_en : pdpa.text_th),
        h('div', { class: 'check' }, consent, h('label', { for: ids.consent }, t('complaints.form.consent')))),
      h('div', { class: 'hp-field', 'aria-hidden': 'true' }, h('label', { for: ids.website }, 'Website'), website),
      alert,
      submit),
    h('p', { class: 'hint' }, h('a', { href: '#/track' }, t('complaints.track.link')), ' · ',
      h('a', { href: `#/transparency/${encodeURIComponent(code)}` }, t('complaints.stats.link'))));

  // The map: no tiles (offline by design), a pin where the resident taps.
  try {
    const L = await loadLeaflet();
    if (!ctx.isCurrent()) return;
    const center = form.center ? [form.center.lat, form.center.lon] : [13.75, 100.5];
    const map = L.map(mapBox, { attributionControl: false, center, zoom: 14 });
    let marker = null;
    placeMarker = () => {
      if (pin.lat === null) return;
      if (!marker) marker = L.circleMarker([pin.lat, pin.lon], { radius: 10, color: '#1c2521', fillColor: '#F04646', fillOpacity: 0.9 }).addTo(map);
      marker.setLatLng([pin.lat, pin.lon]);
    };
    L.circleMarker(center, { radius: 5, color: '#1c5b3a', interactive: false }).addTo(map);
    map.on('click', (e) => {
      setPin(e.latlng.lat, e.latlng.lng);
      placeMarker();
    });
  } catch {
    mapBox.hidden = true;
  }
}

// ---- #/track and #/track/{tracking} -------------------------------------------------------

function historyList(history) {
  return h('ol', { class: 'complaint-history', dataset: { testid: 'track-history' } }, history.map((e) => h('li', { dataset: { kind: e.kind } },
    h('p', { class: 'muted' }, when(e.at)),
    e.kind === 'public_reply'
      ? h('p', { class: 'complaint-reply' }, h('strong', {}, t('complaints.track.reply')), ' ', e.text)
      : h('p', {}, e.status ? t(`complaints.status.${e.status.code}`) : '', e.text ? ` — ${e.text}` : ''))));
}

export async function renderTrack(ctx) {
  const tracking = ctx.params.tracking ?? '';
  const inputId = uniqueId('track-number');
  const input = h('input', { id: inputId, type: 'text', value: tracking, autocomplete: 'off', autocapitalize: 'characters',
    placeholder: 'BP-2569-XXXXX', dataset: { testid: 'track-input' } });
  const lookup = h('form', { class: 'card form', onsubmit: (e) => {
    e.preventDefault();
    if (input.value.trim()) ctx.navigate(`/track/${encodeURIComponent(input.value.trim().toUpperCase())}`);
  } }, field(t('complaints.track.number'), input), h('button', { type: 'submit', class: 'button primary wide' }, t('complaints.track.submit')));
  const result = h('div', { dataset: { testid: 'track-result' } });
  ctx.container.append(h('section', { class: 'page narrow track-page', dataset: { testid: 'track-page' } },
    h('h1', {}, t('complaints.track.title')), lookup, result));
  if (!tracking) return;
  let c;
  try {
    c = await api.get(`/api/v1/public/complaints/${encodeURIComponent(tracking)}`);
  } catch (e) {
    if (ctx.isCurrent()) replaceChildren(result, h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'track-error' } },
      e?.status === 404 ? t('complaints.track.not_found') : errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const overdue = c.open && Date.now() / 1000 > c.deadline_at;
  replaceChildren(result, h('section', { class: 'card complaint-public', dataset: { testid: 'track-card', tracking: c.tracking } },
    h('p', { class: 'tracking-number' }, c.tracking),
    h('p', {}, statusChip(c.status), overdue ? h('span', { class: 'chip warn' }, t('complaints.overdue')) : null),
    h('dl', { class: 'facts' },
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.org')), h('dd', {}, named(c.org))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.category')), h('dd', {}, named(c.category))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.filed_at')), h('dd', { dataset: { testid: 'track-filed' } }, when(c.created_at))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.deadline')), h('dd', {}, day(c.deadline_at))),
      c.resolved_at ? h('div', { class: 'fact' }, h('dt', {}, t('complaints.resolved_at')), h('dd', {}, when(c.resolved_at))) : null,
      c.area?.name_th ? h('div', { class: 'fact' }, h('dt', {}, t('complaints.area')), h('dd', {}, named(c.area))) : null,
      c.reject_reason ? h('div', { class: 'fact' }, h('dt', {}, t('complaints.reason')), h('dd', {}, c.reject_reason)) : null),
    c.merged_into ? h('p', { class: 'notice' }, t('complaints.track.merged'), ' ',
      h('a', { href: `#/track/${encodeURIComponent(c.merged_into)}`, dataset: { testid: 'track-merged' } }, c.merged_into)) : null,
    h('h2', {}, t('complaints.description')),
    h('p', { class: 'complaint-text', dataset: { testid: 'track-description' } }, c.description),
    h('h2', {}, t('complaints.track.history')),
    historyList(c.history)));
}

// ---- #/transparency/{code} ----------------------------------------------------------------

function countTable(caption, rows, testid) {
  return h('table', { class: 'table', dataset: { testid } },
    h('caption', {}, caption),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', { class: 'num' }, String(r.count))))));
}

export async function renderTransparency(ctx) {
  const code = ctx.params.code;
  const page = h('section', { class: 'page transparency-page', dataset: { testid: 'transparency-page' } },
    h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  ctx.container.append(page);
  let s;
  try {
    s = await api.get(`/api/v1/public/orgs/${encodeURIComponent(code)}/complaints/stats`);
  } catch (e) {
    if (ctx.isCurrent()) replaceChildren(page, h('p', { class: 'form-error', role: 'alert' }, e?.status === 404 ? t('complaints.org_not_found') : errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const share = s.resolved_within_deadline_share;
  const mapBox = h('div', { class: 'map-box', id: uniqueId('complaints-map'), role: 'region', 'aria-label': t('complaints.stats.map') });
  replaceChildren(page,
    h('h1', {}, t('complaints.stats.title', { name: named(s.org) })),
    h('p', { class: 'lead' }, t('complaints.stats.period', { from: day(s.from), to: day(s.to - 1) })),
    h('dl', { class: 'facts card', dataset: { testid: 'stats-summary' } },
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.stats.total')), h('dd', { dataset: { testid: 'stats-total' } }, String(s.total))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.stats.open')), h('dd', {}, String(s.open))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.stats.median')),
        h('dd', {}, s.median_hours_to_resolve === null ? t('common.none') : t('complaints.stats.hours', { hours: s.median_hours_to_resolve.toFixed(1) }))),
      h('div', { class: 'fact' }, h('dt', {}, t('complaints.stats.in_time')),
        h('dd', {}, share === null ? t('common.none') : `${Math.round(share * 100)}%`))),
    countTable(t('complaints.stats.by_category'), s.by_category.map((r) => ({ label: named(r), count: r.count })), 'stats-category'),
    countTable(t('complaints.stats.by_month'), s.by_month.map((r) => ({ label: getLang() === 'en' ? r.name_en : r.name_th, count: r.count })), 'stats-month'),
    countTable(t('complaints.stats.by_area'), s.by_area.map((r) => ({ label: named(r) || t('complaints.stats.no_area'), count: r.count })), 'stats-area'),
    h('h2', {}, t('complaints.stats.map')),
    h('p', { class: 'hint' }, t('complaints.stats.map_note')),
    mapBox,
    h('p', {}, h('a', { class: 'button primary', href: `#/complain/${encodeURIComponent(code)}` }, t('complaints.stats.complain'))));
  try {
    const L = await loadLeaflet();
    if (!ctx.isCurrent()) return;
    const map = L.map(mapBox, { attributionControl: false, center: [13.75, 100.5], zoom: 6 });
    const points = s.points.map((p) => [p.lat, p.lon]);
    for (const p of s.points) {
      L.circleMarker([p.lat, p.lon], { radius: 8, color: '#1c2521', weight: 1, fillColor: p.open ? '#FFA200' : '#92D050', fillOpacity: 0.85,
        className: `complaint-point category-${p.category}` })
        .bindTooltip(t(`complaints.category.${p.category}`)).addTo(map);
    }
    if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
  } catch {
    mapBox.hidden = true;
  }
}

// ---- #/complaints -------------------------------------------------------------------------

export async function renderComplaints(ctx) {
  const status = h('select', { id: uniqueId('filter-status'), dataset: { testid: 'filter-status' } },
    h('option', { value: '' }, t('complaints.filter.any')),
    STATUSES.map((s) => h('option', { value: s }, t(`complaints.status.${s}`))));
  const category = h('select', { id: uniqueId('filter-category'), dataset: { testid: 'filter-category' } },
    h('option', { value: '' }, t('complaints.filter.any')),
    CATEGORIES.map((c) => h('option', { value: c }, t(`complaints.category.${c}`))));
  const overdue = h('input', { id: uniqueId('filter-overdue'), type: 'checkbox', dataset: { testid: 'filter-overdue' } });
  const from = h('input', { id: uniqueId('filter-from'), type: 'date' });
  const to = h('input', { id: uniqueId('filter-to'), type: 'date' });
  const list = h('div', { dataset: { testid: 'complaints-list' } });
  let page = 1;

  async function load() {
    const q = new URLSearchParams({ page: String(page), page_size: '20' });
    if (status.value) q.set('status', status.value);
    if (category.value) q.set('category', category.value);
    if (overdue.checked) q.set('overdue', 'true');
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    replaceChildren(list, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
    let data;
    try {
      data = await api.get(`/api/v1/complaints?${q}`);
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(list, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const pages = Math.max(1, Math.ceil(data.total / data.page_size));
    replaceChildren(list,
      h('p', { class: 'muted' }, t('complaints.list.count', { total: data.total })),
      data.items.length
        ? h('ul', { class: 'cards' }, data.items.map((c) => h('li', { class: 'card complaint-item', dataset: { tracking: c.tracking, status: c.status.code } },
          h('a', { class: 'card-title', href: `#/complaints/${c.id}` }, `${c.tracking} · ${named(c.category)}`),
          h('p', {}, statusChip(c.status), ' ',
            c.overdue ? h('span', { class: 'chip warn', dataset: { testid: 'chip-overdue' } }, t('complaints.overdue')) : null,
            c.due_soon ? h('span', { class: 'chip warn' }, t('complaints.due_soon')) : null),
          h('p', { class: 'complaint-text clamp' }, c.description),
          h('p', { class: 'hint' }, t('complaints.list.meta', { filed: when(c.created_at), deadline: day(c.deadline_at) })))))
        : h('p', { class: 'muted' }, t('complaints.list.empty')),
      pages > 1 ? h('p', { class: 'pager' },
        h('button', { type: 'button', class: 'button secondary', disabled: page <= 1, onclick: () => { page -= 1; void load(); } }, t('complaints.list.prev')),
        ` ${page} / ${pages} `,
        h('button', { type: 'button', class: 'button secondary', disabled: page >= pages, onclick: () => { page += 1; void load(); } }, t('complaints.list.next'))) : null);
  }

  ctx.container.append(h('section', { class: 'page complaints-page', dataset: { testid: 'complaints-page' } },
    h('h1', {}, t('complaints.list.title')),
    h('form', { class: 'card form filters', onsubmit: (e) => { e.preventDefault(); page = 1; void load(); } },
      field(t('complaints.status_label'), status),
      field(t('complaints.category'), category),
      h('div', { class: 'check' }, overdue, h('label', { for: overdue.id }, t('complaints.filter.overdue'))),
      field(t('complaints.filter.from'), from),
      field(t('complaints.filter.to'), to),
      h('button', { type: 'submit', class: 'button primary' }, t('complaints.filter.apply'))),
    list));
  await load();
}

// ---- #/complaints/{id} --------------------------------------------------------------------

export async function renderComplaint(ctx) {
  const id = ctx.params.id;
  const page = h('section', { class: 'page complaint-page', dataset: { testid: 'complaint-page' } },
    h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  ctx.container.append(page);
  const canWrite = ctx.me?.permissions?.includes('write');
  const myId = ctx.me?.user?.id;

  async function load() {
    let c;
    try {
      c = await api.get(`/api/v1/complaints/${encodeURIComponent(id)}`);
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(page, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'complaint-error' } });
    const act = async (fn) => {
      alert.hidden = true;
      try {
        await fn();
        await load();
      } catch (e) {
        alert.textContent = errorMessage(e);
        alert.hidden = false;
      }
    };

    // Workflow.
    const next = NEXT[c.status.code] ?? [];
    const to = h('select', { id: uniqueId('transition-status'), dataset: { testid: 'transition-status' } },
      next.map((s) => h('option', { value: s }, t(`complaints.status.${s}`))));
    const reason = h('textarea', { id: uniqueId('transition-reason'), rows: 2, dataset: { testid: 'transition-reason' } });
    const reply = h('textarea', { id: uniqueId('transition-reply'), rows: 3, dataset: { testid: 'transition-reply' } });
    const assignee = h('input', { id: uniqueId('transition-assignee'), type: 'number', min: 1, value: myId ?? '', dataset: { testid: 'transition-assignee' } });
    const workflow = next.length && canWrite ? h('form', { class: 'card form', dataset: { testid: 'transition-form' }, onsubmit: (e) => {
      e.preventDefault();
      const body = { status: to.value };
      if (to.value === 'assigned') body.assignee_user_id = Number(assignee.value);
      if (to.value === 'rejected') body.reason = reason.value;
      if (reply.value.trim()) body.public_reply = reply.value;
      void act(() => api.post(`/api/v1/complaints/${c.id}/transition`, body));
    } },
    h('h2', {}, t('complaints.detail.move')),
    field(t('complaints.detail.to'), to),
    field(t('complaints.detail.assignee'), assignee, t('complaints.detail.assignee_hint')),
    field(t('complaints.reason'), reason, t('complaints.detail.reason_hint')),
    field(t('complaints.detail.reply'), reply, t('complaints.detail.reply_hint')),
    h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'transition-submit' } }, t('complaints.detail.save'))) : null;

    // Notes.
    const noteText = h('textarea', { id: uniqueId('note-text'), rows: 3, dataset: { testid: 'note-text' } });
    const notePublic = h('input', { id: uniqueId('note-public'), type: 'checkbox', dataset: { testid: 'note-public' } });
    const notes = canWrite ? h('form', { class: 'card form', onsubmit: (e) => {
      e.preventDefault();
      void act(() => api.post(`/api/v1/complaints/${c.id}/notes`, { text: noteText.value, public: notePublic.checked }));
    } },
    h('h2', {}, t('complaints.detail.notes')),
    field(t('complaints.detail.note'), noteText),
    h('div', { class: 'check' }, notePublic, h('label', { for: notePublic.id }, t('complaints.detail.note_public'))),
    h('button', { type: 'submit', class: 'button secondary' }, t('complaints.detail.add_note'))) : null;

    // Links (plain ids until the factory and inspection registers are connected) and merge.
    const factory = h('input', { id: uniqueId('link-factory'), type: 'number', min: 1, value: c.factory_id ?? '' });
    const inspection = h('input', { id: uniqueId('link-inspection'), type: 'number', min: 1, value: c.inspection_id ?? '' });
    const links = canWrite ? h('form', { class: 'card form', onsubmit: (e) => {
      e.preventDefault();
      void act(() => api.post(`/api/v1/complaints/${c.id}/link`, {
        factory_id: factory.value ? Number(factory.value) : null,
        inspection_id: inspection.value ? Number(inspection.value) : null }));
    } },
    h('h2', {}, t('complaints.detail.links')),
    field(t('complaints.detail.factory_id'), factory),
    field(t('complaints.detail.inspection_id'), inspection),
    h('button', { type: 'submit', class: 'button secondary' }, t('complaints.detail.save'))) : null;
    const kept = h('input', { id: uniqueId('merge-kept'), type: 'text', placeholder: 'BP-2569-XXXXX' });
    const merge = canWrite && c.open ? h('form', { class: 'card form', onsubmit: (e) => {
      e.preventDefault();
      void act(async () => {
        const found = await api.get(`/api/v1/complaints?tracking=${encodeURIComponent(kept.value.trim())}`);
        if (!found.items.length) throw new api.ApiError(422, 'invalid', 'not found', 'kept_id');
        await api.post(`/api/v1/complaints/${c.id}/merge`, { kept_id: found.items[0].id });
      });
    } },
    h('h2', {}, t('complaints.detail.merge')),
    field(t('complaints.detail.kept'), kept, t('complaints.detail.merge_hint')),
    h('button', { type: 'submit', class: 'button secondary' }, t('complaints.detail.merge_submit'))) : null;

    // The resident's contact: shown on request only, and the view is audited.
    const contactBox = h('div', { dataset: { testid: 'contact-box' } });
    const contact = c.has_contact && canWrite ? h('section', { class: 'card' },
      h('h2', {}, t('complaints.detail.contact')),
      h('p', { class: 'hint' }, t('complaints.detail.contact_hint')),
      contactBox,
      h('button', { type: 'button', class: 'button secondary', onclick: () => {
        void api.post(`/api/v1/complaints/${c.id}/contact`, {}).then((p) => {
          replaceChildren(contactBox, h('dl', { class: 'facts' },
            [['complaints.form.name', p.name], ['complaints.form.email', p.email], ['complaints.form.phone', p.phone]]
              .filter(([, v]) => v).map(([k, v]) => h('div', { class: 'fact' }, h('dt', {}, t(k)), h('dd', {}, v)))));
        }, (e) => replaceChildren(contactBox, h('p', { class: 'form-error' }, errorMessage(e))));
      } }, t('complaints.detail.show_contact'))) : null;

    replaceChildren(page,
      h('p', {}, h('a', { href: '#/complaints' }, t('complaints.detail.back'))),
      h('h1', {}, `${c.tracking} · ${named(c.category)}`),
      h('p', {}, statusChip(c.status), c.overdue ? h('span', { class: 'chip warn', dataset: { testid: 'chip-overdue' } }, t('complaints.overdue')) : null),
      h('dl', { class: 'facts card' },
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.filed_at')), h('dd', {}, when(c.created_at))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.observed_at')), h('dd', {}, when(c.observed_at))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.deadline')), h('dd', {}, day(c.deadline_at))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.area')), h('dd', {}, named(c.area) || t('common.none'))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.address')), h('dd', {}, c.address || t('common.none'))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.position')), h('dd', {}, c.lat !== null ? `${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}` : t('common.none'))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.assignee')), h('dd', {}, c.assignee?.name || t('common.none'))),
        c.merged_into ? h('div', { class: 'fact' }, h('dt', {}, t('complaints.merged_into')), h('dd', {}, c.merged_into.tracking)) : null,
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.detail.factory_id')), h('dd', {}, c.factory_id ?? t('common.none'))),
        h('div', { class: 'fact' }, h('dt', {}, t('complaints.detail.inspection_id')), h('dd', {}, c.inspection_id ?? t('common.none'))),
        c.personal_erased_at ? h('div', { class: 'fact' }, h('dt', {}, t('complaints.detail.erased')), h('dd', {}, when(c.personal_erased_at))) : null),
      h('h2', {}, t('complaints.description')),
      h('p', { class: 'complaint-text', dataset: { testid: 'complaint-description' } }, c.description),
      c.photos.length ? h('div', { class: 'complaint-photos' }, c.photos.map((p) =>
        h('img', { src: `/api/v1/complaints/${c.id}/photos/${p.id}`, alt: t('complaints.detail.photo'), loading: 'lazy' }))) : null,
      // Evidence at hand: staff of the complaint's own LAO only (the server answers nobody else).
      ctx.me?.user && ctx.me?.org?.id === c.org_id ? evidencePanel(c.id) : null,
      alert,
      workflow,
      h('section', { class: 'card' },
        h('h2', {}, t('complaints.track.history')),
        h('ol', { class: 'complaint-history', dataset: { testid: 'complaint-history' } }, c.events.map((e) => h('li', { dataset: { kind: e.kind } },
          h('p', { class: 'muted' }, when(e.at), ' · ', e.actor, ' · ', h('span', { class: ['chip', e.public ? 'ok' : 'muted-chip'] },
            t(e.public ? 'complaints.detail.public' : 'complaints.detail.internal'))),
          h('p', {}, t(`complaints.event.${e.kind}`), e.status ? `: ${t(`complaints.status.${e.status.code}`)}` : '', e.text ? ` — ${e.text}` : ''))))),
      notes, links, merge, contact);
  }
  await load();
}
