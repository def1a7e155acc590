// The access log's rotation period in the edge configuration (what the log shipper ships from).
#include <gtest/gtest.h>

#include "edge/edge_config.hpp"

namespace candela::edge {
namespace {

std::string config_with(const std::string& access_log) {
  return R"({"edge_id": "e1", "listen": ["127.0.0.1:8080"], "access_log": )" + access_log + "}";
}

TEST(LogRotationConfig, RotatesHourlyUnlessAnotherPeriodIsGiven) {
  auto plain = parse_edge_config(config_with(R"({"path": "/tmp/a.log"})"));
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_TRUE(plain->access_log.rotate_hourly);
  EXPECT_EQ(plain->access_log.rotate_every_seconds, 3600u);

  auto fast =
      parse_edge_config(config_with(R"({"path": "/tmp/a.log", "rotate_every_seconds": 2})"));
  ASSERT_TRUE(fast.ok()) << fast.error();
  EXPECT_EQ(fast->access_log.rotate_every_seconds, 2u);
}

TEST(LogRotationConfig, RefusesAPeriodOutOfRangeOrWithTimeRotationOff) {
  for (const char* bad : {R"({"rotate_every_seconds": 0})", R"({"rotate_every_seconds": 86401})",
                          R"({"rotate_every_seconds": "2"})"}) {
    auto r = parse_edge_config(config_with(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().find("/access_log/rotate_every_seconds"), std::string::npos) << r.error();
  }
  auto both =
      parse_edge_config(config_with(R"({"rotate_hourly": false, "rotate_every_seconds": 60})"));
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().find("cannot be combined with rotate_hourly: false"), std::string::npos)
      << both.error();
}

}  // namespace
}  // namespace candela::edge
