// `candela edge` process lifecycle: graceful shutdown on SIGTERM, configuration reload on
// SIGHUP, and configuration errors at start-up and with --check.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "edge_test_helpers.hpp"

namespace candela::testing {
namespace {

using nlohmann::json;

std::string get_request(const std::string& path, const std::string& host) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

TEST(EdgeLifecycle, SigtermFinishesTheInFlightResponseRefusesNewConnectionsAndExitsZero) {
  OriginServer origin;
  origin.put("/slow.txt", "slow but complete\n", {"@delay-ms: 1500", "Cache-Control: no-store"});
  origin.put("/fast.txt", "fast\n", {"Cache-Control: no-store"});
  EdgeServer edge(edge_config({property_json("demo", "demo.test", origin.port())}));

  // An idle keep-alive connection, and one with a slow response in flight.
  RawConnection idle(edge.port());
  idle.send(get_request("/fast.txt", "demo.test"));
  ASSERT_TRUE(idle.read_response());
  RawConnection busy(edge.port());
  busy.send(get_request("/slow.txt", "demo.test"));
  ASSERT_TRUE(wait_until([&] { return origin.count("/slow.txt") == 1; }));

  edge.process().signal(SIGTERM);
  EXPECT_TRUE(wait_until([&] { return connect_refused(edge.port()); }, 3000ms))
      << "the listener still accepts after SIGTERM";
  EXPECT_TRUE(idle.wait_closed(3000ms)) << "idle connection not closed on SIGTERM";

  auto r = busy.read_response(false, 5000ms);
  ASSERT_TRUE(r) << "the in-flight response was cut off:\n" << edge.process_log();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow but complete\n");
  // The client is told the connection ends here, so it does not send another request on it.
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(busy.wait_closed(2000ms));
  const int status = edge.process().wait_for_exit(5000ms);
  EXPECT_TRUE(exited_zero(status)) << "wait status " << status << "\n" << edge.process_log();
}

TEST(EdgeLifecycle, SigtermGivesUpOnResponsesThatOutlastTheGracePeriod) {
  OriginServer origin;
  origin.put("/slower.txt", "too slow\n", {"@delay-ms: 10000", "Cache-Control: no-store"});
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["limits"] = {{"shutdown_grace_ms", 1000}};
  EdgeServer edge(config);
  RawConnection busy(edge.port());
  busy.send(get_request("/slower.txt", "demo.test"));
  ASSERT_TRUE(wait_until([&] { return origin.count("/slower.txt") == 1; }));
  const auto start = std::chrono::steady_clock::now();
  edge.process().signal(SIGTERM);
  const int status = edge.process().wait_for_exit(6000ms);
  EXPECT_NE(status, -1) << "the edge waited for the slow origin past its grace period";
  EXPECT_TRUE(exited_zero(status)) << status << "\n" << edge.process_log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4000ms);
  EXPECT_TRUE(busy.wait_closed(1000ms));
}

TEST(EdgeLifecycle, SigtermWithNothingInFlightExitsPromptly) {
  OriginServer origin;
  EdgeServer edge(edge_config({property_json("demo", "demo.test", origin.port())}));
  const auto start = std::chrono::steady_clock::now();
  edge.process().signal(SIGTERM);
  const int status = edge.process().wait_for_exit(5000ms);
  EXPECT_TRUE(exited_zero(status)) << status << "\n" << edge.process_log();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3000ms);
}

TEST(EdgeLifecycle, SighupAddsAPropertyAndOpenConnectionsSurvive) {
  OriginServer origin;
  origin.put("/a.txt", "aaa\n", {"Cache-Control: no-store"});
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  EdgeServer edge(config);

  RawConnection kept(edge.port());
  kept.send(get_request("/a.txt", "new.test"));
  auto before = kept.read_response();
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 404);

  json reloaded = edge.config();
  reloaded["properties"].push_back(property_json("new", "new.test", origin.port()));
  reloaded["properties"][0]["aliases"].push_back("alias.demo.test");
  edge.reload(reloaded);
  EXPECT_TRUE(wait_until([&] {
    auto r = http_get(edge.port(), "/a.txt", "new.test");
    return r && r->status == 200;
  })) << edge.process_log();
  auto alias = http_get(edge.port(), "/a.txt", "alias.demo.test");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->status, 200);

  // The keep-alive connection opened before the reload is still there and sees the new config.
  ASSERT_TRUE(kept.send(get_request("/a.txt", "new.test")));
  auto after = kept.read_response();
  ASSERT_TRUE(after) << "the reload dropped an open connection";
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "aaa\n");
  EXPECT_TRUE(edge.process().running());
}

