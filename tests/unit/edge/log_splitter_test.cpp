// Splitting rotated access logs: groups by (property, hour of ts), chunk names and parts, and a
// split that either completes or leaves nothing behind.
#include "edge/log_splitter.hpp"

#include <gtest/gtest.h>

#include <random>

#include "log_test_lines.hpp"
#include "support/process.hpp"

namespace candela::edge {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace candela::edge::testing;

constexpr const char* kStamp = "20261124T200000.004Z";

std::string chunk_text(const fs::path& folder, const LogChunk& chunk) {
  const auto text = gunzip_bytes(read_bytes(folder / chunk.file));
  EXPECT_TRUE(text.has_value()) << chunk.file << " is not one gzip member";
  return text.value_or("");
}

TEST(LogLineKey, ReadsTheHourOfTsAndTheProperty) {
  const auto key = log_line_key(log_line(kHour19 + 37min + 38123ms, "SC0000001.www"));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->hour, "2026-11-24T19:00:00Z");
  EXPECT_EQ(key->property, "SC0000001.www");
  const auto escaped = log_line_key(log_line(kHour19, "we\"ird\\id"));
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->property, "we\"ird\\id");
  // A path that imitates the property member does not fool it: quotes in strings are escaped.
  const auto tricky = log_line_key(log_line(kHour19, "SC1.a", "/x\",\"property\":\"SC2.b"));
  ASSERT_TRUE(tricky);
  EXPECT_EQ(tricky->property, "SC1.a");
}

TEST(LogLineKey, RefusesLinesThatAreNotAccessLogLines) {
  const std::string good = log_line(kHour19, "SC1.a");
  EXPECT_FALSE(log_line_key(""));
  EXPECT_FALSE(log_line_key("not json"));
  EXPECT_FALSE(log_line_key(good.substr(0, good.size() - 5))) << "cut off";
  EXPECT_FALSE(log_line_key(R"({"ts":"2026-11-24 19:00:00.000Z","property":"SC1.a"})"));
  EXPECT_FALSE(log_line_key(R"({"ts":"2026-11-24T19:00:00.000Z","edge":"e"})")) << "no property";
}

TEST(LogSplitter, GroupsLinesByPropertyAndHourIncludingALateLineOfThePreviousHour) {
  candela::testing::TempDir dir;
  const fs::path source = fs::path(dir.path()) / ("access.log." + std::string(kStamp));
  const fs::path outbox = fs::path(dir.path()) / "outbox";
  const std::string a1 = log_line(kHour19 + 10min, "SC0000001.www", "/1");
  const std::string b1 = log_line(kHour19 + 20min, "SC0000002.img", "/2");
  // Written after 19:00 lines but stamped 18:59:59.900: it belongs to hour 18.
  const std::string a_late = log_line(kHour19 - 100ms, "SC0000001.www", "/late");
  const std::string none = log_line(kHour19 + 30min, "", "/no-property");
  const std::string a2 = log_line(kHour19 + 40min, "SC0000001.www", "/3");
  write_plain(source, joined({a1, b1, a_late, none, "garbage", a2}) + a2.substr(0, 40));

  auto split = split_log_file(source, kStamp, outbox);
  ASSERT_TRUE(split.ok()) << split.error();
  EXPECT_EQ(split->lines_unmatched, 1u);
  EXPECT_EQ(split->lines_invalid, 2u) << "the garbage line and the cut-off last line";
  ASSERT_EQ(split->chunks.size(), 3u);
  const fs::path folder = outbox / kStamp;
  const auto& c = split->chunks;
  EXPECT_EQ(c[0].hour, "2026-11-24T18:00:00Z");
  EXPECT_EQ(c[0].property, "SC0000001.www");
  EXPECT_EQ(chunk_text(folder, c[0]), joined({a_late}));
  EXPECT_EQ(c[1].hour, "2026-11-24T19:00:00Z");
  EXPECT_EQ(c[1].property, "SC0000001.www");
  EXPECT_EQ(chunk_text(folder, c[1]), joined({a1, a2}));
  EXPECT_EQ(c[1].lines, 2u);
  EXPECT_EQ(c[2].property, "SC0000002.img");
  EXPECT_EQ(chunk_text(folder, c[2]), joined({b1}));
  for (const auto& chunk : c) {
    EXPECT_EQ(chunk.chunk, kStamp) << "one part per group: the chunk is the source's stamp";
    EXPECT_EQ(chunk.bytes, fs::file_size(folder / chunk.file));
  }
  // The manifest on disk says the same.
  auto manifest = read_log_manifest(folder);
  ASSERT_TRUE(manifest.ok()) << manifest.error();
  ASSERT_EQ(manifest->chunks.size(), 3u);
  EXPECT_EQ(manifest->chunks[2].file, c[2].file);
  EXPECT_EQ(manifest->chunks[1].lines, 2u);
  EXPECT_FALSE(fs::exists(outbox / (std::string(kStamp) + ".tmp")));
}

TEST(LogSplitter, ReadsGzipSourcesAndSkipsFilesOfNoPropertyAtAll) {
  candela::testing::TempDir dir;
  const fs::path source = fs::path(dir.path()) / "src.gz";
  write_gzip(source, joined({log_line(kHour19, ""), log_line(kHour19, "")}));
  auto split = split_log_file(source, kStamp, fs::path(dir.path()) / "outbox");
  ASSERT_TRUE(split.ok()) << split.error();
  EXPECT_TRUE(split->chunks.empty());
  EXPECT_EQ(split->lines_unmatched, 2u);
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "outbox" / kStamp / "manifest.json"));
}

