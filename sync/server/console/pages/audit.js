// The server's audit trail (admin): who did what, newest first.
import { table } from '../dom.js';

export async function render(root, { t, h, api }) {
  const rows = await api('GET', '/audit?limit=300');
  root.append(h('h1', {}, t('audit_title')));
  root.append(table([
    { key: 'at', label: t('col_at') },
    { key: 'actor', label: t('col_actor') },
    { key: 'action', label: t('col_what') },
    { key: 'entity', label: t('col_entity') },
    { key: 'record_id', label: 'ID' },
    { key: 'detail', label: t('col_detail'), cell: (r) => (r.detail ? h('pre', {}, JSON.stringify(r.detail)) : '') },
  ], rows.map((r) => ({ ...r, __id: r.rid })), { id: 'audit' }));
}
