// Feed: events append with increasing sequences inside the caller's transaction, and a reader
// polling `after` never misses an event, however many appenders commit concurrently.
#include "control/feed.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "store_test.hpp"

namespace candela::control {
namespace {

using nlohmann::json;

class FeedTest : public StoreTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_store(/*migrate=*/true)); }

  Result<long long> append(const std::string& kind, const json& payload) {
    return db_->with_transaction(
        [&](soci::session& s) { return Feed(s, clock_).append(kind, payload); });
  }
  Result<std::vector<FeedEvent>> after(long long sequence, int limit) {
    return db_->with_session(
        [&](soci::session& s) { return Feed(s, clock_).after(sequence, limit); });
  }
  Result<long long> latest() {
    return db_->with_session([&](soci::session& s) { return Feed(s, clock_).latest(); });
  }
};

TEST_P(FeedTest, EmptyFeedHasLatestZeroAndNoEvents) {
  auto last = latest();
  ASSERT_TRUE(last.ok()) << last.error();
  EXPECT_EQ(last.value(), 0);
  auto events = after(0, 10);
  ASSERT_TRUE(events.ok()) << events.error();
  EXPECT_TRUE(events->empty());
}

TEST_P(FeedTest, AppendsInOrderWithKindPayloadAndClockTime) {
  auto first = append("deployment", json{{"scid", "AB12CD34E"}, {"version", 1}});
  ASSERT_TRUE(first.ok()) << first.error();
  clock_.advance(std::chrono::milliseconds(250));
  auto second = append("invalidation", json{{"invalidation_id", 3}});
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_GT(second.value(), first.value());

  auto events = after(0, 10);
  ASSERT_TRUE(events.ok()) << events.error();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events.value()[0].sequence, first.value());
  EXPECT_EQ(events.value()[0].kind, "deployment");
  EXPECT_EQ(events.value()[0].payload, (json{{"scid", "AB12CD34E"}, {"version", 1}}));
  EXPECT_EQ(to_epoch_ms(events.value()[0].created_at), to_epoch_ms(kStoreTestStart));
  EXPECT_EQ(events.value()[1].kind, "invalidation");
  EXPECT_EQ(to_epoch_ms(events.value()[1].created_at), to_epoch_ms(kStoreTestStart) + 250);

  auto later = after(first.value(), 10);
  ASSERT_TRUE(later.ok()) << later.error();
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ(later.value()[0].sequence, second.value());
  auto last = latest();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.value(), second.value());
}

TEST_P(FeedTest, AfterHonoursTheLimitOldestFirst) {
  std::vector<long long> sequences;
  for (int i = 0; i < 5; ++i) {
    auto s = append("deployment", json{{"n", i}});
    ASSERT_TRUE(s.ok()) << s.error();
    sequences.push_back(s.value());
  }
  auto page = after(0, 2);
  ASSERT_TRUE(page.ok()) << page.error();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(page.value()[0].sequence, sequences[0]);
  EXPECT_EQ(page.value()[1].sequence, sequences[1]);
  EXPECT_EQ(page.value()[1].payload["n"], 1);
}

TEST_P(FeedTest, RefusesBadKindsPayloadsAndLimits) {
  auto bad_kind = append("purge", json::object());
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.error().find("\"purge\""), std::string::npos) << bad_kind.error();
  EXPECT_FALSE(append("deployment", json::array()).ok());
  EXPECT_FALSE(after(0, 0).ok());
  EXPECT_FALSE(after(0, Feed::kMaxPageSize + 1).ok());
  auto events = after(0, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

// Migration 14 widened the stored kinds; the store itself still refuses any other.
TEST_P(FeedTest, ServiceStateEventsAreStoredAndUnknownKindsStillRefused) {
  const json payload{{"scid", "AB12CD34W"}, {"state", "suspended"}, {"reason", "non-payment"}};
  auto appended = append("service_state", payload);
  ASSERT_TRUE(appended.ok()) << appended.error();
  auto events = after(0, 10);
  ASSERT_TRUE(events.ok()) << events.error();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events.value()[0].kind, "service_state");
  EXPECT_EQ(events.value()[0].payload, payload);

  auto refused = append("service_status", payload);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("\"service_state\""), std::string::npos) << refused.error();
  // The database's own constraint refuses what the class would let through.
  auto raw = db_->with_transaction([&](soci::session& s) -> Result<bool> {
    try {
      s << "INSERT INTO feed_events (kind, payload, created_at) VALUES ('purge', '{}', 0)";
    } catch (const soci::soci_error& e) {
      return Error{e.what()};
    }
    return true;
  });
  EXPECT_FALSE(raw.ok()) << "the CHECK constraint must refuse an unknown kind";
  auto kept = after(0, 10);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), 1u);
}

