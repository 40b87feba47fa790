#include "temp_dir.hpp"
#include "ykm/data/database.hpp"
#include "ykm/data/project.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace ykm;
using namespace ykm::data;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(database_tests)

namespace {

std::vector<std::int64_t> values_above(Database& db, std::int64_t above) {
    Statement q(db, "SELECT x FROM t WHERE x > ? ORDER BY x");
    q.bind(1, above);
    std::vector<std::int64_t> out;
    while (q.step()) {
        out.push_back(q.column_int64(0));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_statement_of_the_same_text_is_reused_reset_with_its_new_bindings) {
    TempDir dir;
    Database db(dir / "a.sqlite", OpenMode::create);
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3), (4)");
    const std::size_t before = db.cached_statements();
    BOOST_TEST((values_above(db, 2) == std::vector<std::int64_t>{3, 4}));
    BOOST_TEST(db.cached_statements() == before + 1);
    // Reused, and bound anew.
    BOOST_TEST((values_above(db, 0) == std::vector<std::int64_t>{1, 2, 3, 4}));
    BOOST_TEST(db.cached_statements() == before + 1);
    {
        // Left at its first row: the next one of the same text starts from the beginning,
        // and the cached one holds no read lock that would keep a writer out.
        Statement q(db, "SELECT x FROM t WHERE x > ? ORDER BY x");
        q.bind(1, 0);
        BOOST_TEST(q.step());
        BOOST_TEST(q.column_int64(0) == 1);
    }
    BOOST_TEST((values_above(db, 3) == std::vector<std::int64_t>{4}));
    {
        // Two alive at once: the second is prepared anew, and both give their rows.
        Statement a(db, "SELECT x FROM t WHERE x > ? ORDER BY x");
        Statement b(db, "SELECT x FROM t WHERE x > ? ORDER BY x");
        a.bind(1, 3);
        b.bind(1, 2);
        BOOST_TEST(a.step());
        BOOST_TEST(b.step());
        BOOST_TEST(a.column_int64(0) == 4);
        BOOST_TEST(b.column_int64(0) == 3);
    }
    BOOST_TEST(db.cached_statements() == before + 1);
    // A statement whose bindings were left unset reads NULL for them, not the last ones.
    {
        Statement q(db, "SELECT x FROM t WHERE x > ? ORDER BY x");
        BOOST_TEST(!q.step()); // x > NULL holds for no row
    }
    // Another connection writes; the cached statement reads what it wrote.
    {
        Database other(dir / "a.sqlite", OpenMode::read_write);
        other.exec("INSERT INTO t VALUES (5)");
    }
    BOOST_TEST((values_above(db, 3) == std::vector<std::int64_t>{4, 5}));
    // The table's schema changes under a cached statement: SQLite prepares it again.
    db.exec("DROP TABLE t; CREATE TABLE t (x INTEGER, y TEXT); INSERT INTO t VALUES (7, 'a')");
    BOOST_TEST((values_above(db, 0) == std::vector<std::int64_t>{7}));
    // Closing finalizes the cached statements first.
    BOOST_CHECK_NO_THROW(db.close());
}

BOOST_AUTO_TEST_CASE(the_statement_cache_keeps_at_most_its_limit_and_moves_with_the_connection) {
    TempDir dir;
    Database db(dir / "a.sqlite", OpenMode::create);
    for (std::size_t i = 0; i < Database::max_cached_statements + 20; ++i) {
        Statement q(db, "SELECT " + std::to_string(i));
        BOOST_TEST(q.step());
        BOOST_TEST(q.column_int64(0) == static_cast<std::int64_t>(i));
    }
    BOOST_TEST(db.cached_statements() == Database::max_cached_statements);
    Database moved(std::move(db));
    BOOST_TEST(moved.cached_statements() == Database::max_cached_statements);
    {
        Statement q(moved, "SELECT 3");
        BOOST_TEST(q.step());
        BOOST_TEST(q.column_int64(0) == 3);
    }
    BOOST_CHECK_NO_THROW(moved.close());
}

BOOST_AUTO_TEST_CASE(the_passes_of_a_time_range_or_a_shift_are_read_from_an_index_alone) {
    TempDir dir;
    Project p = Project::create(dir / "town.ykm", gis::Epsg{6678});
    const auto plan_of = [&](const std::string& sql) {
        Statement plan(p.database(), "EXPLAIN QUERY PLAN " + sql);
        std::string detail;
        while (plan.step()) {
            detail += plan.column_text(3) + "\n";
        }
        return detail;
    };
    // A replay's raw passes of T's hour.
    const std::string hour = plan_of("SELECT segment_id, forward, time_ms FROM coverage_passes "
                                     "WHERE time_ms > 1 AND time_ms <= 2");
    BOOST_TEST(hour.find("COVERING INDEX coverage_passes_time") != std::string::npos, hour);
    // A daily report's passes of a vehicle's shift.
    const std::string shift =
        plan_of("SELECT segment_id, forward, work, blade, fraction FROM coverage_passes WHERE "
                "vehicle_id = 1 AND time_ms >= 1 AND time_ms <= 2");
    BOOST_TEST(shift.find("COVERING INDEX coverage_passes_vehicle") != std::string::npos, shift);
}

BOOST_AUTO_TEST_SUITE_END()
