// last-good.json round-trips, is replaced atomically, and a damaged file is reported.
#include "edge/last_good_state.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/process.hpp"

namespace candela::edge {
namespace {

LastGoodState sample() {
  LastGoodState state;
  state.sequence = 41;
  state.services["AB12CD34E"] =
      DeployedService{7, 3,
                      nlohmann::json::array({{{"id", "AB12CD34E.www"},
                                              {"aliases", {"www.test"}},
                                              {"origin", {{"host", "127.0.0.1"}}}}})};
  return state;
}

TEST(LastGoodState, AMissingFileMeansANewEdge) {
  candela::testing::TempDir dir;
  auto loaded = load_last_good(dir.path() + "/last-good.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_FALSE(loaded->has_value());
}

TEST(LastGoodState, SavesAndLoadsTheSequenceAndEachServicesProperties) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  ASSERT_TRUE(save_last_good(path, sample()).ok());
  auto loaded = load_last_good(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(loaded->has_value());
  const LastGoodState& state = **loaded;
  EXPECT_EQ(state.sequence, 41);
  ASSERT_EQ(state.services.size(), 1u);
  EXPECT_EQ(state.services.at("AB12CD34E").deployment_id, 7);
  EXPECT_EQ(state.services.at("AB12CD34E").version, 3);
  EXPECT_EQ(state.services.at("AB12CD34E").properties, sample().services["AB12CD34E"].properties);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp")) << "the temporary file is renamed away";
}

TEST(LastGoodState, ASaveReplacesTheWholeFile) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  ASSERT_TRUE(save_last_good(path, sample()).ok());
  LastGoodState next;
  next.sequence = 42;
  ASSERT_TRUE(save_last_good(path, next).ok());
  auto loaded = load_last_good(path);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->sequence, 42);
  EXPECT_TRUE((*loaded)->services.empty());
}

TEST(LastGoodState, ADamagedFileIsAnErrorNamingIt) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  std::ofstream(path) << "{\"sequence\": 4, \"services\": {\"X\": {}}}";
  auto loaded = load_last_good(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find(path), std::string::npos);
  EXPECT_NE(loaded.error().find("properties"), std::string::npos) << loaded.error();
  std::ofstream(path) << "{not json";
  EXPECT_FALSE(load_last_good(path).ok());
}

TEST(LastGoodState, SavingIntoAMissingFolderFailsCleanly) {
  candela::testing::TempDir dir;
  auto saved = save_last_good(dir.path() + "/missing/last-good.json", sample());
  ASSERT_FALSE(saved.ok());
  EXPECT_NE(saved.error().find("cannot create"), std::string::npos) << saved.error();
}

}  // namespace
}  // namespace candela::edge
