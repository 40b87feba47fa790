#!/usr/bin/env bash
# End-to-end tests of `ykm plan sheet` and `ykm plan gpx`: a demo town's district planned, its
# driver sheets checked with pdfinfo and pdftotext (poppler-utils), its GPX files with xmllint
# when installed; unknown plans, vehicles and unwritable outputs exit 2 with one line on stderr
# and leave no file behind.
# usage: plan_sheet_tests.sh YKM
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
"$ykm" demo-town -o "$town" --size small >/dev/null || fail "demo-town"
district=$("$ykm" info "$town" --json | jq -r '.districts[0].name')

# A load limit makes dump-site visits, so the sheets show those too.
out=$("$ykm" plan "$town" --district "$district" --start 21:00 --time-limit 5 --load-km 3 \
    --out "$work/plan.geojson" 2>"$work/plan.err")
plan=$(sed -n 's/^plan=\([0-9][0-9]*\)$/\1/p' <<<"$out" | tail -n 1)
if [[ -n $plan ]]; then
    pass "planned $district as plan $plan"
else
    fail "ykm plan printed no plan=N: $out $(cat "$work/plan.err")"
    summary
    exit 1
fi
vehicles=$(jq -r '[.features[].properties.vehicle] | unique | .[]' "$work/plan.geojson")
vehicle_count=$(grep -c . <<<"$vehicles")
first_vehicle=$(head -n 1 <<<"$vehicles")

# --- PDF ----------------------------------------------------------------------------------
pdf=$work/sheet.pdf
if "$ykm" plan sheet "$town" "$plan" -o "$pdf" >/dev/null; then
    pass "plan sheet writes a PDF"
else
    fail "plan sheet exit $?"
fi
pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
text=$(pdftotext -enc UTF-8 "$pdf" - 2>/dev/null)
# Every plow starts a page of its own ("1 / N"); long lists go on over continuation pages.
first_pages=$(grep -cE '^1 ?/ ?[0-9]+$' <<<"$text")
if [[ ${pages:-0} -ge $vehicle_count && $first_pages -eq $vehicle_count ]]; then
    pass "$vehicle_count plows on $pages pages, each starting a page"
else
    fail "pages=$pages first pages=$first_pages, want $vehicle_count plows"
fi
missing=""
for v in $vehicles; do
    grep -q -- "$v" <<<"$text" || missing+=" $v"
done
if [[ -z $missing ]]; then
    pass "every vehicle code is on the sheets"
else
    fail "vehicle codes missing from the sheets:$missing"
fi
if grep -Eq '右折|左折' <<<"$text"; then
    pass "the turn-by-turn list has turns"
else
    fail "no 右折/左折 in the sheets"
fi
streets=$("$ykm" export "$town" road_segments "$work/roads.geojson" >/dev/null &&
    jq -r '[.features[].properties.name | select(. != null and . != "")] | unique | .[]' \
        "$work/roads.geojson")
found_street=""
while IFS= read -r name; do
    if [[ -n $name ]] && grep -qF -- "$name" <<<"$text"; then
        found_street=$name
        break
    fi
done <<<"$streets"
if [[ -n $found_street ]]; then
    pass "the sheets name streets of the project ($found_street)"
else
    fail "no street name of the project in the sheets"
fi
if grep -q '到着' <<<"$text" && grep -Eq '2[0-9]:[0-5][0-9]' <<<"$text"; then
    pass "the list ends at the depot and shows JST times"
else
    fail "no 到着 or no evening time in the sheets"
fi

one=$work/one.pdf
"$ykm" plan sheet "$town" "$plan" -o "$one" --vehicle "$first_vehicle" >/dev/null
one_text=$(pdftotext -enc UTF-8 "$one" - 2>/dev/null)
others=0
for v in $vehicles; do
    [[ $v != "$first_vehicle" ]] && grep -q -- "$v" <<<"$one_text" && others=$((others + 1))
done
if grep -q -- "$first_vehicle" <<<"$one_text" && [[ $others -eq 0 &&
    $(grep -cE '^1 ?/ ?[0-9]+$' <<<"$one_text") -eq 1 ]]; then
    pass "--vehicle $first_vehicle prints that plow only"
