// A real `candela edge --portal` counts what it serves per property and minute and posts it to
// the portal: the reported totals equal what its access log shows, also across a graceful
// restart in the middle of a minute; batches wait in the spool while the portal fails; and the
// real portal takes the batches into its usage report.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "common/ids.hpp"
#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"
#include "support/scripted_portal.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string scid(std::uint64_t seed) {
  SeededRandom random(seed);
  return generate_scid(random);
}

json property(const std::string& service, const std::string& alias, int origin_port) {
  json p = property_json(service + ".www", alias, origin_port);
  p["service_id"] = service;
  return p;
}

bool is_usage(const ScriptedRequest& r) {
  return r.method == "POST" && r.target.ends_with("/usage");
}

// Per property, the sum over minutes of each minute's row with the highest revision: what a
// portal that keeps the latest revision holds.
std::map<std::string, json> reported_totals(const std::vector<ScriptedRequest>& received) {
  std::map<std::pair<std::string, std::string>, json> latest;
  for (const auto& r : received) {
    if (!is_usage(r) || r.body.is_discarded()) continue;
    for (const auto& row : r.body["rows"]) {
      auto& kept = latest[{row["property"], row["minute"]}];
      if (kept.is_null() || kept["revision"] < row["revision"]) kept = row;
    }
  }
  std::map<std::string, json> totals;
  for (const auto& [key, row] : latest) {
    json& t = totals[key.first];
    if (t.is_null()) t = json::object();
    for (const auto& [field, value] : row.items()) {
      if (field == "property" || field == "minute" || field == "revision") continue;
      t[field] = t.value(field, 0LL) + value.get<long long>();
    }
  }
  return totals;
}

// The same figures counted from the access log lines.
std::map<std::string, json> logged_totals(const std::string& access_log) {
  std::map<std::string, json> totals;
  std::ifstream in(access_log);
  std::string line;
  const std::map<std::string, std::string> outcome_fields = {
      {"hit", "hits"},    {"miss", "misses"}, {"stale", "stale"}, {"revalidated", "revalidated"},
      {"pass", "passes"}, {"error", "errors"}};
  while (std::getline(in, line)) {
    const json l = json::parse(line);
    if (l["property"] == "" || l["property"] == "-") continue;
    json& t = totals[l["property"]];
    if (t.is_null()) t = json::object();
    auto add = [&t](const std::string& field, long long v) { t[field] = t.value(field, 0LL) + v; };
    add("requests", 1);
    add("bytes", l["bytes"].get<long long>());
    add("body_bytes", l["body_bytes"].get<long long>());
    add("http", 1);
    add("status_" + std::to_string(l["status"].get<int>() / 100) + "xx", 1);
    if (auto it = outcome_fields.find(l["cache"]); it != outcome_fields.end()) add(it->second, 1);
  }
  return totals;
}

// One reported or logged figure; 0 when the property or field is absent.
long long figure(const std::map<std::string, json>& totals, const std::string& property,
                 const std::string& field) {
  const auto it = totals.find(property);
  if (it == totals.end() || !it->second.contains(field)) return 0;
  return it->second[field].get<long long>();
}

class EdgeUsageReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.put("/a.txt", std::string(1000, 'a'), {"Cache-Control: max-age=300"});
  }

  std::unique_ptr<FollowingEdge> start_edge(ScriptedPortal& portal) {
    EdgeExtras extras;
    extras.access_log = true;
    extras.config = {{"access_log", {{"rotate_hourly", false}}}};
    extras.args = {"--usage-interval-ms", "200"};
    return std::make_unique<FollowingEdge>(
        "edge-u", portal.url(), "node-token",
        std::vector<json>{property(www_, "www.usage.test", origin_.port()),
                          property(down_, "down.usage.test", free_port())},
        "production", std::move(extras));
  }

  OriginServer origin_;
  const std::string www_ = scid(1);
  const std::string down_ = scid(2);  // its origin does not listen: every request is an error
};

