// The edge's property catalog: deployments replace a SCID's properties, are validated whole
// with the configuration file's rules, and never clash with the file's properties; service
// states suspend a SCID's properties or drop its deployment.
#include "edge/property_catalog.hpp"

#include <gtest/gtest.h>

namespace candela::edge {
namespace {

using nlohmann::json;

std::vector<std::shared_ptr<const Property>> file_properties() {
  auto parsed = parse_edge_config(R"({"properties": [
    {"id": "local", "aliases": ["local.test"], "origin": {"host": "127.0.0.1", "port": 8001}},
    {"id": "old", "service_id": "AB12CD34E", "aliases": ["www.test"],
     "origin": {"host": "127.0.0.1", "port": 8002}}]})");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed->properties;
}

json property(const std::string& id, const std::string& alias, int port) {
  return {{"id", id}, {"aliases", {alias}}, {"origin", {{"host", "127.0.0.1"}, {"port", port}}}};
}

DeployedService service(json properties, long long version = 1) {
  return DeployedService{7, version, std::move(properties)};
}

TEST(PropertyCatalog, ServesTheFilePropertiesUntilSomethingIsDeployed) {
  PropertyCatalog catalog(file_properties());
  auto table = catalog.table();
  ASSERT_NE(table->find("local.test"), nullptr);
  ASSERT_NE(table->find("www.test"), nullptr);
  EXPECT_TRUE(catalog.deployed().empty());
}

TEST(PropertyCatalog, ADeploymentReplacesEveryPropertyTheFileHeldForItsScid) {
  PropertyCatalog catalog(file_properties());
  std::vector<std::shared_ptr<const PropertyTable>> published;
  catalog.set_publisher([&](auto table) { published.push_back(table); });
  auto deployed = catalog.deploy(
      "AB12CD34E", service(json::array({property("AB12CD34E.www", "new.test", 8003)})));
  ASSERT_TRUE(deployed.ok()) << deployed.error();
  EXPECT_EQ(deployed.value(), 2u);
  ASSERT_EQ(published.size(), 1u);
  auto table = catalog.table();
  EXPECT_EQ(table, published.back());
  EXPECT_EQ(table->find("www.test"), nullptr) << "the file's property of that SCID is replaced";
  const auto* fresh = table->find("new.test");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ((*fresh)->service_id, "AB12CD34E") << "the SCID is filled in when left out";
  EXPECT_EQ((*fresh)->origin.port, 8003);
  EXPECT_NE(table->find("local.test"), nullptr) << "other file properties stay";
  EXPECT_EQ(catalog.deployed().at("AB12CD34E").version, 1);
}

TEST(PropertyCatalog, AnInvalidDeploymentIsRefusedWithPointersAndChangesNothing) {
  PropertyCatalog catalog(file_properties());
  ASSERT_TRUE(
      catalog
          .deploy("AB12CD34E", service(json::array({property("AB12CD34E.www", "v1.test", 8003)})))
          .ok());
  auto before = catalog.table();
  json bad = json::array({property("AB12CD34E.www", "v2.test", 8003)});
  bad[0]["origin"]["port"] = 70000;
  bad.push_back(property("AB12CD34E.img", "bad host", 8004));
  auto refused = catalog.deploy("AB12CD34E", service(bad, 2));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("/properties/0/origin/port"), std::string::npos)
      << refused.error();
  EXPECT_NE(refused.error().find("/properties/1/aliases/0"), std::string::npos);
  EXPECT_EQ(catalog.table(), before);
  EXPECT_NE(catalog.table()->find("v1.test"), nullptr);
  EXPECT_EQ(catalog.deployed().at("AB12CD34E").version, 1);
}

TEST(PropertyCatalog, RefusesADeploymentWhoseAliasAnotherSourceAnswers) {
  PropertyCatalog catalog(file_properties());
  auto refused = catalog.deploy(
      "ZZ12CD34E", service(json::array({property("ZZ12CD34E.x", "local.test", 8005)})));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("alias \"local.test\""), std::string::npos) << refused.error();
  EXPECT_NE(refused.error().find("the configuration file"), std::string::npos);
  EXPECT_TRUE(catalog.deployed().empty());
}

TEST(PropertyCatalog, RefusesPropertiesOfAnotherScid) {
  PropertyCatalog catalog(file_properties());
  json p = property("x", "x.test", 8005);
  p["service_id"] = "OTHER0000";
  auto refused = catalog.deploy("AB12CD34E", service(json::array({p})));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("/properties/0/service_id: must be AB12CD34E"), std::string::npos)
      << refused.error();
}

