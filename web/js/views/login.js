// #/login: username and password → POST /api/v1/session. 401, 422 and 429 get their own Thai
// (or English) sentence from the locale files; the server's English message is not shown.
import * as api from '../api.js';
import { h, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n.js';

export function renderLogin(ctx) {
  const usernameId = uniqueId('login-username');
  const passwordId = uniqueId('login-password');
  const showId = uniqueId('login-show');
  const alertId = uniqueId('login-alert');

  const username = h('input', {
    id: usernameId, name: 'username', type: 'text', autocomplete: 'username', autocapitalize: 'none',
    spellcheck: 'false', maxlength: '64', 'aria-describedby': alertId, required: true,
  });
  const password = h('input', {
    id: passwordId, name: 'password', type: 'password', autocomplete: 'current-password', maxlength: '256',
    'aria-describedby': alertId, required: true,
  });
  const show = h('input', {
    id: showId, type: 'checkbox',
    onchange: () => { password.type = show.checked ? 'text' : 'password'; },
  });
  const alert = h('p', { id: alertId, class: 'form-error', role: 'alert', hidden: true });
  const status = h('p', { class: 'notice', role: 'status', hidden: !ctx.notice }, ctx.notice ? t(ctx.notice) : '');
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, t('login.submit'));

  function showError(text, field) {
    alert.textContent = text;
    alert.hidden = false;
    status.hidden = true;
    username.toggleAttribute('aria-invalid', field === 'username' || field === 'both');
    password.toggleAttribute('aria-invalid', field === 'password' || field === 'both');
  }

  async function onSubmit(event) {
    event.preventDefault();
    const name = username.value.trim();
    if (!name || !password.value) {
      showError(t('login.required'), !name ? 'username' : 'password');
      (!name ? username : password).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.submitting');
    try {
      await api.login(name, password.value);
      await ctx.onLoggedIn();
    } catch (e) {
      if (!ctx.isCurrent()) return;
      showError(errorMessage(e, 'login'), e.status === 401 ? 'both' : e.field);
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  }

  const form = h('form', { class: 'card form', novalidate: true, onsubmit: onSubmit, 'aria-labelledby': 'login-title' },
    status,
    h('div', { class: 'field' },
      h('label', { for: usernameId }, t('login.username')),
      username),
    h('div', { class: 'field' },
      h('label', { for: passwordId }, t('login.password')),
      password,
      h('div', { class: 'check' }, show, h('label', { for: showId }, t('login.show_password')))),
    alert,
    submit);

  ctx.container.append(h('section', { class: 'page narrow login' },
    h('h1', { id: 'login-title' }, t('login.title')),
    h('p', { class: 'lead' }, t('login.intro')),
    form,
    h('p', { class: 'aside' }, h('a', { href: '#/orgs' }, t('login.public_link')))));
  if (!window.matchMedia?.('(pointer: coarse)').matches) username.focus();
}