TEST_F(EdgeUsageReportTest, ReportedTotalsEqualTheAccessLogAcrossAGracefulRestart) {
  ScriptedPortal portal([](const ScriptedRequest& r) { return is_usage(r) ? 200 : 503; });
  auto edge = start_edge(portal);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(http_get(edge->port(), "/a.txt", "www.usage.test")->status, 200);
  ASSERT_EQ(http_get(edge->port(), "/missing.txt", "www.usage.test")->status, 404);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(http_get(edge->port(), "/x", "down.usage.test")->status, 502);
  ASSERT_EQ(http_get(edge->port(), "/a.txt", "nobody.usage.test")->status, 404);  // no property

  ASSERT_TRUE(eventually([&] {
    auto t = reported_totals(portal.received());
    return figure(t, www_ + ".www", "requests") == 4 && figure(t, down_ + ".www", "requests") == 2;
  })) << edge->log();
  EXPECT_GT(figure(reported_totals(portal.received()), www_ + ".www", "fill_bytes"), 1000);

  // Restart: the minute in progress continues from its total before the restart.
  edge->stop();
  edge->start();
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(http_get(edge->port(), "/a.txt", "www.usage.test")->status, 200);
  ASSERT_TRUE(eventually([&] {
    return figure(reported_totals(portal.received()), www_ + ".www", "requests") == 6;
  })) << edge->log();
  edge->stop();  // flushes the access log and posts the final batch

  const auto reported = reported_totals(portal.received());
  const auto logged = logged_totals(edge->access_log_path());
  ASSERT_EQ(logged.size(), 2u);
  for (const auto& [property, expected] : logged) {
    for (const auto& [field, value] : expected.items()) {
      EXPECT_EQ(figure(reported, property, field), value.get<long long>())
          << property << " " << field;
    }
    EXPECT_EQ(figure(reported, property, "https"), 0);
    EXPECT_GE(figure(reported, property, "peak_rps"), 1);
  }
  EXPECT_EQ(figure(reported, down_ + ".www", "errors"), 2);
  EXPECT_EQ(figure(reported, down_ + ".www", "fill_bytes"), 0);

  // Batches came in strictly increasing order across the restart, each with the node token.
  long long last = 0;
  for (const auto& r : portal.received()) {
    if (!is_usage(r)) continue;
    EXPECT_EQ(r.target, "/api/v1/edges/edge-u/usage");
    EXPECT_EQ(r.authorization, "Bearer node-token");
    EXPECT_GT(r.body["batch"].get<long long>(), last);
    last = r.body["batch"].get<long long>();
  }
  EXPECT_FALSE(std::filesystem::exists(edge->dir() + "/state/usage/batch-" +
                                       std::string(20 - std::to_string(last).size(), '0') +
                                       std::to_string(last) + ".json"));
}

TEST_F(EdgeUsageReportTest, BatchesWaitInTheSpoolWhileThePortalFailsAndArriveInOrder) {
  std::atomic<bool> failing{true};
  ScriptedPortal portal([&](const ScriptedRequest& r) {
    if (!is_usage(r)) return 503;
    return failing ? 503 : 200;
  });
  auto edge = start_edge(portal);
  ASSERT_EQ(http_get(edge->port(), "/a.txt", "www.usage.test")->status, 200);
  const std::string spool = edge->dir() + "/state/usage";
  auto spooled = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(spool))
      n += e.path().filename().string().starts_with("batch-");
    return n;
  };
  ASSERT_TRUE(eventually([&] { return spooled() >= 1; })) << edge->log();
  ASSERT_EQ(http_get(edge->port(), "/a.txt", "www.usage.test")->status, 200);
  ASSERT_TRUE(eventually([&] { return spooled() >= 2; })) << edge->log();
  failing = false;
  ASSERT_TRUE(eventually([&] {
    return figure(reported_totals(portal.received()), www_ + ".www", "requests") == 2;
  })) << edge->log();
  ASSERT_TRUE(eventually([&] { return spooled() == 0; }));
  // Refused batches were retried, never skipped: the batch numbers sent never jump a number.
  std::vector<long long> sent;
  for (const auto& r : portal.received()) {
    if (is_usage(r)) sent.push_back(r.body["batch"].get<long long>());
  }
  ASSERT_FALSE(sent.empty());
  for (std::size_t i = 1; i < sent.size(); ++i) {
    EXPECT_TRUE(sent[i] == sent[i - 1] || sent[i] == sent[i - 1] + 1)
        << sent[i - 1] << " then " << sent[i];
  }
  EXPECT_EQ(sent.front(), 1);
  EXPECT_NE(edge->log().find("usage: batch 1 not accepted, will retry: HTTP 503"),
            std::string::npos);
}

