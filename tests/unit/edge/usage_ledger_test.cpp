// The ledger keeps cumulative totals per (property, minute), sends a row again only when it
// changed, releases final minutes, refuses late counts for them, and carries open minutes
// across a restart through the open-minutes document.
#include "edge/usage_ledger.hpp"

#include <gtest/gtest.h>

#include "common/ids.hpp"

namespace candela::edge {
namespace {

using namespace std::chrono;
using nlohmann::json;

std::string property(const char* name, std::uint64_t seed = 1) {
  SeededRandom random(seed);
  return generate_scid(random) + "." + name;
}

const SysTime kMinute = sys_days(year(2026) / 11 / 25) + hours(1) + minutes(22);
const std::int64_t kM = minute_of(kMinute);

UsageDelta one(const std::string& id, std::int64_t minute, std::uint64_t requests,
               std::size_t second = 0) {
  UsageCounts c;
  c.requests = requests;
  c.bytes = requests * 100;
  c.body_bytes = requests * 80;
  c.outcomes[static_cast<std::size_t>(CacheOutcome::kHit)] = requests;
  c.status_classes[1] = requests;
  c.http = requests;
  c.per_second[second] = static_cast<std::uint32_t>(requests);
  return {{UsageKey{id, minute}, c}};
}

TEST(UsageLedgerTest, RowsAreCumulativeAndSentAgainOnlyWhenChanged) {
  UsageLedger ledger;
  const std::string www = property("www");
  const std::string img = property("img", 2);
  ledger.add(one(www, kM, 3));
  ledger.add(one(img, kM, 1));
  auto rows = ledger.changed_rows();
  ASSERT_EQ(rows.size(), 2u);
  ledger.commit(kM);  // kM is still open
  EXPECT_TRUE(ledger.changed_rows().empty());
  ledger.add(one(www, kM, 2, 5));
  rows = ledger.changed_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].key.property, www);
  EXPECT_EQ(rows[0].totals.requests, 5u);
  EXPECT_EQ(rows[0].totals.bytes, 500u);
  EXPECT_EQ(rows[0].totals.peak_rps(), 3u);
}

TEST(UsageLedgerTest, FinalMinutesAreReleasedAndLateCountsForThemDropped) {
  UsageLedger ledger;
  const std::string www = property("www");
  ledger.add(one(www, kM, 3));
  ledger.add(one(www, kM + 1, 1));
  EXPECT_EQ(ledger.changed_rows().size(), 2u);
  ledger.commit(kM + 1);  // kM is final
  EXPECT_EQ(ledger.size(), 1u);
  // A count for the released minute would replace the portal's total with a smaller one.
  ledger.add(one(www, kM, 4));
  EXPECT_TRUE(ledger.changed_rows().empty());
  EXPECT_EQ(ledger.late_dropped(), 4u);
  ledger.add(one(www, kM + 1, 1));
  auto rows = ledger.changed_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].totals.requests, 2u);
}

TEST(UsageLedgerTest, PropertiesWithoutAServiceComponentIdAreNotReported) {
  UsageLedger ledger;
  ledger.add(one("www", kM, 1));
  ledger.add(one("notascid1.www", kM, 1));
  ledger.add(one("SC00001.www", kM, 1));
  ledger.add(one(property("w w").c_str(), kM, 1));
  ledger.add(one(property("www") + std::string(200, 'x'), kM, 1));
  ledger.add(one(property("").c_str(), kM, 1));  // "<SCID>." has no name
  EXPECT_TRUE(ledger.changed_rows().empty());
  EXPECT_EQ(ledger.size(), 0u);
  EXPECT_TRUE(reportable_property(property("www")));
  EXPECT_TRUE(reportable_property("SC0000001.www-2.img_a"));
}

