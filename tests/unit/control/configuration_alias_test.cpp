// Alias registry: an alias belongs to one property in the whole CDN, whatever its case or dot.
#include <gtest/gtest.h>

#include "control/alias_registry.hpp"

namespace candela::control {
namespace {

ConfigurationDocument document(const std::string& scid, const std::string& primary,
                               const std::string& alias) {
  auto doc = parse_configuration(
      R"({"scid":")" + scid + R"(","properties":[{"id":"www","primary_alias":")" + primary +
      R"(","aliases":[")" + alias + R"("],"origin":{"host":"origin.example.com"}}]})");
  EXPECT_TRUE(doc.ok()) << doc.error();
  return std::move(doc).value();
}

TEST(ConfigurationAliases, ConflictsWithAnotherScidAreLocated) {
  AliasRegistry registry({{"www.example.com", {"TCHCEXXW1", "site"}}});
  const auto errors = registry.check(document("8VVGPXYB0", "WWW.Example.com.", "cdn.example.com"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/properties/0/primary_alias");
  EXPECT_NE(errors[0].message.find("already belongs to property \"site\" of service TCHCEXXW1"),
            std::string::npos)
      << errors[0].message;
}

TEST(ConfigurationAliases, EveryConflictIsReported) {
  AliasRegistry registry;
  registry.claim(document("TCHCEXXW1", "a.example.com", "b.example.com"));
  const auto errors = registry.check(document("8VVGPXYB0", "b.example.com", "a.example.com"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].pointer, "/properties/0/primary_alias");
  EXPECT_EQ(errors[1].pointer, "/properties/0/aliases/0");
}

TEST(ConfigurationAliases, TheSameScidMayKeepOrMoveItsOwnAliases) {
  AliasRegistry registry;
  registry.claim(document("8VVGPXYB0", "a.example.com", "b.example.com"));
  EXPECT_TRUE(registry.check(document("8VVGPXYB0", "b.example.com", "a.example.com")).empty());
}

TEST(ConfigurationAliases, ClaimReplacesTheScidsPreviousVersion) {
  AliasRegistry registry;
  registry.claim(document("8VVGPXYB0", "a.example.com", "b.example.com"));
  registry.claim(document("8VVGPXYB0", "a.example.com", "c.example.com"));
  EXPECT_FALSE(registry.owner_of("b.example.com").has_value());
  EXPECT_EQ(registry.owner_of("C.EXAMPLE.COM."), (AliasOwner{"8VVGPXYB0", "www"}));
  EXPECT_TRUE(registry.check(document("TCHCEXXW1", "b.example.com", "d.example.com")).empty());
}

TEST(ConfigurationAliases, ReleaseFreesEveryAliasOfTheScid) {
  AliasRegistry registry;
  registry.claim(document("8VVGPXYB0", "a.example.com", "b.example.com"));
  registry.release("8VVGPXYB0");
  EXPECT_TRUE(registry.claims().empty());
}

}  // namespace
}  // namespace candela::control
