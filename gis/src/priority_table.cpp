#include "ykm/gis/priority_table.hpp"

#include "ykm/gis/error.hpp"

#include <fstream>

namespace ykm::gis {
namespace {

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

} // namespace

PriorityTable PriorityTable::osm_default() {
    PriorityTable table;
    for (const char* v : {"motorway", "motorway_link", "trunk", "trunk_link", "primary",
                          "primary_link", "secondary", "secondary_link"}) {
        table.set(v, PriorityClass::first);
    }
    for (const char* v : {"tertiary", "tertiary_link", "unclassified"}) {
        table.set(v, PriorityClass::second);
    }
    for (const char* v : {"residential", "living_street", "service", "road"}) {
        table.set(v, PriorityClass::third);
    }
    return table;
}

void PriorityTable::set(const std::string& value, std::optional<PriorityClass> priority) {
    m_entries[value] = priority;
}

std::optional<PriorityClass> PriorityTable::lookup(const std::string& value) const {
    auto it = m_entries.find(value);
    if (it == m_entries.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool PriorityTable::skips(const std::string& value) const {
    auto it = m_entries.find(value);
    return it != m_entries.end() && !it->second.has_value();
}

PriorityTable PriorityTable::read(const std::filesystem::path& file, PriorityTable base) {
    std::ifstream in(file);
    if (!in) {
        throw Error(file.string() + ": cannot open the priority mapping file");
    }
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (auto hash = line.find('#'); hash != std::string::npos) {
            line.erase(hash);
        }
        if (trim(line).empty()) {
            continue;
        }
        const auto eq = line.find('=');
        const std::string where = file.string() + ":" + std::to_string(number) + ": ";
        if (eq == std::string::npos) {
            throw Error(where + "expected 'value = 1|2|3|none|skip', got '" + trim(line) + "'");
        }
        const std::string key = trim(std::string_view(line).substr(0, eq));
        const std::string cls = trim(std::string_view(line).substr(eq + 1));
        if (key.empty()) {
            throw Error(where + "the value before '=' is empty");
        }
        if (cls == "skip") {
            base.set(key, std::nullopt);
            continue;
        }
        const auto priority = parse_priority(cls);
        if (!priority) {
            throw Error(where + "class '" + cls + "' for '" + key +
                        "' is not one of 1, 2, 3, none, skip");
        }
        base.set(key, *priority);
    }
    return base;
}

std::optional<PriorityClass> parse_priority(const std::string& raw) {
    const std::string value = trim(raw);
    if (value.empty() || value == "none" || value == "0" || value == "なし") {
        return PriorityClass::none;
    }
    // Accept the digit alone or inside 第1種 / 1種 / class 1, in ASCII or full width.
    int digit = 0;
    int digits_seen = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c >= '0' && c <= '9') {
            digit = c - '0';
            ++digits_seen;
        } else if (c == 0xEF && i + 2 < value.size() &&
                   static_cast<unsigned char>(value[i + 1]) == 0xBC) {
            const auto d = static_cast<unsigned char>(value[i + 2]);
            if (d >= 0x90 && d <= 0x99) { // U+FF10..U+FF19
                digit = d - 0x90;
                ++digits_seen;
                i += 2;
            }
        }
    }
    if (digits_seen != 1 || digit < 1 || digit > 3) {
        return std::nullopt;
    }
    return static_cast<PriorityClass>(digit);
}

} // namespace ykm::gis
