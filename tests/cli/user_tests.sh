#!/usr/bin/env bash
# End-to-end test of portal accounts: `ykm user` adds, lists, changes and disables accounts of
# every role with Argon2id hashes and audit entries, refuses bad input with one clear line, and
# `ykm serve --portal` lets exactly the active accounts with the right password log in.
#
#   tests/cli/user_tests.sh YKM
set -uo pipefail

ykm=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/cli/test_lib.sh
source "$here/test_lib.sh"
work=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

p=$work/town.ykm
"$ykm" demo-town -o "$p" --size small >/dev/null || { echo "FAILED: demo-town"; exit 1; }

if "$ykm" user add "$p" yamada --role contractor --contractor C01 --name 山田 --password-stdin \
        --actor sato <<<'snow-plow-2026' >/dev/null &&
    "$ykm" user add "$p" chief --role supervisor --language en --password-stdin <<<'長い長い合言葉です' >/dev/null &&
    "$ykm" user add "$p" watch --role viewer --password-stdin <<<'viewer-pass-1' >/dev/null; then
    pass "accounts of three roles added"
else
    fail "user add"
fi
list=$("$ykm" user list "$p" --json)
if [[ $(jq -r '[.[] | .login + ":" + .role + ":" + (.contractor // "-") + ":" + .language] | join(" ")' <<<"$list") == "chief:supervisor:-:en watch:viewer:-:ja yamada:contractor:C01:ja" ]]; then
    pass "user list shows logins, roles, contractors and languages"
else
    fail "user list: $list"
fi
hash=$(sqlite3 "$p" "SELECT password_hash FROM accounts WHERE login = 'yamada'")
if [[ $hash == '$argon2id$'* && $hash != *snow-plow* ]]; then
    pass "the password is stored as an Argon2id hash"
else
    fail "password hash: $hash"
fi
if [[ $(sqlite3 "$p" "SELECT actor || ' ' || channel FROM audit_log WHERE action = 'account.create' AND entity_id = (SELECT id FROM accounts WHERE login = 'yamada')") == "sato cli" ]]; then
    pass "account creation is audited with actor and channel"
else
    fail "audit of account.create"
fi

expect_error "user add: unknown role" 2 "--role 'admin'" -- \
    "$ykm" user add "$p" x --role admin --password-stdin <<<'long-enough-1'
expect_error "user add: contractor without its contractor" 2 "needs its contractor" -- \
    "$ykm" user add "$p" x --role contractor --password-stdin <<<'long-enough-1'
expect_error "user add: unknown contractor" 2 "contractor 'C99' does not exist" -- \
    "$ykm" user add "$p" x --role contractor --contractor C99 --password-stdin <<<'long-enough-1'
expect_error "user add: staff with a contractor" 2 "only a contractor account" -- \
    "$ykm" user add "$p" x --role staff --contractor C01 --password-stdin <<<'long-enough-1'
expect_error "user add: short password" 2 "at least 8 characters" -- \
    "$ykm" user add "$p" x --role staff --password-stdin <<<'short'
expect_error "user add: duplicate login (any case)" 2 "YAMADA exists already" -- \
    "$ykm" user add "$p" YAMADA --role staff --password-stdin <<<'long-enough-1'
expect_error "user add: bad login" 2 "only letters, digits" -- \
    "$ykm" user add "$p" "山 田" --role staff --password-stdin <<<'long-enough-1'
expect_error "user add: no --password-stdin" 2 "--password-stdin" -- \
    "$ykm" user add "$p" x --role staff
expect_error "user passwd: unknown login" 2 "account nobody does not exist" -- \
    "$ykm" user passwd "$p" nobody --password-stdin <<<'long-enough-1'
if [[ $(sqlite3 "$p" "SELECT count(*) FROM accounts") == 3 ]]; then
    pass "refused accounts left nothing behind"
else
    fail "accounts after refusals: $(sqlite3 "$p" "SELECT login FROM accounts")"
fi

# --- the portal accepts exactly the active accounts with their passwords ----------------------
log=$work/serve.log
"$ykm" serve "$p" --listen 127.0.0.1:0 --nmea off --no-tracking --portal 127.0.0.1:0 2>"$log" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's|^portal: listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log")
    [[ -n $port ]] && break
    sleep 0.1
done
login() {
    curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "{\"login\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$port/api/login"
}
if [[ -n $port ]] && [[ $(login yamada snow-plow-2026) == 200 && $(login chief '長い長い合言葉です') == 200 ]]; then
    pass "serve --portal: accounts log in (Japanese passphrase too)"
else
    fail "portal login: port '$port', log: $(cat "$log")"
fi
if [[ $(login yamada wrong-password) == 401 ]]; then
    pass "a wrong password gets 401"
else
    fail "wrong password accepted"
fi
"$ykm" user passwd "$p" yamada --password-stdin <<<'new-snow-2027' >/dev/null
if [[ $(login yamada snow-plow-2026) == 401 && $(login yamada new-snow-2027) == 200 ]]; then
    pass "user passwd: the old password stops working, the new one works"
else
    fail "after passwd"
fi
"$ykm" user disable "$p" watch >/dev/null
if [[ $(login watch viewer-pass-1) == 401 ]]; then
    pass "a disabled account cannot log in"
else
    fail "disabled account logged in"
fi
"$ykm" user enable "$p" watch >/dev/null
if [[ $(login watch viewer-pass-1) == 200 ]]; then
    pass "enabled again, it can"
else
    fail "enabled account refused"
fi
if "$ykm" audit verify "$p" >/dev/null && [[ $(sqlite3 "$p" "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE entity = 'account' AND action <> 'account.create' ORDER BY id)") == "account.password account.disable account.enable" ]]; then
    pass "password and activation changes are audited and the chain verifies"
else
    fail "audit of account changes"
fi
kill "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=

expect_error "serve: TLS key without certificate" 2 "both a certificate and its key" -- \
    "$ykm" serve "$p" --listen 127.0.0.1:0 --nmea off --portal 127.0.0.1:0 --tls-key "$work/none.pem"
expect_error "serve: bad portal address" 2 "portal listen address 'nowhere'" -- \
    "$ykm" serve "$p" --listen 127.0.0.1:0 --nmea off --portal nowhere

summary
