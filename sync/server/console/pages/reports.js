// Reports over every team's records (a coordinator's narrowed to their
// area on the server): the seeds' figures, and screenings by program as a chart.
import { table, field, inLang } from '../dom.js';

export async function render(root, { t, h, api, fail, lang }) {
  root.append(h('h1', {}, t('reports_title')));
  const from = h('input', { id: 'report-from', type: 'date' });
  const to = h('input', { id: 'report-to', type: 'date' });
  const township = h('input', { id: 'report-township', inputmode: 'numeric' });
  const out = h('div', { id: 'report' });
  const form = h('form', { class: 'inline', id: 'report-form' },
    field(t('from'), from), field(t('to'), to), field(t('township_code'), township),
    h('button', { type: 'submit', id: 'report-submit' }, t('show')));
  const load = async () => {
    const q = new URLSearchParams();
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    if (township.value) q.set('township', township.value);
    try {
      show(out, await api('GET', '/report?' + q.toString()), t, h, lang);
    } catch (e) {
      fail(e);
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  root.append(form, out);
  await load();
}

function show(out, r, t, h, lang) {
  const f = r.total;
  const cards = [['fig_clinic_days', f.clinic_days], ['fig_visits', f.visits], ['fig_people', f.people],
    ['fig_new_people', f.new_people], ['fig_home_visits', f.home_visits], ['fig_screenings', f.screenings],
    ['fig_referrals', f.referrals]];
  // A program's name in the page's language (the report sends both).
  const programs = Object.entries(f.by_program || {}).map(([id, p]) => ({ ...p, name: inLang(p.label, lang, p.name), id, __id: id }));
  const canvas = h('canvas', { id: 'report-chart' });
  out.replaceChildren(
    h('div', { class: 'cards', id: 'report-figures' }, cards.map(([k, n]) =>
      h('div', { class: 'card', 'data-figure': k }, h('div', { class: 'n' }, n ?? 0), h('div', { class: 'l' }, t(k))))),
    h('h2', {}, t('by_program')),
    h('div', { class: 'chart' }, canvas),
    table([
      { key: 'name', label: t('col_program') },
      { key: 'screened', label: t('col_screened'), num: true },
      { key: 'positive', label: t('col_positive'), num: true },
    ], programs, { id: 'report-programs' }));
  if (window.Chart && programs.length)
    new window.Chart(canvas, {
      type: 'bar',
      data: { labels: programs.map((p) => p.name), datasets: [
        { label: t('col_screened'), maxBarThickness: 48, backgroundColor: '#0f4c81', data: programs.map((p) => p.screened) },
        { label: t('col_positive'), maxBarThickness: 48, backgroundColor: '#c62828', data: programs.map((p) => p.positive) }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
    });
}
