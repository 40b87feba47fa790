// How an order's status looks: a colour from the Okabe-Ito palette (safe for the common colour
// vision deficiencies), always together with a symbol and the status's name, never colour alone.

import { h } from './dom.js';
import { t, t_key } from './i18n.js';

// Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion,
// reddish purple. `ink` is the text colour that keeps 4.5:1 contrast on the fill.
const styles = {
    draft: { fill: '#FFFFFF', ink: '#000000', symbol: '✎' },
    issued: { fill: '#E69F00', ink: '#000000', symbol: '!' },
    acknowledged: { fill: '#56B4E9', ink: '#000000', symbol: '✓' },
    declined: { fill: '#D55E00', ink: '#000000', symbol: '✕' },
    started: { fill: '#0072B2', ink: '#FFFFFF', symbol: '▶' },
    completed: { fill: '#009E73', ink: '#000000', symbol: '■' },
    inspected: { fill: '#CC79A7', ink: '#000000', symbol: '★' },
    cancelled: { fill: '#000000', ink: '#FFFFFF', symbol: '—' },
};
const unknown_style = { fill: '#F0E442', ink: '#000000', symbol: '?' };

/// Orders in these states need nothing more from anyone.
export const closed_statuses = new Set(['completed', 'inspected', 'cancelled']);

export function status_style(status) {
    return styles[status] ?? unknown_style;
}

/// The status badge: symbol and name on the status colour.
export function status_badge(status) {
    const style = status_style(status);
    const badge = h('span', { class: `status status-${styles[status] ? status : 'unknown'}`,
        dataset: { status } },
    h('span', { class: 'status-symbol', 'aria-hidden': 'true' }, style.symbol),
    h('span', { class: 'status-name' }, t_key('status', status)));
    badge.style.setProperty('--status-fill', style.fill);
    badge.style.setProperty('--status-ink', style.ink);
    return badge;
}

export function status_name(status) {
    return styles[status] ? t(`status.${status}`) : t_key('status', status);
}

/// True when an order that still needs work is past its deadline.
export function is_overdue(order, now = Date.now()) {
    if (!order.deadline || closed_statuses.has(order.status) || order.status === 'declined') {
        return false;
    }
    const deadline = Date.parse(order.deadline);
    return Number.isFinite(deadline) && deadline < now;
}
