// /api/v1/support over HTTP (SQLite and PostgreSQL): reads for every signed-in user, changes for
// provider admins only, bad input refused with located errors and the stored configuration left
// untouched, If-Match, and the MTTR report as JSON and CSV with customer tenancy.
#include <gtest/gtest.h>
#include <soci/soci.h>

#include <chrono>

#include "control/database.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using namespace std::chrono;

const char* kPassword = "a long enough password";

SysTime utc(int month, int day, int hour, int minute = 0) {
  return sys_days{year{2026} / month / day} + hours(hour) + minutes(minute);
}

nlohmann::json every_day() {
  return {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
}

nlohmann::json shift(const std::string& centre, const std::string& start, const std::string& end,
                     int priority, nlohmann::json days = every_day()) {
  return {
      {"centre", centre}, {"days", days}, {"start", start}, {"end", end}, {"priority", priority}};
}

std::vector<std::string> pointers(const ApiResponse& response) {
  std::vector<std::string> out;
  for (const auto& e : response.json["errors"])
    out.push_back(e["pointer"].get<std::string>());
  return out;
}

class SupportApiTest : public PortalTest {
 protected:
  void SetUp() override {
    PortalTest::SetUp();
    if (HasFatalFailure()) return;
    clock().set(utc(11, 23, 8));  // Monday 08:00 UTC: Dublin is on duty
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    create_user("root@provider.test", kPassword, {{Role::kProviderAdmin, std::nullopt}});
    create_user("noc@provider.test", kPassword, {{Role::kNocEngineer, std::nullopt}});
    create_user("tech@provider.test", kPassword, {{Role::kCdnSupportTechnician, std::nullopt}});
    create_user("ana@acme.test", kPassword, {{Role::kAdmin, acme_}});
    create_user("bob@bravo.test", kPassword, {{Role::kAdmin, bravo_}});
    acme_number_ = create_customer("Acme Ltd", acme_);
    bravo_number_ = create_customer("Bravo Broadcasting", bravo_);
  }

  long long customer_id(const std::string& number) {
    auto id = context().db.with_session([&](soci::session& s) -> Result<long long> {
      long long value = 0;
      s << "SELECT id FROM customers WHERE customer_number = :n", soci::use(number),
          soci::into(value);
      return value;
    });
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }

  // An impairment ticket created at `created` with state changes (to, at); resolved_at is the
  // last change to "resolved". Plain SQL with the columns of migration 11.
  void insert_ticket(const std::string& customer, long long group, int severity, SysTime created,
                     const std::vector<std::pair<std::string, SysTime>>& changes) {
    const long long customer_row = customer_id(customer);
    auto made = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      const std::string reference = "TKT-2026-" + std::to_string(900000 + ++tickets_);
      std::string state = "new";
      long long resolved = 0;
      for (const auto& [to, at] : changes) {
        state = to;
        if (to == "resolved") resolved = control::to_epoch_ms(at);
      }
      const long long created_ms = control::to_epoch_ms(created);
      soci::indicator resolved_ind = resolved ? soci::i_ok : soci::i_null;
      long long id = 0;
      s << "INSERT INTO tickets (reference, type, origin, severity, state, customer_id,"
           " access_group_id, subject, centre_code, response_due_at, restore_due_at, resolved_at,"
           " created_at, updated_at) VALUES (:r, 'service_impairment', 'customer', :sev, :st, :c,"
           " :g, 'test', 'DUB', :d1, :d2, :res, :cr, :up) RETURNING id",
          soci::use(reference), soci::use(severity), soci::use(state), soci::use(customer_row),
          soci::use(group), soci::use(created_ms), soci::use(created_ms),
          soci::use(resolved, resolved_ind), soci::use(created_ms), soci::use(created_ms),
          soci::into(id);
      std::string from = "new";
      for (const auto& [to, at] : changes) {
        const long long at_ms = control::to_epoch_ms(at);
        std::string target = to;
        s << "INSERT INTO ticket_events (ticket_id, at, kind, visibility, from_state, to_state)"
             " VALUES (:id, :at, 'state_changed', 'public', :f, :t)",
            soci::use(id), soci::use(at_ms), soci::use(from), soci::use(target);
        from = to;
      }
      return true;
    });
    ASSERT_TRUE(made.ok()) << made.error();
  }

  long long acme_ = 0, bravo_ = 0;
  std::string acme_number_, bravo_number_;
  int tickets_ = 0;
};

