// AuditTrail: an entity's audit records for the principals allowed to read that entity.
#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/audit_log.hpp"
#include "control/database.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

// Provider staff read every trail. A customer principal reads the trail of an entity it may
// read: user, access_group, customer, api_key, service (SCID), configuration ("SCID/version"),
// invalidation (id); anything else, or an entity it cannot see, is kNotFound.
class AuditTrail {
 public:
  AuditTrail(soci::session& session, const Clock& clock) : session_(session), clock_(clock) {}

  Result<AuditPage> list(const Principal& actor, const std::string& entity_type,
                         const std::string& entity_id, long long after_id, int limit);

 private:
  Status check_can_read(const Principal& actor, const std::string& entity_type,
                        const std::string& entity_id);
  // The group of an entity that lives in one, looked up with a one-value query.
  Status check_group_of(const Principal& actor, const std::string& sql, const std::string& key);
  Status check_group_of(const Principal& actor, const std::string& sql, long long key);
  Status check_group(const Principal& actor, std::optional<long long> group);

  soci::session& session_;
  const Clock& clock_;
};

}  // namespace candela::control
