// Shipping rotated access logs to a stand-in portal: what is sent, in which order, and that
// failures, refusals and restarts lose and double nothing.
#include "edge/log_shipper.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "log_test_lines.hpp"
#include "log_test_portal.hpp"
#include "support/process.hpp"

namespace candela::edge {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using namespace candela::edge::testing;

constexpr const char* kOld = "20261124T200000.004Z";
constexpr const char* kNew = "20261124T210000.001Z";

// A log folder with two rotated files (the older one compressed) and a live access.log, the
// lines each holds per (property, hour), and a shipper's options pointing at it all.
class LogShipperTest : public ::testing::Test {
 protected:
  LogShipperTest() {
    fs::create_directories(log_dir());
    std::ofstream(token_file()) << "  node-token-1\n";
    // Older file: two properties in hour 19, one line still of hour 18, one of no property.
    old_a = {log_line(kHour19 + 1min, "SC0000001.www", "/o1"),
             log_line(kHour19 + 2min, "SC0000001.www", "/o2")};
    old_a_late = {log_line(kHour19 - 50ms, "SC0000001.www", "/late")};
    old_b = {log_line(kHour19 + 3min, "SC0000002.img", "/o3")};
    write_gzip(log_dir() / ("access.log." + std::string(kOld) + ".gz"),
               joined({old_a[0], old_a_late[0], old_b[0], log_line(kHour19, ""), old_a[1]}));
    new_a = {log_line(kHour19 + 61min, "SC0000001.www", "/n1")};
    write_plain(log_dir() / ("access.log." + std::string(kNew)), joined(new_a));
    write_plain(log_path(), joined({log_line(kHour19 + 70min, "SC0000001.www", "/live")}));
  }

  fs::path log_dir() const { return fs::path(dir.path()) / "log"; }
  fs::path log_path() const { return log_dir() / "access.log"; }
  fs::path state_dir() const { return fs::path(dir.path()) / "state"; }
  fs::path token_file() const { return fs::path(dir.path()) / "token"; }

  LogShipperOptions options() const {
    LogShipperOptions o;
    o.log_path = log_path();
    o.state_dir = state_dir();
    o.edge_id = "edge-1";
    o.node_token_file = token_file().string();
    o.interval = 50ms;
    o.request_timeout = 2000ms;
    o.max_backoff = 200ms;
    return o;
  }

  std::unique_ptr<LogShipper> shipper(const std::string& url, LogShipperOptions o) {
    auto address = parse_portal_address(url);
    EXPECT_TRUE(address.ok());
    auto live = log_path();
    auto s = std::make_unique<LogShipper>(std::move(o), std::move(address).value(),
                                          [live] { return list_rotated_logs(live); });
    EXPECT_TRUE(s->prepare().ok());
    return s;
  }
  std::unique_ptr<LogShipper> shipper(const std::string& url) { return shipper(url, options()); }

  // What a portal that stored `stored` holds, as (property, hour) → text, chunks in order.
  static std::map<std::pair<std::string, std::string>, std::string> by_group(
      const std::map<ChunkKey, std::string>& stored) {
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const auto& [key, body] : stored) {
      auto text = gunzip_bytes(body);
      EXPECT_TRUE(text) << std::get<2>(key) << " is not one gzip member";
      out[{std::get<0>(key), std::get<1>(key)}] += text.value_or("");
    }
    return out;
  }

  // Exactly the lines of both rotated files; the live file is not shipped.
  void expect_everything_stored_once(const FakeLogPortal& portal) {
    const auto groups = by_group(portal.stored());
    const std::map<std::pair<std::string, std::string>, std::string> expected = {
        {{"SC0000001.www", "2026-11-24T18:00:00Z"}, joined(old_a_late)},
        {{"SC0000001.www", "2026-11-24T19:00:00Z"}, joined(old_a)},
        {{"SC0000001.www", "2026-11-24T20:00:00Z"}, joined(new_a)},
        {{"SC0000002.img", "2026-11-24T19:00:00Z"}, joined(old_b)},
    };
    EXPECT_EQ(groups, expected);
  }

