// #/orgs: the public directory of organisations (GET /api/v1/orgs), with province names from
// GET /api/v1/geo/provinces and a filter box.
import * as api from '../api.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';

function loadingLine() {
  return h('p', { class: 'muted', role: 'status' }, t('shell.loading'));
}

export async function renderOrgs(ctx) {
  const lang = getLang();
  const filterId = uniqueId('orgs-filter');
  const list = h('ul', { class: 'cards', 'aria-labelledby': 'orgs-title' });
  const count = h('p', { class: 'muted', role: 'status' });
  const body = h('div', {}, loadingLine());
  const filter = h('input', { id: filterId, type: 'search', autocomplete: 'off', 'aria-controls': 'orgs-list' });
  list.id = 'orgs-list';

  ctx.container.append(h('section', { class: 'page' },
    h('h1', { id: 'orgs-title' }, t('orgs.title')),
    h('p', { class: 'lead' }, t('orgs.intro')),
    h('div', { class: 'field' }, h('label', { for: filterId }, t('orgs.filter')), filter),
    body));

  let orgs;
  let provinces = new Map();
  try {
    const [orgList, provinceList] = await Promise.all([
      api.get('/api/v1/orgs'),
      api.get('/api/v1/geo/provinces').catch(() => ({ items: [] })),  // names are a nicety
    ]);
    orgs = orgList.items ?? [];
    provinces = new Map((provinceList.items ?? []).map((p) => [p.code, p]));
  } catch (e) {
    if (ctx.isCurrent()) replaceChildren(body, h('p', { class: 'form-error', role: 'alert' }, errorMessage(e)));
    return;
  }
  if (!ctx.isCurrent()) return;

  const mine = ctx.me?.org?.id;
  const primary = (o) => (lang === 'en' ? o.name_en || o.name_th : o.name_th || o.name_en);
  const secondary = (o) => (lang === 'en' ? o.name_th : o.name_en);
  const provinceName = (code) => {
    const p = provinces.get(code);
    if (!p) return code;
    return lang === 'en' ? p.name_en || p.name_th : p.name_th || p.name_en;
  };

  const cards = orgs.map((o) => {
    const card = h('li', { class: ['card', 'org', o.id === mine && 'mine'] },
      h('h2', { class: 'card-title' }, primary(o)),
      secondary(o) ? h('p', { class: 'muted', lang: lang === 'en' ? 'th' : 'en' }, secondary(o)) : null,
      h('ul', { class: 'chips' },
        h('li', { class: 'chip' }, tOr(`orgtype.${o.type}`, o.type)),
        o.is_lao ? h('li', { class: 'chip accent' }, t('orgs.lao')) : null,
        o.id === mine ? h('li', { class: 'chip strong' }, t('orgs.mine')) : null),
      h('p', { class: 'meta' },
        h('span', {}, t('orgs.code'), ' ', h('span', { class: 'mono' }, o.code)),
        o.province_code ? h('span', {}, t('orgs.province'), ' ', provinceName(o.province_code)) : null));
    card.dataset.search = [o.name_th, o.name_en, o.code, provinceName(o.province_code ?? '')].join(' ').toLowerCase();
    return card;
  });

  function applyFilter() {
    const q = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      const match = !q || card.dataset.search.includes(q);
      card.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = shown === 0 ? t(orgs.length ? 'orgs.no_match' : 'orgs.empty') : t('orgs.count', { count: shown });
  }
  filter.addEventListener('input', applyFilter);
  replaceChildren(list, cards);
  replaceChildren(body, count, list);
  applyFilter();
}
