#include "ykm/dispatch/fleet.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/unit_test.hpp>

#include <bit>
#include <fstream>

using namespace ykm;
using namespace ykm::dispatch;
using ykm::test::message_of;
using ykm::test::TempDir;

BOOST_AUTO_TEST_SUITE(fleet_tests)

namespace {

data::District square_district(const std::string& name, const std::string& code, double x0,
                               double y0) {
    // WKB polygon, little endian, one ring of five points.
    std::vector<std::uint8_t> wkb{1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0};
    auto put = [&wkb](double d) {
        const auto bits = std::bit_cast<std::uint64_t>(d);
        for (int i = 0; i < 8; ++i) {
            wkb.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
        }
    };
    const double size = 1000.0;
    for (auto [x, y] :
         {std::pair{x0, y0}, {x0 + size, y0}, {x0 + size, y0 + size}, {x0, y0 + size}, {x0, y0}}) {
        put(x);
        put(y);
    }
    return data::District{name, code, wkb};
}

struct FleetFixture {
    TempDir dir;
    data::Project project = data::Project::create(dir / "fleet.ykm", gis::Epsg{6678});
    Fleet fleet{project};
    std::int64_t yukiguni = 0;

    FleetFixture() {
        const std::vector<data::District> districts{square_district("北部工区", "N1", 0, 0),
                                                    square_district("南部工区", "S1", 0, 2000)};
        project.replace_districts(districts);
        yukiguni = fleet.save(Contractor{0, "C01", "雪国建設株式会社", "017-734-0000", ""});
    }

    Vehicle dozer(const std::string& code, const std::string& device) const {
        Vehicle v;
        v.code = code;
        v.type = MachineType::dozer;
        v.plate = "青森 100 さ 12-34";
        v.plow_width_m = 3.7;
        v.contractor_id = yukiguni;
        v.device_id = device;
        return v;
    }

    std::filesystem::path write(const std::string& name, const std::string& content) const {
        const auto path = dir / name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(saves_and_reads_back_contractors_and_vehicles) {
    FleetFixture f;
    Vehicle v = f.dozer("D-12", "phone-12");
    v.district_id = 2;
    v.id = f.fleet.save(v);
    BOOST_TEST(v.id > 0);
    BOOST_TEST((f.fleet.vehicle(v.id) == v));
    BOOST_TEST((f.fleet.vehicle_by_code("D-12") == v));
    BOOST_TEST((f.fleet.vehicle_by_device("phone-12") == v));
    BOOST_TEST(!f.fleet.vehicle_by_device("").has_value());
    BOOST_TEST(!f.fleet.vehicle_by_code("D-13").has_value());
    const std::vector<Contractor> contractors = f.fleet.contractors();
    BOOST_TEST_REQUIRE(contractors.size() == 1U);
    BOOST_TEST(contractors[0].code == "C01");
    BOOST_TEST(contractors[0].name == "雪国建設株式会社");
    BOOST_TEST(contractors[0].phone == "017-734-0000");
    BOOST_TEST(f.fleet.contractor_by_code("C01")->id == f.yukiguni);
    // Stored as the key: GDAL and QGIS users read it too.
    data::Statement raw(f.project.database(), "SELECT machine_type, device_id FROM vehicles");
    BOOST_TEST_REQUIRE(raw.step());
    BOOST_TEST(raw.column_text(0) == "dozer");
}

BOOST_AUTO_TEST_CASE(updates_a_vehicle_by_id_and_keeps_one_without_a_device) {
    FleetFixture f;
    Vehicle v = f.dozer("D-1", "");
    v.id = f.fleet.save(v);
    f.fleet.save(f.dozer("D-2", "")); // two vehicles without GPS are fine
    v.type = MachineType::motor_grader;
    v.plow_width_m = 4.0;
    v.device_id = "unit-7";
    BOOST_TEST(f.fleet.save(v) == v.id);
    const std::vector<Vehicle> all = f.fleet.vehicles();
    BOOST_TEST_REQUIRE(all.size() == 2U);
    BOOST_TEST(all[0].code == "D-1");
    BOOST_TEST(key(all[0].type) == "motor_grader");
    BOOST_TEST(all[0].plow_width_m == 4.0);
    BOOST_TEST(all[0].device_id == "unit-7");
    BOOST_TEST(all[1].device_id.empty());
    Vehicle ghost = v;
    ghost.id = 99;
    ghost.code = "X-1";
    BOOST_TEST(message_of([&] { f.fleet.save(ghost); }) == "vehicle 99 does not exist");
}

BOOST_AUTO_TEST_CASE(refuses_a_plow_width_outside_0_to_10_m) {
    FleetFixture f;
    Vehicle v = f.dozer("D-12", "");
    v.plow_width_m = 12.0;
    BOOST_CHECK_THROW(f.fleet.save(v), Error);
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) ==
               "vehicle D-12: plow width 12 m is outside (0, 10] m");
    v.plow_width_m = 0.0;
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) ==
               "vehicle D-12: plow width 0 m is outside (0, 10] m");
    v.plow_width_m = std::nan("");
    BOOST_CHECK_THROW(f.fleet.save(v), Error);
    v.plow_width_m = 10.0;
    BOOST_TEST(f.fleet.save(v) > 0);
}

