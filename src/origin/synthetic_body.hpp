// The deterministic content of GET /_origin/bytes/N, addressable at any offset (for ranges).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace candela::origin {

// Byte i of every synthetic body is kSyntheticPattern[i % 64], so tests can check any slice.
inline constexpr std::string_view kSyntheticPattern =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

// Writes bytes [offset, offset + n) of the synthetic body into `out`.
void fill_synthetic(std::uint64_t offset, char* out, std::size_t n);

}  // namespace candela::origin
