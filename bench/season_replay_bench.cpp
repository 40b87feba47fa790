// Season replay and daily report benchmark on projects written by `ykm simulate --season`.
//
//   bench_season_replay bytes PROJECT
//   bench_season_replay seek PROJECT REFERENCE [--instants N] [--zoom Z]
//   bench_season_replay replay PROJECT [--speed X] [--fps F] [--minutes M] [--zoom Z]
//   bench_season_replay reports PROJECT [--reps R]
//
// bytes: the season log's stored bytes per fix (SeasonLog::stats after seal_all) and the file's
// used pages per fix.
// seek: N random instants (a random night hour, 21:00-05:00 JST, of a random day of the
// season), for each the full frame (Replay::frame_at: vehicles, trails, coverage, orders, the
// fleet's blocks read on a second connection beside the coverage) on a fresh engine, the state
// part (then, apart and after it, vehicles_at and coverage_at one after the other on another
// fresh engine, the rows "vehicles" and "coverage"), then its drawing on a ReplayCanvas prepared
// once for the view (1920x1080), the draw part, and as the reference the full drawing of the same
// frame (render_replay_frame, the map content read once for the view); median, p95 and max of each
// and of the sums, for PROJECT and for REFERENCE (the same city with a shorter season) side by
// side.
// replay: playback as the window does it at X times real time and F frames a second: one seek
// an hour into the first night, then M simulated minutes in steps of X / F seconds, each frame
// built and drawn on the same engine and ReplayCanvas, each also drawn in full
// (render_replay_frame) as the reference; frame times and the frames per second achieved
// without the reference drawing; then the same frames pipelined as the window runs them, the
// state of the next frame built on a thread of its own (its own engine and connection) while
// the frame before is drawn, and the frames per second that achieves.
// reports: daily_reports() of the first night's date for every vehicle, R times, against
// reading the same fixes with SeasonLog::range over the window daily_reports() reads (read once
// untimed first, which warms the page cache for both).

#include "ykm/data/map_query.hpp"
#include "ykm/data/project.hpp"
#include "ykm/data/season_log.hpp"
#include "ykm/dispatch/daily_report.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"
#include "ykm/gis/map_view.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace ykm;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t day_ms = 24 * hour_ms;
constexpr std::int64_t jst_offset_ms = 9 * hour_ms;
constexpr int width_px = 1920;
constexpr int height_px = 1080;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Summary {
    double median = 0.0;
    double p95 = 0.0;
    double max = 0.0;
};

