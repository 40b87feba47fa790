#pragma once

#include "ykm/gis/error.hpp"

#include <functional>
#include <string>

namespace ykm::test {

/// The message of the ykm::Error that `f` throws, or "(no ykm::Error thrown)".
inline std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no ykm::Error thrown)";
}

} // namespace ykm::test
