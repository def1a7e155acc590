// Tests of the JSON access log: line format and escaping, concurrency, rotation, gzip, reopen.
#include "edge/access_log.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"

namespace candela::edge {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

// 2026-11-24T19:37:38.123Z
const SysTime kTime = SysTime(std::chrono::milliseconds(1795549058123LL));

AccessLogRecord sample_record() {
  AccessLogRecord r;
  r.time = kTime;
  r.edge_id = "edge-ams-1";
  r.client_ip = "2001:db8::7";
  r.client_port = 51234;
  r.method = "GET";
  r.host = "cdn.example.com";
  r.path = "/img/a.png?v=2";
  r.protocol = "HTTP/1.1";
  r.status = 206;
  r.bytes_sent = 1400;
  r.body_bytes = 1000;
  r.duration_ms = 12.3456;
  r.cache_status = "hit";
  r.property_id = "demo";
  r.service_id = "SC-000123";
  r.range = "bytes=0-999";
  r.user_agent = "curl/8.0";
  r.referer = "https://example.com/";
  return r;
}

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string gunzip(const fs::path& p) {
  gzFile f = gzopen(p.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  std::string out;
  char buf[65536];
  for (int n; (n = gzread(f, buf, sizeof(buf))) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(s.substr(start, nl - start));
  }
  EXPECT_EQ(start, s.size()) << "text does not end with a newline";
  return lines;
}

// Every file in `dir` whose name starts with "access.log", with its lines (gunzipped if .gz).
std::map<std::string, std::vector<std::string>> all_log_files(const fs::path& dir) {
  std::map<std::string, std::vector<std::string>> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with("access.log")) continue;
    files[name] = name.ends_with(".gz") ? split_lines(gunzip(e.path())) : read_lines(e.path());
  }
  return files;
}

AccessLogOptions options_in(const testing::TempDir& dir) {
  AccessLogOptions o;
  o.path = fs::path(dir.path()) / "access.log";
  o.flush_interval = 20ms;
  return o;
}

TEST(AccessLogFormat, LineIsJsonWithEveryDocumentedField) {
  std::string line;
  AccessLog::format(sample_record(), line);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  const json j = json::parse(line);
  EXPECT_EQ(j["ts"], "2026-11-24T19:37:38.123Z");
  EXPECT_EQ(j["edge"], "edge-ams-1");
  EXPECT_EQ(j["client_ip"], "2001:db8::7");
  EXPECT_EQ(j["client_port"], 51234);
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["host"], "cdn.example.com");
  EXPECT_EQ(j["path"], "/img/a.png?v=2");
  EXPECT_EQ(j["proto"], "HTTP/1.1");
  EXPECT_EQ(j["status"], 206);
  EXPECT_EQ(j["bytes"], 1400);
  EXPECT_EQ(j["body_bytes"], 1000);
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 12.346);
  EXPECT_EQ(j["cache"], "hit");
  EXPECT_EQ(j["property"], "demo");
  EXPECT_EQ(j["scid"], "SC-000123");
  EXPECT_TRUE(j["origin_ms"].is_null());
  EXPECT_EQ(j["range"], "bytes=0-999");
  EXPECT_EQ(j["ua"], "curl/8.0");
  EXPECT_EQ(j["referer"], "https://example.com/");
  EXPECT_EQ(j.size(), 19U);
}

TEST(AccessLogFormat, OptionalFieldsAreNullOrNumbers) {
  auto r = sample_record();
  r.origin_ms = 3.5;
  r.range = {};
  r.duration_ms = std::numeric_limits<double>::quiet_NaN();
  std::string line;
  AccessLog::format(r, line);
  const json j = json::parse(line);
  EXPECT_DOUBLE_EQ(j["origin_ms"].get<double>(), 3.5);
  EXPECT_TRUE(j["range"].is_null());
  EXPECT_TRUE(j["duration_ms"].is_null());
}

