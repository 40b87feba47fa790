#pragma once
// Running the window under Xvfb from a test, and looking at its screenshots: shared by the
// window tests that drive yukimichi with --commands.

#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>
#include <wx/image.h>

#include <sys/wait.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace ykm::test {

/// The shell command that runs yukimichi with `arguments` under Xvfb (a 1600x1000 screen) in the
/// locale `locale_env` (e.g. "LC_ALL=C.UTF-8" or "LANG=ja_JP.UTF-8"), with its settings in
/// `dir`/config, its output in `dir`/stdout.txt and stderr.txt, stopped after `timeout_s`
/// seconds. The X authority file is `dir`/Xauthority: xvfb-run's own temporary folder sometimes
/// fails to be removed when two tests run at once, and xvfb-run then exits with 5, not with the
/// window's status.
inline std::string yukimichi_command(const TempDir& dir, const std::string& locale_env,
                                     const std::string& arguments, int timeout_s) {
    return "env -u LC_ALL -u LC_MESSAGES -u LANG " + locale_env + " XDG_CONFIG_HOME='" +
           (dir / "config").string() + "' NO_AT_BRIDGE=1 timeout " + std::to_string(timeout_s) +
           " xvfb-run -a -f '" + (dir / "Xauthority").string() +
           "' -s '-screen 0 1600x1000x24' '" YKM_YUKIMICHI "' " + arguments + " >'" +
           (dir / "stdout.txt").string() + "' 2>'" + (dir / "stderr.txt").string() + "'";
}

/// Runs yukimichi in Japanese under Xvfb (1400x900) with `commands` on `project`, its settings
/// in `dir`/config and its output in `dir`/stdout.txt and stderr.txt; `options` go before
/// --commands. Returns its exit status (-1 when it did not exit).
inline int run_japanese(const TempDir& dir, const std::string& commands,
                        const std::filesystem::path& project, const std::string& options = {}) {
    const std::string command = yukimichi_command(dir, "LANG=ja_JP.UTF-8",
                                                  "--size 1400x900 " + options + " --commands '" +
                                                      commands + "' '" + project.string() + "'",
                                                  180);
    const int status = std::system(command.c_str());
    if (!WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/// Keeps a copy of a screenshot in the build tree (tests/gui/screenshots/PREFIX_NAME.png) for
/// people to look at.
inline void keep_picture(const std::filesystem::path& png, const std::string& prefix) {
    const std::filesystem::path folder = std::filesystem::path(YKM_TEST_OUTPUT_DIR) / "screenshots";
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(png, folder / (prefix + "_" + png.filename().string()),
                               std::filesystem::copy_options::overwrite_existing);
}

inline wxImage load_picture(const std::filesystem::path& path) {
    if (wxImage::FindHandler(wxBITMAP_TYPE_PNG) == nullptr) {
        wxImage::AddHandler(new wxPNGHandler);
    }
    wxImage image;
    BOOST_TEST_REQUIRE(image.LoadFile(wxString::FromUTF8(path.string()), wxBITMAP_TYPE_PNG));
    return image;
}

/// The pixels of exactly this colour (anything with red, green and blue members).
template <class Colour>
std::int64_t pixels_of(const wxImage& image, const Colour& colour) {
    std::int64_t count = 0;
    const unsigned char* data = image.GetData();
    const std::size_t n = static_cast<std::size_t>(image.GetWidth()) * image.GetHeight();
    for (std::size_t i = 0; i < n; ++i) {
        count += data[3 * i] == colour.red && data[3 * i + 1] == colour.green &&
                 data[3 * i + 2] == colour.blue;
    }
    return count;
}

} // namespace ykm::test
