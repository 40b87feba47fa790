#include "commands.hpp"
#include "output_file.hpp"

#include "ykm/gis/carp.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ykm::cli {

namespace {
constexpr const char* carp_usage =
    R"(usage: ykm carp INSTANCE.dat --out SOLUTION.json [--time-limit S] [--seed N] [--threads T]
                [--iterations N] [--progress]

Solves a capacitated arc routing benchmark instance (CARPLIB format: gdb, val, kshs, bmcv,
egl) and writes the routes as JSON:
  {"instance": NAME, "cost": C, "routes": [[[u, v], ...], ...]}
each required edge in the direction it is served, with the instance's 1-based vertex numbers.
The cost counts service costs plus deadheading along shortest paths. The last line printed is
cost=C.

  --out FILE        the solution file to write (replaced atomically)
  --time-limit S    seconds of search (default 5)
  --seed N          random seed (default 1)
  --threads T       independent searches in parallel, the best one wins (default 1)
  --iterations N    stop after N search iterations (default 0: only the time limit); with
                    one thread the same seed and N give the same solution
  --progress        print t=SECONDS cost=C on stderr whenever the best solution improves
)";

} // namespace

int run_carp(Args& args) {
    if (args.flag("--help")) {
        std::fputs(carp_usage, stdout);
        return 0;
    }
    const auto out = args.take("--out");
    gis::CarpOptions options;
    if (auto text = args.take("--time-limit")) {
        options.time_limit_s = parse_non_negative(*text, "carp: --time-limit");
    }
    if (auto text = args.take("--seed")) {
        options.seed = parse_whole_number(*text, "carp: --seed");
    }
    if (auto text = args.take("--iterations")) {
        options.max_iterations = parse_whole_number(*text, "carp: --iterations");
    }
    if (auto text = args.take("--threads")) {
        const std::uint64_t threads = parse_whole_number(*text, "carp: --threads");
        if (threads == 0 || threads > 256) {
            throw UsageError("carp: --threads must be between 1 and 256");
        }
        options.threads = static_cast<unsigned>(threads);
    }
    if (args.flag("--progress")) {
        options.on_improvement = [](double seconds, std::int64_t cost) {
            std::fprintf(stderr, "t=%.3f cost=%lld\n", seconds, static_cast<long long>(cost));
        };
    }
    const auto files = args.positional(1, 1, "INSTANCE.dat --out SOLUTION.json [options]");
    if (!out) {
        throw UsageError("carp: --out SOLUTION.json is required");
    }
    const gis::CarpInstance instance = gis::read_carp_instance(files[0]);
    const auto start = std::chrono::steady_clock::now();
    const gis::CarpSolution solution = gis::solve_carp(instance, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    nlohmann::json routes = nlohmann::json::array();
    for (const auto& route : solution.routes) {
        nlohmann::json services = nlohmann::json::array();
        for (const gis::CarpService& s : route) {
            const gis::CarpRequiredEdge& e = instance.required[s.edge];
            services.push_back(s.reversed ? nlohmann::json::array({e.v, e.u})
                                          : nlohmann::json::array({e.u, e.v}));
        }
        routes.push_back(std::move(services));
    }
    const nlohmann::json json = {
        {"instance", instance.name}, {"cost", solution.cost}, {"routes", std::move(routes)}};
    write_file_atomically(*out, json.dump() + "\n");
    std::printf("%s: %zu routes, %.2f s\n", instance.name.c_str(), solution.routes.size(), seconds);
    std::printf("cost=%lld\n", static_cast<long long>(solution.cost));
    return 0;
}

} // namespace ykm::cli
