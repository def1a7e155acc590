// `candela ctl billing run` and `ctl invoices list|show|download` with the real binary against a
// portal on loopback: the coordinator bills a month, a customer's billing user lists, shows and
// downloads the invoice as PDF, HTML and CSV; a bad format is refused before anything is sent.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "common/civil_date.hpp"
#include "control/service_items.hpp"
#include "support/candela_processes.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

struct CtlRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class BillingCtlTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override { options.settings.billing_job = false; }

  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    const long long acme = create_group(std::nullopt, "Acme");
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}});
    create_user("pat@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("bill@acme.test", kPassword, {{Role::kBilling, acme}});
    customer_ = create_customer("Acme Ltd", acme);
    std::ofstream(path("password")) << kPassword;
    period_ = format_billing_month(previous_month(month_of(utc_date_of(clock().now()))));
    ApiClient staff = signed_in("pat@provider.test", kPassword);
    const std::string scid = api_create_service(staff, acme, customer_);
    auto opened = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      long long customer_id = 0;
      s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(customer_),
          soci::into(customer_id);
      control::ItemTerms terms;
      terms.product = "log-delivery";
      terms.mrc_minor = 10000;
      auto items = control::ServiceItems(s, clock())
                       .open(scid, customer_id, {terms}, first_day(*parse_billing_month(period_)),
                             "ORD-2026-000001");
      if (!items.ok()) return items.failure();
      return true;
    });
    ASSERT_TRUE(opened.ok()) << opened.error();
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

  std::string file(const std::string& name) {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void login(const std::string& email) {
    auto run = ctl({"login", "--email", email, "--password-file", path("password")});
    ASSERT_EQ(run.exit_code, 0) << run.output;
  }

  TempDir dir_;
  int runs_ = 0;
  std::string customer_, period_;
};

TEST_P(BillingCtlTest, RunListShowDownload) {
  login("pat@provider.test");
  auto refused = ctl({"billing", "run", "--period", period_});
  EXPECT_NE(refused.exit_code, 0) << refused.output;

  login("bea@provider.test");
  auto ran = ctl({"--json", "billing", "run", "--period", period_, "--customer", customer_});
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  const auto body = nlohmann::json::parse(ran.output.substr(ran.output.find('{')));
  ASSERT_EQ(body["created"].size(), 1U) << ran.output;
  const std::string number = body["created"][0];
  auto bad_period = ctl({"billing", "run", "--period", "2026-13"});
  EXPECT_NE(bad_period.exit_code, 0);
  EXPECT_NE(bad_period.output.find("/period"), std::string::npos) << bad_period.output;

  login("bill@acme.test");
  auto list = ctl({"invoices", "list", "--period", period_});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(number), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("10000"), std::string::npos) << list.output;
  auto show = ctl({"invoices", "show", number});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("Monthly charge: Access log delivery"), std::string::npos)
      << show.output;

  auto pdf = ctl({"invoices", "download", number, "-o", path("invoice.pdf")});
  ASSERT_EQ(pdf.exit_code, 0) << pdf.output;
  EXPECT_EQ(file("invoice.pdf").rfind("%PDF-", 0), 0U);
  auto csv = ctl({"invoices", "download", number, "--format", "csv", "-o", path("lines.csv")});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(file("lines.csv").rfind("invoice_number,line_number,", 0), 0U);
  auto html = ctl({"invoices", "download", number, "--format", "html", "-o", path("i.html")});
  ASSERT_EQ(html.exit_code, 0) << html.output;
  EXPECT_NE(file("i.html").find("Invoice " + number), std::string::npos);
  auto bad_format = ctl({"invoices", "download", number, "--format", "docx"});
  EXPECT_EQ(bad_format.exit_code, 2) << bad_format.output;
  auto unknown = ctl({"invoices", "show", "INV-2020-999999"});
  EXPECT_NE(unknown.exit_code, 0) << unknown.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, BillingCtlTest, ::testing::Values(std::string("sqlite")),
                         store_name);

}  // namespace
}  // namespace candela::testing
