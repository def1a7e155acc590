// When a failed mail delivery is tried again: exponential backoff from the first delay,
// doubling per failed attempt, capped; after max_attempts attempts the message is given up.
#pragma once

#include <chrono>

namespace candela::control {

struct MailRetryPolicy {
  std::chrono::seconds first_delay{30};
  std::chrono::seconds max_delay{std::chrono::hours(1)};
  int max_attempts = 10;  // 30 s, 1 m, 2 m, 4 m, 8 m, 16 m, 32 m, 1 h, 1 h: about 3 h in all
};

// The pause after the `attempts`-th attempt failed (attempts >= 1): first_delay * 2^(attempts-1),
// at most max_delay.
std::chrono::seconds mail_retry_delay(const MailRetryPolicy& policy, int attempts);

}  // namespace candela::control
