#include "commands.hpp"
#include "jst_time.hpp"

#include "ykm/data/map_query.hpp"
#include "ykm/data/project.hpp"
#include "ykm/dispatch/replay.hpp"
#include "ykm/gis/error.hpp"
#include "ykm/gis/map_renderer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace ykm::cli {

namespace {

constexpr const char* replay_usage =
    R"(usage: ykm replay PROJECT --at T -o SNAPSHOT.png [options]
       ykm replay PROJECT --from T1 --to T2 [--fps F] [--speed X] -o DIR/|VIDEO.mp4|VIDEO.webm
                  [options]
       ykm replay PROJECT --extent [--json]

Draws the fleet and the coverage as they were at an instant of the season, from the season log,
the stored passes and the order events: the roads coloured by the time since their last pass
then (passes of the 24 hours before), every vehicle where it was with its recent trail, marked
by its state as the window marks it, and a title strip with the date and time (JST) and the
vehicles in each state. Needs no display.

  --at T             one picture at T (-o FILE.png)
  --from T1 --to T2  a picture every SPEED/FPS seconds of season time from T1 to T2:
                     floor((T2 - T1) x FPS / SPEED) + 1 frames, at most 100,000
  --fps F            frames per second of video (default 30)
  --speed X          seconds of season time per second of video (default 60)
  -o, --output OUT   FILE.png for --at; for --from/--to a directory (written as
                     DIR/frame-000001.png, ...; it must not hold files already) or a video
                     FILE.mp4 or FILE.webm, encoded by ffmpeg (Debian package ffmpeg)
  --size WxH         picture size in pixels (default 1600x1000)
  --follow CODE      keep vehicle CODE in the middle of the picture (at 1:10000 unless
                     --scale is given) and ring it
  --scale N          show the map at 1:N (96 dpi) around the centre
  --trail MIN        length of the trails in minutes (default 10)
  --interpolate      place vehicles between their fixes (when under 60 s apart)
  --lang ja|en       language of the map's words (default ja)
  --json             print what was drawn as JSON (for --at: each vehicle's state and pixel)
  --extent           print the first and last fix time of the season
Times: ISO 8601 with a zone, 'YYYY-MM-DD HH:MM' in JST, or Unix seconds.
)";

constexpr std::int64_t max_frames = 100'000;

double parse_positive(const std::string& text, const std::string& option) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v) && v > 0.0) {
            return v;
        }
    } catch (const std::exception&) {
    }
    throw UsageError("replay: " + option + " '" + text + "' is not a positive number");
}

std::string lower_extension(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

/// An executable `name` on the PATH, if any.
std::optional<std::filesystem::path> find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) {
        return std::nullopt;
    }
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::filesystem::path candidate =
            std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
            return candidate;
        }
    }
    return std::nullopt;
}

std::string random_suffix() {
    std::random_device device;
    return std::to_string(::getpid()) + "-" + std::to_string(device() % 1'000'000);
}

/// The directory that will hold `target`; throws when it does not exist or cannot be written.
void check_writable_parent(const std::filesystem::path& target) {
    std::filesystem::path parent = target.parent_path();
    if (parent.empty()) {
        parent = ".";
    }
    if (!std::filesystem::is_directory(parent)) {
        throw Error(target.string() + ": the directory " + parent.string() + " does not exist");
    }
    if (::access(parent.c_str(), W_OK) != 0) {
        throw Error(target.string() + ": the directory " + parent.string() +
                    " cannot be written (" + std::strerror(errno) + ")");
    }
}

