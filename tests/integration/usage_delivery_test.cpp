// Usage reporting and log delivery end to end, with real processes: `candela portal`, a demo
// origin and two `candela edge --portal ...` edges serving two customers. A known mix of
// requests must appear exactly — counts and bytes — in each customer's usage report and log
// files, never in the other customer's; stopping the portal (and restarting an edge) in the
// middle of traffic must lose or double nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <thread>

#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/feed_processes.hpp"
#include "support/gzip.hpp"
#include "support/http_client.hpp"
#include "support/portal_fixture.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kCustomerPassword = "a long customer password";

// One customer: organisation group, customer number, an active service with one property
// and a signed-in admin user.
struct Customer {
  std::string name;
  std::string alias;
  long long group_id = 0;
  std::string scid;
  std::unique_ptr<ApiClient> admin;
};

// What the test saw of the requests it sent for one customer.
struct Expected {
  long long requests = 0;
  long long body_bytes = 0;
  std::map<int, long long> status_classes;  // 2 → count of 2xx, ...
  std::set<std::string> tags;               // the User-Agent of every request
};

std::string utc_text(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

// RFC 3339 of a time point floored to the hour, shifted by `hours`.
std::string hour_text(std::chrono::system_clock::time_point t, int hours) {
  return utc_text(std::chrono::floor<std::chrono::hours>(t) + std::chrono::hours(hours),
                  "%Y-%m-%dT%H:00:00Z");
}

std::string day_text(std::chrono::system_clock::time_point t) {
  return utc_text(t, "%Y-%m-%d");
}

class UsageDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_ = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    origin_->put("/a.txt", std::string(1000, 'a'));
    origin_->put("/b.txt", std::string(500, 'b'));
    origin_->put("/broken.txt", "origin trouble", {"@status: 503", "Cache-Control: no-store"});
    portal_ = std::make_unique<PortalProcess>();
    staff_ = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(staff_->sign_in(PortalProcess::kAdminEmail, PortalProcess::kAdminPassword).status,
              201);
    make_customer(alpha_, "Alpha", "www.alpha.test");
    make_customer(beta_, "Beta", "www.beta.test");
    for (const char* id : {"edge-1", "edge-2"})
      add_edge(id);
    for (auto& edge : edges_) {
      for (Customer* c : {&alpha_, &beta_}) {
        ASSERT_TRUE(eventually([&] {
          auto r = http_get(edge->port(), "/b.txt", c->alias, {"User-Agent: warm-up-probe"});
          return r && r->status == 200;
        })) << edge->log();
      }
    }
    // The probes above are traffic too: count them as the customers' requests.
    for (Customer* c : {&alpha_, &beta_}) {
      Expected& e = expected_[c->scid];
      e.requests += 2;
      e.body_bytes += 2 * 500;
      e.status_classes[2] += 2;
    }
  }

  void make_customer(Customer& c, const std::string& name, const std::string& alias) {
    c.name = name;
    c.alias = alias;
    ApiResponse group =
        staff_->post("/api/v1/access-groups", {{"name", name}, {"parent_id", nullptr}});
    ASSERT_EQ(group.status, 201) << group.body;
    c.group_id = group.json["id"];
    ApiResponse customer =
        staff_->post("/api/v1/customers", {{"name", name + " Ltd"},
                                           {"organisation_id", c.group_id},
                                           {"country", "GB"},
                                           {"invoice_email", "billing@" + alias}});
    ASSERT_EQ(customer.status, 201) << customer.body;
    ApiResponse service = staff_->post(
        "/api/v1/services",
        {{"access_group_id", c.group_id}, {"customer_number", customer.json["customer_number"]}});
    ASSERT_EQ(service.status, 201) << service.body;
    c.scid = service.json["scid"];
    ASSERT_EQ(staff_->patch("/api/v1/services/" + c.scid, {{"state", "active"}, {"reason", "test"}})
                  .status,
              200);
    json origin = {{"host", "127.0.0.1"}, {"port", origin_->port()}, {"protocol", "http"}};
    json document = {
        {"scid", c.scid},
        {"properties", {{{"id", "www"}, {"primary_alias", alias}, {"origin", origin}}}}};
    ApiResponse version = staff_->post("/api/v1/services/" + c.scid + "/configurations",
                                       {{"document", document}}, {"If-None-Match: *"});
    ASSERT_EQ(version.status, 201) << version.body;
    ApiResponse deployed = staff_->post("/api/v1/services/" + c.scid + "/deployments",
                                        {{"version", 1}, {"environment", "production"}});
    ASSERT_EQ(deployed.status, 201) << deployed.body;

    const std::string email = "admin@" + alias;
    ApiResponse user = staff_->post(
        "/api/v1/users",
        {{"name", name + " Admin"},
         {"email", email},
         {"roles", json::array({{{"role", "admin"}, {"access_group_id", c.group_id}}})}});
    ASSERT_EQ(user.status, 201) << user.body;
    ApiResponse password = staff_->put("/api/v1/users/" + user.json["id"].dump() + "/password",
                                       {{"new_password", kCustomerPassword}});
    ASSERT_TRUE(password.status == 200 || password.status == 204) << password.body;
    c.admin = std::make_unique<ApiClient>(portal_->port(), SystemClock::instance());
    ASSERT_EQ(c.admin->sign_in(email, kCustomerPassword).status, 201);
  }

  void add_edge(const std::string& id) {
    ApiResponse made = staff_->post(
        "/api/v1/edges", {{"edge_id", id}, {"cache_group", "lon1"}, {"address", "127.0.0.1:1"}});
    ASSERT_EQ(made.status, 201) << made.body;
    EdgeExtras extras;
    extras.access_log = true;
    // Rotating every second ships lines within seconds instead of at the hour.
    extras.config = {{"access_log", {{"rotate_every_seconds", 1}, {"compress", true}}}};
    extras.args = {"--usage-interval-ms", "300", "--log-ship-interval-ms", "300"};
    edges_.push_back(std::make_unique<FollowingEdge>(id, portal_->url(),
                                                     made.json.value("node_token", ""),
                                                     std::vector<json>{}, "production", extras));
  }

  // Sends one request for `customer` through `edge`, tagged with a unique User-Agent, and
  // records what the client saw.
  void request(FollowingEdge& edge, const Customer& customer, const std::string& path) {
    const std::string tag = "e2e-" + std::to_string(++sequence_);
    auto r = http_get(edge.port(), path, customer.alias, {"User-Agent: " + tag});
    ASSERT_TRUE(r) << edge.log();
    Expected& e = expected_[customer.scid];
    e.requests += 1;
    e.body_bytes += static_cast<long long>(r->body.size());
    e.status_classes[r->status / 100] += 1;
    e.tags.insert(tag);
  }

  json report(Customer& c, const std::string& scope) {
    const auto now = std::chrono::system_clock::now();
    ApiResponse r = c.admin->get("/api/v1/usage?" + scope + "&from=" + hour_text(now, -1) +
                                 "&to=" + hour_text(now, 2) + "&granularity=hour");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }

  // Every access-log line the portal delivers to `c` for today (and yesterday, in case the
  // test runs across midnight UTC).
  std::vector<json> delivered_lines(Customer& c) {
    const auto now = std::chrono::system_clock::now();
    std::vector<json> lines;
    ApiResponse listed =
        c.admin->get("/api/v1/services/" + c.scid + "/log-files?from=" + day_text(now - 24h) +
                     "&to=" + day_text(now + 24h));
    if (listed.status != 200) {
      ADD_FAILURE() << listed.body;
      return lines;
    }
    for (const auto& item : listed.json["items"]) {
      ApiResponse file = c.admin->get(item["download"].get<std::string>());
      EXPECT_EQ(file.status, 200) << item.dump();
      auto text = gzip_decompress(file.body);
      EXPECT_TRUE(text) << "not gzip: " << item.dump();
      if (!text) continue;
      for (const auto& line : split_lines(*text))
        lines.push_back(json::parse(line));
    }
    return lines;
  }

  std::set<std::string> delivered_tags(Customer& c, std::size_t* count = nullptr) {
    std::set<std::string> tags;
    std::size_t n = 0;
    for (const auto& line : delivered_lines(c)) {
      if (line["ua"] == "warm-up-probe") {
        ++n;
        continue;
      }
      tags.insert(line["ua"].get<std::string>());
      ++n;
    }
    if (count) *count = n;
    return tags;
  }

  // Waits until the service report counts every request the test sent and the log files hold
  // one line per request, then checks that both stay that way (nothing counted twice later).
  void expect_everything_delivered(Customer& c) {
    const Expected& e = expected_[c.scid];
    json totals;
    EXPECT_TRUE(eventually([&] {
      totals = report(c, "scid=" + c.scid)["totals"];
      return totals.value("requests", -1LL) == e.requests;
    })) << totals.dump()
        << "\n"
        << logs();
    std::size_t line_count = 0;
    EXPECT_TRUE(eventually([&] {
      delivered_tags(c, &line_count);
      return static_cast<long long>(line_count) == e.requests;
    })) << line_count
        << " lines for " << e.requests << " requests\n"
        << logs();
    std::this_thread::sleep_for(1500ms);  // more posts and shipping rounds
    totals = report(c, "scid=" + c.scid)["totals"];
    EXPECT_EQ(totals["requests"], e.requests) << totals.dump();
    EXPECT_EQ(totals["body_bytes"], e.body_bytes) << totals.dump();
    for (int cls = 1; cls <= 5; ++cls) {
      const auto it = e.status_classes.find(cls);
      EXPECT_EQ(totals["status_" + std::to_string(cls) + "xx"],
                it == e.status_classes.end() ? 0 : it->second)
          << cls << "xx in " << totals.dump();
    }
    const auto tags = delivered_tags(c, &line_count);
    EXPECT_EQ(static_cast<long long>(line_count), e.requests);
    EXPECT_EQ(tags, e.tags);
  }

  std::string logs() {
    std::string out;
    for (auto& e : edges_)
      out += "--- " + e->edge_id() + "\n" + e->log();
    return out + "--- portal\n" + portal_->log();
  }

  std::unique_ptr<OriginServer> origin_;
  std::unique_ptr<PortalProcess> portal_;
  std::unique_ptr<ApiClient> staff_;
  std::vector<std::unique_ptr<FollowingEdge>> edges_;
  Customer alpha_;
  Customer beta_;
  std::map<std::string, Expected> expected_;  // by SCID
  int sequence_ = 0;
};

