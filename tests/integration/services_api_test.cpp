// Services, configuration versions and deployments through the HTTP API: the happy paths and
// every refusal (bad bodies, tenancy, roles, ETags, aliases, unknown versions, environments).
#include <gtest/gtest.h>
#include <soci/soci.h>

#include "control/feed.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery";

class ServicesApiTest : public PortalTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    acme_uk_ = create_group(acme_, "UK");
    globex_ = create_group(std::nullopt, "Globex");
    ASSERT_NO_FATAL_FAILURE(insert_customer("CUST-ACME", acme_));
    ASSERT_NO_FATAL_FAILURE(insert_customer("CUST-GLOBEX", globex_));
    create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}}, "Sam Staff");
    create_user("admin@acme.example", kPassword, {{Role::kAdmin, acme_}}, "Ann Admin");
    create_user("tech@acme.example", kPassword, {{Role::kTechnical, acme_}}, "Tom Tech");
    create_user("viewer@acme.example", kPassword, {{Role::kReadOnly, acme_}}, "Rita Viewer");
    create_user("admin@globex.example", kPassword, {{Role::kAdmin, globex_}}, "Gus Globex");
  }

  void insert_customer(const std::string& number, long long organisation) {
    auto inserted = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
      s << "INSERT INTO customers (customer_number, name, country, created_at, organisation_id)"
           " VALUES (:n, :name, 'GB', 0, :org)",
          soci::use(number), soci::use(number), soci::use(organisation);
      return true;
    });
    ASSERT_TRUE(inserted.ok()) << inserted.error();
  }

  // A service created (and activated) by staff through the API; returns its SCID.
  std::string make_service(ApiClient& staff, long long group, const std::string& customer,
                           bool activate = true) {
    ApiResponse made =
        staff.post("/api/v1/services", {{"access_group_id", group}, {"customer_number", customer}});
    EXPECT_EQ(made.status, 201) << made.body;
    const std::string scid = made.json.value("scid", "");
    if (activate) {
      ApiResponse active = staff.patch("/api/v1/services/" + scid,
                                       {{"state", "active"}, {"reason", "order complete"}});
      EXPECT_EQ(active.status, 200) << active.body;
    }
    return scid;
  }

  static json document(const std::string& scid, const std::string& alias,
                       const std::string& origin = "origin.example.com") {
    return {{"scid", scid},
            {"properties",
             {{{"id", "www"}, {"primary_alias", alias}, {"origin", {{"host", origin}}}}}}};
  }

  static std::string configurations(const std::string& scid) {
    return "/api/v1/services/" + scid + "/configurations";
  }

  // The feed's events of `kind` (state changes of the services are events of their own).
  std::vector<control::FeedEvent> feed_events(const std::string& kind = "deployment") {
    auto events = context().db.with_session(
        [&](soci::session& s) { return control::Feed(s, clock()).after(0, 100); });
    EXPECT_TRUE(events.ok()) << events.error();
    std::vector<control::FeedEvent> of_kind;
    if (events.ok()) {
      for (auto& e : events.value()) {
        if (e.kind == kind) of_kind.push_back(std::move(e));
      }
    }
    return of_kind;
  }

  long long acme_ = 0, acme_uk_ = 0, globex_ = 0;
};

std::set<std::string> pointers_of(const ApiResponse& response) {
  std::set<std::string> out;
  for (const auto& error : response.json["errors"])
    out.insert(error["pointer"].get<std::string>());
  return out;
}

