// Runs the real yukimichi binary under Xvfb with the Reports menu's dialogs: the daily reports of
// a night with a GPS gap, the gap confirmed from the window, the reports exported and read back,
// fee rates added (one refused for overlapping), the month's fees, and the storm analysis with
// its chart exported and a screenshot of the dialog.

#include "../dispatch/shell_tools.hpp"
#include "temp_dir.hpp"
#include "window_runner.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/coverage.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/fees.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <wx/image.h>

#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace ykm;
using ykm::test::keep_picture;
using ykm::test::load_picture;
using ykm::test::pixels_of;
using ykm::test::run_japanese;
using ykm::test::TempDir;

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr std::int64_t hour_ms = 60 * minute_ms;

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string login_name() {
    const passwd* user = getpwuid(getuid());
    return user != nullptr ? user->pw_name : "";
}

/// The demo town with contractor C01 and its plow trucks P-01 and P-02. P-01 works the night of
/// 2027-01-15 (a Friday) from 21:00 to 23:00 JST with a fix every minute, except 22:01-22:09:
/// one GPS gap of 10 minutes from the fix at 22:00 to the one at 22:10. Two clearing passes on
/// class-1 roads (21:30 and 22:45) make a storm.
struct ReportTown {
    std::int64_t vehicle = 0;
    std::int64_t night_ms = 0; ///< 2027-01-15 21:00 JST
    double class1_m = 0.0;     ///< the length of the two class-1 roads passed

    explicit ReportTown(const std::filesystem::path& path) {
        data::Project project = data::Project::create(path, gis::Epsg{6678});
        data::write_demo_town(project, data::generate_demo_town(11, data::TownSize::small));
        dispatch::Fleet fleet(project);
        const std::int64_t contractor =
            fleet.save(dispatch::Contractor{0, "C01", "雪国建設", "", ""});
        dispatch::Vehicle v;
        v.code = "P-01";
        v.type = dispatch::MachineType::plow_truck;
        v.contractor_id = contractor;
        vehicle = fleet.save(v);
        v.code = "P-02";
        fleet.save(v);

        night_ms = dispatch::jst_day_start_ms("2027-01-15") + 21 * hour_ms;
        std::vector<data::Fix> fixes;
        for (int i = 0; i <= 120; ++i) {
            if (i > 60 && i < 70) {
                continue;
            }
            data::Fix f;
            f.vehicle_id = vehicle;
            f.time_ms = night_ms + i * minute_ms;
            f.position = gis::LonLat{140.74, 40.8 + 0.0005 * i};
            f.work = data::WorkType::plow;
            f.blade = data::Blade::down;
            fixes.push_back(f);
        }
        data::SeasonLog(project.database()).append(fixes);

        std::vector<dispatch::Pass> passes;
        const gis::RoadNetwork network = project.load_road_network();
        for (const gis::RoadSegment& s : network.segments) {
            if (s.attributes.priority != gis::PriorityClass::first || passes.size() == 2) {
                continue;
            }
            dispatch::Pass p;
            p.segment_id = s.id;
            p.forward = true;
            p.vehicle_id = vehicle;
            p.time_ms = night_ms + (passes.empty() ? 30 : 105) * minute_ms;
            p.enter_ms = p.time_ms - minute_ms;
            p.work = data::WorkType::plow;
            p.blade = data::Blade::down;
            p.fraction = 1.0;
            passes.push_back(p);
            class1_m += s.length_m;
        }
        BOOST_TEST_REQUIRE(passes.size() == 2U);
        dispatch::CoverageStore(project.database()).add(passes);
    }
};

std::string hours(std::int64_t minutes) {
    char text[16];
    std::snprintf(text, sizeof text, "%.2f", static_cast<double>(minutes) / 60.0);
    return text;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_window_tests)

