#include "common/rendezvous_hash.hpp"

#include <algorithm>
#include <numeric>

namespace candela {

std::uint64_t stable_hash(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::uint64_t rendezvous_score(std::uint64_t key_hash, std::uint64_t node_hash) noexcept {
  // splitmix64's finaliser over the combination: FNV alone leaves the high bits of similar
  // inputs correlated, which would give one node most keys.
  std::uint64_t z =
      key_hash ^ (node_hash + 0x9e3779b97f4a7c15ull + (key_hash << 6) + (key_hash >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<std::size_t> rendezvous_order(std::uint64_t key_hash,
                                          const std::vector<std::uint64_t>& node_hashes) {
  std::vector<std::size_t> order(node_hashes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<std::uint64_t> scores(node_hashes.size());
  for (std::size_t i = 0; i < node_hashes.size(); ++i) {
    scores[i] = rendezvous_score(key_hash, node_hashes[i]);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace candela
