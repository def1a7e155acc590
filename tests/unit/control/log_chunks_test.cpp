// Log delivery's domain on SQLite and PostgreSQL: chunk checks (gzip, line count, property, hour,
// names that could escape the store), idempotent recording, listing and download order,
// tenancy, retention changes (audited) and the retention job with a manual clock.
#include "control/log_chunks.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>

#include "service_fixture.hpp"
#include "support/gzip.hpp"

namespace candela::control {
namespace {

using candela::testing::gzip_compress;
using candela::testing::gzip_decompress;

constexpr long long kHour = 1767225600000 + 5 * kLogHourMs;  // 2026-01-01T05:00:00Z

std::string line(const std::string& property, const std::string& ts, const std::string& path) {
  return R"({"ts":")" + ts + R"(","edge":"e1","path":")" + path + R"(","property":")" + property +
         R"(","scid":"x"})";
}

class LogChunksTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ServiceStoreTest::SetUp();
    if (HasFatalFailure()) return;
    scid_ = service(acme_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
    store_ = std::make_unique<LogStore>(dir_.path() + "/logs");
  }

  LogChunkUpload upload(const std::string& chunk, long long lines,
                        const std::string& property = "www",
                        const std::string& hour = "2026-01-01T05:00:00Z") const {
    return LogChunkUpload{"edge-a", scid_ + "." + property, hour, chunk, lines};
  }

  std::string body(const std::string& property, int lines, const std::string& minute = "05:10",
                   const std::string& tag = "") const {
    std::string text;
    for (int i = 0; i < lines; ++i) {
      text += line(scid_ + "." + property,
                   "2026-01-01T" + minute + ":0" + std::to_string(i % 10) + ".123Z",
                   "/" + tag + std::to_string(i)) +
              "\n";
    }
    return gzip_compress(text);
  }

  Result<StoredLogChunk> put(const LogChunkUpload& up, const std::string& gz) {
    auto checked = LogChunks::check(*store_, up, gz);
    if (!checked.ok()) return Error{checked.failure()};
    return db_->with_transaction([&](soci::session& s) {
      return LogChunks(s, clock_, *store_).record(checked.value(), gz);
    });
  }

  std::size_t files_on_disk() const {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(store_->root(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) ++n;
    }
    return n;
  }

  std::string scid_, globex_scid_;
  std::unique_ptr<LogStore> store_;
};

