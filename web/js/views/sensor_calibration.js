// The calibration panel of one sensor, for the sensor detail page:
//   - the calibration history (GET /api/v1/sensors/{id}/calibrations), one card a version: kind,
//     validity in Buddhist Era dates, coefficients and the fit statistics (R², RMSE, bias, n);
//   - with the "write" permission, a form to add an EPA preset or a manual linear model
//     (POST .../calibrations) or to fit one against a reference monitor of the same organisation
//     (POST .../calibrations/fit): the statistics are shown first, saving is a second step;
//   - the site photo (GET/PUT /api/v1/sensors/{id}/photo) with an upload control.
// Field errors from the server are shown next to the field, in the locale's words.
import { ApiError } from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, has, t, tOr } from '../i18n.js';

// Keep in step with src/modules/calibration/calibration.cc.
export const KINDS = ['epa_barkjohn_2021', 'epa_extended_2023', 'linear'];
const PLANTOWER_MODELS = new Set(['plantower-pms', 'purpleair', 'airgradient']);
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const DAY_MS = 86_400_000;

const isReference = (model) => String(model).startsWith('reference-');

/** A number for people: at most `digits` decimals, no trailing zeros, "−" for minus. */
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return t('common.none');
  const text = String(Number(Number(value).toFixed(digits)));
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** "0.524 × ค่าดิบ − 0.0862 × RH + 5.75": the model as a formula. */
export function formulaText(model) {
  const term = (coef, name, first) => {
    const sign = coef < 0 ? '−' : '+';
    const abs = formatNumber(Math.abs(coef));
    if (first) return `${coef < 0 ? '−' : ''}${abs}${name ? ` × ${name}` : ''}`;
    return ` ${sign} ${abs}${name ? ` × ${name}` : ''}`;
  };
  let text = term(model.slope, t('calibration.formula.raw'), true);
  if (model.rh_coef !== null && model.rh_coef !== undefined) text += term(model.rh_coef, 'RH', false);
  text += term(model.intercept, '', false);
  return text;
}

/** The validity period in BE dates: valid_to is exclusive, so the last day shown is the day before. */
export function validityText(model, lang = getLang()) {
  const from = formatThaiDate(model.valid_from * 1000, { abbreviated: true, lang });
  if (model.valid_to === null || model.valid_to === undefined) return t('calibration.validity.open', { from });
  const to = formatThaiDate(model.valid_to * 1000 - DAY_MS, { abbreviated: true, lang });
  return t('calibration.validity.closed', { from, to });
}

/** The model in use at `ms` (highest version whose period covers it), or null. */
export function modelAt(models, ms) {
  const s = Math.floor(ms / 1000);
  return models
    .filter((m) => m.valid_from <= s && (m.valid_to === null || m.valid_to === undefined || s < m.valid_to))
    .reduce((best, m) => (best && best.version > m.version ? best : m), null);
}

function fieldErrorText(error) {
  if (error.status === 409 && error.field && has(`calibration.error.conflict.${error.field}`)) {
    return t(`calibration.error.conflict.${error.field}`);
  }
  if (error.status === 422 && error.field && has(`calibration.error.${error.field}`)) {
    return t(`calibration.error.${error.field}`);
  }
  return errorMessage(error);
}

function todayBangkok() {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
  return d.toISOString().slice(0, 10);
}

