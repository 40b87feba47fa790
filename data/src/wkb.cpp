#include "wkb.hpp"

#include "ykm/gis/error.hpp"

#include <bit>
#include <cstring>

namespace ykm::data {
namespace {

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
}

void put_f64(std::vector<std::uint8_t>& out, double d) {
    const auto bits = std::bit_cast<std::uint64_t>(d);
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    }
}

class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) : m_data(data) {}
    std::uint8_t byte() {
        need(1);
        return m_data[m_pos++];
    }
    std::uint32_t u32(bool little) {
        need(4);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const std::uint32_t b = m_data[m_pos + static_cast<std::size_t>(i)];
            v |= little ? b << (8 * i) : b << (8 * (3 - i));
        }
        m_pos += 4;
        return v;
    }
    double f64(bool little) {
        need(8);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) {
            const std::uint64_t b = m_data[m_pos + static_cast<std::size_t>(i)];
            v |= little ? b << (8 * i) : b << (8 * (7 - i));
        }
        m_pos += 8;
        return std::bit_cast<double>(v);
    }

private:
    void need(std::size_t n) const {
        if (m_pos + n > m_data.size()) {
            throw Error("truncated WKB geometry");
        }
    }
    std::span<const std::uint8_t> m_data;
    std::size_t m_pos = 0;
};

} // namespace

namespace {

// The BLOB layout: 0x00, 0x01 (little endian), SRID, MBR (min x, min y, max x, max y),
// 0x7C, class (1 point, 2 linestring), the coordinates, 0xFE.
void put_spatialite_header(std::vector<std::uint8_t>& out, int srid, const gis::Box& mbr,
                           std::uint32_t geometry_class) {
    out.push_back(0x00);
    out.push_back(0x01);
    put_u32(out, static_cast<std::uint32_t>(srid));
    put_f64(out, mbr.min_x);
    put_f64(out, mbr.min_y);
    put_f64(out, mbr.max_x);
    put_f64(out, mbr.max_y);
    out.push_back(0x7C);
    put_u32(out, geometry_class);
}

} // namespace

std::vector<std::uint8_t> spatialite_linestring(int srid, const gis::Polyline& line) {
    gis::Box mbr = gis::Box::empty();
    for (const gis::XY& p : line) {
        mbr.extend(p);
    }
    std::vector<std::uint8_t> out;
    out.reserve(48 + line.size() * 16);
    put_spatialite_header(out, srid, mbr, 2);
    put_u32(out, static_cast<std::uint32_t>(line.size()));
    for (const gis::XY& p : line) {
        put_f64(out, p.x);
        put_f64(out, p.y);
    }
    out.push_back(0xFE);
    return out;
}

std::vector<std::uint8_t> spatialite_point(int srid, const gis::XY& p) {
    std::vector<std::uint8_t> out;
    out.reserve(60);
    put_spatialite_header(out, srid, gis::Box{p.x, p.y, p.x, p.y}, 1);
    put_f64(out, p.x);
    put_f64(out, p.y);
    out.push_back(0xFE);
    return out;
}

gis::Polyline parse_linestring_wkb(std::span<const std::uint8_t> wkb) {
    Reader r(wkb);
    const bool little = r.byte() == 1;
    if (r.u32(little) != 2) {
        throw Error("WKB geometry is not a linestring");
    }
    const std::uint32_t n = r.u32(little);
    gis::Polyline line;
    line.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        const double x = r.f64(little);
        const double y = r.f64(little);
        line.push_back({x, y});
    }
    return line;
}

namespace {

void read_polygon_rings(Reader& r, bool little, std::vector<gis::Polyline>& rings) {
    const std::uint32_t ring_count = r.u32(little);
    for (std::uint32_t i = 0; i < ring_count; ++i) {
        const std::uint32_t n = r.u32(little);
        gis::Polyline ring;
        ring.reserve(n);
        for (std::uint32_t j = 0; j < n; ++j) {
            const double x = r.f64(little);
            const double y = r.f64(little);
            ring.push_back({x, y});
        }
        rings.push_back(std::move(ring));
    }
}

} // namespace

std::vector<gis::Polyline> parse_polygon_rings_wkb(std::span<const std::uint8_t> wkb) {
    Reader r(wkb);
    const bool little = r.byte() == 1;
    const std::uint32_t type = r.u32(little);
    std::vector<gis::Polyline> rings;
    if (type == 3) {
        read_polygon_rings(r, little, rings);
        return rings;
    }
    if (type != 6) {
        throw Error("WKB geometry is not a polygon or multipolygon");
    }
    const std::uint32_t parts = r.u32(little);
    for (std::uint32_t i = 0; i < parts; ++i) {
        const bool part_little = r.byte() == 1;
        if (r.u32(part_little) != 3) {
            throw Error("WKB multipolygon holds a part that is not a polygon");
        }
        read_polygon_rings(r, part_little, rings);
    }
    return rings;
}

} // namespace ykm::data
