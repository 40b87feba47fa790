#!/usr/bin/env bash
# Map matching speed and accuracy: gis::OnlineMatcher on one thread over simulated plows on the
# imported Stockholm network (../shared/data/fmm_stockholm/stockholm_small/edges.shp) and on a
# generated demo city (`--size city`, about 190,000 directed edges), against a textbook HMM
# matcher timed in the same run; then the same without speed and bearing (positions only).
#
#   bench/matching.sh BENCH_MATCHING [ARGS...]
#
# BENCH_MATCHING is the bench_matching binary (build it in Release: cmake --build build/release
# --target bench_matching). ARGS go to every run (defaults: --vehicles 200 --hours 1
# --interval 5 --noise 10 --reps 3). Environment: BENCH_DIR, a folder for the two projects,
# reused between runs (default: a temporary folder, removed at the end; building the city takes
# several seconds).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
bench=$(realpath "$1")
shift
[[ -x $bench ]] || { echo "matching.sh: $bench is not an executable" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

bench_work_dir

# bench_matching looks for shared/data above the folder it runs in.
cd "$here"
echo "== with the reported speed and bearing"
"$bench" --networks stockholm,city --dir "$work" "$@"
echo
echo "== positions only"
"$bench" --networks stockholm,city --dir "$work" --no-motion --naive-vehicles 0 "$@"
