// Invalidations (purges) per SCID: validated and resolved to edge property ids, stored with their
// feed event in one transaction, completed when every active edge has applied them, and
// reported to the requester and support when still open after 12 hours.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/edge_registry.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class InvalidationKind { kUrl, kPattern, kTag };
enum class InvalidationMode { kHard, kSoft };

std::string_view invalidation_kind_name(InvalidationKind kind);
std::optional<InvalidationKind> parse_invalidation_kind(std::string_view name);
std::string_view invalidation_mode_name(InvalidationMode mode);
std::optional<InvalidationMode> parse_invalidation_mode(std::string_view name);

struct InvalidationRequest {
  InvalidationKind kind = InvalidationKind::kUrl;
  InvalidationMode mode = InvalidationMode::kHard;
  // url: full URLs (http(s)://alias/path?query); pattern: path patterns; tag: cache tags.
  std::vector<std::string> values;
  // pattern and tag only: the properties to apply to (document ids such as "www", or edge ids
  // such as "AB12CD34E.www"); absent = every deployed property of the SCID.
  std::optional<std::vector<std::string>> property_ids;
};

// What one property's edges must purge: paths (url), patterns or tags.
struct InvalidationTarget {
  std::string property_id;  // the edge property id, "<SCID>.<property>"
  std::vector<std::string> values;
};

struct Invalidation {
  long long id = 0;
  std::string scid;
  InvalidationKind kind = InvalidationKind::kUrl;
  InvalidationMode mode = InvalidationMode::kHard;
  std::vector<std::string> values;  // as requested
  std::vector<InvalidationTarget> targets;
  std::optional<long long> requested_by;
  std::optional<std::string> requested_by_key;
  SysTime requested_at;
  std::optional<SysTime> completed_at;
  long long feed_sequence = 0;
};

struct InvalidationStatus {
  Invalidation invalidation;
  std::vector<EdgeEventStatus> edges;
};

struct InvalidationPage {
  std::vector<Invalidation> invalidations;  // newest first
  std::optional<long long> next_before;     // pass as `before` for the next page
};

class Invalidations {
 public:
  static constexpr std::size_t kMaxValues = 1000;
  static constexpr std::size_t kMaxValueBytes = 2048;
  static constexpr std::chrono::hours kOverdueAfter{12};
  static constexpr int kMaxPageSize = 500;

  Invalidations(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // Checks the request (every bad value reported at once, located as "/values/3",
  // "/property_ids/0"), resolves it to edge property ids, stores it, appends its feed event and
  // the audit record — all on the caller's transaction. The caller signals the feed after commit.
  Result<Invalidation> request(const Principal& principal, const std::string& scid,
                               const InvalidationRequest& request);
  Result<InvalidationPage> list(const Principal& principal, const std::string& scid,
                                std::optional<long long> before, int limit);
  // One invalidation with the state of every active edge (and any other that acknowledged it).
  Result<InvalidationStatus> get(const Principal& principal, long long id);

  // After an acknowledgement of `sequence`: completes its invalidation (if it announces one)
  // when every active edge has applied it. True when it became complete just now.
  Result<bool> complete_if_applied(long long sequence);
  // The same for every open invalidation (edges deactivated, or none active); returns how many
  // became complete.
  Result<int> complete_all_applied();
  // Invalidations still open kOverdueAfter after their request, not yet reported: one
  // notice (control::Notifier, category invalidations) to the requesting user (if any) and to
  // the CDN support technicians, in the portal and by mail per their preferences.
  // `link_base` is the portal URL users reach. Returns how many invalidations were reported.
  Result<int> notify_overdue(const std::string& link_base);

 private:
  Result<long long> service_group(const std::string& scid);
  Result<Invalidation> load(long long id);

  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
