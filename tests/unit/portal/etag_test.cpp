// ETags and preconditions: If-None-Match for reads, If-Match (412/428) for writes.
#include "portal/etag.hpp"

#include <gtest/gtest.h>

namespace candela::portal {
namespace {

Request with_header(std::string method, std::string name, std::string value) {
  Request request;
  request.method = std::move(method);
  request.path = "/api/v1/services/S/configurations/3";
  request.headers.emplace_back(std::move(name), std::move(value));
  return request;
}

TEST(ETag, VersionAndContentTagsAreStrongAndStable) {
  EXPECT_EQ(ETag::from_version(42).header_value(), "\"v42\"");
  ETag a = ETag::from_content("hello");
  EXPECT_EQ(a, ETag::from_content("hello"));
  EXPECT_NE(a, ETag::from_content("hello!"));
  EXPECT_EQ(a.header_value().size(), 34u);
  EXPECT_EQ(a.header_value(), "\"2cf24dba5fb0a30e26e83b2ac5b9e29e\"");
  EXPECT_EQ(ETag::from_opaque("abc")->header_value(), "\"abc\"");
  EXPECT_FALSE(ETag::from_opaque("a\"b"));
}

TEST(IfNoneMatch, MatchingTagListOrStarMeansNotModified) {
  ETag current = ETag::from_version(3);
  EXPECT_EQ(evaluate_if_none_match(with_header("GET", "If-None-Match", "\"v3\""), current),
            ReadPrecondition::kNotModified);
  EXPECT_EQ(
      evaluate_if_none_match(with_header("GET", "If-None-Match", "\"v1\", W/\"v3\""), current),
      ReadPrecondition::kNotModified);
  EXPECT_EQ(evaluate_if_none_match(with_header("GET", "If-None-Match", "*"), current),
            ReadPrecondition::kNotModified);
  EXPECT_EQ(evaluate_if_none_match(with_header("GET", "If-None-Match", "\"v2\""), current),
            ReadPrecondition::kSendRepresentation);
  EXPECT_EQ(evaluate_if_none_match(with_header("GET", "If-None-Match", "v3"), current),
            ReadPrecondition::kSendRepresentation);
  EXPECT_EQ(evaluate_if_none_match(with_header("GET", "If-None-Match", "*"), std::nullopt),
            ReadPrecondition::kSendRepresentation);
}

TEST(IfMatch, MissingFieldIs428WhenRequiredOnly) {
  Request request;
  request.method = "PUT";
  auto required = evaluate_if_match(request, ETag::from_version(3), IfMatchRule::kRequired);
  ASSERT_TRUE(required);
  EXPECT_EQ(required->status, 428);
  EXPECT_EQ(required->to_response("r").header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(evaluate_if_match(request, ETag::from_version(3), IfMatchRule::kOptional));
}

TEST(IfMatch, CurrentTagProceeds) {
  EXPECT_FALSE(evaluate_if_match(with_header("PUT", "If-Match", "\"v3\""), ETag::from_version(3),
                                 IfMatchRule::kRequired));
  EXPECT_FALSE(evaluate_if_match(with_header("PUT", "If-Match", "\"v1\" , \"v3\""),
                                 ETag::from_version(3), IfMatchRule::kRequired));
  EXPECT_FALSE(evaluate_if_match(with_header("PUT", "If-Match", "*"), ETag::from_version(3),
                                 IfMatchRule::kRequired));
}

TEST(IfMatch, StaleTagIs412NamingTheCurrentTag) {
  auto problem = evaluate_if_match(with_header("PUT", "If-Match", "\"v2\""), ETag::from_version(3),
                                   IfMatchRule::kRequired);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 412);
  EXPECT_EQ(problem->slug, "precondition-failed");
  EXPECT_EQ(problem->to_response("r").header("ETag"), "\"v3\"");
}

TEST(IfMatch, WeakTagNeverMatchesAndMissingResourceFails) {
  auto weak = evaluate_if_match(with_header("PUT", "If-Match", "W/\"v3\""), ETag::from_version(3),
                                IfMatchRule::kRequired);
  ASSERT_TRUE(weak);
  EXPECT_EQ(weak->status, 412);
  auto gone =
      evaluate_if_match(with_header("PUT", "If-Match", "*"), std::nullopt, IfMatchRule::kRequired);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 412);
}

TEST(IfMatch, MalformedFieldIs400) {
  auto problem = evaluate_if_match(with_header("PUT", "If-Match", "v3"), ETag::from_version(3),
                                   IfMatchRule::kRequired);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status, 400);
}

TEST(ETag, NotModifiedResponseCarriesTagAndNoBody) {
  Response response = not_modified(ETag::from_version(9));
  EXPECT_EQ(response.status, 304);
  EXPECT_EQ(response.header("ETag"), "\"v9\"");
  EXPECT_TRUE(response.body.empty());
}

}  // namespace
}  // namespace candela::portal
