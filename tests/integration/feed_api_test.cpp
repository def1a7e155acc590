// Edges, the node-token feed, acknowledgements, invalidations and notifications through the HTTP
// API of an in-process portal (SQLite and PostgreSQL): happy paths and every refusal.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse battery";

std::set<std::string> pointers_of(const ApiResponse& response) {
  std::set<std::string> out;
  for (const auto& error : response.json["errors"])
    out.insert(error["pointer"].get<std::string>());
  return out;
}

class FeedApiTest : public PortalTest {
 protected:
  // Long polls hold a handler thread each; leave plenty for the test's own requests.
  void adjust(portal::PortalOptions& options) override { options.threads = 16; }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    shop_ = create_group(std::nullopt, "Shop");
    other_ = create_group(std::nullopt, "Other");
    customer_ = create_customer("Shop Ltd", shop_);
    create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}}, "Sam Staff");
    create_user("support@provider.example", kPassword, {{Role::kCdnSupportTechnician, {}}});
    create_user("director@provider.example", kPassword, {{Role::kAccountDirector, {}}});
    create_user("tech@shop.example", kPassword, {{Role::kTechnical, shop_}}, "Tom Tech");
    create_user("viewer@shop.example", kPassword, {{Role::kReadOnly, shop_}});
    create_user("admin@other.example", kPassword, {{Role::kAdmin, other_}});
  }

  // An active service whose version 1 (www.shop.example, img.shop.example) is deployed to
  // production; returns its SCID.
  std::string deployed_service(ApiClient& staff) {
    ApiResponse made = staff.post("/api/v1/services",
                                  {{"access_group_id", shop_}, {"customer_number", customer_}});
    EXPECT_EQ(made.status, 201) << made.body;
    const std::string scid = made.json.value("scid", "");
    EXPECT_EQ(
        staff.patch("/api/v1/services/" + scid, {{"state", "active"}, {"reason", "test"}}).status,
        200);
    json document = {{"scid", scid},
                     {"properties",
                      {{{"id", "www"},
                        {"primary_alias", "www.shop.example"},
                        {"origin", {{"host", "origin.shop.example"}}}},
                       {{"id", "img"},
                        {"primary_alias", "img.shop.example"},
                        {"origin", {{"host", "origin.shop.example"}}}}}}};
    ApiResponse version = staff.post("/api/v1/services/" + scid + "/configurations",
                                     {{"document", document}}, {"If-None-Match: *"});
    EXPECT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff.post("/api/v1/services/" + scid + "/deployments",
                                      {{"version", 1}, {"environment", "production"}});
    EXPECT_EQ(deployed.status, 201) << deployed.body;
    return scid;
  }

  static std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

  long long feed_latest(const std::string& token) {
    ApiClient node = client();
    ApiResponse page = node.get("/api/v1/feed?after=0", {bearer(token)});
    EXPECT_EQ(page.status, 200) << page.body;
    return page.json.value("latest", 0LL);
  }

  long long shop_ = 0, other_ = 0;
  std::string customer_;
};

