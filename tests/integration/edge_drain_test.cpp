// Maintenance drain on the admin listener (docs/edge.md "Drain"): POST /drain turns /healthz to
// 503 "draining" so monitors and routers stop sending clients, while every request that still
// reaches the edge is served — new connections, kept-alive ones and slow responses in flight.
// DELETE /drain undoes it; both are idempotent. A shutdown (SIGTERM) cannot be undone that way.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

std::string get_request(const std::string& path, const std::string& host) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

std::optional<HttpResponse> admin(const EdgeServer& edge, const std::string& method,
                                  const std::string& path) {
  return http_request(edge.admin_port(), method, path, "admin");
}

struct DrainFixture {
  DrainFixture() {
    origin.put("/slow.txt", "slow but complete\n", {"@delay-ms: 1500", "Cache-Control: no-store"});
    origin.put("/a.txt", "aaa\n", {"Cache-Control: max-age=60"});
    edge = std::make_unique<EdgeServer>(
        edge_config({property_json("demo", "demo.test", origin.port())}));
  }
  OriginServer origin;
  std::unique_ptr<EdgeServer> edge;
};

void expect_health(const EdgeServer& edge, int status, const std::string& body) {
  auto r = http_get(edge.admin_port(), "/healthz", "admin");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status);
  EXPECT_EQ(r->body, body);
}

TEST(EdgeDrain, DrainTurnsHealthzTo503AndEveryRequestIsStillServed) {
  DrainFixture f;
  RawConnection kept(f.edge->port());  // a kept-alive client from before the drain
  ASSERT_TRUE(kept.send(get_request("/a.txt", "demo.test")));
  ASSERT_TRUE(kept.read_response());
  RawConnection busy(f.edge->port());  // a slow response in flight when the drain starts
  ASSERT_TRUE(busy.send(get_request("/slow.txt", "demo.test")));
  ASSERT_TRUE(wait_until([&] { return f.origin.count("/slow.txt") == 1; }));

  auto drained = admin(*f.edge, "POST", "/drain");
  ASSERT_TRUE(drained);
  EXPECT_EQ(drained->status, 200);
  EXPECT_EQ(drained->body, "draining\n");
  expect_health(*f.edge, 503, "draining\n");
  EXPECT_EQ(metric_value(metrics_text(f.edge->admin_port()), "candela_edge_draining"), 1.0);

  // New connections and the kept-alive one are served as before; nothing is closed.
  auto fresh = http_get(f.edge->port(), "/a.txt", "demo.test");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
  EXPECT_EQ(fresh->body, "aaa\n");
  ASSERT_TRUE(kept.send(get_request("/a.txt", "demo.test")));
  auto again = kept.read_response();
  ASSERT_TRUE(again) << "the kept-alive connection was closed by the drain";
  EXPECT_EQ(again->status, 200);
  EXPECT_NE(again->header("Connection"), "close");
  auto slow = busy.read_response(false, std::chrono::seconds(5));
  ASSERT_TRUE(slow) << "the in-flight response was cut off:\n" << f.edge->process_log();
  EXPECT_EQ(slow->status, 200);
  EXPECT_EQ(slow->body, "slow but complete\n");
  EXPECT_TRUE(f.edge->process().running());

  auto back = admin(*f.edge, "DELETE", "/drain");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200);
  EXPECT_EQ(back->body, "ok\n");
  expect_health(*f.edge, 200, "ok\n");
  EXPECT_EQ(metric_value(metrics_text(f.edge->admin_port()), "candela_edge_draining"), 0.0);
}

TEST(EdgeDrain, DrainAndUndrainAreIdempotent) {
  DrainFixture f;
  auto undrained = admin(*f.edge, "DELETE", "/drain");  // not drained: nothing to undo
  ASSERT_TRUE(undrained);
  EXPECT_EQ(undrained->status, 200);
  EXPECT_EQ(undrained->body, "ok\n");
  expect_health(*f.edge, 200, "ok\n");
  for (int i = 0; i < 2; ++i) {
    auto r = admin(*f.edge, "POST", "/drain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "draining\n");
    expect_health(*f.edge, 503, "draining\n");
  }
  for (int i = 0; i < 2; ++i) {
    auto r = admin(*f.edge, "DELETE", "/drain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    expect_health(*f.edge, 200, "ok\n");
  }
  // One line per change in the edge's log, not per call.
  const std::string log = f.edge->process_log();
  std::size_t lines = 0;
  for (auto at = log.find("drain requested"); at != std::string::npos;
       at = log.find("drain requested", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 1u) << log;
}

TEST(EdgeDrain, OtherMethodsOnDrainAreRefusedWithAllow) {
  DrainFixture f;
  for (const char* method : {"GET", "PUT", "PATCH"}) {
    auto r = admin(*f.edge, method, "/drain");
    ASSERT_TRUE(r) << method;
    EXPECT_EQ(r->status, 405) << method;
    EXPECT_EQ(r->header("Allow"), "POST, DELETE") << method;
  }
  expect_health(*f.edge, 200, "ok\n");
  // The drain is only on the admin listener: on the traffic port /drain is a path like any other.
  auto traffic = http_request(f.edge->port(), "POST", "/drain", "nobody.test");
  ASSERT_TRUE(traffic);
  EXPECT_EQ(traffic->status, 404);
  expect_health(*f.edge, 200, "ok\n");
}

TEST(EdgeDrain, AShutdownCannotBeUndrained) {
  DrainFixture f;
  RawConnection busy(f.edge->port());  // keeps the edge (and its admin listener) up a while
  ASSERT_TRUE(busy.send(get_request("/slow.txt", "demo.test")));
  ASSERT_TRUE(wait_until([&] { return f.origin.count("/slow.txt") == 1; }));
  f.edge->process().signal(SIGTERM);
  ASSERT_TRUE(wait_until([&] { return connect_refused(f.edge->port()); }));
  expect_health(*f.edge, 503, "draining\n");
  auto undrain = admin(*f.edge, "DELETE", "/drain");
  ASSERT_TRUE(undrain);
  EXPECT_EQ(undrain->status, 409);
  EXPECT_NE(undrain->body.find("shutting down"), std::string::npos) << undrain->body;
  expect_health(*f.edge, 503, "draining\n");
  auto slow = busy.read_response(false, std::chrono::seconds(5));
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->status, 200);
}

}  // namespace
}  // namespace candela::testing
