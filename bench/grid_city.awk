# Writes a synthetic snowy city as OSM OPL (convert with `osmium cat grid.opl -o grid.osm.pbf`):
# a G x G grid of streets 100 m apart with a node every 10 m, ways of 4 blocks each (arterials
# every 10th street, collectors every 5th, one-way streets every 7th, residential otherwise) and
# one building outline per block, which the importers must read and leave out.
# G = 230 gives about 1.2 million nodes and 80,000 ways.
#
#   awk -v G=230 -f grid_city.awk > grid.opl

# Positions jitter by up to 1 m, as surveyed ones do, so PBF compresses them as it would real data.
function lon(col) { return sprintf("%.7f", 141.30 + col * 0.0001229 + (rand() - 0.5) * 0.0000246) }
function lat(row) { return sprintf("%.7f", 43.00 + row * 0.0000900 + (rand() - 0.5) * 0.0000180) }
function crossing(i, j) { return i * G + j + 1 }
# The k-th (0..8) node inside block b of horizontal street i, and of vertical street j.
function h_inner(i, b, k) { return G * G + (i * (G - 1) + b) * 9 + k + 1 }
function v_inner(j, b, k) { return G * G + G * (G - 1) * 9 + (j * (G - 1) + b) * 9 + k + 1 }
function street_tags(n, horizontal) {
    if (n % 10 == 0) return "highway=primary,name=" (horizontal ? "North" : "West") n "Ave"
    if (n % 5 == 0) return "highway=tertiary,name=" (horizontal ? "North" : "West") n "St"
    if (n % 7 == 0) return "highway=residential,oneway=yes"
    return "highway=residential"
}

BEGIN {
    if (G < 2) G = 230
    srand(1)
    for (i = 0; i < G; ++i)
        for (j = 0; j < G; ++j)
            printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", crossing(i, j), lon(10 * j), lat(10 * i)
    for (i = 0; i < G; ++i)
        for (b = 0; b < G - 1; ++b)
            for (k = 0; k < 9; ++k)
                printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", h_inner(i, b, k), lon(10 * b + k + 1), lat(10 * i)
    for (j = 0; j < G; ++j)
        for (b = 0; b < G - 1; ++b)
            for (k = 0; k < 9; ++k)
                printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", v_inner(j, b, k), lon(10 * j), lat(10 * b + k + 1)
    # Building corners, 2 m to 8 m inside each block.
    id = G * G + 2 * G * (G - 1) * 9
    for (i = 0; i < G - 1; ++i)
        for (j = 0; j < G - 1; ++j) {
            printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", ++id, lon(10 * j + 2), lat(10 * i + 2)
            printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", ++id, lon(10 * j + 8), lat(10 * i + 2)
            printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", ++id, lon(10 * j + 8), lat(10 * i + 8)
            printf "n%d v1 t2024-01-15T00:00:00Z x%s y%s\n", ++id, lon(10 * j + 2), lat(10 * i + 8)
        }

    way = 0
    for (i = 0; i < G; ++i)
        for (b0 = 0; b0 < G - 1; b0 += 4) {
            nodes = "n" crossing(i, b0)
            for (b = b0; b < b0 + 4 && b < G - 1; ++b) {
                for (k = 0; k < 9; ++k) nodes = nodes ",n" h_inner(i, b, k)
                nodes = nodes ",n" crossing(i, b + 1)
            }
            printf "w%d v1 t2024-01-15T00:00:00Z T%s N%s\n", ++way, street_tags(i, 1), nodes
        }
    for (j = 0; j < G; ++j)
        for (b0 = 0; b0 < G - 1; b0 += 4) {
            nodes = "n" crossing(b0, j)
            for (b = b0; b < b0 + 4 && b < G - 1; ++b) {
                for (k = 0; k < 9; ++k) nodes = nodes ",n" v_inner(j, b, k)
                nodes = nodes ",n" crossing(b + 1, j)
            }
            printf "w%d v1 t2024-01-15T00:00:00Z T%s N%s\n", ++way, street_tags(j, 0), nodes
        }
    id = G * G + 2 * G * (G - 1) * 9
    for (i = 0; i < G - 1; ++i)
        for (j = 0; j < G - 1; ++j) {
            printf "w%d v1 t2024-01-15T00:00:00Z Tbuilding=house N", ++way
            printf "n%d,n%d,n%d,n%d,n%d\n", id + 1, id + 2, id + 3, id + 4, id + 1
            id += 4
        }
}
