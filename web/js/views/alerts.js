// #/alerts: the organisation's alert rules (GET /api/v1/alert-rules) as cards and, with the
// "write" permission, a form to add or change one (POST, PATCH /api/v1/alert-rules/{id}), an
// on/off switch, a test notice (POST .../{id}/test) and delete; below, the alert history
// (GET /api/v1/alerts, filters by sensor, kind and Bangkok dates, 50 at a time) with the
// delivery state of every notice. Dates are Buddhist Era; AQI levels wear their category colours
// (.aqi-th-N / .aqi-us-N). Field errors from the server are shown next to their field as
// sentences from the locale files. The history refreshes itself on live "alert" events.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { formatDateTime } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, has, t, tOr } from '../i18n.js';
import { listen } from '../live.js';

// Keep in step with src/modules/alerts/alert.cc.
export const KINDS = ['pm25_24h', 'pm25_nowcast', 'aqi_level', 'offline', 'data_quality'];
export const SCALES = ['th', 'us'];
export const ALERT_KINDS = ['fire', 'recover', 'test'];
export const CHANNELS = ['webhook', 'email', 'line'];
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'];
const TOP_LEVEL = { th: 5, us: 6 };
const PAGE_SIZE = 50;
// Form fields, and the server fields (422 "field") shown next to each.
const FIELDS = ['name', 'kind', 'scale', 'threshold', 'sensor_id', 'webhooks', 'emails', 'line_to', 'quiet', 'enabled'];
const SERVER_FIELD = {
  name: 'name', kind: 'kind', scale: 'scale', threshold: 'threshold', sensor_id: 'sensor_id',
  channels: 'webhooks', 'channels.webhooks': 'webhooks', 'channels.emails': 'emails', 'channels.line_to': 'line_to',
  quiet_hours: 'quiet', 'quiet_hours.start': 'quiet', 'quiet_hours.end': 'quiet', enabled: 'enabled',
};
// Server fields with their own sentence under alerts.error.<field with dots as underscores>.
const ERROR_KEYS = ['name', 'kind', 'scale', 'threshold', 'sensor_id', 'channels', 'channels.webhooks', 'channels.emails',
  'channels.line_to', 'quiet_hours.start', 'quiet_hours.end'];

// The history filters survive a re-render (a language switch).
const last = { sensor: '', kind: '', from: '', to: '' };

const lines = (text) => text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

function levelClass(scale, level) {
  const n = Number(level);
  if (!SCALES.includes(scale) || !Number.isInteger(n) || n < 1 || n > TOP_LEVEL[scale]) return null;
  return `aqi-${scale}-${n}`;
}

function levelName(scale, level) {
  return tOr(`${scale}_aqi.level.${level}`, String(level));
}

function formatNumber(value) {
  const n = Number(value);
  return Number.isFinite(n) ? (Number.isInteger(n) ? String(n) : n.toFixed(1)) : t('common.none');
}

/** "PM2.5 เฉลี่ย 24 ชม. เกิน 37.5 มคก./ลบ.ม." and so on: what the rule watches. */
export function conditionText(rule) {
  const value = formatNumber(rule.threshold);
  if (rule.kind === 'aqi_level') {
    const scale = SCALES.includes(rule.scale) ? rule.scale : 'th';
    return t('alerts.condition.aqi_level', { scale: t(`alerts.scale.${scale}`), level: value,
      name: levelName(scale, rule.threshold) });
  }
  return tOr(`alerts.condition.${rule.kind}`, rule.kind, { value });
}

function sensorLabel(sensors, id) {
  if (id === null || id === undefined) return t('alerts.sensor.all');
  const sensor = sensors.find((s) => s.id === id);
  return sensor ? `${sensor.name || sensor.code} (${sensor.code})` : `#${id}`;
}

function time(iso, lang) {
  if (!iso) return t('common.none');
  try {
    return h('time', { datetime: iso }, formatDateTime(iso, { lang }));
  } catch {
    return iso;
  }
}

/** The Thai/English sentence for a rule field error (422 invalid). */
function fieldErrorText(error) {
  const key = `alerts.error.${String(error.field).replace(/\./g, '_')}`;
  return ERROR_KEYS.includes(error.field) && has(key) ? t(key) : errorMessage(error);
}

