// Conflicts: two devices changed one field; a coordinator picks the value
// (any value, with a reason when a status goes backwards).
import { table, record, inLang } from '../dom.js';

export async function render(root, { t, h, api, act, lang }) {
  const rows = await api('GET', '/conflicts');
  root.append(h('h1', {}, t('conflicts_title')));
  if (!rows.length) return root.append(h('p', { class: 'muted', id: 'no-conflicts' }, t('none')));
  root.append(table([
    { key: 'record', label: t('col_record'), cell: (r) => record(r.kind_label, r.gist, lang, r.entity, r.id) },
    { key: 'field', label: t('col_field'), cell: (r) => inLang(r.field_label, lang, r.field) },
    { key: 'kept', label: t('col_kept') },
    { key: 'other', label: t('col_other') },
    { key: 'at', label: t('col_at') },
    { key: 'action', label: t('col_action'), cell: (r) => {
      const value = h('input', { 'data-value': r.conflict_id, 'aria-label': t('value'), placeholder: t('value'), value: typeof r.kept === 'string' ? r.kept : JSON.stringify(r.kept) });
      const reason = h('input', { 'data-reason': r.conflict_id, 'aria-label': t('reason'), placeholder: t('reason') });
      return h('div', { class: 'row-actions' }, value, reason,
        h('button', { 'data-resolve': r.conflict_id, onclick: () => act(() => api('POST', '/conflicts/' + r.conflict_id + '/resolve', { value: value.value, reason: reason.value })) }, t('resolve')));
    } },
  ], rows.map((r) => ({ ...r, __id: r.conflict_id })), { id: 'conflicts', class: 'stack' }));
}