TEST_P(FeedApiTest, StaffCreateEdgesAndSeeTheTokenOnce) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse made = staff.post("/api/v1/edges", {{"edge_id", "edge-a"},
                                                  {"cache_group", "lon1"},
                                                  {"address", "10.0.0.1:80"},
                                                  {"role", "shield"}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.header("Location"), "/api/v1/edges/edge-a");
  EXPECT_EQ(made.header("Cache-Control"), "no-store");
  EXPECT_EQ(made.json["node_token"].get<std::string>().size(), 43u);
  EXPECT_EQ(made.json["role"], "shield");
  EXPECT_EQ(made.json["network"], "production");
  EXPECT_EQ(made.json["active"], true);
  EXPECT_TRUE(made.json["last_seen"].is_null());

  ApiResponse shown = staff.get("/api/v1/edges/edge-a");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_FALSE(shown.json.contains("node_token"));
  EXPECT_EQ(staff.get("/api/v1/edges/edge-a", {"If-None-Match: " + shown.header("ETag")}).status,
            304);
  api_create_edge(staff, "edge-b");
  ApiResponse page = staff.get("/api/v1/edges?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json["items"].size(), 1u);
  EXPECT_EQ(page.json["items"][0]["edge_id"], "edge-a");
  ASSERT_TRUE(page.json["next_cursor"].is_string());
  ApiResponse rest =
      staff.get("/api/v1/edges?limit=1&cursor=" + page.json["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.json["items"].size(), 1u);
  EXPECT_EQ(rest.json["items"][0]["edge_id"], "edge-b");
  EXPECT_TRUE(rest.json["next_cursor"].is_null());

  ApiResponse bad = staff.post("/api/v1/edges", {{"edge_id", "Edge A"},
                                                 {"cache_group", "lon1"},
                                                 {"address", "nowhere"},
                                                 {"network", "moon"},
                                                 {"colour", "red"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers_of(bad), (std::set<std::string>{"/network", "/colour"}))
      << "body errors first";
  ApiResponse invalid = staff.post(
      "/api/v1/edges", {{"edge_id", "Edge A"}, {"cache_group", "lon1"}, {"address", "nowhere"}});
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(pointers_of(invalid), (std::set<std::string>{"/edge_id", "/address"}));
  ApiResponse duplicate = staff.post(
      "/api/v1/edges", {{"edge_id", "edge-a"}, {"cache_group", "x"}, {"address", "h:1"}});
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;

  ApiClient director = signed_in("director@provider.example", kPassword);
  EXPECT_EQ(director.get("/api/v1/edges").status, 200);
  EXPECT_EQ(
      director.post("/api/v1/edges", {{"edge_id", "x"}, {"cache_group", "x"}, {"address", "h:1"}})
          .status,
      403);
  ApiClient tech = signed_in("tech@shop.example", kPassword);
  EXPECT_EQ(tech.get("/api/v1/edges").status, 403);
  EXPECT_EQ(tech.get("/api/v1/edges/edge-a").status, 403);
  EXPECT_EQ(client().get("/api/v1/edges").status, 401);
}

TEST_P(FeedApiTest, PatchChangesAnEdgeAndRegeneratingRetiresTheOldToken) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string old_token = api_create_edge(staff, "edge-a");
  ApiResponse stale = staff.patch("/api/v1/edges/edge-a", {{"active", false}},
                                  {"If-Match: \"0123456789abcdef0123456789abcdef\""});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_FALSE(stale.header("ETag").empty());
  ApiResponse moved =
      staff.patch("/api/v1/edges/edge-a", {{"cache_group", "par1"}, {"network", "staging"}},
                  {"If-Match: " + stale.header("ETag")});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json["cache_group"], "par1");
  EXPECT_EQ(moved.json["network"], "staging");
  EXPECT_FALSE(moved.json.contains("node_token"));
  ApiResponse bad = staff.patch("/api/v1/edges/edge-a", {{"active", "no"}, {"speed", 1}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(pointers_of(bad), (std::set<std::string>{"/active", "/speed"}));
  EXPECT_EQ(staff.patch("/api/v1/edges/nope", {{"active", false}}).status, 404);

  ApiResponse regenerated = staff.patch("/api/v1/edges/edge-a", {{"regenerate_token", true}});
  ASSERT_EQ(regenerated.status, 200) << regenerated.body;
  const std::string new_token = regenerated.json["node_token"];
  EXPECT_NE(new_token, old_token);
  EXPECT_EQ(regenerated.header("Cache-Control"), "no-store");
  EXPECT_EQ(client().get("/api/v1/feed", {bearer(old_token)}).status, 401);
  EXPECT_EQ(client().get("/api/v1/feed", {bearer(new_token)}).status, 200);
}

TEST_P(FeedApiTest, NodeEndpointsAcceptOnlyTheEdgesOwnToken) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string token_a = api_create_edge(staff, "edge-a");
  api_create_edge(staff, "edge-b");

  ApiResponse anonymous = client().get("/api/v1/feed");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer realm=\"candela-feed\"");
  EXPECT_EQ(client().get("/api/v1/feed", {bearer(std::string(43, 'A'))}).status, 401);
  EXPECT_EQ(client().get("/api/v1/feed", {"Authorization: Basic " + token_a}).status, 401);
  EXPECT_EQ(staff.get("/api/v1/feed").status, 401) << "a user session is not a node token";
  ApiResponse foreign = client().put("/api/v1/edges/edge-b/registration",
                                     {{"address", "10.0.0.2:80"}}, {bearer(token_a)});
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(client()
                .post("/api/v1/edges/edge-b/acks", {{"sequence", 1}, {"status", "applied"}},
                      {bearer(token_a)})
                .status,
            403);
}

TEST_P(FeedApiTest, RegistrationRecordsTheAddressAndRefusesAnotherNetwork) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string token = api_create_edge(staff, "edge-a");
  clock().advance(1min);
  ApiResponse registered =
      client().put("/api/v1/edges/edge-a/registration",
                   {{"address", "10.0.0.9:80"}, {"network", "production"}}, {bearer(token)});
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_EQ(registered.json["address"], "10.0.0.9:80");
  EXPECT_FALSE(registered.json["last_seen"].is_null());
  EXPECT_EQ(registered.json["feed_latest"], 0);
  EXPECT_EQ(staff.get("/api/v1/edges/edge-a").json["address"], "10.0.0.9:80");

  ApiResponse wrong =
      client().put("/api/v1/edges/edge-a/registration",
                   {{"address", "10.0.0.9:80"}, {"network", "staging"}}, {bearer(token)});
  EXPECT_EQ(wrong.status, 409) << wrong.body;
  ApiResponse bad = client().put("/api/v1/edges/edge-a/registration",
                                 {{"address", "x"}, {"role", "king"}}, {bearer(token)});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(pointers_of(bad), (std::set<std::string>{"/role"}));
}

TEST_P(FeedApiTest, TheFeedAnswersAtOnceOrWaitsForTheNextEvent) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string token = api_create_edge(staff, "edge-a");
  const std::string scid = deployed_service(staff);

  ApiResponse first = client().get("/api/v1/feed?after=0&wait=20", {bearer(token)});
  ASSERT_EQ(first.status, 200) << first.body;
  // Activating the service was announced first, then the deployment.
  ASSERT_EQ(first.json["events"].size(), 2u);
  EXPECT_EQ(first.json["events"][0]["kind"], "service_state");
  EXPECT_EQ(first.json["events"][0]["payload"],
            (json{{"scid", scid}, {"state", "active"}, {"reason", "test"}}));
  const json& event = first.json["events"][1];
  EXPECT_EQ(event["kind"], "deployment");
  EXPECT_EQ(event["payload"]["scid"], scid);
  EXPECT_EQ(event["payload"]["environment"], "production");
  EXPECT_EQ(event["payload"]["properties"].size(), 2u);
  const long long latest = first.json["latest"];
  EXPECT_EQ(latest, event["sequence"]);

  auto started = std::chrono::steady_clock::now();
  ApiResponse empty =
      client().get("/api/v1/feed?after=" + std::to_string(latest) + "&wait=1", {bearer(token)});
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.json["events"].empty());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);

  // A poll waiting for the next event wakes when an invalidation commits.
  started = std::chrono::steady_clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    ApiClient node = client();
    return node.get("/api/v1/feed?after=" + std::to_string(latest) + "&wait=20", {bearer(token)});
  });
  std::this_thread::sleep_for(300ms);
  ApiClient tech = signed_in("tech@shop.example", kPassword);
  ApiResponse purge = tech.post("/api/v1/services/" + scid + "/invalidations",
                                {{"kind", "tag"}, {"values", {"sale"}}});
  ASSERT_EQ(purge.status, 201) << purge.body;
  ApiResponse woken = waiting.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ASSERT_EQ(woken.status, 200) << woken.body;
  ASSERT_EQ(woken.json["events"].size(), 1u);
  EXPECT_EQ(woken.json["events"][0]["kind"], "invalidation");
  EXPECT_EQ(woken.json["events"][0]["payload"]["invalidation_id"], purge.json["id"]);

  EXPECT_EQ(client().get("/api/v1/feed?after=-1", {bearer(token)}).status, 400);
  EXPECT_EQ(client().get("/api/v1/feed?wait=soon", {bearer(token)}).status, 400);
}

