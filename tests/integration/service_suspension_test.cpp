// Service states reach the edges, end to end with real processes (`candela portal`, `candela
// origin`, `candela edge --portal ...`): a service suspended through the API answers the
// suspension response on the edge within 2 s without a cache lookup or an origin request, is
// served again from the cache when restored, stays suspended across an edge restart while the
// portal is down, and loses its properties when disconnected. Another service on the same edge
// is served throughout.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kWww = "www.shop.example";
constexpr const char* kImg = "img.shop.example";
constexpr const char* kOtherHost = "www.other.example";
constexpr auto kPropagation = 2s;  // the contract's promise: the edge obeys within 2 s

class ServiceSuspensionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", "a from the origin");
    origin_->put("/img/x.jpg", "x");
    origin_->put("/other.txt", "the other service");
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    scid_ = active_service_deployed("Shop", {{"www", kWww}, {"img", kImg}});
    other_scid_ = active_service_deployed("Other", {{"www", kOtherHost}});
    ASSERT_FALSE(scid_.empty());
    ASSERT_FALSE(other_scid_.empty());

    ApiResponse made =
        staff_->post("/api/v1/edges",
                     {{"edge_id", "edge-a"}, {"cache_group", "lon1"}, {"address", "1.2.3.4:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EdgeExtras extras;
    extras.access_log = true;
    node_token_ = made.json.value("node_token", "");
    edge_ = std::make_unique<FollowingEdge>("edge-a", portal_->url(), node_token_,
                                            std::vector<json>{}, "production", extras);
    ASSERT_TRUE(eventually([&] { return serves(kWww, "/a.txt", "a from the origin"); })) << logs();
    ASSERT_TRUE(eventually([&] { return serves(kOtherHost, "/other.txt", "the other service"); }))
        << logs();
  }

  // A customer with an active service whose configuration (one property per alias, all to the
  // origin) is deployed to production; returns its SCID.
  std::string active_service_deployed(const std::string& name,
                                      const std::vector<std::pair<std::string, std::string>>& ids) {
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", name}, {"parent_id", nullptr}});
    EXPECT_EQ(group.status, 201) << group.body;
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", name + " Ltd"},
                                           {"organisation_id", group.json["id"]},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@shop.example"}});
    EXPECT_EQ(customer.status, 201) << customer.body;
    ApiResponse service =
        staff_->post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                          {"customer_number", customer.json["customer_number"]}});
    EXPECT_EQ(service.status, 201) << service.body;
    const std::string scid = service.json.value("scid", "");
    EXPECT_EQ(set_state(scid, "active", "order completed").status, 200);
    json properties = json::array();
    for (const auto& [id, alias] : ids) {
      properties.push_back(
          {{"id", id},
           {"primary_alias", alias},
           {"origin", {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}}}});
    }
    const std::string path = "/api/v1/services/" + scid + "/configurations";
    ApiResponse version = staff_->post(
        path, {{"document", {{"scid", scid}, {"properties", properties}}}}, {"If-None-Match: *"});
    EXPECT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff_->post("/api/v1/services/" + scid + "/deployments",
                                        {{"version", 1}, {"environment", "production"}});
    EXPECT_EQ(deployed.status, 201) << deployed.body;
    return scid;
  }

  ApiResponse set_state(const std::string& scid, const std::string& state,
                        const std::string& reason) {
    return staff_->patch("/api/v1/services/" + scid, {{"state", state}, {"reason", reason}});
  }

  std::optional<HttpResponse> get(const std::string& host, const std::string& path,
                                  const std::string& method = "GET") {
    return http_request(edge_->port(), method, path, host);
  }

  bool serves(const std::string& host, const std::string& path, const std::string& body) {
    auto r = get(host, path);
    return r && r->status == 200 && r->body == body;
  }

  bool answers_suspended(const std::string& host, const std::string& path) {
    auto r = get(host, path);
    return r && r->status == 403;
  }

  // The exact suspension response of the contract (docs/edge.md, "Suspended services").
  void expect_suspension_response(const std::string& host, const std::string& path,
                                  const std::string& method = "GET") {
    // (HEAD is checked on its own: the same head, no body.)
    auto r = get(host, path, method);
    ASSERT_TRUE(r) << method << " " << host << path;
    EXPECT_EQ(r->status, 403) << method << " " << host << path << ": " << r->body;
    EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r->header("Cache-Control"), "no-store");
    EXPECT_EQ(r->header("Candela-Service-State"), "suspended");
    const std::string body = "This service is suspended. SCID " + scid_ + "\n";
    EXPECT_EQ(r->body, body);
    EXPECT_EQ(r->header("Content-Length"), std::to_string(body.size()));
  }

  // Waits (polling every 25 ms) for `condition` and returns how long it took, or nullopt.
  static std::optional<std::chrono::milliseconds> time_until(const std::function<bool()>& condition,
                                                             std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    if (!eventually(condition, limit)) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }

  json last_good() const {
    std::ifstream in(edge_->state_file());
    return json::parse(in, nullptr, false);
  }

  std::string read_access_log() const {
    std::ifstream in(edge_->access_log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string logs() const {
    return "--- edge\n" + (edge_ ? edge_->log() : "") + "--- portal\n" + portal_->log();
  }

  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::unique_ptr<FollowingEdge> edge_;
  std::string scid_;
  std::string other_scid_;
  std::string node_token_;
};

TEST_F(ServiceSuspensionTest, SuspendedAtOnceWithoutTheOriginThenServedAgainFromTheCache) {
  origin_->reset_counts();

  ApiResponse suspended = set_state(scid_, "suspended", "non-payment: INV-2026-000001");
  ASSERT_EQ(suspended.status, 200) << suspended.body;
  EXPECT_EQ(suspended.json["state"], "suspended");
  auto took = time_until([&] { return answers_suspended(kWww, "/a.txt"); }, 10s);
  ASSERT_TRUE(took) << logs();
  EXPECT_LE(*took, kPropagation) << "the edge obeyed only after " << took->count() << " ms";

  // Every property of the SCID, cached or not, any method: the same answer, and the origin hears
  // nothing (a POST would otherwise pass straight to it).
  expect_suspension_response(kWww, "/a.txt");
  expect_suspension_response(kWww, "/never-cached.txt");
  expect_suspension_response(kImg, "/img/x.jpg");
  expect_suspension_response(kWww, "/a.txt", "POST");
  auto head = get(kWww, "/a.txt", "HEAD");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 403);
  EXPECT_EQ(head->header("Candela-Service-State"), "suspended");
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(origin_->total(), 0) << "no origin contact while suspended";

  // The other service on the same edge is untouched.
  EXPECT_TRUE(serves(kOtherHost, "/other.txt", "the other service"));

  // Logged and counted like any response, under the suspended property.
  EXPECT_TRUE(eventually([&] {
    const std::string log = read_access_log();
    return log.find("\"status\":403") != std::string::npos &&
           log.find("\"property\":\"" + scid_ + ".www\"") != std::string::npos;
  })) << read_access_log();
  auto metrics = http_get(edge_->admin_port(), "/metrics", "127.0.0.1");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("candela_edge_responses_total{property=\"" + scid_ +
                               ".www\",status_class=\"4xx\"}"),
            std::string::npos)
      << metrics->body;

  // Kept on disk with the last good state.
  json state = last_good();
  ASSERT_FALSE(state.is_discarded());
  EXPECT_EQ(state["service_states"], (json{{scid_, "suspended"}})) << state.dump();
  EXPECT_TRUE(state["services"].contains(scid_)) << "the deployment is kept for the restore";

  // Restored: served again within 2 s, from the cache the suspension left alone.
  ASSERT_EQ(set_state(scid_, "active", "paid in full").status, 200);
  took = time_until([&] { return serves(kWww, "/a.txt", "a from the origin"); }, 10s);
  ASSERT_TRUE(took) << logs();
  EXPECT_LE(*took, kPropagation);
  auto again = get(kWww, "/a.txt");
  ASSERT_TRUE(again);
  EXPECT_NE(again->header("Cache-Status").find("hit"), std::string::npos)
      << again->header("Cache-Status");
  EXPECT_EQ(origin_->count("/a.txt"), 0) << "served from the cache";
  EXPECT_TRUE(eventually([&] {
    json s = last_good();
    return !s.is_discarded() && s["service_states"] == json::object();
  })) << last_good().dump();
}

