// The console's shell: language, session, navigation by role, and one
// module per page (pages/*.js, each `render(main, ctx)`).
import { api, setCsrf, ApiError } from './api.js';
import { strings } from './strings.js';
import { h } from './dom.js';

// Which pages a role sees in the menu (the server checks every request
// itself; this only spares people links that would answer 403).
const PAGES = [
  { id: 'dashboard', roles: ['admin', 'coordinator'] },
  { id: 'teams', roles: ['admin'] },
  { id: 'conflicts', roles: ['admin', 'coordinator'] },
  { id: 'quarantine', roles: ['admin', 'coordinator'] },
  { id: 'duplicates', roles: ['admin', 'coordinator'] },
  { id: 'patients', roles: ['admin', 'coordinator'] },
  { id: 'exports', roles: ['admin', 'coordinator'] },
  { id: 'reports', roles: ['admin', 'coordinator', 'viewer'] },
  { id: 'audit', roles: ['admin'] },
  { id: 'accounts', roles: ['admin'] },
];

const state = { lang: localStorage.getItem('yz_lang') === 'en' ? 'en' : 'zh', who: null };

export function t(key, ...args) {
  const s = strings[state.lang][key] ?? strings.zh[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

function say(text, ok = false) {
  const msg = document.getElementById('msg');
  msg.textContent = text;
  msg.className = ok ? 'ok' : '';
  msg.hidden = !text;
}

// A problem the server names by code (an ApiError's code, an audit row's
// detail.problem) in the page's language: the strings' problem_<code>, the
// one table of them every page uses; null when they have no word for it.
function problem(code) {
  return (code && (strings[state.lang]['problem_' + code] ?? strings.zh['problem_' + code])) || null;
}

// An API failure as a person reads it.
function fail(e) {
  if (e instanceof ApiError && e.status === 401) {
    state.who = null;
    say(t('session_over'));
    route();
    return;
  }
  if (e && e.status === 403 && e.code === 'forbidden') return say(t('forbidden'));
  // Said in the console's words in the page's language: the problem's word
  // (the strings), and the field problems behind it as the server words
  // them in both languages. Never the server's own detail: it is written
  // for the command line (flags, admin verbs), on either page.
  const why = e && e.errors && e.errors.length ? e.errors.map((x) => x[state.lang] || x.en).join('；') : '';
  const known = e && problem(e.code);
  if (known) return say(t('error', why ? t('problem_with_detail', known, why) : known));
  if (why) return say(t('error', why));
  // A refusal the strings have no word for: said as a refusal, never in the
  // server's English, by its code or by its status.
  if (e instanceof ApiError) return say(t('error', t('problem_unnamed')));
  say(t('error', (e && e.message) || String(e)));
}

const ctx = {
  t, api, h,
  get who() { return state.who; },
  get lang() { return state.lang; },
  say, fail, problem,
  // Run an action, then show the page again with its result said.
  async act(fn) {
    try {
      await fn();
      await show();
      say(t('done'), true);
    } catch (e) {
      fail(e);
    }
  },
  signedIn(who) {
    state.who = who;
    setCsrf(who.csrf);
    location.hash = '#/' + (PAGES.find((p) => p.roles.includes(who.role)) || PAGES[0]).id;
    route();
  },
};

function chrome() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('brand');
  document.getElementById('brand').textContent = t('brand');
  const lang = document.getElementById('lang');
  lang.textContent = t('lang_switch');
  const logout = document.getElementById('logout');
  logout.textContent = t('logout');
  logout.hidden = !state.who;
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  document.getElementById('who').textContent = state.who ? t('signed_in_as', state.who.name, t('role_' + state.who.role)) : '';
  if (!state.who) return;
  const current = pageId();
  for (const p of PAGES)
    if (p.roles.includes(state.who.role))
      nav.append(h('a', { href: '#/' + p.id, id: 'nav-' + p.id, class: p.id === current ? 'active' : '' }, t('nav_' + p.id)));
}

function pageId() {
  const id = location.hash.replace(/^#\//, '');
  return PAGES.some((p) => p.id === id) ? id : 'dashboard';
}

// Each show() is numbered: one that ends after a later one began (the
// language switched, then another page asked for at once) is dropped, so
// the page asked for last is the one that stays.
let shows = 0;
async function show() {
  const mine = ++shows;
  const main = document.getElementById('main');
  const page = state.who ? pageId() : 'login';
  const mod = await import('./pages/' + page + '.js');
  const fresh = h('div', { id: 'page-' + page });
  await mod.render(fresh, ctx);
  if (mine !== shows) return;
  main.replaceChildren(fresh);
  document.body.dataset.page = page;
  // When the page stood whole (bench/console_dashboard.py reads it).
  performance.mark('page ' + page);
}

async function route() {
  chrome();
  try {
    await show();
  } catch (e) {
    document.getElementById('main').replaceChildren();
    fail(e);
  }
}

document.getElementById('lang').addEventListener('click', () => {
  state.lang = state.lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('yz_lang', state.lang);
  route();
});
document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/logout'); } catch (e) { /* the session is over either way */ }
  state.who = null;
  setCsrf('');
  say('');
  route();
});
window.addEventListener('hashchange', () => { say(''); route(); });

(async () => {
  try {
    const me = await api('GET', '/me');
    state.who = me;
    setCsrf(me.csrf);
  } catch (e) {
    state.who = null;
  }
  route();
})();
