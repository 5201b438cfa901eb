// #/aqi: the public AQI calculator. Scale (Thai PCD index or US AQI), pollutant and a
// concentration in µg/m³ → GET /api/v1/aqi/calc. The category name and the health advice come
// from the locale files under the keys the server names (th_aqi.level.N, th_aqi.advice.N, ...);
// the colour is a class (.aqi-th-N, .aqi-us-N in app.css), never an inline style.
import * as api from '../api.js';
import { ApiError } from '../api.js';
import { h, replaceChildren, uniqueId } from '../dom.js';
import { errorMessage } from '../errors.js';
import { getLang, t, tOr } from '../i18n.js';

const SCALES = ['th', 'us'];
const POLLUTANTS = ['pm25', 'pm10'];
const LEVELS = { th: 5, us: 6 };

// The last inputs and answer, kept across re-renders (a language switch re-renders the page).
const last = { scale: 'th', pollutant: 'pm25', concentration: '', result: null };

function levelClass(result) {
  const level = Number(result.level);
  const scale = SCALES.includes(result.scale) ? result.scale : null;
  if (!scale || !Number.isInteger(level) || level < 1 || level > LEVELS[scale]) return null;
  return `aqi-${scale}-${level}`;
}

function resultCard(result, request) {
  const lang = getLang();
  const category = tOr(result.category_key, lang === 'en' ? result.category_en : result.category_th);
  const advice = tOr(result.advice_key, '');
  const swatchClass = levelClass(result);
  return h('div', { class: 'aqi-result-body', dataset: {
    testid: 'aqi-result', level: String(result.level), scale: request.scale, pollutant: request.pollutant,
    concentration: request.concentration,
  } },
    h('div', { class: 'aqi-headline' },
      h('p', { class: ['aqi-swatch', swatchClass], dataset: { testid: 'aqi-swatch' } },
        h('span', { class: 'aqi-swatch-label' }, t('aqi.index')),
        h('span', { class: 'aqi-value', dataset: { testid: 'aqi-value' } }, String(result.aqi))),
      h('div', { class: 'aqi-category-box' },
        h('p', { class: 'aqi-category', dataset: { testid: 'aqi-category' } }, category),
        h('p', { class: 'muted aqi-input' }, t('aqi.input_summary', {
          pollutant: t(`aqi.pollutant.${request.pollutant}`),
          concentration: request.concentration,
          scale: t(`aqi.scale_short.${request.scale}`),
        })))),
    result.above_table
      ? h('p', { class: 'notice warn', dataset: { testid: 'aqi-above-table' } }, t('aqi.above_table'))
      : null,
    advice
      ? h('div', { class: 'aqi-advice' },
        h('h3', {}, t('aqi.advice')),
        h('p', { dataset: { testid: 'aqi-advice' } }, advice),
        h('p', { class: 'hint' }, t(`aqi.advice_source.${request.scale}`)))
      : null);
}

