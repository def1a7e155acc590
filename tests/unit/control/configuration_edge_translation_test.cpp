// Translation to the edge: exactly the property keys docs/edge.md documents, plus "rules".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "control/edge_translation.hpp"
#include "example_documents.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

ConfigurationDocument full_example() {
  auto doc = parse_configuration(example_text("configuration_full.json"));
  EXPECT_TRUE(doc.ok()) << doc.error();
  return std::move(doc).value();
}

// The edge's own documented example (the first JSON block of docs/edge.md) is the contract:
// src/edge may not be linked from here, so the test reads what the edge promises to accept.
json edge_example_property() {
  const std::string text = read_text(kDocsDir / "edge.md");
  const std::size_t start = text.find("```json\n") + 8;
  const std::size_t end = text.find("```", start);
  return json::parse(text.substr(start, end - start))["properties"][0];
}

std::set<std::string> keys(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items())
    out.insert(key);
  return out;
}

TEST(ConfigurationEdgeTranslation, PropertiesUseOnlyTheEdgesKeysPlusRules) {
  const json edge_property = edge_example_property();
  std::set<std::string> allowed = keys(edge_property);
  allowed.insert("rules");
  // Property::shield (src/edge/edge_config.hpp, docs/shield.md): the fill path of the property.
  allowed.insert("shield");
  const json properties = to_edge_properties(full_example());
  ASSERT_EQ(properties.size(), 2u);
  for (const auto& p : properties) {
    for (const auto& key : keys(p))
      EXPECT_TRUE(allowed.contains(key)) << key << " is not an edge property field";
    for (const char* required : {"id", "service_id", "aliases", "origin", "rules"})
      EXPECT_TRUE(p.contains(required)) << required;
    EXPECT_EQ(keys(p["origin"]), keys(edge_property["origin"]));
  }
}

TEST(ConfigurationEdgeTranslation, ShieldIsCarriedOnEveryProperty) {
  const json properties = to_edge_properties(full_example());
  EXPECT_EQ(properties[0]["shield"], true);
  EXPECT_EQ(properties[1]["shield"], false);
}

TEST(ConfigurationEdgeTranslation, MapsIdsAliasesAndOrigin) {
  const json properties = to_edge_properties(full_example());
  const json& www = properties[0];
  EXPECT_EQ(www["id"], "8VVGPXYB0.media-www");
  EXPECT_EQ(www["service_id"], "8VVGPXYB0");
  EXPECT_EQ(www["aliases"], json({"www.example.com", "cdn.example.com", "static.example.com"}));
  EXPECT_EQ(www["origin"]["host"], "origin.example.com");
  EXPECT_EQ(www["origin"]["port"], 8443);
  EXPECT_EQ(www["origin"]["protocol"], "https");
  EXPECT_EQ(www["origin"]["web_root"], "/media");
  EXPECT_EQ(www["origin"]["host_header"], "assets.example.com");
  EXPECT_EQ(www["origin"]["connect_timeout_ms"], 2000);
  EXPECT_EQ(properties[1]["origin"]["response_timeout_ms"], 15000);
  EXPECT_EQ(properties[1]["origin"]["protocol"], "http");
}

TEST(ConfigurationEdgeTranslation, RulesCarryWhatTheEdgeDoesNotImplementYet) {
  const json properties = to_edge_properties(full_example());
  const json& rules = properties[0]["rules"];
  EXPECT_EQ(rules["property_id"], "media-www");
  ASSERT_EQ(rules["match_rules"].size(), 6u);
  EXPECT_EQ(rules["match_rules"][0]["name"], "block scrapers");
  EXPECT_EQ(rules["match_rules"][5]["name"], "everything else");
  EXPECT_EQ(rules["cache_key"]["query"], "allowlist");
  EXPECT_EQ(rules["tls"]["certificate_id"], "cert-www-2025");
  EXPECT_EQ(rules["origin_tls"]["sni"], "assets.example.com");
  EXPECT_FALSE(properties[1]["rules"].contains("tls"));
  EXPECT_FALSE(properties[1]["rules"].contains("origin_tls"));
}

}  // namespace
}  // namespace candela::control
