// #/checklists: the checklist templates my organisation can use (the shared defaults and its own,
// newest version of each). #/checklists/{id}: one version with its sections and items; an LAO
// administrator copies a template into the organisation (POST /api/v1/checklists/{id}/copy) and
// edits the organisation's own (POST /api/v1/checklists/{id}/versions saves the next version;
// inspections keep the version they started with). The editor changes items (text, type, the
// score range or the measured limits and unit, weight, severity), adds items and sections and
// edits section titles and weights.
import * as api from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage, fieldLabel } from '../errors.js';
import { getLang, t } from '../i18n.js';

const TYPES = ['yes_no', 'score', 'measure', 'text'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const isAdmin = (me) => me.role === 'lao-admin' || me.role === 'system-admin';

export async function renderChecklists(ctx) {
  const { container } = ctx;
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let items = [];
  try {
    items = (await api.get('/api/v1/checklists')).items;
  } catch (e) {
    err.textContent = errorMessage(e);
    err.hidden = false;
  }
  if (!ctx.isCurrent()) return;
  replaceChildren(container, h('section', { class: 'page' },
    h('h1', {}, t('checklists.title')),
    h('p', { class: 'lead' }, t('checklists.lead')), err,
    h('ul', { class: 'cards', dataset: { testid: 'checklist-list' } }, items.map((c) => h('li', { class: 'card', dataset: { code: c.code } },
      h('h3', { class: 'card-title' }, h('a', { href: `#/checklists/${c.id}` }, c.title_th)),
      h('p', { class: 'meta' },
        h('span', { class: ['chip', c.shared ? 'accent' : 'ok'] }, t(c.shared ? 'checklists.shared' : 'checklists.own')),
        h('span', {}, t('checklists.version', { version: c.version })),
        h('span', {}, t('checklists.counts', { sections: c.sections_count, items: c.items_count }))))))));
}

function editorItem(item) {
  const row = h('li', { class: 'card editor-item', dataset: { key: item.key } });
  const field = (name, control, label) => {
    const id = `ed-${item.key}-${name}`;
    control.id = id;
    control.dataset.name = name;
    return h('div', { class: 'field' }, h('label', { for: id }, label), control);
  };
  const text = h('textarea', { rows: '2' });
  text.value = item.text_th;
  const guidance = h('textarea', { rows: '3' });
  guidance.value = item.guidance ?? '';
  const legal = h('input', { type: 'text', value: item.legal_basis ?? '' });
  const type = h('select', {}, TYPES.map((x) => h('option', { value: x, selected: x === item.answer_type }, t(`checklists.type.${x}`))));
  const weight = h('input', { type: 'number', step: '0.5', min: '0.5', value: String(item.weight) });
  const severity = h('select', {}, SEVERITIES.map((x) => h('option', { value: x, selected: x === item.severity }, t(`inspection.severity.${x}`))));
  const evidence = h('input', { type: 'checkbox', id: `ed-${item.key}-evidence`, checked: Boolean(item.evidence_required) });
  const remove = h('button', { type: 'button', class: 'button secondary', onclick: () => row.remove() }, t('checklists.remove_item'));
  // The limits of the answer type: the score range, or the compliant range of a measured value.
  const num = (value) => h('input', { type: 'number', step: 'any', inputmode: 'decimal', value: value ?? '' });
  const scoreMin = num(item.score_min ?? 0);
  const scoreMax = num(item.score_max ?? 4);
  const lower = num(item.lower);
  const upper = num(item.upper);
  const unit = h('input', { type: 'text', value: item.unit ?? '', maxlength: '20' });
  const scoreLimits = h('div', { class: 'limits', dataset: { testid: `limits-score-${item.key}` } },
    field('score_min', scoreMin, t('checklists.score_min')), field('score_max', scoreMax, t('checklists.score_max')));
  const measureLimits = h('div', { class: 'limits', dataset: { testid: `limits-measure-${item.key}` } },
    field('lower', lower, t('checklists.lower')), field('upper', upper, t('checklists.upper')), field('unit', unit, t('checklists.unit')),
    h('p', { class: 'hint' }, t('checklists.limits_hint')));
  const showLimits = () => {
    scoreLimits.hidden = type.value !== 'score';
    measureLimits.hidden = type.value !== 'measure';
  };
  type.addEventListener('change', showLimits);
  showLimits();
  row.append(h('p', { class: 'mono muted' }, item.key),
    field('text_th', text, t('checklists.item_text')), field('guidance', guidance, t('inspection.guidance')),
    field('legal_basis', legal, t('inspection.legal_basis')), field('answer_type', type, t('checklists.answer_type')),
    scoreLimits, measureLimits,
    field('weight', weight, t('checklists.weight')), field('severity', severity, t('inspection.severity_label')),
    h('div', { class: 'check' }, evidence, h('label', { for: `ed-${item.key}-evidence` }, t('inspection.evidence_required'))), remove);
  // An empty limit is null (no bound); anything else is sent as typed, so the server names a bad one.
  const limit = (input) => (input.value.trim() === '' ? null : Number(input.value));
  row.read = () => {
    const out = {
      ...item,
      text_th: text.value.trim(),
      guidance: guidance.value.trim(),
      legal_basis: legal.value.trim(),
      answer_type: type.value,
      weight: Number(weight.value),
      severity: severity.value,
      evidence_required: evidence.checked,
    };
    for (const key of ['score_min', 'score_max', 'lower', 'upper', 'unit']) delete out[key];
    if (type.value === 'score') Object.assign(out, { score_min: limit(scoreMin) ?? 0, score_max: limit(scoreMax) ?? 0 });
    if (type.value === 'measure') Object.assign(out, { lower: limit(lower), upper: limit(upper), unit: unit.value.trim() });
    return out;
  };
  return row;
}

function blankItem(key) {
  return { key, text_th: '', guidance: '', legal_basis: '', answer_type: 'yes_no', weight: 1, severity: 'medium', evidence_required: false };
}

export async function renderChecklist(ctx) {
  const { container } = ctx;
  const lang = getLang();
  let tmpl;
  try {
    tmpl = await api.get(`/api/v1/checklists/${encodeURIComponent(ctx.params.id)}`);
  } catch (e) {
    container.append(h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const admin = isAdmin(ctx.me);
  const err = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'checklist-error' } });

  const copyButton = admin ? h('button', { type: 'button', class: 'button', dataset: { testid: 'checklist-copy' } }, t('checklists.copy')) : null;
  const copyCode = admin ? h('input', { type: 'text', id: 'copy-code', value: tmpl.shared ? tmpl.code : `${tmpl.code}-copy` }) : null;
  copyButton?.addEventListener('click', async () => {
    err.hidden = true;
    try {
      const copy = await api.post(`/api/v1/checklists/${tmpl.id}/copy`, { code: copyCode.value.trim() });
      ctx.navigate(`/checklists/${copy.id}`);
    } catch (e) {
      err.textContent = e?.field ? `${fieldLabel(e.field)}: ${errorMessage(e)}` : errorMessage(e);
      err.hidden = false;
    }
  });

  const editable = admin && !tmpl.shared;
  const sectionEditors = [];
  let fresh = 0;
  const freshKey = (prefix) => `${prefix}-n${Date.now() % 100000}${(fresh += 1)}`;
  const sectionNode = (section) => {
    const list = h('ol', { class: 'items' }, section.items.map((item) => (editable ? editorItem(item) : h('li', { class: 'item' },
      h('p', { class: 'item-text' }, lang === 'en' ? item.text_en || item.text_th : item.text_th),
      h('ul', { class: 'chips' }, h('li', { class: 'chip' }, t(`checklists.type.${item.answer_type}`)),
        h('li', { class: 'chip' }, t(`inspection.severity.${item.severity}`)),
        h('li', { class: 'chip' }, t('checklists.weight_value', { weight: item.weight })),
        item.evidence_required ? h('li', { class: 'chip' }, t('inspection.evidence_required')) : null),
      item.guidance ? h('details', { class: 'guidance' }, h('summary', {}, t('inspection.guidance')), h('p', {}, item.guidance),
        item.legal_basis ? h('p', { class: 'muted' }, item.legal_basis) : null) : null))));
    const add = editable ? h('button', { type: 'button', class: 'button', dataset: { testid: `add-item-${section.key}` },
      onclick: () => list.append(editorItem(blankItem(freshKey(section.key)))) }, t('checklists.add_item')) : null;
    const heading = h('h2', {}, lang === 'en' ? section.title_en || section.title_th : section.title_th);
    if (!editable) return h('section', { class: 'card checklist-section' }, heading, list);
    // The section's own title and weight are editable too.
    const title = h('input', { type: 'text', id: `sec-${section.key}-title`, value: section.title_th, maxlength: '200',
      dataset: { testid: `section-title-${section.key}` } });
    const weight = h('input', { type: 'number', id: `sec-${section.key}-weight`, step: '0.5', min: '0.5', value: String(section.weight) });
    const node = h('section', { class: 'card checklist-section', dataset: { testid: `section-${section.key}` } }, heading,
      h('div', { class: 'field' }, h('label', { for: title.id }, t('checklists.section_title')), title),
      h('div', { class: 'field' }, h('label', { for: weight.id }, t('checklists.section_weight')), weight),
      list, add);
    sectionEditors.push({ section, list, title, weight });
    return node;
  };
  const sectionNodes = tmpl.sections.map(sectionNode);
  const sectionsBox = h('div', {}, sectionNodes);
  const addSection = editable ? h('button', { type: 'button', class: 'button', dataset: { testid: 'add-section' }, onclick: () => {
    const key = freshKey('sec');
    const node = sectionNode({ key, title_th: '', title_en: '', weight: 1, items: [blankItem(`${key}-01`)] });
    sectionsBox.append(node);
    node.querySelector('input')?.focus();
  } }, t('checklists.add_section')) : null;

  const save = editable ? h('button', { type: 'button', class: 'button primary', dataset: { testid: 'checklist-save' } }, t('checklists.save_version')) : null;
  save?.addEventListener('click', async () => {
    err.hidden = true;
    const sections = sectionEditors.map(({ section, list, title, weight }) => ({
      key: section.key, title_th: title.value.trim(), title_en: section.title_en, weight: Number(weight.value),
      items: [...list.children].map((row) => row.read()),
    }));
    try {
      const saved = await api.post(`/api/v1/checklists/${tmpl.id}/versions`,
        { title_th: tmpl.title_th, title_en: tmpl.title_en, description: tmpl.description, sections });
      ctx.navigate(`/checklists/${saved.id}`);
    } catch (e) {
      err.textContent = e?.field ? `${fieldLabel(e.field)}: ${errorMessage(e)}` : errorMessage(e);
      err.hidden = false;
    }
  });

  replaceChildren(container, h('section', { class: 'page' },
    h('p', {}, h('a', { href: '#/checklists' }, t('checklists.back'))),
    h('h1', {}, tmpl.title_th),
    h('p', { class: 'meta' },
      h('span', { class: ['chip', tmpl.shared ? 'accent' : 'ok'] }, t(tmpl.shared ? 'checklists.shared' : 'checklists.own')),
      h('span', { dataset: { testid: 'checklist-version' } }, t('checklists.version', { version: tmpl.version }))),
    tmpl.description ? h('p', { class: 'lead' }, tmpl.description) : null,
    admin ? h('div', { class: 'card' }, h('h2', {}, t('checklists.copy')), h('p', { class: 'muted' }, t('checklists.copy_hint')),
      h('div', { class: 'field' }, h('label', { for: 'copy-code' }, t('checklists.code')), copyCode), copyButton) : null,
    editable ? h('p', { class: 'notice' }, t('checklists.edit_hint')) : null,
    err, sectionsBox, addSection, save));
}
