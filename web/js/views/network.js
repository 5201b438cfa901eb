// The cooperation network of the LAO (docs/network-api.md).
//   #/network                 the directory: partner organisations by kind with search, agreements
//                             ending soon, open action items, meetings; forms to add them
//   #/network/partners/{id}   one organisation: facts (editable), contacts, agreements, meetings
//   #/network/meetings/{id}   one meeting: agenda, minutes, attendees, action items to tick done
// Contacts are personal data: the server sends them only to staff of the LAO.
import * as api from '../api.js';
import { formatDateTime, formatThaiDate } from '../dates.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t } from '../i18n.js';
import { dateInput, fieldForm, loadError, optional, select, textArea, textInput, todayIso } from './form_kit.js';

const KINDS = ['lao', 'provincial_industry_office', 'regional_environment_office', 'factory', 'community_group',
  'school', 'university', 'other'];

const canWrite = (ctx) => ctx.me?.permissions?.includes('write');

/** The partner's name in the reader's language (Thai when there is no English name). */
function partnerName(p) {
  return getLang() === 'en' && p.name_en ? p.name_en : p.name_th;
}

/** A YYYY-MM-DD day in words (Buddhist Era in Thai); '—' when absent. */
function isoDay(day) {
  return day ? formatThaiDate(day, { abbreviated: true, lang: getLang() }) : t('common.none');
}

function when(seconds) {
  return formatDateTime(seconds * 1000, { lang: getLang() });
}

/** "YYYY-MM-DDTHH:MM" of a datetime-local input, taken as Bangkok time, to Unix seconds. */
function bangkokInputToUnix(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return value;  // the server names starts_at as invalid
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) / 1000 - 7 * 3600;
}

function unixToBangkokInput(seconds) {
  return new Date((seconds + 7 * 3600) * 1000).toISOString().slice(0, 16);
}

function kindOptions() {
  return KINDS.map((k) => [k, t(`network.kind.${k}`)]);
}

function statusChip(status) {
  const cls = status === 'active' ? 'ok' : status === 'expired' ? 'muted-chip' : 'warn';
  return h('span', { class: ['chip', cls], dataset: { testid: `agreement-status-${status}` } }, t(`network.agreement.status.${status}`));
}

function partiesText(a) {
  return a.parties.map(partnerName).join(', ');
}

/**
 * Checkboxes of the LAO's partner organisations (agreement parties, meeting attendees). `partners`
 * is the directory (never an archived partner); `named` ({id, name_th, name_en}) are the ones the
 * record names already: those outside the directory (archived) stay offered, ticked and marked,
 * so that editing the record does not drop them, and nothing new can pick them.
 */
function partnerChecks(partners, name, checked = [], named = []) {
  const kept = named.filter((p) => !partners.some((q) => q.id === p.id))
    .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i);
  const box = (p, archived) => h('label', { class: 'check', dataset: archived ? { testid: `${name}-archived` } : {} },
    h('input', { type: 'checkbox', name, value: String(p.id), checked: checked.includes(p.id) }), ' ', partnerName(p),
    archived ? [' ', h('span', { class: 'chip muted-chip' }, t('network.partner.archived'))] : null);
  return h('fieldset', { class: 'checks', dataset: { testid: `${name}-checks` } },
    partners.map((p) => box(p, false)), kept.map((p) => box(p, true)));
}

function checkedIds(fieldset) {
  return [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map((el) => Number(el.value));
}

/**
 * A delete button for writers: the first press asks, the second deletes (no dialog on a phone).
 * onDeleted gets the server's answer ({id, outcome}); a refusal is shown in `alert`.
 */
function deleteButton(testid, path, alert, onDeleted) {
  const button = h('button', { type: 'button', class: 'button secondary', dataset: { testid } }, t('network.delete'));
  let armed = false;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = t('network.delete_confirm');
      return;
    }
    button.disabled = true;
    alert.hidden = true;
    try {
      onDeleted(await api.del(path));
    } catch (e) {
      alert.textContent = errorMessage(e);
      alert.hidden = false;
      button.disabled = false;
    }
  });
  return button;
}