// ---- Rules -----------------------------------------------------------------------------------

function ruleCard(ctx, rule, sensors, onChanged, onEdit) {
  const canWrite = ctx.me.permissions?.includes('write');
  const path = `/api/v1/alert-rules/${encodeURIComponent(rule.id)}`;
  const status = h('p', { class: 'muted', role: 'status', hidden: true, dataset: { testid: 'rule-status' } });
  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const say = (node, text) => {
    status.hidden = true;
    problem.hidden = true;
    node.textContent = text;
    node.hidden = false;
  };

  async function act(button, fn) {
    button.disabled = true;
    try {
      await fn();
    } catch (e) {
      if (ctx.isCurrent()) say(problem, errorMessage(e));
    } finally {
      button.disabled = false;
    }
  }

  const actions = [];
  if (canWrite) {
    const test = h('button', { type: 'button', class: 'button', dataset: { testid: 'rule-test' } }, t('alerts.rule.test'));
    test.addEventListener('click', () => act(test, async () => {
      const notice = await api.post(`${path}/test`, {});
      if (ctx.isCurrent()) say(status, t('alerts.rule.test_queued', { count: notice.deliveries?.length ?? 0 }));
    }));
    const toggle = h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'rule-toggle' } },
      t(rule.enabled ? 'alerts.rule.disable' : 'alerts.rule.enable'));
    toggle.addEventListener('click', () => act(toggle, async () => {
      await api.patch(path, { enabled: !rule.enabled });
      if (ctx.isCurrent()) await onChanged();
    }));
    const edit = h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'rule-edit' } },
      t('alerts.rule.edit'));
    edit.addEventListener('click', () => onEdit(rule));
    // Two steps instead of a dialog: the first press asks, the second deletes.
    const remove = h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'rule-delete' } },
      t('alerts.rule.delete'));
    let armed = false;
    remove.addEventListener('click', () => {
      if (!armed) {
        armed = true;
        remove.textContent = t('alerts.rule.delete_confirm');
        return;
      }
      void act(remove, async () => {
        await api.del(path);
        if (ctx.isCurrent()) await onChanged();
      });
    });
    actions.push(test, toggle, edit, remove);
  }

  const channels = rule.channels ?? {};
  const targets = [
    ...(channels.webhooks ?? []).map((x) => [t('alerts.channel.webhook'), x]),
    ...(channels.emails ?? []).map((x) => [t('alerts.channel.email'), x]),
    ...(channels.line_to ?? []).map((x) => [t('alerts.channel.line'), x]),
  ];
  const quiet = rule.quiet_hours
    ? t('alerts.quiet.value', { start: rule.quiet_hours.start, end: rule.quiet_hours.end })
    : t('alerts.quiet.none');
  return h('li', { class: ['card', 'alert-rule', !rule.enabled && 'inactive'],
    dataset: { id: String(rule.id), kind: rule.kind, enabled: String(Boolean(rule.enabled)) } },
  h('h3', { class: 'card-title' }, rule.name),
  h('ul', { class: 'chips' },
    h('li', { class: 'chip strong', dataset: { testid: 'rule-kind' } }, tOr(`alerts.kind.${rule.kind}`, rule.kind)),
    h('li', { class: ['chip', rule.enabled ? 'ok' : 'muted-chip'], dataset: { testid: 'rule-enabled' } },
      t(rule.enabled ? 'alerts.rule.on' : 'alerts.rule.off')),
    rule.kind === 'aqi_level' && levelClass(rule.scale, rule.threshold)
      ? h('li', { class: ['chip', levelClass(rule.scale, rule.threshold)] }, levelName(rule.scale, rule.threshold))
      : null),
  h('dl', { class: 'facts' },
    h('div', { class: 'fact' }, h('dt', {}, t('alerts.rule.condition')),
      h('dd', { dataset: { testid: 'rule-condition' } }, conditionText(rule))),
    h('div', { class: 'fact' }, h('dt', {}, t('alerts.rule.sensor')), h('dd', {}, sensorLabel(sensors, rule.sensor_id))),
    h('div', { class: 'fact' }, h('dt', {}, t('alerts.rule.quiet')), h('dd', { dataset: { testid: 'rule-quiet' } }, quiet)),
    h('div', { class: 'fact' }, h('dt', {}, t('alerts.rule.channels')),
      h('dd', {}, targets.length
        ? h('ul', { class: 'flag-list' }, targets.map(([label, target]) =>
          h('li', {}, `${label}: `, h('span', { class: 'mono' }, target))))
        : t('common.none')))),
  actions.length ? h('div', { class: 'card-actions actions' }, actions) : null,
  status,
  problem);
}

