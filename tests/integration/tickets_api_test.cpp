// The ticket API end to end on an in-process portal: opening with located errors, tenancy
// (another customer's tickets are 404), notes, transitions by role, escalation by the job and by
// the customer, attachments (limits, bytes, headers, internal files hidden).
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "a long enough password";

std::string utc(SysTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::vector<std::string> error_pointers(const ApiResponse& response) {
  std::vector<std::string> out;
  if (response.json.contains("errors")) {
    for (const auto& error : response.json["errors"])
      out.push_back(error["pointer"].get<std::string>());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class TicketsApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("ted@provider.test", kPassword, {{Role::kCdnSupportTechnician, std::nullopt}},
                "Ted Tech");
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}}, "Ana");
    create_user("rita@acme.test", kPassword, {{Role::kReadOnly, acme_}}, "Rita");
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}}, "Bob");
    const std::string acme_customer = create_customer("Acme Ltd", acme_);
    const std::string bravo_customer = create_customer("Bravo plc", bravo_);
    ApiClient root = signed_in("root@provider.test", kPassword);
    acme_scid_ = api_create_service(root, acme_, acme_customer);
    bravo_scid_ = api_create_service(root, bravo_, bravo_customer);
  }

  nlohmann::json impairment(const std::string& scid, int severity = 3) {
    return {{"type", "service_impairment"},
            {"severity", severity},
            {"subject", "Segments time out"},
            {"scid", scid},
            {"description", "Players stall"},
            {"alarm_info", "5xx 12%"},
            {"problem_started_at", utc(clock().now() - std::chrono::minutes(20))},
            {"contact",
             {{"name", "Ana"},
              {"email", "ana@acme.test"},
              {"phones", {"+44 20 7946 0000"}},
              {"alternate_contact", "NOC desk +44 20 7946 0999"}}}};
  }

  std::string open_ticket(ApiClient& as, const nlohmann::json& body) {
    auto created = as.post("/api/v1/tickets", body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json.value("reference", "");
  }

  void run_job(const std::string& name) {
    for (auto& job : context().jobs) {
      if (job.name == name) return job.run();
    }
    ADD_FAILURE() << "no job " << name;
  }

  long long acme_ = 0, bravo_ = 0;
  std::string acme_scid_, bravo_scid_;
};

TEST_P(TicketsApiTest, MissingFieldsFirstThenAComplete) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  nlohmann::json body = impairment(acme_scid_);
  body.erase("alarm_info");
  body["contact"].erase("phones");
  body["contact"]["email"] = "ana at acme";
  body["problem_started_at"] = "yesterday";
  body["severity"] = "high";
  auto refused = ana.post("/api/v1/tickets", body);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(error_pointers(refused),
            (std::vector<std::string>{"/alarm_info", "/contact/email", "/contact/phones",
                                      "/problem_started_at", "/severity"}));
  auto unknown = ana.post("/api/v1/tickets", {{"type", "account_inquiry"},
                                              {"subject", "x"},
                                              {"description", "y"},
                                              {"priority", "urgent"}});
  ASSERT_EQ(unknown.status, 400);
  EXPECT_EQ(error_pointers(unknown), std::vector<std::string>{"/priority"});
  EXPECT_EQ(ana.send("POST", "/api/v1/tickets", std::string("{\"type\":")).status, 400);
  EXPECT_EQ(ana.send("POST", "/api/v1/tickets", std::string("[]")).status, 400);
  EXPECT_EQ(ana.send("POST", "/api/v1/tickets", std::string("type=x"), {}, "text/plain").status,
            415);
  EXPECT_EQ(ana.get("/api/v1/tickets").json["items"].size(), 0u);

  auto created = ana.post("/api/v1/tickets", impairment(acme_scid_));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string reference = created.json["reference"];
  EXPECT_EQ(created.header("Location"), "/api/v1/tickets/" + reference);
  EXPECT_EQ(created.json["state"], "new");
  EXPECT_EQ(created.json["scid"], acme_scid_);
  EXPECT_EQ(created.json["contact"]["phones"][0], "+44 20 7946 0000");
  EXPECT_TRUE(created.json["centre"]["code"].is_string());
  EXPECT_EQ(created.json["severity_targets"]["initial_response_minutes"], 240);
  ASSERT_EQ(created.json["timeline"].size(), 2u);
  EXPECT_EQ(created.json["timeline"][1]["kind"], "routed");
  auto listed = ana.get("/api/v1/tickets?state=open");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json["items"].size(), 1u);
  EXPECT_EQ(listed.json["items"][0]["reference"], reference);
  EXPECT_EQ(listed.json["items"][0]["centre"], created.json["centre"]["code"]);
  EXPECT_EQ(ana.get("/api/v1/tickets?state=resolved").json["items"].size(), 0u);
  EXPECT_EQ(ana.get("/api/v1/tickets?severity=9").status, 400);
  EXPECT_EQ(ana.get("/api/v1/tickets?state=sleeping").status, 400);

  ApiClient rita = signed_in("rita@acme.test", kPassword);
  EXPECT_EQ(rita.get("/api/v1/tickets/" + reference).status, 200);
  EXPECT_EQ(rita.post("/api/v1/tickets", impairment(acme_scid_)).status, 403);
}

