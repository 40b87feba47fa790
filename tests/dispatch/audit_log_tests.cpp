#include "ykm/dispatch/audit_log.hpp"

#include "../data/temp_dir.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace ykm;
using namespace ykm::dispatch;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(audit_log_tests)

namespace {

struct AuditFixture {
    TempDir dir;
    data::Project project = data::Project::create(dir / "audit.ykm", gis::Epsg{6678});
    data::Database& db = project.database();

    std::int64_t append(const std::string& action, std::int64_t entity_id,
                        const std::string& detail) {
        data::Transaction tx(db);
        AuditEntry e;
        e.time_ms = 1'700'000'000'000 + entity_id;
        e.actor = "tanaka";
        e.channel = "desktop";
        e.action = action;
        e.entity = "order";
        e.entity_id = entity_id;
        e.detail = detail;
        const std::int64_t id = append_audit(db, e);
        tx.commit();
        return id;
    }

    // Five entries, ids 1 to 5.
    void append_five() {
        for (std::int64_t i = 1; i <= 5; ++i) {
            append("order.create", i, R"({"number":"R7-)" + std::to_string(i) + R"("})");
        }
    }

    // What a tool that ignores the project's rules could do to the file.
    void drop_triggers() {
        db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(an_empty_log_is_intact, AuditFixture) {
    const AuditCheck check = verify_audit(db);
    BOOST_TEST(check.intact);
    BOOST_TEST(check.entries == 0U);
    BOOST_TEST(!check.first_bad_id.has_value());
}

BOOST_FIXTURE_TEST_CASE(entries_are_numbered_and_chained, AuditFixture) {
    append_five();
    const auto entries = read_audit(db);
    BOOST_TEST_REQUIRE(entries.size() == 5U);
    BOOST_TEST(entries[0].id == 1);
    BOOST_TEST(entries[0].prev_hash == std::string(64, '0'));
    BOOST_TEST(entries[0].hash.size() == 64U);
    BOOST_TEST(entries[0].hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        BOOST_TEST(entries[i].id == static_cast<std::int64_t>(i) + 1);
        BOOST_TEST(entries[i].prev_hash == entries[i - 1].hash);
    }
    BOOST_TEST(entries[2].time_ms == 1'700'000'000'003);
    BOOST_TEST(entries[2].detail == R"({"number":"R7-3"})");
    BOOST_TEST(entries[2].actor == "tanaka");

    const AuditCheck check = verify_audit(db);
    BOOST_TEST(check.intact);
    BOOST_TEST(check.entries == 5U);
    BOOST_TEST(check.head_hash == entries[4].hash);
    BOOST_TEST(check.message.empty());
}

BOOST_FIXTURE_TEST_CASE(a_zero_time_is_now_and_an_empty_detail_is_an_empty_object, AuditFixture) {
    AuditEntry e;
    e.actor = "ykm";
    e.channel = "cli";
    e.action = "vehicle.save";
    e.entity = "vehicle";
    e.entity_id = 3;
    append_audit(db, e); // outside a transaction: runs in its own
    const auto entries = read_audit(db);
    BOOST_TEST_REQUIRE(entries.size() == 1U);
    BOOST_TEST(entries[0].time_ms > 1'700'000'000'000);
    BOOST_TEST(entries[0].detail == "{}");
    BOOST_TEST(verify_audit(db).intact);
}

BOOST_FIXTURE_TEST_CASE(bad_entries_are_refused, AuditFixture) {
    AuditEntry e;
    e.actor = "ykm";
    e.channel = "cli";
    e.action = "vehicle.save";
    e.entity = "vehicle";
    e.detail = "{not json";
    BOOST_CHECK_THROW(append_audit(db, e), Error);
    e.detail = "{}";
    e.actor.clear();
    BOOST_CHECK_THROW(append_audit(db, e), Error);
    BOOST_TEST(read_audit(db).empty());
}

BOOST_FIXTURE_TEST_CASE(read_audit_filters_by_entity_and_id, AuditFixture) {
    append_five();
    {
        data::Transaction tx(db);
        AuditEntry e;
        e.actor = "staff";
        e.channel = "desktop";
        e.action = "vehicle.save";
        e.entity = "vehicle";
        e.entity_id = 2;
        append_audit(db, e);
        tx.commit();
    }
    BOOST_TEST(read_audit(db).size() == 6U);
    BOOST_TEST(read_audit(db, std::string("order")).size() == 5U);
    const auto vehicle_2 = read_audit(db, std::string("vehicle"), 2);
    BOOST_TEST_REQUIRE(vehicle_2.size() == 1U);
    BOOST_TEST(vehicle_2[0].id == 6);
    BOOST_TEST(read_audit(db, std::nullopt, 2).size() == 2U);
    BOOST_TEST(read_audit(db, std::string("contractor")).empty());
}

BOOST_FIXTURE_TEST_CASE(the_triggers_refuse_update_and_delete, AuditFixture) {
    append_five();
    BOOST_CHECK_THROW(db.exec("UPDATE audit_log SET detail = '{}' WHERE id = 2"), Error);
    BOOST_CHECK_THROW(db.exec("DELETE FROM audit_log WHERE id = 5"), Error);
    BOOST_TEST(read_audit(db).size() == 5U);
    BOOST_TEST(verify_audit(db).intact);
}

BOOST_FIXTURE_TEST_CASE(an_edited_entry_is_found, AuditFixture) {
    append_five();
    drop_triggers();
    db.exec(R"(UPDATE audit_log SET detail = '{"number":"R7-9"}' WHERE id = 3)");
    const AuditCheck check = verify_audit(db);
    BOOST_TEST(!check.intact);
    BOOST_TEST(check.first_bad_id.value_or(0) == 3);
    BOOST_TEST(check.message == "audit entry 3: its content does not match its hash (edited)");
    BOOST_TEST(check.entries == 5U);
}

BOOST_FIXTURE_TEST_CASE(an_edited_actor_or_time_is_found, AuditFixture) {
    append_five();
    drop_triggers();
    db.exec("UPDATE audit_log SET time_ms = time_ms + 1 WHERE id = 4");
    BOOST_TEST(verify_audit(db).first_bad_id.value_or(0) == 4);
    db.exec("UPDATE audit_log SET time_ms = time_ms - 1 WHERE id = 4");
    BOOST_TEST(verify_audit(db).intact);
    db.exec("UPDATE audit_log SET actor = 'suzuki' WHERE id = 2");
    BOOST_TEST(verify_audit(db).first_bad_id.value_or(0) == 2);
}

BOOST_FIXTURE_TEST_CASE(a_deleted_middle_entry_is_found, AuditFixture) {
    append_five();
    drop_triggers();
    db.exec("DELETE FROM audit_log WHERE id = 3");
    const AuditCheck check = verify_audit(db);
    BOOST_TEST(!check.intact);
    BOOST_TEST(check.first_bad_id.value_or(0) == 3);
    BOOST_TEST(check.message == "audit entry 3: missing (deleted)");
    BOOST_TEST(check.entries == 4U);
}

BOOST_FIXTURE_TEST_CASE(a_deleted_first_entry_is_found, AuditFixture) {
    append_five();
    drop_triggers();
    db.exec("DELETE FROM audit_log WHERE id IN (1, 2)");
    const AuditCheck check = verify_audit(db);
    BOOST_TEST(!check.intact);
    BOOST_TEST(check.first_bad_id.value_or(0) == 1);
    BOOST_TEST(check.message == "audit entries 1 to 2: missing (deleted)");
}

BOOST_FIXTURE_TEST_CASE(a_rehashed_entry_is_found_at_the_next, AuditFixture) {
    append_five();
    const auto before = read_audit(db);
    drop_triggers();
    // Edit entry 2 and give it the hash of its new content, as a forger knowing the rule would;
    // entry 3 still names the old hash.
    AuditEntry forged = before[1];
    forged.detail = R"({"number":"R7-99"})";
    {
        TempDir other;
        data::Project scratch = data::Project::create(other / "scratch.ykm", gis::Epsg{6678});
        // The same chain up to entry 1, then the forged entry 2: its hash is what a forger
        // computes.
        data::Transaction tx(scratch.database());
        append_audit(scratch.database(), before[0]);
        append_audit(scratch.database(), forged);
        tx.commit();
        forged.hash = read_audit(scratch.database())[1].hash;
    }
    BOOST_TEST(forged.hash != before[1].hash);
    data::Statement edit(db, "UPDATE audit_log SET detail = ?, hash = ? WHERE id = 2");
    edit.bind(1, forged.detail).bind(2, forged.hash).run();

    const AuditCheck check = verify_audit(db);
    BOOST_TEST(!check.intact);
    BOOST_TEST(check.first_bad_id.value_or(0) == 3);
    BOOST_TEST(check.message ==
               "audit entry 3: not chained to entry 2 (its prev_hash is not that entry's hash)");
}

BOOST_FIXTURE_TEST_CASE(a_rolled_back_transaction_leaves_no_entry, AuditFixture) {
    append("order.create", 1, "{}");
    {
        data::Transaction tx(db);
        AuditEntry e;
        e.actor = "tanaka";
        e.channel = "desktop";
        e.action = "order.create";
        e.entity = "order";
        e.entity_id = 2;
        append_audit(db, e);
        // no commit: the change and its record both go
    }
    BOOST_TEST(read_audit(db).size() == 1U);
    BOOST_TEST(append("order.create", 3, "{}") == 2);
    BOOST_TEST(verify_audit(db).intact);
}

BOOST_FIXTURE_TEST_CASE(fleet_changes_are_recorded, AuditFixture) {
    Fleet fleet(project);
    fleet.set_actor("sato", "desktop");
    const std::int64_t c = fleet.save(Contractor{0, "C01", "雪国建設株式会社", "", ""});
    Vehicle v;
    v.code = "D-12";
    v.type = MachineType::dozer;
    v.contractor_id = c;
    v.plow_width_m = 3.7;
    const std::int64_t vid = fleet.save(v);
    fleet.remove_vehicle(vid);
    fleet.remove_contractor(c);

    const auto entries = read_audit(db);
    BOOST_TEST_REQUIRE(entries.size() == 4U);
    BOOST_TEST(entries[0].action == "contractor.save");
    BOOST_TEST(entries[0].entity == "contractor");
    BOOST_TEST(entries[0].entity_id == c);
    BOOST_TEST(nlohmann::json::parse(entries[0].detail)["name"] == "雪国建設株式会社");
    BOOST_TEST(entries[1].action == "vehicle.save");
    BOOST_TEST(entries[1].entity == "vehicle");
    BOOST_TEST(entries[1].entity_id == vid);
    BOOST_TEST(entries[1].actor == "sato");
    BOOST_TEST(entries[1].channel == "desktop");
    const auto detail = nlohmann::json::parse(entries[1].detail);
    BOOST_TEST(detail["code"] == "D-12");
    BOOST_TEST(detail["type"] == "dozer");
    BOOST_TEST(detail["plow_width_m"] == 3.7);
    BOOST_TEST(detail["district_id"].is_null());
    BOOST_TEST(entries[2].action == "vehicle.remove");
    BOOST_TEST(nlohmann::json::parse(entries[2].detail)["code"] == "D-12");
    BOOST_TEST(entries[3].action == "contractor.remove");
    BOOST_TEST(verify_audit(db).intact);
}

BOOST_FIXTURE_TEST_CASE(the_default_actor_is_staff_at_the_desktop, AuditFixture) {
    Fleet fleet(project);
    fleet.save(Contractor{0, "C01", "雪国建設株式会社", "", ""});
    const auto entries = read_audit(db);
    BOOST_TEST_REQUIRE(entries.size() == 1U);
    BOOST_TEST(entries[0].actor == "staff");
    BOOST_TEST(entries[0].channel == "desktop");
}

BOOST_FIXTURE_TEST_CASE(a_refused_fleet_change_leaves_no_entry, AuditFixture) {
    Fleet fleet(project);
    fleet.save(Contractor{0, "C01", "雪国建設株式会社", "", ""});
    BOOST_CHECK_THROW(fleet.save(Contractor{0, "C01", "二重登録", "", ""}), Error);
    Vehicle v;
    v.code = "D-1";
    v.contractor_id = 999;
    BOOST_CHECK_THROW(fleet.save(v), Error);
    BOOST_TEST(read_audit(db).size() == 1U);
}

BOOST_FIXTURE_TEST_CASE(a_csv_import_records_each_vehicle_and_new_contractor, AuditFixture) {
    const auto csv = dir / "fleet.csv";
    {
        std::FILE* f = std::fopen(csv.c_str(), "w");
        BOOST_TEST_REQUIRE(f != nullptr);
        std::fputs("code,type,contractor\nD-1,dozer,C07\nD-2,plow_truck,C07\n", f);
        std::fclose(f);
    }
    Fleet fleet(project);
    fleet.set_actor("ykm", "cli");
    BOOST_TEST(fleet.import_csv(csv) == 2U);
    const auto entries = read_audit(db);
    BOOST_TEST_REQUIRE(entries.size() == 3U);
    BOOST_TEST(entries[0].action == "contractor.save");
    BOOST_TEST(entries[1].action == "vehicle.save");
    BOOST_TEST(nlohmann::json::parse(entries[1].detail)["code"] == "D-1");
    BOOST_TEST(entries[2].action == "vehicle.save");
    BOOST_TEST(nlohmann::json::parse(entries[2].detail)["code"] == "D-2");
    BOOST_TEST(entries[2].channel == "cli");
    BOOST_TEST(verify_audit(db).intact);
}

BOOST_AUTO_TEST_SUITE_END()
