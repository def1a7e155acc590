// The shield tier end to end with real processes (docs/shield.md): edges fill through the shield
// chosen by rendezvous hashing of the cache key, so each object leaves the origin once; a dead
// shield's keys fail over to the next in rank; loops end at the origin or in 508; max_hops holds.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "common/rendezvous_hash.hpp"
#include "support/candela_processes.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kProperty = "shielded";
constexpr const char* kHost = "media.shield.test";

json shield_property(int origin_port, bool shield = true) {
  json p = property_json(kProperty, kHost, origin_port);
  p["shield"] = shield;
  return p;
}

json parent(const std::string& id, int port) {
  return {{"id", id}, {"address", "127.0.0.1:" + std::to_string(port)}};
}

json node_config(const std::string& id, std::vector<json> properties,
                 std::vector<json> parents = {}, int max_hops = 1) {
  json c = edge_config(std::move(properties));
  c["edge_id"] = id;
  c["parents"] = parents;
  c["parent_policy"] = {{"max_hops", max_hops}, {"retry_after_ms", 60000}};
  return c;
}

std::string object_path(int i) {
  return "/_origin/bytes/1024/obj-" + std::to_string(i);
}

// The primary cache key of a path of kProperty (cache/cache_key.hpp), what parents are hashed by.
std::string cache_key(const std::string& path) {
  const std::string id = kProperty;
  return std::to_string(id.size()) + ":" + id + path;
}

// The parent (by id) that owns `path` among `ids`.
std::string owner(const std::string& path, const std::vector<std::string>& ids) {
  std::vector<std::uint64_t> hashes;
  for (const auto& id : ids)
    hashes.push_back(stable_hash(id));
  const auto best =
      rendezvous_pick(stable_hash(cache_key(path)), hashes, [](std::size_t) { return true; });
  return ids[best];
}

// A counter of the edge's /metrics, 0 when the series does not exist (yet).
double metric(const EdgeServer& edge, const std::string& series) {
  auto r = http_get(edge.admin_port(), "/metrics", "localhost");
  if (!r || r->status != 200) return -1;
  const std::string prefix = series + " ";
  std::size_t at = 0;
  while ((at = r->body.find(prefix, at)) != std::string::npos) {
    if (at == 0 || r->body[at - 1] == '\n') return std::stod(r->body.substr(at + prefix.size()));
    at += prefix.size();
  }
  return 0;
}

double parent_fetches(const EdgeServer& edge, const std::string& parent_id,
                      const std::string& result) {
  return metric(edge, "candela_edge_parent_fetches_total{parent=\"" + parent_id + "\",result=\"" +
                          result + "\"}");
}

double origin_misses(const EdgeServer& edge) {
  return metric(edge, "candela_edge_requests_total{property=\"" + std::string(kProperty) +
                          "\",cache_status=\"miss\"}");
}

// GETs every path through `edge` with a few client threads; counts answers other than 200.
int get_all(const EdgeServer& edge, const std::vector<std::string>& paths) {
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      for (std::size_t i = next++; i < paths.size(); i = next++) {
        auto r = http_get(edge.port(), paths[i], kHost);
        if (!r || r->status != 200 || r->body.size() != 1024) ++failures;
      }
    });
  }
  for (auto& c : clients)
    c.join();
  return failures.load();
}

// An origin, two shields, and two edges that fill through both shields.
class ShieldTier : public ::testing::Test {
 protected:
  void SetUp() override {
    origin = std::make_unique<OriginServer>(
        std::vector<std::string>{"--cache-control", "public, max-age=3600"});
    shield1 = std::make_unique<EdgeServer>(node_config("shield-1", {shield_property(port())}));
    shield2 = std::make_unique<EdgeServer>(node_config("shield-2", {shield_property(port())}));
    const std::vector<json> parents = {parent("shield-1", shield1->port()),
                                       parent("shield-2", shield2->port())};
    edge_a =
        std::make_unique<EdgeServer>(node_config("edge-a", {shield_property(port())}, parents));
    edge_b =
        std::make_unique<EdgeServer>(node_config("edge-b", {shield_property(port())}, parents));
  }

  int port() const { return origin->port(); }

  std::vector<std::string> paths(int n) const {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i)
      out.push_back(object_path(i));
    return out;
  }

  std::unique_ptr<OriginServer> origin;
  std::unique_ptr<EdgeServer> shield1, shield2, edge_a, edge_b;
  const std::vector<std::string> shield_ids{"shield-1", "shield-2"};
};

