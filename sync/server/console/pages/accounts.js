// Console accounts (admin): add one, disable one (kept for the audit).
import { table, field } from '../dom.js';

export async function render(root, { t, h, api, act, who }) {
  const rows = await api('GET', '/accounts');
  root.append(h('h1', {}, t('accounts_title')));
  root.append(table([
    { key: 'name', label: t('name') },
    { key: 'role', label: t('col_role'), cell: (r) => t('role_' + r.role) },
    { key: 'area', label: t('col_area') },
    { key: 'created_at', label: t('col_created') },
    { key: 'action', label: t('col_action'), cell: (r) => (r.disabled_at ? t('col_disabled') + ' ' + r.disabled_at
      : r.name === who.name ? '' : h('button', { class: 'danger', 'data-disable': r.name, onclick: () => act(() => api('POST', '/accounts/disable', { name: r.name })) }, t('disable'))) },
  ], rows.map((r) => ({ ...r, __id: r.name })), { id: 'accounts' }));

  root.append(h('h2', {}, t('add_account')));
  const name = h('input', { id: 'account-name', required: true, autocomplete: 'off' });
  const role = h('select', { id: 'account-role' }, ['coordinator', 'viewer', 'admin'].map((r) => h('option', { value: r }, t('role_' + r))));
  const area = h('input', { id: 'account-area', inputmode: 'numeric' });
  const password = h('input', { id: 'account-password', type: 'password', autocomplete: 'new-password', required: true });
  const form = h('form', { class: 'inline', id: 'account-form' },
    field(t('name'), name), field(t('role'), role), field(t('area_for_coordinator'), area), field(t('password'), password),
    h('button', { type: 'submit', id: 'account-submit' }, t('add_account')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(() => api('POST', '/accounts', { name: name.value, role: role.value, area: area.value, password: password.value }));
  });
  root.append(form);
}
