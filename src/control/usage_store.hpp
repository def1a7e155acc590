// UsageStore: takes the usage batches edges post (docs/usage.md, wire contract A) into the
// minute table and keeps the hour and day rollups, the 5-minute bandwidth samples and each
// edge's progress in step, in the caller's transaction.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/usage_counters.hpp"

namespace soci {
class session;
}

namespace candela::control {

// One edge's cumulative counters of one property and minute so far.
struct UsageRow {
  std::string property_id;  // "<SCID>.<property>", e.g. "SC0000001.www"
  long long minute = 0;     // epoch ms of the minute's start (a whole minute)
  long long revision = 0;   // stored only when higher than the stored revision
  UsageCounters counters;
};

struct UsageBatch {
  long long batch = 0;           // the edge's monotone batch number
  long long complete_until = 0;  // epoch ms: minutes ending at or before this are final
  std::vector<UsageRow> rows;
};

struct UsageIngestOutcome {
  int accepted = 0;  // stored (new, or a higher revision)
  int ignored = 0;   // an equal or lower revision was already stored
  int unknown = 0;   // the SCID is not a service of this portal: skipped
};

class UsageStore {
 public:
  static constexpr std::size_t kMaxRowsPerBatch = 20000;
  static constexpr std::size_t kMaxPropertyLength = 200;

  // Works on the caller's session; call ingest() inside a transaction.
  UsageStore(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Validates the whole batch first (kInvalid with a JSON Pointer per bad field, e.g.
  // "/rows/3/minute", and nothing stored), then upserts every row by revision, adds the
  // difference to the hour and day rollups and the 5-minute samples, recomputes the peaks, and
  // raises the edge's complete_until (never lowers it). Repeating a batch changes nothing.
  Result<UsageIngestOutcome> ingest(const std::string& edge_id, const UsageBatch& batch);

  // Deletes minute rows of minutes starting before `cutoff` (epoch ms); returns how many.
  // Rollups and 5-minute samples are kept.
  Result<long long> delete_minutes_before(long long cutoff);
  // The retention rule: keeps the minute rows of the last `keep_days` whole UTC days before
  // today (and today's); deletes older ones. Returns how many were deleted.
  Result<long long> expire_minutes(int keep_days);

 private:
  soci::session& session_;
  const Clock& clock_;
};

// Splits "<SCID>.<property>"; false when either part is malformed.
bool split_property_id(const std::string& property_id, std::string& scid, std::string& property);
// A property name as used in usage rows and report queries: 1..200 characters of
// [A-Za-z0-9._-].
bool valid_usage_property(const std::string& property);
// A service id: 9 characters of [A-Z0-9].
bool valid_usage_scid(const std::string& scid);

}  // namespace candela::control
