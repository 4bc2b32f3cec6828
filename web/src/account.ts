// Sign in and out (POST /api/login, /api/logout); the session is the HttpOnly cookie the
// server sets, the CSRF token for write requests is kept in sessionStorage.
import { ApiError, login, logout, me, type Identity } from './api';
import { h } from './dom';

export async function renderAccount(box: HTMLElement): Promise<void> {
  let who: Identity = { user: null, role: 'guest' };
  try {
    who = await me();
  } catch {
    // The account box is optional; the pages work for guests.
  }
  show(box, who);
}

function show(box: HTMLElement, who: Identity): void {
  if (who.user) {
    const out = h('button', { type: 'button', class: 'secondary', id: 'logout' }, 'Sign out');
    out.addEventListener('click', async () => {
      await logout().catch(() => undefined);
      show(box, { user: null, role: 'guest' });
      window.dispatchEvent(new Event('pb-account'));
    });
    box.replaceChildren(h('span', { id: 'whoami' }, `${who.user} (${who.role})`), out);
    return;
  }
  const open = h('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'login-form', id: 'login-open' }, 'Sign in');
  const error = h('p', { class: 'message error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'login-form', class: 'login', hidden: true, 'aria-label': 'Sign in' },
    h('label', { for: 'login-name' }, 'User'),
    h('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true }),
    h('label', { for: 'login-password' }, 'Password'),
    h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) (form.querySelector('#login-name') as HTMLInputElement).focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      const who = await login(String(data.get('name')), String(data.get('password')));
      show(box, who);
      window.dispatchEvent(new Event('pb-account'));
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  box.replaceChildren(open, form);
}
