// The usage API over HTTP: edges post batches with their node token, customers read reports
// (JSON and CSV) and the live view, and nobody reads another customer's usage.
#include <gtest/gtest.h>

#include <set>

#include "control/usage_counters.hpp"
#include "control/usage_time.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace candela::control;

class UsageApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    shop_ = create_group(std::nullopt, "Shop");
    shop_eu_ = create_group(shop_, "Shop EU");
    other_ = create_group(std::nullopt, "Other");
    const std::string customer = create_customer("Shop Ltd", shop_);
    const std::string other_customer = create_customer("Other Ltd", other_);
    create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}});
    create_user("viewer@shop.example", kPassword, {{Role::kReadOnly, shop_}});
    create_user("admin@other.example", kPassword, {{Role::kAdmin, other_}});
    ApiClient staff = signed_in("staff@provider.example", kPassword);
    scid_ = api_create_service(staff, shop_eu_, customer);
    other_scid_ = api_create_service(staff, other_, other_customer);
    token_a_ = api_create_edge(staff, "edge-a");
    token_b_ = api_create_edge(staff, "edge-b");
    minute_ = bucket_start(to_epoch_ms(clock().now()), kMinuteMs) - 5 * kMinuteMs;
  }

  static json usage_row(const std::string& property, long long minute, long long revision,
                        long long requests, long long bytes) {
    json row = {{"property", property}, {"minute", format_utc_ms(minute)}, {"revision", revision}};
    for (auto field : kUsageFields)
      row[std::string(field)] = 0;
    row["requests"] = requests;
    row["bytes"] = bytes;
    row["body_bytes"] = bytes / 2;
    row["hits"] = requests - 1;
    row["misses"] = 1;
    row["status_2xx"] = requests;
    row["https"] = requests;
    row["peak_rps"] = 2;
    return row;
  }

  json batch(long long number, json rows) const {
    return {{"batch", number},
            {"complete_until", format_utc_ms(minute_ + kMinuteMs)},
            {"rows", std::move(rows)}};
  }

  ApiResponse post_usage(const std::string& edge, const std::string& token, const json& body) {
    ApiClient node = client();
    return node.post("/api/v1/edges/" + edge + "/usage", body, {"Authorization: Bearer " + token});
  }

  std::string report_path(const std::string& scope, const std::string& extra = "") const {
    const long long hour = bucket_start(minute_, kHourMs);
    return "/api/v1/usage?" + scope + "&from=" + format_utc_ms(hour) +
           "&to=" + format_utc_ms(hour + 2 * kHourMs) + "&granularity=hour" + extra;
  }

  static std::set<std::string> pointers_of(const ApiResponse& response) {
    std::set<std::string> out;
    for (const auto& error : response.json["errors"])
      out.insert(error.value("pointer", ""));
    return out;
  }

  static constexpr const char* kPassword = "a long enough password";
  long long shop_ = 0, shop_eu_ = 0, other_ = 0, minute_ = 0;
  std::string scid_, other_scid_, token_a_, token_b_;
};

TEST_P(UsageApiTest, EdgesPostUsageAndCustomersReadIt) {
  const json rows = {usage_row(scid_ + ".www", minute_, 1, 10, 1000),
                     usage_row(scid_ + ".img", minute_, 1, 4, 400),
                     usage_row("SC9999999.www", minute_, 1, 1, 1)};
  ApiResponse first = post_usage("edge-a", token_a_, batch(1, rows));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json, (json{{"accepted", 2}, {"ignored", 0}, {"unknown", 1}}));
  ApiResponse retried = post_usage("edge-a", token_a_, batch(1, rows));
  EXPECT_EQ(retried.json, (json{{"accepted", 0}, {"ignored", 2}, {"unknown", 1}}));
  ApiResponse other_edge =
      post_usage("edge-b", token_b_, batch(7, {usage_row(scid_ + ".www", minute_, 1, 5, 500)}));
  ASSERT_EQ(other_edge.status, 200) << other_edge.body;

  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  ApiResponse service = viewer.get(report_path("scid=" + scid_));
  ASSERT_EQ(service.status, 200) << service.body;
  EXPECT_EQ(service.json["scope"], (json{{"kind", "service"}, {"scid", scid_}}));
  EXPECT_EQ(service.json["totals"]["requests"], 19);
  EXPECT_EQ(service.json["totals"]["bytes"], 1900);
  EXPECT_EQ(service.json["totals"]["peak_rps"], 6);  // www 2 + 2 on two edges, img 2
  EXPECT_EQ(service.json["series"].size(), 2u);
  EXPECT_EQ(service.json["complete_until"], format_utc_ms(minute_ + kMinuteMs));
  ApiResponse www = viewer.get(report_path("scid=" + scid_ + "&property=www"));
  ASSERT_EQ(www.status, 200) << www.body;
  EXPECT_EQ(www.json["totals"]["requests"], 15);
  EXPECT_DOUBLE_EQ(www.json["totals"]["hit_ratio"].get<double>(), 13.0 / 15.0);
  EXPECT_TRUE(www.json["series"][1]["hit_ratio"].is_null());
  ApiResponse group = viewer.get(report_path("group_id=" + std::to_string(shop_)));
  ASSERT_EQ(group.status, 200) << group.body;
  EXPECT_EQ(group.json["totals"]["requests"], 19);
}

