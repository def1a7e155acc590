// What `candela edge --portal ...` tells the portal when it registers (docs/control-feed.md
// "Registration"): its traffic address, the admin listener the monitor polls and the capacity
// its configuration declares, as the portal then shows them on the edge.
#include <gtest/gtest.h>

#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

class EdgeRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ApiResponse signed_in =
        staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);
    ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  }

  std::string create_edge(const std::string& id) {
    ApiResponse made = staff_->post(
        "/api/v1/edges", {{"edge_id", id}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
    EXPECT_EQ(made.status, 201) << made.body;
    return made.json.value("node_token", "");
  }

  // The portal's record of the edge once it has registered (last_seen set).
  json registered(const std::string& id, const FollowingEdge& edge) {
    json record;
    const bool seen = eventually([&] {
      ApiResponse r = staff_->get("/api/v1/edges/" + id);
      record = r.json;
      return r.status == 200 && !record["last_seen"].is_null();
    });
    EXPECT_TRUE(seen) << record.dump() << "\n" << edge.log() << "\n" << portal_->log();
    return record;
  }

  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
};

TEST_F(EdgeRegistrationTest, TheEdgeRegistersItsAddressAdminAddressAndCapacity) {
  EdgeExtras extras;
  extras.config = {{"capacity", {{"requests_per_second", 20000}, {"bytes_per_second", 125000000}}}};
  FollowingEdge edge("edge-a", portal_->url(), create_edge("edge-a"), {}, "production", extras);
  const json record = registered("edge-a", edge);
  EXPECT_EQ(record["address"], "127.0.0.1:" + std::to_string(edge.port())) << record.dump();
  EXPECT_EQ(record["admin_address"], "127.0.0.1:" + std::to_string(edge.admin_port()))
      << record.dump();
  EXPECT_EQ(record["capacity"],
            (json{{"requests_per_second", 20000}, {"bytes_per_second", 125000000}}))
      << record.dump();
}

TEST_F(EdgeRegistrationTest, AnEdgeWithoutAdminListenerOrCapacityRegistersToo) {
  EdgeExtras extras;
  extras.config = {{"admin_listen", ""}};
  FollowingEdge edge("edge-b", portal_->url(), create_edge("edge-b"), {}, "production", extras);
  const json record = registered("edge-b", edge);
  EXPECT_EQ(record["address"], "127.0.0.1:" + std::to_string(edge.port())) << record.dump();
  EXPECT_TRUE(record["admin_address"].is_null()) << record.dump();
  EXPECT_EQ(record["capacity"], (json{{"requests_per_second", 0}, {"bytes_per_second", 0}}))
      << record.dump();
}

}  // namespace
}  // namespace candela::testing