TEST_P(SupportApiTest, EverySignedInUserReadsSeveritiesAndCentres) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  auto severities = ana.get("/api/v1/support/severities");
  ASSERT_EQ(severities.status, 200) << severities.body;
  ASSERT_EQ(severities.json["severities"].size(), 4u);
  const auto& critical = severities.json["severities"][0];
  EXPECT_EQ(critical["name"], "Critical");
  EXPECT_EQ(critical["initial_response_minutes"], 15);
  EXPECT_EQ(critical["update_interval_minutes"], 60);
  EXPECT_EQ(critical["restoration_minutes"], 240);
  EXPECT_EQ(severities.json["severities"][3]["restoration_minutes"], 14400);
  EXPECT_FALSE(severities.header("ETag").empty());

  auto centres = ana.get("/api/v1/support/centres");
  ASSERT_EQ(centres.status, 200) << centres.body;
  EXPECT_EQ(centres.json["centres"].size(), 4u);
  EXPECT_EQ(centres.json["schedule"][0], shift("DUB", "06:00", "14:00", 1));
  EXPECT_EQ(centres.json["schedule"][3], shift("TUL", "22:00", "06:00", 4));
  EXPECT_EQ(centres.json["on_duty_now"]["code"], "DUB");
  clock().set(utc(11, 23, 3));
  EXPECT_EQ(ana.get("/api/v1/support/centres").json["on_duty_now"]["code"], "TUL");

  EXPECT_EQ(client().get("/api/v1/support/severities").status, 401);
  EXPECT_EQ(client().get("/api/v1/support/centres").status, 401);
  EXPECT_EQ(client().get("/api/v1/support/on-duty").status, 401);
}

TEST_P(SupportApiTest, OnDutyFollowsTheSunAndTheLanguage) {
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  struct Case {
    const char* at;
    const char* language;
    const char* centre;
    bool matched;
  };
  for (const Case& c : {Case{"2026-11-23T08:00:00Z", "en", "DUB", true},
                        Case{"2026-11-23T12:00:00Z", "es", "LON", true},
                        Case{"2026-11-23T12:00:00Z", "de", "DUB", true},
                        Case{"2026-11-23T19:00:00Z", "es", "BRM", true},
                        Case{"2026-11-23T03:00:00Z", "en", "TUL", true},
                        Case{"2026-11-23T03:00:00Z", "fr", "TUL", false},
                        Case{"2026-11-28T23:30:00Z", "es-MX", "TUL", false}}) {
    auto duty =
        ana.get(std::string("/api/v1/support/on-duty?at=") + c.at + "&language=" + c.language);
    ASSERT_EQ(duty.status, 200) << duty.body;
    EXPECT_EQ(duty.json["centre"]["code"], c.centre) << c.at << " " << c.language;
    EXPECT_EQ(duty.json["language_matched"], c.matched) << c.at << " " << c.language;
  }
  auto now = ana.get("/api/v1/support/on-duty");
  ASSERT_EQ(now.status, 200);
  EXPECT_EQ(now.json["centre"]["code"], "DUB");
  EXPECT_EQ(now.json["at"], "2026-11-23T08:00:00Z");
  auto bad = ana.get("/api/v1/support/on-duty?at=yesterday&language=klingon");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers(bad), (std::vector<std::string>{"/query/at", "/query/language"}));
}

