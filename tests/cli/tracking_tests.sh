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

cp "$town" "$work/live.ykm" # the same town and fleet, for the live path below
imported=$("$ykm" track import "$town" "$trace" 2>&1)
after_import=$("$ykm" coverage "$town" --since "$since" --until "$until" --json 2>&1)
if grep -q "coverage recomputed for 3 vehicles" <<<"$imported" &&
    jq -e '.total.done_km > 0' <<<"$after_import" >/dev/null; then
    pass "track import stores the fixes and records their coverage"
else
    fail "track import: $imported / $(jq -c .total <<<"$after_import")"
fi

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

# --- live: ykm serve with its tracker, fed by ykm simulate over HTTP ----------------------------
# The same plows driven again (same seed) but sent live: the tracker matches them as they
# arrive and records passes, which must agree with the batch rebuild of the same fixes.
live=$work/live.ykm
serve_log=$work/serve.log
"$ykm" serve "$live" --listen 127.0.0.1:0 --nmea off --portal off 2>"$serve_log" &
serve_pid=$!
for _ in $(seq 1 100); do
    grep -q '^listening on' "$serve_log" && break
    sleep 0.1
done
port=$(sed -n 's#^listening on http://127\.0\.0\.1:\([0-9]*\) .*#\1#p' "$serve_log")
# Simulated time starts now and runs 300 times faster than the clock, so the fixes stay recent
# for the tracker's offline check (which follows the clock).
live_start=$(date +%s)
if [[ -n $port ]] && "$ykm" simulate "$live" --vehicles 3 --to "http://127.0.0.1:$port" \
    --start "$live_start" --duration 1200 --speed-up 300 >"$work/sim.log" 2>&1; then
    pass "simulate --to sends fixes to a running ykm serve"
else
    fail "simulate --to: port '$port', $(tail -3 "$work/sim.log")"
fi
kill -TERM "$serve_pid"
wait "$serve_pid"
live_json=$("$ykm" coverage "$live" --since "$live_start" --until "$((live_start + 1300))" --json 2>&1)
live_km=$(jq -r .total.done_km <<<"$live_json")
"$ykm" coverage "$live" --rebuild >/dev/null
batch_json=$("$ykm" coverage "$live" --since "$live_start" --until "$((live_start + 1300))" --json 2>&1)
batch_km=$(jq -r .total.done_km <<<"$batch_json")
if awk -v a="$live_km" -v b="$batch_km" 'BEGIN { exit !(a > 0 && b > 0 && (a - b) / b < 0.03 && (b - a) / b < 0.03) }'; then
    pass "live tracker coverage $live_km km agrees with the batch rebuild $batch_km km"
else
    fail "live coverage $live_km km, rebuild $batch_km km; serve log: $(tail -3 "$serve_log")"
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
