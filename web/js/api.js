// The JSON API client. Cookies carry the session (same origin only); every write echoes the
// session's CSRF token in X-CSRF-Token, which the server checks for cookie-authenticated calls.
// Failures become ApiError with the server's stable error code; messages for people come from
// errors.js and the locale files, never from the server's English text.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken = null;
let onUnauthenticated = null;

export class ApiError extends Error {
  /**
   * @param {number} status   HTTP status; 0 when the server could not be reached
   * @param {string} code     server error code ("unauthenticated", "invalid", ...) or "network"
   * @param {string} message  the server's message, for logs only
   * @param {string|null} field  the request field at fault, when the server names one
   * @param {number|null} retryAfter  seconds, from Retry-After
   */
  constructor(status, code, message, field = null, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/** Remembers the CSRF token from GET /api/v1/me or the login response (null after logout). */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

/**
 * Called with the ApiError when a signed-in call answers 401 (the session ended or was revoked);
 * the app sends the user back to the login page.
 */
export function setUnauthenticatedHandler(handler) {
  onUnauthenticated = handler;
}

/**
 * Sends one request; resolves to the parsed JSON body, rejects with ApiError.
 * @param {string} method
 * @param {string} path    "/api/v1/..." (query included)
 * @param {object} [body]  sent as JSON
 * @param {{quiet401?: boolean}} [options]  quiet401: a 401 is expected (login, who-am-I) and
 *        must not trigger the session-ended handler; raw: body is sent as it is (a file's text)
 *        with contentType instead of as JSON
 */
export async function request(method, path, body, { quiet401 = false, raw = false, contentType = null } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = raw ? (contentType ?? 'text/plain; charset=utf-8') : 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', String(e?.message ?? e));
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return data;
  const error = data?.error ?? {};
  const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  const failure = new ApiError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText,
    error.field ?? null, Number.isFinite(retry) ? retry : null);
  if (response.status === 401 && !quiet401 && onUnauthenticated) onUnauthenticated(failure);
  throw failure;
}

/**
 * Sends raw bytes (an image) with POST; resolves to the parsed JSON answer, rejects with ApiError
 * (status 0 when the server could not be reached), like request().
 */
export async function postBytes(path, blob) {
  const headers = { Accept: 'application/json', 'Content-Type': blob?.type || 'application/octet-stream' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers, body: blob, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', String(e?.message ?? e));
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data;
  const error = data?.error ?? {};
  const failure = new ApiError(response.status, error.code ?? `http_${response.status}`, error.message ?? response.statusText,
    error.field ?? null, null);
  if (response.status === 401 && onUnauthenticated) onUnauthenticated(failure);
  throw failure;
}

export const get = (path, options) => request('GET', path, undefined, options);
export const post = (path, body, options) => request('POST', path, body, options);
export const put = (path, body, options) => request('PUT', path, body, options);
export const patch = (path, body, options) => request('PATCH', path, body, options);
export const del = (path, options) => request('DELETE', path, undefined, options);
/** POSTs text as it is (an uploaded CSV file), e.g. postText(path, text, 'text/csv'). */
export const postText = (path, text, contentType) => request('POST', path, text, { raw: true, contentType });

// The endpoints the shell uses.

/** Who am I: {role, permissions, user, org, csrf_token, readable_org_ids}, or null when signed out. */
export async function fetchMe() {
  try {
    const me = await get('/api/v1/me', { quiet401: true });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export async function login(username, password) {
  const attempt = () => post('/api/v1/session', { username, password }, { quiet401: true });
  let result;
  try {
    result = await attempt();
  } catch (e) {
    // The server checks CSRF on the login call too when a live session cookie comes with it (for
    // example another tab signed in meanwhile): fetch that session's token and try once more.
    if (!(e instanceof ApiError && e.status === 403)) throw e;
    await fetchMe();
    result = await attempt();
  }
  setCsrfToken(result.csrf_token);
  return result;
}

export async function logout() {
  try {
    await del('/api/v1/session', { quiet401: true });
  } finally {
    setCsrfToken(null);
  }
}