TEST_P(SupportApiTest, ProviderAdminReplacesTheSchedule) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  auto before = root.get("/api/v1/support/centres");
  const nlohmann::json schedule = {shift("DUB", "06:00", "14:00", 1),
                                   shift("BRM", "14:00", "00:00", 1),
                                   shift("TUL", "00:00", "06:00", 1)};
  auto replaced =
      root.put("/api/v1/support/schedule", {{"schedule", schedule}, {"reason", "Tulsa nights"}},
               {"If-Match: " + before.header("ETag")});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json["schedule"][1]["end"], "24:00");
  EXPECT_EQ(replaced.json["schedule"].size(), 3u);
  auto evening = root.get("/api/v1/support/on-duty?at=2026-11-23T23:00:00Z&language=en");
  EXPECT_EQ(evening.json["centre"]["code"], "BRM");
  auto audit = root.get("/api/v1/audit?entity_type=support_schedule&entity_id=schedule");
  ASSERT_EQ(audit.status, 200) << audit.body;
  ASSERT_EQ(audit.json["items"].size(), 1u);
  EXPECT_EQ(audit.json["items"][0]["reason"], "Tulsa nights");

  // The tag read before the change is stale now.
  auto stale = root.put("/api/v1/support/schedule", {{"schedule", before.json["schedule"]}},
                        {"If-Match: " + before.header("ETag")});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(root.get("/api/v1/support/centres").json["schedule"].size(), 3u);
}

TEST_P(SupportApiTest, BadSchedulesAreRefusedAndChangeNothing) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  const auto before = root.get("/api/v1/support/centres").json["schedule"];

  const nlohmann::json weekdays = {"mon", "tue", "wed", "thu", "fri"};
  auto gap = root.put(
      "/api/v1/support/schedule",
      {{"schedule",
        {shift("DUB", "06:00", "14:00", 1), shift("LON", "10:00", "18:00", 2),
         shift("TUL", "22:00", "06:00", 3), shift("BRM", "14:00", "22:00", 4, weekdays)}}});
  ASSERT_EQ(gap.status, 400) << gap.body;
  ASSERT_EQ(gap.json["errors"].size(), 2u);
  EXPECT_EQ(gap.json["errors"][0]["pointer"], "/schedule");
  EXPECT_EQ(gap.json["errors"][0]["message"], "no centre on duty on sat 18:00–22:00 UTC");
  EXPECT_EQ(gap.json["errors"][1]["message"], "no centre on duty on sun 18:00–22:00 UTC");

  const nlohmann::json odd_days = {"mon", "someday"};
  const nlohmann::json misspelt = {
      {"centre", "BRM"}, {"days", every_day()}, {"start", "12:00"}, {"stop", "13:00"}};
  auto bad_times = root.put(
      "/api/v1/support/schedule",
      {{"schedule",
        {shift("DUB", "6:00", "14:00", 1), shift("LON", "10:00", "25:00", 2),
         shift("PAR", "00:00", "24:00", 3), shift("TUL", "22:00", "06:00", 0, odd_days), misspelt}},
       {"comment", "x"}});
  ASSERT_EQ(bad_times.status, 400) << bad_times.body;
  const std::vector<std::string> expected = {
      "/comment",           "/schedule/0/start",    "/schedule/1/end",
      "/schedule/3/days/1", "/schedule/3/priority", "/schedule/4/stop",
      "/schedule/4/end"};
  EXPECT_EQ(pointers(bad_times), expected);
  auto unknown =
      root.put("/api/v1/support/schedule", {{"schedule", {shift("PAR", "00:00", "24:00", 1)}}});
  ASSERT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(pointers(unknown), std::vector<std::string>{"/schedule/0/centre"});
  auto empty = root.put("/api/v1/support/schedule", {{"schedule", nlohmann::json::array()}});
  EXPECT_EQ(empty.status, 400);
  auto not_json = root.send("PUT", "/api/v1/support/schedule", std::string("{"), {});
  EXPECT_EQ(not_json.status, 400);

  EXPECT_EQ(root.get("/api/v1/support/centres").json["schedule"], before);
  auto audit = root.get("/api/v1/audit?entity_type=support_schedule&entity_id=schedule");
  EXPECT_TRUE(audit.json["items"].empty()) << audit.body;
}