TEST_F(UsageDeliveryTest, ReportsAndLogFilesHoldExactlyTheRequestsOfEachCustomer) {
  FollowingEdge& one = *edges_[0];
  FollowingEdge& two = *edges_[1];
  // Alpha: a miss then hits on each edge, another object, origin errors (not cacheable).
  for (int i = 0; i < 3; ++i)
    request(one, alpha_, "/a.txt");
  for (int i = 0; i < 2; ++i)
    request(two, alpha_, "/a.txt");
  request(one, alpha_, "/missing.txt");
  request(one, alpha_, "/broken.txt");
  request(two, alpha_, "/broken.txt");
  // Beta: fewer requests, one object.
  for (int i = 0; i < 2; ++i)
    request(one, beta_, "/b.txt");
  request(two, beta_, "/b.txt");

  for (Customer* c : {&alpha_, &beta_})
    expect_everything_delivered(*c);

  // The lines and the usage figures agree: every counter of the report is what the delivered
  // log lines say (cache outcomes, bytes), for the service, the property and the group.
  for (Customer* c : {&alpha_, &beta_}) {
    std::map<std::string, long long> by_cache;
    long long bytes = 0;
    for (const auto& line : delivered_lines(*c)) {
      by_cache[line["cache"].get<std::string>()] += 1;
      bytes += line["bytes"].get<long long>();
      EXPECT_EQ(line["scid"], c->scid);
      EXPECT_EQ(line["host"], c->alias);
    }
    for (const std::string& scope : {"scid=" + c->scid, "scid=" + c->scid + "&property=www",
                                     "group_id=" + std::to_string(c->group_id)}) {
      json body = report(*c, scope);
      json totals = body["totals"];
      EXPECT_EQ(totals["requests"], expected_[c->scid].requests) << scope;
      EXPECT_EQ(totals["bytes"], bytes) << scope << " " << totals.dump();
      EXPECT_EQ(totals["hits"], by_cache["hit"]) << scope << " " << totals.dump();
      EXPECT_EQ(totals["misses"], by_cache["miss"]) << scope << " " << totals.dump();
      EXPECT_EQ(totals["stale"], by_cache["stale"]) << scope;
      EXPECT_EQ(totals["errors"], by_cache["error"]) << scope;
      EXPECT_GT(totals["fill_bytes"].get<long long>(), 0) << scope;
      EXPECT_GE(totals["peak_rps"].get<long long>(), 1) << scope;
      long long series_requests = 0;
      for (const auto& bucket : body["series"])
        series_requests += bucket["requests"].get<long long>();
      EXPECT_EQ(series_requests, expected_[c->scid].requests) << scope;
    }
  }
  // Alpha had hits: 2 of 3 on edge one, 1 of 2 on edge two, plus one warm-up hit per edge.
  EXPECT_GE(report(alpha_, "scid=" + alpha_.scid)["totals"]["hits"].get<long long>(), 3);

  // Neither customer sees the other's data.
  for (auto [self, other] : {std::pair{&alpha_, &beta_}, std::pair{&beta_, &alpha_}}) {
    const auto now = std::chrono::system_clock::now();
    const std::string range = "&from=" + hour_text(now, -1) + "&to=" + hour_text(now, 2);
    EXPECT_EQ(self->admin->get("/api/v1/usage?scid=" + other->scid + range).status, 404);
    EXPECT_EQ(self->admin->get("/api/v1/usage?group_id=" + std::to_string(other->group_id) + range)
                  .status,
              404);
    EXPECT_EQ(self->admin->get("/api/v1/usage/live?scid=" + other->scid).status, 404);
    EXPECT_EQ(self->admin
                  ->get("/api/v1/services/" + other->scid + "/log-files?from=" + day_text(now) +
                        "&to=" + day_text(now + 24h))
                  .status,
              404);
    EXPECT_EQ(
        self->admin->get("/api/v1/services/" + other->scid + "/log-files/www/" + day_text(now))
            .status,
        404);
  }
}

TEST_F(UsageDeliveryTest, APortalOutageAndAnEdgeRestartLoseAndDoubleNothing) {
  FollowingEdge& one = *edges_[0];
  FollowingEdge& two = *edges_[1];
  auto burst = [&](int n) {
    for (int i = 0; i < n; ++i)
      request(i % 2 == 0 ? one : two, alpha_, i % 3 == 0 ? "/b.txt" : "/a.txt");
  };
  burst(20);
  portal_->stop();
  burst(20);
  std::this_thread::sleep_for(1500ms);  // posts and log shipping fail and are spooled
  // An edge restarts while the portal is away: it serves its last good state, keeps its spool
  // and continues the open minute's counts.
  two.stop();
  two.start();
  burst(10);
  portal_->start();
  burst(10);
  expect_everything_delivered(alpha_);
  expect_everything_delivered(beta_);
}

}  // namespace
}  // namespace candela::testing
