#pragma once

#include "ykm/data/road_import.hpp"

namespace ykm::cli {

/// A progress reporter that draws a one-line bar on stderr when stderr is a terminal, and
/// nothing otherwise (logs and pipes stay clean).
data::Progress terminal_progress();

/// Ends the progress line, if one was drawn.
void finish_progress();

/// Ends the progress line when it goes out of scope, however the scope is left, so that the
/// messages after it start on a clean line.
class ProgressLine {
public:
    ProgressLine() = default;
    ~ProgressLine() { finish_progress(); }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
};

} // namespace ykm::cli