TEST_P(SupportApiTest, OnlyProviderAdminsChangeTheConfiguration) {
  const nlohmann::json whole_day = {{"schedule", {shift("DUB", "00:00", "24:00", 1)}}};
  const nlohmann::json severity = {{"name", "Critical"},
                                   {"definition", "Down."},
                                   {"examples", nlohmann::json::array()},
                                   {"initial_response_minutes", 1},
                                   {"update_interval_minutes", 1},
                                   {"restoration_minutes", 1}};
  const nlohmann::json levels = {
      {"levels", {{{"level", 1}, {"name", "Anyone"}, {"notify_role", "noc_engineer"}}}}};
  const nlohmann::json centre = {
      {"name", "Tulsa"}, {"city", "Tulsa, OK"}, {"country", "US"}, {"languages", {"en"}}};
  for (const char* who : {"noc@provider.test", "tech@provider.test", "ana@acme.test"}) {
    ApiClient user = signed_in(who, kPassword);
    EXPECT_EQ(user.put("/api/v1/support/schedule", whole_day).status, 403) << who;
    EXPECT_EQ(user.put("/api/v1/support/schedule", {{"schedule", "nonsense"}}).status, 403) << who;
    EXPECT_EQ(user.put("/api/v1/support/severities/1", severity).status, 403) << who;
    EXPECT_EQ(user.put("/api/v1/support/escalation-levels", levels).status, 403) << who;
    EXPECT_EQ(user.put("/api/v1/support/centres/TUL", centre).status, 403) << who;
  }
  ApiClient root = signed_in("root@provider.test", kPassword);
  EXPECT_EQ(root.get("/api/v1/support/centres").json["schedule"].size(), 4u);
  EXPECT_EQ(root.get("/api/v1/support/severities").json["severities"][0]["restoration_minutes"],
            240);
  EXPECT_EQ(root.get("/api/v1/support/escalation-levels").json["levels"].size(), 4u);
}