TEST_F(ShieldTier, EachObjectLeavesTheOriginOnceAndTheSplitFollowsTheHash) {
  constexpr int kObjects = 2000;
  const auto all = paths(kObjects);
  int owned_by_1 = 0;
  for (const auto& p : all)
    owned_by_1 += owner(p, shield_ids) == "shield-1" ? 1 : 0;
  const int owned_by_2 = kObjects - owned_by_1;
  ASSERT_GT(owned_by_1, kObjects / 4) << "the hash spreads keys over both shields";
  ASSERT_GT(owned_by_2, kObjects / 4);

  EXPECT_EQ(get_all(*edge_a, all), 0);
  EXPECT_EQ(get_all(*edge_b, all), 0);
  EXPECT_EQ(origin->total(), kObjects) << "exactly one origin request per object";
  for (int i : {0, 1, 977, kObjects - 1})
    EXPECT_EQ(origin->count(object_path(i)), 1);

  // Each edge asked the owner of every key, and only it; each shield filled only its keys.
  for (const EdgeServer* edge : {edge_a.get(), edge_b.get()}) {
    EXPECT_EQ(parent_fetches(*edge, "shield-1", "ok"), owned_by_1);
    EXPECT_EQ(parent_fetches(*edge, "shield-2", "ok"), owned_by_2);
  }
  EXPECT_EQ(origin_misses(*shield1), owned_by_1);
  EXPECT_EQ(origin_misses(*shield2), owned_by_2);

  // The answer names both caches in path order (RFC 9211): the shield's member, then the edge's.
  // edge-a's fill was the shield's miss; edge-b's fill was a hit at the shield.
  auto members_of = [&](const EdgeServer& edge) {
    std::vector<std::string> members;
    auto hit = http_get(edge.port(), object_path(5), kHost);
    if (!hit) return members;
    for (const auto& [name, value] : hit->headers) {
      if (name == "Cache-Status") members.push_back(value);
    }
    return members;
  };
  const auto a = members_of(*edge_a);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], "Candela; fwd=uri-miss; fwd-status=200; stored");
  EXPECT_EQ(a[1], "Candela; hit");
  const auto b = members_of(*edge_b);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], "Candela; hit");
  EXPECT_EQ(b[1], "Candela; hit");
  auto hit = http_get(edge_b->port(), object_path(5), kHost);
  ASSERT_TRUE(hit);
  EXPECT_NE(hit->header("Via").find(owner(object_path(5), shield_ids)), std::string::npos)
      << hit->header("Via");
}

TEST_F(ShieldTier, ADeadShieldsKeysFailOverWithoutClientErrors) {
  constexpr int kObjects = 400;
  const auto all = paths(kObjects);
  ASSERT_EQ(get_all(*edge_a, all), 0);
  ASSERT_EQ(origin->total(), kObjects);
  int owned_by_1 = 0;
  for (const auto& p : all)
    owned_by_1 += owner(p, shield_ids) == "shield-1" ? 1 : 0;

  shield1->process().stop();
  // edge-b has nothing cached: shield-2's keys are hits there, shield-1's are fetched again.
  EXPECT_EQ(get_all(*edge_b, all), 0) << "no client sees the dead shield";
  EXPECT_EQ(origin->total(), kObjects + owned_by_1) << "only the dead shield's objects again";
  // Marked failed by the first failed connect, then skipped for retry_after; fills already
  // under way when it died (at most one per client) may fail over too.
  const double failed = parent_fetches(*edge_b, "shield-1", "connect_failed");
  EXPECT_GE(failed, 1);
  EXPECT_LE(failed, 4);
  EXPECT_EQ(parent_fetches(*edge_b, "shield-2", "ok"), kObjects);
  EXPECT_NE(edge_b->process_log().find("parent shield-1"), std::string::npos)
      << edge_b->process_log();

  // With both shields gone the edge fills from the origin itself.
  shield2->process().stop();
  const auto fresh =
      std::vector<std::string>{"/_origin/bytes/1024/after-1", "/_origin/bytes/1024/after-2"};
  EXPECT_EQ(get_all(*edge_a, fresh), 0);
  EXPECT_EQ(origin->count(fresh[0]), 1);
  EXPECT_EQ(origin->count(fresh[1]), 1);
}

