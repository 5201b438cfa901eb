// #/actions: corrective actions. Officers of the LAO filter them (status, factory, overdue, due
// before a date) and close one with evidence (a note and a photo: POST /api/v1/actions/{id}/evidence
// then /close). A factory representative sees "my factory's actions": only its own factory's
// open actions, read-only (the server decides; this page only words it).
import * as api from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t } from '../i18n.js';

const last = { status: 'open', factory_id: '', overdue: false, due_before: '' };

function closeForm(action, onClosed) {
  const note = h('textarea', { id: `close-note-${action.id}`, rows: '2', required: true, dataset: { testid: 'close-note' } });
  const photo = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: `close-photo-${action.id}` });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form', dataset: { testid: 'close-form' } },
    h('div', { class: 'field' }, h('label', { for: `close-note-${action.id}` }, t('actions.closure_note')), note),
    h('div', { class: 'field' }, h('label', { for: `close-photo-${action.id}` }, t('actions.closure_photo')), photo),
    err, h('button', { type: 'submit', class: 'button primary' }, t('actions.close')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    err.hidden = true;
    try {
      let photoId;
      const file = photo.files?.[0];
      if (file) {
        const uploaded = await api.postBytes(`/api/v1/actions/${action.id}/evidence?taken_at=${Math.floor(Date.now() / 1000)}`, file);
        photoId = uploaded.id;
      }
      const closed = await api.post(`/api/v1/actions/${action.id}/close`, { note: note.value.trim(), photo_id: photoId });
      onClosed(closed);
    } catch (e) {
      err.textContent = errorMessage(e);
      err.hidden = false;
    }
  });
  return form;
}

function actionCard(action, lang, canWrite, reload) {
  return h('li', { class: ['card', action.overdue ? 'overdue' : null], dataset: { testid: 'action-card', status: action.status, factory: String(action.factory_id) } },
    h('h3', { class: 'card-title' }, action.title),
    h('p', { class: 'muted' }, action.factory_name),
    action.description ? h('p', {}, action.description) : null,
    h('p', { class: 'meta' },
      h('span', {}, t('actions.owner'), ': ', action.owner),
      h('span', {}, t('actions.due'), ': ', formatThaiDate(action.due_date, { lang })),
      h('span', { class: ['chip', action.status === 'open' ? 'warn' : 'ok'] }, t(`actions.status.${action.status}`)),
      action.overdue ? h('span', { class: 'chip warn', dataset: { testid: 'overdue' } }, t('actions.overdue')) : null),
    action.status === 'closed'
      ? h('p', {}, t('actions.closed_with'), ': ', action.closure_note)
      : null,
    canWrite && action.status === 'open'
      ? h('details', {}, h('summary', {}, t('actions.close')), closeForm(action, reload))
      : null);
}

export async function renderActions(ctx) {
  const { container } = ctx;
  const lang = getLang();
  const isFactory = ctx.me.role === 'factory';
  const canWrite = ctx.me.permissions?.includes('write');
  const list = h('ul', { class: 'cards', dataset: { testid: 'action-list' } });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const status = h('select', { id: 'actions-status' },
    ['open', 'closed', ''].map((s) => h('option', { value: s, selected: last.status === s }, s ? t(`actions.status.${s}`) : t('inspections.all'))));
  const overdue = h('input', { type: 'checkbox', id: 'actions-overdue', checked: last.overdue });
  const dueBefore = h('input', { type: 'date', id: 'actions-due-before', value: last.due_before });
  let factories = [];
  if (!isFactory) factories = await api.get('/api/v1/factories?limit=500').then((r) => r.items).catch(() => []);
  if (!ctx.isCurrent()) return;
  const factory = h('select', { id: 'actions-factory' }, h('option', { value: '' }, t('inspections.all')),
    factories.map((f) => h('option', { value: String(f.id), selected: last.factory_id === String(f.id) }, f.name)));

  async function load() {
    const params = new URLSearchParams();
    if (!isFactory) {
      Object.assign(last, { status: status.value, factory_id: factory.value, overdue: overdue.checked, due_before: dueBefore.value });
      if (last.status) params.set('status', last.status);
      if (last.factory_id) params.set('factory_id', last.factory_id);
      if (last.overdue) params.set('overdue', 'true');
      if (last.due_before) params.set('due_before', last.due_before);
    } else {
      params.set('status', 'open');
    }
    try {
      const result = await api.get(`/api/v1/actions?${params}`);
      if (!ctx.isCurrent()) return;
      err.hidden = true;
      replaceChildren(list, result.items.length ? result.items.map((a) => actionCard(a, lang, canWrite && !isFactory, () => void load()))
        : h('li', { class: 'muted', dataset: { testid: 'actions-empty' } }, t('actions.empty')));
    } catch (e) {
      err.textContent = errorMessage(e);
      err.hidden = false;
    }
  }
  for (const control of [status, factory, overdue, dueBefore]) control.addEventListener('change', () => void load());

  replaceChildren(container, h('section', { class: 'page' },
    h('h1', {}, t(isFactory ? 'actions.mine_title' : 'actions.title')),
    h('p', { class: 'lead' }, t(isFactory ? 'actions.mine_lead' : 'actions.lead')),
    isFactory ? null : h('div', { class: 'filters grid' },
      h('div', { class: 'field' }, h('label', { for: 'actions-status' }, t('inspections.status_label')), status),
      h('div', { class: 'field' }, h('label', { for: 'actions-factory' }, t('inspections.factory')), factory),
      h('div', { class: 'field' }, h('label', { for: 'actions-due-before' }, t('actions.due_before')), dueBefore),
      h('div', { class: 'check' }, overdue, h('label', { for: 'actions-overdue' }, t('actions.overdue_only')))),
    err, list));
  await load();
}
