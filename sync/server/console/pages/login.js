// Sign in: account and password; one answer for every refusal.
export async function render(root, { t, h, api, say, fail, signedIn }) {
  const name = h('input', { id: 'login-name', autocomplete: 'username', required: true });
  const password = h('input', { id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'login', id: 'login-form' },
    h('h1', {}, t('login_title')),
    h('label', {}, t('name'), name),
    h('label', {}, t('password'), password),
    h('button', { type: 'submit', id: 'login-submit' }, t('login')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const who = await api('POST', '/login', { name: name.value, password: password.value });
      say('');
      signedIn(who);
    } catch (e) {
      password.value = '';
      // A wrong name or password in one sentence; any other refusal (too
      // many tries) as every page says it.
      if (e.status === 401) say(t('problem_bad_login'));
      else fail(e);
    }
  });
  root.append(form);
}