TEST_P(ServicesApiTest, StaffCreateListAndMoveServicesThroughTheirStates) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse made = staff.post("/api/v1/services", {{"access_group_id", acme_uk_},
                                                     {"customer_number", "CUST-ACME"},
                                                     {"reason", "order ORD-2026-000001"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string scid = made.json["scid"];
  EXPECT_EQ(made.header("Location"), "/api/v1/services/" + scid);
  EXPECT_EQ(made.json["state"], "pending");
  EXPECT_EQ(made.json["access_group_id"], acme_uk_);
  EXPECT_EQ(made.json["access_group_name"], "UK");
  EXPECT_EQ(made.json["customer_number"], "CUST-ACME");
  EXPECT_FALSE(made.header("ETag").empty());

  ApiResponse read = staff.get("/api/v1/services/" + scid);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.header("ETag"), made.header("ETag"));
  ApiResponse cached =
      staff.get("/api/v1/services/" + scid, {"If-None-Match: " + read.header("ETag")});
  EXPECT_EQ(cached.status, 304);

  ApiResponse stale =
      staff.patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "x"}},
                  {"If-Match: \"0123456789abcdef0123456789abcdef\""});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.header("ETag"), read.header("ETag"));
  ApiResponse active =
      staff.patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "activated"}},
                  {"If-Match: " + read.header("ETag")});
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(active.json["state"], "active");
  EXPECT_NE(active.header("ETag"), read.header("ETag"));
  ApiResponse bad_step =
      staff.patch("/api/v1/services/" + scid, {{"state", "pending"}, {"reason", "oops"}});
  EXPECT_EQ(bad_step.status, 409) << bad_step.body;
  EXPECT_EQ(bad_step.json["type"], "https://candela.dev/problems/conflict");
  ApiResponse no_reason = staff.patch("/api/v1/services/" + scid, {{"state", "suspended"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(pointers_of(no_reason), (std::set<std::string>{"/reason"}));
  ApiResponse bad_state = staff.patch("/api/v1/services/" + scid,
                                      {{"state", "paused"}, {"reason", "x"}, {"colour", 1}});
  EXPECT_EQ(bad_state.status, 400);
  EXPECT_EQ(pointers_of(bad_state), (std::set<std::string>{"/state", "/colour"}));
  // Only the change that was made reached the feed, and the long polls were woken for it.
  auto states = feed_events("service_state");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].payload,
            (json{{"scid", scid}, {"state", "active"}, {"reason", "activated"}}));
  EXPECT_TRUE(
      context().feed_signal.wait_beyond(states[0].sequence - 1, std::chrono::milliseconds(0)))
      << "the long-polls were woken";

  const std::string globex = make_service(staff, globex_, "CUST-GLOBEX", false);
  ApiResponse all = staff.get("/api/v1/services?limit=1");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json["items"].size(), 1u);
  ASSERT_TRUE(all.json["next_cursor"].is_string());
  EXPECT_NE(all.header("Link").find("rel=\"next\""), std::string::npos);
  ApiResponse second =
      staff.get("/api/v1/services?limit=1&cursor=" + all.json["next_cursor"].get<std::string>());
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(second.json["items"].size(), 1u);
  EXPECT_TRUE(second.json["next_cursor"].is_null());
  EXPECT_NE(second.json["items"][0]["scid"], all.json["items"][0]["scid"]);
  ApiResponse pending = staff.get("/api/v1/services?state=pending");
  ASSERT_EQ(pending.status, 200);
  ASSERT_EQ(pending.json["items"].size(), 1u);
  EXPECT_EQ(pending.json["items"][0]["scid"], globex);
  EXPECT_EQ(staff.get("/api/v1/services?state=sleeping").status, 400);
  EXPECT_EQ(staff.get("/api/v1/services?access_group_id=x").status, 400);
  EXPECT_EQ(staff.get("/api/v1/services?cursor=QUJD").status, 400);
}

TEST_P(ServicesApiTest, CreateRefusesCustomersAndReportsEveryBadField) {
  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse customer = admin.post("/api/v1/services",
                                    {{"access_group_id", acme_}, {"customer_number", "CUST-ACME"}});
  EXPECT_EQ(customer.status, 403) << customer.body;

  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse shape = staff.post("/api/v1/services", {{"access_group_id", "one"}, {"extra", true}});
  EXPECT_EQ(shape.status, 400);
  EXPECT_EQ(pointers_of(shape),
            (std::set<std::string>{"/access_group_id", "/customer_number", "/extra"}));
  ApiResponse unknown =
      staff.post("/api/v1/services", {{"access_group_id", 999999}, {"customer_number", "NOPE"}});
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(pointers_of(unknown), (std::set<std::string>{"/access_group_id", "/customer_number"}));
  ApiResponse foreign = staff.post(
      "/api/v1/services", {{"access_group_id", acme_}, {"customer_number", "CUST-GLOBEX"}});
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(pointers_of(foreign), (std::set<std::string>{"/customer_number"}));
  ApiResponse not_json = staff.send("POST", "/api/v1/services", std::string("{\"access"));
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(staff.get("/api/v1/services").json["items"].size(), 0u);
}

