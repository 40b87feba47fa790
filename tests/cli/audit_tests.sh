#!/usr/bin/env bash
# End-to-end tests of `ykm audit`: fleet changes are recorded in the hash-chained audit log,
# verify finds the log intact (exit 0), the project refuses edits, and an edit made around the
# triggers with the sqlite3 shell is found (exit 3, naming the entry).
# usage: audit_tests.sh YKM
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
if "$ykm" demo-town -o "$town" --seed 2 --size small >/dev/null; then
    pass "demo-town"
else
    fail "demo-town"
fi
before=$("$ykm" audit list "$town" --json | jq length)

if "$ykm" fleet add "$town" contractor --code C90 --name 北星工業株式会社 >/dev/null &&
    "$ykm" fleet add "$town" vehicle --code R-1 --type rotary_blower --contractor C90 \
        --width 2.6 --device unit-r1 >/dev/null &&
    "$ykm" fleet add "$town" vehicle --code R-2 --type dozer --contractor C90 >/dev/null &&
    "$ykm" fleet remove "$town" vehicle R-2 >/dev/null; then
    pass "fleet changes"
else
    fail "fleet changes"
fi

json=$("$ykm" audit list "$town" --json)
after=$(jq length <<<"$json")
if [[ $((after - before)) -eq 4 &&
    $(jq -r '.[-4:] | map(.action) | join(" ")' <<<"$json") == "contractor.save vehicle.save vehicle.save vehicle.remove" &&
    $(jq -r '.[-3].detail.code' <<<"$json") == R-1 &&
    $(jq -r '.[-3].detail.plow_width_m' <<<"$json") == 2.6 &&
    $(jq -r '.[-4].detail.name' <<<"$json") == 北星工業株式会社 &&
    $(jq -r '.[-1].detail.code' <<<"$json") == R-2 ]]; then
    pass "each fleet change is one entry with its values"
else
    fail "audit list --json after the fleet changes: $(jq -c '.[-4:]' <<<"$json")"
fi
if [[ $(jq -r '[.[] | .hash | test("^[0-9a-f]{64}$")] | all' <<<"$json") == true &&
    $(jq -r '.[0].prev_hash' <<<"$json") == "0000000000000000000000000000000000000000000000000000000000000000" &&
    $(jq -r '[range(1; length) as $i | .[$i].prev_hash == .[$i - 1].hash] | all' <<<"$json") == true ]]; then
    pass "entries are chained by their hashes"
else
    fail "chain in audit list --json"
fi

r1=$(jq -r '.[-3].entity_id' <<<"$json")
vehicles=$("$ykm" audit list "$town" --entity vehicle --id "$r1" --json)
if [[ $(jq length <<<"$vehicles") == 1 && $(jq -r '.[0].action' <<<"$vehicles") == vehicle.save ]]; then
    pass "list --entity --id"
else
    fail "list --entity vehicle --id $r1: $vehicles"
fi
text=$("$ykm" audit list "$town" --entity contractor)
if grep -q 'contractor.save .*contractor [0-9]* .*北星工業株式会社' <<<"$text"; then
    pass "list as text"
else
    fail "list as text: $text"
fi

out=$("$ykm" audit verify "$town")
rc=$?
head=$(jq -r '.[-1].hash' <<<"$json")
if [[ $rc -eq 0 && $out == "audit log intact: $after entries, head $head" ]]; then
    pass "verify: intact"
else
    fail "verify: exit $rc, $out"
fi

# The project itself refuses to change or delete history.
if ! sqlite3 "$town" "UPDATE audit_log SET actor = 'x' WHERE id = 1" 2>/dev/null &&
    ! sqlite3 "$town" "DELETE FROM audit_log WHERE id = 1" 2>/dev/null &&
    "$ykm" audit verify "$town" >/dev/null; then
    pass "the triggers refuse update and delete"
else
    fail "the triggers refuse update and delete"
fi

# A tool that drops the triggers and edits an entry is found out.
edited=$((after - 2))
sqlite3 "$town" "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
    UPDATE audit_log SET detail = replace(detail, '2.6', '3.0') WHERE id = $edited"
expect_error "verify: an edited entry" 3 \
    "^ykm audit: audit log tampered with: audit entry $edited: its content does not match its hash \(edited\)$" \
    -- "$ykm" audit verify "$town"

tampered=$work/tampered.ykm
"$ykm" demo-town -o "$tampered" --seed 2 --size small >/dev/null
"$ykm" fleet add "$tampered" contractor --code C91 --name 南星工業 >/dev/null
count=$("$ykm" audit list "$tampered" --json | jq length)
middle=$((count / 2))
sqlite3 "$tampered" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = $middle"
expect_error "verify: a deleted entry" 3 "audit entry $middle: missing \(deleted\)" \
    -- "$ykm" audit verify "$tampered"

expect_error "audit without a subcommand" 2 "subcommand" -- "$ykm" audit "$town"
expect_error "verify: no such project" 2 "nowhere.ykm" -- "$ykm" audit verify "$work/nowhere.ykm"
if "$ykm" audit --help | grep -q '3 tampered with'; then
    pass "usage explains exit 3"
else
    fail "usage explains exit 3"
fi

summary
