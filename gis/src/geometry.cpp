#include "ykm/gis/geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ykm::gis {

Box Box::empty() {
    constexpr double inf = std::numeric_limits<double>::infinity();
    return Box{inf, inf, -inf, -inf};
}

void Box::extend(double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
}

double planar_length(const Polyline& line) {
    double length = 0.0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        length += std::hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
    }
    return length;
}

} // namespace ykm::gis
