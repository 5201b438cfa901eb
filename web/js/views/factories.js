// The factory registry of an LAO:
//   #/factories              the list (GET /api/v1/factories with filters, keyset paging), the
//                            licences expiring within 60 days (GET /api/v1/licences/expiring) and
//                            CSV/XLSX export links (GET /api/v1/factories/export); the LAO
//                            administrator sets the e-mail reminders before expiry there
//                            (GET/PUT /api/v1/licences/reminders/settings)
//   #/factories/new          the add form (POST /api/v1/factories)
//   #/factories/import       the DIW CSV upload (POST /api/v1/factories/import) with its row report
//   #/factories/{id}         the detail: registration, licences, emission sources, outlets and the
//                            sensitive receptors nearby (GET /api/v1/factories/{id}/receptors)
//                            with add and edit forms for emission sources (POST/PUT
//                            .../emission-sources), outlets (.../outlets) and receptors (.../receptors)
//   #/factories/{id}/edit    the edit form (PUT /api/v1/factories/{id})
// Field errors (422/409 with a field) are shown next to the field, in Thai or English from the
// locale files.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { formatThaiDate } from '../dates.js';
import { definitionList, h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage, fieldLabel } from '../errors.js';
import { getLang, has, t, tOr } from '../i18n.js';
import { fieldForm, numberValue, optional, select, textInput } from './form_kit.js';

// Keep in step with src/modules/factories/factory.cc.
export const STATUSES = ['operating', 'suspended', 'closed'];
export const LICENCE_KINDS = ['ph_hazardous_business', 'ph_notification_certificate', 'factory_rg4', 'factory_notification'];
export const RECEPTOR_KINDS = ['school', 'hospital', 'health_centre', 'temple', 'market', 'community'];
const REMINDER_DAYS = 60;

// Filters survive a re-render (a language switch) and coming back from a detail page.
const last = { q: '', status: '', category: '', type: '' };

const canWrite = (ctx) => Boolean(ctx.me?.permissions?.includes('write'));

function dateText(value) {
  if (!value) return t('common.none');
  try {
    return h('time', { datetime: value }, formatThaiDate(value, { lang: getLang(), abbreviated: true }));
  } catch {
    return value;
  }
}

function numberText(value, digits = 0) {
  if (value === null || value === undefined) return t('common.none');
  return Number(value).toLocaleString(getLang() === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: digits });
}

function statusChip(status) {
  const cls = { operating: 'ok', suspended: 'warn', closed: 'muted-chip' }[status] ?? null;
  return h('li', { class: ['chip', cls], dataset: { testid: 'factory-status' } }, tOr(`factories.status.${status}`, status));
}

function daysUntil(date) {
  const today = new Date(new Date().toLocaleString('en-US', { timeZone: 'Asia/Bangkok' }));
  today.setHours(0, 0, 0, 0);
  const [y, m, d] = date.split('-').map(Number);
  return Math.round((new Date(y, m - 1, d) - today) / 86400000);
}

// ---- list ----

function factoryCard(f) {
  return h('li', { class: ['card', 'factory', f.status !== 'operating' && 'inactive'], dataset: { id: String(f.id) } },
    h('h3', { class: 'card-title' },
      h('a', { href: `#/factories/${encodeURIComponent(f.id)}`, dataset: { testid: 'factory-link' } }, f.name)),
    f.registration_no ? h('p', { class: 'mono muted' }, f.registration_no) : null,
    h('ul', { class: 'chips' },
      statusChip(f.status),
      f.type_display ? h('li', { class: 'chip accent' }, t('factories.type_short', { type: f.type_display })) : null,
      f.category ? h('li', { class: 'chip' }, t('factories.category_short', { category: f.category })) : null),
    f.business ? h('p', {}, f.business) : null);
}

function reminders(items) {
  if (!items.length) {
    return h('p', { class: 'muted', dataset: { testid: 'licence-reminders-empty' } },
      t('factories.reminders.none', { days: REMINDER_DAYS }));
  }
  return h('ul', { class: 'cards', dataset: { testid: 'licence-reminders' } }, items.map((l) => {
    const days = daysUntil(l.expires_on);
    return h('li', { class: ['card', days <= 30 && 'warn'], dataset: { testid: 'licence-reminder' } },
      h('p', {}, h('a', { href: `#/factories/${encodeURIComponent(l.factory_id)}` }, l.factory_name)),
      h('p', {}, tOr(`factories.licence.kind.${l.kind}`, l.kind), ' ', h('span', { class: 'mono' }, l.number)),
      h('p', { class: 'muted' }, t('factories.reminders.expires', { days }), ' · ', dateText(l.expires_on)));
  }));
}

