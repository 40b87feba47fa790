#!/usr/bin/env bash
# End-to-end test of daily work reports (作業日報): a night shift imported from a logger file with
# a GPS gap, written as CSV for Excel and as JSON; bad dates, file formats and contractors refused
# with one line.
#
#   tests/cli/report_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }

# D-01 (C01): one fix a minute from 2026-01-15 21:00 JST, 0.0001 degree north each: plow until
# 23:59, travel 00:00-00:30, and nothing between 22:30 and 22:40 (a 10-minute gap). So plow
# 2:50 h over 170 steps, travel 0:30 h over 30 steps (one step is 11.1195 m).
# T-02 of C02 works 08:00-08:30 the same date.
start=$(date -d '2026-01-15T21:00:00+09:00' +%s)
{
    echo "device_id,time,lat,lon,work"
    for i in $(seq 0 210); do
        if ((i > 90 && i < 100)); then continue; fi
        kind=plow
        if ((i >= 180)); then kind=travel; fi
        lat=$(printf '%.4f' "$(bc -l <<<"40.6250 + 0.0001 * $i")")
        echo "demo-001,$((start + 60 * i)),$lat,140.6670,$kind"
    done
    morning=$(date -d '2026-01-15T08:00:00+09:00' +%s)
    device=$(sqlite3 "$p" "SELECT device_id FROM vehicles v JOIN contractors c ON c.id = v.contractor_id WHERE c.code = 'C02' ORDER BY v.id LIMIT 1")
    for i in $(seq 0 30); do
        echo "$device,$((morning + 60 * i)),40.6300,140.6600,grade"
    done
} >"$work/track.csv"
"$ykm" track import "$p" "$work/track.csv" --no-coverage >/dev/null ||
    { echo "FAILED: track import"; exit 1; }
# A plow pass of D-01 at 22:00 on a road made class 1 and 500 m long.
sqlite3 "$p" "UPDATE road_segments SET priority = 1, length_m = 500 WHERE id = 1;
    INSERT INTO coverage_passes (segment_id, forward, vehicle_id, enter_ms, time_ms, work, blade, fraction)
    SELECT 1, 1, id, ($start + 3600) * 1000 - 60000, ($start + 3600) * 1000, 1, 0, 1.0 FROM vehicles WHERE code = 'D-01'"

csv=$work/日報.csv
if "$ykm" report daily "$p" --date 2026-01-15 --contractor C01 -o "$csv" >/dev/null &&
    [[ $(head -c 3 "$csv" | od -An -tx1 | tr -d ' ') == efbbbf ]]; then
    pass "report daily -o FILE.csv writes UTF-8 with a BOM"
else
    fail "csv not written"
fi
header=$(head -1 "$csv" | tail -c +4 | tr -d '\r')
row=$(sed -n 2p "$csv" | tr -d '\r')
if [[ $header == 日付,車両,業者コード,業者,開始,終了,稼働時間\(h\),新雪除雪\(h\)* && $(wc -l <"$csv") -eq 2 ]]; then
    pass "csv header in Japanese, one row for C01's one shift"
else
    fail "csv header: $header ($(wc -l <"$csv") lines)"
fi
IFS=, read -r -a f <<<"$row"
expected="2026-01-15 D-01 C01 2026-01-15 21:00 2026-01-16 00:30 3.33 2.83 0.00 0.00 0.00 0.00 0.50 0.00 10.0 1 0.0 2.224 0.500 0.000 0.000 1"
got="${f[0]} ${f[1]} ${f[2]} ${f[4]} ${f[5]} ${f[6]} ${f[7]} ${f[8]} ${f[9]} ${f[10]} ${f[11]} ${f[12]} ${f[13]} ${f[14]} ${f[15]} ${f[16]} ${f[17]} ${f[18]} ${f[19]} ${f[20]} ${f[21]}"
if [[ $got == "$expected" ]]; then
    pass "csv values: hours by type without the gap, gap minutes, km, km by class"
else
    fail "csv values: $got (want $expected)"
fi

json=$("$ykm" report daily "$p" --date 2026-01-15 --json)
if jq -e '(.reports | length) == 2 and .reports[0].vehicle == "D-01"
        and .reports[0].start == "2026-01-15T21:00:00+09:00"
        and (.reports[0].operating_h * 60 | round) == 200 and .reports[0].gap_min == 10
        and .reports[0].gaps[0].start == "2026-01-15T22:30:00+09:00"
        and ([.reports[0].work[].type] == ["plow", "travel"])
        and .reports[0].plowed_km_by_class["1"] == 0.5 and .reports[0].roads[0].segment == 1
        and .reports[1].contractor == "C02" and (.reports[1].work[0].hours == 0.5)' <<<"$json" >/dev/null; then
    pass "report daily --json"
else
    fail "json: $json"
fi
if [[ $("$ykm" report daily "$p" --date 2026-01-16 --json | jq '.reports | length') == 0 ]]; then
    pass "the night shift is not reported on the date it ends"
else
    fail "2026-01-16 has reports"
fi
text=$("$ykm" report daily "$p" --date 2026-01-15 --contractor C01)
if grep -q '新雪除雪 2.83 h' <<<"$text" && grep -q '未確認の欠測 10.0 min' <<<"$text"; then
    pass "text report"
else
    fail "text: $text"
fi

expect_error "bad date" 2 "2026-02-30" -- "$ykm" report daily "$p" --date 2026-02-30
expect_error "bad extension" 2 "\.ods" -- "$ykm" report daily "$p" --date 2026-01-15 -o "$work/r.ods"
expect_error "unknown contractor" 2 "contractor C99" -- "$ykm" report daily "$p" --date 2026-01-15 --contractor C99
if [[ ! -e $work/r.ods ]]; then pass "nothing written for a refused format"; else fail "r.ods written"; fi

# The workbook, read back by GDAL's XLSX driver: the shifts, and the gap on its own sheet.
"$ykm" report daily "$p" --date 2026-01-15 -o "$work/日報.xlsx" >/dev/null
shifts=$(ogr2ogr -q -f CSV /vsistdout/ -oo HEADERS=DISABLE -oo FIELD_TYPES=STRING "$work/日報.xlsx" 日報 2>&1)
gaps=$(ogr2ogr -q -f CSV /vsistdout/ -oo HEADERS=DISABLE -oo FIELD_TYPES=STRING "$work/日報.xlsx" 欠測 2>&1)
if grep -q '^2026-01-15,D-01,C01,.*"3.33333' <<<"$shifts" && grep -q '^2026-01-15,[^,]*,C02,' <<<"$shifts" &&
    grep -q '^D-01,2026-01-15 22:30,2026-01-15 22:40,"10",未確認' <<<"$gaps"; then
    pass "report daily -o FILE.xlsx: shifts and gaps sheets"
else
    fail "xlsx: $shifts / $gaps"
fi
# The printed reports: one page per vehicle and shift, each with the seal boxes.
"$ykm" report daily "$p" --date 2026-01-15 -o "$work/日報.pdf" >/dev/null
pages=$(pdfinfo "$work/日報.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
text=$(pdftotext -enc UTF-8 "$work/日報.pdf" - 2>/dev/null)
if [[ $pages == 2 ]] && [[ $(grep -c '監督員' <<<"$text") == 2 ]] &&
    grep -q '作業日報 *2026-01-15 *D-01' <<<"$text" && grep -q '未確認の欠測 10 分は含まない' <<<"$text"; then
    pass "report daily -o FILE.pdf: a signed page per shift"
else
    fail "pdf: $pages pages: $text"
fi

summary