TEST_P(ServicesApiTest, CustomersReachOnlyTheirOwnServices) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string acme = make_service(staff, acme_uk_, "CUST-ACME");
  const std::string globex = make_service(staff, globex_, "CUST-GLOBEX");
  ASSERT_EQ(
      staff.post(configurations(globex), {{"document", document(globex, "g.example.com")}}).status,
      201);

  ApiClient admin = signed_in("admin@acme.example", kPassword);
  ApiResponse mine = admin.get("/api/v1/services");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json["items"].size(), 1u);
  EXPECT_EQ(mine.json["items"][0]["scid"], acme);

  for (const std::string& path :
       {"/api/v1/services/" + globex, configurations(globex), configurations(globex) + "/1",
        configurations(globex) + "/latest", configurations(globex) + "/1/diff?against=1",
        "/api/v1/services/" + globex + "/deployments"}) {
    ApiResponse hidden = admin.get(path);
    EXPECT_EQ(hidden.status, 404) << path << " " << hidden.body;
  }
  EXPECT_EQ(admin
                .post(configurations(globex), {{"document", document(globex, "x.example.com")}},
                      {"If-Match: \"v1\""})
                .status,
            404);
  EXPECT_EQ(admin
                .post(configurations(globex) + "/validate",
                      {{"document", document(globex, "x.example.com")}})
                .status,
            404);
  EXPECT_EQ(admin
                .post("/api/v1/services/" + globex + "/deployments",
                      {{"version", 1}, {"environment", "staging"}})
                .status,
            404);
  EXPECT_EQ(
      admin.patch("/api/v1/services/" + globex, {{"state", "suspended"}, {"reason", "x"}}).status,
      404);

  for (const char* bad : {"not-a-scid", "ab12cd34e", "OOOOOOOOO"}) {
    ApiResponse malformed = admin.get(std::string("/api/v1/services/") + bad);
    EXPECT_EQ(malformed.status, 400) << bad << " " << malformed.body;
    EXPECT_EQ(malformed.json["type"], "https://candela.dev/problems/bad-request");
  }
}

TEST_P(ServicesApiTest, ConfigurationVersionsNeedTheLatestETag) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string scid = make_service(staff, acme_, "CUST-ACME");
  ApiClient tech = signed_in("tech@acme.example", kPassword);

  ApiResponse none = tech.get(configurations(scid) + "/latest");
  EXPECT_EQ(none.status, 404) << none.body;
  ApiResponse stale_first =
      tech.post(configurations(scid), {{"document", document(scid, "www.acme.example")}},
                {"If-Match: \"v1\""});
  EXPECT_EQ(stale_first.status, 412) << stale_first.body;
  ApiResponse first =
      tech.post(configurations(scid),
                {{"document", document(scid, "www.acme.example")}, {"comment", "first"}},
                {"If-None-Match: *"});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("ETag"), "\"v1\"");
  EXPECT_EQ(first.header("Location"), configurations(scid) + "/1");
  EXPECT_EQ(first.json["version"], 1);
  EXPECT_EQ(first.json["author"]["name"], "Tom Tech");
  EXPECT_EQ(first.json["comment"], "first");
  EXPECT_EQ(first.json["document"]["properties"][0]["origin"]["port"], 80);

  const json second_doc = {{"document", document(scid, "www.acme.example", "o2.example")}};
  ApiResponse missing = tech.post(configurations(scid), second_doc);
  EXPECT_EQ(missing.status, 428) << missing.body;
  EXPECT_EQ(missing.json["type"], "https://candela.dev/problems/precondition-required");
  ApiResponse again_first = tech.post(configurations(scid), second_doc, {"If-None-Match: *"});
  EXPECT_EQ(again_first.status, 412);
  EXPECT_EQ(again_first.header("ETag"), "\"v1\"");
  ApiResponse weak = tech.post(configurations(scid), second_doc, {"If-Match: W/\"v1\""});
  EXPECT_EQ(weak.status, 412);
  ApiResponse second = tech.post(configurations(scid), second_doc, {"If-Match: \"v1\""});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.header("ETag"), "\"v2\"");
  ApiResponse stale = tech.post(configurations(scid), second_doc, {"If-Match: \"v1\""});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.header("ETag"), "\"v2\"");

  ApiResponse latest = tech.get(configurations(scid) + "/latest");
  ASSERT_EQ(latest.status, 200);
  EXPECT_EQ(latest.header("ETag"), "\"v2\"");
  EXPECT_EQ(latest.json["document"]["properties"][0]["origin"]["host"], "o2.example");
  EXPECT_EQ(tech.get(configurations(scid) + "/latest", {"If-None-Match: \"v2\""}).status, 304);
  EXPECT_EQ(tech.get(configurations(scid) + "/1").header("ETag"), "\"v1\"");
  EXPECT_EQ(tech.get(configurations(scid) + "/7").status, 404);
  EXPECT_EQ(tech.get(configurations(scid) + "/abc").status, 400);
  EXPECT_EQ(tech.get(configurations(scid) + "/0").status, 400);

  ApiResponse list = tech.get(configurations(scid));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 2u);
  EXPECT_EQ(list.json["items"][0]["version"], 2);
  EXPECT_FALSE(list.json["items"][0].contains("document"));
  EXPECT_EQ(list.json["items"][0]["deployed_to"], json::array());

  ApiResponse diff = tech.get(configurations(scid) + "/2/diff");
  ASSERT_EQ(diff.status, 200) << diff.body;
  EXPECT_EQ(diff.json["from_version"], 1);
  ASSERT_EQ(diff.json["changes"].size(), 1u);
  EXPECT_EQ(diff.json["changes"][0]["pointer"], "/properties/0/origin/host");
  EXPECT_EQ(diff.json["changes"][0]["kind"], "changed");
  EXPECT_NE(diff.json["text"].get<std::string>().find("+ \"o2.example\""), std::string::npos);
  EXPECT_EQ(tech.get(configurations(scid) + "/1/diff").status, 400) << "nothing before 1";
  EXPECT_EQ(tech.get(configurations(scid) + "/2/diff?against=9").status, 404);
}