// One card a version, newest first: cards read well on a phone, where a wide table would not.
function historyList(models, lang, inUse) {
  if (!models.length) {
    return h('p', { class: 'muted', dataset: { testid: 'calibration-empty' } }, t('calibration.history.empty'));
  }
  const fact = (key, value, testid) => h('div', { class: 'fact' }, h('dt', {}, t(`calibration.history.${key}`)),
    h('dd', { dataset: { testid } }, value));
  const stat = (model, key, digits) => (model.fit ? formatNumber(model.fit[key], digits) : t('common.none'));
  return h('ol', { class: 'cards', reversed: true, dataset: { testid: 'calibration-history' } },
    models.map((m) => h('li', { class: ['card', 'calibration', inUse?.id === m.id && 'mine'],
      dataset: { version: String(m.version), kind: m.kind } },
    h('h4', { class: 'card-title' }, t('calibration.history.version_title', { version: m.version })),
    h('ul', { class: 'chips' },
      h('li', { class: ['chip', m.kind === 'linear' ? 'strong' : 'accent'], dataset: { testid: 'calibration-kind' } },
        tOr(`calibration.kind.${m.kind}`, m.kind)),
      inUse?.id === m.id ? h('li', { class: 'chip ok', dataset: { testid: 'calibration-in-use' } },
        t('calibration.history.in_use')) : null),
    h('dl', { class: 'facts' },
      fact('validity', validityText(m, lang), 'calibration-validity'),
      fact('coefficients', h('span', { class: 'mono' }, formulaText(m)), 'calibration-formula'),
      fact('r2', stat(m, 'r2', 3), 'calibration-r2'),
      fact('rmse', stat(m, 'rmse', 2), 'calibration-rmse'),
      fact('bias', stat(m, 'bias', 2), 'calibration-bias'),
      fact('n', m.fit ? String(m.fit.n) : t('common.none'), 'calibration-n'),
      m.fit ? fact('fit_period', t('calibration.history.fit_period_value', {
        from: formatThaiDate(m.fit.from * 1000, { abbreviated: true, lang }),
        to: formatThaiDate(m.fit.to * 1000 - DAY_MS, { abbreviated: true, lang }) }), 'calibration-fit-period') : null,
      m.notes ? fact('notes', m.notes, 'calibration-notes') : null,
      fact('created', t('calibration.history.created_value', {
        name: m.created_by, date: formatThaiDate(m.created_at * 1000, { abbreviated: true, lang }) }),
      'calibration-created')))));
}

function statsList(stats, { coefficients } = {}) {
  const row = (key, value) => h('div', { class: 'fact' }, h('dt', {}, t(`calibration.stats.${key}`)),
    h('dd', { dataset: { testid: `calibration-stat-${key}` } }, value));
  return h('dl', { class: 'facts' },
    coefficients ? row('formula', h('span', { class: 'mono' }, formulaText(coefficients))) : null,
    row('n', String(stats.n)),
    row('r2', formatNumber(stats.r2, 3)),
    row('rmse', `${formatNumber(stats.rmse, 2)} µg/m³`),
    row('bias', `${formatNumber(stats.bias, 2)} µg/m³`),
    row('raw_bias', `${formatNumber(stats.raw_bias, 2)} µg/m³`));
}

const FORM_FIELDS = ['method', 'slope', 'intercept', 'rh_coef', 'reference_sensor_id', 'from', 'to', 'humidity',
  'valid_from', 'valid_to', 'notes'];

