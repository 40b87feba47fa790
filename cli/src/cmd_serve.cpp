#include "commands.hpp"

#include "ykm/gis/error.hpp"

namespace ykm::cli {

int run_serve(Args& /*args*/) {
    throw Error("serve: placeholder");
}

} // namespace ykm::cli