function errorLine(testid) {
  return h('p', { class: 'form-error', role: 'alert', hidden: true, dataset: { testid } });
}

function partnerForm(initial, onSaved) {
  const inputs = {
    kind: select('kind', kindOptions(), initial?.kind?.code ?? 'community_group'),
    name_th: textInput('name_th', { maxlength: '300', value: initial?.name_th ?? '' }),
    name_en: textInput('name_en', { maxlength: '300', value: initial?.name_en ?? '' }),
    address: textInput('address', { maxlength: '500', value: initial?.address ?? '' }),
    phone: textInput('phone', { maxlength: '20', inputmode: 'tel', value: initial?.phone ?? '' }),
    email: textInput('email', { maxlength: '254', inputmode: 'email', value: initial?.email ?? '' }),
    website: textInput('website', { maxlength: '500', inputmode: 'url', value: initial?.website ?? '' }),
    factory_id: textInput('factory_id', { inputmode: 'numeric', value: initial?.factory_id ?? '' }),
  };
  return fieldForm({
    prefix: 'network', testid: 'partner-form', submitLabel: t(initial ? 'network.save' : 'network.partner.add'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`network.partner.${name}`),
      hint: name === 'factory_id' ? t('network.partner.factory_id_hint') : undefined })),
    onSubmit: async () => {
      const body = {
        kind: inputs.kind.value, name_th: inputs.name_th.value, name_en: inputs.name_en.value,
        address: inputs.address.value, phone: inputs.phone.value, email: inputs.email.value,
        website: inputs.website.value,
      };
      const factory = optional(inputs.factory_id);
      if (factory !== undefined) body.factory_id = Number.isFinite(Number(factory)) ? Number(factory) : factory;
      const saved = initial ? await api.put(`/api/v1/network/partners/${initial.id}`, body)
        : await api.post('/api/v1/network/partners', body);
      onSaved(saved);
    },
  }).form;
}

function agreementForm(partners, initial, onSaved) {
  const inputs = {
    title: textInput('title', { maxlength: '300', value: initial?.title ?? '' }),
    parties: partnerChecks(partners, 'parties', (initial?.parties ?? []).map((p) => p.partner_id),
      (initial?.parties ?? []).map((p) => ({ id: p.partner_id, name_th: p.name_th, name_en: p.name_en }))),
    signed_on: dateInput('signed_on', initial?.signed_on ?? ''),
    starts_on: dateInput('starts_on', initial?.starts_on ?? todayIso()),
    ends_on: dateInput('ends_on', initial?.ends_on ?? ''),
    document_note: textArea('document_note', 2, { maxlength: '4000' }),
  };
  inputs.document_note.value = initial?.document_note ?? '';
  return fieldForm({
    prefix: 'network', testid: 'agreement-form', submitLabel: t(initial ? 'network.save' : 'network.agreement.add'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`network.agreement.${name}`) })),
    onSubmit: async () => {
      const body = {
        title: inputs.title.value, parties: checkedIds(inputs.parties), signed_on: optional(inputs.signed_on),
        starts_on: inputs.starts_on.value, ends_on: optional(inputs.ends_on), document_note: inputs.document_note.value,
      };
      const saved = initial ? await api.put(`/api/v1/network/agreements/${initial.id}`, body)
        : await api.post('/api/v1/network/agreements', body);
      onSaved(saved);
    },
  }).form;
}

