// OffsetFileClock: the offset follows the file, a bad file keeps the last good offset.
#include "common/offset_file_clock.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "support/process.hpp"

namespace candela {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

void wait_for_recheck() {
  std::this_thread::sleep_for(OffsetFileClock::kRecheckInterval + std::chrono::milliseconds(50));
}

TEST(ClockOffsetText, AcceptsSignedIntegersOnly) {
  EXPECT_EQ(parse_clock_offset("3600"), 3600);
  EXPECT_EQ(parse_clock_offset(" -90\n"), -90);
  EXPECT_EQ(parse_clock_offset("+5"), 5);
  EXPECT_FALSE(parse_clock_offset("").has_value());
  EXPECT_FALSE(parse_clock_offset("1h").has_value());
  EXPECT_FALSE(parse_clock_offset("1.5").has_value());
  EXPECT_FALSE(parse_clock_offset("12 34").has_value());
}

TEST(OffsetFileClock, FollowsTheFile) {
  candela::testing::TempDir dir;
  const std::filesystem::path file = dir.path() + "/offset";
  OffsetFileClock clock(file);
  EXPECT_EQ(clock.offset().count(), 0);  // no file yet

  write_file(file, "7200\n");
  wait_for_recheck();
  EXPECT_EQ(clock.offset().count(), 7200);
  const auto ahead = clock.now() - std::chrono::system_clock::now();
  EXPECT_GT(ahead, std::chrono::seconds(7199));
  EXPECT_LT(ahead, std::chrono::seconds(7201));

  write_file(file, "not a number");
  wait_for_recheck();
  EXPECT_EQ(clock.offset().count(), 7200);  // the last good value stays

  std::filesystem::remove(file);
  wait_for_recheck();
  EXPECT_EQ(clock.offset().count(), 0);
}

}  // namespace
}  // namespace candela
