#include "ykm/gis/carp.hpp"
#include "ykm/gis/error.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace ykm::gis;

namespace {

std::filesystem::path carp_file(const std::string& relative) {
    return std::filesystem::path(YKM_SHARED_DATA) / "carp" / "instances" / relative;
}

/// An instance as the checker reads it, without the library's parser.
struct CheckedInstance {
    int vertices = 0;
    int capacity = 0;
    int depot = 1;
    struct Edge {
        int u, v, cost, demand;
        bool required;
    };
    std::vector<Edge> edges;
};

CheckedInstance checker_read(const std::filesystem::path& file) {
    std::ifstream in(file);
    BOOST_REQUIRE(in);
    CheckedInstance inst;
    bool required = true;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("LISTA_ARISTAS_NOREQ") != std::string::npos) {
            required = false;
        } else if (line.find("LISTA_ARISTAS_REQ") != std::string::npos) {
            required = true;
        }
        std::replace_if(
            line.begin(), line.end(), [](char c) { return c == '(' || c == ')' || c == ','; }, ' ');
        std::istringstream words(line);
        std::string first;
        words >> first;
        std::string colon;
        if (first == "VERTICES") {
            words >> colon >> inst.vertices;
        } else if (first == "CAPACIDAD") {
            words >> colon >> inst.capacity;
        } else if (first == "DEPOSITO") {
            words >> colon >> inst.depot;
        } else if (!first.empty() && std::isdigit(static_cast<unsigned char>(first[0]))) {
            CheckedInstance::Edge e{std::stoi(first), 0, 0, 0, required};
            std::string word;
            words >> e.v >> word >> e.cost;
            if (required) {
                words >> word >> e.demand;
            }
            inst.edges.push_back(e);
        }
    }
    return inst;
}

struct CheckResult {
    long long cost = 0;
    bool each_served_once = true;
    bool capacity_respected = true;
};

/// Recomputes the cost of a solution from scratch: depot to first service, services, shortest
/// paths between services, last service to depot.
CheckResult check(const CheckedInstance& inst, const CarpSolution& solution) {
    const auto n = static_cast<std::size_t>(inst.vertices) + 1;
    const long long inf = 1LL << 40;
    std::vector<std::vector<long long>> d(n, std::vector<long long>(n, inf));
    for (std::size_t i = 0; i < n; ++i) {
        d[i][i] = 0;
    }
    std::vector<CheckedInstance::Edge> required;
    for (const auto& e : inst.edges) {
        const auto u = static_cast<std::size_t>(e.u);
        const auto v = static_cast<std::size_t>(e.v);
        d[u][v] = std::min<long long>(d[u][v], e.cost);
        d[v][u] = std::min<long long>(d[v][u], e.cost);
        if (e.required) {
            required.push_back(e);
        }
    }
    for (std::size_t k = 1; k < n; ++k) {
        for (std::size_t i = 1; i < n; ++i) {
            for (std::size_t j = 1; j < n; ++j) {
                d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
            }
        }
    }
    CheckResult result;
    std::vector<int> served(required.size(), 0);
    const auto depot = static_cast<std::size_t>(inst.depot);
    for (const auto& route : solution.routes) {
        std::size_t at = depot;
        long long load = 0;
        for (const CarpService& s : route) {
            const auto& e = required.at(s.edge);
            ++served[s.edge];
            const auto from = static_cast<std::size_t>(s.reversed ? e.v : e.u);
            const auto to = static_cast<std::size_t>(s.reversed ? e.u : e.v);
            result.cost += d[at][from] + e.cost;
            load += e.demand;
            at = to;
        }
        result.cost += d[at][depot];
        result.capacity_respected = result.capacity_respected && load <= inst.capacity;
    }
    result.each_served_once =
        std::all_of(served.begin(), served.end(), [](int count) { return count == 1; });
    return result;
}

std::string parse_error(const std::string& name, const std::string& text) {
    const auto file = std::filesystem::temp_directory_path() / name;
    {
        std::ofstream out(file, std::ios::binary);
        out << text;
    }
    try {
        (void)read_carp_instance(file);
    } catch (const ykm::Error& e) {
        std::filesystem::remove(file);
        const std::string message = e.what();
        // Strip the temporary folder so the expected messages stay literal.
        return message.substr(message.find(name));
    }
    std::filesystem::remove(file);
    return "no error";
}

CarpOptions options(double seconds, std::uint64_t seed, std::size_t iterations,
                    unsigned threads = 1) {
    CarpOptions o;
    o.time_limit_s = seconds;
    o.seed = seed;
    o.max_iterations = iterations;
    o.threads = threads;
    return o;
}

