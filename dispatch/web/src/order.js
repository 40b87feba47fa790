// One order: its roads on a map, what to do and by when, the actions this account may take now
// (each confirmed first), the printable sheet and the history.

import { api, sheet_url, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { t, t_key, format_time, format_window, format_km } from './i18n.js';
import { create_map, draw_roads, fit_bbox } from './map.js';
import { deadline_class, deadline_text } from './orders.js';
import { status_badge, status_name, status_style } from './status.js';

/// Actions that need a reason: required for decline, optional for cancel.
const reason_rule = { decline: 'required', cancel: 'optional' };
/// Actions that undo or refuse work are styled apart from the ones that move it forward.
const cautious = new Set(['decline', 'cancel']);

function fact(label, value, cls = '') {
    return [h('dt', {}, label), h('dd', { class: cls }, value)];
}

export function render_order(main, app, number) {
    const section = h('section', { class: 'order', dataset: { order: number } });
    main.append(
        h('a', { class: 'back', href: '#/orders' }, h('span', { 'aria-hidden': 'true' }, '← '), t('order.back')),
        section,
    );
    section.append(h('h1', {}, t('order.title', { number })), h('p', { class: 'loading' }, t('app.loading')));

    let alive = true;
    let order = null;
    let map = null;
    let confirming = false;
    let busy = false;
    let stale = false;
    let action_error = null;

    const actions_box = h('div', { class: 'actions', id: 'actions' });
    const map_el = h('div', { class: 'map order-map', id: 'order-map' });
    const map_note = h('p', { class: 'map-note' });
    map_note.hidden = true;

    async function load() {
        try {
            const fresh = await api.order(number);
            if (!alive) {
                return;
            }
            order = fresh;
            app.remember_order(summary_of(fresh));
            stale = false;
            draw();
        } catch (e) {
            if (!alive) {
                return;
            }
            if (e instanceof ApiError && e.status === 404) {
                replace(section,
                    h('h1', {}, t('order.title', { number })),
                    h('div', { class: 'not-found', role: 'alert' },
                        h('p', { class: 'big' }, t('order.not_found', { number })),
                        h('p', {}, t('order.not_found_hint'))));
                return;
            }
            app.handle_error(e);
        }
    }

    async function load_roads() {
        try {
            const roads = await api.roads(number);
            if (!alive || !map) {
                return;
            }
            const drawn = draw_roads(map, roads, order && order.bbox);
            if (drawn.count === 0) {
                map_note.textContent = t('order.map_empty');
                map_note.hidden = false;
            }
        } catch (e) {
            if (!alive) {
                return;
            }
            if (e instanceof ApiError && e.status === 401) {
                app.handle_error(e);
                return;
            }
            map_note.textContent = t('order.map_failed', { message: app.error_text(e) });
            map_note.hidden = false;
        }
    }

    function draw() {
        const o = order;
        const style = status_style(o.status);
        section.style.setProperty('--status-fill', style.fill);
        section.dataset.status = o.status;
        const first_draw = !map;

        const evidence = o.evidence || {};
        const has_evidence = Number(evidence.cleared_m) > 0 || evidence.first_pass;
        replace(section,
            h('div', { class: 'order-head' },
                h('h1', {}, t('order.title', { number: o.number })),
                status_badge(o.status)),
            h('dl', { class: 'facts big-facts' },
                fact(t('orders.work'), t_key('work', o.work_type)),
                fact(t('orders.district'), o.district ? o.district.name : t('orders.no_district')),
                fact(t('orders.window'), format_window(o.window_start, o.window_end)),
                fact(t('orders.deadline'), deadline_text(o), deadline_class(o)),
                fact(t('orders.roads'), t('orders.roads_value', { n: o.road_count ?? 0, km: format_km(o.length_m) })),
                o.contractor ? fact(t('orders.contractor'), `${o.contractor.name} (${o.contractor.code})`) : null),
            h('section', { class: 'block instructions', 'aria-labelledby': 'h-instructions' },
                h('h2', { id: 'h-instructions' }, t('order.instructions')),
                o.instructions ? h('p', { class: 'pre' }, o.instructions) : h('p', { class: 'muted' }, t('order.no_instructions'))),
            h('section', { class: 'block', 'aria-labelledby': 'h-actions' },
                h('h2', { id: 'h-actions' }, t('order.actions')),
                actions_box),
            h('section', { class: 'block', 'aria-labelledby': 'h-map' },
                h('h2', { id: 'h-map', class: 'visually-hidden' }, t('order.map')),
                map_el, map_note),
            h('section', { class: 'block', 'aria-labelledby': 'h-vehicles' },
                h('h2', { id: 'h-vehicles' }, t('order.vehicles')),
                (o.vehicles && o.vehicles.length)
                    ? h('ul', { class: 'plain vehicles-of-order' }, o.vehicles.map((v) => h('li', {},
                        h('strong', {}, v.code), ' ', t_key('machine', v.machine_type),
                        v.plate ? ` · ${v.plate}` : '')))
                    : h('p', { class: 'muted' }, t('order.no_vehicles'))),
            h('section', { class: 'block', 'aria-labelledby': 'h-evidence' },
                h('h2', { id: 'h-evidence' }, t('order.evidence')),
                has_evidence
                    ? [h('p', {}, t('order.evidence_value', { cleared: format_km(evidence.cleared_m),
                        required: format_km(evidence.required_m) })),
                    evidence.first_pass ? h('p', { class: 'muted' }, t('order.evidence_passes', {
                        first: format_time(evidence.first_pass), last: format_time(evidence.last_pass) })) : null]
                    : h('p', { class: 'muted' }, t('order.evidence_none'))),
            h('p', { class: 'block' },
                h('a', { class: 'button sheet', href: sheet_url(o.number), target: '_blank', rel: 'noopener',
                    type: 'application/pdf' }, t('order.sheet'))),
            h('section', { class: 'block', 'aria-labelledby': 'h-history' },
                h('h2', { id: 'h-history' }, t('order.history')),
                h('ol', { class: 'history' }, (o.history || []).map((e) => h('li', {},
                    h('time', { datetime: e.time }, format_time(e.time)), ' ',
                    h('strong', {}, e.from ? status_name(e.to) : `${t('order.history_created')} (${status_name(e.to)})`),
                    ' ',
                    h('span', { class: 'muted' }, t('order.history_by', { actor: e.actor, channel: t_key('channel', e.channel) })),
                    e.reason ? h('p', { class: 'reason' }, t('order.history_reason', { reason: e.reason })) : null)))),
        );
        draw_actions();

        if (first_draw) {
            map = create_map(map_el, t('order.map'));
            fit_bbox(map, o.bbox);
            load_roads();
        } else {
            // The map element was moved back into the page: let Leaflet measure it again.
            requestAnimationFrame(() => map && map.invalidateSize());
        }
    }

    function draw_actions(error_text = action_error) {
        action_error = error_text;
        const o = order;
        const error = error_text
            ? h('div', { class: 'form-error', role: 'alert', id: 'action-error' }, error_text) : null;
        const list = o.actions || [];
        if (list.length === 0) {
            replace(actions_box, error, h('p', { class: 'muted' }, t('order.no_actions')));
            return;
        }
        replace(actions_box, error, h('div', { class: 'action-buttons' }, list.map((action) =>
            h('button', {
                type: 'button',
                class: `action ${cautious.has(action) ? 'caution' : 'primary'}`,
                dataset: { action },
                onclick: () => confirm_action(action),
            }, t_key('action', action)))));
    }

    function confirm_action(action) {
        confirming = true;
        action_error = null;
        const rule = reason_rule[action];
        const reason = rule ? h('textarea', { id: 'reason', name: 'reason', rows: '3', maxlength: '1000',
            required: rule === 'required', 'aria-describedby': 'confirm-error' }) : null;
        const error = h('p', { class: 'form-error', id: 'confirm-error', role: 'alert' });
        error.hidden = true;
        const yes = h('button', { type: 'submit', class: `confirm-yes ${cautious.has(action) ? 'caution' : 'primary'}`,
            dataset: { confirm: action } }, t('action.yes', { action: t_key('action', action) }));
        const back = h('button', { type: 'button', class: 'confirm-back', onclick: () => {
            confirming = false;
            draw_actions();
            if (stale) {
                load();
            }
            const again = actions_box.querySelector(`[data-action="${action}"]`);
            if (again) {
                again.focus();
            }
        } }, t('action.back'));

        const form = h('form', { class: 'confirm', 'aria-labelledby': 'confirm-text', novalidate: true,
            onsubmit: async (e) => {
                e.preventDefault();
                if (busy) {
                    return;
                }
                const text = reason ? reason.value.trim() : '';
                if (rule === 'required' && !text) {
                    error.textContent = t('action.reason_missing');
                    error.hidden = false;
                    reason.focus();
                    return;
                }
                busy = true;
                yes.disabled = true;
                back.disabled = true;
                yes.textContent = t('action.busy');
                // The live echo of this change is not announced again (see main.js).
                app.own_change = { number, until: Date.now() + 10000 };
                try {
                    const changed = await api.act(number, action, text);
                    busy = false;
                    confirming = false;
                    if (!alive) {
                        return;
                    }
                    order = changed;
                    app.remember_order(summary_of(changed));
                    action_error = null;
                    draw();
                    app.notify(t('action.done', { number, status: status_name(changed.status) }),
                        { kind: 'success', timeout_ms: 15000 });
                    const heading = section.querySelector('h1');
                    if (heading) {
                        heading.setAttribute('tabindex', '-1');
                        heading.focus();
                    }
                } catch (err) {
                    busy = false;
                    if (!alive) {
                        return;
                    }
                    if (err instanceof ApiError && err.status === 401) {
                        app.handle_error(err);
                        return;
                    }
                    const message = `${t('action.failed')} ${app.error_text(err)}`;
                    if (err instanceof ApiError && err.code === 'reason_required' && reason) {
                        yes.disabled = false;
                        back.disabled = false;
                        yes.textContent = t('action.yes', { action: t_key('action', action) });
                        error.textContent = message;
                        error.hidden = false;
                        reason.focus();
                        return;
                    }
                    confirming = false;
                    draw_actions(message);
                    const shown = actions_box.querySelector('#action-error');
                    if (shown) {
                        shown.setAttribute('tabindex', '-1');
                        shown.focus();
                    }
                    // The order may have moved on elsewhere: show what it is now.
                    if (err instanceof ApiError && (err.status === 409 || err.status === 403)) {
                        reload_keeping_error(message);
                    }
                }
            } },
        h('p', { id: 'confirm-text', class: 'confirm-text' }, t(`action.confirm.${action}`, { number })),
        reason ? [h('label', { for: 'reason' }, t(rule === 'required' ? 'action.reason_required_label'
            : 'action.reason_optional_label')), reason] : null,
        error,
        h('div', { class: 'action-buttons' }, yes, back));
        replace(actions_box, form);
        (reason || yes).focus();
    }

    async function reload_keeping_error(message) {
        try {
            const fresh = await api.order(number);
            if (!alive || confirming) {
                return;
            }
            order = fresh;
            app.remember_order(summary_of(fresh));
            action_error = message;
            draw();
        } catch {
            // The error is already shown; the next live event reloads.
        }
    }

    load();
    return {
        cleanup: () => {
            alive = false;
            if (map) {
                map.remove();
                map = null;
            }
        },
        reload: () => {
            if (!confirming && !busy) {
                load();
            } else {
                stale = true;
            }
        },
        on_order: (summary) => {
            if (summary.number !== number) {
                return;
            }
            if (order && summary.status === order.status && summary.updated === order.updated) {
                return;
            }
            if (confirming || busy) {
                stale = true;
                return;
            }
            load();
        },
    };
}

function summary_of(order) {
    const keys = ['number', 'status', 'contractor', 'district', 'work_type', 'window_start', 'window_end',
        'deadline', 'road_count', 'length_m', 'updated'];
    return Object.fromEntries(keys.map((k) => [k, order[k] ?? null]));
}
