// mail_retry_delay: doubling without overflow, then the cap.
#include "control/mail_retry.hpp"

#include <algorithm>

namespace candela::control {

std::chrono::seconds mail_retry_delay(const MailRetryPolicy& policy, int attempts) {
  std::chrono::seconds delay = std::max(policy.first_delay, std::chrono::seconds(1));
  for (int i = 1; i < attempts && delay < policy.max_delay; ++i)
    delay *= 2;
  return std::min(delay, policy.max_delay);
}

}  // namespace candela::control