// Lines that compress poorly, so a few hundred of them need several 8 KiB parts.
std::vector<std::string> noisy_lines(std::size_t n, std::string_view property) {
  std::mt19937_64 random(42);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < n; ++i) {
    std::string path = "/";
    for (int j = 0; j < 20; ++j)
      path += std::to_string(random());
    lines.push_back(log_line(kHour19 + std::chrono::seconds(i), property, path));
  }
  return lines;
}

TEST(LogSplitter, SplitsAGroupIntoPartsNoLargerThanTheLimitKeepingEveryLineInOrder) {
  candela::testing::TempDir dir;
  const fs::path source = fs::path(dir.path()) / "src";
  const fs::path outbox = fs::path(dir.path()) / "outbox";
  const auto big = noisy_lines(400, "SC1.big");
  const auto small = noisy_lines(2, "SC1.small");
  std::vector<std::string> all = big;
  all.insert(all.end(), small.begin(), small.end());
  write_plain(source, joined(all));

  LogSplitOptions options;
  options.max_chunk_bytes = 8192;
  options.buffer_bytes = 10000;  // spill to group files many times
  auto split = split_log_file(source, kStamp, outbox, options);
  ASSERT_TRUE(split.ok()) << split.error();
  ASSERT_GT(split->chunks.size(), 4u);
  const fs::path folder = outbox / kStamp;
  std::string big_text;
  std::uint64_t big_lines = 0;
  std::size_t part = 0;
  std::vector<std::uintmax_t> big_sizes;
  for (const auto& chunk : split->chunks) {
    const auto size = fs::file_size(folder / chunk.file);
    EXPECT_LE(size, 8192u) << chunk.chunk;
    if (chunk.property == "SC1.small") {
      EXPECT_EQ(chunk.chunk, kStamp);
      EXPECT_EQ(chunk_text(folder, chunk), joined(small));
      continue;
    }
    EXPECT_EQ(chunk.chunk, std::string(kStamp) + "-part" + std::to_string(++part));
    big_text += chunk_text(folder, chunk);
    big_lines += chunk.lines;
    big_sizes.push_back(size);
  }
  for (std::size_t i = 0; i + 1 < big_sizes.size(); ++i) {
    EXPECT_GT(big_sizes[i], 4096u) << "part " << i + 1 << " is filled, not cut early";
  }
  EXPECT_EQ(big_text, joined(big));
  EXPECT_EQ(big_lines, big.size());
}

TEST(LogSplitter, TheSameSourceGivesTheSameChunksAgain) {
  candela::testing::TempDir dir;
  const fs::path source = fs::path(dir.path()) / "src";
  write_plain(source, joined(noisy_lines(200, "SC1.a")));
  LogSplitOptions options;
  options.max_chunk_bytes = 8192;
  auto first = split_log_file(source, kStamp, fs::path(dir.path()) / "one", options);
  auto second = split_log_file(source, kStamp, fs::path(dir.path()) / "two", options);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first->chunks.size(), second->chunks.size());
  for (std::size_t i = 0; i < first->chunks.size(); ++i) {
    EXPECT_EQ(first->chunks[i].chunk, second->chunks[i].chunk);
    EXPECT_EQ(read_bytes(fs::path(dir.path()) / "one" / kStamp / first->chunks[i].file),
              read_bytes(fs::path(dir.path()) / "two" / kStamp / second->chunks[i].file));
  }
}

TEST(LogSplitter, ReplacesALeftoverTmpFolderAndLeavesNothingWhenItFails) {
  candela::testing::TempDir dir;
  const fs::path outbox = fs::path(dir.path()) / "outbox";
  const fs::path source = fs::path(dir.path()) / "src";
  write_plain(source, joined({log_line(kHour19, "SC1.a")}));
  // A crash in the middle of an earlier split left this behind.
  fs::create_directories(outbox / (std::string(kStamp) + ".tmp"));
  write_plain(outbox / (std::string(kStamp) + ".tmp") / "000001.jsonl.gz", "half");
  auto split = split_log_file(source, kStamp, outbox);
  ASSERT_TRUE(split.ok()) << split.error();
  EXPECT_FALSE(fs::exists(outbox / (std::string(kStamp) + ".tmp")));
  ASSERT_EQ(split->chunks.size(), 1u);
  EXPECT_EQ(chunk_text(outbox / kStamp, split->chunks[0]), joined({log_line(kHour19, "SC1.a")}));

  // A damaged gzip source: refused as invalid, and no folder appears for it.
  const fs::path broken = fs::path(dir.path()) / "broken.gz";
  std::string gz = read_bytes(outbox / kStamp / split->chunks[0].file);
  write_plain(broken, gz.substr(0, gz.size() / 2));
  auto bad = split_log_file(broken, "20261124T210000.000Z", outbox);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error_kind(), ErrorKind::kInvalid) << bad.error();
  EXPECT_FALSE(fs::exists(outbox / "20261124T210000.000Z"));
  EXPECT_FALSE(fs::exists(outbox / "20261124T210000.000Z.tmp"));

  // An outbox that cannot be written: worth retrying later, nothing half-written.
  const fs::path blocked = fs::path(dir.path()) / "blocked";
  write_plain(blocked, "a file, not a folder");
  auto full = split_log_file(source, kStamp, blocked);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error_kind(), ErrorKind::kUnavailable) << full.error();
}

}  // namespace
}  // namespace candela::edge