function ruleForm(ctx, sensors, onSaved) {
  const ids = Object.fromEntries(FIELDS.map((f) => [f, uniqueId(`alert-${f}`)]));
  const errIds = Object.fromEntries(FIELDS.map((f) => [f, uniqueId(`alert-${f}-error`)]));
  const hintIds = { threshold: uniqueId('alert-threshold-hint'), webhooks: uniqueId('alert-webhooks-hint'),
    emails: uniqueId('alert-emails-hint'), line_to: uniqueId('alert-line-hint'), quiet: uniqueId('alert-quiet-hint') };
  const describedBy = (f) => [hintIds[f], errIds[f]].filter(Boolean).join(' ');
  let editing = null;  // the rule being changed, or null for a new one

  const quietStartId = uniqueId('alert-quiet-start');
  const quietEndId = uniqueId('alert-quiet-end');
  const inputs = {
    name: h('input', { id: ids.name, name: 'name', type: 'text', required: true, maxlength: '200',
      'aria-describedby': describedBy('name') }),
    kind: h('select', { id: ids.kind, name: 'kind', 'aria-describedby': describedBy('kind') },
      KINDS.map((k) => h('option', { value: k }, t(`alerts.kind.${k}`)))),
    scale: h('select', { id: ids.scale, name: 'scale', 'aria-describedby': describedBy('scale') },
      SCALES.map((s) => h('option', { value: s }, t(`alerts.scale.${s}`)))),
    threshold: h('input', { id: ids.threshold, name: 'threshold', type: 'text', inputmode: 'decimal', required: true,
      maxlength: '16', spellcheck: 'false', 'aria-describedby': describedBy('threshold') }),
    level: h('select', { id: uniqueId('alert-level'), name: 'level', 'aria-describedby': describedBy('threshold') }),
    sensor_id: h('select', { id: ids.sensor_id, name: 'sensor_id', 'aria-describedby': describedBy('sensor_id') },
      h('option', { value: '' }, t('alerts.sensor.all')),
      sensors.map((s) => h('option', { value: String(s.id) }, `${s.name || s.code} (${s.code})`))),
    webhooks: h('textarea', { id: ids.webhooks, name: 'webhooks', rows: '2', spellcheck: 'false', autocapitalize: 'none',
      'aria-describedby': describedBy('webhooks') }),
    emails: h('textarea', { id: ids.emails, name: 'emails', rows: '2', spellcheck: 'false', autocapitalize: 'none',
      'aria-describedby': describedBy('emails') }),
    line_to: h('textarea', { id: ids.line_to, name: 'line_to', rows: '2', spellcheck: 'false', autocapitalize: 'none',
      'aria-describedby': describedBy('line_to') }),
    quiet: h('input', { id: ids.quiet, name: 'quiet', type: 'checkbox', 'aria-describedby': describedBy('quiet') }),
    quiet_start: h('input', { id: quietStartId, name: 'quiet_start', type: 'time', value: '22:00' }),
    quiet_end: h('input', { id: quietEndId, name: 'quiet_end', type: 'time', value: '06:00' }),
    enabled: h('input', { id: ids.enabled, name: 'enabled', type: 'checkbox', checked: true,
      'aria-describedby': describedBy('enabled') }),
  };
  const errors = Object.fromEntries(FIELDS.map((f) => [f, h('p', { id: errIds[f], class: 'form-error', role: 'alert',
    hidden: true, dataset: { testid: `alert-error-${f}` } })]));
  const alert = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'alert-form-alert' } });
  const done = h('p', { class: 'notice ok', role: 'status', hidden: true, dataset: { testid: 'alert-form-done' } });
  const title = h('h2', { id: uniqueId('alerts-form-title') }, t('alerts.form.add_title'));
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('alerts.form.submit'));
  const cancel = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('alerts.form.cancel'));
  const thresholdHint = h('p', { class: 'hint', id: hintIds.threshold });
  const scaleField = h('div', { class: 'field', dataset: { field: 'scale' } },
    h('label', { for: ids.scale }, t('alerts.form.scale')), inputs.scale, errors.scale);
  const levelLabel = h('label', { for: inputs.level.id }, t('alerts.form.level'));
  const thresholdLabel = h('label', { for: ids.threshold }, t('alerts.form.threshold'));
  const quietTimes = h('div', { class: 'coords' },
    h('div', { class: 'field' }, h('label', { for: quietStartId }, t('alerts.form.quiet_start')), inputs.quiet_start),
    h('div', { class: 'field' }, h('label', { for: quietEndId }, t('alerts.form.quiet_end')), inputs.quiet_end));

  /** Shows what the chosen kind needs: a scale and a level for AQI rules, a number otherwise. */
  function syncKind() {
    const kind = inputs.kind.value;
    const aqi = kind === 'aqi_level';
    scaleField.hidden = !aqi;
    inputs.threshold.hidden = aqi;
    thresholdLabel.hidden = aqi;
    inputs.level.hidden = !aqi;
    levelLabel.hidden = !aqi;
    if (aqi) {
      const scale = inputs.scale.value;
      const chosen = inputs.level.value;
      const levels = [];
      for (let n = 2; n <= TOP_LEVEL[scale]; n += 1) levels.push(n);
      replaceChildren(inputs.level, levels.map((n) => h('option', { value: String(n), class: levelClass(scale, n) },
        t('alerts.form.level_option', { level: n, name: levelName(scale, n) }))));
      inputs.level.value = levels.includes(Number(chosen)) ? chosen : '3';
    }
    thresholdHint.textContent = t(`alerts.form.threshold_hint.${kind}`);
  }
  function syncQuiet() {
    quietTimes.hidden = !inputs.quiet.checked;
  }
  inputs.kind.addEventListener('change', syncKind);
  inputs.scale.addEventListener('change', syncKind);
  inputs.quiet.addEventListener('change', syncQuiet);

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
      const input = field === 'threshold' && inputs.kind.value === 'aqi_level' ? inputs.level : inputs[field];
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } else {
      alert.textContent = message;
      alert.hidden = false;
    }
  }

  function fill(rule) {
    editing = rule;
    inputs.name.value = rule?.name ?? '';
    inputs.kind.value = rule?.kind ?? 'pm25_24h';
    inputs.scale.value = rule?.scale ?? 'th';
    syncKind();  // fills the level choices of the scale before one is chosen
    inputs.threshold.value = rule && rule.kind !== 'aqi_level' ? String(rule.threshold) : '';
    inputs.level.value = rule?.kind === 'aqi_level' ? String(rule.threshold) : '3';
    inputs.sensor_id.value = rule?.sensor_id ? String(rule.sensor_id) : '';
    inputs.webhooks.value = (rule?.channels?.webhooks ?? []).join('\n');
    inputs.emails.value = (rule?.channels?.emails ?? []).join('\n');
    inputs.line_to.value = (rule?.channels?.line_to ?? []).join('\n');
    inputs.quiet.checked = Boolean(rule?.quiet_hours);
    inputs.quiet_start.value = rule?.quiet_hours?.start ?? '22:00';
    inputs.quiet_end.value = rule?.quiet_hours?.end ?? '06:00';
    inputs.enabled.checked = rule ? Boolean(rule.enabled) : true;
    title.textContent = t(rule ? 'alerts.form.edit_title' : 'alerts.form.add_title');
    submit.textContent = t(rule ? 'alerts.form.save' : 'alerts.form.submit');
    cancel.hidden = !rule;
    clearErrors();
    syncKind();
    syncQuiet();
  }

  async function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    done.hidden = true;
    const kind = inputs.kind.value;
    const body = { name: inputs.name.value.trim(), kind };
    if (!body.name) return failField('name', t('alerts.form.required'));
    if (kind === 'aqi_level') {
      body.scale = inputs.scale.value;
      body.threshold = Number(inputs.level.value);
    } else {
      const raw = inputs.threshold.value.trim().replace(',', '.');
      if (!raw) return failField('threshold', t('alerts.form.required'));
      if (!/^\d+(\.\d+)?$/.test(raw)) return failField('threshold', t('alerts.error.threshold_number'));
      body.threshold = Number(raw);
      if (editing) body.scale = null;
    }
    body.sensor_id = inputs.sensor_id.value ? Number(inputs.sensor_id.value) : null;
    body.channels = { webhooks: lines(inputs.webhooks.value), emails: lines(inputs.emails.value),
      line_to: lines(inputs.line_to.value) };
    if (!body.channels.webhooks.length && !body.channels.emails.length && !body.channels.line_to.length) {
      return failField('webhooks', t('alerts.error.channels'));
    }
    body.quiet_hours = inputs.quiet.checked ? { start: inputs.quiet_start.value, end: inputs.quiet_end.value } : null;
    body.enabled = inputs.enabled.checked;

    submit.disabled = true;
    try {
      const saved = editing
        ? await api.patch(`/api/v1/alert-rules/${encodeURIComponent(editing.id)}`, body)
        : await api.post('/api/v1/alert-rules', body);
      if (!ctx.isCurrent()) return;
      const message = t(editing ? 'alerts.form.saved' : 'alerts.form.created', { name: saved.name });
      fill(null);
      done.textContent = message;
      done.hidden = false;
      await onSaved(saved);
    } catch (e) {
      if (!ctx.isCurrent()) return;
      if (e instanceof ApiError && e.status === 422 && e.field && SERVER_FIELD[e.field]) {
        failField(SERVER_FIELD[e.field], fieldErrorText(e));
      } else {
        failField(null, errorMessage(e));
      }
    } finally {
      submit.disabled = false;
    }
  }
  cancel.addEventListener('click', () => fill(null));

  const field = (name, labelKey, hintKey) => h('div', { class: 'field', dataset: { field: name } },
    h('label', { for: ids[name] }, t(labelKey)),
    inputs[name],
    hintKey ? h('p', { class: 'hint', id: hintIds[name] }, t(hintKey)) : null,
    errors[name]);

  const section = h('section', { class: 'card', 'aria-labelledby': title.id, dataset: { testid: 'alert-rule-form' } },
    title,
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
      field('name', 'alerts.form.name'),
      field('kind', 'alerts.form.kind'),
      scaleField,
      h('div', { class: 'field', dataset: { field: 'threshold' } },
        thresholdLabel, inputs.threshold, levelLabel, inputs.level, thresholdHint, errors.threshold),
      field('sensor_id', 'alerts.form.sensor'),
      h('fieldset', { class: 'field' },
        h('legend', {}, t('alerts.form.channels')),
        field('webhooks', 'alerts.form.webhooks', 'alerts.form.webhooks_hint'),
        field('emails', 'alerts.form.emails', 'alerts.form.emails_hint'),
        field('line_to', 'alerts.form.line_to', 'alerts.form.line_to_hint')),
      h('div', { class: 'field' },
        h('div', { class: 'check' }, inputs.quiet, h('label', { for: ids.quiet }, t('alerts.form.quiet'))),
        h('p', { class: 'hint', id: hintIds.quiet }, t('alerts.form.quiet_hint')),
        quietTimes,
        errors.quiet),
      h('div', { class: 'field' },
        h('div', { class: 'check' }, inputs.enabled, h('label', { for: ids.enabled }, t('alerts.form.enabled'))),
        errors.enabled),
      alert,
      done,
      h('p', { class: 'actions' }, submit, ' ', cancel)));
  fill(null);
  return {
    section,
    edit(rule) {
      fill(rule);
      section.scrollIntoView({ block: 'start' });
      inputs.name.focus();
    },
  };
}

