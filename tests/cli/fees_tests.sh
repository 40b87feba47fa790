#!/usr/bin/env bash
# End-to-end test of the fees (委託料): rate tables imported from CSV, a night shift from Friday
# into Saturday with a GPS gap priced before and after staff confirm the gap, the contractor
# filter, a national holiday and a project holiday, standby pay in the settlement month, the
# CSV, XLSX (read back with GDAL) and PDF (read back with pdftotext) files, and refusals with
# one line.
#
#   tests/cli/fees_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }
fleet=$("$ykm" fleet list "$p" --json)
d01_type=$(jq -r '.vehicles[] | select(.code == "D-01") | .type' <<<"$fleet")
c02_code=$(jq -r '[.vehicles[] | select(.contractor == "C02")][0].code' <<<"$fleet")
c02_device=$(jq -r '[.vehicles[] | select(.contractor == "C02")][0].device_id' <<<"$fleet")
c02_type=$(jq -r '[.vehicles[] | select(.contractor == "C02")][0].type' <<<"$fleet")

# Weekday 08:00-22:00 10,000 yen/h, 22:00-24:00 and 00:00-08:00 12,500; holidays 15,000 and
# 18,000; for the machine types of D-01 and of C02's first vehicle.
{
    echo "machine_type,day_kind,from,to,yen_per_hour,name"
    for t in $(printf '%s\n' "$d01_type" "$c02_type" | sort -u); do
        echo "$t,weekday,08:00,22:00,10000,昼間"
        echo "$t,weekday,22:00,24:00,12500,夜間"
        echo "$t,weekday,00:00,08:00,12500,早朝"
        echo "$t,holiday,08:00,22:00,15000,昼間"
        echo "$t,holiday,22:00,24:00,18000,夜間"
        echo "$t,holiday,00:00,08:00,18000,早朝"
    done
} >"$work/rates.csv"
if "$ykm" fees rates import "$p" "$work/rates.csv" >/dev/null &&
    [[ $("$ykm" fees rates "$p" --json | jq '[.rates[] | select(.machine_type == "'"$d01_type"'")] | length') == 6 ]]; then
    pass "fees rates import"
else
    fail "rates not imported: $("$ykm" fees rates "$p" 2>&1)"
fi

# D-01: one fix a minute from Friday 2026-01-16 21:00 JST to Saturday 06:00, nothing between
# 22:30 and 22:40 (a 10-minute gap). C02's vehicle: Wednesday 2026-01-14 10:00-11:00 and
# 建国記念の日 2026-02-11 10:00-12:00.
friday=$(date -d '2026-01-16T21:00:00+09:00' +%s)
wednesday=$(date -d '2026-01-14T10:00:00+09:00' +%s)
holiday=$(date -d '2026-02-11T10:00:00+09:00' +%s)
{
    echo "device_id,time,lat,lon,work"
    awk -v t="$friday" 'BEGIN { for (i = 0; i <= 540; i++) if (i <= 90 || i >= 100)
        printf "demo-001,%d,%.4f,140.6670,plow\n", t + 60 * i, 40.625 + 0.0001 * i }'
    awk -v t="$wednesday" -v d="$c02_device" 'BEGIN { for (i = 0; i <= 60; i++)
        printf "%s,%d,40.6300,%.4f,grade\n", d, t + 60 * i, 140.66 + 0.0001 * i }'
    awk -v t="$holiday" -v d="$c02_device" 'BEGIN { for (i = 0; i <= 120; i++)
        printf "%s,%d,40.6300,%.4f,grade\n", d, t + 60 * i, 140.66 + 0.0001 * i }'
} >"$work/track.csv"
"$ykm" track import "$p" "$work/track.csv" --no-coverage >/dev/null ||
    { echo "FAILED: track import"; exit 1; }

# Unconfirmed gap: 1 h × 10,000 + 1 h 50 min × 12,500 + 6 h × 18,000 (Saturday) = 140,916.67.
json=$("$ykm" report fees "$p" --month 2026-01 --contractor C01 --json)
if jq -e '.contractors[0].code == "C01" and .contractors[0].fee_yen == 140916
        and (.unconfirmed_gaps | length) == 1
        and .unconfirmed_gaps[0].start == "2026-01-16T22:30:00+09:00"
        and ([.lines[] | select(.vehicle == "D-01")] | length) == 4
        and ([.lines[] | select(.day_kind == "holiday")][0].day_reason == "土曜")' <<<"$json" >/dev/null; then
    pass "report fees: the unconfirmed gap is not paid"
