// The shell: header, menu, language switch and the hash router (#/, #/map, #/sensors,
// #/sensors/{id}, #/health, #/alerts, #/factories[/new|/import|/{id}[/edit]], #/inspections[/{id}],
// #/checklists[/{id}], #/actions, #/complaints[/{id}], #/network[/partners/{id}|/meetings/{id}], #/users, #/audit, #/orgs, #/aqi, #/public/{code}, #/login). A route
// appears in the menu only when the signed-in user may use it; a view for a part that is not
// built does not exist.
import * as api from './api.js';
import { forgetCachedReads } from './offline_queue.js';
import { h, replaceChildren } from './dom.js';
import { getLang, setLang, storedLang, t, translateTree } from './i18n.js';
import { renderActions } from './views/actions.js';
import { renderAlerts } from './views/alerts.js';
import { renderAqi } from './views/aqi.js';
import { renderAudit } from './views/audit.js';
import {
  renderFactories, renderFactory, renderFactoryEdit, renderFactoryImport, renderFactoryNew,
} from './views/factories.js';
import { renderChecklist, renderChecklists } from './views/checklists.js';
import { renderComplain, renderComplaint, renderComplaints, renderTrack, renderTransparency } from './views/complaints.js';
import { renderHealth } from './views/health.js';
import { renderHome } from './views/home.js';
import { renderInspection } from './views/inspection.js';
import { renderInspections } from './views/inspections.js';
import { renderLineSettings } from './views/line_settings.js';
import { renderLogin } from './views/login.js';
import { renderMap } from './views/map.js';
import { renderNetwork, renderNetworkMeeting, renderNetworkPartner } from './views/network.js';
import { renderOrgs } from './views/orgs.js';
import { renderPublic } from './views/public.js';
import { renderSensor } from './views/sensor.js';
import { renderSensors } from './views/sensors.js';
import { renderUsers } from './views/users.js';
import { renderCourse, renderExpiring, renderPerson, renderSession, renderTraining } from './views/training.js';
import { renderClinic, renderClinicArticle, renderClinicArticles, renderClinicCase, renderClinicRequest } from './views/clinic.js';

/**
 * The routes, in menu order. access: 'public' (anyone), 'guest' (only when signed out),
 * 'signed-in', or a permission name from GET /api/v1/me. A {name} segment of a path is a
 * parameter (ctx.params.name); menu: false keeps a route out of the menu.
 */
const ROUTES = [
  { path: '/', title: 'nav.home', access: 'signed-in', render: renderHome },
  { path: '/map', title: 'nav.map', access: 'read', render: renderMap },
  { path: '/sensors', title: 'nav.sensors', access: 'read', render: renderSensors },
  { path: '/sensors/{id}', title: 'nav.sensors', access: 'read', render: renderSensor, menu: false },
  { path: '/health', title: 'nav.health', access: 'read', render: renderHealth },
  { path: '/alerts', title: 'nav.alerts', access: 'read', render: renderAlerts },
  { path: '/factories', title: 'nav.factories', access: 'read', render: renderFactories },
  { path: '/factories/new', title: 'nav.factories', access: 'write', render: renderFactoryNew, menu: false },
  { path: '/factories/import', title: 'nav.factories', access: 'write', render: renderFactoryImport, menu: false },
  { path: '/factories/{id}', title: 'nav.factories', access: 'signed-in', render: renderFactory, menu: false },
  { path: '/factories/{id}/edit', title: 'nav.factories', access: 'write', render: renderFactoryEdit, menu: false },
  { path: '/public/{code}', title: 'nav.public', access: 'public', render: renderPublic, menu: false },
  { path: '/training', title: 'nav.training', access: 'read', render: renderTraining },
  { path: '/training/courses/{id}', title: 'nav.training', access: 'read', render: renderCourse, menu: false },
  { path: '/training/sessions/{id}', title: 'nav.training', access: 'read', render: renderSession, menu: false },
  { path: '/training/people/{id}', title: 'nav.training', access: 'read', render: renderPerson, menu: false },
  { path: '/training/expiring', title: 'nav.training', access: 'read', render: renderExpiring, menu: false },
  { path: '/clinic', title: 'nav.clinic', access: 'signed-in', render: renderClinic },
  { path: '/clinic/new', title: 'nav.clinic', access: 'signed-in', render: renderClinicRequest, menu: false },
  { path: '/clinic/cases/{id}', title: 'nav.clinic', access: 'signed-in', render: renderClinicCase, menu: false },
  { path: '/clinic/articles', title: 'nav.clinic', access: 'signed-in', render: renderClinicArticles, menu: false },
  { path: '/clinic/articles/{id}', title: 'nav.clinic', access: 'signed-in', render: renderClinicArticle, menu: false },
  { path: '/inspections', title: 'nav.inspections', access: 'write', render: renderInspections },
  { path: '/inspections/{id}', title: 'nav.inspections', access: 'read', render: renderInspection, menu: false },
  { path: '/checklists', title: 'nav.checklists', access: 'write', render: renderChecklists },
  { path: '/checklists/{id}', title: 'nav.checklists', access: 'read', render: renderChecklist, menu: false },
  { path: '/actions', title: 'nav.actions', access: 'signed-in', render: renderActions },
  { path: '/complaints', title: 'nav.complaints', access: 'read', render: renderComplaints },
  { path: '/complaints/{id}', title: 'nav.complaints', access: 'read', render: renderComplaint, menu: false },
  { path: '/network', title: 'nav.network', access: 'read', render: renderNetwork },
  { path: '/network/partners/{id}', title: 'nav.network', access: 'read', render: renderNetworkPartner, menu: false },
  { path: '/network/meetings/{id}', title: 'nav.network', access: 'read', render: renderNetworkMeeting, menu: false },
  { path: '/complain/{code}', title: 'nav.complain', access: 'public', render: renderComplain, menu: false },
  { path: '/track', title: 'nav.track', access: 'public', render: renderTrack, menu: false },
  { path: '/track/{tracking}', title: 'nav.track', access: 'public', render: renderTrack, menu: false },
  { path: '/transparency/{code}', title: 'nav.transparency', access: 'public', render: renderTransparency, menu: false },
  { path: '/line-settings', title: 'nav.line', access: 'manage_users', render: renderLineSettings },
  { path: '/users', title: 'nav.users', access: 'manage_users', render: renderUsers },
  { path: '/audit', title: 'nav.audit', access: 'read_audit', render: renderAudit },
  { path: '/orgs', title: 'nav.orgs', access: 'public', render: renderOrgs },
  { path: '/aqi', title: 'nav.aqi', access: 'public', render: renderAqi },
  { path: '/login', title: 'nav.login', access: 'guest', render: renderLogin },
];

