// Usage ingestion and reports on SQLite and PostgreSQL: revisions, rollups, peaks, p95, scopes,
// tenancy and bad input.
#include "control/usage_store.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <numeric>

#include "control/usage_reports.hpp"
#include "control/usage_time.hpp"
#include "service_fixture.hpp"

namespace candela::control {
namespace {

// 2025-12-31T00:00:00Z: a day before the store tests' clock.
constexpr long long kDay0 = 1767139200000;

class UsageStoreTest : public ServiceStoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceStoreTest::SetUp());
    scid_ = service(acme_, "CUST-ACME");
    video_scid_ = service(acme_video_, "CUST-ACME");
    globex_scid_ = service(globex_, "CUST-GLOBEX");
    for (const char* edge : {"edge-a", "edge-b", "edge-c"})
      add_edge(edge);
  }

  void add_edge(const std::string& id) {
    auto made = db_->with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash,"
           " registered_at) VALUES (:e, 'lon1', '127.0.0.1:1', 'edge', :h, 0)",
          soci::use(id), soci::use(id);
      return true;
    });
    ASSERT_TRUE(made.ok()) << made.error();
  }

  static UsageRow row(const std::string& property_id, long long minute, long long revision,
                      long long requests, long long bytes, long long peak = 1) {
    UsageRow r;
    r.property_id = property_id;
    r.minute = minute;
    r.revision = revision;
    r.counters[kRequests] = requests;
    r.counters[kBytes] = bytes;
    r.counters[kBodyBytes] = bytes / 2;
    r.counters[kHits] = requests;
    r.counters[kPeakRps] = peak;
    return r;
  }

  Result<UsageIngestOutcome> ingest(const std::string& edge, std::vector<UsageRow> rows,
                                    long long complete_until = kDay0, long long batch = 1) {
    return db_->with_transaction([&](soci::session& s) {
      return UsageStore(s, clock_).ingest(edge, UsageBatch{batch, complete_until, rows});
    });
  }

  Result<UsageReport> report(const Principal& who, UsageScope scope, long long from, long long to,
                             UsageGranularity granularity = UsageGranularity::kHour) {
    return db_->with_session([&](soci::session& s) {
      return UsageReports(s, clock_).report(who, UsageQuery{scope, from, to, granularity});
    });
  }

  UsageScope property(const std::string& name = "www") const {
    return {UsageScope::Kind::kProperty, scid_, name, 0};
  }
  UsageScope whole_service(const std::string& scid) const {
    return {UsageScope::Kind::kService, scid, "", 0};
  }
  UsageScope group(long long id) const { return {UsageScope::Kind::kGroup, "", "", id}; }

  std::string www() const { return scid_ + ".www"; }

  // A rollup value read straight from the table.
  long long rollup(const std::string& table, const std::string& column, long long bucket) {
    return count("SELECT COALESCE(SUM(" + column + "), 0) FROM " + table + " WHERE scid = '" +
                 scid_ + "' AND property = 'www' AND bucket = " + std::to_string(bucket));
  }

  std::string scid_, video_scid_, globex_scid_;
};

TEST_P(UsageStoreTest, RetriedBatchCountsOnce) {
  const std::vector<UsageRow> rows = {row(www(), kDay0, 1, 10, 1000),
                                      row(www(), kDay0 + kMinuteMs, 1, 5, 500)};
  auto first = ingest("edge-a", rows);
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first->accepted, 2);
  auto again = ingest("edge-a", rows);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again->accepted, 0);
  EXPECT_EQ(again->ignored, 2);
  auto day = report(acme_read_only_, property(), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(day.ok()) << day.error();
  EXPECT_EQ(day->totals[kRequests], 15);
  EXPECT_EQ(day->totals[kBytes], 1500);
  EXPECT_EQ(rollup("usage_day", "requests", kDay0), 15);
  EXPECT_EQ(count("SELECT COUNT(*) FROM usage_minute"), 2);
}

