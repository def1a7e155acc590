// last-good.json round-trips (with the suspended services), is replaced atomically, and a
// damaged file is reported.
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

TEST(LastGoodState, KeepsTheSuspendedServices) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  LastGoodState state = sample();
  state.service_states.apply({"AB12CD34W", "suspended", ""});
  ASSERT_TRUE(save_last_good(path, state).ok());
  std::ifstream in(path);
  const auto written = nlohmann::json::parse(in);
  EXPECT_EQ(written["service_states"], (nlohmann::json{{"AB12CD34W", "suspended"}}))
      << "the contract's form: {\"SCID\": \"suspended\"}";
  auto loaded = load_last_good(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE((*loaded)->service_states.is_suspended("AB12CD34W"));
  EXPECT_EQ((*loaded)->service_states.suspended().size(), 1u);
}

TEST(LastGoodState, AFileFromBeforeServiceStatesSuspendsNothing) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  std::ofstream(path) << R"({"sequence": 9, "services": {}})";
  auto loaded = load_last_good(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->sequence, 9);
  EXPECT_TRUE((*loaded)->service_states.suspended().empty());
}

TEST(LastGoodState, DamagedServiceStatesAreAnErrorNamingThem) {
  candela::testing::TempDir dir;
  const std::string path = dir.path() + "/last-good.json";
  std::ofstream(path) << R"({"sequence": 9, "services": {}, "service_states": {"AB12CD34W": 3}})";
  auto loaded = load_last_good(path);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find(path), std::string::npos) << loaded.error();
  EXPECT_NE(loaded.error().find("/service_states/AB12CD34W"), std::string::npos) << loaded.error();
}

}  // namespace
}  // namespace candela::edge