Summary summarize(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty()) {
        return {};
    }
    const auto at = [&](double q) {
        return v[std::min(v.size() - 1,
                          static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
    };
    return {at(0.5), at(0.95), v.back()};
}

std::string jst_date(std::int64_t ms) {
    const std::int64_t day = (ms + jst_offset_ms) / day_ms;
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

long option(int argc, char** argv, const std::string& name, long fallback) {
    for (int i = 0; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            char* end = nullptr;
            const long value = std::strtol(argv[i + 1], &end, 10);
            if (*end != '\0' || value <= 0) {
                std::fprintf(stderr, "bench_season_replay: %s '%s' is not a positive number\n",
                             name.c_str(), argv[i + 1]);
                std::exit(2);
            }
            return value;
        }
    }
    return fallback;
}

double double_option(int argc, char** argv, const std::string& name, double fallback) {
    for (int i = 0; i + 1 < argc; ++i) {
        if (argv[i] == name) {
            return std::strtod(argv[i + 1], nullptr);
        }
    }
    return fallback;
}

std::int64_t query_int(data::Database& db, const std::string& sql) {
    data::Statement s(db, sql);
    return s.step() ? s.column_int64(0) : 0;
}

/// The view of a replay picture: the roads' extent, zoomed in `zoom` times about its centre.
gis::MapView bench_view(data::Project& project, double zoom) {
    const gis::MapView full = gis::MapView::fit(project.info().extent, width_px, height_px);
    return zoom > 1.0 ? full.zoomed(zoom) : full;
}

int run_bytes(const std::filesystem::path& path) {
    data::Project project = data::Project::open(path);
    data::SeasonLog log(project.database());
    const data::SeasonLogStats s = log.stats();
    data::Database& db = project.database();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const std::int64_t file_bytes =
        (query_int(db, "PRAGMA page_count") - query_int(db, "PRAGMA freelist_count")) *
        query_int(db, "PRAGMA page_size");
    const auto per_fix = [&](std::int64_t bytes) {
        return s.fix_count > 0 ? static_cast<double>(bytes) / static_cast<double>(s.fix_count)
                               : 0.0;
    };
    std::printf("%s: %lld fixes in %lld blocks (%lld in the tail)\n", path.string().c_str(),
                static_cast<long long>(s.fix_count), static_cast<long long>(s.block_count),
                static_cast<long long>(s.tail_count));
    std::printf("season log tables and indexes: %.1f MB, %.2f bytes per fix\n",
                static_cast<double>(s.stored_bytes) / 1e6, per_fix(s.stored_bytes));
    std::printf("whole project file (used pages): %.1f MB, %.2f bytes per fix\n",
                static_cast<double>(file_bytes) / 1e6, per_fix(file_bytes));
    return 0;
}

struct SeekTimes {
    std::vector<double> state;
    std::vector<double> vehicles_ms; ///< the parts of state
    std::vector<double> coverage_ms;
    std::vector<double> draw;
    std::vector<double> total;
    std::vector<double> full_draw;  ///< render_replay_frame, the reference
    std::vector<double> full_total; ///< state + full_draw
    double prepare_ms = 0.0;        ///< the canvas's preparation, once
    std::size_t vehicles = 0;
    std::size_t positioned = 0;
    std::size_t trail_points = 0;
    std::size_t directions = 0;
    std::int64_t first_ms = 0;
    std::int64_t last_ms = 0;
};

SeekTimes measure_seeks(const std::filesystem::path& path, long instants, double zoom,
                        std::uint64_t seed) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    SeekTimes t;
    const gis::MapView view = bench_view(project, zoom);
    const dispatch::ReplayRenderOptions render_options;
    gis::MapRenderer renderer;
    std::optional<gis::MapContent> content;
    std::optional<dispatch::ReplayCanvas> canvas;
    {
        dispatch::Replay probe(project);
        const auto extent = probe.extent();
        if (!extent) {
            throw Error(path.string() + ": the season log is empty");
        }
        t.first_ms = extent->first_ms;
        t.last_ms = extent->last_ms;
    }
    const std::int64_t first_day = (t.first_ms + jst_offset_ms) / day_ms;
    const std::int64_t last_day = (t.last_ms + jst_offset_ms) / day_ms;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int64_t> day(first_day, std::max(first_day, last_day - 1));
    std::uniform_int_distribution<std::int64_t> offset(0, 8 * hour_ms - 1);
    for (long i = 0; i < instants; ++i) {
        // 21:00 JST of the day plus up to 8 h.
        const std::int64_t when = day(rng) * day_ms - jst_offset_ms + 21 * hour_ms + offset(rng);
        // A fresh engine each time: a seek, with no cache from the instant before.
        auto start = Clock::now();
        dispatch::ReplayFrame frame;
        {
            dispatch::Replay replay(project);
            start = Clock::now();
            frame = replay.frame_at(when);
        }
        const double state_ms = ms_since(start);
        {
            // Its parts one after the other on another fresh engine, after it (so with what it
            // left in the page cache).
            dispatch::Replay parts(project);
            auto part = Clock::now();
            (void)parts.vehicles_at(when);
            t.vehicles_ms.push_back(ms_since(part));
            part = Clock::now();
            (void)parts.coverage_at(when);
            t.coverage_ms.push_back(ms_since(part));
        }
        if (!content) {
            content =
                data::query_map_content(project, dispatch::replay_map_view(view, render_options),
                                        dispatch::replay_map_style(frame, render_options));
            start = Clock::now();
            canvas.emplace(renderer, *content, view, render_options);
            t.prepare_ms = ms_since(start);
        }
        start = Clock::now();
        const gis::Image image = canvas->draw(frame);
        const double draw_ms = ms_since(start);
        if (image.width != width_px) {
            throw Error("the picture is " + std::to_string(image.width) + " px wide");
        }
        start = Clock::now();
        const gis::Image full =
            dispatch::render_replay_frame(renderer, *content, frame, view, render_options);
        const double full_ms = ms_since(start);
        (void)full;
        t.state.push_back(state_ms);
        t.draw.push_back(draw_ms);
        t.total.push_back(state_ms + draw_ms);
        t.full_draw.push_back(full_ms);
        t.full_total.push_back(state_ms + full_ms);
        t.vehicles += frame.vehicles.size();
        for (const auto& v : frame.vehicles) {
            t.positioned += v.position ? 1 : 0;
            t.trail_points += v.trail.size();
        }
        t.directions += frame.coverage ? frame.coverage->size() : 0;
    }
    return t;
}

