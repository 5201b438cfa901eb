// #/inspections/{id}: conducting one inspection on a phone, with or without network.
// The page reads GET /api/v1/inspections/{id} (the inspection as one object: checklist version,
// answers, scores, findings, actions, photos, sign-off) and keeps a copy in IndexedDB; offline it
// shows that copy. Every change goes to the offline queue first (js/offline_queue.js) and is sent
// when the network is back; the bar at the top says what is still waiting. Conflicting answers
// to one item are settled by the server: the one recorded later on a phone wins.
// Sign-off (POST /api/v1/inspections/{id}/sign-off) needs the network and an empty queue; after
// it the page is read-only. Cancelling (POST .../cancel with a reason) also makes it read-only;
// the answers already given stay.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { formatDateTime, formatThaiDate } from '../dates.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';
import * as queue from '../offline_queue.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];

/** Compliance of one answer in [0, 1], or null when it does not count (same rule as the server). */
export function compliance(item, answer) {
  if (!answer) return null;
  switch (item.answer_type) {
    case 'yes_no':
      if (!answer.choice || answer.choice === 'na') return null;
      return answer.choice === 'yes' ? 1 : 0;
    case 'score':
      if (typeof answer.number !== 'number') return null;
      return Math.min(1, Math.max(0, (answer.number - item.score_min) / (item.score_max - item.score_min)));
    case 'measure': {
      if (typeof answer.number !== 'number') return null;
      const v = answer.number;
      const inside = (item.lower === null || item.lower === undefined || v >= item.lower)
        && (item.upper === null || item.upper === undefined || v <= item.upper);
      return inside ? 1 : 0;
    }
    default:
      return null;
  }
}

/** Scores by section and overall (docs/inspections.md §Scores). */
export function computeScores(sections, answers) {
  let sum = 0;
  let weight = 0;
  let unanswered = 0;
  const out = [];
  for (const section of sections) {
    let s = 0;
    let w = 0;
    let missing = 0;
    for (const item of section.items) {
      if (item.answer_type === 'text') continue;
      const a = answers.get(item.key);
      if (!a) {
        missing += 1;
        continue;
      }
      const c = compliance(item, a);
      if (c === null) continue;
      s += item.weight * c;
      w += item.weight;
    }
    const score = w > 0 ? (100 * s) / w : null;
    if (score !== null) {
      sum += section.weight * score;
      weight += section.weight;
    }
    unanswered += missing;
    out.push({ key: section.key, score, unanswered: missing });
  }
  return { sections: out, overall: weight > 0 ? sum / weight : null, unanswered };
}

