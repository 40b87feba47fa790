// Live updates from GET /api/events (server-sent events, event "order" with an ORDER_SUMMARY).
// The browser reconnects by itself after a dropped stream; when the server refuses the stream
// (the browser then gives up) we reconnect with a growing delay, and after every reconnection the
// caller reloads what it shows so that nothing sent while disconnected is missed.

/// Starts listening; returns a function that stops. Callbacks:
/// on_order(summary), on_state('connecting' | 'live' | 'reconnecting'), on_reconnected(),
/// before_retry() -> Promise<boolean> (false stops retrying, e.g. when the session has ended).
export function start_live({ on_order, on_state, on_reconnected, before_retry }) {
    let source = null;
    let stopped = false;
    let dropped = false;
    let retry_timer = null;
    let delay_ms = 1000;

    const connect = () => {
        if (stopped) {
            return;
        }
        on_state(dropped ? 'reconnecting' : 'connecting');
        source = new EventSource('/api/events', { withCredentials: false });
        source.addEventListener('open', () => {
            delay_ms = 1000;
            on_state('live');
            if (dropped) {
                dropped = false;
                on_reconnected();
            }
        });
        source.addEventListener('order', (event) => {
            let summary = null;
            try {
                summary = JSON.parse(event.data);
            } catch {
                return;
            }
            if (summary && typeof summary.number === 'string') {
                on_order(summary);
            }
        });
        source.addEventListener('error', () => {
            if (stopped) {
                return;
            }
            dropped = true;
            on_state('reconnecting');
            if (source.readyState === EventSource.CLOSED) {
                schedule_retry();
            }
        });
    };

    const schedule_retry = () => {
        if (source) {
            source.close();
            source = null;
        }
        clearTimeout(retry_timer);
        retry_timer = setTimeout(async () => {
            if (stopped) {
                return;
            }
            let go_on = true;
            try {
                go_on = await before_retry();
            } catch {
                go_on = true;
            }
            if (go_on) {
                connect();
            }
        }, delay_ms);
        delay_ms = Math.min(delay_ms * 2, 30000);
    };

    connect();
    return () => {
        stopped = true;
        clearTimeout(retry_timer);
        if (source) {
            source.close();
            source = null;
        }
    };
}
