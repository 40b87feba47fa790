#!/usr/bin/env bash
# End-to-end test of storm KPIs (`ykm report storm`): a storm of known passes, one order issued
# and two vehicles' fixes; the storm list, JSON figures, CSV and XLSX tables, PNG and PDF charts,
# and bad options refused with one line.
#
#   tests/cli/storm_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }

# The dispatch: 2026-01-15 21:00 JST.
d=$(date -d '2026-01-15T21:00:00+09:00' +%s)
dms=$((d * 1000))
min=60000
# Only three classed roads, in the first district: 1 class 1 two-way 1000 m, 2 class 1 one-way
# 500 m (class 1: 2.5 km), 3 class 2 two-way 250 m (class 2: 0.5 km). Passes (minutes after
# dispatch): 1 forward 30, 1 backward 90, 3 forward 60 (plow); 2 forward 150 (blade down, work
# unknown); 2 backward 40 (the wrong way: not counted); 1 forward 20 travel (does not clear).
sqlite3 "$p" "UPDATE road_segments SET priority = NULL;
    UPDATE road_segments SET priority = 1, oneway = 0, length_m = 1000,
        district_id = (SELECT min(id) FROM districts) WHERE id = 1;
    UPDATE road_segments SET priority = 1, oneway = 1, length_m = 500,
        district_id = (SELECT min(id) FROM districts) WHERE id = 2;
    UPDATE road_segments SET priority = 2, oneway = 0, length_m = 250 WHERE id = 3;
    DELETE FROM coverage_passes;
    INSERT INTO coverage_passes (segment_id, forward, vehicle_id, enter_ms, time_ms, work, blade, fraction) VALUES
        (1, 1, 1, $dms + 29 * $min, $dms + 30 * $min, 1, 0, 1.0),
        (1, 0, 1, $dms + 89 * $min, $dms + 90 * $min, 1, 0, 1.0),
        (3, 1, 1, $dms + 59 * $min, $dms + 60 * $min, 1, 0, 1.0),
        (2, 1, 1, $dms + 149 * $min, $dms + 150 * $min, 0, 2, 1.0),
        (2, 0, 1, $dms + 39 * $min, $dms + 40 * $min, 1, 0, 1.0),
        (1, 1, 1, $dms + 19 * $min, $dms + 20 * $min, 6, 1, 1.0)" ||
    { echo "FAILED: sqlite3"; exit 1; }
district=$(sqlite3 "$p" "SELECT name FROM districts ORDER BY id LIMIT 1")

# One order, issued at 21:00 (the time set afterwards: the command records the time it runs).
order=$("$ykm" order create "$p" --contractor C01 --segments 1,2 | sed -n 's/^order=//p')
"$ykm" order issue "$p" "$order" >/dev/null || { echo "FAILED: order issue"; exit 1; }
sqlite3 "$p" "UPDATE order_events SET time_ms = $dms WHERE to_status = 'issued'"

# Two vehicles: the first plows at 5 m/s from 20:55 to 21:30 (working at 21:00, offline from
# 21:40); the second stands with its engine on from 21:50 to 00:00 (offline at 21:00, idle after).
read -r dev1 dev2 < <(sqlite3 "$p" "SELECT device_id FROM vehicles WHERE device_id IS NOT NULL ORDER BY id LIMIT 2" | tr '\n' ' ')
{
    echo "device_id,time,lat,lon,speed,work"
    for i in $(seq 0 35); do
        lat=$(printf '%.4f' "$(bc -l <<<"40.6250 + 0.0026 * $i")")
        echo "$dev1,$((d - 300 + 60 * i)),$lat,140.6670,5,plow"
    done
    for i in $(seq 0 26); do
        echo "$dev2,$((d + 3000 + 300 * i)),40.6300,140.6600,0,travel"
    done
} >"$work/track.csv"
"$ykm" track import "$p" "$work/track.csv" --no-coverage >/dev/null ||
    { echo "FAILED: track import"; exit 1; }

list=$("$ykm" report storm "$p" --list --json)
if jq -e 'length == 1 and .[0].dispatch == "2026-01-15T21:00:00+09:00"
        and .[0].start == "2026-01-15T21:00:00+09:00" and .[0].end == "2026-01-15T23:30:00+09:00"
        and .[0].orders_issued == 1 and .[0].vehicles_working == 1' <<<"$list" >/dev/null; then
    pass "report storm --list: one storm, dispatched by the order issued at 21:00"
else
    fail "list: $list"
fi