// ---- History ---------------------------------------------------------------------------------

function deliveryItem(delivery, lang) {
  const statusClass = { sent: 'ok', pending: 'muted-chip', failed: 'warn' }[delivery.status] ?? null;
  return h('li', { dataset: { channel: delivery.channel, status: delivery.status } },
    h('span', { class: 'chip' }, tOr(`alerts.channel.${delivery.channel}`, delivery.channel)), ' ',
    h('span', { class: 'mono' }, delivery.target), ' ',
    h('span', { class: ['chip', statusClass], dataset: { testid: 'delivery-status' } },
      tOr(`alerts.delivery.${delivery.status}`, delivery.status)),
    delivery.status === 'sent' && delivery.sent_at ? [' ', time(delivery.sent_at, lang)] : null,
    delivery.last_error
      ? h('p', { class: 'hint' }, t('alerts.delivery.error', { attempts: delivery.attempts, error: delivery.last_error }))
      : null);
}

function alertCard(item, lang) {
  const kindClass = { fire: 'warn', recover: 'ok', test: 'accent' }[item.kind] ?? null;
  const level = levelClass(item.scale, item.level);
  const message = lang === 'en' ? item.message?.en : item.message?.th;
  return h('li', { class: 'card alert-entry', dataset: { id: String(item.id), kind: item.kind } },
    h('p', { class: 'audit-head' },
      h('span', { class: ['chip', kindClass], dataset: { testid: 'alert-kind' } }, tOr(`alerts.history.kind.${item.kind}`, item.kind)),
      level ? h('span', { class: ['chip', level], dataset: { testid: 'alert-level' } }, levelName(item.scale, item.level)) : null,
      ' ',
      time(item.at, lang)),
    h('p', { dataset: { testid: 'alert-message' } }, message || ''),
    h('dl', { class: 'facts compact' },
      h('div', { class: 'fact' }, h('dt', {}, t('alerts.history.rule')), h('dd', {}, item.rule_name)),
      item.sensor
        ? h('div', { class: 'fact' }, h('dt', {}, t('alerts.history.sensor')),
          h('dd', {}, `${item.sensor.name || item.sensor.code} (${item.sensor.code})`))
        : null),
    item.deliveries?.length
      ? h('ul', { class: 'flag-list', 'aria-label': t('alerts.history.deliveries') },
        item.deliveries.map((d) => deliveryItem(d, lang)))
      : h('p', { class: 'muted' }, t('alerts.history.no_deliveries')));
}