  void expect_sources_shipped() {
    EXPECT_TRUE(fs::exists(log_dir() / "shipped" / ("access.log." + std::string(kOld) + ".gz")));
    EXPECT_TRUE(fs::exists(log_dir() / "shipped" / ("access.log." + std::string(kNew))));
    EXPECT_TRUE(list_rotated_logs(log_path()).empty());
    EXPECT_TRUE(fs::exists(log_path())) << "the live file stays";
    EXPECT_TRUE(fs::is_empty(state_dir() / "logs" / "outbox"));
  }

  candela::testing::TempDir dir;
  std::vector<std::string> old_a, old_a_late, old_b, new_a;
};

TEST_F(LogShipperTest, PutsEachChunkOnceOldestSourceFirstAndMovesSourcesToShipped) {
  FakeLogPortal portal;
  auto s = shipper(portal.url());
  EXPECT_TRUE(s->ship_pending());

  const auto requests = portal.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "PUT");
    EXPECT_EQ(r.authorization, "Bearer node-token-1");
    EXPECT_EQ(r.content_type, "application/gzip");
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.query.at("lines"), std::to_string(count_lines(gunzip_bytes(r.body).value_or(""))));
  }
  // The older source's three chunks (hour 18 first), then the newer one's.
  EXPECT_EQ(requests[0].path, "/api/v1/edges/edge-1/log-chunks/" + std::string(kOld));
  EXPECT_EQ(requests[0].query.at("property"), "SC0000001.www");
  EXPECT_EQ(requests[0].query.at("hour"), "2026-11-24T18:00:00Z");
  EXPECT_EQ(requests[1].query.at("hour"), "2026-11-24T19:00:00Z");
  EXPECT_EQ(requests[1].query.at("lines"), "2");
  EXPECT_EQ(requests[2].query.at("property"), "SC0000002.img");
  EXPECT_EQ(requests[3].path, "/api/v1/edges/edge-1/log-chunks/" + std::string(kNew));
  EXPECT_EQ(requests[3].query.at("hour"), "2026-11-24T20:00:00Z");
  expect_everything_stored_once(portal);
  expect_sources_shipped();
  const auto stats = s->stats();
  EXPECT_EQ(stats.chunks_sent, 4u);
  EXPECT_EQ(stats.lines_sent, 5u);
  EXPECT_EQ(stats.sources_shipped, 2u);

  // Nothing new: nothing is sent again.
  EXPECT_TRUE(s->ship_pending());
  EXPECT_EQ(portal.requests().size(), 4u);
}

TEST_F(LogShipperTest, A503IsRetriedWithTheSameChunkAndNothingIsLostOrDoubled) {
  FakeLogPortal portal;
  portal.script([](const RecordedRequest&, std::size_t n) { return n == 1 ? 503 : 0; });
  auto s = shipper(portal.url());
  EXPECT_FALSE(s->ship_pending()) << "stops at the 503";
  EXPECT_EQ(portal.requests().size(), 2u);
  EXPECT_EQ(s->stats().failed_attempts, 1u);
  EXPECT_TRUE(fs::exists(log_dir() / ("access.log." + std::string(kOld) + ".gz")))
      << "the source stays until every chunk is in";

  EXPECT_TRUE(s->ship_pending());
  const auto requests = portal.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].status, 503);
  EXPECT_EQ(requests[2].query, requests[1].query) << "the failed chunk is sent again";
  EXPECT_EQ(requests[2].body, requests[1].body);
  EXPECT_EQ(requests[2].status, 201);
  EXPECT_EQ(requests[0].query.at("hour"), "2026-11-24T18:00:00Z") << "not sent twice";
  expect_everything_stored_once(portal);
  expect_sources_shipped();
}

