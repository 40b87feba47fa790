#!/usr/bin/env bash
# End-to-end test of dispatch standards (出動基準): snow stations, observations typed in and
# imported from CSV (all rows or none), per-district thresholds, and the orders they call for,
# proposed and stored as drafts; bad input refused with exit 2 naming the field.
#
#   tests/cli/snow_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }
d1=$(sqlite3 "$p" "SELECT name FROM districts WHERE id = 1")
d2=$(sqlite3 "$p" "SELECT name FROM districts WHERE id = 2")
count() { sqlite3 "$p" "$1"; }

# Stations: one per district in the demo town, and one added by hand.
stations=$("$ykm" snow station list "$p" --json)
if jq -e --arg d "$d1" 'length == 4 and .[0].code == "S01" and .[0].district == $d
        and .[0].name == ($d + " 観測所") and .[0].lat > 40.3' <<<"$stations" >/dev/null; then
    pass "demo town has a station per district"
else
    fail "station list: $stations"
fi
"$ykm" snow station add "$p" P01 --name 浪岡 --district "$d2" --at 140.74,40.82 --actor sato >/dev/null
if "$ykm" snow station list "$p" --json | jq -e --arg d "$d2" '.[] | select(.code == "P01")
        | .name == "浪岡" and .district == $d and (.lon - 140.74) * (.lon - 140.74) < 1e-12' >/dev/null &&
    "$ykm" snow station list "$p" | grep -q "^P01 .*浪岡"; then
    pass "station add with district and position"
else
    fail "station add: $("$ykm" snow station list "$p" --json)"
fi
expect_error "duplicate station code" 2 "station code 'P01' is already used" -- "$ykm" snow station add "$p" P01
expect_error "station in an unknown district" 2 "district '工区X' does not exist" -- "$ykm" snow station add "$p" P02 --district 工区X
expect_error "bad station position" 2 "--at '140.7' is not LON,LAT" -- "$ykm" snow station add "$p" P02 --at 140.7

# Observations typed in.
"$ykm" snow add "$p" S01 --time "2026-01-10 18:00" --new 12 --depth 80 --actor sato >/dev/null
"$ykm" snow add "$p" S02 --time 2026-01-10T18:00:00+09:00 --new 7 >/dev/null
if [[ $(count "SELECT new_snow_cm || ',' || depth_cm || ',' || entered_by || ',' || source FROM snow_observations o JOIN snow_stations s ON s.id = o.station_id WHERE s.code = 'S01'") == "12.0,80.0,sato,cli" &&
    $(count "SELECT time_ms FROM snow_observations o JOIN snow_stations s ON s.id = o.station_id WHERE s.code = 'S02'") == 1768035600000 ]]; then
    pass "snow add stores the observation in JST with who entered it"
else
    fail "snow add: $(count "SELECT * FROM snow_observations")"
fi
expect_error "duplicate observation" 2 "station S01, time: there is already an observation at 2026-01-10 18:00 JST" -- "$ykm" snow add "$p" S01 --time "2026-01-10 18:00" --new 3
expect_error "negative new snow" 2 "new_snow_cm: -3 is negative" -- "$ykm" snow add "$p" S03 --time "2026-01-10 18:00" --new -3
expect_error "new snow not a number" 2 "--new 'abc' is not a number" -- "$ykm" snow add "$p" S03 --time "2026-01-10 18:00" --new abc
expect_error "implausible depth" 2 "depth_cm: 2000 is more than 1000 cm" -- "$ykm" snow add "$p" S03 --time "2026-01-10 18:00" --new 1 --depth 2000
expect_error "bad time" 2 "--time 'yesterday' is not a time" -- "$ykm" snow add "$p" S03 --time yesterday --new 1
expect_error "missing time" 2 "--time T and --new CM are required" -- "$ykm" snow add "$p" S03 --new 1
expect_error "unknown station" 2 "station S99 does not exist" -- "$ykm" snow add "$p" S99 --time "2026-01-10 18:00" --new 1