function historySection(ctx, sensors, lang) {
  const ids = { sensor: uniqueId('alerts-filter-sensor'), kind: uniqueId('alerts-filter-kind'),
    from: uniqueId('alerts-filter-from'), to: uniqueId('alerts-filter-to') };
  const sensor = h('select', { id: ids.sensor, name: 'sensor' },
    h('option', { value: '' }, t('alerts.filter.all_sensors')),
    sensors.map((s) => h('option', { value: String(s.id) }, `${s.name || s.code} (${s.code})`)));
  const kind = h('select', { id: ids.kind, name: 'kind' },
    h('option', { value: '' }, t('alerts.filter.all_kinds')),
    ALERT_KINDS.map((k) => h('option', { value: k }, t(`alerts.history.kind.${k}`))));
  const from = h('input', { id: ids.from, name: 'from', type: 'date' });
  const to = h('input', { id: ids.to, name: 'to', type: 'date' });
  sensor.value = last.sensor;
  kind.value = last.kind;
  from.value = last.from;
  to.value = last.to;
  const list = h('ol', { class: 'cards', id: 'alerts-history', 'aria-label': t('alerts.history.title') });
  const status = h('p', { class: 'muted', role: 'status', dataset: { testid: 'alerts-history-status' } }, t('shell.loading'));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('alerts.history.more'));
  let before = null;
  let shown = 0;
  let pages = 0;
  let seq = 0;

  async function loadPage(reset) {
    const mine = reset ? ++seq : seq;
    if (reset) {
      before = null;
      shown = 0;
      list.replaceChildren();
      status.textContent = t('shell.loading');
    }
    more.disabled = true;
    error.hidden = true;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (sensor.value) query.set('sensor', sensor.value);
    if (kind.value) query.set('kind', kind.value);
    if (from.value) query.set('from', from.value);
    if (to.value) query.set('to', to.value);
    if (before !== null) query.set('before', String(before));
    try {
      const data = await api.get(`/api/v1/alerts?${query}`);
      if (!ctx.isCurrent() || mine !== seq) return;
      const items = data.items ?? [];
      list.append(...items.map((item) => alertCard(item, lang)));
      shown += items.length;
      pages = reset ? 1 : pages + 1;
      before = data.next_before ?? null;
      more.hidden = before === null;
      status.textContent = shown === 0 ? t('alerts.history.empty') : t('alerts.history.shown', { count: shown });
    } catch (e) {
      if (!ctx.isCurrent() || mine !== seq) return;
      error.textContent = e instanceof ApiError && e.status === 422 && (e.field === 'from' || e.field === 'to')
        ? t('alerts.error.dates') : errorMessage(e);
      error.hidden = false;
      status.textContent = '';
    } finally {
      more.disabled = false;
    }
  }
  const apply = (event) => {
    event.preventDefault();
    Object.assign(last, { sensor: sensor.value, kind: kind.value, from: from.value, to: to.value });
    void loadPage(true);
  };
  more.addEventListener('click', () => void loadPage(false));

  const field = (id, labelKey, input) => h('div', { class: 'field' }, h('label', { for: id }, t(labelKey)), input);
  const section = h('section', { 'aria-labelledby': 'alerts-history-title', dataset: { testid: 'alerts-history' } },
    h('h2', { id: 'alerts-history-title' }, t('alerts.history.title')),
    h('form', { class: 'form', novalidate: true, onsubmit: apply },
      field(ids.sensor, 'alerts.filter.sensor', sensor),
      field(ids.kind, 'alerts.filter.kind', kind),
      h('div', { class: 'coords' },
        field(ids.from, 'alerts.filter.from', from),
        field(ids.to, 'alerts.filter.to', to)),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('alerts.filter.apply')))),
    status, list, error, h('p', { class: 'actions' }, more));
  return {
    section,
    reload: () => loadPage(true),
    // A live "alert" event (a notice raised or sent): refresh, unless older pages are open.
    refresh: () => (pages <= 1 ? loadPage(true) : Promise.resolve()),
  };
}

