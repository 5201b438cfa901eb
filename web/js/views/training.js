// Training: #/training (courses, a form for a new course), #/training/courses/{id} (its sessions,
// a form for a new session), #/training/sessions/{id} (attendees with attendance, results and
// certificates), #/training/people/{id} (one person's certificates), #/training/expiring
// (certificates expiring soon). Certificate numbers and dates are shown in Thai official style
// (เลขที่ 12/2569, พ.ศ.). API: /api/v1/training/... (docs/training-clinic-api.md).
import * as api from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t } from '../i18n.js';
import { dateInput, day, fieldForm, loadError, numberValue, optional, select, textArea, textInput, todayIso }
  from './form_kit.js';

const canWrite = (ctx) => ctx.me?.permissions?.includes('write');
const courseTitle = (c) => (getLang() === 'en' && c.title_en ? c.title_en : c.title_th);

function nav() {
  return h('p', { class: 'actions' },
    h('a', { href: '#/training', class: 'button secondary' }, t('training.nav.courses')),
    ' ',
    h('a', { href: '#/training/expiring', class: 'button secondary', dataset: { testid: 'training-expiring-link' } },
      t('training.nav.expiring')));
}

function certificateStatus(c) {
  if (c.revoked) return h('span', { class: 'chip muted-chip', dataset: { testid: 'certificate-status' } }, t('training.cert.revoked'));
  if (!c.valid_now) return h('span', { class: 'chip warn', dataset: { testid: 'certificate-status' } }, t('training.cert.expired'));
  return h('span', { class: 'chip ok', dataset: { testid: 'certificate-status' } }, t('training.cert.valid'));
}

function certificateCard(ctx, c, onChanged) {
  const revokeBox = h('div', { hidden: true });
  let revoke = null;
  if (canWrite(ctx) && !c.revoked) {
    const reason = textInput('reason', { maxlength: '1000' });
    const { form } = fieldForm({
      prefix: 'training', testid: 'certificate-revoke', submitLabel: t('training.cert.revoke_confirm'),
      fields: [{ name: 'reason', label: t('training.cert.reason'), input: reason }],
      onSubmit: async () => {
        await api.post(`/api/v1/training/certificates/${c.id}/revoke`, { reason: reason.value });
        await onChanged();
      },
    });
    revokeBox.append(form);
    revoke = h('button', { type: 'button', class: 'button secondary', onclick: () => { revokeBox.hidden = !revokeBox.hidden; } },
      t('training.cert.revoke'));
  }
  return h('li', { class: ['card', c.revoked && 'inactive'], dataset: { testid: 'certificate', number: c.number } },
    h('h3', { class: 'card-title' }, t('training.cert.number', { number: c.number })),
    h('ul', { class: 'chips' }, h('li', {}, certificateStatus(c)),
      c.certifies_inspectors ? h('li', { class: 'chip strong' }, t('training.course.certifies')) : null),
    h('dl', { class: 'facts' },
      h('div', { class: 'fact' }, h('dt', {}, t('training.cert.person')), h('dd', {},
        c.user_id ? h('a', { href: `#/training/people/${c.user_id}` }, c.person_name) : c.person_name)),
      h('div', { class: 'fact' }, h('dt', {}, t('training.cert.course')), h('dd', {}, c.course_title_th)),
      h('div', { class: 'fact' }, h('dt', {}, t('training.cert.issued')), h('dd', {}, day(c.issued_at, false))),
      h('div', { class: 'fact' }, h('dt', {}, t('training.cert.expires')),
        h('dd', { dataset: { testid: 'certificate-expiry' } }, c.valid_until ? day(c.valid_until, false) : t('training.cert.no_expiry'))),
      c.revoked ? h('div', { class: 'fact' }, h('dt', {}, t('training.cert.reason')), h('dd', {}, c.revoked_reason)) : null),
    h('div', { class: 'card-actions' },
      c.revoked ? null : h('a', { class: 'button', href: `/api/v1/training/attendees/${encodeURIComponent(c.attendee_id)}/certificate.pdf`,
        target: '_blank', rel: 'noopener', dataset: { testid: 'certificate-pdf' } }, t('training.cert.print')),
      revoke ? ' ' : null, revoke),
    revokeBox);
}