TEST(AccessLogFormat, EscapesQuotesBackslashesAndControlCharacters) {
  auto r = sample_record();
  const std::string ua = std::string("a\"b\\c\nd\re\tf") + '\x01' + '\x1f' + '\x7f' + "g";
  r.user_agent = ua;
  std::string line;
  AccessLog::format(r, line);
  EXPECT_NE(line.find(R"("ua":"a\"b\\c\nd\re\tf\u0001\u001f\u007fg")"), std::string::npos) << line;
  EXPECT_EQ(json::parse(line)["ua"], ua);
}

TEST(AccessLogFormat, KeepsValidUtf8AndEscapesInvalidBytes) {
  auto r = sample_record();
  // Valid: é (2 bytes), € (3 bytes), 😀 (4 bytes). Invalid: lone continuation byte, overlong
  // "/" (C0 AF), UTF-16 surrogate (ED A0 80), truncated sequence at the end (E2 82).
  const std::string path =
      "/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\x80/\xc0\xaf/\xed\xa0\x80/\xe2\x82";
  r.path = path;
  std::string line;
  AccessLog::format(r, line);
  EXPECT_NE(line.find("\"path\":\"/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\\u0080/\\u00c0\\u00af/"
                      "\\u00ed\\u00a0\\u0080/\\u00e2\\u0082\""),
            std::string::npos)
      << line;
  const json j = json::parse(line);  // throws if the line is not valid JSON and UTF-8
  EXPECT_EQ(j["path"].get<std::string>().substr(0, 10), "/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(AccessLog, WrittenLinesReachTheFileOnFlushAndOnDestruction) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.flush_interval = 10s;  // only flush() or the destructor can have written them
  {
    AccessLog log(opts);
    log.write(sample_record());
    log.flush();
    EXPECT_EQ(read_lines(opts.path).size(), 1U);
    log.write(sample_record());
    log.write(sample_record());
  }
  const auto lines = read_lines(opts.path);
  ASSERT_EQ(lines.size(), 3U);
  for (const auto& l : lines)
    EXPECT_EQ(json::parse(l)["host"], "cdn.example.com");
}

TEST(AccessLog, TheFlushIntervalWritesLinesWithoutAFlushCall) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  AccessLog log(opts);
  log.write(sample_record());
  for (int i = 0; i < 500 && read_lines(opts.path).empty(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(read_lines(opts.path).size(), 1U);
}

// Writes `per_thread` lines from each of `threads` threads; path "/t<thread>/<seq>".
void write_from_threads(AccessLog& log, int threads, int per_thread) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&log, t, per_thread] {
      auto r = sample_record();
      std::string path;
      for (int i = 0; i < per_thread; ++i) {
        path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        r.path = path;
        log.write(r);
      }
    });
  }
  for (auto& w : workers)
    w.join();
}

// Every line parses, and the paths are exactly the threads x sequence numbers, once each.
void expect_exactly_once(const std::vector<std::string>& lines, int threads, int per_thread) {
  std::set<std::string> seen;
  for (const auto& l : lines) {
    const json j = json::parse(l);
    EXPECT_TRUE(seen.insert(j["path"].get<std::string>()).second) << "duplicate " << l;
  }
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(threads * per_thread));
}

