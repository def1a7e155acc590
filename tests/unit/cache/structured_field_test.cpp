// Tests for the Structured Field dictionary reader used for targeted cache fields (RFC 8941).
#include "cache/structured_field.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace candela::cache {
namespace {

using Members = std::vector<std::pair<std::string, SfValueType>>;

bool walk(std::string_view line, Members& out) {
  out.clear();
  return walk_sf_dictionary(line, [&](std::string_view key, SfValueType type) {
    out.emplace_back(std::string(key), type);
    return true;
  });
}

TEST(StructuredField, ReportsEveryMemberWithItsType) {
  Members m;
  ASSERT_TRUE(
      walk("max-age=60, no-store, private=\"a\", x=tok/1, d=1.5, b=?0, s=:AQ==:, "
           "l=(\"a\" b);p, t=@1659578233, n=-3;q=1",
           m));
  const Members expected = {
      {"max-age", SfValueType::kInteger}, {"no-store", SfValueType::kBoolean},
      {"private", SfValueType::kString},  {"x", SfValueType::kToken},
      {"d", SfValueType::kDecimal},       {"b", SfValueType::kBoolean},
      {"s", SfValueType::kByteSequence},  {"l", SfValueType::kInnerList},
      {"t", SfValueType::kDate},          {"n", SfValueType::kInteger},
  };
  EXPECT_EQ(m, expected);
}

TEST(StructuredField, EmptyLineIsAnEmptyDictionary) {
  Members m;
  EXPECT_TRUE(walk("", m));
  EXPECT_TRUE(walk("  ", m));
  EXPECT_TRUE(m.empty());
}

TEST(StructuredField, RejectsSyntaxErrors) {
  Members m;
  for (const char* line : {"max-age=10000, &&&&&", "a,", ",a", "a,,b", "a =1", "a= 1", "a=\"open",
                           "a=\"\\x\"", "a=1234567890123456", "a=1.2345", "a=1.", "a=?2",
                           "a=:AQ==", "a=(1 2", "a=(1,2)", "1a", "a=1 b=2", "a;=1", "a=&"}) {
    EXPECT_FALSE(walk(line, m)) << line;
  }
}

TEST(StructuredField, CallbackCanRejectAMember) {
  const bool ok = walk_sf_dictionary(
      "a=1, b=\"x\"", [](std::string_view, SfValueType t) { return t == SfValueType::kInteger; });
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace candela::cache
