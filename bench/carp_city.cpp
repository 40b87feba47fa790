// Generator of large CARP instances: a city of streets on a perturbed grid, written in the
// CARPLIB format that `ykm carp` reads, for the scaling benchmark (bench/carp_city.sh).
//
//   bench_carp_city --required N [--seed S] [--capacity Q] --out FILE.dat
//
// Crossings sit on a square grid (100 units apart, each moved by up to 30 units); streets join
// neighbouring crossings, some grid streets are left out (never disconnecting the city) and some
// blocks get a diagonal. A street costs its length (20-200). N streets, drawn at random, are
// required with a demand of 1-30; the rest are deadhead-only. Capacity defaults to 300. The
// depot, vertex 1, is the crossing nearest the centre.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

struct Street {
    std::size_t u;
    std::size_t v;
    int cost;
};

struct Options {
    std::size_t required = 0;
    std::uint64_t seed = 1;
    int capacity = 300;
    std::string out;
};

[[noreturn]] void usage(const std::string& problem) {
    std::cerr << "bench_carp_city: " << problem
              << "\nusage: bench_carp_city --required N [--seed S] [--capacity Q] --out FILE.dat\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            usage("missing value after " + arg);
        }
        const std::string value = argv[++i];
        try {
            if (arg == "--required") {
                options.required = std::stoul(value);
            } else if (arg == "--seed") {
                options.seed = std::stoull(value);
            } else if (arg == "--capacity") {
                options.capacity = std::stoi(value);
            } else if (arg == "--out") {
                options.out = value;
            } else {
                usage("unknown option " + arg);
            }
        } catch (const std::logic_error&) {
            usage("bad value '" + value + "' for " + arg);
        }
    }
    if (options.required == 0 || options.out.empty() || options.capacity < 30) {
        usage("--required N (N > 0), --out FILE and a capacity of at least 30 are needed");
    }
    return options;
}

std::size_t find_root(std::vector<std::size_t>& parent, std::size_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

} // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);

    // A square grid with about 2 side^2 streets, a tenth more than the required ones so that a
    // few are deadhead-only even after the thinning below.
    const auto side = static_cast<std::size_t>(
                          std::ceil(std::sqrt(static_cast<double>(options.required) * 1.2 / 2.0))) +
                      1;
    const std::size_t count = side * side;
    std::vector<double> x(count);
    std::vector<double> y(count);
    for (std::size_t k = 0; k < count; ++k) {
        x[k] = 100.0 * static_cast<double>(k % side) + 60.0 * (unit(rng) - 0.5);
        y[k] = 100.0 * static_cast<double>(k / side) + 60.0 * (unit(rng) - 0.5);
    }
    auto length = [&](std::size_t a, std::size_t b) {
        const double l = std::hypot(x[a] - x[b], y[a] - y[b]);
        return std::clamp(static_cast<int>(std::lround(l)), 20, 200);
    };
    std::vector<Street> grid;
    std::vector<Street> diagonals;
    for (std::size_t r = 0; r < side; ++r) {
        for (std::size_t c = 0; c < side; ++c) {
            const std::size_t k = r * side + c;
            if (c + 1 < side) {
                grid.push_back({k, k + 1, length(k, k + 1)});
            }
            if (r + 1 < side) {
                grid.push_back({k, k + side, length(k, k + side)});
            }
            if (c + 1 < side && r + 1 < side && unit(rng) < 0.04) {
                diagonals.push_back({k, k + side + 1, length(k, k + side + 1)});
            }
        }
    }
    // Streets of a random spanning tree always stay; of the others, 6 % are left out.
    std::shuffle(grid.begin(), grid.end(), rng);
    std::vector<std::size_t> parent(count);
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    std::vector<Street> streets;
    for (const Street& s : grid) {
        const std::size_t a = find_root(parent, s.u);
        const std::size_t b = find_root(parent, s.v);
        if (a != b) {
            parent[a] = b;
            streets.push_back(s);
        } else if (unit(rng) >= 0.06) {
            streets.push_back(s);
        }
    }
    streets.insert(streets.end(), diagonals.begin(), diagonals.end());
    if (streets.size() < options.required) {
        usage("internal: the grid has fewer streets than required");
    }
    std::shuffle(streets.begin(), streets.end(), rng);

    // Vertex numbers: the crossing nearest the centre becomes 1 (the depot).
    const double middle = 50.0 * static_cast<double>(side - 1);
    std::size_t centre = 0;
    for (std::size_t k = 1; k < count; ++k) {
        if (std::hypot(x[k] - middle, y[k] - middle) <
            std::hypot(x[centre] - middle, y[centre] - middle)) {
            centre = k;
        }
    }
    auto number = [&](std::size_t k) {
        const std::size_t n = k == centre ? 0 : (k == 0 ? centre : k);
        return n + 1;
    };

    std::uniform_int_distribution<int> demand(1, 30);
    std::vector<int> demands(options.required);
    long long total_cost = 0;
    for (std::size_t k = 0; k < options.required; ++k) {
        demands[k] = demand(rng);
        total_cost += streets[k].cost;
    }
    std::ofstream out(options.out);
    if (!out) {
        usage("cannot write " + options.out);
    }
    out << " NOMBRE : city-" << options.required << "-s" << options.seed << "\n"
        << " COMENTARIO : generated by bench_carp_city\n"
        << " VERTICES : " << count << "\n"
        << " ARISTAS_REQ : " << options.required << "\n"
        << " ARISTAS_NOREQ : " << streets.size() - options.required << "\n"
        << " VEHICULOS : 0\n"
        << " CAPACIDAD : " << options.capacity << "\n"
        << " TIPO_COSTES_ARISTAS : EXPLICITOS\n"
        << " COSTE_TOTAL_REQ : " << total_cost << "\n"
        << " LISTA_ARISTAS_REQ :\n";
    for (std::size_t k = 0; k < streets.size(); ++k) {
        if (k == options.required) {
            out << " LISTA_ARISTAS_NOREQ :\n";
        }
        const Street& s = streets[k];
        out << " ( " << number(s.u) << ", " << number(s.v) << ")  coste " << s.cost;
        if (k < options.required) {
            out << "  demanda " << demands[k];
        }
        out << "\n";
    }
    if (streets.size() == options.required) {
        out << " LISTA_ARISTAS_NOREQ :\n";
    }
    out << " DEPOSITO :   1\n";
    out.close();
    if (!out) {
        usage("cannot write " + options.out);
    }
    std::printf("%s: %zu vertices, %zu required and %zu deadhead-only streets\n",
                options.out.c_str(), count, options.required, streets.size() - options.required);
    return 0;
}
