// The control plane end to end with real processes: `candela portal`, `candela origin` and three
// `candela edge --portal ...`. Deployments and purges reach every edge and are acknowledged;
// a deployment an edge cannot take is acknowledged as failed; an edge restarts from its last
// good state while the portal is down; a wrong node token is refused.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

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

class FeedEdgesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", "a from v1");
    origin_->put("/b.txt", "b from v1");
    origin_->put("/tagged.txt", "tagged", {"Surrogate-Key: sale spring"});
    origin_->put("/img/x.jpg", "x");
    origin_->put("/img/y.png", "y");
    origin_->put("/v2/a.txt", "a from v2");
    origin_->put("/v2/fresh.txt", "only in v2");
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ApiResponse signed_in =
        staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);
    ASSERT_EQ(signed_in.status, 201) << signed_in.body;

    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", "Shop"}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", "Shop Ltd"},
                                           {"organisation_id", group.json["id"]},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@shop.example"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    ApiResponse service =
        staff_->post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                          {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    scid_ = service.json["scid"];
    ASSERT_EQ(staff_->patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "test"}})
                  .status,
              200);
  }

  // Stores the next configuration version (www and img → the origin under `web_root`) and
  // deploys it to production; returns the deployment.
  json deploy(const std::string& web_root = "") {
    json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}};
    if (!web_root.empty()) origin["web_root"] = web_root;
    json document = {{"scid", scid_},
                     {"properties",
                      {{{"id", "www"}, {"primary_alias", kWww}, {"origin", origin}},
                       {{"id", "img"}, {"primary_alias", kImg}, {"origin", origin}}}}};
    const std::string path = "/api/v1/services/" + scid_ + "/configurations";
    ApiResponse version =
        ++version_ == 1 ? staff_->post(path, {{"document", document}}, {"If-None-Match: *"})
                        : staff_->post(path, {{"document", document}},
                                       {"If-Match: \"v" + std::to_string(version_ - 1) + "\""});
    EXPECT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff_->post("/api/v1/services/" + scid_ + "/deployments",
                                        {{"version", version_}, {"environment", "production"}});
    EXPECT_EQ(deployed.status, 201) << deployed.body;
    return deployed.json;
  }

  // Creates the edge in the portal and starts it; `properties` go into its configuration file.
  FollowingEdge& add_edge(const std::string& id, std::vector<json> properties = {}) {
    ApiResponse made = staff_->post(
        "/api/v1/edges", {{"edge_id", id}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
    EXPECT_EQ(made.status, 201) << made.body;
    edges_.push_back(std::make_unique<FollowingEdge>(
        id, portal_->url(), made.json.value("node_token", ""), std::move(properties)));
    return *edges_.back();
  }

  void start_three_edges() {
    for (const char* id : {"edge-a", "edge-b", "edge-c"})
      add_edge(id);
  }

  static std::optional<HttpResponse> get(FollowingEdge& edge, const std::string& host,
                                         const std::string& path) {
    return http_get(edge.port(), path, host);
  }

  static bool serves(FollowingEdge& edge, const std::string& host, const std::string& path,
                     const std::string& body) {
    auto r = get(edge, host, path);
    return r && r->status == 200 && r->body == body;
  }

  // The per-edge status document of a deployment or invalidation, once every active edge
  // answered (applied or failed).
  json settled(const std::string& path) {
    json status;
    const bool done = eventually([&] {
      ApiResponse r = staff_->get(path);
      status = r.json;
      return r.status == 200 && status["summary"]["pending"] == 0;
    });
    EXPECT_TRUE(done) << path << " still pending: " << status.dump();
    return status;
  }

  std::string edge_logs() {
    std::string out;
    for (auto& e : edges_)
      out += "--- " + e->edge_id() + "\n" + e->log();
    return out + "--- portal\n" + portal_->log();
  }

  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::vector<std::unique_ptr<FollowingEdge>> edges_;
  std::string scid_;
  int version_ = 0;
};

TEST_F(FeedEdgesTest, ADeploymentReachesEveryEdgeAndChangesWhatItServes) {
  start_three_edges();
  for (auto& edge : edges_) {
    auto before = get(*edge, kWww, "/a.txt");
    ASSERT_TRUE(before);
    EXPECT_EQ(before->status, 404) << "nothing deployed yet";
  }
  json first = deploy();
  for (auto& edge : edges_) {
    EXPECT_TRUE(eventually([&] { return serves(*edge, kWww, "/a.txt", "a from v1"); }))
        << edge_logs();
    EXPECT_TRUE(serves(*edge, kImg, "/img/x.jpg", "x"));
  }
  json status = settled("/api/v1/deployments/" + first["id"].dump());
  EXPECT_EQ(status["summary"], (json{{"applied", 3}, {"failed", 0}, {"pending", 0}}));
  for (const auto& edge : status["edges"]) {
    EXPECT_EQ(edge["status"], "applied") << edge.dump();
    EXPECT_NE(edge["detail"].get<std::string>().find("version 1 serving"), std::string::npos);
  }
  ApiResponse listed = staff_->get("/api/v1/edges");
  for (const auto& edge : listed.json["items"]) {
    EXPECT_FALSE(edge["last_seen"].is_null()) << edge.dump();
    EXPECT_NE(edge["address"], "127.0.0.1:1") << "registration records the edge's address";
  }

  // Version 2 moves the origin's web root: a path only v2 has appears on every edge.
  deploy("/v2");
  for (auto& edge : edges_) {
    EXPECT_TRUE(eventually([&] { return serves(*edge, kWww, "/fresh.txt", "only in v2"); }))
        << edge_logs();
  }
  // The new set is swapped in first, then written down as the last good state.
  for (auto& edge : edges_) {
    json state;
    EXPECT_TRUE(eventually([&] {
      std::ifstream saved(edge->state_file());
      state = json::parse(saved, nullptr, false);
      return !state.is_discarded() && state["services"][scid_]["version"] == 2;
    })) << state.dump();
  }
}

TEST_F(FeedEdgesTest, ADeploymentAnEdgeCannotTakeIsAcknowledgedAsFailedAndTheOldSetStays) {
  add_edge("edge-a");
  add_edge("edge-b");
  // edge-c's own file already answers the img alias for another service.
  json local = {{"id", "local-img"},
                {"service_id", "LOCAL0000"},
                {"aliases", {kImg}},
                {"origin", {{"host", "127.0.0.1"}, {"port", origin_->port()}}}};
  FollowingEdge& stubborn = add_edge("edge-c", {local});
  json deployment = deploy();
  json status = settled("/api/v1/deployments/" + deployment["id"].dump());
  EXPECT_EQ(status["summary"], (json{{"applied", 2}, {"failed", 1}, {"pending", 0}}))
      << status.dump();
  const json& refused = status["edges"][2];
  EXPECT_EQ(refused["edge_id"], "edge-c");
  EXPECT_EQ(refused["status"], "failed");
  EXPECT_NE(refused["detail"].get<std::string>().find(std::string("alias \"") + kImg),
            std::string::npos)
      << refused.dump();
  EXPECT_TRUE(serves(stubborn, kImg, "/img/x.jpg", "x")) << "its own property still answers";
  auto www = get(stubborn, kWww, "/a.txt");
  ASSERT_TRUE(www);
  EXPECT_EQ(www->status, 404) << "nothing of the refused deployment was applied";
  EXPECT_TRUE(serves(*edges_[0], kWww, "/a.txt", "a from v1"));
}

TEST_F(FeedEdgesTest, AnEdgeRestartsFromItsLastGoodStateWhileThePortalIsDown) {
  FollowingEdge& edge = add_edge("edge-a");
  deploy();
  ASSERT_TRUE(eventually([&] { return serves(edge, kWww, "/a.txt", "a from v1"); })) << edge_logs();
  ASSERT_TRUE(eventually([&] {
    std::ifstream saved(edge.state_file());
    json state = json::parse(saved, nullptr, false);
    return !state.is_discarded() && state["services"].contains(scid_);
  }));
  edge.stop();
  portal_->stop();
  edge.start();
  EXPECT_TRUE(serves(edge, kWww, "/a.txt", "a from v1")) << edge_logs();
  EXPECT_TRUE(serves(edge, kImg, "/img/y.png", "y"));
  EXPECT_NE(edge.log().find("last-good state: 1 service(s) restored"), std::string::npos);
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(edge.running()) << "an unreachable portal is no reason to stop";
  EXPECT_NE(edge.log().find("unreachable"), std::string::npos) << edge.log();

  // The portal comes back: the edge resumes after its sequence and takes the next deployment.
  portal_->start();
  ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status, 201);
  deploy("/v2");
  EXPECT_TRUE(eventually([&] { return serves(edge, kWww, "/fresh.txt", "only in v2"); }))
      << edge_logs();
}

