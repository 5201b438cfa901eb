// The pollution clinic: #/clinic (cases, filtered by status, topic and factory), #/clinic/new (the
// request form; a factory representative files for its own factory), #/clinic/cases/{id} (the
// case: status, advisers, visits with advice, measures, follow-ups and measured outcomes),
// #/clinic/articles (knowledge-base search; Thai is matched as a substring because it has no
// spaces between words) and #/clinic/articles/{id}. API: /api/v1/clinic/... (docs/training-clinic-api.md).
import * as api from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { dateInput, day, fieldForm, loadError, numberValue, optional, select, textArea, textInput, todayIso }
  from './form_kit.js';

export const TOPICS = ['air', 'dust', 'odour', 'water', 'waste', 'noise', 'energy', 'circular'];
export const STATUSES = ['requested', 'accepted', 'in_progress', 'follow_up', 'closed', 'declined'];
// The moves offered on a case page; keep in step with CanMove in src/modules/clinic/clinic.cc.
const MOVES = {
  requested: ['accepted', 'declined'],
  accepted: ['in_progress', 'declined'],
  in_progress: ['follow_up', 'closed'],
  follow_up: ['in_progress', 'closed'],
  closed: [],
  declined: [],
};
const OPEN = new Set(['accepted', 'in_progress', 'follow_up']);

const isFactory = (ctx) => ctx.me?.user?.role === 'factory';
const canWrite = (ctx) => ctx.me?.permissions?.includes('write');
const statusChip = (s) => h('span', { class: ['chip', s === 'closed' ? 'ok' : s === 'declined' ? 'muted-chip' : s === 'requested' ? 'warn' : 'accent'],
  dataset: { testid: 'case-status' } }, t(`clinic.status.${s}`));

/** A field whose label names the control (for/id), so the label text is its accessible name. */
function labelled(text, control, id) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), control);
}

function nav(ctx) {
  return h('p', { class: 'actions' },
    h('a', { href: '#/clinic', class: 'button secondary' }, t('clinic.nav.cases')), ' ',
    isFactory(ctx) || canWrite(ctx)
      ? h('a', { href: '#/clinic/new', class: 'button primary', dataset: { testid: 'clinic-new-link' } }, t('clinic.nav.new')) : null, ' ',
    h('a', { href: '#/clinic/articles', class: 'button secondary' }, t('clinic.nav.articles')));
}

async function factoryOptions() {
  try {
    const { items } = await api.get('/api/v1/factories?limit=500');
    return items ?? [];
  } catch {
    return [];
  }
}

export async function renderClinic(ctx) {
  const status = select('status', [['', t('clinic.filter.any_status')], ...STATUSES.map((s) => [s, t(`clinic.status.${s}`)])]);
  const topic = select('topic', [['', t('clinic.filter.any_topic')], ...TOPICS.map((s) => [s, t(`clinic.topic.${s}`)])]);
  const factories = isFactory(ctx) ? [] : await factoryOptions();
  if (!ctx.isCurrent()) return;
  const factory = select('factory_id', [['', t('clinic.filter.any_factory')], ...factories.map((f) => [String(f.id), f.name])]);
  const list = h('ul', { class: 'cards', dataset: { testid: 'case-list' } });
  const load = async () => {
    const params = new URLSearchParams();
    if (status.value) params.set('status', status.value);
    if (topic.value) params.set('topic', topic.value);
    if (factory.value) params.set('factory_id', factory.value);
    try {
      const { items } = await api.get(`/api/v1/clinic/cases?${params}`);
      if (!ctx.isCurrent()) return;
      replaceChildren(list, items.length ? items.map((c) => h('li', { class: 'card', dataset: { testid: 'case', id: String(c.id) } },
        h('h3', { class: 'card-title' }, h('a', { href: `#/clinic/cases/${c.id}` }, `${t(`clinic.topic.${c.topic}`)} · ${c.factory_name}`)),
        h('ul', { class: 'chips' }, h('li', {}, statusChip(c.status)),
          c.filed_by_factory ? h('li', { class: 'chip' }, t('clinic.case.filed_by_factory')) : null),
        h('p', { class: 'case-request' }, c.request_text.length > 160 ? `${c.request_text.slice(0, 160)}…` : c.request_text),
        h('p', { class: 'muted' }, t('clinic.case.filed_on', { date: day(c.created_at) }))))
        : h('li', { class: 'muted', dataset: { testid: 'case-list-empty' } }, t('clinic.none')));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(list, loadError(e));
    }
  };
  for (const el of [status, topic, factory]) el.addEventListener('change', load);
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t(isFactory(ctx) ? 'clinic.title_factory' : 'clinic.title')),
    h('p', { class: 'muted' }, t(isFactory(ctx) ? 'clinic.intro_factory' : 'clinic.intro')), nav(ctx),
    h('div', { class: 'filters' },
      labelled(t('clinic.filter.status'), status, 'clinic-filter-status'),
      labelled(t('clinic.filter.topic'), topic, 'clinic-filter-topic'),
      isFactory(ctx) ? null : labelled(t('clinic.filter.factory'), factory, 'clinic-filter-factory')),
    list));
  await load();
}