TEST(PropertyCatalog, AReloadedFileMayNotClashWithDeployedProperties) {
  PropertyCatalog catalog(file_properties());
  ASSERT_TRUE(
      catalog
          .deploy("AB12CD34E", service(json::array({property("AB12CD34E.www", "new.test", 8003)})))
          .ok());
  auto clashing = parse_edge_config(R"({"properties": [
    {"id": "local2", "aliases": ["new.test"], "origin": {"host": "127.0.0.1"}}]})");
  ASSERT_TRUE(clashing.ok());
  auto refused = catalog.replace_local(clashing->properties);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(catalog.table()->find("local.test"), nullptr) << "the running set stays";

  auto fine = parse_edge_config(R"({"properties": [
    {"id": "local2", "aliases": ["other.test"], "origin": {"host": "127.0.0.1"}}]})");
  ASSERT_TRUE(fine.ok());
  auto replaced = catalog.replace_local(fine->properties);
  ASSERT_TRUE(replaced.ok()) << replaced.error();
  EXPECT_EQ(catalog.table()->find("local.test"), nullptr);
  EXPECT_NE(catalog.table()->find("other.test"), nullptr);
  EXPECT_NE(catalog.table()->find("new.test"), nullptr) << "deployed properties survive a reload";
}

TEST(PropertyCatalog, AnEmptyDeploymentRemovesTheScidsProperties) {
  PropertyCatalog catalog(file_properties());
  ASSERT_TRUE(catalog.deploy("AB12CD34E", service(json::array())).ok());
  EXPECT_EQ(catalog.table()->find("www.test"), nullptr);
  EXPECT_EQ(catalog.table()->size(), 1u);
}

// A catalog with a file property of kFileScid, one without a service and one deployed SCID.
constexpr const char* kFileScid = "AB12CD34W";
constexpr const char* kDeployedScid = "ZX98YW76J";

std::unique_ptr<PropertyCatalog> catalog_with_two_services() {
  auto parsed = parse_edge_config(R"({"properties": [
    {"id": "local", "aliases": ["local.test"], "origin": {"host": "127.0.0.1", "port": 8001}},
    {"id": "file", "service_id": "AB12CD34W", "aliases": ["file.test"],
     "origin": {"host": "127.0.0.1", "port": 8002}}]})");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  auto catalog = std::make_unique<PropertyCatalog>(parsed->properties);
  auto deployed = catalog->deploy(
      kDeployedScid, service(json::array({property("ZX98YW76J.www", "deployed.test", 8003)})));
  EXPECT_TRUE(deployed.ok()) << deployed.error();
  return catalog;
}

TEST(PropertyCatalog, ASuspendedServiceStaysInTheTableMarkedSuspended) {
  auto owned = catalog_with_two_services();
  PropertyCatalog& catalog = *owned;
  std::vector<std::shared_ptr<const PropertyTable>> published;
  catalog.set_publisher([&](auto table) { published.push_back(table); });

  auto suspended = catalog.apply_service_state({kDeployedScid, "suspended", "non-payment"});
  ASSERT_TRUE(suspended.ok()) << suspended.error();
  EXPECT_NE(suspended->find("403"), std::string::npos) << suspended.value();
  ASSERT_EQ(published.size(), 1u) << "the workers get a new table";
  auto table = catalog.table();
  ASSERT_NE(table->find("deployed.test"), nullptr) << "the property is still matched";
  EXPECT_TRUE(table->is_suspended(kDeployedScid));
  EXPECT_FALSE(table->is_suspended(kFileScid));
  EXPECT_FALSE(table->is_suspended("")) << "properties without a service are never suspended";
  EXPECT_EQ(catalog.deployed().size(), 1u) << "the deployment is kept for when it comes back";

  // A file property of a suspended SCID is suspended too.
  ASSERT_TRUE(catalog.apply_service_state({kFileScid, "suspended", ""}).ok());
  EXPECT_TRUE(catalog.table()->is_suspended(kFileScid));
  EXPECT_TRUE(catalog.service_states().is_suspended(kFileScid));

  auto again = catalog.apply_service_state({kDeployedScid, "suspended", ""});
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->find("nothing to change"), std::string::npos) << again.value();
  EXPECT_EQ(published.size(), 2u) << "a repeat publishes nothing";

  auto active = catalog.apply_service_state({kDeployedScid, "active", "paid"});
  ASSERT_TRUE(active.ok()) << active.error();
  EXPECT_NE(active->find("served again"), std::string::npos) << active.value();
  EXPECT_FALSE(catalog.table()->is_suspended(kDeployedScid));
  EXPECT_NE(catalog.table()->find("deployed.test"), nullptr);
}

