// Live updates for the signed-in screens: one EventSource on GET /api/v1/events (server-sent
// events; the server sends only what the caller's scope may see), shared by every view that
// listens. A view listens while its page is current; the stream is closed when nobody listens.
// The browser reconnects by itself (the server asks for 3 s) and resumes with Last-Event-ID.
// On "resync" (the server dropped events for a slow client) every listener is called, so that
// it reloads what it shows.

const listeners = new Set();
let source = null;
let sweepTimer = null;

function dispatch(topic, event) {
  let payload = {};
  try {
    payload = event.data ? JSON.parse(event.data) : {};
  } catch {
    payload = {};
  }
  for (const l of [...listeners]) {
    if (!l.isCurrent()) {
      listeners.delete(l);
      continue;
    }
    if (topic === 'resync' || l.topic === topic) l.handler(payload, topic);
  }
  closeIfIdle();
}

function closeIfIdle() {
  for (const l of [...listeners]) if (!l.isCurrent()) listeners.delete(l);
  if (listeners.size > 0 || !source) return;
  source.close();
  source = null;
  clearInterval(sweepTimer);
  sweepTimer = null;
}

function open(topic) {
  if (!source) {
    source = new EventSource('/api/v1/events', { withCredentials: true });
    source.addEventListener('resync', (e) => dispatch('resync', e));
    // A page changed without an event arriving: close the stream within a few seconds.
    sweepTimer = setInterval(closeIfIdle, 5000);
  }
  if (!source.topics) source.topics = new Set();
  if (!source.topics.has(topic)) {
    source.topics.add(topic);
    source.addEventListener(topic, (e) => dispatch(topic, e));
  }
}

/**
 * Calls handler(payload) for every event of `topic` while isCurrent() is true.
 * @param {string} topic  "readings", "change", ...
 * @param {(payload: object, topic: string) => void} handler
 * @param {() => boolean} isCurrent  false once the view is gone (ctx.isCurrent)
 * @returns {() => void} stops listening
 */
export function listen(topic, handler, isCurrent) {
  if (typeof EventSource === 'undefined') return () => {};
  const entry = { topic, handler, isCurrent };
  listeners.add(entry);
  open(topic);
  return () => {
    listeners.delete(entry);
    closeIfIdle();
  };
}

/** True while the event stream is open (for tests and the status line). */
export function connected() {
  return Boolean(source && source.readyState === 1);
}
