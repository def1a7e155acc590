// Log delivery through the HTTP API: edges upload gzip chunks with their node token (idempotent,
// checked line by line), customers list and download their own services' logs per hour and day,
// set the retention, and the retention job deletes what has aged out.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/ids.hpp"
#include "control/log_chunks.hpp"
#include "support/gzip.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

constexpr const char* kPassword = "correct horse battery";
constexpr const char* kHour = "2026-11-25T01:00:00Z";

std::set<std::string> pointers_of(const ApiResponse& response) {
  std::set<std::string> out;
  for (const auto& error : response.json["errors"])
    out.insert(error["pointer"].get<std::string>());
  return out;
}

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}

class LogFilesApiTest : public PortalTest {
 protected:
  void adjust(portal::PortalOptions& options) override {
    options.settings.max_log_chunk_bytes = 64 * 1024;  // small, so the 413 is cheap to reach
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PortalTest::SetUp());
    acme_ = create_group(std::nullopt, "Acme");
    bravo_ = create_group(std::nullopt, "Bravo");
    const auto acme_customer = create_customer("Acme Ltd", acme_);
    const auto bravo_customer = create_customer("Bravo Ltd", bravo_);
    create_user("staff@provider.example", kPassword, {{Role::kProviderAdmin, {}}});
    create_user("ana@acme.example", kPassword, {{Role::kAdmin, acme_}});
    create_user("rita@acme.example", kPassword, {{Role::kReadOnly, acme_}});
    create_user("bob@bravo.example", kPassword, {{Role::kAdmin, bravo_}});
    ApiClient staff = signed_in("staff@provider.example", kPassword);
    scid_ = api_create_service(staff, acme_, acme_customer);
    bravo_scid_ = api_create_service(staff, bravo_, bravo_customer);
    token_a_ = api_create_edge(staff, "edge-a");
    token_b_ = api_create_edge(staff, "edge-b");
  }

  // `count` access-log lines of `property` ("<SCID>.www") at minute `minute` of `hour`.
  static std::vector<std::string> lines(const std::string& property, int count,
                                        const std::string& tag,
                                        const std::string& hour = "2026-11-25T01") {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
      out.push_back(R"({"ts":")" + hour + ":" + (i < 10 ? "0" : "") + std::to_string(i) +
                    R"(:07.250Z","edge":"edge-a","method":"GET","path":"/)" + tag +
                    std::to_string(i) + R"(","status":200,"property":")" + property + R"("})");
    }
    return out;
  }

  static std::string gz(const std::vector<std::string>& text_lines) {
    std::string text;
    for (const auto& l : text_lines)
      text += l + "\n";
    return gzip_compress(text);
  }

  ApiResponse put_chunk(const std::string& token, const std::string& edge, const std::string& chunk,
                        const std::string& property, const std::string& hour,
                        const std::string& lines_param, const std::string& body) {
    return client().send("PUT",
                         "/api/v1/edges/" + edge + "/log-chunks/" + chunk +
                             "?property=" + property + "&hour=" + hour + "&lines=" + lines_param,
                         body, {bearer(token)}, "application/gzip");
  }

  ApiResponse put_lines(const std::string& edge, const std::string& chunk,
                        const std::vector<std::string>& text_lines,
                        const std::string& hour = kHour) {
    return put_chunk(edge == "edge-a" ? token_a_ : token_b_, edge, chunk, scid_ + ".www", hour,
                     std::to_string(text_lines.size()), gz(text_lines));
  }

  // The download decompressed into its lines; fails the test unless 200 and gzip.
  std::vector<std::string> download(ApiClient& who, const std::string& path) {
    ApiResponse got = who.get(path);
    EXPECT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.header("Content-Type"), "application/gzip");
    auto text = gzip_decompress(got.body);
    EXPECT_TRUE(text) << "not gzip";
    return text ? split_lines(*text) : std::vector<std::string>{};
  }

  std::size_t files_in_store() {
    std::size_t n = 0;
    std::error_code ec;
    const auto root = context().settings.log_store;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) ++n;
    }
    return n;
  }

  long long acme_ = 0, bravo_ = 0;
  std::string scid_, bravo_scid_, token_a_, token_b_;
};

