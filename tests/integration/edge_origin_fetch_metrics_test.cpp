// candela_edge_property_origin_fetches_total{property,result} (docs/edge.md "Metrics"): every
// request the edge sends to a property's origin counts once, "ok" when a response arrived (an
// error status too: the origin answered) and "failed" when it could not be reached, timed out or
// sent no valid response. The monitor raises origin_unreachable from it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

std::string series(const std::string& property, const std::string& result) {
  return "candela_edge_property_origin_fetches_total{property=\"" + property + "\",result=\"" +
         result + "\"}";
}

TEST(EdgeOriginFetchMetrics, AnOriginThatIsDownCountsFailedFetchesPerProperty) {
  OriginServer origin({"--cache-control", "public, max-age=60"});
  origin.put("/a.txt", "aaa\n");
  origin.put("/broken.txt", "oops\n", {"@status: 500"});
  const int closed_port = free_port();  // nothing listens here
  EdgeServer edge(edge_config({property_json("up", "up.test", origin.port()),
                               property_json("down", "down.test", closed_port)}));

  for (int i = 0; i < 3; ++i) {
    auto r = http_get(edge.port(), "/a.txt", "down.test");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
  }
  for (const char* path : {"/a.txt", "/a.txt", "/broken.txt", "/_origin/echo"}) {
    auto r = http_get(edge.port(), path, "up.test");
    ASSERT_TRUE(r);
  }
  std::string text;
  EXPECT_TRUE(wait_until([&] {
    text = metrics_text(edge.admin_port());
    return metric_value(text, series("down", "failed")) == 3.0 &&
           metric_value(text, series("up", "ok")) == 3.0;
  })) << text;
  // The second /a.txt is a hit (no fetch); the 500 and the pass are answers from the origin.
  EXPECT_EQ(metric_value(text, series("down", "failed")), 3.0) << text;
  EXPECT_EQ(metric_value(text, series("down", "ok")), 0.0) << text;
  EXPECT_EQ(metric_value(text, series("up", "ok")), 3.0) << text;
  EXPECT_EQ(metric_value(text, series("up", "failed")), 0.0) << text;

  // The origin goes away: the next fill of the healthy property fails and is counted so.
  origin.stop();
  auto r = http_get(edge.port(), "/b.txt", "up.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_TRUE(wait_until([&] {
    text = metrics_text(edge.admin_port());
    return metric_value(text, series("up", "failed")) == 1.0;
  })) << text;
  EXPECT_EQ(metric_value(text, series("up", "ok")), 3.0) << text;
}

TEST(EdgeOriginFetchMetrics, AnOriginThatNeverAnswersCountsAFailedFetch) {
  OriginServer origin;
  origin.put("/stuck.txt", "late\n", {"@delay-ms: 3000"});
  json property = property_json("slow", "slow.test", origin.port());
  property["origin"]["response_timeout_ms"] = 300;
  EdgeServer edge(edge_config({property}));
  auto r = http_get(edge.port(), "/stuck.txt", "slow.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  std::string text;
  EXPECT_TRUE(wait_until([&] {
    text = metrics_text(edge.admin_port());
    return metric_value(text, series("slow", "failed")) == 1.0;
  })) << text;
  EXPECT_EQ(metric_value(text, series("slow", "ok")), 0.0) << text;
}

}  // namespace
}  // namespace candela::testing
