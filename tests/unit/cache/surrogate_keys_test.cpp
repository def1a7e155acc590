// Tests of reading purge tags from a stored head: Surrogate-Key and Cache-Tag.
#include "cache/surrogate_keys.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candela::cache {
namespace {

std::vector<std::string> tags(std::string_view block) {
  std::vector<std::string> out;
  for_each_tag(block, [&](std::string_view tag) { out.emplace_back(tag); });
  return out;
}

TEST(SurrogateKeys, SurrogateKeyIsSpaceSeparatedAndCacheTagCommaSeparated) {
  EXPECT_EQ(
      tags("Content-Type: text/html\r\n"
           "Surrogate-Key: product-1  catalog\tsale\r\n"
           "cache-tag: news , Sport,local news\r\n"),
      (std::vector<std::string>{"product-1", "catalog", "sale", "news", "Sport", "local news"}));
}

TEST(SurrogateKeys, EmptyAndOverlongTagsAreIgnored) {
  const std::string long_tag(kMaxTagBytes + 1, 'x');
  EXPECT_EQ(tags("Cache-Tag: ,, a ,\r\nSurrogate-Key: " + long_tag + " b\r\n"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(header_has_tags("Cache-Tag: , \r\nETag: \"x\"\r\n"));
  EXPECT_TRUE(header_has_tags("ETag: \"x\"\r\nSurrogate-Key: k\r\n"));
}

}  // namespace
}  // namespace candela::cache
