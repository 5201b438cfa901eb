// #/users: the accounts of my organisation (GET /api/v1/users) and, with manage_users, a form to
// add one (POST /api/v1/users {username, role, display_name, password}).
import * as api from '../api.js';
import { formatDateTime } from '../dates.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';

// Roles in the order a municipality would hand them out. Only a system administrator may create
// another; oversight accounts belong to provincial or national offices, not to an LAO.
const ROLES = ['officer', 'inspector', 'executive', 'factory', 'lao-admin', 'oversight', 'system-admin'];

function rolesFor(me) {
  return ROLES.filter((role) => {
    if (role === 'system-admin') return me.role === 'system-admin';
    if (role === 'oversight') return me.org && !me.org.is_lao;
    return true;
  });
}

function userCard(user, lang) {
  return h('li', { class: ['card', 'user', !user.active && 'inactive'], dataset: { username: user.username } },
    h('h3', { class: 'card-title' }, user.display_name || user.username),
    h('p', { class: 'mono muted' }, user.username),
    h('ul', { class: 'chips' },
      h('li', { class: 'chip' }, tOr(`role.${user.role}`, user.role)),
      h('li', { class: ['chip', user.active ? 'ok' : 'warn'] }, t(user.active ? 'users.active' : 'users.inactive'))),
    h('p', { class: 'meta' },
      h('span', {}, t('users.org'), ' ', h('span', { class: 'mono' }, user.org_code)),
      user.created_at ? h('span', {}, t('users.created_at'), ' ',
        h('time', { datetime: user.created_at }, formatDateTime(user.created_at, { lang }))) : null));
}

function addUserForm(ctx, onCreated) {
  const ids = { username: uniqueId('user-username'), display_name: uniqueId('user-display'), role: uniqueId('user-role'),
    password: uniqueId('user-password') };
  const hints = { username: uniqueId('user-username-hint'), password: uniqueId('user-password-hint') };
  const alertId = uniqueId('user-alert');
  const inputs = {
    username: h('input', { id: ids.username, name: 'username', type: 'text', autocomplete: 'off', autocapitalize: 'none',
      spellcheck: 'false', required: true, minlength: '3', maxlength: '64', pattern: '[a-z0-9][a-z0-9._\\-]*',
      'aria-describedby': `${hints.username} ${alertId}` }),
    display_name: h('input', { id: ids.display_name, name: 'display_name', type: 'text', autocomplete: 'off', maxlength: '200',
      'aria-describedby': alertId }),
    role: h('select', { id: ids.role, name: 'role', 'aria-describedby': alertId },
      rolesFor(ctx.me).map((role) => h('option', { value: role }, tOr(`role.${role}`, role)))),
    password: h('input', { id: ids.password, name: 'password', type: 'password', autocomplete: 'new-password', required: true,
      minlength: '10', maxlength: '256', 'aria-describedby': `${hints.password} ${alertId}` }),
  };
  inputs.role.value = 'officer';
  const alert = h('p', { id: alertId, class: 'form-error', role: 'alert', hidden: true });
  const done = h('p', { class: 'notice ok', role: 'status', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('users.form.submit'));

  function fail(text, field) {
    alert.textContent = text;
    alert.hidden = false;
    done.hidden = true;
    for (const [name, input] of Object.entries(inputs)) input.toggleAttribute('aria-invalid', name === field);
    if (field && inputs[field]) inputs[field].focus();
  }

  async function onSubmit(event) {
    event.preventDefault();
    const body = {
      username: inputs.username.value.trim(),
      role: inputs.role.value,
      display_name: inputs.display_name.value.trim(),
      password: inputs.password.value,
    };
    if (!body.username) return fail(t('users.form.required_username'), 'username');
    if ([...body.password].length < 10) return fail(t('error.invalid.password'), 'password');
    submit.disabled = true;
    try {
      const user = await api.post('/api/v1/users', body);
      if (!ctx.isCurrent()) return;
      event.target.reset();
      inputs.role.value = 'officer';
      for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
      alert.hidden = true;
      done.textContent = t('users.created', { username: user.username });
      done.hidden = false;
      await onCreated(user);
    } catch (e) {
      if (ctx.isCurrent()) fail(errorMessage(e), e.field);
    } finally {
      submit.disabled = false;
    }
  }

  const field = (name, labelKey, control, hintKey) => h('div', { class: 'field' },
    h('label', { for: ids[name] }, t(labelKey)),
    control,
    hintKey ? h('p', { class: 'hint', id: hints[name] }, t(hintKey)) : null);

  return h('section', { class: 'card', 'aria-labelledby': 'users-add-title' },
    h('h2', { id: 'users-add-title' }, t('users.add_title')),
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
      field('username', 'users.form.username', inputs.username, 'users.form.username_hint'),
      field('display_name', 'users.form.display_name', inputs.display_name),
      field('role', 'users.form.role', inputs.role),
      field('password', 'users.form.password', inputs.password, 'users.form.password_hint'),
      alert,
      done,
      submit));
}

export async function renderUsers(ctx) {
  const lang = getLang();
  const listArea = h('div', {}, h('p', { class: 'muted', role: 'status' }, t('shell.loading')));

  async function load() {
    try {
      const data = await api.get('/api/v1/users');
      if (!ctx.isCurrent()) return;
      const users = data.items ?? [];
      replaceChildren(listArea,
        h('p', { class: 'muted' }, users.length ? t('users.count', { count: users.length }) : t('users.empty')),
        h('ul', { class: 'cards', id: 'users-list', 'aria-labelledby': 'users-list-title' }, users.map((u) => userCard(u, lang))));
    } catch (e) {
      if (ctx.isCurrent()) replaceChildren(listArea, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    }
  }

  const canManage = ctx.me.permissions?.includes('manage_users');
  ctx.container.append(h('section', { class: 'page' },
    h('h1', {}, t('users.title')),
    h('p', { class: 'lead' }, t('users.intro')),
    h('div', { class: 'split' },
      h('section', { 'aria-labelledby': 'users-list-title' }, h('h2', { id: 'users-list-title' }, t('users.list_title')), listArea),
      canManage ? addUserForm(ctx, load) : null)));
  await load();
}
