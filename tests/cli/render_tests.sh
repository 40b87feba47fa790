#!/usr/bin/env bash
# End-to-end tests of `ykm render`: a demo town drawn to PNG and PDF in a temp folder, checked
# with `file` and `pdftotext` (poppler-utils); bad input exits 2 with one line on stderr.
# usage: render_tests.sh YKM
set -uo pipefail
ykm=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

town=$work/town.ykm
"$ykm" demo-town -o "$town" --seed 4 --size small >/dev/null || fail "demo-town"

# --- PNG ----------------------------------------------------------------------------------
if "$ykm" render "$town" -o "$work/map.png" >/dev/null &&
    file "$work/map.png" | grep -q "PNG image data, 1600 x 1000"; then
    pass "PNG of the whole town at the default 1600x1000"
else
    fail "default PNG: $(file "$work/map.png" 2>&1)"
fi

if "$ykm" render "$town" -o "$work/small.png" --size 640x480 --legend --large-font --lang en >/dev/null &&
    file "$work/small.png" | grep -q "640 x 480"; then
    pass "--size 640x480 with legend, large font, English"
else
    fail "--size 640x480: $(file "$work/small.png" 2>&1)"
fi

# A box in the project CRS (EPSG:6678 metres) inside the town.
extent=$("$ykm" info "$town" --json | jq -r '.extent | map(tostring) | join(",")')
IFS=, read -r minx miny maxx maxy <<<"$extent"
bbox=$(awk -v a="$minx" -v b="$miny" -v c="$maxx" -v d="$maxy" \
    'BEGIN { printf "%.1f,%.1f,%.1f,%.1f", a + (c - a) * 0.25, b + (d - b) * 0.25, a + (c - a) * 0.5, b + (d - b) * 0.5 }')
if "$ykm" render "$town" -o "$work/bbox.png" --bbox "$bbox" --size 800x600 >/dev/null &&
    file "$work/bbox.png" | grep -q "800 x 600"; then
    pass "--bbox in the project CRS"
else
    fail "--bbox $bbox"
fi

# The centre of the town in lon/lat at 1:5000: the command reports the scale it drew.
centre=$("$ykm" info "$town" --json | jq -r '.extent_lonlat | "\((.[0] + .[2]) / 2),\((.[1] + .[3]) / 2)"')
out=$("$ykm" render "$town" -o "$work/centre.png" --center "$centre" --scale 5000 --size 1000x700)
if [[ $out == *"1000x700 map at 1:5000"* ]] && file "$work/centre.png" | grep -q "1000 x 700"; then
    pass "--center LON,LAT --scale 5000"
else
    fail "--center $centre --scale 5000: $out"
fi

# Two renders of the same view are the same picture.
"$ykm" render "$town" -o "$work/again.png" >/dev/null
if cmp -s "$work/map.png" "$work/again.png"; then pass "rendering is repeatable"; else fail "two renders differ"; fi

# --- PDF ----------------------------------------------------------------------------------
if "$ykm" render "$town" -o "$work/sheet.pdf" --title "除雪路線図 Test Sheet" >/dev/null &&
    [[ $(head -c 5 "$work/sheet.pdf") == "%PDF-" ]]; then
    pass "PDF sheet starts with %PDF-"
else
    fail "PDF sheet"
fi

if command -v pdftotext >/dev/null; then
    text=$(pdftotext "$work/sheet.pdf" - 2>/dev/null)
    today=$(TZ=Asia/Tokyo date +%F)
    grep -q "除雪路線図 Test Sheet" <<<"$text" && pass "sheet carries the title" || fail "title missing: $text"
    grep -q "Generated demo data" <<<"$text" && pass "sheet carries the project's attribution" || fail "attribution missing"
    grep -q "$today" <<<"$text" && pass "sheet carries today's date in Japan" || fail "date $today missing"
    grep -q "EPSG:6678" <<<"$text" && pass "sheet names the CRS" || fail "CRS missing"
    grep -q "第1種" <<<"$text" && pass "sheet legend in Japanese" || fail "legend missing"
    pdfinfo "$work/sheet.pdf" | grep -q "Page size: *842 x 595 pts" && pass "A4 landscape" || fail "page size: $(pdfinfo "$work/sheet.pdf" | grep 'Page size')"

    # OSM data: the attribution OpenStreetMap's licence asks for.
    sqlite3 "$town" "INSERT OR REPLACE INTO ykm_meta (key, value) VALUES ('attribution', '© OpenStreetMap contributors')"
    "$ykm" render "$town" -o "$work/osm.pdf" --size 600x900 --lang en >/dev/null
    text=$(pdftotext "$work/osm.pdf" - 2>/dev/null)
    grep -q "© OpenStreetMap contributors" <<<"$text" && pass "OSM attribution" || fail "OSM attribution missing: $text"
    grep -q "town.ykm" <<<"$text" && pass "default title is the project file name" || fail "default title missing"
    grep -q "Class 1" <<<"$text" && pass "English legend" || fail "English legend missing"
    pdfinfo "$work/osm.pdf" | grep -q "Page size: *595 x 842 pts" && pass "tall view prints A4 portrait" || fail "portrait"
else
    echo "skipped: pdftotext not installed (poppler-utils)"
fi

# --- bad input ----------------------------------------------------------------------------
expect_error "bad size" 2 "--size '12x'" -- "$ykm" render "$town" -o "$work/x.png" --size 12x
expect_error "zero size" 2 "--size '0x100'" -- "$ykm" render "$town" -o "$work/x.png" --size 0x100
expect_error "bad bbox" 2 "--bbox '1,2,3'" -- "$ykm" render "$town" -o "$work/x.png" --bbox 1,2,3
expect_error "empty bbox" 2 "--bbox '5,0,1,10'.*empty" -- "$ykm" render "$town" -o "$work/x.png" --bbox 5,0,1,10
expect_error "bbox with center" 2 "exclude" -- "$ykm" render "$town" -o "$work/x.png" --bbox 0,0,1,1 --center 140,40
expect_error "bad center" 2 "--center '140.6'" -- "$ykm" render "$town" -o "$work/x.png" --center 140.6
expect_error "bad scale" 2 "--scale '-5'" -- "$ykm" render "$town" -o "$work/x.png" --scale -5
expect_error "unknown extension" 2 "x\.jpg.*'\.jpg'" -- "$ykm" render "$town" -o "$work/x.jpg"
expect_error "bad language" 2 "--lang 'fr'" -- "$ykm" render "$town" -o "$work/x.png" --lang fr
expect_error "missing output" 2 "-o OUTPUT" -- "$ykm" render "$town"
expect_error "missing project" 2 "nothing\.ykm" -- "$ykm" render "$work/nothing.ykm" -o "$work/x.png"
expect_error "unwritable output" 2 "no-such-folder/x\.png" -- "$ykm" render "$town" -o "$work/no-such-folder/x.png"
[[ ! -e $work/x.png && ! -e $work/x.jpg ]] && pass "failed renders leave no file" || fail "a failed render left a file"

# --timings reports the three stages on stderr, and the PNG is still written.
timing=$("$ykm" render "$town" -o "$work/timed.png" --timings 2>&1 >/dev/null)
if grep -Eq '^read_ms=[0-9.]+ draw_ms=[0-9.]+ write_ms=[0-9.]+ roads=[1-9][0-9]*$' <<<"$timing" &&
    [[ -s $work/timed.png ]]; then
    pass "--timings reports read, draw and write times"
else
    fail "--timings: $timing"
fi

summary
