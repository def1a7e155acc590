// HTTP dates (RFC 9110 §5.6.7): formatting IMF-fixdate and parsing the three accepted forms.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace candela::origin {

// "Sun, 06 Nov 1994 08:49:37 GMT"; sub-second precision is dropped.
std::string format_http_date(SysTime t);

// Accepts IMF-fixdate, the obsolete RFC 850 form and asctime(); nullopt for anything else.
std::optional<SysTime> parse_http_date(std::string_view text);

}  // namespace candela::origin
