// Router: template matching, path parameters, 404/405 problems, HEAD and the 500 safety net.
#include "portal/router.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace candela::portal {
namespace {

Request make_request(std::string method, std::string target) {
  Request request;
  request.method = std::move(method);
  request.request_id = "req-1";
  EXPECT_TRUE(set_target(request, target));
  return request;
}

Response echo_params(const Request& request) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [name, value] : request.params)
    body[name] = value;
  return Response::with_body(200, "application/json", body.dump());
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/api/v1/services/{scid}/configurations/{version}", echo_params);
    router_.add("PUT", "/api/v1/services/{scid}/configurations/{version}", echo_params);
    router_.add("GET", "/api/v1/services/{scid}", echo_params);
    router_.add("GET", "/api/v1/services/new",
                [](const Request&) { return Response::with_body(200, "text/plain", "literal"); });
    router_.add("GET", "/api/v1/boom", [](const Request&) -> Response {
      throw std::runtime_error("database password is hunter2");
    });
  }
  Router router_;
};

TEST_F(RouterTest, FillsPathParametersFromTheTemplate) {
  Response response =
      router_.dispatch(make_request("GET", "/api/v1/services/AB12CD34E/configurations/7"));
  EXPECT_EQ(response.status, 200);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["scid"], "AB12CD34E");
  EXPECT_EQ(body["version"], "7");
}

TEST_F(RouterTest, PercentDecodesParametersPerSegment) {
  Response response = router_.dispatch(make_request("GET", "/api/v1/services/a%2Fb%20c"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body)["scid"], "a/b c");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  Response response = router_.dispatch(make_request("GET", "/api/v1/services/new"));
  EXPECT_EQ(response.body, "literal");
}

TEST_F(RouterTest, UnknownPathIsNotFoundProblem) {
  Response response = router_.dispatch(make_request("GET", "/api/v1/nothing/here"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["instance"], "req-1");
}

TEST_F(RouterTest, EmptyParameterSegmentDoesNotMatch) {
  EXPECT_EQ(router_.dispatch(make_request("GET", "/api/v1/services//configurations/1")).status,
            404);
}

TEST_F(RouterTest, WrongMethodIs405WithAllowListingHead) {
  Response response =
      router_.dispatch(make_request("DELETE", "/api/v1/services/X/configurations/1"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
}

TEST_F(RouterTest, HeadRunsGetHandlerWithoutBody) {
  Response get = router_.dispatch(make_request("GET", "/api/v1/services/S1"));
  Response head = router_.dispatch(make_request("HEAD", "/api/v1/services/S1"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.header("Content-Type"), "application/json");
}

TEST_F(RouterTest, ThrowingHandlerGives500WithoutInternals) {
  Response response = router_.dispatch(make_request("GET", "/api/v1/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(response.body)["instance"], "req-1");
}

TEST_F(RouterTest, MalformedEscapeInPathIsBadRequest) {
  EXPECT_EQ(router_.dispatch(make_request("GET", "/api/v1/services/%zz")).status, 400);
}

TEST_F(RouterTest, HasPathReportsKnownTemplates) {
  EXPECT_TRUE(router_.has_path("/api/v1/services/abc"));
  EXPECT_FALSE(router_.has_path("/index.html"));
}

TEST(RouterSetup, RejectsDuplicateAndMalformedTemplates) {
  Router router;
  router.add("GET", "/a/{id}", echo_params);
  EXPECT_THROW(router.add("GET", "/a/{other}", echo_params), std::invalid_argument);
  EXPECT_NO_THROW(router.add("POST", "/a/{id}", echo_params));
  EXPECT_THROW(router.add("GET", "no-slash", echo_params), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{}", echo_params), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/x{id}", echo_params), std::invalid_argument);
}

TEST(RequestTarget, SplitsPathAndDecodesQuery) {
  Request request;
  ASSERT_TRUE(set_target(request, "/p/a%20b?x=1&name=J%C3%BCrgen+M&flag&x=2"));
  EXPECT_EQ(request.path, "/p/a%20b");
  EXPECT_EQ(request.query_param("x"), "1");
  EXPECT_EQ(request.query_param("name"), "J\xC3\xBCrgen M");
  EXPECT_EQ(request.query_param("flag"), "");
  EXPECT_FALSE(request.query_param("missing"));
  EXPECT_EQ(request.query.size(), 4u);
  EXPECT_FALSE(set_target(request, "/p?bad=%4"));
  EXPECT_FALSE(set_target(request, "http://example.com/"));
  EXPECT_FALSE(set_target(request, "*"));
}

TEST(RouterRoutes, ListsEveryRouteInRegistrationOrder) {
  Router router;
  router.add("GET", "/api/v1/services/{scid}", [](const Request&) { return Response{}; });
  router.add("POST", "/api/v1/services", [](const Request&) { return Response{}; });
  const auto routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].path_template, "/api/v1/services/{scid}");
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].path_template, "/api/v1/services");
}

TEST(RequestTarget, PercentEncodeRoundTrips) {
  std::string text = "a b/c?d=e&f~g_h.i-j\xff";
  EXPECT_EQ(percent_encode(text), "a%20b%2Fc%3Fd%3De%26f~g_h.i-j%FF");
  EXPECT_EQ(percent_decode(percent_encode(text), false), text);
}

}  // namespace
}  // namespace candela::portal
