// The process-wide system clock instance.
#include "common/clock.hpp"

namespace candela {

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

}  // namespace candela
