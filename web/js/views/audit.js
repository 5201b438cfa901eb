// #/audit: the audit log, newest first, 50 at a time (GET /api/v1/audit?limit=50&before=ID).
// Times are shown in Bangkok with the Buddhist Era; before/after values are shown as JSON text.
import * as api from '../api.js';
import { formatDateTime } from '../dates.js';
import { definitionList, h } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';

export const PAGE_SIZE = 50;

function jsonText(value) {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function change(labelKey, value) {
  const text = jsonText(value);
  if (text === null) return null;
  return h('details', { class: 'change' },
    h('summary', {}, t(labelKey)),
    h('pre', { class: 'mono' }, text));
}

function entryCard(entry, lang) {
  const action = tOr(`audit.action.${entry.action}`, entry.action);
  const entity = tOr(`audit.entity.${entry.entity}`, entry.entity);
  return h('li', { class: 'card audit-entry', dataset: { id: String(entry.id), action: entry.action } },
    h('p', { class: 'audit-head' },
      h('span', { class: 'chip strong' }, action),
      ' ',
      h('time', { datetime: entry.at }, formatDateTime(entry.at, { lang, seconds: true }))),
    definitionList([
      [t('audit.actor'), entry.actor || t('common.none')],
      // For sessions the server records the user's id, which would read as a session number.
      [t('audit.entity'), [entity, entry.entity_id && entry.entity !== 'session'
        ? h('span', { class: 'mono' }, ` #${entry.entity_id}`) : null]],
      entry.ip ? [t('audit.ip'), h('span', { class: 'mono' }, entry.ip)] : null,
    ]),
    change('audit.before', entry.before),
    change('audit.after', entry.after));
}

export async function renderAudit(ctx) {
  const lang = getLang();
  const list = h('ol', { class: 'cards', id: 'audit-list', 'aria-labelledby': 'audit-title' });
  const status = h('p', { class: 'muted', role: 'status' }, t('shell.loading'));
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('audit.more'));
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let before = null;
  let shown = 0;

  async function loadPage() {
    more.disabled = true;
    error.hidden = true;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (before !== null) query.set('before', String(before));
    try {
      const data = await api.get(`/api/v1/audit?${query}`);
      if (!ctx.isCurrent()) return;
      const items = data.items ?? [];
      list.append(...items.map((e) => entryCard(e, lang)));
      shown += items.length;
      before = data.next_before ?? null;
      more.hidden = before === null;
      status.textContent = shown === 0 ? t('audit.empty')
        : `${t('audit.shown', { count: shown })}${before === null ? ` ${t('audit.end')}` : ''}`;
    } catch (e) {
      if (!ctx.isCurrent()) return;
      error.textContent = errorMessage(e);
      error.hidden = false;
      status.textContent = '';
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => void loadPage());

  ctx.container.append(h('section', { class: 'page' },
    h('h1', { id: 'audit-title' }, t('audit.title')),
    h('p', { class: 'lead' }, t('audit.intro')),
    status, list, error, h('p', { class: 'actions' }, more)));
  await loadPage();
}

