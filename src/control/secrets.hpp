// Random tokens, hashing and encodings for credentials (libsodium underneath).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace candela::control {

// Initialises libsodium once; throws std::runtime_error if it cannot (no entropy source).
void ensure_sodium();

// `count` bytes from the operating system's CSPRNG. Credentials never come from the injected
// RandomSource, which tests seed predictably.
std::string random_bytes(std::size_t count);
// base64url without padding (RFC 4648 §5), as used in cookies and headers.
std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);
// `bytes` random bytes as base64url: 32 bytes give a 43-character token.
std::string random_token(std::size_t bytes = 32);
// Lower-case hex of SHA-256; what the store keeps of session tokens.
std::string sha256_hex(std::string_view data);
// Compares in time independent of where the inputs differ (lengths may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace candela::control
