// Possible duplicate patients, merged with a reason (either way round), and
// the merges made, each undoable.
import { table, gist } from '../dom.js';

function who(r, p) {
  return [r[p + '_name'], r[p + '_sex'], r[p + '_birth_date'], r[p + '_village']].filter(Boolean).join(' · ');
}

export async function render(root, { t, h, api, act }) {
  const d = await api('GET', '/duplicates');
  root.append(h('h1', {}, t('duplicates_title')));
  if (!d.pairs.length) root.append(h('p', { class: 'muted', id: 'no-duplicates' }, t('none')));
  else root.append(table([
    { key: 'score', label: t('col_score'), num: true },
    // The reason's code in the page's language (core/queries/duplicates.h
    // names them); its detail (name · sex · birth · place) as it comes.
    { key: 'reason', label: t('col_reason'), cell: (r) => t('dup_' + r.reason) + (r.detail ? '：' + r.detail : '') },
    { key: 'a', label: t('col_patient_a'), cell: (r) => who(r, 'a') },
    { key: 'b', label: t('col_patient_b'), cell: (r) => who(r, 'b') },
    { key: 'action', label: t('col_action'), cell: (r) => {
      const reason = h('input', { 'data-reason': r.a_id + '|' + r.b_id, 'aria-label': t('reason'), placeholder: t('reason') });
      const merge = (keep, dup) => act(() => api('POST', '/merges', { keep, duplicate: dup, reason: reason.value }));
      return h('div', { class: 'row-actions' }, reason,
        h('button', { 'data-keep-a': r.a_id, onclick: () => merge(r.a_id, r.b_id) }, t('keep_a')),
        h('button', { class: 'secondary', 'data-keep-b': r.b_id, onclick: () => merge(r.b_id, r.a_id) }, t('keep_b')));
    } },
  ], d.pairs.map((r) => ({ ...r, __id: r.a_id + '|' + r.b_id })), { id: 'pairs' }));

  root.append(h('h2', {}, t('merges_title')));
  if (!d.merges.length) return root.append(h('p', { class: 'muted', id: 'no-merges' }, t('none')));
  root.append(table([
    { key: 'at', label: t('col_at') },
    // Each patient as a person knows them (name · village · birth date); the id on hover.
    { key: 'kept', label: t('col_kept_patient'), cell: (r) => h('span', { title: r.kept }, gist(r.kept_gist) || r.kept) },
    { key: 'duplicate', label: t('col_duplicate'), cell: (r) => h('span', { title: r.duplicate }, gist(r.duplicate_gist) || r.duplicate) },
    { key: 'reason', label: t('col_reason') },
    { key: 'moved', label: t('col_moved'), num: true },
    { key: 'action', label: t('col_action'), cell: (r) => {
      if (r.undone_at) return t('col_undone') + ' ' + r.undone_at;
      const reason = h('input', { 'data-undo-reason': r.merge_id, 'aria-label': t('reason'), placeholder: t('reason') });
      return h('div', { class: 'row-actions' }, reason,
        h('button', { class: 'danger', 'data-undo': r.merge_id, onclick: () => act(() => api('POST', '/merges/' + r.merge_id + '/undo', { reason: reason.value })) }, t('undo')));
    } },
  ], d.merges.map((r) => ({ ...r, __id: r.merge_id })), { id: 'merges' }));
}
