#!/usr/bin/env bash
# Route planning benchmark: `ykm plan` for every district of a generated town (default: the
# large demo town, about 5,600 segments in 8 districts), side by side with the planner's first
# solution (nearest-task construction and one descent: --time-limit 0) on the same district.
# Prints a markdown table: tasks (plowing passes per direction), seconds to build the model
# (turn-aware travel times between all tasks) and to search, class-1 finishing time and
# makespan of the first and the final plan, the final plan's gain, and its makespan against the
# lower bound (all plowing shared perfectly over the plows, no driving between).
#
#   bench/plan.sh YKM
#
# YKM is the ykm binary (build it in Release). Environment: SIZE (default large), SEED (1),
# THREADS (default 2), BENCH_DIR (a folder to keep the town and outputs; default a temporary
# folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
size=${SIZE:-large}
seed=${SEED:-1}
threads=${THREADS:-2}
command -v jq >/dev/null || { echo "plan.sh: jq is not installed" >&2; exit 2; }
bench_work_dir

town=$work/town-$size.ykm
"$ykm" demo-town -o "$town" --size "$size" --seed "$seed" --overwrite >/dev/null
districts=$(sqlite3 "$town" "SELECT id FROM districts ORDER BY id")

minutes() { awk -v s="$1" 'BEGIN { printf "%d:%02d", int(s / 3600), int((s % 3600) / 60 + 0.5) }'; }

echo "| district | tasks | model s | search s | class 1 first → final | makespan first → final | gain | final / bound |"
echo "|---|---:|---:|---:|---|---|---:|---:|"
for d in $districts; do
    "$ykm" plan "$town" --district "$d" --start 21:00 --time-limit 0 --json >"$work/first-$d.json" 2>/dev/null
    "$ykm" plan "$town" --district "$d" --start 21:00 --threads "$threads" --seed "$seed" --json \
        >"$work/final-$d.json" 2>/dev/null
    read -r tasks model search c1 span bound < <(jq -r \
        '[.tasks, .model_s, .search_s, .classes."1".done_s, .makespan_s, .bound_s.all] | @tsv' \
        "$work/final-$d.json")
    read -r c1_first span_first < <(jq -r '[.classes."1".done_s, .makespan_s] | @tsv' "$work/first-$d.json")
    gain=$(awk -v a="$span_first" -v b="$span" 'BEGIN { printf "%.1f %%", (a - b) / a * 100 }')
    ratio=$(awk -v a="$span" -v b="$bound" 'BEGIN { printf "%.2f", a / b }')
    echo "| $d | $tasks | $model | $search | $(minutes "$c1_first") → $(minutes "$c1") | $(minutes "$span_first") → $(minutes "$span") | $gain | $ratio |"
done
