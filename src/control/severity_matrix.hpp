// The severities matrix: what each severity 1..4 means, examples, and its targets (initial
// response, update interval, restoration) that tickets' deadlines and escalations follow.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "control/principal.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct SeverityLevel {
  int severity = 0;
  std::string name;
  std::string definition;
  std::vector<std::string> examples;
  std::chrono::minutes initial_response{0};
  std::chrono::minutes update_interval{0};
  std::chrono::minutes restoration{0};
};

// One level, 1..4 (kNotFound for any other number).
Result<SeverityLevel> severity_level(soci::session& session, int severity);
// All levels, 1..4 ascending.
Result<std::vector<SeverityLevel>> severity_matrix(soci::session& session);

// Changes one level's name, definition, examples and targets (provider_admin; audited as
// severity_level/<n> in the caller's transaction). Every problem is reported at once, located at
// /name, /definition, /examples/<i>, /initial_response_minutes, /update_interval_minutes,
// /restoration_minutes; nothing changes then.
Result<SeverityLevel> update_severity_level(soci::session& session, const Clock& clock,
                                            const Principal& actor, const SeverityLevel& level,
                                            const std::string& reason);

}  // namespace candela::control
