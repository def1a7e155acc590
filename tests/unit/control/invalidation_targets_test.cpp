// Invalidation values are checked one by one (every problem located in the request body) and
// resolved to the edge property ids of the SCID's deployed configuration.
#include "control/invalidation_targets.hpp"

#include <gtest/gtest.h>

namespace candela::control {
namespace {

const std::string kScid = "8VVGPXYB0";

ConfigurationDocument document(const std::string& www_id = "www") {
  auto parsed = parse_configuration(R"({"scid": "8VVGPXYB0", "properties": [
    {"id": ")" + www_id + R"(", "primary_alias": "www.shop.test", "aliases": ["shop.test"],
     "origin": {"host": "origin.shop.test"}},
    {"id": "img", "primary_alias": "img.shop.test", "origin": {"host": "origin.shop.test"}}]})");
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.value();
}

InvalidationRequest request(InvalidationKind kind, std::vector<std::string> values) {
  InvalidationRequest r;
  r.kind = kind;
  r.values = std::move(values);
  return r;
}

std::vector<std::string> pointers(const Error& error) {
  std::vector<std::string> out;
  for (const auto& [pointer, message] : error.fields)
    out.push_back(pointer);
  return out;
}

TEST(PurgeUrl, SplitsHostAndWhatTheEdgeKeysBy) {
  std::string why;
  auto url = parse_purge_url("https://WWW.Shop.test./a.jpg?v=2#top", why);
  ASSERT_TRUE(url) << why;
  EXPECT_EQ(url->host, "www.shop.test");
  EXPECT_EQ(url->path_and_query, "/a.jpg?v=2");
  auto root = parse_purge_url("http://shop.test", why);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->path_and_query, "/");
  auto query = parse_purge_url("HTTP://shop.test?x=1", why);
  ASSERT_TRUE(query);
  EXPECT_EQ(query->path_and_query, "/?x=1");
  auto port = parse_purge_url("http://shop.test:8080/a", why);
  ASSERT_TRUE(port);
  EXPECT_EQ(port->host, "shop.test:8080");
  EXPECT_EQ(port->bare_host, "shop.test");
}