function courseForm(onCreated) {
  const inputs = {
    title_th: textInput('title_th', { maxlength: '200', required: true }),
    title_en: textInput('title_en', { maxlength: '200' }),
    topic: textInput('topic', { maxlength: '200' }),
    hours: textInput('hours', { inputmode: 'decimal' }),
    validity_months: textInput('validity_months', { inputmode: 'numeric', value: '24' }),
    certifies_inspectors: select('certifies_inspectors', [['no', t('training.no')], ['yes', t('training.yes')]], 'no'),
  };
  return fieldForm({
    prefix: 'training', testid: 'course-form', submitLabel: t('training.course.create'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`training.course.${name}`) })),
    onSubmit: async () => {
      const created = await api.post('/api/v1/training/courses', {
        title_th: inputs.title_th.value,
        title_en: optional(inputs.title_en),
        topic: optional(inputs.topic),
        hours: numberValue(inputs.hours),
        validity_months: numberValue(inputs.validity_months),
        certifies_inspectors: inputs.certifies_inspectors.value === 'yes',
      });
      await onCreated(created);
    },
  }).form;
}

export async function renderTraining(ctx) {
  const list = h('ul', { class: 'cards', dataset: { testid: 'course-list' } });
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('training.title')), h('p', { class: 'muted' }, t('training.intro')), nav(),
    h('h2', {}, t('training.courses')), list,
    canWrite(ctx) ? h('details', {}, h('summary', {}, t('training.course.new')),
      courseForm((c) => ctx.navigate(`/training/courses/${c.id}`))) : null));
  try {
    const { items } = await api.get('/api/v1/training/courses');
    if (!ctx.isCurrent()) return;
    if (!items.length) list.append(h('li', { class: 'muted' }, t('training.none')));
    for (const c of items) {
      list.append(h('li', { class: 'card' },
        h('h3', { class: 'card-title' }, h('a', { href: `#/training/courses/${c.id}` }, courseTitle(c))),
        h('ul', { class: 'chips' },
          h('li', { class: 'chip' }, t('training.course.hours_value', { hours: c.hours })),
          h('li', { class: 'chip' }, c.validity_months ? t('training.course.valid_months', { months: c.validity_months })
            : t('training.cert.no_expiry')),
          c.certifies_inspectors ? h('li', { class: 'chip strong' }, t('training.course.certifies')) : null),
        c.topic ? h('p', { class: 'muted' }, c.topic) : null));
    }
  } catch (e) {
    if (ctx.isCurrent()) list.replaceWith(loadError(e));
  }
}

export async function renderCourse(ctx) {
  let course;
  try {
    course = await api.get(`/api/v1/training/courses/${encodeURIComponent(ctx.params.id)}`);
  } catch (e) {
    if (ctx.isCurrent()) ctx.container.append(loadError(e));
    return;
  }
  if (!ctx.isCurrent()) return;
  const inputs = {
    starts_on: dateInput('starts_on', todayIso()),
    ends_on: dateInput('ends_on', todayIso()),
    place: textInput('place', { maxlength: '300' }),
    trainers: textArea('trainers', 3, { maxlength: '1000' }),
  };
  const form = canWrite(ctx) ? fieldForm({
    prefix: 'training', testid: 'session-form', submitLabel: t('training.session.create'),
    fields: Object.entries(inputs).map(([name, input]) => ({ name, input, label: t(`training.session.${name}`) })),
    onSubmit: async () => {
      const s = await api.post('/api/v1/training/sessions', { course_id: course.id, starts_on: inputs.starts_on.value,
        ends_on: inputs.ends_on.value || undefined, place: inputs.place.value, trainers: optional(inputs.trainers) });
      ctx.navigate(`/training/sessions/${s.id}`);
    },
  }).form : null;
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, courseTitle(course)), nav(),
    h('dl', { class: 'facts' },
      h('div', { class: 'fact' }, h('dt', {}, t('training.course.topic')), h('dd', {}, course.topic || t('common.none'))),
      h('div', { class: 'fact' }, h('dt', {}, t('training.course.hours')), h('dd', {}, String(course.hours))),
      h('div', { class: 'fact' }, h('dt', {}, t('training.course.validity_months')),
        h('dd', {}, course.validity_months ? t('training.course.valid_months', { months: course.validity_months }) : t('training.cert.no_expiry'))),
      h('div', { class: 'fact' }, h('dt', {}, t('training.course.certifies_inspectors')),
        h('dd', {}, t(course.certifies_inspectors ? 'common.yes' : 'common.no')))),
    h('h2', {}, t('training.sessions')),
    h('ul', { class: 'cards' }, course.sessions.length ? course.sessions.map((s) => h('li', { class: 'card' },
      h('h3', { class: 'card-title' }, h('a', { href: `#/training/sessions/${s.id}` },
        `${day(s.starts_on)} – ${day(s.ends_on)}`)), h('p', {}, s.place))) : h('li', { class: 'muted' }, t('training.none'))),
    form ? h('details', {}, h('summary', {}, t('training.session.new')), form) : null));
}