TEST(LogTime, ParsesOnlyTheStrictForms) {
  EXPECT_EQ(parse_log_hour("2026-01-01T05:00:00Z"), kHour);
  EXPECT_FALSE(parse_log_hour("2026-01-01T05:30:00Z"));
  EXPECT_FALSE(parse_log_hour("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_log_hour("2026-02-30T05:00:00Z"));
  EXPECT_EQ(parse_log_timestamp("2026-01-01T05:59:59.999Z"), kHour + kLogHourMs - 1);
  EXPECT_EQ(parse_log_timestamp("2026-01-01T05:00:00Z"), kHour);
  EXPECT_FALSE(parse_log_timestamp("2026-01-01T05:00:00+01:00"));
  EXPECT_FALSE(parse_log_timestamp("2026-01-01T05:00:00.Z"));
  auto day = parse_log_period("2026-01-01");
  ASSERT_TRUE(day);
  EXPECT_EQ(day->end_ms - day->start_ms, kLogDayMs);
  auto hour = parse_log_period("2026-01-01T05");
  ASSERT_TRUE(hour);
  EXPECT_EQ(hour->start_ms, kHour);
  EXPECT_FALSE(parse_log_period("2026-01-01T5"));
  EXPECT_FALSE(parse_log_period("../../etc"));
  EXPECT_EQ(log_hour_name(kHour), "2026-01-01T05");
  EXPECT_EQ(log_day_name(kHour), "2026-01-01");
}

TEST(LogStorePaths, RefuseEveryNameThatCouldLeaveTheRoot) {
  LogStore store("/srv/logs");
  for (const std::string& property :
       std::vector<std::string>{"../x", "..", "a/b", "", "WWW", "-x", std::string(64, 'a')}) {
    EXPECT_FALSE(LogStore::valid_property(property)) << property;
  }
  for (const std::string& chunk :
       std::vector<std::string>{"..", ".", "a/b", "a\\b", "", std::string(121, 'a'), "a b"}) {
    EXPECT_FALSE(LogStore::valid_chunk(chunk)) << chunk;
  }
  EXPECT_TRUE(LogStore::valid_chunk("20261125T010000.004Z-part2"));
  EXPECT_FALSE(LogStore::valid_edge_id("../edge"));
  auto refused = store.path_of({"../../etc", "www", kHour, "edge-a", "c"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.failure().fields.at(0).first, "/scid");
  EXPECT_FALSE(store.path_of({"SC0000001", "../x", kHour, "edge-a", "c"}).ok());
  EXPECT_FALSE(store.path_of({"SC0000001", "www", kHour + 1, "edge-a", "c"}).ok());
}

TEST_P(LogChunksTest, StoresAChunkAndReplacesItOnRedelivery) {
  auto first = put(upload("c1", 3), body("www", 3));
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->lines, 3);
  EXPECT_EQ(first->sha256.size(), 64u);
  const auto path = store_->root() / scid_ / "www" / "2026-01-01" / "05" / "edge-a--c1.jsonl.gz";
  EXPECT_TRUE(std::filesystem::exists(path));
  auto again = put(upload("c1", 4), body("www", 4, "05:20", "b"));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(count("SELECT COUNT(*) FROM log_chunks"), 1);
  EXPECT_EQ(count("SELECT lines FROM log_chunks"), 4);
  std::ifstream in(path, std::ios::binary);
  std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto text = gzip_decompress(stored);
  ASSERT_TRUE(text);
  EXPECT_EQ(candela::testing::split_lines(*text).size(), 4u);
  EXPECT_EQ(files_on_disk(), 1u) << "no temporary file is left behind";
}

TEST_P(LogChunksTest, RefusesBadContentAndStoresNothing) {
  struct Case {
    std::string name;
    LogChunkUpload up;
    std::string gz;
    std::string pointer;
  };
  std::string good = body("www", 2);
  std::string truncated = good.substr(0, good.size() - 6);
  const std::vector<Case> cases = {
      {"not gzip", upload("c1", 2), "plain text\n", "/body"},
      {"truncated gzip", upload("c1", 2), truncated, "/body"},
      {"empty", upload("c1", 0), "", "/body"},
      {"fewer lines", upload("c1", 3), good, "/query/lines"},
      {"more lines", upload("c1", 1), good, "/query/lines"},
      {"other property", upload("c1", 2), body("api", 2), "/body/line/1"},
      {"ts outside the hour", upload("c1", 2), body("www", 2, "06:00"), "/body/line/1"},
      {"not JSON", upload("c1", 1), gzip_compress("{\"ts\":\n"), "/body/line/1"},
      {"traversal in property", upload("c1", 2, "../x"), good, "/query/property"},
      {"traversal in chunk", upload("..", 2), good, "/path/chunk"},
      {"slash in chunk", upload("a/b", 2), good, "/path/chunk"},
      {"hour not whole", upload("c1", 2, "www", "2026-01-01T05:30:00Z"), good, "/query/hour"},
  };
  for (const auto& c : cases) {
    auto refused = put(c.up, c.gz);
    ASSERT_FALSE(refused.ok()) << c.name;
    EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid) << c.name;
    ASSERT_FALSE(refused.failure().fields.empty()) << c.name;
    EXPECT_EQ(refused.failure().fields.front().first, c.pointer)
        << c.name << ": " << refused.error();
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM log_chunks"), 0);
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_P(LogChunksTest, UnknownScidIsNotFoundAndWritesNoFile) {
  SeededRandom other{7};
  std::string unknown = generate_scid(other);
  while (unknown == scid_ || unknown == globex_scid_)
    unknown = generate_scid(other);
  LogChunkUpload up{"edge-a", unknown + ".www", "2026-01-01T05:00:00Z", "c1", 1};
  std::string text = line(unknown + ".www", "2026-01-01T05:00:00.000Z", "/") + "\n";
  auto refused = put(up, gzip_compress(text));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(files_on_disk(), 0u);
}

TEST_P(LogChunksTest, ListsPerPropertyAndHourWithPagesAndTenancy) {
  ASSERT_TRUE(put(upload("c1", 2), body("www", 2)).ok());
  ASSERT_TRUE(
      put(LogChunkUpload{"edge-b", scid_ + ".www", "2026-01-01T05:00:00Z", "c1", 3}, body("www", 3))
          .ok());
  ASSERT_TRUE(put(upload("c2", 1, "api"), body("api", 1)).ok());
  ASSERT_TRUE(put(upload("c3", 1, "www", "2026-01-01T07:00:00Z"), body("www", 1, "07:00")).ok());
  auto list = [&](const Principal& who, LogFileQuery query) {
    return db_->with_session(
        [&](soci::session& s) { return LogChunks(s, clock_, *store_).list(who, scid_, query); });
  };
  auto all = list(acme_read_only_, {});
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->files.size(), 3u);
  EXPECT_EQ(all->retention_days, 30);
  EXPECT_EQ(all->files[0].property, "api");
  EXPECT_EQ(all->files[1].property, "www");
  EXPECT_EQ(all->files[1].lines, 5);
  EXPECT_EQ(all->files[1].chunks, 2);
  EXPECT_EQ(all->files[2].hour_ms, kHour + 2 * kLogHourMs);
  LogFileQuery paged;
  paged.limit = 2;
  auto first = list(staff_, paged);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->more);
  paged.after = std::make_pair(first->files.back().hour_ms, first->files.back().property);
  auto second = list(staff_, paged);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->files.size(), 1u);
  EXPECT_FALSE(second->more);
  LogFileQuery only_www;
  only_www.property = "www";
  only_www.to_ms = kHour + kLogHourMs;
  auto www = list(acme_admin_, only_www);
  ASSERT_TRUE(www.ok());
  ASSERT_EQ(www->files.size(), 1u);
  auto stranger = list(globex_admin_, {});
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error_kind(), ErrorKind::kNotFound);
}

