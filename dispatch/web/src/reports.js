// Daily work reports (作業日報) of a date: each vehicle shift with its hours by work type, km,
// GPS gaps (未確認の欠測, counted in no work type), km cleared by priority class and the orders
// served. A contractor confirms its own reports after the night, with a confirm step; a
// confirmed report (確定済み) shows who confirmed it and when, and is read-only.

import { api, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { t, t_key, language, format_time, format_window } from './i18n.js';
import { status_name } from './status.js';

const time_zone = 'Asia/Tokyo';

/// Yesterday's date in Japan time, "YYYY-MM-DD": the night a contractor reports on.
export function yesterday_jst(now = Date.now()) {
    const parts = new Intl.DateTimeFormat('en-CA', {
        timeZone: time_zone, year: 'numeric', month: '2-digit', day: '2-digit',
    }).formatToParts(new Date(now - 86400000));
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part('year')}-${part('month')}-${part('day')}`;
}

function is_date(text) {
    return /^\d{4}-\d{2}-\d{2}$/.test(text || '');
}

function number(value, digits) {
    const n = Number(value) || 0;
    return n.toLocaleString(language() === 'ja' ? 'ja-JP' : 'en-GB', {
        minimumFractionDigits: digits, maximumFractionDigits: digits,
    });
}

function fact(label, value, cls = '') {
    return [h('dt', {}, label), h('dd', { class: cls }, value)];
}

const state_symbols = { confirmed: '✓', open: '✎', running: '▶' };

function state_badge(state) {
    return h('span', { class: `report-state report-state-${state}`, dataset: { state } },
        h('span', { 'aria-hidden': 'true' }, state_symbols[state] ?? '?'), ' ',
        t_key('reports.state', state));
}

function key_of(r) {
    return `${r.vehicle_id}/${r.shift_start_ms}`;
}

export function render_reports(main, app, requested_date) {
    const date = is_date(requested_date) ? requested_date : (app.report_date || yesterday_jst());
    app.report_date = date;
    const picker = h('input', { id: 'report-date', name: 'date', type: 'date', value: date, required: true,
        onchange: () => {
            if (is_date(picker.value)) {
                app.navigate(`#/reports/${picker.value}`);
            }
        } });
    const count = h('span', { class: 'count' });
    const list = h('ul', { class: 'reports-list', 'aria-busy': 'true' });
    const empty = h('p', { class: 'empty' }, t('reports.empty'));
    empty.hidden = true;
    main.append(h('section', { class: 'reports', dataset: { date } },
        h('h1', {}, t('reports.title'), ' ', count),
        h('p', { class: 'muted' }, t(app.account.role === 'contractor' ? 'reports.intro_contractor' : 'reports.intro_city')),
        h('div', { class: 'field date-field' },
            h('label', { for: 'report-date' }, t('reports.date')),
            picker),
        empty,
        list));

    let alive = true;
    let reports = [];
    /// The report being confirmed (its key) and whether the request is under way.
    let confirming = null;
    let busy = false;
    const errors = new Map();

    function gaps_block(r) {
        const gaps = r.gaps || [];
        if (gaps.length === 0) {
            return h('p', { class: 'muted' }, t('reports.no_gaps'));
        }
        const open = gaps.filter((g) => !g.confirmation).length;
        return [
            h('p', { class: 'gap-summary' }, t('reports.gaps_value', { n: open, minutes: number(r.gap_min, 0) })),
            h('ul', { class: 'plain gaps' }, gaps.map((g) => h('li', {
                class: g.confirmation ? 'gap confirmed-gap' : 'gap', dataset: { confirmed: String(!!g.confirmation) } },
            h('span', { 'aria-hidden': 'true' }, g.confirmation ? '✓ ' : '⚠ '),
            format_window(g.start, g.end), ' ',
            t('reports.gap_minutes', { minutes: number(g.minutes, 0) }), ' ',
            g.confirmation
                ? h('strong', {}, t('reports.gap_confirmed', { work: t_key('work', g.confirmation.work),
                    by: g.confirmation.by }))
                : h('strong', {}, t('reports.not_counted'))))),
        ];
    }

    function work_table(r) {
        const work = r.work || [];
        if (work.length === 0) {
            return h('p', { class: 'muted' }, t('reports.no_work'));
        }
        return h('table', { class: 'report-table' },
            h('caption', { class: 'visually-hidden' }, t('reports.work')),
            h('thead', {}, h('tr', {},
                h('th', { scope: 'col' }, t('reports.work_type')),
                h('th', { scope: 'col', class: 'num' }, t('reports.hours')),
                h('th', { scope: 'col', class: 'num' }, t('reports.km')))),
            h('tbody', {}, work.map((w) => h('tr', { dataset: { work: w.type } },
                h('th', { scope: 'row' }, t_key('work', w.type)),
                h('td', { class: 'num' }, number(w.hours, 2)),
                h('td', { class: 'num' }, number(w.km, 1))))));
    }

    function classes_text(r) {
        const c = r.plowed_km_by_class || {};
        return ['1', '2', '3'].map((k) => t('reports.class_value', { n: k, km: number(c[k], 1) })).join(' / ');
    }

    function orders_block(r) {
        const orders = r.orders || [];
        if (orders.length === 0) {
            return t('reports.no_orders');
        }
        return orders.map((o, i) => [i > 0 ? '、' : '',
            h('a', { href: `#/orders/${encodeURIComponent(o.number)}` }, o.number),
            ` (${status_name(o.status)})`]);
    }

    function confirmation_block(r) {
        const c = r.confirmation;
        if (c) {
            return [
                h('p', { class: 'confirmed-by' },
                    t('reports.confirmed_by', { by: c.by, channel: t_key('channel', c.channel), time: format_time(c.time) })),
                r.differs ? h('p', { class: 'form-error differs' }, t('reports.differs')) : null,
            ];
        }
        if (r.state === 'running') {
            return h('p', { class: 'muted' }, t('reports.running'));
        }
        if (app.account.role !== 'contractor') {
            return h('p', { class: 'muted' }, t('reports.awaiting'));
        }
        return null;
    }

    function actions_block(r) {
        const key = key_of(r);
        const error = errors.get(key)
            ? h('div', { class: 'form-error', role: 'alert' }, errors.get(key)) : null;
        if (!(r.actions || []).includes('confirm')) {
            return error;
        }
        if (confirming !== key) {
            return [error, h('div', { class: 'action-buttons' },
                h('button', { type: 'button', class: 'primary confirm-report', dataset: { action: 'confirm' },
                    onclick: () => {
                        confirming = key;
                        errors.delete(key);
                        draw();
                        const yes = list.querySelector(`[data-report="${CSS.escape(key)}"] [data-confirm="confirm"]`);
                        if (yes) {
                            yes.focus();
                        }
                    } }, t('reports.confirm')))];
        }
        const yes = h('button', { type: 'submit', class: 'primary confirm-yes', dataset: { confirm: 'confirm' },
            disabled: busy }, busy ? t('action.busy') : t('reports.confirm_yes'));
        const back = h('button', { type: 'button', class: 'confirm-back', disabled: busy, onclick: () => {
            confirming = null;
            draw();
        } }, t('action.back'));
        return h('form', { class: 'confirm', 'aria-labelledby': `confirm-text-${r.vehicle_id}-${r.shift_start_ms}`,
            onsubmit: (e) => {
                e.preventDefault();
                submit(r);
            } },
        h('p', { class: 'confirm-text', id: `confirm-text-${r.vehicle_id}-${r.shift_start_ms}` },
            t('reports.confirm_question', { vehicle: r.vehicle, window: format_window(r.start, r.end) })),
        h('p', { class: 'confirm-warning' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('reports.confirm_final')),
        h('div', { class: 'action-buttons' }, yes, back));
    }

    function card(r) {
        const key = key_of(r);
        return h('li', { class: `report report-${r.state}`, dataset: { report: key, vehicle: r.vehicle, state: r.state } },
            h('div', { class: 'card-head' },
                h('span', { class: 'card-number' }, r.vehicle),
                state_badge(r.state)),
            h('dl', { class: 'facts' },
                fact(t('reports.shift'), format_window(r.start, r.end)),
                app.account.role !== 'contractor'
                    ? fact(t('orders.contractor'), `${r.contractor_name} (${r.contractor})`) : null,
                fact(t('reports.operating'), t('reports.hours_value', { h: number(r.operating_h, 2) }), 'operating'),
                fact(t('reports.distance'), t('reports.km_value', { km: number(r.km, 1) })),
                fact(t('reports.by_class'), classes_text(r)),
                fact(t('reports.orders'), orders_block(r))),
            h('h3', { class: 'sub' }, t('reports.work')),
            work_table(r),
            h('h3', { class: 'sub' }, t('reports.gaps')),
            gaps_block(r),
            h('div', { class: 'report-confirmation' }, confirmation_block(r), actions_block(r)));
    }

    function draw() {
        replace(count, t('orders.count', { n: reports.length }));
        replace(list, reports.map(card));
        empty.hidden = reports.length > 0;
    }

    async function submit(r) {
        if (busy) {
            return;
        }
        const key = key_of(r);
        busy = true;
        draw();
        try {
            const confirmed = await api.confirm_report(r.vehicle_id, r.shift_start_ms);
            busy = false;
            confirming = null;
            if (!alive) {
                return;
            }
            reports = reports.map((x) => (key_of(x) === key ? confirmed : x));
            draw();
            app.notify(t('reports.done', { vehicle: r.vehicle }), { kind: 'success', timeout_ms: 15000 });
            const again = list.querySelector(`[data-report="${CSS.escape(key)}"]`);
            if (again) {
                again.setAttribute('tabindex', '-1');
                again.focus();
            }
        } catch (e) {
            busy = false;
            confirming = null;
            if (!alive) {
                return;
            }
            if (e instanceof ApiError && e.status === 401) {
                app.handle_error(e);
                return;
            }
            errors.set(key, `${t('reports.failed')} ${app.error_text(e)}`);
            // Confirmed elsewhere meanwhile, or still running: show what the server has now.
            load();
        }
    }

    async function load() {
        try {
            const answer = await api.reports(date);
            if (!alive) {
                return;
            }
            reports = answer.reports || [];
            list.setAttribute('aria-busy', 'false');
            if (!confirming && !busy) {
                draw();
            }
        } catch (e) {
            if (alive) {
                list.setAttribute('aria-busy', 'false');
                app.handle_error(e);
            }
        }
    }

    load();
    return {
        cleanup: () => {
            alive = false;
        },
        reload: () => {
            if (!confirming && !busy) {
                load();
            }
        },
    };
}
