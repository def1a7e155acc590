// The edge network through the API of an in-process portal (docs/noc.md): edges register their
// admin address and capacity; a monitor stores health reports (PUT /api/v1/network/health) that
// the topology, the edge API and the NOC dashboard show while fresh (30 s, the portal's clock);
// edges, monitors and staff read the topology; customers, users on the health route, wrong tokens
// and bad bodies are refused, and a refused report stores nothing.
#include <gtest/gtest.h>

#include <chrono>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

std::string utc(SysTime at) {
  const std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(at));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::vector<std::string> bearer(const std::string& token) {
  return {"Authorization: Bearer " + token};
}

bool has_pointer(const ApiResponse& response, const std::string& pointer) {
  if (!response.json.contains("errors")) return false;
  for (const auto& error : response.json["errors"])
    if (error.value("pointer", "") == pointer) return true;
  return false;
}

class TopologyApiTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    options.settings.cdn_domain = "cdn.candela.test";
  }

  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme Corporation");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}});
    ApiClient root = signed_in("root@provider.test", kPassword);
    scid_ = api_create_service(root, acme_, create_customer("Acme Corporation Ltd", acme_));
    auto active = root.patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "go"}});
    ASSERT_EQ(active.status, 200) << active.body;
    edge_token_ = api_create_edge(root, "edge-a");
    shield_token_ = api_create_edge(root, "shield-1");
    staging_token_ = api_create_edge(root, "edge-stage", "staging");
    auto monitor = root.post("/api/v1/noc/monitors", {{"monitor_id", "monitor-1"}});
    ASSERT_EQ(monitor.status, 201) << monitor.body;
    monitor_token_ = monitor.json.value("token", "");
  }

  ApiResponse register_edge(const std::string& id, const std::string& token,
                            const nlohmann::json& body) {
    return client().put("/api/v1/edges/" + id + "/registration", body, bearer(token));
  }

  nlohmann::json health_edge(const std::string& id, const std::string& state) {
    return {{"edge_id", id},
            {"state", state},
            {"since", utc(clock().now() - std::chrono::minutes(1))},
            {"requests_per_second", 12.5},
            {"bytes_per_second", 10240},
            {"error_rate", 0.0},
            {"overloaded", false},
            {"detail", "ok"}};
  }

  ApiResponse put_health(const nlohmann::json& body, const std::string& token) {
    return client().put("/api/v1/network/health", body, bearer(token));
  }

  ApiResponse topology(const std::string& token, const std::string& query = "") {
    return client().get("/api/v1/network/topology" + query, bearer(token));
  }

  // edge_id → the topology's row for it.
  static std::map<std::string, nlohmann::json> rows(const ApiResponse& response) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& edge : response.json["edges"])
      out[edge["edge_id"].get<std::string>()] = edge;
    return out;
  }

  long long acme_ = 0;
  std::string scid_;
  std::string edge_token_, shield_token_, staging_token_, monitor_token_;
};

TEST_P(TopologyApiTest, RegistrationStoresAdminAddressAndCapacityAndKeepsThemWhenAbsent) {
  auto registered = register_edge(
      "edge-a", edge_token_,
      {{"address", "127.0.0.1:8081"},
       {"network", "production"},
       {"admin_address", "127.0.0.1:9181"},
       {"capacity", {{"requests_per_second", 20000}, {"bytes_per_second", 125000000}}}});
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.json["admin_address"], "127.0.0.1:9181");
  EXPECT_EQ(registered.json["capacity"]["requests_per_second"], 20000);
  EXPECT_EQ(registered.json["capacity"]["bytes_per_second"], 125000000);
  EXPECT_TRUE(registered.json["health"].is_null());

  // An older edge sends neither; null admin_address also keeps the stored one.
  auto again = register_edge("edge-a", edge_token_,
                             {{"address", "127.0.0.1:8082"}, {"admin_address", nullptr}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["address"], "127.0.0.1:8082");
  EXPECT_EQ(again.json["admin_address"], "127.0.0.1:9181");
  EXPECT_EQ(again.json["capacity"]["requests_per_second"], 20000);

  ApiClient root = signed_in("root@provider.test", kPassword);
  auto shown = root.get("/api/v1/edges/edge-a");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json["admin_address"], "127.0.0.1:9181");
  EXPECT_EQ(shown.json["capacity"]["bytes_per_second"], 125000000);
  auto other = root.get("/api/v1/edges/shield-1");
  EXPECT_TRUE(other.json["admin_address"].is_null());
  EXPECT_EQ(other.json["capacity"]["requests_per_second"], 0);
}