int run_seek(const std::filesystem::path& season, const std::filesystem::path& reference,
             long instants, double zoom) {
    const SeekTimes a = measure_seeks(season, instants, zoom, 7);
    const SeekTimes b = measure_seeks(reference, instants, zoom, 7);
    const auto days = [](const SeekTimes& t) {
        return static_cast<double>(t.last_ms - t.first_ms) / static_cast<double>(day_ms);
    };
    std::printf("seek: %ld random night instants each, fresh engine per seek, %dx%d, zoom %.1f\n",
                instants, width_px, height_px, zoom);
    for (const auto* t : {&a, &b}) {
        const auto n = static_cast<double>(instants);
        std::printf(
            "  %s: season of %.0f days from %s; per frame %.0f vehicles, %.0f placed, "
            "%.0f trail fixes, %.0f directions with a pass; canvas prepared in %.0f ms\n",
            t == &a ? season.filename().string().c_str() : reference.filename().string().c_str(),
            days(*t), jst_date(t->first_ms).c_str(), static_cast<double>(t->vehicles) / n,
            static_cast<double>(t->positioned) / n, static_cast<double>(t->trail_points) / n,
            static_cast<double>(t->directions) / n, t->prepare_ms);
    }
    std::printf("%-22s %28s %28s %8s\n", "ms (median/p95/max)", season.filename().string().c_str(),
                reference.filename().string().c_str(), "ratio");
    const auto row = [](const char* what, const std::vector<double>& x,
                        const std::vector<double>& y) {
        const Summary sx = summarize(x);
        const Summary sy = summarize(y);
        std::printf("%-22s %10.1f %8.1f %8.1f %10.1f %8.1f %8.1f %8.2f\n", what, sx.median, sx.p95,
                    sx.max, sy.median, sy.p95, sy.max, sx.median / sy.median);
    };
    row("state (frame_at)", a.state, b.state);
    row("  vehicles (apart)", a.vehicles_ms, b.vehicles_ms);
    row("  coverage (apart)", a.coverage_ms, b.coverage_ms);
    row("draw (canvas)", a.draw, b.draw);
    row("seek total", a.total, b.total);
    row("draw full (reference)", a.full_draw, b.full_draw);
    row("seek total full draw", a.full_total, b.full_total);
    return 0;
}

/// Frames start + step, ..., start + frames * step built on a thread of their own (a fresh
/// engine on its own connection, sought to `start_ms` before the clock starts) and drawn on
/// `canvas` here as they come, the next one built while one is drawn. Returns the frames per
/// second achieved.
double pipelined_fps(const std::filesystem::path& path, std::int64_t start_ms, std::int64_t step_ms,
                     long frames, dispatch::ReplayCanvas& canvas) {
    std::mutex mutex;
    std::condition_variable changed;
    bool sought = false;
    std::optional<dispatch::ReplayFrame> ready;
    std::exception_ptr error;
    std::thread builder([&] {
        try {
            data::Project project = data::Project::open(path, data::OpenMode::read_only);
            dispatch::Replay replay(project);
            (void)replay.frame_at(start_ms);
            {
                const std::lock_guard lock(mutex);
                sought = true;
            }
            changed.notify_all();
            for (long i = 1; i <= frames; ++i) {
                dispatch::ReplayFrame frame = replay.frame_at(start_ms + i * step_ms);
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return !ready; });
                ready = std::move(frame);
                changed.notify_all();
            }
        } catch (...) {
            const std::lock_guard lock(mutex);
            error = std::current_exception();
            changed.notify_all();
        }
    });
    const auto take = [&](auto&& until) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return error || until(); });
        if (error) {
            lock.unlock();
            builder.join();
            std::rethrow_exception(error);
        }
    };
    take([&] { return sought; });
    const auto wall = Clock::now();
    for (long i = 1; i <= frames; ++i) {
        take([&] { return ready.has_value(); });
        dispatch::ReplayFrame frame;
        {
            const std::lock_guard lock(mutex);
            frame = std::move(*ready);
            ready.reset();
        }
        changed.notify_all();
        (void)canvas.draw(frame);
    }
    const double wall_s = ms_since(wall) / 1000.0;
    builder.join();
    return static_cast<double>(frames) / wall_s;
}

