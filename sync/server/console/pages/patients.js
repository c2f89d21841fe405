// Patients of the coordinator's area: search by name, pinyin, initials or
// 身份证 (the list masks the number), open one to see their history (the
// server audits each opening), correct their demographic fields (a server
// change that reaches the devices at their next pull).
import { table, fmt, field, inLang } from '../dom.js';

// What stays between renders (act() shows the page again after an edit),
// for the account that searched: another sign-in starts afresh.
const state = { who: '', query: '', open: null };

const EDITABLE = ['name', 'phone', 'id_number', 'birth_date', 'sex', 'village_code'];

function observations(e, lang) {
  return (e.observations || []).map((o) => inLang(o.kind_label, lang, o.kind) + ' ' + o.value + (o.unit ? ' ' + o.unit : '')).join('；');
}
// An encounter's diagnoses ({code, name} each, core/store/entities.h) as
// "I10 原发性高血压、M17.9 膝关节骨性关节炎".
function diagnoses(e) {
  return (e.diagnoses || []).map((d) => (typeof d === 'string' ? d : [d.code, d.name].filter(Boolean).join(' '))).join('、');
}
function dispenses(list) {
  return (list || []).map((d) => d.item + ' × ' + d.quantity + (d.unit ? ' ' + d.unit : '')).join('；');
}

function section(h, t, id, title, rows, columns) {
  const out = [h('h3', {}, title + '（' + rows.length + '）')];
  if (!rows.length) out.push(h('p', { class: 'muted' }, t('none')));
  else out.push(table(columns, rows.map((r) => ({ ...r, __id: r.id })), { id }));
  return out;
}

function history(hist, { t, h, lang }) {
  const enc = hist.encounters || [];
  const dispensed = enc.flatMap((e) => (e.dispenses || []).map((d) => ({ ...d, seen_at: e.seen_at })));
  return [
    ...section(h, t, 'encounters', t('hist_encounters'), enc, [
      { key: 'seen_at', label: t('col_at') },
      { key: 'complaint', label: t('col_complaint') },
      { key: 'diagnoses', label: t('col_diagnoses'), cell: (r) => diagnoses(r) || '—' },
      { key: 'vitals', label: t('col_vitals'), cell: (r) => observations(r, lang) || '—' },
    ]),
    ...section(h, t, 'screenings', t('hist_screenings'), hist.screenings || [], [
      { key: 'screened_at', label: t('col_at') },
      // The programme, result and grade in words, as the server gives them.
      { key: 'program_id', label: t('col_program'), cell: (r) => inLang(r.program_label, lang, r.program_id) },
      { key: 'result', label: t('result'), cell: (r) => inLang(r.result_label, lang, r.result) },
      { key: 'risk_grade', label: t('col_risk'), cell: (r) => inLang(r.risk_grade_label, lang, r.risk_grade) },
    ]),
    ...section(h, t, 'referrals', t('hist_referrals'), hist.referrals || [], [
      { key: 'to_facility', label: t('col_facility') },
      { key: 'reason', label: t('col_reason') },
      { key: 'status', label: t('col_status'), cell: (r) => inLang(r.status_label, lang, r.status) },
      { key: 'appointment_date', label: t('col_date') },
    ]),
    ...section(h, t, 'follow-ups', t('hist_follow_ups'), hist.follow_ups || [], [
      { key: 'due_date', label: t('col_due') },
      { key: 'reason', label: t('col_reason') },
      { key: 'status', label: t('col_status'), cell: (r) => inLang(r.status_label, lang, r.status) },
      { key: 'done_date', label: t('col_done') },
    ]),
    ...section(h, t, 'home-visits', t('hist_home_visits'), hist.home_visits || [], [
      { key: 'visit_date', label: t('col_date') },
      { key: 'services', label: t('col_services'), cell: (r) => (Array.isArray(r.services) ? r.services.join('、') || '—' : fmt(r.services)) },
      { key: 'notes', label: t('col_notes') },
    ]),
    ...section(h, t, 'dispenses', t('hist_dispenses'), dispensed, [
      { key: 'seen_at', label: t('col_at') },
      { key: 'item', label: t('col_item'), cell: (r) => dispenses([r]) },
      { key: 'dose', label: t('col_dose'), cell: (r) => [r.dose, r.frequency].filter(Boolean).join(' ') || '—' },
    ]),
  ];
}

