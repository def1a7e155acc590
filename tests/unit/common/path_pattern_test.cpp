// Tests of purge path patterns: the language, whole-string matching, errors and linear time.
#include "common/path_pattern.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace candela {
namespace {

bool match(std::string_view pattern, std::string_view path) {
  auto compiled = compile_path_pattern(pattern);
  EXPECT_TRUE(compiled.ok()) << pattern << ": " << (compiled.ok() ? "" : compiled.error());
  return compiled.ok() && compiled->matches(path);
}

std::string error_of(std::string_view pattern) {
  auto compiled = compile_path_pattern(pattern);
  return compiled.ok() ? std::string("(compiled)") : compiled.error();
}

TEST(PathPattern, LiteralsMatchTheWholePathOnly) {
  EXPECT_TRUE(match("/a/b.jpg", "/a/b.jpg"));
  EXPECT_FALSE(match("/a/b.jpg", "/a/b.jpg2"));
  EXPECT_FALSE(match("/a/b", "/x/a/b"));
  EXPECT_FALSE(match("/a/b", "/a/"));
}

TEST(PathPattern, StarMatchesAnySequenceIncludingSlashes) {
  EXPECT_TRUE(match("/img/*", "/img/"));
  EXPECT_TRUE(match("/img/*", "/img/a/b/c.png"));
  EXPECT_TRUE(match("*.css", "/deep/dir/site.css"));
  EXPECT_FALSE(match("*.css", "/site.css.map"));
  EXPECT_TRUE(match("/a*b*c", "/aXXbYYc"));
  EXPECT_TRUE(match("/a*b*c", "/abc"));
  EXPECT_FALSE(match("/a*b*c", "/acb"));
}

TEST(PathPattern, DotIsOneCharacterAndPlusRepeatsThePrecedingItem) {
  EXPECT_TRUE(match("/v.", "/v1"));
  EXPECT_FALSE(match("/v.", "/v"));
  EXPECT_FALSE(match("/v.", "/v12"));
  EXPECT_TRUE(match("/a+b", "/ab"));
  EXPECT_TRUE(match("/a+b", "/aaaab"));
  EXPECT_FALSE(match("/a+b", "/b"));
  EXPECT_TRUE(match("/.+/x", "/dir/sub/x"));  // '.' may be '/' too
}

TEST(PathPattern, BracesRepeatBetweenBounds) {
  EXPECT_TRUE(match("/[0-9]{4}/x", "/2026/x"));
  EXPECT_FALSE(match("/[0-9]{4}/x", "/202/x"));
  EXPECT_FALSE(match("/[0-9]{4}/x", "/20260/x"));
  EXPECT_TRUE(match("/a{2,3}", "/aa"));
  EXPECT_TRUE(match("/a{2,3}", "/aaa"));
  EXPECT_FALSE(match("/a{2,3}", "/a"));
  EXPECT_FALSE(match("/a{2,3}", "/aaaa"));
  EXPECT_TRUE(match("/a{0,2}b", "/b"));
}

TEST(PathPattern, ClassesHoldCharactersAndRangesSeparatedByCommas) {
  EXPECT_TRUE(match("/[a,x-z].js", "/a.js"));
  EXPECT_TRUE(match("/[a,x-z].js", "/y.js"));
  EXPECT_FALSE(match("/[a,x-z].js", "/b.js"));
  EXPECT_TRUE(match("/[^0-9]+", "/abc"));
  EXPECT_FALSE(match("/[^0-9]+", "/ab1"));
  EXPECT_TRUE(match("/[\\,,\\]]", "/,"));
  EXPECT_TRUE(match("/[\\,,\\]]", "/]"));
}

TEST(PathPattern, BackslashEscapesAMetaCharacter) {
  EXPECT_TRUE(match("/a\\*b", "/a*b"));
  EXPECT_FALSE(match("/a\\*b", "/aXb"));
  EXPECT_TRUE(match("/v\\.1", "/v.1"));
  EXPECT_FALSE(match("/v\\.1", "/vx1"));
  EXPECT_TRUE(match("/a\\+", "/a+"));
  EXPECT_TRUE(match("/\\{x\\}", "/{x}"));
}

TEST(PathPattern, AQuestionMarkMakesTheQueryPartOfTheSubject) {
  auto p = compile_path_pattern("/search?q=*");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->includes_query());
  EXPECT_TRUE(p->matches("/search?q=shoes"));
  EXPECT_FALSE(compile_path_pattern("/search*")->includes_query());
}

TEST(PathPattern, LiteralPrefixIsKnownForFastRejection) {
  EXPECT_EQ(compile_path_pattern("/img/*.png")->literal_prefix(), "/img/");
  EXPECT_EQ(compile_path_pattern("/a+")->literal_prefix(), "/");
  EXPECT_EQ(compile_path_pattern("*")->literal_prefix(), "");
}

TEST(PathPattern, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(error_of(""), "the pattern is empty");
  EXPECT_NE(error_of(std::string(1025, 'a')).find("at most 1024"), std::string::npos);
  EXPECT_EQ(error_of("+a"), "position 1: '+' has no item to repeat");
  EXPECT_EQ(error_of("/*+"), "position 3: '+' cannot repeat '*'");
  EXPECT_EQ(error_of("/a++"), "position 4: '+' cannot follow another repetition");
  EXPECT_EQ(error_of("/a{2}{3}"), "position 6: '{' cannot follow another repetition");
  EXPECT_EQ(error_of("/a{x}"), "position 4: '{' expects {n} or {n,m} with numbers up to 1000");
  EXPECT_EQ(error_of("/a{2,}"), "position 6: '{' expects {n} or {n,m} with numbers up to 1000");
  EXPECT_EQ(error_of("/a{3,2}"), "position 3: {3,2}: the lower bound is above the upper one");
  EXPECT_EQ(error_of("/a{1001}"), "position 4: repetition counts go up to 1000");
  EXPECT_EQ(error_of("/[]"), "position 2: empty character class");
  EXPECT_EQ(error_of("/[ab]"),
            "position 4: class members are single characters or ranges separated by commas, "
            "e.g. [a,x-z]");
  EXPECT_EQ(error_of("/[z-a]"), "position 3: range 'z-a' ends before it starts");
  EXPECT_EQ(error_of("/[a"), "position 2: '[' is never closed with ']'");
  EXPECT_EQ(error_of("/[a,]"),
            "position 5: ']' where a class member was expected (escape it as \\])");
  EXPECT_EQ(error_of("/a\\"), "position 3: '\\' at the end escapes nothing");
  EXPECT_NE(error_of("/.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}.{1000}.{1}")
                .find("too complex"),
            std::string::npos);
}

TEST(PathPattern, HostilePatternsRunInLinearTime) {
  // Classic catastrophic-backtracking shapes: a backtracking matcher needs ages for these.
  const std::string subject = "/" + std::string(5000, 'a') + "!";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(match("/a+a+a+a+a+a+a+a+a+b", subject));
  EXPECT_FALSE(match("/*a*a*a*a*a*a*a*a*b", subject));
  EXPECT_FALSE(match("/a{0,1000}a{0,1000}a{0,1000}b", subject));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace candela