TEST_F(FeedEdgesTest, PurgesReachEveryEdgeAndCompleteTheInvalidation) {
  start_three_edges();
  deploy();
  for (auto& edge : edges_) {
    ASSERT_TRUE(eventually([&] { return serves(*edge, kWww, "/a.txt", "a from v1"); }))
        << edge_logs();
  }
  const std::vector<std::pair<std::string, std::string>> objects = {{kWww, "/a.txt"},
                                                                    {kWww, "/b.txt"},
                                                                    {kWww, "/tagged.txt"},
                                                                    {kImg, "/img/x.jpg"},
                                                                    {kImg, "/img/y.png"}};
  auto warm = [&] {
    for (auto& edge : edges_) {
      for (const auto& [host, path] : objects) {
        auto r = get(*edge, host, path);
        ASSERT_TRUE(r && r->status == 200) << host << path;
      }
    }
  };
  // Each case purges one object on every edge; the next request for it goes to the origin
  // (hard: a full fill; soft: a revalidation) while the other objects stay cached.
  struct Case {
    json request;
    std::string host;
    std::string path;
    std::string expected_cache_status;
  };
  const std::vector<Case> cases = {
      {{{"kind", "url"}, {"mode", "hard"}, {"values", {"https://www.shop.example/a.txt"}}},
       kWww,
       "/a.txt",
       "fwd=uri-miss"},
      {{{"kind", "url"}, {"mode", "soft"}, {"values", {"http://www.shop.example/b.txt"}}},
       kWww,
       "/b.txt",
       "fwd=stale"},
      {{{"kind", "tag"}, {"mode", "hard"}, {"values", {"sale"}}},
       kWww,
       "/tagged.txt",
       "fwd=uri-miss"},
      {{{"kind", "pattern"},
        {"mode", "soft"},
        {"values", {"/img/*.jpg"}},
        {"property_ids", {"img"}}},
       kImg,
       "/img/x.jpg",
       "fwd=stale"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.request.dump());
    warm();
    origin_->reset_counts();
    ApiResponse made = staff_->post("/api/v1/services/" + scid_ + "/invalidations", c.request);
    ASSERT_EQ(made.status, 201) << made.body;
    json status = settled("/api/v1/invalidations/" + made.json["id"].dump());
    EXPECT_EQ(status["summary"], (json{{"applied", 3}, {"failed", 0}, {"pending", 0}}))
        << status.dump();
    EXPECT_FALSE(status["completed_at"].is_null()) << status.dump();
    for (const auto& edge : status["edges"]) {
      EXPECT_NE(edge["detail"].get<std::string>().find("1 object(s)"), std::string::npos)
          << edge.dump();
    }
    for (auto& edge : edges_) {
      for (const auto& [host, path] : objects) {
        auto r = get(*edge, host, path);
        ASSERT_TRUE(r && r->status == 200);
        if (host == c.host && path == c.path) {
          EXPECT_NE(r->header("Cache-Status").find(c.expected_cache_status), std::string::npos)
              << edge->edge_id() << " " << path << ": " << r->header("Cache-Status");
        } else {
          EXPECT_EQ(r->header("Cache-Status"), "Candela; hit") << edge->edge_id() << " " << path;
        }
      }
    }
    EXPECT_EQ(origin_->count(c.path), 3) << "one origin request per edge";
    EXPECT_EQ(origin_->total(), 3);
  }
}

