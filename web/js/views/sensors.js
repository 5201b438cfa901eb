// #/sensors: the dust sensors of my organisation (GET /api/v1/sensors[?status=...]) as cards, a
// status filter and, with the "write" permission, a form to register one (POST /api/v1/sensors)
// and a maintenance toggle on each card (PATCH /api/v1/sensors/{id} {"maintenance": bool}).
// Field errors from the server (422 invalid / 409 conflict with a field) are shown next to that
// field as Thai/English sentences from the locale files, never as the server's English message.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, has, t, tOr } from '../i18n.js';

// Keep in step with src/modules/sensors/sensor.cc.
export const MODELS = ['sds011', 'plantower-pms', 'sps30', 'airgradient', 'purpleair', 'reference-bam', 'reference-teom', 'other'];
export const STATUSES = ['active', 'inactive', 'retired'];
const FIELDS = ['code', 'name', 'model', 'lat', 'lon', 'device_key', 'install_date', 'siting_notes', 'maintenance'];

// The filter survives a re-render (a language switch).
const last = { status: '' };

const isReference = (model) => String(model).startsWith('reference-');

function formatCoord(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n.toFixed(4) : t('common.none');
}

function installDate(value, lang) {
  if (!value) return t('common.none');
  try {
    return h('time', { datetime: value }, formatThaiDate(value, { lang }));
  } catch {
    return value;
  }
}

function sensorCard(ctx, sensor, lang, onChanged) {
  const canWrite = ctx.me.permissions?.includes('write');
  const statusClass = { active: 'ok', inactive: 'warn', retired: 'muted-chip' }[sensor.status] ?? null;
  const toggle = canWrite
    ? h('button', { type: 'button', class: 'button', dataset: { testid: 'sensor-maintenance-toggle' } },
      t(sensor.maintenance ? 'sensors.maintenance.end' : 'sensors.maintenance.start'))
    : null;
  const toggleError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  if (toggle) {
    toggle.addEventListener('click', async () => {
      toggle.disabled = true;
      toggleError.hidden = true;
      try {
        const updated = await api.patch(`/api/v1/sensors/${encodeURIComponent(sensor.id)}`, { maintenance: !sensor.maintenance });
        if (ctx.isCurrent()) await onChanged(updated);
      } catch (e) {
        if (!ctx.isCurrent()) return;
        toggleError.textContent = errorMessage(e);
        toggleError.hidden = false;
        toggle.disabled = false;
      }
    });
  }
  return h('li', { class: ['card', 'sensor', sensor.status !== 'active' && 'inactive'],
    dataset: { code: sensor.code, status: sensor.status, maintenance: String(Boolean(sensor.maintenance)) } },
  h('h3', { class: 'card-title' }, h('a', { href: `#/sensors/${encodeURIComponent(sensor.id)}`,
    dataset: { testid: 'sensor-link' } }, sensor.name || sensor.code)),
  h('p', { class: 'mono muted' }, sensor.code),
  h('ul', { class: 'chips' },
    h('li', { class: 'chip', dataset: { testid: 'sensor-model' } }, tOr(`sensors.model.${sensor.model}`, sensor.model)),
    h('li', { class: ['chip', isReference(sensor.model) ? 'strong' : 'accent'], dataset: { testid: 'sensor-kind' } },
      t(isReference(sensor.model) ? 'sensors.kind.reference' : 'sensors.kind.low_cost')),
    h('li', { class: ['chip', statusClass], dataset: { testid: 'sensor-status' } },
      tOr(`sensors.status.${sensor.status}`, sensor.status)),
    sensor.maintenance
      ? h('li', { class: 'chip warn', dataset: { testid: 'sensor-maintenance' } }, t('sensors.maintenance.badge'))
      : null),
  h('dl', { class: 'facts' },
    h('div', { class: 'fact' }, h('dt', {}, t('sensors.location')),
      h('dd', { class: 'mono', dataset: { testid: 'sensor-location' } },
        t('sensors.location_value', { lat: formatCoord(sensor.lat), lon: formatCoord(sensor.lon) }))),
    h('div', { class: 'fact' }, h('dt', {}, t('sensors.install_date')),
      h('dd', { dataset: { testid: 'sensor-install-date' } }, installDate(sensor.install_date, lang))),
    h('div', { class: 'fact' }, h('dt', {}, t('sensors.siting_notes')),
      h('dd', { dataset: { testid: 'sensor-siting' } }, sensor.siting_notes || t('common.none')))),
  toggle ? h('div', { class: 'card-actions' }, toggle) : null,
  toggleError);
}