TEST(AccessLog, FourThreadsOfTenThousandLinesGiveExactlyFortyThousandIntactLines) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.thread_buffer_bytes = 8 * 1024;  // many hand-offs
  AccessLog log(opts);
  write_from_threads(log, 4, 10'000);
  log.flush();
  expect_exactly_once(read_lines(opts.path), 4, 10'000);
  const auto s = log.stats();
  EXPECT_EQ(s.lines_accepted, 40'000U);
  EXPECT_EQ(s.lines_written, 40'000U);
  EXPECT_EQ(s.lines_dropped, 0U);
  EXPECT_EQ(s.write_errors, 0U);
}

TEST(AccessLog, LinesOfOneThreadStayInOrder) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.thread_buffer_bytes = 4 * 1024;
  AccessLog log(opts);
  write_from_threads(log, 2, 5'000);
  log.flush();
  std::map<std::string, int> last;  // thread -> last sequence number
  for (const auto& l : read_lines(opts.path)) {
    const std::string path = json::parse(l)["path"];
    const auto slash = path.find('/', 1);
    const std::string thread = path.substr(0, slash);
    const int seq = std::stoi(path.substr(slash + 1));
    if (last.contains(thread)) {
      EXPECT_EQ(seq, last[thread] + 1) << path;
    }
    last[thread] = seq;
  }
  EXPECT_EQ(last.size(), 2U);
}

TEST(AccessLog, SizeRotationLosesAndDuplicatesNothing) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.max_bytes = 64 * 1024;
  opts.thread_buffer_bytes = 16 * 1024;
  AccessLog log(opts);
  write_from_threads(log, 4, 5'000);
  log.flush();
  const auto files = all_log_files(dir.path());
  EXPECT_GT(files.size(), 10U);
  std::vector<std::string> all;
  for (const auto& [name, lines] : files) {
    EXPECT_LE(fs::file_size(fs::path(dir.path()) / name), opts.max_bytes) << name;
    all.insert(all.end(), lines.begin(), lines.end());
  }
  expect_exactly_once(all, 4, 5'000);
  EXPECT_EQ(log.stats().rotations, files.size() - 1);
}

TEST(AccessLog, GzipRotatedFilesDecompressToTheirLines) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.max_bytes = 16 * 1024;
  opts.gzip = true;
  AccessLog log(opts);
  write_from_threads(log, 1, 1'000);
  log.flush();
  const auto files = all_log_files(dir.path());
  std::vector<std::string> all;
  std::size_t compressed = 0;
  for (const auto& [name, lines] : files) {
    EXPECT_FALSE(name.ends_with(".tmp")) << name;
    if (name != "access.log") {
      EXPECT_TRUE(name.ends_with(".gz")) << name;
      EXPECT_FALSE(lines.empty()) << name;
      ++compressed;
    }
    all.insert(all.end(), lines.begin(), lines.end());
  }
  EXPECT_GT(compressed, 5U);
  expect_exactly_once(all, 1, 1'000);
}

TEST(AccessLog, KeepsAtMostMaxFilesRotatedFiles) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.max_bytes = 4 * 1024;
  opts.max_files = 3;
  std::ofstream(fs::path(dir.path()) / "access.log.old") << "not ours\n";
  AccessLog log(opts);
  write_from_threads(log, 1, 500);
  log.flush();
  const auto files = all_log_files(dir.path());
  EXPECT_EQ(files.size(), 1U + 3U + 1U);  // live + 3 rotated + the unrelated file
  EXPECT_TRUE(files.contains("access.log.old"));
  // The newest lines survive: the live file ends with the last line written.
  ASSERT_FALSE(files.at("access.log").empty());
  EXPECT_EQ(json::parse(files.at("access.log").back())["path"], "/t0/499");
  EXPECT_GT(log.stats().rotations, 3U);
}

TEST(AccessLog, RotatesOnTheHourByTheInjectedClockWithATimestampedName) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.rotate_every = std::chrono::hours(1);
  // 2026-11-24T19:59:59Z
  ManualClock clock(SysTime(std::chrono::seconds(1795550399)));
  AccessLog log(opts, clock);
  auto r = sample_record();
  r.path = "/before";
  log.write(r);
  log.flush();
  clock.advance(2s);
  r.path = "/after";
  log.write(r);
  log.flush();
  const auto files = all_log_files(dir.path());
  ASSERT_EQ(files.size(), 2U);
  ASSERT_TRUE(files.contains("access.log.20261124T200001.000Z"));
  EXPECT_EQ(files.at("access.log.20261124T200001.000Z").size(), 1U);
  EXPECT_EQ(json::parse(files.at("access.log.20261124T200001.000Z")[0])["path"], "/before");
  ASSERT_EQ(files.at("access.log").size(), 1U);
  EXPECT_EQ(json::parse(files.at("access.log")[0])["path"], "/after");
}

TEST(AccessLog, ReopenAfterTheFileWasMovedAwayStartsANewFile) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.flush_interval = 10s;
  AccessLog log(opts);
  auto r = sample_record();
  r.path = "/a";
  log.write(r);
  log.flush();
  const fs::path moved = fs::path(dir.path()) / "moved.log";
  fs::rename(opts.path, moved);
  r.path = "/b";
  log.write(r);  // before reopen(): still belongs to the old (moved) file
  log.reopen();
  r.path = "/c";
  log.write(r);
  log.flush();
  const auto old_lines = read_lines(moved);
  ASSERT_EQ(old_lines.size(), 2U);
  EXPECT_EQ(json::parse(old_lines[0])["path"], "/a");
  EXPECT_EQ(json::parse(old_lines[1])["path"], "/b");
  const auto new_lines = read_lines(opts.path);
  ASSERT_EQ(new_lines.size(), 1U);
  EXPECT_EQ(json::parse(new_lines[0])["path"], "/c");
}

TEST(AccessLog, DropsAndCountsLinesInsteadOfBlockingWhenTheWriterIsBehind) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  opts.flush_interval = 10s;
  std::string line;
  AccessLog::format(sample_record(), line);
  opts.thread_buffer_bytes = line.size() * 2;  // room for exactly two lines
  opts.max_pending_bytes = 0;                  // nothing may queue: the writer is "behind"
  AccessLog log(opts);
  for (int i = 0; i < 10; ++i)
    log.write(sample_record());
  auto s = log.stats();
  EXPECT_EQ(s.lines_accepted, 2U);
  EXPECT_EQ(s.lines_dropped, 8U);
  log.flush();
  EXPECT_EQ(read_lines(opts.path).size(), 2U);
  EXPECT_EQ(log.stats().lines_written, 2U);
}

TEST(AccessLog, AppendsToAnExistingFileAndThrowsWhenItCannotOpen) {
  testing::TempDir dir;
  auto opts = options_in(dir);
  std::ofstream(opts.path) << "{\"earlier\":true}\n";
  {
    AccessLog log(opts);
    log.write(sample_record());
  }
  EXPECT_EQ(read_lines(opts.path).size(), 2U);
  opts.path = fs::path(dir.path()) / "missing-dir" / "access.log";
  EXPECT_THROW(AccessLog{opts}, std::system_error);
}

}  // namespace
}  // namespace candela::edge
