#!/usr/bin/env bash
# End-to-end tests of `ykm fleet`: contractors and vehicles in a real demo project, CSV import
# (all or nothing), refusals with one line on stderr and exit 2, and GDAL still opening the file.
# usage: fleet_tests.sh YKM
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
if "$ykm" demo-town -o "$town" --seed 4 --size small --vehicles-per-district 3 >/dev/null; then
    pass "demo-town with a fleet"
else
    fail "demo-town with a fleet"
fi

# The small town has 4 districts: 4 contractors, 3 vehicles each, devices demo-001...demo-012.
list=$("$ykm" fleet list "$town")
if grep -q '^Contractors: 4$' <<<"$list" && grep -q '^Vehicles: 12$' <<<"$list" &&
    grep -q 'C01 .*雪国建設株式会社' <<<"$list" && grep -q 'D-01 .*dozer .*3.7 m .*demo-001' <<<"$list"; then
    pass "fleet list shows the demo fleet"
else
    fail "fleet list: $list"
fi

json=$("$ykm" fleet list "$town" --json)
if [[ $(jq '.vehicles | length' <<<"$json") == 12 &&
    $(jq -r '[.vehicles[].device_id] | sort | first' <<<"$json") == demo-001 &&
    $(jq -r '[.vehicles[] | select(.district == null)] | length' <<<"$json") == 0 ]]; then
    pass "demo vehicles have devices and districts"
else
    fail "demo fleet JSON: $json"
fi

# --- add ------------------------------------------------------------------------------------
if "$ykm" fleet add "$town" contractor --code C90 --name 北星工業株式会社 --phone 017-700-9000 >/dev/null &&
    "$ykm" fleet add "$town" vehicle --code R-1 --type ロータリ除雪車 --contractor C90 \
        --plate '青森 900 ろ 1-01' --width 2.6 --device unit-r1 --district 北東工区 >/dev/null; then
    pass "add a contractor and a vehicle"
else
    fail "add a contractor and a vehicle"
fi
json=$("$ykm" fleet list "$town" --json)
r1=$(jq -c '.vehicles[] | select(.code == "R-1") | [.type, .plow_width_m, .contractor, .device_id, .district, .plate]' <<<"$json")
if [[ $r1 == '["rotary_blower",2.6,"C90","unit-r1","北東工区","青森 900 ろ 1-01"]' &&
    $(jq -r '.contractors[] | select(.code == "C90") | .phone' <<<"$json") == 017-700-9000 ]]; then
    pass "list --json shows what was added"
else
    fail "list --json: $r1"
fi

expect_error "duplicate device id refused" 2 "device id 'demo-001' is already used by vehicle D-01" -- \
    "$ykm" fleet add "$town" vehicle --code R-2 --type dozer --contractor C90 --device demo-001
expect_error "unknown contractor refused" 2 "contractor 'C9' does not exist" -- \
    "$ykm" fleet add "$town" vehicle --code R-2 --type dozer --contractor C9
expect_error "plow width over 10 m refused" 2 "vehicle R-2: plow width 12 m is outside \(0, 10\] m" -- \
    "$ykm" fleet add "$town" vehicle --code R-2 --type dozer --contractor C90 --width 12
expect_error "unknown machine type refused" 2 "'bulldozer' is not a machine type \(dozer, motor_grader" -- \
    "$ykm" fleet add "$town" vehicle --code R-2 --type bulldozer --contractor C90
expect_error "missing required option" 2 "--code, --type and --contractor are required" -- \
    "$ykm" fleet add "$town" vehicle --code R-2
if [[ $("$ykm" fleet list "$town" --json | jq '.vehicles | length') == 13 ]]; then
    pass "refused vehicles were not stored"
else
    fail "refused vehicles were stored"
fi