window=(--from "2026-01-15 20:00" --to "2026-01-16 00:00" --step 60)
json=$("$ykm" report storm "$p" "${window[@]}" --json)
if jq -e '.dispatch == "2026-01-15T21:00:00+09:00" and .end == "2026-01-16T00:00:00+09:00"
        and (.steps | length) == 4 and .vehicles_reporting == 2
        and ([.steps[].classes["1"].done_km] == [0, 1, 2, 2.5])
        and ([.steps[].classes["1"].percent] == [0, 40, 80, 100])
        and .steps[0].classes["1"].required_km == 2.5
        and ([.steps[].classes["2"].done_km] == [0, 0.25, 0.25, 0.25])
        and .steps[3].classes["2"].percent == 50 and .steps[3].classes["3"].required_km == 0
        and ([.steps[] | [.working, .idle, .offline]] == [[1, 0, 1], [0, 1, 1], [0, 1, 1], [0, 1, 1]])
        and (.class1_by_district | length) == 1
        and .class1_by_district[0].hours_to_90 == 2.5
        and .class1_by_district[0].hours_to_cleared == 2.5' <<<"$json" >/dev/null; then
    pass "report storm --json: km by class, vehicles by state, class-1 clearing time"
else
    fail "json: $json"
fi

csv=$work/storm.csv
if "$ykm" report storm "$p" "${window[@]}" -o "$csv" >/dev/null &&
    [[ $(head -c 3 "$csv" | od -An -tx1 | tr -d ' ') == efbbbf ]]; then
    pass "report storm -o FILE.csv writes UTF-8 with a BOM"
else
    fail "csv not written"
fi
header=$(head -1 "$csv" | tail -c +4 | tr -d '\r')
if [[ $header == "時刻,出動後(h),第1種除雪済(km),第1種除雪率(%),第2種除雪済(km),第2種除雪率(%),第3種除雪済(km),第3種除雪率(%),作業中(台),非作業(台),通信途絶(台)" ]]; then
    pass "csv header in Japanese"
else
    fail "csv header: $header"
fi
if grep -q $'^2026-01-15 22:00,1.00,1.000,40.0,0.250,50.0,0.000,0.0,0,1,1\r$' "$csv" &&
    grep -q $'^2026-01-16 00:00,3.00,2.500,100.0,0.250,50.0,0.000,0.0,0,1,1\r$' "$csv" &&
    [[ $(wc -l <"$csv") -eq 5 ]]; then
    pass "csv values: one row a step"
else
    fail "csv values: $(cat "$csv")"
fi

xlsx=$work/storm.xlsx
"$ykm" report storm "$p" "${window[@]}" -o "$xlsx" >/dev/null
clearing=$(ogr2ogr -q -f CSV /vsistdout/ -oo HEADERS=DISABLE -oo FIELD_TYPES=STRING "$xlsx" 第1種除雪完了 2>&1)
if grep -q "^$district,\"2.5\",\"2.5\",\"100\",\"2.5\",\"2.5\"" <<<"$clearing"; then
    pass "xlsx sheet 第1種除雪完了: 90 % and 100 % at 2.5 h"
else
    fail "xlsx: $clearing"
fi

png=$work/storm.png
pdf=$work/storm.pdf
if "$ykm" report storm "$p" "${window[@]}" --chart "$png" >/dev/null &&
    [[ $(head -c 4 "$png" | tail -c 3) == PNG ]]; then
    pass "--chart FILE.png"
else
    fail "png chart"
fi
if "$ykm" report storm "$p" "${window[@]}" --chart "$pdf" >/dev/null &&
    pdftotext -enc UTF-8 "$pdf" - | grep -q "除雪の進捗 2026-01-15 21:00"; then
    pass "--chart FILE.pdf has the title with the dispatch time"
else
    fail "pdf chart: $(pdftotext -enc UTF-8 "$pdf" - 2>&1 | head -3)"
fi

en=$work/storm-en.csv
"$ykm" report storm "$p" "${window[@]}" --lang en -o "$en" >/dev/null
if head -1 "$en" | grep -q "^.*Time (JST),Hours since dispatch,Class 1 cleared (km)"; then
    pass "--lang en titles the columns in English"
else
    fail "english csv: $(head -1 "$en")"
fi

text=$("$ykm" report storm "$p")
if grep -q "2026-01-15T21:00:00+09:00 出動" <<<"$text" && grep -q "第1種  2.500 / 2.500 km  100.0 %" <<<"$text"; then
    pass "without a window: the latest storm, as text"
else
    fail "text: $text"
fi

expect_error "--from without --to" 2 "--from and --to" -- "$ykm" report storm "$p" --from "2026-01-15 20:00"
expect_error "bad chart format" 2 "\.svg" -- "$ykm" report storm "$p" "${window[@]}" --chart "$work/c.svg"
expect_error "bad table format" 2 "\.txt" -- "$ykm" report storm "$p" "${window[@]}" -o "$work/t.txt"
expect_error "bad language" 2 "--lang fr" -- "$ykm" report storm "$p" --lang fr
expect_error "zero step" 2 "--step 0" -- "$ykm" report storm "$p" "${window[@]}" --step 0
expect_error "end before start" 2 "before" -- "$ykm" report storm "$p" --from "2026-01-16 00:00" --to "2026-01-15 00:00"
if [[ ! -e $work/c.svg && ! -e $work/t.txt ]]; then pass "nothing written for a refused format"; else fail "file written"; fi

summary