/// A small town for the solver: a side x side grid of crossings with streets of cost 20-200 and
/// demands 1-30 drawn from a fixed sequence, every third street deadhead-only, depot in a corner.
std::filesystem::path write_grid_town(const std::string& name, int side) {
    const auto file = std::filesystem::temp_directory_path() / name;
    std::ostringstream required;
    std::ostringstream deadhead;
    int required_count = 0;
    int deadhead_count = 0;
    unsigned state = 12345;
    auto next = [&state](int low, int high) {
        state = state * 1103515245U + 12345U;
        return low + static_cast<int>((state >> 16U) % static_cast<unsigned>(high - low + 1));
    };
    for (int r = 0; r < side; ++r) {
        for (int c = 0; c < side; ++c) {
            const int k = r * side + c + 1;
            for (const int other : {c + 1 < side ? k + 1 : 0, r + 1 < side ? k + side : 0}) {
                if (other == 0) {
                    continue;
                }
                const int cost = next(20, 200);
                if ((required_count + deadhead_count) % 3 == 2) {
                    deadhead << " ( " << k << ", " << other << ") coste " << cost << "\n";
                    ++deadhead_count;
                } else {
                    required << " ( " << k << ", " << other << ") coste " << cost << " demanda "
                             << next(1, 30) << "\n";
                    ++required_count;
                }
            }
        }
    }
    std::ofstream out(file);
    out << " NOMBRE : " << name << "\n VERTICES : " << side * side
        << "\n ARISTAS_REQ : " << required_count << "\n ARISTAS_NOREQ : " << deadhead_count
        << "\n VEHICULOS : 0\n CAPACIDAD : 300\n TIPO_COSTES_ARISTAS : EXPLICITOS\n"
        << " LISTA_ARISTAS_REQ :\n"
        << required.str() << " LISTA_ARISTAS_NOREQ :\n"
        << deadhead.str() << " DEPOSITO : 1\n";
    return file;
}

const std::string header = " NOMBRE : tiny\n VERTICES : 3\n ARISTAS_REQ : 2\n ARISTAS_NOREQ : 1\n"
                           " VEHICULOS : 2\n CAPACIDAD : 5\n TIPO_COSTES_ARISTAS : EXPLICITOS\n";

} // namespace

BOOST_AUTO_TEST_SUITE(carp_tests)

BOOST_AUTO_TEST_CASE(reads_gdb1_header_and_edges) {
    const CarpInstance inst = read_carp_instance(carp_file("gdb/gdb1.dat"));
    BOOST_TEST(inst.name == "gdb1");
    BOOST_TEST(inst.vertices == 12);
    BOOST_TEST(inst.capacity == 5);
    BOOST_TEST(inst.vehicles == 5);
    BOOST_TEST(inst.depot == 1);
    BOOST_TEST(inst.required.size() == 22U);
    BOOST_TEST(inst.non_required.empty());
    BOOST_TEST(inst.required[3].u == 1);
    BOOST_TEST(inst.required[3].v == 10);
    BOOST_TEST(inst.required[3].cost == 19);
    BOOST_TEST(inst.required[3].demand == 1);
}

BOOST_AUTO_TEST_CASE(reads_crlf_tabs_and_non_required_edges) {
    const auto file = std::filesystem::temp_directory_path() / "ykm_carp_variants.dat";
    {
        std::ofstream out(file, std::ios::binary);
        out << "NOMBRE:tiny\r\nVERTICES :\t3\r\nARISTAS_REQ : 2\r\nARISTAS_NOREQ : 1\r\n"
               "CAPACIDAD : 5\r\nLISTA_ARISTAS_REQ :\r\n(1,2)\tcoste 4\tdemanda 2\r\n"
               "  ( 2 , 3 )  coste  6 demanda 3\r\nLISTA_ARISTAS_NOREQ :\r\n(1, 3) coste 1\r\n"
               "DEPOSITO : 1\r\n";
    }
    const CarpInstance inst = read_carp_instance(file);
    std::filesystem::remove(file);
    BOOST_TEST(inst.name == "tiny");
    BOOST_TEST(inst.required.size() == 2U);
    BOOST_TEST(inst.required[1].u == 2);
    BOOST_TEST(inst.required[1].v == 3);
    BOOST_TEST(inst.required[1].cost == 6);
    BOOST_TEST(inst.required[1].demand == 3);
    BOOST_TEST(inst.non_required.size() == 1U);
    BOOST_TEST(inst.non_required[0].cost == 1);
    const CarpDistances d(inst);
    BOOST_TEST(d(2, 3) == 5); // via the non-required edge 1-3
    BOOST_TEST(d(3, 2) == 5);
}

BOOST_AUTO_TEST_CASE(solves_a_two_edge_instance_exactly) {
    CarpInstance inst;
    inst.name = "two";
    inst.vertices = 3;
    inst.capacity = 10;
    inst.required = {{1, 2, 4, 1}, {2, 3, 6, 1}};
    inst.non_required = {{1, 3, 1}};
    const CarpSolution s = solve_carp(inst, options(0.0, 1, 1));
    BOOST_TEST(s.cost == 11);
    BOOST_TEST(s.routes.size() == 1U);
}

