// ETag generation format and If-Match / If-None-Match list matching.
#include "origin/etag.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace candela::origin {
namespace {

TEST(Etag, FileTagIsStrongQuotedHexOfSizeMtimeAndInode) {
  const auto tag = make_file_etag(1024, 0x17a2b3c4d5e6f700ULL, 4242);
  EXPECT_EQ(tag, "\"400-17a2b3c4d5e6f700-1092\"");
  EXPECT_TRUE(std::regex_match(tag, std::regex("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"")));
}

TEST(Etag, FileTagChangesWithEachInput) {
  const auto base = make_file_etag(10, 20, 30);
  EXPECT_NE(base, make_file_etag(11, 20, 30));
  EXPECT_NE(base, make_file_etag(10, 21, 30));
  EXPECT_NE(base, make_file_etag(10, 20, 31));
}

TEST(Etag, BytesTagDependsOnTheSizeOnly) {
  EXPECT_EQ(make_bytes_etag(1024), "\"bytes-400\"");
  EXPECT_EQ(make_bytes_etag(0), "\"bytes-0\"");
}

TEST(Etag, StarMatchesAnyTag) {
  EXPECT_TRUE(etag_list_matches("*", "\"a\"", EtagComparison::kStrong));
  EXPECT_TRUE(etag_list_matches("  * ", "\"a\"", EtagComparison::kWeak));
}

TEST(Etag, ListMembersAreFoundWhereverTheyStand) {
  EXPECT_TRUE(etag_list_matches("\"x\", \"a\"", "\"a\"", EtagComparison::kStrong));
  EXPECT_TRUE(etag_list_matches("\"a\",\"x\"", "\"a\"", EtagComparison::kStrong));
  EXPECT_FALSE(etag_list_matches("\"x\", \"y\"", "\"a\"", EtagComparison::kStrong));
}

TEST(Etag, WeakComparisonIgnoresTheWeakPrefixStrongDoesNot) {
  EXPECT_TRUE(etag_list_matches("W/\"a\"", "\"a\"", EtagComparison::kWeak));
  EXPECT_TRUE(etag_list_matches("\"a\"", "W/\"a\"", EtagComparison::kWeak));
  EXPECT_FALSE(etag_list_matches("W/\"a\"", "\"a\"", EtagComparison::kStrong));
  EXPECT_FALSE(etag_list_matches("\"a\"", "W/\"a\"", EtagComparison::kStrong));
}

TEST(Etag, CommasInsideQuotesDoNotSplitTags) {
  EXPECT_TRUE(etag_list_matches("\"a,b\"", "\"a,b\"", EtagComparison::kStrong));
  EXPECT_FALSE(etag_list_matches("\"a,b\"", "\"a\"", EtagComparison::kStrong));
}

TEST(Etag, MalformedListsNeverMatch) {
  EXPECT_FALSE(etag_list_matches("a", "\"a\"", EtagComparison::kWeak));
  EXPECT_FALSE(etag_list_matches("\"a", "\"a\"", EtagComparison::kWeak));
  EXPECT_FALSE(etag_list_matches("", "\"a\"", EtagComparison::kWeak));
  EXPECT_FALSE(etag_list_matches("\"a\"", "", EtagComparison::kWeak));
}

}  // namespace
}  // namespace candela::origin