TEST_P(LogFilesApiTest, UploadIsIdempotentAndDownloadsHoldEachLineOnce) {
  const auto first = lines(scid_ + ".www", 3, "a");
  ApiResponse created = put_lines("edge-a", "20261125T011000.000Z", first);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["lines"], 3);
  EXPECT_EQ(created.json["created"], true);
  EXPECT_EQ(created.json["hour"], kHour);
  ApiResponse again = put_lines("edge-a", "20261125T011000.000Z", first);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["created"], false);
  EXPECT_EQ(again.json["sha256"], created.json["sha256"]);
  const auto second = lines(scid_ + ".www", 2, "b");
  ASSERT_EQ(put_lines("edge-b", "20261125T012000.000Z", second).status, 201);

  std::vector<std::string> expected = first;
  expected.insert(expected.end(), second.begin(), second.end());  // edge-a before edge-b
  ApiClient ana = signed_in("ana@acme.example", kPassword);
  EXPECT_EQ(download(ana, "/api/v1/services/" + scid_ + "/log-files/www/2026-11-25T01"), expected);
  EXPECT_EQ(download(ana, "/api/v1/services/" + scid_ + "/log-files/www/2026-11-25"), expected);
  ApiResponse file = ana.get("/api/v1/services/" + scid_ + "/log-files/www/2026-11-25T01");
  EXPECT_EQ(file.header("Content-Disposition"),
            "attachment; filename=\"" + scid_ + ".www.2026-11-25T01.jsonl.gz\"");

  ApiResponse listed = ana.get("/api/v1/services/" + scid_ + "/log-files?from=2026-11-25");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["retention_days"], 30);
  ASSERT_EQ(listed.json["items"].size(), 1u);
  const auto& item = listed.json["items"][0];
  EXPECT_EQ(item["property"], "www");
  EXPECT_EQ(item["hour"], kHour);
  EXPECT_EQ(item["lines"], 5);
  EXPECT_EQ(item["chunks"], 2);
  EXPECT_EQ(item["download"], "/api/v1/services/" + scid_ + "/log-files/www/2026-11-25T01");
  EXPECT_EQ(download(ana, item["download"]), expected);
  EXPECT_EQ(files_in_store(), 2u);
}