function meetingForm(partners, initial, onSaved) {
  const byOrganisation = (initial?.attendees ?? []).filter((a) => a.partner_id && !a.contact_id);
  const attendedIds = byOrganisation.map((a) => a.partner_id);
  const attendedNamed = byOrganisation.map((a) => ({ id: a.partner_id, name_th: a.partner_name_th, name_en: a.partner_name_en }));
  const inputs = {
    title: textInput('title', { maxlength: '300', value: initial?.title ?? '' }),
    starts_at: h('input', { name: 'starts_at', type: 'datetime-local',
      value: initial ? unixToBangkokInput(initial.starts_at) : `${todayIso()}T09:30` }),
    place: textInput('place', { maxlength: '500', value: initial?.place ?? '' }),
    agenda: textArea('agenda', 4),
    minutes: textArea('minutes', 6),
    attendees: partnerChecks(partners, 'attendees', attendedIds, attendedNamed),
  };
  inputs.agenda.value = initial?.agenda ?? '';
  inputs.minutes.value = initial?.minutes ?? '';
  return fieldForm({
    prefix: 'network', testid: 'meeting-form', submitLabel: t(initial ? 'network.save' : 'network.meeting.add'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`network.meeting.${name}`) })),
    onSubmit: async () => {
      // Attendees picked as contacts are kept; organisations come from the boxes.
      const keptContacts = (initial?.attendees ?? []).filter((a) => a.contact_id)
        .map((a) => ({ contact_id: a.contact_id, partner_id: a.partner_id, attended: a.attended }));
      const body = {
        title: inputs.title.value, starts_at: bangkokInputToUnix(inputs.starts_at.value), place: inputs.place.value,
        agenda: inputs.agenda.value, minutes: inputs.minutes.value,
        attendees: [...keptContacts, ...checkedIds(inputs.attendees).map((id) => ({ partner_id: id, attended: true }))],
      };
      const saved = initial ? await api.put(`/api/v1/network/meetings/${initial.id}`, body)
        : await api.post('/api/v1/network/meetings', body);
      onSaved(saved);
    },
  }).form;
}

/** One agreement; edit: {partners, onSaved} adds the edit form and the delete button (writers). */
function agreementItem(a, edit = null) {
  const alert = edit ? errorLine('agreement-error') : null;
  return h('li', { class: 'card', dataset: { testid: 'agreement' } },
    h('h3', { class: 'card-title' }, a.title, ' ', statusChip(a.status)),
    h('p', { class: 'muted' }, t('network.agreement.period', { from: isoDay(a.starts_on), to: a.ends_on ? isoDay(a.ends_on) : t('network.agreement.open_ended') })),
    h('p', {}, partiesText(a)),
    a.document_note ? h('p', { class: 'muted' }, a.document_note) : null,
    edit ? h('details', {}, h('summary', {}, t('network.agreement.edit')), agreementForm(edit.partners, a, edit.onSaved)) : null,
    edit ? h('p', {}, deleteButton('agreement-delete', `/api/v1/network/agreements/${a.id}`, alert, edit.onSaved)) : null,
    alert);
}

function meetingItem(m) {
  return h('li', { class: 'card', dataset: { testid: 'meeting' } },
    h('h3', { class: 'card-title' }, h('a', { href: `#/network/meetings/${m.id}` }, m.title)),
    h('p', { class: 'muted' }, when(m.starts_at), m.place ? ` · ${m.place}` : ''),
    m.open_actions ? h('span', { class: 'chip warn' }, t('network.meeting.open_actions', { count: m.open_actions })) : null);
}

function actionOwner(a) {
  const names = [];
  if (a.owner_contact?.name) names.push(a.owner_contact.name);
  if (a.owner_partner) names.push(partnerName(a.owner_partner));
  return names.join(', ');
}

// ---- the directory ----------------------------------------------------------------------------