TEST_P(TicketsApiTest, AnotherCustomerCannotSeeOrTouchTheTicket) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  const std::string reference = open_ticket(ana, impairment(acme_scid_));
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  const std::string path = "/api/v1/tickets/" + reference;
  auto seen = bob.get(path);
  EXPECT_EQ(seen.status, 404);
  EXPECT_EQ(seen.body.find(acme_scid_), std::string::npos);
  EXPECT_EQ(bob.get("/api/v1/tickets/TKT-2026-999999").json["detail"],
            "there is no ticket TKT-2026-999999");
  EXPECT_EQ(bob.get("/api/v1/tickets/nonsense").status, 404);
  EXPECT_EQ(bob.post(path + "/notes", {{"body", "hi"}}).status, 404);
  EXPECT_EQ(bob.post(path + "/transitions", {{"to", "closed"}}).status, 404);
  EXPECT_EQ(bob.post(path + "/escalate", {{"reason", "x"}}).status, 404);
  EXPECT_EQ(bob.patch(path, {{"severity", 1}}).status, 404);
  EXPECT_EQ(bob.get("/api/v1/tickets").json["items"].size(), 0u);
  // Ana's SCID is not a service Bob can report.
  nlohmann::json body = impairment(acme_scid_);
  auto refused = bob.post("/api/v1/tickets", body);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(error_pointers(refused), std::vector<std::string>{"/scid"});
  EXPECT_EQ(refused.body.find(acme_scid_), std::string::npos);
  // Bob's own ticket works and Ana does not see it.
  const std::string bravo_ticket = open_ticket(bob, impairment(bravo_scid_));
  EXPECT_EQ(ana.get("/api/v1/tickets/" + bravo_ticket).status, 404);
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.get("/api/v1/tickets").json["items"].size(), 2u);
}

