#include "ykm/dispatch/season_simulator.hpp"

#include "ykm/data/database.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/dispatch/simulator.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/road_graph.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>

namespace ykm::dispatch {
namespace {

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;
constexpr std::int64_t jst_offset_ms = 9 * hour_ms;
// The simulator is advanced this much at a time: its true path is turned into passes after each
// step, so memory stays flat within a night.
constexpr std::int64_t step_ms = 5 * 60'000;

std::uint64_t mix(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// Uniform in [0, 1), a pure function of the seed and two indexes (so a night's plan does not
/// depend on how many vehicles or nights come before it).
double uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    const std::uint64_t z = mix(mix(mix(seed) ^ a) ^ (b * 0xD1B54A32D192ED03ULL));
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

std::string jst_date(std::int64_t day_start_ms) {
    const std::chrono::sys_days day{std::chrono::days{(day_start_ms + jst_offset_ms) / day_ms}};
    const std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

void check(const SeasonOptions& o) {
    auto fail = [](const std::string& what) { throw Error("season simulation: " + what); };
    if (o.vehicles == 0 || o.vehicles > 100'000) {
        fail("vehicles " + std::to_string(o.vehicles) + " is not between 1 and 100000");
    }
    if (o.nights == 0 || o.nights > 3660) {
        fail("nights " + std::to_string(o.nights) + " is not between 1 and 3660");
    }
    if (o.night_start_hour < 0 || o.night_start_hour > 23 || o.night_end_hour < 0 ||
        o.night_end_hour > 23 || o.night_start_hour == o.night_end_hour) {
        fail("night hours " + std::to_string(o.night_start_hour) + "-" +
             std::to_string(o.night_end_hour) + " are not two different hours 0-23");
    }
    if (!(o.interval_s >= 0.1 && o.interval_s <= 3600.0)) {
        fail("interval " + std::to_string(o.interval_s) + " s is not between 0.1 and 3600");
    }
    if (!(o.night_off_chance >= 0.0 && o.night_off_chance < 1.0)) {
        fail("night off chance " + std::to_string(o.night_off_chance) + " is not in [0, 1)");
    }
    if (o.batch_fixes == 0) {
        fail("batch size must be at least 1");
    }
    const int hours = (o.night_end_hour - o.night_start_hour + 24) % 24;
    if (o.max_start_delay_ms < 0 || o.max_start_delay_ms > hours * hour_ms / 2) {
        fail("start delay " + std::to_string(o.max_start_delay_ms) +
             " ms is not between 0 and half the night");
    }
}

struct MachinePlan {
    MachineType type;
    const char* prefix;
    double width_m;
};

// The machine types created vehicles take in turn.
constexpr std::array<MachinePlan, 6> created_machines{{
    {MachineType::dozer, "D", 3.7},
    {MachineType::motor_grader, "G", 4.0},
    {MachineType::plow_truck, "T", 3.0},
    {MachineType::small_machine, "S", 1.2},
    {MachineType::dump_truck, "K", 2.5},
    {MachineType::rotary_blower, "R", 2.6},
}};

/// Adds vehicles with device ids until the fleet has `wanted`; returns (vehicles, contractors)
/// created.
std::pair<std::size_t, std::size_t> complete_fleet(data::Project& project,
                                                   const SeasonOptions& options) {
    Fleet fleet(project);
    fleet.set_actor(options.actor, options.channel);
    const std::vector<Vehicle> existing = fleet.vehicles();
    std::set<std::string> devices;
    std::set<std::string> codes;
    std::size_t with_device = 0;
    for (const Vehicle& v : existing) {
        codes.insert(v.code);
        if (!v.device_id.empty()) {
            devices.insert(v.device_id);
            ++with_device;
        }
    }
    if (with_device >= options.vehicles) {
        return {0, 0};
    }
    std::vector<std::int64_t> districts;
    {
        data::Statement q(project.database(),
                          "SELECT id FROM districts WHERE id IN (SELECT district_id FROM "
                          "road_segments WHERE district_id IS NOT NULL) ORDER BY id");
        while (q.step()) {
            districts.push_back(q.column_int64(0));
        }
    }
    const std::size_t groups = std::max<std::size_t>(districts.size(), 1);
    std::vector<std::int64_t> contractors(groups, 0);
    std::size_t contractors_created = 0;
    std::size_t created = 0;
    data::Transaction tx(project.database());
    int number = 0;
    for (std::size_t k = 0; with_device + created < options.vehicles; ++k) {
        const std::size_t group = k % groups;
        if (contractors[group] == 0) {
            char code[32];
            std::snprintf(code, sizeof code, "SIM%02zu", group + 1);
            if (const auto found = fleet.contractor_by_code(code)) {
                contractors[group] = found->id;
            } else {
                Contractor c;
                c.code = code;
                c.name = "模擬除雪業者 " + std::to_string(group + 1);
                contractors[group] = fleet.save(c);
                ++contractors_created;
            }
        }
        std::string device;
        std::string code;
        do {
            char text[32];
            ++number;
            std::snprintf(text, sizeof text, "sim-%03d", number);
            device = text;
            std::snprintf(text, sizeof text, "SIM-%03d", number);
            code = text;
        } while (devices.contains(device) || codes.contains(code));
        const MachinePlan& m = created_machines[created % created_machines.size()];
        Vehicle v;
        v.code = code;
        v.type = m.type;
        v.plow_width_m = m.width_m;
        v.contractor_id = contractors[group];
        v.device_id = device;
        if (!districts.empty()) {
            v.district_id = districts[group];
        }
        v.shift_h = 8.0;
        fleet.save(v);
        devices.insert(device);
        codes.insert(code);
        ++created;
    }
    tx.commit();
    return {created, contractors_created};
}

/// Writes batches of fixes and passes, each batch in one transaction.
class BatchWriter {
public:
    BatchWriter(data::Project& project, std::size_t batch_fixes)
        : m_db(project.database()), m_log(m_db), m_coverage(m_db), m_batch_fixes(batch_fixes) {
        m_fixes.reserve(batch_fixes);
    }

    std::vector<data::Fix>& fixes() { return m_fixes; }
    std::vector<Pass>& passes() { return m_passes; }
    [[nodiscard]] bool full() const { return m_fixes.size() >= m_batch_fixes; }

    /// Writes what is pending; with `seal`, also seals every vehicle's tail into blocks.
    std::size_t flush(bool seal) {
        data::Transaction tx(m_db);
        const data::AppendResult r = m_log.append(m_fixes);
        m_coverage.add(m_passes);
        if (seal) {
            m_log.seal_all();
        }
        tx.commit();
        if (r.stored != m_fixes.size()) {
            throw Error("season simulation: the season log already held " +
                        std::to_string(r.duplicates) +
                        " of the simulated fixes (a season simulated there before?)");
        }
        m_fixes.clear();
        m_passes.clear();
        return r.stored;
    }

private:
    data::Database& m_db;
    data::SeasonLog m_log;
    CoverageStore m_coverage;
    std::size_t m_batch_fixes;
    std::vector<data::Fix> m_fixes;
    std::vector<Pass> m_passes;
};

} // namespace

data::WorkType season_work_type(MachineType type) {
    switch (type) {
    case MachineType::motor_grader:
        return data::WorkType::grade;
    case MachineType::rotary_blower:
        return data::WorkType::widen;
    case MachineType::dump_truck:
        return data::WorkType::haul;
    case MachineType::dozer:
    case MachineType::plow_truck:
    case MachineType::small_machine:
        break;
    }
    return data::WorkType::plow;
}

std::vector<SeasonNight> plan_season(const SeasonOptions& options) {
    check(options);
    const std::int64_t first_day = jst_day_start_ms(options.start_date);
    const std::int64_t start_offset = options.night_start_hour * hour_ms;
    std::int64_t length = (options.night_end_hour - options.night_start_hour) * hour_ms;
    if (length <= 0) {
        length += day_ms;
    }
    // Whole seconds of delay keep the times readable.
    const std::int64_t delay_steps = options.max_start_delay_ms / 1000 + 1;
    std::vector<SeasonNight> nights;
    for (std::uint64_t day = 0; nights.size() < options.nights; ++day) {
        // The first night always has snow: a season starts when it snows.
        if (day > 0 && uniform(options.seed, day, 0) < options.night_off_chance) {
            continue;
        }
        SeasonNight n;
        const std::int64_t day_start = first_day + static_cast<std::int64_t>(day) * day_ms;
        n.date_jst = jst_date(day_start);
        n.start_ms = day_start + start_offset;
        n.end_ms = n.start_ms + length;
        n.vehicle_start_ms.reserve(options.vehicles);
        for (std::size_t v = 0; v < options.vehicles; ++v) {
            const auto steps = static_cast<std::int64_t>(uniform(options.seed, day, v + 1) *
                                                         static_cast<double>(delay_steps));
            n.vehicle_start_ms.push_back(n.start_ms +
                                         std::min(steps * 1000, options.max_start_delay_ms));
        }
        nights.push_back(std::move(n));
    }
    return nights;
}

SeasonResult simulate_season(data::Project& project, const SeasonOptions& options,
                             const std::function<void(const SeasonProgress&)>& progress) {
    SeasonResult result;
    result.nights = plan_season(options);
    if (project.schema_version() < data::current_schema_version) {
        throw Error(project.path().string() + ": schema version " +
                    std::to_string(project.schema_version()) + " is too old to simulate into");
    }
    data::SeasonLog::open_for_logging(project.database());
    const gis::RoadGraph graph(project.load_road_network());
    std::tie(result.vehicles_created, result.contractors_created) =
        complete_fleet(project, options);

    SimulationOptions drive;
    drive.vehicles = options.vehicles;
    drive.interval_s = options.interval_s;
    drive.noise_m = options.noise_m;
    drive.dropout = options.dropout;

    // The vehicles the simulator drives, in its order.
    std::vector<std::string> device_ids;
    {
        drive.seed = options.seed;
        drive.start_ms = result.nights.front().start_ms;
        device_ids = PlowSimulator(project, graph, drive).device_ids();
    }
    Fleet fleet(project);
    std::unordered_map<std::string, std::uint32_t> index;
    for (const Vehicle& v : fleet.vehicles()) {
        const auto it = std::ranges::find(device_ids, v.device_id);
        if (v.device_id.empty() || it == device_ids.end()) {
            continue;
        }
        index.emplace(v.device_id, static_cast<std::uint32_t>(it - device_ids.begin()));
    }
    result.vehicles.resize(device_ids.size());
    for (const Vehicle& v : fleet.vehicles()) {
        if (const auto it = index.find(v.device_id); !v.device_id.empty() && it != index.end()) {
            result.vehicles[it->second] =
                SeasonVehicle{v.id, v.device_id, v.code, v.type, season_work_type(v.type)};
        }
    }
    if (index.size() != device_ids.size()) {
        throw Error(project.path().string() + ": the fleet lacks vehicles for the simulated " +
                    "devices");
    }
    // Per vehicle: what its fixes say when serving and when not.
    std::vector<data::Blade> serving_blade(device_ids.size());
    for (std::size_t k = 0; k < device_ids.size(); ++k) {
        // A dump truck has no blade; the others report it down while they clear.
        serving_blade[k] = result.vehicles[k].type == MachineType::dump_truck ? data::Blade::unknown
                                                                              : data::Blade::down;
    }

    BatchWriter writer(project, options.batch_fixes);
    SeasonProgress report{0, 0, result.nights.size()};
    std::vector<std::int64_t> delay(device_ids.size());
    for (std::size_t night = 0; night < result.nights.size(); ++night) {
        const SeasonNight& n = result.nights[night];
        for (std::size_t k = 0; k < delay.size(); ++k) {
            delay[k] = n.vehicle_start_ms[k] - n.start_ms;
        }
        drive.seed = mix(options.seed ^ mix(night + 1));
        drive.start_ms = n.start_ms;
        PlowSimulator simulator(project, graph, drive);
        std::size_t consumed = 0;
        // A vehicle's clock runs behind by its delay: the earliest one needs the longest run.
        const std::int64_t until_end = n.end_ms - *std::ranges::min_element(delay);
        for (std::int64_t t = n.start_ms; t < until_end;) {
            t = std::min(until_end, t + step_ms);
            for (const DeviceFix& f : simulator.advance(t)) {
                const std::uint32_t k = index.find(f.device_id)->second;
                const std::int64_t time = f.fix.time_ms + delay[k];
                if (time >= n.end_ms) {
                    continue;
                }
                data::Fix& out = writer.fixes().emplace_back(f.fix);
                out.vehicle_id = result.vehicles[k].vehicle_id;
                out.time_ms = time;
                if (f.fix.work == data::WorkType::plow) {
                    out.work = result.vehicles[k].service;
                    out.blade = serving_blade[k];
                } else if (serving_blade[k] == data::Blade::unknown) {
                    out.blade = data::Blade::unknown;
                }
            }
            // The pieces still being driven come last, ending at t; they are taken once done.
            const std::vector<TruthPiece>& truth = simulator.truth();
            std::size_t done = truth.size();
            while (done > consumed && truth[done - 1].exit_ms == t) {
                --done;
            }
            for (; consumed < done; ++consumed) {
                const TruthPiece& p = truth[consumed];
                const std::uint32_t k = index.find(p.device_id)->second;
                const std::int64_t exit = p.exit_ms + delay[k];
                if (exit >= n.end_ms) {
                    continue;
                }
                const bool serving = p.work == data::WorkType::plow;
                Pass pass;
                pass.segment_id = p.segment_id;
                pass.forward = p.forward;
                pass.vehicle_id = result.vehicles[k].vehicle_id;
                pass.enter_ms = p.enter_ms + delay[k];
                pass.time_ms = exit;
                pass.work = serving ? result.vehicles[k].service : data::WorkType::travel;
                pass.blade = serving
                                 ? serving_blade[k]
                                 : (serving_blade[k] == data::Blade::unknown ? data::Blade::unknown
                                                                             : data::Blade::up);
                pass.fraction = 1.0;
                writer.passes().push_back(pass);
            }
            if (writer.full()) {
                result.passes += writer.passes().size();
                result.fixes += writer.flush(false);
                report.fixes_written = result.fixes;
                if (progress) {
                    progress(report);
                }
            }
        }
        // The night's last batch seals the tails, so no block spans two nights.
        result.passes += writer.passes().size();
        result.fixes += writer.flush(true);
        // The replay reads the coverage of an hour from its summary.
        result.coverage_hours += build_coverage_summaries(project, n.start_ms, n.end_ms);
        report.fixes_written = result.fixes;
        report.nights_done = night + 1;
        if (progress) {
            progress(report);
        }
    }
    return result;
}

} // namespace ykm::dispatch
