// Longest-prefix match by probing one hash table per prefix length.
#include "router/prefix_matcher.hpp"

#include <algorithm>
#include <cstring>

namespace candela::router {

PrefixMatcher::Key PrefixMatcher::key_of(const IpAddress& address, int prefix_length) noexcept {
  const IpAddress network = masked(address, prefix_length);
  Key key;
  std::memcpy(&key.high, network.bytes.data(), 8);
  std::memcpy(&key.low, network.bytes.data() + 8, 8);
  return key;
}

bool PrefixMatcher::add(const Cidr& prefix, std::uint32_t value) {
  auto& levels = prefix.network.family == IpFamily::kV4 ? v4_ : v6_;
  auto it = std::find_if(levels.begin(), levels.end(), [&](const Level& level) {
    return level.prefix_length <= prefix.prefix_length;
  });
  if (it == levels.end() || it->prefix_length != prefix.prefix_length) {
    it = levels.insert(it, Level{prefix.prefix_length, {}});
  }
  const bool inserted =
      it->networks.emplace(key_of(prefix.network, prefix.prefix_length), value).second;
  if (inserted) ++size_;
  return inserted;
}

std::optional<PrefixMatcher::Match> PrefixMatcher::lookup(const IpAddress& address,
                                                          int max_prefix_length) const {
  const auto& levels = address.family == IpFamily::kV4 ? v4_ : v6_;
  for (const Level& level : levels) {
    if (level.prefix_length > max_prefix_length) continue;
    const auto found = level.networks.find(key_of(address, level.prefix_length));
    if (found != level.networks.end()) return Match{found->second, level.prefix_length};
  }
  return std::nullopt;
}

}  // namespace candela::router
