#pragma once

#include <filesystem>
#include <string_view>

namespace ykm::cli {

/// Writes `text` to `target` through a temporary file beside it that is renamed over `target`
/// only when complete: a failure leaves any existing file untouched and no partial file behind.
/// Throws ykm::Error naming the file.
void write_file_atomically(const std::filesystem::path& target, std::string_view text);

} // namespace ykm::cli
