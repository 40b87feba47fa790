#pragma once

#include "ykm/data/project.hpp"
#include "ykm/gis/road_network.hpp"

#include <cstdint>
#include <vector>

namespace ykm::data {

/// Size of a generated town: small (~400 segments), medium (~1,500), large (~5,600), city
/// (100,000+, for benchmarks).
enum class TownSize { small, medium, large, city };

/// Parses "small", "medium", "large", "city"; throws ykm::Error otherwise.
TownSize parse_town_size(const std::string& text);

/// A generated snowy Japanese town: its road network (JGD2011 plane rectangular zone X) and
/// its districts, depots and dump sites.
struct DemoTown {
    gis::RoadNetwork network;
    std::vector<District> districts;
    std::vector<Depot> depots;
    std::vector<DumpSite> dump_sites;
};

/// Generates a town: arterials (class 1), collectors (class 2), a residential grid and cul-de-sacs
/// (class 3), one-way streets, 4-8 districts, depots and dump sites. The same seed and size
/// always give the same town.
DemoTown generate_demo_town(std::uint64_t seed, TownSize size);

/// Writes a generated town into a project, with one snow station (観測所) per district: codes
/// S01, S02, ... in the order of the districts' ids, named "<district> 観測所", at the district's
/// centroid. The project's other snow stations (and their observations) are replaced.
void write_demo_town(Project& project, const DemoTown& town);

} // namespace ykm::data
