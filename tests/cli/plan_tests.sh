#!/usr/bin/env bash
# End-to-end test of route planning: `ykm plan` on a generated town, the stored plan read back by
# the CLI, by GDAL's ogrinfo and by the sqlite3 shell, GeoJSON output, determinism for a seed,
# and the error contract (exit 2, one line naming what is wrong, nothing stored).
#
#   tests/cli/plan_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }
plans() { sqlite3 "$p" "SELECT count(*) FROM plans"; }

# A plan for one district: class 1 first, a deadline, GeoJSON beside it.
out=$("$ykm" plan "$p" --district 南西工区 --start 21:00 --deadline 1=23:00 --rounds 20 \
    --out "$work/plan.geojson" 2>"$work/err")
rc=$?
if [[ $rc -eq 0 && $(tail -1 <<<"$out") == "plan=1" ]]; then pass "plan stored, id printed last"; else fail "plan: $rc $out $(cat "$work/err")"; fi
if grep -Eq '^class 1 done ..:.. .*deadline 23:00 (met|MISSED)' <<<"$out" &&
    grep -q '^class 3 done' <<<"$out"; then
    pass "class finishing times and the deadline reported"
else
    fail "class report: $out"
fi
# The sidewalk machine S-01 is not planned on the carriageway unless named.
if grep -q '^D-01 ' <<<"$out" && grep -q '^T-01 ' <<<"$out" && ! grep -q '^S-01 ' <<<"$out"; then
    pass "district's road plows planned, sidewalk machine left out"
else
    fail "vehicles: $out"
fi

# GeoJSON: every step a LineString in lon/lat, services carry their number and class.
if jq -e '.type == "FeatureCollection" and (.features | length) > 100
        and all(.features[]; .geometry.type == "LineString"
            and all(.geometry.coordinates[]; .[0] > 140 and .[0] < 141 and .[1] > 40 and .[1] < 41))
        and ([.features[] | select(.properties.kind == "service")] | length) > 0
        and all(.features[] | select(.properties.kind == "service"); .properties.number > 0
            and (.properties.class | IN(1, 2, 3)))
        and (.summary.vehicles | length) == 3' "$work/plan.geojson" >/dev/null; then
    pass "GeoJSON steps in WGS 84 with numbers, classes and a summary"
else
    fail "GeoJSON: $(head -c 300 "$work/plan.geojson")"
fi
# Within each vehicle, no class-1 service comes after a class-2 or class-3 one.
if jq -e '[.features[] | select(.properties.kind == "service")] | group_by(.properties.vehicle)
        | all(.[]; [.[].properties.class] as $c | $c == ($c | sort))' "$work/plan.geojson" >/dev/null; then
    pass "every route plows class 1, then 2, then 3"
else
    fail "class order in routes"
fi

# The steps are a line layer that GDAL opens as it is.
ogr_count=$(ogrinfo -ro -so "$p" plan_steps 2>/dev/null | sed -n 's/^Feature Count: //p')
db_count=$(sqlite3 "$p" "SELECT count(*) FROM plan_steps WHERE plan_id = 1")
if [[ -n $ogr_count && $ogr_count -eq $db_count && $db_count -gt 100 ]]; then
    pass "ogrinfo reads the plan_steps layer ($ogr_count lines)"
else
    fail "ogrinfo plan_steps: '$ogr_count' vs $db_count"
fi

