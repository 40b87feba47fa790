#pragma once

// Hashes and random tokens from libsodium, for the audit chain, session tokens and CSRF tokens.

#include <cstddef>
#include <string>
#include <string_view>

namespace ykm::dispatch {

/// Initialises libsodium once (thread-safe); throws ykm::Error when it cannot.
void ensure_sodium();
/// Hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);
/// `bytes` random bytes from the system's generator, hex-encoded.
std::string random_hex(std::size_t bytes);
/// Compares two secrets in a time that does not depend on where they differ.
bool equal_secrets(std::string_view a, std::string_view b);

} // namespace ykm::dispatch
