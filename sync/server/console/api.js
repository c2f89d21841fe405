// The console's JSON API (docs/console-api.md). Every non-GET request
// carries the session's CSRF token; the session itself is an HttpOnly
// cookie the page never sees.
let csrf = '';
export function setCsrf(token) { csrf = token || ''; }

export class ApiError extends Error {
  constructor(status, code, detail, errors) {
    super(detail || code || String(status));
    this.status = status;
    this.code = code;
    this.errors = errors || [];  // a refused value: [{field, code, en, zh}]
  }
}

export async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    opts.headers['Content-Type'] = 'application/json';
    opts.headers['X-CSRF-Token'] = csrf;
    opts.body = JSON.stringify(body || {});
  }
  const res = await fetch('/api/v1/console' + path, opts);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new ApiError(res.status, data && data.code, data && data.detail, data && data.errors);
  return data;
}