TEST_P(LogFilesApiTest, BadChunksAreRefusedAndNothingIsStored) {
  const std::string property = scid_ + ".www";
  const std::string good = gz(lines(property, 2, "g"));
  struct Case {
    std::string name, chunk, property, hour, lines, body, pointer;
  };
  const std::vector<Case> cases = {
      {"corrupt gzip", "c1", property, kHour, "2",
       good.substr(0, 12) + "garbage!" + good.substr(20), "/body"},
      {"not gzip at all", "c1", property, kHour, "2", "just text\n", "/body"},
      {"wrong line count", "c1", property, kHour, "3", good, "/query/lines"},
      {"line of another property", "c1", property, kHour, "2",
       gz({lines(property, 1, "x")[0], lines(scid_ + ".api", 1, "y")[0]}), "/body/line/2"},
      {"ts outside the hour", "c1", property, kHour, "2",
       gz({lines(property, 1, "x")[0], lines(property, 1, "y", "2026-11-25T02")[0]}),
       "/body/line/2"},
      {"traversal in property", "c1", scid_ + "../x", kHour, "2", good, "/query/property"},
      {"traversal in property id", "c1", scid_ + ".%2E%2E%2Fx", kHour, "2", good,
       "/query/property"},
      {"hour not whole", "c1", property, "2026-11-25T01:30:00Z", "2", good, "/query/hour"},
      {"lines not a number", "c1", property, kHour, "two", good, "/query/lines"},
      {"dot-dot chunk", "..", property, kHour, "2", good, "/path/chunk"},
      {"encoded slash in chunk", "a%2Fb", property, kHour, "2", good, "/path/chunk"},
  };
  for (const auto& c : cases) {
    ApiResponse refused =
        put_chunk(token_a_, "edge-a", c.chunk, c.property, c.hour, c.lines, c.body);
    EXPECT_EQ(refused.status, 400) << c.name << ": " << refused.body;
    EXPECT_EQ(refused.header("Content-Type"), "application/problem+json") << c.name;
    EXPECT_TRUE(pointers_of(refused).count(c.pointer)) << c.name << ": " << refused.body;
  }
  ApiResponse no_lines = client().send(
      "PUT", "/api/v1/edges/edge-a/log-chunks/c1?property=" + property + "&hour=" + kHour, good,
      {bearer(token_a_)}, "application/gzip");
  EXPECT_EQ(no_lines.status, 400);
  EXPECT_TRUE(pointers_of(no_lines).count("/query/lines"));
  ApiResponse json_body = client().send(
      "PUT",
      "/api/v1/edges/edge-a/log-chunks/c1?property=" + property + "&hour=" + kHour + "&lines=2",
      good, {bearer(token_a_)}, "application/json");
  EXPECT_EQ(json_body.status, 415);
  ApiResponse too_big =
      put_chunk(token_a_, "edge-a", "c1", property, kHour, "1", std::string(64 * 1024 + 1, 'x'));
  EXPECT_EQ(too_big.status, 413) << too_big.body;

  EXPECT_EQ(files_in_store(), 0u);
  EXPECT_FALSE(std::filesystem::exists(context().settings.log_store.parent_path() / "x"));
  ApiClient staff = signed_in("staff@provider.example", kPassword);
  ApiResponse listed = staff.get("/api/v1/services/" + scid_ + "/log-files");
  ASSERT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.json["items"].empty());
}

TEST_P(LogFilesApiTest, UnknownScidAnswers404) {
  SeededRandom random{99};
  std::string unknown = generate_scid(random);
  while (unknown == scid_ || unknown == bravo_scid_)
    unknown = generate_scid(random);
  ApiResponse refused = put_chunk(token_a_, "edge-a", "c1", unknown + ".www", kHour, "1",
                                  gz(lines(unknown + ".www", 1, "u")));
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(files_in_store(), 0u);
}

TEST_P(LogFilesApiTest, OnlyTheEdgesOwnNodeTokenMayUpload) {
  const std::string body = gz(lines(scid_ + ".www", 1, "t"));
  const std::string path =
      "/api/v1/edges/edge-a/log-chunks/c1?property=" + scid_ + ".www&hour=" + kHour + "&lines=1";
  EXPECT_EQ(client().send("PUT", path, body, {}, "application/gzip").status, 401);
  EXPECT_EQ(client().send("PUT", path, body, {bearer("not-a-token")}, "application/gzip").status,
            401);
  EXPECT_EQ(client().send("PUT", path, body, {bearer(token_b_)}, "application/gzip").status, 403);
  ApiClient ana = signed_in("ana@acme.example", kPassword);
  EXPECT_EQ(ana.send("PUT", path, body, {}, "application/gzip").status, 401);
  EXPECT_EQ(files_in_store(), 0u);
  EXPECT_EQ(client().send("PUT", path, body, {bearer(token_a_)}, "application/gzip").status, 201);
}