function addForm(sensor, api, references, isCurrent, onSaved) {
  const base = `/api/v1/sensors/${encodeURIComponent(sensor.id)}/calibrations`;
  const ids = Object.fromEntries(FORM_FIELDS.map((f) => [f, uniqueId(`calibration-${f}`)]));
  const errIds = Object.fromEntries(FORM_FIELDS.map((f) => [f, uniqueId(`calibration-${f}-error`)]));
  const plantower = PLANTOWER_MODELS.has(sensor.model);
  const methods = [...(plantower ? ['epa_barkjohn_2021', 'epa_extended_2023'] : []), 'linear', 'fit'];
  const input = (f, extra = {}) => h('input', { id: ids[f], name: f, 'aria-describedby': errIds[f], ...extra });
  const number = (f) => input(f, { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false',
    maxlength: '24' });
  const inputs = {
    method: h('select', { id: ids.method, name: 'method', 'aria-describedby': errIds.method },
      methods.map((m) => h('option', { value: m }, t(`calibration.method.${m}`)))),
    slope: number('slope'),
    intercept: number('intercept'),
    rh_coef: number('rh_coef'),
    reference_sensor_id: h('select', { id: ids.reference_sensor_id, name: 'reference_sensor_id',
      'aria-describedby': errIds.reference_sensor_id },
    references.map((r) => h('option', { value: String(r.id) }, `${r.name || r.code} (${r.code})`))),
    from: input('from', { type: 'date' }),
    to: input('to', { type: 'date' }),
    humidity: input('humidity', { type: 'checkbox', checked: true }),
    valid_from: input('valid_from', { type: 'date' }),
    valid_to: input('valid_to', { type: 'date' }),
    notes: h('textarea', { id: ids.notes, name: 'notes', rows: '2', maxlength: '2000', 'aria-describedby': errIds.notes }),
  };
  inputs.valid_from.value = todayBangkok();
  const errors = Object.fromEntries(FORM_FIELDS.map((f) => [f, h('p', { id: errIds[f], class: 'form-error',
    role: 'alert', hidden: true, dataset: { testid: `calibration-error-${f}` } })]));
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'calibration-alert' } });
  const done = h('p', { class: 'notice ok', role: 'status', hidden: true, dataset: { testid: 'calibration-done' } });
  const submit = h('button', { type: 'submit', class: 'button primary', dataset: { testid: 'calibration-submit' } });
  const result = h('div', { class: 'calibration-fit-result', hidden: true, dataset: { testid: 'calibration-fit-result' } });
  const noReference = h('p', { class: 'hint', hidden: true }, t('calibration.form.no_reference'));
  let proposal = null;  // the body of the last successful fit, saved as it was shown

  const field = (name, labelKey, hintKey) => h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: ids[name] }, t(labelKey)),
    inputs[name],
    hintKey ? h('p', { class: 'hint' }, t(hintKey)) : null,
    errors[name]);
  const groups = {
    linear: h('div', {}, h('div', { class: 'coords' }, field('slope', 'calibration.form.slope'),
      field('intercept', 'calibration.form.intercept')),
    field('rh_coef', 'calibration.form.rh_coef', 'calibration.form.rh_coef_hint'),
    field('valid_to', 'calibration.form.valid_to', 'calibration.form.valid_to_hint')),
    fit: h('div', {}, field('reference_sensor_id', 'calibration.form.reference'), noReference,
      // Stacked: two date inputs side by side are wider than a phone's card.
      field('from', 'calibration.form.from'), field('to', 'calibration.form.to'),
      h('div', { class: 'field' }, h('div', { class: 'check' }, inputs.humidity,
        h('label', { for: ids.humidity }, t('calibration.form.humidity'))), errors.humidity)),
  };

  function clear() {
    for (const f of FORM_FIELDS) {
      errors[f].hidden = true;
      inputs[f].removeAttribute('aria-invalid');
    }
    alert.hidden = true;
  }

  function fail(fieldName, message) {
    done.hidden = true;
    // Fit refusals name the data ("pairs", "raw", "rh", "reference"): shown under the period.
    const target = errors[fieldName] ? fieldName : (['pairs', 'raw', 'rh', 'reference'].includes(fieldName) ? 'to' : null);
    if (target && !inputs[target].closest('[hidden]')) {
      errors[target].textContent = message;
      errors[target].hidden = false;
      inputs[target].setAttribute('aria-invalid', 'true');
      inputs[target].focus();
    } else {
      alert.textContent = message;
      alert.hidden = false;
    }
  }

  function showMethod() {
    const method = inputs.method.value;
    groups.linear.hidden = method !== 'linear';
    groups.fit.hidden = method !== 'fit';
    noReference.hidden = references.length > 0;
    submit.textContent = t(method === 'fit' ? 'calibration.form.compute' : 'calibration.form.save');
    result.hidden = true;
    proposal = null;
    clear();
  }
  inputs.method.addEventListener('change', showMethod);
  for (const f of ['reference_sensor_id', 'from', 'to', 'humidity']) {
    inputs[f].addEventListener('change', () => {
      result.hidden = true;
      proposal = null;
    });
  }

  function parseNumber(f, required) {
    const raw = inputs[f].value.trim().replace(',', '.').replace('−', '-');
    if (!raw) return required ? { error: t('calibration.form.required') } : {};
    if (!/^[-+]?\d+(\.\d+)?$/.test(raw)) return { error: t('calibration.error.number') };
    return { value: Number(raw) };
  }

  function commonBody() {
    const body = {};
    if (inputs.valid_from.value) body.valid_from = inputs.valid_from.value;
    const notes = inputs.notes.value.trim();
    if (notes) body.notes = notes;
    return body;
  }

  async function send(path, body) {
    submit.disabled = true;
    try {
      return await api.post(path, body);
    } catch (e) {
      if (!isCurrent()) return null;
      if (e instanceof ApiError && (e.status === 422 || e.status === 409) && e.field) fail(e.field, fieldErrorText(e));
      else fail(null, errorMessage(e));
      return null;
    } finally {
      submit.disabled = false;
    }
  }

  async function saved(model) {
    done.textContent = t('calibration.saved', { version: model.version });
    done.hidden = false;
    result.hidden = true;
    proposal = null;
    await onSaved(model);
  }

  async function saveProposal() {
    if (!proposal) return;
    clear();
    const answer = await send(`${base}/fit`, { ...proposal, save: true });
    if (answer && isCurrent()) await saved(answer.model);
  }

  async function onSubmit(event) {
    event.preventDefault();
    clear();
    done.hidden = true;
    const method = inputs.method.value;
    if (!inputs.valid_from.value && method !== 'fit') return fail('valid_from', t('calibration.form.required'));
    if (method === 'fit') {
      if (!references.length) return fail('reference_sensor_id', t('calibration.form.no_reference'));
      if (!inputs.from.value) return fail('from', t('calibration.form.required'));
      if (!inputs.to.value) return fail('to', t('calibration.form.required'));
      const body = { reference_sensor_id: Number(inputs.reference_sensor_id.value), from: inputs.from.value,
        to: inputs.to.value, humidity: inputs.humidity.checked, ...commonBody() };
      const answer = await send(`${base}/fit`, body);
      if (!answer || !isCurrent()) return;
      proposal = body;
      const model = answer.model;
      const saveButton = h('button', { type: 'button', class: 'button primary', dataset: { testid: 'calibration-save-fit' },
        onclick: () => void saveProposal() }, t('calibration.form.save_fit'));
      replaceChildren(result,
        h('h4', {}, t('calibration.fit.title')),
        statsList(model.fit, { coefficients: model }),
        answer.epa_2021 ? h('details', { class: 'change' }, h('summary', {}, t('calibration.fit.epa_compare')),
          statsList(answer.epa_2021)) : null,
        h('p', { class: 'hint' }, t('calibration.fit.save_hint', {
          from: formatThaiDate(model.valid_from * 1000, { abbreviated: true, lang: getLang() }) })),
        saveButton);
      result.hidden = false;
      return;
    }
    const body = { kind: method, ...commonBody() };
    if (method === 'linear') {
      for (const [f, required] of [['slope', true], ['intercept', true], ['rh_coef', false]]) {
        const n = parseNumber(f, required);
        if (n.error) return fail(f, n.error);
        if (n.value !== undefined) body[f] = n.value;
      }
      if (inputs.valid_to.value) body.valid_to = inputs.valid_to.value;
    }
    const model = await send(base, body);
    if (model && isCurrent()) {
      event.target.reset();
      inputs.valid_from.value = todayBangkok();
      showMethod();
      await saved(model);
    }
  }

  showMethod();
  return h('section', { class: 'card', dataset: { testid: 'calibration-add' } },
    h('h3', {}, t('calibration.form.title')),
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
      field('method', 'calibration.form.method', plantower ? null : 'calibration.form.no_epa'),
      groups.linear,
      groups.fit,
      field('valid_from', 'calibration.form.valid_from', 'calibration.form.valid_from_hint'),
      field('notes', 'calibration.form.notes'),
      alert,
      done,
      submit,
      result));
}

