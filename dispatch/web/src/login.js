// The login form.

import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

export function render_login(main, app, { message, on_login }) {
    const login = h('input', { id: 'login', name: 'login', type: 'text', autocomplete: 'username',
        autocapitalize: 'none', spellcheck: 'false', required: true, 'aria-describedby': 'login-error' });
    const password = h('input', { id: 'password', name: 'password', type: 'password',
        autocomplete: 'current-password', required: true, 'aria-describedby': 'login-error' });
    const show = h('input', { id: 'show-password', type: 'checkbox', onchange: () => {
        password.type = show.checked ? 'text' : 'password';
    } });
    const error = h('p', { id: 'login-error', class: 'form-error', role: 'alert' }, message || '');
    error.hidden = !message;
    const submit = h('button', { type: 'submit', class: 'primary wide' }, t('login.submit'));

    const fail = (text) => {
        error.textContent = text;
        error.hidden = false;
    };

    const form = h('form', { class: 'login-form', novalidate: true, onsubmit: async (e) => {
        e.preventDefault();
        const name = login.value.trim();
        if (!name || !password.value) {
            fail(t('login.required'));
            (name ? password : login).focus();
            return;
        }
        submit.disabled = true;
        submit.textContent = t('login.busy');
        try {
            const result = await api.login(name, password.value);
            on_login(result);
        } catch (err) {
            submit.disabled = false;
            submit.textContent = t('login.submit');
            if (err instanceof ApiError && err.code === 'bad_credentials') {
                fail(t('login.bad_credentials'));
                password.value = '';
                password.focus();
            } else if (err instanceof ApiError && err.code === 'rate_limited') {
                fail(t('login.rate_limited', { minutes: Math.max(1, Math.ceil((err.retry_after_s ?? 900) / 60)) }));
            } else {
                fail(app.error_text(err));
            }
        }
    } },
    h('div', { class: 'field' }, h('label', { for: 'login' }, t('login.login')), login),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), password),
    h('div', { class: 'check' }, show, h('label', { for: 'show-password' }, t('login.show_password'))),
    error,
    submit);

    main.append(h('section', { class: 'login' },
        h('h1', {}, t('login.title')),
        h('p', { class: 'intro' }, t('login.intro')),
        form));
    login.focus();
    return {};
}