TEST_P(FeedTest, AnEventRolledBackWithItsTransactionNeverAppears) {
  auto failed = db_->with_transaction([&](soci::session& s) -> Result<long long> {
    auto sequence = Feed(s, clock_).append("deployment", json{{"doomed", true}});
    if (!sequence.ok()) return sequence;
    return Error{"the change this event announced failed"};
  });
  ASSERT_FALSE(failed.ok());
  auto kept = append("deployment", json{{"kept", true}});
  ASSERT_TRUE(kept.ok()) << kept.error();
  auto events = after(0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events.value()[0].payload, (json{{"kept", true}}));
}

// Several writers append in transactions that stay open a moment after drawing their sequence;
// a reader polls `after(last seen)` throughout. Had a later sequence committed before an earlier
// one, the reader would have stepped past the earlier one and never seen it.
TEST_P(FeedTest, ConcurrentAppendersNeverLetAPollerMissAnEvent) {
  DatabaseOptions options;
  options.pool_size = 6;
  options.max_attempts = 20;
  auto opened = Database::open(url_, options);
  ASSERT_TRUE(opened.ok()) << opened.error();
  Database& db = *opened.value();

  constexpr int kWriters = 4;
  constexpr int kAppendsPerWriter = 15;
  std::atomic<int> failures{0};
  std::atomic<int> writers_done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kAppendsPerWriter; ++i) {
        auto appended = db.with_transaction([&](soci::session& s) -> Result<long long> {
          auto sequence = Feed(s, clock_).append("deployment", json{{"writer", w}, {"n", i}});
          // Hold the transaction open after drawing the sequence, as a real handler does while
          // it finishes its other writes.
          std::this_thread::sleep_for(std::chrono::milliseconds((w + i) % 3 + 1));
          return sequence;
        });
        if (!appended.ok()) ++failures;
      }
      ++writers_done;
    });
  }

  std::set<long long> seen;
  long long last = 0;
  bool went_backwards = false;
  auto poll = [&] {
    auto events = db.with_session(
        [&](soci::session& s) { return Feed(s, clock_).after(last, Feed::kMaxPageSize); });
    ASSERT_TRUE(events.ok()) << events.error();
    for (const FeedEvent& event : events.value()) {
      if (event.sequence <= last) went_backwards = true;
      seen.insert(event.sequence);
      last = event.sequence;
    }
  };
  while (writers_done.load() < kWriters) {
    ASSERT_NO_FATAL_FAILURE(poll());
  }
  for (auto& writer : writers)
    writer.join();
  ASSERT_NO_FATAL_FAILURE(poll());

  EXPECT_EQ(failures.load(), 0);
  EXPECT_FALSE(went_backwards);
  auto all = db.with_session(
      [&](soci::session& s) { return Feed(s, clock_).after(0, Feed::kMaxPageSize); });
  ASSERT_TRUE(all.ok()) << all.error();
  ASSERT_EQ(all->size(), static_cast<std::size_t>(kWriters * kAppendsPerWriter));
  std::set<long long> everything;
  for (const FeedEvent& event : all.value())
    everything.insert(event.sequence);
  EXPECT_EQ(seen, everything) << "the poller missed an event that committed after a later one";
}

INSTANTIATE_TEST_SUITE_P(Stores, FeedTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& test) { return test.param; });

}  // namespace
}  // namespace candela::control
