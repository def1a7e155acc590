// HttpServer over real sockets on loopback: keep-alive, limits, problems, static files, stopping.
#include "portal/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace candela::portal {
namespace {

using namespace std::chrono_literals;
using candela::testing::http_get;
using candela::testing::http_request;
using candela::testing::HttpResponse;
using candela::testing::RawConnection;
using candela::testing::TempDir;

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

bool is_problem(const HttpResponse& response, int status) {
  if (response.status != status) return false;
  if (response.header("Content-Type") != "application/problem+json") return false;
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  return doc.is_object() && doc["status"] == status && doc.contains("type") &&
         doc["instance"] == response.header("X-Request-Id");
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.add("GET", "/api/v1/echo/{name}", [](const Request& request) {
      nlohmann::json body = {{"name", request.param("name")},
                             {"q", request.query_param("q").value_or("")},
                             {"client", request.client_address}};
      return Response::with_body(200, "application/json", body.dump());
    });
    router_.add("POST", "/api/v1/items", [](const Request& request) {
      return Response::with_body(201, "text/plain", std::to_string(request.body.size()));
    });
    router_.add("GET", "/api/v1/boom", [](const Request&) -> Response {
      throw std::runtime_error("secret internal detail");
    });
    router_.add("GET", "/api/v1/evil", [](const Request&) {
      Response response = Response::with_body(200, "text/plain", "ok");
      response.add_header("X-Split", "a\r\nSet-Cookie: stolen=1");
      response.add_header("Bad Name", "x");
      response.add_header("X-Fine", "yes");
      return response;
    });
    router_.add("GET", "/api/v1/bad-status",
                [](const Request&) { return Response::with_body(42, "text/plain", "?"); });
    router_.add("GET", "/api/v1/slow", [this](const Request&) {
      std::unique_lock lock(mutex_);
      slow_entered_ = true;
      changed_.notify_all();
      changed_.wait_for(lock, 10s, [this] { return slow_released_; });
      return Response::with_body(200, "text/plain", "finished");
    });
    write_file(std::filesystem::path(site_.path()) / "web" / "index.html", "<h1>Candela</h1>");
    write_file(std::filesystem::path(site_.path()) / "web" / "assets" / "app.js", "run();");
    write_file(std::filesystem::path(site_.path()) / "secret.txt", "top secret");
  }

  void start(HttpServerOptions options = {}) {
    options.static_root = std::filesystem::path(site_.path()) / "web";
    server_ = std::make_unique<HttpServer>(options, router_);
    server_->start();
    port_ = server_->port();
  }

  void release_slow() {
    std::lock_guard lock(mutex_);
    slow_released_ = true;
    changed_.notify_all();
  }

  ~HttpServerTest() override {
    release_slow();
    if (server_) server_->stop();
  }

  TempDir site_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool slow_entered_ = false;
  bool slow_released_ = false;
};

TEST_F(HttpServerTest, ReportsTheBoundPortAndServesRoutes) {
  start();
  EXPECT_GT(port_, 0);
  auto response = http_get(port_, "/api/v1/echo/a%20b?q=x+y", "portal");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["name"], "a b");
  EXPECT_EQ(body["q"], "x y");
  EXPECT_TRUE(body["client"].get<std::string>().starts_with("127.0.0.1:"));
  EXPECT_FALSE(response->header("X-Request-Id").empty());
  EXPECT_FALSE(response->header("Date").empty());
}

TEST_F(HttpServerTest, KeepsTheConnectionAliveAcrossRequests) {
  start();
  RawConnection connection(port_);
  std::string first_id;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.send("GET /api/v1/echo/n" + std::to_string(i) +
                                " HTTP/1.1\r\nHost: portal\r\n\r\n"));
    auto response = connection.read_response();
    ASSERT_TRUE(response) << "request " << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(nlohmann::json::parse(response->body)["name"], "n" + std::to_string(i));
    EXPECT_NE(response->header("X-Request-Id"), first_id);
    if (i == 0) first_id = response->header("X-Request-Id");
  }
}

TEST_F(HttpServerTest, UnknownApiPathAndWrongMethodAreProblems) {
  start();
  auto missing = http_get(port_, "/api/v1/nothing", "portal");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(is_problem(*missing, 404)) << missing->body;
  auto wrong = http_request(port_, "DELETE", "/api/v1/echo/x", "portal");
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(is_problem(*wrong, 405)) << wrong->body;
  EXPECT_EQ(wrong->header("Allow"), "GET, HEAD");
}

