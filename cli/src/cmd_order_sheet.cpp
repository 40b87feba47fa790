#include "commands.hpp"
#include "jst_time.hpp"
#include "output_file.hpp"

#include "ykm/data/project.hpp"
#include "ykm/dispatch/order_sheet.hpp"
#include "ykm/dispatch/orders.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// `ykm order --help` (cmd_order.cpp) documents these subcommands and their options.

namespace ykm::cli {

namespace {

std::optional<std::string> output_option(Args& args) {
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    return output;
}

} // namespace

int run_order_sheet(Args& args) {
    const auto output = output_option(args);
    dispatch::OrderSheetOptions options;
    options.portal_url = args.take("--portal-url").value_or("");
    const bool attach = args.flag("--attach");
    dispatch::OrderActor actor;
    actor.channel = dispatch::OrderChannel::cli;
    actor.name = args.take("--actor").value_or(login_name());
    const auto files =
        args.positional(2, 2, "order sheet PROJECT ORDER -o SHEET.pdf (see ykm order --help)");
    if (!output || output->empty()) {
        throw UsageError("order sheet: -o SHEET.pdf is required");
    }
    if (actor.name.empty()) {
        throw UsageError("order sheet: --actor needs a name");
    }
    data::Project project = data::Project::open(files[0], attach ? data::OpenMode::read_write
                                                                 : data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const dispatch::WorkOrder o = orders.find(files[1]);
    const std::vector<unsigned char> pdf = dispatch::order_sheet_pdf(project, o.id, options);
    write_file_atomically(*output,
                          std::string_view(reinterpret_cast<const char*>(pdf.data()), pdf.size()));
    std::printf("%s: order sheet of %s (%zu roads)%s\n", output->c_str(), o.number.c_str(),
                o.segments.size(), options.portal_url.empty() ? ", no portal QR code" : "");
    if (attach) {
        const std::string name = "作業指令書-" + o.number + ".pdf";
        dispatch::attach_to_order(project, o.id, name, "application/pdf", pdf, actor);
        std::printf("attached to order %s as %s\n", o.number.c_str(), name.c_str());
    }
    return 0;
}

int run_order_attachments(Args& args) {
    const bool as_json = args.flag("--json");
    const auto files = args.positional(2, 2, "order attachments PROJECT ORDER [--json]");
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const dispatch::WorkOrder o = orders.find(files[1]);
    const auto list = dispatch::order_attachments(project, o.id);
    if (as_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& a : list) {
            out.push_back({{"name", a.name},
                           {"media_type", a.media_type},
                           {"size", a.size},
                           {"created", iso_jst(a.created_ms)}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    if (list.empty()) {
        std::printf("order %s has no attachments\n", o.number.c_str());
        return 0;
    }
    for (const auto& a : list) {
        std::printf("%-40s %-20s %10zu  %s\n", a.name.c_str(), a.media_type.c_str(), a.size,
                    iso_jst(a.created_ms).c_str());
    }
    return 0;
}

int run_order_attachment(Args& args) {
    const auto output = output_option(args);
    const auto files = args.positional(3, 3, "order attachment PROJECT ORDER NAME -o FILE");
    if (!output || output->empty()) {
        throw UsageError("order attachment: -o FILE is required");
    }
    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::Orders orders(project);
    const dispatch::WorkOrder o = orders.find(files[1]);
    const std::vector<unsigned char> bytes = dispatch::order_attachment(project, o.id, files[2]);
    write_file_atomically(
        *output, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    std::printf("%s: %s of order %s (%zu bytes)\n", output->c_str(), files[2].c_str(),
                o.number.c_str(), bytes.size());
    return 0;
}

} // namespace ykm::cli