// The LAO administrator's e-mail reminders before licences expire (GET/PUT
// /api/v1/licences/reminders/settings): thresholds in days and the recipients.
function reminderSettings(ctx) {
  const area = h('div', { dataset: { testid: 'reminder-settings' } });
  const state = h('p', { class: 'muted', dataset: { testid: 'reminder-settings-state' } });
  const days = textInput('days', { placeholder: '90, 30, 7', dataset: { testid: 'reminder-days' } });
  const recipients = h('textarea', { name: 'recipients', rows: '2', dataset: { testid: 'reminder-recipients' } });
  const enabled = h('input', { type: 'checkbox', id: uniqueId('rem-enabled'), checked: true });
  const show = (settings) => {
    state.textContent = settings.configured && settings.enabled
      ? t('factories.reminders.settings_state', { days: settings.days.join(', '), to: settings.recipients.join(', ') })
      : t('factories.reminders.settings_off');
    if (settings.configured) {
      days.value = settings.days.join(', ');
      recipients.value = settings.recipients.join('\n');
      enabled.checked = settings.enabled;
    }
  };
  const list = (text) => text.split(/[\s,;]+/).filter(Boolean);
  const { form } = fieldForm({
    prefix: 'factories.reminders', testid: 'reminder-form', submitLabel: t('factories.save'),
    fields: [
      { name: 'days', label: t('factories.reminders.days'), input: days, hint: t('factories.reminders.days_hint') },
      { name: 'recipients', label: t('factories.reminders.recipients'), input: recipients, hint: t('factories.reminders.recipients_hint') },
    ],
    onSubmit: async () => {
      const numbers = list(days.value).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
      show(await api.put('/api/v1/licences/reminders/settings',
        { days: numbers, recipients: list(recipients.value), enabled: enabled.checked }));
    },
  });
  form.prepend(h('div', { class: 'check' }, enabled, h('label', { for: enabled.id }, t('factories.reminders.enabled'))));
  api.get('/api/v1/licences/reminders/settings').then((settings) => { if (ctx.isCurrent()) show(settings); })
    .catch((e) => { if (ctx.isCurrent()) state.textContent = errorMessage(e); });
  area.append(state, h('details', {}, h('summary', {}, t('factories.reminders.settings')), form));
  return area;
}

