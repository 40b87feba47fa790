#!/usr/bin/env bash
# End-to-end tests of the ykm command line: real files in a temp folder, real exit codes and
# messages, GDAL's own tools reading what ykm wrote.
# usage: cli_tests.sh YKM SHARED_DATA_DIR
set -uo pipefail
ykm=$1
shared=$2
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=tests/cli/test_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test_lib.sh"

# --- success paths -----------------------------------------------------------------------
if "$ykm" --version | grep -Eq '^ykm [0-9]+\.[0-9]+\.[0-9]+$'; then pass "version"; else fail "version"; fi

town=$work/town.ykm
if "$ykm" demo-town -o "$town" --seed 4 --size small >/dev/null && [[ -f $town ]]; then
    pass "demo-town writes a project"
else
    fail "demo-town writes a project"
fi

json=$("$ykm" info "$town" --json)
segments=$(jq -r .segments <<<"$json")
if [[ $(jq -r .crs.epsg <<<"$json") == 6678 && $segments -gt 100 && $(jq '.districts | length' <<<"$json") == 4 ]]; then
    pass "info --json reports CRS, segments and districts"
else
    fail "info --json: $json"
fi

# ogrinfo opens the project as it is and counts the same segments.
ogr_count=$(ogrinfo -ro -so "$town" road_segments | sed -n 's/^Feature Count: //p')
if [[ $ogr_count == "$segments" ]]; then pass "ogrinfo reads road_segments"; else fail "ogrinfo count $ogr_count vs $segments"; fi

# Export and re-import: the road network survives a GeoPackage round trip.
"$ykm" export "$town" road_segments "$work/roads.gpkg" >/dev/null &&
    "$ykm" import "$work/roads.gpkg" -o "$work/again.ykm" >/dev/null
again=$("$ykm" info "$work/again.ykm" --json 2>/dev/null | jq -r .segments)
if [[ $again == "$segments" ]]; then pass "GPKG round trip keeps every segment"; else fail "round trip: $again vs $segments"; fi

"$ykm" export "$town" districts "$work/districts.geojson" >/dev/null
if "$ykm" add-layer "$work/again.ykm" districts "$work/districts.geojson" >/dev/null &&
    [[ $("$ykm" info "$work/again.ykm" --json | jq '[.districts[].segments] | add') == "$segments" ]]; then
    pass "add-layer districts assigns every segment"
else
    fail "add-layer districts"
fi

"$ykm" export "$town" road_segments "$work/roads.csv" >/dev/null
rows=$(($(wc -l <"$work/roads.csv") - 1))
if [[ $rows == "$segments" ]] && head -1 "$work/roads.csv" | grep -q WKT; then pass "CSV export with WKT"; else fail "CSV rows $rows"; fi

# --- bad input ----------------------------------------------------------------------------
expect_error "missing source file" 2 "nothere\.osm\.pbf" -- "$ykm" import "$work/nothere.osm.pbf" -o "$work/x.ykm"
: >"$work/empty.osm.pbf"
expect_error "empty PBF" 2 "empty\.osm\.pbf" -- "$ykm" import "$work/empty.osm.pbf" -o "$work/x.ykm"
: >"$work/empty.geojson"
expect_error "empty GeoJSON" 2 "empty\.geojson" -- "$ykm" import "$work/empty.geojson" -o "$work/x.ykm"
pbf=$shared/helsinki_osm/test.osm.pbf
head -c $(($(stat -c %s "$pbf") / 2)) "$pbf" >"$work/truncated.osm.pbf"
expect_error "truncated PBF" 2 "truncated\.osm\.pbf" -- "$ykm" import "$work/truncated.osm.pbf" -o "$work/x.ykm"
[[ ! -e $work/x.ykm ]] && pass "failed imports leave no project" || fail "a failed import left $work/x.ykm"

mkdir -p "$work/noprj"
cp "$shared"/fmm_stockholm/stockholm_small/edges.{shp,shx,dbf,cpg} "$work/noprj/"
expect_error "Shapefile without .prj" 2 "edges\.shp.*(CRS|prj)" -- "$ykm" import "$work/noprj/edges.shp" -o "$work/x.ykm"
if "$ykm" import "$work/noprj/edges.shp" --source-crs EPSG:4326 -o "$work/noprj.ykm" >/dev/null; then
    pass "--source-crs rescues a Shapefile without .prj"
else
    fail "--source-crs rescues a Shapefile without .prj"
fi

expect_error "a polygon layer is not roads" 2 "districts\.geojson.*not lines" -- "$ykm" import "$work/districts.geojson" -o "$work/x.ykm"
expect_error "mapping to a missing field" 2 "種別" -- "$ykm" import "$work/roads.gpkg" --map priority=種別 -o "$work/x.ykm"
expect_error "unknown mapping key" 2 "colour" -- "$ykm" import "$work/roads.gpkg" --map colour=name -o "$work/x.ykm"

echo "this is not a database" >"$work/text.ykm"
expect_error "project that is not SQLite" 2 "text\.ykm.*not a SQLite database" -- "$ykm" info "$work/text.ykm"
cp "$town" "$work/future.ykm"
sqlite3 "$work/future.ykm" "UPDATE ykm_meta SET value = '99' WHERE key = 'schema_version'"
expect_error "project from a newer schema" 2 "future\.ykm.*newer" -- "$ykm" info "$work/future.ykm"

# A read-only folder: as root permissions do not bind, so run as nobody there.
mkdir -p "$work/readonly"
chmod 555 "$work/readonly"
chmod 755 "$work"
as_user=()
if [[ $(id -u) == 0 ]]; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups); fi
expect_error "read-only output folder" 2 "readonly" -- "${as_user[@]}" "$ykm" demo-town -o "$work/readonly/town.ykm"
[[ -z $(ls -A "$work/readonly") ]] && pass "read-only folder left empty" || fail "read-only folder not empty"

# An existing project stays untouched when an import over it fails.
cp "$town" "$work/keep.ykm"
before=$(sha256sum <"$work/keep.ykm")
"$ykm" import "$work/truncated.osm.pbf" -o "$work/keep.ykm" --overwrite 2>/dev/null
after=$(sha256sum <"$work/keep.ykm")
[[ $before == "$after" ]] && pass "failed import keeps the existing project" || fail "existing project changed"
expect_error "no overwrite without --overwrite" 2 "keep\.ykm.*exists" -- "$ykm" demo-town -o "$work/keep.ykm"

expect_error "unknown layer" 2 "rivers" -- "$ykm" export "$town" rivers "$work/r.geojson"
expect_error "unknown command" 2 "frobnicate" -- "$ykm" frobnicate
expect_error "bad EPSG" 2 "EPSG:abc" -- "$ykm" import "$work/roads.gpkg" --crs EPSG:abc -o "$work/x.ykm"

summary
