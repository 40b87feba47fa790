// Vehicles on a map and in a list, refreshed every 10 s. A vehicle without a position is listed
// as 位置不明 (unknown) with its own look, never as idle; an old position says how old it is.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { t, t_key, format_age, format_clock } from './i18n.js';
import { create_map, VehicleLayer } from './map.js';

const refresh_ms = 10000;
/// A position older than this is drawn faded with its age.
const stale_s = 600;

function has_position(v) {
    return Number.isFinite(v.lat) && Number.isFinite(v.lon);
}

export function render_vehicles(main, app) {
    const summary = h('p', { class: 'count-line' });
    const refreshed = h('p', { class: 'muted refreshed', role: 'status' });
    const map_el = h('div', { class: 'map vehicles-map', id: 'vehicles-map' });
    const list = h('ul', { class: 'vehicle-list', 'aria-busy': 'true' });
    main.append(h('section', { class: 'vehicles' },
        h('h1', {}, t('vehicles.title')),
        summary,
        refreshed,
        map_el,
        list));

    const map = create_map(map_el, t('vehicles.map'));
    const layer = new VehicleLayer(map);
    const label_of = (v, short = false) => {
        if (short) {
            return Number(v.age_s) > stale_s ? `${v.code} (${format_age(v.age_s)})` : v.code;
        }
        return `${v.code} ${t_key('machine', v.machine_type)}`;
    };

    let alive = true;
    let timer = null;

    function item(v) {
        const known = has_position(v);
        const stale = known && Number(v.age_s) > stale_s;
        const where = known
            ? h('span', { class: stale ? 'position stale' : 'position' },
                stale ? t('vehicles.stale', { age: format_age(v.age_s) }) : t('vehicles.age', { age: format_age(v.age_s) }),
                Number.isFinite(v.speed_kmh) ? ` · ${t('vehicles.speed', { speed: Math.round(v.speed_kmh) })}` : '')
            : h('span', { class: 'position unknown' },
                h('span', { class: 'unknown-mark', 'aria-hidden': 'true' }, '?'),
                h('strong', {}, t('vehicles.unknown_position')),
                h('span', {}, t('vehicles.unknown_hint')));
        return h('li', { class: known ? (stale ? 'vehicle stale' : 'vehicle') : 'vehicle unknown',
            dataset: { vehicle: v.code, position: known ? (stale ? 'stale' : 'known') : 'unknown' } },
        h('div', { class: 'vehicle-head' },
            h('strong', { class: 'vehicle-code' }, v.code),
            h('span', {}, t_key('machine', v.machine_type))),
        h('div', { class: 'muted' }, v.plate ? `${t('vehicles.plate')}: ${v.plate}` : t('vehicles.no_plate'),
            app.account.role !== 'contractor' && v.contractor ? ` · ${v.contractor.name}` : ''),
        where);
    }

    async function load() {
        try {
            const answer = await api.vehicles();
            if (!alive) {
                return;
            }
            const vehicles = (answer.vehicles || []).slice()
                .sort((a, b) => String(a.code).localeCompare(String(b.code), 'ja'));
            const unknown = vehicles.filter((v) => !has_position(v)).length;
            list.setAttribute('aria-busy', 'false');
            replace(summary, vehicles.length
                ? t('vehicles.count', { n: vehicles.length, unknown }) : t('vehicles.empty'));
            replace(list, vehicles.map(item));
            layer.update(vehicles, label_of, stale_s);
            replace(refreshed, t('vehicles.refreshed', { time: format_clock(new Date()) }));
            refreshed.classList.remove('form-error');
        } catch (e) {
            if (!alive) {
                return;
            }
            if (e && e.status === 401) {
                app.handle_error(e);
                return;
            }
            // Keep the last positions on screen but say they are not current.
            replace(refreshed, t('vehicles.refresh_failed', { message: app.error_text(e) }));
            refreshed.classList.add('form-error');
        }
    }

    load();
    timer = setInterval(load, refresh_ms);
    return {
        cleanup: () => {
            alive = false;
            clearInterval(timer);
            map.remove();
        },
        reload: load,
    };
}
