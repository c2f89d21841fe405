// Quarantined changes: what was refused and why; apply again (after the
// cause was fixed) or discard with a reason.
import { table, record } from '../dom.js';

export async function render(root, { t, h, api, act, say, lang }) {
  const rows = await api('GET', '/quarantine');
  root.append(h('h1', {}, t('quarantine_title')));
  if (!rows.length) return root.append(h('p', { class: 'muted', id: 'no-quarantine' }, t('none')));
  // After a fix (a team's area widened): every row shown, oldest first;
  // those still refused stay.
  let retried = null;
  root.append(h('p', {},
    h('button', { class: 'secondary', id: 'retry-all', onclick: () => act(async () => {
      retried = await api('POST', '/quarantine/retry-all');
    }).then(() => retried && say(t('retried_all', retried.retried, retried.left), true)) }, t('retry_all')),
    rows.length >= 1000 ? h('span', { class: 'muted', id: 'newest-shown' }, ' ' + t('newest_shown', rows.length)) : ''));
  root.append(table([
    { key: 'record', label: t('col_record'), cell: (r) => record(r.kind_label, r.gist, lang, r.entity, r.id) },
    { key: 'device_id', label: t('col_device'), cell: (r) => h('span', { title: r.device_id, 'data-device': r.device_id }, r.device_name || r.device_id) },
    // The reason in the page's language (the server words it in both).
    { key: 'reason', label: t('col_reason'), cell: (r) => h('div', { 'data-reason-text': r.quarantine_id }, (lang === 'zh' && r.reason_zh) || r.reason,
      h('details', { 'data-content': r.quarantine_id }, h('summary', {}, t('show_content')), h('pre', {}, JSON.stringify(r.change, null, 1)))) },
    { key: 'at', label: t('col_at') },
    { key: 'action', label: t('col_action'), cell: (r) => {
      const reason = h('input', { 'data-reason': r.quarantine_id, 'aria-label': t('reason'), placeholder: t('reason') });
      return h('div', { class: 'row-actions' },
        h('button', { class: 'secondary', 'data-retry': r.quarantine_id, onclick: () => act(() => api('POST', '/quarantine/' + r.quarantine_id + '/retry')) }, t('retry')),
        reason,
        h('button', { class: 'danger', 'data-discard': r.quarantine_id, onclick: () => act(() => api('POST', '/quarantine/' + r.quarantine_id + '/discard', { reason: reason.value })) }, t('discard')));
    } },
  ], rows.map((r) => ({ ...r, __id: r.quarantine_id })), { id: 'quarantine', class: 'stack' }));
}