int run_replay(const std::filesystem::path& path, double speed, double fps, double minutes,
               double zoom) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    dispatch::Replay replay(project);
    const auto extent = replay.extent();
    if (!extent) {
        throw Error(path.string() + ": the season log is empty");
    }
    const gis::MapView view = bench_view(project, zoom);
    const dispatch::ReplayRenderOptions render_options;
    gis::MapRenderer renderer;
    const std::int64_t start_ms = extent->first_ms + hour_ms;
    const auto step_ms = static_cast<std::int64_t>(speed / fps * 1000.0);
    const auto frames = static_cast<long>(minutes * 60'000.0 / static_cast<double>(step_ms));

    auto t0 = Clock::now();
    dispatch::ReplayFrame frame = replay.frame_at(start_ms);
    const double seek_ms = ms_since(t0);
    const gis::MapContent content =
        data::query_map_content(project, dispatch::replay_map_view(view, render_options),
                                dispatch::replay_map_style(frame, render_options));
    t0 = Clock::now();
    dispatch::ReplayCanvas canvas(renderer, content, view, render_options);
    const double prepare_ms = ms_since(t0);
    t0 = Clock::now();
    (void)canvas.draw(frame);
    const double first_draw_ms = ms_since(t0);
    t0 = Clock::now();
    (void)dispatch::render_replay_frame(renderer, content, frame, view, render_options);
    const double first_full_ms = ms_since(t0);

    std::vector<double> state, vehicles_part, coverage_part, orders_part, draw, total, full_draw;
    double reference_ms = 0.0;
    std::size_t positioned = 0;
    const auto wall = Clock::now();
    for (long i = 1; i <= frames; ++i) {
        // frame_at() in its three parts, timed each.
        const std::int64_t at = start_ms + i * step_ms;
        auto start = Clock::now();
        frame.time_ms = at;
        frame.vehicles = replay.vehicles_at(at);
        const double v_ms = ms_since(start);
        auto part = Clock::now();
        frame.coverage = replay.coverage_at(at);
        const double c_ms = ms_since(part);
        part = Clock::now();
        frame.orders = replay.orders_at(at);
        const double o_ms = ms_since(part);
        const double s = ms_since(start);
        start = Clock::now();
        const gis::Image image = canvas.draw(frame);
        const double d = ms_since(start);
        start = Clock::now();
        const gis::Image full =
            dispatch::render_replay_frame(renderer, content, frame, view, render_options);
        const double f = ms_since(start);
        (void)full;
        reference_ms += f;
        full_draw.push_back(f);
        state.push_back(s);
        vehicles_part.push_back(v_ms);
        coverage_part.push_back(c_ms);
        orders_part.push_back(o_ms);
        draw.push_back(d);
        total.push_back(s + d);
        for (const auto& v : frame.vehicles) {
            positioned += v.position ? 1 : 0;
        }
        (void)image;
    }
    // Without the reference drawing, which the playback does not do.
    const double wall_s = (ms_since(wall) - reference_ms) / 1000.0;
    const double achieved = static_cast<double>(frames) / wall_s;
    std::printf("replay: %s, %zu vehicles, from %s JST + 1 h; %.0fx at %.0f fps = %lld ms of "
                "season per frame, %ld frames (%.0f simulated minutes), %dx%d, zoom %.1f\n",
                path.filename().string().c_str(), frame.vehicles.size(),
                jst_date(extent->first_ms).c_str(), speed, fps, static_cast<long long>(step_ms),
                frames, minutes, width_px, height_px, zoom);
    std::printf("first frame (a seek): state %.1f ms, canvas prepared in %.1f ms, draw %.1f ms "
                "(full drawing %.1f ms); %.0f vehicles placed per frame\n",
                seek_ms, prepare_ms, first_draw_ms, first_full_ms,
                static_cast<double>(positioned) / static_cast<double>(frames));
    std::printf("%-18s %10s %10s %10s\n", "ms", "median", "p95", "max");
    for (const auto& [name, v] :
         {std::pair{"state", &state}, std::pair{"  vehicles", &vehicles_part},
          std::pair{"  coverage", &coverage_part}, std::pair{"  orders", &orders_part},
          std::pair{"draw (canvas)", &draw}, std::pair{"frame", &total},
          std::pair{"draw full (ref.)", &full_draw}}) {
        const Summary s = summarize(*v);
        std::printf("%-18s %10.1f %10.1f %10.1f\n", name, s.median, s.p95, s.max);
    }
    std::printf("achieved %.1f frames/s against %.0f: ratio %.2f\n", achieved, fps, achieved / fps);
    const double pipelined = pipelined_fps(path, start_ms, step_ms, frames, canvas);
    std::printf("pipelined (the next frame's state built on its own thread while one is drawn): "
                "%.1f frames/s against %.0f: ratio %.2f\n",
                pipelined, fps, pipelined / fps);
    return 0;
}