TEST(EdgeLifecycle, SighupChangesThePropertysOrigin) {
  OriginServer first;
  OriginServer second;
  first.put("/who.txt", "first\n", {"Cache-Control: no-store"});
  second.put("/who.txt", "second\n", {"Cache-Control: no-store"});
  EdgeServer edge(edge_config({property_json("demo", "demo.test", first.port())}));
  RawConnection kept(edge.port());
  kept.send(get_request("/who.txt", "demo.test"));
  auto r1 = kept.read_response();
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->body, "first\n");

  json reloaded = edge.config();
  reloaded["properties"][0]["origin"]["port"] = second.port();
  edge.reload(reloaded);
  EXPECT_TRUE(wait_until([&] {
    auto r = http_get(edge.port(), "/who.txt", "demo.test");
    return r && r->body == "second\n";
  })) << edge.process_log();
  // Every loop has switched: a few more requests all go to the new origin.
  first.reset_counts();
  for (int i = 0; i < 4; ++i) {
    auto r = http_get(edge.port(), "/who.txt", "demo.test");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "second\n");
  }
  ASSERT_TRUE(kept.send(get_request("/who.txt", "demo.test")));
  auto r2 = kept.read_response();
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "second\n");
  EXPECT_EQ(first.total(), 0);
}

TEST(EdgeLifecycle, SighupWithAnInvalidConfigIsRefusedAndTheOldOneKeepsServing) {
  OriginServer origin;
  origin.put("/a.txt", "aaa\n", {"Cache-Control: no-store"});
  EdgeServer edge(edge_config({property_json("demo", "demo.test", origin.port())}));
  RawConnection kept(edge.port());

  json broken = edge.config();
  broken["properties"][0]["origin"]["port"] = 0;
  broken["properties"].push_back(property_json("new", "new.test", origin.port()));
  edge.reload(broken);
  EXPECT_TRUE(wait_until([&] {
    return edge.process_log().find("/properties/0/origin/port") != std::string::npos;
  })) << "the refused reload is not explained in the log:\n"
      << edge.process_log();
  EXPECT_NE(edge.process_log().find("refused"), std::string::npos);

  // Not JSON at all, too.
  { std::ofstream(edge.config_path()) << "{ not json"; }
  edge.process().signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] {
    return edge.process_log().find("not valid JSON") != std::string::npos;
  })) << edge.process_log();

  ASSERT_TRUE(edge.process().running());
  auto r = http_get(edge.port(), "/a.txt", "demo.test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto added = http_get(edge.port(), "/a.txt", "new.test");
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 404) << "part of a refused configuration was applied";
  ASSERT_TRUE(kept.send(get_request("/a.txt", "demo.test")));
  auto k = kept.read_response();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->status, 200);
}

TEST(EdgeLifecycle, SighupReopensTheAccessLogAfterExternalRotation) {
  OriginServer origin;
  origin.put("/a.txt", "aaa\n", {"Cache-Control: no-store"});
  TempDir logs;
  const std::string log_path = logs.path() + "/access.log";
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["access_log"] = {{"path", log_path}, {"rotate_hourly", false}};
  EdgeServer edge(config);
  auto count_lines = [](const std::string& path) {
    std::ifstream in(path);
    return std::count(std::istreambuf_iterator<char>(in), {}, '\n');
  };
  ASSERT_TRUE(http_get(edge.port(), "/a.txt?before", "demo.test"));
  ASSERT_TRUE(wait_until([&] { return count_lines(log_path) == 1; }));
  std::filesystem::rename(log_path, log_path + ".1");  // what logrotate does
  edge.process().signal(SIGHUP);
  // The signal is handled asynchronously: once the edge says it reloaded, the log was reopened
  // and lines from then on go to a fresh file at the configured path.
  ASSERT_TRUE(wait_until([&] {
    return edge.process_log().find("configuration reloaded") != std::string::npos;
  })) << edge.process_log();
  ASSERT_TRUE(wait_until([&] {
    http_get(edge.port(), "/a.txt?after", "demo.test");
    return count_lines(log_path) >= 1;
  })) << edge.process_log();
  EXPECT_EQ(count_lines(log_path + ".1"), 1);
  std::ifstream in(log_path);
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find("/a.txt?after"), std::string::npos) << line;
}

