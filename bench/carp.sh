#!/usr/bin/env bash
# CARP benchmark: `ykm carp` on the literature instances (CARPLIB gdb and val sets by default),
# against the reference value hgs_ub_here of bkv.csv (HGS-CARP, seed 1, 5 s, run on a machine
# of the project's kind). Prints a markdown table (instance, cost, reference, gap %, seconds)
# and the mean gap per set.
#
#   bench/carp.sh YKM [SET...]
#
# YKM is the ykm binary (build it in Release). SET is gdb, val, kshs, bmcv or egl (default:
# gdb val). Environment: TIME_LIMIT (default 5) seconds per instance, TIME_LIMIT_<SET> for one
# set (TIME_LIMIT_egl=60); THREADS (default 1) searches in parallel; SEED (default 1); DATA,
# the carp data folder (default: ../shared/data/carp beside the repository); BENCH_DIR, a
# folder for the solutions (default: a temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
shift
sets=("$@")
[[ ${#sets[@]} -gt 0 ]] || sets=(gdb val)
time_limit=${TIME_LIMIT:-5}
seed=${SEED:-1}
threads=${THREADS:-1}
data=${DATA:-$here/../../shared/data/carp}
[[ -x $ykm ]] || { echo "carp.sh: $ykm is not an executable" >&2; exit 2; }
[[ -f $data/bkv.csv ]] || { echo "carp.sh: no $data/bkv.csv" >&2; exit 2; }
command -v python3 >/dev/null || { echo "carp.sh: python3 is not installed" >&2; exit 2; }
bench_work_dir

results=$work/results.csv
: >"$results"
for set in "${sets[@]}"; do
    set_limit_var=TIME_LIMIT_$set
    set_limit=${!set_limit_var:-$time_limit}
    # Instance files in the order of bkv.csv (gdb1, gdb2, ..., 1A, 1B, ...).
    python3 - "$data/bkv.csv" "$set" <<'PY' >"$work/files.txt"
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["set"] == sys.argv[2]:
        print(row["instance"], row["file"], row["hgs_ub_here"])
PY
    while read -r name file reference; do
        start=$(date +%s.%N)
        cost=$("$ykm" carp "$data/$file" --time-limit "$set_limit" --seed "$seed" \
            --threads "$threads" --out "$work/$name.json" | tail -1 | sed 's/^cost=//')
        end=$(date +%s.%N)
        echo "$set,$name,$cost,$reference,$(echo "$end - $start" | bc)" >>"$results"
    done <"$work/files.txt"
done

python3 - "$results" <<'PY'
import csv, sys
from collections import defaultdict
gaps = defaultdict(list)
print("| instance | cost | hgs_ub_here | gap % | seconds |")
print("|---|---|---|---|---|")
for s, name, cost, ref, secs in csv.reader(open(sys.argv[1])):
    gap = 100.0 * (int(cost) - int(ref)) / int(ref)
    gaps[s].append(gap)
    print(f"| {name} | {cost} | {ref} | {gap:.2f} | {float(secs):.1f} |")
print()
for s, g in gaps.items():
    print(f"{s}: mean gap {sum(g) / len(g):.2f} % over {len(g)} instances, "
          f"{sum(1 for x in g if x <= 0)} at or below the reference")
PY
