// One serving thread's DNS front: answers from a per-thread cache of built replies when the
// same query bytes arrive from the same client group under the same routing snapshot (only the
// message id differs), else builds the reply with answer_dns_query and remembers it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "router/dns_answer.hpp"
#include "router/router_metrics.hpp"
#include "router/routing_state.hpp"

namespace candela::router {

class DnsResponder {
 public:
  DnsResponder(const RoutingState& state, const DnsZone& zone, RouterMetrics& metrics);

  // Writes the reply into `out`; false when nothing is to be sent.
  bool respond(std::string_view query, const IpAddress& client, bool tcp, std::string& out);

 private:
  static constexpr std::size_t kMaxEntries = 16384;
  struct Cached {
    std::string wire;
    DnsOutcome outcome;
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  void count(DnsOutcome outcome);

  RoutingView view_;
  const DnsZone& zone_;
  RouterMetrics& metrics_;
  std::unordered_map<std::string, Cached, KeyHash, std::equal_to<>> cache_;
  std::uint64_t cache_version_ = 0;
  std::string key_;
};

}  // namespace candela::router
