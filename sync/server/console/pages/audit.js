// The server's audit trail (admin): who did what, newest first.
import { table, inLang } from '../dom.js';

// What was done, in the page's language: the verb (the console's endpoint or
// the store's, detail.verb) when the strings name it, else the action; a
// refusal with its status.
// The strings' text for `key`, or null when they have none.
function said(t, key) {
  return t(key) !== key ? t(key) : null;
}

function what(r, t) {
  const verb = r.detail && typeof r.detail.verb === 'string' ? said(t, 'audit_' + r.detail.verb.replace(/-/g, '_')) : null;
  const words = verb || said(t, 'action_' + r.action) || r.action;
  const status = r.detail && r.detail.status;
  return status >= 400 ? t('audit_refused', words, status) : words;
}

// What it is about: a kind of record as the server words it, else the
// console's own object in the strings, else its code.
function about(r, t, lang) {
  return r.entity_label ? inLang(r.entity_label, lang, r.entity) : said(t, 'audit_entity_' + r.entity) || r.entity;
}

export async function render(root, { t, h, api, lang }) {
  const rows = await api('GET', '/audit?limit=300');
  root.append(h('h1', {}, t('audit_title')));
  root.append(table([
    { key: 'at', label: t('col_at') },
    { key: 'actor', label: t('col_actor') },
    { key: 'action', label: t('col_what'), cell: (r) => what(r, t) },
    { key: 'entity', label: t('col_entity'), cell: (r) => about(r, t, lang) },
    { key: 'record_id', label: 'ID' },
    { key: 'detail', label: t('col_detail'), cell: (r) => (r.detail ? h('pre', {}, JSON.stringify(r.detail)) : '') },
  ], rows.map((r) => ({ ...r, __id: r.rid })), { id: 'audit' }));
}
