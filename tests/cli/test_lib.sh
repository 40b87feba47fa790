# shellcheck shell=bash
# Shared by the end-to-end CLI test scripts (sourced): counters, and a check of the one-line error
# contract. The sourcing script prints the summary with `summary` as its last command.

passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; }

# expect_error NAME CODE PATTERN -- COMMAND...: the command exits with CODE, prints exactly one
# line on stderr, and that line matches PATTERN (an extended regular expression).
expect_error() {
    local name=$1 code=$2 pattern=$3
    shift 4
    local err
    err=$("$@" 2>&1 >/dev/null)
    local rc=$?
    local lines
    lines=$(printf '%s\n' "$err" | grep -c .)
    if [[ $rc -eq $code && $lines -eq 1 ]] && grep -Eq -- "$pattern" <<<"$err"; then
        pass "$name"
    else
        fail "$name: exit $rc (want $code), $lines stderr lines, stderr: $err"
    fi
}

# Prints "N passed, M failed" and returns non-zero when anything failed.
summary() {
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 ]]
}
