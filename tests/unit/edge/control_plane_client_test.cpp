// The control-plane client applies feed events to the catalog and the cache, keeps last-good.json,
// restores it at start, and stops promptly while the portal is unreachable.
#include "edge/control_plane_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "support/process.hpp"

namespace candela::edge {
namespace {

using nlohmann::json;

json property(const std::string& id, const std::string& alias, int port) {
  return {{"id", id}, {"aliases", {alias}}, {"origin", {{"host", "127.0.0.1"}, {"port", port}}}};
}

json deployment(long long sequence, const std::string& environment, json properties,
                int version = 1) {
  return {{"sequence", sequence},
          {"kind", "deployment"},
          {"payload",
           {{"deployment_id", sequence},
            {"scid", "AB12CD34E"},
            {"version", version},
            {"environment", environment},
            {"properties", std::move(properties)}}}};
}

class ControlPlaneClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(token_file()) << "  token-text\n";
    options_.portal_url = "http://127.0.0.1:" + std::to_string(candela::testing::free_port());
    options_.edge_id = "edge-a";
    options_.node_token_file = token_file();
    options_.state_dir = dir_.path() + "/state";
    options_.address = "127.0.0.1:8080";
  }

  std::string token_file() const { return dir_.path() + "/token"; }
  std::string state_file() const { return dir_.path() + "/state/last-good.json"; }

  std::unique_ptr<ControlPlaneClient> make_client(PropertyCatalog& catalog) {
    return std::make_unique<ControlPlaneClient>(options_, catalog, [this](const PurgeTarget& t) {
      purges_.push_back(t);
      if (t.property_id == "broken") return Result<std::size_t>(Error{"store unavailable"});
      return Result<std::size_t>(t.values.size());
    });
  }

  candela::testing::TempDir dir_;
  ControlPlaneOptions options_;
  std::vector<PurgeTarget> purges_;
};

TEST_F(ControlPlaneClientTest, AppliesADeploymentOfItsNetworkAndKeepsItOnDisk) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome = client->apply(
      deployment(5, "production", json::array({property("AB12CD34E.www", "www.test", 8001)})));
  EXPECT_TRUE(outcome.applied) << outcome.detail;
  EXPECT_NE(catalog.table()->find("www.test"), nullptr);
  EXPECT_EQ(client->applied_sequence(), 5);
  auto saved = load_last_good(state_file());
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->sequence, 5);
  EXPECT_EQ((*saved)->services.at("AB12CD34E").deployment_id, 5);
}

TEST_F(ControlPlaneClientTest, SkipsDeploymentsOfTheOtherNetwork) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome = client->apply(
      deployment(6, "staging", json::array({property("AB12CD34E.www", "www.test", 8001)})));
  EXPECT_TRUE(outcome.applied);
  EXPECT_NE(outcome.detail.find("staging network"), std::string::npos) << outcome.detail;
  EXPECT_EQ(catalog.table()->find("www.test"), nullptr);
  EXPECT_EQ(client->applied_sequence(), 6);
}

TEST_F(ControlPlaneClientTest, AnInvalidDeploymentFailsAndTheOldConfigurationStays) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  ASSERT_TRUE(client
                  ->apply(deployment(1, "production",
                                     json::array({property("AB12CD34E.www", "www.test", 8001)})))
                  .applied);
  json bad = json::array({property("AB12CD34E.www", "www.test", 8001)});
  bad[0]["origin"]["port"] = 0;
  auto outcome = client->apply(deployment(2, "production", bad, 2));
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.detail.find("/properties/0/origin/port"), std::string::npos) << outcome.detail;
  EXPECT_NE(outcome.detail.find("previous configuration stays"), std::string::npos);
  ASSERT_NE(catalog.table()->find("www.test"), nullptr);
  EXPECT_EQ((*catalog.table()->find("www.test"))->origin.port, 8001);
  EXPECT_EQ(client->applied_sequence(), 2) << "a failed event is not applied again";
}

