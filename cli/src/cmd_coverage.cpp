#include "commands.hpp"

#include "ykm/gis/error.hpp"

namespace ykm::cli {

int run_coverage(Args& /*args*/) {
    throw Error("coverage: placeholder");
}

} // namespace ykm::cli