TEST_F(ServiceSuspensionTest, AnEdgeRestartedWhileThePortalIsDownStaysSuspended) {
  ASSERT_EQ(set_state(scid_, "suspended", "non-payment: INV-2026-000002").status, 200);
  ASSERT_TRUE(eventually([&] { return answers_suspended(kWww, "/a.txt"); }, 10s)) << logs();
  ASSERT_TRUE(eventually([&] {
    json s = last_good();
    return !s.is_discarded() && s["service_states"].contains(scid_);
  }));
  edge_->stop();
  portal_->stop();
  origin_->reset_counts();
  edge_->start();
  // The first answer after the restart already comes from last-good.json.
  expect_suspension_response(kWww, "/a.txt");
  EXPECT_TRUE(serves(kOtherHost, "/other.txt", "the other service"));
  EXPECT_EQ(origin_->count("/a.txt"), 0);
  EXPECT_NE(edge_->log().find("1 suspended"), std::string::npos) << edge_->log();

  // The portal comes back and the service is restored: the edge follows from its sequence.
  portal_->start();
  ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status, 201);
  ASSERT_EQ(set_state(scid_, "active", "paid").status, 200);
  EXPECT_TRUE(eventually([&] { return serves(kWww, "/a.txt", "a from the origin"); }, 10s))
      << logs();
}