BOOST_AUTO_TEST_CASE(refuses_a_device_id_or_code_already_used) {
    FleetFixture f;
    f.fleet.save(f.dozer("D-3", "abc"));
    BOOST_TEST(message_of([&] { f.fleet.save(f.dozer("D-12", "abc")); }) ==
               "vehicle D-12: device id 'abc' is already used by vehicle D-3");
    BOOST_TEST(message_of([&] {
                   f.fleet.save(f.dozer("D-3", "def"));
               }).starts_with("vehicle code 'D-3' is already used by vehicle "));
    BOOST_TEST(message_of([&] {
                   f.fleet.save(Contractor{0, "C01", "北星工業株式会社", "", ""});
               }) == "contractor code 'C01' is already used by 雪国建設株式会社");
    BOOST_TEST(message_of([&] {
                   f.fleet.save(Contractor{0, "C02", " ", "", ""});
               }) == "contractor C02: name is empty");
    BOOST_TEST(f.fleet.vehicles().size() == 1U);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_contractor_or_district) {
    FleetFixture f;
    Vehicle v = f.dozer("D-5", "");
    v.contractor_id = 42;
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) == "vehicle D-5: contractor 42 does not exist");
    v.contractor_id = f.yukiguni;
    v.district_id = 7;
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) == "vehicle D-5: district 7 does not exist");
    BOOST_TEST(f.fleet.vehicles().empty());
}

BOOST_AUTO_TEST_CASE(removes_vehicles_and_contractors_without_vehicles) {
    FleetFixture f;
    const std::int64_t id = f.fleet.save(f.dozer("D-1", "x"));
    f.fleet.save(f.dozer("D-2", ""));
    BOOST_TEST(message_of([&] { f.fleet.remove_contractor(f.yukiguni); }) ==
               "contractor C01 still has 2 vehicles (D-1, D-2); remove them or give them another "
               "contractor first");
    f.fleet.remove_vehicle(id);
    BOOST_TEST(!f.fleet.vehicle(id).has_value());
    BOOST_TEST(message_of([&] { f.fleet.remove_vehicle(id); }) ==
               "vehicle " + std::to_string(id) + " does not exist");
    f.fleet.remove_vehicle(f.fleet.vehicle_by_code("D-2")->id);
    f.fleet.remove_contractor(f.yukiguni);
    BOOST_TEST(f.fleet.contractors().empty());
    BOOST_CHECK_THROW(f.fleet.remove_contractor(f.yukiguni), Error);
}

BOOST_AUTO_TEST_CASE(finds_a_district_by_name_code_or_id) {
    FleetFixture f;
    BOOST_TEST(*f.fleet.find_district("南部工区") == 2);
    BOOST_TEST(*f.fleet.find_district("N1") == 1);
    BOOST_TEST(*f.fleet.find_district("2") == 2);
    BOOST_TEST(!f.fleet.find_district("3").has_value());
    BOOST_TEST(!f.fleet.find_district("東部工区").has_value());
    BOOST_TEST(*f.fleet.district_name(1) == "北部工区");
}