TEST_F(HttpServerTest, HeadOfAGetRouteHasLengthButNoBody) {
  start();
  auto get = http_get(port_, "/api/v1/echo/z", "portal");
  ASSERT_TRUE(get);
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send("HEAD /api/v1/echo/z HTTP/1.1\r\nHost: portal\r\n\r\n"));
  auto head = connection.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(get->body.size()));
  EXPECT_TRUE(head->body.empty());
  // Nothing but the next response may follow on the connection.
  ASSERT_TRUE(connection.send("GET /api/v1/echo/y HTTP/1.1\r\nHost: portal\r\n\r\n"));
  auto next = connection.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, OversizedBodyIs413AndTheConnectionCloses) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  start(options);
  auto small = http_request(port_, "POST", "/api/v1/items", "portal", {}, std::string(1024, 'x'));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 201);
  EXPECT_EQ(small->body, "1024");

  RawConnection connection(port_);
  ASSERT_TRUE(
      connection.send("POST /api/v1/items HTTP/1.1\r\nHost: portal\r\nContent-Length: "
                      "5000\r\n\r\n" +
                      std::string(5000, 'x')));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_TRUE(is_problem(*response, 413)) << response->body;
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(HttpServerTest, ALargerBodyLimitAppliesOnlyToTheRequestsItIsGrantedFor) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  options.body_limit_for = [](std::string_view method,
                              std::string_view target) -> std::optional<std::size_t> {
    if (method == "POST" && target == "/api/v1/items?large=1") return 8192;
    return std::nullopt;
  };
  start(options);
  auto granted =
      http_request(port_, "POST", "/api/v1/items?large=1", "portal", {}, std::string(5000, 'x'));
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->status, 201);
  EXPECT_EQ(granted->body, "5000");
  auto beyond =
      http_request(port_, "POST", "/api/v1/items?large=1", "portal", {}, std::string(9000, 'x'));
  ASSERT_TRUE(beyond);
  EXPECT_TRUE(is_problem(*beyond, 413)) << beyond->body;
  EXPECT_NE(beyond->body.find("8192"), std::string::npos) << beyond->body;
  auto ordinary =
      http_request(port_, "POST", "/api/v1/items", "portal", {}, std::string(5000, 'x'));
  ASSERT_TRUE(ordinary);
  EXPECT_TRUE(is_problem(*ordinary, 413)) << ordinary->body;
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  start();
  RawConnection connection(port_);
  ASSERT_TRUE(
      connection.send("POST /api/v1/items HTTP/1.1\r\nHost: portal\r\n"
                      "Expect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  std::string interim = connection.read_available(500ms);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(connection.send("abc"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "3");
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  start();
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send("GET /api/v1/echo/a HTTP/1.1\r\nHost: portal\r\nX-Big: " +
                              std::string(17 * 1024, 'h') + "\r\n\r\n"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_TRUE(is_problem(*response, 431)) << response->body;
  EXPECT_TRUE(connection.wait_closed());
}

TEST_F(HttpServerTest, MalformedHttpIs400) {
  start();
  for (std::string garbage :
       {"NOT HTTP AT ALL\r\n\r\n", "GET /api/v1/echo/a HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /api/v1/echo/a HTTP/1.1\r\nContent-Length: x\r\n\r\n"}) {
    RawConnection connection(port_);
    ASSERT_TRUE(connection.send(garbage));
    auto response = connection.read_response();
    ASSERT_TRUE(response) << garbage;
    EXPECT_TRUE(is_problem(*response, 400)) << garbage << response->body;
    EXPECT_TRUE(connection.wait_closed());
  }
}

TEST_F(HttpServerTest, AbsoluteFormTargetIs400Problem) {
  start();
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send("GET http://portal/api/v1/echo/a HTTP/1.1\r\nHost: portal\r\n\r\n"));
  auto response = connection.read_response();
  ASSERT_TRUE(response);
  EXPECT_TRUE(is_problem(*response, 400)) << response->body;
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithoutDetails) {
  start();
  auto response = http_get(port_, "/api/v1/boom", "portal");
  ASSERT_TRUE(response);
  EXPECT_TRUE(is_problem(*response, 500)) << response->body;
  EXPECT_EQ(response->body.find("secret internal detail"), std::string::npos);
}

TEST_F(HttpServerTest, HandlerFieldsThatWouldSplitTheResponseAreDropped) {
  start();
  auto response = http_get(port_, "/api/v1/evil", "portal");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_FALSE(response->has_header("Set-Cookie"));
  EXPECT_FALSE(response->has_header("X-Split"));
  EXPECT_FALSE(response->has_header("Bad Name"));
  EXPECT_EQ(response->header("X-Fine"), "yes");
  auto bad_status = http_get(port_, "/api/v1/bad-status", "portal");
  ASSERT_TRUE(bad_status);
  EXPECT_TRUE(is_problem(*bad_status, 500));
}

TEST_F(HttpServerTest, ServesIndexAssetsAndSpaFallback) {
  start();
  auto index = http_get(port_, "/", "portal");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<h1>Candela</h1>");
  EXPECT_EQ(index->header("Content-Type"), "text/html; charset=utf-8");

  auto asset = http_get(port_, "/assets/app.js", "portal");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "run();");
  EXPECT_EQ(asset->header("Content-Type"), "text/javascript; charset=utf-8");

  auto route = http_get(port_, "/services/AB12CD34E/configuration", "portal");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, "<h1>Candela</h1>");

  auto missing_asset = http_get(port_, "/assets/missing.js", "portal");
  ASSERT_TRUE(missing_asset);
  EXPECT_TRUE(is_problem(*missing_asset, 404));

  auto api = http_get(port_, "/api/v2/unknown", "portal");
  ASSERT_TRUE(api);
  EXPECT_TRUE(is_problem(*api, 404)) << "API paths never fall back to the UI";
}