# --- import ---------------------------------------------------------------------------------
printf '%s\n' 'code,type,plate,width_m,contractor,contractor_name,device_id,district' \
    'H-1,dump_truck,"青森 100 は 8-01",2.5,C50,"白銀運輸株式会社, 青森",csv-h1,南西工区' \
    'H-2,ダンプ,,2.5,C50,,csv-h2,1' \
    'D-01,dozer,,3.5,,,,' >"$work/good.csv"
if "$ykm" fleet import "$town" "$work/good.csv" | grep -q '3 vehicles imported'; then
    pass "import a CSV file"
else
    fail "import a CSV file"
fi
json=$("$ykm" fleet list "$town" --json)
if [[ $(jq '.vehicles | length' <<<"$json") == 15 &&
    $(jq -r '.contractors[] | select(.code == "C50") | .name' <<<"$json") == '白銀運輸株式会社, 青森' &&
    $(jq -r '.vehicles[] | select(.code == "H-2") | .district' <<<"$json") == 南西工区 &&
    $(jq '.vehicles[] | select(.code == "D-01") | .plow_width_m' <<<"$json") == 3.5 &&
    $(jq -r '.vehicles[] | select(.code == "D-01") | .device_id' <<<"$json") == demo-001 ]]; then
    pass "imported rows are stored and an existing vehicle updated"
else
    fail "after import: $json"
fi

# CP932, as Excel saves it in Japanese offices.
printf '%s\r\n' 'code,type,contractor,contractor_name' 'M-1,モーターグレーダ,C51,津軽道路株式会社' |
    iconv -f UTF-8 -t CP932 >"$work/sjis.csv"
if "$ykm" fleet import "$town" "$work/sjis.csv" >/dev/null &&
    [[ $("$ykm" fleet list "$town" --json | jq -r '.contractors[] | select(.code == "C51") | .name') == 津軽道路株式会社 ]]; then
    pass "import a CP932 file"
else
    fail "import a CP932 file"
fi

before=$("$ykm" fleet list "$town" --json)
printf '%s\n' 'code,type,contractor' 'B-1,dozer,C60' 'B-2,xyz,C60' 'B-3,dozer,C60' >"$work/bad.csv"
expect_error "bad type names the file, line 3 and the column" 2 \
    "bad\.csv:3: column 'type': 'xyz' is not a machine type \(dozer, motor_grader" -- \
    "$ykm" fleet import "$town" "$work/bad.csv"
if [[ $("$ykm" fleet list "$town" --json) == "$before" ]]; then
    pass "a failed import changes nothing"
else
    fail "a failed import changed the fleet"
fi
printf '%s\n' 'code,type,contractor,device_id' 'B-1,dozer,C60,unit-r1' >"$work/dup.csv"
expect_error "import refuses a device id in use" 2 "dup\.csv:2: column 'device_id': .*'unit-r1' is already used by vehicle R-1" -- \
    "$ykm" fleet import "$town" "$work/dup.csv"
expect_error "import of a missing file" 2 "nothere\.csv" -- "$ykm" fleet import "$town" "$work/nothere.csv"

# --- remove ---------------------------------------------------------------------------------
expect_error "a contractor with vehicles stays" 2 "contractor C90 still has 1 vehicle \(R-1\)" -- \
    "$ykm" fleet remove "$town" contractor C90
if "$ykm" fleet remove "$town" vehicle R-1 >/dev/null && "$ykm" fleet remove "$town" contractor C90 >/dev/null &&
    ! "$ykm" fleet list "$town" | grep -q 'R-1\|C90'; then
    pass "remove a vehicle, then its contractor"
else
    fail "remove a vehicle, then its contractor"
fi
expect_error "removing an unknown vehicle" 2 "vehicle 'R-1' does not exist" -- "$ykm" fleet remove "$town" vehicle R-1

# --- the rest -------------------------------------------------------------------------------
if "$ykm" fleet --help | grep -q 'ykm fleet import PROJECT FILE.csv'; then pass "fleet --help"; else fail "fleet --help"; fi
expect_error "unknown subcommand" 2 "fleet: unknown subcommand 'rename'" -- "$ykm" fleet rename "$town"

