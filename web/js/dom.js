// Building DOM safely. Every string becomes a text node or an attribute value; nothing is ever
// parsed as HTML, so text from the server (a display name, an audit "after" value) cannot run script.

const EVENT_PREFIX = 'on';

/**
 * h('button', {type: 'button', class: 'primary', onclick: fn}, 'Save') → <button>.
 * Attributes: `class`, `for`, `dataset` (object), `onxxx` (listener), booleans (true → present,
 * false/null/undefined → absent), anything else via setAttribute. `style` and `innerHTML` are
 * refused: the Content-Security-Policy forbids inline styles, and HTML parsing is never safe here.
 * Children: nodes, strings/numbers (as text), arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'style' || name === 'innerHTML' || name === 'outerHTML') {
      throw new Error(`h(): "${name}" is not allowed`);
    }
    if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name.startsWith(EVENT_PREFIX) && typeof value === 'function') {
      el.addEventListener(name.slice(EVENT_PREFIX.length), value);
    } else if (name === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (name === 'for') {
      el.htmlFor = value;
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of `el` with `children` (same rules as h). */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A <dl> of label/value rows; values follow the same child rules as h. */
export function definitionList(rows, className = 'facts') {
  return h('dl', { class: className },
    rows.filter(Boolean).map(([label, value]) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value))));
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