TEST_F(ShieldTier, CollapsedForwardingAndRequestsThroughTheTier) {
  // Many clients of both edges at once: one request reaches the origin.
  const std::string path = "/_origin/bytes/65536/herd?delay_ms=500";
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&, i] {
      auto r = http_get((i % 2 ? edge_a : edge_b)->port(), path, kHost);
      if (r && r->status == 200 && r->body.size() == 65536) ++ok;
    });
  }
  for (auto& c : clients)
    c.join();
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(origin->total(), 1);

  // What the origin sees of a fill through the tier: the client's Host reached the shield, the
  // origin got the origin request of the shield, and Via lists both Candela nodes.
  auto echo = http_get(edge_a->port(), "/_origin/echo", kHost);
  ASSERT_TRUE(echo);
  ASSERT_EQ(echo->status, 200);
  auto seen = json::parse(echo->body);
  std::string via;
  for (const auto& h : seen["headers"]) {
    if (h[0] == "Via") via = h[1];
  }
  const std::string shield = owner("/_origin/echo", shield_ids);
  EXPECT_EQ(via, "1.1 edge-a (candela), 1.1 " + shield + " (candela)");
}

TEST_F(ShieldTier, ANonShieldPropertyGoesStraightToTheOrigin) {
  json direct = property_json("direct", "direct.shield.test", port());
  json config = edge_a->config();
  config["properties"].push_back(direct);
  edge_a->reload(config);
  ASSERT_TRUE(eventually([&] {
    auto r = http_get(edge_a->port(), "/_origin/echo", "direct.shield.test");
    return r && r->status == 200;
  }));
  auto echo = http_get(edge_a->port(), "/_origin/echo", "direct.shield.test");
  ASSERT_TRUE(echo);
  EXPECT_NE(echo->body.find("\"1.1 edge-a (candela)\""), std::string::npos) << echo->body;
  auto object = http_get(edge_a->port(), "/_origin/bytes/10/direct", "direct.shield.test");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->status, 200);
  EXPECT_EQ(object->header_count("Cache-Status"), 1u);
  EXPECT_EQ(parent_fetches(*edge_a, "shield-1", "ok") + parent_fetches(*edge_a, "shield-2", "ok"),
            0);
  EXPECT_EQ(
      metric(*shield1, "candela_edge_requests_total{property=\"direct\",cache_status=\"miss\"}"),
      0);
}

TEST_F(ShieldTier, AShieldThatCannotReachTheOriginIsFailedOverButAnOriginErrorIsNot) {
  // shield-1 and shield-2 serve the property from a dead origin: their 502s are their own.
  const int dead = free_port();
  shield1->reload(node_config("shield-1", {shield_property(dead)}));
  shield2->reload(node_config("shield-2", {shield_property(dead)}));
  ASSERT_TRUE(eventually([&] {
    auto r = http_get(shield1->port(), "/probe", kHost);
    auto r2 = http_get(shield2->port(), "/probe", kHost);
    return r && r->status == 502 && r2 && r2->status == 502;
  }));
  auto r = http_get(edge_a->port(), "/_origin/bytes/100/x", kHost);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << "both shields failed over, then the origin";
  EXPECT_EQ(origin->count("/_origin/bytes/100/x"), 1);
  EXPECT_EQ(parent_fetches(*edge_a, "shield-1", "gateway_error") +
                parent_fetches(*edge_a, "shield-2", "gateway_error"),
            2);

  // Back to a working origin: an origin's own 503, relayed by the shield, is the answer.
  shield1->reload(node_config("shield-1", {shield_property(port())}));
  shield2->reload(node_config("shield-2", {shield_property(port())}));
  ASSERT_TRUE(eventually([&] {
    auto ok1 = http_get(shield1->port(), "/_origin/bytes/1/p", kHost);
    auto ok2 = http_get(shield2->port(), "/_origin/bytes/1/p", kHost);
    return ok1 && ok1->status == 200 && ok2 && ok2->status == 200;
  }));
  auto b = http_get(edge_b->port(), "/_origin/status/503?cc=no-store", kHost);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 503);
  EXPECT_EQ(origin->count("/_origin/status/503?cc=no-store"), 1)
      << "not failed over to the other shield or the origin";
}

