#!/usr/bin/env bash
# Frame times of the map window during pan and zoom: the window (yukimichi --commands) on a
# demo city (`ykm demo-town --size city`, about 105,000 segments) zoomed so that about 10,000
# segments are in view, at 1920x1080 under Xvfb. It drags the map in 60 steps of 10 px (one
# motion event per 16 ms, the event loop running between them), then turns the wheel 20 notches
# (10 in, 10 out, one per 16 ms), and reports the paint handler's times, the worker's times per
# picture (query and draw) and the UI thread's time to take over each picture.
#
#   bench/frames.sh YUKIMICHI YKM
#
# YUKIMICHI and YKM are the binaries (build them in Release). Environment: ZOOM (default 5.5),
# the zoom factor from the full extent; REPS (default 3) runs; BENCH_DIR, a folder for the
# project and the outputs (default: a temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
fi
yukimichi=$(realpath "$1")
ykm=$(realpath "$2")
zoom=${ZOOM:-5.5}
reps=${REPS:-3}
for tool in xvfb-run python3; do
    command -v "$tool" >/dev/null || { echo "frames.sh: $tool is not installed" >&2; exit 2; }
done
bench_work_dir

[[ -f $work/city.ykm ]] || "$ykm" demo-town -o "$work/city.ykm" --size city --seed 1
for ((i = 1; i <= reps; ++i)); do
    env -u LC_ALL -u LANG LC_ALL=C.UTF-8 NO_AT_BRIDGE=1 XDG_CONFIG_HOME="$work/config" \
        xvfb-run -a -s "-screen 0 1920x1080x24" \
        "$yukimichi" --size 1920x1080 \
        --commands "zoom:$zoom;pan_drag_steps:60;wheel_steps:20" "$work/city.ykm" \
        >"$work/frames_$i.json"
done

python3 - "$work"/frames_*.json <<'PY'
import json, statistics, sys

def summary(name, values):
    values = sorted(values)
    if not values:
        print(f"{name}: none")
        return
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    over = sum(1 for v in values if v >= 16.0)
    print(f"{name}: n={len(values)} median={statistics.median(values):.2f} "
          f"p95={p95:.2f} max={values[-1]:.2f} ms; {over} at 16 ms or more")

paint, render, take, roads = [], [], [], []
for path in sys.argv[1:]:
    with open(path) as f:
        run = json.load(f)
    paint += run["paint_ms"]
    render += run["render_ms"]
    take += run["take_frame_ms"]
    roads.append(run["roads_in_view"])
print(f"runs: {len(sys.argv) - 1}; segments in the last picture: {roads}")
summary("paint (UI thread)", paint)
summary("take picture (UI thread)", take)
summary("worker render", render)
PY