// --- CSV import --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(imports_vehicles_from_csv_with_quotes_bom_and_japanese_types) {
    FleetFixture f;
    f.fleet.save(f.dozer("D-1", "old-device"));
    const auto csv = f.write("fleet.csv", "\xEF\xBB\xBF"
                                          "code,type,plate,width_m,contractor,contractor_name,"
                                          "device_id,district\n"
                                          "D-1,モーターグレーダ,,4.2,C01,,,N1\r\n"
                                          "T-1,plow_truck,\"青森 800 す 1-01\",3,C02,"
                                          "\"北星工業株式会社, \"\"北星\"\"\",dev-t1,南部工区\n"
                                          "\n"
                                          "S-1,small_machine,\"line\nbreak\",1.2,C02,,dev-s1,1\n");
    BOOST_TEST(f.fleet.import_csv(csv) == 3U);
    const auto d1 = f.fleet.vehicle_by_code("D-1");
    BOOST_TEST(key(d1->type) == "motor_grader");
    BOOST_TEST(d1->plate == "青森 100 さ 12-34"); // empty cell keeps the stored plate
    BOOST_TEST(d1->device_id == "old-device");
    BOOST_TEST(d1->plow_width_m == 4.2);
    BOOST_TEST(*d1->district_id == 1);
    const auto t1 = f.fleet.vehicle_by_code("T-1");
    BOOST_TEST(t1->plate == "青森 800 す 1-01");
    BOOST_TEST(*t1->district_id == 2);
    const auto c2 = f.fleet.contractor(t1->contractor_id);
    BOOST_TEST(c2->code == "C02");
    BOOST_TEST(c2->name == "北星工業株式会社, \"北星\"");
    BOOST_TEST(f.fleet.vehicle_by_device("dev-s1")->plate == "line\nbreak");
    BOOST_TEST(f.fleet.contractors().size() == 2U);
}

BOOST_AUTO_TEST_CASE(imports_a_cp932_file) {
    FleetFixture f;
    // 除雪ドーザ, 雪国建設, 北部工区 in CP932, as Excel saves it.
    const auto csv = f.write("sjis.csv", "code,type,contractor,contractor_name,district\r\n"
                                         "D-9,"
                                         "\x8F\x9C\x90\xE1\x83\x68\x81\x5B\x83\x55"
                                         ",C05,"
                                         "\x90\xE1\x8D\x91\x8C\x9A\x90\xDD"
                                         ","
                                         "\x96\x6B\x95\x94\x8D\x48\x8B\xE6"
                                         "\r\n");
    BOOST_TEST(f.fleet.import_csv(csv) == 1U);
    const auto v = f.fleet.vehicle_by_code("D-9");
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(key(v->type) == "dozer");
    BOOST_TEST(*v->district_id == 1);
    BOOST_TEST(f.fleet.contractor_by_code("C05")->name == "雪国建設");
}

BOOST_AUTO_TEST_CASE(a_bad_row_imports_nothing_and_names_file_line_and_column) {
    FleetFixture f;
    const auto csv = f.write("bad.csv", "code,type,contractor\n"
                                        "G-1,motor_grader,C07\n"
                                        "G-2,xyz,C07\n");
    BOOST_CHECK_THROW(f.fleet.import_csv(csv), Error);
    BOOST_TEST(message_of([&] { f.fleet.import_csv(csv); }) ==
               csv.string() +
                   ":3: column 'type': 'xyz' is not a machine type (dozer, motor_grader, "
                   "rotary_blower, plow_truck, dump_truck, small_machine)");
    BOOST_TEST(f.fleet.vehicles().empty());
    BOOST_TEST(!f.fleet.contractor_by_code("C07").has_value());
}