BOOST_AUTO_TEST_CASE(parse_errors_name_file_and_line) {
    BOOST_TEST(parse_error("ykm_carp_e1.dat", header + " LISTA_ARISTAS_REQ :\n ( 1, 4) coste 3 "
                                                       "demanda 1\n ( 2, 3) coste 1 demanda 1\n"
                                                       " LISTA_ARISTAS_NOREQ :\n ( 1, 3) coste 1\n"
                                                       " DEPOSITO : 1\n") ==
               "ykm_carp_e1.dat:9: vertex 4 is not in 1..3");
    BOOST_TEST(parse_error("ykm_carp_e2.dat", header + " LISTA_ARISTAS_REQ :\n ( 1, 2) coste x "
                                                       "demanda 1\n") ==
               "ykm_carp_e2.dat:9: coste 'x' is not an integer");
    BOOST_TEST(
        parse_error("ykm_carp_e3.dat", header + " LISTA_ARISTAS_REQ :\n ( 1, 2) coste 3\n") ==
        "ykm_carp_e3.dat:9: required edge without a non-negative 'demanda'");
    BOOST_TEST(parse_error("ykm_carp_e4.dat", header + " COLOR : rojo\n") ==
               "ykm_carp_e4.dat:8: unknown keyword 'COLOR'");
    BOOST_TEST(parse_error("ykm_carp_e5.dat", header + " LISTA_ARISTAS_REQ :\n ( 1, 2) coste 3 "
                                                       "demanda 1\n DEPOSITO : 1\n") ==
               "ykm_carp_e5.dat:10: ARISTAS_REQ says 2 but 1 required edges are listed");
    BOOST_TEST(parse_error("ykm_carp_e6.dat", " NOMBRE : x\n ( 1, 2) coste 3 demanda 1\n") ==
               "ykm_carp_e6.dat:2: edge outside LISTA_ARISTAS_REQ or LISTA_ARISTAS_NOREQ");
    BOOST_TEST(parse_error("ykm_carp_e7.dat", " NOMBRE : x\n VERTICES : 3\n") ==
               "ykm_carp_e7.dat:2: CAPACIDAD missing or not positive");
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
    BOOST_CHECK_EXCEPTION(read_carp_instance("/nonexistent/x.dat"), ykm::Error,
                          [](const ykm::Error& e) {
                              return std::string(e.what()) == "/nonexistent/x.dat: cannot open";
                          });
}

BOOST_AUTO_TEST_CASE(demand_above_capacity_is_an_error) {
    CarpInstance inst;
    inst.name = "big";
    inst.vertices = 2;
    inst.capacity = 3;
    inst.required = {{1, 2, 4, 5}};
    BOOST_CHECK_EXCEPTION(solve_carp(inst, {}), ykm::Error, [](const ykm::Error& e) {
        return std::string(e.what()) ==
               "big: required edge (1, 2) has demand 5 above the capacity 3";
    });
}

BOOST_AUTO_TEST_CASE(gdb1_reaches_the_optimum_316) {
    const auto file = carp_file("gdb/gdb1.dat");
    const CarpSolution s = solve_carp(read_carp_instance(file), options(1.0, 1, 0));
    const CheckResult checked = check(checker_read(file), s);
    BOOST_TEST(s.cost == 316);
    BOOST_TEST(checked.cost == 316);
}

BOOST_DATA_TEST_CASE(solutions_pass_the_independent_checker,
                     boost::unit_test::data::make({"gdb/gdb1.dat", "gdb/gdb10.dat", "val/1A.dat",
                                                   "val/10D.dat", "egl/egl-e1-A.dat"}),
                     relative) {
    const auto file = carp_file(relative);
    const CarpSolution s = solve_carp(read_carp_instance(file), options(1.0, 7, 0));
    const CheckResult checked = check(checker_read(file), s);
    BOOST_TEST(checked.each_served_once);
    BOOST_TEST(checked.capacity_respected);
    BOOST_TEST(s.cost == checked.cost);
}

BOOST_AUTO_TEST_CASE(same_seed_and_iterations_give_the_same_solution) {
    const CarpInstance inst = read_carp_instance(carp_file("val/1A.dat"));
    const CarpSolution a = solve_carp(inst, options(60.0, 3, 20));
    const CarpSolution b = solve_carp(inst, options(60.0, 3, 20));
    BOOST_TEST(a.cost == b.cost);
    BOOST_TEST((a.routes == b.routes));
}