TEST(UsageLedgerTest, BatchBodyFollowsTheWireFormat) {
  const std::string www = property("www");
  UsageCounts c;
  c.requests = 10;
  c.bytes = 12345;
  c.body_bytes = 10000;
  c.fill_bytes = 5000;
  c.outcomes = {6, 3, 0, 0, 0, 1, 0};
  c.status_classes = {0, 9, 0, 0, 1};
  c.http = 10;
  c.per_second[7] = 4;
  c.per_second[8] = 6;
  const json body = usage_batch_json(42, kM + 1, {UsageRow{{www, kM}, c}});
  const json expected = {{"batch", 42},
                         {"complete_until", "2026-11-25T01:23:00Z"},
                         {"rows", {{{"property", www},    {"minute", "2026-11-25T01:22:00Z"},
                                    {"revision", 42},     {"requests", 10},
                                    {"bytes", 12345},     {"body_bytes", 10000},
                                    {"fill_bytes", 5000}, {"hits", 6},
                                    {"misses", 3},        {"stale", 0},
                                    {"revalidated", 0},   {"passes", 0},
                                    {"errors", 1},        {"status_1xx", 0},
                                    {"status_2xx", 9},    {"status_3xx", 0},
                                    {"status_4xx", 0},    {"status_5xx", 1},
                                    {"http", 10},         {"https", 0},
                                    {"peak_rps", 6}}}}};
  EXPECT_EQ(body, expected) << body.dump(1);
}

TEST(UsageLedgerTest, MinuteTextRoundTripsAndRefusesAnythingButWholeMinutes) {
  EXPECT_EQ(minute_text(kM), "2026-11-25T01:22:00Z");
  EXPECT_EQ(parse_minute_text("2026-11-25T01:22:00Z"), kM);
  EXPECT_EQ(minute_text(0), "1970-01-01T00:00:00Z");
  for (const char* bad : {"2026-11-25T01:22:30Z", "2026-11-25T01:22:00", "2026-02-30T01:22:00Z",
                          "2026-11-25T24:00:00Z", "2026-11-25 01:22:00Z", "x"}) {
    EXPECT_FALSE(parse_minute_text(bad).has_value()) << bad;
  }
}

TEST(UsageLedgerTest, OpenMinutesCarryTotalsAndSecondsIntoTheNextRun) {
  const std::string www = property("www");
  UsageLedger before;
  before.add(one(www, kM, 3, 10));
  UsageDelta fill;
  fill[{www, kM}].fill_bytes = 77;
  before.add(fill);
  before.commit(kM);
  const json document = json::parse(before.open_minutes().dump());

  UsageLedger after;
  auto loaded = after.load_open_minutes(document);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(*loaded, 1u);
  // Seeded rows are sent again, then grow with the new run's counts.
  after.add(one(www, kM, 2, 10));
  auto rows = after.changed_rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].totals.requests, 5u);
  EXPECT_EQ(rows[0].totals.fill_bytes, 77u);
  EXPECT_EQ(rows[0].totals.peak_rps(), 5u);  // 3 before and 2 after, in the same second
  EXPECT_EQ(rows[0].totals.outcome(CacheOutcome::kHit), 5u);
}

TEST(UsageLedgerTest, AMalformedOpenMinutesDocumentIsRefusedAndChangesNothing) {
  const std::string www = property("www");
  UsageLedger source;
  source.add(one(www, kM, 3));
  const json good = source.open_minutes();

  std::vector<std::pair<json, std::string>> cases;
  cases.push_back({json::array(), "rows"});
  json no_seconds = good;
  no_seconds["rows"].push_back(good["rows"][0]);
  no_seconds["rows"][1].erase("per_second");
  cases.push_back({no_seconds, "/rows/1/per_second"});
  json negative = good;
  negative["rows"][0]["bytes"] = -1;
  cases.push_back({negative, "/rows/0/bytes"});
  json bad_minute = good;
  bad_minute["rows"][0]["minute"] = "2026-11-25T01:22:30Z";
  cases.push_back({bad_minute, "/rows/0/minute"});
  json bad_property = good;
  bad_property["rows"][0]["property"] = "-";
  cases.push_back({bad_property, "/rows/0/property"});

  for (const auto& [document, located] : cases) {
    UsageLedger ledger;
    ledger.add(one(www, kM, 1));
    ledger.commit(kM);
    auto loaded = ledger.load_open_minutes(document);
    ASSERT_FALSE(loaded.ok()) << document.dump();
    EXPECT_NE(loaded.error().find(located), std::string::npos) << loaded.error();
    EXPECT_TRUE(ledger.changed_rows().empty());
    EXPECT_EQ(ledger.size(), 1u);
  }
}

}  // namespace
}  // namespace candela::edge
