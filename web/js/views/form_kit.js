// Small form helpers shared by the training and clinic views: labelled fields whose error line
// shows the server's field error (422/409 with `field`) as a sentence from the locale files, and
// a submit wrapper that disables the button while the request runs.
import { ApiError } from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, has, t } from '../i18n.js';

/** A Unix-seconds day as Thai (พ.ศ.) or English text; '—' when absent. */
export function day(seconds, abbreviated = true) {
  if (seconds === null || seconds === undefined) return t('common.none');
  return formatThaiDate(seconds * 1000, { abbreviated, lang: getLang() });
}

/** Today in Bangkok as "YYYY-MM-DD" (the value of a date input). */
export function todayIso(offsetDays = 0) {
  const d = new Date(Date.now() + 7 * 3600 * 1000 + offsetDays * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

/**
 * A form of named fields. fields: [{name, label, input}], where input is an element whose
 * `name` is the request field. Returns {form, values(), fail(error), reset()}; prefix chooses the
 * locale keys of field errors ("<prefix>.error.<field>"), falling back to errors.js.
 */
export function fieldForm({ prefix, fields, submitLabel, testid, onSubmit }) {
  const errors = {};
  const rows = fields.map(({ name, label, input, hint }) => {
    const id = input.id || uniqueId(`${prefix}-${name}`);
    input.id = id;
    const errorId = `${id}-error`;
    input.setAttribute('aria-describedby', errorId);
    errors[name] = h('p', { id: errorId, class: 'form-error', role: 'alert', hidden: true,
      dataset: { testid: `${testid}-error-${name}` } });
    return h('div', { class: 'field', dataset: { field: name } },
      h('label', { for: id }, label), input, hint ? h('p', { class: 'hint' }, hint) : null, errors[name]);
  });
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: `${testid}-alert` } });
  const submit = h('button', { type: 'submit', class: 'button primary' }, submitLabel);
  const form = h('form', { class: 'form', novalidate: true, dataset: { testid } }, rows, alert, h('div', {}, submit));
  const clear = () => {
    for (const e of Object.values(errors)) e.hidden = true;
    alert.hidden = true;
  };
  const fail = (error) => {
    const field = error instanceof ApiError ? error.field : null;
    const key = field && `${prefix}.error.${field}`;
    const text = key && has(key) ? t(key) : errorMessage(error);
    if (field && errors[field]) {
      errors[field].textContent = text;
      errors[field].hidden = false;
      fields.find((f) => f.name === field)?.input.focus();
    } else {
      alert.textContent = text;
      alert.hidden = false;
    }
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    submit.disabled = true;
    try {
      await onSubmit();
    } catch (e) {
      fail(e);
    } finally {
      submit.disabled = false;
    }
  });
  return { form, fail, clear };
}

export const textInput = (name, extra = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...extra });
export const dateInput = (name, value = '') => h('input', { name, type: 'date', value });
export const textArea = (name, rows = 4, extra = {}) => h('textarea', { name, rows: String(rows), ...extra });
export function select(name, options, value = '') {
  const el = h('select', { name }, options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
}

/** The value of an optional text input: undefined when blank (so the field is left out). */
export function optional(input) {
  const v = input.value.trim();
  return v === '' ? undefined : v;
}

/** A number input's value, or the raw text (the server then names the field as invalid). */
export function numberValue(input) {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : v;
}

/** A status line for a view's load failure. */
export function loadError(error) {
  return h('p', { class: 'form-error', role: 'alert' }, errorMessage(error));
}
