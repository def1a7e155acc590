// Follow-the-sun support: the centres (Broomfield, Tulsa, Dublin, London), the languages each
// offers, and the UTC weekly schedule that decides which centre a new ticket goes to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace soci {
class session;
}

namespace candela::control {

struct SupportCentre {
  std::string code;
  std::string name;
  std::string city;
  std::string country;
  std::vector<std::string> languages;
};

struct DutyAssignment {
  SupportCentre centre;
  bool language_matched = false;
};

// The centre on duty at `at` (UTC schedule); among those on duty, one offering `language`
// ("en", "es", "fr", "de", … ISO 639-1) wins; otherwise the first on duty by priority.
Result<DutyAssignment> on_duty_centre(soci::session& session, SysTime at,
                                      std::string_view language);

}  // namespace candela::control
