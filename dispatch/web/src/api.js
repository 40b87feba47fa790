// The portal's HTTP API (docs/PORTAL.md): JSON in and out, the session cookie sent same-origin,
// and every state change carrying the session's CSRF token.

let csrf_token = '';

/// Remembers the token returned by POST /api/login and GET /api/session.
export function set_csrf_token(token) {
    csrf_token = token || '';
}

/// An answer other than 2xx: `status` (HTTP), `code` (the body's "error", or "network" when the
/// server could not be reached) and the server's `message`.
export class ApiError extends Error {
    constructor(status, code, message, retry_after_s = null) {
        super(message || code);
        this.status = status;
        this.code = code;
        this.server_message = message || '';
        this.retry_after_s = retry_after_s;
    }
}

async function request(method, path, body) {
    const init = {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json' },
    };
    if (method !== 'GET') {
        init.headers['Content-Type'] = 'application/json';
        init.headers['X-CSRF-Token'] = csrf_token;
        init.body = JSON.stringify(body ?? {});
    }
    let response;
    try {
        response = await fetch(path, init);
    } catch (e) {
        throw new ApiError(0, 'network', e && e.message ? e.message : '');
    }
    if (response.status === 204) {
        return null;
    }
    let data = null;
    const text = await response.text();
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = null;
        }
    }
    if (!response.ok) {
        const retry = Number(response.headers.get('Retry-After'));
        throw new ApiError(response.status,
            (data && typeof data.error === 'string') ? data.error : `http_${response.status}`,
            (data && typeof data.message === 'string') ? data.message : response.statusText,
            Number.isFinite(retry) && retry > 0 ? retry : null);
    }
    return data;
}

export const api = {
    session: () => request('GET', '/api/session'),
    login: (login, password) => request('POST', '/api/login', { login, password }),
    logout: () => request('POST', '/api/logout', {}),
    language: (language) => request('POST', '/api/language', { language }),
    orders: () => request('GET', '/api/orders'),
    order: (number) => request('GET', `/api/orders/${encodeURIComponent(number)}`),
    roads: (number) => request('GET', `/api/orders/${encodeURIComponent(number)}/roads`),
    all_roads: () => request('GET', '/api/roads'),
    act: (number, action, reason) => request('POST',
        `/api/orders/${encodeURIComponent(number)}/${encodeURIComponent(action)}`,
        reason ? { reason } : {}),
    vehicles: () => request('GET', '/api/vehicles'),
    reports: (date) => request('GET', `/api/reports?date=${encodeURIComponent(date)}`),
    report: (vehicle_id, shift_start_ms) => request('GET',
        `/api/reports/${encodeURIComponent(vehicle_id)}/${encodeURIComponent(shift_start_ms)}`),
    confirm_report: (vehicle_id, shift_start_ms) => request('POST',
        `/api/reports/${encodeURIComponent(vehicle_id)}/${encodeURIComponent(shift_start_ms)}/confirm`, {}),
};

/// The URL of an order's printable sheet.
export function sheet_url(number) {
    return `/api/orders/${encodeURIComponent(number)}/sheet.pdf`;
}