TEST_P(ServicesApiTest, InvalidDocumentsAndTakenAliasesAreRefusedWithLocatedErrors) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string acme = make_service(staff, acme_, "CUST-ACME");
  const std::string globex = make_service(staff, globex_, "CUST-GLOBEX");
  ASSERT_EQ(
      staff.post(configurations(globex), {{"document", document(globex, "shop.globex.example")}})
          .status,
      201);
  ApiClient tech = signed_in("tech@acme.example", kPassword);

  json bad = document(acme, "www.acme.example");
  bad["properties"][0]["origin"]["port"] = 0;
  bad["properties"][0]["match_rules"] = json::array(
      {{{"name", "geo"},
        {"directives", {{"geo_blocking", {{"mode", "deny"}, {"countries", {"UK"}}}}}}}});
  ApiResponse invalid = tech.post(configurations(acme), {{"document", bad}, {"notes", "x"}});
  ASSERT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(pointers_of(invalid), (std::set<std::string>{"/notes"}))
      << "the envelope is checked before the document";
  invalid = tech.post(configurations(acme), {{"document", bad}});
  ASSERT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(invalid.json["type"], "https://candela.dev/problems/validation-failed");
  const auto pointers = pointers_of(invalid);
  EXPECT_TRUE(pointers.count("/document/properties/0/origin/port")) << invalid.body;
  EXPECT_TRUE(
      pointers.count("/document/properties/0/match_rules/0/directives/geo_blocking/countries/0"))
      << invalid.body;
  EXPECT_NE(invalid.body.find("GB"), std::string::npos) << "suggests GB for UK";

  ApiResponse wrong_scid =
      tech.post(configurations(acme), {{"document", document(globex, "a.acme.example")}});
  EXPECT_EQ(wrong_scid.status, 400);
  EXPECT_EQ(pointers_of(wrong_scid), (std::set<std::string>{"/document/scid"}));
  EXPECT_EQ(tech.post(configurations(acme), {{"document", "not an object"}}).status, 400);

  json taken = document(acme, "www.acme.example");
  taken["properties"][0]["aliases"] = {"Shop.Globex.Example."};
  ApiResponse conflict = tech.post(configurations(acme), {{"document", taken}});
  ASSERT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(conflict.json["type"], "https://candela.dev/problems/conflict");
  EXPECT_EQ(pointers_of(conflict), (std::set<std::string>{"/document/properties/0/aliases/0"}));
  EXPECT_EQ(conflict.body.find(globex), std::string::npos) << "another customer's SCID leaked";
  ApiResponse staff_conflict = staff.post(configurations(acme), {{"document", taken}});
  ASSERT_EQ(staff_conflict.status, 409);
  EXPECT_NE(staff_conflict.body.find(globex), std::string::npos) << "staff see the owner";

  ApiResponse validated = tech.post(configurations(acme) + "/validate", {{"document", taken}});
  ASSERT_EQ(validated.status, 400) << validated.body;
  EXPECT_EQ(pointers_of(validated), (std::set<std::string>{"/document/properties/0/aliases/0"}));
  ApiResponse valid = tech.post(configurations(acme) + "/validate",
                                {{"document", document(acme, "www.acme.example")}});
  ASSERT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(valid.json, (json{{"valid", true}}));
  ApiResponse invalid_check = tech.post(configurations(acme) + "/validate", {{"document", bad}});
  EXPECT_EQ(invalid_check.status, 400);
  EXPECT_EQ(pointers_of(invalid_check), pointers);

  EXPECT_EQ(tech.get(configurations(acme)).json["items"].size(), 0u) << "nothing was stored";
}

