#include "commands.hpp"

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

Solves a capacitated arc routing benchmark instance (CARPLIB format: gdb, val, kshs, bmcv,
egl) and writes the routes as JSON:
  {"instance": NAME, "cost": C, "routes": [[[u, v], ...], ...]}
each required edge in the direction it is served, with the instance's 1-based vertex numbers.
The cost counts service costs plus deadheading along shortest paths. The last line printed is
cost=C.

  --out FILE        the solution file to write (replaced atomically)
  --time-limit S    seconds of search (default 5)
  --seed N          random seed (default 1); the same seed gives the same search
  --threads T       accepted for compatibility; the solver uses one thread for now
)";

double parse_seconds(const std::string& text) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size() && value >= 0) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError("carp: --time-limit '" + text + "' is not a number of seconds");
}

std::uint64_t parse_whole(const std::string& text, const std::string& option) {
    try {
        std::size_t used = 0;
        const unsigned long long value = std::stoull(text, &used);
        if (used == text.size() && text.front() != '-') {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError("carp: " + option + " '" + text + "' is not a whole number");
}

void write_atomically(const std::filesystem::path& target, const std::string& text) {
    const std::filesystem::path partial = target.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw Error(target.string() + ": cannot write");
        }
        out << text;
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            throw Error(target.string() + ": cannot write");
        }
    }
    std::filesystem::rename(partial, target);
}

} // namespace

int run_carp(Args& args) {
    if (args.flag("--help")) {
        std::fputs(carp_usage, stdout);
        return 0;
    }
    const auto out = args.take("--out");
    gis::CarpOptions options;
    if (auto text = args.take("--time-limit")) {
        options.time_limit_s = parse_seconds(*text);
    }
    if (auto text = args.take("--seed")) {
        options.seed = parse_whole(*text, "--seed");
    }
    if (auto text = args.take("--threads")) {
        if (parse_whole(*text, "--threads") == 0) {
            throw UsageError("carp: --threads must be at least 1");
        }
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
    write_atomically(*out, json.dump() + "\n");
    std::printf("%s: %zu routes, %.2f s\n", instance.name.c_str(), solution.routes.size(), seconds);
    std::printf("cost=%lld\n", static_cast<long long>(solution.cost));
    return 0;
}

} // namespace ykm::cli
