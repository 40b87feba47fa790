#!/usr/bin/env bash
# CARP at town scale: `ykm carp` on generated grid-like cities far larger than the literature
# instances. For each size, bench_carp_city writes a city with that many required streets
# (seed SEED), and `ykm carp --progress` solves it; prints a markdown table of the time to the
# first solution and its cost, the best cost at 10 s, the cost at the end and the share of
# deadheading in it.
#
#   bench/carp_city.sh YKM BENCH_CARP_CITY [REQUIRED...]
#
# YKM is the ykm binary, BENCH_CARP_CITY the generator (both from a Release build). REQUIRED
# are the numbers of required streets (default: 1000 5000 10000). Environment: TIME_LIMIT
# (default 60) seconds per city; THREADS (default 2); SEED (default 1) for the city and the
# solver; BENCH_DIR, a folder for the cities, solutions and progress logs (default: a
# temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
generator=$(realpath "$2")
shift 2
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 5000 10000)
time_limit=${TIME_LIMIT:-60}
threads=${THREADS:-2}
seed=${SEED:-1}
[[ -x $ykm ]] || { echo "carp_city.sh: $ykm is not an executable" >&2; exit 2; }
[[ -x $generator ]] || { echo "carp_city.sh: $generator is not an executable" >&2; exit 2; }
command -v python3 >/dev/null || { echo "carp_city.sh: python3 is not installed" >&2; exit 2; }
bench_work_dir

results=$work/city_results.csv
: >"$results"
for n in "${sizes[@]}"; do
    city=$work/city-$n.dat
    "$generator" --required "$n" --seed "$seed" --out "$city" >/dev/null
    start=$(date +%s.%N)
    cost=$("$ykm" carp "$city" --time-limit "$time_limit" --seed "$seed" --threads "$threads" \
        --progress --out "$work/city-$n.json" 2>"$work/city-$n.progress" | tail -1 |
        sed 's/^cost=//')
    end=$(date +%s.%N)
    echo "$n,$city,$work/city-$n.progress,$cost,$(echo "$end - $start" | bc)" >>"$results"
done

python3 - "$results" <<'PY'
import csv, re, sys
print("| required edges | vertices | first solution (s) | first cost | cost at 10 s "
      "| final cost | improvement % | deadheading % | seconds |")
print("|---|---|---|---|---|---|---|---|---|")
for n, city, progress, cost, secs in csv.reader(open(sys.argv[1])):
    vertices, service = 0, 0
    for line in open(city):
        if line.strip().startswith("VERTICES"):
            vertices = int(line.split(":")[1])
        elif line.strip().startswith("COSTE_TOTAL_REQ"):
            service = int(line.split(":")[1])
    points = [(float(m.group(1)), int(m.group(2))) for m in
              (re.match(r"t=([0-9.]+) cost=([0-9]+)", l) for l in open(progress)) if m]
    first_t, first_cost = points[0]
    at10 = min((c for t, c in points if t <= 10.0), default=first_cost)
    final = int(cost)
    print(f"| {n} | {vertices} | {first_t:.2f} | {first_cost} | {at10} | {final} | "
          f"{100.0 * (first_cost - final) / first_cost:.2f} | "
          f"{100.0 * (final - service) / final:.1f} | {float(secs):.1f} |")
PY
