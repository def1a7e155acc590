// Tests for precondition evaluation against stored responses (RFC 9110 §13, RFC 9111 §4.3.2).
#include "cache/conditional.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "common/http_date.hpp"

namespace candela::cache {
namespace {

using Fields = std::initializer_list<std::pair<const char*, const char*>>;
using R = ConditionalResult;

constexpr const char* kLm = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr const char* kBefore = "Sat, 05 Nov 1994 08:49:37 GMT";
constexpr const char* kAfter = "Mon, 07 Nov 1994 08:49:37 GMT";

R eval(Fields req, std::string_view method = "GET",
       Fields stored_fields = {{"ETag", "\"v1\""}, {"Last-Modified", kLm}}, int status = 200) {
  http::HeaderList rq;
  for (const auto& [n, v] : req)
    rq.add(n, v);
  http::HeaderList st;
  for (const auto& [n, v] : stored_fields)
    st.add(n, v);
  const auto sv = st.view();
  return evaluate_conditionals(method, rq.view(), status, Validators::from(sv));
}

struct Case {
  const char* name;
  Fields request;
  R expected;
};

TEST(Conditional, MatrixAgainstStrongEtagAndLastModified) {
  const Case cases[] = {
      {"no conditions", {}, R::kSendFull},
      {"INM match", {{"If-None-Match", "\"v1\""}}, R::kNotModified},
      {"INM weak form matches weakly", {{"If-None-Match", "W/\"v1\""}}, R::kNotModified},
      {"INM no match", {{"If-None-Match", "\"v2\""}}, R::kSendFull},
      {"INM list", {{"If-None-Match", "\"a\", \"v1\", \"b\""}}, R::kNotModified},
      {"INM list over lines",
       {{"If-None-Match", "\"a\""}, {"If-None-Match", "\"v1\""}},
       R::kNotModified},
      {"INM star", {{"If-None-Match", "*"}}, R::kNotModified},
      {"INM unquoted never matches", {{"If-None-Match", "v1"}}, R::kSendFull},
      {"INM beats IMS", {{"If-None-Match", "\"v2\""}, {"If-Modified-Since", kAfter}}, R::kSendFull},
      {"IMS equal", {{"If-Modified-Since", kLm}}, R::kNotModified},
      {"IMS later", {{"If-Modified-Since", kAfter}}, R::kNotModified},
      {"IMS earlier", {{"If-Modified-Since", kBefore}}, R::kSendFull},
      {"IMS invalid ignored", {{"If-Modified-Since", "yesterday"}}, R::kSendFull},
      {"IMS twice ignored",
       {{"If-Modified-Since", kAfter}, {"If-Modified-Since", kAfter}},
       R::kSendFull},
      {"IM strong match", {{"If-Match", "\"v1\""}}, R::kSendFull},
      {"IM weak never matches", {{"If-Match", "W/\"v1\""}}, R::kPreconditionFailed},
      {"IM mismatch", {{"If-Match", "\"v2\""}}, R::kPreconditionFailed},
      {"IM star", {{"If-Match", "*"}}, R::kSendFull},
      {"IUS later passes", {{"If-Unmodified-Since", kAfter}}, R::kSendFull},
      {"IUS earlier fails", {{"If-Unmodified-Since", kBefore}}, R::kPreconditionFailed},
      {"IUS ignored with If-Match",
       {{"If-Match", "\"v1\""}, {"If-Unmodified-Since", kBefore}},
       R::kSendFull},
      {"IM checked before INM",
       {{"If-Match", "\"v2\""}, {"If-None-Match", "\"v1\""}},
       R::kPreconditionFailed},
  };
  for (const auto& c : cases)
    EXPECT_EQ(eval(c.request), c.expected) << c.name;
}

TEST(Conditional, WeakStoredEtagMatchesIfNoneMatchButNotIfMatch) {
  const Fields stored = {{"ETag", "W/\"v1\""}};
  EXPECT_EQ(eval({{"If-None-Match", "\"v1\""}}, "GET", stored), R::kNotModified);
  EXPECT_EQ(eval({{"If-Match", "\"v1\""}}, "GET", stored), R::kPreconditionFailed);
}

TEST(Conditional, IfNoneMatchOnOtherMethodsGives412) {
  EXPECT_EQ(eval({{"If-None-Match", "\"v1\""}}, "DELETE"), R::kPreconditionFailed);
  EXPECT_EQ(eval({{"If-None-Match", "\"v1\""}}, "HEAD"), R::kNotModified);
}

TEST(Conditional, IfModifiedSinceOnlyForGetAndHead) {
  EXPECT_EQ(eval({{"If-Modified-Since", kAfter}}, "POST"), R::kSendFull);
}

TEST(Conditional, PreconditionsIgnoredForNon2xxStoredResponse) {
  EXPECT_EQ(eval({{"If-None-Match", "*"}}, "GET", {{"ETag", "\"v1\""}}, 404), R::kSendFull);
  EXPECT_EQ(eval({{"If-Match", "\"zz\""}}, "GET", {{"ETag", "\"v1\""}}, 301), R::kSendFull);
}

TEST(Conditional, IfModifiedSinceFallsBackToDateThenReceiveTime) {
  EXPECT_EQ(eval({{"If-Modified-Since", kLm}}, "GET", {{"Date", kBefore}}), R::kNotModified);
  EXPECT_EQ(eval({{"If-Modified-Since", kBefore}}, "GET", {{"Date", kLm}}), R::kSendFull);

  http::HeaderList rq;
  rq.add("If-Modified-Since", kLm);
  Validators v;
  v.received = *parse_http_date(kBefore);
  EXPECT_EQ(evaluate_conditionals("GET", rq.view(), 200, v), R::kNotModified);
  EXPECT_EQ(evaluate_conditionals("GET", rq.view(), 200, Validators{}), R::kSendFull);
}

TEST(Conditional, IfUnmodifiedSinceIgnoredWithoutLastModified) {
  EXPECT_EQ(eval({{"If-Unmodified-Since", kBefore}}, "GET", {{"ETag", "\"v1\""}}), R::kSendFull);
}

TEST(Conditional, EntityTagComparisonFunctions) {
  const auto strong = *parse_entity_tag("\"1\"");
  const auto weak = *parse_entity_tag("W/\"1\"");
  const auto other = *parse_entity_tag("\"2\"");
  EXPECT_TRUE(strong_match(strong, strong));
  EXPECT_FALSE(strong_match(strong, weak));
  EXPECT_FALSE(strong_match(weak, weak));
  EXPECT_TRUE(weak_match(strong, weak));
  EXPECT_FALSE(weak_match(strong, other));
  EXPECT_FALSE(parse_entity_tag("1"));
  EXPECT_FALSE(parse_entity_tag("\"a\"b\""));
  EXPECT_FALSE(parse_entity_tag("w/\"1\""));
  EXPECT_TRUE(parse_entity_tag("\"\""));
}

TEST(Conditional, CommaInsideEntityTagDoesNotSplitTheList) {
  EXPECT_TRUE(etag_list_matches("\"a,b\"", std::string_view("\"a,b\""), true));
  EXPECT_FALSE(etag_list_matches("\"a\", \"b\"", std::string_view("\"a,b\""), true));
}

TEST(Conditional, NotModifiedCarriesTheRfc9110Fields) {
  http::HeaderList stored;
  for (const auto& [n, v] : Fields{{"Content-Type", "text/html"},
                                   {"ETag", "\"v1\""},
                                   {"Cache-Control", "max-age=60"},
                                   {"Date", kLm},
                                   {"Expires", kAfter},
                                   {"Vary", "Accept"},
                                   {"Content-Location", "/x"},
                                   {"Last-Modified", kLm},
                                   {"Content-Length", "10"},
                                   {"Set-Cookie", "a=b"}}) {
    stored.add(n, v);
  }
  http::HeaderList out;
  copy_not_modified_fields(stored.view(), out);
  std::vector<std::string> names;
  for (const auto& [n, v] : out)
    names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"ETag", "Cache-Control", "Date", "Expires", "Vary",
                                             "Content-Location"}));
}

TEST(Conditional, NotModifiedCarriesLastModifiedWhenThereIsNoEtag) {
  EXPECT_TRUE(is_not_modified_field("last-modified", false));
  EXPECT_FALSE(is_not_modified_field("Last-Modified", true));
  EXPECT_FALSE(is_not_modified_field("Content-Type", false));
}

}  // namespace
}  // namespace candela::cache