else
    fail "unconfirmed: $json"
fi

if "$ykm" report gap confirm "$p" --vehicle D-01 --start 2026-01-16T22:30:00+09:00 --work plow \
    --note "無線で作業を確認" >/dev/null; then
    pass "report gap confirm"
else
    fail "gap confirm refused"
fi
json=$("$ykm" report fees "$p" --month 2026-01 --contractor C01 --json)
if jq -e '.contractors[0].fee_yen == 143000 and (.unconfirmed_gaps | length) == 0
        and ([.lines[] | select(.confirmed_gap)] | length) == 1
        and ([.lines[] | select(.confirmed_gap)][0] | .fixes == 2 and (.hours * 60 | round) == 10
             and .start == "2026-01-16T22:30:00+09:00" and .yen_per_hour == 12500)' <<<"$json" >/dev/null; then
    pass "report fees: the confirmed gap is paid and traced"
else
    fail "confirmed: $json"
fi
daily=$("$ykm" report daily "$p" --date 2026-01-16 --contractor C01 --json)
if jq -e '.reports[0].gap_min == 0 and (.reports[0].operating_h * 60 | round) == 540' <<<"$daily" >/dev/null; then
    pass "daily report counts the confirmed gap"
else
    fail "daily: $daily"
fi

json=$("$ykm" report fees "$p" --month 2026-01 --contractor C02 --json)
if jq -e '(.vehicles | length) == 1 and .vehicles[0].vehicle == "'"$c02_code"'"
        and .vehicles[0].fee_yen == 10000 and (.lines | length) == 1' <<<"$json" >/dev/null; then
    pass "report fees --contractor"
else
    fail "contractor filter: $json"
fi
if [[ $("$ykm" report fees "$p" --month 2026-02 --contractor C02 --json |
    jq '.lines[0].day_reason + " " + (.vehicles[0].fee_yen | tostring)') == '"建国記念の日 30000"' ]]; then
    pass "a national holiday is priced at the holiday rate"
else
    fail "national holiday"
fi
"$ykm" fees holiday add "$p" --date 2026-01-14 --name 臨時休日 >/dev/null
if [[ $("$ykm" report fees "$p" --month 2026-01 --contractor C02 --json | jq '.vehicles[0].fee_yen') == 15000 ]] &&
    "$ykm" fees holiday list "$p" --year 2026 --json |
    jq -e '(.national[] | select(.date == "2026-09-22") | .name == "国民の休日")
        and .project[0].date == "2026-01-14"' >/dev/null; then
    pass "project holiday and the national list"
else
    fail "holidays"
fi
"$ykm" fees holiday remove "$p" --date 2026-01-14 >/dev/null

# Files: the accounting CSV, the trace, the workbook and the PDF.
csv=$work/委託料.csv
"$ykm" report fees "$p" --month 2026-01 -o "$csv" >/dev/null
header=$(head -1 "$csv" | tail -c +4 | tr -d '\r')
row=$(grep '^C01,' "$csv" | tr -d '\r')
IFS=, read -r -a f <<<"$row"
if [[ $(head -c 3 "$csv" | od -An -tx1 | tr -d ' ') == efbbbf &&
    $header == 業者コード,業者名,車両,機種,稼働時間\(h\),委託料\(円\)* &&
    "${f[2]} ${f[4]} ${f[5]}" == "D-01 9.00 143000" ]]; then
    pass "csv summary read back"
else
    fail "csv: $header / $row"
fi
"$ykm" report fees "$p" --month 2026-01 -o "$work/detail.csv" --detail >/dev/null
if [[ $(grep -c '^C01,D-01,' "$work/detail.csv") == 5 ]] &&
    grep -q '確認済み欠測' "$work/detail.csv"; then
    pass "csv --detail has the trace lines"
else
    fail "detail: $(cat "$work/detail.csv")"