TEST_P(LogFilesApiTest, AnotherCustomerCannotListDownloadOrLearnLogsExist) {
  ASSERT_EQ(put_lines("edge-a", "c1", lines(scid_ + ".www", 2, "s")).status, 201);
  ApiClient bob = signed_in("bob@bravo.example", kPassword);
  for (const std::string& scid : {scid_}) {
    for (const std::string& path :
         {"/api/v1/services/" + scid + "/log-files",
          "/api/v1/services/" + scid + "/log-files/www/2026-11-25",
          "/api/v1/services/" + scid + "/log-files/www/2026-11-25T01",
          "/api/v1/services/" + scid + "/log-files/www/not-a-period",
          "/api/v1/services/" + scid + "/log-files/..%2F..%2Fx/2026-11-25"}) {
      ApiResponse refused = bob.get(path);
      EXPECT_EQ(refused.status, 404) << path << " " << refused.body;
      EXPECT_EQ(refused.body.find("www"), std::string::npos) << path;
      EXPECT_EQ(refused.body.find("lines"), std::string::npos) << path;
    }
    EXPECT_EQ(bob.put("/api/v1/services/" + scid + "/log-retention", {{"days", 1}}).status, 404);
    EXPECT_EQ(bob.put("/api/v1/services/" + scid + "/log-retention", {{"days", 0}}).status, 404)
        << "body validation must not tell a stranger the service exists";
  }
  ApiResponse own = bob.get("/api/v1/services/" + bravo_scid_ + "/log-files");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(own.json["items"].empty());
  EXPECT_EQ(own.body.find(scid_), std::string::npos);
  EXPECT_EQ(bob.get("/api/v1/services/" + bravo_scid_ + "/log-files/www/2026-11-25").status, 404);
  // Bob's key works the same way as his session.
  auto key = create_api_key(bravo_, Role::kAdmin);
  ApiClient robot = client();
  robot.use_api_key(key.key_id, key.secret);
  EXPECT_EQ(robot.get("/api/v1/services/" + scid_ + "/log-files").status, 404);
  EXPECT_EQ(robot.get("/api/v1/services/" + bravo_scid_ + "/log-files").status, 200);
}