/** The Thai/English sentence for a field error (422 invalid or 409 conflict). */
function fieldErrorText(error) {
  if (error.status === 409) {
    return has(`sensors.error.conflict.${error.field}`) ? t(`sensors.error.conflict.${error.field}`) : errorMessage(error);
  }
  return has(`sensors.error.${error.field}`) ? t(`sensors.error.${error.field}`) : errorMessage(error);
}

function addSensorForm(ctx, onCreated) {
  const ids = Object.fromEntries(FIELDS.map((f) => [f, uniqueId(`sensor-${f}`)]));
  const errIds = Object.fromEntries(FIELDS.map((f) => [f, uniqueId(`sensor-${f}-error`)]));
  const hintIds = { code: uniqueId('sensor-code-hint'), lat: uniqueId('sensor-lat-hint'), lon: uniqueId('sensor-lon-hint'),
    device_key: uniqueId('sensor-device-hint') };
  const describedBy = (f) => [hintIds[f], errIds[f]].filter(Boolean).join(' ');
  const text = (f, extra = {}) => h('input', { id: ids[f], name: f, type: 'text', autocomplete: 'off',
    'aria-describedby': describedBy(f), ...extra });
  const modelOption = (m) => h('option', { value: m }, t(`sensors.model.${m}`));
  const inputs = {
    code: text('code', { autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: '32', pattern: '[a-z0-9_\\-]+' }),
    name: text('name', { required: true, maxlength: '200' }),
    model: h('select', { id: ids.model, name: 'model', 'aria-describedby': errIds.model },
      h('optgroup', { label: t('sensors.kind.low_cost') }, MODELS.filter((m) => !isReference(m)).map(modelOption)),
      h('optgroup', { label: t('sensors.kind.reference') }, MODELS.filter(isReference).map(modelOption))),
    lat: text('lat', { inputmode: 'decimal', required: true, maxlength: '32', spellcheck: 'false' }),
    lon: text('lon', { inputmode: 'decimal', required: true, maxlength: '32', spellcheck: 'false' }),
    device_key: text('device_key', { autocapitalize: 'none', spellcheck: 'false', maxlength: '64' }),
    install_date: h('input', { id: ids.install_date, name: 'install_date', type: 'date', 'aria-describedby': errIds.install_date }),
    siting_notes: h('textarea', { id: ids.siting_notes, name: 'siting_notes', rows: '3', maxlength: '2000',
      'aria-describedby': errIds.siting_notes }),
    maintenance: h('input', { id: ids.maintenance, name: 'maintenance', type: 'checkbox', 'aria-describedby': errIds.maintenance }),
  };
  inputs.model.value = 'sds011';
  const errors = Object.fromEntries(FIELDS.map((f) => [f, h('p', { id: errIds[f], class: 'form-error', role: 'alert',
    hidden: true, dataset: { testid: `sensor-error-${f}` } })]));
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'sensor-alert' } });
  const done = h('p', { class: 'notice ok', role: 'status', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('sensors.form.submit'));

  function clearErrors() {
    for (const f of FIELDS) {
      errors[f].hidden = true;
      inputs[f].removeAttribute('aria-invalid');
    }
    alert.hidden = true;
  }

  function failField(field, message) {
    done.hidden = true;
    if (field && errors[field]) {
      errors[field].textContent = message;
      errors[field].hidden = false;
      inputs[field].setAttribute('aria-invalid', 'true');
      inputs[field].focus();
    } else {
      alert.textContent = message;
      alert.hidden = false;
    }
  }

  function number(field) {
    const raw = inputs[field].value.trim().replace(',', '.');
    if (!raw) return { missing: true };
    const value = Number(raw);
    return Number.isFinite(value) && /^[-+]?\d+(\.\d+)?$/.test(raw) ? { value } : { bad: true };
  }

  async function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    const body = {
      code: inputs.code.value.trim(),
      name: inputs.name.value.trim(),
      model: inputs.model.value,
    };
    if (!body.code) return failField('code', t('sensors.form.required'));
    if (!body.name) return failField('name', t('sensors.form.required'));
    for (const f of ['lat', 'lon']) {
      const n = number(f);
      if (n.missing) return failField(f, t('sensors.form.required'));
      if (n.bad) return failField(f, t(`sensors.error.${f}_number`));
      body[f] = n.value;
    }
    const deviceKey = inputs.device_key.value.trim();
    if (deviceKey) body.device_key = deviceKey;
    const notes = inputs.siting_notes.value.trim();
    if (notes) body.siting_notes = notes;
    if (inputs.install_date.value) body.install_date = inputs.install_date.value;
    if (inputs.maintenance.checked) body.maintenance = true;

    submit.disabled = true;
    try {
      const sensor = await api.post('/api/v1/sensors', body);
      if (!ctx.isCurrent()) return;
      event.target.reset();
      inputs.model.value = 'sds011';
      clearErrors();
      done.textContent = t('sensors.created', { name: sensor.name || sensor.code });
      done.hidden = false;
      await onCreated(sensor);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e instanceof ApiError && (e.status === 422 || e.status === 409) && e.field && errors[e.field]) {
        failField(e.field, fieldErrorText(e));
      } else {
        failField(null, errorMessage(e));
      }
    } finally {
      submit.disabled = false;
    }
  }

  const field = (name, labelKey, hintKey) => h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: ids[name] }, t(labelKey)),
    inputs[name],
    hintKey ? h('p', { class: 'hint', id: hintIds[name] }, t(hintKey)) : null,
    errors[name]);

  return h('section', { class: 'card', 'aria-labelledby': 'sensors-add-title', dataset: { testid: 'sensor-add' } },
    h('h2', { id: 'sensors-add-title' }, t('sensors.add_title')),
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
      field('code', 'sensors.form.code', 'sensors.form.code_hint'),
      field('name', 'sensors.form.name'),
      field('model', 'sensors.form.model'),
      h('div', { class: 'coords' },
        field('lat', 'sensors.form.lat', 'sensors.form.lat_hint'),
        field('lon', 'sensors.form.lon', 'sensors.form.lon_hint')),
      field('device_key', 'sensors.form.device_key', 'sensors.form.device_key_hint'),
      field('install_date', 'sensors.form.install_date'),
      field('siting_notes', 'sensors.form.siting_notes'),
      h('div', { class: 'field' },
        h('div', { class: 'check' }, inputs.maintenance, h('label', { for: ids.maintenance }, t('sensors.form.maintenance'))),
        errors.maintenance),
      alert,
      done,
      submit));
}

