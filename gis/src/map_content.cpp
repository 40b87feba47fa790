#include "ykm/gis/map_content.hpp"

namespace ykm::gis {

Polyline simplify(const Polyline& line, double tolerance) {
    if (line.size() <= 2 || !(tolerance > 0.0)) {
        return line;
    }
    const double tolerance_sq = tolerance * tolerance;
    Polyline out;
    out.reserve(line.size());
    out.push_back(line.front());
    for (std::size_t i = 1; i + 1 < line.size(); ++i) {
        const double dx = line[i].x - out.back().x;
        const double dy = line[i].y - out.back().y;
        if (dx * dx + dy * dy >= tolerance_sq) {
            out.push_back(line[i]);
        }
    }
    out.push_back(line.back());
    return out;
}

} // namespace ykm::gis