TEST_P(TopologyApiTest, ABadRegistrationIsRefusedWithPointersAndChangesNothing) {
  ASSERT_EQ(register_edge("edge-a", edge_token_,
                          {{"address", "127.0.0.1:8081"}, {"admin_address", "127.0.0.1:9181"}})
                .status,
            200);
  for (const auto& [body, pointers] :
       std::vector<std::pair<nlohmann::json, std::vector<std::string>>>{
           {{{"address", "127.0.0.1:9"},
             {"admin_address", "nowhere"},
             {"capacity", {{"requests_per_second", 1}, {"bytes_per_second", 1}}}},
            {"/admin_address"}},
           {{{"address", "127.0.0.1:9"}, {"admin_address", 9181}}, {"/admin_address"}},
           {{{"address", "127.0.0.1:9"},
             {"capacity", {{"requests_per_second", -1}, {"bytes_per_second", 1e13}, {"x", 1}}}},
            {"/capacity/requests_per_second", "/capacity/bytes_per_second", "/capacity/x"}},
           {{{"address", "127.0.0.1:9"}, {"capacity", {{"requests_per_second", 5}}}},
            {"/capacity/bytes_per_second"}},
           {{{"address", "127.0.0.1:9"}, {"capacity", "fast"}}, {"/capacity"}},
       }) {
    auto refused = register_edge("edge-a", edge_token_, body);
    SCOPED_TRACE(body.dump());
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.json["type"], "https://candela.dev/problems/validation-failed");
    for (const auto& pointer : pointers)
      EXPECT_TRUE(has_pointer(refused, pointer)) << pointer << " in " << refused.body;
  }
  ApiClient root = signed_in("root@provider.test", kPassword);
  auto shown = root.get("/api/v1/edges/edge-a");
  EXPECT_EQ(shown.json["address"], "127.0.0.1:8081");
  EXPECT_EQ(shown.json["admin_address"], "127.0.0.1:9181");
  EXPECT_EQ(shown.json["capacity"]["requests_per_second"], 0);
}

