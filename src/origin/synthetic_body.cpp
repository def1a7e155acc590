// Synthetic body generation for the /_origin/bytes endpoint.
#include "origin/synthetic_body.hpp"

namespace candela::origin {

static_assert(kSyntheticPattern.size() == 64);

void fill_synthetic(std::uint64_t offset, char* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    out[i] = kSyntheticPattern[(offset + i) % 64];
}

}  // namespace candela::origin