TEST_P(ServicesApiTest, DeployRollbackAndPerEdgeStatus) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string scid = make_service(staff, acme_, "CUST-ACME");
  ApiClient tech = signed_in("tech@acme.example", kPassword);
  ASSERT_EQ(
      tech.post(configurations(scid), {{"document", document(scid, "www.acme.example")}}).status,
      201);
  ASSERT_EQ(tech.post(configurations(scid),
                      {{"document", document(scid, "www.acme.example", "o2.example")}},
                      {"If-Match: \"v1\""})
                .status,
            201);
  const std::string deployments = "/api/v1/services/" + scid + "/deployments";

  ApiClient viewer = signed_in("viewer@acme.example", kPassword);
  ApiResponse forbidden = viewer.post(deployments, {{"version", 1}, {"environment", "production"}});
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  ApiResponse no_version = tech.post(deployments, {{"version", 3}, {"environment", "production"}});
  EXPECT_EQ(no_version.status, 400) << no_version.body;
  EXPECT_EQ(pointers_of(no_version), (std::set<std::string>{"/version"}));
  ApiResponse bad_env = tech.post(deployments, {{"version", 1}, {"environment", "prod"}});
  EXPECT_EQ(bad_env.status, 400);
  EXPECT_EQ(pointers_of(bad_env), (std::set<std::string>{"/environment"}));
  ApiResponse shape = tech.post(deployments, {{"version", "1"}, {"env", "staging"}});
  EXPECT_EQ(pointers_of(shape), (std::set<std::string>{"/version", "/environment", "/env"}));
  EXPECT_TRUE(feed_events().empty());

  ApiResponse first = tech.post(deployments, {{"version", 1}, {"environment", "production"}});
  ASSERT_EQ(first.status, 201) << first.body;
  ApiResponse second = tech.post(
      deployments, {{"version", 2}, {"environment", "production"}, {"comment", "new origin"}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.header("Location"),
            "/api/v1/deployments/" + std::to_string(second.json["id"].get<long long>()));
  EXPECT_EQ(second.json["requested_by"]["name"], "Tom Tech");
  EXPECT_TRUE(context().feed_signal.wait_beyond(first.json["feed_sequence"].get<long long>(),
                                                std::chrono::milliseconds(0)))
      << "the long-polls were woken";
  auto events = feed_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].payload["deployment_id"], second.json["id"]);
  EXPECT_EQ(events[1].payload["version"], 2);
  EXPECT_EQ(events[1].payload["environment"], "production");
  EXPECT_EQ(events[1].payload["properties"][0]["id"], scid + ".www");
  EXPECT_EQ(events[1].payload["properties"][0]["origin"]["host"], "o2.example");

  ApiResponse history = viewer.get(deployments);
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["items"].size(), 2u);
  EXPECT_EQ(history.json["items"][0]["version"], 2);
  EXPECT_EQ(history.json["current"]["production"]["version"], 2);
  EXPECT_TRUE(history.json["current"]["staging"].is_null());
  ApiResponse versions = viewer.get(configurations(scid));
  EXPECT_EQ(versions.json["items"][0]["deployed_to"], json::array({"production"}));

  ApiResponse rolled = tech.post(deployments + "/rollback", {{"environment", "production"}});
  ASSERT_EQ(rolled.status, 201) << rolled.body;
  EXPECT_EQ(rolled.json["version"], 1);
  EXPECT_EQ(rolled.json["action"], "rollback");
  ApiResponse nothing = tech.post(deployments + "/rollback", {{"environment", "production"}});
  EXPECT_EQ(nothing.status, 409) << nothing.body;
  ApiResponse no_staging = tech.post(deployments + "/rollback", {{"environment", "staging"}});
  EXPECT_EQ(no_staging.status, 409);
  EXPECT_EQ(tech.post(deployments + "/rollback", {}).status, 400);
  EXPECT_EQ(feed_events().size(), 3u);

  // Two production edges and one staging edge; the first production edge acknowledges.
  const long long sequence = rolled.json["feed_sequence"];
  auto seeded = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO edges (edge_id, cache_group, address, role, node_token_hash, active,"
         " registered_at, network) VALUES"
         " ('edge-a', 'lon1', '127.0.0.1:1', 'edge', 'h1', 1, 0, 'production'),"
         " ('edge-b', 'lon1', '127.0.0.1:2', 'edge', 'h2', 1, 0, 'production'),"
         " ('edge-s', 'lon1', '127.0.0.1:3', 'edge', 'h3', 1, 0, 'staging')";
    s << "INSERT INTO event_acks (sequence, edge_id, applied_at, status, detail)"
         " VALUES (:seq, 'edge-a', 1700000000000, 'applied', '')",
        soci::use(sequence);
    return true;
  });
  ASSERT_TRUE(seeded.ok()) << seeded.error();
  const std::string status_path =
      "/api/v1/deployments/" + std::to_string(rolled.json["id"].get<long long>());
  ApiResponse partial = viewer.get(status_path);
  ASSERT_EQ(partial.status, 200) << partial.body;
  ASSERT_EQ(partial.json["edges"].size(), 2u);
  EXPECT_EQ(partial.json["edges"][0]["edge_id"], "edge-a");
  EXPECT_EQ(partial.json["edges"][0]["status"], "applied");
  EXPECT_EQ(partial.json["edges"][0]["acknowledged_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(partial.json["edges"][1]["status"], "pending");
  EXPECT_EQ(partial.json["summary"], (json{{"applied", 1}, {"failed", 0}, {"pending", 1}}));
  EXPECT_EQ(partial.json["complete"], false);
  auto acked = context().db.with_transaction([&](soci::session& s) -> Result<bool> {
    s << "INSERT INTO event_acks (sequence, edge_id, applied_at, status, detail)"
         " VALUES (:seq, 'edge-b', 1700000001000, 'applied', '')",
        soci::use(sequence);
    return true;
  });
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(viewer.get(status_path).json["complete"], true);

  ApiClient other = signed_in("admin@globex.example", kPassword);
  EXPECT_EQ(other.get(status_path).status, 404);
  EXPECT_EQ(viewer.get("/api/v1/deployments/999999").status, 404);
  EXPECT_EQ(viewer.get("/api/v1/deployments/abc").status, 404);
}

TEST_P(ServicesApiTest, PendingServicesDeployToStagingOnlyAndApiKeysAreRecorded) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string scid = make_service(staff, acme_uk_, "CUST-ACME", /*activate=*/false);
  IssuedKey key = create_api_key(acme_uk_, Role::kTechnical);
  ApiClient robot = client();
  robot.use_api_key(key.key_id, key.secret);
  ApiResponse saved =
      robot.post(configurations(scid), {{"document", document(scid, "uk.acme.example")}});
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(saved.json["author"]["api_key_id"], key.key_id);
  EXPECT_TRUE(saved.json["author"]["user_id"].is_null());
  const std::string deployments = "/api/v1/services/" + scid + "/deployments";
  ApiResponse production = robot.post(deployments, {{"version", 1}, {"environment", "production"}});
  EXPECT_EQ(production.status, 409) << production.body;
  ApiResponse staging = robot.post(deployments, {{"version", 1}, {"environment", "staging"}});
  ASSERT_EQ(staging.status, 201) << staging.body;
  EXPECT_EQ(staging.json["requested_by"]["api_key_id"], key.key_id);
}

INSTANTIATE_TEST_SUITE_P(Stores, ServicesApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