export async function renderNetwork(ctx) {
  const search = h('input', { type: 'search', id: 'network-search', maxlength: '200', dataset: { testid: 'network-search' },
    placeholder: t('network.search_placeholder') });
  const kind = h('select', { id: 'network-kind', dataset: { testid: 'network-kind' } },
    h('option', { value: '' }, t('network.all_kinds')), kindOptions().map(([v, label]) => h('option', { value: v }, label)));
  const archived = h('input', { type: 'checkbox', id: 'network-archived', dataset: { testid: 'network-archived' } });
  const directory = h('div', { dataset: { testid: 'network-directory' } }, h('p', { class: 'muted' }, t('shell.loading')));
  const expiring = h('ul', { class: 'cards', dataset: { testid: 'expiring-agreements' } });
  const actions = h('ul', { class: 'cards', dataset: { testid: 'open-actions' } });
  const meetings = h('ul', { class: 'cards', dataset: { testid: 'meeting-list' } });
  const forms = h('div', {});
  replaceChildren(ctx.container, h('section', { class: 'page network-page' },
    h('h1', { tabindex: '-1' }, t('network.title')),
    h('p', { class: 'muted' }, t('network.intro')),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); void loadDirectory(); } },
      h('label', { for: search.id }, t('network.search')), search,
      h('label', { for: kind.id }, t('network.kind.label')), kind,
      h('label', { class: 'check' }, archived, ' ', t('network.show_archived')),
      h('button', { type: 'submit', class: 'button secondary' }, t('network.search'))),
    directory,
    h('h2', {}, t('network.expiring.title')), expiring,
    h('h2', {}, t('network.actions.title')), actions,
    h('h2', {}, t('network.meetings.title')), meetings,
    forms));
  kind.addEventListener('change', () => void loadDirectory());
  archived.addEventListener('change', () => void loadDirectory());

  async function loadDirectory() {
    const params = new URLSearchParams();
    if (search.value.trim()) params.set('q', search.value.trim());
    if (kind.value) params.set('kind', kind.value);
    if (archived.checked) params.set('archived', 'true');
    try {
      const { items } = await api.get(`/api/v1/network/partners?${params}`);
      if (!ctx.isCurrent()) return;
      if (!items.length) {
        replaceChildren(directory, h('p', { class: 'muted', dataset: { testid: 'network-empty' } }, t('network.none')));
        return;
      }
      const groups = KINDS.map((k) => [k, items.filter((p) => p.kind.code === k)]).filter(([, list]) => list.length);
      replaceChildren(directory, groups.map(([k, list]) => h('section', { dataset: { kind: k } },
        h('h2', {}, t(`network.kind.${k}`)),
        h('ul', { class: 'cards' }, list.map((p) => h('li', { class: 'card', dataset: { testid: 'partner' } },
          h('h3', { class: 'card-title' }, h('a', { href: `#/network/partners/${p.id}` }, partnerName(p))),
          getLang() === 'th' && p.name_en ? h('p', { class: 'muted' }, p.name_en) : null,
          p.phone ? h('p', {}, p.phone) : null))))));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(directory, loadError(e));
    }
  }

  async function loadRest() {
    try {
      const [exp, open, meet, partners] = await Promise.all([
        api.get('/api/v1/network/agreements/expiring?days=180'),
        api.get('/api/v1/network/actions?status=open'),
        api.get('/api/v1/network/meetings'),
        api.get('/api/v1/network/partners'),
      ]);
      if (!ctx.isCurrent()) return;
      replaceChildren(expiring, exp.items.length ? exp.items.map((a) => agreementItem(a)) : h('li', { class: 'muted' }, t('network.expiring.none')));
      replaceChildren(actions, open.items.length ? open.items.map((a) => h('li', { class: 'card', dataset: { testid: 'open-action' } },
        h('p', {}, a.text, a.overdue ? h('span', { class: 'chip warn', dataset: { testid: 'chip-overdue' } }, t('network.action.overdue')) : null),
        h('p', { class: 'muted' }, t('network.action.due'), ': ', isoDay(a.due_on), actionOwner(a) ? ` · ${actionOwner(a)}` : '', ' · ',
          h('a', { href: `#/network/meetings/${a.meeting_id}` }, a.meeting_title)))) : h('li', { class: 'muted' }, t('network.actions.none')));
      replaceChildren(meetings, meet.items.length ? meet.items.map(meetingItem) : h('li', { class: 'muted' }, t('network.meetings.none')));
      if (canWrite(ctx)) {
        replaceChildren(forms,
          h('details', { dataset: { testid: 'add-partner' } }, h('summary', {}, t('network.partner.add')),
            partnerForm(null, (p) => ctx.navigate(`/network/partners/${p.id}`))),
          h('details', { dataset: { testid: 'add-agreement' } }, h('summary', {}, t('network.agreement.add')),
            agreementForm(partners.items, null, () => void loadRest())),
          h('details', { dataset: { testid: 'add-meeting' } }, h('summary', {}, t('network.meeting.add')),
            meetingForm(partners.items, null, (m) => ctx.navigate(`/network/meetings/${m.id}`))));
      }
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(forms, loadError(e));
    }
  }

  await Promise.all([loadDirectory(), loadRest()]);
}