TEST_P(UsageStoreTest, NewerRevisionReplacesExactlyAndOlderIsIgnored) {
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0, 1, 10, 1000)}).ok());
  ASSERT_TRUE(ingest("edge-b", {row(www(), kDay0, 1, 7, 700)}).ok());
  auto newer = ingest("edge-a", {row(www(), kDay0, 2, 15, 1600)});
  ASSERT_TRUE(newer.ok()) << newer.error();
  EXPECT_EQ(newer->accepted, 1);
  auto older = ingest("edge-a", {row(www(), kDay0, 1, 999, 99999)});
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->ignored, 1);
  auto equal = ingest("edge-a", {row(www(), kDay0, 2, 999, 99999)});
  ASSERT_TRUE(equal.ok());
  EXPECT_EQ(equal->ignored, 1);
  EXPECT_EQ(rollup("usage_hour", "requests", kDay0), 22);
  EXPECT_EQ(rollup("usage_hour", "bytes", kDay0), 2300);
  EXPECT_EQ(rollup("usage_day", "body_bytes", kDay0), 800 + 350);
  EXPECT_EQ(count("SELECT bytes FROM usage_five_minute WHERE scid = '" + scid_ + "'"), 2300);
  auto minutes = report(acme_admin_, property(), kDay0, kDay0 + kHourMs, UsageGranularity::kMinute);
  ASSERT_TRUE(minutes.ok()) << minutes.error();
  EXPECT_EQ(minutes->series.size(), 60u);
  EXPECT_EQ(minutes->series[0].counters[kRequests], 22);
  EXPECT_EQ(minutes->totals[kRequests], 22);
}

TEST_P(UsageStoreTest, PeakIsTheCrossEdgeSumOfTheBusiestMinute) {
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0, 1, 10, 100, 4)}).ok());
  ASSERT_TRUE(ingest("edge-b", {row(www(), kDay0, 1, 10, 100, 3)}).ok());
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0 + kMinuteMs, 1, 10, 100, 5)}).ok());
  EXPECT_EQ(rollup("usage_hour", "peak_rps", kDay0), 7);
  EXPECT_EQ(rollup("usage_day", "peak_rps", kDay0), 7);
  // A correction lowers the busiest minute: the peak is recomputed, not kept.
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0, 2, 10, 100, 1)}).ok());
  EXPECT_EQ(rollup("usage_hour", "peak_rps", kDay0), 5);
  EXPECT_EQ(rollup("usage_day", "peak_rps", kDay0), 5);
  // Another property of the service: a service bucket adds the properties' peaks.
  ASSERT_TRUE(ingest("edge-c", {row(scid_ + ".img", kDay0 + 2 * kMinuteMs, 1, 1, 1, 6)}).ok());
  auto service_hours = report(acme_admin_, whole_service(scid_), kDay0, kDay0 + kHourMs);
  ASSERT_TRUE(service_hours.ok()) << service_hours.error();
  EXPECT_EQ(service_hours->totals[kPeakRps], 11);
  auto minute_view =
      report(acme_admin_, property(), kDay0, kDay0 + kHourMs, UsageGranularity::kMinute);
  ASSERT_TRUE(minute_view.ok());
  EXPECT_EQ(minute_view->series[0].counters[kPeakRps], 4);
  EXPECT_EQ(minute_view->series[1].counters[kPeakRps], 5);
  EXPECT_EQ(minute_view->totals[kPeakRps], 5);
}

