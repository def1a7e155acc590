// Request counters: exact per-target counts under concurrency, reset, and the JSON shape.
#include "origin/request_stats.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace candela::origin {
namespace {

TEST(RequestStats, CountsExactlyUnderConcurrentRecording) {
  RequestStats stats;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&stats, t] {
      for (int i = 0; i < 1000; ++i)
        stats.record(i % 2 == 0 ? "/a" : "/b?t=" + std::to_string(t));
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(stats.total(), 8000u);
  EXPECT_EQ(stats.count("/a"), 4000u);
  EXPECT_EQ(stats.count("/b?t=3"), 500u);
}

TEST(RequestStats, JsonHasTotalAndByPath) {
  RequestStats stats;
  stats.record("/a");
  stats.record("/a");
  stats.record("/x y");
  const auto j = nlohmann::json::parse(stats.to_json());
  EXPECT_EQ(j["requests"], 3);
  EXPECT_EQ(j["by_path"]["/a"], 2);
  EXPECT_EQ(j["by_path"]["/x y"], 1);
}

TEST(RequestStats, ResetZeroesEverything) {
  RequestStats stats;
  stats.record("/a");
  stats.reset();
  EXPECT_EQ(stats.total(), 0u);
  EXPECT_EQ(stats.count("/a"), 0u);
  EXPECT_EQ(stats.to_json(), R"({"requests":0,"by_path":{}})");
}

TEST(RequestStats, FiltersNarrowByPathToExactTargetsOrAPrefix) {
  RequestStats stats;
  stats.record("/a/1");
  stats.record("/a/2");
  stats.record("/b");
  StatsFilter exact;
  exact.paths = {"/b", "/never"};
  EXPECT_EQ(stats.to_json(exact), R"({"requests":3,"by_path":{"/b":1,"/never":0}})");
  StatsFilter prefix;
  prefix.prefix = "/a/";
  EXPECT_EQ(stats.to_json(prefix), R"({"requests":3,"by_path":{"/a/1":1,"/a/2":1}})");
  StatsFilter total_only;
  total_only.include_by_path = false;
  EXPECT_EQ(stats.to_json(total_only), R"({"requests":3})");
}

TEST(RequestStats, InvalidUtf8InTargetsStillYieldsValidJson) {
  RequestStats stats;
  stats.record("/\xff\xfe");
  EXPECT_TRUE(nlohmann::json::accept(stats.to_json()));
}

}  // namespace
}  // namespace candela::origin
