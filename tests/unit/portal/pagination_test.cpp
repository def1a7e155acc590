// Pagination: limit bounds, opaque cursors, next links and next_cursor.
#include "portal/pagination.hpp"

#include <gtest/gtest.h>

namespace candela::portal {
namespace {

Request list_request(std::string target) {
  Request request;
  request.method = "GET";
  EXPECT_TRUE(set_target(request, target));
  return request;
}

TEST(Pagination, DefaultsToFiftyFromTheStart) {
  auto page = parse_page_request(list_request("/api/v1/services"));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->limit, 50u);
  EXPECT_FALSE(page->after_key);
}

TEST(Pagination, AcceptsLimitsFromOneToFiveHundred) {
  EXPECT_EQ(parse_page_request(list_request("/x?limit=1"))->limit, 1u);
  EXPECT_EQ(parse_page_request(list_request("/x?limit=500"))->limit, 500u);
}

TEST(Pagination, RejectsOutOfRangeOrNonNumericLimits) {
  for (const char* target : {"/x?limit=0", "/x?limit=501", "/x?limit=abc", "/x?limit=-1",
                             "/x?limit=", "/x?limit=10x", "/x?limit=99999999999999999999"}) {
    auto page = parse_page_request(list_request(target));
    ASSERT_FALSE(page.ok()) << target;
    EXPECT_EQ(page.problem().status, 400) << target;
  }
}

TEST(Pagination, CursorRoundTripsAnyKey) {
  for (std::string key : {std::string("a"), std::string("AB12CD34E"), std::string("ab"),
                          std::string("abc"), std::string("\x00\xff/+=?", 6)}) {
    std::string cursor = encode_cursor(key);
    EXPECT_EQ(cursor.find_first_of("+/="), std::string::npos) << cursor;
    EXPECT_EQ(decode_cursor(cursor), key);
    auto page = parse_page_request(list_request("/x?cursor=" + cursor));
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->after_key, key);
  }
  EXPECT_EQ(encode_cursor("AB12CD34E"), "QUIxMkNEMzRF");
}

TEST(Pagination, RejectsCursorsItDidNotIssue) {
  for (const char* cursor : {"!!!!", "a", "QR", "", "QUI=", "QUIx%2B"}) {
    auto page = parse_page_request(list_request(std::string("/x?cursor=") + cursor));
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.problem().status, 400);
  }
}

TEST(Pagination, NextPageSetsLinkAndCursorKeepingOtherParameters) {
  Request request = list_request("/api/v1/services?state=active&q=a%20b&limit=2&cursor=YQ");
  auto page = parse_page_request(request);
  ASSERT_TRUE(page.ok());
  Response response;
  nlohmann::json body = {{"items", nlohmann::json::array()}};
  set_next_page(request, *page, std::string("AB12CD34E"), response, body);
  EXPECT_EQ(body["next_cursor"], "QUIxMkNEMzRF");
  EXPECT_EQ(response.header("Link"),
            "</api/v1/services?state=active&q=a%20b&limit=2&cursor=QUIxMkNEMzRF>; rel=\"next\"");
}

TEST(Pagination, LastPageHasNullCursorAndNoLink) {
  Request request = list_request("/api/v1/services");
  Response response;
  nlohmann::json body = nlohmann::json::object();
  set_next_page(request, PageRequest{}, std::nullopt, response, body);
  EXPECT_TRUE(body["next_cursor"].is_null());
  EXPECT_FALSE(response.header("Link"));
}

}  // namespace
}  // namespace candela::portal