TEST_F(ServiceSuspensionTest, ADisconnectedServiceLosesItsPropertiesOnTheEdge) {
  ASSERT_EQ(set_state(scid_, "suspended", "non-payment").status, 200);
  ASSERT_TRUE(eventually([&] { return answers_suspended(kWww, "/a.txt"); }, 10s)) << logs();
  ASSERT_EQ(set_state(scid_, "disconnected", "contract ended: last day 2026-11-30").status, 200);
  auto took = time_until(
      [&] {
        auto r = get(kWww, "/a.txt");
        return r && r->status == 404;
      },
      10s);
  ASSERT_TRUE(took) << logs();
  EXPECT_LE(*took, kPropagation);
  auto gone = get(kImg, "/img/x.jpg");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404) << "as if never deployed";
  EXPECT_NE(gone->body.find("No property is configured"), std::string::npos) << gone->body;
  EXPECT_TRUE(serves(kOtherHost, "/other.txt", "the other service"));
  EXPECT_TRUE(eventually([&] {
    json s = last_good();
    return !s.is_discarded() && !s["services"].contains(scid_) &&
           s["service_states"] == json::object() && s["services"].contains(other_scid_);
  })) << last_good().dump();

  // Still gone after a restart.
  edge_->stop();
  edge_->start();
  auto after_restart = get(kWww, "/a.txt");
  ASSERT_TRUE(after_restart);
  EXPECT_EQ(after_restart->status, 404);
}

TEST_F(ServiceSuspensionTest, TheFeedCarriesTheEventAndTheEdgeAcknowledgesIt) {
  ASSERT_EQ(set_state(scid_, "suspended", "non-payment: INV-2026-000003").status, 200);
  ASSERT_TRUE(eventually([&] { return answers_suspended(kWww, "/a.txt"); }, 10s)) << logs();
  // The edge acknowledges an event before it applies the next one: once the restore shows, the
  // suspension's acknowledgement is in.
  ASSERT_EQ(set_state(scid_, "active", "paid").status, 200);
  ASSERT_TRUE(eventually([&] { return serves(kWww, "/a.txt", "a from the origin"); }, 10s))
      << logs();

  ApiClient node(portal_->port(), SystemClock::instance());
  const std::vector<std::string> bearer{"Authorization: Bearer " + node_token_};
  ApiResponse feed = node.get("/api/v1/feed?after=0&wait=0", bearer);
  ASSERT_EQ(feed.status, 200) << feed.body;
  json event;
  for (const auto& e : feed.json["events"]) {
    if (e["kind"] == "service_state" && e["payload"]["state"] == "suspended") event = e;
  }
  ASSERT_TRUE(event.is_object()) << feed.body;
  EXPECT_EQ(
      event["payload"],
      (json{{"scid", scid_}, {"state", "suspended"}, {"reason", "non-payment: INV-2026-000003"}}));
  // A repeat acknowledgement changes nothing and shows the edge's own: applied.
  ApiResponse ack = node.post("/api/v1/edges/edge-a/acks",
                              {{"sequence", event["sequence"]}, {"status", "failed"}}, bearer);
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json["recorded"], false);
  EXPECT_EQ(ack.json["status"], "applied") << ack.body;
  EXPECT_NE(ack.json["detail"].get<std::string>().find(scid_ + " suspended"), std::string::npos)
      << ack.body;
}

}  // namespace
}  // namespace candela::testing
