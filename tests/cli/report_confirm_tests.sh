#!/usr/bin/env bash
# End-to-end test of confirmed daily reports from the command line: `ykm report confirm` stores a
# shift's report as confirmed and audited, refuses it twice, refuses a shift that may still be
# running or does not exist, and `ykm report confirmations` lists what was confirmed, flagging a
# report that late fixes changed afterwards while keeping the confirmed figures.
#
#   tests/cli/report_confirm_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }

# D-01 (demo-001, C01): one fix a minute 2026-01-15 21:00-23:00 JST, 2 h of plowing. T-02
# (demo-006, C02) worked from an hour ago until half an hour ago: its shift may still be running.
start=$(date -d '2026-01-15T21:00:00+09:00' +%s)
now=$(date +%s)
{
    echo "device_id,time,lat,lon,work"
    for i in $(seq 0 120); do
        echo "demo-001,$((start + 60 * i)),$(printf '40.6%03d' "$i"),140.6670,plow"
    done
    for i in $(seq 0 30); do
        echo "demo-006,$((now - 3600 + 60 * i)),40.6300,140.6600,grade"
    done
} >"$work/track.csv"
"$ykm" track import "$p" "$work/track.csv" --no-coverage >/dev/null ||
    { echo "FAILED: track import"; exit 1; }

out=$("$ykm" report confirm "$p" --vehicle D-01 --date 2026-01-15 --actor sato 2>&1)
if [[ $? -eq 0 && $out == *"D-01"*"2.00 h"*"sato"* ]]; then
    pass "report confirm: $out"
else
    fail "report confirm: $out"
fi
expect_error "confirmed twice" 2 "D-01.*already confirmed" -- \
    "$ykm" report confirm "$p" --vehicle D-01 --date 2026-01-15
expect_error "no shift at that start" 2 "no shift starting 2026-01-15T21:05:00\+09:00" -- \
    "$ykm" report confirm "$p" --vehicle D-01 --date 2026-01-15 --shift-start '2026-01-15 21:05'
expect_error "no shift that date" 2 "G-01 has no shift starting on 2026-01-15" -- \
    "$ykm" report confirm "$p" --vehicle G-01 --date 2026-01-15
today=$(TZ=Asia/Tokyo date -d "@$((now - 3600))" +%F)
expect_error "still running" 2 "T-02.*may still be running" -- \
    "$ykm" report confirm "$p" --vehicle T-02 --date "$today"
expect_error "bad date" 2 "2026-02-30" -- "$ykm" report confirm "$p" --vehicle D-01 --date 2026-02-30
expect_error "unknown vehicle" 2 "vehicle X-99 does not exist" -- \
    "$ykm" report confirm "$p" --vehicle X-99 --date 2026-01-15
expect_error "no vehicle" 2 "--vehicle" -- "$ykm" report confirm "$p" --date 2026-01-15

json=$("$ykm" report confirmations "$p" --date 2026-01-15 --json)
if jq -e '(.confirmations | length) == 1 and .confirmations[0].vehicle == "D-01"
        and .confirmations[0].confirmed_by == "sato" and .confirmations[0].channel == "cli"
        and .confirmations[0].differs == false and .confirmations[0].report.operating_h == 2
        and .confirmations[0].report.start == "2026-01-15T21:00:00+09:00"' <<<"$json" >/dev/null; then
    pass "report confirmations --json"
else
    fail "confirmations: $json"
fi
if [[ $("$ykm" report confirmations "$p" --date 2026-01-15 --contractor C02 --json | jq '.confirmations | length') == 0 ]]; then
    pass "another contractor has no confirmations"
else
    fail "C02 has confirmations"
fi

# A logger's fixes 23:01-23:30 arrive late: the recomputed report grows, the confirmed one stays.
{
    echo "device_id,time,lat,lon,work"
    for i in $(seq 121 150); do
        echo "demo-001,$((start + 60 * i)),$(printf '40.6%03d' "$i"),140.6670,travel"
    done
} >"$work/late.csv"
"$ykm" track import "$p" "$work/late.csv" --no-coverage >/dev/null
json=$("$ykm" report confirmations "$p" --date 2026-01-15 --json)
recomputed=$("$ykm" report daily "$p" --date 2026-01-15 --contractor C01 --json | jq '.reports[0].operating_h')
if jq -e '.confirmations[0].differs == true and .confirmations[0].report.operating_h == 2' <<<"$json" >/dev/null &&
    [[ $recomputed == 2.5 ]]; then
    pass "late fixes: recomputed 2.5 h, confirmed 2 h kept and flagged as differing"
else
    fail "after late fixes: recomputed $recomputed, $json"
fi
if "$ykm" report confirmations "$p" --date 2026-01-15 | grep -q '差異あり'; then
    pass "the text list marks the difference"
else
    fail "text: $("$ykm" report confirmations "$p" --date 2026-01-15)"
fi

if ! sqlite3 "$p" "DELETE FROM report_confirmations" 2>/dev/null &&
    "$ykm" audit verify "$p" >/dev/null &&
    [[ $("$ykm" audit list "$p" --entity daily_report --json | jq -r '.[0].action + " " + .[0].actor + " " + .[0].channel') == "confirm sato cli" ]]; then
    pass "locked against DELETE; audited and the chain verifies"
else
    fail "lock or audit"
fi

summary
