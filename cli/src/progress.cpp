#include "progress.hpp"

#include <cstdio>
#include <string>
#include <unistd.h>

namespace ykm::cli {
namespace {
bool drawn = false;
}

data::Progress terminal_progress() {
    if (::isatty(STDERR_FILENO) == 0) {
        return {};
    }
    return [](const std::string& stage, double fraction) {
        constexpr int width = 30;
        const int filled = static_cast<int>(fraction * width + 0.5);
        std::fprintf(stderr, "\r\033[K%-40.40s [%s%s] %3d%%", stage.c_str(),
                     std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                     static_cast<int>(fraction * 100 + 0.5));
        std::fflush(stderr);
        drawn = true;
    };
}

void finish_progress() {
    if (drawn) {
        std::fputs("\r\033[K", stderr);
        drawn = false;
    }
}

} // namespace ykm::cli