const fmtScore = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)}`);

let geo = null;  // the last position the phone gave, {lat, lon}
function watchPosition() {
  if (!navigator.geolocation) return;
  try {
    navigator.geolocation.getCurrentPosition(
      (p) => { geo = { lat: p.coords.latitude, lon: p.coords.longitude }; },
      () => {},
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  } catch {
    // not allowed: photos are sent without a location
  }
}

export async function renderInspection(ctx) {
  const { container } = ctx;
  const id = Number(ctx.params.id);
  const lang = getLang();
  let data = null;
  let fromSnapshot = false;
  try {
    data = await api.get(`/api/v1/inspections/${id}`);
    await queue.saveSnapshot(data);
  } catch (e) {
    if (e instanceof ApiError && e.status !== 0) {
      container.append(h('section', { class: 'page' }, h('h1', {}, t('inspections.title')),
        h('p', { class: 'form-error', role: 'alert' }, errorMessage(e))));
      return;
    }
    data = await queue.loadSnapshot(id);
    fromSnapshot = true;
    if (!data) {
      container.append(h('section', { class: 'page' }, h('h1', {}, t('inspections.title')),
        h('p', { class: 'notice warn', role: 'status' }, t('inspection.offline_unavailable'))));
      return;
    }
  }
  if (!ctx.isCurrent()) return;

  const sections = data.checklist.sections;
  const items = new Map();
  for (const section of sections) for (const item of section.items) items.set(item.key, item);
  const answers = new Map(data.answers.map((a) => [a.item_key, a]));
  const queuedPhotos = [];  // {op, url}
  let readOnly = data.status === 'signed_off' || data.status === 'cancelled';
  const canWrite = ctx.me.permissions?.includes('write');
  if (!canWrite) readOnly = true;

  // Queued operations override what the server last said (they are newer).
  for (const op of await queue.pending(id)) {
    if (op.kind === 'answer') answers.set(op.item_key, { ...op, queued: true });
    if (op.kind === 'photo') queuedPhotos.push({ op, url: URL.createObjectURL(op.blob) });
  }

  const itemViews = new Map();
  const statusLine = h('p', { class: 'sync-status', role: 'status', dataset: { testid: 'sync-status' } });
  const syncButton = h('button', { type: 'button', class: 'button', dataset: { testid: 'sync-now' } }, t('inspection.sync_now'));
  const scoreBox = h('div', { class: 'score-box', dataset: { testid: 'scores' } });
  const rejectedBox = h('div', { dataset: { testid: 'rejected' } });

  async function refreshStatus() {
    const waiting = await queue.pending(id);
    if (!ctx.isCurrent()) return;
    const online = navigator.onLine;
    statusLine.dataset.pending = String(waiting.length);
    statusLine.dataset.online = String(online);
    statusLine.className = ['sync-status', waiting.length ? 'waiting' : 'synced', online ? null : 'offline'].filter(Boolean).join(' ');
    if (waiting.length === 0) {
      statusLine.textContent = online ? t('inspection.synced') : t('inspection.offline_nothing');
    } else {
      statusLine.textContent = t(online ? 'inspection.waiting' : 'inspection.offline_waiting', { count: waiting.length });
    }
    const refused = await queue.rejected(id);
    replaceChildren(rejectedBox, refused.length
      ? h('div', { class: 'notice warn', role: 'alert' }, h('p', {}, t('inspection.rejected_title')),
        h('ul', {}, refused.map((r) => h('li', {}, `${r.item_key || t(`inspection.kind.${r.kind}`)}: ${r.error?.message ?? ''}`))))
      : null);
  }

  function renderScores() {
    const scores = computeScores(sections, answers);
    replaceChildren(scoreBox,
      h('p', { class: 'big' }, t('inspection.overall'), ' ', h('span', { dataset: { testid: 'score-overall' } }, fmtScore(scores.overall))),
      h('p', { class: 'muted' }, t('inspection.unanswered', { count: scores.unanswered })),
      h('ul', { class: 'chips' }, scores.sections.map((s, i) => h('li', { class: 'chip', dataset: { testid: `score-${s.key}` } },
        `${sectionTitle(sections[i])}: ${fmtScore(s.score)}`))));
    return scores;
  }

  function sectionTitle(section) {
    return lang === 'en' ? section.title_en || section.title_th : section.title_th;
  }
  function itemText(item) {
    return lang === 'en' ? item.text_en || item.text_th : item.text_th;
  }

  async function sync() {
    if (!navigator.onLine) {
      await refreshStatus();
      return;
    }
    const outcome = await queue.flush(id);
    if (!ctx.isCurrent()) return;
    if (outcome.sent > 0) {
      try {
        data = await api.get(`/api/v1/inspections/${id}`);
        await queue.saveSnapshot(data);
        for (const a of data.answers) {
          const local = answers.get(a.item_key);
          if (!local || !local.queued || (local.at ?? 0) <= a.answered_at) answers.set(a.item_key, a);
        }
        for (const p of queuedPhotos.splice(0)) URL.revokeObjectURL(p.url);
        for (const [, view] of itemViews) view.update();
        renderLists();
        renderScores();
      } catch (e) {
        console.warn('refresh after sync failed', e);
      }
    }
    await refreshStatus();
  }

  async function record(op) {
    const stored = await queue.enqueue(id, op);
    if (op.kind === 'answer') answers.set(op.item_key, { ...stored, queued: true });
    renderScores();
    await refreshStatus();
    void sync();
    return stored;
  }

  // ---- one checklist item ----
  function itemView(item) {
    const key = item.key;
    const controls = h('div', { class: 'answer-controls' });
    const note = h('textarea', { rows: '2', class: 'item-note', 'aria-label': t('inspection.note'), disabled: readOnly,
      placeholder: t('inspection.note'), dataset: { testid: `note-${key}` } });
    const photoList = h('ul', { class: 'photo-list', dataset: { testid: `photos-${key}` } });
    let buttons = [];
    let numberInput = null;
    let textInput = null;

    const current = () => answers.get(key);
    const value = (a) => (a ? { choice: a.choice ?? undefined, number: a.number ?? undefined, text: a.text ?? undefined } : null);

    function answer(fields) {
      void record({ kind: 'answer', item_key: key, ...fields, note: note.value.trim() });
    }

    if (item.answer_type === 'yes_no') {
      buttons = ['yes', 'no', 'na'].map((choice) => h('button', {
        type: 'button', class: ['button', 'answer', `answer-${choice}`], disabled: readOnly, 'aria-pressed': 'false',
        dataset: { testid: `answer-${key}-${choice}`, choice },
        onclick: () => answer({ choice }),
      }, t(`inspection.choice.${choice}`)));
      controls.append(...buttons);
    } else if (item.answer_type === 'score') {
      for (let v = Math.ceil(item.score_min); v <= Math.floor(item.score_max); v += 1) {
        buttons.push(h('button', { type: 'button', class: ['button', 'answer', 'score'], disabled: readOnly, 'aria-pressed': 'false',
          dataset: { testid: `answer-${key}-${v}`, number: String(v) }, onclick: () => answer({ number: v }) }, String(v)));
      }
      controls.append(...buttons);
    } else if (item.answer_type === 'measure') {
      numberInput = h('input', { type: 'number', step: 'any', inputmode: 'decimal', disabled: readOnly,
        'aria-label': t('inspection.measured', { unit: item.unit }), dataset: { testid: `measure-${key}` } });
      const save = h('button', { type: 'button', class: 'button', disabled: readOnly, dataset: { testid: `measure-save-${key}` },
        onclick: () => {
          const n = Number.parseFloat(numberInput.value);
          if (Number.isFinite(n)) answer({ number: n });
        } }, t('inspection.save'));
      const limits = [item.lower !== null && item.lower !== undefined ? `≥ ${item.lower}` : null,
        item.upper !== null && item.upper !== undefined ? `≤ ${item.upper}` : null].filter(Boolean).join(' ');
      controls.append(h('div', { class: 'measure' }, numberInput, h('span', { class: 'unit' }, item.unit), save),
        h('p', { class: 'hint' }, t('inspection.limits', { limits, unit: item.unit })));
    } else {
      textInput = h('textarea', { rows: '3', disabled: readOnly, 'aria-label': itemText(item), dataset: { testid: `text-${key}` } });
      const save = h('button', { type: 'button', class: 'button', disabled: readOnly,
        onclick: () => { if (textInput.value.trim()) answer({ text: textInput.value.trim() }); } }, t('inspection.save'));
      controls.append(textInput, save);
    }

    note.addEventListener('change', () => {
      const v = value(current());
      if (v) answer(Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)));
    });

    const photoInput = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden',
      id: `photo-${key}`, disabled: readOnly, dataset: { testid: `photo-input-${key}` } });
    photoInput.addEventListener('change', async () => {
      const file = photoInput.files?.[0];
      photoInput.value = '';
      if (!file) return;
      const op = await record({ kind: 'photo', item_key: key, blob: file, taken_at: Math.floor(Date.now() / 1000),
        lat: geo?.lat, lon: geo?.lon });
      queuedPhotos.push({ op, url: URL.createObjectURL(file) });
      update();
    });
    const photoLabel = readOnly ? null : h('label', { for: `photo-${key}`, class: 'button photo-button' }, t('inspection.take_photo'));

    function update() {
      const a = current();
      for (const b of buttons) {
        const pressed = b.dataset.choice ? a?.choice === b.dataset.choice : a?.number === Number(b.dataset.number);
        b.setAttribute('aria-pressed', String(Boolean(pressed)));
      }
      if (numberInput && document.activeElement !== numberInput) numberInput.value = typeof a?.number === 'number' ? String(a.number) : '';
      if (textInput && document.activeElement !== textInput) textInput.value = a?.text ?? '';
      if (document.activeElement !== note) note.value = a?.note ?? '';
      const c = compliance(item, a);
      card.dataset.answered = String(Boolean(a));
      card.classList.toggle('non-compliant', c !== null && c < 1);
      const served = data.photos.filter((p) => p.item_key === key).map((p) =>
        h('li', {}, h('img', { src: p.url, alt: t('inspection.photo_alt', { time: formatDateTime(new Date(p.taken_at * 1000), { lang }) }),
          loading: 'lazy', width: '96', height: '72' })));
      const waiting = queuedPhotos.filter((p) => p.op.item_key === key).map((p) =>
        h('li', { class: 'queued', dataset: { testid: 'queued-photo' } }, h('img', { src: p.url, alt: t('inspection.photo_waiting'), width: '96', height: '72' })));
      replaceChildren(photoList, served, waiting);
    }

    const card = h('li', { class: 'item', id: `item-${key}`, dataset: { testid: `item-${key}`, key } },
      h('p', { class: 'item-text' }, itemText(item)),
      h('ul', { class: 'chips' },
        h('li', { class: ['chip', item.severity === 'critical' || item.severity === 'high' ? 'warn' : null] },
          t(`inspection.severity.${item.severity}`)),
        item.evidence_required ? h('li', { class: 'chip' }, t('inspection.evidence_required')) : null),
      item.guidance || item.legal_basis
        ? h('details', { class: 'guidance' }, h('summary', {}, t('inspection.guidance')),
          item.guidance ? h('p', {}, item.guidance) : null,
          item.legal_basis ? h('p', { class: 'muted' }, t('inspection.legal_basis'), ': ', item.legal_basis) : null)
        : null,
      controls, note, h('div', { class: 'photo-row' }, photoLabel, photoInput), photoList);
    itemViews.set(key, { update });
    update();
    return card;
  }

  // ---- findings and actions ----
  const findingsList = h('ul', { class: 'cards', dataset: { testid: 'findings' } });
  const actionsList = h('ul', { class: 'cards', dataset: { testid: 'actions' } });
  function renderLists() {
    replaceChildren(findingsList, data.findings.map((f) => h('li', { class: 'card' },
      h('ul', { class: 'chips' }, h('li', { class: 'chip warn' }, t(`inspection.severity.${f.severity}`)),
        f.item_key ? h('li', { class: 'chip mono' }, f.item_key) : null),
      h('p', {}, f.description), f.legal_basis ? h('p', { class: 'muted' }, f.legal_basis) : null)));
    replaceChildren(actionsList, data.actions.map((a) => h('li', { class: 'card', dataset: { status: a.status } },
      h('h3', { class: 'card-title' }, a.title),
      h('p', { class: 'meta' }, h('span', {}, t('actions.owner'), ': ', a.owner),
        h('span', {}, t('actions.due'), ': ', formatThaiDate(a.due_date, { lang })),
        h('span', { class: ['chip', a.status === 'open' ? 'warn' : 'ok'] }, t(`actions.status.${a.status}`))),
      a.review_inspection_id === data.id ? h('p', { class: 'muted' }, t('inspection.carried')) : null)));
  }

  function findingForm() {
    const severity = h('select', { id: 'finding-severity', dataset: { testid: 'finding-severity' } },
      SEVERITIES.map((s) => h('option', { value: s, selected: s === 'medium' }, t(`inspection.severity.${s}`))));
    const itemSelect = h('select', { id: 'finding-item' }, h('option', { value: '' }, t('inspection.no_item')),
      [...items.values()].map((i) => h('option', { value: i.key }, `${i.key} ${itemText(i).slice(0, 40)}`)));
    const description = h('textarea', { id: 'finding-description', rows: '3', required: true, dataset: { testid: 'finding-description' } });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form card', dataset: { testid: 'finding-form' } },
      h('h3', {}, t('inspection.add_finding')),
      h('div', { class: 'field' }, h('label', { for: 'finding-item' }, t('inspection.item')), itemSelect),
      h('div', { class: 'field' }, h('label', { for: 'finding-severity' }, t('inspection.severity_label')), severity),
      h('div', { class: 'field' }, h('label', { for: 'finding-description' }, t('inspection.description')), description),
      err, h('button', { type: 'submit', class: 'button primary' }, t('inspection.add_finding')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!description.value.trim()) {
        err.textContent = t('inspection.description_required');
        err.hidden = false;
        return;
      }
      err.hidden = true;
      const op = await record({ kind: 'finding', item_key: itemSelect.value, severity: severity.value, description: description.value.trim() });
      data.findings.push({ id: 0, op: op.id, item_key: itemSelect.value, severity: severity.value, description: description.value.trim(), legal_basis: '' });
      description.value = '';
      renderLists();
      refreshFindingOptions();
    });
    return form;
  }

  const actionFinding = h('select', { id: 'action-finding' });
  function refreshFindingOptions() {
    replaceChildren(actionFinding, h('option', { value: '' }, t('inspection.no_finding')),
      data.findings.map((f) => h('option', { value: f.id ? `id:${f.id}` : `op:${f.op}` }, f.description.slice(0, 50))));
  }
  function actionForm() {
    refreshFindingOptions();
    const title = h('input', { type: 'text', id: 'action-title', required: true, dataset: { testid: 'action-title' } });
    const owner = h('input', { type: 'text', id: 'action-owner', required: true, dataset: { testid: 'action-owner' } });
    const due = h('input', { type: 'date', id: 'action-due', required: true, dataset: { testid: 'action-due' } });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form card', dataset: { testid: 'action-form' } },
      h('h3', {}, t('inspection.add_action')),
      h('div', { class: 'field' }, h('label', { for: 'action-finding' }, t('inspection.finding')), actionFinding),
      h('div', { class: 'field' }, h('label', { for: 'action-title' }, t('actions.title_label')), title),
      h('div', { class: 'field' }, h('label', { for: 'action-owner' }, t('actions.owner')), owner),
      h('div', { class: 'field' }, h('label', { for: 'action-due' }, t('actions.due')), due),
      err, h('button', { type: 'submit', class: 'button primary' }, t('inspection.add_action')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!title.value.trim() || !owner.value.trim() || !due.value) {
        err.textContent = t('inspection.action_required');
        err.hidden = false;
        return;
      }
      err.hidden = true;
      const link = actionFinding.value;
      await record({ kind: 'action', title: title.value.trim(), owner: owner.value.trim(), due_date: due.value,
        finding_id: link.startsWith('id:') ? Number(link.slice(3)) : undefined,
        finding_op: link.startsWith('op:') ? link.slice(3) : undefined });
      data.actions.push({ id: 0, title: title.value.trim(), owner: owner.value.trim(), due_date: due.value, status: 'open' });
      title.value = '';
      owner.value = '';
      renderLists();
    });
    return form;
  }

  // ---- sign-off ----
  const signOffBox = h('div', { class: 'card', dataset: { testid: 'sign-off-box' } });
  function renderSignOff() {
    if (data.sign_off) {
      replaceChildren(signOffBox, h('p', { class: 'notice', dataset: { testid: 'signed-off' } },
        t('inspection.signed_off_by', { name: data.sign_off.name, when: formatDateTime(new Date(data.sign_off.at * 1000), { lang }) })),
      h('p', { class: 'muted' }, data.sign_off.certificate),
      canWrite ? reinspectForm() : null);
      return;
    }
    if (data.status === 'cancelled') {
      replaceChildren(signOffBox, h('p', { class: 'notice warn', dataset: { testid: 'cancelled' } },
        t('inspection.cancelled_by', { name: data.cancelled_by, when: formatDateTime(new Date(data.cancelled_at * 1000), { lang }) })),
      h('p', { dataset: { testid: 'cancel-reason' } }, t('inspection.cancel_reason'), ': ', data.cancel_reason));
      return;
    }
    if (readOnly) {
      replaceChildren(signOffBox);
      return;
    }
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'sign-off-error' } });
    const button = h('button', { type: 'button', class: 'button primary wide', dataset: { testid: 'sign-off' } }, t('inspection.sign_off'));
    button.addEventListener('click', async () => {
      err.hidden = true;
      if ((await queue.pending(id)).length > 0 || !navigator.onLine) {
        err.textContent = t('inspection.sign_off_sync_first');
        err.hidden = false;
        return;
      }
      button.disabled = true;
      try {
        data = await api.post(`/api/v1/inspections/${id}/sign-off`);
        await queue.saveSnapshot(data);
        ctx.navigate(`/inspections/${id}`);
      } catch (e) {
        err.textContent = e instanceof ApiError && e.status === 403 ? t('inspection.sign_off_forbidden')
          : e instanceof ApiError && e.status === 422 ? t(`inspection.sign_off_invalid.${e.field}`) : errorMessage(e);
        err.hidden = false;
        button.disabled = false;
      }
    });
    replaceChildren(signOffBox, h('h2', {}, t('inspection.sign_off_title')), h('p', { class: 'muted' }, t('inspection.sign_off_hint')),
      err, button, cancelForm());
  }

  // Cancelling (planned or in progress only) needs the network; the answers stay on the server.
  function cancelForm() {
    const reason = h('textarea', { id: 'cancel-reason', rows: '2', required: true, maxlength: '500', dataset: { testid: 'cancel-reason-input' } });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid: 'cancel-error' } });
    const form = h('form', { class: 'form' },
      h('div', { class: 'field' }, h('label', { for: 'cancel-reason' }, t('inspection.cancel_reason')), reason),
      err, h('button', { type: 'submit', class: 'button secondary', dataset: { testid: 'cancel-inspection' } }, t('inspection.cancel')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      err.hidden = true;
      if (!navigator.onLine) {
        err.textContent = t('inspection.cancel_offline');
        err.hidden = false;
        return;
      }
      try {
        await api.post(`/api/v1/inspections/${id}/cancel`, { reason: reason.value.trim() });
        data = await api.get(`/api/v1/inspections/${id}`);
        await queue.saveSnapshot(data);
        ctx.navigate(`/inspections/${id}`);
      } catch (e) {
        err.textContent = errorMessage(e);
        err.hidden = false;
      }
    });
    return h('details', { class: 'cancel-box', dataset: { testid: 'cancel-box' } },
      h('summary', {}, t('inspection.cancel_title')), h('p', { class: 'muted' }, t('inspection.cancel_hint')), form);
  }

  function reinspectForm() {
    const date = h('input', { type: 'date', id: 'reinspect-date', required: true });
    const err = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form' }, h('div', { class: 'field' }, h('label', { for: 'reinspect-date' }, t('inspection.reinspect_date')), date),
      err, h('button', { type: 'submit', class: 'button' }, t('inspection.reinspect')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const next = await api.post(`/api/v1/inspections/${id}/reinspect`, { planned_date: date.value });
        ctx.navigate(`/inspections/${next.id}`);
      } catch (e) {
        err.textContent = errorMessage(e);
        err.hidden = false;
      }
    });
    return form;
  }

  // ---- the page ----
  const notes = h('textarea', { id: 'inspection-notes', rows: '3', disabled: readOnly, dataset: { testid: 'inspection-notes' } });
  notes.value = data.notes ?? '';
  notes.addEventListener('change', () => void record({ kind: 'note', note: notes.value }));

  const header = h('header', { class: 'inspection-head' },
    h('h1', {}, data.factory_name || t('inspections.title')),
    h('p', { class: 'muted' }, `${data.checklist.title_th} · ${t('checklists.version', { version: data.checklist.version })}`),
    h('p', { class: 'meta' },
      h('span', {}, t('inspections.planned_date'), ': ', formatThaiDate(data.planned_date, { lang })),
      h('span', { class: 'chip', dataset: { testid: 'inspection-status' } }, tOr(`inspections.status.${data.status}`, data.status)),
      h('span', {}, data.inspectors.map((i) => i.name).join(', '))),
    fromSnapshot ? h('p', { class: 'notice warn' }, t('inspection.from_snapshot')) : null,
    data.previous_id ? h('p', {}, h('a', { href: `#/inspections/${data.previous_id}` }, t('inspection.previous'))) : null,
    h('p', {}, h('a', {
      class: 'button', href: `/api/v1/inspections/${encodeURIComponent(data.id)}/report.pdf?lang=${lang === 'en' ? 'en' : 'th'}`,
      target: '_blank', rel: 'noopener', dataset: { testid: 'inspection-pdf' },
    }, t('inspection.report_pdf'))));

  const syncBar = h('div', { class: 'sync-bar' }, statusLine, readOnly ? null : syncButton);
  syncButton.addEventListener('click', () => void sync());

  const sectionNodes = sections.map((section) => h('section', { class: 'card checklist-section', dataset: { testid: `section-${section.key}` } },
    h('h2', {}, sectionTitle(section)),
    h('ol', { class: 'items' }, section.items.map(itemView))));

  renderLists();
  renderSignOff();
  replaceChildren(container, h('section', { class: 'page inspection' + (readOnly ? ' read-only' : '') },
    header, syncBar, rejectedBox, scoreBox, ...sectionNodes,
    h('section', { class: 'card' }, h('h2', {}, t('inspection.notes')), notes),
    h('section', {}, h('h2', {}, t('inspection.findings')), findingsList, readOnly ? null : findingForm()),
    h('section', {}, h('h2', {}, t('inspection.actions')), actionsList, readOnly ? null : actionForm()),
    signOffBox));
  renderScores();
  await refreshStatus();

  if (!readOnly) watchPosition();
  const onOnline = () => { if (ctx.isCurrent()) void sync(); else cleanup(); };
  const onOffline = () => { if (ctx.isCurrent()) void refreshStatus(); else cleanup(); };
  const unsubscribe = queue.onChange((which) => { if (which === id && ctx.isCurrent()) void refreshStatus(); });
  function cleanup() {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    unsubscribe();
  }
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  window.addEventListener('hashchange', cleanup, { once: true });
  void sync();
}