BOOST_AUTO_TEST_CASE(import_errors_name_the_column_and_value) {
    FleetFixture f;
    f.fleet.save(f.dozer("D-3", "abc"));
    const auto width = f.write("w.csv", "code,type,width_m,contractor\nD-12,dozer,12,C01\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(width); }) ==
               width.string() +
                   ":2: column 'width_m': vehicle D-12: plow width 12 m is outside (0, 10] m");
    const auto words = f.write("n.csv", "code,type,width_m,contractor\nD-12,dozer,wide,C01\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(words); }) ==
               words.string() + ":2: column 'width_m': 'wide' is not a number of metres");
    const auto device = f.write("d.csv", "code,type,contractor,device_id\nD-12,dozer,C01,abc\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(device); }) ==
               device.string() + ":2: column 'device_id': vehicle D-12: device id 'abc' is "
                                 "already used by vehicle D-3");
    const auto district =
        f.write("r.csv", "code,type,contractor,district\n\"D-12\",dozer,C01,東部工区\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(district); }) ==
               district.string() + ":2: column 'district': '東部工区' is not a district of the "
                                   "project (name, code or id)");
    const auto column = f.write("c.csv", "code,type,colour\n");
    BOOST_TEST(message_of([&] {
                   f.fleet.import_csv(column);
               }).starts_with(column.string() + ":1: unknown column 'colour' (columns: code, "));
    const auto twice = f.write("t.csv", "code,type,contractor\n\"multi\nline\",dozer,C01\n"
                                        "K-1,dump_truck,C01\nK-1,dump_truck,C01\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(twice); }) ==
               twice.string() + ":5: column 'code': vehicle 'K-1' is already on line 4");
    const auto open_quote = f.write("q.csv", "code,type\n\"D-1,dozer\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(open_quote); }) ==
               open_quote.string() + ":2: a quoted field is not closed");
    const auto new_without_type = f.write("nt.csv", "code,contractor\nZ-1,C01\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(new_without_type); })
                   .starts_with(new_without_type.string() +
                                ":2: column 'type': empty; a new vehicle needs a machine type"));
    BOOST_TEST(message_of([&] { f.fleet.import_csv(f.dir / "missing.csv"); }) ==
               (f.dir / "missing.csv").string() + ": cannot open");
    BOOST_TEST(f.fleet.vehicles().size() == 1U);
}

// --- home depot and shift ---------------------------------------------------------------------

namespace {

// Depots 1 (北部除雪基地) and 2 (南部除雪基地), in the order written.
void add_depots(data::Project& project) {
    const std::vector<data::Depot> depots{{"北部除雪基地", gis::XY{500, 500}},
                                          {"南部除雪基地", gis::XY{500, 2500}}};
    project.replace_depots(depots);
}

} // namespace

BOOST_AUTO_TEST_CASE(saves_and_reads_back_the_home_depot_and_shift) {
    FleetFixture f;
    add_depots(f.project);
    Vehicle v = f.dozer("D-12", "");
    v.depot_id = 2;
    v.shift_h = 7.5;
    v.id = f.fleet.save(v);
    BOOST_TEST((f.fleet.vehicle(v.id) == v));
    BOOST_TEST(*f.fleet.vehicle(v.id)->depot_id == 2);
    BOOST_TEST(*f.fleet.vehicle(v.id)->shift_h == 7.5);
    // Cleared again on update; a vehicle without either is stored with NULLs.
    v.depot_id = std::nullopt;
    v.shift_h = std::nullopt;
    f.fleet.save(v);
    BOOST_TEST(!f.fleet.vehicle(v.id)->depot_id.has_value());
    BOOST_TEST(!f.fleet.vehicle(v.id)->shift_h.has_value());
    data::Statement raw(f.project.database(), "SELECT depot_id IS NULL, shift_h IS NULL FROM "
                                              "vehicles");
    BOOST_TEST_REQUIRE(raw.step());
    BOOST_TEST(raw.column_int(0) == 1);
    BOOST_TEST(raw.column_int(1) == 1);
    // 24 h is the longest shift allowed.
    v.shift_h = 24.0;
    f.fleet.save(v);
    BOOST_TEST(*f.fleet.vehicle(v.id)->shift_h == 24.0);
}

BOOST_AUTO_TEST_CASE(refuses_an_unknown_depot_naming_it) {
    FleetFixture f;
    add_depots(f.project);
    Vehicle v = f.dozer("D-5", "");
    v.depot_id = 3;
    BOOST_CHECK_THROW(f.fleet.save(v), Error);
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) == "vehicle D-5: depot 3 does not exist");
    BOOST_TEST(f.fleet.vehicles().empty());
}

BOOST_AUTO_TEST_CASE(refuses_a_shift_outside_0_to_24_h) {
    FleetFixture f;
    Vehicle v = f.dozer("D-5", "");
    v.shift_h = 0.0;
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) ==
               "vehicle D-5: shift 0 h is outside (0, 24] h");
    v.shift_h = 25.0;
    BOOST_TEST(message_of([&] { f.fleet.save(v); }) ==
               "vehicle D-5: shift 25 h is outside (0, 24] h");
    v.shift_h = -8.0;
    BOOST_CHECK_THROW(f.fleet.save(v), Error);
    v.shift_h = std::nan("");
    BOOST_CHECK_THROW(f.fleet.save(v), Error);
    BOOST_TEST(f.fleet.vehicles().empty());
}

