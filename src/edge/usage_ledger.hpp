// The usage reporter's running totals per (property, minute): what changed since the last batch,
// which minutes are final, the batch body of the wire contract, and the open-minutes file that
// carries running totals across a restart.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "edge/usage_meter.hpp"

namespace candela::edge {

struct UsageRow {
  UsageKey key;
  UsageCounts totals;  // cumulative for the minute on this edge
};

class UsageLedger {
 public:
  // Adds counts drained from the meter. Properties that are not "<SCID>.<name>" are not
  // reported; counts for a minute already released (final and spooled) cannot be reported any
  // more without lowering the portal's total, so they are dropped and counted in late_dropped().
  void add(const UsageDelta& delta);

  // The cumulative rows changed since the last commit(), ordered by property and minute.
  std::vector<UsageRow> changed_rows() const;
  // The changed rows are spooled: they count as unchanged from now on, and the rows of minutes
  // before `final_before` (whole minutes since the epoch), which are final and whose final values
  // are now spooled, are released.
  void commit(std::int64_t final_before);

  // Every row held (open minutes, and final ones not yet taken), with the per-second counts.
  nlohmann::json open_minutes() const;
  // Seeds the totals from open_minutes() of a previous run; the seeded rows count as changed.
  // Returns how many rows were loaded. Leaves the ledger untouched on error.
  Result<std::size_t> load_open_minutes(const nlohmann::json& document);

  std::size_t size() const { return rows_.size(); }
  std::uint64_t late_dropped() const { return late_dropped_; }

 private:
  struct Held {
    UsageCounts totals;
    bool changed = false;
  };
  std::map<UsageKey, Held> rows_;
  std::int64_t released_before_ = 0;
  std::uint64_t late_dropped_ = 0;
};

// "<SCID>.<name>" as the portal takes it: nine upper-case letters or digits, then 1..200 of
// [A-Za-z0-9._-].
bool reportable_property(std::string_view property_id);

// RFC 3339 UTC on a whole minute, e.g. 2026-11-25T01:22:00Z, and back (nullopt if malformed).
std::string minute_text(std::int64_t minute);
std::optional<std::int64_t> parse_minute_text(std::string_view text);

// One row of a usage batch (docs/edge.md "Usage reporting"), with `revision`.
nlohmann::json usage_row_json(const UsageRow& row, long long revision);
// The body of POST /api/v1/edges/{edge_id}/usage.
nlohmann::json usage_batch_json(long long batch, std::int64_t complete_until_minute,
                                const std::vector<UsageRow>& rows);

}  // namespace candela::edge
