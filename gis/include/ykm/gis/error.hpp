#pragma once

#include <stdexcept>
#include <string>

namespace ykm {

/// Bad input or a failing environment (missing file, unreadable layer, read-only folder).
/// The message names the file, layer, line, field or id involved; the CLI maps it to exit code 2.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

} // namespace ykm