TEST_P(TopologyApiTest, AMonitorsReportShowsInTheTopologyTheEdgeApiAndTheDashboard) {
  ASSERT_EQ(register_edge("edge-a", edge_token_,
                          {{"address", "127.0.0.1:8081"},
                           {"admin_address", "127.0.0.1:9181"},
                           {"capacity", {{"requests_per_second", 100}, {"bytes_per_second", 0}}}})
                .status,
            200);
  auto stored = put_health({{"observed_at", utc(clock().now())},
                            {"edges",
                             {health_edge("edge-a", "up"), health_edge("shield-1", "down"),
                              health_edge("edge-stage", "draining")}}},
                           monitor_token_);
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.json, nlohmann::json({{"stored", 3}}));

  // Read by an edge (its node token): its own network only, every active edge, by id.
  auto seen = topology(edge_token_);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.header("Cache-Control"), "no-store");
  EXPECT_EQ(seen.json["network"], "production");
  EXPECT_EQ(seen.json["cdn_domain"], "cdn.candela.test");
  EXPECT_EQ(seen.json["services"], nlohmann::json::array({scid_}));
  ASSERT_EQ(seen.json["edges"].size(), 2u);
  EXPECT_EQ(seen.json["edges"][0]["edge_id"], "edge-a");
  EXPECT_EQ(seen.json["edges"][1]["edge_id"], "shield-1");
  const nlohmann::json a = seen.json["edges"][0];
  EXPECT_EQ(a["address"], "127.0.0.1:8081");
  EXPECT_EQ(a["admin_address"], "127.0.0.1:9181");
  EXPECT_EQ(a["capacity"], nlohmann::json({{"requests_per_second", 100}, {"bytes_per_second", 0}}));
  EXPECT_EQ(a["draining"], false);
  EXPECT_TRUE(a["maintenance_reference"].is_null());
  EXPECT_EQ(a["health"]["state"], "up");
  EXPECT_EQ(a["health"]["monitor_id"], "monitor-1");
  EXPECT_EQ(a["health"]["checked_at"], utc(clock().now()));
  EXPECT_EQ(a["health"]["requests_per_second"], 12.5);
  EXPECT_EQ(a["health"]["bytes_per_second"], 10240.0);
  EXPECT_EQ(a["health"]["overloaded"], false);
  EXPECT_EQ(rows(seen)["shield-1"]["health"]["state"], "down");

  // The monitor and staff may read any network.
  auto staging = topology(monitor_token_, "?network=staging");
  ASSERT_EQ(staging.status, 200) << staging.body;
  ASSERT_EQ(staging.json["edges"].size(), 1u);
  EXPECT_EQ(staging.json["edges"][0]["health"]["state"], "draining");
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.get("/api/v1/network/topology?network=staging").status, 200);

  auto edge = root.get("/api/v1/edges/edge-a");
  EXPECT_EQ(edge.json["health"]["state"], "up");
  auto dashboard = root.get("/api/v1/noc/dashboard");
  ASSERT_EQ(dashboard.status, 200) << dashboard.body;
  std::map<std::string, nlohmann::json> board;
  for (const auto& row : dashboard.json["edges"])
    board[row["edge_id"].get<std::string>()] = row;
  EXPECT_EQ(board["edge-a"]["monitor_health"]["state"], "up");
  EXPECT_EQ(board["shield-1"]["monitor_health"]["state"], "down");
  EXPECT_TRUE(board["edge-a"].contains("status"));  // the last_seen view stays beside it

  // 29 s later the report still counts; past 30 s nobody should act on it. (observed_at has
  // whole seconds, up to 1 s before the clock; the store test checks the exact boundary.)
  clock().advance(std::chrono::seconds(29));
  EXPECT_EQ(topology(edge_token_).json["edges"][0]["health"]["state"], "up");
  clock().advance(std::chrono::seconds(2));
  auto stale = topology(edge_token_);
  ASSERT_EQ(stale.status, 200);
  EXPECT_TRUE(stale.json["edges"][0]["health"].is_null());
  EXPECT_TRUE(root.get("/api/v1/edges/edge-a").json["health"].is_null());
  auto later = root.get("/api/v1/noc/dashboard");
  for (const auto& row : later.json["edges"])
    EXPECT_TRUE(row["monitor_health"].is_null()) << row.dump();
}

TEST_P(TopologyApiTest, TopologyRefusesCustomersWrongTokensOtherNetworksAndBadQueries) {
  auto anonymous = client().get("/api/v1/network/topology");
  EXPECT_EQ(anonymous.status, 401);
  auto wrong = topology("not-a-token-of-anything");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "Bearer realm=\"candela\"");
  EXPECT_EQ(wrong.header("Content-Type"), "application/problem+json");
  // A well-formed token that belongs to nobody.
  EXPECT_EQ(topology(std::string(43, 'A')).status, 401);
  EXPECT_EQ(topology(staging_token_).status, 403);  // production is not its network
  EXPECT_EQ(topology(staging_token_, "?network=staging").status, 200);
  auto bad = topology(edge_token_, "?network=moon");
  EXPECT_EQ(bad.status, 400) << bad.body;
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  auto customer = ana.get("/api/v1/network/topology");
  EXPECT_EQ(customer.status, 403) << customer.body;
  EXPECT_EQ(customer.body.find(scid_), std::string::npos);

  // A revoked monitor's token stops working at once.
  ApiClient root = signed_in("root@provider.test", kPassword);
  ASSERT_EQ(root.del("/api/v1/noc/monitors/monitor-1").status, 200);
  EXPECT_EQ(topology(monitor_token_).status, 401);
}

