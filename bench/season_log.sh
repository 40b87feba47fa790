#!/usr/bin/env bash
# Season log: bytes per fix, append speed and query times of the block store (SeasonLog) against
# a plain row-per-fix SQLite table, on synthetic nights of plows reporting at 1 Hz. Builds
# nothing: it runs the bench_season_log binary once per size.
#
#   bench/season_log.sh BENCH_SEASON_LOG
#
# BENCH_SEASON_LOG is the binary (build it in Release: cmake --build BUILD --target
# bench_season_log). Environment: SIZES (default "200x1 200x4"), space-separated VEHICLESxHOURS;
# BATCH_SECONDS (default 10), seconds of every vehicle per append; QUERIES (default 100) timed
# queries of each kind; BENCH_DIR, a folder for the two database files (default: a temporary
# folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
bench=$(realpath "$1")
[[ -x $bench ]] || { echo "season_log.sh: $bench is not an executable" >&2; exit 2; }
sizes=${SIZES:-"200x1 200x4"}
batch=${BATCH_SECONDS:-10}
queries=${QUERIES:-100}
bench_work_dir

echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); sqlite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
for size in $sizes; do
    vehicles=${size%x*}
    hours=${size#*x}
    "$bench" --vehicles "$vehicles" --hours "$hours" --batch-seconds "$batch" --queries "$queries" \
        --dir "$work"
    echo
done
