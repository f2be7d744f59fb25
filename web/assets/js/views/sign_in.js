// Sign-in with an API key: POST /v1/auth/login sets the session cookie (HttpOnly, so the key
// and the token never live in page storage); the key itself is not kept anywhere.

import { post } from '../api.js';
import { field, h, message, replaceChildren } from '../dom.js';

export function renderSignIn(main, { notice, onSignedIn }) {
  const keyInput = h('input', {
    type: 'password', name: 'api_key', required: true, autocomplete: 'off', spellcheck: 'false',
    placeholder: 'rhk_…',
  });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const feedback = h('div', { class: 'feedback' }, notice ? message('info', notice) : null);
  const form = h('form', { class: 'card sign-in', onsubmit: signIn },
    field('API key', keyInput, 'On first start rehook prints the admin key and saves it to <data-dir>/admin.key.'),
    h('div', { class: 'actions' }, submit),
    feedback);

  async function signIn(event) {
    event.preventDefault();
    submit.disabled = true;
    replaceChildren(feedback);
    try {
      const me = await post('/v1/auth/login', { api_key: keyInput.value.trim() }, { quietUnauthorized: true });
      keyInput.value = '';
      onSignedIn(me);
    } catch (error) {
      replaceChildren(feedback, message('error', error.message));
      keyInput.focus();
    } finally {
      submit.disabled = false;
    }
  }

  replaceChildren(main, h('h1', {}, 'Sign in to rehook'), form);
  keyInput.focus();
}