TEST(PropertyCatalog, SuspensionsSurviveAReloadOfTheFileAndLaterDeployments) {
  auto owned = catalog_with_two_services();
  PropertyCatalog& catalog = *owned;
  ASSERT_TRUE(catalog.apply_service_state({kDeployedScid, "suspended", ""}).ok());
  ASSERT_TRUE(catalog.replace_local({}).ok());
  EXPECT_TRUE(catalog.table()->is_suspended(kDeployedScid));
  ASSERT_TRUE(catalog
                  .deploy(kDeployedScid,
                          service(json::array({property("ZX98YW76J.www", "v2.test", 8003)}), 2))
                  .ok());
  EXPECT_TRUE(catalog.table()->is_suspended(kDeployedScid));
}

TEST(PropertyCatalog, ADisconnectedServiceLosesItsDeployedProperties) {
  auto owned = catalog_with_two_services();
  PropertyCatalog& catalog = *owned;
  ASSERT_TRUE(catalog.apply_service_state({kDeployedScid, "suspended", ""}).ok());
  auto dropped = catalog.apply_service_state({kDeployedScid, "disconnected", "contract ended"});
  ASSERT_TRUE(dropped.ok()) << dropped.error();
  EXPECT_NE(dropped->find("dropped"), std::string::npos) << dropped.value();
  EXPECT_EQ(dropped->find("served again"), std::string::npos) << dropped.value();
  EXPECT_EQ(catalog.table()->find("deployed.test"), nullptr);
  EXPECT_TRUE(catalog.deployed().empty());
  EXPECT_FALSE(catalog.service_states().is_suspended(kDeployedScid));
  EXPECT_NE(catalog.table()->find("local.test"), nullptr) << "the other properties stay";
  EXPECT_NE(catalog.table()->find("file.test"), nullptr);

  auto repeat = catalog.apply_service_state({kDeployedScid, "disconnected", ""});
  ASSERT_TRUE(repeat.ok());
  EXPECT_NE(repeat->find("nothing to change"), std::string::npos) << repeat.value();
}

TEST(PropertyCatalog, ADisconnectWhoseFilePropertiesWouldClashChangesNothing) {
  // The file holds a property of kFileScid; a deployment of kFileScid replaced it, and another
  // SCID's deployment now answers the file property's alias. Dropping kFileScid's deployment
  // would bring the file property back onto that alias.
  auto parsed = parse_edge_config(R"({"properties": [
    {"id": "file", "service_id": "AB12CD34W", "aliases": ["file.test"],
     "origin": {"host": "127.0.0.1", "port": 8002}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  PropertyCatalog catalog(parsed->properties);
  ASSERT_TRUE(
      catalog.deploy(kFileScid, service(json::array({property("AB12CD34W.a", "a.test", 8003)})))
          .ok());
  ASSERT_TRUE(
      catalog
          .deploy(kDeployedScid, service(json::array({property("ZX98YW76J.b", "file.test", 8004)})))
          .ok());
  ASSERT_TRUE(catalog.apply_service_state({kFileScid, "suspended", ""}).ok());
  auto before = catalog.table();
  auto refused = catalog.apply_service_state({kFileScid, "disconnected", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("alias \"file.test\""), std::string::npos) << refused.error();
  EXPECT_EQ(catalog.table(), before);
  EXPECT_TRUE(catalog.service_states().is_suspended(kFileScid)) << "still suspended";
  EXPECT_EQ(catalog.deployed().size(), 2u);
}

TEST(PropertyCatalog, RestoredServiceStatesApplyToTheServedTable) {
  auto owned = catalog_with_two_services();
  PropertyCatalog& catalog = *owned;
  ServiceStates states;
  states.apply({kDeployedScid, "suspended", ""});
  catalog.restore_service_states(states);
  EXPECT_TRUE(catalog.table()->is_suspended(kDeployedScid));
  EXPECT_NE(catalog.table()->find("deployed.test"), nullptr);
  EXPECT_EQ(catalog.service_states(), states);
}

}  // namespace
}  // namespace candela::edge
