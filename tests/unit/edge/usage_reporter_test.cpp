// The usage reporter spools batches, posts them in order with the node token, keeps them while
// the portal is away or failing, sets refused ones aside, and carries open minutes and the batch
// number across a graceful restart. A scripted HTTP server stands in for the portal.
#include "edge/usage_reporter.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "common/ids.hpp"
#include "support/process.hpp"
#include "support/scripted_portal.hpp"

namespace candela::edge {
namespace {

using namespace std::chrono;
using nlohmann::json;

using candela::testing::ScriptedPortal;
using Received = candela::testing::ScriptedRequest;

std::string property(const char* name, std::uint64_t seed = 1) {
  SeededRandom random(seed);
  return generate_scid(random) + "." + name;
}

// 2026-11-25T01:22:00Z
const SysTime kMinute = sys_days(year(2026) / 11 / 25) + hours(1) + minutes(22);

class UsageReporterTest : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(dir_.path() + "/token") << " node-token\n"; }

  UsageReporterOptions options(const std::string& portal_url) const {
    UsageReporterOptions o;
    o.portal_url = portal_url;
    o.edge_id = "edge-a";
    o.node_token_file = dir_.path() + "/token";
    o.state_dir = dir_.path() + "/state";
    o.interval = milliseconds(100);
    o.request_timeout = milliseconds(2000);
    o.max_backoff = milliseconds(200);
    o.final_post_timeout = milliseconds(500);
    return o;
  }
  std::string spool() const { return dir_.path() + "/state/usage"; }

  void count(UsageMeter& meter, int n, SysTime when, int status = 200,
             CacheOutcome outcome = CacheOutcome::kMiss) {
    for (int i = 0; i < n; ++i)
      meter.record({www_, when, status, outcome, 500, 300, false});
  }

  candela::testing::TempDir dir_;
  ManualClock clock_{kMinute + seconds(10)};
  const std::string www_ = property("www");
  // Nothing listens here: the portal is away.
  const std::string away_ = "http://127.0.0.1:" + std::to_string(candela::testing::free_port());
};

TEST_F(UsageReporterTest, PostsBatchesInOrderWithTheNodeTokenAndDeletesThemOnceAccepted) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());

  count(meter, 3, kMinute + seconds(5));
  meter.record_fill(www_, kMinute + seconds(6), 900);
  EXPECT_EQ(reporter.snapshot().value(), 1);
  clock_.set(kMinute + minutes(1) + seconds(3));  // 01:22 is final now
  count(meter, 2, kMinute + minutes(1) + seconds(1), 503, CacheOutcome::kError);
  EXPECT_EQ(reporter.snapshot().value(), 2);
  EXPECT_EQ(reporter.spool().pending(), (std::vector<long long>{1, 2}));

  ASSERT_TRUE(reporter.post_pending());
  EXPECT_TRUE(reporter.spool().pending().empty());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/api/v1/edges/edge-a/usage");
  EXPECT_EQ(got[0].authorization, "Bearer node-token");
  EXPECT_EQ(got[0].body["batch"], 1);
  EXPECT_EQ(got[0].body["complete_until"], "2026-11-25T01:22:00Z");
  ASSERT_EQ(got[0].body["rows"].size(), 1u);
  const json& first = got[0].body["rows"][0];
  EXPECT_EQ(first["property"], www_);
  EXPECT_EQ(first["minute"], "2026-11-25T01:22:00Z");
  EXPECT_EQ(first["revision"], 1);
  EXPECT_EQ(first["requests"], 3);
  EXPECT_EQ(first["misses"], 3);
  EXPECT_EQ(first["fill_bytes"], 900);
  EXPECT_EQ(first["bytes"], 1500);
  EXPECT_EQ(first["peak_rps"], 3);
  // The second batch completes 01:22 (unchanged, so not sent again) and reports 01:23 so far.
  EXPECT_EQ(got[1].body["batch"], 2);
  EXPECT_EQ(got[1].body["complete_until"], "2026-11-25T01:23:00Z");
  ASSERT_EQ(got[1].body["rows"].size(), 1u);
  EXPECT_EQ(got[1].body["rows"][0]["minute"], "2026-11-25T01:23:00Z");
  EXPECT_EQ(got[1].body["rows"][0]["errors"], 2);
  EXPECT_EQ(got[1].body["rows"][0]["status_5xx"], 2);
  EXPECT_EQ(got[1].body["rows"][0]["revision"], 2);
}

