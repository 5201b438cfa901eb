// #/line-settings: the LAO administrator connects the LAO's LINE Official Account
// (GET/PUT /api/v1/line-connection, docs/complaints-api.md §"LINE Official Account"). The secret
// and access token are write-only: the page shows only whether they are set; a blank box keeps
// what was saved. Below the form: the LINE messages the inbox gave up on after their last attempt
// (each with its last error), so that the administrator can follow up.
import * as api from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatDateTime } from '../dates.js';
import { getLang, t } from '../i18n.js';
import { day, fieldForm, loadError, optional, textInput } from './form_kit.js';

function loadingLine() {
  return h('p', { class: 'muted', role: 'status' }, t('shell.loading'));
}

export async function renderLineSettings(ctx) {
  const body = h('div', {}, loadingLine());
  ctx.container.append(h('section', { class: 'page' },
    h('h1', {}, t('line.title')),
    h('p', { class: 'lead' }, t('line.intro')),
    body));

  let current;
  try {
    current = await api.get('/api/v1/line-connection');
  } catch (e) {
    if (ctx.isCurrent()) replaceChildren(body, loadError(e));
    return;
  }
  if (!ctx.isCurrent()) return;

  const status = h('p', { role: 'status', dataset: { testid: 'line-status' } });
  const webhook = h('code', { dataset: { testid: 'line-webhook-url' } });
  const channelId = textInput('channel_id', { inputmode: 'numeric', value: current.channel_id ?? '' });
  const secret = textInput('channel_secret', { type: 'password', autocomplete: 'new-password' });
  const token = textInput('access_token', { type: 'password', autocomplete: 'new-password' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  const savedHint = (isSet) => (isSet ? t('line.saved_keep') : t('line.not_set'));
  const secretHint = h('span');
  const tokenHint = h('span');

  const show = (c) => {
    current = c;
    enabled.checked = Boolean(c.enabled);
    secret.value = '';
    token.value = '';
    secretHint.textContent = savedHint(c.channel_secret_set);
    tokenHint.textContent = savedHint(c.access_token_set);
    webhook.textContent = `${location.origin}${c.webhook_path}`;
    status.textContent = c.enabled ? t('line.status_on') : t('line.status_off');
    if (c.updated_at) status.textContent += ` · ${t('line.updated')} ${day(c.updated_at)}`;
  };

  const { form } = fieldForm({
    prefix: 'line',
    testid: 'line-form',
    submitLabel: t('line.save'),
    fields: [
      { name: 'channel_id', label: t('line.channel_id'), input: channelId },
      { name: 'channel_secret', label: t('line.channel_secret'), input: secret, hint: secretHint },
      { name: 'access_token', label: t('line.access_token'), input: token, hint: tokenHint },
      { name: 'enabled', label: t('line.enabled'), input: enabled },
    ],
    onSubmit: async () => {
      const update = { channel_id: channelId.value.trim(), enabled: enabled.checked };
      const s = optional(secret);
      const k = optional(token);
      if (s !== undefined) update.channel_secret = s;
      if (k !== undefined) update.access_token = k;
      show(await api.put('/api/v1/line-connection', update));
      status.textContent = `${t('line.saved')} · ${status.textContent}`;
    },
  });

  show(current);
  replaceChildren(body,
    status,
    h('div', { class: 'field' }, h('p', {}, t('line.webhook_label')), webhook, h('p', { class: 'hint' }, t('line.webhook_hint'))),
    form,
    h('p', { class: 'hint' }, t('line.how_residents')),
    failedEvents(current.failed_events ?? []));
}

// The inbox events given up after their last attempt, newest first.
function failedEvents(failures) {
  const when = (seconds) => formatDateTime(new Date(seconds * 1000), { lang: getLang() });
  const list = failures.length === 0
    ? h('p', { class: 'muted' }, t('line.failed_none'))
    : h('ul', {}, ...failures.map((f) => h('li', {},
      t('line.failed_item', { received: when(f.received_at), failed: when(f.failed_at), attempts: f.attempts }),
      h('br'),
      h('code', {}, f.last_error))));
  return h('section', { dataset: { testid: 'line-failed-events' } },
    h('h2', {}, t('line.failed_title')),
    h('p', { class: 'hint' }, t('line.failed_hint')),
    list);
}
