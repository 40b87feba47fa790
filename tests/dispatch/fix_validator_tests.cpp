#include "ykm/dispatch/fix_validator.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

using namespace ykm;
using namespace ykm::dispatch;

namespace {

constexpr std::int64_t now = 1'768'512'600'000; // 2026-01-15T21:30:00Z

gis::Box aomori_extent() {
    return gis::Box{140.70, 40.78, 140.80, 40.86};
}

FixValidator validator() {
    return FixValidator({{"D12", 7}, {"G3", 9}}, aomori_extent());
}

DeviceFix fix_at(const std::string& device, std::int64_t time_ms, double lat, double lon) {
    DeviceFix f{device, {}};
    f.fix.time_ms = time_ms;
    f.fix.position = gis::LonLat{lon, lat};
    return f;
}

std::string reason(const FixVerdict& v) {
    return v.rejected ? std::string(key(*v.rejected)) : std::string("(accepted)");
}

int flags(const FixVerdict& v) {
    return v.accepted ? v.accepted->flags : -1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fix_validator_tests)

BOOST_AUTO_TEST_CASE(accepts_a_registered_device_and_sets_its_vehicle) {
    FixValidator v = validator();
    const auto verdict = v.check(fix_at("D12", now, 40.82, 140.75), now);
    BOOST_REQUIRE(verdict.accepted.has_value());
    BOOST_TEST(verdict.accepted->vehicle_id == 7);
    BOOST_TEST(verdict.accepted->flags == 0);
    BOOST_TEST(verdict.accepted->time_ms == now);
    BOOST_TEST(!verdict.rejected.has_value());
    BOOST_TEST(verdict.message == "");
}

BOOST_AUTO_TEST_CASE(rejects_an_unknown_device_naming_it) {
    FixValidator v = validator();
    const auto verdict = v.check(fix_at("X9", now, 40.82, 140.75), now);
    BOOST_TEST(reason(verdict) == "unknown_device");
    BOOST_TEST(verdict.message == "device 'X9' is not registered");
    BOOST_TEST(!verdict.accepted.has_value());
}

BOOST_AUTO_TEST_CASE(rejects_null_island) {
    FixValidator v = validator();
    const auto verdict = v.check(fix_at("D12", now, 0.0000005, -0.0000005), now);
    BOOST_TEST(reason(verdict) == "null_island");
    BOOST_TEST(verdict.message == "device 'D12': position 0,0 (the receiver has no fix)");
}

BOOST_AUTO_TEST_CASE(rejects_times_before_2000_and_more_than_a_day_ahead) {
    FixValidator v = validator();
    auto verdict = v.check(fix_at("D12", 946'684'799'000, 40.82, 140.75), now);
    BOOST_TEST(reason(verdict) == "out_of_range");
    BOOST_TEST(verdict.message == "device 'D12': time 1999-12-31T23:59:59Z is before 2000-01-01");
    verdict = v.check(fix_at("D12", now + 86'400'001, 40.82, 140.75), now);
    BOOST_TEST(reason(verdict) == "out_of_range");
    BOOST_TEST(verdict.message == "device 'D12': time 2026-01-16T21:30:00.001Z is more than a "
                                  "day ahead of now (2026-01-15T21:30:00Z)");
    // Exactly a day ahead is a clock a little off, still accepted.
    BOOST_TEST(reason(v.check(fix_at("D12", now + 86'400'000, 40.82, 140.75), now)) ==
               "(accepted)");
}

BOOST_AUTO_TEST_CASE(rejects_impossible_positions) {
    FixValidator v = validator();
    auto verdict = v.check(fix_at("D12", now, 95.0, 140.75), now);
    BOOST_TEST(reason(verdict) == "out_of_range");
    BOOST_TEST(verdict.message == "device 'D12': position lat 95 lon 140.75 is outside ±90/±180");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    BOOST_TEST(reason(v.check(fix_at("D12", now, nan, 140.75), now)) == "out_of_range");
    verdict = v.check(fix_at("D12", now, 40.8, 1e300), now);
    BOOST_TEST(verdict.message == "device 'D12': position lat 40.8 lon 1e+300 is outside ±90/±180");
}

BOOST_AUTO_TEST_CASE(rejects_positions_far_outside_the_project_with_the_distance) {
    FixValidator v = validator();
    const auto verdict = v.check(fix_at("D12", now, 40.28, 140.75), now);
    BOOST_TEST(reason(verdict) == "outside_project");
    BOOST_TEST(verdict.message == "device 'D12': position lat 40.280000 lon 140.750000 is 55.6 km "
                                  "outside the project area");
    // 11 km outside is within the 20 km margin: a plow hauling snow to a dump site.
    BOOST_TEST(reason(v.check(fix_at("D12", now, 40.68, 140.75), now)) == "(accepted)");
}

BOOST_AUTO_TEST_CASE(skips_the_extent_check_without_roads) {
    FixValidator v({{"D12", 7}}, gis::Box::empty());
    BOOST_TEST(reason(v.check(fix_at("D12", now, 35.68, 139.76), now)) == "(accepted)");
}

BOOST_AUTO_TEST_CASE(flags_a_speed_jump_and_keeps_the_last_good_fix_as_reference) {
    FixValidator v = validator();
    BOOST_TEST(flags(v.check(fix_at("D12", now, 40.820, 140.75), now)) == 0);
    // 1.1 km in 10 s: 111 m/s.
    BOOST_TEST(flags(v.check(fix_at("D12", now + 10'000, 40.830, 140.75), now)) ==
               data::fix_flags::speed_jump);
    // Near the first fix again: plausible from it, so not a jump.
    BOOST_TEST(flags(v.check(fix_at("D12", now + 20'000, 40.821, 140.75), now)) == 0);
    // Another vehicle has its own reference.
    BOOST_TEST(flags(v.check(fix_at("G3", now + 20'000, 40.830, 140.75), now)) == 0);
}

BOOST_AUTO_TEST_CASE(moves_the_reference_after_three_agreeing_jumps) {
    FixValidator v = validator();
    v.check(fix_at("D12", now, 40.790, 140.75), now);
    BOOST_TEST(flags(v.check(fix_at("D12", now + 10'000, 40.850, 140.75), now)) ==
               data::fix_flags::speed_jump);
    BOOST_TEST(flags(v.check(fix_at("D12", now + 20'000, 40.851, 140.75), now)) ==
               data::fix_flags::speed_jump);
    BOOST_TEST(flags(v.check(fix_at("D12", now + 30'000, 40.852, 140.75), now)) == 0);
    BOOST_TEST(flags(v.check(fix_at("D12", now + 40'000, 40.853, 140.75), now)) == 0);
}

BOOST_AUTO_TEST_CASE(flags_a_fix_older_than_the_newest_as_late) {
    FixValidator v = validator();
    v.check(fix_at("D12", now, 40.820, 140.75), now);
    v.check(fix_at("D12", now + 10'000, 40.8201, 140.75), now);
    BOOST_TEST(flags(v.check(fix_at("D12", now + 5'000, 40.8205, 140.75), now)) ==
               data::fix_flags::late);
    // A retry of the newest fix is not late; storage drops it as a duplicate.
    BOOST_TEST(flags(v.check(fix_at("D12", now + 10'000, 40.8201, 140.75), now)) == 0);
}

BOOST_AUTO_TEST_CASE(keeps_the_fields_the_device_sent) {
    FixValidator v = validator();
    DeviceFix f = fix_at("D12", now, 40.82, 140.75);
    f.fix.speed_mps = 4.5;
    f.fix.work = data::WorkType::plow;
    f.fix.flags = data::fix_flags::imported;
    const auto verdict = v.check(f, now);
    BOOST_REQUIRE(verdict.accepted.has_value());
    BOOST_TEST(*verdict.accepted->speed_mps == 4.5);
    BOOST_TEST(data::key(verdict.accepted->work) == "plow");
    BOOST_TEST(verdict.accepted->flags == data::fix_flags::imported);
}

BOOST_AUTO_TEST_CASE(uses_a_replaced_device_table) {
    FixValidator v = validator();
    BOOST_TEST(reason(v.check(fix_at("N1", now, 40.82, 140.75), now)) == "unknown_device");
    v.set_devices({{"N1", 11}});
    const auto verdict = v.check(fix_at("N1", now, 40.82, 140.75), now);
    BOOST_REQUIRE(verdict.accepted.has_value());
    BOOST_TEST(verdict.accepted->vehicle_id == 11);
    BOOST_TEST(reason(v.check(fix_at("D12", now, 40.82, 140.75), now)) == "unknown_device");
}

BOOST_AUTO_TEST_CASE(names_every_reason) {
    BOOST_TEST(key(RejectReason::unknown_device) == "unknown_device");
    BOOST_TEST(key(RejectReason::null_island) == "null_island");
    BOOST_TEST(key(RejectReason::out_of_range) == "out_of_range");
    BOOST_TEST(key(RejectReason::outside_project) == "outside_project");
}

BOOST_AUTO_TEST_SUITE_END()