TEST_P(FeedApiTest, AcknowledgementsAreIdempotentAndTheLastOneCompletesAnInvalidation) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  const std::string token_a = api_create_edge(staff, "edge-a");
  const std::string token_b = api_create_edge(staff, "edge-b");
  const std::string scid = deployed_service(staff);
  ApiClient tech = signed_in("tech@shop.example", kPassword);
  ApiResponse purge = tech.post(
      "/api/v1/services/" + scid + "/invalidations",
      {{"kind", "url"}, {"mode", "soft"}, {"values", {"https://www.shop.example/a.jpg?v=1"}}});
  ASSERT_EQ(purge.status, 201) << purge.body;
  EXPECT_EQ(purge.header("Location"), "/api/v1/invalidations/" + purge.json["id"].dump());
  EXPECT_EQ(purge.json["summary"], (json{{"applied", 0}, {"failed", 0}, {"pending", 2}}));
  EXPECT_EQ(purge.json["targets"],
            (json::array({{{"property_id", scid + ".www"}, {"values", {"/a.jpg?v=1"}}}})));
  EXPECT_TRUE(purge.json["completed_at"].is_null());
  const long long sequence = purge.json["feed_sequence"];
  const std::string acks_a = "/api/v1/edges/edge-a/acks";

  ApiResponse first =
      client().post(acks_a, {{"sequence", sequence}, {"status", "applied"}, {"detail", "1 object"}},
                    {bearer(token_a)});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["recorded"], true);
  ApiResponse repeat =
      client().post(acks_a, {{"sequence", sequence}, {"status", "failed"}}, {bearer(token_a)});
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(repeat.json["recorded"], false);
  EXPECT_EQ(repeat.json["status"], "applied");
  EXPECT_EQ(repeat.json["detail"], "1 object");

  ApiResponse unknown = client().post(acks_a, {{"sequence", sequence + 50}, {"status", "applied"}},
                                      {bearer(token_a)});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  ApiResponse bad =
      client().post(acks_a, {{"sequence", 0}, {"status", "done"}, {"extra", 1}}, {bearer(token_a)});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(pointers_of(bad), (std::set<std::string>{"/sequence", "/status", "/extra"}));

  const std::string path = "/api/v1/invalidations/" + purge.json["id"].dump();
  ApiResponse half = tech.get(path);
  ASSERT_EQ(half.status, 200) << half.body;
  EXPECT_EQ(half.json["summary"], (json{{"applied", 1}, {"failed", 0}, {"pending", 1}}));
  EXPECT_TRUE(half.json["completed_at"].is_null());
  EXPECT_EQ(half.json["edges"][0]["edge_id"], "edge-a");
  EXPECT_EQ(half.json["edges"][0]["status"], "applied");
  EXPECT_EQ(half.json["edges"][1]["status"], "pending");

  ASSERT_EQ(client()
                .post("/api/v1/edges/edge-b/acks", {{"sequence", sequence}, {"status", "applied"}},
                      {bearer(token_b)})
                .status,
            201);
  ApiResponse done = tech.get(path);
  EXPECT_FALSE(done.json["completed_at"].is_null()) << done.body;
  EXPECT_EQ(done.json["summary"], (json{{"applied", 2}, {"failed", 0}, {"pending", 0}}));
}