int run_reports(const std::filesystem::path& path, long reps) {
    data::Project project = data::Project::open(path, data::OpenMode::read_only);
    data::SeasonLog log(project.database());
    const auto extent = log.extent();
    if (!extent) {
        throw Error(path.string() + ": the season log has no fixes");
    }
    const std::string date = jst_date(extent->first);
    const std::int64_t day_start = dispatch::jst_day_start_ms(date);
    // The window daily_reports() reads: 00:00 JST of the day before to 18:00 of the next day.
    const std::int64_t from = day_start - day_ms;
    const std::int64_t to = day_start + day_ms + 18 * hour_ms;
    std::vector<double> report_ms, read_ms;
    std::size_t reports = 0;
    std::size_t fixes = 0;
    // An untimed read warms the page cache for both.
    (void)log.range(from, to);
    for (long r = 0; r < reps; ++r) {
        auto start = Clock::now();
        fixes = log.range(from, to).size();
        read_ms.push_back(ms_since(start));
        start = Clock::now();
        reports = dispatch::daily_reports(project, date, std::nullopt).size();
        report_ms.push_back(ms_since(start));
    }
    const Summary a = summarize(report_ms);
    const Summary b = summarize(read_ms);
    std::printf("reports: %s, date %s: %zu reports from %zu fixes; medians of %ld runs\n",
                path.filename().string().c_str(), date.c_str(), reports, fixes, reps);
    std::printf("%-40s %10.0f ms\n", "daily_reports()", a.median);
    std::printf("%-40s %10.0f ms\n", "SeasonLog::range() of the same window", b.median);
    std::printf("ratio %.2f; aim under 5 s: %s\n", a.median / b.median,
                a.median < 5000.0 ? "met" : "not met");
    return 0;
}

int usage() {
    std::fputs("usage: bench_season_replay bytes PROJECT\n"
               "       bench_season_replay seek PROJECT REFERENCE [--instants N] [--zoom Z]\n"
               "       bench_season_replay replay PROJECT [--speed X] [--fps F] [--minutes M] "
               "[--zoom Z]\n"
               "       bench_season_replay reports PROJECT [--reps R]\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        return usage();
    }
    const std::string mode = argv[1];
    try {
        if (mode == "bytes") {
            return run_bytes(argv[2]);
        }
        if (mode == "seek" && argc >= 4) {
            return run_seek(argv[2], argv[3], option(argc, argv, "--instants", 200),
                            double_option(argc, argv, "--zoom", 1.0));
        }
        if (mode == "replay") {
            return run_replay(argv[2], double_option(argc, argv, "--speed", 600.0),
                              double_option(argc, argv, "--fps", 30.0),
                              double_option(argc, argv, "--minutes", 10.0),
                              double_option(argc, argv, "--zoom", 1.0));
        }
        if (mode == "reports") {
            return run_reports(argv[2], option(argc, argv, "--reps", 3));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_season_replay: %s\n", e.what());
        return 1;
    }
    return usage();
}
