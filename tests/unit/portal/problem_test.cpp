// Problem details: the RFC 9457 document shape and each helper's status and fields.
#include "portal/problem.hpp"

#include <gtest/gtest.h>

namespace candela::portal {
namespace {

TEST(Problem, DocumentHasTypeTitleStatusDetailInstanceAndErrors) {
  Problem problem = bad_request("2 fields are invalid",
                                {{"/origin/port", "must be between 1 and 65535"}, {"", "oops"}});
  Response response = problem.to_response("req-9");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  auto doc = nlohmann::json::parse(response.body);
  EXPECT_EQ(doc["type"], "https://candela.dev/problems/validation-failed");
  EXPECT_EQ(doc["title"], "Validation failed");
  EXPECT_EQ(doc["status"], 400);
  EXPECT_EQ(doc["detail"], "2 fields are invalid");
  EXPECT_EQ(doc["instance"], "req-9");
  ASSERT_EQ(doc["errors"].size(), 2u);
  EXPECT_EQ(doc["errors"][0]["pointer"], "/origin/port");
  EXPECT_EQ(doc["errors"][0]["message"], "must be between 1 and 65535");
  EXPECT_EQ(doc["errors"][1]["pointer"], "");
}

TEST(Problem, OmitsEmptyErrorsAndInstance) {
  auto doc = nlohmann::json::parse(not_found("no such service").to_response("").body);
  EXPECT_EQ(doc["type"], "https://candela.dev/problems/not-found");
  EXPECT_FALSE(doc.contains("errors"));
  EXPECT_FALSE(doc.contains("instance"));
}

TEST(Problem, HelpersCarryStatusAndHeaders) {
  EXPECT_EQ(forbidden("x").status, 403);
  EXPECT_EQ(conflict("x").status, 409);
  EXPECT_EQ(precondition_failed("x").status, 412);
  EXPECT_EQ(precondition_required("x").status, 428);
  EXPECT_EQ(payload_too_large(10).status, 413);
  EXPECT_EQ(header_fields_too_large(10).status, 431);
  EXPECT_EQ(unsupported_media_type("x").status, 415);
  EXPECT_EQ(internal_error().status, 500);

  Response unauthorized_response =
      unauthorized("sign the request", "Candela-HMAC-SHA256").to_response("r");
  EXPECT_EQ(unauthorized_response.status, 401);
  EXPECT_EQ(unauthorized_response.header("WWW-Authenticate"), "Candela-HMAC-SHA256");

  Response limited = too_many_requests("slow down", std::chrono::seconds(30)).to_response("r");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "30");

  Response not_allowed = method_not_allowed({"GET", "HEAD"}).to_response("r");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(not_allowed.header("Allow"), "GET, HEAD");
}

TEST(Problem, InvalidUtf8InDetailDoesNotThrow) {
  Response response = bad_request("bad byte \xff here").to_response("r");
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["detail"], "bad byte \xEF\xBF\xBD here");  // U+FFFD REPLACEMENT CHARACTER
}

TEST(ApiResult, HoldsValueOrProblem) {
  ApiResult<int> good = 5;
  ApiResult<int> bad = not_found("gone");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 5);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.problem().status, 404);
}

}  // namespace
}  // namespace candela::portal
