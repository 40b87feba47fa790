#!/usr/bin/env bash
# End-to-end test of the contractor portal (docs/PORTAL.md) in a real headless Chromium: a demo
# project with two contractors' accounts, `ykm serve` with the portal on a loopback port, and
# tests/portal/portal_e2e.mjs playing both contractors on phones. Afterwards the orders' history
# must show what was done through the portal, by whom, and the daily report confirmed through the
# portal must be stored, locked and audited.
#
#   tests/portal/portal_e2e_tests.sh YKM WEB_BUILD_DIR [OUTPUT_DIR]
#
# WEB_BUILD_DIR holds node_modules with playwright-core (the page's npm packages); one screenshot
# is copied to OUTPUT_DIR (default: the current folder) for a look after the run.
set -uo pipefail

ykm=$1
web_dir=$2
out_dir=${3:-$PWD}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/../cli/test_lib.sh"

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -d $web_dir/node_modules/playwright-core ]]; then
    fail "playwright-core is not installed in $web_dir/node_modules (build ykm first)"
    summary
    exit 1
fi

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { fail "demo-town"; summary; exit 1; }

# Contractor A (C01) has an issued order and one still a draft, issued while A watches; B (C02)
# has an issued order of its own.
order_of() { sed -n 's/^order=//p'; }
order_a=$("$ykm" order create "$p" --contractor C01 --district 南西工区 --vehicles D-01,T-01 \
    --from 21:00 --to 06:00 --deadline 03:00 --instructions "第1種を優先。通学路は7時までに。" \
    --actor sato | order_of)
order_new=$("$ykm" order create "$p" --contractor C01 --segments 1,2,3 --work spread --actor sato | order_of)
order_b=$("$ykm" order create "$p" --contractor C02 --segments 4,5,6 --actor sato | order_of)
if [[ -n $order_a && -n $order_new && -n $order_b ]] &&
    "$ykm" order issue "$p" "$order_a" "$order_b" --actor sato >/dev/null; then
    pass "orders $order_a and $order_b issued, $order_new still a draft"
else
    fail "creating orders: '$order_a' '$order_new' '$order_b'"
    summary
    exit 1
fi

password_a='yuki-michi-A1'
password_b='yuki-michi-B2'
if "$ykm" user add "$p" yamada --role contractor --contractor C01 --name '山田 太郎' \
        --password-stdin <<<"$password_a" >/dev/null &&
    "$ykm" user add "$p" kita --role contractor --contractor C02 --name '北 花子' \
        --password-stdin <<<"$password_b" >/dev/null; then
    pass "accounts for contractors C01 and C02"
else
    fail "user add"
    summary
    exit 1
fi

# A short night on a past date for the daily reports (作業日報): two of C01's plows simulated
# 21:00-21:30 JST, and from a logger file C01's T-01 (demo-003) 22:00-22:30 with nothing between
# 22:10 and 22:20 (a GPS gap) and C02's G-02 (demo-005) 22:00-22:20.
report_date=2026-01-15
night_start=$(date -d "${report_date}T22:00:00+09:00" +%s)
{
    echo "device_id,time,lat,lon,work"
    for i in $(seq 0 30); do
        if ((i > 10 && i < 20)); then continue; fi
        echo "demo-003,$((night_start + 60 * i)),$(printf '40.62%02d' "$i"),140.6600,plow"
    done
    for i in $(seq 0 20); do
        echo "demo-005,$((night_start + 60 * i)),40.6300,140.6600,grade"
    done
} >"$work/logger.csv"
if "$ykm" simulate "$p" --vehicles 2 --out "$work/night.csv" --start "${report_date}T21:00:00+09:00" \
        --duration 1800 --seed 3 >/dev/null 2>&1 &&
    "$ykm" track import "$p" "$work/night.csv" "$work/logger.csv" >/dev/null 2>&1 &&
    [[ $("$ykm" report daily "$p" --date "$report_date" --json | jq -c '[.reports[].vehicle]') == '["D-01","G-01","G-02","T-01"]' ]]; then
    pass "a night of $report_date: shifts of D-01, G-01, T-01 (C01) and G-02 (C02)"
else
    fail "simulated night: $("$ykm" report daily "$p" --date "$report_date" --json 2>&1 | head -c 400)"
fi