# 12 demo vehicles + R-1 + H-1, H-2 + M-1 - R-1 = 15.
info=$("$ykm" info "$town" --json)
if [[ $(jq .fleet.vehicles <<<"$info") == 15 && $(jq .season_log.fixes <<<"$info") == 0 ]]; then
    pass "info counts the fleet"
else
    fail "info: $(jq -c '.fleet, .season_log' <<<"$info")"
fi

# GDAL opens the project as it is, fleet tables included.
if ogrinfo -ro -so "$town" vehicles 2>/dev/null | grep -q '^Feature Count: 15$' &&
    ogrinfo -ro -so "$town" road_segments >/dev/null 2>&1; then
    pass "ogrinfo still opens the project"
else
    fail "ogrinfo: $(ogrinfo -ro -so "$town" vehicles 2>&1 | head -5)"
fi

# --- home depot and shift -------------------------------------------------------------------
# The small town has two depots, 第1除雪基地 in the first district and 第2除雪基地 in the third.
json=$("$ykm" fleet list "$town" --json)
if [[ $(jq -c '.vehicles[] | select(.code == "D-01") | [.depot_id, .depot, .shift_h]' <<<"$json") == '[1,"第1除雪基地",8]' &&
    $(jq '[.vehicles[] | select(.device_id != null and (.device_id | startswith("demo-"))) | select(.depot == null or .shift_h == null)] | length' <<<"$json") == 0 &&
    $(jq -c '[.vehicles[] | select(.device_id != null and (.device_id | startswith("demo-"))) | {type, shift_h}] | unique | sort_by(.type) | map([.type, .shift_h])' <<<"$json") == '[["dozer",8],["dump_truck",10],["motor_grader",8],["plow_truck",8],["small_machine",10]]' ]]; then
    pass "demo vehicles have a home depot and a shift"
else
    fail "demo depots and shifts: $(jq -c '[.vehicles[] | [.code, .depot, .shift_h]]' <<<"$json")"
fi
if "$ykm" fleet add "$town" contractor --code C91 --name 岩木除雪株式会社 >/dev/null &&
    "$ykm" fleet add "$town" vehicle --code W-1 --type plow_truck --contractor C91 --depot 第2除雪基地 --shift-h 9.5 >/dev/null &&
    "$ykm" fleet add "$town" vehicle --code W-2 --type dozer --contractor C91 --depot 1 >/dev/null; then
    pass "add vehicles with --depot (name, id) and --shift-h"
else
    fail "add vehicles with --depot and --shift-h"
fi
json=$("$ykm" fleet list "$town" --json)
w1=$(jq -c '.vehicles[] | select(.code == "W-1") | [.depot_id, .depot, .shift_h]' <<<"$json")
w2=$(jq -c '.vehicles[] | select(.code == "W-2") | [.depot_id, .depot, .shift_h]' <<<"$json")
if [[ $w1 == '[2,"第2除雪基地",9.5]' && $w2 == '[1,"第1除雪基地",null]' ]]; then
    pass "list --json shows depot_id, depot and shift_h"
else
    fail "list --json depots: $w1 $w2"
fi
list=$("$ykm" fleet list "$town")
if grep -q 'W-1 .*plow_truck .*9\.5 h .*C91 .*第2除雪基地' <<<"$list" &&
    grep -q 'W-2 .*dozer .* -  .*C91 .*第1除雪基地' <<<"$list" &&
    grep -q 'D-01 .*dozer .*3.5 m  8 h .*第1除雪基地' <<<"$list"; then
    pass "fleet list shows the depot and the shift"
else
    fail "fleet list with depots: $(grep 'W-\|D-01' <<<"$list")"
