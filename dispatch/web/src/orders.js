// The list of orders as cards, with an open / closed / all filter; kept current by live events.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { t, t_key, format_time, format_window, format_km } from './i18n.js';
import { status_badge, status_style, status_name, closed_statuses, is_overdue } from './status.js';
import { create_map, draw_order_roads, fit_layers } from './map.js';

const filters = ['open', 'closed', 'all'];

function shown(order, filter) {
    if (filter === 'open') {
        return !closed_statuses.has(order.status);
    }
    if (filter === 'closed') {
        return closed_statuses.has(order.status);
    }
    return true;
}

/// Newest window first, as the server sorts; the number breaks ties.
function by_window(a, b) {
    const d = Date.parse(b.window_start) - Date.parse(a.window_start);
    if (d !== 0 && Number.isFinite(d)) {
        return d;
    }
    return String(b.number).localeCompare(String(a.number));
}

/// The deadline, marked when it has passed with the work not done.
export function deadline_text(order) {
    if (!order.deadline) {
        return t('orders.no_deadline');
    }
    return is_overdue(order)
        ? [h('span', { 'aria-hidden': 'true' }, '⚠ '), format_time(order.deadline), ` (${t('orders.overdue')})`]
        : format_time(order.deadline);
}

export function deadline_class(order) {
    if (!order.deadline) {
        return '';
    }
    return is_overdue(order) ? 'deadline overdue' : 'deadline';
}

function fact(label, value, cls = '') {
    return [h('dt', {}, label), h('dd', { class: cls }, value)];
}

export function order_card(order, app) {
    const style = status_style(order.status);
    const card = h('a', { class: 'card', href: `#/orders/${encodeURIComponent(order.number)}`,
        dataset: { order: order.number, status: order.status } },
    h('div', { class: 'card-head' },
        h('span', { class: 'card-number' }, order.number),
        status_badge(order.status),
        app.fresh.has(order.number) ? h('span', { class: 'new-badge' }, t('orders.new_badge')) : null),
    h('dl', { class: 'facts' },
        fact(t('orders.work'), t_key('work', order.work_type)),
        fact(t('orders.district'), order.district ? order.district.name : t('orders.no_district')),
        fact(t('orders.window'), format_window(order.window_start, order.window_end)),
        fact(t('orders.deadline'), deadline_text(order), deadline_class(order)),
        fact(t('orders.roads'), t('orders.roads_value', { n: order.road_count ?? 0, km: format_km(order.length_m) })),
        app.account.role !== 'contractor' && order.contractor
            ? fact(t('orders.contractor'), `${order.contractor.name} (${order.contractor.code})`) : null));
    card.style.setProperty('--status-fill', style.fill);
    return h('li', {}, card);
}

export function render_orders(main, app) {
    const count = h('span', { class: 'count' });
    const list = h('ul', { class: 'cards', 'aria-busy': 'true' });
    const empty = h('p', { class: 'empty' });
    empty.hidden = true;
    const buttons = filters.map((f) => h('button', {
        type: 'button', class: 'filter', dataset: { filter: f }, 'aria-pressed': String(app.filter === f),
        onclick: () => {
            app.filter = f;
            for (const b of buttons) {
                b.setAttribute('aria-pressed', String(b.dataset.filter === f));
            }
            draw();
        },
    }, t(`orders.filter.${f}`)));

    const map_el = h('div', { class: 'map orders-map', id: 'orders-map' });
    main.append(h('section', { class: 'orders' },
        h('h1', {}, t('orders.title'), ' ', count),
        h('div', { class: 'filters', role: 'group', 'aria-label': t('orders.filter') }, buttons),
        map_el,
        empty,
        list));
    const map = create_map(map_el, t('orders.map'));
    let road_layers = [];
    let roads = null; // the last GeoJSON of /api/roads
    let roads_key = '';
    let fitted = false;

    // The roads of the orders the filter shows, in their status colours.
    function draw_map(orders) {
        if (!roads) {
            return;
        }
        const shown_numbers = new Set(orders.map((o) => o.number));
        const status_now = new Map(orders.map((o) => [o.number, o.status]));
        const features = roads.features.filter((f) => shown_numbers.has(f.properties.order))
            .map((f) => ({ ...f, properties: { ...f.properties,
                status: status_now.get(f.properties.order) ?? f.properties.status } }));
        road_layers = draw_order_roads(map, { type: 'FeatureCollection', features },
            (status) => status_style(status).fill === '#FFFFFF' ? '#999999' : status_style(status).fill,
            (p) => `${p.order} ${status_name(p.status)}${p.name ? ` ${p.name}` : ''}`,
            (number) => { location.hash = `#/orders/${encodeURIComponent(number)}`; },
            road_layers);
        map_el.dataset.roads = String(features.length);
        if (!fitted && features.length > 0) {
            fit_layers(map, road_layers);
            fitted = true;
        }
    }

    // The roads are fetched again only when the set of orders changes (a new order).
    async function load_roads(orders) {
        const key = [...app.orders.keys()].sort().join(',');
        if (key === roads_key) {
            draw_map(orders);
            return;
        }
        roads_key = key;
        try {
            roads = await api.all_roads();
            if (alive) {
                draw_map([...app.orders.values()].filter((o) => shown(o, app.filter)));
            }
        } catch (e) {
            roads_key = '';
            if (alive) {
                app.handle_error(e);
            }
        }
    }

    function draw() {
        const focused = document.activeElement && document.activeElement.dataset
            ? document.activeElement.dataset.order : null;
        const orders = [...app.orders.values()].filter((o) => shown(o, app.filter)).sort(by_window);
        replace(count, t('orders.count', { n: orders.length }));
        replace(list, orders.map((o) => order_card(o, app)));
        if (app.orders_loaded) {
            load_roads(orders);
        }
        empty.textContent = t(`orders.empty.${app.filter}`);
        empty.hidden = orders.length > 0 || !app.orders_loaded;
        if (focused) {
            const again = list.querySelector(`[data-order="${CSS.escape(focused)}"]`);
            if (again) {
                again.focus();
            }
        }
    }

    let alive = true;
    async function load() {
        try {
            const answer = await api.orders();
            if (!alive) {
                return;
            }
            app.remember_orders(answer.orders || []);
            list.setAttribute('aria-busy', 'false');
            draw();
        } catch (e) {
            if (alive) {
                list.setAttribute('aria-busy', 'false');
                app.handle_error(e);
            }
        }
    }

    if (app.orders_loaded) {
        draw();
    }
    load();
    return {
        cleanup: () => {
            alive = false;
            map.remove();
        },
        reload: load,
        on_order: () => draw(),
    };
}