TEST_P(TopologyApiTest, HealthAcceptsOnlyAMonitorToken) {
  const nlohmann::json body = {{"observed_at", utc(clock().now())},
                               {"edges", {health_edge("edge-a", "up")}}};
  auto none = client().put("/api/v1/network/health", body);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"candela\"");
  EXPECT_EQ(put_health(body, "garbage").status, 401);
  EXPECT_EQ(put_health(body, edge_token_).status, 401);  // an edge is not a monitor
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.put("/api/v1/network/health", body).status, 403);
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(ana.put("/api/v1/network/health", body).status, 403);
  EXPECT_TRUE(topology(edge_token_).json["edges"][0]["health"].is_null());
}

TEST_P(TopologyApiTest, ABadReportIsRefusedWithPointersAndNothingIsStored) {
  const std::string now = utc(clock().now());
  nlohmann::json wrong_types = health_edge("shield-1", "sideways");
  wrong_types["requests_per_second"] = "fast";
  wrong_types["bytes_per_second"] = -5;
  wrong_types["error_rate"] = 1.5;
  wrong_types["overloaded"] = "no";
  wrong_types["detail"] = "line one\nline two";
  wrong_types["colour"] = "red";
  nlohmann::json missing = {{"edge_id", "edge-a"}};
  struct Case {
    nlohmann::json body;
    std::vector<std::string> pointers;
  };
  const std::vector<Case> cases = {
      {{{"observed_at", now},
        {"edges", {health_edge("edge-a", "up"), health_edge("edge-nope", "up")}}},
       {"/edges/1/edge_id"}},
      {{{"observed_at", utc(clock().now() + std::chrono::seconds(61))},
        {"edges", {health_edge("edge-a", "up")}}},
       {"/observed_at"}},
      {{{"observed_at", "yesterday"}, {"edges", {health_edge("edge-a", "up")}}}, {"/observed_at"}},
      {{{"observed_at", now}, {"edges", {health_edge("edge-a", "up"), wrong_types}}},
       {"/edges/1/state", "/edges/1/requests_per_second", "/edges/1/bytes_per_second",
        "/edges/1/error_rate", "/edges/1/overloaded", "/edges/1/colour"}},
      {{{"observed_at", now}, {"edges", {missing}}},
       {"/edges/0/state", "/edges/0/since", "/edges/0/requests_per_second",
        "/edges/0/bytes_per_second", "/edges/0/error_rate", "/edges/0/overloaded"}},
      {{{"observed_at", now},
        {"edges", {health_edge("edge-a", "up"), health_edge("edge-a", "down")}}},
       {"/edges/1/edge_id"}},
      {{{"edges", "all"}, {"extra", true}}, {"/observed_at", "/edges", "/extra"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body.dump());
    auto refused = put_health(c.body, monitor_token_);
    ASSERT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.json["type"], "https://candela.dev/problems/validation-failed");
    for (const auto& pointer : c.pointers)
      EXPECT_TRUE(has_pointer(refused, pointer)) << pointer << " in " << refused.body;
  }
  // The store's own rules (detail, since, known edges) are reached once the types are right.
  nlohmann::json bad_detail = health_edge("edge-a", "up");
  bad_detail["detail"] = "line one\nline two";
  nlohmann::json long_detail = health_edge("shield-1", "up");
  long_detail["detail"] = std::string(501, 'x');
  nlohmann::json future = health_edge("edge-stage", "up");
  future["since"] = utc(clock().now() + std::chrono::seconds(10));
  auto refused = put_health({{"observed_at", now}, {"edges", {bad_detail, long_detail, future}}},
                            monitor_token_);
  ASSERT_EQ(refused.status, 400) << refused.body;
  for (const char* pointer : {"/edges/0/detail", "/edges/1/detail", "/edges/2/since"}) {
    EXPECT_TRUE(has_pointer(refused, pointer)) << pointer << " in " << refused.body;
  }
  EXPECT_EQ(client().send("PUT", "/api/v1/network/health", "{", bearer(monitor_token_)).status,
            400);
  EXPECT_EQ(client()
                .send("PUT", "/api/v1/network/health", "x", bearer(monitor_token_), "text/plain")
                .status,
            415);

  for (const auto& [id, row] : rows(topology(monitor_token_)))
    EXPECT_TRUE(row["health"].is_null()) << id << " " << row.dump();
}

INSTANTIATE_TEST_SUITE_P(Stores, TopologyApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