TEST_F(LogShipperTest, ChunksLeftInTheOutboxAreSentByTheNextRunAndResentOnesReplaceThemselves) {
  {
    FakeLogPortal down;
    down.script([](const RecordedRequest&, std::size_t) { return 503; });
    auto s = shipper(down.url());
    EXPECT_FALSE(s->ship_pending());
    s->stop();
  }
  // The split of the older file waits in the outbox; its source is still in the log folder.
  const fs::path folder = state_dir() / "logs" / "outbox" / kOld;
  ASSERT_TRUE(fs::exists(folder / "manifest.json"));
  EXPECT_TRUE(fs::exists(log_dir() / ("access.log." + std::string(kOld) + ".gz")));

  FakeLogPortal portal;
  // The portal already holds the first chunk (as if it stored it but its answer was lost).
  auto first = shipper(portal.url());
  const auto manifest = read_log_manifest(folder);
  ASSERT_TRUE(manifest.ok());
  {
    PortalConnection connection(parse_portal_address(portal.url()).value());
    const auto& c = manifest->chunks.front();
    auto reply = connection.request(
        "PUT",
        "/api/v1/edges/edge-1/log-chunks/" + c.chunk + "?property=" + c.property +
            "&hour=" + c.hour + "&lines=" + std::to_string(c.lines),
        "node-token-1", read_bytes(folder / c.file), 2000ms, "application/gzip");
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->status, 201);
  }
  EXPECT_TRUE(first->ship_pending());
  EXPECT_EQ(portal.requests()[1].status, 200) << "the same key again: replaced, not added";
  expect_everything_stored_once(portal);
  expect_sources_shipped();
}

TEST_F(LogShipperTest, AHalfWrittenSplitFromACrashIsDiscardedAndTheSourceSplitAgain) {
  const fs::path tmp = state_dir() / "logs" / "outbox" / (std::string(kOld) + ".tmp");
  fs::create_directories(tmp);
  write_plain(tmp / "000001.jsonl.gz", "half a chunk");
  FakeLogPortal portal;
  auto s = shipper(portal.url());
  EXPECT_FALSE(fs::exists(tmp)) << "prepare() removes it";
  EXPECT_TRUE(s->ship_pending());
  expect_everything_stored_once(portal);
  expect_sources_shipped();
}

TEST_F(LogShipperTest, RefusedChunksGoToDeadLetterAndTheRestIsShipped) {
  FakeLogPortal portal;
  // 400: the portal found the chunk malformed; 404: it does not know the SCID.
  portal.script([](const RecordedRequest& r, std::size_t) {
    if (r.query.at("property") == "SC0000002.img") return 400;
    return r.query.at("hour") == "2026-11-24T18:00:00Z" ? 404 : 0;
  });
  auto s = shipper(portal.url());
  EXPECT_TRUE(s->ship_pending());
  EXPECT_EQ(portal.requests().size(), 4u) << "a refusal is not retried";
  EXPECT_EQ(portal.stored().size(), 2u);
  const fs::path dead = state_dir() / "logs" / "dead-letter" / kOld;
  ASSERT_TRUE(fs::exists(dead));
  std::map<std::string, std::string> chunks;  // property + hour -> text
  std::vector<nlohmann::json> notes;
  for (const auto& e : fs::directory_iterator(dead)) {
    if (e.path().extension() == ".json") {
      notes.push_back(nlohmann::json::parse(read_bytes(e.path())));
    } else {
      chunks[e.path().filename().string()] = gunzip_bytes(read_bytes(e.path())).value_or("");
    }
  }
  ASSERT_EQ(notes.size(), 2u) << "a note beside each refused chunk";
  ASSERT_EQ(chunks.size(), 2u);
  for (const auto& note : notes) {
    const std::string text = chunks.at(note["file"].get<std::string>());
    const std::string refused = note["refused"];
    if (note["property"] == "SC0000002.img") {
      EXPECT_EQ(text, joined(old_b));
      EXPECT_NE(refused.find("HTTP 400"), std::string::npos) << refused;
    } else {
      EXPECT_EQ(note["hour"], "2026-11-24T18:00:00Z");
      EXPECT_EQ(text, joined(old_a_late));
      EXPECT_NE(refused.find("HTTP 404"), std::string::npos) << refused;
    }
    EXPECT_EQ(note["lines"], 1);
  }
  EXPECT_EQ(s->stats().chunks_refused, 2u);
  expect_sources_shipped();
}

