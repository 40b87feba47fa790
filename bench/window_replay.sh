#!/usr/bin/env bash
# Season replay in the window: yukimichi (--commands) under Xvfb at 1920x1080 on a project with a
# season (by default the demo city with 1,000 vehicles x 1 night of `ykm simulate --season`),
# zoomed to about a district (ZOOM), sought to an hour into the season, then playing at SPEED for
# PLAY_SECONDS of wall time. Reports the replay frames shown and the map pictures drawn per second
# against the 30 a second the timeline asks for, the requests dropped while the replay worker
# was busy, the map worker's time per picture and the UI thread's time to draw the fleet over it.
#
#   bench/window_replay.sh YUKIMICHI YKM [PROJECT]
#
# YUKIMICHI and YKM are the binaries (build them in Release). PROJECT: a project with a season
# (default: made once in BENCH_DIR as city_1000x1.ykm, about 5 minutes). Environment: SPEED
# (default 600), PLAY_SECONDS (default 10), ZOOM (default 5.5), REPS (default 3) runs, BENCH_DIR (a
# folder for the project and the outputs; default a temporary folder, removed at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bench_usage 14 2 "$@"
bench_require xvfb-run python3 sqlite3
yukimichi=$(realpath "$1")
ykm=$(realpath "$2")
speed=${SPEED:-600}
seconds=${PLAY_SECONDS:-10}
zoom=${ZOOM:-5.5}
reps=${REPS:-3}
bench_work_dir
if [[ $# -ge 3 ]]; then
    project=$(realpath "$3")
else
    project=$work/city_1000x1.ykm
    if [[ ! -f $project ]]; then
        "$ykm" demo-town -o "$project.partial" --size city --seed 1 >/dev/null
        "$ykm" simulate "$project.partial" --season --vehicles 1000 --nights 1 \
            --start 2026-12-01 --seed 1 >&2
        sqlite3 "$project.partial" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
        mv "$project.partial" "$project"
    fi
fi
# An hour after the first fix, in Japan time as the window takes it.
at=$("$ykm" replay "$project" --extent --json | python3 -c '
import datetime, json, sys
first = json.load(sys.stdin)["first_ms"] / 1000 + 3600
jst = datetime.timezone(datetime.timedelta(hours=9))
print(datetime.datetime.fromtimestamp(first, jst).strftime("%Y-%m-%d %H:%M"))')

echo "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= reps; ++i)); do
    env -u LC_ALL -u LANG LC_ALL=C.UTF-8 NO_AT_BRIDGE=1 XDG_CONFIG_HOME="$work/config" \
        timeout 600 xvfb-run -a -s "-screen 0 1920x1080x24" \
        "$yukimichi" --size 1920x1080 --no-gps-server --commands \
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;pane:layers,hide;zoom:$zoom;replay:on;replay_seek:$at;wait_ms:3000;replay_dump:$work/start_$i.json;replay_speed:$speed;replay_play;wait_ms:$((seconds * 1000));replay_pause;replay_dump:$work/end_$i.json" \
        "$project" >"$work/window_$i.json"
done

python3 - "$work" "$reps" "$seconds" <<'PY'
import json, statistics, sys

work, reps, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

def summary(values):
    values = sorted(values)
    if not values:
        return "none"
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {statistics.median(values):.1f}, p95 {p95:.1f}, max {values[-1]:.1f} ms (n={len(values)})"

shown, drawn = [], []
render, overlay = [], []
for i in range(1, reps + 1):
    with open(f"{work}/start_{i}.json") as f:
        start = json.load(f)
    with open(f"{work}/end_{i}.json") as f:
        end = json.load(f)
    with open(f"{work}/window_{i}.json") as f:
        window = json.load(f)
    frames = end["frames_shown"] - start["frames_shown"]
    pictures = end["map_frames"] - start["map_frames"]
    shown.append(frames / seconds)
    drawn.append(pictures / seconds)
    render += window["render_ms"][-pictures:] if pictures > 0 else []
    overlay += window["overlay_ms"][-frames:] if frames > 0 else []
    season_s = (end["time_ms"] - start["time_ms"]) / 1000.0
    print(f"run {i}: {frames} replay frames shown and {pictures} map pictures in {seconds:.0f} s "
          f"of play ({season_s:.0f} s of season); {end['dropped_frames'] - start['dropped_frames']} "
          f"requests dropped; {len(end.get('vehicles', []))} vehicles")
print(f"replay frames shown: {statistics.median(shown):.1f} a second (median of {reps}) against 30: "
      f"ratio {statistics.median(shown) / 30:.2f}")
print(f"map pictures drawn: {statistics.median(drawn):.1f} a second against 30: "
      f"ratio {statistics.median(drawn) / 30:.2f}")
print(f"map worker per picture: {summary(render)}")
print(f"fleet overlay per paint (UI thread): {summary(overlay)}")
PY
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
