# Shared by the benchmark scripts (sourced): usage, required tools and the work folder.

# Prints lines 2..$1 of the calling script (its header comment) and exits 2 when fewer than $2
# arguments were given or the first is -h/--help. Call as: bench_usage LAST MIN "$@".
bench_usage() {
    local last=$1 min=$2
    shift 2
    if [[ $# -lt $min || ${1:-} == -h || ${1:-} == --help ]]; then
        sed -n "2,${last}p" "${BASH_SOURCE[1]}" | sed 's/^# \{0,1\}//'
        exit 2
    fi
}

# Exits 2 naming the first of the commands given that is not installed.
bench_require() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || {
            echo "$(basename "${BASH_SOURCE[1]}"): $tool is not installed" >&2
            exit 2
        }
    done
}

# Sets `work` to BENCH_DIR (made if missing), or to a temporary folder removed on exit.
bench_work_dir() {
    if [[ -n ${BENCH_DIR:-} ]]; then
        work=$BENCH_DIR
        mkdir -p "$work"
    else
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
    fi
}
