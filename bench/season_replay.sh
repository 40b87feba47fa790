#!/usr/bin/env bash
# Season replay and daily reports: bytes per stored fix of a synthetic season, seek time to a
# random instant (state and drawing) against a season a tenth as long, replay at 600x with 1,000
# vehicles at 30 frames a second, and the daily reports of one night for 2,000 vehicles against
# merely reading that night's fixes. Builds its projects once (`ykm demo-town --size city`, then
# `ykm simulate --season`) in BENCH_DIR and reuses them on later runs.
#
#   bench/season_replay.sh YKM BENCH_SEASON_REPLAY
#
# YKM and BENCH_SEASON_REPLAY are the binaries (build them in Release: cmake --build BUILD
# --target ykm bench_season_replay). Environment: SEASON (default 300x60), the season as
# VEHICLESxNIGHTS, and REFERENCE (default 300x6), the short one; FLEET_REPLAY (default 1000)
# and FLEET_REPORTS (default 2000), the vehicles of the one-night projects; INSTANTS (default
# 200) seeks; ZOOM (default 5.5: about a district, 1 shows the whole city) for the pictures;
# REPS (default 3) runs of the daily reports; BENCH_DIR, a folder for the projects (default: a
# temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
ykm=$(realpath "$1")
bench=$(realpath "$2")
for b in "$ykm" "$bench"; do
    [[ -x $b ]] || { echo "season_replay.sh: $b is not an executable" >&2; exit 2; }
done
season=${SEASON:-300x60}
reference=${REFERENCE:-300x6}
fleet_replay=${FLEET_REPLAY:-1000}
fleet_reports=${FLEET_REPORTS:-2000}
instants=${INSTANTS:-200}
zoom=${ZOOM:-5.5}
reps=${REPS:-3}
bench_work_dir

# city_VxN.ykm: the demo city (seed 1) with a season of V vehicles and N nights (seed 1).
project() {
    local vehicles=$1 nights=$2
    local file=$work/city_${vehicles}x${nights}.ykm
    if [[ ! -f $file ]]; then
        rm -f "$file.partial" "$file.partial-wal" "$file.partial-shm"
        "$ykm" demo-town -o "$file.partial" --size city --seed 1 >/dev/null
        echo "generating $vehicles vehicles x $nights nights:" >&2
        "$ykm" simulate "$file.partial" --season --vehicles "$vehicles" --nights "$nights" \
            --start 2026-12-01 --seed 1 >&2
        # A checkpoint folds the WAL back in, so the project is one file that can be renamed.
        sqlite3 "$file.partial" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
        mv "$file.partial" "$file"
    fi
    echo "$file"
}

echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
long=$(project "${season%x*}" "${season#*x}")
short=$(project "${reference%x*}" "${reference#*x}")
replay=$(project "$fleet_replay" 1)
reports=$(project "$fleet_reports" 1)

echo "== bytes per stored fix"
"$bench" bytes "$long"
echo
echo "== seek"
"$bench" seek "$long" "$short" --instants "$instants" --zoom "$zoom"
echo
echo "== replay at 600x"
"$bench" replay "$replay" --speed 600 --fps 30 --minutes 10 --zoom "$zoom"
echo
echo "== daily reports"
"$bench" reports "$reports" --reps "$reps"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