TEST_P(FeedApiTest, InvalidationRequestsAreValidatedAndScoped) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  api_create_edge(staff, "edge-a");
  const std::string scid = deployed_service(staff);
  const std::string path = "/api/v1/services/" + scid + "/invalidations";
  ApiClient tech = signed_in("tech@shop.example", kPassword);

  ApiResponse bad = tech.post(
      path,
      {{"kind", "url"},
       {"mode", "gentle"},
       {"values", {"https://www.shop.example/ok", "https://evil.example/x", "/relative", 7}}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(pointers_of(bad), (std::set<std::string>{"/mode", "/values/3"}));
  ApiResponse unresolved = tech.post(
      path, {{"kind", "url"},
             {"values", {"https://www.shop.example/ok", "https://evil.example/x", "/relative"}}});
  EXPECT_EQ(unresolved.status, 400) << unresolved.body;
  EXPECT_EQ(pointers_of(unresolved), (std::set<std::string>{"/values/1", "/values/2"}));
  ApiResponse pattern = tech.post(path, {{"kind", "pattern"}, {"values", {"/img/[a-"}}});
  EXPECT_EQ(pointers_of(pattern), (std::set<std::string>{"/values/0"}));
  ApiResponse unknown_property =
      tech.post(path, {{"kind", "tag"}, {"values", {"sale"}}, {"property_ids", {"www", "shop"}}});
  EXPECT_EQ(pointers_of(unknown_property), (std::set<std::string>{"/property_ids/1"}));
  EXPECT_EQ(tech.post(path, {{"values", {"sale"}}}).status, 400) << "kind is required";
  EXPECT_EQ(tech.send("POST", path, std::string("{\"kind\": "), {}).status, 400);
  EXPECT_EQ(tech.get(path).json["items"].size(), 0u) << "nothing was stored";

  ApiClient viewer = signed_in("viewer@shop.example", kPassword);
  EXPECT_EQ(viewer.post(path, {{"kind", "tag"}, {"values", {"sale"}}}).status, 403);
  ApiClient stranger = signed_in("admin@other.example", kPassword);
  EXPECT_EQ(stranger.post(path, {{"kind", "tag"}, {"values", {"sale"}}}).status, 404);
  EXPECT_EQ(stranger.get(path).status, 404);

  std::vector<long long> ids;
  for (const char* tag : {"a", "b", "c"}) {
    ApiResponse made =
        tech.post(path, {{"kind", "tag"}, {"values", {tag}}, {"property_ids", {"img"}}});
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(made.json["targets"].size(), 1u);
    ids.push_back(made.json["id"]);
  }
  EXPECT_EQ(stranger.get("/api/v1/invalidations/" + std::to_string(ids[0])).status, 404);
  EXPECT_EQ(viewer.get("/api/v1/invalidations/" + std::to_string(ids[0])).status, 200);
  EXPECT_EQ(viewer.get("/api/v1/invalidations/abc").status, 404);
  ApiResponse page = viewer.get(path + "?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json["items"].size(), 2u);
  EXPECT_EQ(page.json["items"][0]["id"], ids[2]);
  EXPECT_EQ(page.json["items"][1]["id"], ids[1]);
  ApiResponse rest =
      viewer.get(path + "?limit=2&cursor=" + page.json["next_cursor"].get<std::string>());
  ASSERT_EQ(rest.json["items"].size(), 1u);
  EXPECT_EQ(rest.json["items"][0]["id"], ids[0]);
  EXPECT_EQ(viewer.get(path + "?cursor=%21").status, 400);
}

TEST_P(FeedApiTest, AnInvalidationOpenTwelveHoursNotifiesTheRequesterAndSupport) {
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  api_create_edge(staff, "edge-a");
  const std::string scid = deployed_service(staff);
  ApiClient tech = signed_in("tech@shop.example", kPassword);
  ApiResponse purge = tech.post("/api/v1/services/" + scid + "/invalidations",
                                {{"kind", "pattern"}, {"values", {"/img/*.jpg"}}});
  ASSERT_EQ(purge.status, 201) << purge.body;

  auto run_job = [&] {
    bool found = false;
    for (auto& job : context().jobs) {
      if (job.name != "overdue-invalidations") continue;
      found = true;
      job.run();
    }
    ASSERT_TRUE(found);
  };
  clock().advance(11h);
  run_job();
  // Sessions last 8 hours: sign in again after the clock moved.
  ApiResponse early = signed_in("tech@shop.example", kPassword).get("/api/v1/notifications");
  ASSERT_EQ(early.status, 200) << early.body;
  EXPECT_TRUE(early.json["items"].empty());
  clock().advance(1h);
  run_job();
  run_job();

  ApiClient requester = signed_in("tech@shop.example", kPassword);
  ApiResponse mine = requester.get("/api/v1/notifications");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json["items"].size(), 1u);
  const json& note = mine.json["items"][0];
  EXPECT_NE(note["subject"].get<std::string>().find("is not complete after 12 hours"),
            std::string::npos);
  EXPECT_EQ(note["entity_type"], "invalidation");
  EXPECT_EQ(note["entity_id"], purge.json["id"].dump());
  EXPECT_NE(note["body"].get<std::string>().find("edge-a"), std::string::npos);

  ApiClient support = signed_in("support@provider.example", kPassword);
  ApiResponse theirs = support.get("/api/v1/notifications");
  ASSERT_EQ(theirs.json["items"].size(), 1u);
  EXPECT_EQ(theirs.json["items"][0]["recipient_role"], "cdn_support_technician");
  EXPECT_TRUE(signed_in("staff@provider.example", kPassword)
                  .get("/api/v1/notifications")
                  .json["items"]
                  .empty());
  EXPECT_TRUE(signed_in("viewer@shop.example", kPassword)
                  .get("/api/v1/notifications")
                  .json["items"]
                  .empty());
  EXPECT_EQ(client().get("/api/v1/notifications").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Stores, FeedApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