TEST_P(LogChunksTest, FilesComeInHourEdgeChunkOrderForReadersOnly) {
  ASSERT_TRUE(
      put(LogChunkUpload{"edge-b", scid_ + ".www", "2026-01-01T05:00:00Z", "a", 1}, body("www", 1))
          .ok());
  ASSERT_TRUE(put(upload("b", 1), body("www", 1)).ok());
  ASSERT_TRUE(put(upload("a", 1), body("www", 1)).ok());
  ASSERT_TRUE(put(upload("a", 1, "www", "2026-01-01T06:00:00Z"), body("www", 1, "06:00")).ok());
  auto files = [&](const Principal& who, const std::string& period) {
    return db_->with_session([&](soci::session& s) {
      return LogChunks(s, clock_, *store_).files(who, scid_, "www", *parse_log_period(period));
    });
  };
  auto day = files(acme_read_only_, "2026-01-01");
  ASSERT_TRUE(day.ok()) << day.error();
  ASSERT_EQ(day->size(), 4u);
  EXPECT_EQ((*day)[0].key.edge_id + "/" + (*day)[0].key.chunk, "edge-a/a");
  EXPECT_EQ((*day)[1].key.edge_id + "/" + (*day)[1].key.chunk, "edge-a/b");
  EXPECT_EQ((*day)[2].key.edge_id + "/" + (*day)[2].key.chunk, "edge-b/a");
  EXPECT_EQ((*day)[3].key.hour_ms, kHour + kLogHourMs);
  EXPECT_EQ(files(acme_read_only_, "2026-01-01T06")->size(), 1u);
  EXPECT_EQ(files(acme_read_only_, "2026-01-02").error_kind(), ErrorKind::kNotFound);
  EXPECT_EQ(files(globex_admin_, "2026-01-01").error_kind(), ErrorKind::kNotFound);
}

TEST_P(LogChunksTest, RetentionIsValidatedAuthorizedAndAudited) {
  auto set = [&](const Principal& who, int days) {
    return db_->with_transaction([&](soci::session& s) {
      return LogChunks(s, clock_, *store_).set_retention(who, scid_, days, "contract");
    });
  };
  for (int days : {0, 367, -1}) {
    auto refused = set(acme_admin_, days);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.failure().fields.at(0).first, "/days");
  }
  EXPECT_EQ(set(acme_read_only_, 7).error_kind(), ErrorKind::kForbidden);
  EXPECT_EQ(set(globex_admin_, 7).error_kind(), ErrorKind::kNotFound);
  auto changed = set(acme_technical_, 7);
  ASSERT_TRUE(changed.ok()) << changed.error();
  EXPECT_EQ(changed.value(), 7);
  EXPECT_EQ(count("SELECT log_retention_days FROM services WHERE scid = '" + scid_ + "'"), 7);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_id = '" + scid_ +
                  "' AND action = 'log_retention' AND to_state = '7'"),
            1);
}

TEST_P(LogChunksTest, RetentionJobDeletesOnlyExpiredChunks) {
  // Hour 05:00 of 2026-01-01 ends at 06:00; with 1 day retention it expires after 2026-01-02 06:00.
  ASSERT_TRUE(db_->with_transaction([&](soci::session& s) {
                   return LogChunks(s, clock_, *store_).set_retention(staff_, scid_, 1, "test");
                 })
                  .ok());
  ASSERT_TRUE(put(upload("old", 1), body("www", 1)).ok());
  std::string recent = gzip_compress(line(scid_ + ".www", "2026-01-02T05:30:00.000Z", "/r") + "\n");
  ASSERT_TRUE(put(upload("new", 1, "www", "2026-01-02T05:00:00Z"), recent).ok());
  std::string other =
      gzip_compress(line(globex_scid_ + ".www", "2026-01-01T05:30:00.000Z", "/") + "\n");
  ASSERT_TRUE(
      put(LogChunkUpload{"edge-a", globex_scid_ + ".www", "2026-01-01T05:00:00Z", "g", 1}, other)
          .ok());
  clock_.set(from_epoch_ms(kHour + kLogHourMs + kLogDayMs));  // exactly one day after the end
  auto none = LogChunks::expire(*db_, clock_, *store_);
  ASSERT_TRUE(none.ok()) << none.error();
  EXPECT_EQ(none.value(), 0) << "an hour is kept for the whole retention period";
  clock_.advance(std::chrono::milliseconds(1));
  auto expired = LogChunks::expire(*db_, clock_, *store_);
  ASSERT_TRUE(expired.ok()) << expired.error();
  EXPECT_EQ(expired.value(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM log_chunks"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM log_chunks WHERE chunk = 'old'"), 0);
  EXPECT_FALSE(std::filesystem::exists(store_->root() / scid_ / "www" / "2026-01-01"))
      << "empty folders are removed";
  EXPECT_TRUE(std::filesystem::exists(store_->root() / scid_ / "www" / "2026-01-02" / "05"));
  EXPECT_EQ(files_on_disk(), 2u) << "globex keeps 30 days";
}

INSTANTIATE_TEST_SUITE_P(Stores, LogChunksTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