TEST_F(FeedEdgesTest, AWrongNodeTokenIsRefused) {
  ApiResponse made =
      staff_->post("/api/v1/edges",
                   {{"edge_id", "edge-a"}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string token = made.json["node_token"];
  std::string wrong = token;
  wrong[5] = wrong[5] == 'x' ? 'y' : 'x';

  auto direct = http_get(portal_->port(), "/api/v1/feed?after=0", "127.0.0.1",
                         {"Authorization: Bearer " + wrong});
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->status, 401);
  EXPECT_EQ(direct->header("WWW-Authenticate"), "Bearer realm=\"candela-feed\"");

  edges_.push_back(std::make_unique<FollowingEdge>("edge-a", portal_->url(), wrong));
  FollowingEdge& edge = *edges_.back();
  deploy();
  EXPECT_TRUE(eventually([&] { return edge.log().find("HTTP 401") != std::string::npos; }))
      << edge.log();
  auto r = get(edge, kWww, "/a.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404) << "a refused edge applies nothing";
  EXPECT_TRUE(staff_->get("/api/v1/edges/edge-a").json["last_seen"].is_null());

  // The right token in the file: the edge catches up without a restart.
  edge.set_token(token);
  EXPECT_TRUE(eventually([&] { return serves(edge, kWww, "/a.txt", "a from v1"); })) << edge.log();
}

}  // namespace
}  // namespace candela::testing
