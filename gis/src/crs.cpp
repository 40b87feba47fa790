#include "ykm/gis/crs.hpp"

#include "ykm/gis/error.hpp"

#include <geodesic.h>
#include <proj.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <numbers>

namespace ykm::gis {
namespace {

// Origins of the 19 zones of the Japan Plane Rectangular CS (国土交通省告示第9号).
// EPSG:6669 is zone I, EPSG:6687 zone XIX.
struct PlaneZone {
    double lat0_deg;
    double lon0_deg;
};
constexpr std::array<PlaneZone, 19> plane_zones{{
    {33.0, 129.5},             // I    Nagasaki, part of Kagoshima
    {33.0, 131.0},             // II   Fukuoka, Saga, Kumamoto, Oita, Miyazaki, Kagoshima
    {36.0, 132.0 + 1.0 / 6.0}, // III  Yamaguchi, Shimane, Hiroshima
    {33.0, 133.5},             // IV   Shikoku
    {36.0, 134.0 + 1.0 / 3.0}, // V    Hyogo, Tottori, Okayama
    {36.0, 136.0},             // VI   Kyoto, Osaka, Fukui, Shiga, Mie, Nara, Wakayama
    {36.0, 137.0 + 1.0 / 6.0}, // VII  Ishikawa, Toyama, Gifu, Aichi
    {36.0, 138.5},             // VIII Niigata, Nagano, Yamanashi, Shizuoka
    {36.0, 139.0 + 5.0 / 6.0}, // IX   Tokyo, Fukushima, Tochigi, Ibaraki, Saitama, Chiba, ...
    {40.0, 140.0 + 5.0 / 6.0}, // X    Aomori, Akita, Yamagata, Iwate, Miyagi
    {44.0, 140.25},            // XI   Hokkaido (west)
    {44.0, 142.25},            // XII  Hokkaido (central)
    {44.0, 144.25},            // XIII Hokkaido (east)
    {26.0, 142.0},             // XIV  Ogasawara
    {26.0, 127.5},             // XV   Okinawa
    {26.0, 124.0},             // XVI  Sakishima
    {26.0, 131.0},             // XVII Daito
    {20.0, 136.0},             // XVIII Okinotori
    {26.0, 154.0},             // XIX  Minamitori
}};

struct ContextDeleter {
    void operator()(PJ_CONTEXT* ctx) const noexcept { proj_context_destroy(ctx); }
};
struct PjDeleter {
    void operator()(PJ* pj) const noexcept { proj_destroy(pj); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

std::string last_error(PJ_CONTEXT* ctx) {
    const char* text = proj_context_errno_string(ctx, proj_context_errno(ctx));
    return text != nullptr ? text : "unknown PROJ error";
}

} // namespace

Epsg parse_epsg(const std::string& text) {
    std::string_view digits = text;
    for (std::string_view prefix : {"EPSG:", "epsg:"}) {
        if (digits.starts_with(prefix)) {
            digits.remove_prefix(prefix.size());
        }
    }
    int code = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
    if (ec != std::errc{} || end != digits.data() + digits.size() || code <= 0) {
        throw Error("'" + text + "' is not an EPSG code (expected EPSG:n, e.g. EPSG:6678)");
    }
    return Epsg{code};
}

std::string to_string(Epsg epsg) {
    return "EPSG:" + std::to_string(epsg.code);
}

bool is_in_japan(LonLat p) {
    return p.lon_deg >= 122.0 && p.lon_deg <= 154.5 && p.lat_deg >= 20.0 && p.lat_deg <= 46.0;
}

Epsg choose_projected_crs(LonLat centre) {
    if (is_in_japan(centre)) {
        // Hokkaido (north of the Tsugaru Strait) has three zones split by subprefecture;
        // these longitudes put each subprefecture's towns in its zone.
        const bool hokkaido =
            centre.lat_deg >= 41.6 || (centre.lat_deg >= 41.3 && centre.lon_deg <= 140.5);
        if (hokkaido) {
            return Epsg{centre.lon_deg < 141.05 ? 6679 : centre.lon_deg < 142.9 ? 6680 : 6681};
        }
        // Zones follow prefecture borders; the nearest origin (east-west distance weighted by
        // the meridian convergence) picks the right zone for the main islands' cities.
        const double coslat = std::cos(centre.lat_deg * std::numbers::pi / 180.0);
        std::size_t best = 0;
        double best_d2 = INFINITY;
        for (std::size_t i = 0; i < plane_zones.size(); ++i) {
            const double dx = (centre.lon_deg - plane_zones[i].lon0_deg) * coslat;
            const double dy = centre.lat_deg - plane_zones[i].lat0_deg;
            const double d2 = dx * dx + dy * dy;
            if (d2 < best_d2) {
                best_d2 = d2;
                best = i;
            }
        }
        return Epsg{6669 + static_cast<int>(best)};
    }
    const int zone =
        std::clamp(static_cast<int>(std::floor((centre.lon_deg + 180.0) / 6.0)) + 1, 1, 60);
    return Epsg{(centre.lat_deg >= 0.0 ? 32600 : 32700) + zone};
}

std::string crs_name(Epsg epsg) {
    ContextPtr ctx{proj_context_create()};
    PjPtr crs{proj_create(ctx.get(), to_string(epsg).c_str())};
    if (!crs) {
        throw Error(to_string(epsg) + " is not a CRS that PROJ knows: " + last_error(ctx.get()));
    }
    const char* name = proj_get_name(crs.get());
    return name != nullptr ? name : to_string(epsg);
}

struct CoordinateTransform::Impl {
    ContextPtr ctx;
    PjPtr pj; // destroyed before ctx: members are destroyed in reverse order
};

CoordinateTransform::CoordinateTransform(const std::string& source, const std::string& target)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx.reset(proj_context_create());
    PJ_CONTEXT* ctx = m_impl->ctx.get();
    for (const std::string* crs : {&source, &target}) {
        PjPtr probe{proj_create(ctx, crs->c_str())};
        if (!probe) {
            const std::string shown = crs->size() > 60 ? crs->substr(0, 60) + "..." : *crs;
            throw Error("unknown CRS '" + shown + "': " + last_error(ctx));
        }
    }
    PjPtr raw{proj_create_crs_to_crs(ctx, source.c_str(), target.c_str(), nullptr)};
    if (!raw) {
        throw Error("no transformation from CRS '" + source.substr(0, 60) + "' to '" +
                    target.substr(0, 60) + "': " + last_error(ctx));
    }
    m_impl->pj.reset(proj_normalize_for_visualization(ctx, raw.get()));
    if (!m_impl->pj) {
        throw Error("cannot normalise the axis order of the transformation to " + target + ": " +
                    last_error(ctx));
    }
}

CoordinateTransform::CoordinateTransform(Epsg source, Epsg target)
    : CoordinateTransform(to_string(source), to_string(target)) {}

CoordinateTransform::~CoordinateTransform() = default;
CoordinateTransform::CoordinateTransform(CoordinateTransform&&) noexcept = default;
CoordinateTransform& CoordinateTransform::operator=(CoordinateTransform&&) noexcept = default;

namespace {
void transform_points(PJ* pj, PJ_CONTEXT* ctx, PJ_DIRECTION direction, std::span<XY> points) {
    if (points.empty()) {
        return;
    }
    proj_errno_reset(pj);
    const std::size_t count =
        proj_trans_generic(pj, direction, &points[0].x, sizeof(XY), points.size(), &points[0].y,
                           sizeof(XY), points.size(), nullptr, 0, 0, nullptr, 0, 0);
    if (count != points.size()) {
        throw Error("coordinate transformation failed: " + last_error(ctx));
    }
    for (const XY& p : points) {
        if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
            throw Error("coordinate transformation failed: a point lies outside the area of "
                        "use of the CRS");
        }
    }
}
} // namespace

void CoordinateTransform::forward(std::span<XY> points) const {
    transform_points(m_impl->pj.get(), m_impl->ctx.get(), PJ_FWD, points);
}

void CoordinateTransform::inverse(std::span<XY> points) const {
    transform_points(m_impl->pj.get(), m_impl->ctx.get(), PJ_INV, points);
}

XY CoordinateTransform::forward(XY p) const {
    forward(std::span<XY>(&p, 1));
    return p;
}

XY CoordinateTransform::inverse(XY p) const {
    inverse(std::span<XY>(&p, 1));
    return p;
}

double geodesic_length_m(std::span<const XY> lonlat_points) {
    constexpr double a = 6378137.0;
    constexpr double f = 1.0 / 298.257222101;
    constexpr double e2 = f * (2.0 - f);
    constexpr double rad = std::numbers::pi / 180.0;
    static const geod_geodesic grs80 = [] {
        geod_geodesic g{};
        geod_init(&g, a, f);
        return g;
    }();
    double length = 0.0;
    for (std::size_t i = 1; i < lonlat_points.size(); ++i) {
        const XY& p = lonlat_points[i - 1];
        const XY& q = lonlat_points[i];
        const double dlon = q.x - p.x;
        const double dlat = q.y - p.y;
        if (std::abs(dlon) < 0.01 && std::abs(dlat) < 0.01) {
            // Under about a kilometre the ellipsoid is flat to 1e-7 of the distance: the
            // meridian and prime-vertical radii at the mid-latitude give it with one sine and
            // one cosine instead of the iterative geodesic.
            const double phi = (p.y + q.y) * 0.5 * rad;
            const double s = std::sin(phi);
            const double w2 = 1.0 - e2 * s * s;
            const double w = std::sqrt(w2);
            const double meridian = a * (1.0 - e2) / (w2 * w);
            const double prime_vertical = a / w;
            length +=
                std::hypot(dlat * rad * meridian, dlon * rad * prime_vertical * std::cos(phi));
            continue;
        }
        double s12 = 0.0;
        geod_inverse(&grs80, p.y, p.x, q.y, q.x, &s12, nullptr, nullptr);
        length += s12;
    }
    return length;
}

} // namespace ykm::gis