TEST_P(UsageApiTest, ReportsComeAsCsvOnRequest) {
  ASSERT_EQ(
      post_usage("edge-a", token_a_, batch(1, {usage_row(scid_ + ".www", minute_, 1, 10, 1000)}))
          .status,
      200);
  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  for (const auto& [path, headers] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {report_path("scid=" + scid_ + "&property=www", "&format=csv"), {}},
           {report_path("scid=" + scid_ + "&property=www"), {"Accept: text/csv"}}}) {
    ApiResponse csv = viewer.get(path, headers);
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.header("Content-Type").rfind("text/csv", 0), 0u);
    EXPECT_NE(csv.header("Content-Disposition").find("filename=\"usage-" + scid_ + ".www-"),
              std::string::npos)
        << csv.header("Content-Disposition");
    const auto first_line = csv.body.substr(0, csv.body.find("\r\n"));
    EXPECT_EQ(first_line.rfind("start,requests,bytes,body_bytes,fill_bytes,hits,", 0), 0u);
    EXPECT_NE(first_line.find(",peak_rps,hit_ratio"), std::string::npos);
    std::size_t lines = 0;
    for (char c : csv.body)
      lines += c == '\n';
    EXPECT_EQ(lines, 3u);  // header + two hours
    const long long hour = bucket_start(minute_, kHourMs);
    EXPECT_NE(csv.body.find("\r\n" + format_utc_ms(hour) + ",10,1000,500,0,9,1,"),
              std::string::npos)
        << csv.body;
  }
}

TEST_P(UsageApiTest, LiveViewShowsRecentMinutes) {
  const long long now = bucket_start(to_epoch_ms(clock().now()), kMinuteMs);
  ASSERT_EQ(post_usage("edge-a", token_a_, batch(1, {usage_row(scid_ + ".www", now, 3, 120, 1200)}))
                .status,
            200);
  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  ApiResponse live = viewer.get("/api/v1/usage/live?scid=" + scid_ + "&minutes=3");
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_EQ(live.json["minutes"], 3);
  ASSERT_EQ(live.json["properties"].size(), 1u);
  const json& series = live.json["properties"][0]["series"];
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[2]["minute"], format_utc_ms(now));
  EXPECT_EQ(series[2]["requests"], 120);
  EXPECT_DOUBLE_EQ(series[2]["rps"].get<double>(), 2.0);
  EXPECT_EQ(series[0]["requests"], 0);
  EXPECT_EQ(viewer.get("/api/v1/usage/live?scid=" + scid_ + "&minutes=0").status, 400);
}

TEST_P(UsageApiTest, OnlyTheEdgesOwnTokenMayPost) {
  const json body = batch(1, {usage_row(scid_ + ".www", minute_, 1, 10, 1000)});
  ApiClient anonymous = client();
  EXPECT_EQ(anonymous.post("/api/v1/edges/edge-a/usage", body).status, 401);
  EXPECT_EQ(post_usage("edge-a", "not-a-token", body).status, 401);
  EXPECT_EQ(post_usage("edge-a", token_b_, body).status, 403);
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  EXPECT_EQ(staff.post("/api/v1/edges/edge-a/usage", body).status, 401);
  ApiResponse report = staff.get(report_path("scid=" + scid_));
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.json["totals"]["requests"], 0);
}