export async function renderFactories(ctx) {
  const ids = { q: uniqueId('f-q'), status: uniqueId('f-status'), category: uniqueId('f-category'), type: uniqueId('f-type') };
  const q = h('input', { id: ids.q, type: 'search', name: 'q', maxlength: '200', autocomplete: 'off',
    dataset: { testid: 'factories-search' } });
  q.value = last.q;
  const status = h('select', { id: ids.status, name: 'status' }, h('option', { value: '' }, t('factories.filter.any')),
    STATUSES.map((s) => h('option', { value: s }, t(`factories.status.${s}`))));
  status.value = last.status;
  const category = h('select', { id: ids.category, name: 'category' }, h('option', { value: '' }, t('factories.filter.any')),
    [1, 2, 3].map((c) => h('option', { value: String(c) }, t('factories.category_short', { category: c }))));
  category.value = last.category;
  const type = h('input', { id: ids.type, name: 'type', inputmode: 'numeric', maxlength: '5', placeholder: '00906',
    autocomplete: 'off' });
  type.value = last.type;
  const form = h('form', { class: 'form filters', role: 'search', dataset: { testid: 'factories-filters' } },
    h('div', { class: 'field' }, h('label', { for: ids.q }, t('factories.filter.q')), q),
    h('div', { class: 'field' }, h('label', { for: ids.status }, t('factories.filter.status')), status),
    h('div', { class: 'field' }, h('label', { for: ids.category }, t('factories.filter.category')), category),
    h('div', { class: 'field' }, h('label', { for: ids.type }, t('factories.filter.type')), type),
    h('button', { type: 'submit', class: 'button primary' }, t('factories.filter.submit')));
  const listArea = h('div', { dataset: { testid: 'factories-list-area' } }, h('p', { class: 'muted' }, t('shell.loading')));
  const more = h('button', { type: 'button', class: 'button', hidden: true, dataset: { testid: 'factories-more' } },
    t('factories.more'));
  const reminderArea = h('div', {}, h('p', { class: 'muted' }, t('shell.loading')));
  const exportLinks = h('p', { class: 'hint' });

  ctx.container.append(h('section', { class: 'page factories-page' },
    h('h1', {}, t('factories.title')),
    h('p', { class: 'lead' }, t('factories.intro')),
    canWrite(ctx)
      ? h('p', { class: 'card-actions' },
        h('a', { class: 'button primary', href: '#/factories/new', dataset: { testid: 'factory-add-link' } }, t('factories.add')),
        ' ',
        h('a', { class: 'button', href: '#/factories/import', dataset: { testid: 'factory-import-link' } }, t('factories.import.link')))
      : null,
    h('section', { 'aria-labelledby': 'f-rem-title', class: 'card' },
      h('h2', { id: 'f-rem-title' }, t('factories.reminders.title', { days: REMINDER_DAYS })), reminderArea,
      ctx.me?.role === 'lao-admin' ? reminderSettings(ctx) : null),
    form,
    listArea,
    more,
    exportLinks));

  const params = () => {
    const p = new URLSearchParams();
    if (last.q) p.set('q', last.q);
    if (last.status) p.set('status', last.status);
    if (last.category) p.set('category', last.category);
    if (last.type) p.set('type', last.type);
    return p;
  };
  let after = null;
  let list = null;
  async function load(append) {
    const p = params();
    p.set('limit', '50');
    if (append && after) p.set('after', String(after));
    try {
      const page = await api.get(`/api/v1/factories?${p}`);
      if (!ctx.isCurrent()) return;
      if (!append || !list) {
        list = h('ul', { class: 'cards', dataset: { testid: 'factories-list' } });
        replaceChildren(listArea, page.items.length ? list
          : h('p', { class: 'muted', dataset: { testid: 'factories-empty' } }, t('factories.empty')));
      }
      for (const f of page.items) list.append(factoryCard(f));
      after = page.next_after;
      more.hidden = !after;
      const csv = params();
      csv.set('format', 'csv');
      const xlsx = params();
      xlsx.set('format', 'xlsx');
      replaceChildren(exportLinks, t('factories.export'), ' ',
        h('a', { href: `/api/v1/factories/export?${csv}`, download: 'factories.csv', dataset: { testid: 'export-csv' } }, 'CSV'),
        ' · ',
        h('a', { href: `/api/v1/factories/export?${xlsx}`, download: 'factories.xlsx', dataset: { testid: 'export-xlsx' } }, 'XLSX'));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(listArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    last.q = q.value.trim();
    last.status = status.value;
    last.category = category.value;
    last.type = type.value.trim();
    after = null;
    void load(false);
  });
  more.addEventListener('click', () => void load(true));

  const remindersLoad = api.get(`/api/v1/licences/expiring?days=${REMINDER_DAYS}`)
    .then((data) => { if (ctx.isCurrent()) replaceChildren(reminderArea, reminders(data.items)); })
    .catch((e) => { if (ctx.isCurrent()) replaceChildren(reminderArea, h('p', { class: 'form-error' }, errorMessage(e))); });
  await Promise.all([load(false), remindersLoad]);
}

// ---- add and edit form ----

const FORM_FIELDS = [
  ['name', 'text', { required: true, maxlength: '300' }],
  ['registration_no', 'text', { maxlength: '40', placeholder: '3-52(1)-2/60รบ', spellcheck: 'false' }],
  ['registration_no14', 'text', { maxlength: '14', inputmode: 'numeric', spellcheck: 'false' }],
  ['type_code', 'text', { maxlength: '5', inputmode: 'numeric', placeholder: '00906' }],
  ['category', 'select', {}],
  ['status', 'select', {}],
  ['business', 'textarea', { maxlength: '2000' }],
  ['operator_name', 'text', { maxlength: '300' }],
  ['products', 'text', { maxlength: '2000' }],
  ['capital_thb', 'number', { inputmode: 'decimal' }],
  ['workers', 'number', { inputmode: 'numeric' }],
  ['horsepower', 'number', { inputmode: 'decimal' }],
  ['address', 'textarea', { maxlength: '1000' }],
  ['subdistrict_code', 'text', { maxlength: '6', inputmode: 'numeric' }],
  ['lat', 'number', { inputmode: 'decimal' }],
  ['lon', 'number', { inputmode: 'decimal' }],
  ['phone', 'text', { maxlength: '100', inputmode: 'tel' }],
  ['contact_name', 'text', { maxlength: '200' }],
  ['contact_email', 'text', { maxlength: '200', inputmode: 'email' }],
  ['registered_on', 'date', {}],
];
const NUMERIC = new Set(['capital_thb', 'workers', 'horsepower', 'lat', 'lon', 'category']);

function fieldError(error) {
  const key = `factories.error.${error.status === 409 ? 'conflict.' : ''}${error.field}`;
  return has(key) ? t(key) : errorMessage(error);
}

function factoryForm(ctx, existing) {
  const ids = Object.fromEntries(FORM_FIELDS.map(([f]) => [f, uniqueId(`factory-${f}`)]));
  const inputs = {};
  const errors = {};
  const rows = FORM_FIELDS.map(([f, kind, extra]) => {
    let input;
    if (kind === 'select' && f === 'category') {
      input = h('select', { id: ids[f], name: f }, h('option', { value: '' }, t('factories.category_none')),
        [1, 2, 3].map((c) => h('option', { value: String(c) }, t('factories.category_short', { category: c }))));
    } else if (kind === 'select') {
      input = h('select', { id: ids[f], name: f }, STATUSES.map((s) => h('option', { value: s }, t(`factories.status.${s}`))));
    } else if (kind === 'textarea') {
      input = h('textarea', { id: ids[f], name: f, rows: '2', ...extra });
    } else {
      input = h('input', { id: ids[f], name: f, type: kind === 'number' ? 'text' : kind, autocomplete: 'off', ...extra });
    }
    const value = existing?.[f];
    if (value !== null && value !== undefined) input.value = String(value);
    inputs[f] = input;
    errors[f] = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: `factory-error-${f}` } });
    input.setAttribute('aria-describedby', `${ids[f]}-err`);
    errors[f].id = `${ids[f]}-err`;
    return h('div', { class: 'field' }, h('label', { for: ids[f] }, t(`factories.field.${f}`)), input, errors[f]);
  });
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'factory-form-alert' } });
  const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'factory-submit' } },
    t(existing ? 'factories.form.save' : 'factories.form.submit'));
  const form = h('form', { class: 'form', novalidate: true, dataset: { testid: 'factory-form' } },
    rows, alert, h('div', { class: 'card-actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of Object.keys(errors)) {
      errors[f].hidden = true;
      inputs[f].removeAttribute('aria-invalid');
    }
    alert.hidden = true;
    const body = {};
    for (const [f] of FORM_FIELDS) {
      const raw = inputs[f].value.trim();
      if (!raw) continue;
      if (NUMERIC.has(f)) {
        const n = Number(raw.replace(',', '.'));
        if (!Number.isFinite(n)) {
          errors[f].textContent = t('factories.error.not_a_number', { field: t(`factories.field.${f}`) });
          errors[f].hidden = false;
          inputs[f].setAttribute('aria-invalid', 'true');
          inputs[f].focus();
          return;
        }
        body[f] = n;
      } else {
        body[f] = raw;
      }
    }
    submit.disabled = true;
    try {
      const saved = existing
        ? await api.put(`/api/v1/factories/${encodeURIComponent(existing.id)}`, body)
        : await api.post('/api/v1/factories', body);
      if (ctx.isCurrent()) ctx.navigate(`/factories/${saved.id}`);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      submit.disabled = false;
      if (e.field && errors[e.field]) {
        errors[e.field].textContent = fieldError(e);
        errors[e.field].hidden = false;
        inputs[e.field].setAttribute('aria-invalid', 'true');
        inputs[e.field].focus();
      } else {
        alert.textContent = e.field ? `${fieldLabel(e.field)}: ${errorMessage(e)}` : errorMessage(e);
        alert.hidden = false;
      }
    }
  });
  return form;
}