BOOST_AUTO_TEST_CASE(imports_the_depot_by_name_or_id_and_the_shift) {
    FleetFixture f;
    add_depots(f.project);
    Vehicle kept = f.dozer("D-1", "");
    kept.depot_id = 1;
    kept.shift_h = 8.0;
    f.fleet.save(kept);
    const auto csv = f.write("depots.csv", "code,type,contractor,depot,shift_h\n"
                                           "T-1,plow_truck,C01,南部除雪基地,9.5\n"
                                           "T-2,plow_truck,C01,1,\n"
                                           "D-1,,,,\n");
    BOOST_TEST(f.fleet.import_csv(csv) == 3U);
    const auto t1 = f.fleet.vehicle_by_code("T-1");
    BOOST_TEST(*t1->depot_id == 2);
    BOOST_TEST(*t1->shift_h == 9.5);
    const auto t2 = f.fleet.vehicle_by_code("T-2");
    BOOST_TEST(*t2->depot_id == 1);
    BOOST_TEST(!t2->shift_h.has_value());
    // Empty cells keep the stored depot and shift.
    const auto d1 = f.fleet.vehicle_by_code("D-1");
    BOOST_TEST(*d1->depot_id == 1);
    BOOST_TEST(*d1->shift_h == 8.0);
}

BOOST_AUTO_TEST_CASE(import_errors_of_depot_and_shift_name_the_line_and_column) {
    FleetFixture f;
    add_depots(f.project);
    const auto depot = f.write("p.csv", "code,type,contractor,depot\n"
                                        "T-1,plow_truck,C01,1\n"
                                        "T-2,plow_truck,C01,東部除雪基地\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(depot); }) ==
               depot.string() + ":3: column 'depot': '東部除雪基地' is not a depot of the project "
                                "(name or id)");
    const auto by_id = f.write("i.csv", "code,type,contractor,depot\nT-1,plow_truck,C01,3\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(by_id); }) ==
               by_id.string() +
                   ":2: column 'depot': '3' is not a depot of the project (name or id)");
    const auto range = f.write("s.csv", "code,type,contractor,shift_h\nT-1,plow_truck,C01,25\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(range); }) ==
               range.string() +
                   ":2: column 'shift_h': vehicle T-1: shift 25 h is outside (0, 24] h");
    const auto words = f.write("w.csv", "code,type,contractor,shift_h\nT-1,plow_truck,C01,long\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(words); }) ==
               words.string() + ":2: column 'shift_h': 'long' is not a number of hours");
    BOOST_TEST(f.fleet.vehicles().empty());
}

BOOST_AUTO_TEST_CASE(an_import_refuses_a_depot_name_two_depots_share) {
    FleetFixture f;
    const std::vector<data::Depot> depots{{"除雪基地", gis::XY{0, 0}}, {"除雪基地", gis::XY{9, 9}}};
    f.project.replace_depots(depots);
    const auto csv =
        f.write("two.csv", "code,type,contractor,depot\nT-1,plow_truck,C01,除雪基地\n");
    BOOST_TEST(message_of([&] { f.fleet.import_csv(csv); }) ==
               csv.string() +
                   ":2: column 'depot': two depots have the name '除雪基地'; give the id instead");
}

BOOST_AUTO_TEST_CASE(deleting_a_depot_leaves_its_vehicles_without_one) {
    FleetFixture f;
    add_depots(f.project);
    Vehicle north = f.dozer("D-1", "");
    north.depot_id = 1;
    north.id = f.fleet.save(north);
    Vehicle south = f.dozer("D-2", "");
    south.depot_id = 2;
    south.shift_h = 8.0;
    south.id = f.fleet.save(south);
    f.project.database().exec("DELETE FROM depots WHERE id = 2");
    BOOST_TEST(*f.fleet.vehicle(north.id)->depot_id == 1);
    const auto after = f.fleet.vehicle(south.id);
    BOOST_TEST_REQUIRE(after.has_value());
    BOOST_TEST(!after->depot_id.has_value());
    BOOST_TEST(*after->shift_h == 8.0);
}

BOOST_AUTO_TEST_SUITE_END()
