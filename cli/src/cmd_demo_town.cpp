#include "commands.hpp"

#include "ykm/data/demo_town.hpp"
#include "ykm/data/project.hpp"

#include <cstdio>

namespace ykm::cli {

namespace {
constexpr const char* demo_usage =
    R"(usage: ykm demo-town -o PROJECT [--seed N] [--size small|medium|large|city] [--overwrite]

Generates a snowy Japanese demo town in JGD2011 zone X: arterials (第1種), collectors (第2種),
a residential grid with cul-de-sacs (第3種), one-way streets, districts (工区), depots and snow
dump sites. The same seed and size always give the same town.
)";
} // namespace

int run_demo_town(Args& args) {
    if (args.flag("--help")) {
        std::fputs(demo_usage, stdout);
        return 0;
    }
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    std::uint64_t seed = 1;
    if (auto text = args.take("--seed")) {
        try {
            std::size_t used = 0;
            seed = std::stoull(*text, &used);
            if (used != text->size()) {
                throw std::invalid_argument(*text);
            }
        } catch (const std::exception&) {
            throw UsageError("demo-town: --seed '" + *text + "' is not a whole number");
        }
    }
    const data::TownSize size = data::parse_town_size(args.take("--size").value_or("medium"));
    const bool overwrite = args.flag("--overwrite");
    args.positional(0, 0, "-o PROJECT (see ykm demo-town --help)");
    if (!output) {
        throw UsageError("demo-town: expected -o PROJECT (see ykm demo-town --help)");
    }
    const data::DemoTown town = data::generate_demo_town(seed, size);
    data::create_project_atomically(
        *output, town.network.crs, overwrite, [&](data::Project& project) {
            data::write_demo_town(project, town);
            project.set_metadata("source", "ykm demo-town --seed " + std::to_string(seed));
        });
    double km = 0.0;
    for (const auto& s : town.network.segments) {
        km += s.length_m / 1000.0;
    }
    std::printf("%s: demo town with %zu segments, %.1f km of road, %zu districts, %zu depots, "
                "%zu dump sites\n",
                output->c_str(), town.network.segments.size(), km, town.districts.size(),
                town.depots.size(), town.dump_sites.size());
    return 0;
}

} // namespace ykm::cli
