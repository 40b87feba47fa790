#include "commands.hpp"

#include "ykm/gis/error.hpp"

namespace ykm::cli {

int run_track(Args& /*args*/) {
    throw Error("track: placeholder");
}

} // namespace ykm::cli
