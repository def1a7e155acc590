// Configuration diff: typical edits give the changes a reviewer expects, and render readably.
#include "control/configuration_diff.hpp"

#include <gtest/gtest.h>

#include "example_documents.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

json full_example() {
  auto doc = parse_configuration(example_text("configuration_full.json"));
  EXPECT_TRUE(doc.ok()) << doc.error();
  return json::parse(to_json(doc.value()));
}

ConfigurationDocument parse(const json& j) {
  auto doc = parse_configuration(j.dump());
  EXPECT_TRUE(doc.ok()) << doc.error();
  return std::move(doc).value();
}

TEST(ConfigurationDiff, IdenticalVersionsHaveNoChanges) {
  const json doc = full_example();
  EXPECT_TRUE(diff_configurations(doc, doc).empty());
  EXPECT_NE(render_diff({}, "v1", "v2").find("(no changes)"), std::string::npos);
}

TEST(ConfigurationDiff, AliasAddedIsOneAddition) {
  const json before = full_example();
  json after = before;
  after["properties"][0]["aliases"].push_back("img.example.com");
  const auto changes = diff_configurations(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], (ConfigurationChange{"/properties/0/aliases/2", ChangeKind::kAdded, nullptr,
                                             "img.example.com"}));
}

TEST(ConfigurationDiff, TtlChangedIsOneChange) {
  const json before = full_example();
  json after = before;
  after["properties"][0]["match_rules"][2]["directives"]["cache_control"]["internal"]
       ["ttl_seconds"] = 3600;
  const auto changes = diff_configurations(parse(before), parse(after));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].pointer,
            "/properties/0/match_rules/2/directives/cache_control/internal/ttl_seconds");
  EXPECT_EQ(changes[0].kind, ChangeKind::kChanged);
  EXPECT_EQ(changes[0].old_value, 86400);
  EXPECT_EQ(changes[0].new_value, 3600);
}

TEST(ConfigurationDiff, RuleInsertedIsOneAdditionAndMovesNothing) {
  const json before = full_example();
  json after = before;
  auto& rules = after["properties"][0]["match_rules"];
  const json rule = {{"name", "fonts"},
                     {"criteria", {{"path", {{"operator", "ends_with"}, {"values", {".woff2"}}}}}},
                     {"directives", {{"cache_control", {{"internal", {{"policy", "as_is"}}}}}}}};
  rules.insert(rules.begin() + 1, rule);
  const auto changes = diff_configurations(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].pointer, "/properties/0/match_rules/1");
  EXPECT_EQ(changes[0].kind, ChangeKind::kAdded);
  EXPECT_EQ(changes[0].new_value["name"], "fonts");
}

TEST(ConfigurationDiff, RuleRemovedIsLocatedInTheOldVersion) {
  const json before = full_example();
  json after = before;
  after["properties"][0]["match_rules"].erase(3);
  const auto changes = diff_configurations(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].pointer, "/properties/0/match_rules/3");
  EXPECT_EQ(changes[0].kind, ChangeKind::kRemoved);
  EXPECT_EQ(changes[0].old_value["name"], "premium video");
}

TEST(ConfigurationDiff, ReorderedRulesAreReportedAsOneMove) {
  const json before = full_example();
  json after = before;
  auto& rules = after["properties"][0]["match_rules"];
  std::swap(rules[2], rules[3]);
  const auto changes = diff_configurations(before, after);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kMoved);
  const bool images_moved = changes[0].pointer == "/properties/0/match_rules/3" &&
                            changes[0].old_value == 2 && changes[0].new_value == 3;
  const bool video_moved = changes[0].pointer == "/properties/0/match_rules/2" &&
                           changes[0].old_value == 3 && changes[0].new_value == 2;
  EXPECT_TRUE(images_moved || video_moved) << changes[0].pointer;
}

TEST(ConfigurationDiff, PropertiesAreFollowedById) {
  const json before = full_example();
  json after = before;
  std::swap(after["properties"][0], after["properties"][1]);
  after["properties"][1]["origin"]["port"] = 9443;  // media-www, now second
  const auto changes = diff_configurations(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, ChangeKind::kMoved);
  EXPECT_EQ(changes[1].pointer, "/properties/1/origin/port");
  EXPECT_EQ(changes[1].old_value, 8443);
}

TEST(ConfigurationDiff, OmittedDefaultEqualsExplicitDefault) {
  const json before = full_example();
  json after = before;
  after["properties"][1]["origin"].erase("connect_timeout_ms");  // 3000 is the default
  EXPECT_TRUE(diff_configurations(parse(before), parse(after)).empty());
}

TEST(ConfigurationDiff, RenderingShowsEachHunk) {
  const json before = full_example();
  json after = before;
  after["properties"][0]["aliases"].push_back("img.example.com");
  after["properties"][0]["origin"]["port"] = 9443;
  const std::string text =
      render_diff(diff_configurations(before, after), "version 3", "version 4");
  EXPECT_EQ(text,
            "--- version 3\n+++ version 4\n"
            "@@ /properties/0/aliases/2 (added) @@\n+ \"img.example.com\"\n"
            "@@ /properties/0/origin/port (changed) @@\n- 8443\n+ 9443\n");
}

}  // namespace
}  // namespace candela::control