fi
expect_error "unknown depot refused" 2 "depot '第9除雪基地' does not exist in .*town\.ykm \(give its name or id\)" -- \
    "$ykm" fleet add "$town" vehicle --code W-3 --type dozer --contractor C91 --depot 第9除雪基地
expect_error "unknown depot id refused" 2 "depot '99' does not exist" -- \
    "$ykm" fleet add "$town" vehicle --code W-3 --type dozer --contractor C91 --depot 99
expect_error "shift over 24 h refused" 2 "vehicle W-3: shift 25 h is outside \(0, 24\] h" -- \
    "$ykm" fleet add "$town" vehicle --code W-3 --type dozer --contractor C91 --shift-h 25
expect_error "shift of 0 h refused" 2 "vehicle W-3: shift 0 h is outside \(0, 24\] h" -- \
    "$ykm" fleet add "$town" vehicle --code W-3 --type dozer --contractor C91 --shift-h 0
expect_error "shift not a number refused" 2 "fleet add: --shift-h 'long' is not a number of hours" -- \
    "$ykm" fleet add "$town" vehicle --code W-3 --type dozer --contractor C91 --shift-h long
expect_error "--depot is not an option of contractors" 2 "fleet add contractor: --depot is an option of vehicles" -- \
    "$ykm" fleet add "$town" contractor --code C92 --name 北 --depot 1
if [[ $("$ykm" fleet list "$town" --json | jq '[.vehicles[] | select(.code == "W-3")] | length') == 0 ]]; then
    pass "refused vehicles with a bad depot or shift were not stored"
else
    fail "a refused vehicle with a bad depot or shift was stored"
fi

printf '%s\n' 'code,type,contractor,depot,shift_h' 'W-4,dump_truck,C91,第1除雪基地,11' 'W-5,dump_truck,C91,2,' \
    'W-1,,,,' >"$work/depots.csv"
if "$ykm" fleet import "$town" "$work/depots.csv" | grep -q '3 vehicles imported'; then
    json=$("$ykm" fleet list "$town" --json)
    got=$(jq -c '[.vehicles[] | select(.code | startswith("W-")) | [.code, .depot, .shift_h]]' <<<"$json")
    if [[ $got == '[["W-1","第2除雪基地",9.5],["W-2","第1除雪基地",null],["W-4","第1除雪基地",11],["W-5","第2除雪基地",null]]' ]]; then
        pass "import depot (name, id) and shift_h; empty cells keep them"
    else
        fail "import depots: $got"
    fi
else
    fail "import a CSV file with depot and shift_h"
fi
printf '%s\n' 'code,type,contractor,depot,shift_h' 'W-6,dozer,C91,1,8' 'W-7,dozer,C91,東除雪基地,8' >"$work/baddepot.csv"
expect_error "bad depot names the file, line 3 and the column" 2 \
    "baddepot\.csv:3: column 'depot': '東除雪基地' is not a depot of the project \(name or id\)" -- \
    "$ykm" fleet import "$town" "$work/baddepot.csv"
printf '%s\n' 'code,type,contractor,shift_h' 'W-6,dozer,C91,30' >"$work/badshift.csv"
expect_error "bad shift names the file, line and column" 2 \
    "badshift\.csv:2: column 'shift_h': vehicle W-6: shift 30 h is outside \(0, 24\] h" -- \
    "$ykm" fleet import "$town" "$work/badshift.csv"
if [[ $("$ykm" fleet list "$town" --json | jq '[.vehicles[] | select(.code == "W-6" or .code == "W-7")] | length') == 0 ]]; then
    pass "failed depot and shift imports change nothing"
else
    fail "a failed depot or shift import stored vehicles"
fi
if "$ykm" fleet --help | grep -q -- '--depot NAME|ID\] \[--shift-h H\]'; then
    pass "fleet --help names --depot and --shift-h"
else
    fail "fleet --help lacks --depot and --shift-h"
fi

summary