function attendeeRow(ctx, a, reload) {
  const attended = select('attended', [['yes', t('training.yes')], ['no', t('training.no')]], a.attended ? 'yes' : 'no');
  const result = select('result', ['pending', 'passed', 'failed'].map((r) => [r, t(`training.result.${r}`)]), a.result);
  const score = textInput('score', { inputmode: 'decimal', value: a.score ?? '', size: '4' });
  const actions = [];
  if (canWrite(ctx)) {
    const { form } = fieldForm({
      prefix: 'training', testid: 'result-form', submitLabel: t('training.result.save'),
      fields: [{ name: 'attended', label: t('training.attendee.attended'), input: attended },
        { name: 'result', label: t('training.attendee.result'), input: result },
        { name: 'score', label: t('training.attendee.score'), input: score }],
      onSubmit: async () => {
        await api.request('PUT', `/api/v1/training/attendees/${a.id}/result`,
          { attended: attended.value === 'yes', result: result.value, score: numberValue(score) ?? null });
        await reload();
      },
    });
    actions.push(form);
    if (a.result === 'passed' && !a.certificate_id) {
      const issue = h('button', { type: 'button', class: 'button primary', dataset: { testid: 'issue-certificate' } },
        t('training.cert.issue'));
      const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
      issue.addEventListener('click', async () => {
        issue.disabled = true;
        try {
          await api.post(`/api/v1/training/attendees/${a.id}/certificate`, {});
          await reload();
        } catch (e) {
          problem.textContent = errorMessage(e);
          problem.hidden = false;
          issue.disabled = false;
        }
      });
      actions.push(issue, problem);
    }
  }
  return h('li', { class: 'card', dataset: { testid: 'attendee', result: a.result } },
    h('h3', { class: 'card-title' }, a.person_name),
    h('ul', { class: 'chips' },
      h('li', { class: 'chip' }, t(a.kind === 'staff' ? 'training.attendee.staff' : 'training.attendee.factory_staff')),
      h('li', { class: ['chip', a.result === 'passed' ? 'ok' : a.result === 'failed' ? 'warn' : null] },
        t(`training.result.${a.result}`)),
      a.score !== null ? h('li', { class: 'chip' }, t('training.attendee.score_value', { score: a.score })) : null,
      a.certificate_id ? h('li', { class: 'chip strong' }, t('training.cert.issued_chip')) : null),
    actions.length ? h('details', {}, h('summary', {}, t('training.result.edit')), actions) : null);
}

async function attendeeForm(ctx, session, reload) {
  let staff = [];
  try {
    staff = (await api.get('/api/v1/training/staff')).items;
  } catch {
    staff = [];
  }
  let factories = [];
  try {
    factories = (await api.get('/api/v1/factories?limit=500')).items ?? [];
  } catch {
    factories = [];
  }
  const kind = select('kind', [['staff', t('training.attendee.staff')], ['factory', t('training.attendee.factory_staff')]], 'staff');
  const user = select('user_id', staff.map((u) => [String(u.id), `${u.display_name || u.username}`]));
  const person = textInput('person_name', { maxlength: '200' });
  const factory = select('factory_id', [['', t('training.choose')], ...factories.map((f) => [String(f.id), f.name])]);
  const { form } = fieldForm({
    prefix: 'training', testid: 'attendee-form', submitLabel: t('training.attendee.add'),
    fields: [{ name: 'kind', label: t('training.attendee.kind'), input: kind },
      { name: 'user_id', label: t('training.attendee.user'), input: user },
      { name: 'person_name', label: t('training.attendee.person_name'), input: person },
      { name: 'factory_id', label: t('training.attendee.factory'), input: factory }],
    onSubmit: async () => {
      const body = kind.value === 'staff' ? { user_id: Number(user.value) }
        : { person_name: person.value, factory_id: factory.value ? Number(factory.value) : undefined };
      await api.post(`/api/v1/training/sessions/${session.id}/attendees`, body);
      await reload();
    },
  });
  const sync = () => {
    const staffMode = kind.value === 'staff';
    form.querySelector('[data-field="user_id"]').hidden = !staffMode;
    form.querySelector('[data-field="person_name"]').hidden = staffMode;
    form.querySelector('[data-field="factory_id"]').hidden = staffMode;
  };
  kind.addEventListener('change', sync);
  sync();
  return form;
}

