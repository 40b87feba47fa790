#pragma once

#include <filesystem>

class wxTopLevelWindow;

namespace ykm::gui {

/// Saves what the screen shows of `window`, decorations excluded, as a PNG of the window's size.
/// Throws ykm::Error naming the file when it cannot be written.
void save_window_png(wxTopLevelWindow& window, const std::filesystem::path& file);

} // namespace ykm::gui