# CSV import: a bad row refuses the whole file, naming line and field.
printf 'station,time,new_snow_cm,depth_cm\nS03,2026-01-10 18:00,3,40\nS04,2026-01-10 18:00,-3,40\n' >"$work/obs.csv"
expect_error "bad CSV row" 2 "obs.csv line 3, field new_snow_cm: '-3' is negative" -- "$ykm" snow import "$p" "$work/obs.csv"
if [[ $(count "SELECT count(*) FROM snow_observations") -eq 2 ]]; then pass "bad CSV stores nothing"; else fail "bad CSV stored rows"; fi
printf '\xef\xbb\xbf観測所,日時,新積雪,積雪深\r\n"S03","2026-01-10 18:00",3,40\r\nS04,2026-01-10T10:00:00Z,1.5,\r\n' >"$work/jp.csv"
out=$("$ykm" snow import "$p" "$work/jp.csv")
if [[ $out == *"2 observations imported"* && $(count "SELECT count(*) FROM snow_observations WHERE source = 'csv:jp.csv'") -eq 2 ]]; then
    pass "CSV import with Japanese header, BOM, CRLF and quotes"
else
    fail "CSV import: $out"
fi
printf 'station,time\nS01,2026-01-11 18:00\n' >"$work/short.csv"
expect_error "CSV without new snow" 2 "short.csv line 1: no column new_snow_cm" -- "$ykm" snow import "$p" "$work/short.csv"
expect_error "CSV that does not exist" 2 "nothing.csv: cannot open" -- "$ykm" snow import "$p" "$work/nothing.csv"

listed=$("$ykm" snow list "$p" --from "2026-01-10 18:00" --to "2026-01-10 18:01" --json)
if jq -e 'length == 3 and (map(.station) | sort) == ["S01", "S02", "S03"] and .[0].time == "2026-01-10T18:00:00+09:00"' <<<"$listed" >/dev/null &&
    [[ $("$ykm" snow list "$p" --json | jq length) -eq 4 ]] && "$ykm" snow list "$p" | grep -q "S04"; then
    pass "snow list with a time range"
else
    fail "snow list: $listed"
fi
expect_error "bad --from" 2 "--from: 'soon' is not a time" -- "$ykm" snow list "$p" --from soon

# Standards per district.
"$ykm" snow standard "$p" "$d2" --cm 15 --priority-cm 8 >/dev/null
"$ykm" snow standard "$p" "$d2" --cm 14 >/dev/null
standards=$("$ykm" snow standards "$p" --json)
if jq -e '.[1].standard_cm == 14 and .[1].priority_standard_cm == 8 and (.[1].standard_is_default | not)
        and .[0].standard_cm == 10 and .[0].priority_standard_cm == 5 and .[0].standard_is_default' <<<"$standards" >/dev/null; then
    pass "a district's standards, the other one kept"
else
    fail "standards: $standards"
fi
"$ykm" snow standard "$p" "$d2" --default >/dev/null
if "$ykm" snow standards "$p" | grep -q "$d2 .*standard 10 cm (default), priority standard 5 cm (default)"; then
    pass "standards back to the defaults"
else
    fail "default: $("$ykm" snow standards "$p")"
fi
expect_error "priority above standard" 2 "priority_standard_cm: 5 cm is above the standard of 3 cm" -- "$ykm" snow standard "$p" "$d1" --cm 3
expect_error "standard not a number" 2 "--cm 'ten' is not a number" -- "$ykm" snow standard "$p" "$d1" --cm ten
expect_error "standard not positive" 2 "standard_cm: 0 is not in .0, 500. cm" -- "$ykm" snow standard "$p" "$d1" --cm 0 --priority-cm 0.5
expect_error "standard without values" 2 "give --cm, --priority-cm or --default" -- "$ykm" snow standard "$p" "$d1"
expect_error "standard of unknown district" 2 "district '工区X' does not exist" -- "$ykm" snow standard "$p" 工区X --cm 12