BOOST_AUTO_TEST_CASE(daily_reports_gap_confirmation_fees_and_storm_from_the_window) {
    TempDir dir;
    const std::filesystem::path path = dir / "town.ykm";
    const ReportTown town(path);
    const std::string d = dir.path().string() + "/";
    const std::string script =
        "pane:vehicles,hide;pane:alerts,hide;pane:identify,hide;"
        "reports_daily:2027-01-15;reports_select:P-01;dump_reports:" +
        d + "before.json;gap_confirm:P-01,22:00,plow,運転日報で確認;dump_reports:" + d +
        "after.json;reports_export:" + d + "daily.xlsx;reports_export:" + d +
        "daily.pdf;"
        "fee_rate_add:plow_truck,weekday,00:00,24:00,9000,終日;"
        "fee_rate_add:plow_truck,weekday,22:00,24:00,12000,夜間;"
        "holiday_add:2027-01-20,臨時休日;holiday_add:2027-01-21,消す日;holiday_remove:2027-01-21;"
        "holiday_add:2027-02-30,ない日;"
        "fees_calc:2027-01;fees_export:" +
        d + "fees.xlsx;storm_open:0;storm_export_chart:" + d + "chart.png;storm_export_table:" + d +
        "storm.csv;reports_screenshot:storm," + d + "storm_dialog.png;reports_screenshot:daily," +
        d + "daily_dialog.png;dump_reports:" + d + "final.json";
    const int status = run_japanese(dir, script, path);
    BOOST_TEST_REQUIRE(status == 0, "yukimichi failed: " << read_text(dir / "stderr.txt"));

    // Before: one shift 21:00-23:00 whose 2 hours exclude the 10-minute gap.
    const nlohmann::json before = nlohmann::json::parse(read_text(dir / "before.json"))["daily"];
    BOOST_TEST(before["date"] == "2027-01-15");
    BOOST_TEST_REQUIRE(before["reports"].size() == 1U);
    BOOST_TEST(before["reports"][0]["vehicle"] == "P-01");
    BOOST_TEST(before["reports"][0]["operating_ms"].get<std::int64_t>() == 110 * minute_ms);
    BOOST_TEST(before["reports"][0]["gap_ms"].get<std::int64_t>() == 10 * minute_ms);
    const nlohmann::json& row = before["rows"][0];
    BOOST_TEST(row[0] == "P-01");
    BOOST_TEST(row[2] == "21:00");
    BOOST_TEST(row[3] == "23:00");
    BOOST_TEST(row[4] == hours(110));
    BOOST_TEST(contains(row[8].get<std::string>(), "10"));
    char class1[32];
    std::snprintf(class1, sizeof class1, "%.1f / 0.0 / 0.0", town.class1_m / 1000.0);
    BOOST_TEST(row[7] == class1);
    BOOST_TEST(before["selected"] == "P-01");
    BOOST_TEST_REQUIRE(before["gaps"].size() == 1U);
    BOOST_TEST(before["gaps"][0][0] == "22:00");
    BOOST_TEST(before["gaps"][0][1] == "22:10");
    BOOST_TEST(before["gaps"][0][2] == "10");
    BOOST_TEST(before["gaps"][0][3] == "未確認");

    // After the confirmation: the 2 hours include the gap, shown at once.
    const nlohmann::json after = nlohmann::json::parse(read_text(dir / "after.json"))["daily"];
    BOOST_TEST(after["reports"][0]["operating_ms"].get<std::int64_t>() == 120 * minute_ms);
    BOOST_TEST(after["reports"][0]["gap_ms"].get<std::int64_t>() == 0);
    BOOST_TEST(after["reports"][0]["confirmed_gap_ms"].get<std::int64_t>() == 10 * minute_ms);
    BOOST_TEST(after["rows"][0][4] == hours(120));
    BOOST_TEST(after["gaps"][0][3] == "確認済み");
    BOOST_TEST(after["gaps"][0][4] == std::string(data::japanese_name(data::WorkType::plow)));
    BOOST_TEST(after["gaps"][0][5] == "運転日報で確認");
    BOOST_TEST(after["gaps"][0][6] == login_name());

    // The project: the confirmation and its audit entry; one fee band (the overlap refused).
    {
        data::Project project = data::Project::open(path, data::OpenMode::read_write);
        const auto gap = dispatch::gap_at(project, town.vehicle, town.night_ms + 60 * minute_ms);
        BOOST_TEST_REQUIRE(gap.has_value());
        BOOST_TEST_REQUIRE(gap->confirmation.has_value());
        BOOST_TEST(gap->end_ms == town.night_ms + 70 * minute_ms);
        BOOST_TEST((gap->confirmation->work == data::WorkType::plow));
        BOOST_TEST(gap->confirmation->note == "運転日報で確認");
        BOOST_TEST(gap->confirmation->confirmed_by == login_name());
        const auto audit = dispatch::read_audit(project.database());
        const auto has = [&](const std::string& action) {
            return std::any_of(audit.begin(), audit.end(), [&](const dispatch::AuditEntry& e) {
                return e.action == action && e.actor == login_name() && e.channel == "desktop";
            });
        };
        BOOST_TEST(has("gap.confirm"));
        BOOST_TEST(has("fee_rate.set"));
        BOOST_TEST(has("holiday.add"));
        BOOST_TEST(has("holiday.remove"));
        const auto rates = dispatch::FeeTables(project).rates();
        BOOST_TEST_REQUIRE(rates.size() == 1U);
        BOOST_TEST(rates[0].yen_per_hour == 9000);
        BOOST_TEST(rates[0].band_start_min == 0);
        BOOST_TEST(rates[0].band_end_min == 1440);
        BOOST_TEST(rates[0].name == "終日");
    }

    // The exports, read back.
    const std::string summary = test::xlsx_sheet_csv(dir / "daily.xlsx", "日報");
    BOOST_TEST(contains(summary, "P-01"), summary);
    const std::string gaps = test::xlsx_sheet_csv(dir / "daily.xlsx", "欠測");
    BOOST_TEST(contains(gaps, "P-01"), gaps);
    BOOST_TEST(contains(gaps, login_name()), gaps);
    BOOST_TEST(contains(gaps, "運転日報で確認"), gaps);
    const std::string pdf = test::pdf_text(dir / "daily.pdf");
    BOOST_TEST(contains(pdf, "作業日報"), pdf);
    BOOST_TEST(contains(pdf, "P-01"), pdf);
    BOOST_TEST(test::pdf_pages(dir / "daily.pdf") >= 1);

    const nlohmann::json final_dump = nlohmann::json::parse(read_text(dir / "final.json"));
    // The overlapping band refused with the library's message, and the rate list.
    const nlohmann::json& rates = final_dump["fee_rates"];
    // The project's holidays: one added, one added and removed, an impossible date refused.
    BOOST_TEST_REQUIRE(rates["holidays"].size() == 1U);
    BOOST_TEST(rates["holidays"][0][0] == "2027-01-20");
    BOOST_TEST(rates["holidays"][0][1] == "臨時休日");
    BOOST_TEST_REQUIRE(rates["rates"].size() == 1U);
    BOOST_TEST(rates["rates"][0][2] == "00:00-24:00");
    BOOST_TEST(rates["rates"][0][3] == "9,000");
    BOOST_TEST_REQUIRE(rates["messages"].size() == 2U);
    BOOST_TEST(contains(rates["messages"][0].get<std::string>(), "overlaps"), rates["messages"][0]);
    BOOST_TEST(contains(rates["messages"][1].get<std::string>(), "2027-02-30"),
               rates["messages"][1]);
    BOOST_TEST(contains(read_text(dir / "stderr.txt"), "overlaps"));

    // The month's fees: P-01's 2 hours (the confirmed gap included) at 9,000 yen an hour.
    const nlohmann::json& fees = final_dump["fees"];
    BOOST_TEST(fees["month"] == "2027-01");
    const auto fee_row = std::find_if(fees["rows"].begin(), fees["rows"].end(),
                                      [](const nlohmann::json& r) { return r[1] == "P-01"; });
    BOOST_TEST_REQUIRE((fee_row != fees["rows"].end()));
    BOOST_TEST((*fee_row)[3] == "2.00");
    BOOST_TEST((*fee_row)[4] == "18,000");
    BOOST_TEST((*fee_row)[6] == "18,000");
    const std::string fee_sheet = test::xlsx_sheet_csv(dir / "fees.xlsx", "集計");
    BOOST_TEST(contains(fee_sheet, "18000"), fee_sheet);

    // The storm: the newest (and only) candidate from the first clearing pass to the last; the
    // chart has the class-1 colour; the time series as CSV.
    const nlohmann::json& storm = final_dump["storm"];
    BOOST_TEST(storm["storms"].size() == 1U);
    BOOST_TEST(storm["dispatch_ms"].get<std::int64_t>() == town.night_ms + 30 * minute_ms);
    BOOST_TEST(storm["end_ms"].get<std::int64_t>() == town.night_ms + 105 * minute_ms);
    // 21:30 to 22:45 every 15 minutes: 6 steps.
    BOOST_TEST(storm["steps"].get<int>() == 6);
    BOOST_TEST(storm["chart_drawn"].get<bool>());
    BOOST_TEST(!storm["districts"].empty());
    const wxImage chart = load_picture(dir / "chart.png");
    BOOST_TEST(chart.GetWidth() == 1600);
    BOOST_TEST(chart.GetHeight() == 1000);
    BOOST_TEST(pixels_of(chart, gis::priority_colour(gis::PriorityClass::first)) > 100);
    BOOST_TEST(contains(read_text(dir / "storm.csv"), "21:30"));
    const wxImage dialog = load_picture(dir / "storm_dialog.png");
    BOOST_TEST(dialog.GetWidth() > 400);
    BOOST_TEST(pixels_of(dialog, gis::priority_colour(gis::PriorityClass::first)) > 20);
    keep_picture(dir / "storm_dialog.png", "reports");
    const wxImage daily = load_picture(dir / "daily_dialog.png");
    BOOST_TEST(daily.GetWidth() > 400);
    keep_picture(dir / "daily_dialog.png", "reports");
}

BOOST_AUTO_TEST_SUITE_END()
