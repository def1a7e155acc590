// The business life of one CDN service end to end, with real processes: `candela portal` (its
// clock moved by --clock-offset-file, its mail going to a real SMTP server on loopback), a demo
// origin and an edge following the portal's feed.
// - Provider staff walk a new-service order through every state, each step by the one role the
//   handbook names; completion activates the SCID, deploys its default configuration (the edge
//   serves the alias) and mails the service connection notice.
// - At the start of the next month the billing coordinator runs billing: the invoice prorates
//   the MRC on the calendar month and bills the activation fee once; a second run changes nothing.
// - The invoice is not paid: collections warns and then suspends the service, and the edge
//   answers with the suspension response without asking the origin; an EFT payment restores it.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"
#include "support/smtp_sink.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "a long test password";
constexpr const char* kAlias = "www.shop.test";
constexpr const char* kCdnDomain = "cdn.lifecycle.test";

struct UtcDay {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;
};

UtcDay utc_day(SysTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int month_length(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string two(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

// Midnight UTC of the first day of the month after `day`.
SysTime first_of_next_month(UtcDay day) {
  std::tm tm{};
  tm.tm_year = (day.month == 12 ? day.year + 1 : day.year) - 1900;
  tm.tm_mon = day.month == 12 ? 0 : day.month;
  tm.tm_mday = 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

class BusinessLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_unique<SmtpSink>();
    clock_file_ = dir_.path() + "/clock-offset";
    std::ofstream(clock_file_) << "0\n";
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", std::string(1000, 'a'));
    portal_ = std::make_unique<PortalProcess>(
        std::vector<std::string>{"--clock-offset-file", clock_file_, "--smtp-url",
                                 "smtp://127.0.0.1:" + std::to_string(sink_->port()), "--mail-from",
                                 "orders@candela.test", "--cdn-domain", kCdnDomain});
    admin_ = sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);
    make_user("ad@provider.example", "account_director");
    make_user("ccm@provider.example", "customer_care_manager");
    make_user("ae@provider.example", "activation_engineer");
    make_user("bc@provider.example", "billing_coordinator");

    ApiResponse group =
        admin_->post("/api/v1/access-groups", {{"name", "Shop"}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    group_id_ = group.json["id"];
    ApiResponse customer = admin_->post("/api/v1/customers", {{"name", "Shop Inc"},
                                                              {"organisation_id", group_id_},
                                                              {"country", "US"},
                                                              {"billing_address",
                                                               {{"line1", "1025 Eldorado Blvd"},
                                                                {"city", "Broomfield"},
                                                                {"region", "CO"},
                                                                {"postal_code", "80021"}}},
                                                              {"invoice_delivery", "email"},
                                                              {"invoice_email", "ap@shop.test"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    customer_number_ = customer.json["customer_number"];
    make_user("admin@shop.test", "admin", group_id_);

    ApiResponse edge =
        admin_->post("/api/v1/edges",
                     {{"edge_id", "edge-1"}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
    ASSERT_EQ(edge.status, 201) << edge.body;
    EdgeExtras extras;
    extras.args = {"--usage-interval-ms", "300"};
    edge_ =
        std::make_unique<FollowingEdge>("edge-1", portal_->url(), edge.json.value("node_token", ""),
                                        std::vector<json>{}, "production", extras);
  }

  void set_portal_time(SysTime t) {
    const auto offset =
        std::chrono::duration_cast<std::chrono::seconds>(t - std::chrono::system_clock::now());
    std::ofstream(clock_file_, std::ios::trunc) << offset.count() << "\n";
    offset_ = offset;
    std::this_thread::sleep_for(250ms);  // the portal re-reads the file within 100 ms
  }
  SysTime portal_now() const { return std::chrono::system_clock::now() + offset_; }

  std::unique_ptr<ApiClient> sign_in(const std::string& email, const std::string& password) {
    auto client = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    const ApiResponse r = client->sign_in(email, password);
    EXPECT_EQ(r.status, 201) << email << ": " << r.body;
    return client;
  }
  std::unique_ptr<ApiClient> as(const std::string& email) { return sign_in(email, kPassword); }

  void make_user(const std::string& email, const std::string& role,
                 std::optional<long long> group = std::nullopt) {
    json grant = {{"role", role}};
    if (group) grant["access_group_id"] = *group;
    ApiResponse user =
        admin_->post("/api/v1/users", {{"name", email}, {"email", email}, {"roles", {grant}}});
    ASSERT_EQ(user.status, 201) << user.body;
    ApiResponse password = admin_->put("/api/v1/users/" + user.json["id"].dump() + "/password",
                                       {{"new_password", kPassword}});
    ASSERT_TRUE(password.status == 200 || password.status == 204) << password.body;
  }

  // Moves the order to `to` as `email`, expecting success.
  void transition(const std::string& email, const std::string& order, const json& body) {
    ApiResponse r = as(email)->post("/api/v1/orders/" + order + "/transitions", body);
    ASSERT_EQ(r.status, 200) << email << " → " << body.dump() << ": " << r.body;
    ASSERT_EQ(r.json["state"], body["to"]) << r.body;
  }

  std::vector<ReceivedMail> mail_to(const std::string& email) {
    std::vector<ReceivedMail> found;
    for (auto& m : sink_->messages()) {
      if (std::find(m.rcpt_to.begin(), m.rcpt_to.end(), email) != m.rcpt_to.end()) {
        found.push_back(m);
      }
    }
    return found;
  }
  std::optional<ReceivedMail> mail_containing(const std::string& email, const std::string& text) {
    for (const auto& m : mail_to(email)) {
      if (m.subject.find(text) != std::string::npos || m.text.find(text) != std::string::npos) {
        return m;
      }
    }
    return std::nullopt;
  }

  std::optional<HttpResponse> fetch() { return http_get(edge_->port(), "/a.txt", kAlias); }

  TempDir dir_;
  std::string clock_file_;
  std::chrono::seconds offset_{0};
  std::unique_ptr<SmtpSink> sink_;
  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> admin_;
  std::unique_ptr<FollowingEdge> edge_;
  long long group_id_ = 0;
  std::string customer_number_;
};

TEST_F(BusinessLifecycleTest, OrderToActivationToInvoiceToSuspensionAndRestoration) {
  // --- The order, walked by the roles the handbook names. ---
  auto ad = as("ad@provider.example");
  ApiResponse products = ad->get("/api/v1/products");
  ASSERT_EQ(products.status, 200) << products.body;
  json delivery;
  for (const json& p : products.json["products"]) {
    if (p["code"] == "cdn-delivery") delivery = p;
  }
  ASSERT_FALSE(delivery.is_null()) << products.body;
  const long long mrc = delivery["standard_mrc_minor"];
  const long long nrc = delivery["standard_nrc_minor"];
  const UtcDay activation = utc_day(portal_now());
  const std::string commit_date =
      std::to_string(activation.year) + "-" + two(activation.month) + "-" + two(activation.day);

  ApiResponse created = ad->post(
      "/api/v1/orders",
      {{"type", "new_service"},
       {"customer_number", customer_number_},
       {"access_group_id", group_id_},
       {"customer_commit_date", commit_date},
       {"items",
        {{{"product", "cdn-delivery"},
          {"description", "Web shop delivery"},
          {"pricing_basis", "standard"},
          {"mrc_minor", mrc},
          {"nrc_minor", nrc},
          {"usage_plan", delivery["usage_plan"]},
          {"term_months", 12},
          {"etc_percent", 100}}}},
       {"technical",
        {{"aliases", {kAlias}},
         {"origin", {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"scheme", "http"}}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string order = created.json["order_number"];
  EXPECT_EQ(created.json["state"], "draft");

  ASSERT_NO_FATAL_FAILURE(transition("ad@provider.example", order, {{"to", "quoted"}}));
  ASSERT_NO_FATAL_FAILURE(
      transition("admin@shop.test", order,
                 {{"to", "signed"}, {"signature", {{"name", "Dana Shop"}, {"title", "CTO"}}}}));
  // The customer cannot validate its own order: that is the customer care manager's step.
  ApiResponse early = as("admin@shop.test")
                          ->post("/api/v1/orders/" + order + "/transitions", {{"to", "validated"}});
  EXPECT_EQ(early.status, 403) << early.body;
  ASSERT_NO_FATAL_FAILURE(transition("ccm@provider.example", order, {{"to", "validated"}}));
  ASSERT_NO_FATAL_FAILURE(transition("ae@provider.example", order, {{"to", "provisioning"}}));
  ASSERT_NO_FATAL_FAILURE(transition("ae@provider.example", order, {{"to", "completed"}}));

  auto customer = as("admin@shop.test");
  ApiResponse done = customer->get("/api/v1/orders/" + order);
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_TRUE(done.json["scid"].is_string()) << done.body;
  const std::string scid = done.json["scid"];
  EXPECT_EQ(done.json["events"].size(), 6u) << done.body;  // created + five transitions

  // The service connection notice: kept in the portal and mailed, with the key identifiers.
  std::string lower_scid = scid;
  for (char& c : lower_scid)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string cname = lower_scid + "." + kCdnDomain;
  ApiResponse notice = customer->get("/api/v1/services/" + scid + "/connection-notice");
  ASSERT_EQ(notice.status, 200) << notice.body;
  const std::string body = notice.json["body"];
  for (const std::string& expected : {scid, order, customer_number_, cname, std::string(kAlias)}) {
    EXPECT_NE(body.find(expected), std::string::npos) << expected << " not in\n" << body;
  }
  ASSERT_TRUE(
      eventually([&] { return mail_containing("admin@shop.test", cname).has_value(); }, 30s))
      << portal_->log();

  // The default configuration went to production: the edge serves the alias.
  ASSERT_TRUE(eventually(
      [&] {
        auto r = fetch();
        return r && r->status == 200;
      },
      30s))
      << edge_->log();
  const int origin_requests = origin_->count("/a.txt");

  // --- The first invoice, at the start of the next month. ---
  set_portal_time(first_of_next_month(activation) + 2h);
  auto bc = as("bc@provider.example");
  const std::string period = std::to_string(activation.year) + "-" + two(activation.month);
  ApiResponse run =
      bc->post("/api/v1/billing/runs", {{"period", period}, {"customer_number", customer_number_}});
  ASSERT_TRUE(run.status == 200 || run.status == 201) << run.body;
  ApiResponse listed = bc->get("/api/v1/invoices?customer_number=" + customer_number_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].size(), 1u) << listed.body;
  const std::string invoice_number = listed.json["items"][0]["invoice_number"];
  ApiResponse invoice = bc->get("/api/v1/invoices/" + invoice_number);
  ASSERT_EQ(invoice.status, 200) << invoice.body;

  const int days = month_length(activation.year, activation.month) - activation.day + 1;
  const int month_days = month_length(activation.year, activation.month);
  // MRC × days in service ÷ days in the month, rounded half up (exact integers here).
  const long long prorated = (2 * mrc * days + month_days) / (2 * month_days);
  long long mrc_line = -1, nrc_line = -1;
  for (const json& line : invoice.json["lines"]) {
    if (line["kind"] == "mrc") mrc_line = line["amount_minor"];
    if (line["kind"] == "nrc") nrc_line = line["amount_minor"];
  }
  EXPECT_EQ(mrc_line, prorated) << days << "/" << month_days << " days\n" << invoice.body;
  EXPECT_EQ(nrc_line, nrc) << invoice.body;
  const long long amount_due = invoice.json["amount_due_minor"];
  EXPECT_GE(amount_due, prorated + nrc);

  // Running the period again changes nothing.
  ApiResponse again =
      bc->post("/api/v1/billing/runs", {{"period", period}, {"customer_number", customer_number_}});
  ASSERT_TRUE(again.status == 200 || again.status == 201) << again.body;
  ApiResponse same = bc->get("/api/v1/invoices/" + invoice_number);
  EXPECT_EQ(same.json, invoice.json);
  EXPECT_EQ(bc->get("/api/v1/invoices?customer_number=" + customer_number_).json["items"].size(),
            1u);

  // The customer reads it as PDF; the invoice went to the billing address's inbox (U.S. address,
  // electronic delivery by preference) with the PDF attached.
  customer = as("admin@shop.test");
  ApiResponse pdf = customer->get("/api/v1/invoices/" + invoice_number + "/pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.rfind("%PDF", 0), 0u);
  ASSERT_TRUE(
      eventually([&] { return mail_containing("ap@shop.test", invoice_number).has_value(); }, 30s))
      << portal_->log();
  EXPECT_FALSE(mail_containing("ap@shop.test", invoice_number)->attachments.empty());

  // --- Unpaid: warnings, then suspension. Short MSA terms make the schedule quick. ---
  ApiResponse terms = as("ad@provider.example")
                          ->put("/api/v1/customers/" + customer_number_ + "/terms",
                                {{"msa_reference", "MSA-SHOP-1"},
                                 {"currency", "USD"},
                                 {"payment_terms_days", 30},
                                 {"warning_after_days", 1},
                                 {"final_warning_after_days", 3},
                                 {"suspend_after_days", 5},
                                 {"reason", "test schedule"}});
  ASSERT_EQ(terms.status, 200) << terms.body;
  const std::string due_date = invoice.json["due_date"];
  std::tm due{};
  ASSERT_NE(strptime(due_date.c_str(), "%Y-%m-%d", &due), nullptr) << due_date;
  set_portal_time(std::chrono::system_clock::from_time_t(timegm(&due)) + 24h * 7 + 1h);
  ASSERT_TRUE(eventually(
      [&] {
        auto r = fetch();
        return r && r->status == 403 && r->header("Candela-Service-State") == "suspended";
      },
      90s))
      << portal_->log() << edge_->log();
  EXPECT_EQ(origin_->count("/a.txt"), origin_requests);  // the suspension never asks the origin
  auto suspended = fetch();
  ASSERT_TRUE(suspended);
  EXPECT_NE(suspended->body.find(scid), std::string::npos) << suspended->body;
  // The customer was warned before (collections mail names the overdue invoice).
  EXPECT_TRUE(eventually(
      [&] { return mail_containing("admin@shop.test", invoice_number).has_value(); }, 30s));
  bc = as("bc@provider.example");
  EXPECT_EQ(bc->get("/api/v1/services/" + scid).json["state"], "suspended");

  // --- An EFT payment of the amount due restores the service at once. ---
  const UtcDay paid_on = utc_day(portal_now());
  ApiResponse payment = bc->post(
      "/api/v1/payments", {{"customer_number", customer_number_},
                           {"method", "eft"},
                           {"reference", "EFT-20261203-0001"},
                           {"amount_minor", amount_due},
                           {"received_on", std::to_string(paid_on.year) + "-" + two(paid_on.month) +
                                               "-" + two(paid_on.day)}});
  ASSERT_EQ(payment.status, 201) << payment.body;
  EXPECT_EQ(bc->get("/api/v1/services/" + scid).json["state"], "active");
  ASSERT_TRUE(eventually(
      [&] {
        auto r = fetch();
        return r && r->status == 200;
      },
      30s))
      << edge_->log();
  ApiResponse balance = bc->get("/api/v1/customers/" + customer_number_ + "/balance");
  ASSERT_EQ(balance.status, 200) << balance.body;
  EXPECT_EQ(balance.json["overdue_minor"], 0) << balance.body;
  EXPECT_EQ(balance.json["collection_state"], "good") << balance.body;
  EXPECT_EQ(bc->get("/api/v1/invoices/" + invoice_number).json["status"], "paid");

  // Another customer learns nothing of this invoice.
  admin_ = sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword);  // sessions expired
  ApiResponse other_group =
      admin_->post("/api/v1/access-groups", {{"name", "Other"}, {"parent_id", nullptr}});
  ASSERT_EQ(other_group.status, 201);
  ASSERT_NO_FATAL_FAILURE(make_user("admin@other.test", "admin", other_group.json["id"]));
  EXPECT_EQ(as("admin@other.test")->get("/api/v1/invoices/" + invoice_number).status, 404);
}

}  // namespace
}  // namespace candela::testing