export async function renderClinicRequest(ctx) {
  const factories = isFactory(ctx) ? [] : await factoryOptions();
  if (!ctx.isCurrent()) return;
  const inputs = {
    factory_id: isFactory(ctx) ? null
      : select('factory_id', [['', t('clinic.form.choose_factory')], ...factories.map((f) => [String(f.id), f.name])]),
    topic: select('topic', TOPICS.map((s) => [s, t(`clinic.topic.${s}`)]), 'dust'),
    request_text: textArea('request_text', 6, { maxlength: '4000' }),
    contact_name: textInput('contact_name', { maxlength: '200', autocomplete: 'name' }),
    contact_phone: textInput('contact_phone', { maxlength: '40', inputmode: 'tel', autocomplete: 'tel' }),
  };
  const { form } = fieldForm({
    prefix: 'clinic', testid: 'clinic-request-form', submitLabel: t('clinic.form.submit'),
    fields: Object.entries(inputs).filter(([, input]) => input).map(([name, input]) => ({ name, input,
      label: t(`clinic.form.${name}`), hint: name === 'request_text' ? t('clinic.form.request_hint') : undefined })),
    onSubmit: async () => {
      const created = await api.post('/api/v1/clinic/cases', {
        factory_id: inputs.factory_id?.value ? Number(inputs.factory_id.value) : undefined,
        topic: inputs.topic.value,
        request_text: inputs.request_text.value,
        contact_name: optional(inputs.contact_name),
        contact_phone: optional(inputs.contact_phone),
      });
      ctx.navigate(`/clinic/cases/${created.id}`);
    },
  });
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('clinic.form.title')), h('p', { class: 'muted' }, t('clinic.form.intro')), nav(ctx), form));
}

function section(title, testid, items, empty, form) {
  return [h('h2', {}, title),
    h('ul', { class: 'cards', dataset: { testid } }, items.length ? items : h('li', { class: 'muted' }, empty)),
    form ? h('details', { dataset: { testid: `${testid}-add` } }, h('summary', {}, t('clinic.case.add')), form) : null];
}

function outcomeCard(o) {
  const change = o.change_percent === null ? '' : ` (${o.change_percent > 0 ? '+' : ''}${o.change_percent.toFixed(1)}%)`;
  return h('li', { class: 'card', dataset: { testid: 'outcome' } },
    h('h3', { class: 'card-title' }, o.indicator),
    h('table', { class: 'data-table' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('clinic.outcome.measured_on')), h('th', { class: 'num' }, o.unit))),
      h('tbody', {},
        h('tr', {}, h('th', {}, t('clinic.outcome.before')), h('td', {}, day(o.before_on)), h('td', { class: 'num' }, String(o.before_value))),
        h('tr', {}, h('th', {}, t('clinic.outcome.after')), h('td', {}, day(o.after_on)),
          h('td', { class: 'num', dataset: { testid: 'outcome-after' } }, `${o.after_value}${change}`)))),
    o.notes ? h('p', { class: 'muted' }, o.notes) : null);
}