/// ffmpeg reading raw BGRA frames on its standard input and writing a video file.
class VideoEncoder {
public:
    VideoEncoder(const std::filesystem::path& ffmpeg, const std::filesystem::path& file,
                 const std::string& format, int width, int height, double fps)
        : m_file(file) {
        int fds[2];
        if (::pipe(fds) != 0) {
            throw Error(file.string() + ": cannot start ffmpeg: " + std::strerror(errno));
        }
        std::ostringstream rate;
        rate << fps;
        std::vector<std::string> args{ffmpeg.string(),
                                      "-hide_banner",
                                      "-loglevel",
                                      "error",
                                      "-y",
                                      "-f",
                                      "rawvideo",
                                      "-pix_fmt",
                                      "bgra",
                                      "-s",
                                      std::to_string(width) + "x" + std::to_string(height),
                                      "-r",
                                      rate.str(),
                                      "-i",
                                      "-",
                                      "-vf",
                                      "pad=ceil(iw/2)*2:ceil(ih/2)*2",
                                      "-pix_fmt",
                                      "yuv420p"};
        if (format == "webm") {
            args.insert(args.end(), {"-c:v", "libvpx", "-b:v", "2M", "-f", "webm"});
        } else {
            args.insert(args.end(), {"-c:v", "libx264", "-preset", "veryfast", "-f", "mp4"});
        }
        args.push_back(file.string());
        std::vector<char*> argv;
        for (std::string& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        m_pid = ::fork();
        if (m_pid < 0) {
            ::close(fds[0]);
            ::close(fds[1]);
            throw Error(file.string() + ": cannot start ffmpeg: " + std::strerror(errno));
        }
        if (m_pid == 0) {
            ::dup2(fds[0], STDIN_FILENO);
            ::close(fds[0]);
            ::close(fds[1]);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[0]);
        m_fd = fds[1];
        // A failing ffmpeg closes the pipe: report it from write(), not by SIGPIPE.
        std::signal(SIGPIPE, SIG_IGN);
    }
    ~VideoEncoder() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        if (m_pid > 0) {
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
    }
    VideoEncoder(const VideoEncoder&) = delete;
    VideoEncoder& operator=(const VideoEncoder&) = delete;

    void write(const gis::Image& image) {
        const auto* bytes = reinterpret_cast<const char*>(image.pixels.data());
        std::size_t left = image.pixels.size() * sizeof(std::uint32_t);
        while (left > 0) {
            const ssize_t n = ::write(m_fd, bytes, left);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                throw Error(m_file.string() + ": ffmpeg stopped taking frames (" +
                            std::strerror(errno) + ")");
            }
            bytes += n;
            left -= static_cast<std::size_t>(n);
        }
    }

    /// Ends the input and waits; throws when ffmpeg failed.
    void finish() {
        ::close(m_fd);
        m_fd = -1;
        int status = 0;
        ::waitpid(m_pid, &status, 0);
        m_pid = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            throw Error(m_file.string() + ": ffmpeg failed (exit status " +
                        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
        }
    }

private:
    std::filesystem::path m_file;
    pid_t m_pid = -1;
    int m_fd = -1;
};

/// Removes a path when the scope is left, unless released.
class RemoveOnExit {
public:
    explicit RemoveOnExit(std::filesystem::path path) : m_path(std::move(path)) {}
    ~RemoveOnExit() {
        if (!m_path.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(m_path, ignored);
        }
    }
    RemoveOnExit(const RemoveOnExit&) = delete;
    RemoveOnExit& operator=(const RemoveOnExit&) = delete;
    void release() { m_path.clear(); }

private:
    std::filesystem::path m_path;
};

} // namespace