export async function renderSensors(ctx) {
  const lang = getLang();
  const canWrite = ctx.me.permissions?.includes('write');
  const listArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const filterId = uniqueId('sensors-filter');
  const filter = h('select', { id: filterId, name: 'status' },
    h('option', { value: '' }, t('sensors.filter.all')),
    STATUSES.map((s) => h('option', { value: s }, t(`sensors.status.${s}`))));
  filter.value = last.status;

  let seq = 0;
  async function load() {
    const mine = ++seq;
    const status = filter.value;
    const query = status ? `?${new URLSearchParams({ status })}` : '';
    try {
      const data = await api.get(`/api/v1/sensors${query}`);
      if (!ctx.isCurrent() || mine !== seq) return;
      const sensors = data.items ?? [];
      const empty = status ? t('sensors.empty_filtered') : t('sensors.empty');
      replaceChildren(listArea,
        h('p', { class: 'muted', dataset: { testid: 'sensors-count' } },
          sensors.length ? t('sensors.count', { count: sensors.length }) : empty),
        h('ul', { class: 'cards', id: 'sensors-list', 'aria-labelledby': 'sensors-list-title' },
          sensors.map((s) => sensorCard(ctx, s, lang, load))));
    } catch (e) {
      if (ctx.isCurrent() && mine === seq) {
        replaceChildren(listArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
      }
    }
  }
  filter.addEventListener('change', () => {
    last.status = filter.value;
    void load();
  });

  ctx.container.append(h('section', { class: 'page sensors' },
    h('h1', {}, t('sensors.title')),
    h('p', { class: 'lead' }, t('sensors.intro')),
    h('div', { class: 'split' },
      h('section', { 'aria-labelledby': 'sensors-list-title' },
        h('h2', { id: 'sensors-list-title' }, t('sensors.list_title')),
        h('div', { class: 'field filter' }, h('label', { for: filterId }, t('sensors.filter')), filter),
        listArea),
      canWrite ? addSensorForm(ctx, load) : null)));
  await load();
}