// ---- Page ------------------------------------------------------------------------------------

export async function renderAlerts(ctx) {
  const lang = getLang();
  const canWrite = ctx.me.permissions?.includes('write');
  let sensors = [];
  try {
    sensors = (await api.get('/api/v1/sensors')).items ?? [];
  } catch (e) {
    if (!ctx.isCurrent()) return;
    ctx.container.append(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;

  const rulesArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));
  const history = historySection(ctx, sensors, lang);
  let form = null;

  async function loadRules() {
    try {
      const data = await api.get('/api/v1/alert-rules');
      if (!ctx.isCurrent()) return;
      const rules = data.items ?? [];
      replaceChildren(rulesArea,
        h('p', { class: 'muted', dataset: { testid: 'alert-rules-count' } },
          rules.length ? t('alerts.rules.count', { count: rules.length }) : t('alerts.rules.empty')),
        h('ul', { class: 'cards', id: 'alert-rules', 'aria-labelledby': 'alert-rules-title' },
          rules.map((rule) => ruleCard(ctx, rule, sensors, async () => {
            await loadRules();
            await history.reload();
          }, (r) => form?.edit(r)))));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(rulesArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    }
  }
  if (canWrite) form = ruleForm(ctx, sensors, loadRules);
  listen('alert', () => void history.refresh(), ctx.isCurrent);

  ctx.container.append(h('section', { class: 'page alerts' },
    h('h1', {}, t('alerts.title')),
    h('p', { class: 'lead' }, t('alerts.intro')),
    h('div', { class: 'split' },
      h('section', { 'aria-labelledby': 'alert-rules-title' },
        h('h2', { id: 'alert-rules-title' }, t('alerts.rules.title')),
        rulesArea),
      form ? form.section : null),
    history.section));
  await Promise.all([loadRules(), history.reload()]);
}