TEST_F(ControlPlaneClientTest, AppliesEachTargetOfAnInvalidation) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome =
      client->apply({{"sequence", 9},
                     {"kind", "invalidation"},
                     {"payload",
                      {{"invalidation_id", 1},
                       {"scid", "AB12CD34E"},
                       {"kind", "tag"},
                       {"mode", "soft"},
                       {"targets",
                        {{{"property_id", "AB12CD34E.www"}, {"values", {"red", "blue"}}},
                         {{"property_id", "AB12CD34E.img"}, {"values", {"red", "blue"}}}}}}}});
  EXPECT_TRUE(outcome.applied) << outcome.detail;
  EXPECT_EQ(outcome.detail, "4 object(s) marked stale");
  ASSERT_EQ(purges_.size(), 2u);
  EXPECT_EQ(purges_[0].kind, "tag");
  EXPECT_EQ(purges_[0].mode, "soft");
  EXPECT_EQ(purges_[1].property_id, "AB12CD34E.img");
  EXPECT_EQ(purges_[1].values, (std::vector<std::string>{"red", "blue"}));
}

TEST_F(ControlPlaneClientTest, AFailedPurgeIsReportedAsFailed) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome =
      client->apply({{"sequence", 3},
                     {"kind", "invalidation"},
                     {"payload",
                      {{"kind", "url"},
                       {"mode", "hard"},
                       {"targets", {{{"property_id", "broken"}, {"values", {"/a"}}}}}}}});
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.detail.find("store unavailable"), std::string::npos);
}

TEST_F(ControlPlaneClientTest, UnknownEventKindsFail) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome =
      client->apply({{"sequence", 3}, {"kind", "surprise"}, {"payload", json::object()}});
  EXPECT_FALSE(outcome.applied);
  EXPECT_EQ(client->applied_sequence(), 3);
}

TEST_F(ControlPlaneClientTest, RestoresLastGoodBeforeThePortalAnswers) {
  {
    PropertyCatalog catalog({});
    auto client = make_client(catalog);
    ASSERT_TRUE(client->restore().ok());
    ASSERT_TRUE(client
                    ->apply(deployment(12, "production",
                                       json::array({property("AB12CD34E.www", "www.test", 8001)})))
                    .applied);
  }
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  auto restored = client->restore();
  ASSERT_TRUE(restored.ok()) << restored.error();
  EXPECT_EQ(restored.value(), 1u);
  EXPECT_NE(catalog.table()->find("www.test"), nullptr);
  EXPECT_EQ(client->applied_sequence(), 12);
}

json service_state(long long sequence, const std::string& scid, const std::string& state) {
  return {{"sequence", sequence},
          {"kind", "service_state"},
          {"payload", {{"scid", scid}, {"state", state}, {"reason", "non-payment: INV-1"}}}};
}

constexpr const char* kScid = "AB12CD34W";  // a valid SCID (the deployments above need none)

TEST_F(ControlPlaneClientTest, AServiceStateSuspendsOnEitherNetworkAndIsKeptOnDisk) {
  for (const std::string network : {"production", "staging"}) {
    options_.network = network;
    options_.state_dir = dir_.path() + "/" + network;
    PropertyCatalog catalog({});
    auto client = make_client(catalog);
    ASSERT_TRUE(client->restore().ok());
    auto outcome = client->apply(service_state(8, kScid, "suspended"));
    EXPECT_TRUE(outcome.applied) << network << ": " << outcome.detail;
    EXPECT_NE(outcome.detail.find("non-payment: INV-1"), std::string::npos) << outcome.detail;
    EXPECT_TRUE(catalog.table()->is_suspended(kScid)) << network;
    EXPECT_EQ(client->applied_sequence(), 8);
    auto saved = load_last_good(options_.state_dir + "/last-good.json");
    ASSERT_TRUE(saved.ok() && saved->has_value()) << network;
    EXPECT_EQ((*saved)->sequence, 8) << "on disk before the acknowledgement";
    EXPECT_TRUE((*saved)->service_states.is_suspended(kScid));
  }
}

TEST_F(ControlPlaneClientTest, ASuspensionSurvivesARestartAndActiveLiftsIt) {
  {
    PropertyCatalog catalog({});
    auto client = make_client(catalog);
    ASSERT_TRUE(client->restore().ok());
    ASSERT_TRUE(client->apply(service_state(4, kScid, "suspended")).applied);
  }
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  EXPECT_TRUE(catalog.table()->is_suspended(kScid)) << "suspended before the portal answers";
  EXPECT_EQ(client->applied_sequence(), 4);
  ASSERT_TRUE(client->apply(service_state(5, kScid, "active")).applied);
  EXPECT_FALSE(catalog.table()->is_suspended(kScid));
  auto saved = load_last_good(state_file());
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_TRUE((*saved)->service_states.suspended().empty());
}

