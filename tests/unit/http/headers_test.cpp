// Header field containers: case-insensitive lookup, order, list combination, ownership.
#include "http/headers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace candela::http {
namespace {

TEST(Iequals, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Host", "Hosts"));
  EXPECT_FALSE(iequals("a", "b"));
  // Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ by 32 but are not letters.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
}

TEST(HeaderView, FindsFirstFieldByNameIgnoringCase) {
  HeaderView v;
  v.add("Accept", "a");
  v.add("ACCEPT", "b");
  v.add("X", "");
  EXPECT_EQ(v.get("accept"), "a");
  EXPECT_EQ(v.get("x"), "");
  EXPECT_FALSE(v.get("missing").has_value());
  EXPECT_TRUE(v.contains("Accept"));
  EXPECT_FALSE(v.contains("Accep"));
  EXPECT_EQ(v.count("accept"), 2u);
  EXPECT_EQ(v.count("nope"), 0u);
  EXPECT_EQ(v.size(), 3u);
}

TEST(HeaderView, CombinesRepeatedFieldsWithCommaSpace) {
  HeaderView v;
  v.add("Cache-Control", "no-cache");
  v.add("Vary", "Accept");
  v.add("cache-control", "max-age=0");
  EXPECT_EQ(v.combined("Cache-Control"), "no-cache, max-age=0");
  EXPECT_EQ(v.combined("Vary"), "Accept");
  EXPECT_EQ(v.combined("None"), "");
}

TEST(HeaderView, IteratesInInsertionOrderAndClears) {
  HeaderView v;
  v.add("B", "1");
  v.add("A", "2");
  std::vector<std::string> names;
  for (const auto& f : v)
    names.emplace_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "A"}));
  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_FALSE(v.contains("B"));
}

TEST(HeaderList, OwnsItsTextAfterTheSourceIsGone) {
  HeaderList l;
  {
    std::string name = "ETag";
    std::string value = "\"v1\"";
    l.add(name, value);
    name.assign("XXXX");
    value.assign("yyyy");
  }
  EXPECT_EQ(l.get("etag"), "\"v1\"");
}

TEST(HeaderList, SetReplacesEveryFieldWithThatName) {
  HeaderList l;
  l.add("Vary", "a");
  l.add("Other", "o");
  l.add("vary", "b");
  l.set("VARY", "c");
  EXPECT_EQ(l.size(), 2u);
  EXPECT_EQ(l.combined("vary"), "c");
  EXPECT_EQ(l.get("other"), "o");
}

TEST(HeaderList, RemoveReturnsHowManyFieldsWentAway) {
  HeaderList l;
  l.add("A", "1");
  l.add("a", "2");
  l.add("B", "3");
  EXPECT_EQ(l.remove("A"), 2u);
  EXPECT_EQ(l.remove("A"), 0u);
  EXPECT_EQ(l.size(), 1u);
  EXPECT_TRUE(l.contains("b"));
  l.clear();
  EXPECT_TRUE(l.empty());
}

TEST(HeaderList, ViewMirrorsTheFields) {
  HeaderList l;
  l.add("A", "1");
  l.add("B", "2");
  l.add("a", "3");
  const HeaderView v = l.view();
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.combined("a"), "1, 3");
  EXPECT_EQ(v.get("B"), "2");
  EXPECT_EQ(l.combined("A"), "1, 3");
}

}  // namespace
}  // namespace candela::http