log=$work/serve.log
"$ykm" serve "$p" --listen 127.0.0.1:0 --nmea off --portal 127.0.0.1:0 2>"$log" &
server_pid=$!
port=
for _ in $(seq 200); do
    port=$(sed -n 's#^portal: listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$log" | head -n 1)
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
if [[ -n $port ]] && curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
    pass "portal listening on port $port"
else
    fail "portal did not start: $(cat "$log")"
    summary
    exit 1
fi

shots=$work/shots
mkdir -p "$shots"
if PORTAL_URL="http://127.0.0.1:$port" WEB_DIR="$web_dir" SHOT_DIR="$shots" \
    YKM="$ykm" PROJECT="$p" ORDER_A="$order_a" ORDER_B="$order_b" ORDER_NEW="$order_new" \
    REPORT_DATE="$report_date" \
    LOGIN_A=yamada PASSWORD_A="$password_a" LOGIN_B=kita PASSWORD_B="$password_b" \
    CHROMIUM="${YKM_CHROMIUM:-/usr/bin/chromium}" \
    node "$here/portal_e2e.mjs"; then
    pass "browser session (portal_e2e.mjs)"
else
    fail "browser session (portal_e2e.mjs); server log: $(tail -n 20 "$log")"
fi
for shot in "$shots"/*.png; do
    [[ -e $shot ]] || continue
    echo "screenshot: $(basename "$shot")"
done
if [[ -e $shots/a-order-started.png ]]; then
    cp "$shots/a-order-started.png" "$out_dir/portal_e2e_order.png"
    cp "$shots/a-list-live.png" "$out_dir/portal_e2e_list.png" 2>/dev/null
    echo "screenshots kept in $out_dir: portal_e2e_order.png, portal_e2e_list.png"
fi
if [[ -e $shots/a-report-confirmed.png ]]; then
    cp "$shots/a-report-confirmed.png" "$out_dir/portal_e2e_reports.png"
    cp "$shots/a-report-confirm.png" "$out_dir/portal_e2e_report_confirm.png" 2>/dev/null
    echo "screenshots kept in $out_dir: portal_e2e_reports.png, portal_e2e_report_confirm.png"
fi

# What the browser did is on record, with channel and actor.
shown=$("$ykm" order show "$p" "$order_a" --json)
if jq -e --arg who yamada '.status == "started"
        and ([.history[] | select(.to == "acknowledged" and .channel == "portal" and .actor == $who)] | length) == 1
        and ([.history[] | select(.to == "started" and .channel == "portal" and .actor == $who)] | length) == 1' \
    <<<"$shown" >/dev/null; then
    pass "acknowledged and started through the portal by yamada"
else
    fail "history of $order_a: $(jq -c .history <<<"$shown")"
fi
shown=$("$ykm" order show "$p" "$order_b" --json)
if jq -e '.status == "declined" and .history[-1].channel == "portal" and .history[-1].actor == "kita"
        and .history[-1].reason == "除雪機械の故障のため"' <<<"$shown" >/dev/null; then
    pass "declined through the portal by kita with the reason"
else
    fail "history of $order_b: $(jq -c .history <<<"$shown")"
fi
if [[ $("$ykm" order show "$p" "$order_new" --json | jq -r .status) == issued ]]; then
    pass "the order issued during the session is issued"
else
    fail "status of $order_new"
fi


# The daily report confirmed in the browser is stored as confirmed by yamada through the portal,
# with the figures shown; it is locked, and the audit chain holds.
confirmations=$("$ykm" report confirmations "$p" --date "$report_date" --json)
if jq -e '(.confirmations | length) == 1 and .confirmations[0].vehicle == "D-01"
        and .confirmations[0].confirmed_by == "yamada" and .confirmations[0].channel == "portal"
        and .confirmations[0].differs == false and .confirmations[0].report.vehicle == "D-01"
        and (.confirmations[0].content_sha256 | length) == 64' <<<"$confirmations" >/dev/null &&
    [[ $(jq -S -c '.confirmations[0].report' <<<"$confirmations") == \
        "$("$ykm" report daily "$p" --date "$report_date" --json | jq -S -c '.reports[] | select(.vehicle == "D-01")')" ]]; then
    pass "the report of D-01 is confirmed by yamada through the portal, as ykm report daily shows it"
else
    fail "confirmations: $confirmations"
fi
if ! sqlite3 "$p" "UPDATE report_confirmations SET confirmed_by = 'someone'" 2>/dev/null &&
    ! sqlite3 "$p" "DELETE FROM report_confirmations" 2>/dev/null &&
    [[ $(sqlite3 "$p" "SELECT confirmed_by FROM report_confirmations") == yamada ]]; then
    pass "the confirmed report refuses UPDATE and DELETE"
else
    fail "report_confirmations changed: $(sqlite3 "$p" "SELECT vehicle_id, confirmed_by FROM report_confirmations")"
fi
if "$ykm" audit verify "$p" >/dev/null &&
    "$ykm" audit list "$p" --entity daily_report --json |
    jq -e 'length == 1 and .[0].action == "confirm" and .[0].actor == "yamada" and .[0].channel == "portal"' >/dev/null; then
    pass "the confirmation is in the audit log and the chain verifies"
else
    fail "audit: $("$ykm" audit verify "$p" 2>&1)"
fi

summary