TEST_F(UsageReporterTest, AMinuteIsFinalOnlyTwoSecondsAfterItEnds) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  count(meter, 1, kMinute + seconds(59));
  clock_.set(kMinute + minutes(1) + seconds(1));  // 1 s after 01:22 ended: not final yet
  ASSERT_EQ(reporter.snapshot().value(), 1);
  count(meter, 1, kMinute + seconds(59) + milliseconds(900));  // a straggler of 01:22
  clock_.set(kMinute + minutes(1) + seconds(2));
  ASSERT_EQ(reporter.snapshot().value(), 2);
  ASSERT_TRUE(reporter.post_pending());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body["complete_until"], "2026-11-25T01:22:00Z");
  EXPECT_EQ(got[1].body["complete_until"], "2026-11-25T01:23:00Z");
  EXPECT_EQ(got[1].body["rows"][0]["requests"], 2);  // the final value, straggler included
  EXPECT_EQ(reporter.ledger().size(), 0u);           // final and spooled: released
}

TEST_F(UsageReporterTest, BatchesWithoutRowsAdvanceCompleteUntilOncePerMinute) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  EXPECT_EQ(reporter.snapshot().value(), 1);  // announces 01:22:00 at once
  clock_.advance(seconds(20));
  EXPECT_EQ(reporter.snapshot().value(), 0);  // nothing new to say
  clock_.advance(seconds(40));                // 01:23:10
  EXPECT_EQ(reporter.snapshot().value(), 2);
  ASSERT_TRUE(reporter.post_pending());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body["rows"], json::array());
  EXPECT_EQ(got[1].body["complete_until"], "2026-11-25T01:23:00Z");
  EXPECT_EQ(got[1].body["rows"], json::array());
}

TEST_F(UsageReporterTest, ManyRowsAreSplitAndOnlyTheLastPartMovesCompleteUntil) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  ASSERT_EQ(reporter.snapshot().value(), 1);  // complete_until 01:22
  const std::string scid = www_.substr(0, www_.find('.'));
  std::vector<std::string> names;
  for (int i = 0; i < 1001; ++i)
    names.push_back(scid + ".p" + std::to_string(i));
  for (const auto& name : names)
    meter.record({name, kMinute + seconds(61), 200, CacheOutcome::kHit, 1, 1, false});
  clock_.set(kMinute + minutes(1) + seconds(5));  // 01:22 final: complete_until moves to 01:23
  ASSERT_EQ(reporter.snapshot().value(), 3);
  ASSERT_TRUE(reporter.post_pending());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].body["rows"].size(), 1000u);
  EXPECT_EQ(got[1].body["complete_until"], "2026-11-25T01:22:00Z");
  EXPECT_EQ(got[2].body["rows"].size(), 1u);
  EXPECT_EQ(got[2].body["complete_until"], "2026-11-25T01:23:00Z");
  EXPECT_EQ(got[2].body["rows"][0]["revision"], 3);
}

TEST_F(UsageReporterTest, KeepsBatchesWhileThePortalFailsAndSendsThemInOrderLater) {
  std::atomic<int> failing{3};
  std::atomic<int> status{503};
  ScriptedPortal portal([&](const Received&) {
    if (failing > 0) {
      --failing;
      return status.load();
    }
    return 200;
  });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  count(meter, 1, kMinute + seconds(1));
  reporter.snapshot().value();
  count(meter, 1, kMinute + seconds(2));
  reporter.snapshot().value();
  EXPECT_FALSE(reporter.post_pending());  // 503
  status = 401;                           // e.g. a token being rotated
  EXPECT_FALSE(reporter.post_pending());
  EXPECT_FALSE(reporter.post_pending());
  EXPECT_EQ(reporter.spool().pending(), (std::vector<long long>{1, 2}));
  ASSERT_TRUE(reporter.post_pending());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(got[i].body["batch"], 1) << i;  // never skipped ahead
  EXPECT_EQ(got[4].body["batch"], 2);
  EXPECT_EQ(got[4].body["rows"][0]["requests"], 2);
}