// ---- one organisation -------------------------------------------------------------------------

function contactForm(partnerId, initial, onSaved) {
  const inputs = {
    name: textInput('name', { maxlength: '300', value: initial?.name ?? '' }),
    position: textInput('position', { maxlength: '500', value: initial?.position ?? '' }),
    phone: textInput('phone', { maxlength: '20', inputmode: 'tel', value: initial?.phone ?? '' }),
    email: textInput('email', { maxlength: '254', inputmode: 'email', value: initial?.email ?? '' }),
  };
  return fieldForm({
    prefix: 'network', testid: 'contact-form', submitLabel: t(initial ? 'network.save' : 'network.contact.add'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`network.contact.${name}`) })),
    onSubmit: async () => {
      const body = { name: inputs.name.value, position: inputs.position.value, phone: inputs.phone.value, email: inputs.email.value };
      if (initial) await api.put(`/api/v1/network/contacts/${initial.id}`, body);
      else await api.post(`/api/v1/network/partners/${partnerId}/contacts`, body);
      onSaved();
    },
  }).form;
}

export async function renderNetworkPartner(ctx) {
  const page = h('section', { class: 'page', dataset: { testid: 'partner-page' } }, h('p', { class: 'muted' }, t('shell.loading')));
  ctx.container.append(page);
  async function load() {
    let p;
    let partners = [];
    try {
      p = await api.get(`/api/v1/network/partners/${encodeURIComponent(ctx.params.id)}`);
      if (canWrite(ctx)) partners = (await api.get('/api/v1/network/partners')).items;
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(page, loadError(e));
      return;
    }
    if (!ctx.isCurrent()) return;
    const alert = errorLine('partner-error');
    const reload = () => void load();
    const contacts = p.contacts_visible
      ? h('ul', { class: 'cards', dataset: { testid: 'contact-list' } }, p.contacts.length ? p.contacts.map((c) => h('li', { class: 'card', dataset: { testid: 'contact' } },
        h('h3', { class: 'card-title' }, c.name), c.position ? h('p', { class: 'muted' }, c.position) : null,
        h('p', {}, [c.phone, c.email].filter(Boolean).join(' · ')),
        canWrite(ctx) ? h('details', {}, h('summary', {}, t('network.contact.edit')), contactForm(p.id, c, reload)) : null,
        canWrite(ctx) ? h('p', {}, deleteButton('contact-delete', `/api/v1/network/contacts/${c.id}`, alert, reload)) : null))
        : h('li', { class: 'muted' }, t('network.contact.none')))
      : h('p', { class: 'muted', dataset: { testid: 'contacts-hidden' } }, t('network.contact.hidden'));
    // Removing: deleted (back to the directory) or archived (stays, marked) as the server decides.
    const removal = !canWrite(ctx) ? null : p.archived_at
      ? h('button', { type: 'button', class: 'button secondary', dataset: { testid: 'partner-restore' },
        onclick: async () => {
          try {
            await api.post(`/api/v1/network/partners/${p.id}/restore`, {});
            reload();
          } catch (e) {
            alert.textContent = errorMessage(e);
            alert.hidden = false;
          }
        } }, t('network.partner.restore'))
      : deleteButton('partner-delete', `/api/v1/network/partners/${p.id}`, alert,
        (out) => (out.outcome === 'deleted' ? ctx.navigate('/network') : reload()));
    replaceChildren(page,
      h('p', {}, h('a', { href: '#/network' }, t('network.back'))),
      h('h1', { tabindex: '-1' }, partnerName(p)),
      h('p', {}, h('span', { class: 'chip' }, t(`network.kind.${p.kind.code}`)),
        p.archived_at ? [' ', h('span', { class: 'chip muted-chip', dataset: { testid: 'partner-archived' } }, t('network.partner.archived'))] : null),
      p.archived_at ? h('p', { class: 'muted' }, t('network.partner.archived_note')) : null,
      h('dl', { class: 'facts card' },
        [['network.partner.name_th', p.name_th], ['network.partner.name_en', p.name_en], ['network.partner.address', p.address],
          ['network.partner.phone', p.phone], ['network.partner.email', p.email], ['network.partner.website', p.website],
          ['network.partner.factory_id', p.factory_id ? h('a', { href: `#/factories/${p.factory_id}` }, `#${p.factory_id}`) : '']]
          .filter(([, v]) => v).map(([k, v]) => h('div', { class: 'fact' }, h('dt', {}, t(k)), h('dd', {}, v)))),
      canWrite(ctx) ? h('details', { dataset: { testid: 'edit-partner' } }, h('summary', {}, t('network.partner.edit')),
        partnerForm(p, reload)) : null,
      removal ? h('p', {}, removal) : null,
      alert,
      h('h2', {}, t('network.contacts.title')),
      contacts,
      p.contacts_visible && canWrite(ctx) && !p.archived_at
        ? h('details', { dataset: { testid: 'add-contact' } }, h('summary', {}, t('network.contact.add')), contactForm(p.id, null, reload)) : null,
      h('h2', {}, t('network.agreements.title')),
      h('ul', { class: 'cards' }, p.agreements.length
        ? p.agreements.map((a) => agreementItem(a, canWrite(ctx) ? { partners, onSaved: reload } : null)) : h('li', { class: 'muted' }, t('network.agreements.none'))),
      h('h2', {}, t('network.meetings.title')),
      h('ul', { class: 'cards' }, p.meetings.length ? p.meetings.map(meetingItem) : h('li', { class: 'muted' }, t('network.meetings.none'))));
  }
  await load();
}

