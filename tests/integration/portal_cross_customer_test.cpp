// Tenancy, proven endpoint by endpoint: every route the portal serves is called as a user (and
// as an API key) of another customer, with customer A's identifiers filled in, and must refuse
// (403/404), answer 401 (edge-only routes), or — for listings and the caller's own resources —
// answer without any of A's data. A route without a row in the table fails the test, so a new
// endpoint cannot ship without its tenancy check. Afterwards A's data must be unchanged.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "control/database.hpp"
#include "control/notifier.hpp"
#include "support/invoice_rows.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

const control::NotificationTemplate kAcmeNotice{
    "account.test", control::NotificationCategory::kAccount, "For Acme only", "Acme's notice"};

enum class Expect {
  kRefused,        // 403 or 404
  kOnlyOwnData,    // 2xx (or a refusal) whose body contains none of A's identifiers
  kNodeTokenOnly,  // 401: users and API keys cannot use edge routes
  kStaffOnly,      // 403: provider staff only
};

struct Row {
  Expect expect;
  nlohmann::json body = nullptr;  // sent for POST/PUT/PATCH
};

class CrossCustomerTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme Corporation");
    acme_uk_ = create_group(acme_, "Acme UK");
    bravo_ = create_group(std::nullopt, "Bravo Broadcasting");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    ana_ = create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    acme_key_ = create_api_key(acme_, Role::kAdmin);
    bravo_key_ = create_api_key(bravo_, Role::kAdmin);

    ApiClient root = signed_in("root@provider.test", kPassword);
    auto customer = root.post("/api/v1/customers", {{"name", "Acme Corporation Ltd"},
                                                    {"organisation_id", acme_},
                                                    {"country", "GB"},
                                                    {"invoice_email", "billing@acme.test"}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    customer_number_ = customer.json["customer_number"];
    auto service = root.post(
        "/api/v1/services", {{"access_group_id", acme_uk_}, {"customer_number", customer_number_}});
    ASSERT_EQ(service.status, 201) << service.body;
    scid_ = service.json["scid"];
    auto active =
        root.patch("/api/v1/services/" + scid_, {{"state", "active"}, {"reason", "test"}});
    ASSERT_EQ(active.status, 200) << active.body;
    auto version = root.post("/api/v1/services/" + scid_ + "/configurations",
                             {{"document", document()}, {"comment", "first"}});
    ASSERT_EQ(version.status, 201) << version.body;
    auto deployment = root.post("/api/v1/services/" + scid_ + "/deployments",
                                {{"version", 1}, {"environment", "production"}});
    ASSERT_TRUE(deployment.status == 201 || deployment.status == 202) << deployment.body;
    deployment_id_ = std::to_string(deployment.json["id"].get<long long>());
    auto edge = root.post("/api/v1/edges", {{"edge_id", "edge-lon-1"},
                                            {"cache_group", "london"},
                                            {"address", "127.0.0.1:8080"},
                                            {"role", "edge"}});
    ASSERT_EQ(edge.status, 201) << edge.body;
    auto invalidation =
        root.post("/api/v1/services/" + scid_ + "/invalidations",
                  {{"kind", "url"}, {"mode", "hard"}, {"values", {"http://www.acme.test/a.jpg"}}});
    ASSERT_TRUE(invalidation.status == 201 || invalidation.status == 202) << invalidation.body;
    invalidation_id_ = std::to_string(invalidation.json["id"].get<long long>());
    // A notification and a queued mail for Ana (notification routes).
    auto noticed = context().db.with_transaction([&](soci::session& s) {
      control::Notice notice;
      notice.tmpl = &kAcmeNotice;
      notice.entity_type = "service";
      notice.entity_id = scid_;
      control::NotificationRecipients to;
      to.user_ids = {ana_};
      return control::Notifier(s, clock()).notify(notice, to);
    });
    ASSERT_TRUE(noticed.ok()) << noticed.error();
    auto ids = context().db.with_session([&](soci::session& s) -> Result<std::string> {
      long long notification = 0;
      long long mail = 0;
      s << "SELECT MAX(id) FROM notifications WHERE recipient_user_id = :u", soci::use(ana_),
          soci::into(notification);
      s << "SELECT MAX(id) FROM mail_outbox", soci::into(mail);
      mail_id_ = std::to_string(mail);
      return std::to_string(notification);
    });
    ASSERT_TRUE(ids.ok()) << ids.error();
    notification_id_ = ids.value();
    // Acme's traffic went through London, so a London maintenance window affects Acme only.
    const long long minute = control::to_epoch_ms(
        std::chrono::floor<std::chrono::minutes>(clock().now() - std::chrono::hours(1)));
    auto traffic = context().db.with_session([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO usage_minute (edge_id, scid, property, minute, revision, requests, bytes,"
           " body_bytes, fill_bytes, hits, misses, stale, revalidated, passes, errors, status_1xx,"
           " status_2xx, status_3xx, status_4xx, status_5xx, http, https, peak_rps) VALUES"
           " ('edge-lon-1', :s, 'www', :m, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, "
           "1)",
          soci::use(scid_), soci::use(minute);
      return true;
    });
    ASSERT_TRUE(traffic.ok()) << traffic.error();
    maintenance_starts_ =
        std::chrono::floor<std::chrono::hours>(clock().now()) + std::chrono::hours(48);
    auto window = root.post("/api/v1/maintenance", maintenance_window());
    ASSERT_EQ(window.status, 201) << window.body;
    maintenance_reference_ = window.json["reference"];
    // edge-lon-1 goes down: a NOC event with a proactive ticket for Acme (NOC routes).
    auto alarm = root.post("/api/v1/noc/alarms", {{"kind", "edge_down"},
                                                  {"edge_id", "edge-lon-1"},
                                                  {"state", "firing"},
                                                  {"observed_at", "2025-01-01T00:00:00Z"},
                                                  {"summary", "edge-lon-1 does not answer"}});
    ASSERT_EQ(alarm.status, 201) << alarm.body;
    ASSERT_EQ(alarm.json["tickets_opened"].size(), 1u) << alarm.body;
    noc_event_reference_ = alarm.json["event"]["reference"];
    // Ana's impairment ticket with a public attachment (ticket routes).
    ApiClient ana_client = signed_in("ana@acme.test", kPassword);
    auto ticket = ana_client.post(
        "/api/v1/tickets", {{"type", "service_impairment"},
                            {"subject", "Acme video stalls"},
                            {"scid", scid_},
                            {"description", "Segments time out"},
                            {"alarm_info", "5xx 12%"},
                            {"problem_started_at", utc(clock().now() - std::chrono::minutes(10))},
                            {"contact",
                             {{"name", "Ana"},
                              {"email", "ana@acme.test"},
                              {"phones", {"+44 20 7946 0000"}},
                              {"alternate_contact", "NOC +44 20 7946 0999"}}}});
    ASSERT_EQ(ticket.status, 201) << ticket.body;
    ticket_reference_ = ticket.json["reference"];
    auto attached = ana_client.send(
        "POST", "/api/v1/tickets/" + ticket_reference_ + "/attachments?filename=acme.txt",
        std::string("Acme trace"), {}, "text/plain");
    ASSERT_EQ(attached.status, 201) << attached.body;
    attachment_id_ = std::to_string(attached.json["id"].get<long long>());
    // Ana's own renewal order draft for the service (orders).
    auto order = ana_client.post("/api/v1/orders", {{"type", "renewal"},
                                                    {"scid", scid_},
                                                    {"customer_commit_date", "2030-01-01"},
                                                    {"renewal", {{"term_months", 12}}}});
    ASSERT_EQ(order.status, 201) << order.body;
    order_number_ = order.json["order_number"];
    // An invoice of Acme's (written directly) with Ana's dispute and its file (billing requests).
    auto invoiced = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      insert_invoice_rows(s, customer_number_, "INV-2025-000001", {{"mrc", scid_, 50000}});
      return true;
    });
    ASSERT_TRUE(invoiced.ok()) << invoiced.error();
    auto billing_request =
        ana_client.post("/api/v1/billing-requests", {{"invoice_number", "INV-2025-000001"},
                                                     {"line_number", 1},
                                                     {"kind", "dispute"},
                                                     {"subject", "Acme disputes the MRC"},
                                                     {"description", "Billed before activation"},
                                                     {"disputed_amount_minor", 1000}});
    ASSERT_EQ(billing_request.status, 201) << billing_request.body;
    billing_request_reference_ = billing_request.json["reference"];
    auto billing_file = ana_client.send(
        "POST",
        "/api/v1/billing-requests/" + billing_request_reference_ + "/attachments?filename=acme.txt",
        std::string("Acme remittance"), {}, "text/plain");
    ASSERT_EQ(billing_file.status, 201) << billing_file.body;
    billing_attachment_id_ = std::to_string(billing_file.json["id"].get<long long>());
    // Acme pays the undisputed part of that invoice (payment routes), so nothing is overdue and
    // the collections job has nothing to do while the test runs.
    create_user("bea@provider.test", kPassword, {{Role::kBillingCoordinator, std::nullopt}});
    auto payment = signed_in("bea@provider.test", kPassword)
                       .post("/api/v1/payments", {{"customer_number", customer_number_},
                                                  {"method", "eft"},
                                                  {"reference", "ACME EFT 1"},
                                                  {"amount_minor", 49000},
                                                  {"received_on", "2026-01-05"}});
    ASSERT_EQ(payment.status, 201) << payment.body;
    payment_id_ = std::to_string(payment.json["id"].get<long long>());
  }

  nlohmann::json maintenance_window() const {
    const SysTime starts = maintenance_starts_;
    return {{"kind", "scheduled"},
            {"impact", "service_affecting"},
            {"title", "London router upgrade"},
            {"starts_at", utc(starts)},
            {"ends_at", utc(starts + std::chrono::hours(2))},
            {"cache_groups", {"london"}}};
  }

  static std::string utc(SysTime t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
  }

  nlohmann::json document() const {
    return {{"scid", scid_},
            {"properties",
             {{{"id", "www"},
               {"primary_alias", "www.acme.test"},
               {"origin", {{"host", "origin.acme.test"}}}}}}};
  }

  // What a path parameter stands for, filled with customer A's identifiers.
  std::string fill(const std::string& path_template) const {
    std::string path = path_template;
    auto replace = [&](const std::string& name, const std::string& value) {
      const auto at = path.find("{" + name + "}");
      if (at != std::string::npos) path.replace(at, name.size() + 2, value);
    };
    std::string id;
    if (path.rfind("/api/v1/access-groups/", 0) == 0) id = std::to_string(acme_uk_);
    if (path.rfind("/api/v1/users/", 0) == 0) id = std::to_string(ana_);
    if (path.rfind("/api/v1/deployments/", 0) == 0) id = deployment_id_;
    if (path.rfind("/api/v1/invalidations/", 0) == 0) id = invalidation_id_;
    if (path.rfind("/api/v1/notifications/", 0) == 0) id = notification_id_;
    if (path.rfind("/api/v1/mail-deliveries/", 0) == 0) id = mail_id_;
    if (path.rfind("/api/v1/billing-requests/", 0) == 0) {
      replace("reference", billing_request_reference_);
      id = billing_attachment_id_;
    }
    if (path.rfind("/api/v1/tickets/", 0) == 0) {
      replace("reference", ticket_reference_);
      id = attachment_id_;
    }
    if (path.rfind("/api/v1/payments/", 0) == 0) id = payment_id_;
    replace("id", id);
    replace("scid", scid_);
    replace("version", "1");
    replace("key_id", acme_key_.key_id);
    replace("customer_number", customer_number_);
    replace("invoice_number", "INV-2025-000001");  // Acme's invoice (SetUp)
    replace("order_number", order_number_);
    replace("role", "account_director");
    replace("edge_id", "edge-lon-1");
    replace("chunk", "20261125T010000.000Z");
    replace("property", "www");
    replace("period", "2026-11-25");
    replace("monitor_id", "monitor-1");
    if (path.rfind("/api/v1/noc/events/", 0) == 0) replace("reference", noc_event_reference_);
    if (path.rfind("/api/v1/maintenance/", 0) == 0) replace("reference", maintenance_reference_);
    replace("n", "1");       // a severity
    replace("code", "TUL");  // a support centre
    if (path.find('{') != std::string::npos) ADD_FAILURE() << "unfilled parameter in " << path;
    if (path.ends_with("/diff")) path += "?against=1";
    return path;
  }

  // The table: one row per route ("METHOD /template").
  std::map<std::string, Row> table() const {
    const auto acme_grant =
        nlohmann::json::array({{{"role", "admin"}, {"access_group_id", acme_}}});
    return {
        {"GET /api/v1/health", {Expect::kOnlyOwnData}},
        {"GET /api/v1/openapi.json", {Expect::kOnlyOwnData}},
        {"POST /api/v1/session",
         {Expect::kRefused, {{"email", "ana@acme.test"}, {"password", "not her password"}}}},
        {"GET /api/v1/session", {Expect::kOnlyOwnData}},
        {"DELETE /api/v1/session", {Expect::kOnlyOwnData}},
        {"POST /api/v1/session/mimic", {Expect::kRefused, {{"user_id", ana_}}}},
        {"DELETE /api/v1/session/mimic", {Expect::kOnlyOwnData}},
        {"GET /api/v1/access-groups", {Expect::kOnlyOwnData}},
        {"POST /api/v1/access-groups",
         {Expect::kRefused, {{"name", "Intruders"}, {"parent_id", acme_}}}},
        {"GET /api/v1/access-groups/{id}", {Expect::kRefused}},
        {"PATCH /api/v1/access-groups/{id}", {Expect::kRefused, {{"name", "Renamed"}}}},
        {"GET /api/v1/customers", {Expect::kOnlyOwnData}},
        {"POST /api/v1/customers",
         {Expect::kStaffOnly, {{"name", "Sneaky"}, {"organisation_id", acme_}, {"country", "GB"}}}},
        {"GET /api/v1/customers/{customer_number}", {Expect::kRefused}},
        {"PATCH /api/v1/customers/{customer_number}", {Expect::kRefused, {{"name", "Hacked"}}}},
        {"GET /api/v1/customers/{customer_number}/account-team", {Expect::kRefused}},
        {"PUT /api/v1/customers/{customer_number}/account-team/{role}",
         {Expect::kRefused, {{"user_id", ana_}}}},
        {"GET /api/v1/users", {Expect::kOnlyOwnData}},
        {"POST /api/v1/users",
         {Expect::kRefused,
          {{"name", "Mallory"}, {"email", "mallory@bravo.test"}, {"roles", acme_grant}}}},
        {"GET /api/v1/users/{id}", {Expect::kRefused}},
        {"PATCH /api/v1/users/{id}", {Expect::kRefused, {{"name", "Hacked"}}}},
        {"PUT /api/v1/users/{id}/roles", {Expect::kRefused, {{"roles", acme_grant}}}},
        {"PUT /api/v1/users/{id}/password",
         {Expect::kRefused, {{"new_password", "a brand new password"}}}},
        {"POST /api/v1/users/{id}/unlock", {Expect::kRefused}},
        {"GET /api/v1/api-keys", {Expect::kOnlyOwnData}},
        {"POST /api/v1/api-keys",
         {Expect::kRefused, {{"access_group_id", acme_}, {"role", "admin"}}}},
        {"GET /api/v1/api-keys/{key_id}", {Expect::kRefused}},
        {"PATCH /api/v1/api-keys/{key_id}", {Expect::kRefused, {{"disabled", true}}}},
        {"DELETE /api/v1/api-keys/{key_id}", {Expect::kRefused}},
        {"POST /api/v1/api-keys/{key_id}/regenerate", {Expect::kRefused}},
        {"GET /api/v1/audit", {Expect::kOnlyOwnData}},
        {"GET /api/v1/services", {Expect::kOnlyOwnData}},
        {"POST /api/v1/services",
         {Expect::kRefused, {{"access_group_id", acme_}, {"customer_number", customer_number_}}}},
        {"GET /api/v1/services/{scid}", {Expect::kRefused}},
        {"PATCH /api/v1/services/{scid}",
         {Expect::kRefused, {{"state", "suspended"}, {"reason", "x"}}}},
        {"GET /api/v1/services/{scid}/configurations", {Expect::kRefused}},
        {"POST /api/v1/services/{scid}/configurations",
         {Expect::kRefused, {{"document", document()}, {"comment", "hijack"}}}},
        {"POST /api/v1/services/{scid}/configurations/validate",
         {Expect::kRefused, {{"document", document()}}}},
        {"GET /api/v1/services/{scid}/configurations/{version}", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/configurations/{version}/diff", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/deployments", {Expect::kRefused}},
        {"POST /api/v1/services/{scid}/deployments",
         {Expect::kRefused, {{"version", 1}, {"environment", "production"}}}},
        {"POST /api/v1/services/{scid}/deployments/rollback",
         {Expect::kRefused, {{"environment", "production"}}}},
        {"GET /api/v1/deployments/{id}", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/invalidations", {Expect::kRefused}},
        {"POST /api/v1/services/{scid}/invalidations",
         {Expect::kRefused,
          {{"kind", "url"}, {"mode", "hard"}, {"values", {"http://www.acme.test/a.jpg"}}}}},
        {"GET /api/v1/invalidations/{id}", {Expect::kRefused}},
        {"GET /api/v1/notifications", {Expect::kOnlyOwnData}},
        // Notifications: read marks and preferences are the caller's own (an API key has no
        // preferences: 403); the mail outbox is for provider staff only.
        {"POST /api/v1/notifications/{id}/read", {Expect::kRefused}},
        {"GET /api/v1/notification-preferences", {Expect::kOnlyOwnData}},
        {"PUT /api/v1/notification-preferences",
         {Expect::kOnlyOwnData,
          {{"preferences", {{{"category", "tickets"}, {"email", false}, {"portal", true}}}}}}},
        {"GET /api/v1/mail-deliveries", {Expect::kStaffOnly}},
        {"POST /api/v1/mail-deliveries/{id}/retry", {Expect::kStaffOnly}},
        {"GET /api/v1/edges", {Expect::kStaffOnly}},
        {"POST /api/v1/edges",
         {Expect::kStaffOnly,
          {{"edge_id", "rogue"},
           {"cache_group", "x"},
           {"address", "127.0.0.1:8080"},
           {"role", "edge"}}}},
        {"GET /api/v1/edges/{edge_id}", {Expect::kStaffOnly}},
        {"PATCH /api/v1/edges/{edge_id}", {Expect::kStaffOnly, {{"active", false}}}},
        {"PUT /api/v1/edges/{edge_id}/registration",
         {Expect::kNodeTokenOnly,
          {{"cache_group", "x"}, {"address", "127.0.0.1:8080"}, {"role", "edge"}}}},
        {"GET /api/v1/feed", {Expect::kNodeTokenOnly}},
        {"POST /api/v1/edges/{edge_id}/acks",
         {Expect::kNodeTokenOnly, {{"sequence", 1}, {"status", "applied"}}}},
        {"PUT /api/v1/edges/{edge_id}/log-chunks/{chunk}", {Expect::kNodeTokenOnly}},
        {"POST /api/v1/edges/{edge_id}/usage",
         {Expect::kNodeTokenOnly,
          {{"batch", 1},
           {"complete_until", "2026-11-25T01:00:00Z"},
           {"rows", nlohmann::json::array()}}}},
        {"GET /api/v1/usage", {Expect::kRefused}},
        {"GET /api/v1/usage/live", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/log-files", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/log-files/{property}/{period}", {Expect::kRefused}},
        {"PUT /api/v1/services/{scid}/log-retention", {Expect::kRefused, {{"days", 1}}}},
        // Maintenance: customers read the windows affecting their own services (404 for
        // others'); only NOC engineers and provider admins change them (403).
        {"GET /api/v1/maintenance", {Expect::kOnlyOwnData}},
        {"POST /api/v1/maintenance", {Expect::kStaffOnly, maintenance_window()}},
        {"GET /api/v1/maintenance/{reference}", {Expect::kRefused}},
        {"PATCH /api/v1/maintenance/{reference}", {Expect::kStaffOnly, {{"title", "Hijacked"}}}},
        {"POST /api/v1/maintenance/{reference}/cancel",
         {Expect::kStaffOnly, {{"reason", "not yours"}}}},
        {"POST /api/v1/maintenance/{reference}/complete", {Expect::kStaffOnly}},
        {"GET /api/v1/maintenance/{reference}/calendar.ics", {Expect::kRefused}},
        // Support: the configuration is global (no customer data); changes are provider_admin's
        // (403 before the body is read); MTTR for A's customer number does not exist for B.
        {"GET /api/v1/support/severities", {Expect::kOnlyOwnData}},
        {"PUT /api/v1/support/severities/{n}", {Expect::kStaffOnly, {{"name", "Hijacked"}}}},
        {"GET /api/v1/support/centres", {Expect::kOnlyOwnData}},
        {"PUT /api/v1/support/centres/{code}", {Expect::kStaffOnly, {{"languages", {"en"}}}}},
        {"PUT /api/v1/support/schedule", {Expect::kStaffOnly, {{"schedule", nullptr}}}},
        {"GET /api/v1/support/on-duty", {Expect::kOnlyOwnData}},
        {"GET /api/v1/support/escalation-levels", {Expect::kStaffOnly}},
        {"PUT /api/v1/support/escalation-levels", {Expect::kStaffOnly, {{"levels", nullptr}}}},
        {"GET /api/v1/support/mttr", {Expect::kRefused}},
        // NOC: provider staff and monitor tokens only; a customer's alarm is refused (403).
        {"POST /api/v1/noc/alarms",
         {Expect::kStaffOnly,
          {{"kind", "origin_unreachable"},
           {"scid", scid_},
           {"state", "firing"},
           {"observed_at", "2026-11-25T01:00:00Z"},
           {"summary", "forged"}}}},
        {"GET /api/v1/noc/monitors", {Expect::kStaffOnly}},
        {"POST /api/v1/noc/monitors", {Expect::kStaffOnly, {{"monitor_id", "rogue"}}}},
        {"DELETE /api/v1/noc/monitors/{monitor_id}", {Expect::kStaffOnly}},
        {"GET /api/v1/noc/dashboard", {Expect::kStaffOnly}},
        {"GET /api/v1/noc/events", {Expect::kStaffOnly}},
        {"GET /api/v1/noc/events/{reference}", {Expect::kStaffOnly}},
        // Network: topology for edges, monitors and staff; health reports for monitors only (a
        // signed-in user, customer or not, is refused with 403).
        {"GET /api/v1/network/topology", {Expect::kStaffOnly}},
        {"PUT /api/v1/network/health",
         {Expect::kStaffOnly,
          {{"observed_at", "2026-11-25T01:00:00Z"}, {"edges", nlohmann::json::array()}}}},
        // Tickets: another customer's ticket does not exist for B (404); B's own list is empty;
        // A's SCID in a new ticket is refused as an unknown service (400 at /scid).
        {"GET /api/v1/payments", {Expect::kOnlyOwnData}},
        {"POST /api/v1/payments",
         {Expect::kRefused,
          {{"customer_number", customer_number_},
           {"method", "wire"},
           {"amount_minor", 100},
           {"received_on", "2026-01-05"}}}},
        {"GET /api/v1/payments/{id}", {Expect::kRefused}},
        {"GET /api/v1/customers/{customer_number}/balance", {Expect::kRefused}},
        {"GET /api/v1/billing/aging", {Expect::kStaffOnly}},
        {"GET /api/v1/tickets", {Expect::kOnlyOwnData}},
        {"POST /api/v1/tickets",
         {Expect::kOnlyOwnData,
          {{"type", "service_change"},
           {"subject", "Move it"},
           {"scid", scid_},
           {"description", "Change A's service"}}}},
        {"GET /api/v1/tickets/{reference}", {Expect::kRefused}},
        {"PATCH /api/v1/tickets/{reference}", {Expect::kRefused, {{"severity", 1}}}},
        {"POST /api/v1/tickets/{reference}/notes",
         {Expect::kRefused, {{"body", "hello"}, {"visibility", "public"}}}},
        {"POST /api/v1/tickets/{reference}/transitions", {Expect::kRefused, {{"to", "closed"}}}},
        {"POST /api/v1/tickets/{reference}/escalate", {Expect::kRefused, {{"reason", "mine"}}}},
        {"POST /api/v1/tickets/{reference}/attachments", {Expect::kRefused}},
        {"GET /api/v1/tickets/{reference}/attachments/{id}", {Expect::kRefused}},
        // Orders: A's order and notices do not exist for B (404); B's list is empty; a new
        // order naming A's group is refused as a group B cannot see (400 at /access_group_id).
        {"GET /api/v1/orders", {Expect::kOnlyOwnData}},
        {"POST /api/v1/orders",
         {Expect::kOnlyOwnData,
          {{"type", "new_service"},
           {"customer_number", customer_number_},
           {"access_group_id", acme_uk_},
           {"customer_commit_date", "2030-01-01"},
           {"items", {{{"product", "cdn-delivery"}}}},
           {"technical",
            {{"aliases", {"www.bravo-takes-acme.test"}}, {"origin", {{"host", "o.test"}}}}}}}},
        {"GET /api/v1/orders/{order_number}", {Expect::kRefused}},
        {"PATCH /api/v1/orders/{order_number}",
         {Expect::kRefused, {{"customer_commit_date", "2030-02-01"}}}},
        {"POST /api/v1/orders/{order_number}/transitions",
         {Expect::kRefused, {{"to", "cancelled"}, {"reason", "not yours"}}}},
        {"GET /api/v1/orders/{order_number}/connection-notice", {Expect::kRefused}},
        {"GET /api/v1/services/{scid}/connection-notice", {Expect::kRefused}},
        // Billing requests: another customer's request does not exist for B (404); B's list is
        // empty; A's invoice number in a new request is refused as unknown (400 at
        // /invoice_number).
        {"GET /api/v1/billing-requests", {Expect::kOnlyOwnData}},
        {"POST /api/v1/billing-requests",
         {Expect::kOnlyOwnData,
          {{"invoice_number", "INV-2025-000001"},
           {"kind", "inquiry"},
           {"subject", "Whose invoice?"},
           {"description", "A's invoice"}}}},
        {"GET /api/v1/billing-requests/{reference}", {Expect::kRefused}},
        {"POST /api/v1/billing-requests/{reference}/notes",
         {Expect::kRefused, {{"text", "hello"}}}},
        {"POST /api/v1/billing-requests/{reference}/transitions",
         {Expect::kRefused, {{"to", "cancelled"}}}},
        {"POST /api/v1/billing-requests/{reference}/attachments", {Expect::kRefused}},
        {"GET /api/v1/billing-requests/{reference}/attachments/{id}", {Expect::kRefused}},
        // Billing: only the billing coordinator runs billing (403 for customers); another
        // customer's invoice and its renderings do not exist for B (404); B's list has only B's.
        {"POST /api/v1/billing/runs",
         {Expect::kStaffOnly, {{"period", "2025-11"}, {"customer_number", customer_number_}}}},
        {"GET /api/v1/billing/runs", {Expect::kStaffOnly}},
        {"GET /api/v1/invoices", {Expect::kOnlyOwnData}},
        {"GET /api/v1/invoices/{invoice_number}", {Expect::kRefused}},
        {"GET /api/v1/invoices/{invoice_number}/html", {Expect::kRefused}},
        {"GET /api/v1/invoices/{invoice_number}/pdf", {Expect::kRefused}},
        {"GET /api/v1/invoices/{invoice_number}/csv", {Expect::kRefused}},
        // Contracts: A's items, quotes and MSA terms do not exist for B (404); the product
        // catalogue is the same for everyone.
        {"GET /api/v1/services/{scid}/items", {Expect::kRefused}},
        {"POST /api/v1/services/{scid}/disconnect-quote",
         {Expect::kRefused, {{"cessation_date", "2030-01-01"}}}},
        {"GET /api/v1/products", {Expect::kOnlyOwnData}},
        {"GET /api/v1/customers/{customer_number}/terms", {Expect::kRefused}},
        {"PUT /api/v1/customers/{customer_number}/terms",
         {Expect::kRefused,
          {{"msa_reference", "MSA-HIJACK"},
           {"currency", "USD"},
           {"payment_terms_days", 1},
           {"warning_after_days", 1},
           {"final_warning_after_days", 2},
           {"suspend_after_days", 3},
           {"reason", "not yours"}}}},
    };
  }

  // A's identifiers that must never appear in what B is shown.
  std::vector<std::string> acme_secrets() const {
    return {scid_, customer_number_, "ana@acme.test", "Acme", acme_key_.key_id, "www.acme.test"};
  }

  // Calls every route as `caller` (a fresh client per call from `make_client`).
  void check_every_route(const std::function<ApiClient()>& make_client, const std::string& who) {
    const auto rows = table();
    std::set<std::string> seen;
    for (const auto& route : app().router().routes()) {
      const std::string key = route.method + " " + route.path_template;
      seen.insert(key);
      const auto row = rows.find(key);
      if (row == rows.end()) {
        ADD_FAILURE() << key << " has no row in the tenancy table: decide what another customer "
                      << "may see there and add it";
        continue;
      }
      std::string path = fill(route.path_template);
      if (key == "GET /api/v1/audit") path += "?entity_type=service&entity_id=" + scid_;
      if (key == "GET /api/v1/feed") path += "?after=0&wait=0";
      if (key == "GET /api/v1/usage") path += "?scid=" + scid_ + "&from=2026-11-01&to=2026-11-02";
      if (key == "GET /api/v1/usage/live") path += "?scid=" + scid_;
      if (key == "GET /api/v1/support/mttr") path += "?customer=" + customer_number_;
      ApiClient caller = make_client();
      const bool has_body =
          route.method == "POST" || route.method == "PUT" || route.method == "PATCH";
      const std::vector<std::string> headers =
          route.method == "POST" && route.path_template.ends_with("/configurations")
              ? std::vector<std::string>{"If-Match: \"v1\""}
              : std::vector<std::string>{};
      ApiResponse response =
          has_body ? caller.send(
                         route.method, path,
                         (row->second.body.is_null() ? nlohmann::json::object() : row->second.body)
                             .dump(),
                         headers)
                   : caller.send(route.method, path, std::nullopt, headers);
      SCOPED_TRACE(who + ": " + key + " → " + std::to_string(response.status) + " " +
                   response.body.substr(0, 300));
      switch (row->second.expect) {
        case Expect::kRefused:
          EXPECT_TRUE(response.status == 403 || response.status == 404 || response.status == 401);
          if (key != "POST /api/v1/session") {
            EXPECT_NE(response.status, 401);
          }
          break;
        case Expect::kStaffOnly:
          EXPECT_EQ(response.status, 403);
          break;
        case Expect::kNodeTokenOnly:
          EXPECT_EQ(response.status, 401);
          break;
        case Expect::kOnlyOwnData:
          EXPECT_LT(response.status, 500);
          if (key != "GET /api/v1/openapi.json") {
            for (const auto& secret : acme_secrets())
              EXPECT_EQ(response.body.find(secret), std::string::npos) << "leaks " << secret;
          }
          break;
      }
      if (response.status >= 400) {
        EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
      }
    }
    for (const auto& [key, row] : rows)
      EXPECT_TRUE(seen.count(key)) << key << " is in the table but the portal has no such route";
  }

  // What a provider admin sees of customer A, to compare before and after the attempts.
  std::map<std::string, std::string> acme_snapshot() {
    ApiClient root = signed_in("root@provider.test", kPassword);
    std::map<std::string, std::string> snapshot;
    for (const std::string& path :
         {"/api/v1/services/" + scid_, "/api/v1/services/" + scid_ + "/configurations",
          "/api/v1/services/" + scid_ + "/configurations/1",
          "/api/v1/services/" + scid_ + "/deployments",
          "/api/v1/services/" + scid_ + "/invalidations",
          "/api/v1/access-groups/" + std::to_string(acme_),
          "/api/v1/access-groups/" + std::to_string(acme_uk_),
          "/api/v1/customers/" + customer_number_,
          "/api/v1/customers/" + customer_number_ + "/account-team",
          "/api/v1/users/" + std::to_string(ana_), "/api/v1/api-keys/" + acme_key_.key_id,
          "/api/v1/maintenance/" + maintenance_reference_, "/api/v1/tickets/" + ticket_reference_,
          "/api/v1/orders/" + order_number_, "/api/v1/payments/" + payment_id_,
          "/api/v1/customers/" + customer_number_ + "/balance",
          "/api/v1/tickets/" + ticket_reference_ + "/attachments/" + attachment_id_,
          "/api/v1/billing-requests/" + billing_request_reference_,
          "/api/v1/billing-requests/" + billing_request_reference_ + "/attachments/" +
              billing_attachment_id_}) {
      auto response = root.get(path);
      EXPECT_EQ(response.status, 200) << path << " " << response.body;
      snapshot[path] = response.body;
    }
    return snapshot;
  }

  // Customer A's data is exactly as it was, and A's people and key still work.
  void expect_acme_untouched(const std::map<std::string, std::string>& before) {
    const auto after = acme_snapshot();
    for (const auto& [path, body] : before)
      EXPECT_EQ(after.at(path), body) << path << " changed";
    ApiClient ana_client = signed_in("ana@acme.test", kPassword);
    EXPECT_EQ(ana_client.get("/api/v1/services/" + scid_).status, 200);
    ApiClient robot = client();
    robot.use_api_key(acme_key_.key_id, acme_key_.secret);
    EXPECT_EQ(robot.get("/api/v1/services/" + scid_).status, 200) << "A's key must still work";
  }

  static constexpr const char* kPassword = "a long enough password";
  long long acme_ = 0, acme_uk_ = 0, bravo_ = 0, ana_ = 0;
  IssuedKey acme_key_, bravo_key_;
  std::string notification_id_, mail_id_;
  std::string customer_number_, scid_, deployment_id_, invalidation_id_, maintenance_reference_;
  std::string noc_event_reference_;
  SysTime maintenance_starts_;
  std::string ticket_reference_, attachment_id_;
  std::string order_number_;
  std::string payment_id_;
  std::string billing_request_reference_, billing_attachment_id_;
};

TEST_P(CrossCustomerTest, AnotherCustomersUserReachesNothingOfCustomerA) {
  const auto before = acme_snapshot();
  check_every_route([this] { return signed_in("bob@bravo.test", kPassword); }, "bob (session)");
  expect_acme_untouched(before);
}

TEST_P(CrossCustomerTest, AnotherCustomersApiKeyReachesNothingOfCustomerA) {
  const auto before = acme_snapshot();
  check_every_route(
      [this] {
        ApiClient robot = client();
        robot.use_api_key(bravo_key_.key_id, bravo_key_.secret);
        return robot;
      },
      "bravo API key");
  expect_acme_untouched(before);
}

INSTANTIATE_TEST_SUITE_P(Stores, CrossCustomerTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
