// Services: the caching services (one SCID each) that belong to an access group and a customer
// number, created by provider staff and moved through pending → active ⇄ suspended → disconnected.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/audit_log.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

enum class ServiceState { kPending, kActive, kSuspended, kDisconnected };

std::string_view service_state_name(ServiceState state);
std::optional<ServiceState> parse_service_state(std::string_view name);
// pending → active | disconnected; active → suspended | disconnected;
// suspended → active | disconnected; disconnected is final.
bool service_transition_allowed(ServiceState from, ServiceState to);

struct Service {
  long long id = 0;
  std::string scid;
  ServiceState state = ServiceState::kPending;
  long long access_group_id = 0;
  std::string access_group_name;
  std::string customer_number;
  std::string customer_name;
  SysTime created_at;
  SysTime updated_at;
  int log_retention_days = 30;  // days its log files are kept (control/log_chunks)
};

struct NewService {
  long long access_group_id = 0;
  std::string customer_number;
  std::string reason;  // recorded in the audit trail
};

struct ServiceQuery {
  std::optional<ServiceState> state;
  // The group and its descendants (intersected with what the principal sees).
  std::optional<long long> access_group_id;
  std::optional<std::string> after_scid;  // keyset: list SCIDs after this one
  int limit = 50;
};

struct ServicePage {
  std::vector<Service> services;          // ascending by SCID
  std::optional<std::string> next_after;  // the last SCID when more follow
};

class Services {
 public:
  static constexpr int kMaxPageSize = 500;
  static constexpr std::size_t kMaxReasonLength = 1000;
  static constexpr int kScidAttempts = 16;

  // Works on the caller's session (inside its transaction for changes, so the change and its
  // audit record commit together).
  Services(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  // A pending service with a fresh SCID (another is drawn when one is taken). Needs
  // Action::kProvision (provider staff). The customer must belong to the organisation (top-level
  // access group) of the service's group. Field errors point at "/access_group_id",
  // "/customer_number", "/reason".
  Result<Service> create(const Principal& principal, const NewService& service,
                         RandomSource& random);
  // The service if the principal may do `action` to it; kNotFound for an unknown SCID and for
  // one outside the principal's access groups alike, kInvalid for a malformed SCID.
  Result<Service> get(const Principal& principal, std::string_view scid,
                      Action action = Action::kRead);
  Result<ServicePage> list(const Principal& principal, const ServiceQuery& query);
  // Moves the service to `to` (Action::kProvision), audited with `reason` (required).
  // kConflict for a transition the lifecycle does not allow.
  Result<Service> change_state(const Principal& principal, std::string_view scid, ServiceState to,
                               const std::string& reason);
  // The same change without authorization, for jobs and other domain modules after their own
  // checks (collections suspending for non-payment, orders activating, the cessation job).
  // `actor` names who did it in the audit trail ("collections", or a user's name) and
  // `actor_user_id` the user when there is one. Like change_state it appends a "service_state"
  // feed event, so edges stop (suspended), resume (active) or drop (disconnected) the service.
  // kNotFound for an unknown SCID, kInvalid for a missing reason, kConflict for a transition the
  // lifecycle does not allow. A service already in `to` is returned unchanged (no audit record,
  // no feed event), so a job that runs again changes nothing.
  Result<Service> apply_state(std::string_view scid, ServiceState to, const std::string& reason,
                              const std::string& actor, std::optional<long long> actor_user_id);

  // The sequence of the "service_state" feed event the last change_state/apply_state of this
  // object appended (to wake the edges' long polls once the transaction has committed).
  std::optional<long long> last_feed_sequence() const { return last_feed_sequence_; }

 private:
  Result<Service> load(std::string_view scid);
  // Checks the reason and the lifecycle, then updates the row, appends `entry` (its states and
  // reason filled in here) to the audit log and the "service_state" event to the feed.
  Result<Service> transition(const Service& service, ServiceState to, const std::string& reason,
                             AuditEntry entry);

  soci::session& session_;
  const Clock& clock_;
  std::optional<long long> last_feed_sequence_;
};

}  // namespace candela::control