BOOST_DATA_TEST_CASE(dijkstra_gives_the_floyd_warshall_matrix,
                     boost::unit_test::data::make({"val/1A.dat", "val/5D.dat", "val/10D.dat",
                                                   "egl/egl-s1-A.dat"}),
                     relative) {
    const CarpInstance inst = read_carp_instance(carp_file(relative));
    const CarpDistances floyd(inst, CarpShortestPaths::floyd_warshall);
    const CarpDistances dijkstra(inst, CarpShortestPaths::dijkstra);
    int differences = 0;
    for (int a = 1; a <= inst.vertices; ++a) {
        for (int b = 1; b <= inst.vertices; ++b) {
            differences += floyd(a, b) != dijkstra(a, b) ? 1 : 0;
        }
    }
    BOOST_TEST(differences == 0);
    BOOST_TEST(floyd(1, 1) == 0);
}

BOOST_AUTO_TEST_CASE(dijkstra_leaves_unconnected_vertices_unreachable) {
    CarpInstance inst;
    inst.vertices = 4;
    inst.capacity = 5;
    inst.required = {{1, 2, 4, 1}};
    inst.non_required = {{3, 4, 2}};
    const CarpDistances d(inst, CarpShortestPaths::dijkstra);
    BOOST_TEST(d(1, 2) == 4);
    BOOST_TEST(d(4, 3) == 2);
    BOOST_TEST(d(1, 3) == CarpDistances::unreachable);
}

BOOST_AUTO_TEST_CASE(one_task_per_route_when_two_never_fit) {
    // Demand 3 with capacity 5: any route with two tasks is overloaded, which the penalized
    // search may visit but must never return.
    CarpInstance inst;
    inst.name = "tight";
    inst.vertices = 4;
    inst.capacity = 5;
    inst.required = {{1, 2, 1, 3}, {2, 3, 1, 3}, {3, 4, 1, 3}, {4, 1, 1, 3}};
    const CarpSolution s = solve_carp(inst, options(60.0, 1, 200));
    BOOST_TEST(s.routes.size() == 4U);
    // On the 4-cycle of unit edges: 2 for each edge at the depot (there and back), 4 for each
    // of the two far ones (1 there, 1 service, 2 back).
    BOOST_TEST(s.cost == 12);
}

BOOST_AUTO_TEST_CASE(two_threads_are_no_worse_than_one_with_the_same_seed) {
    // The first thread runs the one-thread search, so with an iteration limit the best of two
    // cannot be worse.
    const auto file = carp_file("val/4D.dat");
    const CarpInstance inst = read_carp_instance(file);
    const CarpSolution one = solve_carp(inst, options(60.0, 5, 150, 1));
    const CarpSolution two = solve_carp(inst, options(60.0, 5, 150, 2));
    BOOST_TEST(two.cost <= one.cost);
    const CheckResult checked = check(checker_read(file), two);
    BOOST_TEST(checked.each_served_once);
    BOOST_TEST(checked.capacity_respected);
    BOOST_TEST(two.cost == checked.cost);
}

BOOST_AUTO_TEST_CASE(improvements_are_reported_in_decreasing_order) {
    const CarpInstance inst = read_carp_instance(carp_file("val/2A.dat"));
    CarpOptions o = options(60.0, 2, 300, 2);
    std::vector<std::int64_t> costs;
    std::vector<double> times;
    o.on_improvement = [&](double seconds, std::int64_t cost) {
        costs.push_back(cost);
        times.push_back(seconds);
    };
    const CarpSolution s = solve_carp(inst, o);
    BOOST_REQUIRE(!costs.empty());
    BOOST_TEST(std::is_sorted(costs.rbegin(), costs.rend()));
    BOOST_TEST((std::adjacent_find(costs.begin(), costs.end()) == costs.end()));
    BOOST_TEST(std::is_sorted(times.begin(), times.end()));
    BOOST_TEST(costs.back() == s.cost);
}

BOOST_AUTO_TEST_CASE(a_grid_town_of_300_streets_passes_the_checker) {
    const auto file = write_grid_town("ykm_carp_grid_town.dat", 15); // 420 streets, 280 required
    const CarpInstance inst = read_carp_instance(file);
    BOOST_TEST(inst.required.size() == 280U);
    const CarpSolution s = solve_carp(inst, options(2.0, 1, 0, 2));
    const CheckResult checked = check(checker_read(file), s);
    std::filesystem::remove(file);
    BOOST_TEST(checked.each_served_once);
    BOOST_TEST(checked.capacity_respected);
    BOOST_TEST(s.cost == checked.cost);
    std::int64_t service = 0;
    int demand = 0;
    for (const auto& e : inst.required) {
        service += e.cost;
        demand += e.demand;
    }
    BOOST_TEST(s.cost > service);
    BOOST_TEST(s.routes.size() >= static_cast<std::size_t>((demand + 299) / 300));
}

BOOST_AUTO_TEST_SUITE_END()