// RFC 3339 of the hour of `t`, shifted by `hours`.
std::string hour_text(std::chrono::system_clock::time_point t, int hours) {
  using namespace std::chrono;
  const auto hour = floor<std::chrono::hours>(t) + std::chrono::hours(hours);
  const auto day = floor<days>(hour);
  const year_month_day ymd{day};
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02ld:00:00Z", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(duration_cast<std::chrono::hours>(hour - day).count()));
  return text;
}

TEST_F(EdgeUsageReportTest, TheRealPortalTakesTheBatchesIntoItsUsageReport) {
  PortalProcess portal;
  ApiClient staff(portal.port(), SystemClock::instance());
  ASSERT_EQ(staff.sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status, 201);
  ApiResponse group =
      staff.post("/api/v1/access-groups", {{"name", "Usage"}, {"parent_id", nullptr}});
  ASSERT_EQ(group.status, 201) << group.body;
  ApiResponse customer =
      staff.post("/api/v1/customers", {{"name", "Usage Ltd"},
                                       {"organisation_id", group.json["id"]},
                                       {"country", "GB"},
                                       {"invoice_email", "billing@usage.example"}});
  ASSERT_EQ(customer.status, 201) << customer.body;
  ApiResponse service =
      staff.post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                      {"customer_number", customer.json["customer_number"]}});
  ASSERT_EQ(service.status, 201) << service.body;
  const std::string scid = service.json["scid"];
  ApiResponse made =
      staff.post("/api/v1/edges",
                 {{"edge_id", "edge-real"}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
  ASSERT_EQ(made.status, 201) << made.body;

  EdgeExtras extras;
  extras.args = {"--usage-interval-ms", "200"};
  FollowingEdge edge("edge-real", portal.url(), made.json.value("node_token", ""),
                     {property(scid, "real.usage.test", origin_.port())}, "production",
                     std::move(extras));
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(http_get(edge.port(), "/a.txt", "real.usage.test")->status, 200);

  const auto now = std::chrono::system_clock::now();
  const std::string report = "/api/v1/usage?scid=" + scid + "&from=" + hour_text(now, -1) +
                             "&to=" + hour_text(now, 2) + "&granularity=hour";
  json totals;
  ASSERT_TRUE(eventually([&] {
    ApiResponse r = staff.get(report);
    if (r.status != 200) return false;
    totals = r.json["totals"];
    return totals.value("requests", 0) == 3;
  })) << staff.get(report).body
      << "\n"
      << edge.log();
  EXPECT_EQ(totals["misses"], 1);
  EXPECT_EQ(totals["hits"], 2);
  EXPECT_EQ(totals["body_bytes"], 3000);
  EXPECT_EQ(totals["status_2xx"], 3);
  EXPECT_GT(totals["fill_bytes"].get<long long>(), 1000);
  // Nothing was refused or left behind.
  edge.stop();
  EXPECT_EQ(edge.log().find("refused batch"), std::string::npos) << edge.log();
  for (const auto& e : std::filesystem::directory_iterator(edge.dir() + "/state/usage"))
    EXPECT_FALSE(e.path().filename().string().starts_with("batch-")) << e.path();
}

}  // namespace
}  // namespace candela::testing
