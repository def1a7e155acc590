// One real edge ships its access log to a real portal: rotated every second, split per property,
// downloaded back from the portal line for line — also when the portal is down for a while.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/gzip.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kWww = "www.logs.example";
constexpr const char* kImg = "img.logs.example";

std::string utc_day(std::chrono::system_clock::time_point t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

class EdgeLogShippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_day_ = utc_day(std::chrono::system_clock::now());
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", "a");
    origin_->put("/img/x.jpg", "x");
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", "Logs"}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", "Logs Ltd"},
                                           {"organisation_id", group.json["id"]},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@logs.example"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    ApiResponse service =
        staff_->post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                          {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    scid_ = service.json["scid"];
    ASSERT_EQ(staff_->patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "test"}})
                  .status,
              200);
    // The properties come from the edge's own file, named as the portal names deployed ones
    // ("<SCID>.<property>"): shipping does not depend on how a property reached the edge.
    const json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}};
    const std::vector<json> properties = {
        {{"id", scid_ + ".www"}, {"service_id", scid_}, {"aliases", {kWww}}, {"origin", origin}},
        {{"id", scid_ + ".img"}, {"service_id", scid_}, {"aliases", {kImg}}, {"origin", origin}}};
    ApiResponse made =
        staff_->post("/api/v1/edges",
                     {{"edge_id", "edge-a"}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EdgeExtras extras;
    extras.access_log = true;
    extras.config = {{"access_log", {{"rotate_every_seconds", 1}}}};
    extras.args = {"--log-ship-interval-ms", "100"};
    edge_ =
        std::make_unique<FollowingEdge>("edge-a", portal_->url(), made.json.value("node_token", ""),
                                        properties, "production", extras);
    ASSERT_TRUE(eventually([&] {
      auto r = http_get(edge_->port(), "/a.txt", kWww);
      return r && r->status == 200;
    })) << edge_->log();
  }

  // Every line the portal holds for `property`, over the days the test ran in.
  std::vector<json> downloaded(const std::string& property) {
    std::vector<json> lines;
    std::vector<std::string> days = {first_day_};
    if (const auto today = utc_day(std::chrono::system_clock::now()); today != first_day_)
      days.push_back(today);
    for (const auto& day : days) {
      ApiResponse r =
          staff_->get("/api/v1/services/" + scid_ + "/log-files/" + property + "/" + day);
      if (r.status == 404) continue;
      EXPECT_EQ(r.status, 200) << r.body;
      auto text = gzip_decompress(r.body);
      EXPECT_TRUE(text) << "not gzip";
      for (const auto& line : split_lines(text.value_or(""))) {
        lines.push_back(json::parse(line));
      }
    }
    return lines;
  }

  // How often each path with `prefix` appears in what the portal holds for `property`.
  std::map<std::string, int> shipped_paths(const std::string& property, const std::string& prefix) {
    std::map<std::string, int> seen;
    for (const auto& line : downloaded(property)) {
      const std::string path = line["path"];
      if (path.starts_with(prefix)) ++seen[path];
    }
    return seen;
  }

  static std::map<std::string, int> numbered(const std::string& prefix, int from, int to) {
    std::map<std::string, int> out;
    for (int i = from; i < to; ++i)
      out[prefix + std::to_string(i)] = 1;
    return out;
  }

  void request(const char* host, const std::string& path) {
    auto r = http_get(edge_->port(), path, host);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
  }

  std::string first_day_;
  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::unique_ptr<FollowingEdge> edge_;
  std::string scid_;
};

TEST_F(EdgeLogShippingTest, EveryLineReachesThePortalOnceEvenAcrossAPortalOutage) {
  for (int i = 0; i < 20; ++i)
    request(kWww, "/a.txt?n=" + std::to_string(i));
  for (int i = 0; i < 10; ++i)
    request(kImg, "/img/x.jpg?n=" + std::to_string(i));
  http_get(edge_->port(), "/nowhere", "unknown.example");  // no property: never shipped

  std::map<std::string, int> www;
  EXPECT_TRUE(eventually([&] {
    www = shipped_paths("www", "/a.txt?n=");
    return www.size() == 20;
  })) << edge_->log();
  EXPECT_EQ(www, numbered("/a.txt?n=", 0, 20));
  EXPECT_TRUE(eventually([&] { return shipped_paths("img", "/img/x.jpg?n=").size() == 10; }));
  EXPECT_EQ(shipped_paths("img", "/img/x.jpg?n="), numbered("/img/x.jpg?n=", 0, 10));
  for (const auto& line : downloaded("www")) {
    EXPECT_EQ(line["property"], scid_ + ".www");
    EXPECT_EQ(line["edge"], "edge-a");
  }

  // The portal goes away; the edge keeps serving, rotating and queueing its logs.
  portal_->stop();
  for (int i = 20; i < 30; ++i)
    request(kWww, "/a.txt?n=" + std::to_string(i));
  std::this_thread::sleep_for(2500ms);  // rotations happen, shipping fails and retries
  portal_->start();
  EXPECT_TRUE(eventually([&] {
    www = shipped_paths("www", "/a.txt?n=");
    return www.size() == 30;
  })) << edge_->log();
  EXPECT_EQ(www, numbered("/a.txt?n=", 0, 30)) << "every line once, none doubled";
  EXPECT_NE(edge_->log().find("log shipping: delivering again"), std::string::npos) << edge_->log();
}

}  // namespace
}  // namespace candela::testing