// GET/PUT of the photo carry bytes, not JSON, so they use fetch directly; a write echoes the CSRF
// token that GET /api/v1/me hands out, as api.js does for JSON calls.
function photoSection(sensor, api, canWrite, isCurrent) {
  const path = `/api/v1/sensors/${encodeURIComponent(sensor.id)}/photo`;
  const figure = h('div', { class: 'sensor-photo', dataset: { testid: 'calibration-photo' } },
    h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'calibration-photo-error' } });
  let objectUrl = null;

  async function load() {
    let response;
    try {
      response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
    } catch {
      if (isCurrent()) replaceChildren(figure, h('p', { class: 'form-error' }, t('error.network')));
      return;
    }
    if (!isCurrent()) return;
    if (response.status === 404) {
      replaceChildren(figure, h('p', { class: 'muted', dataset: { testid: 'calibration-photo-none' } },
        t('calibration.photo.none')));
      return;
    }
    if (!response.ok) {
      replaceChildren(figure, h('p', { class: 'form-error' }, errorMessage(new ApiError(response.status, 'http', ''))));
      return;
    }
    const blob = await response.blob();
    if (!isCurrent()) return;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = URL.createObjectURL(blob);
    replaceChildren(figure, h('img', { src: objectUrl, alt: t('calibration.photo.alt', { name: sensor.name || sensor.code }),
      class: 'sensor-photo-img', width: '280', dataset: { testid: 'calibration-photo-img' } }));
  }

  async function upload(file) {
    error.hidden = true;
    const fail = (message) => {
      error.textContent = message;
      error.hidden = false;
    };
    // The server decides by the bytes; this only spares an upload the browser already knows is wrong.
    if (file.type && !PHOTO_TYPES.includes(file.type)) return fail(t('calibration.photo.error.type'));
    if (file.size > MAX_PHOTO_BYTES) return fail(t('calibration.photo.error.size'));
    let token;
    try {
      token = (await api.get('/api/v1/me')).csrf_token;
    } catch (e) {
      return fail(errorMessage(e));
    }
    let response;
    try {
      response = await fetch(path, { method: 'PUT', body: file, credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': token ?? '', Accept: 'application/json' } });
    } catch {
      return fail(t('error.network'));
    }
    if (!isCurrent()) return undefined;
    if (response.status === 415) return fail(t('calibration.photo.error.type'));
    if (response.status === 413) return fail(t('calibration.photo.error.size'));
    if (!response.ok) return fail(errorMessage(new ApiError(response.status, 'http', '')));
    return load();
  }

  const inputId = uniqueId('calibration-photo-input');
  const picker = canWrite
    ? h('div', { class: 'field' },
      h('label', { for: inputId }, t('calibration.photo.upload')),
      h('input', { id: inputId, type: 'file', accept: PHOTO_TYPES.join(','), dataset: { testid: 'calibration-photo-input' },
        onchange: (event) => {
          const file = event.target.files?.[0];
          if (file) void upload(file);
        } }),
      h('p', { class: 'hint' }, t('calibration.photo.hint')))
    : null;
  void load();
  return h('section', { class: 'card', dataset: { testid: 'calibration-photo-section' } },
    h('h3', {}, t('calibration.photo.title')), figure, picker, error);
}

/**
 * Renders the calibration panel of `sensor` into `container` (replacing its content).
 * @param {HTMLElement} container
 * @param {{id:number, org_id:number, code:string, name:string, model:string}} sensor  as GET /api/v1/sensors/{id}
 * @param {typeof import('../api.js')} api  the API client module
 * @param {{canWrite?: boolean, isCurrent?: () => boolean}} [options]  canWrite defaults to the
 *        caller's "write" permission (GET /api/v1/me); isCurrent, false once the page changed,
 *        defaults to "the container is still in the document".
 */
export async function renderCalibrationPanel(container, sensor, api, options = {}) {
  const isCurrent = options.isCurrent ?? (() => container.isConnected);
  const lang = getLang();
  let canWrite = options.canWrite;
  if (canWrite === undefined) {
    try {
      canWrite = Boolean((await api.get('/api/v1/me')).permissions?.includes('write'));
    } catch {
      canWrite = false;
    }
  }
  const base = `/api/v1/sensors/${encodeURIComponent(sensor.id)}/calibrations`;
  const current = h('p', { class: 'lead', dataset: { testid: 'calibration-current' } });
  const historyArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));

  async function loadHistory() {
    try {
      const data = await api.get(base);
      if (!isCurrent()) return;
      const models = data.items ?? [];
      const now = modelAt(models, Date.now());
      current.textContent = now
        ? t('calibration.current', { version: now.version, kind: tOr(`calibration.kind.${now.kind}`, now.kind) })
        : t('calibration.current_none');
      replaceChildren(historyArea, historyList(models, lang, now));
    } catch (e) {
      if (isCurrent()) replaceChildren(historyArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    }
  }

  let form = null;
  if (canWrite && !isReference(sensor.model)) {
    let references = [];
    try {
      const all = await api.get('/api/v1/sensors');
      references = (all.items ?? []).filter((s) => isReference(s.model) && s.org_id === sensor.org_id && s.id !== sensor.id);
    } catch {
      references = [];
    }
    if (!isCurrent()) return;
    form = addForm(sensor, api, references, isCurrent, loadHistory);
  }

  replaceChildren(container, h('section', { class: ['calibration-panel', 'grid'], dataset: { testid: 'calibration-panel' } },
    h('h2', {}, t('calibration.title')),
    isReference(sensor.model)
      ? h('p', { class: 'lead' }, t('calibration.reference_note'))
      : h('p', { class: 'lead' }, t('calibration.intro')),
    isReference(sensor.model) ? null : current,
    isReference(sensor.model) ? null : h('section', {}, h('h3', {}, t('calibration.history.title')), historyArea),
    form,
    photoSection(sensor, api, canWrite, isCurrent)));
  if (!isReference(sensor.model)) await loadHistory();
}
