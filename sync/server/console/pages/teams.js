// Teams and devices (admin): a one-time enrollment code for a team's new
// laptop, and revoking a device.
import { table, field } from '../dom.js';

export async function render(root, { t, h, api, act, fail }) {
  const d = await api('GET', '/teams');
  root.append(h('h1', {}, t('teams_title')));
  root.append(table([
    { key: 'name', label: t('col_team') },
    { key: 'area', label: t('col_area') },
    { key: 'devices', label: t('col_devices'), num: true },
  ], d.teams.map((r) => ({ ...r, __id: r.team_id })), { id: 'teams' }));

  root.append(h('h2', {}, t('enroll_title')));
  const team = h('input', { id: 'enroll-team', required: true });
  const area = h('input', { id: 'enroll-area', inputmode: 'numeric' });
  const days = h('input', { id: 'enroll-days', type: 'number', min: 1, max: 90, value: 7 });
  const out = h('div', { id: 'enroll-result' });
  const form = h('form', { class: 'inline', id: 'enroll-form' },
    field(t('team_name'), team), field(t('area_code'), area), field(t('valid_days'), days),
    h('button', { type: 'submit', id: 'enroll-submit' }, t('make_code')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/enroll-codes', { team: team.value, area: area.value, valid_days: Number(days.value) });
      out.replaceChildren(h('p', {}, t('code_for', r.team)), h('div', { class: 'code', id: 'enroll-code' }, r.code));
    } catch (e) {
      fail(e);
    }
  });
  root.append(form, out);

  root.append(h('h2', {}, t('devices_title')));
  root.append(table([
    { key: 'team', label: t('col_team') },
    { key: 'name', label: t('col_device') },
    { key: 'device_id', label: 'ID' },
    { key: 'enrolled_at', label: t('col_enrolled') },
    { key: 'last_seen_at', label: t('col_last_contact') },
    { key: 'action', label: t('col_action'), cell: (r) => (r.revoked_at ? t('revoked_yes')
      : h('button', { class: 'danger', 'data-revoke': r.device_id, onclick: () => act(() => api('POST', '/devices/' + r.device_id + '/revoke')) }, t('revoke'))) },
  ], d.devices.map((r) => ({ ...r, __id: r.device_id })), { id: 'team-devices' }));
}
