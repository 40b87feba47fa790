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

summary
