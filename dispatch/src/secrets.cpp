#include "ykm/dispatch/secrets.hpp"

#include "ykm/gis/error.hpp"

#include <sodium.h>

#include <array>
#include <vector>

namespace ykm::dispatch {

void ensure_sodium() {
    // sodium_init() is safe to call more than once, but once is enough; a static makes the first
    // call thread-safe too.
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw Error("libsodium could not be initialised");
    }
}

std::string sha256_hex(std::string_view text) {
    ensure_sodium();
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size());
    std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    return hex.data();
}

std::string random_hex(std::size_t bytes) {
    ensure_sodium();
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
    hex.pop_back();
    return hex;
}

bool equal_secrets(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace ykm::dispatch
