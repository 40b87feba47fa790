#!/usr/bin/env bash
# End-to-end test of work orders (作業指令): created from a district, a plan and segments, moved
# through the workflow by staff at the terminal and by phone, every change on record with who,
# when and the channel; illegal moves refused naming the allowed ones, several orders changed all
# or none.
#
#   tests/cli/order_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }
status_of() { sqlite3 "$p" "SELECT status FROM orders WHERE number = '$1'"; }

# From a district, with the contractor's vehicles and a window tonight.
out=$("$ykm" order create "$p" --contractor C01 --district 南西工区 --vehicles D-01,T-01 \
    --from 21:00 --to 06:00 --deadline 03:00 --instructions "第1種を優先" --actor sato)
a=$(sed -n 's/^order=//p' <<<"$out")
roads=$(sqlite3 "$p" "SELECT count(*) FROM road_segments WHERE district_id = 1 AND priority IS NOT NULL")
if [[ $a =~ ^20[0-9]{2}-0001$ && $(sqlite3 "$p" "SELECT count(*) FROM order_segments s JOIN orders o ON o.id = s.order_id WHERE o.number = '$a'") -eq $roads ]]; then
    pass "order from a district: $a with its $roads roads"
else
    fail "create from district: $out"
fi
shown=$("$ykm" order show "$p" "$a" --json)
if jq -e '.status == "draft" and .contractor == "C01" and (.vehicles | sort) == ["D-01", "T-01"]
        and (.to > .from) and .deadline != null and .instructions == "第1種を優先"
        and .history[0].actor == "sato" and .history[0].channel == "cli"' <<<"$shown" >/dev/null; then
    pass "order show --json"
else
    fail "show: $shown"
fi

# From a plan and from segments.
"$ykm" plan "$p" --district 南西工区 --rounds 5 >/dev/null 2>&1
b=$("$ykm" order create "$p" --contractor C01 --plan 1 | sed -n 's/^order=//p')
c=$("$ykm" order create "$p" --contractor C01 --segments 1,2,3 --work spread | sed -n 's/^order=//p')
plan_roads=$(sqlite3 "$p" "SELECT count(DISTINCT segment_id) FROM plan_steps WHERE plan_id = 1 AND kind = 'service'")
if [[ $(sqlite3 "$p" "SELECT count(*) FROM order_segments s JOIN orders o ON o.id = s.order_id WHERE o.number = '$b'") -eq $plan_roads &&
    $(sqlite3 "$p" "SELECT plan_id || ',' || district_id FROM orders WHERE number = '$b'") == "1,1" &&
    $(sqlite3 "$p" "SELECT work_type FROM orders WHERE number = '$c'") == "spread" ]]; then
    pass "orders from a plan and from segments"
else
    fail "plan/segments orders"
fi

# The workflow: issue two at once, acknowledge by phone, start, complete, inspect.
"$ykm" order issue "$p" "$a" "$b" --actor sato >/dev/null
"$ykm" order acknowledge "$p" "$a" --channel phone --actor sato >/dev/null
"$ykm" order start "$p" "$a" >/dev/null
"$ykm" order complete "$p" "$a" >/dev/null
"$ykm" order inspect "$p" "$a" --actor kensa >/dev/null
if [[ $(status_of "$a") == inspected && $(status_of "$b") == issued ]] &&
    "$ykm" order show "$p" "$a" --json | jq -e '[.history[].to] == ["draft", "issued", "acknowledged", "started", "completed", "inspected"]
        and .history[2].channel == "phone" and .history[5].actor == "kensa"' >/dev/null; then
    pass "workflow recorded with actors and channels"
else
    fail "workflow: $(status_of "$a") $(status_of "$b")"
fi

# Illegal moves, and several orders changed all or none.
expect_error "illegal transition" 2 "order $c is draft: it cannot become started \(next: issued, cancelled\)" -- "$ykm" order start "$p" "$c"
expect_error "decline without reason" 2 "declining needs a reason" -- "$ykm" order decline "$p" "$b"
expect_error "all or none" 2 "order $a is inspected: it cannot become cancelled" -- "$ykm" order cancel "$p" "$c" "$a"
if [[ $(status_of "$c") == draft ]]; then pass "refused batch changes nothing"; else fail "batch: $(status_of "$c")"; fi
"$ykm" order decline "$p" "$b" --reason "機械故障" >/dev/null
if [[ $(sqlite3 "$p" "SELECT reason FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = '$b' ORDER BY e.id DESC LIMIT 1") == "機械故障" ]]; then
    pass "decline with its reason"
else
    fail "decline reason"
fi
expect_error "unknown order" 2 "order 2099-9999 does not exist" -- "$ykm" order issue "$p" 2099-9999
expect_error "vehicle of another contractor" 2 "vehicle D-02 belongs to another contractor" -- "$ykm" order create "$p" --contractor C01 --district 南西工区 --vehicles D-02
expect_error "unknown contractor" 2 "contractor 'C99' does not exist" -- "$ykm" order create "$p" --contractor C99 --district 南西工区
expect_error "two kinds of roads" 2 "one of --district, --plan, --segments" -- "$ykm" order create "$p" --contractor C01 --district 南西工区 --segments 1
expect_error "portal channel from the terminal" 2 "--channel 'portal'" -- "$ykm" order issue "$p" "$c" --channel portal

# Lists.
if [[ $("$ykm" order list "$p" --open --json | jq length) -eq 2 && $("$ykm" order list "$p" --status declined --json | jq -r '.[0].number') == "$b" ]]; then
    pass "order list filters"
else
    fail "order list"
fi

# Completion evidence: what the contractor's plows cleared in the order's window, from GPS.
start=1700000000
"$ykm" simulate "$p" --vehicles 16 --out "$work/night.csv" --start "$start" --duration 1800 --seed 3 >/dev/null 2>&1
"$ykm" track import "$p" "$work/night.csv" >/dev/null 2>&1
ev=$("$ykm" order create "$p" --contractor C01 --district 南西工区 --from "$start" --to "$((start + 3600))" 2>&1 | sed -n 's/^order=//p')
evidence=$("$ykm" order show "$p" "$ev" --json | jq -c .evidence)
if jq -e '.cleared_km > 0 and .cleared_km <= .required_km and .first_pass != null' <<<"$evidence" >/dev/null &&
    "$ykm" order show "$p" "$ev" | grep -q "GPS evidence: .* km cleared"; then
    pass "GPS evidence of the order's roads in its window: $evidence"
else
    fail "evidence: $ev $evidence"
fi

# Every change is in the audit log, and the chain holds.
audited=$(sqlite3 "$p" "SELECT count(*) FROM audit_log WHERE entity = 'order'")
events=$(sqlite3 "$p" "SELECT count(*) FROM order_events")
if [[ $audited -eq $events && $events -eq 11 ]] && "$ykm" audit verify "$p" >/dev/null; then
    pass "every order change audited ($events), chain intact"
else
    fail "audit: $audited entries for $events events"
fi

summary
