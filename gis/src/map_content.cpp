#include "ykm/gis/map_content.hpp"

namespace ykm::gis {

Polyline simplify(const Polyline& line, double tolerance) {
    Polyline out = line;
    if (out.size() <= 2 || !(tolerance > 0.0)) {
        return out;
    }
    // Compacts in place: the kept vertices move to the front, then the rest is cut off.
    const double tolerance_sq = tolerance * tolerance;
    std::size_t kept = 1;
    for (std::size_t i = 1; i + 1 < out.size(); ++i) {
        const double dx = out[i].x - out[kept - 1].x;
        const double dy = out[i].y - out[kept - 1].y;
        if (dx * dx + dy * dy >= tolerance_sq) {
            out[kept++] = out[i];
        }
    }
    out[kept++] = out.back();
    out.resize(kept);
    return out;
}

} // namespace ykm::gis