else
    fail "--vehicle $first_vehicle: $others other vehicles on it, or not one plow's sheet"
fi

# --- GPX ----------------------------------------------------------------------------------
gpx_dir=$work/gpx
if "$ykm" plan gpx "$town" "$plan" -o "$gpx_dir" >/dev/null; then
    pass "plan gpx writes a folder"
else
    fail "plan gpx exit $?"
fi
missing=""
for v in $vehicles; do
    [[ -s $gpx_dir/$v.gpx ]] || missing+=" $v"
done
if [[ -z $missing && $(find "$gpx_dir" -type f | wc -l) -eq $vehicle_count ]]; then
    pass "one GPX per plow"
else
    fail "GPX files missing:$missing; folder holds: $(ls "$gpx_dir")"
fi
gpx=$gpx_dir/$first_vehicle.gpx
rtepts=$(grep -c '<rtept ' "$gpx")
trkpts=$(grep -c '<trkpt ' "$gpx")
# Every point within the demo town's lon/lat box.
outside=$("$ykm" info "$town" --json | jq -r '.extent_lonlat | map(tostring) | join(" ")' |
    {
        read -r w s e n
        grep -oE 'lat="[-0-9.]+" lon="[-0-9.]+"' "$gpx" | sed 's/[a-z="]//g' |
            awk -v w="$w" -v s="$s" -v e="$e" -v n="$n" \
                '{ if ($1 < s - 0.001 || $1 > n + 0.001 || $2 < w - 0.001 || $2 > e + 0.001) bad++ }
                 END { print bad + 0 }'
    })
if [[ $rtepts -gt 2 && $trkpts -gt $rtepts && $outside -eq 0 ]]; then
    pass "GPX route ($rtepts points) and track ($trkpts points) inside the town"
else
    fail "GPX: $rtepts route points, $trkpts track points, $outside outside the town"
fi
if command -v xmllint >/dev/null; then
    if xmllint --noout "$gpx" 2>/dev/null; then
        pass "GPX is well-formed XML"
    else
        fail "xmllint refuses $gpx"
    fi
fi
if "$ykm" plan gpx "$town" "$plan" -o "$work/one.gpx" --vehicle "$first_vehicle" >/dev/null &&
    cmp -s "$work/one.gpx" "$gpx"; then
    pass "--vehicle writes the same GPX to a file"
else
    fail "plan gpx --vehicle"
fi

# --- errors -------------------------------------------------------------------------------
expect_error "unknown plan" 2 'plan 999 does not exist' -- \
    "$ykm" plan sheet "$town" 999 -o "$work/none.pdf"
expect_error "unknown vehicle" 2 'NO-SUCH' -- \
    "$ykm" plan sheet "$town" "$plan" -o "$work/none.pdf" --vehicle NO-SUCH
expect_error "unknown vehicle (gpx)" 2 'NO-SUCH' -- \
    "$ykm" plan gpx "$town" "$plan" -o "$work/none.gpx" --vehicle NO-SUCH
expect_error "unknown plan (gpx)" 2 'plan 999 does not exist' -- \
    "$ykm" plan gpx "$town" 999 -o "$work/none-dir"
expect_error "unwritable PDF" 2 'missing/none.pdf' -- \
    "$ykm" plan sheet "$town" "$plan" -o "$work/missing/none.pdf"
expect_error "GPX folder where a file is" 2 'sheet.pdf/sub' -- \
    "$ykm" plan gpx "$town" "$plan" -o "$pdf/sub"
expect_error "not a plan id" 2 "'abc'" -- "$ykm" plan sheet "$town" abc -o "$work/none.pdf"
expect_error "no output" 2 '-o' -- "$ykm" plan sheet "$town" "$plan"
left=$(find "$work" \( -name 'none*' -o -name '*.partial' -o -name missing \) | wc -l)
if [[ $left -eq 0 ]]; then
    pass "failures leave no file behind"
else
    fail "left behind: $(find "$work" \( -name 'none*' -o -name '*.partial' -o -name missing \))"
fi

summary
