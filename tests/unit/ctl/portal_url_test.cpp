#include <gtest/gtest.h>

#include "ctl/portal_client.hpp"

namespace candela::ctl {
namespace {

TEST(PortalUrl, AcceptsHostAndPortWithOrWithoutTrailingSlash) {
  auto url = parse_portal_url("http://127.0.0.1:9000/");
  ASSERT_TRUE(url.ok()) << url.error();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "9000");
  EXPECT_EQ(url->text, "http://127.0.0.1:9000");

  auto default_port = parse_portal_url("http://portal.example");
  ASSERT_TRUE(default_port.ok());
  EXPECT_EQ(default_port->port, "80");

  auto v6 = parse_portal_url("http://[::1]:9000");
  ASSERT_TRUE(v6.ok()) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "9000");
}

TEST(PortalUrl, RefusesOtherSchemesPathsAndBadPortsWithReasons) {
  auto https = parse_portal_url("https://portal.example");
  ASSERT_FALSE(https.ok());
  EXPECT_NE(https.error().find("https"), std::string::npos);
  EXPECT_FALSE(parse_portal_url("ftp://x").ok());
  EXPECT_FALSE(parse_portal_url("127.0.0.1:9000").ok());
  EXPECT_FALSE(parse_portal_url("http://host:9000/api").ok());
  EXPECT_FALSE(parse_portal_url("http://host:0").ok());
  EXPECT_FALSE(parse_portal_url("http://host:65536").ok());
  EXPECT_FALSE(parse_portal_url("http://host:12a").ok());
  EXPECT_FALSE(parse_portal_url("http://:9000").ok());
}

TEST(DescribeFailure, NamesStatusDetailLocatedErrorsAndRequestId) {
  ApiResponse response;
  response.status = 400;
  response.body =
      R"({"type":"https://candela.dev/problems/validation-failed","title":"Validation failed",
    "status":400,"detail":"1 field is invalid","instance":"req-7",
    "errors":[{"pointer":"/properties/0/origin/port","message":"must be between 1 and 65535"}]})";
  const std::string text = describe_failure(response);
  EXPECT_NE(text.find("HTTP 400 Validation failed: 1 field is invalid"), std::string::npos) << text;
  EXPECT_NE(text.find("/properties/0/origin/port: must be between 1 and 65535"), std::string::npos);
  EXPECT_NE(text.find("req-7"), std::string::npos);

  ApiResponse plain;
  plain.status = 502;
  plain.body = "bad gateway";
  EXPECT_EQ(describe_failure(plain), "HTTP 502: bad gateway");
}

}  // namespace
}  // namespace candela::ctl
