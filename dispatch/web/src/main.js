// The contractor portal (除雪業者ポータル): the page shell, the session, hash routing
// (#/orders, #/orders/NUMBER, #/vehicles, #/reports[/DATE]) and live updates. Views live in their
// own modules and get the `app` object below.

import { api, set_csrf_token, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { t, language, set_language, languages, t_key } from './i18n.js';
import { start_live } from './live.js';
import { render_login } from './login.js';
import { render_orders } from './orders.js';
import { render_order } from './order.js';
import { render_vehicles } from './vehicles.js';
import { render_reports } from './reports.js';
import { status_name } from './status.js';
// Last, so that its rules come after Leaflet's in app.css.
import './app.css';

const app = {
    account: null,
    /// number -> ORDER_SUMMARY, as last seen (list load or live event).
    orders: new Map(),
    orders_loaded: false,
    /// Numbers of orders that arrived live while the page was open.
    fresh: new Set(),
    filter: 'open',
    live_state: 'connecting',
    /// The last change made from this page, so that its own echo is not announced again.
    own_change: null,

    notify,
    handle_error,
    navigate: (hash) => {
        if (location.hash === hash) {
            route();
        } else {
            location.hash = hash;
        }
    },
    /// A fresh list from the server; orders not seen before (missed while the live updates were
    /// disconnected) are announced like live ones.
    remember_orders(list) {
        const before = app.orders_loaded ? app.orders : null;
        app.orders = new Map(list.map((o) => [o.number, o]));
        app.orders_loaded = true;
        if (before) {
            for (const o of list) {
                if (!before.has(o.number)) {
                    announce_new(o);
                }
            }
        }
    },
    remember_order(summary) {
        app.orders.set(summary.number, summary);
    },
};

let view = null;
let stop_live = null;
let login_message = '';

const shell = {
    header: null,
    nav: null,
    live: null,
    notices: null,
    main: null,
};

function build_shell() {
    shell.header = h('header', { class: 'topbar' });
    shell.nav = h('nav', { class: 'tabs', 'aria-label': t('nav.label') });
    shell.live = h('p', { class: 'live-state', role: 'status', 'aria-live': 'polite' });
    shell.notices = h('div', { class: 'notices', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    shell.main = h('main', { id: 'main', tabindex: '-1' });
    const skip = h('a', { class: 'skip', href: '#main', onclick: (e) => {
        e.preventDefault();
        shell.main.focus();
    } }, t('app.skip'));
    replace(document.body, skip, shell.header, shell.nav, shell.live, shell.notices, shell.main);
}

function render_header() {
    const other = languages.find((l) => l !== language());
    replace(shell.header,
        h('a', { class: 'brand', href: '#/orders' },
            h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '❄'),
            h('span', {}, t('app.title'))),
        h('button', { type: 'button', class: 'lang', lang: other, 'aria-label': t('lang.switch_label'),
            onclick: () => switch_language(other) }, t('lang.switch')));
    document.title = `${t('app.title')} – ${t('app.product')}`;
    document.documentElement.lang = language();

    if (!app.account) {
        shell.nav.hidden = true;
        shell.live.hidden = true;
        return;
    }
    shell.nav.hidden = false;
    shell.nav.setAttribute('aria-label', t('nav.label'));
    const current = location.hash.startsWith('#/vehicles') ? 'vehicles'
        : location.hash.startsWith('#/reports') ? 'reports' : 'orders';
    const tab = (name, href) => h('a', { href, class: 'tab', 'aria-current': current === name ? 'page' : null },
        t(`nav.${name}`));
    replace(shell.nav,
        h('div', { class: 'tab-row' },
            tab('orders', '#/orders'),
            tab('vehicles', '#/vehicles'),
            tab('reports', '#/reports')),
        h('div', { class: 'account-row' },
            h('span', { class: 'account' }, t('nav.account', {
                name: app.account.display_name || app.account.login,
            }), ' · ', t_key('role', app.account.role),
            app.account.contractor ? ` · ${app.account.contractor.name}` : ''),
            h('button', { type: 'button', class: 'logout', onclick: logout }, t('nav.logout'))));
    render_live_state();
}

function render_live_state() {
    if (!app.account) {
        return;
    }
    shell.live.hidden = false;
    shell.live.className = `live-state live-${app.live_state}`;
    replace(shell.live,
        h('span', { class: 'live-dot', 'aria-hidden': 'true' }),
        t(`live.${app.live_state}`));
}

/// Shows a notice at the top of the page; `kind` is "info", "success" or "error". Returns it.
function notify(text, { kind = 'info', link = null, link_text = null, timeout_ms = 0 } = {}) {
    const close = () => el.remove();
    const el = h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : null },
        h('p', {}, text),
        link ? h('a', { href: link, class: 'notice-link', onclick: close }, link_text || t('notice.open')) : null,
        h('button', { type: 'button', class: 'notice-close', onclick: close }, t('notice.close')));
    shell.notices.prepend(el);
    while (shell.notices.children.length > 4) {
        shell.notices.lastElementChild.remove();
    }
    if (timeout_ms > 0) {
        setTimeout(close, timeout_ms);
    }
    return el;
}

/// A failed request: a lost session goes back to the login form; anything else is shown.
/// Returns true when the error was the session ending.
function handle_error(error) {
    if (error instanceof ApiError && error.status === 401) {
        end_session(t('login.expired'));
        return true;
    }
    notify(error_text(error), { kind: 'error' });
    return false;
}

