#pragma once
// The small demo town with two contractors, C1 (雪国建設) with vehicle T-1 and C2 (北星工業) with
// T-2, and synthetic tracks one fix a minute: the fixture of the daily report, fee and report
// confirmation tests.

#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/fleet.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace ykm::test {

inline constexpr std::int64_t minute_ms = 60'000;
inline constexpr std::int64_t hour_ms = 60 * minute_ms;
/// One step of the tracks: 0.001 degree of latitude on the haversine sphere, in metres.
inline constexpr double track_step_m = 111.19508023353292;

struct TwoContractorTown {
    TempDir dir;
    data::Project project;
    std::int64_t contractor = 0;
    std::int64_t other_contractor = 0;
    std::int64_t vehicle = 0;
    std::int64_t other_vehicle = 0;

    /// Both vehicles of `type` when given, else of the fleet's default type.
    explicit TwoContractorTown(std::optional<dispatch::MachineType> type = std::nullopt)
        : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {
        data::write_demo_town(project, data::generate_demo_town(2, data::TownSize::small));
        dispatch::Fleet fleet(project);
        contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "", ""});
        other_contractor = fleet.save(dispatch::Contractor{0, "C2", "北星工業", "", ""});
        dispatch::Vehicle v;
        if (type) {
            v.type = *type;
        }
        v.code = "T-1";
        v.contractor_id = contractor;
        vehicle = fleet.save(v);
        v.code = "T-2";
        v.contractor_id = other_contractor;
        other_vehicle = fleet.save(v);
    }

    /// `count` fixes of `vehicle_id` one minute apart from `start_ms`, each 0.001 degree north
    /// of the one before (the step counted from `start_ms`, so dropped fixes jump).
    static std::vector<data::Fix> track(std::int64_t vehicle_id, std::int64_t start_ms, int count,
                                        data::WorkType work = data::WorkType::plow) {
        std::vector<data::Fix> out;
        for (int i = 0; i < count; ++i) {
            data::Fix f;
            f.vehicle_id = vehicle_id;
            f.time_ms = start_ms + i * minute_ms;
            f.position = gis::LonLat{140.74, 40.8 + 0.001 * i};
            f.work = work;
            out.push_back(f);
        }
        return out;
    }

    void append(const std::vector<data::Fix>& fixes) {
        data::SeasonLog(project.database()).append(fixes);
    }
};

} // namespace ykm::test
