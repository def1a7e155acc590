// Rendezvous (highest-random-weight) hashing: every node gets a score for a key and the key goes
// to the node with the highest score. Adding or removing one node moves only the keys that node
// wins, and the ranking gives the failover order for free. Used by the edge to choose a shield
// (parent) for a cache key and by the router to choose an edge within a cache group.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace candela {

// 64-bit FNV-1a of the bytes; stable across processes and machines (the edges and the router
// must agree on the order without talking to each other).
std::uint64_t stable_hash(std::string_view bytes) noexcept;

// The score of `node_hash` (stable_hash of the node's id) for `key_hash` (stable_hash of the
// key): a finalised mix of the two, so similar ids and keys still spread evenly.
std::uint64_t rendezvous_score(std::uint64_t key_hash, std::uint64_t node_hash) noexcept;

// Indexes 0..node_hashes.size()-1 ordered by descending score for `key_hash` (ties by index):
// element 0 is the owner of the key, element 1 the first failover, and so on.
std::vector<std::size_t> rendezvous_order(std::uint64_t key_hash,
                                          const std::vector<std::uint64_t>& node_hashes);

// The index of the highest-scoring node among those for which `eligible(index)` is true, or
// node_hashes.size() when none is; allocation-free for the hot path.
template <typename Eligible>
std::size_t rendezvous_pick(std::uint64_t key_hash, const std::vector<std::uint64_t>& node_hashes,
                            Eligible&& eligible) {
  std::size_t best = node_hashes.size();
  std::uint64_t best_score = 0;
  for (std::size_t i = 0; i < node_hashes.size(); ++i) {
    if (!eligible(i)) continue;
    const std::uint64_t score = rendezvous_score(key_hash, node_hashes[i]);
    if (best == node_hashes.size() || score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

}  // namespace candela
