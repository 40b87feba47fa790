#include "commands.hpp"

#include "ykm/gis/error.hpp"

namespace ykm::cli {

int run_fleet(Args& /*args*/) {
    throw Error("fleet: placeholder");
}

} // namespace ykm::cli
