// `candela ctl orders …` as people run it: the real binary against a portal on loopback, each
// role signed in with its own credentials file, walking a new-service order to its connection
// notice, and the exit status of refusals and usage mistakes.
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

class OrdersCtlTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme");
    create_user("al@provider.test", kPassword, {{Role::kAccountDirector, std::nullopt}}, "Al");
    create_user("cora@provider.test", kPassword, {{Role::kCustomerCareManager, std::nullopt}},
                "Cora");
    create_user("ada@provider.test", kPassword, {{Role::kActivationEngineer, std::nullopt}}, "Ada");
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}}, "Ana");
    customer_ = create_customer("Acme Ltd", acme_);
    std::ofstream(path("password")) << kPassword;
  }

  std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

  // `candela ctl <args>` with `who`'s own credentials file.
  CtlRun ctl(const std::string& who, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "CANDELA_CTL_CONFIG=" + path(who + ".json"),
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

  void login(const std::string& who, const std::string& email) {
    auto run = ctl(who, {"login", "--email", email, "--password-file", path("password")});
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }

  TempDir dir_;
  long long acme_ = 0;
  std::string customer_;
  int runs_ = 0;
};

TEST_P(OrdersCtlTest, EveryRoleMovesTheOrderAndTheCustomerReadsTheNotice) {
  login("al", "al@provider.test");
  login("ana", "ana@acme.test");
  login("cora", "cora@provider.test");
  login("ada", "ada@provider.test");
  ASSERT_FALSE(HasFatalFailure());
  std::ofstream(path("order.json"))
      << nlohmann::json{{"type", "new_service"},
                        {"customer_number", customer_},
                        {"access_group_id", acme_},
                        {"customer_commit_date", "2030-01-15"},
                        {"items", {{{"product", "cdn-delivery"}}}},
                        {"technical",
                         {{"aliases", {"www.acme.test"}}, {"origin", {{"host", "o.acme.test"}}}}}}
             .dump();
  auto created = ctl("al", {"--json", "orders", "create", "--file", path("order.json")});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const auto order = nlohmann::json::parse(created.output, nullptr, false);
  ASSERT_TRUE(order.is_object()) << created.output;
  const std::string number = order["order_number"];

  auto refused = ctl("ana", {"orders", "transition", number, "--to", "quoted"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("account director"), std::string::npos) << refused.output;
  auto half_signed =
      ctl("ana", {"orders", "transition", number, "--to", "signed", "--signer-name", "Ana"});
  EXPECT_EQ(half_signed.exit_code, 2) << half_signed.output;

  ASSERT_EQ(ctl("al", {"orders", "transition", number, "--to", "quoted"}).exit_code, 0);
  auto signed_run = ctl("ana", {"orders", "transition", number, "--to", "signed", "--signer-name",
                                "Ana", "--signer-title", "CTO"});
  ASSERT_EQ(signed_run.exit_code, 0) << signed_run.output;
  ASSERT_EQ(ctl("cora", {"orders", "transition", number, "--to", "validated"}).exit_code, 0);
  ASSERT_EQ(ctl("ada", {"orders", "transition", number, "--to", "provisioning"}).exit_code, 0);
  auto done = ctl("ada", {"--json", "orders", "transition", number, "--to", "completed"});
  ASSERT_EQ(done.exit_code, 0) << done.output;
  const auto completed = nlohmann::json::parse(done.output, nullptr, false);
  ASSERT_TRUE(completed.is_object()) << done.output;
  const std::string scid = completed["scid"];

  auto list = ctl("ana", {"orders", "list", "--state", "completed"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(number), std::string::npos) << list.output;
  auto show = ctl("ana", {"orders", "show", number});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("\"completed\""), std::string::npos);
  auto notice = ctl("ana", {"orders", "notice", scid});
  ASSERT_EQ(notice.exit_code, 0) << notice.output;
  EXPECT_EQ(notice.output.rfind("SERVICE CONNECTION NOTICE", 0), 0u) << notice.output;
  EXPECT_NE(notice.output.find("SCID: " + scid), std::string::npos) << notice.output;
  EXPECT_NE(notice.output.find("CNAME"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, OrdersCtlTest, ::testing::Values(std::string("sqlite")),
                         store_name);

}  // namespace
}  // namespace candela::testing