TEST_F(ShieldTier, RevalidationAndStaleIfErrorThroughTheTier) {
  const std::string path = "/_origin/bytes/512/short?cc=max-age%3D1%2C%20stale-if-error%3D600";
  auto first = http_get(edge_a->port(), path, kHost);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  std::this_thread::sleep_for(2200ms);
  // Stale at the edge and at the shield: the edge's conditional request goes to the shield,
  // which revalidates with the origin; both answer from what they hold.
  auto revalidated = http_get(edge_a->port(), path, kHost);
  ASSERT_TRUE(revalidated);
  EXPECT_EQ(revalidated->status, 200);
  EXPECT_EQ(revalidated->body.size(), 512u);
  std::string last_member;
  for (const auto& [name, value] : revalidated->headers) {
    if (name == "Cache-Status") last_member = value;
  }
  EXPECT_EQ(last_member, "Candela; fwd=stale; fwd-status=304") << last_member;
  EXPECT_EQ(origin->count(path), 2) << "the fill, then one revalidation";

  // Everything upstream gone: the edge serves its stale copy (stale-if-error).
  std::this_thread::sleep_for(2200ms);
  shield1->process().stop();
  shield2->process().stop();
  origin->stop();
  auto stale = http_get(edge_a->port(), path, kHost);
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body.size(), 512u);
  std::string own_member;
  for (const auto& [name, value] : stale->headers) {
    if (name == "Cache-Status") own_member = value;
  }
  EXPECT_EQ(own_member, "Candela; hit; detail=stale-if-error");
}

TEST(ShieldLoops, ParentsOfEachOtherEndAtTheOrigin) {
  OriginServer origin({"--cache-control", "public, max-age=3600"});
  for (int max_hops : {1, 2}) {
    SCOPED_TRACE("max_hops " + std::to_string(max_hops));
    EdgeServer a(node_config("loop-a", {shield_property(origin.port())}, {}, max_hops));
    EdgeServer b(node_config("loop-b", {shield_property(origin.port())},
                             {parent("loop-a", a.port())}, max_hops));
    json a_config = a.config();
    a_config["parents"] = {parent("loop-b", b.port())};
    a.reload(a_config);
    ASSERT_TRUE(eventually([&] { return a.process_log().find("loop-b") != std::string::npos; }))
        << a.process_log();
    const std::string path = "/_origin/bytes/64/loop-" + std::to_string(max_hops);
    auto r = http_get(a.port(), path, kHost);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(origin.count(path), 1);
    if (max_hops == 2) {
      // a → b → a: a finds itself in Via and answers 508; b goes on to the origin.
      EXPECT_EQ(parent_fetches(b, "loop-a", "loop"), 1);
    } else {
      EXPECT_EQ(parent_fetches(b, "loop-a", "ok"), 0) << "b had one hop: origin directly";
    }
  }
}

TEST(ShieldLoops, ARequestNamingThisEdgeGets508) {
  OriginServer origin;
  EdgeServer edge(node_config("edge-x", {shield_property(origin.port())}));
  auto r =
      http_get(edge.port(), "/_origin/bytes/10/a", kHost, {"Via: 1.1 proxy, 1.1 edge-x (candela)"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 508);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  EXPECT_EQ(r->header("Cache-Control"), "no-store");
  auto problem = json::parse(r->body);
  EXPECT_EQ(problem["type"], "https://candela.dev/problems/loop-detected");
  EXPECT_EQ(problem["status"], 508);
  // Passes (other methods) are refused the same way; the origin saw nothing.
  auto post = http_request(edge.port(), "POST", "/_origin/echo", kHost, {"Via: 1.1 EDGE-X"}, "x");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 508);
  EXPECT_EQ(origin.total(), 0);
  // Not cached: the same object without the loop is fetched and served.
  auto ok = http_get(edge.port(), "/_origin/bytes/10/a", kHost);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(ShieldHops, MaxHopsDecidesWhetherAShieldGoesToItsOwnParent) {
  OriginServer origin({"--cache-control", "public, max-age=3600"});
  EdgeServer top(node_config("top", {shield_property(origin.port())}));
  for (int max_hops : {1, 2}) {
    SCOPED_TRACE("max_hops " + std::to_string(max_hops));
    EdgeServer middle(node_config("middle", {shield_property(origin.port())},
                                  {parent("top", top.port())}, max_hops));
    EdgeServer edge(node_config("leaf", {shield_property(origin.port())},
                                {parent("middle", middle.port())}, max_hops));
    const std::string path = "/_origin/echo?hops=" + std::to_string(max_hops);
    auto r = http_get(edge.port(), path, kHost);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json seen = json::parse(r->body);
    std::string via;
    int proto_fields = 0;
    for (const auto& h : seen["headers"]) {
      if (h[0] == "Via") via = h[1];
      if (h[0] == "X-Forwarded-Proto") ++proto_fields;
    }
    EXPECT_EQ(proto_fields, 1);
    if (max_hops == 1) {
      EXPECT_EQ(via, "1.1 leaf (candela), 1.1 middle (candela)") << "middle went to the origin";
    } else {
      EXPECT_EQ(via, "1.1 leaf (candela), 1.1 middle (candela), 1.1 top (candela)");
    }
  }
}

}  // namespace
}  // namespace candela::testing