TEST_P(TicketsApiTest, NotesTransitionsAndStaffChanges) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient ted = signed_in("ted@provider.test", kPassword);
  const std::string reference = open_ticket(ana, impairment(acme_scid_));
  const std::string path = "/api/v1/tickets/" + reference;

  EXPECT_EQ(ana.post(path + "/transitions", {{"to", "acknowledged"}}).status, 403);
  EXPECT_EQ(ted.post(path + "/transitions", {{"to", "resolved"}}).status, 409);
  auto bad_state = ted.post(path + "/transitions", {{"to", "done"}});
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_EQ(error_pointers(bad_state), std::vector<std::string>{"/to"});
  auto acknowledged =
      ted.post(path + "/transitions", {{"to", "acknowledged"}, {"reason", "Looking"}});
  ASSERT_EQ(acknowledged.status, 200) << acknowledged.body;
  EXPECT_EQ(acknowledged.json["state"], "acknowledged");
  EXPECT_TRUE(acknowledged.json["acknowledged_at"].is_string());

  auto internal = ted.post(path + "/notes", {{"body", "lon-3 disk"}, {"visibility", "internal"}});
  ASSERT_EQ(internal.status, 201) << internal.body;
  EXPECT_EQ(ana.post(path + "/notes", {{"body", "x"}, {"visibility", "internal"}}).status, 403);
  EXPECT_EQ(ana.post(path + "/notes", {{"body", "x"}, {"visibility", "secret"}}).status, 400);
  EXPECT_EQ(ana.post(path + "/notes", nlohmann::json::object()).status, 400);
  auto note = ana.post(path + "/notes", {{"body", "Still failing"}});
  ASSERT_EQ(note.status, 201) << note.body;
  const auto& timeline = note.json["timeline"];
  EXPECT_TRUE(std::none_of(timeline.begin(), timeline.end(),
                           [](const nlohmann::json& e) { return e["visibility"] == "internal"; }));
  EXPECT_EQ(ana.get(path).body.find("lon-3 disk"), std::string::npos);
  EXPECT_NE(ted.get(path).body.find("lon-3 disk"), std::string::npos);

  EXPECT_EQ(ana.patch(path, {{"severity", 1}}).status, 403);
  auto patched = ted.patch(path, {{"severity", 2}, {"reason", "wider impact"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["severity"], 2);
  EXPECT_EQ(patched.json["severity_targets"]["restoration_minutes"], 480);
  EXPECT_EQ(ted.patch(path, {{"severity", 5}}).status, 400);
  EXPECT_EQ(ted.patch(path, {{"colour", "red"}}).status, 400);
}

TEST_P(TicketsApiTest, SeverityOneEscalatesWhenTheJobFindsItOverdue) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  const std::string reference = open_ticket(ana, impairment(acme_scid_, 1));
  const std::string path = "/api/v1/tickets/" + reference;
  clock().advance(std::chrono::minutes(14));
  run_job("ticket-escalation");
  EXPECT_EQ(ana.get(path).json["escalation_level"], 0);
  clock().advance(std::chrono::minutes(1));
  run_job("ticket-escalation");
  auto escalated = ana.get(path);
  EXPECT_EQ(escalated.json["escalation_level"], 1);
  EXPECT_EQ(escalated.json["timeline"].back()["kind"], "escalated");
  // The customer can push it further, but not without saying why.
  EXPECT_EQ(ana.post(path + "/escalate", nlohmann::json::object()).status, 400);
  auto pushed = ana.post(path + "/escalate", {{"reason", "Launch in an hour"}});
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  EXPECT_EQ(pushed.json["escalation_level"], 2);
}

TEST_P(TicketsApiTest, Attachments) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  ApiClient ted = signed_in("ted@provider.test", kPassword);
  const std::string reference = open_ticket(ana, impairment(acme_scid_));
  const std::string base = "/api/v1/tickets/" + reference + "/attachments";
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(2 * 1024 * 1024, 'p');
  auto stored = ana.send("POST", base + "?filename=screen%20shot.png", png, {}, "image/png");
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(stored.json["filename"], "screen shot.png");
  EXPECT_EQ(stored.json["size"], static_cast<long long>(png.size()));
  const std::string id = std::to_string(stored.json["id"].get<long long>());
  EXPECT_EQ(stored.header("Location"), base + "/" + id);

  auto download = ana.get(base + "/" + id);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body, png);
  EXPECT_EQ(download.header("Content-Type"), "image/png");
  EXPECT_EQ(download.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(
      download.header("Content-Disposition").rfind("attachment; filename=\"screen shot.png\"", 0),
      0u);

  const std::string too_large(10 * 1024 * 1024 + 1, 'a');
  EXPECT_EQ(ana.send("POST", base + "?filename=big.txt", too_large, {}, "text/plain").status, 413);
  EXPECT_EQ(
      ana.send("POST", base + "?filename=page.html", std::string("<p>"), {}, "text/html").status,
      400);
  EXPECT_EQ(ana.send("POST", base, std::string("abc"), {}, "text/plain").status, 400);
  EXPECT_EQ(ana.send("POST", base + "?filename=a.txt&visibility=internal", std::string("abc"), {},
                     "text/plain")
                .status,
            403);

  auto internal = ted.send("POST", base + "?filename=trace.txt&visibility=internal",
                           std::string("edge trace"), {}, "text/plain");
  ASSERT_EQ(internal.status, 201) << internal.body;
  const std::string internal_id = std::to_string(internal.json["id"].get<long long>());
  EXPECT_EQ(ana.get(base + "/" + internal_id).status, 404);
  auto staff_copy = ted.get(base + "/" + internal_id);
  EXPECT_EQ(staff_copy.status, 200);
  EXPECT_EQ(staff_copy.body, "edge trace");
  EXPECT_EQ(staff_copy.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(ana.get(base + "/999999").status, 404);
  EXPECT_EQ(ana.get("/api/v1/tickets/" + reference).body.find("trace.txt"), std::string::npos);
  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  EXPECT_EQ(bob.get(base + "/" + id).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Stores, TicketsApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
