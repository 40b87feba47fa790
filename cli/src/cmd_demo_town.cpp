#include "commands.hpp"

#include "ykm/data/demo_town.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/fleet.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace ykm::cli {

namespace {
constexpr const char* demo_usage =
    R"(usage: ykm demo-town -o PROJECT [--seed N] [--size small|medium|large|city] [--overwrite]
                     [--vehicles-per-district N]

Generates a snowy Japanese demo town in JGD2011 zone X: arterials (第1種), collectors (第2種),
a residential grid with cul-de-sacs (第3種), one-way streets, districts (工区), depots and snow
dump sites, and a fleet: one contractor per district with N vehicles each (default 4; dozers,
graders, plow trucks, small machines, dump trucks) whose GPS device ids are demo-001, demo-002,
...; each vehicle's home depot is the one nearest its district's centre, and its shift is 8 h
(dozers, graders, plow trucks) or 10 h (the others). The same seed and size always give the
same town.
)";

struct DemoMachine {
    dispatch::MachineType type;
    const char* prefix;
    double width_m;
    const char* plate_class; ///< 大型特殊 machines have class numbers of 9xx, trucks 1xx
    double shift_h;          ///< plows and graders work shorter shifts than the support machines
};

constexpr std::array<DemoMachine, 5> demo_machines{{
    {dispatch::MachineType::dozer, "D", 3.7, "900", 8.0},
    {dispatch::MachineType::motor_grader, "G", 4.0, "910", 8.0},
    {dispatch::MachineType::plow_truck, "T", 3.0, "100", 8.0},
    {dispatch::MachineType::small_machine, "S", 1.2, "980", 10.0},
    {dispatch::MachineType::dump_truck, "K", 2.5, "130", 10.0},
}};

constexpr std::array<const char*, 8> demo_contractors{
    "雪国建設株式会社",   "北星工業株式会社",     "白峰土木株式会社",     "青嶺建設株式会社",
    "八甲田重機株式会社", "みちのく道路株式会社", "津軽舗装工業株式会社", "陸奥除雪企業組合"};

constexpr std::array<const char*, 8> plate_kana{"さ", "す", "せ", "そ", "た", "ち", "つ", "て"};

/// One contractor per district and `per_district` vehicles each, of mixed types, based at the
/// depot nearest the district's centre.
std::size_t add_demo_fleet(data::Project& project, int per_district) {
    struct Place {
        std::int64_t id;
        double x;
        double y;
    };
    const auto read_places = [&project](const char* sql) {
        std::vector<Place> places;
        data::Statement q(project.database(), sql);
        while (q.step()) {
            places.push_back({q.column_int64(0), q.column_double(1), q.column_double(2)});
        }
        return places;
    };
    const std::vector<Place> district_centres =
        read_places("SELECT id, ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM districts "
                    "ORDER BY id");
    const std::vector<Place> depots =
        read_places("SELECT id, ST_X(geom), ST_Y(geom) FROM depots ORDER BY id");
    std::vector<std::int64_t> districts;
    std::vector<std::optional<std::int64_t>> nearest_depots;
    for (const Place& centre : district_centres) {
        districts.push_back(centre.id);
        std::optional<std::int64_t> nearest;
        double best = 0.0;
        for (const Place& depot : depots) {
            const double distance = std::hypot(depot.x - centre.x, depot.y - centre.y);
            // Strictly closer only: a tie goes to the lower id, so a town always gives one fleet.
            if (!nearest || distance < best) {
                nearest = depot.id;
                best = distance;
            }
        }
        nearest_depots.push_back(nearest);
    }
    dispatch::Fleet fleet(project);
    fleet.set_actor(login_name(), "cli");
    std::map<std::string, int> numbers;
    int device = 0;
    for (std::size_t d = 0; d < districts.size(); ++d) {
        std::array<char, 64> text{};
        std::snprintf(text.data(), text.size(), "C%02zu", d + 1);
        dispatch::Contractor c;
        c.code = text.data();
        c.name = demo_contractors[d % demo_contractors.size()];
        if (d >= demo_contractors.size()) {
            c.name += " 第" + std::to_string(d / demo_contractors.size() + 1) + "工区";
        }
        std::snprintf(text.data(), text.size(), "017-7%02zu-%04zu", 30 + d, 1000 + 11 * d);
        c.phone = text.data();
        const std::int64_t contractor_id = fleet.save(c);
        for (int k = 0; k < per_district; ++k) {
            const DemoMachine& m =
                demo_machines[(d + static_cast<std::size_t>(k)) % demo_machines.size()];
            ++device;
            dispatch::Vehicle v;
            std::snprintf(text.data(), text.size(), "%s-%02d", m.prefix, ++numbers[m.prefix]);
            v.code = text.data();
            v.type = m.type;
            // Like 青森 900 さ 12-34.
            std::snprintf(text.data(), text.size(), " %d-%02d", 10 + device % 89,
                          device * 37 % 100);
            v.plate = std::string("青森 ") + m.plate_class + " " +
                      plate_kana[static_cast<std::size_t>(device) % plate_kana.size()] +
                      text.data();
            v.plow_width_m = m.width_m;
            v.contractor_id = contractor_id;
            std::snprintf(text.data(), text.size(), "demo-%03d", device);
            v.device_id = text.data();
            v.district_id = districts[d];
            v.depot_id = nearest_depots[d];
            v.shift_h = m.shift_h;
            fleet.save(v);
        }
    }
    return static_cast<std::size_t>(device);
}

} // namespace

int run_demo_town(Args& args) {
    if (args.flag("--help")) {
        std::fputs(demo_usage, stdout);
        return 0;
    }
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    std::uint64_t seed = 1;
    if (auto text = args.take("--seed")) {
        try {
            std::size_t used = 0;
            seed = std::stoull(*text, &used);
            if (used != text->size()) {
                throw std::invalid_argument(*text);
            }
        } catch (const std::exception&) {
            throw UsageError("demo-town: --seed '" + *text + "' is not a whole number");
        }
    }
    const data::TownSize size = data::parse_town_size(args.take("--size").value_or("medium"));
    const bool overwrite = args.flag("--overwrite");
    int per_district = 4;
    if (auto text = args.take("--vehicles-per-district")) {
        try {
            std::size_t used = 0;
            per_district = std::stoi(*text, &used);
            if (used != text->size() || per_district < 0 || per_district > 99) {
                throw std::invalid_argument(*text);
            }
        } catch (const std::exception&) {
            throw UsageError("demo-town: --vehicles-per-district '" + *text +
                             "' is not a whole number from 0 to 99");
        }
    }
    args.positional(0, 0, "-o PROJECT (see ykm demo-town --help)");
    if (!output) {
        throw UsageError("demo-town: expected -o PROJECT (see ykm demo-town --help)");
    }
    const data::DemoTown town = data::generate_demo_town(seed, size);
    std::size_t vehicles = 0;
    data::create_project_atomically(
        *output, town.network.crs, overwrite, [&](data::Project& project) {
            data::write_demo_town(project, town);
            vehicles = add_demo_fleet(project, per_district);
            project.set_metadata("source", "ykm demo-town --seed " + std::to_string(seed));
        });
    double km = 0.0;
    for (const auto& s : town.network.segments) {
        km += s.length_m / 1000.0;
    }
    std::printf("%s: demo town with %zu segments, %.1f km of road, %zu districts, %zu depots, "
                "%zu dump sites, %zu vehicles\n",
                output->c_str(), town.network.segments.size(), km, town.districts.size(),
                town.depots.size(), town.dump_sites.size(), vehicles);
    return 0;
}

} // namespace ykm::cli