const state = {
  me: null,
  notice: null,      // a one-off message key for the next login page ("logged out", "session ended")
  returnTo: null,    // the page asked for before the login page, to return to after signing in
  renderSeq: 0,      // increases on every navigation; views drop results of stale renders
  navigated: false,  // false until the first page is shown (focus stays put on first load)
};

const els = {};

function allowed(route, me) {
  switch (route.access) {
    case 'public': return true;
    case 'guest': return !me;
    case 'signed-in': return Boolean(me);
    default: return Boolean(me?.permissions?.includes(route.access));
  }
}

/** The route matching path and its {parameters}, or null. */
function matchRoute(path) {
  const parts = path.split('/');
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith('{') && p.endsWith('}')) {
        if (!parts[i]) return false;
        try {
          params[p.slice(1, -1)] = decodeURIComponent(parts[i]);
        } catch {
          return false;
        }
        return true;
      }
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

function currentPath() {
  const hash = window.location.hash;
  if (!hash.startsWith('#/')) return '/';
  const path = hash.slice(1).split('?')[0];
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export function navigate(path) {
  if (currentPath() === path && window.location.hash.startsWith('#/')) {
    void route();
  } else {
    window.location.hash = `#${path}`;
  }
}

function orgName(org) {
  if (!org) return '';
  return getLang() === 'en' ? org.name_en || org.name_th : org.name_th || org.name_en;
}

function setMenuOpen(open) {
  els.menuToggle.setAttribute('aria-expanded', String(open));
  els.nav.classList.toggle('open', open);
}

function renderChrome() {
  translateTree(document);
  const me = state.me;
  els.orgName.textContent = orgName(me?.org);
  els.orgName.hidden = !me?.org;
  for (const button of els.langButtons) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === getLang()));
  }
  const path = currentPath();
  const items = ROUTES.filter((r) => r.menu !== false && allowed(r, me)).map((r) => {
    const link = h('a', { href: `#${r.path}`, class: 'nav-link', dataset: { route: r.path } }, t(r.title));
    if (r.path === path) link.setAttribute('aria-current', 'page');
    return h('li', {}, link);
  });
  replaceChildren(els.navList, items);
  if (me) {
    const name = me.user?.display_name || me.user?.username || me.token || '';
    replaceChildren(els.navUser,
      h('span', { class: 'nav-user-name' }, t('shell.signed_in_as', { name })),
      h('button', { type: 'button', class: 'button secondary', id: 'logout', onclick: onLogout }, t('shell.logout')));
    els.navUser.hidden = false;
  } else {
    replaceChildren(els.navUser);
    els.navUser.hidden = true;
  }
}