function editForm(p, ctx) {
  const { t, h, api, act } = ctx;
  const inputs = {};
  for (const f of EDITABLE) {
    inputs[f] = f === 'sex'
      ? h('select', { name: f }, ['M', 'F'].map((s) => h('option', { value: s, selected: p.sex === s }, t('sex_' + s))))
      : h('input', { name: f, value: p[f] ?? '', type: 'text', autocomplete: 'off',
        placeholder: f === 'birth_date' ? 'YYYY-MM-DD' : undefined,
        inputmode: f === 'phone' ? 'tel' : f === 'birth_date' ? 'numeric' : undefined });
  }
  const save = (ev) => {
    ev.preventDefault();
    const fields = {};
    for (const f of EDITABLE) if (inputs[f].value !== (p[f] ?? '')) fields[f] = inputs[f].value;
    if (!Object.keys(fields).length) return ctx.say(t('nothing_changed'), true);
    act(() => api('POST', '/patients/' + encodeURIComponent(p.id), { fields }));
  };
  return h('form', { class: 'inline', id: 'patient-edit', onsubmit: save },
    EDITABLE.map((f) => field(t('pf_' + f), inputs[f])),
    h('button', { type: 'submit', id: 'patient-save' }, t('save')));
}

async function openPatient(root, id, ctx) {
  const { t, h, api } = ctx;
  const hist = await api('GET', '/patients/' + encodeURIComponent(id));
  const p = hist.patient;
  const box = h('section', { id: 'patient-detail', 'data-id': p.id },
    h('h2', {}, p.name + (p.name_native ? ' · ' + p.name_native : ''), ' ',
      h('small', { class: 'muted', 'data-field': 'id' }, t('col_id') + ' ' + p.id)),
    hist.merged_from ? h('p', { class: 'muted' }, t('merged_from', hist.merged_from)) : null,
    h('dl', { class: 'facts' },
      [['pf_sex', p.sex ? t('sex_' + p.sex) : null], ['pf_birth_date', p.birth_date], ['pf_id_number', p.id_number],
        ['pf_phone', p.phone], ['pf_village_code', p.village_code]]
        .map(([k, v]) => h('div', {}, h('dt', {}, t(k)), h('dd', { 'data-field': k.replace(/^pf_/, '') }, fmt(v))))),
    h('h3', {}, t('edit_patient')),
    editForm(p, ctx),
    history(hist, ctx));
  root.querySelector('#patient-detail')?.remove();
  root.append(box);
  return box;
}

export async function render(root, ctx) {
  const { t, h, api } = ctx;
  if (state.who !== ctx.who.name) Object.assign(state, { who: ctx.who.name, query: '', open: null });
  root.append(h('h1', {}, t('patients_title')));
  const q = h('input', { id: 'patient-q', type: 'search', value: state.query, placeholder: t('patient_search_hint'),
    'aria-label': t('patient_search_hint'), autocomplete: 'off' });
  const results = h('div', { id: 'patient-results' });
  const show = (d) => {
    results.replaceChildren();
    if (!state.query) return;
    if (!d.patients.length) return results.append(h('p', { class: 'muted', id: 'no-patients' }, t('none')));
    results.append(table([
      { key: 'name', label: t('pf_name'), cell: (r) => r.name + (r.name_native ? ' · ' + r.name_native : '') },
      { key: 'sex', label: t('pf_sex'), cell: (r) => (r.sex ? t('sex_' + r.sex) : '—') },
      { key: 'birth_date', label: t('pf_birth_date') },
      { key: 'id_number', label: t('pf_id_number'), cell: (r) => r.id_number || '—' },
      { key: 'phone', label: t('pf_phone') },
      { key: 'village_code', label: t('pf_village_code') },
      { key: 'action', label: t('col_action'), cell: (r) => h('button', { class: 'secondary', 'data-open': r.id,
        onclick: () => { state.open = r.id; openPatient(root, r.id, ctx).catch(ctx.fail); } }, t('open')) },
    ], d.patients.map((r) => ({ ...r, __id: r.id })), { id: 'patients' }));
  };
  const find = () => api('GET', '/patients?q=' + encodeURIComponent(state.query));
  const search = async (ev) => {
    ev.preventDefault();
    state.query = q.value.trim();
    try {
      show(await find());
    } catch (e) {
      ctx.fail(e);
    }
  };
  root.append(h('form', { class: 'inline', id: 'patient-search', onsubmit: search },
    field(t('patient_search'), q), h('button', { type: 'submit', id: 'patient-go' }, t('search'))));
  root.append(results);
  // Asked even without a query (it then finds nobody): the server decides
  // whether this role may see patients at all, and the page says so.
  show(await find());
  if (state.open) await openPatient(root, state.open, ctx).catch((e) => { state.open = null; ctx.fail(e); });
}
