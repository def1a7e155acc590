// Tests for Vary handling and secondary keys (RFC 9111 §4.1).
#include "cache/vary.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "cache/cache_key.hpp"

namespace candela::cache {
namespace {

using Fields = std::initializer_list<std::pair<const char*, const char*>>;

http::HeaderList headers(Fields fields) {
  http::HeaderList h;
  for (const auto& [n, v] : fields)
    h.add(n, v);
  return h;
}

std::string key(const std::vector<std::string>& vary, Fields request, VaryOptions options = {}) {
  const auto h = headers(request);
  std::string out = "stale contents";
  secondary_key(vary, h.view(), out, options);
  return out;
}

TEST(Vary, DetectsStarAnywhereInTheList) {
  EXPECT_TRUE(vary_has_star("*"));
  EXPECT_TRUE(vary_has_star("Accept, *"));
  EXPECT_TRUE(vary_has_star(" * "));
  EXPECT_FALSE(vary_has_star("Accept-Encoding"));
  EXPECT_FALSE(vary_has_star("X-*"));
}

TEST(Vary, FieldNamesAreLowerCasedSortedAndUnique) {
  const auto h = headers({{"Vary", "Accept-Encoding, Accept"}, {"vary", "accept, User-Agent"}});
  EXPECT_EQ(varied_fields(h.view()),
            (std::vector<std::string>{"accept", "accept-encoding", "user-agent"}));
}

TEST(Vary, NoVaryGivesEmptyKey) {
  EXPECT_EQ(key({}, {{"Accept", "x"}}), "");
}

TEST(Vary, KeyNormalisesWhitespaceAndFieldNameCase) {
  const std::vector<std::string> vary = {"accept-language"};
  EXPECT_EQ(key(vary, {{"Accept-Language", "  en ,  fr  "}}), "accept-language:en,fr\n");
  EXPECT_EQ(key(vary, {{"ACCEPT-LANGUAGE", "en,fr"}}), key(vary, {{"accept-language", "en , fr"}}));
  EXPECT_EQ(key(vary, {{"Accept-Language", "en"}, {"Accept-Language", "fr"}}),
            key(vary, {{"Accept-Language", "en, fr"}}));
  EXPECT_EQ(key(vary, {{"Accept-Language", "en  GB"}}), "accept-language:en GB\n");
}

TEST(Vary, ValueCaseAndOrderStillMatter) {
  const std::vector<std::string> vary = {"accept-language"};
  EXPECT_NE(key(vary, {{"Accept-Language", "en"}}), key(vary, {{"Accept-Language", "EN"}}));
  EXPECT_NE(key(vary, {{"Accept-Language", "en, fr"}}), key(vary, {{"Accept-Language", "fr, en"}}));
}

TEST(Vary, AbsentFieldDiffersFromEmptyField) {
  const std::vector<std::string> vary = {"x-a"};
  EXPECT_NE(key(vary, {}), key(vary, {{"X-A", ""}}));
}

TEST(Vary, KeysForSeveralFieldsCannotCollide) {
  const std::vector<std::string> vary = {"x-a", "x-b"};
  EXPECT_NE(key(vary, {{"X-A", "1"}}), key(vary, {{"X-B", "1"}}));
  EXPECT_EQ(key(vary, {{"X-B", "2"}, {"X-A", "1"}}), "x-a:1\nx-b:2\n");
}

TEST(Vary, AcceptEncodingNormalisationIsOptIn) {
  const std::vector<std::string> vary = {"accept-encoding"};
  VaryOptions on;
  on.normalize_accept_encoding = true;
  EXPECT_NE(key(vary, {{"Accept-Encoding", "gzip, br"}}),
            key(vary, {{"Accept-Encoding", "br,gzip"}}));
  EXPECT_EQ(key(vary, {{"Accept-Encoding", "gzip, br;q=0.8"}}, on), "accept-encoding:br,gzip\n");
  EXPECT_EQ(key(vary, {{"Accept-Encoding", "GZIP, gzip, br"}}, on), "accept-encoding:br,gzip\n");
  EXPECT_EQ(key(vary, {{"Accept-Encoding", "gzip, br;q=0"}}, on), "accept-encoding:gzip\n");
  EXPECT_EQ(key(vary, {{"Accept-Encoding", "gzip, br; q=0.000"}}, on), "accept-encoding:gzip\n");
  EXPECT_EQ(key(vary, {{"Accept-Encoding", "gzip, br;q=0.5"}}, on), "accept-encoding:br,gzip\n");
  EXPECT_EQ(key(vary, {{"Accept-Encoding", ""}}, on), "accept-encoding:\n");
  EXPECT_EQ(key(vary, {}, on), "accept-encoding\n");
}

TEST(Vary, PackedFieldsGiveTheSameSecondaryKeyAfterTheSeparator) {
  const std::vector<std::string> vary = {"accept-encoding", "x-device"};
  EXPECT_EQ(pack_varied_fields(vary), "accept-encoding,x-device");
  const auto h = headers({{"Accept-Encoding", "gzip"}});
  std::string primary = "1:p/a";
  append_variant_key(pack_varied_fields(vary), h.view(), primary);
  EXPECT_EQ(primary,
            std::string("1:p/a") + kVariantSeparator + key(vary, {{"Accept-Encoding", "gzip"}}));
}

TEST(Vary, VariantKeysOfTwoUrlsNeverCollide) {
  const auto h = headers({{"Accept-Encoding", "gzip"}});
  std::string a = "1:p/a.css";
  std::string b = "1:p/b.js";
  append_variant_key("accept-encoding", h.view(), a);
  append_variant_key("accept-encoding", h.view(), b);
  EXPECT_NE(a, b);
  EXPECT_EQ(key_primary(a), "1:p/a.css");
}

}  // namespace
}  // namespace candela::cache
