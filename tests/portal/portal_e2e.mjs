// The contractor portal in headless Chromium, driven by portal_e2e_tests.sh (which starts the
// server and passes everything in the environment):
//
//   contractor A on a phone: logs in, sees its issued order, opens it (its roads drawn on the
//   map), acknowledges and starts it with a confirm step each; an order issued meanwhile from the
//   command line appears in the open list without a reload (server-sent events); its vehicles
//   without a GPS fix are shown as unknown; in the 日報 tab it sees its own vehicles' shifts of
//   the night REPORT_DATE (a GPS gap shown as not counted), confirms one after the warning and
//   sees it 確定済み and read-only, also after a reload.
//   contractor B in another browser context: does not see A's order and gets "not found" at its
//   address; sees only its own vehicle's daily report; declines its own order (a reason is required); switches to English, kept after a
//   reload.
//
// Prints "ok: ..." / "FAILED: ..." lines and exits non-zero when anything failed.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const env = (name) => {
    const value = process.env[name];
    if (!value) {
        throw new Error(`portal_e2e.mjs: ${name} is not set`);
    }
    return value;
};

const url = env('PORTAL_URL');
const require = createRequire(path.resolve(env('WEB_DIR'), 'package.json'));
const { chromium } = require('playwright-core');
const shots = env('SHOT_DIR');
const order_a = env('ORDER_A');
const order_b = env('ORDER_B');
const order_new = env('ORDER_NEW');
const report_date = env('REPORT_DATE');

let failed = 0;
const ok = (what) => console.log(`ok: ${what}`);
const bad = (what) => {
    failed += 1;
    console.log(`FAILED: ${what}`);
};

/// Runs one step; a failure is reported with a screenshot and the remaining steps still run
/// where they do not depend on it.
async function step(name, page, body) {
    try {
        await body();
        ok(name);
        return true;
    } catch (e) {
        bad(`${name}: ${e.message.split('\n')[0]}`);
        if (page) {
            await page.screenshot({ path: path.join(shots, `failed-${name.replace(/\W+/g, '-')}.png`), fullPage: true })
                .catch(() => {});
        }
        return false;
    }
}

