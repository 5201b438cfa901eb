// ApiError → a sentence for people, from the locale files. The server's English message is for
// logs; people read the text chosen here by status, error code and field.
import { ApiError } from './api.js';
import { has, t } from './i18n.js';

/** The label of a request field ("password" → "รหัสผ่าน"), or the field name itself. */
export function fieldLabel(field) {
  return has(`field.${field}`) ? t(`field.${field}`) : field;
}

function minutes(error) {
  return Math.max(1, Math.ceil((error.retryAfter ?? 900) / 60));
}

/**
 * The message for an error.
 * @param {unknown} error    usually an ApiError
 * @param {'login'|undefined} context  'login' words 401/422/429 for the login form
 */
export function errorMessage(error, context) {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  if (error.status === 0) return t('error.network');
  if (context === 'login') {
    if (error.status === 401) return t('error.login.unauthenticated');
    if (error.status === 429) return t('error.login.too_many_requests', { minutes: minutes(error) });
    if (error.status === 422 || error.status === 400) {
      return t('error.login.invalid', { field: fieldLabel(error.field ?? 'username') });
    }
  }
  switch (error.status) {
    case 400:
      return t('error.bad_request');
    case 401:
      return t('error.unauthenticated');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.not_found');
    case 409:
      return error.field && has(`error.conflict.${error.field}`) ? t(`error.conflict.${error.field}`) : t('error.conflict');
    case 413:
      return t('error.too_large');
    case 422:
      if (error.field && has(`error.invalid.${error.field}`)) return t(`error.invalid.${error.field}`);
      return t('error.invalid', { field: fieldLabel(error.field ?? '') });
    case 429:
      return t('error.too_many_requests', { minutes: minutes(error) });
    case 503:
      return t('error.unavailable');
    default:
      if (error.status >= 500) return t('error.internal');
      return t('error.unknown', { status: error.status });
  }
}
