#!/usr/bin/env bash
# End-to-end tests of fleet tracking: the demo town with its fleet, simulated plows written to a
# logger CSV with their truth, the CSV imported into the season log, coverage rebuilt from it and
# summarised, and the summary checked against the truth.
# usage: tracking_tests.sh YKM SHARED_DATA_DIR
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
trace=$work/trace.csv
truth=$work/trace.truth.csv

# --- time options (need nothing but a project) ----------------------------------------------
if "$ykm" demo-town -o "$town" --seed 4 --size small >/dev/null; then
    pass "demo-town writes a project with a fleet"
else
    fail "demo-town"
fi

z=$("$ykm" coverage "$town" --since 2024-01-15T12:00Z --until 1705327200 --json 2>&1)
if [[ $(jq -r .since <<<"$z") == "2024-01-15T21:00:00+09:00" &&
    $(jq -r .until <<<"$z") == "2024-01-15T23:00:00+09:00" ]]; then
    pass "coverage reads ISO 8601 with Z and Unix seconds, answers in JST"
else
    fail "time options: $z"
fi
jst=$("$ykm" coverage "$town" --since "2024-01-15 21:00" --until "2024-01-15T23:00+09:00" --json 2>&1)
if [[ $(jq -r .since <<<"$jst") == "2024-01-15T21:00:00+09:00" && $(jq -r .total.done_km <<<"$jst") == 0 ]]; then
    pass "'YYYY-MM-DD HH:MM' is Japan time"
else
    fail "JST option: $jst"
fi

# --- simulate, import, rebuild ---------------------------------------------------------------
# Two hours ago: recent enough for every check of the fix validator, whatever today is.
since=$(($(date +%s) - 7200))
until=$((since + 2400 + 60))
if "$ykm" simulate "$town" --vehicles 3 --out "$trace" --start "$since" --duration 2400 >/dev/null &&
    [[ -s $trace && -s $truth ]]; then
    pass "simulate writes fixes and their truth"
else
    fail "simulate --out: $(ls "$work")"
fi

if "$ykm" track import "$town" "$trace" >/dev/null; then pass "track import"; else fail "track import"; fi

rebuilt=$("$ykm" coverage "$town" --rebuild --json 2>&1)
if [[ $(jq -r .vehicles <<<"$rebuilt") == 3 && $(jq -r .passes <<<"$rebuilt") -gt 50 ]]; then
    pass "coverage --rebuild matches every vehicle"
else
    fail "coverage --rebuild: $rebuilt"
fi

json=$("$ykm" coverage "$town" --since "$since" --until "$until" --json 2>&1)
done_km=$(jq -r .total.done_km <<<"$json")
if jq -e '.total.done_km > 0 and .total.required_km > .total.done_km' <<<"$json" >/dev/null; then
    pass "coverage --json: $done_km km done"
else
    fail "coverage --json total: $json"
fi
if jq -e '[.total, .by_priority[], .by_district[]] | all(.percent >= 0 and .percent <= 100)' \
    <<<"$json" >/dev/null &&
    [[ $(jq '.by_priority | length' <<<"$json") == 4 && $(jq '.by_district | length' <<<"$json") -ge 4 ]]; then
    pass "percentages between 0 and 100, rows by class and district"
else
    fail "coverage rows: $json"
fi
if jq -e '(([.by_priority[].done_km] | add) - .total.done_km | fabs) < 1e-6 and
          (([.by_district[].done_km] | add) - .total.done_km | fabs) < 1e-6' <<<"$json" >/dev/null; then
    pass "classes and districts add up to the total"
else
    fail "rows do not add up: $json"
fi

# Done km of class 1 against the truth: directions of class-1 segments driven whole while plowing.
sqlite3 -readonly -separator , "$town" \
    "SELECT id, coalesce(priority, 0), length_m FROM road_segments" >"$work/segments.csv"
true_p1=$(awk -F, '
    FNR == NR { priority[$1] = $2; length_m[$1] = $3; next }
    FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
        s = $col["segment_id"]; f = $col["forward"]; w = $col["work"]
        if (w == "plow" && priority[s] == 1 && $col["length_m"] >= 0.98 * length_m[s])
            served[s "," (f == "1" || f == "true")] = length_m[s]
    }
    END { for (k in served) km += served[k] / 1000; printf "%.3f\n", km }' \
    "$work/segments.csv" "$truth")
done_p1=$(jq -r '.by_priority[] | select(.key == "1") | .done_km' <<<"$json")
if awk -v t="$true_p1" -v d="$done_p1" 'BEGIN { exit !(t > 1 && d >= 0.95 * t && d <= 1.05 * t) }'; then
    pass "class 1 done $done_p1 km, truth $true_p1 km"
else
    fail "class 1 done $done_p1 km, truth $true_p1 km"
fi

"$ykm" coverage "$town" --rebuild >/dev/null
again=$("$ykm" coverage "$town" --since "$since" --until "$until" --json 2>&1)
if [[ $(jq -r .total.done_km <<<"$again") == "$done_km" ]]; then
    pass "a second rebuild gives the same coverage"
else
    fail "second rebuild: $(jq -c .total <<<"$again")"
fi

text=$("$ykm" coverage "$town" --since "$since" --until "$until" 2>&1)
if grep -q "第1種" <<<"$text" && grep -q "合計" <<<"$text" && grep -q "工区" <<<"$text"; then
    pass "text table by class and district"
else
    fail "text output: $text"
fi

# --- bad input ----------------------------------------------------------------------------
expect_error "--since garbage" 2 "--since.*garbage" -- "$ykm" coverage "$town" --since garbage
expect_error "--until garbage" 2 "--until.*13:99" -- "$ykm" coverage "$town" --since 2024-01-15 --until "2024-01-15 13:99"
expect_error "--since missing" 2 "--since" -- "$ykm" coverage "$town"
expect_error "--until before --since" 2 "--until" -- "$ykm" coverage "$town" --since 2024-01-15 --until 2024-01-14
expect_error "--rebuild --since garbage" 2 "--since" -- "$ykm" coverage "$town" --rebuild --since yesterday
expect_error "missing project" 2 "nothere\.ykm" -- "$ykm" coverage "$work/nothere.ykm" --since 2024-01-15

summary
