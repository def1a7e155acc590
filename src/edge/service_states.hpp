// The service states an edge enforces: which SCIDs are suspended, as "service_state" feed events
// say (docs/control-feed.md, "Service states"), and the response their requests get instead.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace candela::edge {

// One "service_state" event's payload.
struct ServiceStateChange {
  std::string scid;
  std::string state;  // "pending" | "active" | "suspended" | "disconnected"
  std::string reason;
};

// The payload, or what is wrong with it (naming the member, e.g. "/state: ...").
Result<ServiceStateChange> parse_service_state_change(const nlohmann::json& payload);

// The set of suspended SCIDs. Only "suspended" is a state the edge has to remember: active and
// pending services are served, and a disconnected one has nothing left to serve.
class ServiceStates {
 public:
  using Set = std::set<std::string, std::less<>>;

  bool is_suspended(std::string_view scid) const { return suspended_.count(scid) != 0; }
  const Set& suspended() const { return suspended_; }
  // suspended adds the SCID, every other state removes it. True when the set changed.
  bool apply(const ServiceStateChange& change);

  // last-good.json's "service_states": {"AB12CD34E": "suspended", ...}.
  nlohmann::json to_json() const;
  // Errors name the member ("/service_states/X: ..."); SCIDs are checked like the feed's.
  static Result<ServiceStates> from_json(const nlohmann::json& states);

  bool operator==(const ServiceStates&) const = default;

 private:
  Set suspended_;
};

// What a request to a property of a suspended service gets (docs/edge.md, "Suspended
// services"): 403, text/plain, no-store (both added to every generated response), this field
// and this body.
inline constexpr int kSuspendedStatus = 403;
inline constexpr std::string_view kSuspendedFields = "Candela-Service-State: suspended\r\n";
std::string suspended_body(std::string_view scid);

}  // namespace candela::edge