TEST_P(UsageStoreTest, ServiceRollupsStayTheSumOfTheirPropertiesThroughCorrections) {
  // Three edges, two properties, several hours and days; revisions that raise and lower
  // counters and peaks, retries and stale revisions.
  const std::string img = scid_ + ".img";
  long long revision = 1;
  for (int round = 0; round < 4; ++round) {
    for (const char* edge : {"edge-a", "edge-b", "edge-c"}) {
      std::vector<UsageRow> rows;
      for (long long minute : {kDay0, kDay0 + 59 * kMinuteMs, kDay0 + kHourMs, kDay0 + kDayMs}) {
        const long long base = (round * 7 + minute / kMinuteMs % 5) % 9 + 1;
        rows.push_back(row(www(), minute, revision, base * 3, base * 100, (round % 2 ? 9 : 2)));
        rows.push_back(row(img, minute, revision, base, base * 10, base));
      }
      auto first = ingest(edge, rows);
      ASSERT_TRUE(first.ok()) << first.error();
      ASSERT_TRUE(ingest(edge, rows).ok());  // a retry changes nothing
      ++revision;
    }
  }
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0, 1, 1000, 1000, 1000)}).ok());  // stale
  for (const auto& [service_table, property_table] :
       {std::pair{"usage_service_hour", "usage_hour"},
        std::pair{"usage_service_day", "usage_day"}}) {
    for (const std::string column : {"requests", "bytes", "body_bytes", "peak_rps"}) {
      const std::string service_sum = "SELECT COALESCE(SUM(" + column + "), 0) FROM " +
                                      service_table + " WHERE scid = '" + scid_ + "'";
      const std::string property_sum = "SELECT COALESCE(SUM(" + column + "), 0) FROM " +
                                       property_table + " WHERE scid = '" + scid_ + "'";
      EXPECT_EQ(count(service_sum), count(property_sum)) << service_table << " " << column;
      EXPECT_GT(count(service_sum), 0) << service_table << " " << column;
    }
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM usage_service_hour WHERE scid = '" + scid_ + "'"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM usage_service_day WHERE scid = '" + scid_ + "'"), 2);
  // The service report (read from the service rollups) equals the sum of its property reports.
  for (auto granularity : {UsageGranularity::kHour, UsageGranularity::kDay}) {
    auto service =
        report(acme_admin_, whole_service(scid_), kDay0, kDay0 + 2 * kDayMs, granularity);
    auto www_report = report(acme_admin_, property("www"), kDay0, kDay0 + 2 * kDayMs, granularity);
    auto img_report = report(acme_admin_, property("img"), kDay0, kDay0 + 2 * kDayMs, granularity);
    ASSERT_TRUE(service.ok() && www_report.ok() && img_report.ok());
    ASSERT_EQ(service->series.size(), www_report->series.size());
    for (std::size_t i = 0; i < service->series.size(); ++i) {
      for (std::size_t f = 0; f < kUsageFieldCount; ++f) {
        EXPECT_EQ(service->series[i].counters[f],
                  www_report->series[i].counters[f] + img_report->series[i].counters[f])
            << "bucket " << i << " field " << kUsageFields[f];
      }
    }
  }
}

TEST(UsageP95Test, DiscardsTheTopFivePercentOfSamples) {
  // 30 days of 5-minute bins: 8640 samples, 432 discarded.
  std::vector<long long> bins(8640, 300);  // 8 bit/s each
  for (int i = 0; i < 432; ++i)
    bins[static_cast<std::size_t>(i * 20)] = 300'000'000;
  bins[5] = 3'000;  // the 433rd highest: 80 bit/s
  EXPECT_EQ(p95_bits_per_second(bins), 80);
  bins[7] = 300'000'000;  // one more spike than is discarded: it becomes p95
  EXPECT_EQ(p95_bits_per_second(bins), 8'000'000);
  EXPECT_EQ(p95_bits_per_second({}), 0);
  EXPECT_EQ(p95_bits_per_second({375}), 10);  // one sample: nothing discarded
  EXPECT_EQ(p95_bits_per_second(std::vector<long long>(19, 0)), 0);
}