TEST_F(UsageReporterTest, KeepsBatchesWhileThePortalIsUnreachable) {
  UsageMeter meter;
  UsageReporter reporter(options(away_), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  count(meter, 4, kMinute + seconds(1));
  ASSERT_EQ(reporter.snapshot().value(), 1);
  EXPECT_FALSE(reporter.post_pending());
  EXPECT_EQ(reporter.spool().pending(), std::vector<long long>{1});
  const json body = json::parse(std::ifstream(reporter.spool().batch_path(1)));
  EXPECT_EQ(body["rows"][0]["requests"], 4);
}

TEST_F(UsageReporterTest, ABatchThePortalRefusesIsSetAsideAndTheNextOnesFlow) {
  ScriptedPortal portal([](const Received& r) { return r.body["batch"] == 1 ? 400 : 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  count(meter, 1, kMinute + seconds(1));
  reporter.snapshot().value();
  count(meter, 1, kMinute + seconds(2));
  reporter.snapshot().value();
  ASSERT_TRUE(reporter.post_pending());
  EXPECT_TRUE(reporter.spool().pending().empty());
  EXPECT_TRUE(std::filesystem::exists(spool() + "/rejected/batch-00000000000000000001.json"));
  EXPECT_EQ(portal.received().size(), 2u);
}

TEST_F(UsageReporterTest, AGracefulRestartKeepsOpenMinuteTotalsAndTheBatchNumber) {
  {
    UsageMeter meter;
    UsageReporter before(options(away_), meter, clock_);
    ASSERT_TRUE(before.restore().ok());
    count(meter, 3, kMinute + seconds(5));
    before.snapshot().value();  // batch 1
    count(meter, 4, kMinute + seconds(6));
    before.stop();  // batch 2 holds 7; the portal is away, so both stay spooled
  }
  const json open = json::parse(std::ifstream(spool() + "/open-minutes.json"));
  ASSERT_EQ(open["rows"].size(), 1u);
  EXPECT_EQ(open["rows"][0]["requests"], 7);

  ScriptedPortal portal([](const Received&) { return 200; });
  clock_.advance(seconds(20));
  UsageMeter meter;
  UsageReporter after(options(portal.url()), meter, clock_);
  ASSERT_TRUE(after.restore().ok());
  EXPECT_EQ(after.ledger().size(), 1u);
  count(meter, 2, kMinute + seconds(31));
  EXPECT_EQ(after.snapshot().value(), 3);
  ASSERT_TRUE(after.post_pending());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body["rows"][0]["requests"], 3);
  EXPECT_EQ(got[1].body["rows"][0]["requests"], 7);
  // The portal replaces the row with the higher revision: 7 before the restart + 2 after.
  EXPECT_EQ(got[2].body["rows"][0]["requests"], 9);
  EXPECT_EQ(got[2].body["rows"][0]["revision"], 3);
  EXPECT_EQ(got[2].body["rows"][0]["peak_rps"], 4);
}

TEST_F(UsageReporterTest, GracefulStopPostsTheFinalBatchWhenThePortalIsThere) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  UsageReporter reporter(options(portal.url()), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  count(meter, 5, kMinute + seconds(5));
  reporter.stop();
  EXPECT_TRUE(reporter.spool().pending().empty());
  const auto got = portal.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body["rows"][0]["requests"], 5);
}

TEST_F(UsageReporterTest, AnUnusableOpenMinutesFileIsSetAsideAndTheEdgeReportsOn) {
  std::filesystem::create_directories(spool());
  std::ofstream(spool() + "/open-minutes.json") << "{\"rows\": [1]}";
  UsageMeter meter;
  UsageReporter reporter(options(away_), meter, clock_);
  ASSERT_TRUE(reporter.restore().ok());
  EXPECT_EQ(reporter.ledger().size(), 0u);
  EXPECT_TRUE(std::filesystem::exists(spool() + "/open-minutes.json.bad"));
}

TEST_F(UsageReporterTest, RefusesABadPortalAddressOrInterval) {
  UsageMeter meter;
  auto o = options("https://portal.example");
  EXPECT_FALSE(UsageReporter(o, meter, clock_).restore().ok());
  o = options(away_);
  o.interval = milliseconds(10);
  auto refused = UsageReporter(o, meter, clock_).restore();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("--usage-interval-ms"), std::string::npos);
}

TEST_F(UsageReporterTest, TheThreadSpoolsAndPostsEveryIntervalUntilStopped) {
  ScriptedPortal portal([](const Received&) { return 200; });
  UsageMeter meter;
  const SystemClock& wall = SystemClock::instance();
  UsageReporter reporter(options(portal.url()), meter, wall);
  ASSERT_TRUE(reporter.restore().ok());
  reporter.start();
  const SysTime now = wall.now();
  for (int i = 0; i < 6; ++i)
    meter.record({www_, now, 200, CacheOutcome::kHit, 10, 5, false});
  const auto deadline = steady_clock::now() + seconds(10);
  std::uint64_t seen = 0;
  while (steady_clock::now() < deadline && seen < 6) {
    seen = 0;
    for (const auto& r : portal.received()) {
      for (const auto& row : r.body["rows"])
        seen = std::max(seen, row["requests"].get<std::uint64_t>());
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  reporter.stop();
  EXPECT_GE(seen, 6u);
  EXPECT_TRUE(reporter.spool().pending().empty());
  // Batches went out in increasing order.
  long long last = 0;
  for (const auto& r : portal.received()) {
    EXPECT_GT(r.body["batch"].get<long long>(), last);
    last = r.body["batch"].get<long long>();
  }
}

}  // namespace
}  // namespace candela::edge
