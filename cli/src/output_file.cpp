#include "output_file.hpp"

#include "ykm/gis/error.hpp"

#include <fstream>
#include <system_error>

namespace ykm::cli {

void write_file_atomically(const std::filesystem::path& target, std::string_view text) {
    const std::filesystem::path partial = target.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (out) {
            out.write(text.data(), static_cast<std::streamsize>(text.size()));
            out.close();
        }
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(partial, ignored);
            throw Error(target.string() + ": cannot write");
        }
    }
    std::error_code error;
    std::filesystem::rename(partial, target, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        throw Error(target.string() + ": cannot write (" + error.message() + ")");
    }
}

} // namespace ykm::cli