TEST(PurgeUrl, RefusesWhatIsNotAFullHttpUrl) {
  for (const char* bad :
       {"/a.jpg", "www.shop.test/a.jpg", "ftp://shop.test/a", "http://user@shop.test/a",
        "http:///a", "http://shop.test:0/a", "http://shop.test:99999/", "http://shop.test/a b",
        "http://shop.test/\xc3\xa9", "http://sh op.test/", "http://[::1/a"}) {
    std::string why;
    EXPECT_FALSE(parse_purge_url(bad, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(InvalidationTargets, UrlsResolveToTheirPropertiesGroupedWithoutRepeats) {
  auto targets = resolve_invalidation_targets(
      kScid, {document()},
      request(InvalidationKind::kUrl,
              {"https://www.shop.test/a.jpg", "http://img.shop.test/b.png?v=1",
               "https://shop.test/c.css", "https://WWW.shop.test/a.jpg"}));
  ASSERT_TRUE(targets.ok()) << targets.error();
  ASSERT_EQ(targets->size(), 2u);
  EXPECT_EQ(targets.value()[0].property_id, "8VVGPXYB0.www");
  EXPECT_EQ(targets.value()[0].values, (std::vector<std::string>{"/a.jpg", "/c.css"}));
  EXPECT_EQ(targets.value()[1].property_id, "8VVGPXYB0.img");
  EXPECT_EQ(targets.value()[1].values, (std::vector<std::string>{"/b.png?v=1"}));
}

TEST(InvalidationTargets, EveryBadUrlIsLocatedAndForeignAliasesAreRefused) {
  auto targets = resolve_invalidation_targets(
      kScid, {document()},
      request(InvalidationKind::kUrl,
              {"https://www.shop.test/ok", "https://www.other.test/x", "nope", ""}));
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(targets.error_kind(), ErrorKind::kInvalid);
  EXPECT_EQ(pointers(targets.failure()),
            (std::vector<std::string>{"/values/1", "/values/2", "/values/3"}));
  EXPECT_NE(targets.failure().fields[0].second.find("www.other.test is not an alias"),
            std::string::npos)
      << targets.failure().fields[0].second;
}

TEST(InvalidationTargets, ProductionResolvesAHostBeforeStaging) {
  auto targets =
      resolve_invalidation_targets(kScid, {document("www"), document("www-next")},
                                   request(InvalidationKind::kUrl, {"https://www.shop.test/a"}));
  ASSERT_TRUE(targets.ok()) << targets.error();
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ(targets.value()[0].property_id, "8VVGPXYB0.www");
}

TEST(InvalidationTargets, TagsGoToEveryPropertyOrTheChosenOnes) {
  auto all = resolve_invalidation_targets(kScid, {document()},
                                          request(InvalidationKind::kTag, {"product-42", "sale"}));
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all.value()[0].values, (std::vector<std::string>{"product-42", "sale"}));

  auto chosen_request = request(InvalidationKind::kTag, {"sale"});
  chosen_request.property_ids = std::vector<std::string>{"img", "8VVGPXYB0.img"};
  auto chosen = resolve_invalidation_targets(kScid, {document()}, chosen_request);
  ASSERT_TRUE(chosen.ok()) << chosen.error();
  ASSERT_EQ(chosen->size(), 1u);
  EXPECT_EQ(chosen.value()[0].property_id, "8VVGPXYB0.img");

  chosen_request.property_ids = std::vector<std::string>{"www", "nope"};
  auto unknown = resolve_invalidation_targets(kScid, {document()}, chosen_request);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(pointers(unknown.failure()), (std::vector<std::string>{"/property_ids/1"}));

  chosen_request.property_ids = std::vector<std::string>{};
  EXPECT_EQ(pointers(resolve_invalidation_targets(kScid, {document()}, chosen_request).failure()),
            (std::vector<std::string>{"/property_ids"}));
}

TEST(InvalidationTargets, TagsAreTokensWithoutSpacesOrCommas) {
  auto targets = resolve_invalidation_targets(
      kScid, {document()}, request(InvalidationKind::kTag, {"ok", "two words", "a,b", "tab\t"}));
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(pointers(targets.failure()),
            (std::vector<std::string>{"/values/1", "/values/2", "/values/3"}));
}

TEST(InvalidationTargets, PatternsAreCompiledAndBadOnesLocated) {
  auto good = resolve_invalidation_targets(
      kScid, {document()}, request(InvalidationKind::kPattern, {"/img/*.jpg", "/a/[0-9]{2,4}/x"}));
  ASSERT_TRUE(good.ok()) << good.error();
  EXPECT_EQ(good->size(), 2u);
  auto bad = resolve_invalidation_targets(
      kScid, {document()}, request(InvalidationKind::kPattern, {"/ok/*", "/broken[a-", "/x{3,1}"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(pointers(bad.failure()), (std::vector<std::string>{"/values/1", "/values/2"}));
}

TEST(InvalidationTargets, EnforcesTheValueLimits) {
  std::vector<std::string> many(Invalidations::kMaxValues + 1, "tag");
  auto too_many =
      resolve_invalidation_targets(kScid, {document()}, request(InvalidationKind::kTag, many));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(pointers(too_many.failure()), (std::vector<std::string>{"/values"}));
  many.pop_back();
  EXPECT_TRUE(
      resolve_invalidation_targets(kScid, {document()}, request(InvalidationKind::kTag, many))
          .ok());

  const std::string longest = "https://www.shop.test/" + std::string(2048 - 22, 'a');
  ASSERT_EQ(longest.size(), Invalidations::kMaxValueBytes);
  EXPECT_TRUE(
      resolve_invalidation_targets(kScid, {document()}, request(InvalidationKind::kUrl, {longest}))
          .ok());
  auto too_long = resolve_invalidation_targets(kScid, {document()},
                                               request(InvalidationKind::kUrl, {longest + "a"}));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(pointers(too_long.failure()), (std::vector<std::string>{"/values/0"}));

  EXPECT_EQ(pointers(resolve_invalidation_targets(kScid, {document()},
                                                  request(InvalidationKind::kTag, {}))
                         .failure()),
            (std::vector<std::string>{"/values"}));
}

TEST(InvalidationTargets, UrlRequestsTakeNoPropertyIds) {
  auto r = request(InvalidationKind::kUrl, {"https://www.shop.test/a"});
  r.property_ids = std::vector<std::string>{"www"};
  auto targets = resolve_invalidation_targets(kScid, {document()}, r);
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(pointers(targets.failure()), (std::vector<std::string>{"/property_ids"}));
}

TEST(InvalidationTargets, NothingDeployedMeansNothingToInvalidate) {
  auto targets = resolve_invalidation_targets(kScid, {}, request(InvalidationKind::kTag, {"sale"}));
  ASSERT_FALSE(targets.ok());
  EXPECT_EQ(targets.error_kind(), ErrorKind::kConflict);
}

}  // namespace
}  // namespace candela::control