TEST_F(HttpServerTest, StaticFilesRevalidateWithETag) {
  start();
  auto first = http_get(port_, "/assets/app.js", "portal");
  ASSERT_TRUE(first);
  std::string etag = first->header("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = http_get(port_, "/assets/app.js", "portal", {"If-None-Match: " + etag});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_EQ(again->header("ETag"), etag);
  EXPECT_TRUE(again->body.empty());

  write_file(std::filesystem::path(site_.path()) / "web" / "assets" / "app.js", "run(2);");
  auto changed = http_get(port_, "/assets/app.js", "portal", {"If-None-Match: " + etag});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_EQ(changed->body, "run(2);");
  EXPECT_NE(changed->header("ETag"), etag);
}

TEST_F(HttpServerTest, PathTraversalIsRefused) {
  std::filesystem::create_directory_symlink(site_.path(),
                                            std::filesystem::path(site_.path()) / "web" / "up");
  start();
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/up/secret.txt", "/assets%5c..%5c..%5csecret.txt"}) {
    auto response = http_get(port_, path, "portal");
    ASSERT_TRUE(response) << path;
    EXPECT_GE(response->status, 400) << path;
    EXPECT_EQ(response->body.find("top secret"), std::string::npos) << path;
  }
}

TEST_F(HttpServerTest, StopFinishesTheRequestInFlight) {
  start();
  RawConnection busy(port_);
  RawConnection idle(port_);
  ASSERT_TRUE(busy.send("GET /api/v1/slow HTTP/1.1\r\nHost: portal\r\n\r\n"));
  {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, 5s, [this] { return slow_entered_; }));
  }
  auto stopped = std::async(std::launch::async, [this] { server_->stop(); });
  EXPECT_TRUE(idle.wait_closed(3s)) << "an idle connection is closed at once";
  EXPECT_EQ(stopped.wait_for(200ms), std::future_status::timeout)
      << "stop waits for the request in flight";
  release_slow();
  auto response = busy.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "finished");
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
  EXPECT_THROW(RawConnection refused(port_), std::exception);
}

TEST_F(HttpServerTest, IdleConnectionTimesOut) {
  HttpServerOptions options;
  options.idle_timeout = 200ms;
  start(options);
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send("GET /api/v1/echo/a HTTP/1.1\r\nHost: portal\r\n\r\n"));
  ASSERT_TRUE(connection.read_response());
  EXPECT_TRUE(connection.wait_closed(3s));
}

TEST_F(HttpServerTest, SlowRequestTimesOut) {
  HttpServerOptions options;
  options.read_timeout = 200ms;
  start(options);
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send("GET /api/v1/echo/a HTTP/1.1\r\nHost: por"));
  EXPECT_TRUE(connection.wait_closed(3s));
}

TEST(HttpServerStart, PortInUseIsAStartupError) {
  Router router;
  HttpServer first(HttpServerOptions{}, router);
  first.start();
  HttpServerOptions options;
  options.port = first.port();
  HttpServer second(options, router);
  EXPECT_THROW(second.start(), std::runtime_error);
}

}  // namespace
}  // namespace candela::portal
