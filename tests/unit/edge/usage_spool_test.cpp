// The usage spool numbers batches without ever repeating a number (across restarts, a lost
// counter file, rejected batches), lists them in number order and keeps rejected ones apart.
#include "edge/usage_spool.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/process.hpp"

namespace candela::edge {
namespace {

namespace fs = std::filesystem;

class UsageSpoolTest : public ::testing::Test {
 protected:
  fs::path folder() const { return fs::path(dir_.path()) / "usage"; }
  candela::testing::TempDir dir_;
};

long long spool_one(UsageSpool& spool, const std::string& body) {
  auto batch = spool.reserve();
  EXPECT_TRUE(batch.ok()) << batch.error();
  EXPECT_TRUE(spool.store(*batch, body).ok());
  return *batch;
}

TEST_F(UsageSpoolTest, NumbersBatchesFromOneAndContinuesAfterARestart) {
  {
    UsageSpool spool(folder());
    ASSERT_TRUE(spool.open().ok());
    EXPECT_EQ(spool_one(spool, "{\"batch\":1}"), 1);
    EXPECT_EQ(spool_one(spool, "{\"batch\":2}"), 2);
    ASSERT_TRUE(spool.remove(1).ok());
    ASSERT_TRUE(spool.remove(2).ok());
  }
  UsageSpool again(folder());
  ASSERT_TRUE(again.open().ok());
  EXPECT_TRUE(again.pending().empty());
  // Every batch was posted and deleted: the counter alone remembers where numbering stood.
  EXPECT_EQ(spool_one(again, "{}"), 3);
}

TEST_F(UsageSpoolTest, PendingBatchesComeInNumberOrderWithTheirBodies) {
  UsageSpool spool(folder());
  ASSERT_TRUE(spool.open().ok());
  for (int i = 1; i <= 12; ++i)
    spool_one(spool, "body " + std::to_string(i));
  ASSERT_TRUE(spool.remove(3).ok());
  const auto pending = spool.pending();
  ASSERT_EQ(pending.size(), 11u);
  EXPECT_EQ(pending.front(), 1);
  EXPECT_EQ(pending[2], 4);
  EXPECT_EQ(pending.back(), 12);  // 12 after 9, not between 1 and 2
  EXPECT_EQ(spool.read(10).value(), "body 10");
  EXPECT_FALSE(spool.read(3).ok());
  // Nothing half-written is left behind.
  for (const auto& entry : fs::directory_iterator(folder())) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST_F(UsageSpoolTest, NumbersStayAboveEveryBatchFileWhenTheCounterIsLost) {
  {
    UsageSpool spool(folder());
    ASSERT_TRUE(spool.open().ok());
    for (int i = 0; i < 5; ++i)
      spool_one(spool, "{}");
    ASSERT_TRUE(spool.reject(5).ok());
  }
  fs::remove(folder() / "next-batch");
  UsageSpool again(folder());
  ASSERT_TRUE(again.open().ok());
  EXPECT_EQ(again.next_batch(), 6);  // 5 is in rejected/ and still counts
}

TEST_F(UsageSpoolTest, ARejectedBatchLeavesThePendingListForTheRejectedFolder) {
  UsageSpool spool(folder());
  ASSERT_TRUE(spool.open().ok());
  spool_one(spool, "one");
  spool_one(spool, "two");
  ASSERT_TRUE(spool.reject(1).ok());
  EXPECT_EQ(spool.pending(), std::vector<long long>{2});
  std::ifstream in(spool.rejected_folder() / spool.batch_path(1).filename());
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "one");
  EXPECT_FALSE(spool.reject(7).ok());  // not spooled: a clear error, nothing moves
}

TEST_F(UsageSpoolTest, AnUnreadableCounterIsAnErrorNotAFreshStart) {
  fs::create_directories(folder());
  std::ofstream(folder() / "next-batch") << "many\n";
  UsageSpool spool(folder());
  auto opened = spool.open();
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().find("next-batch"), std::string::npos) << opened.error();
}

TEST_F(UsageSpoolTest, FilesThatAreNotBatchesAreIgnored) {
  fs::create_directories(folder());
  std::ofstream(folder() / "batch-x.json") << "{}";
  std::ofstream(folder() / "batch-00000000000000000009.json.tmp") << "{}";
  std::ofstream(folder() / "open-minutes.json") << "{}";
  UsageSpool spool(folder());
  ASSERT_TRUE(spool.open().ok());
  EXPECT_TRUE(spool.pending().empty());
  EXPECT_EQ(spool.next_batch(), 1);
}

}  // namespace
}  // namespace candela::edge