export async function renderClinicCase(ctx) {
  const id = encodeURIComponent(ctx.params.id);
  const show = async (c) => {
    if (!ctx.isCurrent()) return;
    const staff = canWrite(ctx);
    const open = OPEN.has(c.status);
    const rerender = (next) => show(next);
    const caseForm = (testid, fields, path, body) => (staff && open ? fieldForm({
      prefix: 'clinic', testid, submitLabel: t('clinic.case.save'),
      fields: Object.entries(fields).map(([name, input]) => ({ name, input, label: t(`clinic.${testid}.${name}`) })),
      onSubmit: async () => rerender(await api.post(`/api/v1/clinic/cases/${c.id}/${path}`, body())),
    }).form : null);

    const visit = { visited_on: dateInput('visited_on', todayIso()), notes: textArea('notes', 3), advice: textArea('advice', 4) };
    const measure = { description: textArea('description', 2), owner: textInput('owner', { maxlength: '200' }),
      due_on: dateInput('due_on', todayIso(30)) };
    const follow = { due_on: dateInput('due_on', todayIso(30)), note: textInput('note', { maxlength: '1000' }) };
    const outcome = { indicator: textInput('indicator', { maxlength: '200' }), unit: textInput('unit', { maxlength: '40' }),
      before_value: textInput('before_value', { inputmode: 'decimal' }), before_on: dateInput('before_on'),
      after_value: textInput('after_value', { inputmode: 'decimal' }), after_on: dateInput('after_on', todayIso()),
      notes: textInput('notes', { maxlength: '2000' }) };

    let moves = null;
    if (staff && MOVES[c.status].length) {
      const reason = textInput('reason', { maxlength: '4000' });
      const to = select('status', MOVES[c.status].map((s) => [s, t(`clinic.move.${s}`)]));
      moves = fieldForm({
        prefix: 'clinic', testid: 'case-move', submitLabel: t('clinic.case.move'),
        fields: [{ name: 'status', label: t('clinic.case.next_status'), input: to },
          { name: 'reason', label: t('clinic.case.reason'), input: reason }],
        onSubmit: async () => rerender(await api.post(`/api/v1/clinic/cases/${c.id}/status`,
          { status: to.value, reason: optional(reason) })),
      }).form;
    }

    let advisersForm = null;
    if (staff && c.status !== 'closed' && c.status !== 'declined') {
      let people = [];
      try {
        people = (await api.get('/api/v1/training/staff')).items;
      } catch {
        people = [];
      }
      if (!ctx.isCurrent()) return;
      const chosen = new Set(c.advisers.map((a) => a.user_id));
      const boxes = people.map((p) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', value: String(p.id), checked: chosen.has(p.id) }), ` ${p.display_name || p.username}`));
      const holder = h('div', { name: 'advisers' }, boxes);
      advisersForm = fieldForm({
        prefix: 'clinic', testid: 'case-advisers', submitLabel: t('clinic.case.save'),
        fields: [{ name: 'advisers', label: t('clinic.case.advisers'), input: holder }],
        onSubmit: async () => rerender(await api.put(`/api/v1/clinic/cases/${c.id}/advisers`,
          { advisers: boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => Number(i.value)) })),
      }).form;
    }

    const measureItems = c.measures.map((m) => {
      let toggle = null;
      if (staff && open) {
        toggle = h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'measure-toggle' } },
          t(m.done_on ? 'clinic.measure.reopen' : 'clinic.measure.done'));
        toggle.addEventListener('click', async () => {
          toggle.disabled = true;
          try {
            await api.put(`/api/v1/clinic/measures/${m.id}`, { done_on: m.done_on ? null : todayIso() });
            rerender(await api.get(`/api/v1/clinic/cases/${c.id}`));
          } catch {
            toggle.disabled = false;
          }
        });
      }
      return h('li', { class: ['card', m.done_on && 'inactive'], dataset: { testid: 'measure' } },
        h('h3', { class: 'card-title' }, m.description),
        h('p', {}, t('clinic.measure.owner_due', { owner: m.owner, date: day(m.due_on) })),
        h('p', { class: m.done_on ? 'notice ok' : 'muted' }, m.done_on ? t('clinic.measure.done_on', { date: day(m.done_on) }) : t('clinic.measure.open')),
        toggle);
    });

    replaceChildren(ctx.container, h('section', { class: 'page', dataset: { testid: 'clinic-case' } },
      h('h1', { tabindex: '-1' }, `${t(`clinic.topic.${c.topic}`)} · ${c.factory_name}`), nav(ctx),
      h('ul', { class: 'chips' }, h('li', {}, statusChip(c.status))),
      h('dl', { class: 'facts' },
        h('div', { class: 'fact' }, h('dt', {}, t('clinic.case.request')), h('dd', { dataset: { testid: 'case-request' } }, c.request_text)),
        h('div', { class: 'fact' }, h('dt', {}, t('clinic.case.filed')),
          h('dd', {}, t('clinic.case.filed_by', { date: day(c.created_at, false), name: c.requested_by }))),
        c.contact_name || c.contact_phone ? h('div', { class: 'fact' }, h('dt', {}, t('clinic.case.contact')),
          h('dd', {}, [c.contact_name, c.contact_phone].filter(Boolean).join(' · '))) : null,
        c.decline_reason ? h('div', { class: 'fact' }, h('dt', {}, t('clinic.case.decline_reason')), h('dd', {}, c.decline_reason)) : null,
        h('div', { class: 'fact' }, h('dt', {}, t('clinic.case.advisers')),
          h('dd', { dataset: { testid: 'case-advisers' } }, c.advisers.length ? c.advisers.map((a) => a.name).join(', ') : t('common.none')))),
      moves ? h('details', { dataset: { testid: 'case-move-box' } }, h('summary', {}, t('clinic.case.change_status')), moves) : null,
      advisersForm ? h('details', {}, h('summary', {}, t('clinic.case.edit_advisers')), advisersForm) : null,
      section(t('clinic.case.visits'), 'visits', c.visits.map((v) => h('li', { class: 'card', dataset: { testid: 'visit' } },
        h('h3', { class: 'card-title' }, day(v.visited_on, false)),
        v.notes ? h('p', {}, h('strong', {}, t('clinic.visit.notes')), ' ', v.notes) : null,
        h('p', {}, h('strong', {}, t('clinic.visit.advice')), ' ', v.advice))), t('clinic.none'),
      caseForm('visit', visit, 'visits', () => ({ visited_on: visit.visited_on.value, notes: optional(visit.notes), advice: visit.advice.value }))),
      section(t('clinic.case.measures'), 'measures', measureItems, t('clinic.none'),
        caseForm('measure', measure, 'measures', () => ({ description: measure.description.value, owner: measure.owner.value,
          due_on: measure.due_on.value }))),
      section(t('clinic.case.follow_ups'), 'follow-ups', c.follow_ups.map((f) => h('li', { class: 'card' },
        h('h3', { class: 'card-title' }, day(f.due_on, false)), f.note ? h('p', {}, f.note) : null)), t('clinic.none'),
      caseForm('follow', follow, 'follow-ups', () => ({ due_on: follow.due_on.value, note: optional(follow.note) }))),
      section(t('clinic.case.outcomes'), 'outcomes', c.outcomes.map(outcomeCard), t('clinic.outcome.none'),
        caseForm('outcome', outcome, 'outcomes', () => ({ indicator: outcome.indicator.value, unit: outcome.unit.value,
          before_value: numberValue(outcome.before_value), before_on: outcome.before_on.value || undefined,
          after_value: numberValue(outcome.after_value), after_on: outcome.after_on.value || undefined,
          notes: optional(outcome.notes) })))));
  };
  try {
    await show(await api.get(`/api/v1/clinic/cases/${id}`));
  } catch (e) {
    if (ctx.isCurrent()) ctx.container.append(loadError(e));
  }
}

