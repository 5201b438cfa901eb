// User-visible text. Every string lives in /locales/<lang>.json (flat "area.key" → text); code
// only names keys. Thai is the default; the choice is kept in localStorage.
// tests/web/i18n.test.mjs checks that th.json and en.json have the same keys and that every
// key the code uses exists.

export const LANGUAGES = ['th', 'en'];
export const DEFAULT_LANG = 'th';
export const STORAGE_KEY = 'ecotown.lang';

let currentLang = DEFAULT_LANG;
let messages = {};
const cache = new Map();

/** Replaces {name} placeholders with params.name; unknown placeholders stay as they are. */
export function interpolate(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole);
}

/** The text for key in the current language; the key itself if it is missing (and a warning). */
export function t(key, params) {
  const template = messages[key];
  if (typeof template !== 'string') {
    console.warn(`i18n: missing key ${key} (${currentLang})`);
    return key;
  }
  return params ? interpolate(template, params) : template;
}

/** True when the current language has a text for key (for optional keys such as audit actions). */
export function has(key) {
  return typeof messages[key] === 'string';
}

/** t(key) when it exists, else fallback (used for values from the server we may not know yet). */
export function tOr(key, fallback, params) {
  return has(key) ? t(key, params) : fallback;
}

export function getLang() {
  return currentLang;
}

/** The language saved by the user, or Thai. */
export function storedLang() {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LANGUAGES.includes(saved) ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;  // storage disabled (private mode, policy)
  }
}

async function load(lang) {
  if (!cache.has(lang)) {
    const response = await fetch(`/locales/${lang}.json`, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`cannot load /locales/${lang}.json: ${response.status}`);
    cache.set(lang, await response.json());
  }
  return cache.get(lang);
}

/**
 * Switches the language: loads its texts, sets <html lang>, remembers the choice.
 * Unknown languages fall back to Thai.
 */
export async function setLang(lang) {
  const chosen = LANGUAGES.includes(lang) ? lang : DEFAULT_LANG;
  messages = await load(chosen);
  currentLang = chosen;
  document.documentElement.lang = chosen;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, chosen);
  } catch {
    // not persisted; the choice still holds for this page
  }
  return chosen;
}

/**
 * Fills static markup: data-i18n="key" sets the text; data-i18n-aria-label, data-i18n-title and
 * data-i18n-placeholder set those attributes.
 */
export function translateTree(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const [data, attr] of [['i18nAriaLabel', 'aria-label'], ['i18nTitle', 'title'], ['i18nPlaceholder', 'placeholder']]) {
    const selector = `[data-${data.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    for (const el of root.querySelectorAll(selector)) el.setAttribute(attr, t(el.dataset[data]));
  }
}