export function renderAqi(ctx) {
  const ids = {
    scale: uniqueId('aqi-scale'),
    pollutant: uniqueId('aqi-pollutant'),
    concentration: uniqueId('aqi-concentration'),
    hint: uniqueId('aqi-concentration-hint'),
    error: uniqueId('aqi-concentration-error'),
    alert: uniqueId('aqi-alert'),
  };

  const scale = h('select', { id: ids.scale, name: 'scale' },
    SCALES.map((s) => h('option', { value: s, selected: s === last.scale }, t(`aqi.scale.${s}`))));
  const pollutant = h('select', { id: ids.pollutant, name: 'pollutant' },
    POLLUTANTS.map((p) => h('option', { value: p, selected: p === last.pollutant }, t(`aqi.pollutant.${p}`))));
  const concentration = h('input', {
    id: ids.concentration, name: 'concentration', type: 'text', inputmode: 'decimal', autocomplete: 'off',
    spellcheck: 'false', maxlength: '32', 'aria-describedby': `${ids.hint} ${ids.error}`,
  });
  concentration.value = last.concentration;
  const hint = h('p', { class: 'hint', id: ids.hint });
  const fieldError = h('p', { class: 'form-error', id: ids.error, role: 'alert', hidden: true,
    dataset: { testid: 'aqi-error' } });
  const alert = h('p', { class: 'form-error', id: ids.alert, role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, t('aqi.submit'));
  const result = h('section', { class: 'card aqi-result', 'aria-labelledby': 'aqi-result-title', 'aria-live': 'polite',
    hidden: true },
    h('h2', { id: 'aqi-result-title' }, t('aqi.result')));
  const resultBody = h('div', {});
  result.append(resultBody);

  let seq = 0;

  function updateHint() {
    hint.textContent = t(`aqi.concentration_hint.${scale.value}`);
  }

  function clearErrors() {
    fieldError.hidden = true;
    alert.hidden = true;
    for (const control of [scale, pollutant, concentration]) control.removeAttribute('aria-invalid');
  }

  function showFieldError(field, text) {
    const control = { scale, pollutant, concentration }[field] ?? concentration;
    if (control === concentration) {
      fieldError.textContent = text;
      fieldError.hidden = false;
    } else {
      alert.textContent = text;
      alert.hidden = false;
    }
    control.setAttribute('aria-invalid', 'true');
    result.hidden = true;
    replaceChildren(resultBody);
    last.result = null;
  }

  function showResult(answer, request) {
    replaceChildren(resultBody, resultCard(answer, request));
    result.hidden = false;
  }

  async function calculate({ focusOnError = true } = {}) {
    clearErrors();
    const request = { scale: scale.value, pollutant: pollutant.value, concentration: concentration.value.trim() };
    Object.assign(last, { scale: request.scale, pollutant: request.pollutant, concentration: concentration.value });
    if (!request.concentration) {
      showFieldError('concentration', t('aqi.required'));
      if (focusOnError) concentration.focus();
      return;
    }
    const mine = ++seq;
    submit.disabled = true;
    submit.textContent = t('aqi.calculating');
    try {
      const query = new URLSearchParams({ ...request, lang: getLang() });
      const answer = await api.get(`/api/v1/aqi/calc?${query}`);
      if (mine !== seq || !ctx.isCurrent()) return;
      const shown = { ...answer, scale: request.scale };
      last.result = { answer: shown, request };
      showResult(shown, request);
    } catch (e) {
      if (mine !== seq || !ctx.isCurrent()) return;
      if (e instanceof ApiError && (e.status === 422 || e.status === 400)) {
        const field = ['scale', 'pollutant', 'concentration'].includes(e.field) ? e.field : 'concentration';
        showFieldError(field, t(`aqi.error.${field}`));
        if (focusOnError) ({ scale, pollutant, concentration })[field].focus();
      } else {
        alert.textContent = errorMessage(e);
        alert.hidden = false;
      }
    } finally {
      if (mine === seq) {
        submit.disabled = false;
        submit.textContent = t('aqi.submit');
      }
    }
  }

  function onSelectChange() {
    updateHint();
    // With a value already entered, a new scale or pollutant recalculates at once.
    if (concentration.value.trim()) void calculate({ focusOnError: false });
    else last.result = null;
    last.scale = scale.value;
    last.pollutant = pollutant.value;
  }
  scale.addEventListener('change', onSelectChange);
  pollutant.addEventListener('change', onSelectChange);

  const form = h('form', { class: 'card form', novalidate: true, 'aria-labelledby': 'aqi-title',
    onsubmit: (event) => { event.preventDefault(); void calculate(); } },
    h('div', { class: 'field' }, h('label', { for: ids.scale }, t('aqi.scale')), scale),
    h('div', { class: 'field' }, h('label', { for: ids.pollutant }, t('aqi.pollutant')), pollutant),
    h('div', { class: 'field' },
      h('label', { for: ids.concentration }, t('aqi.concentration')),
      concentration,
      hint,
      fieldError),
    alert,
    submit);

  ctx.container.append(h('section', { class: 'page narrow aqi' },
    h('h1', { id: 'aqi-title' }, t('aqi.title')),
    h('p', { class: 'lead' }, t('aqi.intro')),
    form,
    result,
    h('p', { class: 'hint aqi-method' }, t('aqi.method_note'))));
  updateHint();

  // After a language switch, show the same answer again in the new language.
  if (last.result) showResult(last.result.answer, last.result.request);
}
