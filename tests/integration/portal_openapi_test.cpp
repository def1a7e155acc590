// The OpenAPI document describes exactly the routes the portal serves: every route has its path
// and method in /api/v1/openapi.json, and the document names no operation that does not exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

class OpenApiTest : public PortalTest {};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TEST_P(OpenApiTest, DocumentsEveryRouteAndNothingElse) {
  ApiClient anonymous = client();
  ApiResponse response = anonymous.get("/api/v1/openapi.json");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto& document = response.json;
  ASSERT_TRUE(document.is_object());
  EXPECT_EQ(document["openapi"], "3.1.0");
  ASSERT_TRUE(document["paths"].is_object());

  std::set<std::string> served;
  for (const auto& route : app().router().routes()) {
    served.insert(lower(route.method) + " " + route.path_template);
    const auto path = document["paths"].find(route.path_template);
    if (path == document["paths"].end()) {
      ADD_FAILURE() << route.path_template << " is served but missing from the OpenAPI document";
      continue;
    }
    EXPECT_TRUE(path->contains(lower(route.method)))
        << route.method << " " << route.path_template << " is served but not documented";
    if (path->contains(lower(route.method))) {
      EXPECT_TRUE((*path)[lower(route.method)].contains("responses"))
          << route.method << " " << route.path_template << " documents no responses";
    }
  }
  static const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete"};
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (!kMethods.count(method)) continue;
      EXPECT_TRUE(served.count(method + " " + path))
          << method << " " << path << " is documented but the portal does not serve it";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, OpenApiTest, ::testing::Values(std::string("sqlite")), store_name);

}  // namespace
}  // namespace candela::testing
