// Longest-prefix match of client addresses over CIDR prefixes (IPv4 and IPv6).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "router/ip_address.hpp"

namespace candela::router {

// One hash table per prefix length in use, probed from the longest length down: a lookup costs
// at most (number of distinct lengths) hash probes and never allocates. Coverage zones use a
// handful of lengths, so this beats a bit trie on both memory and cache misses.
class PrefixMatcher {
 public:
  struct Match {
    std::uint32_t value = 0;
    int prefix_length = 0;
  };

  // False when exactly this prefix was added before (the earlier value stays).
  bool add(const Cidr& prefix, std::uint32_t value);

  // The value of the longest prefix containing `address` whose length is at most
  // `max_prefix_length` (an ECS source prefix: longer prefixes cannot be decided).
  std::optional<Match> lookup(const IpAddress& address, int max_prefix_length = 128) const;

  std::size_t size() const noexcept { return size_; }

 private:
  struct Key {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return static_cast<std::size_t>((k.high * 0x9E3779B97F4A7C15ull) ^ (k.low + (k.high >> 7)));
    }
  };
  struct Level {
    int prefix_length = 0;
    std::unordered_map<Key, std::uint32_t, KeyHash> networks;
  };
  static Key key_of(const IpAddress& address, int prefix_length) noexcept;

  std::vector<Level> v4_;  // by descending prefix length
  std::vector<Level> v6_;
  std::size_t size_ = 0;
};

}  // namespace candela::router
