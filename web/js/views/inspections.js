// #/inspections: the inspection plan of my organisation (GET /api/v1/inspections with filters:
// status, factory, inspector, planned date from/to) and, with the "write" permission, a form to
// plan one (POST /api/v1/inspections: factory, checklist, inspectors, planned date).
import * as api from '../api.js';
import { formatThaiDate } from '../dates.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage, fieldLabel } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';

export const STATUSES = ['planned', 'in_progress', 'signed_off', 'cancelled'];
const last = { status: '', factory_id: '', inspector_id: '', from: '', to: '' };

function inspectionCard(i, lang) {
  return h('li', { class: 'card', dataset: { status: i.status, testid: 'inspection-card' } },
    h('h3', { class: 'card-title' }, h('a', { href: `#/inspections/${i.id}`, dataset: { testid: 'inspection-link' } },
      i.factory_name || `#${i.factory_id}`)),
    h('p', { class: 'muted' }, `${i.template_title_th} · ${t('checklists.version', { version: i.template_version })}`),
    h('p', { class: 'meta' },
      h('span', {}, formatThaiDate(i.planned_date, { lang })),
      h('span', { class: ['chip', i.status === 'signed_off' ? 'ok' : i.status === 'in_progress' ? 'warn' : null] },
        tOr(`inspections.status.${i.status}`, i.status)),
      h('span', {}, i.inspectors.map((x) => x.name).join(', ')),
      i.previous_id ? h('span', {}, t('inspections.reinspection')) : null));
}

async function loadOptions() {
  const [factories, checklists, inspectors] = await Promise.all([
    api.get('/api/v1/factories?limit=500').then((r) => r.items).catch(() => []),
    api.get('/api/v1/checklists').then((r) => r.items).catch(() => []),
    api.get('/api/v1/inspectors').then((r) => r.items).catch(() => []),
  ]);
  return { factories, checklists, inspectors };
}

function planForm(ctx, options, onPlanned) {
  const factory = h('select', { id: 'plan-factory', required: true, dataset: { testid: 'plan-factory' } },
    h('option', { value: '' }, t('inspections.choose')),
    options.factories.map((f) => h('option', { value: String(f.id) }, f.name)));
  const checklist = h('select', { id: 'plan-checklist', required: true, dataset: { testid: 'plan-checklist' } },
    options.checklists.map((c) => h('option', { value: String(c.id) }, `${c.title_th} (${t('checklists.version', { version: c.version })})`)));
  const inspectors = h('fieldset', { class: 'field', dataset: { testid: 'plan-inspectors' } },
    h('legend', {}, t('inspections.inspectors')),
    options.inspectors.map((u) => h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: `plan-inspector-${u.id}`, value: String(u.id), checked: u.id === ctx.me.user?.id }),
      h('label', { for: `plan-inspector-${u.id}` }, u.name))));
  const date = h('input', { type: 'date', id: 'plan-date', required: true, dataset: { testid: 'plan-date' } });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'form card', dataset: { testid: 'plan-form' } },
    h('h2', {}, t('inspections.plan')),
    h('div', { class: 'field' }, h('label', { for: 'plan-factory' }, t('inspections.factory')), factory),
    h('div', { class: 'field' }, h('label', { for: 'plan-checklist' }, t('inspections.checklist')), checklist),
    inspectors,
    h('div', { class: 'field' }, h('label', { for: 'plan-date' }, t('inspections.planned_date')), date),
    err, h('button', { type: 'submit', class: 'button primary' }, t('inspections.plan')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    err.hidden = true;
    const ids = [...inspectors.querySelectorAll('input:checked')].map((c) => Number(c.value));
    try {
      const created = await api.post('/api/v1/inspections', { factory_id: Number(factory.value), template_id: Number(checklist.value),
        inspector_ids: ids, planned_date: date.value });
      onPlanned(created);
    } catch (e) {
      err.textContent = e?.field ? `${fieldLabel(e.field)}: ${errorMessage(e)}` : errorMessage(e);
      err.hidden = false;
    }
  });
  return form;
}

export async function renderInspections(ctx) {
  const { container } = ctx;
  const lang = getLang();
  const canWrite = ctx.me.permissions?.includes('write');
  const list = h('ul', { class: 'cards', dataset: { testid: 'inspection-list' } });
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const options = await loadOptions();
  if (!ctx.isCurrent()) return;

  const status = h('select', { id: 'filter-status' }, h('option', { value: '' }, t('inspections.all')),
    STATUSES.map((s) => h('option', { value: s, selected: last.status === s }, t(`inspections.status.${s}`))));
  const factory = h('select', { id: 'filter-factory' }, h('option', { value: '' }, t('inspections.all')),
    options.factories.map((f) => h('option', { value: String(f.id), selected: last.factory_id === String(f.id) }, f.name)));
  const inspector = h('select', { id: 'filter-inspector' }, h('option', { value: '' }, t('inspections.all')),
    options.inspectors.map((u) => h('option', { value: String(u.id), selected: last.inspector_id === String(u.id) }, u.name)));
  const from = h('input', { type: 'date', id: 'filter-from', value: last.from });
  const to = h('input', { type: 'date', id: 'filter-to', value: last.to });

  async function load() {
    Object.assign(last, { status: status.value, factory_id: factory.value, inspector_id: inspector.value, from: from.value, to: to.value });
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(last)) if (v) params.set(k, v);
    try {
      const result = await api.get(`/api/v1/inspections?${params}`);
      if (!ctx.isCurrent()) return;
      err.hidden = true;
      replaceChildren(list, result.items.length ? result.items.map((i) => inspectionCard(i, lang))
        : h('li', { class: 'muted' }, t('inspections.empty')));
    } catch (e) {
      err.textContent = errorMessage(e);
      err.hidden = false;
    }
  }
  for (const control of [status, factory, inspector, from, to]) control.addEventListener('change', () => void load());

  replaceChildren(container, h('section', { class: 'page' },
    h('h1', {}, t('inspections.title')),
    h('p', { class: 'lead' }, t('inspections.lead')),
    h('p', {}, h('a', { href: '#/checklists' }, t('nav.checklists')), ' · ', h('a', { href: '#/actions' }, t('nav.actions'))),
    h('div', { class: 'filters grid' },
      h('div', { class: 'field' }, h('label', { for: 'filter-status' }, t('inspections.status_label')), status),
      h('div', { class: 'field' }, h('label', { for: 'filter-factory' }, t('inspections.factory')), factory),
      h('div', { class: 'field' }, h('label', { for: 'filter-inspector' }, t('inspections.inspector')), inspector),
      h('div', { class: 'coords' },
        h('div', { class: 'field' }, h('label', { for: 'filter-from' }, t('inspections.from')), from),
        h('div', { class: 'field' }, h('label', { for: 'filter-to' }, t('inspections.to')), to))),
    err, list,
    canWrite ? planForm(ctx, options, (created) => ctx.navigate(`/inspections/${created.id}`)) : null));
  await load();
}