# Proposals: S01 12 cm passes the standard in district 1, S02 7 cm only the priority standard
# in district 2, S03 3 cm and S04 1.5 cm pass nothing.
proposed=$("$ykm" order propose "$p" --at "2026-01-10 20:00" --json)
class1=$(count "SELECT count(*) FROM road_segments WHERE district_id = 2 AND priority = 1")
all1=$(count "SELECT count(*) FROM road_segments WHERE district_id = 1 AND priority IS NOT NULL")
if jq -e --arg d1 "$d1" --argjson c1 "$class1" --argjson a1 "$all1" '(.proposals | length) == 2
        and .window.from == "2026-01-10T21:00:00+09:00" and .window.to == "2026-01-11T06:00:00+09:00"
        and .proposals[0].district == $d1 and .proposals[0].station == "S01"
        and (.proposals[0].priority_only | not) and .proposals[0].threshold_cm == 10
        and (.proposals[0].segments | length) == $a1 and .proposals[0].contractor == "C01"
        and (.proposals[0].vehicles | length) == 4 and .proposals[0].km > 0
        and .proposals[1].priority_only and .proposals[1].threshold_cm == 5
        and (.proposals[1].segments | length) == $c1 and .proposals[1].order == null' <<<"$proposed" >/dev/null; then
    pass "proposals: standard and priority standard"
else
    fail "propose: $proposed"
fi
ids=$(jq -r '.proposals[1].segments | join(",")' <<<"$proposed")
if [[ -n $ids && $(count "SELECT count(*) FROM road_segments WHERE id IN ($ids) AND priority <> 1") -eq 0 ]]; then
    pass "priority-only proposal has class 1 roads only"
else
    fail "priority-only roads: $ids"
fi
if "$ykm" order propose "$p" --at "2026-01-10 20:00" | grep -q "station S01 new snow 12 cm at 2026-01-10 18:00 >= standard 10 cm: $all1 roads (classes 1-3), .* km, contractor C01"; then
    pass "propose prints district, station, cm against threshold, roads, km and contractor"
else
    fail "propose text: $("$ykm" order propose "$p" --at "2026-01-10 20:00")"
fi
if [[ $("$ykm" order propose "$p" --at "2026-01-12 20:00" --json | jq '.proposals | length') -eq 0 ]]; then
    pass "old observations outside the lookback propose nothing"
else
    fail "lookback"
fi

# --create stores drafts; a second run leaves out the districts now ordered.
created=$("$ykm" order propose "$p" --at "2026-01-10 20:00" --create --actor sato)
numbers=$(sed -n 's/^order=//p' <<<"$created" | tr '\n' ' ')
n1=$(sed -n 's/^order=//p' <<<"$created" | head -1)
if [[ $(wc -w <<<"$numbers") -eq 2 && $(count "SELECT count(*) FROM orders WHERE status = 'draft' AND work_type = 'plow'") -eq 2 ]] &&
    [[ $(count "SELECT instructions FROM orders WHERE number = '$n1'") == "出動基準超過: 観測所 S01 新積雪 12 cm (2026-01-10 18:00)"* ]] &&
    [[ $(count "SELECT actor FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = '$n1'") == sato ]]; then
    pass "propose --create stores drafts: $numbers"
else
    fail "create: $created"
fi
if "$ykm" order propose "$p" --at "2026-01-10 20:30" | grep -q "no district to dispatch"; then
    pass "districts with an open order are left out"
else
    fail "second propose: $("$ykm" order propose "$p" --at "2026-01-10 20:30")"
fi

expect_error "bad --window" 2 "--window '21:00' is not HH:MM-HH:MM" -- "$ykm" order propose "$p" --window 21:00
expect_error "bad --at" 2 "--at 'tonight' is not a time" -- "$ykm" order propose "$p" --at tonight
expect_error "bad --lookback-h" 2 "--lookback-h" -- "$ykm" order propose "$p" --lookback-h -5

# Every change is in the audit log, and the chain holds.
actions=$(count "SELECT group_concat(DISTINCT action) FROM (SELECT action FROM audit_log WHERE action LIKE 'snow.%' OR action LIKE 'district.%' ORDER BY action)")
if [[ $actions == "district.standard.set,snow.import,snow.observation.record,snow.station.add" ]] && "$ykm" audit verify "$p" >/dev/null; then
    pass "changes audited ($actions), chain intact"
else
    fail "audit: $actions"
fi

summary