TEST_P(SupportApiTest, SeveritiesAreChangedWithLocatedErrors) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  const nlohmann::json major = {{"name", "Major"},
                                {"definition", "Seriously degraded."},
                                {"examples", {"Errors in one region"}},
                                {"initial_response_minutes", 20},
                                {"update_interval_minutes", 90},
                                {"restoration_minutes", 360},
                                {"reason", "contract renewal"}};
  auto changed = root.put("/api/v1/support/severities/2", major);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json["severity"], 2);
  EXPECT_EQ(changed.json["initial_response_minutes"], 20);

  auto bad = root.put("/api/v1/support/severities/2", {{"name", ""},
                                                       {"definition", 3},
                                                       {"examples", {"ok", 4}},
                                                       {"initial_response_minutes", 0},
                                                       {"update_interval_minutes", "soon"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  const std::vector<std::string> expected = {"/definition", "/examples/1",
                                             "/initial_response_minutes",
                                             "/update_interval_minutes", "/restoration_minutes"};
  EXPECT_EQ(pointers(bad), expected);
  auto empty_name = root.put("/api/v1/support/severities/2", {{"name", ""},
                                                              {"definition", "x"},
                                                              {"examples", nlohmann::json::array()},
                                                              {"initial_response_minutes", 500},
                                                              {"update_interval_minutes", 10},
                                                              {"restoration_minutes", 100}});
  ASSERT_EQ(empty_name.status, 400) << empty_name.body;
  EXPECT_EQ(pointers(empty_name), std::vector<std::string>{"/name"});
  EXPECT_EQ(root.put("/api/v1/support/severities/5", major).status, 404);
  EXPECT_EQ(root.put("/api/v1/support/severities/one", major).status, 404);
  auto after = root.get("/api/v1/support/severities");
  EXPECT_EQ(after.json["severities"][1]["initial_response_minutes"], 20);
  EXPECT_EQ(after.json["severities"][1]["examples"], nlohmann::json({"Errors in one region"}));
}

TEST_P(SupportApiTest, EscalationLevelsAreForStaff) {
  ApiClient tech = signed_in("tech@provider.test", kPassword);
  auto levels = tech.get("/api/v1/support/escalation-levels");
  ASSERT_EQ(levels.status, 200) << levels.body;
  ASSERT_EQ(levels.json["levels"].size(), 4u);
  EXPECT_EQ(levels.json["levels"][2]["notify_account_team_role"], "customer_care_manager");
  EXPECT_TRUE(levels.json["levels"][2]["notify_role"].is_null());
  ApiClient ana = signed_in("ana@acme.test", kPassword);
  EXPECT_EQ(ana.get("/api/v1/support/escalation-levels").status, 403);

  ApiClient root = signed_in("root@provider.test", kPassword);
  const nlohmann::json first = {
      {"level", 1}, {"name", "Senior technician"}, {"notify_role", "cdn_support_technician"}};
  const nlohmann::json second = {{"level", 2},
                                 {"name", "Care manager"},
                                 {"notify_role", nullptr},
                                 {"notify_account_team_role", "customer_care_manager"},
                                 {"notify_user_ids", nlohmann::json::array()}};
  auto replaced = root.put("/api/v1/support/escalation-levels", {{"levels", {first, second}}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json["levels"].size(), 2u);
  const nlohmann::json wizard = {{"level", 2}, {"name", "Wrong"}, {"notify_role", "wizard"}};
  const nlohmann::json nobody = {{"level", 2}, {"name", "Nobody"}};
  auto bad = root.put("/api/v1/support/escalation-levels", {{"levels", {wizard, nobody}}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers(bad), std::vector<std::string>{"/levels/0/notify_role"});
  auto unnumbered = root.put("/api/v1/support/escalation-levels", {{"levels", {nobody}}});
  ASSERT_EQ(unnumbered.status, 400) << unnumbered.body;
  EXPECT_EQ(pointers(unnumbered),
            (std::vector<std::string>{"/levels/0/level", "/levels/0/notify_role"}));
  EXPECT_EQ(tech.get("/api/v1/support/escalation-levels").json["levels"].size(), 2u);
}

TEST_P(SupportApiTest, CentreLanguagesChangeRouting) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  const nlohmann::json bad_languages = {{"name", "Tulsa"},
                                        {"city", "Tulsa, OK"},
                                        {"country", "US"},
                                        {"languages", {"en", "spanish"}}};
  auto bad = root.put("/api/v1/support/centres/TUL", bad_languages);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers(bad), std::vector<std::string>{"/languages/1"});
  const nlohmann::json paris = {
      {"name", "Paris"}, {"city", "Paris"}, {"country", "FR"}, {"languages", {"fr"}}};
  EXPECT_EQ(root.put("/api/v1/support/centres/PAR", paris).status, 404);
  const nlohmann::json tulsa = {
      {"name", "Tulsa"}, {"city", "Tulsa, OK"}, {"country", "US"}, {"languages", {"en", "es"}}};
  auto changed = root.put("/api/v1/support/centres/TUL", tulsa);
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto duty = root.get("/api/v1/support/on-duty?at=2026-11-23T03:00:00Z&language=es");
  EXPECT_EQ(duty.json["centre"]["code"], "TUL");
  EXPECT_EQ(duty.json["language_matched"], true);
}

TEST_P(SupportApiTest, MttrReportAsJsonAndCsvWithTenancy) {
  // Acme sev 1: 4 h with 1 h pending → 180 min; Acme sev 1: 60 min; Bravo sev 2: 30 min in
  // October (resolved 23:59 on the 31st).
  insert_ticket(acme_number_, acme_, 1, utc(11, 2, 10),
                {{"acknowledged", utc(11, 2, 10, 5)},
                 {"pending_customer", utc(11, 2, 11)},
                 {"in_progress", utc(11, 2, 12)},
                 {"resolved", utc(11, 2, 14)}});
  insert_ticket(acme_number_, acme_, 1, utc(11, 3, 10), {{"resolved", utc(11, 3, 11)}});
  insert_ticket(bravo_number_, bravo_, 2, utc(10, 31, 23, 29), {{"resolved", utc(10, 31, 23, 59)}});

  ApiClient root = signed_in("root@provider.test", kPassword);
  auto all = root.get("/api/v1/support/mttr?from=2026-10&to=2026-11");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json["rows"].size(), 2u);
  EXPECT_EQ(all.json["rows"][0]["month"], "2026-10");
  EXPECT_EQ(all.json["rows"][0]["customer_number"], bravo_number_);
  EXPECT_EQ(all.json["rows"][0]["mttr_minutes"], 30.0);
  EXPECT_EQ(all.json["rows"][1]["customer_name"], "Acme Ltd");
  EXPECT_EQ(all.json["rows"][1]["tickets"], 2);
  EXPECT_EQ(all.json["rows"][1]["mttr_minutes"], 120.0);
  EXPECT_EQ(all.json["rows"][1]["excluded_pending_minutes"], 60.0);
  EXPECT_EQ(all.json["totals"].size(), 4u);
  EXPECT_TRUE(all.json["totals"][3]["mttr_minutes"].is_null());
  EXPECT_NE(all.json["rule"].get<std::string>().find("pending_customer"), std::string::npos);

  auto csv = root.get("/api/v1/support/mttr?from=2026-10&to=2026-11&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("Content-Type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body,
            "month,customer_number,customer_name,severity,tickets,mttr_minutes,"
            "excluded_pending_minutes\r\n2026-10," +
                bravo_number_ + ",Bravo Broadcasting,2,1,30.0,0.0\r\n2026-11," + acme_number_ +
                ",Acme Ltd,1,2,120.0,60.0\r\n");
  auto by_accept = root.get("/api/v1/support/mttr?from=2026-11&to=2026-11", {"Accept: text/csv"});
  EXPECT_EQ(by_accept.header("Content-Type").rfind("text/csv", 0), 0u);

  // The current month by default (the clock is in November 2026).
  EXPECT_EQ(root.get("/api/v1/support/mttr").json["rows"].size(), 1u);

  ApiClient bob = signed_in("bob@bravo.test", kPassword);
  auto own = bob.get("/api/v1/support/mttr?from=2026-10&to=2026-11");
  ASSERT_EQ(own.status, 200) << own.body;
  ASSERT_EQ(own.json["rows"].size(), 1u);
  EXPECT_EQ(own.json["rows"][0]["customer_number"], bravo_number_);
  EXPECT_EQ(own.body.find("Acme"), std::string::npos);
  const std::string range = "/api/v1/support/mttr?from=2026-10&to=2026-11";
  EXPECT_EQ(bob.get(range + "&customer=" + acme_number_).status, 404);
  EXPECT_EQ(bob.get(range + "&customer=C9999999").status, 404);
  EXPECT_EQ(bob.get(range + "&format=csv").body.find("Acme"), std::string::npos);
  EXPECT_EQ(root.get(range + "&customer=" + acme_number_ + "&severity=1").json["rows"].size(), 1u);
}

TEST_P(SupportApiTest, MttrRefusesBadQueries) {
  ApiClient root = signed_in("root@provider.test", kPassword);
  struct Case {
    const char* query;
    std::vector<std::string> pointers;
  };
  const std::vector<Case> cases = {{"from=2026-13&to=2026-11", {"/query/from"}},
                                   {"from=2026-11&to=november", {"/query/to"}},
                                   {"from=2026-11&to=2026-10", {"/query/to"}},
                                   {"from=2020-01&to=2026-11", {"/query/to"}},
                                   {"severity=5&format=xml", {"/query/severity", "/query/format"}},
                                   {"from=2026-1-01", {"/query/from"}}};
  for (const Case& c : cases) {
    auto response = root.get(std::string("/api/v1/support/mttr?") + c.query);
    ASSERT_EQ(response.status, 400) << c.query << " " << response.body;
    EXPECT_EQ(pointers(response), c.pointers) << c.query;
  }
  EXPECT_EQ(client().get("/api/v1/support/mttr").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Stores, SupportApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