int run_replay(Args& args) {
    if (args.flag("--help")) {
        std::fputs(replay_usage, stdout);
        return 0;
    }
    auto output = args.take("-o");
    if (auto long_output = args.take("--output")) {
        output = long_output;
    }
    const auto at = time_option(args, "--at");
    const auto from = time_option(args, "--from");
    const auto to = time_option(args, "--to");
    const auto fps_text = args.take("--fps");
    const auto speed_text = args.take("--speed");
    const auto size_text = args.take("--size");
    const auto follow = args.take("--follow");
    const auto scale_text = args.take("--scale");
    const auto trail_text = args.take("--trail");
    const auto lang = args.take("--lang").value_or("ja");
    const bool interpolate = args.flag("--interpolate");
    const bool json = args.flag("--json");
    const bool extent_only = args.flag("--extent");
    const auto files = args.positional(1, 1, "PROJECT --at T -o FILE.png (see ykm replay --help)");

    if (lang != "ja" && lang != "en") {
        throw UsageError("replay: --lang '" + lang + "' is not ja or en");
    }
    dispatch::ReplaySettings settings;
    settings.interpolate = interpolate;
    if (trail_text) {
        const double minutes = parse_non_negative(*trail_text, "replay: --trail");
        if (minutes > 24 * 60) {
            throw UsageError("replay: --trail '" + *trail_text + "' is over a day (1440 min)");
        }
        settings.trail_ms = static_cast<std::int64_t>(std::llround(minutes * 60'000.0));
    }
    if (!extent_only) {
        if (at && (from || to)) {
            throw UsageError("replay: --at and --from/--to exclude each other");
        }
        if (!at && !(from && to)) {
            throw UsageError(
                "replay: expected --at T, or --from T1 --to T2 (see ykm replay --help)");
        }
        if (!output) {
            throw UsageError("replay: expected -o OUTPUT (see ykm replay --help)");
        }
        if (at && (fps_text || speed_text)) {
            throw UsageError("replay: --fps and --speed go with --from/--to");
        }
    }
    const double fps = fps_text ? parse_positive(*fps_text, "--fps") : 30.0;
    const double speed = speed_text ? parse_positive(*speed_text, "--speed") : 60.0;
    if (fps > 240.0) {
        throw UsageError("replay: --fps '" + *fps_text + "' is over 240");
    }
    const auto [width, height] =
        size_text ? parse_pixel_size(*size_text, "replay: --size", 64) : std::pair{1600, 1000};
    std::optional<double> scale;
    if (scale_text) {
        scale = parse_positive(*scale_text, "--scale");
    }

    // What the output is, checked before anything is drawn.
    enum class Output { png, frames, video };
    Output kind = Output::png;
    std::string video_format;
    std::optional<std::filesystem::path> ffmpeg;
    std::filesystem::path target;
    if (!extent_only) {
        target = *output;
        const std::string extension = lower_extension(target);
        if (at) {
            if (extension != ".png") {
                throw Error(*output + ": a snapshot is written as .png");
            }
            check_writable_parent(target);
        } else if (extension == ".mp4" || extension == ".webm") {
            kind = Output::video;
            video_format = extension.substr(1);
            ffmpeg = find_on_path("ffmpeg");
            if (!ffmpeg) {
                throw Error(*output + ": writing a video needs ffmpeg, which is not on the PATH "
                                      "(install the Debian package ffmpeg), or write frames to "
                                      "a directory with -o DIR/");
            }
            check_writable_parent(target);
        } else if (extension.empty() || output->back() == '/' ||
                   std::filesystem::is_directory(target)) {
            kind = Output::frames;
            if (output->back() == '/') {
                target = std::filesystem::path(*output).parent_path();
            }
            if (std::filesystem::exists(target) &&
                (!std::filesystem::is_directory(target) || !std::filesystem::is_empty(target))) {
                throw Error(target.string() + ": exists and is not an empty directory");
            }
            check_writable_parent(target);
        } else {
            throw Error(*output + ": unknown output '" + extension +
                        "' (use FILE.png with --at; DIR/, FILE.mp4 or FILE.webm with --from/--to)");
        }
    }

    data::Project project = data::Project::open(files[0], data::OpenMode::read_only);
    dispatch::Replay replay(project, settings);
    const auto season = replay.extent();
    if (!season) {
        throw Error(files[0] + ": the season log has no fixes: nothing to replay");
    }
    if (extent_only) {
        if (json) {
            nlohmann::json out{{"first_ms", season->first_ms},
                               {"last_ms", season->last_ms},
                               {"first", iso_jst(season->first_ms)},
                               {"last", iso_jst(season->last_ms)}};
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("season %s to %s\n", iso_jst(season->first_ms).c_str(),
                        iso_jst(season->last_ms).c_str());
        }
        return 0;
    }
    const auto check_in_season = [&](const std::string& option, std::int64_t t) {
        if (t < season->first_ms || t > season->last_ms) {
            throw Error(option + " " + iso_jst(t) + " is outside the season (" +
                        iso_jst(season->first_ms) + " to " + iso_jst(season->last_ms) + ")");
        }
    };
    std::int64_t frame_count = 1;
    double step_ms = 0.0;
    if (at) {
        check_in_season("--at", *at);
    } else {
        check_in_season("--from", *from);
        check_in_season("--to", *to);
        if (*to <= *from) {
            throw Error("--to " + iso_jst(*to) + " is not after --from " + iso_jst(*from));
        }
        // Whole frames of (T2 - T1) x fps / speed, in integer arithmetic where it can be.
        const long double frames =
            std::floor(static_cast<long double>(*to - *from) / 1000.0L * fps / speed) + 1.0L;
        if (frames > static_cast<long double>(max_frames)) {
            throw Error("--from/--to: " + std::to_string(static_cast<long long>(frames)) +
                        " frames is more than " + std::to_string(max_frames) +
                        ": raise --speed or lower --fps");
        }
        frame_count = static_cast<std::int64_t>(frames);
        step_ms = 1000.0 * speed / fps;
    }
    std::optional<std::int64_t> follow_id;
    if (follow) {
        const dispatch::ReplayFrame probe = replay.frame_at(at ? *at : *from);
        const dispatch::ReplayVehicle* v = probe.vehicle_by_code(*follow);
        if (v == nullptr) {
            throw Error("--follow: vehicle " + *follow + " does not exist");
        }
        follow_id = v->vehicle_id;
    }

    dispatch::ReplayRenderOptions options;
    options.language = lang == "ja" ? gis::MapLanguage::japanese : gis::MapLanguage::english;
    options.followed = follow.value_or("");
    gis::MapView base_view = gis::MapView::fit(
        data::layer_extent(project, data::Layer::road_segments), width, height, 0.05);
    if (scale) {
        base_view = base_view.at_scale(*scale);
    } else if (follow) {
        base_view = base_view.at_scale(10'000.0);
    }
    const gis::MapRenderer renderer;
    std::optional<gis::MapView> content_view;
    gis::MapContent content;
    gis::XY centre = base_view.centre();
    // Frames of a fixed view (--from/--to without --follow): the map is drawn once, then only
    // the roads, trails and markers per frame.
    std::optional<dispatch::ReplayCanvas> canvas;

    // One frame: follow the vehicle, read the map for a new view, draw.
    const auto draw = [&](const dispatch::ReplayFrame& frame, gis::MapView& view_used) {
        if (follow_id) {
            for (const dispatch::ReplayVehicle& v : frame.vehicles) {
                if (v.vehicle_id == *follow_id && v.position_xy) {
                    centre = *v.position_xy;
                }
            }
        }
        view_used = gis::MapView(centre, base_view.metres_per_pixel(), width, height);
        const gis::MapView map_view = dispatch::replay_map_view(view_used, options);
        if (!content_view || content_view->centre().x != map_view.centre().x ||
            content_view->centre().y != map_view.centre().y) {
            content = data::query_map_content(project, map_view,
                                              dispatch::replay_map_style(frame, options));
            content_view = map_view;
        }
        if (!follow_id && !at) {
            if (!canvas) {
                canvas.emplace(renderer, content, view_used, options);
            }
            return canvas->draw(frame);
        }
        return dispatch::render_replay_frame(renderer, content, frame, view_used, options);
    };

    if (at) {
        const dispatch::ReplayFrame frame = replay.frame_at(*at);
        gis::MapView view = base_view;
        const gis::Image image = draw(frame, view);
        gis::MapRenderer::write_png(image, target);
        const std::array<int, 5> counts = frame.counts();
        if (json) {
            const gis::MapView map_view = dispatch::replay_map_view(view, options);
            const int top = dispatch::replay_title_strip_px(options);
            nlohmann::json vehicles = nlohmann::json::array();
            for (const dispatch::ReplayVehicle& v : frame.vehicles) {
                nlohmann::json item{{"code", v.code},
                                    {"vehicle_id", v.vehicle_id},
                                    {"state", std::string(dispatch::key(v.state))}};
                if (v.position && v.position_xy && v.last_fix) {
                    const gis::XY p = map_view.to_pixel(*v.position_xy);
                    item["lon"] = v.position->lon_deg;
                    item["lat"] = v.position->lat_deg;
                    item["x_px"] = p.x;
                    item["y_px"] = p.y + top;
                    item["fix_time"] = iso_jst(v.last_fix->time_ms);
                    item["work"] = std::string(data::key(v.work));
                    if (v.heading_deg) {
                        item["heading_deg"] = *v.heading_deg;
                    }
                }
                vehicles.push_back(item);
            }
            nlohmann::json orders = nlohmann::json::array();
            for (const dispatch::ReplayOrder& o : frame.orders) {
                orders.push_back({{"number", o.number},
                                  {"status", std::string(dispatch::key(o.status))},
                                  {"since", iso_jst(o.since_ms)}});
            }
            nlohmann::json out{{"file", target.string()},
                               {"time", iso_jst(*at)},
                               {"width", width},
                               {"height", height},
                               {"counts",
                                {{"working", counts[0]},
                                 {"travelling", counts[1]},
                                 {"stopped", counts[2]},
                                 {"offline", counts[3]},
                                 {"unknown", counts[4]}}},
                               {"covered_directions", frame.coverage->size()},
                               {"vehicles", vehicles},
                               {"orders", orders}};
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            std::printf("%s: %dx%d at %s: working %d, travelling %d, stopped %d, offline %d\n",
                        target.c_str(), width, height, iso_jst(*at).c_str(), counts[0], counts[1],
                        counts[2], counts[3]);
        }
        return 0;
    }

    const auto time_of = [&](std::int64_t i) {
        return *from + static_cast<std::int64_t>(std::floor(static_cast<double>(i) * step_ms));
    };
    if (kind == Output::frames) {
        std::filesystem::path parent = target.parent_path();
        if (parent.empty()) {
            parent = ".";
        }
        const std::filesystem::path temp =
            parent / ("." + target.filename().string() + ".tmp-" + random_suffix());
        std::error_code made;
        if (!std::filesystem::create_directory(temp, made) || made) {
            throw Error(temp.string() + ": cannot create the directory: " + made.message());
        }
        RemoveOnExit cleanup(temp);
        for (std::int64_t i = 0; i < frame_count; ++i) {
            gis::MapView view = base_view;
            const gis::Image image = draw(replay.frame_at(time_of(i)), view);
            char name[32];
            std::snprintf(name, sizeof name, "frame-%06lld.png", static_cast<long long>(i + 1));
            gis::MapRenderer::write_png(image, temp / name);
        }
        if (std::filesystem::exists(target)) {
            std::filesystem::remove(target); // an empty directory, checked above
        }
        std::error_code renamed;
        std::filesystem::rename(temp, target, renamed);
        if (renamed) {
            throw Error(target.string() +
                        ": cannot move the frames in place: " + renamed.message());
        }
        cleanup.release();
    } else {
        const std::filesystem::path temp =
            target.parent_path() / ("." + target.stem().string() + ".tmp-" + random_suffix() +
                                    target.extension().string());
        RemoveOnExit cleanup(temp);
        {
            VideoEncoder encoder(*ffmpeg, temp, video_format, width, height, fps);
            for (std::int64_t i = 0; i < frame_count; ++i) {
                gis::MapView view = base_view;
                encoder.write(draw(replay.frame_at(time_of(i)), view));
            }
            encoder.finish();
        }
        std::error_code renamed;
        std::filesystem::rename(temp, target, renamed);
        if (renamed) {
            throw Error(target.string() + ": cannot move the video in place: " + renamed.message());
        }
        cleanup.release();
    }
    if (json) {
        nlohmann::json out{{"output", target.string()},
                           {"frames", frame_count},
                           {"from", iso_jst(*from)},
                           {"to", iso_jst(*to)},
                           {"fps", fps},
                           {"speed", speed},
                           {"width", width},
                           {"height", height}};
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("%s: %lld frames of %dx%d, %s to %s at %gx\n", target.c_str(),
                    static_cast<long long>(frame_count), width, height, iso_jst(*from).c_str(),
                    iso_jst(*to).c_str(), speed);
    }
    return 0;
}

} // namespace ykm::cli