TEST_P(UsageApiTest, MalformedBatchesAreRefusedWithLocatedErrors) {
  json rows = {usage_row(scid_ + ".www", minute_, 1, 10, 1000),
               usage_row(scid_ + ".www", minute_ + 1000, 1, 10, 1000),
               usage_row(scid_ + ".www", minute_, 1, 10, 1000)};
  rows[2]["errors"] = -1;
  rows[0]["colour"] = "red";
  json body = batch(1, rows);
  body["complete_until"] = "yesterday";
  ApiResponse refused = post_usage("edge-a", token_a_, body);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(pointers_of(refused), (std::set<std::string>{"/complete_until", "/rows/0/colour",
                                                         "/rows/1/minute", "/rows/2/errors"}));
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse report = staff.get(report_path("scid=" + scid_));
  EXPECT_EQ(report.json["totals"]["requests"], 0) << "nothing of a refused batch is stored";
  EXPECT_EQ(post_usage("edge-a", token_a_, json::array()).status, 400);
}

TEST_P(UsageApiTest, BatchesBeyondTheGeneralBodyLimitReachTheBatchRules) {
  // Over 1 MiB, the limit of every other request: the server lets a usage batch through to the
  // row limit, which refuses it with a located error and stores nothing.
  json rows = json::array();
  for (int i = 0; i < 20001; ++i)
    rows.push_back(usage_row(scid_ + ".www", minute_ - (i % 600) * kMinuteMs, 1, 1, 1));
  ASSERT_GT(batch(1, rows).dump().size(), 1024u * 1024u);
  ApiResponse refused = post_usage("edge-a", token_a_, batch(1, rows));
  EXPECT_EQ(refused.status, 400) << refused.body.substr(0, 300);
  EXPECT_EQ(pointers_of(refused), (std::set<std::string>{"/rows"}));
  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  EXPECT_EQ(viewer.get(report_path("scid=" + scid_)).json["totals"]["requests"], 0);
}

TEST_P(UsageApiTest, BadReportQueriesAreLocated) {
  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  const std::string base = "/api/v1/usage?scid=" + scid_;
  EXPECT_EQ(pointers_of(viewer.get(base + "&from=2026-11-02&to=2026-11-01")),
            std::set<std::string>{"/query/to"});
  EXPECT_EQ(pointers_of(viewer.get(base + "&from=2026-11-01&to=2026-11-02&granularity=week")),
            std::set<std::string>{"/query/granularity"});
  EXPECT_EQ(pointers_of(viewer.get(base + "&from=2026-01-01&to=2026-11-02&granularity=hour")),
            std::set<std::string>{"/query/to"});
  EXPECT_EQ(pointers_of(viewer.get(base + "&from=nope&to=2026-11-02")),
            std::set<std::string>{"/query/from"});
  EXPECT_EQ(pointers_of(viewer.get("/api/v1/usage?from=2026-11-01&to=2026-11-02")),
            std::set<std::string>{"/query/scid"});
  EXPECT_EQ(viewer.get(base + "&from=2026-11-02&to=2026-11-01").header("Content-Type"),
            "application/problem+json");
}

TEST_P(UsageApiTest, AnotherCustomerSeesNoneOfIt) {
  ASSERT_EQ(
      post_usage("edge-a", token_a_, batch(1, {usage_row(scid_ + ".www", minute_, 1, 10, 1000)}))
          .status,
      200);
  ApiClient intruder = signed_in("admin@other.example", kPassword);
  for (const std::string& path :
       {report_path("scid=" + scid_), report_path("scid=" + scid_ + "&property=www"),
        report_path("group_id=" + std::to_string(shop_)),
        report_path("group_id=" + std::to_string(shop_eu_), "&format=csv"),
        "/api/v1/usage/live?scid=" + scid_}) {
    ApiResponse refused = intruder.get(path);
    EXPECT_EQ(refused.status, 404) << path << " " << refused.body;
    EXPECT_EQ(refused.body.find("1000"), std::string::npos);
  }
  ApiResponse own = intruder.get(report_path("scid=" + other_scid_));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json["totals"]["requests"], 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, UsageApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