export async function renderFactoryNew(ctx) {
  ctx.container.append(h('section', { class: 'page narrow' },
    h('p', {}, h('a', { href: '#/factories' }, t('factories.back'))),
    h('h1', {}, t('factories.add')),
    h('p', { class: 'hint' }, t('factories.form.hint')),
    factoryForm(ctx, null)));
}

export async function renderFactoryEdit(ctx) {
  let factory;
  try {
    factory = await api.get(`/api/v1/factories/${encodeURIComponent(ctx.params.id)}`);
  } catch (e) {
    if (ctx.isCurrent()) ctx.container.append(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.container.append(h('section', { class: 'page narrow' },
    h('p', {}, h('a', { href: `#/factories/${encodeURIComponent(factory.id)}` }, t('factories.back_detail'))),
    h('h1', {}, t('factories.edit_title', { name: factory.name })),
    factoryForm(ctx, factory)));
}

// ---- detail ----

function licenceForm(ctx, factoryId, onAdded) {
  const ids = { kind: uniqueId('lic-kind'), number: uniqueId('lic-number'), issuer: uniqueId('lic-issuer'),
    issued_on: uniqueId('lic-issued'), expires_on: uniqueId('lic-expires') };
  const kind = h('select', { id: ids.kind, name: 'kind' },
    LICENCE_KINDS.map((k) => h('option', { value: k }, t(`factories.licence.kind.${k}`))));
  const number = h('input', { id: ids.number, name: 'number', maxlength: '100', required: true });
  const issuer = h('input', { id: ids.issuer, name: 'issuer', maxlength: '300' });
  const issued = h('input', { id: ids.issued_on, name: 'issued_on', type: 'date' });
  const expires = h('input', { id: ids.expires_on, name: 'expires_on', type: 'date' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'licence-error' } });
  const form = h('form', { class: 'form', dataset: { testid: 'licence-form' } },
    h('div', { class: 'field' }, h('label', { for: ids.kind }, t('factories.licence.kind_label')), kind),
    h('div', { class: 'field' }, h('label', { for: ids.number }, t('factories.licence.number')), number),
    h('div', { class: 'field' }, h('label', { for: ids.issuer }, t('factories.licence.issuer')), issuer),
    h('div', { class: 'field' }, h('label', { for: ids.issued_on }, t('factories.licence.issued_on')), issued),
    h('div', { class: 'field' }, h('label', { for: ids.expires_on }, t('factories.licence.expires_on')), expires),
    error,
    h('button', { type: 'submit', class: 'button primary' }, t('factories.licence.add')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const body = { kind: kind.value, number: number.value.trim(), issuer: issuer.value.trim() };
    if (issued.value) body.issued_on = issued.value;
    if (expires.value) body.expires_on = expires.value;
    try {
      await api.post(`/api/v1/factories/${encodeURIComponent(factoryId)}/licences`, body);
      if (ctx.isCurrent()) await onAdded();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      const label = e.field && has(`factories.licence.${e.field}`) ? t(`factories.licence.${e.field}`) : fieldLabel(e.field ?? '');
      error.textContent = e.field ? `${label}: ${errorMessage(e)}` : errorMessage(e);
      error.hidden = false;
    }
  });
  return form;
}

// ---- emission sources, outlets and receptors: one form shape for adding and editing ----

// "pm:1.2, so2:0.4" -> [{pollutant, rate_g_s}]; the text itself when it does not read (the server
// then names the field).
function parsePollutants(text) {
  const parts = text.split(',').map((x) => x.trim()).filter(Boolean);
  const out = [];
  for (const part of parts) {
    const m = /^([a-z0-9_]+)\s*[:=]\s*([0-9]+(?:[.,][0-9]+)?)$/i.exec(part);
    if (!m) return text;
    out.push({ pollutant: m[1].toLowerCase(), rate_g_s: Number(m[2].replace(',', '.')) });
  }
  return out;
}
const pollutantsText = (list) => (list ?? []).map((p) => `${p.pollutant}:${p.rate_g_s}`).join(', ');

const SOURCE_FIELDS = [
  { name: 'name', label: 'factories.source.name' },
  { name: 'stack_height_m', label: 'factories.source.height', number: true },
  { name: 'inner_diameter_m', label: 'factories.source.diameter', number: true },
  { name: 'exit_velocity_m_s', label: 'factories.source.velocity', number: true },
  { name: 'exit_temperature_c', label: 'factories.source.temperature', number: true,
    value: (r) => (r.exit_temperature_c === undefined ? '' : String(Math.round(r.exit_temperature_c * 100) / 100)) },
  { name: 'fuel', label: 'factories.source.fuel' },
  { name: 'pollutants', label: 'factories.source.pollutants', hint: 'factories.source.pollutants_hint',
    value: (r) => pollutantsText(r.pollutants), read: (input) => (input.value.trim() ? parsePollutants(input.value) : []) },
  { name: 'lat', label: 'factories.geo.lat', number: true },
  { name: 'lon', label: 'factories.geo.lon', number: true },
];
const OUTLET_FIELDS = [
  { name: 'name', label: 'factories.outlet.name' },
  { name: 'receiving_water', label: 'factories.outlet.water' },
  { name: 'treatment', label: 'factories.outlet.treatment' },
  { name: 'flow_m3_day', label: 'factories.outlet.flow', number: true },
  { name: 'lat', label: 'factories.geo.lat', number: true },
  { name: 'lon', label: 'factories.geo.lon', number: true },
];
const RECEPTOR_FIELDS = [
  { name: 'kind', label: 'factories.receptors.kind', options: () => RECEPTOR_KINDS.map((k) => [k, t(`receptors.kind.${k}`)]) },
  { name: 'name', label: 'factories.receptors.name' },
  { name: 'lat', label: 'factories.geo.lat', number: true },
  { name: 'lon', label: 'factories.geo.lon', number: true },
  { name: 'people', label: 'factories.receptors.people', number: true },
  { name: 'notes', label: 'factories.receptors.notes' },
];

/**
 * The form of one record, filled from `record` when editing (every field is sent, so a PUT
 * replaces the record whole). send(body) posts or puts; onSaved() reloads the section.
 */
function recordForm(ctx, { prefix, testid, fields, record, submitLabel, send, onSaved }) {
  const built = fields.map((f) => {
    const raw = record ? (f.value ? f.value(record) : record[f.name]) : '';
    const value = raw === null || raw === undefined ? '' : String(raw);
    const input = f.options ? select(f.name, f.options(), value || f.options()[0][0])
      : textInput(f.name, { value, inputmode: f.number ? 'decimal' : undefined, dataset: { testid: `${testid}-${f.name}` } });
    return { ...f, input };
  });
  const { form } = fieldForm({
    prefix, testid, submitLabel,
    fields: built.map((f) => ({ name: f.name, label: t(f.label), input: f.input, hint: f.hint ? t(f.hint) : undefined })),
    onSubmit: async () => {
      const body = {};
      for (const f of built) {
        const v = f.read ? f.read(f.input) : f.number ? numberValue(f.input) : f.options ? f.input.value : optional(f.input);
        if (v !== undefined) body[f.name] = v;
        else if (record && !f.number) body[f.name] = '';  // a cleared text field is cleared on the server too
      }
      try {
        await send(body);
      } catch (e) {
        // "pollutants[1].rate_g_s" is shown at the pollutants field.
        if (e instanceof ApiError && e.field) e.field = e.field.replace(/\[.*$/, '');
        throw e;
      }
      if (ctx.isCurrent()) await onSaved();
    },
  });
  return form;
}

/** The "edit" button of a row: shows the record's form in `editor`, replacing what was there. */
function editButton(testid, label, onClick) {
  return h('button', { type: 'button', class: 'button secondary small', dataset: { testid }, onclick: onClick }, label);
}

function table(headers, rows, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table', dataset: { testid } },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows)));
}

export async function renderFactory(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  let factory;
  try {
    factory = await api.get(`/api/v1/factories/${id}`);
  } catch (e) {
    if (ctx.isCurrent()) ctx.container.append(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const licences = h('div', {}, t('shell.loading'));
  const sources = h('div', {}, t('shell.loading'));
  const outlets = h('div', {}, t('shell.loading'));
  const receptors = h('div', {}, t('shell.loading'));
  const canRead = Boolean(ctx.me?.permissions?.includes('read'));
  const timeline = canRead ? h('div', { dataset: { testid: 'factory-timeline' } }, t('shell.loading')) : null;
  const f = factory;
  ctx.container.append(h('section', { class: 'page factory-page', dataset: { testid: 'factory-detail' } },
    h('p', {}, h('a', { href: '#/factories' }, t('factories.back'))),
    h('h1', {}, f.name),
    h('ul', { class: 'chips' }, statusChip(f.status)),
    canWrite(ctx) ? h('p', {}, h('a', { class: 'button', href: `#/factories/${id}/edit`, dataset: { testid: 'factory-edit-link' } },
      t('factories.edit'))) : null,
    timeline ? h('section', { class: 'card' }, h('h2', {}, t('factories.section.timeline')), timeline) : null,
    h('section', { class: 'card' }, h('h2', {}, t('factories.section.registration')), definitionList([
      [t('factories.field.registration_no'), f.registration_no ?? t('common.none')],
      [t('factories.field.registration_no14'), f.registration_no14 ?? t('common.none')],
      [t('factories.field.type_code'), f.type_code ? `${f.type_display} (${f.type_code})${f.type_description ? ` ${f.type_description}` : ''}` : t('common.none')],
      [t('factories.field.category'), f.category ? t('factories.category_short', { category: f.category }) : t('common.none')],
      [t('factories.field.business'), f.business || t('common.none')],
      [t('factories.field.operator_name'), f.operator_name || t('common.none')],
      [t('factories.field.products'), f.products || t('common.none')],
      [t('factories.field.capital_thb'), numberText(f.capital_thb)],
      [t('factories.field.workers'), numberText(f.workers)],
      [t('factories.field.horsepower'), numberText(f.horsepower, 1)],
      [t('factories.field.address'), f.address || t('common.none')],
      [t('factories.field.subdistrict_code'), f.subdistrict_code ?? t('common.none')],
      [t('factories.location'), f.lat !== null ? `${Number(f.lat).toFixed(5)}, ${Number(f.lon).toFixed(5)}` : t('common.none')],
      [t('factories.field.phone'), f.phone || t('common.none')],
      [t('factories.field.contact_name'), f.contact_name || t('common.none')],
      [t('factories.field.registered_on'), dateText(f.registered_on)],
    ])),
    h('section', { class: 'card' }, h('h2', {}, t('factories.section.licences')), licences),
    h('section', { class: 'card' }, h('h2', {}, t('factories.section.sources')), sources),
    h('section', { class: 'card' }, h('h2', {}, t('factories.section.outlets')), outlets),
    h('section', { class: 'card' }, h('h2', {}, t('factories.section.receptors', { metres: '2,000' })), receptors)));

  async function loadLicences() {
    const data = await api.get(`/api/v1/factories/${id}/licences`);
    if (!ctx.isCurrent()) return;
    replaceChildren(licences,
      data.items.length ? table([t('factories.licence.kind_label'), t('factories.licence.number'), t('factories.licence.issuer'),
        t('factories.licence.expires_on')], data.items.map((l) => h('tr', { dataset: { testid: 'licence-row' } },
        h('td', {}, t(`factories.licence.kind.${l.kind}`)), h('td', { class: 'mono' }, l.number), h('td', {}, l.issuer),
        h('td', {}, l.expires_on ? dateText(l.expires_on) : t('factories.licence.no_expiry')))), 'licences')
        : h('p', { class: 'muted' }, t('factories.licence.none')),
      canWrite(ctx) ? h('details', {}, h('summary', {}, t('factories.licence.add')), licenceForm(ctx, f.id, loadLicences)) : null);
  }
  // The list of one kind of record with an edit button per row and an add form under it.
  function editableList(area, { items, headers, cells, kind, fields, prefix, path, itemPath, reload, none }) {
    const write = canWrite(ctx);
    const editor = h('div', { dataset: { testid: `${kind}-editor` } });
    const formFor = (record) => recordForm(ctx, {
      prefix, testid: `${kind}-form`, fields, record,
      submitLabel: t(record ? 'factories.save' : `${prefix}.add`),
      send: (body) => (record ? api.put(itemPath(record.id), body) : api.post(path, body)),
      onSaved: reload,
    });
    replaceChildren(area,
      items.length ? table([...headers, ...(write ? [''] : [])], items.map((r) => h('tr', { dataset: { testid: `${kind}-row`, id: String(r.id) } },
        ...cells(r),
        write ? h('td', {}, editButton(`${kind}-edit-${r.id}`, t('factories.edit_row'), () => {
          replaceChildren(editor, h('h3', {}, t(`${prefix}.edit_title`, { name: r.name })), formFor(r));
          editor.scrollIntoView({ block: 'nearest' });
        })) : null)), `${kind}s`) : h('p', { class: 'muted' }, t(none)),
      editor,
      write ? h('details', {}, h('summary', {}, t(`${prefix}.add`)), formFor(null)) : null);
  }
  async function loadSources() {
    const data = await api.get(`/api/v1/factories/${id}/emission-sources`);
    if (!ctx.isCurrent()) return;
    editableList(sources, {
      items: data.items, kind: 'source', prefix: 'factories.source', fields: SOURCE_FIELDS, none: 'factories.source.none',
      path: `/api/v1/factories/${id}/emission-sources`, itemPath: (rid) => `/api/v1/emission-sources/${rid}`, reload: loadSources,
      headers: [t('factories.source.name'), t('factories.source.height'), t('factories.source.diameter'), t('factories.source.velocity'),
        t('factories.source.temperature'), t('factories.source.fuel'), t('factories.source.pollutants')],
      cells: (s) => [h('td', {}, s.name), h('td', { class: 'num' }, numberText(s.stack_height_m, 1)),
        h('td', { class: 'num' }, numberText(s.inner_diameter_m, 2)), h('td', { class: 'num' }, numberText(s.exit_velocity_m_s, 1)),
        h('td', { class: 'num' }, numberText(s.exit_temperature_c, 1)), h('td', {}, s.fuel),
        h('td', {}, s.pollutants.map((p) => `${tOr(`factories.pollutant.${p.pollutant}`, p.pollutant)} ${p.rate_g_s} g/s`).join(', '))],
    });
  }
  async function loadOutlets() {
    const data = await api.get(`/api/v1/factories/${id}/outlets`);
    if (!ctx.isCurrent()) return;
    editableList(outlets, {
      items: data.items, kind: 'outlet', prefix: 'factories.outlet', fields: OUTLET_FIELDS, none: 'factories.outlet.none',
      path: `/api/v1/factories/${id}/outlets`, itemPath: (rid) => `/api/v1/outlets/${rid}`, reload: loadOutlets,
      headers: [t('factories.outlet.name'), t('factories.outlet.water'), t('factories.outlet.treatment'), t('factories.outlet.flow')],
      cells: (o) => [h('td', {}, o.name), h('td', {}, o.receiving_water), h('td', {}, o.treatment),
        h('td', { class: 'num' }, numberText(o.flow_m3_day, 1))],
    });
  }
  async function loadReceptors() {
    if (f.lat === null || f.lat === undefined) {
      replaceChildren(receptors, h('p', { class: 'muted' }, t('factories.receptors.no_location')));
      return;
    }
    try {
      const data = await api.get(`/api/v1/factories/${id}/receptors?within_m=2000`);
      if (!ctx.isCurrent()) return;
      // Receptors belong to the LAO, not the factory: a new one is added to the factory's LAO.
      editableList(receptors, {
        items: data.items, kind: 'receptor', prefix: 'factories.receptors', fields: RECEPTOR_FIELDS, none: 'factories.receptors.none',
        path: '/api/v1/receptors', itemPath: (rid) => `/api/v1/receptors/${rid}`, reload: loadReceptors,
        headers: [t('factories.receptors.kind'), t('factories.receptors.name'), t('factories.receptors.distance'), t('factories.receptors.people')],
        cells: (r) => [h('td', {}, t(`receptors.kind.${r.kind}`)), h('td', {}, r.name),
          h('td', { class: 'num' }, t('factories.receptors.metres', { m: numberText(r.distance_m) })), h('td', { class: 'num' }, numberText(r.people))],
      });
    } catch (e) {
      // A factory representative may not see the LAO's receptors.
      if (ctx.isCurrent()) replaceChildren(receptors, h('p', { class: 'muted' }, errorMessage(e)));
    }
  }
  // Compliance status in words, then everything the LAO knows about the factory, newest first.
  async function loadTimeline() {
    const data = await api.get(`/api/v1/factories/${id}/timeline`);
    if (!ctx.isCurrent()) return;
    const level = data.compliance.level;
    const lang = getLang();
    const link = (e) => {
      switch (e.kind) {
        case 'inspection_planned': case 'inspection_signed_off': return `#/inspections/${e.ref_id}`;
        case 'action_due': case 'action_closed': return '#/actions';
        case 'clinic_case': return `#/clinic/cases/${e.ref_id}`;
        case 'complaint': return `#/complaints/${e.ref_id}`;
        default: return null;
      }
    };
    replaceChildren(timeline,
      h('p', { class: `compliance compliance-${level}`, dataset: { testid: 'compliance-level' } }, t(`factories.compliance.${level}`)),
      data.compliance.reasons.length ? h('ul', { class: 'compliance-reasons' },
        data.compliance.reasons.map((r) => h('li', {}, lang === 'en' ? r.en : r.th))) : null,
      data.events.length ? h('ol', { class: 'timeline' }, data.events.map((e) => {
        const href = link(e);
        const title = href ? h('a', { href }, e.title) : e.title;
        return h('li', { dataset: { testid: 'timeline-event', kind: e.kind } },
          h('span', { class: 'timeline-date' }, dateText(e.date)), ' ',
          h('span', { class: 'chip' }, t(`factories.timeline.${e.kind}`)), ' ', title,
          e.status ? h('span', { class: 'muted' }, ` · ${tOr(`factories.timeline.status.${e.status}`, e.status)}`) : null);
      })) : h('p', { class: 'muted' }, t('factories.timeline.none')));
  }
  const guard = (fn, area) => fn().catch((e) => { if (ctx.isCurrent()) replaceChildren(area, h('p', { class: 'form-error' }, errorMessage(e))); });
  await Promise.all([guard(loadLicences, licences), guard(loadSources, sources), guard(loadOutlets, outlets), loadReceptors(),
    timeline ? guard(loadTimeline, timeline) : null]);
}

// ---- import ----

export async function renderFactoryImport(ctx) {
  const fileId = uniqueId('import-file');
  const file = h('input', { id: fileId, type: 'file', name: 'file', accept: '.csv,text/csv', dataset: { testid: 'import-file' } });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'import-error' } });
  const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'import-submit' } }, t('factories.import.submit'));
  const reportArea = h('div', { dataset: { testid: 'import-report-area' } });
  const form = h('form', { class: 'form', dataset: { testid: 'import-form' } },
    h('div', { class: 'field' }, h('label', { for: fileId }, t('factories.import.file')), file), error, submit);
  ctx.container.append(h('section', { class: 'page' },
    h('p', {}, h('a', { href: '#/factories' }, t('factories.back'))),
    h('h1', {}, t('factories.import.title')),
    h('p', { class: 'lead' }, t('factories.import.intro')),
    form, reportArea));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) {
      error.textContent = t('factories.import.no_file');
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      const report = await api.postText('/api/v1/factories/import', await chosen.text(), 'text/csv; charset=utf-8');
      if (!ctx.isCurrent()) return;
      replaceChildren(reportArea,
        h('p', { class: 'notice ok', role: 'status', dataset: { testid: 'import-summary' } },
          t('factories.import.summary', { accepted: report.accepted, updated: report.updated, rejected: report.rejected })),
        table([t('factories.import.line'), t('factories.import.outcome'), t('factories.field.registration_no'), t('factories.field.name'),
          t('factories.import.reason')], report.rows.map((r) => h('tr', { dataset: { testid: 'import-row', outcome: r.outcome } },
          h('td', { class: 'num' }, String(r.line)), h('td', {}, t(`factories.import.outcome_${r.outcome}`)),
          h('td', { class: 'mono' }, r.registration), h('td', {}, r.factory_id ? h('a', { href: `#/factories/${r.factory_id}` }, r.name) : r.name),
          h('td', {}, r.outcome === 'rejected' ? `${r.column || fieldLabel(r.field)}: ${r.reason}` : (r.notes ?? []).join('; ')))), 'import-report'));
    } catch (e) {
      if (ctx.isCurrent()) {
        error.textContent = errorMessage(e);
        error.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });
}