TEST_P(UsageStoreTest, P95OfAKnownSampleSetThroughTheStore) {
  // Three days = 864 bins; bin i carries (i + 1) x 300 bytes = (i + 1) x 8 bit/s. floor(5% of
  // 864) = 43 are discarded, so p95 = bin 820's sample = 821 x 8.
  std::vector<UsageRow> rows;
  for (long long i = 0; i < 864; ++i) {
    rows.push_back(row(www(), kDay0 - 2 * kDayMs + i * kFiveMinutesMs, 1, 1, (i + 1) * 300));
  }
  auto stored = ingest("edge-a", rows);
  ASSERT_TRUE(stored.ok()) << stored.error();
  const long long from = kDay0 - 2 * kDayMs;
  const long long to = kDay0 + kDayMs;
  auto by_property = report(acme_admin_, property(), from, to);
  ASSERT_TRUE(by_property.ok()) << by_property.error();
  EXPECT_EQ(by_property->p95_bps, 821 * 8);
  auto by_service = report(acme_admin_, whole_service(scid_), from, to, UsageGranularity::kDay);
  ASSERT_TRUE(by_service.ok()) << by_service.error();
  EXPECT_EQ(by_service->p95_bps, 821 * 8);
  EXPECT_EQ(by_service->series.size(), 3u);
  auto summary = db_->with_session(
      [&](soci::session& s) { return UsageReports(s, clock_).service_summary(scid_, from, to); });
  ASSERT_TRUE(summary.ok()) << summary.error();
  EXPECT_EQ(summary->p95_bps, 821 * 8);
  EXPECT_EQ(summary->totals[kBytes], 300 * 864 * 865 / 2);
  EXPECT_EQ(summary->totals[kRequests], 864);
}

TEST_P(UsageStoreTest, HitRatioCountsHitsStaleAndRevalidated) {
  UsageRow r = row(www(), kDay0, 1, 10, 100);
  r.counters[kHits] = 6;
  r.counters[kStale] = 1;
  r.counters[kRevalidated] = 1;
  r.counters[kMisses] = 2;
  ASSERT_TRUE(ingest("edge-a", {r}).ok());
  auto hours = report(acme_admin_, property(), kDay0, kDay0 + 2 * kHourMs);
  ASSERT_TRUE(hours.ok());
  EXPECT_DOUBLE_EQ(usage_hit_ratio(hours->totals), 0.8);
  EXPECT_DOUBLE_EQ(usage_hit_ratio(hours->series[0].counters), 0.8);
  EXPECT_LT(usage_hit_ratio(hours->series[1].counters), 0);  // no requests: no ratio
}

