// Feed: the one ordered stream of events (deployments, invalidations, service states) every edge
// long-polls.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct FeedEvent {
  long long sequence = 0;
  std::string kind;  // "deployment", "invalidation" or "service_state"
  nlohmann::json payload;
  SysTime created_at;
};

class Feed {
 public:
  static constexpr int kMaxPageSize = 1000;

  // `session` must be inside the caller's transaction for append(), so the event commits
  // together with the change it announces (a deployment row, an invalidation request).
  Feed(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Appends one event and returns its sequence. Appenders are serialised until they commit
  // (PostgreSQL: an EXCLUSIVE lock on feed_events, taken before the sequence is drawn; SQLite:
  // write transactions are serial already), so sequences become visible in commit order and a
  // reader that has seen N can never later find a new event below N. Rolled-back appends leave
  // permanent gaps, never late arrivals.
  Result<long long> append(std::string_view kind, const nlohmann::json& payload);
  // Up to `limit` (1..kMaxPageSize) events with a sequence above `sequence`, oldest first.
  Result<std::vector<FeedEvent>> after(long long sequence, int limit);
  // The highest sequence in the feed, 0 when it is empty.
  Result<long long> latest();

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