/// A translated headline for the error code followed by the server's own message.
export function error_text(error) {
    if (!(error instanceof ApiError)) {
        return String(error && error.message ? error.message : error);
    }
    if (error.code === 'network') {
        return t('error.network');
    }
    const key = `error.${error.code}`;
    const headline = t(key) !== key ? t(key) : t('error.generic', { status: error.status });
    return error.server_message && error.server_message !== error.code
        ? `${headline} ${t('error.server_message', { message: error.server_message })}`
        : headline;
}
app.error_text = error_text;

async function switch_language(lang) {
    set_language(lang);
    if (app.account) {
        try {
            const account = await api.language(lang);
            if (account && account.login) {
                app.account = account;
            }
        } catch (e) {
            if (handle_error(e)) {
                return;
            }
        }
    }
    build_shell();
    render_header();
    route();
}

function start_session(account, csrf_token) {
    app.account = account;
    set_csrf_token(csrf_token);
    if (languages.includes(account.language)) {
        set_language(account.language);
    }
    login_message = '';
    build_shell();
    render_header();
    if (stop_live) {
        stop_live();
    }
    stop_live = start_live({
        on_order,
        on_state: (s) => {
            app.live_state = s;
            render_live_state();
        },
        on_reconnected: reload_view_soon,
        before_retry: async () => {
            try {
                const s = await api.session();
                set_csrf_token(s.csrf_token);
                return true;
            } catch (e) {
                if (e instanceof ApiError && e.status === 401) {
                    end_session(t('login.expired'));
                    return false;
                }
                return true;
            }
        },
    });
}

function end_session(message = '') {
    if (stop_live) {
        stop_live();
        stop_live = null;
    }
    app.account = null;
    app.orders = new Map();
    app.orders_loaded = false;
    app.fresh = new Set();
    set_csrf_token('');
    login_message = message;
    build_shell();
    render_header();
    route();
}

async function logout() {
    try {
        await api.logout();
    } catch {
        // The session ends on this side whatever the server answered.
    }
    end_session('');
}

function on_order(summary) {
    const known = app.orders.get(summary.number);
    const is_new = app.orders_loaded && !known;
    app.remember_order(summary);
    const own = app.own_change;
    const echo = own && own.number === summary.number && Date.now() < own.until;
    if (is_new) {
        announce_new(summary);
    } else if (known && known.status !== summary.status && !echo) {
        notify(t('live.changed_order', { number: summary.number, status: status_name(summary.status) }),
            { kind: 'info', link: `#/orders/${encodeURIComponent(summary.number)}` });
    }
    if (view && view.on_order) {
        view.on_order(summary, is_new);
    }
}

function announce_new(summary) {
    app.fresh.add(summary.number);
    notify(t('live.new_order', {
        number: summary.number,
        work: t_key('work', summary.work_type),
        district: summary.district ? summary.district.name : t('orders.no_district'),
    }), { kind: 'info', link: `#/orders/${encodeURIComponent(summary.number)}` });
}

// After a reconnection the view reloads what it shows; a stream that keeps dropping must not
// turn that into a request every few seconds.
const reload_gap_ms = 10000;
let last_reload = 0;
let reload_timer = null;
function reload_view_soon() {
    const wait = last_reload + reload_gap_ms - Date.now();
    if (reload_timer) {
        return;
    }
    reload_timer = setTimeout(() => {
        reload_timer = null;
        last_reload = Date.now();
        if (view && view.reload) {
            view.reload();
        }
    }, Math.max(0, wait));
}

function parse_route() {
    let hash = location.hash.replace(/^#\/?/, '');
    try {
        hash = decodeURIComponent(hash);
    } catch {
        // A malformed address: taken as written.
    }
    const parts = hash.split('/').filter((p) => p !== '');
    if (parts[0] === 'orders' && parts.length >= 2) {
        return { name: 'order', number: parts[1] };
    }
    if (parts[0] === 'vehicles') {
        return { name: 'vehicles' };
    }
    if (parts[0] === 'reports') {
        return { name: 'reports', date: parts[1] || null };
    }
    return { name: 'orders' };
}

function route() {
    if (view && view.cleanup) {
        view.cleanup();
    }
    view = null;
    const main = shell.main;
    main.replaceChildren();
    if (!app.account) {
        view = render_login(main, app, {
            message: login_message,
            on_login: (result) => {
                start_session(result.account, result.csrf_token);
                route();
            },
        });
        return;
    }
    render_header();
    const r = parse_route();
    if (r.name === 'order') {
        view = render_order(main, app, r.number);
    } else if (r.name === 'vehicles') {
        view = render_vehicles(main, app);
    } else if (r.name === 'reports') {
        view = render_reports(main, app, r.date);
    } else {
        view = render_orders(main, app);
    }
}

async function boot() {
    set_language(language());
    build_shell();
    render_header();
    shell.main.append(h('p', { class: 'loading' }, t('app.loading')));
    try {
        const session = await api.session();
        start_session(session.account, session.csrf_token);
    } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) {
            login_message = error_text(e);
        }
    }
    window.addEventListener('hashchange', () => {
        route();
        shell.main.focus({ preventScroll: true });
        window.scrollTo(0, 0);
    });
    route();
}

boot();
