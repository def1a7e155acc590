// `candela ctl network topology|health` as an operator runs them: the real binary against a
// portal on loopback where a monitor has reported; a customer is refused (exit 1, 403).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "support/candela_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

struct CtlRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class TopologyCtlTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    const long long acme = create_group(std::nullopt, "Acme");
    create_user("nora@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme}});
    ApiClient root = signed_in("root@provider.test", kPassword);
    const std::string token = api_create_edge(root, "edge-a");
    api_create_edge(root, "edge-b");
    auto registered = client().put(
        "/api/v1/edges/edge-a/registration",
        {{"address", "127.0.0.1:8081"},
         {"admin_address", "127.0.0.1:9181"},
         {"capacity", {{"requests_per_second", 20000}, {"bytes_per_second", 125000000}}}},
        {"Authorization: Bearer " + token});
    ASSERT_EQ(registered.status, 200) << registered.body;
    auto monitor = root.post("/api/v1/noc/monitors", {{"monitor_id", "monitor-1"}});
    ASSERT_EQ(monitor.status, 201) << monitor.body;
    const std::time_t now = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(clock().now()));
    std::tm tm{};
    gmtime_r(&now, &tm);
    char at[32];
    std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    auto stored = client().put("/api/v1/network/health",
                               {{"observed_at", at},
                                {"edges",
                                 {{{"edge_id", "edge-a"},
                                   {"state", "up"},
                                   {"since", at},
                                   {"requests_per_second", 12.5},
                                   {"bytes_per_second", 10240},
                                   {"error_rate", 0.02},
                                   {"overloaded", false},
                                   {"detail", "healthz 200 in 3 ms"}}}}},
                               {"Authorization: Bearer " + monitor.json.value("token", "")});
    ASSERT_EQ(stored.status, 200) << stored.body;
    std::ofstream(path("password")) << kPassword;
  }

  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  CtlRun ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "CANDELA_CTL_CONFIG=" + path("ctl.json"),
                                     "CANDELA_PASSWORD=",
                                     candela_binary(),
                                     "ctl",
                                     "--portal",
                                     "http://127.0.0.1:" + std::to_string(port())};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = path("ctl-" + std::to_string(++runs_) + ".log");
    ChildProcess process(argv, log);
    const int status = process.wait_for_exit(std::chrono::seconds(60));
    CtlRun run;
    run.exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    run.output = text.str();
    return run;
  }

  void login(const std::string& email) {
    ASSERT_EQ(ctl({"login", "--email", email, "--password-file", path("password")}).exit_code, 0);
  }

  TempDir dir_;
  int runs_ = 0;
};

TEST_P(TopologyCtlTest, StaffSeeTheTopologyAndTheMonitorsHealthAsTables) {
  ASSERT_NO_FATAL_FAILURE(login("nora@provider.test"));
  auto topology = ctl({"network", "topology"});
  ASSERT_EQ(topology.exit_code, 0) << topology.output;
  for (const char* text : {"network production", "EDGE ID", "ADMIN ADDRESS", "edge-a",
                           "127.0.0.1:9181", "20000", "125000000", "edge-b", "up"}) {
    EXPECT_NE(topology.output.find(text), std::string::npos) << text << "\n" << topology.output;
  }
  auto health = ctl({"network", "health"});
  ASSERT_EQ(health.exit_code, 0) << health.output;
  for (const char* text : {"HEALTH STATE", "monitor-1", "12.5", "0.02", "healthz 200 in 3 ms"}) {
    EXPECT_NE(health.output.find(text), std::string::npos) << text << "\n" << health.output;
  }
  auto json = ctl({"--json", "network", "topology", "--network", "staging"});
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto document = nlohmann::json::parse(json.output);
  EXPECT_EQ(document["network"], "staging");
  EXPECT_TRUE(document["edges"].empty());
  auto bad = ctl({"network", "topology", "--network", "moon"});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("400"), std::string::npos) << bad.output;
}

TEST_P(TopologyCtlTest, ACustomerIsRefused) {
  ASSERT_NO_FATAL_FAILURE(login("ana@acme.test"));
  auto refused = ctl({"network", "health"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("403"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("edge-a"), std::string::npos) << refused.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, TopologyCtlTest, ::testing::Values(std::string("sqlite")),
                         store_name);

}  // namespace
}  // namespace candela::testing
