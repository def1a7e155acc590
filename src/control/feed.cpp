// Feed: appends events under a table lock (PostgreSQL) so that sequence order is commit order.
#include "control/feed.hpp"

#include <soci/soci.h>

#include "control/database.hpp"
#include "control/store_errors.hpp"

namespace candela::control {
namespace {

bool is_postgresql(soci::session& session) {
  return session.get_backend_name() == "postgresql";
}

}  // namespace

Result<long long> Feed::append(std::string_view kind, const nlohmann::json& payload) {
  if (kind != "deployment" && kind != "invalidation" && kind != "service_state") {
    return Error{
        "a feed event's kind must be \"deployment\", \"invalidation\" or \"service_state\", "
        "not \"" +
        std::string(kind) + "\""};
  }
  if (!payload.is_object()) return Error{"a feed event's payload must be a JSON object"};
  const std::string kind_text(kind);
  const std::string payload_text = payload.dump();
  const long long created_at = to_epoch_ms(clock_.now());
  long long sequence = 0;
  try {
    // EXCLUSIVE conflicts with itself but not with plain reads (ACCESS SHARE): pollers keep
    // reading while appenders queue. Held until commit, it keeps a later sequence from
    // committing before an earlier one.
    if (is_postgresql(session_)) session_ << "LOCK TABLE feed_events IN EXCLUSIVE MODE";
    session_ << "INSERT INTO feed_events (kind, payload, created_at)"
                " VALUES (:kind, :payload, :created_at) RETURNING sequence",
        soci::use(kind_text), soci::use(payload_text), soci::use(created_at), soci::into(sequence);
  } catch (const soci::soci_error& e) {
    return storage_error("could not append to the feed", e);
  }
  return sequence;
}

Result<std::vector<FeedEvent>> Feed::after(long long sequence, int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    return Error{"page size must be between 1 and " + std::to_string(kMaxPageSize)};
  }
  std::vector<FeedEvent> events;
  long long row_sequence = 0;
  std::string kind;
  std::string payload;
  long long created_at = 0;
  try {
    soci::statement st =
        (session_.prepare << "SELECT sequence, kind, payload, created_at FROM feed_events"
                             " WHERE sequence > :after ORDER BY sequence LIMIT :n",
         soci::use(sequence), soci::use(limit), soci::into(row_sequence), soci::into(kind),
         soci::into(payload), soci::into(created_at));
    st.execute();
    while (st.fetch()) {
      auto parsed = nlohmann::json::parse(payload, nullptr, false);
      if (parsed.is_discarded()) {
        return Error{"feed event " + std::to_string(row_sequence) + " has a corrupt payload",
                     ErrorKind::kInternal};
      }
      events.push_back(FeedEvent{row_sequence, kind, std::move(parsed), from_epoch_ms(created_at)});
    }
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the feed", e);
  }
  return events;
}

Result<long long> Feed::latest() {
  long long latest = 0;
  try {
    session_ << "SELECT COALESCE(MAX(sequence), 0) FROM feed_events", soci::into(latest);
  } catch (const soci::soci_error& e) {
    return storage_error("could not read the feed", e);
  }
  return latest;
}

}  // namespace candela::control
