#!/usr/bin/env bash
# Map rendering time: `ykm render PROJECT -o out.png --size 1920x1080 --bbox ...` against QGIS
# (bench/render_qgis.py: the road_segments layer, same extent, size, colours and widths),
# alternating runs on the same project.
#
#   bench/render_vs_qgis.sh YKM [PROJECT...]
#
# YKM is the ykm binary (build it in Release). Without PROJECT it builds two projects: a
# demo city (`ykm demo-town --size city`, 100,000+ segments) and the Stockholm Shapefiles in
# ../shared/data beside the repository (`ykm import .../edges.shp`).
# Environment: REPS (default 10) runs of each command per project; BENCH_DIR, a folder for the
# projects and pictures (default: a temporary folder, removed at the end); QGIS_PYTHON, a
# Python with the qgis module (default: python3, else /usr/bin/python3; python3-qgis and
# qgis-providers are installed with apt-get when neither has it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
shift
reps=${REPS:-10}
size=1920x1080
[[ -x $ykm ]] || { echo "render_vs_qgis.sh: $ykm is not an executable" >&2; exit 2; }
if ! "$ykm" render --help >/dev/null 2>&1; then
    echo "render_vs_qgis.sh: $ykm has no 'render' command" >&2
    exit 2
fi

find_qgis_python() {
    local candidate
    for candidate in ${QGIS_PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null &&
            "$candidate" -c 'import qgis.core' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}
if ! python=$(find_qgis_python); then
    echo "render_vs_qgis.sh: installing python3-qgis and qgis-providers" >&2
    apt-get install -y --no-install-recommends python3-qgis qgis-providers >&2
    python=$(find_qgis_python) || { echo "render_vs_qgis.sh: no Python finds qgis" >&2; exit 2; }
fi
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}

bench_work_dir

projects=("$@")
if [[ ${#projects[@]} -eq 0 ]]; then
    city=$work/city.ykm
    if [[ ! -s $city ]]; then
        echo "writing the demo city $city" >&2
        "$ykm" demo-town --size city -o "$city" --overwrite >&2
    fi
    stockholm=$work/stockholm.ykm
    if [[ ! -s $stockholm ]]; then
        echo "importing the Stockholm Shapefiles into $stockholm" >&2
        "$ykm" import "$here/../../shared/data/fmm_stockholm/stockholm_small/edges.shp" \
            -o "$stockholm" >&2
    fi
    projects=("$city" "$stockholm")
fi

# Wall-clock seconds of one run of a command; its output goes to $work/last.log.
seconds() {
    local start=$EPOCHREALTIME
    if ! "$@" >"$work/last.log" 2>&1; then
        echo "render_vs_qgis.sh: failed: $*" >&2
        cat "$work/last.log" >&2
        exit 1
    fi
    local end=$EPOCHREALTIME
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

median() {
    sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# The project extent in its CRS from `ykm info --json`, as XMIN,YMIN,XMAX,YMAX.
project_extent() {
    "$ykm" info "$1" --json | "$python" -c '
import json, sys
print(",".join(repr(v) for v in json.load(sys.stdin)["extent"]))'
}

# The same extent moved ten widths east, where there is nothing to draw.
empty_extent() {
    awk -F, '{ w = $3 - $1; printf "%.3f,%.3f,%.3f,%.3f\n", $1 + 10 * w, $2, $3 + 10 * w, $4 }' \
        <<<"$1"
}

qgis_version=$("$python" -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null)
echo "ykm: $("$ykm" --version 2>&1 | head -n 1); QGIS $qgis_version; $(nproc) cores; $size;" \
    "$reps runs each"
echo
echo "Whole commands (start-up, loading, drawing, writing the PNG), medians in seconds:"
printf '%-16s %9s %10s %10s %7s %12s\n' project segments ykm_render qgis_script ratio ykm_empty_view
declare -A qgis_only
for project in "${projects[@]}"; do
    [[ -s $project ]] || { echo "render_vs_qgis.sh: $project: no such file or empty" >&2; exit 2; }
    name=$(basename "$project" .ykm)
    bbox=$(project_extent "$project")
    nothing=$(empty_extent "$bbox")
    ykm_times=()
    qgis_times=()
    empty_times=()
    for ((i = 0; i < reps; ++i)); do
        ykm_times+=("$(seconds "$ykm" render "$project" -o "$work/$name-ykm.png" \
            --size "$size" --bbox "$bbox")")
        qgis_times+=("$(seconds "$python" "$here/render_qgis.py" "$project" --bbox="$bbox" \
            --size "$size" -o "$work/$name-qgis.png")")
        empty_times+=("$(seconds "$ykm" render "$project" -o "$work/$name-empty.png" \
            --size "$size" --bbox "$nothing")")
    done
    ykm_median=$(printf '%s\n' "${ykm_times[@]}" | median)
    qgis_median=$(printf '%s\n' "${qgis_times[@]}" | median)
    empty_median=$(printf '%s\n' "${empty_times[@]}" | median)
    segments=$("$ykm" info "$project" --json |
        "$python" -c 'import json, sys; print(json.load(sys.stdin)["segments"])')
    awk -v p="$name" -v n="$segments" -v y="$ykm_median" -v q="$qgis_median" -v e="$empty_median" \
        'BEGIN { printf "%-16s %9d %10.3f %10.3f %7.2f %12.3f\n", p, n, y, q, y / q, e }'

    # QGIS drawing alone: the layer loaded once, then REPS renders timed from the job's start
    # to the finished image.
    for job in sequential parallel; do
        "$python" "$here/render_qgis.py" "$project" --bbox="$bbox" --size "$size" --reps "$reps" \
            --job "$job" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
        qgis_only[$name/$job]=$(awk '$1 == "median_render_s" { print $2 }' "$work/last.log")
    done
done
echo
echo "QGIS drawing only (layer loaded once; job start to finished image), medians in seconds:"
printf '%-16s %12s %12s\n' project sequential parallel
for project in "${projects[@]}"; do
    name=$(basename "$project" .ykm)
    printf '%-16s %12.3f %12.3f\n' "$name" "${qgis_only[$name/sequential]}" \
        "${qgis_only[$name/parallel]}"
done
rm -f "$work/last.log"
