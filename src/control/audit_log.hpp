// AuditLog: who changed what, when and why — appended inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct AuditEntry {
  std::optional<long long> actor_user_id;   // empty: the system itself (a background job)
  std::optional<std::string> actor_key_id;  // set when an API key made the request
  std::optional<long long> mimicked_by;     // the admin acting as actor_user_id, if any
  std::string entity_type;                  // e.g. "order", "configuration"
  std::string entity_id;                    // e.g. an order number or "SCID/version"
  std::string action;                       // e.g. "create", "deploy", "transition"
  std::optional<std::string> from_state;
  std::optional<std::string> to_state;
  std::string reason;          // the why, in the user's words
  std::string details = "{}";  // a JSON object with anything else worth keeping
};

struct AuditRecord {
  long long id = 0;
  SysTime at;
  AuditEntry entry;
};

struct AuditPage {
  std::vector<AuditRecord> records;
  // Pass as `after_id` to get the next page; empty on the last page.
  std::optional<long long> next_after_id;
};

class AuditLog {
 public:
  static constexpr int kMaxPageSize = 500;

  // `session` must be inside the transaction that makes the change, so the record and the
  // change commit or roll back together.
  AuditLog(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Records one entry stamped with the clock's time; returns its id.
  Result<long long> append(const AuditEntry& entry);
  // One entity's history, oldest first, `limit` (1..kMaxPageSize) records after `after_id`.
  Result<AuditPage> list_for_entity(const std::string& entity_type, const std::string& entity_id,
                                    long long after_id = 0, int limit = 50);

 private:
  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
