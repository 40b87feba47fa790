#include "error_message.hpp"
#include "temp_dir.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <cmath>
#include <csignal>
#include <numbers>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace ykm;
using namespace ykm::data;
using ykm::test::message_of;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(season_log_tests)

namespace {

// 2026-01-15 21:00 JST.
constexpr std::int64_t night = 1'768'478'400'000;

Fix fix_at(std::int64_t vehicle_id, std::int64_t time_ms, double lon = 140.7400000,
           double lat = 40.8200000) {
    Fix f;
    f.vehicle_id = vehicle_id;
    f.time_ms = time_ms;
    f.position = {lon, lat};
    return f;
}

// A fix with every field set, on the storage grid so it comes back equal.
Fix full_fix(std::int64_t vehicle_id, std::int64_t time_ms, double lon, double lat) {
    Fix f = fix_at(vehicle_id, time_ms, lon, lat);
    f.speed_mps = 4.25;
    f.bearing_deg = 359.9;
    f.altitude_m = 12.3;
    f.accuracy_m = 3.5;
    f.battery_pct = 87;
    f.work = WorkType::plow;
    f.blade = Blade::down;
    f.flags = fix_flags::imported;
    return f;
}

// Fixes of one vehicle every `step_ms` from `from_ms`, moving east about 4 m a step.
std::vector<Fix> track(std::int64_t vehicle_id, std::int64_t from_ms, int count,
                       std::int64_t step_ms = 1000) {
    std::vector<Fix> fixes;
    for (int i = 0; i < count; ++i) {
        // On the 1e-7 degree grid, so fixes come back equal.
        fixes.push_back(fix_at(vehicle_id, from_ms + i * step_ms,
                               static_cast<double>(1'407'400'000 + 500 * i) / 1e7, 40.82));
    }
    return fixes;
}

std::int64_t count_rows(Database& db, const std::string& sql) {
    Statement s(db, sql);
    BOOST_REQUIRE(s.step());
    return s.column_int64(0);
}

struct LogFixture {
    TempDir dir;
    Project project = Project::create(dir / "season.ykm", gis::Epsg{6678});
    SeasonLog log{project.database()};
    LogFixture() { SeasonLog::open_for_logging(project.database()); }
};

// A realistic 1 Hz plow track: a town grid of 80-300 m blocks, plowing at 3-6 m/s, turns, stops
// at junctions, travel legs with the blade up, phone-grade GPS (a drifting error of about 1.5 m),
// speed, bearing, altitude, accuracy and battery reported, and coverage gaps.
std::vector<Fix> plow_night(std::int64_t vehicle_id, int count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double lat0 = 40.82;
    const double m_per_deg_lat = 111'040.0;
    const double m_per_deg_lon = 111'320.0 * std::cos(lat0 * std::numbers::pi / 180.0);
    double x = 0.0, y = 0.0, heading = 90.0, target_heading = 90.0, speed = 0.0;
    double leg_left = 150.0, stop_left = 0.0, target_speed = 4.5;
    bool travel = false;
    double ex = 0.0, ey = 0.0, ealt = 0.0, distance = 0.0, accuracy = 4.0;
    double bearing = 90.0;
    int battery = 92;
    std::int64_t t = night;
    std::vector<Fix> fixes;
    for (int i = 0; i < count; ++i) {
        if (stop_left > 0.0) {
            stop_left -= 1.0;
            speed = std::max(0.0, speed - 1.5);
        } else {
            speed += std::clamp(target_speed - speed, -0.6, 0.4);
        }
        heading += std::clamp(target_heading - heading, -15.0, 15.0);
        const double rad = heading * std::numbers::pi / 180.0;
        x += speed * std::sin(rad);
        y += speed * std::cos(rad);
        distance += speed;
        leg_left -= speed;
        if (leg_left <= 0.0) {
            leg_left = 80.0 + 220.0 * uniform(rng);
            const double turn = uniform(rng);
            target_heading += turn < 0.35 ? 90.0 : turn < 0.7 ? -90.0 : 0.0;
            if (uniform(rng) < 0.25) {
                stop_left = 5.0 + 35.0 * uniform(rng);
            }
            travel = uniform(rng) < 0.1;
            target_speed = travel ? 8.0 + 2.0 * uniform(rng) : 3.0 + 3.0 * uniform(rng);
        }
        ex = 0.97 * ex + 0.35 * normal(rng);
        ey = 0.97 * ey + 0.35 * normal(rng);
        ealt = 0.95 * ealt + 0.3 * normal(rng);
        if (speed > 0.5) {
            bearing = std::fmod(heading + 2.0 * normal(rng) + 720.0, 360.0);
        }
        if (uniform(rng) < 0.05) {
            accuracy = std::clamp(accuracy + (uniform(rng) < 0.5 ? -0.5 : 0.7), 2.0, 12.0);
        }
        if (i % 300 == 299) {
            --battery;
        }
        Fix f;
        f.vehicle_id = vehicle_id;
        f.time_ms = t;
        f.position = {140.74 + (x + ex) / m_per_deg_lon, lat0 + (y + ey) / m_per_deg_lat};
        f.speed_mps = std::max(0.0, speed + 0.15 * normal(rng));
        f.bearing_deg = bearing;
        f.altitude_m = 35.0 + 4.0 * std::sin(distance / 400.0) + ealt;
        f.accuracy_m = accuracy;
        f.battery_pct = battery;
        f.work = travel ? WorkType::travel : WorkType::plow;
        f.blade = travel ? Blade::up : Blade::down;
        fixes.push_back(f);
        // Coverage drops now and then; the receiver's clock jitters by a few ms rarely.
        t += i % 1500 == 1499 ? 20'000 + static_cast<std::int64_t>(70'000 * uniform(rng)) : 1000;
        if (uniform(rng) < 0.02) {
            t += static_cast<std::int64_t>(uniform(rng) * 40.0) - 20;
        }
    }
    return fixes;
}

} // namespace

// --- work types --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(names_work_types_in_english_keys_and_japanese) {
    BOOST_TEST(key(WorkType::plow) == "plow");
    BOOST_TEST(key(WorkType::travel) == "travel");
    BOOST_TEST(key(WorkType::unknown) == "unknown");
    BOOST_TEST(japanese_name(WorkType::plow) == "新雪除雪");
    BOOST_TEST(japanese_name(WorkType::grade) == "路面整正");
    BOOST_TEST(japanese_name(WorkType::widen) == "拡幅除雪");
    BOOST_TEST(japanese_name(WorkType::haul) == "運搬排雪");
    BOOST_TEST(japanese_name(WorkType::spread) == "凍結防止剤散布");
    BOOST_TEST(japanese_name(WorkType::travel) == "回送");
    BOOST_TEST(japanese_name(WorkType::unknown) == "不明");
    BOOST_TEST((parse_work_type("spread") == WorkType::spread));
    BOOST_TEST((parse_work_type("widen") == WorkType::widen));
    BOOST_TEST(!parse_work_type("Plow").has_value());
    BOOST_TEST(!parse_work_type("").has_value());
    BOOST_TEST(is_service(WorkType::plow));
    BOOST_TEST(is_service(WorkType::haul));
    BOOST_TEST(!is_service(WorkType::travel));
    BOOST_TEST(!is_service(WorkType::unknown));
}

// --- codec -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(codec_round_trips_fixes_with_and_without_optional_fields) {
    std::vector<Fix> fixes;
    fixes.push_back(fix_at(7, night, 140.7401234, 40.8212345));
    fixes.push_back(full_fix(7, night + 1000, 140.7401734, 40.8212845));
    Fix partial = fix_at(7, night + 2000, 140.7402234, 40.8213345);
    partial.speed_mps = 0.0;
    partial.battery_pct = 0;
    partial.work = WorkType::travel;
    fixes.push_back(partial);
    fixes.push_back(full_fix(7, night + 3000, 140.7402734, 40.8213845));
    fixes.push_back(fix_at(7, night + 4000, 140.7403234, 40.8214345));
    const std::vector<Fix> back = decode_fix_block(encode_fix_block(fixes), 7);
    BOOST_TEST_REQUIRE(back.size() == 5U);
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        BOOST_TEST((back[i] == fixes[i]), "fix " << i << " differs");
    }
    BOOST_TEST(!back[0].speed_mps.has_value());
    BOOST_TEST(*back[1].bearing_deg == 359.9);
    BOOST_TEST(*back[2].battery_pct == 0);
    BOOST_TEST(!back[2].altitude_m.has_value());
    BOOST_TEST(back[4].flags == 0);
}