# The same seed gives the same routes.
"$ykm" plan "$p" --district 南西工区 --start 21:00 --rounds 20 >/dev/null 2>&1
same=$(sqlite3 "$p" "SELECT count(*) FROM plan_routes a JOIN plan_routes b ON a.route_index = b.route_index
    WHERE a.plan_id = 1 AND b.plan_id = 2 AND a.services = b.services AND a.vehicle_id = b.vehicle_id")
if [[ $same -eq 3 ]]; then pass "same seed, same routes"; else fail "determinism: $same of 3 routes equal"; fi

# Show, list, export, remove.
shown=$("$ykm" plan show "$p" 1 --json)
if jq -e '.plan == 1 and (.classes."1".met | type) == "boolean" and (.vehicles | length) == 3
        and all(.vehicles[]; .service_km > 0 and .time_s > 0)' <<<"$shown" >/dev/null; then
    pass "plan show --json"
else
    fail "plan show: $shown"
fi
listed=$("$ykm" plan list "$p")
if [[ $(grep -c '南西工区' <<<"$listed") -ge 2 ]]; then pass "plan list"; else fail "plan list: $listed"; fi
if "$ykm" plan export "$p" 2 -o "$work/two.geojson" && jq -e '.summary.plan == 2' "$work/two.geojson" >/dev/null; then
    pass "plan export"
else
    fail "plan export"
fi
if "$ykm" plan remove "$p" 2 >/dev/null && [[ $(plans) -eq 1 &&
    $(sqlite3 "$p" "SELECT count(*) FROM plan_steps WHERE plan_id = 2") -eq 0 ]]; then
    pass "plan remove takes its routes and steps"
else
    fail "plan remove"
fi

# A load limit sends plows to the dump sites.
visits=$("$ykm" plan "$p" --district 南西工区 --vehicles D-01,T-01 --load-km 2 --rounds 5 --json 2>/dev/null |
    jq '[.vehicles[].site_visits] | add')
if [[ $visits -gt 0 ]]; then pass "load limit: $visits dump-site visits"; else fail "load limit: '$visits'"; fi

# Turnaround places: marked and unmarked in one transaction, unknown nodes refused.
marked=$("$ykm" plan turnaround "$p" --add 12,40)
if [[ $marked == "2 turnaround nodes: 12 40" && $(sqlite3 "$p" "SELECT group_concat(id) FROM road_nodes WHERE turnaround = 1") == "12,40" ]]; then
    pass "turnaround nodes marked"
else
    fail "turnaround: $marked"
fi
expect_error "unknown turnaround node" 2 "road node 999999 does not exist" -- "$ykm" plan turnaround "$p" --remove 12 --add 999999
if [[ $("$ykm" plan turnaround "$p") == "2 turnaround nodes: 12 40" ]]; then pass "a refused change changes nothing"; else fail "turnaround after error"; fi

# Dearer right turns make a different plan, and the plan keeps what it was asked.
"$ykm" plan "$p" --district 南西工区 --start 21:00 --rounds 20 --turn-costs 4,60,90 --json >"$work/turns.json" 2>/dev/null
turns_id=$(jq .plan "$work/turns.json")
if [[ $(sqlite3 "$p" "SELECT json_extract(request, '$.turns.right_s') FROM plans WHERE id = $turns_id") == 60.0 ]] &&
    [[ $(sqlite3 "$p" "SELECT count(*) FROM plan_routes a JOIN plan_routes b ON a.route_index = b.route_index
        WHERE a.plan_id = 1 AND b.plan_id = $turns_id AND a.services = b.services") -lt 3 ]]; then
    pass "turn costs change the plan and are stored with it"
else
    fail "turn costs"
fi

# Bad input: exit 2, one line naming the problem, no plan stored.
before=$(plans)
expect_error "unknown district" 2 "district '北極' does not exist" -- "$ykm" plan "$p" --district 北極
expect_error "unknown vehicle" 2 "vehicle 'XX' does not exist" -- "$ykm" plan "$p" --district 南西工区 --vehicles D-01,XX
expect_error "unknown depot" 2 "depot 'nowhere' does not exist" -- "$ykm" plan "$p" --district 南西工区 --depot nowhere
expect_error "bad deadline class" 2 "--deadline '4=01:00'" -- "$ykm" plan "$p" --district 南西工区 --deadline 4=01:00
expect_error "bad start" 2 "--start '25:00'" -- "$ykm" plan "$p" --district 南西工区 --start 25:00
expect_error "bad turn costs" 2 "--turn-costs '4,12'" -- "$ykm" plan "$p" --district 南西工区 --turn-costs 4,12
expect_error "no district" 2 "--district D is required" -- "$ykm" plan "$p"
expect_error "unknown plan" 2 "plan 99 does not exist" -- "$ykm" plan show "$p" 99
expect_error "unwritable GeoJSON" 2 "cannot write" -- "$ykm" plan export "$p" 1 -o "$work/no/such/dir/x.geojson"
if [[ $(plans) -eq $before ]]; then pass "nothing stored by failed plans"; else fail "plans after errors: $(plans) vs $before"; fi

summary
