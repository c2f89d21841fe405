// What arrived: the store's counts (admin), each device's last contact and
// what it sent, and the records received per day as a chart.
import { table } from '../dom.js';

export async function render(root, { t, h, api }) {
  const d = await api('GET', '/dashboard?days=30');
  root.append(h('h1', {}, t('dashboard_title')));
  if (d.stats) {
    const s = d.stats;
    const cards = [['stat_patients', s.patient], ['stat_encounters', s.encounter], ['stat_devices', s.devices],
      ['stat_batches', s.batches], ['stat_quarantined', s.quarantined], ['stat_conflicts', s.conflicts]];
    root.append(h('div', { class: 'cards', id: 'stats' },
      cards.map(([k, n]) => h('div', { class: 'card', 'data-stat': k }, h('div', { class: 'n' }, n ?? 0), h('div', { class: 'l' }, t(k))))));
  }
  root.append(h('h2', {}, t('arrivals_title', d.days)));
  const canvas = h('canvas', { id: 'arrivals-chart' });
  root.append(h('div', { class: 'chart' }, canvas));
  root.append(h('h2', {}, t('devices_title')));
  root.append(table([
    { key: 'team', label: t('col_team') },
    { key: 'name', label: t('col_device') },
    { key: 'last_seen_at', label: t('col_last_contact') },
    { key: 'records', label: t('col_records'), num: true },
    { key: 'batches', label: t('col_batches'), num: true },
    { key: 'by_usb', label: t('col_usb'), num: true },
    { key: 'quarantine_open', label: t('col_quarantine_open'), num: true },
    { key: 'clock_skew_ms', label: t('col_skew'), num: true, cell: (r) => (r.clock_skew_ms == null ? '—' : (Math.round(r.clock_skew_ms / 100) / 10 || 0).toFixed(1)) },
    { key: 'revoked_at', label: t('col_revoked'), cell: (r) => (r.revoked_at ? t('revoked_yes') : '') },
  ], d.devices.map((r) => ({ ...r, __id: r.device_id })), { id: 'devices' }));
  drawArrivals(canvas, d.arrivals);
}

function drawArrivals(canvas, rows) {
  if (!window.Chart) return;
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  const teams = [...new Set(rows.map((r) => r.team))].sort();
  const colors = ['#0f4c81', '#e07a1f', '#2e7d32', '#8e24aa', '#c62828', '#00838f'];
  const datasets = teams.map((team, i) => ({
    label: team,
    backgroundColor: colors[i % colors.length],
    maxBarThickness: 48,
    data: dates.map((date) => rows.filter((r) => r.date === date && r.team === team).reduce((n, r) => n + r.records, 0)),
  }));
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: dates, datasets },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
}
