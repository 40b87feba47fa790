#pragma once

#include "ykm/gis/road_network.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace ykm::gis {

/// Maps a road classification value (OSM highway=*, or a source field's value) to a snow
/// priority class, or to "not a road to import".
class PriorityTable {
public:
    /// The default for OSM highway values: motorway/trunk/primary/secondary (and their links) 1,
    /// tertiary/unclassified 2, residential/living_street/service/road 3.
    static PriorityTable osm_default();

    /// Reads a mapping file, one `value = class` per line, class one of 1, 2, 3, none, skip;
    /// `#` starts a comment. Entries override those of `base`.
    /// Throws ykm::Error naming the file and line of a bad entry.
    static PriorityTable read(const std::filesystem::path& file, PriorityTable base);

    /// The class for `value`; std::nullopt when the value is not in the table or is "skip".
    [[nodiscard]] std::optional<PriorityClass> lookup(const std::string& value) const;
    /// Whether `value` is in the table (and not "skip").
    [[nodiscard]] bool contains(const std::string& value) const {
        return lookup(value).has_value();
    }
    /// Whether `value` is listed as "skip" (not a road to import), unlike a value that is absent.
    [[nodiscard]] bool skips(const std::string& value) const;

    void set(const std::string& value, std::optional<PriorityClass> priority);

private:
    std::map<std::string, std::optional<PriorityClass>, std::less<>> m_entries;
};

/// Reads a priority class from a field value: "1", "2", "3", "第1種", "1種", "１種" (full-width),
/// "class 1"; empty or "none" gives PriorityClass::none; anything else std::nullopt.
std::optional<PriorityClass> parse_priority(const std::string& value);

} // namespace ykm::gis