// Runs `candela edge --config <file> [--check]` to completion; returns the wait status and
// fills `output` with stdout and stderr.
int run_edge_once(const std::string& config_text, bool check, std::string& output) {
  TempDir dir;
  const std::string config_path = dir.path() + "/edge.json";
  const std::string log_path = dir.path() + "/out.log";
  std::ofstream(config_path) << config_text;
  std::vector<std::string> argv = {candela_binary(), "edge", "--config", config_path};
  if (check) argv.push_back("--check");
  ChildProcess p(argv, log_path);
  const int status = p.wait_for_exit(5000ms);
  std::ifstream in(log_path);
  output.assign(std::istreambuf_iterator<char>(in), {});
  return status;
}

json invalid_config() {
  json config = edge_config(
      {property_json("demo", "demo.test", 8080), property_json("demo", "demo.test", 8081)});
  config["listen"] = {"127.0.0.1:" + std::to_string(free_port())};
  config["properties"][0]["origin"]["port"] = 70000;
  config["properties"][1]["origin"]["protocol"] = "gopher";
  config["limits"] = {{"max_connections", 0}};
  return config;
}

TEST(EdgeLifecycle, CheckOfAnInvalidConfigPrintsErrorsWithJsonPointersAndFails) {
  std::string out;
  const int status = run_edge_once(invalid_config().dump(2), /*check=*/true, out);
  ASSERT_NE(status, -1) << "--check did not exit";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  for (const std::string pointer :
       {"/properties/0/origin/port", "/properties/1/origin/protocol", "/properties/1/id",
        "/properties/1/aliases/0", "/limits/max_connections"}) {
    EXPECT_NE(out.find(pointer), std::string::npos) << pointer << " missing from:\n" << out;
  }
  std::string ok_out;
  json valid = edge_config({property_json("demo", "demo.test", 8080)});
  const int ok_status = run_edge_once(valid.dump(), /*check=*/true, ok_out);
  EXPECT_TRUE(exited_zero(ok_status)) << ok_out;
  EXPECT_NE(ok_out.find("valid"), std::string::npos) << ok_out;
}

TEST(EdgeLifecycle, InvalidConfigAtStartExitsNonZeroWithAClearMessage) {
  std::string out;
  const int status = run_edge_once(invalid_config().dump(2), /*check=*/false, out);
  ASSERT_NE(status, -1) << "the edge started with an invalid configuration";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  EXPECT_NE(out.find("/properties/0/origin/port"), std::string::npos) << out;
  EXPECT_NE(out.find("invalid edge configuration"), std::string::npos) << out;

  std::string missing_out;
  TempDir dir;
  ChildProcess p({candela_binary(), "edge", "--config", dir.path() + "/absent.json"},
                 dir.path() + "/out.log");
  const int missing = p.wait_for_exit(5000ms);
  EXPECT_TRUE(missing != -1 && WIFEXITED(missing) && WEXITSTATUS(missing) != 0);
  std::ifstream in(dir.path() + "/out.log");
  missing_out.assign(std::istreambuf_iterator<char>(in), {});
  EXPECT_NE(missing_out.find("absent.json"), std::string::npos) << missing_out;
}

TEST(EdgeLifecycle, ListenAddressInUseExitsNonZeroWithAClearMessage) {
  OriginServer origin;
  // The origin's own port is taken.
  json config = edge_config({property_json("demo", "demo.test", origin.port())});
  config["listen"] = {"127.0.0.1:" + std::to_string(origin.port())};
  config["admin_listen"] = "127.0.0.1:" + std::to_string(free_port());
  std::string out;
  const int status = run_edge_once(config.dump(), /*check=*/false, out);
  ASSERT_NE(status, -1) << "the edge kept running without its listener";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  EXPECT_NE(out.find(std::to_string(origin.port())), std::string::npos)
      << "the message does not say which address:\n"
      << out;
}

}  // namespace
}  // namespace candela::testing
