// The origin's single-range parsing: 206 slices, 416 and the cases it ignores.
#include "origin/byte_range.hpp"

#include <gtest/gtest.h>

namespace candela::origin {
namespace {

void expect_range(std::string_view field, std::uint64_t size, std::uint64_t first,
                  std::uint64_t last) {
  const auto d = decide_range(field, size);
  ASSERT_EQ(d.outcome, RangeOutcome::kSatisfiable) << field;
  EXPECT_EQ(d.range.first, first) << field;
  EXPECT_EQ(d.range.last, last) << field;
}

TEST(ByteRange, ClosedOpenAndSuffixForms) {
  expect_range("bytes=0-99", 1000, 0, 99);
  expect_range("bytes=500-", 1000, 500, 999);
  expect_range("bytes=-100", 1000, 900, 999);
  expect_range("bytes=0-0", 1, 0, 0);
}

TEST(ByteRange, LastPositionAndSuffixAreClampedToTheSize) {
  expect_range("bytes=900-5000", 1000, 900, 999);
  expect_range("bytes=-5000", 1000, 0, 999);
}

TEST(ByteRange, ToleratesCaseAndWhitespace) {
  expect_range("Bytes = 1-2 ", 10, 1, 2);
}

TEST(ByteRange, FirstPositionPastTheEndIsUnsatisfiable) {
  EXPECT_EQ(decide_range("bytes=1000-", 1000).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=1000-2000", 1000).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=-0", 1000).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=0-", 0).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=-5", 0).outcome, RangeOutcome::kUnsatisfiable);
}

TEST(ByteRange, SyntaxErrorsOtherUnitsAndMultipleRangesAreIgnored) {
  for (const auto* field : {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-1", "items=0-1",
                            "bytes=0-1,5-6", "bytes=1-2-3", "bytes=+1-2"}) {
    EXPECT_EQ(decide_range(field, 100).outcome, RangeOutcome::kIgnore) << field;
  }
}

TEST(ByteRange, HugeNumbersDoNotOverflow) {
  EXPECT_EQ(decide_range("bytes=0-99999999999999999999999", 10).outcome, RangeOutcome::kIgnore);
  expect_range("bytes=0-18446744073709551615", 10, 0, 9);
}

}  // namespace
}  // namespace candela::origin