BOOST_AUTO_TEST_CASE(codec_encodes_a_known_block_byte_for_byte) {
    // The block format is what season logs on disk hold: it must not change by accident.
    std::vector<Fix> fixes{fix_at(1, 1000, 0.0000001, -0.0000002),
                           fix_at(1, 2000, 0.0000003, -0.0000002)};
    fixes[1].speed_mps = 1.5;
    // version, count; head (time 1000 << 6), lon +1, lat -2; head (dt 1000 << 6 | state and
    // speed changed), state (speed present), lon +2 from the previous, lat 0, speed +150 cm/s.
    const std::vector<std::uint8_t> expected_body{1,   2, 128, 232, 7, 2,   3, 161,
                                                  232, 7, 1,   4,   0, 172, 2};
    std::vector<std::uint8_t> block = encode_fix_block(fixes);
    BOOST_TEST_REQUIRE(block.size() == 19U);
    const auto crc = static_cast<std::uint32_t>(crc32(0, block.data(), 15));
    BOOST_TEST(block[15] == (crc & 0xFF));
    BOOST_TEST(block[18] == (crc >> 24));
    block.resize(15);
    BOOST_TEST(block == expected_body, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(codec_handles_negative_deltas_wraps_and_large_gaps) {
    std::vector<Fix> fixes;
    // Westward and southward across the date line's neighbourhood and the equator, bearing
    // wrapping through north, speed falling, altitude below sea level.
    fixes.push_back(full_fix(3, -5000, -179.9999999, 0.0000010));
    Fix b = full_fix(3, -4000, -179.9999990, -0.0000020);
    b.bearing_deg = 0.1;
    b.speed_mps = 0.01;
    b.altitude_m = -4.5;
    fixes.push_back(b);
    Fix c = full_fix(3, -3999, 179.9999999, -89.9999999); // 1 ms later, far away
    c.bearing_deg = 180.0;
    fixes.push_back(c);
    // 40 days later, then an irregular step, then a 1 h gap.
    fixes.push_back(full_fix(3, 40LL * 86'400'000, 12.5, 45.0));
    fixes.push_back(full_fix(3, 40LL * 86'400'000 + 3'217, 12.5000123, 44.9999877));
    fixes.push_back(full_fix(3, 40LL * 86'400'000 + 3'603'217, 12.4999000, 45.0001000));
    const std::vector<Fix> back = decode_fix_block(encode_fix_block(fixes), 3);
    BOOST_TEST_REQUIRE(back.size() == fixes.size());
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        BOOST_TEST((back[i] == fixes[i]), "fix " << i << " differs");
    }
    BOOST_TEST(back[2].position.lon_deg == 179.9999999);
    BOOST_TEST(back[5].time_ms == 3'459'603'217LL);
}

BOOST_AUTO_TEST_CASE(codec_stores_values_to_their_documented_resolution) {
    Fix f = fix_at(2, night, 140.74000004, 40.82000006);
    f.speed_mps = 3.14159;
    f.bearing_deg = -90.0;
    f.altitude_m = 7.26;
    const std::vector<Fix> back = decode_fix_block(encode_fix_block(std::vector<Fix>{f}), 2);
    BOOST_TEST(back[0].position.lon_deg == 140.74);
    BOOST_TEST(back[0].position.lat_deg == 40.8200001);
    BOOST_TEST(*back[0].speed_mps == 3.14);
    BOOST_TEST(*back[0].bearing_deg == 270.0);
    BOOST_TEST(*back[0].altitude_m == 7.3);
}

BOOST_AUTO_TEST_CASE(codec_refuses_fixes_it_cannot_store) {
    Fix nan_speed = fix_at(5, night);
    nan_speed.speed_mps = std::nan("");
    const std::string nan_message =
        message_of([&] { (void)encode_fix_block(std::vector<Fix>{nan_speed}); });
    BOOST_TEST(nan_message.find("vehicle 5") != std::string::npos, nan_message);
    BOOST_TEST(nan_message.find("2026-01-15T12:00:00.000Z") != std::string::npos, nan_message);
    BOOST_TEST(nan_message.find("speed nan") != std::string::npos, nan_message);

    const Fix far = fix_at(5, night, 200.0, 40.0);
    const std::string far_message =
        message_of([&] { (void)encode_fix_block(std::vector<Fix>{far}); });
    BOOST_TEST(far_message.find("longitude 200 is outside ±180") != std::string::npos, far_message);

    const std::vector<Fix> backwards{fix_at(5, night + 1000), fix_at(5, night)};
    BOOST_CHECK_THROW((void)encode_fix_block(backwards), Error);
    BOOST_TEST(message_of([&] { (void)encode_fix_block(backwards); }).find("increasing time") !=
               std::string::npos);
    BOOST_CHECK_THROW((void)encode_fix_block(std::vector<Fix>{}), Error);
}

BOOST_AUTO_TEST_CASE(codec_detects_a_corrupt_block) {
    const std::vector<Fix> fixes = track(9, night, 20);
    const std::vector<std::uint8_t> good = encode_fix_block(fixes);

    std::vector<std::uint8_t> flipped = good;
    flipped[10] ^= 0x04;
    BOOST_CHECK_THROW((void)decode_fix_block(flipped, 9), Error);
    const std::string flipped_message = message_of([&] { (void)decode_fix_block(flipped, 9); });
    BOOST_TEST(flipped_message.find("fix block of vehicle 9 is corrupt") != std::string::npos,
               flipped_message);
    BOOST_TEST(flipped_message.find("checksum") != std::string::npos, flipped_message);

    const std::vector<std::uint8_t> truncated(good.begin(), good.begin() + 5);
    BOOST_CHECK_THROW((void)decode_fix_block(truncated, 9), Error);

    // Valid checksums over bad contents: an unknown version, and a count beyond the records.
    auto with_crc = [](std::vector<std::uint8_t> body) {
        const auto crc =
            static_cast<std::uint32_t>(crc32(0, body.data(), static_cast<unsigned>(body.size())));
        for (int shift = 0; shift < 32; shift += 8) {
            body.push_back(static_cast<std::uint8_t>(crc >> shift));
        }
        return body;
    };
    std::vector<std::uint8_t> body(good.begin(), good.end() - 4);
    body[0] = 9;
    const std::string version_message =
        message_of([&] { (void)decode_fix_block(with_crc(body), 9); });
    BOOST_TEST(version_message.find("unknown block version 9") != std::string::npos,
               version_message);
    body = std::vector<std::uint8_t>(good.begin(), good.end() - 4);
    body[1] = 21; // 20 fixes are stored
    const std::string count_message =
        message_of([&] { (void)decode_fix_block(with_crc(body), 9); });
    BOOST_TEST(count_message.find("ends early") != std::string::npos, count_message);
    body = std::vector<std::uint8_t>(good.begin(), good.end() - 4);
    body[1] = 19;
    const std::string short_message =
        message_of([&] { (void)decode_fix_block(with_crc(body), 9); });
    BOOST_TEST(short_message.find("bytes are left after 19 fixes") != std::string::npos,
               short_message);
}

// --- append, dedup, order ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(append_stores_fixes_and_skips_duplicates_in_a_batch_and_across_batches) {
    LogFixture f;
    std::vector<Fix> batch{fix_at(1, night + 2000, 140.1), fix_at(1, night, 140.2),
                           fix_at(2, night, 140.3), fix_at(1, night + 2000, 140.9)};
    const AppendResult first = f.log.append(batch);
    BOOST_TEST(first.stored == 3U);
    BOOST_TEST(first.duplicates == 1U);
    // The first of two equal fixes is kept.
    const std::vector<Fix> one = f.log.fixes(1, night, night + 10'000);
    BOOST_TEST_REQUIRE(one.size() == 2U);
    BOOST_TEST(one[1].position.lon_deg == 140.1);

    const AppendResult second =
        f.log.append(std::vector<Fix>{fix_at(1, night), fix_at(1, night + 1000)});
    BOOST_TEST(second.stored == 1U);
    BOOST_TEST(second.duplicates == 1U);
    BOOST_TEST(f.log.stats().fix_count == 4);
    BOOST_TEST(*f.log.last_time(1) == night + 2000);
    BOOST_TEST(*f.log.last_time(2) == night);
    BOOST_TEST(!f.log.last_time(3).has_value());
}

BOOST_AUTO_TEST_CASE(append_skips_duplicates_of_sealed_fixes) {
    LogFixture f;
    BOOST_TEST(f.log.append(track(4, night, 300)).stored == 300U);
    BOOST_TEST(f.log.stats().block_count == 1);
    // Fix 10 is in the sealed block, fix 290 in the tail, 400 is new; the same again from a
    // fresh SeasonLog (no cache) too.
    const std::vector<Fix> again{track(4, night, 11)[10], track(4, night, 291)[290],
                                 fix_at(4, night + 400'000)};
    const AppendResult result = f.log.append(again);
    BOOST_TEST(result.stored == 1U);
    BOOST_TEST(result.duplicates == 2U);
    SeasonLog fresh(f.project.database());
    const AppendResult repeat = fresh.append(again);
    BOOST_TEST(repeat.stored == 0U);
    BOOST_TEST(repeat.duplicates == 3U);
    BOOST_TEST(f.log.stats().fix_count == 301);
    BOOST_TEST(f.log.fixes(4, night, night + 1'000'000).size() == 301U);
}

BOOST_AUTO_TEST_CASE(append_sees_fixes_another_connection_wrote) {
    LogFixture f;
    f.log.append(track(6, night, 10));
    {
        Database other(f.project.path(), OpenMode::read_write);
        SeasonLog other_log(other);
        other_log.append(track(6, night + 10'000, 300));
    }
    // Fix 20 of the other connection's track is sealed now; this log cached last time 9 s.
    const AppendResult result = f.log.append(std::vector<Fix>{track(6, night + 10'000, 21)[20]});
    BOOST_TEST(result.duplicates == 1U);
    BOOST_TEST(f.log.stats().fix_count == 310);
}

BOOST_AUTO_TEST_CASE(late_out_of_order_fixes_come_back_in_time_order) {
    LogFixture f;
    std::vector<Fix> live = track(8, night + 600'000, 300); // 21:10 on, sealed at 256
    f.log.append(live);
    // A logger uploads 21:00-21:05 late, newest first, in two batches.
    std::vector<Fix> late = track(8, night, 300);
    std::reverse(late.begin(), late.end());
    f.log.append(std::span<const Fix>(late).first(150));
    f.log.append(std::span<const Fix>(late).subspan(150));
    const std::vector<Fix> all = f.log.fixes(8, night, night + 2'000'000);
    BOOST_TEST_REQUIRE(all.size() == 600U);
    BOOST_TEST(std::is_sorted(all.begin(), all.end(),
                              [](const Fix& a, const Fix& b) { return a.time_ms < b.time_ms; }));
    BOOST_TEST(all.front().time_ms == night);
    BOOST_TEST(all[299].time_ms == night + 299'000);
    BOOST_TEST(all[300].time_ms == night + 600'000);
    BOOST_TEST(all.back().time_ms == night + 899'000);
    BOOST_TEST(f.log.range(night, night + 2'000'000).size() == 600U);
    // Sealed: the first 256 live fixes; then the tail (late and live, 21:00-21:15) filled to 344
    // and its oldest 256 were sealed; 44 late and 44 live fixes wait in the tail.
    const SeasonLogStats stats = f.log.stats();
    BOOST_TEST(stats.block_count == 2);
    BOOST_TEST(stats.tail_count == 88);
    BOOST_TEST(*f.log.last_time(8) == night + 899'000);
}

BOOST_AUTO_TEST_CASE(a_late_fix_older_than_the_tail_by_an_hour_is_sealed_on_its_own) {
    LogFixture f;
    f.log.append(track(5, night + 7'200'000, 10));
    f.log.append(std::vector<Fix>{fix_at(5, night)});
    Statement blocks(f.project.database(),
                     "SELECT first_ms, last_ms, fix_count FROM fix_blocks WHERE vehicle_id = 5");
    BOOST_TEST_REQUIRE(blocks.step());
    BOOST_TEST(blocks.column_int64(0) == night);
    BOOST_TEST(blocks.column_int64(1) == night);
    BOOST_TEST(blocks.column_int64(2) == 1);
    BOOST_TEST(!blocks.step());
    BOOST_TEST(f.log.stats().tail_count == 10);
    BOOST_TEST(f.log.fixes(5, night, night + 8'000'000).size() == 11U);
}

BOOST_AUTO_TEST_CASE(late_fixes_within_a_sealed_block_are_merged_so_blocks_never_overlap) {
    LogFixture f;
    // 21:00:00-21:01:39, a coverage gap, then 21:03:20-21:05:55: one block over the gap.
    const std::vector<Fix> all = track(3, night, 512);
    std::vector<Fix> live(all.begin(), all.begin() + 100);
    live.insert(live.end(), all.begin() + 200, all.begin() + 356);
    f.log.append(live);
    BOOST_TEST(f.log.stats().block_count == 1);
    // The gap's 100 fixes come late with 156 new ones: the tail reaches 256 and its block, from
    // 21:01:40 on, overlaps the sealed one; both are rewritten as two blocks side by side.
    std::vector<Fix> late(all.begin() + 100, all.begin() + 200);
    late.insert(late.end(), all.begin() + 356, all.end());
    f.log.append(late);
    Statement blocks(f.project.database(), "SELECT first_ms - " + std::to_string(night) +
                                               ", last_ms - " + std::to_string(night) +
                                               ", fix_count FROM fix_blocks ORDER BY first_ms");
    std::vector<std::int64_t> rows;
    while (blocks.step()) {
        for (int c = 0; c < 3; ++c) {
            rows.push_back(blocks.column_int64(c));
        }
    }
    const std::vector<std::int64_t> expected{0, 255'000, 256, 256'000, 511'000, 256};
    BOOST_TEST(rows == expected, boost::test_tools::per_element());
    BOOST_TEST(f.log.stats().tail_count == 0);
    BOOST_TEST(f.log.fixes(3, night, night + 600'000) == all);
    const std::vector<Fix> now = f.log.at(night + 150'500, 60'000);
    BOOST_TEST_REQUIRE(now.size() == 1U);
    BOOST_TEST(now[0].time_ms == night + 150'000);
}

BOOST_AUTO_TEST_CASE(fixes_of_a_vehicle_include_from_and_exclude_to) {
    LogFixture f;
    f.log.append(track(1, night, 600)); // 2 blocks of 256 and 88 in the tail
    f.log.append(track(2, night, 600));
    BOOST_TEST(f.log.stats().block_count == 4);
    const std::vector<Fix> middle = f.log.fixes(1, night + 255'000, night + 513'000);
    BOOST_TEST_REQUIRE(middle.size() == 258U);
    BOOST_TEST(middle.front().time_ms == night + 255'000); // last of block 1
    BOOST_TEST(middle.back().time_ms == night + 512'000);  // first of the tail
    BOOST_TEST(middle.front().vehicle_id == 1);
    BOOST_TEST(f.log.fixes(1, night + 255'001, night + 256'000).empty());
    BOOST_TEST(f.log.fixes(1, night + 256'000, night + 256'001).size() == 1U);
    BOOST_TEST(f.log.fixes(1, night + 256'000, night + 256'000).empty());
    BOOST_TEST(f.log.fixes(3, night, night + 600'000).empty());
    const std::vector<Fix> both = f.log.range(night + 599'000, night + 700'000);
    BOOST_TEST_REQUIRE(both.size() == 2U);
    BOOST_TEST(both[0].vehicle_id == 1);
    BOOST_TEST(both[1].vehicle_id == 2);
}

BOOST_AUTO_TEST_CASE(range_by_vehicle_gives_each_vehicle_what_its_own_query_gives) {
    LogFixture f;
    f.log.append(track(1, night, 600));           // 2 blocks and 88 fixes in the tail
    f.log.append(track(2, night + 100'000, 300)); // a block and 44 in the tail
    f.log.append(track(3, night + 900'000, 10));  // after every range below but the last
    // A late fix of vehicle 2 inside its sealed block, and one before all its others.
    f.log.append(
        std::vector<Fix>{fix_at(2, night + 100'500, 140.5), fix_at(2, night + 50'000, 140.6)});
    for (const auto& [from, to] :
         std::vector<std::pair<std::int64_t, std::int64_t>>{{night, night + 600'000},
                                                            {night + 255'000, night + 513'000},
                                                            {night + 40'000, night + 100'501},
                                                            {night + 599'999, night + 1'000'000},
                                                            {night + 700'000, night + 800'000}}) {
        const auto by_vehicle = f.log.range_by_vehicle(from, to);
        std::size_t vehicles = 0;
        for (std::int64_t id = 1; id <= 3; ++id) {
            const std::vector<Fix> own = f.log.fixes(id, from, to);
            const auto it = by_vehicle.find(id);
            if (own.empty()) {
                BOOST_TEST((it == by_vehicle.end()), "vehicle " << id << " from " << from);
                continue;
            }
            ++vehicles;
            BOOST_TEST_REQUIRE((it != by_vehicle.end()), "vehicle " << id << " from " << from);
            BOOST_TEST_REQUIRE(it->second.size() == own.size());
            for (std::size_t i = 0; i < own.size(); ++i) {
                BOOST_TEST(it->second[i].time_ms == own[i].time_ms);
                BOOST_TEST(it->second[i].vehicle_id == id);
                BOOST_TEST(it->second[i].position.lon_deg == own[i].position.lon_deg);
            }
        }
        BOOST_TEST(by_vehicle.size() == vehicles);
    }
    BOOST_TEST(f.log.range_by_vehicle(night + 10, night + 10).empty());
    BOOST_TEST(f.log.range_by_vehicle(night + 700'000, night + 800'000).empty());
}

BOOST_AUTO_TEST_CASE(at_gives_the_last_fix_of_each_vehicle_not_older_than_max_age) {
    LogFixture f;
    f.log.append(track(1, night, 600));             // 21:00:00-21:09:59, mostly sealed
    f.log.append(track(2, night + 300'000, 10));    // 21:05:00-21:05:09, in the tail
    f.log.append(track(3, night - 3'600'000, 300)); // 20:00, an hour before
    f.log.append(std::vector<Fix>{fix_at(4, night + 120'000)});
    const std::vector<Fix> now = f.log.at(night + 300'500, 600'000);
    BOOST_TEST_REQUIRE(now.size() == 3U);
    BOOST_TEST(now[0].vehicle_id == 1);
    BOOST_TEST(now[0].time_ms == night + 300'000);
    BOOST_TEST(now[1].vehicle_id == 2);
    BOOST_TEST(now[1].time_ms == night + 300'000);
    BOOST_TEST(now[2].vehicle_id == 4);
    BOOST_TEST(now[2].time_ms == night + 120'000);
    // At exactly a fix's time it counts; a shorter max age drops vehicle 4.
    const std::vector<Fix> recent = f.log.at(night + 255'000, 60'000);
    BOOST_TEST_REQUIRE(recent.size() == 1U);
    BOOST_TEST(recent[0].time_ms == night + 255'000);
    // Vehicle 3's last fix (20:04:59) is 55 min before 21:00, within a 2 h max age.
    const std::vector<Fix> wide = f.log.at(night, 7'200'000);
    BOOST_TEST_REQUIRE(wide.size() == 2U);
    BOOST_TEST(wide[0].time_ms == night);
    BOOST_TEST(wide[1].vehicle_id == 3);
    BOOST_TEST(wide[1].time_ms == night - 3'600'000 + 299'000);
    BOOST_TEST(f.log.at(night - 7'200'000, 600'000).empty());
}

BOOST_AUTO_TEST_CASE(at_finds_a_recent_fix_in_a_block_that_began_over_an_hour_before) {
    LogFixture f;
    // Every 50 s from 1 h 50 s before 21:00 to 100 s before it: one block of 59 min 10 s.
    f.log.append(track(1, night - 3'650'000, 72, 50'000));
    f.log.seal_all();
    BOOST_TEST(count_rows(f.project.database(), "SELECT count(*) FROM fix_blocks") == 1);
    const std::vector<Fix> now = f.log.at(night, 600'000);
    BOOST_TEST_REQUIRE(now.size() == 1U);
    BOOST_TEST(now[0].time_ms == night - 100'000);
    BOOST_TEST(f.log.at(night, 99'999).empty());
}

BOOST_AUTO_TEST_CASE(seals_a_tail_into_a_block_at_256_fixes) {
    LogFixture f;
    const std::vector<Fix> fixes = track(11, night, 256);
    f.log.append(std::span<const Fix>(fixes).first(255));
    SeasonLogStats stats = f.log.stats();
    BOOST_TEST(stats.block_count == 0);
    BOOST_TEST(stats.tail_count == 255);
    f.log.append(std::span<const Fix>(fixes).subspan(255));
    stats = f.log.stats();
    BOOST_TEST(stats.block_count == 1);
    BOOST_TEST(stats.tail_count == 0);
    BOOST_TEST(stats.fix_count == 256);
    Statement block(f.project.database(),
                    "SELECT first_ms, last_ms, fix_count, length(data) FROM fix_blocks");
    BOOST_TEST_REQUIRE(block.step());
    BOOST_TEST(block.column_int64(0) == night);
    BOOST_TEST(block.column_int64(1) == night + 255'000);
    BOOST_TEST(block.column_int64(2) == 256);
    BOOST_TEST(f.log.fixes(11, night, night + 256'000) == fixes);
}

BOOST_AUTO_TEST_CASE(blocks_never_span_more_than_an_hour) {
    LogFixture f;
    f.log.append(track(12, night, 250, 30'000)); // every 30 s for 2 h 5 min
    const SeasonLogStats stats = f.log.stats();
    BOOST_TEST(stats.block_count == 2);
    BOOST_TEST(stats.tail_count == 8);
    BOOST_TEST(count_rows(f.project.database(), "SELECT max(last_ms - first_ms) FROM fix_blocks") ==
               3'600'000);
    f.log.seal_all();
    BOOST_TEST(f.log.stats().block_count == 3);
    BOOST_TEST(f.log.stats().tail_count == 0);
    BOOST_TEST(f.log.fixes(12, night, night + 8'000'000).size() == 250U);
}

BOOST_AUTO_TEST_CASE(extent_and_vehicles_span_blocks_and_the_tail) {
    LogFixture f;
    f.log.append(track(12, night, 250, 30'000)); // 2 blocks and 8 fixes in the tail, to 2:04:30
    f.log.append(track(14, night - 3 * 3'600'000, 100, 60'000)); // 18:00-19:39
    f.log.seal_all();
    f.log.append(track(13, night + 10 * 3'600'000, 1)); // one fix in the tail at 07:00
    const auto extent = f.log.extent();
    BOOST_TEST_REQUIRE(extent.has_value());
    BOOST_TEST(extent->first == night - 3 * 3'600'000);
    BOOST_TEST(extent->second == night + 10 * 3'600'000);
    BOOST_TEST(f.log.vehicles() == (std::vector<std::int64_t>{12, 13, 14}));
    BOOST_TEST(f.log.vehicles(night, night + 1) == (std::vector<std::int64_t>{12}));
    BOOST_TEST(f.log.vehicles(night - 3 * 3'600'000, night + 1) ==
               (std::vector<std::int64_t>{12, 14}));
    BOOST_TEST(f.log.vehicles(night + 7'471'000, night + 9 * 3'600'000).empty());
    BOOST_TEST(f.log.vehicles(night + 9 * 3'600'000, night + 11 * 3'600'000) ==
               (std::vector<std::int64_t>{13}));
    LogFixture empty;
    BOOST_TEST(!empty.log.extent().has_value());
    BOOST_TEST(empty.log.vehicles().empty());
}

BOOST_AUTO_TEST_CASE(last_before_skips_flagged_fixes_across_blocks_and_the_tail) {
    LogFixture f;
    // Every 30 s for 2 h 30 min: a block of the first hour (fixes 0-120), one of the second
    // (121-241) and the tail (242-299); from fix 121 on all are speed jumps, so the search walks
    // back over a whole block.
    std::vector<Fix> fixes = track(15, night, 300, 30'000);
    for (std::size_t i = 121; i < fixes.size(); ++i) {
        fixes[i].flags = fix_flags::speed_jump;
    }
    f.log.append(fixes);
    BOOST_TEST(f.log.stats().block_count == 2);
    BOOST_TEST(f.log.stats().tail_count == 58);
    // Recomputed from the raw fixes: the last one before T, with and without the flag skipped.
    const auto expected = [&](std::int64_t t, bool skip) -> std::optional<Fix> {
        std::optional<Fix> best;
        for (const Fix& x : fixes) {
            if (x.time_ms < t && !(skip && x.flags != 0)) {
                best = x;
            }
        }
        return best;
    };
    for (const std::int64_t t : {night, night + 1, night + 30'000, night + 3'600'000,
                                 night + 6'000'000, night + 8'999'999, night + 20'000'000}) {
        BOOST_TEST((f.log.last_before(15, t) == expected(t, false)), "T = night + " << t - night);
        BOOST_TEST((f.log.last_before(15, t, fix_flags::speed_jump) == expected(t, true)),
                   "T = night + " << t - night);
    }
    BOOST_TEST(f.log.last_before(15, night + 20'000'000, fix_flags::speed_jump)->time_ms ==
               night + 120 * 30'000);
    BOOST_TEST(!f.log.last_before(16, night + 20'000'000).has_value());
}

BOOST_AUTO_TEST_CASE(a_bad_fix_rolls_the_whole_append_back) {
    LogFixture f;
    std::vector<Fix> batch = track(13, night, 300);
    batch[299].position.lat_deg = 91.0;
    const std::string message = message_of([&] { f.log.append(batch); });
    BOOST_TEST(message.find("vehicle 13, fix at 2026-01-15T12:04:59.000Z: latitude 91") !=
                   std::string::npos,
               message);
    BOOST_TEST(f.log.stats().fix_count == 0);
    BOOST_TEST(!f.log.last_time(13).has_value());
    batch[299].position.lat_deg = 40.0;
    BOOST_TEST(f.log.append(batch).stored == 300U);
}

// --- size --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(a_plow_night_takes_at_most_16_bytes_a_fix) {
    LogFixture f;
    const std::vector<Fix> fixes = plow_night(21, 20'000, 1);
    for (std::size_t i = 0; i < fixes.size(); i += 50) {
        f.log.append(
            std::span<const Fix>(fixes).subspan(i, std::min<std::size_t>(50, fixes.size() - i)));
    }
    f.log.seal_all();
    const SeasonLogStats stats = f.log.stats();
    BOOST_TEST(stats.fix_count == 20'000);
    BOOST_TEST(stats.block_count == 79); // 78 full blocks and the rest, no block spans a gap > 1 h
    const double bytes_per_fix =
        static_cast<double>(stats.stored_bytes) / static_cast<double>(stats.fix_count);
    BOOST_TEST_MESSAGE("stored bytes per fix: " << bytes_per_fix);
    BOOST_TEST(bytes_per_fix <= 16.0);
    // What comes back is the fix to the storage resolution.
    const std::vector<Fix> back = f.log.fixes(21, night, night + 86'400'000);
    BOOST_TEST_REQUIRE(back.size() == fixes.size());
    double worst_m = 0.0;
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        BOOST_TEST_REQUIRE(back[i].time_ms == fixes[i].time_ms);
        worst_m = std::max(worst_m, std::abs(back[i].position.lat_deg - fixes[i].position.lat_deg) *
                                        111'040.0);
    }
    BOOST_TEST(worst_m <= 0.006);
    BOOST_TEST(std::abs(*back[777].speed_mps - *fixes[777].speed_mps) <= 0.005);
}

// --- durability --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(open_for_logging_switches_to_wal_with_full_sync) {
    TempDir dir;
    Project p = Project::create(dir / "wal.ykm", gis::Epsg{6678});
    SeasonLog::open_for_logging(p.database());
    Statement mode(p.database(), "PRAGMA journal_mode");
    BOOST_TEST_REQUIRE(mode.step());
    BOOST_TEST(mode.column_text(0) == "wal");
    BOOST_TEST(count_rows(p.database(), "PRAGMA synchronous") == 2);
}

BOOST_AUTO_TEST_CASE(open_for_logging_refuses_a_database_without_wal) {
    Database memory(":memory:", OpenMode::create);
    const std::string message = message_of([&] { SeasonLog::open_for_logging(memory); });
    BOOST_TEST(message.find(":memory:: cannot switch to WAL") != std::string::npos, message);
    BOOST_TEST(message.find("'memory'") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(fixes_survive_closing_and_reopening) {
    TempDir dir;
    const std::vector<Fix> fixes = track(14, night, 300);
    {
        Project p = Project::create(dir / "keep.ykm", gis::Epsg{6678});
        SeasonLog::open_for_logging(p.database());
        SeasonLog log(p.database());
        log.append(fixes);
        p.close();
    }
    Project p = Project::open(dir / "keep.ykm", OpenMode::read_only);
    SeasonLog log(p.database());
    BOOST_TEST(log.fixes(14, night, night + 300'000) == fixes);
    BOOST_TEST(*log.last_time(14) == night + 299'000);
    BOOST_TEST(log.stats().block_count == 1);
}

BOOST_AUTO_TEST_CASE(fixes_survive_a_process_killed_right_after_append) {
    TempDir dir;
    const auto path = dir / "crash.ykm";
    Project::create(path, gis::Epsg{6678}).close();
    const pid_t child = fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        // The child appends and dies with SIGKILL at once: no destructor, no checkpoint.
        try {
            Project p = Project::open(path);
            SeasonLog::open_for_logging(p.database());
            SeasonLog log(p.database());
            for (int batch = 0; batch < 5; ++batch) {
                for (std::int64_t v = 1; v <= 3; ++v) {
                    log.append(track(v, night + batch * 100'000, 100));
                }
            }
            std::raise(SIGKILL);
        } catch (...) {
            _exit(3);
        }
        _exit(4);
    }
    int status = 0;
    BOOST_TEST_REQUIRE(waitpid(child, &status, 0) == child);
    BOOST_TEST_REQUIRE(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGKILL);
    // The commits are in the write-ahead log, which the next open replays.
    BOOST_TEST(std::filesystem::file_size(path.string() + "-wal") > 0U);
    Project p = Project::open(path);
    SeasonLog log(p.database());
    BOOST_TEST(log.stats().fix_count == 1500);
    for (std::int64_t v = 1; v <= 3; ++v) {
        const std::vector<Fix> got = log.fixes(v, night, night + 500'000);
        BOOST_TEST_REQUIRE(got.size() == 500U);
        BOOST_TEST(got[499].time_ms == night + 400'000 + 99'000);
        BOOST_TEST(got[499].position.lon_deg == 140.74495);
    }
}

BOOST_AUTO_TEST_SUITE_END()
