#include "commands.hpp"

#include "ykm/gis/error.hpp"

namespace ykm::cli {

int run_simulate(Args& /*args*/) {
    throw Error("simulate: placeholder");
}

} // namespace ykm::cli