function expect(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo' };

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Anything the page asks for outside the portal would be a request to the internet.
const foreign = [];
// When each page asked for the order list and the event stream (to tell live updates from
// reloads).
const asked = { A: { orders: [], events: [] }, B: { orders: [], events: [] } };
function watch(page, who) {
    page.on('pageerror', (e) => bad(`${who}: script error in the page: ${e.message}`));
    page.on('request', (r) => {
        if (!r.url().startsWith(url) && !r.url().startsWith('data:')) {
            foreign.push(r.url());
        }
        const where = new URL(r.url()).pathname;
        if (where === '/api/orders') {
            asked[who].orders.push(Date.now());
        } else if (where === '/api/events') {
            asked[who].events.push(Date.now());
        }
    });
}

async function log_in(page, login, password) {
    await page.goto(`${url}/`);
    await page.locator('#login').waitFor();
    await page.fill('#login', login);
    await page.fill('#password', password);
    await page.locator('form.login-form button[type=submit]').tap();
    await page.locator('nav.tabs').waitFor();
}

async function act(page, action) {
    await page.locator(`[data-action="${action}"]`).tap();
    await page.locator(`[data-confirm="${action}"]`).waitFor();
    await page.locator(`[data-confirm="${action}"]`).tap();
}

try {
    // --- contractor A ---------------------------------------------------------------------
    const a = await browser.newContext(phone);
    const pa = await a.newPage();
    watch(pa, 'A');

    await step('A: the login form is in Japanese', pa, async () => {
        await pa.goto(`${url}/`);
        await pa.locator('#login').waitFor();
        expect(await pa.locator('html').getAttribute('lang') === 'ja', 'html lang is not ja');
        expect((await pa.locator('label[for=login]').innerText()).includes('ログイン名'), 'no ログイン名 label');
        await pa.screenshot({ path: path.join(shots, 'a-login.png') });
    });

    await step('A: a wrong password is refused with a message', pa, async () => {
        await pa.fill('#login', env('LOGIN_A'));
        await pa.fill('#password', 'not-the-password');
        await pa.locator('form.login-form button[type=submit]').tap();
        await pa.locator('#login-error:not([hidden])').waitFor();
        expect((await pa.locator('#login-error').innerText()).includes('パスワード'), 'no message');
    });

    const listed = await step('A: logs in and sees its issued order', pa, async () => {
        await log_in(pa, env('LOGIN_A'), env('PASSWORD_A'));
        const card = pa.locator(`.card[data-order="${order_a}"]`);
        await card.waitFor();
        expect(await card.getAttribute('data-status') === 'issued', 'the card is not issued');
        expect((await card.innerText()).includes('発令'), 'the status has no label');
        expect(await pa.locator(`.card[data-order="${order_b}"]`).count() === 0, `B's order ${order_b} is listed`);
        expect(await pa.locator(`.card[data-order="${order_new}"]`).count() === 0, 'a draft is listed');
        // The list's map: the roads of its own open orders, in the status colour.
        await pa.waitForFunction(() => Number(document.querySelector('#orders-map')?.dataset.roads) > 0,
            null, { timeout: 15000 });
        const drawn = await pa.locator('#orders-map path.order-road').count();
        expect(drawn > 0, 'no roads on the list map');
        expect(await pa.locator('#orders-map path.order-road[stroke="#E69F00"]').count() === drawn,
            'a road on the list map is not in the issued colour');
        await pa.screenshot({ path: path.join(shots, 'a-list.png'), fullPage: true });
    });

    await step('A: the live updates are connected and stay connected', pa, async () => {
        await pa.locator('.live-state.live-live').waitFor({ timeout: 15000 });
        const streams = asked.A.events.length;
        await pa.waitForTimeout(5000);
        expect(await pa.locator('.live-state.live-live').count() === 1, 'the live updates dropped');
        expect(asked.A.events.length === streams,
            `the event stream was opened again ${asked.A.events.length - streams} times in 5 s`);
    });

    const opened = listed && await step('A: opens the order; its roads are drawn on the map', pa, async () => {
        await pa.locator(`.card[data-order="${order_a}"]`).tap();
        await pa.waitForURL(`**/#/orders/${order_a}`);
        await pa.locator('#order-map').waitFor();
        await pa.waitForFunction(() => document.querySelectorAll(
            '#order-map path.order-road, #order-map canvas').length > 0, null, { timeout: 15000 });
        const roads = await pa.locator('#order-map path.order-road').count();
        expect(roads > 0, 'no road paths in the map');
        const text = await pa.locator('section.order').innerText();
        expect(text.includes('第1種を優先'), 'no instructions');
        expect(text.includes('D-01'), 'no vehicle D-01');
        expect(await pa.locator(`a.sheet[href="/api/orders/${order_a}/sheet.pdf"]`).count() === 1, 'no sheet link');
        const actions = await pa.locator('[data-action]').evaluateAll((els) => els.map((e) => e.dataset.action));
        expect(JSON.stringify(actions.sort()) === JSON.stringify(['acknowledge', 'decline']),
            `actions are ${actions}`);
        await pa.screenshot({ path: path.join(shots, 'a-order.png'), fullPage: true });
        console.log(`   ${roads} road paths drawn`);
    });

    await step('A: the order sheet PDF is served', pa, async () => {
        const answer = await pa.request.get(`${url}/api/orders/${order_a}/sheet.pdf`);
        expect(answer.status() === 200, `status ${answer.status()}`);
        expect((await answer.body()).subarray(0, 5).toString() === '%PDF-', 'not a PDF');
    });

    const acknowledged = opened && await step('A: acknowledges after confirming', pa, async () => {
        await pa.locator('[data-action="acknowledge"]').tap();
        await pa.locator('form.confirm').waitFor();
        await pa.screenshot({ path: path.join(shots, 'a-confirm.png') });
        await pa.locator('[data-confirm="acknowledge"]').tap();
        await pa.locator('section.order[data-status="acknowledged"]').waitFor();
        await pa.locator('[data-action="start"]').waitFor();
    });

    acknowledged && await step('A: starts the work', pa, async () => {
        await act(pa, 'start');
        await pa.locator('section.order[data-status="started"]').waitFor();
        const history = await pa.locator('ol.history').innerText();
        expect(history.includes('着手') && history.includes(env('LOGIN_A')), 'history does not show the start');
        await pa.screenshot({ path: path.join(shots, 'a-order-started.png'), fullPage: true });
    });

    await step('A: a new order issued from the command line appears without a reload', pa, async () => {
        await pa.locator('nav a[href="#/orders"]').tap();
        await pa.locator(`.card[data-order="${order_a}"][data-status="started"]`).waitFor();
        await pa.evaluate(() => {
            window.ykm_e2e_marker = 'still the same page';
        });
        await pa.waitForTimeout(500);
        const issued_at = Date.now();
        execFileSync(env('YKM'), ['order', 'issue', env('PROJECT'), order_new, '--actor', 'sato'], { stdio: 'pipe' });
        await pa.locator(`.card[data-order="${order_new}"]`).waitFor({ timeout: 30000 });
        await pa.locator('.notice', { hasText: order_new }).waitFor();
        expect(await pa.evaluate(() => window.ykm_e2e_marker) === 'still the same page', 'the page was reloaded');
        // Delivered by the event stream, not found by reloading the list after a reconnection.
        const reloads = asked.A.orders.filter((t) => t >= issued_at).length;
        expect(reloads === 0, `the list was fetched again ${reloads} times: no live event arrived`);
        await pa.screenshot({ path: path.join(shots, 'a-list-live.png'), fullPage: true });
    });

    await step('A: vehicles without a position are shown as unknown', pa, async () => {
        await pa.locator('nav a[href="#/vehicles"]').tap();
        await pa.locator('.vehicle-list[aria-busy="false"]').waitFor();
        const total = await pa.locator('.vehicle-list li').count();
        const unknown = await pa.locator('.vehicle-list li[data-position="unknown"]').count();
        expect(total > 0, 'no vehicles listed');
        if (unknown > 0) {
            expect((await pa.locator('.vehicle-list li[data-position="unknown"]').first().innerText())
                .includes('位置不明'), 'unknown vehicle without 位置不明');
        }
        await pa.screenshot({ path: path.join(shots, 'a-vehicles.png'), fullPage: true });
        console.log(`   ${total} vehicles, ${unknown} with unknown position`);
    });

    const reports_listed = await step("A: the 日報 tab lists its own vehicles' shifts of the night", pa, async () => {
        await pa.locator('nav a[href="#/reports"]').tap();
        await pa.locator('#report-date').waitFor();
        const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric',
            month: '2-digit', day: '2-digit' }).format(new Date(Date.now() - 86400000));
        expect(await pa.locator('#report-date').inputValue() === yesterday,
            `the date is ${await pa.locator('#report-date').inputValue()}, not yesterday ${yesterday}`);
        await pa.fill('#report-date', report_date);
        await pa.locator(`section.reports[data-date="${report_date}"] .reports-list[aria-busy="false"]`).waitFor();
        const vehicles = await pa.locator('li.report').evaluateAll((els) => els.map((e) => e.dataset.vehicle));
        expect(JSON.stringify(vehicles) === JSON.stringify(['D-01', 'G-01', 'T-01']), `reports of ${vehicles}`);
        const d01 = await pa.locator('li.report[data-vehicle="D-01"]').innerText();
        expect(d01.includes('新雪除雪') && d01.includes('第1種') && d01.includes('未確定'), 'D-01 lacks its figures');
        const t01 = await pa.locator('li.report[data-vehicle="T-01"]').innerText();
        expect(t01.includes('1件') && t01.includes('集計に含めません'), `T-01's gap is not shown as not counted: ${t01}`);
        await pa.screenshot({ path: path.join(shots, 'a-reports.png'), fullPage: true });
    });

    reports_listed && await step('A: confirms the report of D-01 after the warning; it shows 確定済み', pa, async () => {
        const card = pa.locator('li.report[data-vehicle="D-01"]');
        expect(await card.getAttribute('data-state') === 'open', 'D-01 is not open');
        await card.locator('[data-action="confirm"]').tap();
        await card.locator('form.confirm').waitFor();
        expect((await card.locator('form.confirm').innerText()).includes('確定すると変更できません'), 'no warning');
        await pa.screenshot({ path: path.join(shots, 'a-report-confirm.png') });
        await card.locator('[data-confirm="confirm"]').tap();
        await pa.locator('li.report[data-vehicle="D-01"][data-state="confirmed"]').waitFor();
        const text = await pa.locator('li.report[data-vehicle="D-01"]').innerText();
        expect(text.includes('確定済み') && text.includes(env('LOGIN_A')), `no 確定済み by the login: ${text}`);
        expect(await pa.locator('li.report[data-vehicle="D-01"] [data-action="confirm"]').count() === 0,
            'a confirmed report can still be confirmed');
        expect(await pa.locator('li.report[data-vehicle="G-01"][data-state="open"]').count() === 1,
            'G-01 changed too');
        await pa.reload();
        await pa.locator('li.report[data-vehicle="D-01"][data-state="confirmed"]').waitFor();
        expect(await pa.locator('li.report[data-vehicle="D-01"] [data-action="confirm"]').count() === 0,
            'read-only no more after a reload');
        await pa.screenshot({ path: path.join(shots, 'a-report-confirmed.png'), fullPage: true });
    });

    // --- contractor B ---------------------------------------------------------------------
    const b = await browser.newContext(phone);
    const pb = await b.newPage();
    watch(pb, 'B');

    await step("B: does not see A's orders", pb, async () => {
        await log_in(pb, env('LOGIN_B'), env('PASSWORD_B'));
        await pb.locator(`.card[data-order="${order_b}"]`).waitFor();
        await pb.locator('button.filter[data-filter="all"]').tap();
        expect(await pb.locator(`.card[data-order="${order_a}"]`).count() === 0, `A's order ${order_a} is listed`);
        expect(await pb.locator(`.card[data-order="${order_new}"]`).count() === 0, `A's order ${order_new} is listed`);
    });

    await step("B: sees only its own vehicle's daily report", pb, async () => {
        await pb.goto(`${url}/#/reports/${report_date}`);
        await pb.locator(`section.reports[data-date="${report_date}"] .reports-list[aria-busy="false"]`).waitFor();
        const vehicles = await pb.locator('li.report').evaluateAll((els) => els.map((e) => e.dataset.vehicle));
        expect(JSON.stringify(vehicles) === JSON.stringify(['G-02']), `reports of ${vehicles}`);
    });

    await step("B: A's order answers not found", pb, async () => {
        await pb.goto(`${url}/#/orders/${order_a}`);
        await pb.locator('.not-found').waitFor();
        expect((await pb.locator('.not-found').innerText()).includes('見つかりません'), 'no not-found message');
        expect(await pb.locator('[data-action]').count() === 0, 'actions shown');
        await pb.screenshot({ path: path.join(shots, 'b-not-found.png') });
    });

    await step('B: declining needs a reason, then declines', pb, async () => {
        await pb.goto(`${url}/#/orders/${order_b}`);
        await pb.locator('[data-action="decline"]').tap();
        await pb.locator('textarea#reason').waitFor();
        await pb.locator('[data-confirm="decline"]').tap();
        await pb.locator('#confirm-error:not([hidden])').waitFor();
        expect(await pb.locator('section.order[data-status="issued"]').count() === 1, 'declined without a reason');
        await pb.fill('textarea#reason', '除雪機械の故障のため');
        await pb.locator('[data-confirm="decline"]').tap();
        await pb.locator('section.order[data-status="declined"]').waitFor();
        expect((await pb.locator('ol.history').innerText()).includes('除雪機械の故障のため'), 'no reason in history');
    });

    await step('B: switches to English, kept after a reload', pb, async () => {
        await pb.locator('button.lang').tap();
        await pb.locator('html[lang="en"]').waitFor();
        await pb.locator('section.order h2', { hasText: 'History' }).waitFor();
        await pb.reload();
        await pb.locator('nav.tabs').waitFor();
        await pb.locator('nav a[href="#/orders"]', { hasText: 'Orders' }).waitFor();
        await pb.screenshot({ path: path.join(shots, 'b-english.png'), fullPage: true });
    });

    await step('A: logs out', pa, async () => {
        await pa.locator('button.logout').tap();
        await pa.locator('#login').waitFor();
        const answer = await pa.request.get(`${url}/api/session`);
        expect(answer.status() === 401, `session answers ${answer.status()} after logout`);
    });

    if (foreign.length === 0) {
        ok('nothing was requested from outside the portal');
    } else {
        bad(`requests outside the portal: ${[...new Set(foreign)].join(' ')}`);
    }
} catch (e) {
    bad(`unexpected: ${e.stack || e}`);
} finally {
    await browser.close();
}

process.exit(failed === 0 ? 0 : 1);