// ---- one meeting ------------------------------------------------------------------------------

function actionForm(meeting, partners, contacts, onSaved) {
  const inputs = {
    text: textArea('text', 2, { maxlength: '4000' }),
    owner_partner_id: select('owner_partner_id', [['', t('common.none')], ...partners.map((p) => [String(p.id), partnerName(p)])]),
    owner_contact_id: select('owner_contact_id', [['', t('common.none')], ...contacts.map((c) => [String(c.id), `${c.name} (${c.partner_name_th})`])]),
    due_on: dateInput('due_on', todayIso(14)),
  };
  return fieldForm({
    prefix: 'network', testid: 'action-form', submitLabel: t('network.action.add'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`network.action.${name}`) })),
    onSubmit: async () => {
      await api.post(`/api/v1/network/meetings/${meeting.id}/actions`, {
        text: inputs.text.value,
        owner_partner_id: inputs.owner_partner_id.value ? Number(inputs.owner_partner_id.value) : undefined,
        owner_contact_id: inputs.owner_contact_id.value ? Number(inputs.owner_contact_id.value) : undefined,
        due_on: optional(inputs.due_on),
      });
      onSaved();
    },
  }).form;
}

export async function renderNetworkMeeting(ctx) {
  const page = h('section', { class: 'page', dataset: { testid: 'meeting-page' } }, h('p', { class: 'muted' }, t('shell.loading')));
  ctx.container.append(page);
  async function load() {
    let m;
    let partners = [];
    let contacts = [];
    try {
      m = await api.get(`/api/v1/network/meetings/${encodeURIComponent(ctx.params.id)}`);
      if (canWrite(ctx)) {
        partners = (await api.get('/api/v1/network/partners')).items;
        // The pickers offer only contacts of partners in the directory (none of an archived one).
        contacts = (await api.get('/api/v1/network/contacts').catch(() => ({ items: [] }))).items
          .filter((c) => partners.some((p) => p.id === c.partner_id));
      }
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(page, loadError(e));
      return;
    }
    if (!ctx.isCurrent()) return;
    const alert = errorLine('meeting-error');
    const tick = async (a, done) => {
      alert.hidden = true;
      try {
        await api.post(`/api/v1/network/actions/${a.id}/status`, { status: done ? 'done' : 'open' });
        await load();
      } catch (e) {
        alert.textContent = errorMessage(e);
        alert.hidden = false;
      }
    };
    const actionRows = m.actions.map((a) => {
      const box = h('input', { type: 'checkbox', id: `action-${a.id}`, checked: a.status === 'done', disabled: !canWrite(ctx),
        dataset: { testid: `action-done-${a.id}` }, onchange: (e) => void tick(a, e.target.checked) });
      return h('li', { class: ['card', a.status === 'done' ? 'done' : null], dataset: { testid: 'action', status: a.status } },
        h('div', { class: 'check' }, box, h('label', { for: box.id }, a.text)),
        h('p', { class: 'muted' },
          t('network.action.due'), ': ', isoDay(a.due_on),
          actionOwner(a) ? ` · ${actionOwner(a)}` : '',
          a.status === 'done' ? ` · ${t('network.action.done_on')}: ${isoDay(a.done_on)}` : ''),
        a.overdue ? h('span', { class: 'chip warn', dataset: { testid: 'chip-overdue' } }, t('network.action.overdue')) : null,
        a.note ? h('p', {}, a.note) : null,
        canWrite(ctx) ? h('p', {}, deleteButton(`action-delete-${a.id}`, `/api/v1/network/actions/${a.id}`, alert, () => void load())) : null);
    });
    replaceChildren(page,
      h('p', {}, h('a', { href: '#/network' }, t('network.back'))),
      h('h1', { tabindex: '-1' }, m.title),
      h('dl', { class: 'facts card' },
        h('div', { class: 'fact' }, h('dt', {}, t('network.meeting.starts_at')), h('dd', {}, when(m.starts_at))),
        h('div', { class: 'fact' }, h('dt', {}, t('network.meeting.place')), h('dd', {}, m.place || t('common.none')))),
      h('h2', {}, t('network.meeting.agenda')),
      h('p', { class: 'complaint-text', dataset: { testid: 'meeting-agenda' } }, m.agenda || t('common.none')),
      h('h2', {}, t('network.meeting.minutes')),
      h('p', { class: 'complaint-text', dataset: { testid: 'meeting-minutes' } }, m.minutes || t('common.none')),
      h('h2', {}, t('network.meeting.attendees')),
      h('ul', { dataset: { testid: 'attendee-list' } }, m.attendees.map((a) => h('li', {},
        [a.contact_name, getLang() === 'en' && a.partner_name_en ? a.partner_name_en : a.partner_name_th].filter(Boolean).join(' · '),
        ' ', h('span', { class: ['chip', a.attended ? 'ok' : 'muted-chip'] }, t(a.attended ? 'network.meeting.attended' : 'network.meeting.absent'))))),
      h('h2', {}, t('network.actions.of_meeting'), ' ', h('span', { class: 'chip' }, t('network.meeting.open_actions', { count: m.open_actions }))),
      alert,
      h('ul', { class: 'cards', dataset: { testid: 'action-list' } }, actionRows.length ? actionRows : h('li', { class: 'muted' }, t('network.actions.none'))),
      canWrite(ctx) ? h('details', { dataset: { testid: 'add-action' } }, h('summary', {}, t('network.action.add')),
        actionForm(m, partners, contacts, () => void load())) : null,
      canWrite(ctx) ? h('details', { dataset: { testid: 'edit-meeting' } }, h('summary', {}, t('network.meeting.edit')),
        meetingForm(partners, m, () => void load())) : null,
      canWrite(ctx) ? h('p', {}, h('span', { class: 'muted' }, t('network.meeting.delete_note')), ' ',
        deleteButton('meeting-delete', `/api/v1/network/meetings/${m.id}`, alert, () => ctx.navigate('/network'))) : null);
  }
  await load();
}