TEST_P(LogFilesApiTest, ListsPagesAndFilters) {
  ASSERT_EQ(put_lines("edge-a", "c1", lines(scid_ + ".www", 1, "w1")).status, 201);
  ASSERT_EQ(put_chunk(token_a_, "edge-a", "c1", scid_ + ".api", kHour, "1",
                      gz(lines(scid_ + ".api", 1, "a1")))
                .status,
            201);
  ASSERT_EQ(put_lines("edge-a", "c2", lines(scid_ + ".www", 1, "w2", "2026-11-26T03"),
                      "2026-11-26T03:00:00Z")
                .status,
            201);
  ApiClient rita = signed_in("rita@acme.example", kPassword);
  const std::string base = "/api/v1/services/" + scid_ + "/log-files";
  ApiResponse first = rita.get(base + "?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(first.json["items"].size(), 2u);
  EXPECT_EQ(first.json["items"][0]["property"], "api");
  EXPECT_EQ(first.json["items"][1]["property"], "www");
  ASSERT_TRUE(first.json["next_cursor"].is_string());
  ApiResponse second =
      rita.get(base + "?limit=2&cursor=" + first.json["next_cursor"].get<std::string>());
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(second.json["items"].size(), 1u);
  EXPECT_EQ(second.json["items"][0]["hour"], "2026-11-26T03:00:00Z");
  EXPECT_TRUE(second.json["next_cursor"].is_null());
  EXPECT_EQ(rita.get(base + "?from=2026-11-26&to=2026-11-27").json["items"].size(), 1u);
  EXPECT_EQ(rita.get(base + "?to=2026-11-26&property=www").json["items"].size(), 1u);
  EXPECT_EQ(download(rita, base + "/api/2026-11-25").size(), 1u);
  for (const std::string query :
       {"?from=2026-13-01", "?from=yesterday", "?from=2026-11-26&to=2026-11-26", "?property=../x",
        "?cursor=bm9wZQ"}) {
    ApiResponse bad = rita.get(base + query);
    EXPECT_EQ(bad.status, 400) << query << " " << bad.body;
  }
  EXPECT_EQ(rita.get(base + "/www/2026-11-25T24").status, 400);
  EXPECT_EQ(rita.get(base + "/www/2026-11-27").status, 404);
}

TEST_P(LogFilesApiTest, RetentionIsValidatedAndTheJobDeletesOnlyExpiredChunks) {
  ApiClient ana = signed_in("ana@acme.example", kPassword);
  const std::string path = "/api/v1/services/" + scid_ + "/log-retention";
  for (const nlohmann::json& days : {nlohmann::json(0), nlohmann::json(367), nlohmann::json("x"),
                                     nlohmann::json(1.5), nlohmann::json(nullptr)}) {
    ApiResponse refused = ana.put(path, {{"days", days}});
    EXPECT_EQ(refused.status, 400) << days.dump() << " " << refused.body;
    EXPECT_TRUE(pointers_of(refused).count("/days")) << refused.body;
  }
  EXPECT_EQ(ana.put(path, {{"days", 2}, {"colour", "red"}}).status, 400);
  ApiClient rita = signed_in("rita@acme.example", kPassword);
  EXPECT_EQ(rita.put(path, {{"days", 2}}).status, 403);
  ApiResponse set = ana.put(path, {{"days", 2}, {"reason", "contract change"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json["retention_days"], 2);
  EXPECT_EQ(ana.get("/api/v1/services/" + scid_).json["log_retention_days"], 2);
  ApiResponse audit = ana.get("/api/v1/audit?entity_type=service&entity_id=" + scid_);
  EXPECT_NE(audit.body.find("log_retention"), std::string::npos) << audit.body;

  ASSERT_EQ(put_lines("edge-a", "old", lines(scid_ + ".www", 1, "o")).status, 201);
  ASSERT_EQ(put_lines("edge-a", "new", lines(scid_ + ".www", 1, "n", "2026-11-27T01"),
                      "2026-11-27T01:00:00Z")
                .status,
            201);
  ASSERT_EQ(put_chunk(token_a_, "edge-a", "b", bravo_scid_ + ".www", kHour, "1",
                      gz(lines(bravo_scid_ + ".www", 1, "b")))
                .status,
            201);
  bool registered = false;
  for (const auto& job : context().jobs)
    registered = registered || job.name == "log-retention";
  EXPECT_TRUE(registered);

  // The 01:00 hour of 2026-11-25 ended at 02:00; two days later it expires.
  const control::LogStore store(context().settings.log_store);
  clock().set(control::from_epoch_ms(*control::parse_log_hour("2026-11-27T02:00:00Z")));
  auto kept = control::LogChunks::expire(context().db, clock(), store);
  ASSERT_TRUE(kept.ok()) << kept.error();
  EXPECT_EQ(kept.value(), 0);
  clock().advance(std::chrono::seconds(1));
  auto expired = control::LogChunks::expire(context().db, clock(), store);
  ASSERT_TRUE(expired.ok()) << expired.error();
  EXPECT_EQ(expired.value(), 1);
  ApiClient later = signed_in("ana@acme.example", kPassword);  // the old session has expired
  EXPECT_EQ(later.get("/api/v1/services/" + scid_ + "/log-files/www/2026-11-25").status, 404);
  EXPECT_EQ(download(later, "/api/v1/services/" + scid_ + "/log-files/www/2026-11-27").size(), 1u);
  EXPECT_FALSE(
      std::filesystem::exists(context().settings.log_store / scid_ / "www" / "2026-11-25"));
  EXPECT_EQ(files_in_store(), 2u) << "Bravo keeps the default 30 days";
  ApiResponse listed = later.get("/api/v1/services/" + scid_ + "/log-files");
  EXPECT_EQ(listed.json["items"].size(), 1u);
  EXPECT_EQ(listed.json["retention_days"], 2);
}

INSTANTIATE_TEST_SUITE_P(Stores, LogFilesApiTest, portal_stores(), store_name);

}  // namespace
}  // namespace candela::testing