TEST_F(ControlPlaneClientTest, ADisconnectDropsTheDeploymentFromMemoryAndDisk) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  json deployed = deployment(2, "production", json::array({property("w", "www.test", 8001)}));
  deployed["payload"]["scid"] = kScid;
  ASSERT_TRUE(client->apply(deployed).applied);
  auto outcome = client->apply(service_state(3, kScid, "disconnected"));
  EXPECT_TRUE(outcome.applied) << outcome.detail;
  EXPECT_EQ(catalog.table()->find("www.test"), nullptr);
  auto saved = load_last_good(state_file());
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_TRUE((*saved)->services.empty());
  EXPECT_EQ((*saved)->sequence, 3);
}

TEST_F(ControlPlaneClientTest, ABadServiceStateFailsAndChangesNothing) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  auto outcome = client->apply(service_state(6, kScid, "frozen"));
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.detail.find("/state"), std::string::npos) << outcome.detail;
  outcome = client->apply(service_state(7, "not-a-scid", "suspended"));
  EXPECT_FALSE(outcome.applied);
  EXPECT_NE(outcome.detail.find("/scid"), std::string::npos) << outcome.detail;
  EXPECT_TRUE(catalog.service_states().suspended().empty());
  EXPECT_EQ(client->applied_sequence(), 7) << "the feed moves on past a failed event";
}

TEST_F(ControlPlaneClientTest, RefusesBadOptionsAtStart) {
  PropertyCatalog catalog({});
  options_.portal_url = "https://portal.test";
  EXPECT_NE(make_client(catalog)->restore().error().find("https is not supported"),
            std::string::npos);
  options_.portal_url = "http://127.0.0.1:9";
  options_.network = "moon";
  EXPECT_FALSE(make_client(catalog)->restore().ok());
  options_.network = "staging";
  options_.node_token_file = dir_.path() + "/missing";
  EXPECT_NE(make_client(catalog)->restore().error().find("node token"), std::string::npos);
}

TEST_F(ControlPlaneClientTest, StopsPromptlyWhileThePortalIsUnreachable) {
  PropertyCatalog catalog({});
  auto client = make_client(catalog);
  ASSERT_TRUE(client->restore().ok());
  client->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  client->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(RegistrationBody, SendsTheAdminAddressAndTheDeclaredCapacity) {
  ControlPlaneOptions o;
  o.address = "127.0.0.1:8081";
  o.network = "staging";
  o.admin_address = "127.0.0.1:9181";
  o.capacity_requests_per_second = 20000;
  o.capacity_bytes_per_second = 125000000;
  EXPECT_EQ(
      registration_body(o),
      (json{{"address", "127.0.0.1:8081"},
            {"network", "staging"},
            {"admin_address", "127.0.0.1:9181"},
            {"capacity", {{"requests_per_second", 20000}, {"bytes_per_second", 125000000}}}}));
}

TEST(RegistrationBody, WithoutAnAdminListenerTheAdminAddressIsLeftOutAndZeroIsUndeclared) {
  ControlPlaneOptions o;
  o.address = "127.0.0.1:8081";
  const json body = registration_body(o);
  EXPECT_FALSE(body.contains("admin_address")) << body.dump();
  EXPECT_EQ(body["network"], "production");
  EXPECT_EQ(body["capacity"], (json{{"requests_per_second", 0}, {"bytes_per_second", 0}}));
}

TEST(PortalAddress, AcceptsHttpHostAndPortOnly) {
  auto a = parse_portal_address("http://127.0.0.1:9000/");
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "9000");
  EXPECT_EQ(a->url, "http://127.0.0.1:9000");
  auto b = parse_portal_address("http://portal.test");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, "80");
  auto v6 = parse_portal_address("http://[::1]:9000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  for (const char* bad : {"portal:9000", "http://", "http://h:port", "http://h:9000/api",
                          "http://user@h:9000", "https://h"}) {
    EXPECT_FALSE(parse_portal_address(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace candela::edge
