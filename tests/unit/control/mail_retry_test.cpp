// The retry schedule of failed mail: doubling from the first delay, capped.
#include "control/mail_retry.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace candela::control {
namespace {

using std::chrono::seconds;

TEST(MailRetryTest, DoublesFromThirtySecondsUpToAnHour) {
  const MailRetryPolicy policy;  // 30 s first, 1 h cap
  std::vector<long long> delays;
  for (int attempt = 1; attempt <= 10; ++attempt)
    delays.push_back(mail_retry_delay(policy, attempt).count());
  EXPECT_EQ(delays, (std::vector<long long>{30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600}));
}

TEST(MailRetryTest, HonoursOtherSettingsAndNeverOverflows) {
  const MailRetryPolicy quick{seconds(1), seconds(5), 3};
  EXPECT_EQ(mail_retry_delay(quick, 1), seconds(1));
  EXPECT_EQ(mail_retry_delay(quick, 3), seconds(4));
  EXPECT_EQ(mail_retry_delay(quick, 4), seconds(5));
  EXPECT_EQ(mail_retry_delay(MailRetryPolicy{}, 1'000'000), seconds(3600));
  EXPECT_EQ(mail_retry_delay(MailRetryPolicy{seconds(0), seconds(10), 3}, 1), seconds(1))
      << "a zero first delay would retry in a busy loop";
}

}  // namespace
}  // namespace candela::control
