// The server's audit trail (admin): who did what, newest first.
import { table, inLang, gist } from '../dom.js';

// The strings' text for `key`, or null when they have none.
function said(t, key) {
  return t(key) !== key ? t(key) : null;
}

// What was done, in the page's language: the verb (the console's endpoint or
// the store's, detail.verb) when the strings name it, else the action. A
// refusal (an HTTP status of 400 or more) says so in words, never by its
// status (the problem is said in the detail): the verb's own refused words
// (its key + '_refused') when the language has them, else audit_refused
// around the words of the act.
function what(r, t, h) {
  const verb = r.detail && typeof r.detail.verb === 'string' ? 'audit_' + r.detail.verb.replace(/-/g, '_') : null;
  const key = [verb, 'action_' + r.action].find((k) => k && said(t, k));
  const words = key ? t(key) : r.action;
  const status = r.detail && r.detail.status;
  if (!(status >= 400)) return words;
  const refused = (key && said(t, key + '_refused')) || t('audit_refused', words);
  return h('span', { class: 'refused', 'data-refused': '' }, refused);
}

// What it is about: a kind of record as the server words it, else the
// console's own object in the strings, else its code.
function about(r, t, lang) {
  return r.entity_label ? inLang(r.entity_label, lang, r.entity) : said(t, 'audit_entity_' + r.entity) || r.entity;
}

// A device's batch by its number (its detail's seq).
function batchSeq(r) {
  return r.entity === 'batch' && r.detail && Number.isInteger(r.detail.seq) ? r.detail.seq : null;
}

// The record a row is about as a person knows it (the server's gist: a
// patient's name and village; a batch's number), its id on hover; else its
// id as stored (an account's name).
function record(r, t, h) {
  const seq = batchSeq(r);
  const words = seq !== null ? t('audit_batch_seq', seq) : gist(r.gist);
  return words ? h('span', { title: r.record_id, 'data-record': r.record_id }, words) : (r.record_id || '');
}

// A detail's value: yes/no for a flag, a list's items, a set of filters as
// its own items; the rest as stored.
function value(v, t) {
  if (v === true) return t('detail_yes');
  if (v === false) return t('detail_no');
  if (Array.isArray(v)) return v.map((x) => value(x, t)).join(', ');
  if (v && typeof v === 'object') return items(v, t).join('; ');
  return v === null || v === undefined ? '—' : String(v);
}

// A span of milliseconds in days ("1 day", "3 days", "1.5 days").
function days(ms, t) {
  const n = +(ms / 86400000).toFixed(1);
  return t(n === 1 ? 'detail_day' : 'detail_days', n);
}

// "label: value" for each item of a detail, labelled in the page's language
// where the strings name it, but those in `skip`: a role and a refusal's
// problem in words (the one table of problems, ctx.problem), an enrollment
// code's validity (stored in ms) in days.
function items(d, t, problem, skip = []) {
  return Object.entries(d)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => [k, t('detail_item', said(t, 'detail_' + k) || k,
      (k === 'role' && typeof v === 'string' && said(t, 'role_' + v))
      || (k === 'problem' && typeof v === 'string' && problem(v))
      || (k === 'valid_ms' && typeof v === 'number' && days(v, t))
      || value(v, t))]);
}

// A device or team the detail names by id (device_id, team_id) by its name
// as the server gives it (names), the id on hover.
function detail(r, t, h, problem) {
  if (!r.detail || typeof r.detail !== 'object') return r.detail ? String(r.detail) : '';
  // The verb and status are said in the action's column, the record a
  // decision was on in the record's when its gist is known.
  const skip = ['verb', 'status', ...(r.gist ? ['entity', 'record_id'] : []), ...(batchSeq(r) !== null ? ['seq'] : [])];
  const names = r.names || {};
  return h('div', { class: 'detail' }, items({ ...r.detail, ...names }, t, problem, skip).map(([k, line]) =>
    (names[k] ? h('div', { title: r.detail[k], 'data-named': k }, line) : h('div', {}, line))));
}

// Who did it: an account as stored (console:…), a device by its name (the
// actor's id on hover).
function actor(r, t, h) {
  return r.actor_name ? h('span', { title: r.actor, 'data-actor': r.actor }, t('actor_device', r.actor_name)) : r.actor;
}

export async function render(root, { t, h, api, lang, problem }) {
  const rows = await api('GET', '/audit?limit=300');
  root.append(h('h1', {}, t('audit_title')));
  root.append(table([
    { key: 'at', label: t('col_at') },
    { key: 'actor', label: t('col_actor'), cell: (r) => actor(r, t, h) },
    { key: 'action', label: t('col_what'), cell: (r) => what(r, t, h) },
    { key: 'entity', label: t('col_entity'), cell: (r) => about(r, t, lang) },
    { key: 'record_id', label: t('col_record'), cell: (r) => record(r, t, h) },
    { key: 'detail', label: t('col_detail'), cell: (r) => detail(r, t, h, problem) },
  ], rows.map((r) => ({ ...r, __id: r.rid })), { id: 'audit' }));
}
