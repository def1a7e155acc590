// Synthetic body generation for the /_origin/bytes endpoint.
#include "origin/synthetic_body.hpp"

#include <algorithm>
#include <cstring>

namespace candela::origin {

static_assert(kSyntheticPattern.size() == 64);

void fill_synthetic(std::uint64_t offset, char* out, std::size_t n) {
  // Whole pattern runs by memcpy: large bodies (benchmarks use MiB objects) stay cheap.
  std::size_t done = 0;
  while (done < n) {
    const auto at = static_cast<std::size_t>((offset + done) % kSyntheticPattern.size());
    const auto len = std::min(n - done, kSyntheticPattern.size() - at);
    std::memcpy(out + done, kSyntheticPattern.data() + at, len);
    done += len;
  }
}

}  // namespace candela::origin