export async function renderClinicArticles(ctx) {
  const q = h('input', { type: 'search', name: 'q', maxlength: '100', placeholder: t('clinic.kb.placeholder'),
    dataset: { testid: 'kb-search' } });
  const topic = select('topic', [['', t('clinic.filter.any_topic')], ...TOPICS.map((s) => [s, t(`clinic.topic.${s}`)])]);
  const list = h('ul', { class: 'cards', dataset: { testid: 'article-list' } });
  const load = async () => {
    const params = new URLSearchParams();
    if (q.value.trim()) params.set('q', q.value.trim());
    if (topic.value) params.set('topic', topic.value);
    try {
      const { items } = await api.get(`/api/v1/clinic/articles?${params}`);
      if (!ctx.isCurrent()) return;
      replaceChildren(list, items.length ? items.map((a) => h('li', { class: 'card', dataset: { testid: 'article' } },
        h('h3', { class: 'card-title' }, h('a', { href: `#/clinic/articles/${a.id}` }, a.title)),
        h('ul', { class: 'chips' }, h('li', { class: 'chip' }, t(`clinic.topic.${a.topic}`))),
        h('p', {}, a.summary))) : h('li', { class: 'muted' }, t('clinic.kb.none')));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(list, loadError(e));
    }
  };
  const form = h('form', { class: 'form', role: 'search', onsubmit: (e) => { e.preventDefault(); void load(); } },
    labelled(t('clinic.kb.search'), q, 'clinic-kb-q'),
    labelled(t('clinic.filter.topic'), topic, 'clinic-kb-topic'),
    h('div', {}, h('button', { type: 'submit', class: 'button primary' }, t('clinic.kb.go'))));
  topic.addEventListener('change', load);
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('clinic.kb.title')), h('p', { class: 'muted' }, t('clinic.kb.intro')), nav(ctx), form, list));
  await load();
}

export async function renderClinicArticle(ctx) {
  try {
    const a = await api.get(`/api/v1/clinic/articles/${encodeURIComponent(ctx.params.id)}`);
    if (!ctx.isCurrent()) return;
    // Paragraphs are separated by blank lines; everything is text, never HTML.
    const paragraphs = a.body.split(/\n\s*\n/).map((p) => h('p', {}, p.trim()));
    replaceChildren(ctx.container, h('article', { class: 'page', dataset: { testid: 'article-page' } },
      h('h1', { tabindex: '-1' }, a.title), nav(ctx),
      h('ul', { class: 'chips' }, h('li', { class: 'chip' }, t(`clinic.topic.${a.topic}`)),
        a.tags.split(',').map((tag) => tag.trim()).filter(Boolean).map((tag) => h('li', { class: 'chip muted-chip' }, tag))),
      h('p', { class: 'lead' }, a.summary), paragraphs));
  } catch (e) {
    if (ctx.isCurrent()) ctx.container.append(loadError(e));
  }
}