TEST_P(UsageStoreTest, GroupScopeIncludesChildGroupsAndNothingElse) {
  ASSERT_TRUE(
      ingest("edge-a", {row(www(), kDay0, 1, 10, 100), row(video_scid_ + ".www", kDay0, 1, 20, 200),
                        row(globex_scid_ + ".www", kDay0, 1, 40, 400)})
          .ok());
  auto acme = report(acme_read_only_, group(acme_), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(acme.ok()) << acme.error();
  EXPECT_EQ(acme->totals[kRequests], 30);
  auto video = report(video_technical_, group(acme_video_), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(video.ok()) << video.error();
  EXPECT_EQ(video->totals[kRequests], 20);
  auto staff = report(staff_, group(globex_), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(staff.ok());
  EXPECT_EQ(staff->totals[kRequests], 40);
  // A child group's user cannot widen the scope to the parent.
  EXPECT_EQ(report(video_technical_, group(acme_), kDay0, kDay0 + kDayMs).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(report(video_technical_, whole_service(scid_), kDay0, kDay0 + kDayMs).error_kind(),
            ErrorKind::kNotFound);
}

TEST_P(UsageStoreTest, AnotherCustomerIsRefusedEverywhere) {
  ASSERT_TRUE(ingest("edge-a", {row(www(), kDay0, 1, 10, 100)}).ok());
  for (const UsageScope& scope : {property(), whole_service(scid_), group(acme_)}) {
    auto refused = report(globex_admin_, scope, kDay0, kDay0 + kDayMs);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error_kind(), ErrorKind::kNotFound);
  }
  auto live = db_->with_session(
      [&](soci::session& s) { return UsageReports(s, clock_).live(globex_admin_, scid_, 15); });
  EXPECT_EQ(live.error_kind(), ErrorKind::kNotFound);
}

TEST_P(UsageStoreTest, MalformedBatchIsRefusedWholeAndStoresNothing) {
  UsageRow negative = row(www(), kDay0, 1, -1, 100);
  negative.counters[kHits] = 0;
  UsageRow off_minute = row(www(), kDay0 + 30'000, 1, 1, 100);
  UsageRow bad_id = row("www", kDay0, 1, 1, 100);
  UsageRow far_future = row(www(), kDay0 + 30 * kDayMs, 1, 1, 100);
  auto refused =
      ingest("edge-a", {row(www(), kDay0, 1, 1, 1), negative, off_minute, bad_id, far_future});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_kind(), ErrorKind::kInvalid);
  std::set<std::string> pointers;
  for (const auto& [pointer, message] : refused.failure().fields)
    pointers.insert(pointer);
  EXPECT_EQ(pointers, (std::set<std::string>{"/rows/1/requests", "/rows/2/minute",
                                             "/rows/3/property", "/rows/4/minute"}));
  for (const char* table :
       {"usage_minute", "usage_hour", "usage_day", "usage_five_minute", "usage_edge_progress"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
}

TEST_P(UsageStoreTest, UnknownScidsAreSkippedAndCounted) {
  auto outcome =
      ingest("edge-a", {row("SC9999999.www", kDay0, 1, 1, 1), row(www(), kDay0, 1, 2, 2)});
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(outcome->unknown, 1);
  EXPECT_EQ(outcome->accepted, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM usage_minute WHERE scid = 'SC9999999'"), 0);
}

TEST_P(UsageStoreTest, BadQueriesAreLocated) {
  auto pointers_of = [&](UsageScope scope, long long from, long long to, UsageGranularity g) {
    auto result = report(acme_admin_, scope, from, to, g);
    std::set<std::string> out;
    if (!result.ok()) {
      for (const auto& [pointer, message] : result.failure().fields)
        out.insert(pointer);
    }
    return out;
  };
  using Set = std::set<std::string>;
  EXPECT_EQ(pointers_of(property(), kDay0, kDay0, UsageGranularity::kHour), Set{"/query/to"});
  EXPECT_EQ(pointers_of(property(), kDay0 + kDayMs, kDay0, UsageGranularity::kDay),
            Set{"/query/to"});
  EXPECT_EQ(pointers_of(property(), kDay0, kDay0 + 3 * kDayMs, UsageGranularity::kMinute),
            Set{"/query/to"});
  EXPECT_EQ(pointers_of(property(), kDay0, kDay0 + 94 * kDayMs, UsageGranularity::kHour),
            Set{"/query/to"});
  EXPECT_EQ(pointers_of(property(), kDay0 - 401 * kDayMs, kDay0, UsageGranularity::kDay),
            Set{"/query/to"});
  EXPECT_EQ(pointers_of(property(), kDay0 + kMinuteMs, kDay0 + kDayMs, UsageGranularity::kHour),
            Set{"/query/from"});
  EXPECT_EQ(pointers_of(property("bad name"), kDay0, kDay0 + kDayMs, UsageGranularity::kDay),
            Set{"/query/property"});
  EXPECT_EQ(report(acme_admin_, whole_service("SC9999999"), kDay0, kDay0 + kDayMs).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(report(staff_, group(987654), kDay0, kDay0 + kDayMs).error_kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(parse_usage_granularity("week"), std::nullopt);
}

TEST_P(UsageStoreTest, CompleteUntilIsTheSlowestActiveEdge) {
  auto empty = report(acme_admin_, property(), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->complete_until.has_value());
  ASSERT_TRUE(ingest("edge-a", {}, kDay0 + 10 * kMinuteMs).ok());
  ASSERT_TRUE(ingest("edge-b", {}, kDay0 + 4 * kMinuteMs).ok());
  ASSERT_TRUE(ingest("edge-b", {}, kDay0 + 2 * kMinuteMs).ok());  // never moves back
  auto both = report(acme_admin_, property(), kDay0, kDay0 + kDayMs);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->complete_until, kDay0 + 4 * kMinuteMs);
  ASSERT_TRUE(db_->with_session([&](soci::session& s) -> Result<bool> {
                   s << "UPDATE edges SET active = 0 WHERE edge_id = 'edge-b'";
                   return true;
                 })
                  .ok());
  auto without_b = report(acme_admin_, property(), kDay0, kDay0 + kDayMs);
  EXPECT_EQ(without_b->complete_until, kDay0 + 10 * kMinuteMs);
}

TEST_P(UsageStoreTest, RetentionDeletesMinutesButKeepsRollups) {
  ASSERT_TRUE(
      ingest("edge-a", {row(www(), kDay0 - kDayMs, 1, 3, 30), row(www(), kDay0, 1, 4, 40)}).ok());
  auto deleted = db_->with_transaction(
      [&](soci::session& s) { return UsageStore(s, clock_).delete_minutes_before(kDay0); });
  ASSERT_TRUE(deleted.ok()) << deleted.error();
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM usage_minute"), 1);
  auto days =
      report(acme_admin_, property(), kDay0 - kDayMs, kDay0 + kDayMs, UsageGranularity::kDay);
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->totals[kRequests], 7);
}

TEST_P(UsageStoreTest, ExpiryKeepsTheConfiguredNumberOfDays) {
  // The clock is 2026-01-01T00:00Z = kDay0 + 1 day; keeping 3 days keeps minutes from
  // 2025-12-29T00:00Z on.
  const long long keep_from = kDay0 - 2 * kDayMs;
  ASSERT_TRUE(ingest("edge-a", {row(www(), keep_from - kMinuteMs, 1, 1, 1),
                                row(www(), keep_from, 1, 1, 1), row(www(), kDay0, 1, 1, 1)})
                  .ok());
  auto expired = db_->with_transaction(
      [&](soci::session& s) { return UsageStore(s, clock_).expire_minutes(3); });
  ASSERT_TRUE(expired.ok()) << expired.error();
  EXPECT_EQ(*expired, 1);
  EXPECT_EQ(count("SELECT MIN(minute) FROM usage_minute"), keep_from);
  EXPECT_EQ(count("SELECT SUM(requests) FROM usage_hour"), 3);
}

TEST_P(UsageStoreTest, LiveViewShowsTheLastMinutesPerProperty) {
  const long long now = bucket_start(to_epoch_ms(clock_.now()), kMinuteMs);
  ASSERT_TRUE(
      ingest("edge-a", {row(www(), now, 1, 60, 600), row(www(), now - 2 * kMinuteMs, 1, 6, 6),
                        row(scid_ + ".img", now - 20 * kMinuteMs, 1, 9, 9)})
          .ok());
  auto live = db_->with_session(
      [&](soci::session& s) { return UsageReports(s, clock_).live(acme_read_only_, scid_, 5); });
  ASSERT_TRUE(live.ok()) << live.error();
  ASSERT_EQ(live->properties.size(), 1u);  // img is older than the window
  const auto& series = live->properties[0].series;
  ASSERT_EQ(series.size(), 5u);
  EXPECT_EQ(series[4].minute, now);
  EXPECT_EQ(series[4].requests, 60);
  EXPECT_EQ(series[2].requests, 6);
  EXPECT_EQ(series[3].requests, 0);
  auto bad = db_->with_session(
      [&](soci::session& s) { return UsageReports(s, clock_).live(acme_read_only_, scid_, 61); });
  EXPECT_EQ(bad.error_kind(), ErrorKind::kInvalid);
}

TEST(UsageTimeTest, ParsesStrictUtc) {
  EXPECT_EQ(parse_utc_ms("2025-12-31T00:00:00Z", false), kDay0);
  EXPECT_EQ(parse_utc_ms("2025-12-31", true), kDay0);
  EXPECT_EQ(parse_utc_ms("2025-12-31", false), std::nullopt);
  EXPECT_EQ(parse_utc_ms("2025-12-31T00:01:00.000+00:00", false), kDay0 + kMinuteMs);
  EXPECT_EQ(parse_utc_ms("2025-02-30", true), std::nullopt);
  EXPECT_EQ(parse_utc_ms("2025-12-31T00:00:00+01:00", false), std::nullopt);
  EXPECT_EQ(parse_utc_ms("2025-12-31T24:00:00Z", false), std::nullopt);
  EXPECT_EQ(format_utc_ms(kDay0 + kHourMs + 61'000), "2025-12-31T01:01:01Z");
}

INSTANTIATE_TEST_SUITE_P(Stores, UsageStoreTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace candela::control