TEST_F(LogShipperTest, AnUnreachablePortalOrUnreadableTokenKeepsEverything) {
  int closed_port = 0;
  {
    FakeLogPortal gone;
    closed_port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  auto s = shipper("http://127.0.0.1:" + std::to_string(closed_port));
  EXPECT_FALSE(s->ship_pending());
  EXPECT_EQ(list_rotated_logs(log_path()).size(), 2u);
  EXPECT_TRUE(fs::exists(state_dir() / "logs" / "outbox" / kOld / "manifest.json"));

  fs::remove(token_file());
  FakeLogPortal portal;
  auto t = shipper(portal.url());
  EXPECT_FALSE(t->ship_pending());
  EXPECT_TRUE(portal.requests().empty());
  std::ofstream(token_file()) << "node-token-1";
  EXPECT_TRUE(t->ship_pending());
  expect_everything_stored_once(portal);
}

TEST_F(LogShipperTest, ADamagedSourceIsSetAsideAndTheNextOneShips) {
  const fs::path damaged = log_dir() / ("access.log." + std::string(kOld) + ".gz");
  const std::string gz = read_bytes(damaged);
  write_plain(damaged, gz.substr(0, gz.size() / 2));
  FakeLogPortal portal;
  auto s = shipper(portal.url());
  EXPECT_TRUE(s->ship_pending());
  EXPECT_TRUE(fs::exists(state_dir() / "logs" / "dead-letter" / damaged.filename()));
  ASSERT_EQ(portal.stored().size(), 1u);
  EXPECT_EQ(std::get<2>(portal.stored().begin()->first), kNew);
}

TEST_F(LogShipperTest, ASourceThatCannotBeMovedAwayIsNotSentAgain) {
  FakeLogPortal portal;
  auto s = shipper(portal.url());
  fs::remove(log_dir() / "shipped");
  write_plain(log_dir() / "shipped", "a file where the folder should be");
  EXPECT_FALSE(s->ship_pending()) << "the older source's chunks are in, but it cannot move";
  EXPECT_EQ(portal.requests().size(), 3u);
  EXPECT_TRUE(fs::exists(state_dir() / "logs" / "outbox" / kOld / "manifest.json"));
  EXPECT_FALSE(s->ship_pending());
  EXPECT_EQ(portal.requests().size(), 3u) << "nothing sent twice while it waits";

  fs::remove(log_dir() / "shipped");
  EXPECT_TRUE(s->ship_pending());
  EXPECT_EQ(portal.requests().size(), 4u);
  for (const auto& r : portal.requests())
    EXPECT_EQ(r.status, 201);
  expect_everything_stored_once(portal);
  expect_sources_shipped();
}

TEST_F(LogShipperTest, KeepsOnlyTheNewestShippedFiles) {
  FakeLogPortal portal;
  auto o = options();
  o.keep_shipped = 1;
  auto s = shipper(portal.url(), o);
  EXPECT_TRUE(s->ship_pending());
  EXPECT_FALSE(fs::exists(log_dir() / "shipped" / ("access.log." + std::string(kOld) + ".gz")));
  EXPECT_TRUE(fs::exists(log_dir() / "shipped" / ("access.log." + std::string(kNew))));
}

TEST_F(LogShipperTest, TheThreadRetriesAfterFailuresUntilEverythingIsIn) {
  FakeLogPortal portal;
  portal.script([](const RecordedRequest&, std::size_t n) { return n < 3 ? 503 : 0; });
  auto s = shipper(portal.url());
  s->start();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (s->stats().sources_shipped < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  s->stop();
  EXPECT_EQ(s->stats().sources_shipped, 2u);
  EXPECT_EQ(s->stats().failed_attempts, 3u);
  expect_everything_stored_once(portal);
  expect_sources_shipped();
}

// The edge's own AccessLog decides what is ready: a rotated file once compressed, never the
// live file.
TEST(LogShipperWithAccessLog, ShipsRotatedFilesOfARunningLogOnceTheyAreCompressed) {
  candela::testing::TempDir dir;
  const fs::path live = fs::path(dir.path()) / "log" / "access.log";
  fs::create_directories(live.parent_path());
  std::ofstream(fs::path(dir.path()) / "token") << "t";
  ManualClock clock(kHour19 + 59min);
  AccessLogOptions lo;
  lo.path = live;
  lo.rotate_every = 3600s;
  lo.gzip = true;
  lo.flush_interval = 10ms;
  AccessLog log(lo, clock);
  AccessLogRecord r;
  r.time = kHour19 + 59min;
  r.property_id = "SC1.a";
  log.write(r);
  log.flush();
  EXPECT_TRUE(log.settled_rotated_files().empty());
  clock.advance(2min);
  r.time = kHour19 + 61min;
  log.write(r);
  log.flush();
  const auto ready = log.settled_rotated_files();
  ASSERT_EQ(ready.size(), 1u);
  ASSERT_EQ(ready[0].files.size(), 1u);
  EXPECT_EQ(ready[0].files[0].extension(), ".gz");

  FakeLogPortal portal;
  LogShipperOptions o;
  o.log_path = live;
  o.state_dir = fs::path(dir.path()) / "state";
  o.edge_id = "edge-1";
  o.node_token_file = (fs::path(dir.path()) / "token").string();
  LogShipper s(o, parse_portal_address(portal.url()).value(),
               [&log] { return log.settled_rotated_files(); });
  ASSERT_TRUE(s.prepare().ok());
  EXPECT_TRUE(s.ship_pending());
  const auto stored = portal.stored();
  ASSERT_EQ(stored.size(), 1u);
  const auto& [key, body] = *stored.begin();
  EXPECT_EQ(std::get<1>(key), "2026-11-24T19:00:00Z");
  EXPECT_EQ(std::get<2>(key), ready[0].stamp);
  EXPECT_EQ(count_lines(gunzip_bytes(body).value_or("")), 1u);
  EXPECT_TRUE(log.settled_rotated_files().empty());
}

// While files rotate and compress, a reader of settled_rotated_files() never gets a file whose
// compression is still to come (it would ship it, and then the .gz a second time).
TEST(LogShipperWithAccessLog, FilesAwaitingCompressionAreNeverReady) {
  candela::testing::TempDir dir;
  const fs::path live = fs::path(dir.path()) / "access.log";
  AccessLogOptions lo;
  lo.path = live;
  lo.max_bytes = 4096;
  lo.gzip = true;
  lo.flush_interval = 1ms;
  AccessLog log(lo);
  std::atomic<bool> done{false};
  std::size_t seen = 0;
  std::thread reader([&] {
    while (!done) {
      for (const auto& f : log.settled_rotated_files()) {
        ++seen;
        EXPECT_EQ(f.files.front().extension(), ".gz") << f.files.front();
      }
    }
  });
  const std::string path(300, 'p');
  AccessLogRecord r;
  r.time = kHour19;
  r.property_id = "SC1.a";
  r.path = path;
  for (int i = 0; i < 2000; ++i) {
    log.write(r);
    if (i % 50 == 0) log.flush();
  }
  log.flush();
  done = true;
  reader.join();
  EXPECT_GT(seen, 0u);
  EXPECT_GT(log.stats().rotations, 20u);
}

}  // namespace
}  // namespace candela::edge
