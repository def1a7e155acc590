// Monitor credentials: the NOC monitor (issue 7) raises alarms with a Bearer token that a
// provider admin creates. Like edge node tokens, the token is shown once and only its SHA-256
// is stored; a revoked monitor's token stops working at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct NocMonitor {
  std::string monitor_id;  // chosen by the admin, e.g. "monitor-lon"
  std::string description;
  SysTime created_at;
  std::optional<SysTime> last_used_at;
  std::optional<SysTime> revoked_at;
};

struct NocMonitorPage {
  std::vector<NocMonitor> monitors;
  std::optional<std::string> next_after;  // the last monitor id when more follow
};

struct NocMonitorWithToken {
  NocMonitor monitor;
  std::string token;  // shown once, never stored
};

class NocMonitors {
 public:
  static constexpr std::size_t kMaxMonitorIdLength = 64;
  static constexpr std::size_t kMaxDescriptionLength = 500;
  static constexpr int kMaxPageSize = 500;

  NocMonitors(soci::session& session, const Clock& clock, RandomSource& random)
      : session_(session), clock_(clock), random_(random) {}

  // provider_admin only. Invalid fields come back located ("/monitor_id", "/description");
  // an existing id (also a revoked one: ids are never reused) is kConflict.
  Result<NocMonitorWithToken> create(const Principal& principal, const std::string& monitor_id,
                                     const std::string& description);
  // noc_engineer and provider_admin: the monitors after `after` by id, revoked ones too.
  Result<NocMonitorPage> list(const Principal& principal, const std::optional<std::string>& after,
                              int limit);
  // provider_admin only; revoking twice is kConflict, an unknown id kNotFound.
  Result<NocMonitor> revoke(const Principal& principal, const std::string& monitor_id);

  // The monitor a token belongs to (stamps last_used_at); kUnauthorized for an unknown,
  // malformed or revoked token.
  Result<NocMonitor> authenticate(std::string_view token);

 private:
  Result<NocMonitor> find(const std::string& monitor_id);

  soci::session& session_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace candela::control