function messageView(titleKey, bodyKey, link) {
  return h('section', { class: 'page' },
    h('h1', { tabindex: '-1' }, t(titleKey)),
    h('p', {}, t(bodyKey)),
    link ? h('p', {}, h('a', { href: link.href, class: 'button' }, t(link.text))) : null);
}

async function route() {
  const seq = ++state.renderSeq;
  const path = currentPath();
  const matched = matchRoute(path);
  const found = matched?.route;
  setMenuOpen(false);
  renderChrome();

  const container = h('div', { class: 'view' });
  let title = 'page.not_found.title';
  if (!found) {
    container.append(messageView('page.not_found.title', 'page.not_found.body', { href: '#/', text: 'page.back_home' }));
  } else if (!allowed(found, state.me)) {
    if (found.access === 'guest') {
      navigate('/');
      return;
    }
    if (!state.me) {
      if (path !== '/') state.returnTo = path;
      navigate('/login');
      return;
    }
    title = 'page.forbidden.title';
    container.append(messageView('page.forbidden.title', 'page.forbidden.body', { href: '#/', text: 'page.back_home' }));
  } else {
    title = found.title;
  }
  document.title = `${t(title)} · ${t('app.name')}`;
  replaceChildren(els.main, container);
  if (found && allowed(found, state.me)) {
    const notice = state.notice;
    state.notice = null;
    const ctx = {
      container,
      me: state.me,
      params: matched.params,
      notice,
      isCurrent: () => seq === state.renderSeq,
      navigate,
      onLoggedIn,
    };
    try {
      await found.render(ctx);
    } catch (e) {
      console.error(e);
      if (ctx.isCurrent()) container.append(h('p', { class: 'form-error', role: 'alert' }, t('error.unexpected')));
    }
  }
  if (seq === state.renderSeq) focusHeading();
}

function focusHeading() {
  // Move focus to the new page's heading so screen readers announce it, but not on first load
  // (where it would steal focus from the address bar) and not when a field already has it.
  if (!state.navigated) {
    state.navigated = true;
    return;
  }
  if (els.main.contains(document.activeElement) && document.activeElement !== els.main) return;
  const heading = els.main.querySelector('h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

async function onLoggedIn() {
  state.me = await api.fetchMe();
  const back = state.returnTo ? matchRoute(state.returnTo)?.route : null;
  const returnTo = state.returnTo;
  state.returnTo = null;
  navigate(back && allowed(back, state.me) ? returnTo : '/');
}

async function onLogout() {
  try {
    await api.logout();
  } catch (e) {
    console.warn('logout failed', e);
  }
  state.me = null;
  state.returnTo = null;
  await forgetCachedReads().catch(() => {});
  state.notice = 'login.logged_out';
  navigate('/login');
}

function onSessionEnded() {
  if (!state.me) return;
  state.me = null;
  api.setCsrfToken(null);
  state.notice = 'login.session_ended';
  state.returnTo = currentPath();
  navigate('/login');
}

async function onLanguage(event) {
  const lang = event.currentTarget.dataset.lang;
  if (lang === getLang()) return;
  try {
    await setLang(lang);
  } catch (e) {
    console.error('cannot switch language', e);  // offline and not cached: stay in this language
    return;
  }
  await route();
}

async function start() {
  els.main = document.getElementById('main');
  els.nav = document.getElementById('nav');
  els.navList = document.getElementById('nav-list');
  els.navUser = document.getElementById('nav-user');
  els.orgName = document.getElementById('org-name');
  els.menuToggle = document.getElementById('menu-toggle');
  els.langButtons = [...document.querySelectorAll('[data-lang]')];

  els.menuToggle.addEventListener('click', () => setMenuOpen(els.menuToggle.getAttribute('aria-expanded') !== 'true'));
  for (const button of els.langButtons) button.addEventListener('click', onLanguage);
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    els.main.focus();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && els.nav.classList.contains('open')) {
      setMenuOpen(false);
      els.menuToggle.focus();
    }
  });
  api.setUnauthenticatedHandler(onSessionEnded);

  // The service worker keeps the app shell and the inspection pages usable offline (web/sw.js).
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch((e) => console.warn('service worker not registered', e));
  }
  await setLang(storedLang());
  try {
    state.me = await api.fetchMe();
  } catch (e) {
    console.error('who-am-I failed', e);
    state.me = null;
  }
  window.addEventListener('hashchange', () => void route());
  if (!window.location.hash.startsWith('#/')) {
    window.history.replaceState(null, '', state.me ? '#/' : '#/login');
  }
  await route();
  document.body.classList.add('ready');
}

void start();
