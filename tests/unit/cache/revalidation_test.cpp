// Tests for revalidation requests and 304 updates of stored headers (RFC 9111 §3.2, §4.3).
#include "cache/revalidation.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace candela::cache {
namespace {

using Fields = std::initializer_list<std::pair<const char*, const char*>>;

http::HeaderList headers(Fields fields) {
  http::HeaderList h;
  for (const auto& [n, v] : fields)
    h.add(n, v);
  return h;
}

std::vector<std::pair<std::string, std::string>> all(const http::HeaderList& h) {
  return {h.begin(), h.end()};
}

TEST(Revalidation, SendsIfNoneMatchAndIfModifiedSince) {
  const auto stored =
      headers({{"ETag", "\"v1\""}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}});
  auto out = headers({{"If-None-Match", "\"client\""}, {"Accept", "*/*"}});
  EXPECT_TRUE(add_validation_conditions(stored.view(), out));
  EXPECT_EQ(out.get("If-None-Match"), "\"v1\"");
  EXPECT_EQ(out.get("If-Modified-Since"), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(out.get("Accept"), "*/*");
}

TEST(Revalidation, LastModifiedAloneGivesIfModifiedSince) {
  const auto stored = headers({{"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"}});
  http::HeaderList out;
  EXPECT_TRUE(add_validation_conditions(stored.view(), out));
  EXPECT_FALSE(out.contains("If-None-Match"));
  EXPECT_TRUE(out.contains("If-Modified-Since"));
}

TEST(Revalidation, NoValidatorMeansNoConditionalRequest) {
  const auto stored = headers({{"ETag", "unquoted"}});
  auto out = headers({{"If-Modified-Since", "x"}});
  EXPECT_FALSE(add_validation_conditions(stored.view(), out));
  EXPECT_TRUE(out.empty());
}

TEST(Revalidation, NotModifiedReplacesFieldsButKeepsContentLengthAndHopByHop) {
  auto stored = headers({{"Content-Type", "text/plain"},
                         {"Content-Length", "10"},
                         {"Cache-Control", "max-age=10"},
                         {"Cache-Control", "public"},
                         {"ETag", "\"v1\""},
                         {"X-Old", "keep"}});
  const auto not_modified = headers({{"Cache-Control", "max-age=600"},
                                     {"Content-Length", "0"},
                                     {"Transfer-Encoding", "chunked"},
                                     {"Connection", "X-Hop"},
                                     {"X-Hop", "1"},
                                     {"Keep-Alive", "timeout=5"},
                                     {"X-New", "n"},
                                     {"Date", "Mon, 07 Nov 1994 08:49:37 GMT"}});
  update_stored_headers(stored, not_modified.view());
  EXPECT_EQ(all(stored), (std::vector<std::pair<std::string, std::string>>{
                             {"Content-Type", "text/plain"},
                             {"Content-Length", "10"},
                             {"ETag", "\"v1\""},
                             {"X-Old", "keep"},
                             {"Cache-Control", "max-age=600"},
                             {"X-New", "n"},
                             {"Date", "Mon, 07 Nov 1994 08:49:37 GMT"}}));
}

TEST(Revalidation, NotModifiedDoesNotReintroduceStrippedFields) {
  auto stored = headers({{"ETag", "\"v1\""}});
  const auto not_modified = headers({{"Set-Cookie", "a=b"}, {"ETag", "\"v1\""}});
  const std::vector<std::string> excluded = {"set-cookie"};
  update_stored_headers(stored, not_modified.view(), excluded);
  EXPECT_FALSE(stored.contains("Set-Cookie"));
  EXPECT_EQ(stored.get("ETag"), "\"v1\"");
}

TEST(Revalidation, NotModifiedAppliesOnlyToMatchingValidators) {
  struct Case {
    const char* name;
    Fields stored;
    Fields not_modified;
    bool applies;
  };
  const Case cases[] = {
      {"strong match", {{"ETag", "\"a\""}}, {{"ETag", "\"a\""}}, true},
      {"strong mismatch", {{"ETag", "\"a\""}}, {{"ETag", "\"b\""}}, false},
      {"strong vs stored weak", {{"ETag", "W/\"a\""}}, {{"ETag", "\"a\""}}, false},
      {"weak match", {{"ETag", "W/\"a\""}}, {{"ETag", "W/\"a\""}}, true},
      {"weak vs stored strong", {{"ETag", "\"a\""}}, {{"ETag", "W/\"a\""}}, true},
      {"etag but stored has none", {}, {{"ETag", "\"a\""}}, false},
      {"last-modified equal", {{"Last-Modified", "x"}}, {{"Last-Modified", "x"}}, true},
      {"last-modified differs", {{"Last-Modified", "x"}}, {{"Last-Modified", "y"}}, false},
      {"no validators", {{"ETag", "\"a\""}}, {{"Cache-Control", "max-age=5"}}, true},
  };
  for (const auto& c : cases) {
    const auto s = headers(c.stored);
    const auto n = headers(c.not_modified);
    EXPECT_EQ(not_modified_applies(s.view(), n.view()), c.applies) << c.name;
  }
}

}  // namespace
}  // namespace candela::cache
