// #/ (home): who I am, my organisation, today's date in the Buddhist Era and the fiscal year.
import { fiscalYearOf, fiscalYearRange, formatThaiDate, toCommonEraYear } from '../dates.js';
import { definitionList, h } from '../dom.js';
import { getLang, t, tOr } from '../i18n.js';

export function renderHome(ctx) {
  const { me } = ctx;
  const lang = getLang();
  const now = new Date();
  const fy = fiscalYearOf(now);
  const range = fiscalYearRange(fy);
  const name = me.user?.display_name || me.user?.username || me.token || '';
  const org = me.org;
  const orgName = lang === 'en' ? org?.name_en || org?.name_th : org?.name_th || org?.name_en;

  const today = h('section', { class: 'card today', 'aria-labelledby': 'home-today' },
    h('h2', { id: 'home-today' }, t('home.today')),
    h('p', { class: 'big', dataset: { testid: 'today' } }, h('time', { datetime: now.toISOString() }, formatThaiDate(now, { lang }))),
    h('p', { class: 'fiscal', dataset: { testid: 'fiscal-year' } },
      t('home.fiscal_year_value', { be: fy, ce: toCommonEraYear(fy) })),
    h('p', { class: 'muted' }, t('home.fiscal_year_range', {
      start: formatThaiDate(range.start, { lang }),
      end: formatThaiDate(range.end, { lang }),
    })));

  const account = h('section', { class: 'card', 'aria-labelledby': 'home-me' },
    h('h2', { id: 'home-me' }, t('home.me')),
    definitionList([
      [t('home.display_name'), name],
      me.user ? [t('home.username'), h('span', { class: 'mono' }, me.user.username)] : null,
      [t('home.role'), tOr(`role.${me.role}`, me.role)],
      [t('home.permissions'), h('ul', { class: 'chips' },
        (me.permissions ?? []).map((p) => h('li', { class: 'chip' }, tOr(`perm.${p}`, p))))],
    ]));

  const organisation = org ? h('section', { class: 'card', 'aria-labelledby': 'home-org' },
    h('h2', { id: 'home-org' }, t('home.org')),
    definitionList([
      [t('home.org_name'), orgName],
      [t('home.org_type'), tOr(`orgtype.${org.type}`, org.type)],
      [t('home.org_code'), h('span', { class: 'mono' }, org.code)],
    ])) : null;

  ctx.container.append(h('section', { class: 'page home' },
    h('h1', {}, t('home.greeting', { name })),
    h('div', { class: 'grid' }, today, account, organisation)));
}
