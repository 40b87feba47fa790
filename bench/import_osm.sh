#!/usr/bin/env bash
# OSM import time: `ykm import FILE -o out.ykm` (reads the drivable ways, splits them into a
# routable topology, writes a project) against `ogr2ogr -f SQLite -dsco SPATIALITE=YES out.sqlite
# FILE lines` (merely copies the lines layer), alternating runs on the same file.
#
#   bench/import_osm.sh YKM [FILE...]
#
# YKM is the ykm binary (build it in Release). Without FILE it measures the Helsinki extract in
# ../shared/data beside the repository and a synthetic grid city of about 1.2 million nodes
# (bench/grid_city.awk), so that start-up time does not decide the ratio.
# Environment: REPS (default 15) runs of each command per file; BENCH_DIR, a folder for the
# outputs and the synthetic file (default: a temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
shift
reps=${REPS:-15}
for tool in ogr2ogr osmium awk; do
    command -v "$tool" >/dev/null || { echo "import_osm.sh: $tool is not installed" >&2; exit 2; }
done
[[ -x $ykm ]] || { echo "import_osm.sh: $ykm is not an executable" >&2; exit 2; }

bench_work_dir

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
    files=("$here/../../shared/data/helsinki_osm/test.osm.pbf")
    grid=$work/grid_city.osm.pbf
    if [[ ! -s $grid ]]; then
        echo "writing the synthetic grid city $grid" >&2
        awk -v G=230 -f "$here/grid_city.awk" >"$work/grid_city.opl"
        osmium cat --overwrite -o "$grid" "$work/grid_city.opl"
        rm -f "$work/grid_city.opl"
    fi
    files+=("$grid")
fi

# Wall-clock seconds of one run of a command; its output goes to $work/last.log.
seconds() {
    local start=$EPOCHREALTIME
    if ! "$@" >"$work/last.log" 2>&1; then
        echo "import_osm.sh: failed: $*" >&2
        cat "$work/last.log" >&2
        exit 1
    fi
    local end=$EPOCHREALTIME
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "ykm: $("$ykm" --version 2>&1 | head -n 1); $(ogr2ogr --version); $(nproc) cores; $reps runs each"
printf '%-28s %10s %12s %12s %8s\n' file size_MB ykm_s ogr2ogr_s ratio
for file in "${files[@]}"; do
    [[ -s $file ]] || { echo "import_osm.sh: $file: no such file or empty" >&2; exit 2; }
    ykm_times=()
    ogr_times=()
    for ((i = 0; i < reps; ++i)); do
        rm -f "$work/out.ykm" "$work/out.sqlite"
        ykm_times+=("$(seconds "$ykm" import "$file" -o "$work/out.ykm")")
        ogr_times+=("$(seconds ogr2ogr -f SQLite -dsco SPATIALITE=YES "$work/out.sqlite" "$file" lines)")
    done
    ykm_median=$(printf '%s\n' "${ykm_times[@]}" | median)
    ogr_median=$(printf '%s\n' "${ogr_times[@]}" | median)
    size=$(stat -c %s "$file")
    awk -v f="$(basename "$file")" -v s="$size" -v y="$ykm_median" -v o="$ogr_median" \
        'BEGIN { printf "%-28s %10.2f %12.3f %12.3f %8.2f\n", f, s / 1e6, y, o, y / o }'
done
rm -f "$work/out.ykm" "$work/out.sqlite" "$work/last.log"
