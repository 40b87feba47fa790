#include "ykm/dispatch/order_sheet.hpp"

#include "shell_tools.hpp"

#include "../data/error_message.hpp"
#include "../data/temp_dir.hpp"
#include "ykm/data/demo_town.hpp"
#include "ykm/dispatch/audit_log.hpp"
#include "ykm/dispatch/fleet.hpp"
#include "ykm/dispatch/orders.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>

using namespace ykm;
using test::message_of;

namespace {

const dispatch::OrderActor staff{"sato", dispatch::OrderChannel::desktop};

using test::run_command;

std::string without_spaces(std::string text) {
    std::erase_if(text, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\f'; });
    return text;
}

using test::pdf_text;

struct SheetProject {
    test::TempDir dir;
    data::Project project;
    std::int64_t contractor = 0;
    std::int64_t vehicle = 0;
    gis::RoadNetwork network;
    std::unordered_map<std::int64_t, const gis::RoadSegment*> segments;

    SheetProject() : project(data::Project::create(dir / "town.ykm", gis::Epsg{6678})) {
        const data::DemoTown town = data::generate_demo_town(2, data::TownSize::small);
        data::write_demo_town(project, town);
        dispatch::Fleet fleet(project);
        contractor = fleet.save(dispatch::Contractor{0, "C1", "雪国建設", "0172-00-1234", ""});
        dispatch::Vehicle v;
        v.code = "T-1";
        v.plate = "青森100さ1234";
        v.contractor_id = contractor;
        vehicle = fleet.save(v);
        network = project.load_road_network();
        for (const gis::RoadSegment& s : network.segments) {
            segments.emplace(s.id, &s);
        }
    }

    // An order of the first `count` named roads of district 1.
    std::int64_t order(std::size_t count, const std::string& instructions = "第1種を優先") {
        dispatch::Orders orders(project);
        dispatch::WorkOrder o;
        o.contractor_id = contractor;
        o.district_id = 1;
        for (const std::int64_t s : orders.district_segments(1)) {
            if (o.segments.size() < count && !segments.at(s)->attributes.name.empty()) {
                o.segments.push_back(s);
            }
        }
        o.vehicles = {vehicle};
        o.window_start_ms = 1'700'000'000'000; // 2023-11-15 07:13:20 JST
        o.window_end_ms = o.window_start_ms + 6 * 3'600'000;
        o.deadline_ms = o.window_start_ms + 4 * 3'600'000;
        o.instructions = instructions;
        return orders.create(o, staff);
    }

    std::string number(std::int64_t id) { return dispatch::Orders(project).order(id)->number; }

    std::vector<std::int64_t> roads_of(std::int64_t id) {
        return dispatch::Orders(project).order(id)->segments;
    }

    std::string total_km(std::int64_t id) {
        double total = 0.0;
        for (const std::int64_t s : roads_of(id)) {
            total += segments.at(s)->length_m;
        }
        char text[32];
        std::snprintf(text, sizeof text, "%.2f km", total / 1000.0);
        return text;
    }

    std::filesystem::path sheet(std::int64_t id, const std::string& portal,
                                const std::string& name = "sheet.pdf") {
        const std::filesystem::path pdf = dir / name;
        dispatch::write_order_sheet(project, id, dispatch::OrderSheetOptions{portal}, pdf);
        return pdf;
    }

    // The QR codes zbarimg finds on page 1 at 200 dpi, one a line ("" when none).
    std::string decoded_qr(const std::filesystem::path& pdf) {
        const std::filesystem::path png = dir / "page1";
        run_command("pdftoppm -r 200 -png -f 1 -l 1 -singlefile '" + pdf.string() + "' '" +
                    png.string() + "'");
        return run_command("zbarimg --raw -q '" + png.string() + ".png' 2>/dev/null");
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(order_sheet_tests)

BOOST_AUTO_TEST_CASE(prints_the_order_its_roads_and_the_acknowledgement_box_in_japanese) {
    SheetProject t;
    const std::int64_t id = t.order(6);
    const std::string number = t.number(id);
    const auto pdf = t.sheet(id, "https://portal.example.lg.jp");
    const std::string text = pdf_text(pdf);
    const std::string flat = without_spaces(text);
    BOOST_TEST(text.find("除雪作業指令書") != std::string::npos);
    BOOST_TEST(text.find(number) != std::string::npos);
    BOOST_TEST(text.find("雪国建設（C1）") != std::string::npos);
    BOOST_TEST(text.find("0172-00-1234") != std::string::npos);
    BOOST_TEST(text.find("新雪除雪") != std::string::npos);
    BOOST_TEST(text.find("下書き") != std::string::npos);
    BOOST_TEST(text.find("T-1（青森100さ1234）") != std::string::npos);
    BOOST_TEST(text.find("第1種を優先") != std::string::npos);
    // 1'700'000'000'000 ms is 2023-11-15 07:13 in Japan; the window is six hours.
    BOOST_TEST(flat.find("2023-11-1507:13～2023-11-1513:13") != std::string::npos);
    BOOST_TEST(flat.find("2023-11-1511:13") != std::string::npos); // the deadline
    BOOST_TEST(text.find("受領確認") != std::string::npos);
    BOOST_TEST(text.find("電話で受領した場合は担当職員がシステムに記録します") !=
               std::string::npos);
    for (const std::int64_t s : t.roads_of(id)) {
        BOOST_TEST(text.find(t.segments.at(s)->attributes.name) != std::string::npos,
                   "road name of segment " << s);
    }
    BOOST_TEST(flat.find("合計6区間" + without_spaces(t.total_km(id))) != std::string::npos);
    BOOST_TEST(flat.find("作業指令書" + number) != std::string::npos); // the footer
    BOOST_TEST(flat.find("1/2") != std::string::npos);
    BOOST_TEST(flat.find("2/2") != std::string::npos);
    const std::string info = run_command("pdfinfo '" + pdf.string() + "'");
    BOOST_TEST(info.find("595.276 x 841.89 pts (A4)") != std::string::npos);
    BOOST_TEST(test::pdf_pages(pdf) == 2);
    BOOST_TEST(!std::filesystem::exists(pdf.string() + ".partial"));
}

BOOST_AUTO_TEST_CASE(says_when_the_order_was_issued) {
    SheetProject t;
    const std::int64_t id = t.order(2);
    dispatch::Orders(t.project).change_status(id, dispatch::OrderStatus::issued, staff, "",
                                              1'700'003'600'000);
    const std::string flat = without_spaces(pdf_text(t.sheet(id, "")));
    BOOST_TEST(flat.find("発令日時2023-11-1508:13") != std::string::npos);
    BOOST_TEST(flat.find("状態発令") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(its_qr_code_opens_the_order_in_the_portal) {
    SheetProject t;
    const std::int64_t id = t.order(3);
    const std::string url = "https://portal.example.lg.jp/#/orders/" + t.number(id);
    // A trailing '/' of the portal's address is not doubled.
    const auto pdf = t.sheet(id, "https://portal.example.lg.jp/");
    BOOST_TEST(t.decoded_qr(pdf) == url + "\n");
    BOOST_TEST(without_spaces(pdf_text(pdf)).find(url) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(without_a_portal_it_has_no_qr_code_and_says_so) {
    SheetProject t;
    const std::int64_t id = t.order(3);
    const auto pdf = t.sheet(id, "");
    BOOST_TEST(pdf_text(pdf).find("ポータル未設定") != std::string::npos);
    BOOST_TEST(t.decoded_qr(pdf).empty());
}

BOOST_DATA_TEST_CASE(refuses_a_portal_url_that_is_not_http,
                     boost::unit_test::data::make({"ftp://portal.example.jp", "portal.example.jp",
                                                   "https://", "javascript:alert(1)",
                                                   "https://portal example.jp"}),
                     url) {
    SheetProject t;
    const std::int64_t id = t.order(2);
    // No lambda here: it would capture the fixture, whose type is local to this file.
    std::string message;
    try {
        dispatch::order_sheet_pdf(t.project, id, dispatch::OrderSheetOptions{url});
    } catch (const Error& e) {
        message = e.what();
    }
    BOOST_TEST(message == std::string("order sheet: portal URL '") + url +
                              "' is not an http:// or https:// address");
}

BOOST_AUTO_TEST_CASE(refuses_an_order_that_does_not_exist_and_writes_no_file) {
    SheetProject t;
    const auto pdf = t.dir / "none.pdf";
    BOOST_TEST(message_of([&] { dispatch::write_order_sheet(t.project, 999, {}, pdf); }) ==
               "order 999 does not exist");
    BOOST_TEST(!std::filesystem::exists(pdf));
    BOOST_TEST(!std::filesystem::exists(pdf.string() + ".partial"));
}

BOOST_AUTO_TEST_CASE(the_roads_list_goes_on_over_more_pages_as_roads_grow) {
    SheetProject t;
    const std::int64_t few = t.order(5);
    const std::int64_t many = t.order(1000); // every named road of the district
    const std::size_t roads = t.roads_of(many).size();
    BOOST_TEST_REQUIRE(roads > 60U);
    const auto small = t.sheet(few, "", "few.pdf");
    const auto large = t.sheet(many, "https://portal.example.lg.jp", "many.pdf");
    const int pages = test::pdf_pages(large);
    BOOST_TEST(test::pdf_pages(small) == 2);
    BOOST_TEST(pages > 2);
    const std::string flat = without_spaces(pdf_text(large));
    BOOST_TEST(flat.find("合計" + std::to_string(roads) + "区間" +
                         without_spaces(t.total_km(many))) != std::string::npos);
    BOOST_TEST(flat.find(std::to_string(pages) + "/" + std::to_string(pages)) != std::string::npos);
    BOOST_TEST(t.decoded_qr(large) ==
               "https://portal.example.lg.jp/#/orders/" + t.number(many) + "\n");
}

BOOST_AUTO_TEST_CASE(prints_long_instructions_whole_on_the_next_page) {
    SheetProject t;
    std::string instructions;
    for (int i = 1; i <= 30; ++i) {
        instructions += "注意事項" + std::to_string(i) + "：通学路は歩道も除雪すること。";
    }
    instructions += "以上";
    const std::int64_t id = t.order(3, instructions);
    const std::string flat = without_spaces(pdf_text(t.sheet(id, "")));
    BOOST_TEST(flat.find("指示事項（全文）") != std::string::npos);
    BOOST_TEST(flat.find("注意事項30：通学路は歩道も除雪すること。以上") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stores_lists_and_reads_attachments_with_an_audit_entry) {
    SheetProject t;
    const std::int64_t id = t.order(3);
    const std::string number = t.number(id);
    const std::vector<unsigned char> pdf =
        dispatch::order_sheet_pdf(t.project, id, dispatch::OrderSheetOptions{""});
    BOOST_TEST_REQUIRE(pdf.size() > 1000U);
    BOOST_TEST(std::string(pdf.begin(), pdf.begin() + 5) == "%PDF-");
    const std::string name = "作業指令書-" + number + ".pdf";
    const dispatch::OrderActor clerk{"suzuki", dispatch::OrderChannel::cli};
    dispatch::attach_to_order(t.project, id, name, "application/pdf", pdf, clerk);
    dispatch::attach_to_order(t.project, id, "memo.txt", "text/plain", {'o', 'k'}, clerk);

    const auto list = dispatch::order_attachments(t.project, id);
    BOOST_TEST_REQUIRE(list.size() == 2U);
    BOOST_TEST(list[0].name == "memo.txt"); // by name
    BOOST_TEST(list[0].size == 2U);
    BOOST_TEST(list[1].name == name);
    BOOST_TEST(list[1].media_type == "application/pdf");
    BOOST_TEST(list[1].size == pdf.size());
    BOOST_TEST(list[1].created_ms > 0);
    BOOST_TEST((dispatch::order_attachment(t.project, id, name) == pdf));

    // The same name replaces the content.
    dispatch::attach_to_order(t.project, id, "memo.txt", "text/plain", {'n', 'e', 'w'}, clerk);
    BOOST_TEST(dispatch::order_attachments(t.project, id).size() == 2U);
    BOOST_TEST((dispatch::order_attachment(t.project, id, "memo.txt") ==
                std::vector<unsigned char>{'n', 'e', 'w'}));

    std::vector<dispatch::AuditEntry> attached;
    for (const auto& e : dispatch::read_audit(t.project.database(), std::string("order"), id)) {
        if (e.action == "order.attach") {
            attached.push_back(e);
        }
    }
    BOOST_TEST_REQUIRE(attached.size() == 3U);
    BOOST_TEST(attached[0].actor == "suzuki");
    BOOST_TEST(attached[0].channel == "cli");
    const auto detail = nlohmann::json::parse(attached[0].detail);
    BOOST_TEST(detail["number"] == number);
    BOOST_TEST(detail["name"] == name);
    BOOST_TEST(detail["size"] == pdf.size());
    BOOST_TEST(detail["replaced"] == false);
    BOOST_TEST(nlohmann::json::parse(attached[2].detail)["replaced"] == true);
    BOOST_TEST(nlohmann::json::parse(attached[2].detail)["sha256"] ==
               "11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437"); // of "new"
    BOOST_TEST(dispatch::verify_audit(t.project.database()).intact);
}

BOOST_AUTO_TEST_CASE(refuses_bad_attachments_and_writes_nothing) {
    SheetProject t;
    const std::int64_t id = t.order(2);
    const std::string number = t.number(id);
    const std::size_t audited = dispatch::read_audit(t.project.database()).size();
    const std::vector<unsigned char> bytes{'x'};
    BOOST_TEST(message_of([&] {
                   dispatch::attach_to_order(t.project, 999, "a.pdf", "application/pdf", bytes,
                                             staff);
               }) == "order 999 does not exist");
    BOOST_TEST(message_of([&] {
                   dispatch::attach_to_order(t.project, id, "../a.pdf", "application/pdf", bytes,
                                             staff);
               }) == "order " + number +
                         ": attachment name '../a.pdf' is empty, too long or has a path "
                         "separator or control character");
    BOOST_TEST(message_of([&] {
                   dispatch::attach_to_order(t.project, id, "a.pdf", "pdf", bytes, staff);
               }) ==
               "order " + number + ": attachment a.pdf: media type 'pdf' is not TYPE/SUBTYPE");
    BOOST_TEST(message_of([&] {
                   dispatch::attach_to_order(t.project, id, "a.pdf", "application/pdf", {}, staff);
               }) == "order " + number + ": attachment a.pdf is empty");
    BOOST_TEST(message_of([&] { dispatch::order_attachment(t.project, id, "a.pdf"); }) ==
               "order " + number + " has no attachment 'a.pdf'");
    BOOST_TEST(message_of([&] { dispatch::order_attachments(t.project, 999); }) ==
               "order 999 does not exist");
    BOOST_TEST(dispatch::order_attachments(t.project, id).empty());
    BOOST_TEST(dispatch::read_audit(t.project.database()).size() == audited);
}

BOOST_AUTO_TEST_SUITE_END()
