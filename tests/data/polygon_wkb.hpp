#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

namespace ykm::test {

/// WKB (little endian) of an axis-aligned rectangle: one ring of five points.
inline std::vector<std::uint8_t> rectangle_wkb(double min_x, double min_y, double max_x,
                                               double max_y) {
    std::vector<std::uint8_t> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    auto put = [&wkb](double d) {
        const auto bits = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) {
            wkb.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    };
    for (auto [x, y] : std::array<std::pair<double, double>, 5>{
             {{min_x, min_y}, {max_x, min_y}, {max_x, max_y}, {min_x, max_y}, {min_x, min_y}}}) {
        put(x);
        put(y);
    }
    return wkb;
}

} // namespace ykm::test
