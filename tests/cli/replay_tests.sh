#!/usr/bin/env bash
# End-to-end tests of `ykm replay`: the demo town with two simulated plows imported from a logger
# CSV, a snapshot checked for its size and the marker of a working vehicle at its pixel, frames
# counted, a video counted by ffprobe, and the errors of bad input.
# usage: replay_tests.sh YKM
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm

# The colour of one pixel of a PNG as six hex digits (ffmpeg decodes it).
pixel() {
    ffmpeg -v error -i "$1" -vf "crop=1:1:$2:$3" -f rawvideo -pix_fmt rgb24 - | od -An -tx1 | tr -d ' \n'
}

"$ykm" demo-town -o "$town" --seed 3 --size small >/dev/null
# An hour of two plows (the demo fleet's D-01 and G-01) from 21:10 JST, imported as a logger file.
"$ykm" simulate "$town" --vehicles 2 --out "$work/sim.csv" --duration 3600 \
    --start 2026-01-15T21:10:00+09:00 --seed 7 >/dev/null
if "$ykm" track import "$town" "$work/sim.csv" >/dev/null; then
    pass "fixes imported"
else
    fail "track import"
fi

extent=$("$ykm" replay "$town" --extent --json)
if [[ $(jq -r .first <<<"$extent") == 2026-01-15T21:10:0* && $(jq -r .last <<<"$extent") == 2026-01-15T22:09:5* ]]; then
    pass "--extent gives the first and last fix"
else
    fail "--extent: $extent"
fi

# --- snapshot ------------------------------------------------------------------------------------
json=$("$ykm" replay "$town" --at "2026-01-15 21:40" -o "$work/snap.png" --size 800x600 --json)
if file "$work/snap.png" | grep -q "PNG image data, 800 x 600"; then
    pass "snapshot has the size asked"
else
    fail "snapshot size: $(file "$work/snap.png")"
fi
if [[ $(jq -r .counts.working <<<"$json") == 2 && $(jq -r .counts.unknown <<<"$json") == 14 ]]; then
    pass "both plows work at 21:40, the other 14 vehicles never reported"
else
    fail "counts: $(jq -c .counts <<<"$json")"
fi
x=$(jq -r '[.vehicles[] | select(.code == "D-01")][0].x_px | round' <<<"$json")
y=$(jq -r '[.vehicles[] | select(.code == "D-01")][0].y_px | round' <<<"$json")
colour=$(pixel "$work/snap.png" "$x" "$y")
if [[ $colour == 009e73 ]]; then
    pass "a working vehicle's marker (bluish green) is at its pixel ($x, $y)"
else
    fail "pixel ($x, $y) of D-01 is $colour, not 009e73"
fi
# Followed, the vehicle is in the middle of the map under the 32-pixel title strip:
# (800 / 2, 32 + (600 - 32) / 2).
"$ykm" replay "$town" --at "2026-01-15 21:40" -o "$work/follow.png" --size 800x600 --follow D-01 >/dev/null
colour=$(pixel "$work/follow.png" 400 316)
if [[ $colour == 009e73 ]]; then
    pass "--follow centres the vehicle"
else
    fail "centre pixel of --follow D-01 is $colour"
fi
colour=$(pixel "$work/snap.png" 790 4)
if [[ $colour == ffffff ]]; then
    pass "title strip along the top"
else
    fail "title strip pixel is $colour"
fi

# --- frames and video ----------------------------------------------------------------------------
# 10 minutes at 2 fps and 60x: floor(600 x 2 / 60) + 1 = 21 frames.
if "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 21:30" --fps 2 --speed 60 \
    -o "$work/frames/" --size 320x240 >/dev/null; then
    count=$(find "$work/frames" -name 'frame-*.png' | wc -l)
    if [[ $count == 21 && -f $work/frames/frame-000001.png && -f $work/frames/frame-000021.png ]] &&
        file "$work/frames/frame-000021.png" | grep -q "320 x 240"; then
        pass "21 frames written"
    else
        fail "frames: $count"
    fi
else
    fail "frames"
fi
# 7 min 30 s at 3 fps and 100x: floor(450 x 3 / 100) + 1 = 14 frames.
if "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 21:27:30" --fps 3 --speed 100 \
    -o "$work/frames2" --size 320x240 >/dev/null &&
    [[ $(find "$work/frames2" -name 'frame-*.png' | wc -l) == 14 ]]; then
    pass "frame count rounds down"
else
    fail "frames2: $(find "$work/frames2" -name 'frame-*.png' 2>/dev/null | wc -l)"
fi
# 5 minutes at 10 fps and 60x: 51 frames in the video.
if "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 21:25" --fps 10 --speed 60 \
    -o "$work/replay.mp4" --size 320x240 >/dev/null; then
    frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
        -of csv=p=0 "$work/replay.mp4")
    if [[ $frames == 51 ]]; then
        pass "video of 51 frames"
    else
        fail "video frames: $frames"
    fi
else
    fail "video"
fi

# --- errors --------------------------------------------------------------------------------------
"$ykm" demo-town -o "$work/empty.ykm" --seed 1 --size small >/dev/null
expect_error "no fixes" 2 "season log has no fixes" -- \
    "$ykm" replay "$work/empty.ykm" --at "2026-01-15 21:40" -o "$work/e.png"
expect_error "outside the season" 2 "outside the season" -- \
    "$ykm" replay "$town" --at "2026-01-16 21:40" -o "$work/e.png"
expect_error "unwritable output" 2 "does not exist" -- \
    "$ykm" replay "$town" --at "2026-01-15 21:40" -o "$work/nowhere/e.png"
expect_error "too many frames" 2 "more than 100000" -- \
    "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 22:00" --fps 60 --speed 1 -o "$work/many/"
expect_error "to before from" 2 "is not after" -- \
    "$ykm" replay "$town" --from "2026-01-15 21:30" --to "2026-01-15 21:20" -o "$work/back/"
expect_error "frames over files" 2 "not an empty directory" -- \
    "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 21:21" -o "$work/frames/"
expect_error "video without ffmpeg" 2 "install the Debian package ffmpeg" -- \
    env PATH=/nonexistent "$ykm" replay "$town" --from "2026-01-15 21:20" --to "2026-01-15 21:21" -o "$work/v.webm"
expect_error "unknown vehicle" 2 "vehicle ZZ-9 does not exist" -- \
    "$ykm" replay "$town" --at "2026-01-15 21:40" -o "$work/e.png" --follow ZZ-9
if [[ ! -e $work/e.png && ! -e $work/many && ! -e $work/back && ! -e $work/v.webm ]] &&
    [[ -z $(find "$work" -maxdepth 1 -name '.*tmp*') ]]; then
    pass "no partial output"
else
    fail "partial output left: $(ls -a "$work")"
fi

summary
