// Times as people read them in notices: always GMT, and saying so (the handbook's rule for
// network event notifications).
#pragma once

#include <chrono>
#include <string>

#include "common/clock.hpp"

namespace candela::control {

// "Sat 05 Dec 2026 02:00 GMT" (minutes precision; seconds are dropped).
std::string format_gmt(SysTime time);
// "4 h 30 min", "45 min", "2 d 3 h" — a window's length for a notice (whole minutes).
std::string format_duration(std::chrono::minutes length);

}  // namespace candela::control
