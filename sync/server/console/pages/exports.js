// Lists to download (CSV or one XLSX workbook, a sheet per township if
// asked): follow-up worklists and screening lists, 身份证 masked unless
// unticked. A coordinator's lists are of their area (the server's rule).
import { field, inLang } from '../dom.js';
import { ApiError } from '../api.js';

export async function render(root, { t, h, who, lang, say, fail, api }) {
  root.append(h('h1', {}, t('exports_title')));
  // The programs and the results a list may be of, in words (core's).
  const known = await api('GET', '/programs');
  const list = h('select', { id: 'export-list' },
    h('option', { value: 'follow-ups' }, t('list_follow_ups')), h('option', { value: 'screening-list' }, t('list_screening')));
  const everyProgram = h('option', { value: '' }, t('result_all'));
  const program = h('select', { id: 'export-program' }, everyProgram, known.programs.map((p) =>
    h('option', { value: p.id }, inLang(p.label, lang, p.id))));
  const result = h('select', { id: 'export-result' }, h('option', { value: '' }, t('result_all')), known.results.map((r) =>
    h('option', { value: r.value }, inLang(r.label, lang, r.value))));
  const place = h('input', { id: 'export-place', inputmode: 'numeric', value: who.role === 'coordinator' ? who.area : '' });
  const from = h('input', { id: 'export-from', type: 'date' });
  const to = h('input', { id: 'export-to', type: 'date' });
  const format = h('select', { id: 'export-format' }, h('option', { value: 'xlsx' }, 'XLSX'), h('option', { value: 'csv' }, 'CSV'));
  const mask = h('input', { id: 'export-mask', type: 'checkbox', checked: true });
  const byTownship = h('input', { id: 'export-by-township', type: 'checkbox', checked: true });
  const form = h('form', { class: 'inline', id: 'export-form' },
    field(t('list'), list), field(t('program'), program), field(t('result'), result), field(t('place_code'), place),
    field(t('from'), from), field(t('to'), to), field(t('format'), format),
    h('label', { class: 'check' }, mask, t('mask_ids')), h('label', { class: 'check' }, byTownship, t('by_township')),
    h('button', { type: 'submit', id: 'export-submit' }, t('download')));
  // A screening list is of one program, by result; a follow-up list of
  // every program unless one is picked, and has no result.
  const resultField = result.closest('label') || result;
  const showList = () => {
    const screening = list.value === 'screening-list';
    resultField.hidden = !screening;
    everyProgram.hidden = everyProgram.disabled = screening;
    if (screening && !program.value && known.programs.length) program.value = known.programs[0].id;
  };
  list.addEventListener('change', showList);
  showList();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ format: format.value, mask: mask.checked ? '1' : '0', by_township: byTownship.checked ? '1' : '0', lang });
    for (const [k, el] of [['place', place], ['from', from], ['to', to], ['program', program]]) if (el.value) q.set(k, el.value);
    if (list.value === 'screening-list' && result.value) q.set('result', result.value);
    try {
      const res = await fetch('/api/v1/console/exports/' + list.value + '?' + q.toString(), { credentials: 'same-origin' });
      if (!res.ok) {
        const p = await res.json().catch(() => ({}));
        // errors[] words a refused value in both languages (fail() picks the page's).
        throw new ApiError(res.status, p.code, p.detail || res.statusText, p.errors);
      }
      const blob = await res.blob();
      const a = h('a', { href: URL.createObjectURL(blob), download: list.value + '.' + format.value, id: 'export-file' });
      document.body.append(a);
      a.click();
      a.remove();
      say(t('exported', res.headers.get('X-Export-Rows')), true);
    } catch (e) {
      fail(e);
    }
  });
  root.append(form);
}
