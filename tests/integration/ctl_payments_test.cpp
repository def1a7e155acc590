// `candela ctl payments record|list` and `ctl balance` with the real binary against a portal on
// loopback: the amount typed as "1234.56" arrives as minor units, a malformed amount is refused
// before anything is sent, and the coordinator's role is what the portal checks.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "common/civil_date.hpp"
#include "support/candela_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

struct CtlRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class CtlPaymentsTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    const long long acme = create_group(std::nullopt, "Acme");
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}});
    create_user("bill@acme.test", kPassword, {{Role::kBilling, acme}});
    customer_ = create_customer("Acme Ltd", acme);
    std::ofstream(path("password")) << kPassword;
    today_ = format_civil_date(utc_date_of(clock().now()));
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
    auto run = ctl({"login", "--email", email, "--password-file", path("password")});
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }

  long long payments() {
    auto n = context().db.with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << "SELECT COUNT(*) FROM payments", soci::into(value);
      return value;
    });
    return n.ok() ? *n : -1;
  }

  TempDir dir_;
  int runs_ = 0;
  std::string customer_, today_;
};

TEST_P(CtlPaymentsTest, RecordListAndBalance) {
  login("bea@provider.test");
  auto bad = ctl({"payments", "record", "--customer", customer_, "--reference", "R1", "--amount",
                  "12.345", "--received-on", today_});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--amount"), std::string::npos) << bad.output;
  auto no_reference = ctl(
      {"payments", "record", "--customer", customer_, "--amount", "10", "--received-on", today_});
  EXPECT_NE(no_reference.exit_code, 0) << no_reference.output;
  EXPECT_NE(no_reference.output.find("/reference"), std::string::npos) << no_reference.output;
  EXPECT_EQ(payments(), 0);

  auto made = ctl({"--json", "payments", "record", "--customer", customer_, "--method", "eft",
                   "--reference", "EFT 0042", "--amount", "1234.56", "--received-on", today_});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto body = nlohmann::json::parse(made.output.substr(made.output.find('{')));
  EXPECT_EQ(body["amount_minor"], 123456);
  EXPECT_EQ(body["unapplied_minor"], 123456);
  EXPECT_EQ(body["reference"], "EFT 0042");

  auto list = ctl({"payments", "list", "--customer", customer_});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("EFT 0042"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("123456"), std::string::npos) << list.output;

  login("bill@acme.test");
  auto balance = ctl({"--json", "balance", customer_});
  ASSERT_EQ(balance.exit_code, 0) << balance.output;
  EXPECT_NE(balance.output.find("\"unapplied_minor\": 123456"), std::string::npos)
      << balance.output;
  auto refused = ctl({"payments", "record", "--customer", customer_, "--reference", "R2",
                      "--amount", "5", "--received-on", today_});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_EQ(payments(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, CtlPaymentsTest, ::testing::Values(std::string("sqlite")),
                         store_name);

}  // namespace
}  // namespace candela::testing
