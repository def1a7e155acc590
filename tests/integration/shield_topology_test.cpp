// The shield tier with a portal (docs/shield.md): an edge following the portal takes its parents
// from GET /api/v1/network/topology, a shield takes none, and the last list stays in force while
// the portal is away.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
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

constexpr const char* kWww = "www.topology.example";

double parent_fetches(int admin_port, const std::string& parent_id) {
  auto r = http_get(admin_port, "/metrics", "localhost");
  if (!r || r->status != 200) return -1;
  const std::string series =
      "candela_edge_parent_fetches_total{parent=\"" + parent_id + "\",result=\"ok\"} ";
  const auto at = r->body.find(series);
  return at == std::string::npos ? 0 : std::stod(r->body.substr(at + series.size()));
}

class ShieldTopology : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", "Topo"}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", "Topo Ltd"},
                                           {"organisation_id", group.json["id"]},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@topo.example"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    ApiResponse service =
        staff_->post("/api/v1/services", {{"access_group_id", group.json["id"]},
                                          {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    const std::string scid = service.json["scid"];
    ASSERT_EQ(
        staff_->patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "test"}}).status,
        200);
    for (const auto& [id, role] : {std::pair{"shield-1", "shield"}, {"edge-a", "edge"}}) {
      ApiResponse made = staff_->post(
          "/api/v1/edges",
          {{"edge_id", id}, {"cache_group", "lon1"}, {"role", role}, {"address", "127.0.0.1:1"}});
      ASSERT_EQ(made.status, 201) << made.body;
      edges_[id] =
          std::make_unique<FollowingEdge>(id, portal_->url(), made.json.value("node_token", ""));
    }
    json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}};
    json document = {
        {"scid", scid},
        {"properties",
         {{{"id", "www"}, {"primary_alias", kWww}, {"origin", origin}, {"shield", true}}}}};
    ApiResponse version = staff_->post("/api/v1/services/" + scid + "/configurations",
                                       {{"document", document}}, {"If-None-Match: *"});
    ASSERT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff_->post("/api/v1/services/" + scid + "/deployments",
                                        {{"version", 1}, {"environment", "production"}});
    ASSERT_EQ(deployed.status, 201) << deployed.body;
    for (auto& [id, edge] : edges_) {
      ASSERT_TRUE(eventually([&, port = edge->port()] {
        auto r = http_get(port, "/_origin/echo", kWww);
        return r && r->status == 200;
      })) << id
          << " never served the deployment:\n"
          << edge->log();
    }
  }

  FollowingEdge& edge(const std::string& id) { return *edges_.at(id); }

  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::map<std::string, std::unique_ptr<FollowingEdge>> edges_;
};

TEST_F(ShieldTopology, TheTopologysShieldBecomesTheParentAndStaysWhileThePortalIsAway) {
  FollowingEdge& a = edge("edge-a");
  FollowingEdge& shield = edge("shield-1");
  // Registered addresses replace the placeholder within a poll or two.
  const std::string expected =
      "parents from the topology: shield-1 (127.0.0.1:" + std::to_string(shield.port()) + ")";
  ASSERT_TRUE(eventually([&] { return a.log().find(expected) != std::string::npos; }, 30s))
      << a.log();
  EXPECT_EQ(shield.log().find("parents from the topology: shield-1"), std::string::npos)
      << "a shield is never its own parent";

  origin_->reset_counts();
  const double before = parent_fetches(a.admin_port(), "shield-1");
  for (int i = 0; i < 20; ++i) {
    auto r = http_get(a.port(), "/_origin/bytes/100/t" + std::to_string(i), kWww);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    // The shield already holds it: asked directly, it is a hit.
    auto direct = http_get(shield.port(), "/_origin/bytes/100/t" + std::to_string(i), kWww);
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->header("Cache-Status"), "Candela; hit");
  }
  EXPECT_EQ(origin_->total(), 20);
  EXPECT_EQ(parent_fetches(a.admin_port(), "shield-1") - before, 20);
  EXPECT_EQ(parent_fetches(shield.admin_port(), "edge-a"), 0);

  // Portal gone: the problem is logged once and the parents stay.
  portal_->stop();
  ASSERT_TRUE(eventually(
      [&] { return a.log().find("unreachable, keeping the last parents") != std::string::npos; },
      20s))
      << a.log();
  auto later = http_get(a.port(), "/_origin/bytes/100/after", kWww);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  EXPECT_EQ(parent_fetches(a.admin_port(), "shield-1") - before, 21);
  std::this_thread::sleep_for(6s);  // another failed poll
  const std::string log = a.log();
  const auto first = log.find("unreachable, keeping the last parents");
  EXPECT_EQ(log.find("unreachable, keeping the last parents", first + 1), std::string::npos)
      << "each distinct problem is logged once";
}

}  // namespace
}  // namespace candela::testing
