// Small DOM helpers: every text goes in as text (never as HTML).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A table: `columns` [{key, label, num?, cell?(row)}], one row per item.
// Each cell carries its column's label (data-label): a table of class
// "stack" shows its rows as cards on a phone (style.css).
export function table(columns, rows, attrs = {}) {
  return h('div', { class: 'scroll' },
    h('table', attrs,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label)))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-id': r.__id },
        columns.map((c) => h('td', { class: c.num ? 'num' : '', 'data-label': c.label }, c.cell ? c.cell(r) : fmt(r[c.key]))))))));
}

export function fmt(v) {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function field(label, input) {
  return h('label', {}, label, input);
}

// A label the server sends in both languages ({zh, en}: core's words) in the
// page's language; the code itself when there is none.
export function inLang(label, lang, code) {
  return (label && (label[lang] || label.en)) || fmt(code);
}

// What a person knows a record by, as the server gives it ({name, village,
// village_name?, date}: CentralStore::record_gists): "卓玛 · 甲玛村 · 2026-01-09
// 16:29" (the village's code when its name is not known).
export function gist(g) {
  return [g && g.name, g && (g.village_name || g.village), g && g.date].filter(Boolean).join(' · ');
}

// A record as a person reads it: its kind in words and what they know it by;
// its id only on hover.
export function record(kindLabel, g, lang, entity, id) {
  return h('span', { title: id, 'data-record': id }, [inLang(kindLabel, lang, entity), gist(g)].filter(Boolean).join('：'));
}