export async function renderSession(ctx) {
  const load = async () => {
    let session;
    try {
      session = await api.get(`/api/v1/training/sessions/${encodeURIComponent(ctx.params.id)}`);
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(ctx.container, loadError(e));
      return;
    }
    if (!ctx.isCurrent()) return;
    const form = canWrite(ctx) ? await attendeeForm(ctx, session, load) : null;
    if (!ctx.isCurrent()) return;
    replaceChildren(ctx.container, h('section', { class: 'page' },
      h('h1', { tabindex: '-1' }, courseTitle(session.course)), nav(),
      h('dl', { class: 'facts' },
        h('div', { class: 'fact' }, h('dt', {}, t('training.session.dates')),
          h('dd', {}, `${day(session.starts_on, false)} – ${day(session.ends_on, false)}`)),
        h('div', { class: 'fact' }, h('dt', {}, t('training.session.place')), h('dd', {}, session.place)),
        h('div', { class: 'fact' }, h('dt', {}, t('training.session.trainer_names')),
          h('dd', {}, session.trainers ? session.trainers.split('\n').map((line) => h('div', {}, line)) : t('common.none')))),
      h('h2', {}, t('training.attendees', { count: session.attendees.length })),
      h('ul', { class: 'cards', dataset: { testid: 'attendee-list' } },
        session.attendees.length ? session.attendees.map((a) => attendeeRow(ctx, a, load)) : h('li', { class: 'muted' }, t('training.none'))),
      form ? h('details', {}, h('summary', {}, t('training.attendee.new')), form) : null,
      h('h2', {}, t('training.certificates')),
      h('ul', { class: 'cards', dataset: { testid: 'certificate-list' } },
        session.certificates.length ? session.certificates.map((c) => certificateCard(ctx, c, load))
          : h('li', { class: 'muted' }, t('training.none')))));
  };
  await load();
}

export async function renderPerson(ctx) {
  const load = async () => {
    const list = h('ul', { class: 'cards', dataset: { testid: 'certificate-list' } });
    const inspector = h('p', { class: 'notice', dataset: { testid: 'inspector-status' } });
    replaceChildren(ctx.container, h('section', { class: 'page' },
      h('h1', { tabindex: '-1' }, t('training.person.title')), nav(), inspector, list));
    try {
      const id = encodeURIComponent(ctx.params.id);
      const [{ items }, check] = await Promise.all([api.get(`/api/v1/training/certificates?user_id=${id}`),
        api.get(`/api/v1/training/inspectors/${id}/certificate`)]);
      if (!ctx.isCurrent()) return;
      inspector.textContent = check.certified
        ? t('training.person.certified', { number: check.certificate.number, date: day(check.certificate.valid_until, false) })
        : t('training.person.not_certified');
      inspector.classList.toggle('ok', check.certified);
      inspector.classList.toggle('warn', !check.certified);
      if (!items.length) list.append(h('li', { class: 'muted' }, t('training.none')));
      for (const c of items) list.append(certificateCard(ctx, c, load));
    } catch (e) {
      if (ctx.isCurrent()) list.replaceWith(loadError(e));
    }
  };
  await load();
}

export async function renderExpiring(ctx) {
  const days = select('days', [30, 60, 90, 180, 365].map((d) => [String(d), t('training.expiring.within', { days: d })]), '90');
  const q = textInput('q', { maxlength: '100', placeholder: t('training.expiring.search') });
  days.id = 'training-expiring-days';
  q.id = 'training-expiring-q';
  const list = h('ul', { class: 'cards', dataset: { testid: 'certificate-list' } });
  const load = async () => {
    const params = new URLSearchParams({ expiring_within_days: days.value });
    if (q.value.trim()) params.set('q', q.value.trim());
    try {
      const { items } = await api.get(`/api/v1/training/certificates?${params}`);
      if (!ctx.isCurrent()) return;
      replaceChildren(list, items.length ? items.map((c) => certificateCard(ctx, c, load)) : h('li', { class: 'muted' }, t('training.none')));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(list, loadError(e));
    }
  };
  days.addEventListener('change', load);
  q.addEventListener('change', load);
  replaceChildren(ctx.container, h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t('training.expiring.title')), nav(),
    h('div', { class: 'field' }, h('label', { for: 'training-expiring-days' }, t('training.expiring.window')), days),
    h('div', { class: 'field' }, h('label', { for: 'training-expiring-q' }, t('training.expiring.person')), q), list));
  await load();
}