fi
xlsx=$work/fees.xlsx
"$ykm" report fees "$p" --month 2026-01 -o "$xlsx" >/dev/null
layers=$(ogrinfo -ro -q "$xlsx" 2>&1)
all=$(ogrinfo -ro -al "$xlsx" 2>&1)
if grep -q '集計' <<<"$layers" && grep -q '明細' <<<"$layers" && grep -q '単価表' <<<"$layers" &&
    grep -q '待機補償' <<<"$layers" && grep -q '143000' <<<"$all" && grep -q 'D-01' <<<"$all"; then
    pass "xlsx read back with GDAL"
else
    fail "xlsx: $layers"
fi
pdf=$work/fees.pdf
"$ykm" report fees "$p" --month 2026-01 --contractor C01 -o "$pdf" >/dev/null
text=$(pdftotext -layout "$pdf" - 2>/dev/null)
if grep -q '委託料集計表' <<<"$text" && grep -q '受注者' <<<"$text" && grep -q '監督員' <<<"$text" &&
    grep -q '143,000' <<<"$text"; then
    pass "pdf read back with pdftotext"
else
    fail "pdf: $text"
fi

# Standby: the season ends 2026-03-15; D-01 worked 9 h of a standard of 100 h.
"$ykm" fees season "$p" --start 2025-12-01 --end 2026-03-15 >/dev/null
"$ykm" fees standby "$p" --machine "$d01_type" --hours 100 --yen 5000 >/dev/null
jan=$("$ykm" report fees "$p" --month 2026-01 --contractor C01 --json)
mar=$("$ykm" report fees "$p" --month 2026-03 --contractor C01 --json)
if jq -e '(.vehicles[] | select(.vehicle == "D-01") | .standby | .paid == false and .yen == 0
          and .shortfall_hours == 91)' <<<"$jan" >/dev/null &&
    jq -e '.settlement_month and (.vehicles[] | select(.vehicle == "D-01") | .standby.yen == 455000
          and .total_yen == 455000)' <<<"$mar" >/dev/null; then
    pass "standby paid in the settlement month only"
else
    fail "standby: $jan $mar"
fi

expect_error "overlapping band" 2 "overlaps band 08:00-22:00" -- \
    "$ykm" fees rate set "$p" --machine "$d01_type" --day weekday --from 21:00 --to 23:00 --yen 1
id=$("$ykm" fees rates "$p" --json |
    jq '.rates[] | select(.machine_type == "'"$d01_type"'" and .day_kind == "holiday" and .from == "00:00") | .id')
"$ykm" fees rate remove "$p" --id "$id" >/dev/null
expect_error "missing rate" 2 "no fee rate for $d01_type .* on a holiday at 2026-01-17 00:00" -- \
    "$ykm" report fees "$p" --month 2026-01
expect_error "no gap there" 2 "vehicle D-01 has no GPS gap starting at 2026-01-16T21:00:00" -- \
    "$ykm" report gap confirm "$p" --vehicle D-01 --start 2026-01-16T21:00:00+09:00 --work plow
expect_error "bad work type" 2 "--work 'shovel'" -- \
    "$ykm" report gap confirm "$p" --vehicle D-01 --start 2026-01-16T22:30:00+09:00 --work shovel
expect_error "bad month" 2 "month '2026-13'" -- "$ykm" report fees "$p" --month 2026-13
expect_error "bad extension" 2 "\.txt" -- "$ykm" report fees "$p" --month 2026-01 -o "$work/f.txt"
expect_error "csv import error names the line" 2 "bad.csv:2: column 'day_kind'" -- \
    bash -c "printf 'machine_type,day_kind,from,to,yen_per_hour\n$d01_type,someday,08:00,09:00,1\n' >'$work/bad.csv' && '$ykm' fees rates import '$p' '$work/bad.csv'"
if "$ykm" audit verify "$p" >/dev/null &&
    [[ $("$ykm" audit list "$p" --json 2>/dev/null | jq '[.[] | select(.action == "gap.confirm" or .action == "fee_rate.import" or .action == "standby.set" or .action == "season.set")] | length') -ge 4 ]]; then
    pass "changes are in the audit log"
else
    fail "audit: $("$ykm" audit list "$p" --json 2>&1 | head -c 400)"
fi

summary
